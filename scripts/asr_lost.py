"""Where Whisper loses speech on one split of the corpus: WER, lost sentences and lost decisions.

    python scripts/asr_lost.py samples/corpus --split dev                  # the stored transcripts
    python scripts/asr_lost.py samples/corpus --split dev --transcribe \\
        --set decoding.redecode_min_words=0 --out out/asr-off               # transcribe with other options

What counts as lost is eval/hearing.py. With --out the transcripts are
written as a copy of the suite (the other files linked), so scripts/dev_decisions.py and
`protokoll eval --reuse-transcripts` can read them. Transcribe under the heavy lock, one meeting at a time.
Tune on dev only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.hearing import measure  # noqa: E402
from eval.suite import discover_cases, load_transcript  # noqa: E402


def options(settings: list[str]):
    from pipelines.asr import TranscribeOptions

    data = TranscribeOptions().model_dump()
    for setting in settings:
        key, value = setting.split("=", 1)
        *path, last = key.split(".")
        target = data
        for part in path:
            target = target[part]
        target[last] = json.loads(value)
    return TranscribeOptions.model_validate(data)


def copy_case(case, out: Path) -> Path:
    folder = out / case.name
    folder.mkdir(parents=True, exist_ok=True)
    for f in case.folder.iterdir():
        if f.name not in ("transcript.json.gz", "transcript.json") and not (folder / f.name).exists():
            (folder / f.name).symlink_to(f.resolve())
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("suite", type=Path)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--transcribe", action="store_true", help="transcribe again (otherwise: stored transcripts)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON", help="a TranscribeOptions field")
    ap.add_argument("--out", type=Path, help="with --transcribe: write the transcripts as a copy of the suite")
    ap.add_argument("--show", action="store_true", help="print the lost sentences")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        splits = args.out / "splits.yaml"
        if not splits.exists():
            splits.symlink_to((args.suite / "splits.yaml").resolve())
    chosen = options(args.set) if args.transcribe else None
    totals = {"sentences": 0, "lost": 0, "decisions": 0, "decisions_lost": 0, "decision_sentences_lost": 0}
    wers = []
    cases = discover_cases(args.suite, None if args.only else args.split)  # --only: a partial copy will do
    for case in cases:
        if args.only and case.name not in args.only:
            continue
        truth = json.loads(case.truth.read_text(encoding="utf-8"))
        if chosen is not None:
            from pipelines.asr import transcribe
            from pipelines.meeting_card import load_meeting

            transcript = transcribe(case.recording, load_meeting(case.meeting), chosen)
            if args.out:
                with gzip.open(copy_case(case, args.out) / "transcript.json.gz", "wt", encoding="utf-8") as f:
                    f.write(transcript.model_dump_json(indent=1))
        else:
            transcript = load_transcript(case.transcript)
        r = measure(transcript, truth)
        wers.append(r["wer"])
        for k in totals:
            totals[k] += r[k]
        print(f"{case.name:20} WER {r['wer']:.3f}  lost sentences {r['lost']:3}/{r['sentences']:<4} "
              f"lost decisions {r['decisions_lost']}/{r['decisions']} (their sentences lost: {r['decision_sentences_lost']})",
              flush=True)
        if args.show:
            for text in r["lost_text"]:
                print(f"    – {text}")
    if wers:
        print(f"{'mean':20} WER {sum(wers) / len(wers):.3f}  lost sentences {totals['lost']:3}/{totals['sentences']:<4} "
              f"({totals['lost'] / totals['sentences']:.1%})  lost decisions {totals['decisions_lost']}/{totals['decisions']} "
              f"(their sentences lost: {totals['decision_sentences_lost']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
