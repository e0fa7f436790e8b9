"""Drafting: one agenda item's stretch of transcript -> ItemDraft (Sammanfattning and att-clauses with
their evidence).

    drafter = make_drafter(DraftOptions(backend="llama-cpp"), meeting)
    drafter.draft_item(transcript, segment)                          # one item
    drafter.runnable.batch(inputs, config={"max_concurrency": drafter.concurrency})   # many

"rules" drafts without a model (nothing invented); the others are an LCEL runnable (drafter.py) over
llama.cpp, an OpenAI-compatible endpoint or transformers (chat_models.py), with the prompt and its style
examples (prompt.py), the output schema and its repair (output.py), and grounding (grounding.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ..models import ItemDraft, Meeting, Segment, Transcript
from .options import DraftOptions
from .rules import RuleDrafter

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable


class Drafter(Protocol):
    name: str
    concurrency: int  # items the backend takes at once
    runnable: Runnable[dict, ItemDraft]  # {"transcript": Transcript, "segment": Segment} -> ItemDraft

    def draft_item(self, transcript: Transcript, segment: Segment) -> ItemDraft: ...


def make_drafter(options: DraftOptions, meeting: Meeting) -> Drafter:
    if options.backend == "rules":
        return RuleDrafter(meeting)
    from .drafter import LLMDrafter  # langchain's model classes and the prompt: only when a model drafts

    return LLMDrafter(options, meeting)


__all__ = ["DraftOptions", "Drafter", "RuleDrafter", "make_drafter"]
