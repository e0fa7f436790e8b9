"""The transcript beside the audio (timed sentences) and search and replace across the meeting."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from .. import org_lists, review
from ..deps import MeetingDep, SessionDep, WritableMeeting, Writer
from ..errors import Invalid
from ..transcript import FIND_LENGTH, Hit, Replaced, Sentence, replace_all, search, sentences

router = APIRouter(prefix="/meetings/{meeting_id}")
STALE = {409: {"description": "Inaktuell version eller protokollet är inte klart"}}


class ReplaceIn(BaseModel):
    find: str = Field(max_length=FIND_LENGTH * 2)
    replace: str = Field(max_length=FIND_LENGTH * 2)
    version: int
    add_to_glossary: bool = False  # teach the organisation the right spelling for its next meetings


@router.get("/sentences", response_model=list[Sentence], responses=STALE)
def get_sentences(row: MeetingDep, db: SessionDep, request: Request):
    """The recording's sentences with their times and item, as corrected by search and replace."""
    protocol = review.load_protocol(row)
    return sentences(db, row, request.app.state.data.job_dir(row.id), protocol)


@router.get("/search", response_model=list[Hit], responses=STALE)
def search_protocol(row: MeetingDep, q: str = Query(max_length=FIND_LENGTH * 2)):
    """Where a word or phrase occurs (whole words, case as typed): item, field, count, an excerpt."""
    return search(review.load_protocol(row), q)


@router.post("/replace", response_model=Replaced, responses={**STALE, 422: {"description": "Finns inte"}})
def replace(body: ReplaceIn, row: WritableMeeting, db: SessionDep, user: Writer):
    """Replace a word or phrase in every item's transcript, summary and decisions: one audited change."""
    if body.add_to_glossary and not body.replace.strip():
        raise Invalid("Ett tomt ord kan inte läggas till i ordlistan – an empty word cannot join the glossary")
    version, count, fields = replace_all(db, row, user.email, body.version, body.find, body.replace)
    added = body.add_to_glossary and org_lists.add_word(db, user.org_id, body.replace, user.email)
    return Replaced(version=version, count=count, fields=fields, glossary_added=added)
