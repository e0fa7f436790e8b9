"""Figures of one drafted meeting against a corpus truth.json (samples/corpus), one row per meeting
and a pooled row per split: items found, item starts within 3 s, decisions, clause chrF, summary
ROUGE and key-fact coverage. The truth says per item whether it was discussed, its time span and
its key facts; decisions are scored against the archived protocol as eval.score does."""

from __future__ import annotations

from pydantic import BaseModel

from pipelines.models import Protocol

from . import metrics as m
from .score import EvalResult


class MeetingRow(BaseModel):
    """One meeting's figures against its truth.json (or the pooled/mean figures of a split)."""

    case: str
    minutes: float
    items_found: int  # discussed items whose drafted span covers at least half of their true span
    items_discussed: int
    boundaries_hit: int  # drafted item starts within 3 s of the true start (first item excluded)
    boundaries: int
    decisions_matched: int
    decisions_drafted: int
    decisions_archived: int
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    clause_chrf: float | None = None
    rouge1: float | None = None
    rougeL: float | None = None
    key_facts: float | None = None  # share of the items' key facts found in their drafted text


def meeting_row(name: str, draft: Protocol, result: EvalResult, truth: dict) -> MeetingRow:
    drafted = {i.number: i for i in draft.items}
    discussed = [t for t in truth["items"] if t["discussed"]]
    found = sum(m.item_found((t["start"], t["end"]), (getattr(drafted.get(t["number"]), "start", None),
                                                       getattr(drafted.get(t["number"]), "end", None)))
                for t in discussed)
    later = sorted(discussed, key=lambda t: t["start"])[1:]  # the meeting's start is no boundary
    hits = m.boundary_hits([t["start"] for t in later],
                           [getattr(drafted.get(t["number"]), "start", None) for t in later])
    facts = [m.fact_found(f, m.item_text(drafted[t["number"]]) if t["number"] in drafted else "")
             for t in truth["items"] for f in t.get("key_facts") or []]
    matched = sum(r.decisions_matched for r in result.per_item)
    n_drafted = sum(r.decisions_drafted for r in result.per_item)
    n_archived = sum(r.decisions_archived for r in result.per_item)
    return MeetingRow(case=name, minutes=round(truth["duration"] / 60, 1), items_found=found,
                      items_discussed=len(discussed), boundaries_hit=hits, boundaries=len(later),
                      decisions_matched=matched, decisions_drafted=n_drafted, decisions_archived=n_archived,
                      precision=result.decisions.precision, recall=result.decisions.recall,
                      f1=result.decisions.f1, clause_chrf=result.decisions.chrf,
                      rouge1=result.summary.rouge1, rougeL=result.summary.rougeL,
                      key_facts=sum(facts) / len(facts) if facts else None)


def pooled(rows: list[MeetingRow]) -> MeetingRow:
    """Counts summed over the split (so P/R/F1 and shares are pooled); chrF, ROUGE and key facts
    are means over the meetings."""
    total = MeetingRow(case="medel", minutes=round(sum(r.minutes for r in rows), 1),
                       **{k: sum(getattr(r, k) for r in rows) for k in (
                           "items_found", "items_discussed", "boundaries_hit", "boundaries",
                           "decisions_matched", "decisions_drafted", "decisions_archived")})
    p, r, f = m.precision_recall_f1(total.decisions_matched, total.decisions_drafted, total.decisions_archived)
    return total.model_copy(update={
        "precision": p, "recall": r, "f1": f, "clause_chrf": m.mean(x.clause_chrf for x in rows),
        "rouge1": m.mean(x.rouge1 for x in rows), "rougeL": m.mean(x.rougeL for x in rows),
        "key_facts": m.mean(x.key_facts for x in rows)})


def render_meetings(rows: list[MeetingRow]) -> str:
    def f(v):
        return "–" if v is None else f"{v:.2f}"

    def share(a, b):
        return f"{a}/{b}" if b else "–"

    head = ["möte", "min", "punkter", "gränser≤3s", "beslut P", "R", "F1", "att chrF", "ROUGE-1", "ROUGE-L",
            "nyckelfakta"]
    body = [[r.case, f"{r.minutes:.1f}", share(r.items_found, r.items_discussed),
             share(r.boundaries_hit, r.boundaries), f(r.precision), f(r.recall), f(r.f1), f(r.clause_chrf),
             f(r.rouge1), f(r.rougeL), f(r.key_facts)] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in body]
    if len(lines) > 3:
        lines.insert(-1, lines[1])  # a rule above the pooled row
    return "\n".join(lines)
