"""The protocol under review: versioned changes with an audit trail, and the edits a secretary makes.

All writes go through `change`. The version check is per field: every audit entry names what it changed
(its target, e.g. "item:3:summary", "decision:ab12", "meeting:place"), and a write based on version v fails
with `StaleVersion` (HTTP 409) only if a change after v touched the same field, so two tabs editing
different items both save. The change and its audit entry are committed in the same transaction, so no
edit is ever untraceable. The edit functions below are plain functions of the protocol; routes only call them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipelines.boundaries import move_bounds, open_flags
from pipelines.clauses import classify, restates
from pipelines.errors import InputError
from pipelines.models import (ACCEPTED, EDITED, READY, REJECTED, SUGGESTED, Decision, ItemDraft, Person, Protocol,
                              Transcript)

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
    """The whole protocol unchanged since `version`: for a step that takes all of it at once (the
    lifecycle's justering); an edit checks only its own fields (`check_fields`)."""
    if row.protocol is None:
        raise NotReady()
    if version != row.version:
        raise StaleVersion(row.version)


def fields(target: str) -> set[str]:
    """The fields an audit target names: "item:2,3:bounds,transcript" → item:2:bounds, item:2:transcript, …;
    a target without fields ("item:2", "meeting") stands for all of them ("item:2:*"); "protocol" (the AI
    draft, a change across the whole meeting) for every field."""
    if target == "protocol":
        return {"*"}
    kind, _, rest = target.partition(":")
    if kind == "item":
        numbers, _, names = rest.partition(":")
        return {f"item:{n}:{f}" for n in numbers.split(",") for f in (names.split(",") if names else ["*"])}
    if kind == "meeting":
        return {f"meeting:{f}" for f in (rest.split(",") if rest else ["*"])}
    return {target}


def overlaps(a: set[str], b: set[str]) -> bool:
    def same(x: str, y: str) -> bool:
        return x == y or "*" in (x, y) or (x.endswith(":*") and y.startswith(x[:-1])) or (y.endswith(":*") and x.startswith(y[:-1]))
    return any(same(x, y) for x in a for y in b)


def changes_since(db: Session, row: MeetingRow, version: int) -> list:
    """(version, action, target) of each change after `version`; not their texts, which can be large."""
    return list(db.execute(select(AuditRow.version, AuditRow.action, AuditRow.target)
                           .where(AuditRow.meeting_id == row.id, AuditRow.version > version)
                           .order_by(AuditRow.version)))


def check_fields(db: Session, row: MeetingRow, version: int, target: str, reads: str | None = None) -> None:
    """No change after `version` touched the fields of `target` or `reads`."""
    if row.protocol is None:
        raise NotReady()
    if not 1 <= version <= row.version:
        raise StaleVersion(row.version)
    mine = fields(target) | (fields(reads) if reads else set())
    if any(overlaps(mine, fields(a.target)) for a in changes_since(db, row, version)):
        raise StaleVersion(row.version)


def change(db: Session, row: MeetingRow, version: int, actor: str, action: str, target: str, apply: Apply,
           reads: str | None = None, *, correction: bool = False) -> int:
    """Apply `apply(protocol) -> (before, after)` unless a change after `version` touched the fields of
    `target` (or of `reads`, what the change depends on); record it; return the new version.
    Only a draft is edited; a `correction` (a rättelse of a justerat protocol, service/lifecycle.py) is
    the one change made after justering."""
    if not correction:
        check_editable(db, row, actor, target)
    for _ in range(5):
        check_fields(db, row, version, target, reads)
        current = row.version
        protocol = load_protocol(row)
        before, after = apply(protocol)
        # Compare-and-set on the meeting's counter: a writer between our read and this update makes
        # rowcount 0, and we look again at what it changed.
        result = db.execute(
            update(MeetingRow)
            .where(MeetingRow.id == row.id, MeetingRow.version == current)
            .values(protocol=protocol.model_dump_json(), version=current + 1, updated=utcnow())
        )
        if result.rowcount == 1:
            db.add(AuditRow(meeting_id=row.id, actor=actor, action=action, target=target,
                            before=_dump(before), after=_dump(after), version=current + 1))
            db.commit()
            return current + 1
        db.rollback()
        db.refresh(row)
    raise StaleVersion(row.version)


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


def item_reviewed(item: ItemDraft) -> bool:
    """Every decision decided on and no flag left open."""
    return not item.needs_review and all(d.status != SUGGESTED for d in item.decisions)


def review_label(protocol: Protocol) -> str:
    """The meeting's status as its review proceeds: where the list of meetings says how far it has come."""
    done = sum(item_reviewed(i) for i in protocol.items)
    if done == len(protocol.items):
        return "Granskad"
    return f"Granskas ({done}/{len(protocol.items)} punkter klara)" if done else "Klar för granskning"


# --- the edits ---------------------------------------------------------------------------------

def item_of(protocol: Protocol, number: int) -> ItemDraft:
    try:
        return protocol.item(number)
    except KeyError:
        raise NotFound("Punkten finns inte – agenda item not found") from None


ADDED = "tillagt av sekreteraren"


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
            if d.drafted is None and ADDED not in d.flags:
                d.drafted = d.text  # the AI's wording, for the diff, "Återställ utkastet" and redraft matching
            d.text = text.strip()
            d.status = REJECTED if status == REJECTED else EDITED
        elif status == SUGGESTED and d.drafted is not None:
            d.text, d.drafted, d.status = d.drafted, None, SUGGESTED  # "Ångra": back to the AI's wording
        else:
            d.status = status
        return before, d.model_dump(mode="json")

    return change(db, row, version, actor, "decision", f"decision:{decision_id}", apply)


def add_decision(db: Session, row: MeetingRow, actor: str, version: int, number: int, text: str) -> tuple[int, Decision]:
    new = Decision(text=text.strip(), status=ACCEPTED, flags=[ADDED])

    def apply(protocol: Protocol):
        item_of(protocol, number).decisions.append(new)
        return None, new.model_dump(mode="json")

    return change(db, row, version, actor, "decision_added", f"item:{number}:decisions", apply), new


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


def _same_decision(new: Decision, kept: Decision) -> bool:
    """A redraft's decision is one the secretary already has if it restates the kept text or the AI's
    wording the secretary edited (the misheard clause found again)."""
    # Both wordings as spoken clauses: the kind a drafter gave may differ from the clause's own.
    return any(restates(new.text, Decision(text=w, kind=classify(w))) for w in (kept.text, kept.drafted) if w)


def merge_redraft(item: ItemDraft, fresh: ItemDraft) -> None:
    """A redrafted item keeps every reviewed decision (accepted, edited, rejected); the model's decisions
    are offered as proposals only where they are new; unreviewed proposals are replaced. The flags are
    the fresh draft's (a flag already marked handled stays handled)."""
    kept = [d for d in item.decisions if d.status != SUGGESTED]
    proposals = [d for d in fresh.decisions if not any(_same_decision(d, k) for k in kept)]
    for d in proposals:
        d.status = SUGGESTED
    item.summary = fresh.summary
    item.bullets = fresh.bullets
    item.decisions = kept + proposals
    item.flags = list(fresh.flags)
    item.handled_flags = [f for f in item.handled_flags if f in item.flags]
    item.needs_review = bool(open_flags(item)) or item.confidence < 0.5


def redraft_fields(number: int) -> tuple[str, str]:
    """What a redraft changes, and what it is drafted from."""
    return f"item:{number}:summary,decisions,flags", f"item:{number}:transcript"


def apply_redraft(db: Session, row: MeetingRow, actor: str, version: int, number: int, fresh: ItemDraft) -> int:
    def view(it: ItemDraft) -> dict:
        return {"summary": it.summary, "flags": it.flags,
                "decisions": [d.model_dump(mode="json") for d in it.decisions]}

    def apply(protocol: Protocol):
        item = item_of(protocol, number)
        before = view(item)
        merge_redraft(item, fresh)
        return before, view(item)

    target, reads = redraft_fields(number)
    return change(db, row, version, actor, "redraft", target, apply, reads)


def set_bounds(db: Session, row: MeetingRow, actor: str, version: int, number: int, start: float, end: float,
               transcript: Transcript) -> int:
    """Move item `number` to start..end of the recording; its neighbours give up that stretch."""
    def view(protocol: Protocol, numbers: list[int]) -> dict:
        return {str(n): {"start": protocol.item(n).start, "end": protocol.item(n).end,
                         "decisions": [d.id for d in protocol.item(n).decisions]} for n in numbers}

    def move(protocol: Protocol) -> list[int]:
        item_of(protocol, number)
        try:
            return move_bounds(protocol, transcript, number, start, end)
        except InputError as e:
            raise Invalid(str(e)) from None

    # Which items the move touches decides which fields it must not overwrite; found on a copy first.
    touched = move(load_protocol(row))

    def apply(protocol: Protocol):
        before = view(protocol, touched)
        move(protocol)
        return before, view(protocol, touched)

    return change(db, row, version, actor, "bounds",
                  f"item:{','.join(map(str, touched))}:bounds,transcript,decisions,flags", apply)


def set_flag_handled(db: Session, row: MeetingRow, actor: str, version: int, number: int, flag: str,
                     handled: bool) -> int:
    """The secretary has dealt with a flag (audited): it no longer counts, nor prints in the export."""
    def apply(protocol: Protocol):
        item = item_of(protocol, number)
        if flag not in item.flags:
            raise NotFound("Flaggan finns inte längre på punkten – flag not found")
        if handled and flag not in item.handled_flags:
            item.handled_flags.append(flag)
        elif not handled and flag in item.handled_flags:
            item.handled_flags.remove(flag)
        item.needs_review = bool(open_flags(item))
        return {"flag": flag, "handled": not handled}, {"flag": flag, "handled": handled}

    return change(db, row, version, actor, "flag", f"item:{number}:flags", apply)


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

    return change(db, row, version, actor, "header", f"meeting:{','.join(changes)}", apply)
