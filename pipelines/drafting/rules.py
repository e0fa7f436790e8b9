"""The rule drafter: no language model, nothing invented.

Summary = the item's first informative sentences as said (extractive, marked for review); decisions =
the decisions spoken explicitly in the item, with their timestamps. It is the fallback of the LLM
chain and the drafter for machines without a model.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..decisions import find_spoken_decisions, hold_back_misheard
from ..models import ItemDraft, Meeting, Person, Segment, Transcript, TranscriptSegment
from ..cues import find_cue
from ..text import normalize, numbers_said, split_sentences

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

DRAFTER = "regler"
# An archived protocol sums an item up in two or three sentences, some 40 words; more of the talk
# brings in more of what Whisper misheard than of the item's facts.
SUMMARY_WORDS = 45

# What the room says around the facts: the chair steering, members' opinions and courtesies.
_FILLER = re.compile(
    r"\bjag (?:tycker|vill (?:tacka|understryka|att|se|ha|veta)|håller|undrar|ser att|har läst|skulle vilja|"
    r"är orolig|kan skicka|förstår)|"
    r"\bbra fråga\b|\bvarsågod|\bvar så god|\bordet är fritt|\bvi går vidare|\bfler (?:frågor|som vill)|"
    r"\bnågon mer\b|\bont om tid"
)
# The chair announcing the item, also where Whisper garbled the cue ("Nästa är en lärpunkt, och …").
_AGENDA_TALK = re.compile(r"\bdagordning\w*|\bpunkt\b|\bärende\b")
_INTERJECTION = re.compile(r"^(?:ja|nej|jo|okej|tack|bra)\s*,\s*", re.I)  # "Tack, kommunerna har …"


def item_segments(transcript: Transcript, segment: Segment) -> list[TranscriptSegment]:
    ids = set(segment.segment_ids)
    return [s for s in transcript.segments if s.id in ids]


def extractive_summary(segments: list[TranscriptSegment], max_words: int = SUMMARY_WORDS) -> str:
    """The item's informative sentences in the order said, up to about `max_words`: not the chair's
    transition, the decision, questions, opinions or courtesies, unless they carry a number."""
    chosen: list[str] = []
    seen: set[str] = set()  # a sentence said again (or heard again by Whisper) is summarised once
    count = 0
    for seg in segments:
        for sentence in split_sentences(seg.text):
            sentence = _INTERJECTION.sub("", sentence)
            sentence = sentence[:1].upper() + sentence[1:]
            norm = normalize(sentence)
            if find_cue(sentence) or re.search(r"\bbeslut|\bbordl", norm) or len(norm.split()) < 4 or norm in seen:
                continue  # transitions and decisions are not the summary
            if _AGENDA_TALK.search(norm):
                continue
            if (_FILLER.search(norm) or norm.endswith("?")) and not numbers_said(norm):
                continue
            if count >= max_words:
                return " ".join(chosen)
            seen.add(norm)
            chosen.append(sentence)
            count += len(sentence.split())
    return " ".join(chosen)


def mentioned_people(text: str, people: list[Person]) -> list[str]:
    """Attendees whose full name, or surname, is spoken in the text."""
    norm = normalize(text)
    found = []
    for p in people:
        name = normalize(p.name)
        surname = name.split()[-1]
        if name in norm or (len(surname) > 3 and re.search(rf"\b{re.escape(surname)}\b", norm)):
            found.append(p.name)
    return found


def draft_item(meeting: Meeting, transcript: Transcript, segment: Segment) -> ItemDraft:
    segs = item_segments(transcript, segment)
    text = " ".join(s.text.strip() for s in segs)
    decisions = find_spoken_decisions(segs, vocabulary=meeting.vocabulary(), title=segment.title)
    decisions, flags = hold_back_misheard(decisions, meeting.vocabulary())
    summary = extractive_summary(segs)
    if summary:
        flags.append("Sammanfattningen är ordagranna meningar ur inspelningen – skriv om i protokollsstil.")
    if segment.start is None:
        flags.append("Ingen diskussion hittades för punkten i inspelningen.")
    return ItemDraft(
        number=segment.number,
        title=segment.title,
        start=segment.start,
        end=segment.end,
        confidence=segment.confidence,
        summary=summary,
        decisions=decisions,
        speakers_mentioned=mentioned_people(text, [*meeting.attendees, *meeting.absent]),
        transcript=text,
        needs_review=bool(flags) or segment.confidence < 0.5,
        flags=flags,
        drafter=DRAFTER,
    )


class RuleDrafter:
    name = DRAFTER
    concurrency = 1

    def __init__(self, meeting: Meeting):
        from langchain_core.runnables import RunnableLambda  # a second's import: only when drafting

        self.meeting = meeting
        self.runnable: Runnable[dict, ItemDraft] = RunnableLambda(
            lambda x: draft_item(self.meeting, x["transcript"], x["segment"]))

    def draft_item(self, transcript: Transcript, segment: Segment) -> ItemDraft:
        return draft_item(self.meeting, transcript, segment)
