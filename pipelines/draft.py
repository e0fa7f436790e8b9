"""Drafters: turn one agenda item's stretch of transcript into an ItemDraft.

`make_drafter(options, meeting)` picks the backend: "rules" (no model, nothing invented) or an
LLM chain (pipelines/chain.py) over llama.cpp, an OpenAI-compatible endpoint or transformers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol as TypingProtocol

from pydantic import BaseModel

from . import draft_rules
from .models import ItemDraft, Meeting, Segment, Transcript


class DraftOptions(BaseModel):
    """Which drafter writes Sammanfattning and decisions. See pipelines/draft.py."""

    backend: Literal["rules", "llama-cpp", "openai", "transformers"] = "llama-cpp"  # embedded, offline
    model: str | None = None  # GGUF path / HF directory / endpoint model name; None = embedded default
    base_url: str | None = None  # OpenAI-compatible endpoint
    archive: Path | None = None  # folder of earlier protocols for few-shot examples
    threads: int = 2
    max_tokens: int = 600
    temperature: float = 0.1
    concurrency: int = 1
    # Transcript tokens the model reads per item (its own count); longer items are condensed first
    # (pipelines/condense.py). 4400 tokens is 10–15 minutes of talk and one call of the embedded model
    # (~80 s of prefill on 2 cores). 0 = read everything (map-reduce over as many calls as it takes).
    item_token_budget: int = 4400


class Drafter(TypingProtocol):
    name: str

    def draft_item(self, transcript: Transcript, segment: Segment) -> ItemDraft: ...


class RuleDrafter:
    name = draft_rules.DRAFTER

    def __init__(self, meeting: Meeting):
        self.meeting = meeting

    def draft_item(self, transcript: Transcript, segment: Segment) -> ItemDraft:
        return draft_rules.draft_item(self.meeting, transcript, segment)


def make_drafter(options, meeting: Meeting) -> Drafter:
    if options.backend == "rules":
        return RuleDrafter(meeting)
    from .chain import LLMDrafter

    return LLMDrafter(options, meeting)
