"""The organisation's lists (members, glossary), its Word template, and the meeting form's card."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from .. import org_lists
from ..deps import CurrentUser, Secretary, SessionDep
from ..errors import NotFound
from ..meeting_form import MeetingForm, meeting_card
from ..org_lists import Member

router = APIRouter()


class Members(BaseModel):
    members: list[Member] = Field(max_length=org_lists.MEMBERS)


class WordIn(BaseModel):
    word: str = Field(max_length=1000)


class WordAdded(BaseModel):
    added: bool
    glossary: list[str]


class TemplateInfo(BaseModel):
    filename: str
    size: int
    uploaded_by: str
    uploaded: str


class CardOut(BaseModel):
    card: str  # the YAML text, sent as the upload's `meeting` field
    title: str
    agenda: list[str]


@router.get("/org/members", response_model=Members)
def get_members(db: SessionDep, user: CurrentUser):
    return Members(members=org_lists.members(db, user.org_id))


@router.put("/org/members", response_model=Members)
def put_members(body: Members, db: SessionDep, user: Secretary):
    return Members(members=org_lists.save_members(db, user.org_id, body.members))


@router.get("/org/glossary", response_model=list[str])
def get_glossary(db: SessionDep, user: CurrentUser):
    """Words primed for Whisper in every meeting card the form makes (the card's `glossary`)."""
    return org_lists.glossary(db, user.org_id)


@router.post("/org/glossary", response_model=WordAdded)
def add_word(body: WordIn, db: SessionDep, user: Secretary):
    added = org_lists.add_word(db, user.org_id, body.word, user.email)
    return WordAdded(added=added, glossary=org_lists.glossary(db, user.org_id))


def _info(row) -> TemplateInfo:
    return TemplateInfo(filename=row.filename, size=len(row.content), uploaded_by=row.uploaded_by,
                        uploaded=row.uploaded.isoformat() + "Z")


@router.get("/org/template", response_model=TemplateInfo, responses={404: {"description": "Ingen mall"}})
def get_template(db: SessionDep, user: CurrentUser):
    row = org_lists.template(db, user.org_id)
    if row is None:
        raise NotFound("Organisationen har ingen Word-mall – no template")
    return _info(row)


@router.put("/org/template", response_model=TemplateInfo,
            openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {}}}})
async def put_template(request: Request, db: SessionDep, user: Secretary, filename: str = "mall.docx"):
    """The .docx/.dotx as the request body; `filename` names it."""
    content = bytearray()
    async for chunk in request.stream():
        content += chunk
        if len(content) > org_lists.TEMPLATE_BYTES:
            break  # save_template refuses it (413); no need to hold more
    org_lists.save_template(db, user.org_id, filename, bytes(content), user.email)
    return _info(org_lists.template(db, user.org_id))


@router.post("/meeting-card", response_model=CardOut, responses={422: {"description": "Ogiltigt mötes­kort"}})
def make_card(form: MeetingForm, db: SessionDep, user: Secretary):
    """The meeting form as a meeting card (the YAML an upload takes), with the organisation's glossary."""
    text, meeting = meeting_card(form, org_lists.glossary(db, user.org_id))
    return CardOut(card=text, title=meeting.title, agenda=meeting.agenda)
