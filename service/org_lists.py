"""What an organisation keeps between meetings: its member list (attendees on the meeting form), its
glossary (words Whisper misheard once; every card made by the form carries them, see Meeting.glossary)
and its Word template for exports. All are per organisation; a user sees and edits only their own."""

from __future__ import annotations

import io
import zipfile

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipelines.models import NAME_LENGTH

from .db import OrgMember, OrgTemplate, OrgWord, utcnow
from .errors import Invalid, TooLarge

MEMBERS = 500
TEMPLATE_BYTES = 5 * 1024 * 1024


class Member(BaseModel):
    name: str = Field(min_length=1, max_length=NAME_LENGTH)
    party: str = Field("", max_length=NAME_LENGTH)  # party or organisation: "S", "Båstad"
    role: str = Field("", max_length=NAME_LENGTH)  # "ordförande", "ledamot", "ersättare", …

    @field_validator("name", "party", "role")
    @classmethod
    def _strip(cls, value: str) -> str:
        return " ".join(value.split())


def members(db: Session, org_id: int) -> list[Member]:
    rows = db.scalars(select(OrgMember).where(OrgMember.org_id == org_id).order_by(OrgMember.position))
    return [Member(name=r.name, party=r.party, role=r.role) for r in rows]


def save_members(db: Session, org_id: int, people: list[Member]) -> list[Member]:
    """Replace the list (the form edits it as a whole); a name twice is refused, not silently merged."""
    if len(people) > MEMBERS:
        raise Invalid(f"Högst {MEMBERS} personer i medlemslistan – too many members")
    seen: set[str] = set()
    for p in people:
        if not p.name:
            raise Invalid("En rad i medlemslistan saknar namn – a member needs a name")
        if p.name.lower() in seen:
            raise Invalid(f"{p.name} står två gånger i medlemslistan – a name appears twice")
        seen.add(p.name.lower())
    db.execute(delete(OrgMember).where(OrgMember.org_id == org_id))
    db.add_all(OrgMember(org_id=org_id, position=n, name=p.name, party=p.party, role=p.role)
               for n, p in enumerate(people))
    db.commit()
    return members(db, org_id)


def glossary(db: Session, org_id: int) -> list[str]:
    return list(db.scalars(select(OrgWord.word).where(OrgWord.org_id == org_id).order_by(OrgWord.id)))


def add_word(db: Session, org_id: int, word: str, actor: str) -> bool:
    """Add `word` to the glossary; False when it was already there."""
    word = " ".join(word.split())
    if not word or len(word) > NAME_LENGTH:
        raise Invalid(f"Ordet ska vara 1–{NAME_LENGTH} tecken – the word must be 1–{NAME_LENGTH} characters")
    if word in glossary(db, org_id):
        return False
    db.add(OrgWord(org_id=org_id, word=word, added_by=actor))
    db.commit()
    return True


def template(db: Session, org_id: int) -> OrgTemplate | None:
    return db.get(OrgTemplate, org_id)


def save_template(db: Session, org_id: int, filename: str, content: bytes, actor: str) -> None:
    """Keep the organisation's Word template; it must be a .docx/.dotx that Word (and the export) can open."""
    if len(content) > TEMPLATE_BYTES:
        raise TooLarge(f"Mallen är större än {TEMPLATE_BYTES // (1024 * 1024)} MB – template too large")
    if not filename.lower().endswith((".docx", ".dotx")):
        raise Invalid("Mallen måste vara en Word-fil (.docx eller .dotx) – the template must be a .docx file")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            z.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise Invalid("Mallen är ingen läsbar Word-fil – the template is not a valid .docx") from None
    row = db.get(OrgTemplate, org_id) or OrgTemplate(org_id=org_id)
    row.filename, row.content, row.uploaded_by, row.uploaded = filename[:300], content, actor, utcnow()
    db.add(row)
    db.commit()
