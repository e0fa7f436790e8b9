"""`protokoll bench llm`: prefill and decode tokens/s and seconds per drafted item, per backend."""

from __future__ import annotations

import json
import time
from pathlib import Path

from pipelines.files import write_json

from .common import isolated, machine, table

PROMPT_WORDS = ("Kommundirektörerna diskuterade traineeprogrammet, samarbetsavtalet och personalansvaret "
                "för projektledaren som flyttas från Helsingborg till Klippan. ") * 12


def _llama_speed(model_path: str, threads: int, decode_tokens: int = 96) -> dict:
    import llama_cpp
    from llama_cpp import Llama

    llm = Llama(model_path=model_path, n_ctx=4096, n_threads=threads, n_batch=256, verbose=False)
    prompt = llm.tokenize(PROMPT_WORDS.encode(), add_bos=True)
    t0 = time.perf_counter()
    llm.create_completion(prompt, max_tokens=1, temperature=0)
    prefill = time.perf_counter() - t0
    llm.reset()
    t0 = time.perf_counter()
    out = llm.create_completion(prompt, max_tokens=decode_tokens, temperature=0,
                                logit_bias={llm.token_eos(): -1e9})  # decode the full count
    total = time.perf_counter() - t0
    n = out["usage"]["completion_tokens"]
    # Which instruction sets this build of llama.cpp uses (the install builds it for the CPU).
    info = llama_cpp.llama_print_system_info().decode()
    features = [f.split("=")[0].split(":")[-1].strip() for f in info.split("|") if "= 1" in f]
    return {"llama_cpu_features": features, "prompt_tokens": len(prompt), "prefill_tps": round(len(prompt) / prefill, 1),
            "decode_tps": round((n - 1) / max(total - prefill, 1e-6), 2)}


def _draft_items(backend: str, model: str | None, base_url: str | None, threads: int, job_dir: str | None) -> dict:
    from pipelines.drafting import DraftOptions
    from pipelines.drafting.drafter import LLMDrafter
    from pipelines.models import Protocol, Segmentation, Transcript

    options = DraftOptions(backend=backend, model=model, base_url=base_url, threads=threads)
    if job_dir:
        job = Path(job_dir)
        transcript = Transcript.model_validate_json((job / "transcript.json").read_text())
        segments = Segmentation.model_validate_json((job / "segments.json").read_text()).items
        meeting = Protocol.model_validate_json((job / "protocol.json").read_text()).meeting
    else:
        from pipelines.models import Meeting, Segment

        data = json.loads((Path(__file__).parent / "data" / "item.json").read_text())  # one hand-written item
        transcript = Transcript.model_validate(data["transcript"])
        segments, meeting = [Segment.model_validate(data["segment"])], Meeting.model_validate(data["meeting"])
    drafter = LLMDrafter(options, meeting)
    times, fallbacks = [], 0
    for segment in segments:
        if not segment.segment_ids:
            continue
        t0 = time.perf_counter()
        draft = drafter.draft_item(transcript, segment)
        times.append(time.perf_counter() - t0)
        fallbacks += "reserv" in draft.drafter
    return {"items": len(times), "seconds_per_item": round(sum(times) / max(len(times), 1), 1),
            "seconds_total": round(sum(times), 1), "fallbacks": fallbacks}


ROOT = Path(__file__).resolve().parent.parent
# Real municipal Swedish that does not repeat itself, ~13 000 characters: the most an item is read
# (DraftOptions.item_token_budget). The e2e bench repeats the sample's talk, which condensing collapses;
# this is the cost of an item in a real long meeting.
LONG_ITEM_SOURCES = [ROOT / "samples/meeting/protokoll.txt", ROOT / "tests/fixtures/ks_protokoll.txt",
                     Path("/work/shared/reference/protokoll-nr9-2025.txt")]  # used when present


def _long_item(model_path: str, threads: int, item_tokens: int | None = None) -> dict:
    from pipelines.drafting import DraftOptions
    from pipelines.drafting.drafter import LLMDrafter
    from pipelines.meeting_card import load_meeting
    from pipelines.models import Segment, Transcript, TranscriptSegment
    from pipelines.text import split_sentences

    truth = json.loads((ROOT / "samples/meeting/truth.json").read_text())
    sentences = [u["text"] for u in truth["utterances"]]
    for path in LONG_ITEM_SOURCES:
        if path.exists():
            sentences += [s for s in split_sentences(" ".join(path.read_text(encoding="utf-8").split())) if len(s) > 20]
    segs = [TranscriptSegment(id=i, start=6.0 * i, end=6.0 * i + 5.5, text=" " + t) for i, t in enumerate(sentences)]
    transcript = Transcript(language="sv", duration=6.0 * len(segs), backend="bench", model="text", segments=segs)
    segment = Segment(number=2, title="Information och beslut", start=0.0, end=transcript.duration,
                      confidence=0.9, segment_ids=[s.id for s in segs])
    options = DraftOptions(backend="llama-cpp", model=model_path, threads=threads)
    if item_tokens is not None:
        options.item_token_budget = item_tokens
    drafter = LLMDrafter(options, load_meeting(ROOT / "samples/meeting/meeting.yaml"))
    # Warm-up on a short item: loads the model and caches the system prompt, as the first item of a run does.
    drafter.draft_item(transcript, segment.model_copy(update={"end": 12.0, "segment_ids": [0, 1]}))
    t0 = time.perf_counter()
    draft = drafter.draft_item(transcript, segment)
    chars = sum(len(s.text) for s in segs)
    return {"long_item_chars": chars, "long_item_budget_tokens": options.item_token_budget,
            "long_item_call_tokens": drafter.call_tokens,
            "seconds_long_item": round(time.perf_counter() - t0, 1), "long_item_fallback": "reserv" in draft.drafter,
            "long_item_flags": draft.flags[:2]}


def _local(model_path: str, threads: int, job_dir: str | None, long_item: bool = True) -> dict:
    result = _llama_speed(model_path, threads)
    result.update(_draft_items("llama-cpp", model_path, None, threads, job_dir))
    if long_item:
        result.update(_long_item(model_path, threads))
    return result


def run(job_dir: Path | None = None, threads: int = 2, base_url: str | None = None, model: str | None = None,
        include_gemma: bool = True, json_out: Path | None = None) -> dict:
    from pipelines import weights

    backends: dict[str, dict] = {}
    jd = str(job_dir) if job_dir else None
    backends["llama-cpp:qwen2.5-coder-1.5b-q4_k_m"] = isolated(_local, model_path=str(weights.qwen_gguf()),
                                                               threads=threads, job_dir=jd)
    if include_gemma:  # speed reference only: its drafts are unusable and end as fallbacks
        backends["llama-cpp:gemma3-270m-q4_k_m"] = isolated(_local, model_path=str(weights.gemma_gguf()),
                                                            threads=threads, job_dir=jd, long_item=False)
    if base_url:
        backends[f"openai:{model or 'default'}"] = isolated(_draft_items, backend="openai", model=model,
                                                            base_url=base_url, threads=threads, job_dir=jd)
    result = {"machine": machine(), "threads": threads, "job": jd, "backends": backends}
    rows = [{"backend": k, **v} for k, v in backends.items()]
    print(table(rows, ["backend", "prefill_tps", "decode_tps", "seconds_per_item", "items", "fallbacks",
                       "seconds_long_item", "peak_rss_mb", "error"]))
    if json_out:
        write_json(json_out, result)
    return result
