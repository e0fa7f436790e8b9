"""Protocol text -> Protocol: the layout of an archived protocol, read from its lines.

Two layouts are understood:
- the "numbered" layout of the reference (`Protokoll nr 9 2025`, `Närvarande:`, `1. Title`,
  `Sammanfattning: …`, `Mötet beslutar` + att-clauses);
- the common kommunstyrelse layout (`Plats och tid`, `Beslutande`, `Övriga`, `Utses att justera`,
  `§ 80 Title`, `Beslut` + clauses).

Everything works on plain lines as a PDF text extraction gives them; `reader` turns .docx and .pdf
files into such lines, so one parser serves all formats.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import MONTHS, month_number
from ..decisions import classify
from ..errors import InputError
from ..models import Decision, ItemDraft, Meeting, Person, Protocol

BULLET = "\u2022"
# Bullets survive PDF extraction as private-use glyphs (Symbol font U+F0B7 …) or as real bullets.
_BULLET_LINE = re.compile(r"^\s*[\uf0b7\uf0a7\uf076\uf0d8\uf0fc\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7*\-–]\s*(?=\S)")
_ITEM = re.compile(r"^\s*(\d{1,3})\s*[.)]\s+(\S.*?)\s*$")
_PARAGRAPH = re.compile(r"^\s*§\s*(\d{1,4})\b\s*(.*?)\s*$")
# "…framöver.  3. Ansökan om …": an item heading glued to the end of the previous line.
_GLUED_ITEM = re.compile(r"^(.*\S)\s{2,}(\d{1,3}\.\s+[A-ZÅÄÖ\"”].*)$")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
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

# Item-body labels.
_SUMMARY = re.compile(r"^\s*(?:Sammanfattning(?: av ärendet)?|Ärendebeskrivning|Ärendet|Bakgrund)\s*:?\s*(.*)$", re.I)
_DECIDES = re.compile(
    r"^\s*(?:Mötet|Kommunstyrelsen|Kommunfullmäktige|Nämnden|Styrelsen|Utskottet|Gruppen|Vi|"
    r"[A-ZÅÄÖ][\wåäö-]*(?:nämnden|styrelsen|utskottet|gruppen|fullmäktige))\s+(?:beslutar|beslöt|beslutade)\b\s*:?\s*(.*)$")
_DECISION_LABEL = re.compile(r"^\s*(?:Beslut|[A-ZÅÄÖ][\wåäö-]*s beslut)\s*:?\s*$")
_OTHER_SECTION = re.compile(
    r"^\s*(?:Förslag till beslut|[\wåäö-]+s förslag till beslut|Beslutsunderlag|Yrkanden?|Propositionsordning|"
    r"Expedieras(?: till)?|Beslutet skickas till|Protokollsanteckning|Reservation|Jäv|Omröstning)\b\s*:?\s*(.*)$", re.I)
_CLAUSE = re.compile(r"^\s*[Aa]tt\b")
_NUMBERED_CLAUSE = re.compile(r"^\s*\d{1,2}\s*[.)]\s+(\S.*)$")
_END = re.compile(r"^\s*(?:Underskriftssida|Vid protokollet|Underskrifter)\b", re.I)
# Page furniture repeated on every page of a kommunstyrelse PDF.
_PAGE_NOISE = re.compile(r"^\s*(?:Justerandes sign\w*|Utdragsbestyrkande|Sida\s+\d+(?:\s+av\s+\d+)?|\d+\s*\(\d+\)|\d+\s*/\s*\d+)\s*$", re.I)
_GENERIC_TITLE = re.compile(r"^\s*(?:Sammanträdesprotokoll|Mötesprotokoll|Protokoll|Minnesanteckningar)\s*$", re.I)


# ---------------------------------------------------------------------------------------------
# lines -> Protocol


@dataclass
class _Item:
    number: int
    title: str
    lines: list[str] = field(default_factory=list)


def _clean(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u200b", "").rstrip()
    m = _BULLET_LINE.match(line)
    if m and line.strip()[0] not in "-–*" or (m and re.match(r"^\s*[-–*]\s+\S", line)):
        line = f"{BULLET} {line[m.end():].strip()}"
    return line


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse_text(text: str, source: str = "protokollet") -> Protocol:
    """Parse protocol text laid out as a PDF text extraction gives it."""
    return parse_lines(text.splitlines(), source=source)


def parse_lines(raw_lines: list[str], source: str = "protokollet") -> Protocol:
    lines: list[str] = []
    for raw in raw_lines:
        line = _clean(raw)
        glued = _GLUED_ITEM.match(line)
        if glued:
            lines.extend([glued.group(1), glued.group(2)])
        else:
            lines.append(line)
    paragraph_mode = any(_PARAGRAPH.match(line) for line in lines)
    header, items = _split_items(lines, paragraph_mode)
    if not items:
        raise InputError(f"{source}: hittade inga numrerade punkter eller §-paragrafer – no agenda items found")
    meeting = _parse_header(header, source)
    drafts = [_parse_item(item) for item in items]
    meeting = meeting.model_copy(update={"agenda": [d.title for d in drafts]})
    return Protocol(meeting=meeting, items=drafts, drafter=f"arkiv: {Path(source).name}")


def _split_items(lines: list[str], paragraph_mode: bool) -> tuple[list[str], list[_Item]]:
    header: list[str] = []
    items: list[_Item] = []
    header_cells = {c for ln in lines[:15] for c in re.split(r"\s{3,}|\t", ln.strip()) if c}
    i = 0
    while i < len(lines):
        line = lines[i]
        if items and _page_furniture(line, header_cells if paragraph_mode else set()):
            i += 1  # page header/footer repeated on every page
            continue
        if items and _END.match(line):
            break
        heading = _heading(line, items, paragraph_mode)
        if heading:
            number, title = heading
            if not title:  # "§ 80" alone, title on the next non-empty line
                j = i + 1
                while j < len(lines) and not lines[j].strip():
                    j += 1
                if j < len(lines):
                    title, i = lines[j].strip(), j
            # A title wrapped onto the next line continues in lowercase with no blank line between.
            while i + 1 < len(lines) and re.match(r"^\s*[a-zåäö]", lines[i + 1]) \
                    and not _CLAUSE.match(lines[i + 1]):
                i += 1
                title = f"{title} {lines[i].strip()}"
            items.append(_Item(number, _ws(title).rstrip(":").strip()))
        elif items:
            items[-1].lines.append(line)
        else:
            header.append(line)
        i += 1
    return header, items


def _page_furniture(line: str, header_cells: set[str]) -> bool:
    cells = [c for c in re.split(r"\s{3,}|\t", line.strip()) if c]
    if not cells:
        return False
    if any(_PAGE_NOISE.match(c) for c in cells) or re.match(r"(?i)^sammanträdesdatum\b", cells[0]):
        return True
    return len(cells) == 1 and cells[0] in header_cells and not _PARAGRAPH.match(cells[0])


def _heading(line: str, items: list[_Item], paragraph_mode: bool) -> tuple[int, str] | None:
    m = (_PARAGRAPH if paragraph_mode else _ITEM).match(line)
    if not m:
        return None
    number, title = int(m.group(1)), m.group(2).strip()
    if items:
        # Items are numbered consecutively; anything else is a numbered line inside an item.
        return (number, title) if number == items[-1].number + 1 else None
    if paragraph_mode:
        return number, title
    if _ISO_DATE.search(line) or not re.match(r"^[A-ZÅÄÖ\"”„]", title):
        return None
    return (number, title) if number <= 3 else None


def _parse_item(item: _Item) -> ItemDraft:
    summary: list[str] = []
    bullets: list[str] = []
    clauses: list[str] = []
    state = "summary"
    blank_before = True
    for raw in item.lines:
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        after_blank, blank_before = blank_before, False
        if _PAGE_NOISE.match(line) or re.match(r"^Dnr\b", line):
            continue  # page furniture and diary numbers are not the item's text
        if m := _SUMMARY.match(line):
            state = "summary"
            if m.group(1):
                summary.append(m.group(1))
            continue
        if m := _DECIDES.match(line):
            state = "decision"
            rest = m.group(1).strip()
            if not rest or re.fullmatch(r"(?i)att\s*:?", rest):
                continue  # "Kommunstyrelsen beslutar att" + clauses below
            line, after_blank = rest, True
        elif _DECISION_LABEL.match(line):
            state = "decision"
            continue
        elif m := _OTHER_SECTION.match(line):
            state = "other"
            continue
        if line.startswith(BULLET):
            if state == "decision":
                clauses.append(line[1:].strip())
            else:
                state = "bullets"
                bullets.append(line[1:].strip())
            continue
        lower_start = re.match(r"^[a-zåäö0-9(]", line) is not None
        if state == "decision":
            numbered = _NUMBERED_CLAUSE.match(line)
            starts_clause = _CLAUSE.match(line) and (
                not clauses or after_blank or line.startswith("Att") or re.search(r"(?:[.,;:]|\bsamt|\boch)$", clauses[-1]))
            if starts_clause:
                clauses.append(line)
            elif numbered:
                clauses.append(numbered.group(1))
            elif clauses and (not after_blank or lower_start):
                clauses[-1] += " " + line
            elif not clauses:
                clauses.append(line)  # "Informationen noteras." — a decision without att
            else:
                state = "summary"
                summary.append(line)
        elif state == "bullets":
            if not after_blank or lower_start:
                bullets[-1] += " " + line
            else:
                state = "summary"
                summary.append(line)
        elif state == "summary":
            summary.append(line)
    decisions = [Decision(text=_ws(c), kind=classify(c), status="accepted") for c in clauses if _ws(c)]
    return ItemDraft(number=item.number, title=item.title, summary=_ws(" ".join(summary)),
                     decisions=decisions, bullets=[_ws(b) for b in bullets if _ws(b)], confidence=1.0)


# ---------------------------------------------------------------------------------------------
# header


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
        return bool(_ISO_DATE.search(line) or _SV_DATE.search(line))
    if kind in ("secretary", "signatures"):
        return not _DOTS.fullmatch(line)
    return False


def _parse_header(lines: list[str], source: str) -> Meeting:
    blocks: dict[str, list[str]] = {}
    free: list[str] = []  # lines outside any labelled block
    current: str | None = None
    blank_run = 0
    for line in _header_cells(lines):
        line = line.strip()
        if not line:
            blank_run += 1
            continue
        if _PAGE_NOISE.match(line):
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
            number = _ws(m.group(0))
            break
    title = _title(free)
    timeplace = _ws(" ".join(values("timeplace")))
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
        text = _ws(_NUMBER.sub("", line))
        if (not text or _GENERIC_TITLE.match(text) or _EMAIL.search(text) or _ISO_DATE.search(text)
                or re.search(r"(?i)\bkommun$", text) or _PAGE_NOISE.match(text)):
            continue
        return text
    return None


def _date(date_values: list[str], timeplace: str, everything: list[str]) -> dt.date | None:
    for text in [*date_values, timeplace, *everything]:
        if m := _ISO_DATE.search(text):
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
        place = _ws(_SV_DATE.sub("", _ISO_DATE.sub("", text))).strip(" ,")
        return None, place or None
    time = re.sub(r"\s+", "", m.group(1))
    before, after = text[: m.start()], text[m.end():]
    before = _ws(_SV_DATE.sub("", _ISO_DATE.sub("", before)))
    before = re.sub(r"(?i)^(den|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)\b\s*", "", before)
    before = re.sub(r"(?i)^den\b", "", before.strip()).strip(" ,")
    after = re.sub(r"(?i)^\s*[,]?\s*(på|i)\b", "", after).strip(" ,")
    place = _ws(after) or before or None
    return time, place


_PARTY = re.compile(r"^(.*?)\s*\(([A-ZÅÄÖ]{1,3}|[A-ZÅÄÖ][a-zåäö]{0,4})\)\s*$")


def parse_people(line: str) -> list[Person]:
    """'Jonas Jönsson, Båstad Elin Ask, Ängelholm' -> two people; 'Anna Svensson (S), ordförande' -> one."""
    line = _DOTS.sub(" ", line).strip()
    if not line or line.startswith("\x00"):
        return []
    people: list[Person] = []
    for chunk in re.split(r"\t|\s{3,}", line):  # wide spacing: columns kept apart
        chunk = _ws(chunk).strip(" ,;")
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
    name = _ws(name)
    if m := _PARTY.match(name):  # "Anna Svensson (S)" -> organisation "S"
        name, party = m.group(1), m.group(2)
        org = f"{party}, {org}" if org else party
    return Person(name=name, organisation=_ws(org) if org else None)


def _secretary(blocks: dict[str, list[str]], free: list[str], attendees: list[Person]) -> str | None:
    for line in blocks.get("secretary", []):
        if not line.startswith("\x00") and (people := parse_people(line)):
            return people[0].name
    sig = blocks.get("signatures", [])
    for i, line in enumerate(sig):  # "Sekreterare ……" then the name on the next line
        if re.match(r"(?i)^\x00?sekreterare\b", line):
            for nxt in sig[i + 1:]:
                name = _ws(_DOTS.sub(" ", re.sub(r"(?i)\bparagrafer\b.*", "", nxt)))
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
