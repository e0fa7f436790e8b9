"""The language-model drafter: one LCEL runnable per meeting that turns an agenda item into an ItemDraft.

    item -> read (condensed when long) -> prompt | model | parser -> grounded ItemDraft
    one call:   (prompt | model | parser).with_fallbacks([the same with the error, once])
    one item:   (the above, or map-reduce for items longer than a call).with_fallbacks([rules])

The model proposes a Sammanfattning and att-clauses citing transcript segment numbers. Its output is
validated with pydantic; invalid output is retried once with the error, then replaced by a clearly
flagged fallback built from the decisions spoken in the item (the run never dies on model garbage).
Every clause is then checked against the transcript (grounding.py). Items run in parallel through
`runnable.batch(…, config={"max_concurrency": drafter.concurrency})`.
"""

from __future__ import annotations

import math
from functools import cached_property
from pathlib import Path

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from ..models import ItemDraft, Meeting, Segment, Transcript, TranscriptSegment
from ..text import normalize
from . import rules
from .condense import condense, line_chars
from ..decisions import DECISION_TALK
from .grounding import copied_from_examples, ground
from .options import DraftOptions
from .output import DraftOutput, json_schema, parse_output
from .prompt import build_prompt, format_segments, load_examples, prompt_inputs, prompt_spec, shown_text

# Transcript tokens per call when the model cannot count its tokens (remote endpoints, whose context we do
# not know); the embedded model fills its own context (LLMDrafter.call_tokens). Longer: map-reduce.
SEGMENT_TOKEN_BUDGET = 2200
CHARS_PER_TOKEN = 3  # estimate for uncounted models; Swedish transcripts run ~2.3 with Qwen's tokenizer
PROMPT_MARGIN = 160  # chat-template tokens around the messages, and slack
RETRY_ECHO_CHARS = 2000  # how much of the unusable answer the retry shows the model


class UnusableAnswer(ValueError):
    """The model's answer could not be used; carries the answer so the retry can show it."""

    def __init__(self, message: str, answer: str):
        super().__init__(message)
        self.answer = answer


class LLMDrafter:
    def __init__(self, options: DraftOptions, meeting: Meeting, model=None):
        from .chat_models import make_chat_model

        self.options = options
        self.meeting = meeting
        self.model = model or make_chat_model(options, json_schema=json_schema())
        examples = load_examples(options.archive)
        self.prompt = build_prompt(examples)
        self.examples_text = shown_text(examples)
        self.name = f"{options.backend}:{Path(options.model).name if options.model else 'inbyggd'}"
        # llama.cpp in-process is not thread-safe; remote endpoints can take several items at once.
        self.concurrency = max(1, options.concurrency) if options.backend == "openai" else 1
        self.call = self._call_runnable()
        self.runnable: Runnable[dict, ItemDraft] = RunnableLambda(self._draft).with_fallbacks(
            [RunnableLambda(self._fallback)], exception_key="error")

    def draft_item(self, transcript: Transcript, segment: Segment) -> ItemDraft:
        return self.runnable.invoke({"transcript": transcript, "segment": segment})

    # -- one call: prompt | model | parser, retried once with the error ---------------------------------

    def _call_runnable(self) -> Runnable[dict, DraftOutput]:
        answer = self.prompt | self.model | StrOutputParser()
        first = RunnablePassthrough.assign(answer=answer) | RunnableLambda(self._checked)
        retry_answer = RunnableLambda(self._retry_messages) | self.model | StrOutputParser()
        retry = RunnablePassthrough.assign(answer=retry_answer) | RunnableLambda(self._checked_again)
        return first.with_fallbacks([retry], exceptions_to_handle=(UnusableAnswer,), exception_key="error")

    def _checked(self, x: dict) -> DraftOutput:
        try:
            output = parse_output(x["answer"])
        except ValueError as e:
            raise UnusableAnswer(str(e), x["answer"]) from None
        if copied_from_examples(output.summary, self.examples_text, x["segments"]):
            raise UnusableAnswer("sammanfattningen upprepar exemplet i stället för att sammanfatta punkten", x["answer"])
        return output

    def _retry_messages(self, x: dict) -> list:
        first: UnusableAnswer = x["error"]
        inputs = {k: x[k] for k in self.prompt.input_variables}
        return self.prompt.format_messages(**inputs) + [
            AIMessage(content=first.answer[:RETRY_ECHO_CHARS]),
            HumanMessage(content=prompt_spec()["retry"].format(error=first)),
        ]

    def _checked_again(self, x: dict) -> DraftOutput:
        try:
            return self._checked(x)
        except UnusableAnswer as second:
            raise ValueError(f"{x['error']}; efter nytt försök: {second}") from None

    # -- how much of an item one call reads ----------------------------------------------------------------

    def _segment_tokens(self, segs: list[TranscriptSegment]) -> list[int]:
        """What each segment costs in the prompt, as its numbered line: counted by the model when it can."""
        count = getattr(self.model, "count_tokens", None)
        if count is None:
            return [math.ceil(line_chars(s) / CHARS_PER_TOKEN) for s in segs]
        return [count(s.text.strip()) + 8 for s in segs]  # "[123] (12:34) " is ~8 tokens

    @cached_property
    def call_tokens(self) -> int:
        """Transcript tokens one call can hold: the model's context less the instructions, demonstrations and
        answer, measured with the model's tokenizer. Fewer calls, and no reduce call, is most of the
        drafting time saved on long items."""
        count, context = getattr(self.model, "count_tokens", None), getattr(self.model, "n_ctx", None)
        if count is None or not context:
            return SEGMENT_TOKEN_BUDGET
        empty = self.prompt.format_messages(**prompt_inputs(self.meeting, 99, "x" * 80, ""))  # long title, no talk
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

    # -- one item --------------------------------------------------------------------------------------------

    def _inputs(self, segment: Segment, segs: list[TranscriptSegment], indices: list[int]) -> dict:
        return prompt_inputs(self.meeting, segment.number, segment.title, format_segments(segs, indices))

    def _draft(self, x: dict) -> ItemDraft:
        transcript, segment = x["transcript"], x["segment"]
        segs = rules.item_segments(transcript, segment)
        if not segs:
            return rules.draft_item(self.meeting, transcript, segment)
        budget = self.options.item_token_budget
        tokens = self._segment_tokens(segs)
        read = condense(segs, budget, keep=DECISION_TALK, sizes=tokens) if budget else list(range(len(segs)))
        chunks = self._chunks(read, tokens)
        if len(chunks) == 1:
            output = self.call.invoke(self._inputs(segment, segs, read))
        else:
            output = self._map_reduce(segment, segs, chunks)
        return self._item(segment, segs, read, output)

    def _map_reduce(self, segment: Segment, segs: list[TranscriptSegment], chunks: list[list[int]]) -> DraftOutput:
        # Evidence indices are already item-global: each line was numbered by its place in the item.
        partials = [self.call.invoke(self._inputs(segment, segs, part)) for part in chunks]
        reduce_prompt = prompt_spec()["reduce"].format(
            title=segment.title, partials="\n".join(f"- {p.summary}" for p in partials))
        summary = (self.model | StrOutputParser() | parse_output).invoke([HumanMessage(content=reduce_prompt)]).summary
        decisions = [d for p in partials for d in p.decisions]
        speakers = list(dict.fromkeys(n for p in partials for n in p.speakers_mentioned))
        return DraftOutput(summary=summary, decisions=decisions, speakers_mentioned=speakers,
                           truncated=any(p.truncated for p in partials))

    def _item(self, segment: Segment, segs: list[TranscriptSegment], read: list[int], output: DraftOutput) -> ItemDraft:
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
        for name in rules.mentioned_people(spoken_text, [*self.meeting.attendees, *self.meeting.absent]):
            if name not in speakers:
                speakers.append(name)
        return ItemDraft(
            number=segment.number, title=segment.title, start=segment.start, end=segment.end,
            confidence=segment.confidence, summary=output.summary, decisions=decisions,
            speakers_mentioned=speakers, transcript=" ".join(s.text.strip() for s in segs),
            needs_review=bool(flags) or segment.confidence < 0.5, flags=flags, drafter=self.name,
        )

    # -- the rules fallback -----------------------------------------------------------------------------------

    def _fallback(self, x: dict) -> ItemDraft:
        """The rule draft of the item with the decisions spoken in it, flagged with why the model's was not used:
        an unusable answer (twice), or a model that could not run (endpoint down, model crashed)."""
        error = x["error"]
        if isinstance(error, ValueError):
            reason = f"Språkmodellen gav ogiltigt svar ({error})."
        else:
            reason = f"Språkmodellen kunde inte användas ({type(error).__name__}: {error})."
        item = rules.draft_item(self.meeting, x["transcript"], x["segment"])
        item.flags.insert(0, reason + " Utkastet bygger på de beslut som uttalades – granska punkten.")
        item.needs_review = True
        item.drafter = f"{self.name} (reserv: regler)"
        return item
