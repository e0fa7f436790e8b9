"""A political body's records per § under review: yrkanden, propositionsordning, omröstning, reservationer,
protokollsanteckningar and jäv (the edits: service/political_review.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pipelines.political.card import PoliticalCard
from pipelines.political.records import MotionKind, ParagraphRecord, Tally, VoteChoice

from .. import political_review as pr
from .. import review
from ..deps import MeetingDep, SessionDep, WritableMeeting, Writer
from ..schemas import TEXT, Name, Saved, VersionOnly

router = APIRouter(prefix="/meetings/{meeting_id}")
STALE = {409: {"description": "Inaktuell version eller protokollet är inte klart"},
         423: {"description": "Protokollet är låst (skickat för justering eller justerat)"}}
MEMBERS = 200


class VoteIn(BaseModel):
    member: Name
    choice: VoteChoice


class RecordFields(BaseModel):
    """What the secretary sets of a record; which fields a kind takes: political_review.EDITABLE."""

    member: Name | None = None
    kind: MotionKind | None = None
    text: str | None = Field(None, max_length=TEXT)
    motivation: str | None = Field(None, max_length=TEXT)
    proposals: list[Annotated[str, Field(max_length=TEXT)]] | None = Field(None, max_length=50)
    finding: str | None = Field(None, max_length=TEXT)
    open: bool | None = None
    question: str | None = Field(None, max_length=TEXT)
    votes: list[VoteIn] | None = Field(None, max_length=MEMBERS)
    tally: Tally | None = None
    announced: Tally | None = None
    result: str | None = Field(None, max_length=TEXT)
    own_motion: bool | None = None
    written: bool | None = None
    substitute: Name | None = None


class RecordNew(BaseModel):
    record: RecordFields
    at: float | None = Field(None, ge=0, description="Var i inspelningen (sekunder) sekreteraren hörde det")
    version: int


class RecordPatch(BaseModel):
    record: RecordFields
    version: int


class Paragraph(BaseModel):
    number: int
    title: str
    record: ParagraphRecord | None


class PoliticalOut(BaseModel):
    card: PoliticalCard
    paragraphs: list[Paragraph]
    version: int


def _fields(body: RecordNew | RecordPatch) -> dict:
    return body.record.model_dump(mode="json", exclude_unset=True)


@router.get("/political", response_model=PoliticalOut, responses=STALE)
def get_political(row: MeetingDep):
    """The body's card and each §'s records, with the version to send back with a change."""
    protocol = review.load_protocol(row)
    return PoliticalOut(card=pr.card_of(protocol), version=row.version,
                        paragraphs=[Paragraph(number=i.number, title=i.title, record=i.political)
                                    for i in protocol.items])


@router.post("/items/{number}/political/{kind}", status_code=201, response_model=Saved, responses=STALE)
def add_record(number: int, kind: pr.Kind, body: RecordNew, row: WritableMeeting, db: SessionDep, user: Writer):
    return Saved(version=pr.add_record(db, row, user.email, body.version, number, kind, _fields(body), body.at))


@router.patch("/items/{number}/political/{kind}/{index}", response_model=Saved, responses=STALE)
def edit_record(number: int, kind: pr.Kind, index: int, body: RecordPatch, row: WritableMeeting, db: SessionDep,
                user: Writer):
    return Saved(version=pr.edit_record(db, row, user.email, body.version, number, kind, index, _fields(body)))


@router.delete("/items/{number}/political/{kind}/{index}", response_model=Saved, responses=STALE)
def remove_record(number: int, kind: pr.Kind, index: int, version: Annotated[int, Query()], row: WritableMeeting,
                  db: SessionDep, user: Writer):
    return Saved(version=pr.remove_record(db, row, user.email, version, number, kind, index))


@router.post("/items/{number}/political/{kind}/{index}/accept", response_model=Saved, responses=STALE)
def accept_record(number: int, kind: pr.Kind, index: int, body: VersionOnly, row: WritableMeeting, db: SessionDep,
                  user: Writer):
    return Saved(version=pr.accept_record(db, row, user.email, body.version, number, kind, index))
