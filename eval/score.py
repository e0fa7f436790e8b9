"""evaluate(draft, archived) -> EvalResult: every metric in one typed result (README, Utvärdering)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from pipelines.models import Protocol

from . import metrics as m


class ItemCounts(BaseModel):
    matched: int = 0
    archived: int = 0
    drafted: int = 0


class DecisionScores(BaseModel):
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    kind_accuracy: float | None = None
    chrf: float | None = None


class SummaryScores(BaseModel):
    rouge1: float | None = None
    rouge2: float | None = None
    rougeL: float | None = None
    chrf: float | None = None


class AttendanceScores(BaseModel):
    precision: float | None = None
    recall: float | None = None


class SegmentationScores(BaseModel):
    pk: float | None = None
    windowdiff: float | None = None


class ClausePair(BaseModel):
    draft: str | None = None
    archived: str | None = None
    draft_kind: str | None = None
    archived_kind: str | None = None
    similarity: float | None = None


class ItemScore(BaseModel):
    """One row of the side-by-side report: an archived item, its drafted counterpart, or both."""

    archived_number: int | None = None
    archived_title: str | None = None
    draft_number: int | None = None
    draft_title: str | None = None
    title_similarity: float | None = None
    summary_archived: str = ""
    summary_draft: str = ""
    rouge1: float | None = None
    rouge2: float | None = None
    rougeL: float | None = None
    chrf: float | None = None
    decisions_matched: int = 0
    decisions_archived: int = 0
    decisions_drafted: int = 0
    clauses: list[ClausePair] = Field(default_factory=list)


class EvalResult(BaseModel):
    items: ItemCounts
    decisions: DecisionScores
    summary: SummaryScores
    attendance: AttendanceScores
    segmentation: SegmentationScores
    per_item: list[ItemScore] = Field(default_factory=list)


def evaluate(draft: Protocol, archived: Protocol,
             reference_times: Sequence[tuple[float, float]] | None = None) -> EvalResult:
    pairs = m.align_items(draft.items, archived.items)
    by_archived = {j: (i, sim) for i, j, sim in pairs}
    matched_drafts = {i for i, _, _ in pairs}

    per_item: list[ItemScore] = []
    summary_rows: list[dict[str, float]] = []
    n_matched = n_drafted = n_archived = 0
    kind_hits: list[float] = []
    clause_chrf: list[float] = []

    for j, a in enumerate(archived.items):
        row = ItemScore(archived_number=a.number, archived_title=a.title, summary_archived=m.item_text(a),
                        decisions_archived=len(a.decisions))
        n_archived += len(a.decisions)
        d = None
        if j in by_archived:
            i, sim = by_archived[j]
            d = draft.items[i]
            row.draft_number, row.draft_title, row.title_similarity = d.number, d.title, sim
            row.summary_draft, row.decisions_drafted = m.item_text(d), len(d.decisions)
            n_drafted += len(d.decisions)
            found = m.match_decisions(d.decisions, a.decisions)
            row.decisions_matched = len(found)
            n_matched += len(found)
            paired_d = {di for di, _, _ in found}
            by_a = {aj: (di, s) for di, aj, s in found}
            for aj, ad in enumerate(a.decisions):
                if aj in by_a:
                    di, s = by_a[aj]
                    dd = d.decisions[di]
                    kind_hits.append(1.0 if dd.kind == ad.kind else 0.0)
                    clause_chrf.append(m.chrf(" ".join(dd.text.split()), " ".join(ad.text.split())))
                    row.clauses.append(ClausePair(draft=dd.text, archived=ad.text, draft_kind=dd.kind,
                                                  archived_kind=ad.kind, similarity=s))
                else:
                    row.clauses.append(ClausePair(archived=ad.text, archived_kind=ad.kind))
            for di, dd in enumerate(d.decisions):
                if di not in paired_d:
                    row.clauses.append(ClausePair(draft=dd.text, draft_kind=dd.kind))
        if row.summary_archived:
            # An archived summary with no drafted counterpart scores 0: the draft missed it.
            scores = m.summary_scores(row.summary_draft, row.summary_archived) if d is not None else \
                {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0, "chrf": 0.0}
            row.rouge1, row.rouge2, row.rougeL, row.chrf = (scores[k] for k in ("rouge1", "rouge2", "rougeL", "chrf"))
            summary_rows.append(scores)
        per_item.append(row)

    for i, d in enumerate(draft.items):
        if i not in matched_drafts:  # drafted items the archive does not have
            n_drafted += len(d.decisions)
            per_item.append(ItemScore(draft_number=d.number, draft_title=d.title, summary_draft=m.item_text(d),
                                      decisions_drafted=len(d.decisions),
                                      clauses=[ClausePair(draft=x.text, draft_kind=x.kind) for x in d.decisions]))

    p, r, f = m.precision_recall_f1(n_matched, n_drafted, n_archived)
    att_p, att_r = m.attendance(draft.meeting.attendees, archived.meeting.attendees)
    seg = SegmentationScores()
    if reference_times:
        hyp = [(x.start, x.end) for x in draft.items if x.start is not None and x.end is not None]
        seg = SegmentationScores(pk=m.pk(reference_times, hyp), windowdiff=m.windowdiff(reference_times, hyp))

    return EvalResult(
        items=ItemCounts(matched=len(pairs), archived=len(archived.items), drafted=len(draft.items)),
        decisions=DecisionScores(precision=p, recall=r, f1=f, kind_accuracy=m.mean(kind_hits), chrf=m.mean(clause_chrf)),
        summary=SummaryScores(**{k: m.mean([s[k] for s in summary_rows]) for k in ("rouge1", "rouge2", "rougeL", "chrf")}),
        attendance=AttendanceScores(precision=att_p, recall=att_r),
        segmentation=seg,
        per_item=per_item,
    )
