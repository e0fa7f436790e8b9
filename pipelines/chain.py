"""The drafting chain: prompt | model | parser, per agenda item, with evidence and grounding.

The model proposes a Sammanfattning and att-clauses citing transcript segment numbers. Its output is
validated with pydantic; invalid output is retried once with the error, then replaced by a clearly
flagged fallback built from the decisions spoken in the item (the run never dies on model garbage).
Every clause is then checked against the transcript: decisions the chair spoke are always present
(with their times); a proposed clause nobody spoke is dropped with the reason in the item's flags.
"""

from __future__ import annotations

import json
import math
import re
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from pydantic import BaseModel, Field, ValidationError, field_validator

from . import draft_rules
from .condense import condense, line_chars
from .decisions import classify, find_spoken_decisions, support, tidy_clause
from .models import Decision, DecisionKind, Evidence, ItemDraft, Meeting, Segment, Transcript, TranscriptSegment
from .text import content_stems, normalize, split_sentences

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
SUPPORT_THRESHOLD = 0.75  # share of a clause's content words (or near-verbatim match) found in the item
# Transcript tokens per call when the model cannot count its tokens (remote endpoints, whose context we do
# not know); the embedded model fills its own context (LLMDrafter.call_tokens). Longer: map-reduce.
SEGMENT_TOKEN_BUDGET = 2200
CHARS_PER_TOKEN = 3  # estimate for uncounted models; Swedish transcripts run ~2.3 with Qwen's tokenizer
PROMPT_MARGIN = 160  # chat-template tokens around the messages, and slack
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


# --- prompts as data ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def prompt_spec() -> dict:
    return yaml.safe_load((PROMPTS / "draft_item.yaml").read_text(encoding="utf-8"))


def load_examples(archive: Path | None) -> list[dict]:
    """Style examples: the secretary's own archive when given, else the reference protocol's."""
    if archive is None:
        return yaml.safe_load((PROMPTS / "examples_reference.yaml").read_text(encoding="utf-8"))["examples"]
    from eval.parse import parse_protocol  # archive parsing lives with the evaluation

    examples = []
    for path in sorted(Path(archive).iterdir()):
        if path.suffix.lower() not in {".txt", ".docx", ".pdf"}:
            continue
        for item in parse_protocol(path).items:
            if item.summary and item.decisions:
                examples.append({"title": item.title, "summary": item.summary,
                                 "decisions": [d.text for d in item.decisions]})
    return examples[:4]  # a 1.5B model's context is precious


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def build_prompt(examples: list[dict]) -> ChatPromptTemplate:
    spec = prompt_spec()
    shots = "\n\n".join(
        spec["example"].format(title=e["title"], summary=e["summary"].strip(), decisions="; ".join(e["decisions"]))
        for e in examples
    )
    system = spec["system"] + ("\n" + spec["examples_header"] + "\n\n" + _escape(shots) if shots else "")
    messages = [("system", system)]
    for demo in spec.get("demonstrations", []):
        messages += [("human", _escape(demo["user"])), ("ai", _escape(demo["assistant"]))]
    return ChatPromptTemplate.from_messages([*messages, ("human", spec["user"])])


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:d}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def format_segments(segs: list[TranscriptSegment], indices: list[int]) -> str:
    """The selected segments of an item as lines numbered by their places in the item."""
    return "\n".join(f"[{i}] ({_clock(segs[i].start)}) {segs[i].text.strip()}" for i in indices)


# --- grounding ------------------------------------------------------------------------------------------

spoken_decisions = find_spoken_decisions


def _evidence(segs: list[TranscriptSegment], indices: list[int]) -> list[Evidence]:
    return [Evidence(start=segs[i].start, end=segs[i].end, text=segs[i].text.strip())
            for i in dict.fromkeys(indices) if 0 <= i < len(segs)]


def ground(output: DraftOutput, segs: list[TranscriptSegment], meeting: Meeting,
           title: str = "") -> tuple[list[Decision], list[str]]:
    """Reconcile the model's clauses with the spoken decisions; drop what the transcript does not support."""
    spoken = spoken_decisions(segs)
    matched: set[int] = set()
    decisions: list[Decision] = []
    flags: list[str] = []
    for proposed in output.decisions:
        clause = tidy_clause(proposed.text)
        # Is it one of the decisions the chair spoke? Then keep the model's wording with the spoken evidence.
        best, best_j = 0.0, None
        for j, d in enumerate(spoken):
            if j in matched:
                continue
            score, _ = support(clause, [_as_segment(d)])
            if classify(clause) == d.kind and d.kind in ("noted", "thanked", "postponed"):
                score = max(score, 0.9)  # "att notera informationen" has few words to match on
            if score > best:
                best, best_j = score, j
        if best_j is not None and best >= SUPPORT_THRESHOLD:
            matched.add(best_j)
            d = spoken[best_j]
            text = clause if proposed.text.strip().lower().startswith("att") else d.text
            kind = d.kind if d.kind != "decided" else classify(text)  # what was said decides the kind
            decisions.append(Decision(text=text, kind=kind, evidence=d.evidence))
            continue
        score, seg = support(clause, segs)
        kind = classify(clause)
        substantive = len(content_stems(clause)) >= 2  # "att kartläggningen" says nothing
        decided_there = seg is not None and _DECISION_TALK.search(seg.text)
        if score >= SUPPORT_THRESHOLD and substantive and decided_there:
            evidence = _evidence(segs, proposed.evidence) or [Evidence(start=seg.start, end=seg.end, text=seg.text.strip())]
            decisions.append(Decision(text=clause, kind=kind, evidence=evidence,
                                      flags=["Beslutet uttalades inte ordagrant – kontrollera mot inspelningen."]))
        else:
            why = "inget beslut fattades där" if score >= SUPPORT_THRESHOLD else f"överensstämmelse {score:.0%}"
            flags.append(f"Strök beslutsförslaget ”{clause}”: det stöds inte av inspelningen ({why}).")
    for j, d in enumerate(spoken):
        if j not in matched:  # the chair said it; the model missed it
            decisions.append(d)
    decisions.sort(key=lambda d: d.evidence[0].start if d.evidence else float("inf"))
    flags.extend(check_names(output.summary, segs, meeting))
    if unsupported_share(output.summary, segs, meeting, title) > 0.4:
        flags.append("Sammanfattningen innehåller uppgifter som inte finns i inspelningen av punkten – kontrollera.")
    if copied_share(output.summary, segs) >= 0.6:
        flags.append("Sammanfattningen är till stor del ordagrann transkribering – skriv om i protokollsstil.")
    return decisions, flags


def unsupported_share(summary: str, segs: list[TranscriptSegment], meeting: Meeting, title: str = "") -> float:
    """Share of the summary's content words that neither the item's talk, its title nor the names know."""
    mine = set(content_stems(summary))
    if not mine:
        return 0.0
    names = " ".join(p.label() for p in [*meeting.attendees, *meeting.absent])
    known = set(content_stems(" ".join(s.text for s in segs) + " " + names + " " + title))
    return len(mine - known) / len(mine)


def copied_share(summary: str, segs: list[TranscriptSegment]) -> float:
    """Share of the summary's word trigrams that stand verbatim in the transcript."""
    return _trigram_share(summary, " ".join(s.text for s in segs))


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", normalize(text))
    return {tuple(w[i:i + 3]) for i in range(len(w) - 2)}


def _trigram_share(text: str, source: str) -> float:
    mine = _trigrams(text)
    if len(mine) < 5:
        return 0.0
    return len(mine & _trigrams(source)) / len(mine)


# The chair's words for a decision taken, when not the literal "mötet beslutar att".
_DECISION_TALK = re.compile(r"beslut|beslöt|överens|bestäm|enig|godkän|bifall|fastställ|uppdra|bordl|borde lägg", re.I)


def _as_segment(d: Decision) -> TranscriptSegment:
    e = d.evidence[0]
    return TranscriptSegment(id=0, start=e.start, end=e.end, text=e.text)


_NAME = re.compile(r"\b([A-ZÅÄÖ][a-zåäöé]+(?:[- ][A-ZÅÄÖ][a-zåäöé]+)+)\b")


def check_names(summary: str, segs: list[TranscriptSegment], meeting: Meeting) -> list[str]:
    """Names (two or more capitalised words) that neither the attendee list nor the transcript has."""
    known = {normalize(p.name) for p in [*meeting.attendees, *meeting.absent]}
    if meeting.secretary:
        known.add(normalize(meeting.secretary))
    spoken = normalize(" ".join(s.text for s in segs))
    flags = []
    for m in _NAME.finditer(summary):
        name = normalize(m.group(1))
        if m.start() == 0 or summary[max(0, m.start() - 2):m.start()].strip() in {".", "!", "?"}:
            first, *rest = name.split()
            name = " ".join(rest) if rest and first not in " ".join(known) else name
        parts = name.split()
        if not parts or name in known or any(name in k or k in name for k in known):
            continue
        if all(p in spoken for p in parts):
            continue
        flags.append(f"Namnet ”{m.group(1)}” finns varken i deltagarlistan eller i inspelningen – kontrollera.")
    return flags


# --- the drafter --------------------------------------------------------------------------------------------

class LLMDrafter:
    def __init__(self, options, meeting: Meeting, model=None):
        from .llm import make_chat_model

        self.options = options
        self.meeting = meeting
        self.model = model or make_chat_model(options, json_schema=json_schema())
        examples = load_examples(options.archive)
        self.prompt = build_prompt(examples)
        # What the model has been shown; a summary made of it was copied, not drafted.
        self.demo_text = " ".join([*(e["summary"] for e in examples),
                                   *(d["assistant"] for d in prompt_spec().get("demonstrations", []))])
        self.chain = self.prompt | self.model | StrOutputParser()
        self.name = f"{options.backend}:{Path(options.model).name if options.model else 'inbyggd'}"
        # llama.cpp in-process is serial; remote endpoints can take several items at once.
        self.concurrent = options.backend == "openai"

    # The prompt's variables for one item: `lines` are its numbered transcript segments (format_segments).
    def _inputs(self, number: int, title: str, lines: str) -> dict:
        return {
            "attendees": ", ".join(p.label() for p in self.meeting.attendees) or "okänd",
            "number": number,
            "title": title,
            "segments": lines,
        }

    def _parse(self, text: str, item_text: str) -> DraftOutput:
        output = parse_output(text)
        # Phrases from the examples that this item's talk does not contain were copied, not drafted.
        borrowed = _trigrams(output.summary) & (_trigrams(self.demo_text) - _trigrams(item_text))
        if len(borrowed) >= max(6, 0.5 * len(_trigrams(output.summary))):  # style phrases are welcome
            raise ValueError("sammanfattningen upprepar exemplet i stället för att sammanfatta punkten")
        return output

    def _invoke(self, inputs: dict) -> DraftOutput:
        """One call, one retry with the error; raises ValueError when both are unusable."""
        text = self.chain.invoke(inputs)
        try:
            return self._parse(text, inputs["segments"])
        except ValueError as first_error:
            messages = self.prompt.format_messages(**inputs) + [
                AIMessage(content=text[:2000]),
                HumanMessage(content=prompt_spec()["retry"].format(error=first_error)),
            ]
            retry_text = (self.model | StrOutputParser()).invoke(messages)
            try:
                return self._parse(retry_text, inputs["segments"])
            except ValueError as second_error:
                raise ValueError(f"{first_error}; efter nytt försök: {second_error}") from None

    def _segment_tokens(self, segs: list[TranscriptSegment]) -> list[int]:
        """What each segment costs in the prompt, as its numbered line: counted by the model when it can."""
        count = getattr(self.model, "count_tokens", None)
        if count is None:
            return [math.ceil(line_chars(s) / CHARS_PER_TOKEN) for s in segs]
        return [count(s.text.strip()) + 8 for s in segs]  # "[123] (12:34) " is ~8 tokens

    @cached_property
    def call_tokens(self) -> int:
        """Transcript tokens one call can hold: the model's context less the instructions, demonstrations and
        answer (measured, not guessed: a guessed 2200 overflowed a 4096 context). Fewer calls, and no reduce
        call, is most of the drafting time saved on long items."""
        count, context = getattr(self.model, "count_tokens", None), getattr(self.model, "n_ctx", None)
        if count is None or not context:
            return SEGMENT_TOKEN_BUDGET
        empty = self.prompt.format_messages(**self._inputs(99, "x" * 80, ""))  # a long title, no talk
        overhead = sum(count(str(m.content)) + 4 for m in empty)
        return max(SEGMENT_TOKEN_BUDGET // 2, context - overhead - self.options.max_tokens - PROMPT_MARGIN)

    def _chunks(self, indices: list[int], tokens: list[int]) -> list[list[int]]:
        """The selected segments in calls of at most call_tokens transcript tokens, in time order."""
        chunks: list[list[int]] = [[]]
        size = 0
        for i in indices:
            if chunks[-1] and size + tokens[i] > self.call_tokens:
                chunks.append([])
                size = 0
            chunks[-1].append(i)
            size += tokens[i]
        return chunks

    def draft_item(self, transcript: Transcript, segment: Segment) -> ItemDraft:
        segs = draft_rules.item_segments(transcript, segment)
        if not segs:
            return draft_rules.draft_item(self.meeting, transcript, segment)
        budget = self.options.item_token_budget
        try:
            tokens = self._segment_tokens(segs)
            read = condense(segs, budget, keep=_DECISION_TALK, sizes=tokens) if budget else list(range(len(segs)))
            chunks = self._chunks(read, tokens)
            if len(chunks) == 1:
                output = self._invoke(self._inputs(segment.number, segment.title, format_segments(segs, read)))
            else:
                output = self._map_reduce(segment, segs, chunks)
        except ValueError as e:
            return self._fallback(transcript, segment, f"Språkmodellen gav ogiltigt svar ({e}).")
        except Exception as e:  # endpoint down, model crashed: the run goes on, the item is flagged
            return self._fallback(transcript, segment, f"Språkmodellen kunde inte användas ({type(e).__name__}: {e}).")
        decisions, flags = ground(output, segs, self.meeting, segment.title)
        if output.truncated:
            flags.append("Språkmodellens svar nådde längdgränsen och avslutades efter det sista hela beslutet "
                         "– kontrollera att inget saknas.")
        if len(read) < len(segs):
            share = sum(len(segs[i].text) for i in read) / max(1, sum(len(s.text) for s in segs))
            flags.append(f"Lång punkt: sammanfattningen bygger på ett urval ({share:.0%} av talet – beslutstal, "
                         "inledning, avslutning och det mest centrala). Alla uttalade beslut finns med.")
        people = {normalize(p.name): p.name for p in [*self.meeting.attendees, *self.meeting.absent]}
        spoken_text = normalize(" ".join(s.text for s in segs))
        speakers = [people[normalize(n)] for n in output.speakers_mentioned
                    if normalize(n) in people and normalize(n).split()[-1] in spoken_text]
        for name in draft_rules.mentioned_people(spoken_text, [*self.meeting.attendees, *self.meeting.absent]):
            if name not in speakers:
                speakers.append(name)
        return ItemDraft(
            number=segment.number, title=segment.title, start=segment.start, end=segment.end,
            confidence=segment.confidence, summary=output.summary, decisions=decisions,
            speakers_mentioned=speakers, transcript=" ".join(s.text.strip() for s in segs),
            needs_review=bool(flags) or segment.confidence < 0.5, flags=flags, drafter=self.name,
        )

    def _map_reduce(self, segment: Segment, segs: list[TranscriptSegment], chunks: list[list[int]]) -> DraftOutput:
        partials = [self._invoke(self._inputs(segment.number, segment.title, format_segments(segs, part)))
                    for part in chunks]
        # Evidence indices are already item-global: each line was numbered by its place in the item.
        reduce_prompt = prompt_spec()["reduce"].format(
            title=segment.title, partials="\n".join(f"- {p.summary}" for p in partials))
        text = (self.model | StrOutputParser()).invoke([HumanMessage(content=reduce_prompt)])
        summary = parse_output(text).summary
        decisions = [d for p in partials for d in p.decisions]
        speakers = list(dict.fromkeys(n for p in partials for n in p.speakers_mentioned))
        return DraftOutput(summary=summary, decisions=decisions, speakers_mentioned=speakers,
                           truncated=any(p.truncated for p in partials))

    def _fallback(self, transcript: Transcript, segment: Segment, reason: str) -> ItemDraft:
        item = draft_rules.draft_item(self.meeting, transcript, segment)
        item.decisions = spoken_decisions(draft_rules.item_segments(transcript, segment))
        item.flags.insert(0, reason + " Utkastet bygger på de beslut som uttalades – granska punkten.")
        item.needs_review = True
        item.drafter = f"{self.name} (reserv: regler)"
        return item
