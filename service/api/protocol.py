"""The protocol under review: read it, edit decisions, items and the header, move an item's boundaries,
redraft an item, mark a flag handled, what changed since a version, the audit trail and how much of the
draft was kept (the Word export: api/export.py). Every change sends back the version it was based on
(see service/review.py)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from .. import review
from ..db import AuditRow
from ..deps import MeetingDep, SessionDep, WritableMeeting, Writer, find_meeting
from ..exports import KeptStats, kept_stats
from ..schemas import (AuditEntry, BoundsPatch, Change, Changes, DecisionAdded, DecisionNew, DecisionPatch, FlagPatch,
                       HeaderPatch, ItemPatch, ProtocolOut, Saved, VersionOnly)
from ..stages import check_editable

router = APIRouter(prefix="/meetings/{meeting_id}")
STALE = {409: {"description": "Inaktuell version eller protokollet är inte klart"}}


@router.get("/protocol", response_model=ProtocolOut, responses=STALE)
def get_protocol(row: MeetingDep):
    """The protocol JSON of the CLI contract, plus `version` (send it back with every change)."""
    return ProtocolOut(**review.load_protocol(row).model_dump(), version=row.version)


@router.patch("/decisions/{decision_id}", response_model=Saved, responses=STALE)
def patch_decision(decision_id: str, body: DecisionPatch, row: WritableMeeting, db: SessionDep, user: Writer):
    return Saved(version=review.set_decision(db, row, user.email, body.version, decision_id, body.status, body.text))


@router.post("/items/{number}/decisions", status_code=201, response_model=DecisionAdded, responses=STALE)
def add_decision(number: int, body: DecisionNew, row: WritableMeeting, db: SessionDep, user: Writer):
    version, decision = review.add_decision(db, row, user.email, body.version, number, body.text)
    return DecisionAdded(version=version, decision=decision)


@router.patch("/items/{number}", response_model=Saved, responses=STALE)
def patch_item(number: int, body: ItemPatch, row: WritableMeeting, db: SessionDep, user: Writer):
    fields = body.model_dump(include={"summary", "transcript"}, exclude_none=True)
    return Saved(version=review.edit_item(db, row, user.email, body.version, number, fields))


@router.patch("/items/{number}/bounds", response_model=Saved, responses=STALE)
def patch_bounds(number: int, body: BoundsPatch, row: WritableMeeting, db: SessionDep, user: Writer,
                 request: Request):
    """Give the item the recording from `start` to `end` (seconds): its talk, decisions and flags follow."""
    transcript = request.app.state.data.transcript(row.id)
    return Saved(version=review.set_bounds(db, row, user.email, body.version, number, body.start, body.end, transcript))


@router.patch("/items/{number}/flags", response_model=Saved, responses=STALE)
def patch_flag(number: int, body: FlagPatch, row: WritableMeeting, db: SessionDep, user: Writer):
    return Saved(version=review.set_flag_handled(db, row, user.email, body.version, number, body.flag, body.handled))


@router.get("/changes", response_model=Changes)
def changes(row: MeetingDep, db: SessionDep, since: int = Query(ge=0)):
    """The current version and what each change after `since` touched (poll it; it reads no protocol)."""
    return Changes(version=row.version, changes=[Change(version=a.version, action=a.action, target=a.target)
                                                 for a in review.changes_since(db, row, since)])


@router.post("/items/{number}/redraft", response_model=Saved, responses=STALE)
async def redraft(meeting_id: str, number: int, body: VersionOnly, request: Request, user: Writer):
    """Draft the item again from its (corrected) transcript. Reviewed decisions are kept."""
    sessions, runner = request.app.state.sessions, request.app.state.runner
    with sessions() as db:  # no session is held while the drafter works
        row = find_meeting(db, user, meeting_id)
        check_editable(db, row, user.email, f"item:{number}")  # before the drafter works, not after
        review.check_fields(db, row, body.version, *review.redraft_fields(number))
        protocol = review.load_protocol(row)
        transcript = review.item_of(protocol, number).transcript
    fresh = await run_in_threadpool(runner.redraft, protocol, transcript, number)
    with sessions() as db:
        row = find_meeting(db, user, meeting_id)
        return Saved(version=review.apply_redraft(db, row, user.email, body.version, number, fresh))


@router.patch("/header", response_model=Saved, responses=STALE)
def patch_header(body: HeaderPatch, row: WritableMeeting, db: SessionDep, user: Writer):
    changes = body.model_dump(exclude={"version"}, exclude_none=True)
    return Saved(version=review.edit_header(db, row, user.email, body.version, changes))


@router.get("/audit", response_model=list[AuditEntry])
def audit(row: MeetingDep, db: SessionDep):
    """Every change, oldest first; the first entry is the AI draft as delivered."""
    rows = db.scalars(select(AuditRow).where(AuditRow.meeting_id == row.id).order_by(AuditRow.id))
    return [AuditEntry(at=a.at.isoformat() + "Z", actor=a.actor, action=a.action, target=a.target, version=a.version,
                       before=json.loads(a.before) if a.before else None,
                       after=json.loads(a.after) if a.after else None) for a in rows]


@router.get("/stats", response_model=KeptStats, responses=STALE)
def stats(row: MeetingDep):
    return kept_stats(review.load_original(row), review.load_protocol(row))
