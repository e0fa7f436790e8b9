"""Where the rule drafter's decisions and summaries go wrong on one split of the corpus, item by item.

    python scripts/dev_decisions.py samples/corpus --split dev [--only kiruna-ks] [--quiet]

Each item is drafted three ways: from the words the script had spoken (truth.json's utterances: what
the decision finder and the summariser get right without Whisper's mishearings), from the stored
transcript with the true item spans (with them) and with the predicted segmentation (what a user
gets). Per item it prints the archived clauses, what was said for each, the clauses
found and whether each matches; missed decisions show the sentences heard around the moment they
were said. Totals: decision P/R/F1 all three ways, and the summaries' ROUGE-1 and key-fact coverage.
Tune on dev only; run the test split once, at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval import metrics as m  # noqa: E402
from eval.suite import discover_cases, load_transcript  # noqa: E402
from pipelines.decisions import heard_text  # noqa: E402
from pipelines.drafting.rules import draft_item  # noqa: E402
from pipelines.meeting_card import load_meeting  # noqa: E402
from pipelines.documents import parse_protocol  # noqa: E402
from pipelines.models import Segment, Transcript, TranscriptSegment  # noqa: E402
from pipelines.text import split_sentences  # noqa: E402


def true_segments(transcript: Transcript, truth: dict) -> dict[int, Segment]:
    """The truth's item spans, each with the transcript segments whose middle falls inside it."""
    out = {}
    for t in truth["items"]:
        if not t["discussed"] or t.get("start") is None:
            continue
        ids = [s.id for s in transcript.segments if t["start"] <= (s.start + s.end) / 2 < t["end"]]
        out[t["number"]] = Segment(number=t["number"], title=t["title"], start=t["start"], end=t["end"],
                                   confidence=1.0, segment_ids=ids)
    return out


def spoken_words(truth: dict) -> tuple[Transcript, dict[int, Segment]]:
    """The script's own words as a transcript, one segment per utterance, and each item's segments."""
    utterances = truth["utterances"]
    transcript = Transcript(language="sv", duration=truth["duration"], backend="manus", model="facit", segments=[
        TranscriptSegment(id=i, start=u["start"], end=u["end"], text=u["text"]) for i, u in enumerate(utterances)])
    items = {}
    for t in truth["items"]:
        ids = [i for i, u in enumerate(utterances) if u["item"] == t["number"]]
        if ids:
            items[t["number"]] = Segment(number=t["number"], title=t["title"], start=utterances[ids[0]]["start"],
                                         end=utterances[ids[-1]]["end"], confidence=1.0, segment_ids=ids)
    return transcript, items


def predicted_segments(transcript: Transcript, meeting, cache: Path) -> dict[int, Segment]:
    from pipelines.models import Segmentation
    from pipelines.segment import segment_by_agenda

    if cache.exists():
        seg = Segmentation.model_validate_json(cache.read_text(encoding="utf-8"))
    else:
        seg = segment_by_agenda(transcript, meeting.agenda_items())
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(seg.model_dump_json(), encoding="utf-8")
    return {s.number: s for s in seg.items}


class Tally:
    def __init__(self):
        self.matched = self.drafted = self.archived = 0
        self.rouge1: list[float] = []
        self.facts: list[bool] = []

    def line(self, name: str) -> str:
        p, r, f = m.precision_recall_f1(self.matched, self.drafted, self.archived)
        fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
        return (f"{name}: decisions {self.matched}/{self.drafted} drafted, {self.matched}/{self.archived} archived "
                f"P {fmt(p)} R {fmt(r)} F1 {fmt(f)}; summary ROUGE-1 {fmt(m.mean(self.rouge1))} "
                f"key facts {fmt(sum(self.facts) / len(self.facts) if self.facts else None)}")


def score_item(meeting, transcript, segment, archived_item, truth_item, tally: Tally, quiet: bool, label: str):
    draft = draft_item(meeting, transcript, segment)
    archived = archived_item.decisions if archived_item else []
    pairs = m.match_decisions(draft.decisions, archived)
    tally.matched += len(pairs)
    tally.drafted += len(draft.decisions)
    tally.archived += len(archived)
    summary = m.item_text(archived_item) if archived_item else ""
    if summary:
        tally.rouge1.append(m.summary_scores(m.item_text(draft), summary)["rouge1"])
    facts = [m.fact_found(f, m.item_text(draft)) for f in truth_item.get("key_facts") or []]
    tally.facts += facts
    if quiet:
        return draft, pairs
    ok_d = {i for i, _, _ in pairs}
    ok_a = {j for _, j, _ in pairs}
    for j, a in enumerate(archived):
        print(f"   [{label}] {'✓' if j in ok_a else '✗ MISSED'}  {a.text}")
    for i, d in enumerate(draft.decisions):
        if i not in ok_d:
            said = " | ".join(e.text for e in d.evidence)
            print(f"   [{label}] ✗ EXTRA   {d.text}   ← {said}")
    if summary and label != "pred":
        print(f"   [summary] {m.summary_scores(m.item_text(draft), summary)['rouge1']:.2f}  facts "
              f"{sum(facts)}/{len(facts)}: {draft.summary}")
    return draft, pairs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("suite", type=Path)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--quiet", action="store_true", help="totals only")
    ap.add_argument("--cache", type=Path, default=Path("out/dev-segmentation"),
                    help="predicted segmentations are kept here between runs")
    args = ap.parse_args(argv)

    with_words, with_truth, with_predicted = Tally(), Tally(), Tally()
    for case in discover_cases(args.suite, args.split):
        if args.only and case.name not in args.only:
            continue
        meeting, transcript = load_meeting(case.meeting), load_transcript(case.transcript)
        truth = json.loads(case.truth.read_text(encoding="utf-8"))
        archived = {i.number: i for i in parse_protocol(case.archived).items}
        ours = true_segments(transcript, truth)
        theirs = predicted_segments(transcript, meeting, args.cache / f"{case.name}.json")
        script, said = spoken_words(truth)
        if not args.quiet:
            print(f"\n=== {case.name}")
        for t in truth["items"]:
            n = t["number"]
            if not args.quiet:
                print(f"-- {n}. {t['title']} ({t['status']})")
                for d in (d for d in truth["decisions"] if d["item"] == n):
                    print(f"   said [{d['style']}] {d.get('spoken', '')}")
                for nd in (x for x in truth["non_decisions"] if x["item"] == n):
                    print(f"   not a decision: {nd['text']}")
            if n in said:
                score_item(meeting, script, said[n], archived.get(n), t, with_words, args.quiet, "said")
            if n in ours:
                score_item(meeting, transcript, ours[n], archived.get(n), t, with_truth, args.quiet, "true")
            if n in theirs and theirs[n].segment_ids:
                score_item(meeting, transcript, theirs[n], archived.get(n), t, with_predicted, True, "pred")
            elif archived.get(n):
                with_predicted.archived += len(archived[n].decisions)
            if not args.quiet and n in ours:
                _show_missed(transcript, truth, n, ours[n], meeting)
    print()
    print(with_words.line("words said, true spans"))
    print(with_truth.line("transcript, true spans"))
    print(with_predicted.line("transcript, predicted spans"))
    return 0


def _show_missed(transcript, truth, number, segment, meeting):
    """The sentences heard around each decision of the item that the finder did not draft."""
    draft = draft_item(meeting, transcript, segment)
    for d in (d for d in truth["decisions"] if d["item"] == number):
        if any(m.clauses_match(x.text, d["clause"]) for x in draft.decisions):
            continue
        near = [s for s in transcript.segments if d["start"] - 12 <= s.start <= d["end"] + 4
                and s.id in set(segment.segment_ids)]
        for s in near:
            for sentence in split_sentences(s.text):
                print(f"      heard {s.start:7.1f}: {heard_text(sentence)}")


if __name__ == "__main__":
    raise SystemExit(main())
