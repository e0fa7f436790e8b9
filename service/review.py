"""The protocol under review: versioned changes with an audit trail, and the edits a secretary makes.

All writes go through `change`, which does compare-and-set on the meeting's version: a write based on
an older version fails with `StaleVersion` (HTTP 409), never silently overwrites. The change and its
audit entry are committed in the same transaction, so no edit is ever untraceable. The edit functions
below (decisions, items, redraft merge, header) are plain functions of the protocol; routes only call them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipelines.models import ACCEPTED, EDITED, READY, REJECTED, SUGGESTED, Decision, ItemDraft, Person, Protocol

from .db import AuditRow, MeetingRow, utcnow
from .errors import Invalid, NotFound, NotReady, StaleVersion
from .stages import check_editable

Apply = Callable[[Protocol], tuple[Any, Any]]


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return json.dumps(value, ensure_ascii=False)


def load_protocol(row: MeetingRow) -> Protocol:
    if row.protocol is None:
        raise NotReady()
    return Protocol.model_validate_json(row.protocol)


def load_original(row: MeetingRow) -> Protocol:
    if row.original is None:
        raise NotReady()
    return Protocol.model_validate_json(row.original)


def check_version(row: MeetingRow, version: int) -> None:
    if row.protocol is None:
        raise NotReady()
    if version != row.version:
        raise StaleVersion(row.version)


def change(db: Session, row: MeetingRow, version: int, actor: str, action: str, target: str, apply: Apply,
           *, correction: bool = False) -> int:
    """Apply `apply(protocol) -> (before, after)` if `version` is current; record it; return the new version.
    Only a draft is edited; a `correction` (a rättelse of a justerat protocol, service/lifecycle.py) is
    the one change made after justering."""
    if not correction:
        check_editable(db, row, actor, target)
    check_version(row, version)
    protocol = load_protocol(row)
    before, after = apply(protocol)
    new_version = version + 1
    # Compare-and-set: another writer between our read and this update makes rowcount 0.
    result = db.execute(
        update(MeetingRow)
        .where(MeetingRow.id == row.id, MeetingRow.version == version)
        .values(protocol=protocol.model_dump_json(), version=new_version, updated=utcnow())
    )
    if result.rowcount != 1:
        db.rollback()
        current = db.scalar(select(MeetingRow.version).where(MeetingRow.id == row.id))
        raise StaleVersion(current or 0)
    db.add(AuditRow(meeting_id=row.id, actor=actor, action=action, target=target,
                    before=_dump(before), after=_dump(after), version=new_version))
    db.commit()
    return new_version


def record_ai_draft(db: Session, meeting_id: str, protocol: Protocol) -> bool:
    """Store the finished AI draft as version 1 and as the first audit entry. False if already stored."""
    text = protocol.model_dump_json()
    result = db.execute(
        update(MeetingRow)
        .where(MeetingRow.id == meeting_id, MeetingRow.protocol.is_(None))
        .values(protocol=text, original=text, version=1, status=READY, stage_progress=1.0,
                eta_seconds=0.0, error=None, worker_pid=None, updated=utcnow())
    )
    if result.rowcount != 1:
        db.rollback()
        return False
    db.add(AuditRow(meeting_id=meeting_id, actor=f"AI ({protocol.drafter or 'okänd'})", action="ai_draft",
                    target="protocol", before=None, after=text, version=1))
    db.commit()
    return True


# --- the edits ---------------------------------------------------------------------------------

def item_of(protocol: Protocol, number: int) -> ItemDraft:
    try:
        return protocol.item(number)
    except KeyError:
        raise NotFound("Punkten finns inte – agenda item not found") from None


def _decision_of(protocol: Protocol, decision_id: str) -> Decision:
    for item in protocol.items:
        for d in item.decisions:
            if d.id == decision_id:
                return d
    raise NotFound("Beslutet finns inte – decision not found")


def set_decision(db: Session, row: MeetingRow, actor: str, version: int, decision_id: str,
                 status: str, text: str | None) -> int:
    """Accept, reject or edit a decision. Changed text makes it "edited" (or keeps it rejected)."""
    if text is not None and not text.strip():
        raise Invalid("Beslutstexten är tom – decision text is empty")

    def apply(protocol: Protocol):
        d = _decision_of(protocol, decision_id)
        before = d.model_dump(mode="json")
        if text is not None and text.strip() != d.text.strip():
            d.text = text.strip()
            d.status = REJECTED if status == REJECTED else EDITED
        else:
            d.status = status
        return before, d.model_dump(mode="json")

    return change(db, row, version, actor, "decision", f"decision:{decision_id}", apply)


def add_decision(db: Session, row: MeetingRow, actor: str, version: int, number: int, text: str) -> tuple[int, Decision]:
    new = Decision(text=text.strip(), status=ACCEPTED, flags=["tillagt av sekreteraren"])

    def apply(protocol: Protocol):
        item_of(protocol, number).decisions.append(new)
        return None, new.model_dump(mode="json")

    return change(db, row, version, actor, "decision_added", f"item:{number}", apply), new


def edit_item(db: Session, row: MeetingRow, actor: str, version: int, number: int, fields: dict[str, str]) -> int:
    """Replace an item's summary and/or corrected transcript."""
    if not fields:
        raise Invalid("Inget att ändra (summary eller transcript) – nothing to change")

    def apply(protocol: Protocol):
        item = item_of(protocol, number)
        before = {k: getattr(item, k) for k in fields}
        for k, v in fields.items():
            setattr(item, k, v)
        return before, fields

    return change(db, row, version, actor, "item", f"item:{number}:{','.join(fields)}", apply)


def merge_redraft(item: ItemDraft, fresh: ItemDraft) -> None:
    """A redrafted item keeps every reviewed decision; unreviewed suggestions are replaced."""
    kept = [d for d in item.decisions if d.status != SUGGESTED]
    known = {d.text.strip().lower() for d in kept}
    item.summary = fresh.summary
    item.bullets = fresh.bullets
    item.decisions = kept + [d for d in fresh.decisions if d.text.strip().lower() not in known]


def apply_redraft(db: Session, row: MeetingRow, actor: str, version: int, number: int, fresh: ItemDraft) -> int:
    def view(it: ItemDraft) -> dict:
        return {"summary": it.summary, "decisions": [d.model_dump(mode="json") for d in it.decisions]}

    def apply(protocol: Protocol):
        item = item_of(protocol, number)
        before = view(item)
        merge_redraft(item, fresh)
        return before, view(item)

    return change(db, row, version, actor, "redraft", f"item:{number}", apply)


def _people(lines: list[str], field: str) -> list[Person]:
    people = []
    for line in lines:
        if not line.strip():
            continue
        try:
            people.append(Person.model_validate(line))
        except ValidationError:
            raise Invalid(f"{field}: {line.strip()!r} saknar namn – a person needs a name") from None
    return people


def edit_header(db: Session, row: MeetingRow, actor: str, version: int, changes: dict[str, Any]) -> int:
    """Attendance, place, time, chair and justerare, as the secretary corrects them."""
    if not changes:
        raise Invalid("Inget att ändra – nothing to change")
    people = {key: _people(changes[key], key) for key in ("attendees", "absent") if key in changes}

    def apply(protocol: Protocol):
        m = protocol.meeting
        before = {k: json.loads(json.dumps(getattr(m, k), default=lambda o: o.model_dump())) for k in changes}
        for key, value in people.items():
            setattr(m, key, value)
        for key in ("place", "time", "chair"):
            if key in changes:
                setattr(m, key, changes[key].strip() or None)
        if "justerare" in changes:
            m.justerare = [s.strip() for s in changes["justerare"] if s.strip()]
        return before, changes

    return change(db, row, version, actor, "header", "meeting", apply)
