"""Chat models for the drafting chain, all as LangChain runnables.

- llama-cpp: the embedded default, a GGUF file run in-process by llama-cpp-python, with the JSON
  schema compiled to a grammar (constrained decoding).
- openai: any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp's server, Azure OpenAI, …),
  JSON mode; the key comes from OPENAI_API_KEY.
- transformers: a local Hugging Face model directory (for users with a GPU).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from functools import lru_cache
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from ..errors import ModelError

log = logging.getLogger("protokoll.llm")

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def to_chat_dicts(messages: list[BaseMessage]) -> list[dict]:
    return [{"role": _ROLES.get(m.type, "user"), "content": m.content} for m in messages]


_LLAMA_LOCK = threading.Lock()  # llama.cpp contexts are not thread-safe


@lru_cache(maxsize=2)
def _load_llama(path: str, n_ctx: int, threads: int):
    try:
        from llama_cpp import Llama
    except ImportError:
        raise ModelError("llama-cpp-python är inte installerat – kör scripts/install.sh") from None
    # use_mmap=False: llama.cpp repacks the weights for the CPU into a buffer of its own, so with mmap the file's
    # pages stay resident beside that copy (Qwen 1.5B: 2.02 GB RSS loaded against 1.42 GB, same speed).
    return Llama(model_path=path, n_ctx=n_ctx, n_threads=threads, n_batch=256, verbose=False, use_mmap=False)


class LlamaCppChat(BaseChatModel):
    """In-process llama.cpp. One model instance per file; calls are serialised (not thread-safe)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    # System prompt and demonstrations take ~1.8k tokens and the answer up to max_tokens; the drafter fills
    # the rest with transcript (LLMDrafter.call_tokens). KV cache at 8192: ~230 MB.
    n_ctx: int = 8192
    threads: int = 2
    temperature: float = 0.1
    # A small model can loop on one sentence until the length limit: llama.cpp's usual 1.1 over the last
    # 64 tokens. The grammar keeps the JSON structure whole.
    repeat_penalty: float = 1.1
    max_tokens: int = 400
    json_schema: dict | None = None

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        llm = _load_llama(self.model_path, self.n_ctx, self.threads)
        response_format = {"type": "json_object"}
        if self.json_schema:
            response_format["schema"] = self.json_schema
        with _LLAMA_LOCK:
            started = time.perf_counter()
            out = llm.create_chat_completion(
                messages=to_chat_dicts(messages),
                response_format=response_format,
                temperature=self.temperature,
                repeat_penalty=self.repeat_penalty,
                max_tokens=self.max_tokens,
                stop=stop,
            )
            seconds = time.perf_counter() - started
        text = out["choices"][0]["message"]["content"] or ""
        usage = out.get("usage", {})
        finish = out["choices"][0].get("finish_reason")
        # Where drafting time goes (bench e2e collects these): prompt vs generated tokens, per call.
        log.info("llama.cpp: %s prompt + %s generated tokens in %.1f s (%s)", usage.get("prompt_tokens"),
                 usage.get("completion_tokens"), seconds, finish,
                 extra={"llm_call": {"prompt_tokens": usage.get("prompt_tokens", 0),
                                     "completion_tokens": usage.get("completion_tokens", 0),
                                     "seconds": round(seconds, 2), "finish_reason": finish}})
        message = AIMessage(content=text, response_metadata={"usage": usage, "finish_reason": finish})
        return ChatResult(generations=[ChatGeneration(message=message)], llm_output={"usage": usage})

    def count_tokens(self, text: str) -> int:
        llm = _load_llama(self.model_path, self.n_ctx, self.threads)
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False))


class TransformersChat(BaseChatModel):
    """A local Hugging Face causal LM with a chat template. Loaded once per directory."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_dir: str
    gguf_file: str | None = None
    temperature: float = 0.1
    max_tokens: int = 400

    @property
    def _llm_type(self) -> str:
        return "transformers"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        tokenizer, model = _load_transformers(self.model_dir, self.gguf_file)
        prompt = tokenizer.apply_chat_template(to_chat_dicts(messages), add_generation_prompt=True, tokenize=False)
        inputs = tokenizer(prompt, return_tensors="pt").to(model.device)
        do_sample = self.temperature > 0
        output = model.generate(**inputs, max_new_tokens=self.max_tokens, do_sample=do_sample,
                                temperature=self.temperature if do_sample else None)
        text = tokenizer.decode(output[0][inputs["input_ids"].shape[1]:], skip_special_tokens=True)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


@lru_cache(maxsize=1)
def _load_transformers(model_dir: str, gguf_file: str | None):
    try:
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        raise ModelError("transformers är inte installerat – pip install transformers") from None
    kwargs = {"gguf_file": gguf_file} if gguf_file else {}
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True, device_map="auto", **kwargs)
    return tokenizer, model


def make_chat_model(options, json_schema: dict | None = None) -> BaseChatModel:
    """The chat model the options name; the embedded Qwen GGUF when nothing is named."""
    if options.backend == "llama-cpp":
        from ..weights import qwen_gguf

        path = options.model or str(qwen_gguf())
        return LlamaCppChat(model_path=path, threads=options.threads, temperature=options.temperature,
                            max_tokens=options.max_tokens, json_schema=json_schema)
    if options.backend == "openai":
        from langchain_openai import ChatOpenAI

        if not options.base_url and not os.environ.get("OPENAI_BASE_URL"):
            raise ModelError("ange --base-url för en OpenAI-kompatibel endpoint – base_url missing")
        return ChatOpenAI(
            base_url=options.base_url,
            model=options.model or "default",
            api_key=os.environ.get("OPENAI_API_KEY", "ingen-nyckel"),
            temperature=options.temperature,
            max_tokens=options.max_tokens,
            timeout=600,
            max_retries=1,
        ).bind(response_format={"type": "json_object"})
    if options.backend == "transformers":
        if not options.model:
            raise ModelError("ange --llm-model med en lokal Hugging Face-katalog – model directory missing")
        path = Path(options.model)
        if path.suffix == ".gguf":  # transformers dequantises a GGUF file into a torch model
            return TransformersChat(model_dir=str(path.parent), gguf_file=path.name,
                                    temperature=options.temperature, max_tokens=options.max_tokens)
        return TransformersChat(model_dir=options.model, temperature=options.temperature, max_tokens=options.max_tokens)
    raise ModelError(f"okänd språkmodell: {options.backend}")
