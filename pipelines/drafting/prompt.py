"""The prompt as data (prompts/draft_item.yaml) and its style examples: from the secretary's archive when
given, else from the reference protocol."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from langchain_core.prompts import ChatPromptTemplate
from pydantic import BaseModel

from ..dates import clock
from ..documents import ARCHIVE_SUFFIXES, parse_protocol
from ..models import Meeting, TranscriptSegment

PROMPTS = Path(__file__).resolve().parent.parent.parent / "prompts"
MAX_EXAMPLES = 4  # a 1.5B model's context is precious


class StyleExample(BaseModel):
    """One item of an earlier protocol, shown to the model as the house style."""

    title: str
    summary: str
    decisions: list[str]


@lru_cache(maxsize=1)
def prompt_spec() -> dict:
    return yaml.safe_load((PROMPTS / "draft_item.yaml").read_text(encoding="utf-8"))


def load_examples(archive: Path | None) -> list[StyleExample]:
    """Style examples: the secretary's own archive when given, else the reference protocol's."""
    if archive is None:
        data = yaml.safe_load((PROMPTS / "examples_reference.yaml").read_text(encoding="utf-8"))["examples"]
        return [StyleExample.model_validate(e) for e in data]
    examples = []
    for path in sorted(Path(archive).iterdir()):
        if path.suffix.lower() not in ARCHIVE_SUFFIXES:
            continue
        for item in parse_protocol(path).items:
            if item.summary and item.decisions:
                examples.append(StyleExample(title=item.title, summary=item.summary,
                                             decisions=[d.text for d in item.decisions]))
    return examples[:MAX_EXAMPLES]


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def build_prompt(examples: list[StyleExample]) -> ChatPromptTemplate:
    spec = prompt_spec()
    shots = "\n\n".join(
        spec["example"].format(title=e.title, summary=e.summary.strip(), decisions="; ".join(e.decisions))
        for e in examples
    )
    system = spec["system"] + ("\n" + spec["examples_header"] + "\n\n" + _escape(shots) if shots else "")
    messages = [("system", system)]
    for demo in spec.get("demonstrations", []):
        messages += [("human", _escape(demo["user"])), ("ai", _escape(demo["assistant"]))]
    return ChatPromptTemplate.from_messages([*messages, ("human", spec["user"])])


def shown_text(examples: list[StyleExample]) -> str:
    """Everything the model is shown as an example; a summary made of it was copied, not drafted."""
    return " ".join([*(e.summary for e in examples),
                     *(d["assistant"] for d in prompt_spec().get("demonstrations", []))])


def format_segments(segs: list[TranscriptSegment], indices: list[int]) -> str:
    """The selected segments of an item as lines numbered by their places in the item."""
    return "\n".join(f"[{i}] ({clock(segs[i].start)}) {segs[i].text.strip()}" for i in indices)


def prompt_inputs(meeting: Meeting, number: int, title: str, lines: str) -> dict:
    """The prompt's variables for one item: `lines` are its numbered transcript segments (format_segments)."""
    return {
        "attendees": ", ".join(p.label() for p in meeting.attendees) or "okänd",
        "number": number,
        "title": title,
        "segments": lines,
    }
