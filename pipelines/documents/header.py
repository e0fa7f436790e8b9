"""The header of an archived protocol -> Meeting: number, title, date, time and place, attendees, absent,
justerare and secretary, in the numbered layout ("Tid och plats:", "Närvarande:") and the kommunstyrelse
layout ("Plats och tid", "Beslutande", "Utses att justera"), from the lines before the first item."""

from __future__ import annotations

import datetime as dt
import re

from ..dates import MONTHS, month_number
from ..errors import InputError
from ..models import Meeting, Person

ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SV_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)
_TIME = re.compile(r"(?:\bkl(?:ockan)?\.?\s*)?(\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2})")
_EMAIL = re.compile(r"\b([\w.+-]+)@[\w-]+(?:\.[\w-]+)+\b")
_NUMBER = re.compile(r"\bProtokoll\s+nr\.?\s*\d+(?:\s*[/,-]?\s*\d{4})?", re.I)
_DOTS = re.compile(r"[._…]{3,}")

# Header labels, longest first so "Plats och tid" wins over "Plats". Value: which field they feed.
HEADER_LABELS: list[tuple[str, str]] = sorted([
    ("Tid och plats", "timeplace"), ("Plats och tid", "timeplace"), ("Tid", "timeplace"), ("Plats", "timeplace"),
    ("Närvarande", "attendees"), ("Beslutande", "attendees"), ("Ledamöter", "attendees"),
    ("Tjänstgörande ersättare", "attendees"), ("Ej tjänstgörande ersättare", "attendees"),
    ("Närvarande ersättare", "attendees"), ("Ersättare", "attendees"), ("Övriga deltagare", "attendees"),
    ("Övriga närvarande", "attendees"), ("Övriga", "attendees"), ("Deltagare", "attendees"),
    ("Anmält förhinder", "absent"), ("Frånvarande", "absent"), ("Förhinder", "absent"),
    ("Utses att justera", "justerare"), ("Justerare", "justerare"),
    ("Sekreterare", "secretary"), ("Vid protokollet", "secretary"),
    ("Sammanträdesdatum", "date"), ("Datum", "date"), ("Mötesdatum", "date"),
    ("Justeringens plats och tid", "other"), ("Justeringens tid och plats", "other"), ("Paragrafer", "other"),
    ("Underskrifter", "signatures"), ("Ordförande", "other"), ("Justerande", "other"),
], key=lambda lv: -len(lv[0]))
HEADER_LINE = re.compile(
    r"^\s*(" + "|".join(re.escape(label) for label, _ in HEADER_LABELS) + r")\b\s*:?\s*(.*)$", re.I)

# Page furniture repeated on every page of a kommunstyrelse PDF.
PAGE_NOISE = re.compile(r"^\s*(?:Justerandes sign\w*|Utdragsbestyrkande|Sida\s+\d+(?:\s+av\s+\d+)?|\d+\s*\(\d+\)|\d+\s*/\s*\d+)\s*$", re.I)
_GENERIC_TITLE = re.compile(r"^\s*(?:Sammanträdesprotokoll|Mötesprotokoll|Protokoll|Minnesanteckningar)\s*$", re.I)


def collapse_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


_PERSONLIKE = re.compile(r"^[A-ZÅÄÖÉÜ][\w'’-]+(?:\s+(?:(?:von|van|af|de|del|la)\s+)?[A-ZÅÄÖÉÜ][\w'’-]+)+")


def _header_cells(lines: list[str]) -> list[str]:
    """Header lines split at column gaps, with a label broken over two lines
    ("Justeringens" / "plats och tid …") joined again."""
    cells: list[str] = []
    for raw in lines:
        if not raw.strip():
            cells.append("")
            continue
        for cell in re.split(r"\s{3,}|\t", raw.strip()):
            if cells and re.fullmatch(r"[A-ZÅÄÖ][a-zåäö]+", cells[-1]) and re.match(r"^[a-zåäö]", cell) \
                    and HEADER_LINE.match(f"{cells[-1]} {cell}"):
                cells[-1] = f"{cells[-1]} {cell}"
            else:
                cells.append(cell)
    return cells


def _accepts(kind: str, line: str, blank_run: int) -> bool:
    """Does this line continue the open header block of this kind?"""
    if kind in ("attendees", "absent", "justerare"):
        return bool(_PERSONLIKE.match(line)) and not (_EMAIL.search(line) or _NUMBER.search(line))
    if kind == "timeplace":
        return blank_run == 0
    if kind == "date":
        return bool(ISO_DATE.search(line) or _SV_DATE.search(line))
    if kind in ("secretary", "signatures"):
        return not _DOTS.fullmatch(line)
    return False


def parse_header(lines: list[str], source: str) -> Meeting:
    blocks: dict[str, list[str]] = {}
    free: list[str] = []  # lines outside any labelled block
    current: str | None = None
    blank_run = 0
    for line in _header_cells(lines):
        line = line.strip()
        if not line:
            blank_run += 1
            continue
        if PAGE_NOISE.match(line):
            continue
        m = HEADER_LINE.match(line)
        if m and m.group(1).lower() in ("tid", "plats") and not re.match(r"\s*:|\s{2,}|\s*$", line[m.end(1):]):
            m = None  # "Plats för …" is prose; a bare label needs a colon or a column gap
        if m:
            kind = _kind(m.group(1))
            if kind == "other" and current in ("secretary", "signatures"):
                continue  # "Paragrafer 80–83" beside the signature lines
            if kind in ("timeplace", "date") and kind in blocks:
                kind = "other"  # only the first time/place and date count
            current = kind
            blocks.setdefault(current, [])
            blocks[current].append(f"\x00{m.group(1)}")  # remember the label (role in Underskrifter)
            value = _DOTS.sub(" ", m.group(2)).strip()
            if value:
                blocks[current].append(value)
            blank_run = 0
            continue
        if current and _accepts(current, line, blank_run):
            blocks[current].append(line)
        else:
            current = None
            free.append(line)
        blank_run = 0

    def values(kind: str) -> list[str]:
        return [v for v in blocks.get(kind, []) if not v.startswith("\x00")]

    number = None
    for line in free + [v for vs in blocks.values() for v in vs]:
        if m := _NUMBER.search(line):
            number = collapse_ws(m.group(0))
            break
    title = _title(free)
    timeplace = collapse_ws(" ".join(values("timeplace")))
    date = _date(values("date"), timeplace, free + [v for vs in blocks.values() for v in vs])
    if date is None:
        raise InputError(f"{source}: hittade inget mötesdatum (t.ex. 2025-12-12) – no meeting date found")
    time, place = _time_place(timeplace)

    attendees = [p for line in values("attendees") for p in parse_people(line)]
    absent = [p for line in values("absent") for p in parse_people(line)]
    justerare = [p.name for line in values("justerare") for p in parse_people(line)]
    secretary = _secretary(blocks, free, attendees)
    if title is None:
        title = "Protokoll"
    return Meeting(title=title, number=number, date=date, time=time, place=place, secretary=secretary,
                   justerare=justerare, attendees=attendees, absent=absent)


def _kind(label: str) -> str:
    for name, kind in HEADER_LABELS:
        if name.lower() == label.lower():
            return kind
    return "other"


def _title(free: list[str]) -> str | None:
    for line in free:
        text = collapse_ws(_NUMBER.sub("", line))
        if (not text or _GENERIC_TITLE.match(text) or _EMAIL.search(text) or ISO_DATE.search(text)
                or re.search(r"(?i)\bkommun$", text) or PAGE_NOISE.match(text)):
            continue
        return text
    return None


def _date(date_values: list[str], timeplace: str, everything: list[str]) -> dt.date | None:
    for text in [*date_values, timeplace, *everything]:
        if m := ISO_DATE.search(text):
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
        if m := _SV_DATE.search(text):
            try:
                return dt.date(int(m.group(3)), month_number(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
    return None


def _time_place(text: str) -> tuple[str | None, str | None]:
    """'Den 12 december 2025 08.30-12:00 på Mindpark, …' or 'Kommunhuset, Sessionssalen, kl. 13.00–15.30'."""
    if not text:
        return None, None
    m = _TIME.search(text)
    if not m:
        place = collapse_ws(_SV_DATE.sub("", ISO_DATE.sub("", text))).strip(" ,")
        return None, place or None
    time = re.sub(r"\s+", "", m.group(1))
    before, after = text[: m.start()], text[m.end():]
    before = collapse_ws(_SV_DATE.sub("", ISO_DATE.sub("", before)))
    before = re.sub(r"(?i)^(den|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)\b\s*", "", before)
    before = re.sub(r"(?i)^den\b", "", before.strip()).strip(" ,")
    after = re.sub(r"(?i)^\s*[,]?\s*(på|i)\b", "", after).strip(" ,")
    place = collapse_ws(after) or before or None
    return time, place


_PARTY = re.compile(r"^(.*?)\s*\(([A-ZÅÄÖ]{1,3}|[A-ZÅÄÖ][a-zåäö]{0,4})\)\s*$")


def parse_people(line: str) -> list[Person]:
    """'Jonas Jönsson, Båstad Elin Ask, Ängelholm' -> two people; 'Anna Svensson (S), ordförande' -> one."""
    line = _DOTS.sub(" ", line).strip()
    if not line or line.startswith("\x00"):
        return []
    people: list[Person] = []
    for chunk in re.split(r"\t|\s{3,}", line):  # wide spacing: columns kept apart
        chunk = collapse_ws(chunk).strip(" ,;")
        if not chunk:
            continue
        parts = [p.strip() for p in chunk.split(",")]
        if len(parts) <= 2:
            people.append(_person(parts[0], parts[1] if len(parts) == 2 else None))
            continue
        # n commas, n people: each middle part must read "organisation Name Surname".
        splits = [_split_org_name(middle) for middle in parts[1:-1]]
        if any(name is None for _, name in splits) or _PARTY.match(parts[0]):
            people.append(_person(parts[0], ", ".join(parts[1:])))  # "Jens Åberg, ekonomichef, § 81"
            continue
        name = parts[0]
        for org, next_name in splits:
            people.append(_person(name, org))
            name = next_name
        people.append(_person(name, parts[-1]))
    return people


def _split_org_name(text: str) -> tuple[str, str | None]:
    """'Helsingborg stad Christer Paulsson' -> ('Helsingborg stad', 'Christer Paulsson')."""
    words = text.split()
    if len(words) < 2:
        return text, None
    run = 0
    for word in reversed(words):
        if re.match(r"^[A-ZÅÄÖÉ][\wåäöéü'-]*$", word):
            run += 1
        else:
            break
    if run == 0:
        return text, None
    if run >= len(words):  # all capitalised: "Båstad Elin Ask" — a name is usually two words
        run = min(2, len(words) - 1)
    return " ".join(words[:-run]), " ".join(words[-run:])


def _person(name: str, org: str | None) -> Person:
    name = collapse_ws(name)
    if m := _PARTY.match(name):  # "Anna Svensson (S)" -> organisation "S"
        name, party = m.group(1), m.group(2)
        org = f"{party}, {org}" if org else party
    return Person(name=name, organisation=collapse_ws(org) if org else None)


def _secretary(blocks: dict[str, list[str]], free: list[str], attendees: list[Person]) -> str | None:
    for line in blocks.get("secretary", []):
        if not line.startswith("\x00") and (people := parse_people(line)):
            return people[0].name
    sig = blocks.get("signatures", [])
    for i, line in enumerate(sig):  # "Sekreterare ……" then the name on the next line
        if re.match(r"(?i)^\x00?sekreterare\b", line):
            for nxt in sig[i + 1:]:
                name = collapse_ws(_DOTS.sub(" ", re.sub(r"(?i)\bparagrafer\b.*", "", nxt)))
                if name and not nxt.startswith("\x00"):
                    return name
    for line in free + [v for vs in blocks.values() for v in vs]:
        if m := _EMAIL.search(line):  # mikael.johansson4@… -> Mikael Johansson
            local = re.sub(r"\d+", "", m.group(1)).replace(".", " ").replace("_", " ").lower().split()
            for person in attendees:
                if person.name.lower().split() == local:
                    return person.name
    for person in attendees:
        if person.organisation and re.search(r"(?i)sekret", person.organisation):
            return person.name
    return None
