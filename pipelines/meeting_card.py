"""Load the meeting card (YAML) or a pasted agenda, with one clear error per bad field."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import InputError
from .models import Meeting

# "1. Mötets öppnande", "1) …", "§ 12 …", "Punkt 1: …", "Ärende 1 …".
_NUMBERED = re.compile(r"^\s*(?:§\s*|(?:punkt|ärende|p\.)\s*)?(\d{1,3})\s*[.):]?\s+(.+?)\s*$", re.I)
# A bulleted list without numbers: the items in the order listed.
_BULLET = re.compile(r"^\s*[-–•*]\s+(.+?)\s*$")
# What a kallelse puts above its list: skipped before the first item.
_HEADING = re.compile(r"^\s*(?:förslag till\s+)?(?:dagordning|föredragningslista|ärendelista|kallelse|ärenden)\b[^\d]*$",
                      re.I)


def _describe(error: ValidationError) -> str:
    lines = []
    for e in error.errors():
        field = ".".join(str(p) for p in e["loc"]) or "(kortet)"
        lines.append(f"  - {field}: {e['msg']}")
    return "\n".join(lines)


def meeting_from_dict(data: object, source: str = "mötet") -> Meeting:
    if not isinstance(data, dict):
        raise InputError(f"{source}: mötets kort måste vara en YAML-mappning (title, date, agenda …) – the meeting card must be a mapping")
    try:
        if "body" in data:  # a political body's card: members and ärenden (pipelines/political/card.py)
            from .political.meeting import political_meeting

            return political_meeting(data, source)
        return Meeting.model_validate(data)
    except ValidationError as e:
        raise InputError(f"{source}: ogiltigt mötes­kort – invalid meeting card:\n{_describe(e)}") from None


def load_meeting(path: str | Path, agenda_file: str | Path | None = None, require_agenda: bool = False) -> Meeting:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: filen finns inte – file not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: mötets kort är inte UTF-8-text – not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InputError(f"{path}: felaktig YAML – invalid YAML: {e}") from None
    meeting = meeting_from_dict(data, str(path))
    if agenda_file is not None:
        if meeting.political is not None:
            raise InputError(f"{path}: ett politiskt organs kort har sina ärenden under 'arenden'; --agenda kan inte "
                             "ersätta dem – a political card lists its matters under 'arenden'")
        meeting = meeting.model_copy(update={"agenda": load_agenda(agenda_file)})
    if require_agenda and not meeting.agenda:
        raise InputError(f"{path}: dagordningen är tom – the agenda is empty (lägg till 'agenda:' eller använd --agenda FIL)")
    return meeting


def parse_agenda(text: str) -> list[str]:
    """One item per line, as pasted from a kallelse: numbered ("1. Mötets öppnande", "§ 12 …", "Punkt 1: …")
    or, when no line is numbered, bulleted. A heading above the list ("Dagordning") is skipped; a wrapped
    title continues the previous item."""
    lines = [line for line in text.splitlines() if line.strip()]
    numbered = any(_NUMBERED.match(line) for line in lines)
    items: list[str] = []
    for line in lines:
        m = _NUMBERED.match(line) if numbered else _BULLET.match(line)
        if m:
            items.append(m.group(m.lastindex))
        elif items:  # a wrapped title continues the previous item
            items[-1] = f"{items[-1]} {line.strip()}"
        elif not _HEADING.match(line):
            raise InputError(f"dagordningen: raden saknar punktnummer – line has no item number: {line.strip()!r}")
    return items


def load_agenda(path: str | Path) -> list[str]:
    path = Path(path)
    try:
        items = parse_agenda(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: filen finns inte – file not found") from None
    if not items:
        raise InputError(f"{path}: dagordningen är tom – the agenda is empty")
    return items
