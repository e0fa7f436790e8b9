"""The meeting form: what a secretary fills in on the meetings page becomes the same meeting card (YAML)
a power user uploads, checked by the same rules (pipelines/meeting_card.py) with the same Swedish errors."""

from __future__ import annotations

import re

import yaml
from pydantic import BaseModel, Field

from pipelines.meeting_card import meeting_from_dict, parse_agenda
from pipelines.models import AGENDA_ITEMS, NAME_LENGTH, Meeting

from .org_lists import Member

_BULLET = re.compile(r"^\s*[-–•*]\s+")
_NUMBERED = re.compile(r"^\s*(?:§\s*)?\d{1,3}\s*[.):]?\s+\S")


class Attendee(Member):
    present: bool = True  # unticked members are listed under "Anmält förhinder"


class MeetingForm(BaseModel):
    title: str = Field("", max_length=1000)
    number: str = Field("", max_length=NAME_LENGTH)
    date: str = Field("", max_length=40)
    time: str = Field("", max_length=NAME_LENGTH)
    place: str = Field("", max_length=NAME_LENGTH)
    chair: str = Field("", max_length=NAME_LENGTH)
    secretary: str = Field("", max_length=NAME_LENGTH)
    justerare: list[str] = Field(default_factory=list, max_length=20)
    attendees: list[Attendee] = Field(default_factory=list, max_length=AGENDA_ITEMS * 5)
    agenda: str = Field("", max_length=200_000)  # pasted from the kallelse


def agenda_lines(text: str) -> list[str]:
    """The kallelse's agenda: numbered lines as `parse_agenda` reads them (a wrapped title continues its
    item); a list without numbers is one item per line. Bullets and numbering are stripped."""
    lines = [_BULLET.sub("", line) for line in text.splitlines() if line.strip()]
    if any(_NUMBERED.match(line) for line in lines):
        return parse_agenda("\n".join(lines))
    return [line.strip() for line in lines]


def person(member: Member) -> str:
    return f"{member.name}, {member.party}" if member.party else member.name


def card_of(form: MeetingForm, glossary: list[str] = ()) -> dict:
    """The card as the YAML path holds it: only filled-in fields, in the order a person writes them."""
    card: dict = {"title": form.title.strip(), "number": form.number.strip(), "date": form.date.strip(),
                  "time": form.time.strip(), "place": form.place.strip(), "chair": form.chair.strip(),
                  "secretary": form.secretary.strip()}
    card = {k: v for k, v in card.items() if v or k in ("title", "date")}
    card["justerare"] = [j.strip() for j in form.justerare if j.strip()]
    card["attendees"] = [person(a) for a in form.attendees if a.present]
    card["absent"] = [person(a) for a in form.attendees if not a.present]
    card["agenda"] = agenda_lines(form.agenda)
    card["glossary"] = list(glossary)
    return {k: v for k, v in card.items() if v != [] or k == "agenda"}


def meeting_card(form: MeetingForm, glossary: list[str] = ()) -> tuple[str, Meeting]:
    """The YAML text of the card and the meeting it describes; a bad field raises InputError (Swedish)."""
    card = card_of(form, glossary)
    meeting = meeting_from_dict(card, "mötesformuläret")
    return yaml.safe_dump(card, allow_unicode=True, sort_keys=False), meeting
