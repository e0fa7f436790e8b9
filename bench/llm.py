"""`protokoll bench llm`: prefill and decode tokens/s and seconds per drafted item, per backend."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .common import isolated, machine, table, write_json

PROMPT_WORDS = ("Kommundirektörerna diskuterade traineeprogrammet, samarbetsavtalet och personalansvaret "
                "för projektledaren som flyttas från Helsingborg till Klippan. ") * 12


def _llama_speed(model_path: str, threads: int, decode_tokens: int = 96) -> dict:
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
    return {"prompt_tokens": len(prompt), "prefill_tps": round(len(prompt) / prefill, 1),
            "decode_tps": round((n - 1) / max(total - prefill, 1e-6), 2)}


def _draft_items(backend: str, model: str | None, base_url: str | None, threads: int, job_dir: str | None) -> dict:
    from pipelines.chain import LLMDrafter
    from pipelines.draft import DraftOptions
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


def _local(model_path: str, threads: int, job_dir: str | None) -> dict:
    result = _llama_speed(model_path, threads)
    result.update(_draft_items("llama-cpp", model_path, None, threads, job_dir))
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
                                                            threads=threads, job_dir=jd)
    if base_url:
        backends[f"openai:{model or 'default'}"] = isolated(_draft_items, backend="openai", model=model,
                                                            base_url=base_url, threads=threads, job_dir=jd)
    result = {"machine": machine(), "threads": threads, "job": jd, "backends": backends}
    rows = [{"backend": k, **v} for k, v in backends.items()]
    print(table(rows, ["backend", "prefill_tps", "decode_tps", "seconds_per_item", "items", "fallbacks", "peak_rss_mb", "error"]))
    write_json(json_out, result)
    return result
