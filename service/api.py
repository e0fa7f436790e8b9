"""JSON API (OpenAPI at /docs). Thin routes: parsing, access checks and status codes only.

Every meeting route looks the meeting up *within the caller's organisation*; a meeting of another
organisation is indistinguishable from one that does not exist (404).
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Literal

import yaml
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipelines.errors import AudioError, InputError, ProtokollError
from pipelines.meeting_card import meeting_from_dict
from pipelines.models import Decision, Person, Protocol

from . import auth, review
from .db import QUEUED, READY, AuditRow, MeetingRow
from .jobs import overall_progress
from .storage import StreamingForm, UploadTooLarge, check_audio, safe_suffix

router = APIRouter(prefix="/api", tags=["api"])

STALE = "Någon annan har ändrat protokollet sedan du öppnade det – someone else changed the protocol"


# --- dependencies -------------------------------------------------------------------------

def get_db(request: Request):
    with request.app.state.sessions() as db:
        yield db


def current_user(request: Request, db: Session = Depends(get_db)) -> auth.CurrentUser:
    user = auth.session_user(db, request.cookies.get(auth.COOKIE))
    if user is None:
        raise HTTPException(401, "Du är inte inloggad – not logged in")
    return user


def writer(request: Request, user: auth.CurrentUser = Depends(current_user)) -> auth.CurrentUser:
    """A logged-in user making a state-changing request: the CSRF token must match the session."""
    if not auth.csrf_ok(user, request.headers.get(auth.CSRF_HEADER)):
        raise HTTPException(403, "CSRF-token saknas eller är fel – missing or wrong CSRF token")
    return user


def meeting_row(meeting_id: str, db: Session, user: auth.CurrentUser) -> MeetingRow:
    row = db.get(MeetingRow, meeting_id)
    if row is None or row.org_id != user.org_id:
        raise HTTPException(404, "Mötet finns inte – meeting not found")
    return row


def _protocol_or_409(row: MeetingRow) -> Protocol:
    try:
        return review.load_protocol(row)
    except review.NotReady:
        raise HTTPException(409, "Protokollet är inte klart än – the protocol is not ready yet") from None


def _change(db, row, version, user, action, target, apply):
    try:
        return review.change(db, row, version, user.email, action, target, apply)
    except review.StaleVersion as e:
        raise HTTPException(409, {"message": STALE, "version": e.current}) from None
    except review.NotReady:
        raise HTTPException(409, "Protokollet är inte klart än – the protocol is not ready yet") from None


# --- schemas ------------------------------------------------------------------------------

class LoginIn(BaseModel):
    email: str
    password: str


class LoginOut(BaseModel):
    email: str
    organisation: str
    csrf_token: str


class Created(BaseModel):
    id: str


class MeetingStatus(BaseModel):
    id: str
    title: str
    date: str
    status: Literal["queued", "transcribing", "segmenting", "drafting", "ready", "failed"]
    progress: float = Field(ge=0, le=1)
    stage_progress: float
    eta_seconds: float | None
    error: str | None
    version: int


class DecisionPatch(BaseModel):
    status: Literal["suggested", "accepted", "edited", "rejected"]
    text: str | None = None
    version: int


class DecisionNew(BaseModel):
    text: str = Field(min_length=1)
    version: int


class ItemPatch(BaseModel):
    summary: str | None = None
    transcript: str | None = None
    version: int


class HeaderPatch(BaseModel):
    attendees: list[str] | None = None
    absent: list[str] | None = None
    place: str | None = None
    time: str | None = None
    justerare: list[str] | None = None
    version: int


class VersionOnly(BaseModel):
    version: int


class Saved(BaseModel):
    version: int


# --- session ------------------------------------------------------------------------------

@router.post("/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, response: Response, db: Session = Depends(get_db)):
    user = auth.authenticate(db, body.email, body.password)
    if user is None:
        raise HTTPException(401, "Fel e-post eller lösenord – wrong email or password")
    token, csrf = auth.create_session(db, user)
    set_session_cookie(response, token, request.app.state.settings.secure_cookies)
    me = auth.session_user(db, token)
    return LoginOut(email=me.email, organisation=me.org_name, csrf_token=csrf)


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(auth.COOKIE, token, httponly=True, samesite="lax", secure=secure,
                        max_age=auth.SESSION_DAYS * 86400, path="/")


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, user=Depends(writer), db: Session = Depends(get_db)):
    auth.end_session(db, request.cookies.get(auth.COOKIE))
    response.delete_cookie(auth.COOKIE, path="/")


@router.get("/me", response_model=LoginOut)
def me(user: auth.CurrentUser = Depends(current_user)):
    return LoginOut(email=user.email, organisation=user.org_name, csrf_token=user.csrf)


# --- meetings -----------------------------------------------------------------------------

def status_of(row: MeetingRow) -> MeetingStatus:
    return MeetingStatus(id=row.id, title=row.title, date=row.meeting_date, status=row.status,
                         progress=overall_progress(row.status, row.stage_progress),
                         stage_progress=row.stage_progress, eta_seconds=row.eta_seconds,
                         error=row.error, version=row.version)


@router.get("/meetings", response_model=list[MeetingStatus])
def list_meetings(db: Session = Depends(get_db), user=Depends(current_user)):
    rows = db.scalars(select(MeetingRow).where(MeetingRow.org_id == user.org_id)
                      .order_by(MeetingRow.created.desc()))
    return [status_of(r) for r in rows]


_UPLOAD_DOC = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["recording", "meeting"],
    "properties": {"recording": {"type": "string", "format": "binary", "description": "Inspelningen (ljudfil)"},
                   "meeting": {"type": "string", "format": "binary", "description": "Mötets kort (YAML)"}}}}}}}


@router.post("/meetings", status_code=201, response_model=Created, openapi_extra=_UPLOAD_DOC,
             responses={413: {"description": "För stor fil"}, 415: {"description": "Inte ljud"},
                        422: {"description": "Ogiltigt mötes­kort"}})
async def upload_meeting(request: Request, user=Depends(writer)):
    """Stream the recording to disk, check it is audio by content, queue the job."""
    state = request.app.state
    limit = state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + StreamingForm.SLACK:
        raise HTTPException(413, f"Filen är för stor (gräns {limit // (1024 * 1024)} MB) – upload too large")
    staging = state.data.new_staging()
    try:
        form = StreamingForm(request.headers.get("content-type", ""), staging, limit)
        async for chunk in request.stream():
            form.feed(chunk)
        form.close()
        rec = form.files.get("recording")
        if rec is None or rec.size == 0:
            raise InputError("fältet 'recording' med inspelningen saknas eller är tomt – recording missing or empty")
        if "meeting" in form.files:
            card_text = form.files["meeting"].path.read_text(encoding="utf-8", errors="strict")
        elif "meeting" in form.fields:
            card_text = form.fields["meeting"]
        else:
            raise InputError("fältet 'meeting' med mötets kort saknas – meeting card missing")
        try:
            meeting = meeting_from_dict(yaml.safe_load(card_text), "mötets kort")
        except yaml.YAMLError as e:
            raise InputError(f"mötets kort: felaktig YAML – invalid YAML: {e}") from None
        try:
            await run_in_threadpool(check_audio, rec.path)
        except AudioError as e:  # speak of the user's file name, not our staging name
            raise AudioError(str(e).replace(rec.path.name, rec.filename)) from None

        meeting_id = uuid.uuid4().hex
        rec.path.rename(staging / f"recording{safe_suffix(rec.filename, '.audio')}")
        (staging / "meeting.yaml").write_text(card_text, encoding="utf-8")
        for f in form.files.values():
            f.path.unlink(missing_ok=True)
        final = state.data.commit_staging(staging, meeting_id)
        try:
            with state.sessions() as db:
                db.add(MeetingRow(id=meeting_id, org_id=user.org_id, created_by=user.email, title=meeting.title,
                                  meeting_date=meeting.date.isoformat(), recording_name=rec.filename[:300],
                                  status=QUEUED))
                db.commit()
        except Exception:
            shutil.rmtree(final, ignore_errors=True)
            raise
    except UploadTooLarge as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise HTTPException(413, str(e)) from None
    except AudioError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise HTTPException(415, str(e)) from None
    except UnicodeDecodeError:
        shutil.rmtree(staging, ignore_errors=True)
        raise HTTPException(422, "mötets kort är inte UTF-8-text – meeting card is not UTF-8") from None
    except InputError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise HTTPException(422, str(e)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # client went away, server stopping, …
        raise
    state.runner.submit(meeting_id)
    return Created(id=meeting_id)


@router.get("/meetings/{meeting_id}", response_model=MeetingStatus)
def get_meeting(meeting_id: str, db: Session = Depends(get_db), user=Depends(current_user)):
    return status_of(meeting_row(meeting_id, db, user))


@router.delete("/meetings/{meeting_id}", status_code=204)
def delete_meeting(meeting_id: str, request: Request, db: Session = Depends(get_db), user=Depends(writer)):
    """GDPR: remove the recording, transcript, drafts, exports, protocol and its audit trail."""
    row = meeting_row(meeting_id, db, user)
    request.app.state.runner.cancel(row.id)
    db.execute(delete(AuditRow).where(AuditRow.meeting_id == row.id))
    db.delete(row)
    db.commit()
    request.app.state.data.delete_meeting(row.id)


@router.get("/meetings/{meeting_id}/recording", response_class=FileResponse)
def recording(meeting_id: str, request: Request, db: Session = Depends(get_db), user=Depends(current_user)):
    row = meeting_row(meeting_id, db, user)
    path = request.app.state.data.recording(row.id)
    if path is None:
        raise HTTPException(404, "Inspelningen finns inte – recording not found")
    return FileResponse(path, media_type=_audio_type(path))  # supports Range, so the player can seek


def _audio_type(path: Path) -> str:
    return {".flac": "audio/flac", ".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
            ".ogg": "audio/ogg", ".opus": "audio/ogg", ".webm": "audio/webm"}.get(path.suffix, "application/octet-stream")


# --- the protocol under review ------------------------------------------------------------

@router.get("/meetings/{meeting_id}/protocol")
def get_protocol(meeting_id: str, db: Session = Depends(get_db), user=Depends(current_user)) -> dict:
    """The protocol JSON of the CLI contract, plus `version` (send it back with every change)."""
    row = meeting_row(meeting_id, db, user)
    protocol = _protocol_or_409(row)
    return {**protocol.model_dump(mode="json"), "version": row.version}


@router.patch("/meetings/{meeting_id}/decisions/{decision_id}", response_model=Saved,
              responses={409: {"description": "Inaktuell version"}})
def patch_decision(meeting_id: str, decision_id: str, body: DecisionPatch,
                   db: Session = Depends(get_db), user=Depends(writer)):
    row = meeting_row(meeting_id, db, user)

    def apply(protocol: Protocol):
        for item in protocol.items:
            for d in item.decisions:
                if d.id == decision_id:
                    before = d.model_dump(mode="json")
                    if body.text is not None and not body.text.strip():
                        raise HTTPException(422, "Beslutstexten är tom – decision text is empty")
                    if body.text is not None and body.text.strip() != d.text.strip():
                        d.text = body.text.strip()
                        d.status = "rejected" if body.status == "rejected" else "edited"
                    else:
                        d.status = body.status
                    return before, d.model_dump(mode="json")
        raise HTTPException(404, "Beslutet finns inte – decision not found")

    _, version = _change(db, row, body.version, user, "decision", f"decision:{decision_id}", apply)
    return Saved(version=version)


@router.post("/meetings/{meeting_id}/items/{number}/decisions", status_code=201)
def add_decision(meeting_id: str, number: int, body: DecisionNew,
                 db: Session = Depends(get_db), user=Depends(writer)) -> dict:
    row = meeting_row(meeting_id, db, user)
    new = Decision(text=body.text.strip(), status="accepted", flags=["tillagt av sekreteraren"])

    def apply(protocol: Protocol):
        _item(protocol, number).decisions.append(new)
        return None, new.model_dump(mode="json")

    _, version = _change(db, row, body.version, user, "decision_added", f"item:{number}", apply)
    return {"version": version, "decision": new.model_dump(mode="json")}


def _item(protocol: Protocol, number: int):
    try:
        return protocol.item(number)
    except KeyError:
        raise HTTPException(404, "Punkten finns inte – agenda item not found") from None


@router.patch("/meetings/{meeting_id}/items/{number}", response_model=Saved)
def patch_item(meeting_id: str, number: int, body: ItemPatch, db: Session = Depends(get_db), user=Depends(writer)):
    row = meeting_row(meeting_id, db, user)
    fields = {k: v for k, v in {"summary": body.summary, "transcript": body.transcript}.items() if v is not None}
    if not fields:
        raise HTTPException(422, "Inget att ändra (summary eller transcript) – nothing to change")

    def apply(protocol: Protocol):
        item = _item(protocol, number)
        before = {k: getattr(item, k) for k in fields}
        for k, v in fields.items():
            setattr(item, k, v)
        return before, fields

    _, version = _change(db, row, body.version, user, "item", f"item:{number}:{','.join(fields)}", apply)
    return Saved(version=version)


@router.post("/meetings/{meeting_id}/items/{number}/redraft", response_model=Saved)
async def redraft(meeting_id: str, number: int, body: VersionOnly, request: Request, user=Depends(writer)):
    """Draft the item again from its (corrected) transcript. Reviewed decisions are kept."""
    with request.app.state.sessions() as db:
        row = meeting_row(meeting_id, db, user)
        protocol = _protocol_or_409(row)
        if row.version != body.version:
            raise HTTPException(409, {"message": STALE, "version": row.version})
        item = _item(protocol, number)
    try:
        fresh = await run_in_threadpool(request.app.state.runner.redraft, protocol, item.transcript, number)
    except ProtokollError as e:
        raise HTTPException(422, str(e)) from None

    def apply(p: Protocol):
        it = _item(p, number)
        before = {"summary": it.summary, "decisions": [d.model_dump(mode="json") for d in it.decisions]}
        kept = [d for d in it.decisions if d.status != "suggested"]
        known = {d.text.strip().lower() for d in kept}
        it.summary = fresh.summary
        it.bullets = fresh.bullets
        it.decisions = kept + [d for d in fresh.decisions if d.text.strip().lower() not in known]
        return before, {"summary": it.summary, "decisions": [d.model_dump(mode="json") for d in it.decisions]}

    with request.app.state.sessions() as db:
        row = meeting_row(meeting_id, db, user)
        _, version = _change(db, row, body.version, user, "redraft", f"item:{number}", apply)
    return Saved(version=version)


@router.patch("/meetings/{meeting_id}/header", response_model=Saved)
def patch_header(meeting_id: str, body: HeaderPatch, db: Session = Depends(get_db), user=Depends(writer)):
    row = meeting_row(meeting_id, db, user)
    changes = body.model_dump(exclude={"version"}, exclude_none=True)
    if not changes:
        raise HTTPException(422, "Inget att ändra – nothing to change")

    def apply(protocol: Protocol):
        m = protocol.meeting
        before = {k: json.loads(json.dumps(getattr(m, k), default=lambda o: o.model_dump())) for k in changes}
        for key in ("attendees", "absent"):
            if key in changes:
                setattr(m, key, [Person.model_validate(s) for s in changes[key] if s.strip()])
        for key in ("place", "time"):
            if key in changes:
                setattr(m, key, changes[key].strip() or None)
        if "justerare" in changes:
            m.justerare = [s.strip() for s in changes["justerare"] if s.strip()]
        return before, changes

    _, version = _change(db, row, body.version, user, "header", "meeting", apply)
    return Saved(version=version)


@router.get("/meetings/{meeting_id}/audit")
def audit(meeting_id: str, db: Session = Depends(get_db), user=Depends(current_user)) -> list[dict]:
    """Every change, oldest first; the first entry is the AI draft as delivered."""
    row = meeting_row(meeting_id, db, user)
    rows = db.scalars(select(AuditRow).where(AuditRow.meeting_id == row.id).order_by(AuditRow.id))
    return [{"at": a.at.isoformat() + "Z", "actor": a.actor, "action": a.action, "target": a.target,
             "version": a.version, "before": json.loads(a.before) if a.before else None,
             "after": json.loads(a.after) if a.after else None} for a in rows]


@router.get("/meetings/{meeting_id}/stats", response_model=review.KeptStats)
def stats(meeting_id: str, db: Session = Depends(get_db), user=Depends(current_user)):
    row = meeting_row(meeting_id, db, user)
    return review.kept_stats(Protocol.model_validate_json(row.original), _protocol_or_409(row))


@router.get("/meetings/{meeting_id}/export.docx", response_class=FileResponse)
async def export(meeting_id: str, request: Request, mode: Literal["draft", "approved"] | None = None,
                 user=Depends(current_user)):
    """Word file of the current version. Rejected decisions never appear; the document's
    properties say how much of the AI draft was kept."""
    with request.app.state.sessions() as db:
        row = meeting_row(meeting_id, db, user)
        if row.status != READY:
            raise HTTPException(409, "Protokollet är inte klart än – the protocol is not ready yet")
        protocol = _protocol_or_409(row)
        original = Protocol.model_validate_json(row.original)
        version = row.version
    out = request.app.state.data.meeting_dir(row.id) / "exports" / f"protokoll-v{version}.docx"
    await run_in_threadpool(review.write_docx, protocol, original, out, mode)
    name = f"protokoll-{protocol.meeting.date.isoformat()}.docx"
    return FileResponse(out, filename=name,
                        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
