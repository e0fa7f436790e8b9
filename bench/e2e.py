"""`protokoll bench e2e --minutes 210`: a long meeting built from the sample, through the whole pipeline.

The long recording keeps the sample's agenda and repeats each item's talk (ffmpeg, streamed), so the
items grow long as in a real 3½-hour meeting. Wall time per stage, total, and the peak RSS of the process
that ran the pipeline; run two lengths to see that memory does not grow with the recording.
"""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
import time
from pathlib import Path

from pipelines.files import write_json

from .common import isolated, machine, table

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "meeting"


def build_long_meeting(minutes: float, workdir: Path) -> tuple[Path, Path]:
    """The sample's 8 items, each item's talk repeated until the meeting lasts `minutes`: a long
    meeting keeps its short agenda, so each item's transcript grows (and drafting goes map-reduce)."""
    truth = json.loads((SAMPLE / "truth.json").read_text())
    recording = SAMPLE / "recording.flac"
    rounds = _rounds(minutes, truth)
    parts = []
    for item in truth["items"]:
        part = workdir / f"item-{item['number']}.flac"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(recording), "-ss", str(item["start"]),
                        "-to", str(item["end"]), "-ac", "1", "-ar", "16000", str(part)], check=True)
        parts += [part] * rounds
    listing = workdir / "concat.txt"
    listing.write_text("".join(f"file '{p}'\n" for p in parts))
    long_audio = workdir / f"meeting-{minutes:g}min.flac"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
                    "-ac", "1", "-ar", "16000", str(long_audio)], check=True)
    return long_audio, SAMPLE / "meeting.yaml"


def _rounds(minutes: float, truth: dict) -> int:
    return max(1, math.ceil(minutes * 60 / truth["duration"]))


def long_meeting_reference(minutes: float) -> str:
    """What is said in build_long_meeting(minutes): each item's utterances, repeated as its talk is."""
    truth = json.loads((SAMPLE / "truth.json").read_text())
    text = []
    for item in truth["items"]:
        said = " ".join(u["text"] for u in truth["utterances"] if item["start"] <= u["start"] < item["end"])
        text += [said] * _rounds(minutes, truth)
    return " ".join(text)


def _run(audio: str, card: str, out: str, drafter: str, threads: int) -> dict:
    from pipelines.asr import TranscribeOptions
    from pipelines.drafting import DraftOptions
    from pipelines.meeting_card import load_meeting
    from pipelines.run import PipelineOptions, run_pipeline

    starts: dict[str, float] = {}  # when each stage first reported, in order
    calls = _collect_llm_calls()

    def progress(stage: str, fraction: float, eta):
        starts.setdefault(stage, time.perf_counter())

    # `threads` cores: Whisper as that many 1-thread workers on separate windows, the LLM with that many threads.
    options = PipelineOptions(transcribe=TranscribeOptions(threads=1, workers=threads),
                              draft=DraftOptions(backend=drafter, threads=threads))
    t0 = time.perf_counter()
    protocol = run_pipeline(Path(audio), load_meeting(card), Path(out), options=options, force=True, progress=progress)
    end = time.perf_counter()
    audio = json.loads((Path(out) / "transcript.json").read_text())["duration"]
    # A stage lasts until the next one starts (the first from the start: model loading included; the last
    # until the end: the .docx export included).
    names = list(starts)
    bounds = [t0, *(starts[n] for n in names[1:]), end]
    items = protocol.items
    return {"total_seconds": round(end - t0, 1), "items": len(items), "audio_minutes": round(audio / 60, 1),
            "stages": {n: round(bounds[i + 1] - bounds[i], 1) for i, n in enumerate(names)},
            "fallbacks": sum("reserv" in (i.drafter or "") for i in items),
            "needs_review": sum(i.needs_review for i in items), "decisions": sum(len(i.decisions) for i in items),
            "llm": _llm_profile(calls)}


def _collect_llm_calls() -> list[dict]:
    """Every in-process LLM call of this run (drafting/chat_models.py logs each with its token counts and time)."""
    import logging

    calls: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record):
            if hasattr(record, "llm_call"):
                calls.append(record.llm_call)

    logger = logging.getLogger("protokoll.llm")
    logger.setLevel(logging.INFO)
    logger.addHandler(Collect())
    return calls


def _llm_profile(calls: list[dict]) -> dict:
    """Where drafting time went: calls, prompt and generated tokens, seconds inside the model."""
    return {"calls": len(calls), "prompt_tokens": sum(c["prompt_tokens"] for c in calls),
            "completion_tokens": sum(c["completion_tokens"] for c in calls),
            "model_seconds": round(sum(c["seconds"] for c in calls), 1),
            "truncated": sum(c["finish_reason"] == "length" for c in calls), "per_call": calls}


def run(minutes: list[float], drafter: str = "llama-cpp", threads: int = 2, json_out: Path | None = None,
        keep: Path | None = None) -> dict:
    """`keep`: a directory to leave the long recordings and their drafts in, to read what the model wrote."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="protokoll-e2e-") as scratch:
        tmp = Path(keep) if keep else Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        for m in minutes:
            work = tmp / f"{m:g}"
            work.mkdir(exist_ok=True)
            audio, card = build_long_meeting(m, work)
            r = isolated(_run, audio=str(audio), card=str(card), out=str(work / "out"), drafter=drafter, threads=threads)
            r["minutes"] = m
            if "total_seconds" in r:
                r["realtime_ratio"] = round(r["total_seconds"] / (r["audio_minutes"] * 60), 3)
            runs.append(r)
    from pipelines.drafting import DraftOptions

    result = {"machine": machine(), "drafter": drafter, "threads": threads,
              "whisper": {"workers": threads, "threads_per_worker": 1, "beam": 5},
              "item_token_budget": DraftOptions().item_token_budget, "runs": runs}
    rows = [{"minutes": r["minutes"], **{f"{k}_s": v for k, v in r.get("stages", {}).items()},
             "llm_calls": r.get("llm", {}).get("calls", ""), "llm_model_s": r.get("llm", {}).get("model_seconds", ""),
             **r} for r in runs]
    print(table(rows, ["minutes", "audio_minutes", "transcribing_s", "segmenting_s", "drafting_s", "total_seconds",
                       "realtime_ratio", "peak_rss_mb", "fallbacks", "decisions", "llm_calls", "llm_model_s", "error"]))
    if json_out:
        write_json(json_out, result)
    return result
