"""What the model must return for one item: the schema (a grammar for llama.cpp), strict parsing, and the
repairs a small model's answer needs (an answer cut off at max_tokens closed after its last whole value,
a summary caught in a loop said once)."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, Field, ValidationError, field_validator

from ..models import DecisionKind
from ..text import normalize, split_sentences

SUMMARY_MAX_CHARS = 600  # the schema's maxLength: a summary this long was cut off by the grammar


class DraftedDecision(BaseModel):
    text: str = Field(min_length=5)
    kind: DecisionKind = "decided"
    evidence: list[int] = Field(default_factory=list)


class DraftOutput(BaseModel):
    """What the model must return for one item."""

    summary: str
    decisions: list[DraftedDecision] = Field(default_factory=list)
    speakers_mentioned: list[str] = Field(default_factory=list)
    truncated: bool = Field(default=False, exclude=True)  # cut off at max_tokens and closed by us

    @field_validator("summary")
    @classmethod
    def _strip(cls, v: str) -> str:
        return without_repeats(re.sub(r"\s+", " ", v).strip())


def json_schema() -> dict:
    """Schema for constrained decoding (llama.cpp compiles it to a grammar)."""
    return {
        "type": "object",
        "properties": {
            "summary": {"type": "string", "maxLength": SUMMARY_MAX_CHARS},
            "decisions": {
                "type": "array",
                "maxItems": 8,  # bounded output: a truncated JSON answer is a lost draft
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "kind": {"type": "string", "enum": ["noted", "thanked", "decided", "assigned", "postponed"]},
                        "evidence": {"type": "array", "items": {"type": "integer"}, "maxItems": 4},
                    },
                    "required": ["text", "kind", "evidence"],
                },
            },
            "speakers_mentioned": {"type": "array", "items": {"type": "string"}, "maxItems": 12},
        },
        "required": ["summary", "decisions", "speakers_mentioned"],
    }


def without_repeats(summary: str) -> str:
    """A small model can loop ("Avtalet har gått ut. Avtalet har gått ut. …") until the length limit:
    each sentence once, and a sentence cut off at the limit dropped when whole ones remain."""
    seen: set[str] = set()
    kept: list[str] = []
    for sentence in split_sentences(summary):
        if normalize(sentence) not in seen:
            seen.add(normalize(sentence))
            kept.append(sentence)
    if len(summary) >= SUMMARY_MAX_CHARS and len(kept) > 1 and not kept[-1].endswith((".", "!", "?")):
        kept.pop()
    return " ".join(kept)


def parse_output(text: str) -> DraftOutput:
    """Strict: raises ValueError on anything that is not one valid JSON object of the right shape.
    (LangChain's JsonOutputParser returned {} on malformed text; we validate ourselves.)"""
    cleaned = re.sub(r"^```(?:json)?\s*|\s*```$", "", text.strip())
    truncated = False
    try:
        data = json.loads(cleaned)
    except json.JSONDecodeError as e:
        closed = close_truncated_json(cleaned)
        if closed is None:
            raise ValueError(f"ogiltig JSON: {e.msg} (tecken {e.pos})") from None
        data, truncated = json.loads(closed), True
    if not isinstance(data, dict):
        raise ValueError("svaret är inte ett JSON-objekt")
    try:
        output = DraftOutput.model_validate(data)
        output.truncated = output.truncated or truncated
        return output
    except ValidationError as e:
        raise ValueError("; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())) from None


def close_truncated_json(text: str) -> str | None:
    """A JSON object the model was cut off in (max_tokens), closed after its last complete value: the
    summary and the decisions written so far are kept instead of a second, equally long call."""
    if not text.startswith("{"):
        return None
    stack: list[str] = []
    cuts: list[tuple[int, str]] = []  # (end of a complete value, the brackets still open there)
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                cuts.append((i + 1, "".join(reversed(stack))))  # a key here is not valid JSON: tried, skipped
            continue
        if ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]":
            if not stack or stack.pop() != ch:
                return None
            if stack:
                cuts.append((i + 1, "".join(reversed(stack))))
    for end, closers in reversed(cuts):
        candidate = text[:end].rstrip().rstrip(",") + closers
        try:
            json.loads(candidate)
            return candidate
        except json.JSONDecodeError:
            continue
    return None
