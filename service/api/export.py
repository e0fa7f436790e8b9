"""The Word export of the protocol under review, with the export dialog's choices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from .. import org_lists, review
from ..audit import client_ip, record
from ..deps import CurrentUser, find_meeting
from ..errors import Conflict
from ..exports import ExportOptions, docx_bytes

router = APIRouter(prefix="/meetings/{meeting_id}")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/export.docx", response_class=Response,
            responses={200: {"content": {DOCX: {}}}, 409: {"description": "Ogranskade beslut, eller ingen mall"}})
async def export(meeting_id: str, request: Request, user: CurrentUser, options: Annotated[ExportOptions, Query()]):
    """Word file of the current version. Rejected decisions never appear; the document's properties say how
    much of the AI draft was kept. `mode=approved` is refused (409) while decisions are unreviewed;
    `comments` attaches the evidence, `item` makes a protokollsutdrag, `template` uses the organisation's
    Word template."""
    with request.app.state.sessions() as db:
        row = find_meeting(db, user, meeting_id)
        protocol, original = review.load_protocol(row), review.load_original(row)
        template = None
        if options.template:
            saved = org_lists.template(db, user.org_id)
            if saved is None:
                raise Conflict("Organisationen har ingen Word-mall än – ladda upp en först – no template uploaded")
            template = saved.content
    workdir = request.app.state.data.meeting_dir(row.id) / "exports"
    content = await run_in_threadpool(docx_bytes, protocol, original, workdir, row.updated, options, template)
    with request.app.state.sessions() as db:
        record(db, "export", user.email, org_id=user.org_id, target=row.id, ip=client_ip(request))
    suffix = f"-utdrag-punkt-{options.item}" if options.item else ""
    name = f"protokoll-{protocol.meeting.date.isoformat()}{suffix}.docx"
    return Response(content, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
