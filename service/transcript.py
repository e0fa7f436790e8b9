"""The transcript beside the audio, and search and replace across a meeting.

The timed sentences come from the job's transcript (Whisper's segments); each belongs to the item whose
time range holds it, so a moved boundary moves its sentences. Replacing a misheard name changes every
item's transcript, summary, bullets and decisions in one audited change; the sentences show it too,
because the replacements recorded in the audit trail are applied to them in order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.models import ACCEPTED, EDITED, Protocol, Transcript
from pipelines.run import TRANSCRIPT

from .db import AuditRow, MeetingRow
from .errors import Invalid
from .review import change

REPLACE = "replace"  # the audit action
FIND_LENGTH = 200


class Sentence(BaseModel):
    start: float
    end: float
    text: str
    item: int | None  # the agenda item it was said under; None: before the first or between items


class Hit(BaseModel):
    item: int
    field: str  # "transcript", "summary", "bullet:N", "decision:<id>"
    count: int
    excerpt: str  # the first hit with some words around it


class Replaced(BaseModel):
    version: int
    count: int
    fields: int
    glossary_added: bool = False


def pattern(find: str) -> re.Pattern:
    """`find` as a whole word or phrase, case as typed: "Bo" is a name, "bo" is not."""
    find = " ".join(find.split())
    if not find or len(find) > FIND_LENGTH:
        raise Invalid(f"Sökordet ska vara 1–{FIND_LENGTH} tecken – the search text must be 1–{FIND_LENGTH} characters")
    words = r"\s+".join(re.escape(w) for w in find.split(" "))
    return re.compile(rf"(?<!\w){words}(?!\w)")


def fields(protocol: Protocol):
    """Every text a replacement may change: (item, field key, text, setter)."""
    for item in protocol.items:
        yield item.number, "transcript", item.transcript, lambda v, it=item: setattr(it, "transcript", v)
        yield item.number, "summary", item.summary, lambda v, it=item: setattr(it, "summary", v)
        for n, bullet in enumerate(item.bullets):
            yield item.number, f"bullet:{n}", bullet, lambda v, it=item, n=n: it.bullets.__setitem__(n, v)
        for d in item.decisions:
            yield item.number, f"decision:{d.id}", d.text, lambda v, d=d: _set_decision_text(d, v)


def _set_decision_text(decision, text: str) -> None:
    decision.text = text
    if decision.status == ACCEPTED:  # no longer the AI's wording word for word
        decision.status = EDITED


def search(protocol: Protocol, find: str) -> list[Hit]:
    rx = pattern(find)
    hits = []
    for number, key, text, _ in fields(protocol):
        found = list(rx.finditer(text))
        if found:
            m = found[0]
            excerpt = text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
            hits.append(Hit(item=number, field=key, count=len(found), excerpt=excerpt))
    return hits


def replace_all(db: Session, row: MeetingRow, actor: str, version: int, find: str, replacement: str) -> tuple[int, int, int]:
    """Replace `find` by `replacement` everywhere in the protocol as one audited change:
    (new version, replacements, fields changed). Nothing found is an error, not an empty change."""
    rx = pattern(find)
    replacement = " ".join(replacement.split())
    if replacement == " ".join(find.split()):
        raise Invalid("Sökordet och ersättningen är samma – nothing would change")
    if len(replacement) > FIND_LENGTH:
        raise Invalid(f"Ersättningen är längre än {FIND_LENGTH} tecken – replacement too long")
    counted = {"count": 0, "fields": 0}

    def apply(protocol: Protocol):
        before, after = {}, {}
        for number, key, text, put in list(fields(protocol)):
            new, n = rx.subn(lambda _m: replacement, text)
            if n:
                before[f"{number}:{key}"], after[f"{number}:{key}"] = text, new
                put(new)
                counted["count"] += n
        if not counted["count"]:
            raise Invalid(f"{find!r} finns inte i protokollet – not found")
        counted["fields"] = len(after)
        return {"fields": before}, {"find": find, "replace": replacement, "fields": after}

    new_version = change(db, row, version, actor, REPLACE, "protocol", apply)
    return new_version, counted["count"], counted["fields"]


def sentences(db: Session, row: MeetingRow, job_dir: Path, protocol: Protocol) -> list[Sentence]:
    path = job_dir / TRANSCRIPT
    if not path.exists():
        return []
    transcript = Transcript.model_validate_json(path.read_text(encoding="utf-8"))
    replacements = [json.loads(a.after) for a in db.scalars(
        select(AuditRow).where(AuditRow.meeting_id == row.id, AuditRow.action == REPLACE).order_by(AuditRow.id))]
    rules = [(pattern(r["find"]), r["replace"]) for r in replacements]
    timed = [i for i in protocol.items if i.start is not None and i.end is not None]
    out = []
    for seg in transcript.segments:
        text = seg.text.strip()
        for rx, new in rules:
            text = rx.sub(lambda _m, new=new: new, text)
        middle = (seg.start + seg.end) / 2
        item = next((i.number for i in timed if i.start <= middle < i.end), None)
        out.append(Sentence(start=seg.start, end=seg.end, text=text, item=item))
    return out
