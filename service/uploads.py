"""An upload becomes a queued meeting: stream the form to a staging folder, check the card and the
recording, move the folder into place and add the meeting's row. Any failure removes the staging
folder, so nothing half-written is left behind and no row points at missing files."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import yaml
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import sessionmaker

from pipelines.audio import CONTAINERS
from pipelines.errors import AudioError, InputError
from pipelines.meeting_card import meeting_from_dict
from pipelines.models import QUEUED, Meeting

from .auth import CurrentUser
from .db import MeetingRow
from .storage import DataDir, StreamingForm, UploadTooLarge, check_audio


async def receive_upload(request: Request, user: CurrentUser) -> str:
    """Read the multipart body as a stream; return the new meeting's id (already queued)."""
    state = request.app.state
    limit = state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + StreamingForm.SLACK:
        raise UploadTooLarge(f"Filen är för stor (gräns {limit // (1024 * 1024)} MB) – upload too large")
    staging = state.data.new_staging()
    try:
        form = StreamingForm(request.headers.get("content-type", ""), staging, limit)
        async for chunk in request.stream():
            form.feed(chunk)
        form.close()
        # Reading the card and decoding audio take CPU time: off the event loop.
        meeting_id = await run_in_threadpool(store_upload, state.data, state.sessions, form, staging, user,
                                             state.settings.max_audio_hours * 3600)
    except BaseException:  # bad input, client went away, server stopping, …
        shutil.rmtree(staging, ignore_errors=True)
        raise
    state.runner.submit(meeting_id)
    return meeting_id


def parse_card(text: str) -> Meeting:
    try:
        return meeting_from_dict(yaml.safe_load(text), "mötets kort")
    except yaml.YAMLError as e:
        raise InputError(f"mötets kort: felaktig YAML – invalid YAML: {e}") from None
    except RecursionError:
        raise InputError("mötets kort är för djupt nästlat – the meeting card is nested too deeply") from None


def _card_text(form: StreamingForm) -> str:
    if "meeting" in form.files:
        try:
            return form.files["meeting"].path.read_text(encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise InputError("mötets kort är inte UTF-8-text – meeting card is not UTF-8") from None
    if "meeting" in form.fields:
        return form.fields["meeting"]
    raise InputError("fältet 'meeting' med mötets kort saknas – meeting card missing")


def store_upload(data: DataDir, sessions: sessionmaker, form: StreamingForm, staging: Path, user: CurrentUser,
                 max_seconds: float) -> str:
    rec = form.files.get("recording")
    if rec is None or rec.size == 0:
        raise InputError("fältet 'recording' med inspelningen saknas eller är tomt – recording missing or empty")
    card_text = _card_text(form)
    meeting = parse_card(card_text)
    try:
        info = check_audio(rec.path, max_seconds)
    except AudioError as e:  # speak of the user's file name, not our staging name
        raise AudioError(str(e).replace(rec.path.name, rec.filename)) from None

    meeting_id = uuid.uuid4().hex
    rec.path.rename(staging / f"recording{CONTAINERS[info.container].suffix}")  # the suffix of what it really is
    (staging / "meeting.yaml").write_text(card_text, encoding="utf-8")
    for f in form.files.values():
        f.path.unlink(missing_ok=True)
    final = data.commit_staging(staging, meeting_id)
    try:
        with sessions() as db:
            db.add(MeetingRow(id=meeting_id, org_id=user.org_id, created_by=user.email, title=meeting.title,
                              meeting_date=meeting.date.isoformat(), recording_name=rec.filename,
                              duration_seconds=info.duration, status=QUEUED))
            db.commit()
    except Exception:
        shutil.rmtree(final, ignore_errors=True)
        raise
    return meeting_id
