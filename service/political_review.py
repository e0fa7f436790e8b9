"""The secretary's edits of a political body's records per §: yrkanden, propositionsordning, omröstning,
reservationer, protokollsanteckningar and jäv (pipelines/political/records.py).

Every edit goes through review.change, so it is versioned (409 on a stale version), audited, and refused
while the protocol is locked by its lifecycle (423). A record keeps the evidence it was captured with; an
edited or accepted record is marked `reviewed`. A vote's tally is counted again from the edited list and
what does not add up is flagged, never corrected: the flags are the same checks as at capture.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from pipelines.models import Evidence, ItemDraft, Protocol
from pipelines.political.capture import ballot_flags, serving_members, tally_of
from pipelines.political.card import UNKNOWN, PoliticalCard
from pipelines.political.records import (Ballot, Motion, ParagraphRecord, Proposition, ProtocolNote, Recusal,
                                         Reservation)

from .db import MeetingRow
from .errors import Invalid, NotFound
from .review import change, item_of

Kind = Literal["motions", "propositions", "ballots", "reservations", "notes", "recusals"]
RECORDS: dict[str, type[BaseModel]] = {"motions": Motion, "propositions": Proposition, "ballots": Ballot,
                                       "reservations": Reservation, "notes": ProtocolNote, "recusals": Recusal}
LABELS = {"motions": "yrkande", "propositions": "propositionsordning", "ballots": "omröstning",
          "reservations": "reservation", "notes": "protokollsanteckning", "recusals": "jäv"}
# What the secretary sets; the rest (evidence, tally, flags, inferred) follows from it.
EDITABLE = {"motions": {"member", "kind", "text", "motivation"}, "propositions": {"proposals", "finding"},
            "ballots": {"open", "question", "votes", "tally", "announced", "result"},
            "reservations": {"member", "own_motion", "written"}, "notes": {"member", "text"},
            "recusals": {"member", "substitute"}}


def card_of(protocol: Protocol) -> PoliticalCard:
    if protocol.meeting.political is None:
        raise NotFound("Mötet är inte ett politiskt organs sammanträde – not a political body's meeting")
    return protocol.meeting.political


def record_of(protocol: Protocol, number: int) -> tuple[ItemDraft, ParagraphRecord]:
    """The item and its §-record (created empty for an item the capture left without one)."""
    card = card_of(protocol)
    item = item_of(protocol, number)
    if item.political is None:
        item.political = ParagraphRecord(paragraph=card.paragraph(number),
                                         serving=[m.name for m in card.serving()])
    return item, item.political


def _validated(kind: str, fields: dict[str, Any], card: PoliticalCard) -> BaseModel:
    unknown = set(fields) - EDITABLE[kind]
    if unknown:
        raise Invalid(f"Okänt fält för {LABELS[kind]}: {', '.join(sorted(unknown))} – unknown field")
    try:
        record = RECORDS[kind].model_validate(fields)
    except ValidationError as e:
        where = ".".join(str(p) for p in e.errors()[0]["loc"])
        raise Invalid(f"Ogiltigt värde för {LABELS[kind]} ({where}): {e.errors()[0]['msg']} – invalid value") from None
    names = [getattr(record, "member", None), getattr(record, "substitute", None)]
    names += [v.member for v in getattr(record, "votes", [])]
    for name in filter(None, names):
        if name != UNKNOWN and card.member(name) is None:
            raise Invalid(f"{name} finns inte bland organets ledamöter och ersättare – not a member of the body")
    if kind in ("motions", "reservations", "notes", "recusals") and not record.member.strip():
        raise Invalid(f"Ange vem ({LABELS[kind]}) – a member is required")
    if kind in ("motions", "notes") and not record.text.strip():
        raise Invalid(f"Texten saknas ({LABELS[kind]}) – text is required")
    if kind == "ballots":
        members = [v.member for v in record.votes]
        twice = sorted({n for n in members if members.count(n) > 1})
        if twice:
            raise Invalid(f"{', '.join(twice)} har mer än en röst – a member votes once")
    return record


def _recount(item: ItemDraft, record: ParagraphRecord, card: PoliticalCard) -> None:
    """Who served after jäv, each ballot's tally and flags, and the item's flags that come from them."""
    old = {f for b in record.ballots for f in b.flags}
    record.serving = serving_members(card, record.recusals)
    for b in record.ballots:
        if b.open:
            b.tally = tally_of(b.votes)
        b.flags = ballot_flags(b, record.serving, record.paragraph)
    unknown = {f for f in record.flags if f.startswith("Yrkandet '")}
    record.flags = [f for f in record.flags if f not in unknown]
    record.flags += [f"Yrkandet '{m.text}' kunde inte knytas till en ledamot – ange vem."
                     for m in record.motions if m.member == UNKNOWN]
    flags = [f for f in item.flags if f not in old and f not in unknown]
    political = record.flags + [f for b in record.ballots for f in b.flags]
    item.flags = list(dict.fromkeys(flags + political))
    item.needs_review = item.needs_review or bool(political)  # it may also stand for a weak segmentation


def _records(record: ParagraphRecord, kind: str, index: int | None) -> list:
    records = getattr(record, kind)
    if index is not None and not 0 <= index < len(records):
        raise NotFound(f"Det finns ingen sådan {LABELS[kind]} i paragrafen – record not found")
    return records


def _dump(record: BaseModel | None) -> dict | None:
    return record.model_dump(mode="json") if record is not None else None


def add_record(db, row: MeetingRow, actor: str, version: int, number: int, kind: str, fields: dict[str, Any],
               at: float | None = None) -> int:
    """A record the capture missed; `at` (seconds) is where in the recording the secretary heard it."""

    def apply(protocol: Protocol):
        card = card_of(protocol)
        item, record = record_of(protocol, number)
        new = _validated(kind, fields, card)
        new.reviewed = True
        if at is not None:
            new.evidence = [Evidence(start=max(0.0, at), end=max(0.0, at), text="tillagt av sekreteraren")]
        _records(record, kind, None).append(new)
        _recount(item, record, card)
        return None, _dump(new)

    return change(db, row, version, actor, f"political_{kind}_added", f"item:{number}:political:{kind}", apply)


def edit_record(db, row: MeetingRow, actor: str, version: int, number: int, kind: str, index: int,
                fields: dict[str, Any]) -> int:
    """Replace what the secretary sets of a record; its evidence is kept."""

    def apply(protocol: Protocol):
        card = card_of(protocol)
        item, record = record_of(protocol, number)
        records = _records(record, kind, index)
        old = records[index]
        merged = {k: v for k, v in old.model_dump(mode="json").items() if k in EDITABLE[kind]} | fields
        new = _validated(kind, merged, card)
        new.evidence, new.reviewed = old.evidence, True
        if kind == "ballots":  # a vote still carries the moment its answer was heard
            heard = {v.member: v for v in old.votes}
            for v in new.votes:
                if v.member in heard and heard[v.member].choice == v.choice:
                    v.evidence, v.inferred = heard[v.member].evidence, heard[v.member].inferred
        records[index] = new
        _recount(item, record, card)
        return _dump(old), _dump(new)

    return change(db, row, version, actor, f"political_{kind}", f"item:{number}:political:{kind}:{index}", apply)


def remove_record(db, row: MeetingRow, actor: str, version: int, number: int, kind: str, index: int) -> int:
    def apply(protocol: Protocol):
        card = card_of(protocol)
        item, record = record_of(protocol, number)
        old = _records(record, kind, index).pop(index)
        _recount(item, record, card)
        return _dump(old), None

    return change(db, row, version, actor, f"political_{kind}_removed", f"item:{number}:political:{kind}:{index}",
                  apply)


def accept_record(db, row: MeetingRow, actor: str, version: int, number: int, kind: str, index: int) -> int:
    """The secretary has checked the record against the recording; a ballot's flags stay until its list adds up."""

    def apply(protocol: Protocol):
        _, record = record_of(protocol, number)
        rec = _records(record, kind, index)[index]
        before = {"reviewed": rec.reviewed}
        rec.reviewed = True
        return before, {"reviewed": True}

    return change(db, row, version, actor, f"political_{kind}_accepted", f"item:{number}:political:{kind}:{index}",
                  apply)
