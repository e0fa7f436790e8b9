"""Segmentation of every corpus meeting of one split, item by item: the true start against the drafted one,
the chair's cue heard at the drafted start, and the confidence. Reads the stored transcripts (no ASR,
no drafting), so a change to pipelines/segment.py or cues.py is judged in seconds.

    python scripts/segment_report.py [--suite samples/corpus] [--split dev] [--words] [--cache FILE]

Tune on dev only; the test split is for the one final report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
from pathlib import Path

from eval import metrics as m
from eval.suite import load_transcript, split_names
from pipelines.cues import cues_of
from pipelines.embeddings import e5_similarity
from pipelines.meeting_card import load_meeting
from pipelines.segment import segment_by_agenda

TOLERANCE = 3.0  # seconds, as eval/corpus.py counts a boundary hit


class CachedSimilarity:
    """e5 similarities kept in a file between runs: the talk and titles do not change while the
    segmentation around them is tuned."""

    def __init__(self, path: Path | None):
        self.path = path
        self.memo = pickle.loads(path.read_bytes()) if path and path.exists() else {}

    def __call__(self, queries, passages):
        key = hashlib.sha1(json.dumps([list(queries), list(passages)]).encode()).hexdigest()
        if key not in self.memo:
            self.memo[key] = e5_similarity(queries, passages)
            if self.path:
                self.path.write_bytes(pickle.dumps(self.memo))
        return self.memo[key]


def report(folder: Path, show_words: bool, similarity) -> tuple[int, int, int, int, list[tuple[float, bool]]]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    transcript = load_transcript(next(folder.glob("transcript.json*")))
    items = load_meeting(folder / "meeting.yaml").agenda_items()
    seg = segment_by_agenda(transcript, items, similarity)
    cues = cues_of(transcript.segments)
    by_id = {s.id: i for i, s in enumerate(transcript.segments)}
    drafted = {s.number: s for s in seg.items}
    print(f"\n== {folder.name}  ({truth['duration'] / 60:.1f} min)")
    found = discussed = hits = boundaries = 0
    calibration = []
    first = min((t["start"] for t in truth["items"] if t["discussed"]), default=0.0)
    for t in truth["items"]:
        d = drafted.get(t["number"])
        start = d.start if d else None
        cue = cues[by_id[d.segment_ids[0]]] if d and d.segment_ids else None
        if t["discussed"]:
            discussed += 1
            found += m.item_found((t["start"], t["end"]), (start, d.end if d else None))
        hit = None
        if t["discussed"] and t["start"] > first:
            boundaries += 1
            hit = bool(m.boundary_hits([t["start"]], [start], TOLERANCE))
            hits += hit
            calibration.append((d.confidence if d else 0.0, bool(hit)))
        mark = "  " if hit in (None, True) else "XX"
        truth_start = f"{t['start']:7.1f}" if t["discussed"] else "    –  "
        drafted_start = f"{start:7.1f}" if start is not None else "    –  "
        cue_text = "" if cue is None else f"cue(n={cue.number}, tr={cue.transition})"
        print(f"{mark} {t['number']:>2} {t['title'][:34]:34} truth {truth_start} drafted {drafted_start} "
              f"conf {d.confidence if d else 0:.2f} [{t.get('transition') or t.get('status')}] {cue_text}")
        if show_words and hit is False:
            near = [s for s in transcript.segments if abs(s.start - t["start"]) < 12]
            for s in near:
                print(f"       {s.start:7.1f} {s.text}")
    return found, discussed, hits, boundaries, calibration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=Path("samples/corpus"))
    parser.add_argument("--split", default="dev")
    parser.add_argument("--words", action="store_true", help="show the talk around each missed boundary")
    parser.add_argument("--cache", type=Path, help="keep the sentence embeddings' similarities in this file")
    args = parser.parse_args()
    totals = [0, 0, 0, 0]
    calibration = []
    similarity = CachedSimilarity(args.cache)
    for name in split_names(args.suite, args.split):
        *counts, cal = report(args.suite / name, args.words, similarity)
        totals = [a + b for a, b in zip(totals, counts)]
        calibration += cal
    print(f"\n{args.split}: items found {totals[0]}/{totals[1]}, boundaries within {TOLERANCE:.0f} s "
          f"{totals[2]}/{totals[3]}")
    for level in sorted({c for c, _ in calibration}):
        hits = [h for c, h in calibration if c == level]
        print(f"  confidence {level:.2f}: {sum(hits)}/{len(hits)} within {TOLERANCE:.0f} s")


if __name__ == "__main__":
    main()
