"""The protocol under review: versioned changes with an audit trail, and how much of the AI draft was kept.

All writes go through `ProtocolStore.change`, which does compare-and-set on the meeting's version:
a write based on an older version fails with `StaleVersion` (HTTP 409), never silently overwrites.
The change and its audit entry are committed in the same transaction, so no edit is ever untraceable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rapidfuzz import fuzz
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipelines.documents.export_docx import export_docx
from pipelines.models import Protocol

from .db import AuditRow, MeetingRow, utcnow


class StaleVersion(Exception):
    def __init__(self, current: int):
        self.current = current


class NotReady(Exception):
    pass


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


def change(db: Session, row: MeetingRow, version: int, actor: str, action: str, target: str,
           apply: Callable[[Protocol], tuple[Any, Any]]) -> tuple[Protocol, int]:
    """Apply `apply(protocol) -> (before, after)` if `version` is current; record it; return the new version."""
    if row.protocol is None:
        raise NotReady()
    if version != row.version:
        raise StaleVersion(row.version)
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
    return protocol, new_version


def record_ai_draft(db: Session, meeting_id: str, protocol: Protocol) -> bool:
    """Store the finished AI draft as version 1 and as the first audit entry. False if already stored."""
    text = protocol.model_dump_json()
    result = db.execute(
        update(MeetingRow)
        .where(MeetingRow.id == meeting_id, MeetingRow.protocol.is_(None))
        .values(protocol=text, original=text, version=1, status="ready", stage_progress=1.0,
                eta_seconds=0.0, error=None, worker_pid=None, updated=utcnow())
    )
    if result.rowcount != 1:
        db.rollback()
        return False
    db.add(AuditRow(meeting_id=meeting_id, actor=f"AI ({protocol.drafter or 'okänd'})", action="ai_draft",
                    target="protocol", before=None, after=text, version=1))
    db.commit()
    return True


class KeptStats(BaseModel):
    """How much of the AI draft survived review (reported in the export and the UI)."""

    decisions_suggested: int = 0
    decisions_accepted: int = 0  # kept word for word
    decisions_edited: int = 0
    decisions_rejected: int = 0
    decisions_added: int = 0
    decisions_unreviewed: int = 0
    summaries_unchanged: int = 0
    summaries_total: int = 0
    summary_similarity: float = 1.0  # mean token-set ratio, AI summary vs final, 0..1

    def sentence(self) -> str:
        return (f"Av {self.decisions_suggested} beslutsförslag från utkastet godtogs {self.decisions_accepted} "
                f"oförändrade, {self.decisions_edited} redigerades och {self.decisions_rejected} ströks; "
                f"{self.decisions_added} lades till. {self.summaries_unchanged} av {self.summaries_total} "
                f"sammanfattningar är oförändrade (likhet med utkastet {self.summary_similarity:.0%}).")


def kept_stats(original: Protocol, current: Protocol) -> KeptStats:
    stats = KeptStats()
    orig_decisions = {d.id: d for i in original.items for d in i.decisions}
    stats.decisions_suggested = len(orig_decisions)
    for item in current.items:
        for d in item.decisions:
            if d.id not in orig_decisions:
                stats.decisions_added += d.status != "rejected"
            elif d.status == "rejected":
                stats.decisions_rejected += 1
            elif d.status == "suggested":
                stats.decisions_unreviewed += 1
            elif d.text.strip() == orig_decisions[d.id].text.strip():
                stats.decisions_accepted += 1
            else:
                stats.decisions_edited += 1
    ratios = []
    orig_items = {i.number: i for i in original.items}
    for item in current.items:
        before = orig_items.get(item.number)
        if before is None or not (before.summary or item.summary):
            continue
        stats.summaries_total += 1
        stats.summaries_unchanged += before.summary.strip() == item.summary.strip()
        ratios.append(fuzz.token_set_ratio(before.summary, item.summary) / 100)
    stats.summary_similarity = round(sum(ratios) / len(ratios), 3) if ratios else 1.0
    return stats


def for_export(protocol: Protocol) -> Protocol:
    """Rejected decisions never reach a document."""
    out = protocol.model_copy(deep=True)
    for item in out.items:
        item.decisions = [d for d in item.decisions if d.status != "rejected"]
    return out


def write_docx(protocol: Protocol, original: Protocol, out: Path, mode: str | None = None) -> Path:
    """Export via pipelines.export_docx; rejected decisions are dropped first. `mode` defaults to
    "approved" once every decision is reviewed, else "draft"."""
    clean = for_export(protocol)
    if mode is None:
        pending = any(d.status == "suggested" for i in clean.items for d in i.decisions)
        mode = "draft" if pending else "approved"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.docx")
    export_docx(clean, tmp, mode=mode)
    import docx

    document = docx.Document(str(tmp))
    document.core_properties.comments = kept_stats(original, protocol).sentence()
    document.save(str(tmp))
    tmp.replace(out)
    return out
