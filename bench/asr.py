"""`protokoll bench asr`: Whisper engines on the same weights, audio and thread count, back to back.

Each configuration runs in its own process (model loading included, peak RSS its own). Every engine
gets the same cores: `threads` CPU threads, one window at a time; the `-workers` row is our pipeline's
own way to use them (that many one-thread workers on separate windows). A long recording is the sample's
items repeated (bench e2e's long meeting), with the reference text repeated alike.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from eval.hearing import spoken_words
from pipelines.files import write_json

from .common import isolated, machine, table

DEFAULT = "faster-whisper-int8-beam5"  # TranscribeOptions() on one thread; the ratios are against it
CONFIGS: list[tuple[str, dict]] = [  # (name, TranscribeOptions fields)
    ("faster-whisper-int8-greedy", dict(backend="faster-whisper", compute_type="int8", beam_size=1)),
    ("faster-whisper-int8-beam5", dict(backend="faster-whisper", compute_type="int8", beam_size=5)),
    ("faster-whisper-int8-beam5-workers", dict(backend="faster-whisper", compute_type="int8", beam_size=5, workers=0)),
    ("faster-whisper-int8-beam5-batch4", dict(backend="faster-whisper", compute_type="int8", beam_size=5, batch_size=4)),
    ("faster-whisper-int8-beam5-batch4-workers",
     dict(backend="faster-whisper", compute_type="int8", beam_size=5, batch_size=4, workers=0)),
    ("faster-whisper-int8-beam5-batch8", dict(backend="faster-whisper", compute_type="int8", beam_size=5, batch_size=8)),
    ("faster-whisper-int8-beam5-batch16", dict(backend="faster-whisper", compute_type="int8", beam_size=5, batch_size=16)),
    ("faster-whisper-float32-greedy", dict(backend="faster-whisper", compute_type="float32", beam_size=1)),
    ("faster-whisper-float32-beam5", dict(backend="faster-whisper", compute_type="float32", beam_size=5)),
    ("whisper-cpp-greedy", dict(backend="whisper-cpp", beam_size=1)),
    ("whisper-cpp-beam5", dict(backend="whisper-cpp", beam_size=5)),
    ("openai-whisper-greedy", dict(backend="openai-whisper", beam_size=1)),
    ("openai-whisper-beam5", dict(backend="openai-whisper", beam_size=5)),
]


def reference_text(path: Path) -> str:
    """A plain text file, or a truth.json with utterances (the sample meeting)."""
    if path.suffix == ".json":
        return " ".join(u["text"] for u in json.loads(path.read_text())["utterances"])
    return path.read_text(encoding="utf-8")


def _transcribe(audio: str, threads: int, options: dict) -> dict:
    from pipelines.asr import TranscribeOptions, transcribe

    load = os.getloadavg()[0]
    if options.get("workers") == 0:  # our pipeline's split: `threads` workers with one thread each
        options = options | {"workers": threads}
        threads = 1
    opts = TranscribeOptions(**({"workers": 1} | options), threads=threads)
    t0 = time.perf_counter()
    transcript = transcribe(Path(audio), None, opts)
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 2), "audio_seconds": transcript.duration, "text": transcript.text(),
            "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}


def measure(audio: Path, reference: str | None, threads: int, only: list[str] | None) -> dict:
    """One row per configuration on one recording at one thread count."""
    import jiwer

    ref = spoken_words(reference) if reference else None
    rows: dict[str, dict] = {}
    names = {name for name, _ in CONFIGS}
    for name, options in CONFIGS:
        chosen = not only or any(o == name or (o not in names and o in name) for o in only)  # a whole name is exact
        if not chosen or (name.endswith("-workers") and threads == 1):
            continue  # one worker with one thread is the plain row
        r = isolated(_transcribe, audio=str(audio), threads=threads, options=options)
        if "error" in r:
            rows[name] = {"beam": options.get("beam_size"), "error": r["error"]}
            continue
        rows[name] = {
            "beam": options.get("beam_size"),
            "rtf": round(r["seconds"] / r["audio_seconds"], 3),
            "seconds": r["seconds"],
            "audio_seconds": r["audio_seconds"],
            "peak_rss_mb": r["peak_rss_mb"],
            "wer": round(jiwer.wer(ref, spoken_words(r["text"])), 3) if ref else None,
            "load": [r["load_before"], r["load_after"]],
        }
    # On several cores our default is the workers row (TranscribeOptions: one-thread workers).
    default = rows.get(f"{DEFAULT}-workers") or rows.get(DEFAULT, {})
    for row in rows.values():
        base = rows.get(f"openai-whisper-{'greedy' if row['beam'] == 1 else 'beam5'}", {})
        if "rtf" in row and default.get("rtf"):
            row["speedup_vs_default"] = round(default["rtf"] / row["rtf"], 2)
        if "rtf" in row and base.get("rtf"):
            row["speedup_vs_openai_whisper"] = round(base["rtf"] / row["rtf"], 2)
    return rows


def run(audio: Path | None, reference: Path | None = None, threads: list[int] | int = 1, only: list[str] | None = None,
        json_out: Path | None = None, long_minutes: list[float] | None = None) -> dict:
    """`audio` (None: only the long recordings) and a long meeting of each of `long_minutes`, at each thread count."""
    from .e2e import build_long_meeting, long_meeting_reference

    threads = [threads] if isinstance(threads, int) else threads
    recordings = {str(audio): reference_text(reference) if reference else None} if audio else {}
    runs = []
    with tempfile.TemporaryDirectory(prefix="protokoll-bench-asr-") as tmp:
        for minutes in long_minutes or []:
            work = Path(tmp) / f"{minutes:g}"
            work.mkdir()
            long_audio, _ = build_long_meeting(minutes, work)
            recordings[str(long_audio)] = long_meeting_reference(minutes)
        for path, text in recordings.items():
            for n in threads:
                rows = measure(Path(path), text, n, only)
                seconds = next((r["audio_seconds"] for r in rows.values() if "audio_seconds" in r), None)
                runs.append({"audio": Path(path).name, "audio_seconds": seconds, "threads": n, "backends": rows})
                print(f"\n{Path(path).name} ({seconds} s), {n} tråd(ar):")
                print(table([{"backend": k, **v} for k, v in rows.items()],
                            ["backend", "beam", "rtf", "speedup_vs_default", "speedup_vs_openai_whisper",
                             "peak_rss_mb", "wer", "load", "error"]))
    result = {"machine": machine(), "default": DEFAULT, "runs": runs}
    if json_out:
        write_json(json_out, result)
    return result
