"""Typed domain models that flow one way through the pipeline.

Meeting (card) -> Transcript -> Segmentation -> Protocol (of ItemDraft with Decision).
Each stage takes the previous stage's model and returns its own; each is saved as JSON
so a job can resume. Field names are English; texts inside are Swedish.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DecisionKind = Literal["noted", "thanked", "decided", "assigned", "postponed", "none"]
DecisionStatus = Literal["suggested", "accepted", "edited", "rejected"]
SUGGESTED, ACCEPTED, EDITED, REJECTED = get_args(DecisionStatus)
REVIEWED = (ACCEPTED, EDITED)  # what an "approved only" protocol holds

# A job's states in the order a meeting passes through them; the running ones are the pipeline's stages
# (run_pipeline reports progress under these names), the database stores them, the API returns them.
JobStatus = Literal["queued", "transcribing", "segmenting", "drafting", "ready", "failed"]
QUEUED, TRANSCRIBING, SEGMENTING, DRAFTING, READY, FAILED = get_args(JobStatus)
RUNNING_STATES = (TRANSCRIBING, SEGMENTING, DRAFTING)


NAME_LENGTH = 200  # a person's or organisation's name, a place, a time
AGENDA_ITEMS = 200
TITLE_LENGTH = 500


class Person(BaseModel):
    name: str = Field(min_length=1, max_length=NAME_LENGTH)
    organisation: str | None = Field(None, max_length=NAME_LENGTH)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value):
        # "Jonas Jönsson, Båstad" is how secretaries write attendees.
        if isinstance(value, str):
            name, _, org = value.partition(",")
            return {"name": name.strip(), "organisation": org.strip() or None}
        return value

    def label(self) -> str:
        return f"{self.name}, {self.organisation}" if self.organisation else self.name


class AgendaItem(BaseModel):
    number: int = Field(ge=1)
    title: str


class Meeting(BaseModel):
    """The meeting card: what the secretary knows before the recording is heard."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=TITLE_LENGTH)
    number: str | None = Field(None, max_length=NAME_LENGTH)  # "Protokoll nr 9 2025"
    date: dt.date
    time: str | None = Field(None, max_length=NAME_LENGTH)  # "08.30-12.00"
    place: str | None = Field(None, max_length=NAME_LENGTH)
    secretary: str | None = Field(None, max_length=NAME_LENGTH)
    chair: str | None = Field(None, max_length=NAME_LENGTH)  # ordförande, signs beside the justerare
    justerare: list[Annotated[str, Field(max_length=NAME_LENGTH)]] = Field(default_factory=list, max_length=20)
    attendees: list[Person] = Field(default_factory=list, max_length=AGENDA_ITEMS * 5)
    absent: list[Person] = Field(default_factory=list, max_length=AGENDA_ITEMS * 5)
    agenda: list[Annotated[str, Field(max_length=TITLE_LENGTH)]] = Field(default_factory=list, max_length=AGENDA_ITEMS)
    # Words the organisation taught the service (names Whisper misheard before), primed like the names above.
    glossary: list[Annotated[str, Field(max_length=NAME_LENGTH)]] = Field(default_factory=list, max_length=500)
    # A political body's card (members, ärenden): the protocol is written in the §-layout.
    political: PoliticalCard | None = None

    @field_validator("agenda")
    @classmethod
    def _clean_agenda(cls, items: list[str]) -> list[str]:
        cleaned = [i.strip() for i in items]
        if any(not i for i in cleaned):
            raise ValueError("tom punkt i dagordningen (empty agenda item)")
        return cleaned

    def agenda_items(self) -> list[AgendaItem]:
        return [AgendaItem(number=n, title=t) for n, t in enumerate(self.agenda, start=1)]

    def vocabulary(self) -> list[str]:
        """Names, organisations and agenda words that Whisper should spell right."""
        words: list[str] = []
        for person in [*self.attendees, *self.absent]:
            words.append(person.name)
            if person.organisation:
                words.append(person.organisation)
        if self.secretary:
            words.append(self.secretary)
        words.extend(self.glossary)  # before the agenda's long titles: the prompt is cut to a token budget
        words.extend(self.agenda)
        return list(dict.fromkeys(words))


class Word(BaseModel):
    start: float
    end: float
    text: str
    probability: float | None = None


class TranscriptSegment(BaseModel):
    id: int
    start: float
    end: float
    text: str
    words: list[Word] = Field(default_factory=list)
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


class Transcript(BaseModel):
    language: str
    duration: float  # seconds of audio
    backend: str  # "faster-whisper" | "openai-whisper"
    model: str
    segments: list[TranscriptSegment] = Field(default_factory=list)

    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments)


class Segment(BaseModel):
    """One agenda item's stretch of the recording."""

    number: int
    title: str
    start: float | None = None  # None: the item got no talk
    end: float | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    segment_ids: list[int] = Field(default_factory=list)
    inferred: bool = False  # True when the title came from the chair, not the agenda


class Segmentation(BaseModel):
    method: str
    items: list[Segment]


class Evidence(BaseModel):
    start: float
    end: float
    text: str


class Decision(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    text: str  # the att-clause: "att notera informationen"
    kind: DecisionKind = "decided"
    evidence: list[Evidence] = Field(default_factory=list)
    status: DecisionStatus = "suggested"
    drafted: str | None = None  # the AI's wording, kept once the secretary edits the text
    supported: bool = True  # grounding check verdict
    flags: list[str] = Field(default_factory=list)  # why a reviewer should look


class ItemDraft(BaseModel):
    number: int
    title: str
    start: float | None = None
    end: float | None = None
    confidence: float = 0.0
    summary: str = ""
    decisions: list[Decision] = Field(default_factory=list)
    bullets: list[str] = Field(default_factory=list)  # list-of-reports items ("informerade om:")
    speakers_mentioned: list[str] = Field(default_factory=list)
    transcript: str = ""  # the item's transcript excerpt, as the reviewer sees it
    needs_review: bool = False
    flags: list[str] = Field(default_factory=list)
    handled_flags: list[str] = Field(default_factory=list)  # flags the secretary marked handled: not printed
    drafter: str = ""
    political: ParagraphRecord | None = None  # yrkanden, omröstning, reservation … of a political body's §


class Protocol(BaseModel):
    meeting: Meeting
    items: list[ItemDraft]
    drafter: str = ""
    created: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    def item(self, number: int) -> ItemDraft:
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(number)


# The political records use Evidence above; imported last so each module reads top-down.
from .political.card import PoliticalCard  # noqa: E402
from .political.records import ParagraphRecord  # noqa: E402

Meeting.model_rebuild()
ItemDraft.model_rebuild()
Protocol.model_rebuild()
