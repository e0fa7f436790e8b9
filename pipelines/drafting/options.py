"""Which drafter writes the Sammanfattning and the decisions, as data."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel


class DraftOptions(BaseModel):
    backend: Literal["rules", "llama-cpp", "openai", "transformers"] = "llama-cpp"  # embedded, offline
    model: str | None = None  # GGUF path / HF directory / endpoint model name; None = embedded default
    base_url: str | None = None  # OpenAI-compatible endpoint
    archive: Path | None = None  # folder of earlier protocols for few-shot examples
    threads: int = 2
    max_tokens: int = 600
    temperature: float = 0.1
    concurrency: int = 1  # items drafted at once by a remote endpoint (the embedded model takes one)
    # Transcript tokens the model reads per item (its own count); longer items are condensed first
    # (condense.py). 4400 tokens is 10–15 minutes of talk and one call of the embedded model.
    # 0 = read everything (map-reduce over as many calls as it takes).
    item_token_budget: int = 4400
