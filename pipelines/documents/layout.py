"""Protocol text -> Protocol: the items of an archived protocol read from its lines (the lines before the
first item are the header, header.py).

Two layouts are understood:
- the "numbered" layout of the reference (`Protokoll nr 9 2025`, `Närvarande:`, `1. Title`,
  `Sammanfattning: …`, `Mötet beslutar` + att-clauses);
- the common kommunstyrelse layout (`Plats och tid`, `Beslutande`, `Övriga`, `Utses att justera`,
  `§ 80 Title`, `Beslut` + clauses).

Everything works on plain lines as a PDF text extraction gives them; `reader` turns .docx and .pdf
files into such lines, so one parser serves all formats.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..clauses import classify
from ..errors import InputError
from ..models import Decision, ItemDraft, Protocol
from .header import ISO_DATE, PAGE_NOISE, collapse_ws, parse_header

BULLET = "\u2022"
# Bullets survive PDF extraction as private-use glyphs (Symbol font U+F0B7 …) or as real bullets.
_BULLET_LINE = re.compile(r"^\s*[\uf0b7\uf0a7\uf076\uf0d8\uf0fc\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7*\-–]\s*(?=\S)")
_ITEM = re.compile(r"^\s*(\d{1,3})\s*[.)]\s+(\S.*?)\s*$")
_PARAGRAPH = re.compile(r"^\s*§\s*(\d{1,4})\b\s*(.*?)\s*$")
# "…framöver.  3. Ansökan om …": an item heading glued to the end of the previous line.
_GLUED_ITEM = re.compile(r"^(.*\S)\s{2,}(\d{1,3}\.\s+[A-ZÅÄÖ\"”].*)$")
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
    meeting = parse_header(header, source)
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
            items.append(_Item(number, collapse_ws(title).rstrip(":").strip()))
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
    if any(PAGE_NOISE.match(c) for c in cells) or re.match(r"(?i)^sammanträdesdatum\b", cells[0]):
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
    if ISO_DATE.search(line) or not re.match(r"^[A-ZÅÄÖ\"”„]", title):
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
        if PAGE_NOISE.match(line) or re.match(r"^Dnr\b", line):
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
    decisions = [Decision(text=collapse_ws(c), kind=classify(c), status="accepted") for c in clauses if collapse_ws(c)]
    return ItemDraft(number=item.number, title=item.title, summary=collapse_ws(" ".join(summary)),
                     decisions=decisions, bullets=[collapse_ws(b) for b in bullets if collapse_ws(b)], confidence=1.0)
