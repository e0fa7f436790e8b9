"""Meetings: list, upload (recording + card), status, the recording, and deletion (GDPR)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from sqlalchemy import select

from ..audit import client_ip, record
from ..db import MeetingRow
from ..deps import CurrentUser, MeetingDep, Secretary, SessionDep, WritableMeeting, Writer
from ..errors import NotFound
from ..meetings import delete_meeting as remove_meeting
from ..schemas import Created, MeetingStatus
from ..storage import audio_media_type
from ..uploads import receive_upload

router = APIRouter()

_UPLOAD_DOC = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["recording", "meeting"],
    "properties": {"recording": {"type": "string", "format": "binary", "description": "Inspelningen (ljudfil)"},
                   "meeting": {"type": "string", "format": "binary", "description": "Mötets kort (YAML)"}}}}}}}


@router.get("/meetings", response_model=list[MeetingStatus])
def list_meetings(db: SessionDep, user: CurrentUser):
    rows = db.scalars(select(MeetingRow).where(MeetingRow.org_id == user.org_id)
                      .order_by(MeetingRow.created.desc()))
    return [MeetingStatus.of(r) for r in rows]


@router.post("/meetings", status_code=201, response_model=Created, openapi_extra=_UPLOAD_DOC,
             responses={413: {"description": "För stor fil"}, 415: {"description": "Inte ljud"},
                        422: {"description": "Ogiltigt mötes­kort"}})
async def upload_meeting(request: Request, user: Secretary):  # a chair or justerare reviews, never uploads
    """Stream the recording to disk, check it is audio by content, queue the job."""
    meeting_id = await receive_upload(request, user)
    with request.app.state.sessions() as db:
        record(db, "upload", user.email, org_id=user.org_id, target=meeting_id, ip=client_ip(request))
    return Created(id=meeting_id)


@router.get("/meetings/{meeting_id}", response_model=MeetingStatus)
def get_meeting(row: MeetingDep):
    return MeetingStatus.of(row)


@router.delete("/meetings/{meeting_id}", status_code=204)
def delete_meeting(row: WritableMeeting, request: Request, db: SessionDep, user: Writer) -> None:
    """GDPR: remove the recording, transcript, drafts, exports, protocol and its audit trail."""
    remove_meeting(db, request.app.state, row, user, client_ip(request))


@router.get("/meetings/{meeting_id}/recording", response_class=FileResponse)
def recording(row: MeetingDep, request: Request, db: SessionDep, user: CurrentUser):
    path = request.app.state.data.recording(row.id)
    if path is None:
        raise NotFound("Inspelningen finns inte – recording not found")
    if "range" not in request.headers or request.headers["range"].startswith("bytes=0-"):  # not every seek
        record(db, "download", user.email, org_id=user.org_id, target=row.id, ip=client_ip(request))
    return FileResponse(path, media_type=audio_media_type(path))  # supports Range, so the player can seek
