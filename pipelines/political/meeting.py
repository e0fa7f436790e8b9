"""A political body's card -> the ordinary Meeting the pipeline runs on: the serving members and
officials are the attendees, absent members are "Anmält förhinder", the ärenden are the agenda."""

from __future__ import annotations

from ..errors import InputError
from ..models import Meeting, Person
from .card import PoliticalCard

POLITICAL_KEYS = ("body", "members", "officials", "arenden", "first_paragraph", "justering", "anslag")


def political_meeting(data: dict, source: str = "mötet") -> Meeting:
    """Validate a political card (raises pydantic's ValidationError like Meeting.model_validate)."""
    if "agenda" in data or "attendees" in data or "absent" in data:
        raise InputError(f"{source}: ett politiskt organs kort anger 'members' och 'arenden', inte 'attendees', 'absent' "
                         "eller 'agenda' – a political card lists members and arenden")
    card = PoliticalCard.model_validate({k: data[k] for k in POLITICAL_KEYS if k in data})
    rest = {k: v for k, v in data.items() if k not in POLITICAL_KEYS}
    rest.setdefault("title", card.body.name)
    attendees = [Person(name=m.name, organisation=f"({m.party}) {m.role}") for m in card.members if m.present]
    attendees += [Person(name=o.name, organisation=o.title) for o in card.officials]
    absent = [Person(name=m.name, organisation=f"({m.party}) {m.role}") for m in card.members if not m.present]
    return Meeting.model_validate({**rest, "attendees": attendees, "absent": absent,
                                   "agenda": [a.title for a in card.arenden], "political": card})
