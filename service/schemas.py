"""What the JSON API takes and returns. Requests are bounded here, so an oversized field is a 422."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from pipelines.models import NAME_LENGTH, Decision, DecisionStatus, JobStatus, Protocol

from .db import MeetingRow
from .jobs import overall_progress

TEXT = 100_000  # a summary, a decision, an item's corrected transcript
PEOPLE = 1000
Name = Annotated[str, Field(max_length=NAME_LENGTH)]
PersonLine = Annotated[str, Field(max_length=2 * NAME_LENGTH + 2)]  # "Name, Organisation"


class LoginIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class LoginOut(BaseModel):
    email: str
    organisation: str
    csrf_token: str


class Created(BaseModel):
    id: str


class MeetingStatus(BaseModel):
    id: str
    title: str
    date: str
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    stage_progress: float
    eta_seconds: float | None
    error: str | None
    version: int

    @classmethod
    def of(cls, row: MeetingRow) -> "MeetingStatus":
        return cls(id=row.id, title=row.title, date=row.meeting_date, status=row.status,
                   progress=overall_progress(row.status, row.stage_progress), stage_progress=row.stage_progress,
                   eta_seconds=row.eta_seconds, error=row.error, version=row.version)


class ProtocolOut(Protocol):
    """The protocol JSON of the CLI contract, plus `version` (send it back with every change)."""

    version: int


class DecisionPatch(BaseModel):
    status: DecisionStatus
    text: str | None = Field(None, max_length=TEXT)
    version: int


class DecisionNew(BaseModel):
    text: str = Field(min_length=1, max_length=TEXT)
    version: int


class DecisionAdded(BaseModel):
    version: int
    decision: Decision


class ItemPatch(BaseModel):
    summary: str | None = Field(None, max_length=TEXT)
    transcript: str | None = Field(None, max_length=10 * TEXT)
    version: int


class HeaderPatch(BaseModel):
    attendees: list[PersonLine] | None = Field(None, max_length=PEOPLE)
    absent: list[PersonLine] | None = Field(None, max_length=PEOPLE)
    place: Name | None = None
    time: Name | None = None
    chair: Name | None = None
    justerare: list[Name] | None = Field(None, max_length=20)
    version: int


class BoundsPatch(BaseModel):
    start: float = Field(ge=0)  # seconds into the recording
    end: float = Field(gt=0)
    version: int


class FlagPatch(BaseModel):
    flag: str = Field(min_length=1, max_length=TEXT)
    handled: bool = True
    version: int


class Change(BaseModel):
    version: int
    action: str
    target: str


class Changes(BaseModel):
    """What changed after a version: cheap to poll, so open tabs see each other's saves."""

    version: int
    changes: list[Change]


class VersionOnly(BaseModel):
    version: int


class Saved(BaseModel):
    version: int


class AuditEntry(BaseModel):
    at: str
    actor: str
    action: str
    target: str
    version: int
    before: object | None
    after: object | None
