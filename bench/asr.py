"""`protokoll bench asr`: Whisper engines on the same weights, audio and thread count, back to back."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from pipelines.files import write_json

from .common import isolated, machine, table

CONFIGS = [  # (name, backend, compute_type, beam)
    ("faster-whisper-int8-greedy", "faster-whisper", "int8", 1),
    ("faster-whisper-int8-beam5", "faster-whisper", "int8", 5),
    ("faster-whisper-float32-greedy", "faster-whisper", "float32", 1),
    ("faster-whisper-float32-beam5", "faster-whisper", "float32", 5),
    ("openai-whisper-greedy", "openai-whisper", "float32", 1),
    ("openai-whisper-beam5", "openai-whisper", "float32", 5),
]


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[0-9]+|[^\W\d_]+", text.lower()))


def reference_text(path: Path) -> str:
    """A plain text file, or a truth.json with utterances (the sample meeting)."""
    if path.suffix == ".json":
        return " ".join(u["text"] for u in json.loads(path.read_text())["utterances"])
    return path.read_text(encoding="utf-8")


def _transcribe(audio: str, backend: str, compute_type: str, beam: int, threads: int) -> dict:
    from pipelines.asr import TranscribeOptions, transcribe

    options = TranscribeOptions(backend=backend, compute_type=compute_type, beam_size=beam, threads=threads, workers=1)
    t0 = time.perf_counter()
    transcript = transcribe(Path(audio), None, options)
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 2), "audio_seconds": transcript.duration, "text": transcript.text()}


def run(audio: Path, reference: Path | None = None, threads: int = 1, only: list[str] | None = None,
        json_out: Path | None = None) -> dict:
    import jiwer

    ref = _normalise(reference_text(reference)) if reference else None
    backends: dict[str, dict] = {}
    audio_seconds = None
    for name, backend, compute_type, beam in CONFIGS:
        if only and not any(o in name for o in only):
            continue
        r = isolated(_transcribe, audio=str(audio), backend=backend, compute_type=compute_type, beam=beam, threads=threads)
        if "error" in r:
            backends[name] = {"beam": beam, "error": r["error"]}
            continue
        audio_seconds = r["audio_seconds"]
        backends[name] = {
            "beam": beam,
            "rtf": round(r["seconds"] / r["audio_seconds"], 3),
            "seconds": r["seconds"],
            "peak_rss_mb": r["peak_rss_mb"],
            "wer": round(jiwer.wer(ref, _normalise(r["text"])), 3) if ref else None,
        }
    for name, row in backends.items():  # speed-up against openai-whisper at the same beam
        base = backends.get(f"openai-whisper-{'greedy' if row['beam'] == 1 else 'beam5'}", {})
        if "rtf" in row and base.get("rtf"):
            row["speedup_vs_openai_whisper"] = round(base["rtf"] / row["rtf"], 2)
    result = {"audio": str(audio), "audio_seconds": audio_seconds, "threads": threads, "machine": machine(),
              "backends": backends}
    rows = [{"backend": k, **v} for k, v in backends.items()]
    print(table(rows, ["backend", "beam", "rtf", "speedup_vs_openai_whisper", "peak_rss_mb", "wer", "error"]))
    if json_out:
        write_json(json_out, result)
    return result
