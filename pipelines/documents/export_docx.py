"""Word export of a Protocol in the layout of the archived protocols (reference: protokoll nr 9 2025).

    UTKAST – ej justerat …                      (header band, draft mode only)
    Protokoll nr 9 2025
    Kommundirektörsmöte i Familjen Helsingborg
    Helsingborg 2025-12-12                     Sekreterare: …
    Tid och plats: Den 12 december 2025 08.30-12.00 på …
    Närvarande: (two columns of "Namn, Organisation")   Anmält förhinder: …   Ordförande: …   Justerare: …
    1. Title  /  Granska: … (draft)  /  Sammanfattning: … or a bullet list  /  Mötet beslutar  /  att …
    Mötet avslutades kl. …  ·  Underskriftssida (Vid protokollet, Ordförande, Justeras)  ·  footer "Sida X av Y"

`mode="draft"` marks what the secretary still has to review ([Förslag], [Ej belagt i inspelningen]);
`mode="approved"` keeps only accepted and edited decisions, unmarked, for justering. `item=N` writes a
protokollsutdrag ending in "Utdragsbestyrkande". `comments=True` attaches the evidence (times +
transcript excerpt) to each summary and decision as a Word comment.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX, WD_TAB_ALIGNMENT
from docx.shared import Pt

from ..dates import clock, swedish_date
from ..errors import InputError
from ..models import REJECTED, REVIEWED, SUGGESTED, Decision, ItemDraft, Protocol
from .docx_base import (borderless, clean, draft_banner, has_bullet_numbering, open_base, page_footer,
                        paragraph_style, save_docx)

Mode = Literal["draft", "approved"]

AUTHOR, INITIALS = "Protokoll", "P"
EXCERPT_CHARS = 600  # a comment is for a glance at the source, the full excerpt is in the review UI

# Styles the export uses; a template restyles them by defining the same names.
TITLE, SUBTITLE, HEADING, ITEM, BULLET = "Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet"
REVIEW = WD_COLOR_INDEX.YELLOW
UNSUPPORTED = WD_COLOR_INDEX.PINK
DRAFT_BANNER = "UTKAST – ej justerat. Gulmarkerat ska granskas innan protokollet justeras."


def city(place: str | None) -> str | None:
    """The town in a place line: "Mindpark, Bredgatan 11, Helsingborg. Mötesrum …" -> "Helsingborg".
    Taken as the last comma/period-separated part that is a capitalised name without digits."""
    if not place:
        return None
    parts = [p.strip() for p in re.split(r"[,.;]", place) if p.strip()]
    names = [p for p in parts if re.fullmatch(r"[A-ZÅÄÖ][\wåäöéü-]+(?: [A-ZÅÄÖ][\wåäöéü-]+)?", p)]
    return names[-1] if names else None


# ---------------------------------------------------------------------------------------------
# public entry point


def items_to_write(protocol: Protocol, mode: str, item: int | None) -> list[ItemDraft]:
    """The items a document of `protocol` holds, in order (one, for an extract); a bad mode or item number
    is an error in both languages."""
    if mode not in ("draft", "approved"):
        raise InputError(f"okänt läge '{mode}' (draft eller approved) – unknown mode")
    items = sorted(protocol.items, key=lambda i: i.number)
    if item is None:
        return items
    chosen = [i for i in items if i.number == item]
    if not chosen:
        numbers = ", ".join(str(i.number) for i in items) or "inga"
        raise InputError(f"punkt {item} finns inte i protokollet (punkter: {numbers}) – no such item")
    return chosen


def export_docx(protocol: Protocol, out: Path, *, template: Path | None = None, comments: bool = False,
                mode: Mode = "draft", item: int | None = None, certified: dt.date | None = None) -> Path:
    """Write the protocol (or, with `item`, an extract of one item) as a Word document at `out`.
    `certified` dates the extract's utdragsbestyrkande (an extract of a justerat protocol)."""
    items = items_to_write(protocol, mode, item)
    document, house = open_base(template)
    writer = _Writer(document, protocol, mode=mode, comments=comments, extract=item is not None)
    writer.header()
    for it in items:
        writer.item(it)
    if item is None:
        writer.closing(items)
        writer.signatures()
    else:
        writer.certification(certified)
    page_footer(document, house)
    _properties(document, protocol, item)
    return save_docx(document, Path(out))


def _properties(document: Document, protocol: Protocol, item: int | None) -> None:
    m = protocol.meeting
    props = document.core_properties
    props.title = clean(f"{m.number or 'Protokoll'} – {m.title}" + (f", utdrag punkt {item}" if item else ""))[:250]
    props.author = clean(m.secretary or AUTHOR)[:250]
    props.language = "sv-SE"


# ---------------------------------------------------------------------------------------------
# the writer


class _Writer:
    def __init__(self, document: Document, protocol: Protocol, *, mode: Mode, comments: bool, extract: bool):
        self.doc = document
        self.protocol = protocol
        self.meeting = protocol.meeting
        self.mode = mode
        self.comments = comments
        self.extract = extract
        self.style = {name: paragraph_style(document, name) for name in (TITLE, SUBTITLE, HEADING, ITEM)}
        self.style[BULLET] = paragraph_style(document, BULLET)
        # A template without list numbering on "List Bullet" still shows bullets: as a "•" glyph.
        self.bullet_glyph = not has_bullet_numbering(document, BULLET)

    # -- building blocks

    def para(self, text: str = "", style: str | None = None, bold: bool = False):
        p = self.doc.add_paragraph(style=style)
        if text:
            p.add_run(clean(text)).bold = bold or None
        return p

    def label(self, label: str, text: str = "", style: str | None = None):
        """'Tid och plats: …' – a bold label and the value in one paragraph; returns (paragraph, value runs)."""
        p = self.doc.add_paragraph(style=style)
        p.add_run(label).bold = True
        runs = [p.add_run(" " + clean(text))] if text else []
        return p, runs

    def mark(self, paragraph, text: str, colour=REVIEW):
        run = paragraph.add_run(text)
        run.font.highlight_color = colour
        run.bold = True
        return run

    def comment(self, runs, lines: list[str]) -> None:
        if not (self.comments and runs):
            return
        lines = [clean(line) for line in lines if line and clean(line).strip()] or ["Inget belägg från inspelningen."]
        note = self.doc.add_comment(runs, text=lines[0], author=AUTHOR, initials=INITIALS)
        for line in lines[1:]:
            note.add_paragraph(line)

    # -- sections

    def header(self) -> None:
        m = self.meeting
        if self.mode == "draft":
            draft_banner(self.doc, DRAFT_BANNER, REVIEW)
        self.para(m.number or "Protokoll", self.style[TITLE])
        self.para(m.title, self.style[SUBTITLE])
        if self.extract:
            self.para("Protokollsutdrag", self.style[HEADING])
        # "Helsingborg 2025-12-12" left, the secretary at the right margin (the reference has an e-mail there)
        p = self.doc.add_paragraph()
        section = self.doc.sections[-1]
        p.paragraph_format.tab_stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin,
                                                  WD_TAB_ALIGNMENT.RIGHT)
        town = city(m.place)
        p.add_run(clean(f"{town} {m.date.isoformat()}" if town else m.date.isoformat()))
        if m.secretary:
            p.add_run(clean(f"\tSekreterare: {m.secretary}"))
        when = f"Den {swedish_date(m.date)}" + (f" {m.time}" if m.time else "")
        self.label("Tid och plats:", when + (f" på {m.place}" if m.place else ""))
        if self.extract:
            return
        self.attendees()
        if m.chair:
            self.label("Ordförande:", m.chair)
        if m.justerare:
            self.label("Justerare:", ", ".join(m.justerare))

    def attendees(self) -> None:
        m = self.meeting
        p, _ = self.label("Närvarande:")
        p.paragraph_format.space_before = Pt(10)
        if m.attendees:
            # Two columns filled row by row, as in the archived protocols.
            rows = (len(m.attendees) + 1) // 2
            table = self.doc.add_table(rows=rows, cols=2)
            borderless(table)
            for n, person in enumerate(m.attendees):
                cell = table.cell(n // 2, n % 2)
                cell.paragraphs[0].add_run(clean(person.label()))
                cell.paragraphs[0].paragraph_format.space_after = Pt(2)
        else:
            self.para("(ingen närvarolista)")
        if m.absent:
            p, _ = self.label("Anmält förhinder:")
            p.paragraph_format.space_before = Pt(10)
            for person in m.absent:
                self.para(person.label()).paragraph_format.space_after = Pt(0)

    def item(self, item: ItemDraft) -> None:
        self.para(f"{item.number}. {item.title}", self.style[ITEM])
        flags = [f for f in item.flags if f not in item.handled_flags]  # handled ones are done with
        if self.mode == "draft" and (item.needs_review or flags):
            for flag in flags or ["Punkten behöver granskas."]:
                self.mark(self.doc.add_paragraph(), clean(f"Granska: {flag}"))
        if item.bullets:
            self.bullets(item)
        elif item.summary.strip():
            _, runs = self.label("Sammanfattning:", item.summary.strip())
            self.comment(runs, self.item_evidence(item))
        decisions = self.decisions(item)
        if decisions:
            self.para("Mötet beslutar", bold=True).paragraph_format.keep_with_next = True
            for decision in decisions:
                self.decision(decision)

    def bullets(self, item: ItemDraft) -> None:
        intro = item.summary.strip() or "Informerades om:"
        if intro.endswith(":"):  # "Tf sekretariatschef informerade om:" is the list's lead-in
            p = self.para(intro)
            runs = p.runs
        else:
            p, runs = self.label("Sammanfattning:", intro)
        p.paragraph_format.keep_with_next = True
        self.comment(runs, self.item_evidence(item))
        for bullet in item.bullets:
            text = clean(bullet.strip())
            self.para(("•\t" if self.bullet_glyph else "") + text, self.style[BULLET])

    def decisions(self, item: ItemDraft) -> list[Decision]:
        if self.mode == "approved":
            return [d for d in item.decisions if d.status in REVIEWED]
        return [d for d in item.decisions if d.status != REJECTED]

    def decision(self, d: Decision) -> None:
        p = self.doc.add_paragraph()
        if self.mode == "draft":
            if not d.supported:
                self.mark(p, "[Ej belagt i inspelningen] ", UNSUPPORTED)
            if d.status == SUGGESTED:
                self.mark(p, "[Förslag] ")
        run = p.add_run(clean(d.text.strip()))
        if self.mode == "draft" and d.flags:
            self.mark(p, clean(" (" + " ".join(d.flags) + ")"))
        lines = [f"[{clock(e.start, hours=True)}–{clock(e.end, hours=True)}] {_excerpt(e.text)}" for e in d.evidence]
        if not d.supported:
            lines.append("Granskningen hittade inget stöd för beslutet i inspelningen.")
        lines.extend(d.flags)
        self.comment([run], lines)

    def item_evidence(self, item: ItemDraft) -> list[str]:
        span = f"[{clock(item.start, hours=True)}–{clock(item.end, hours=True)}] " if item.start is not None and item.end is not None else ""
        text = _excerpt(item.transcript)
        return [f"{span}{text}".strip()] if (span or text) else []

    def closing(self, items: list[ItemDraft]) -> None:
        if any(re.search(r"avslut", i.title, re.I) for i in items[-1:]):
            return  # the agenda's last item already is "Mötet avslutades"
        end = re.search(r"[-–]\s*(\d{1,2}[.:]\d{2})\s*$", self.meeting.time or "")
        self.para("Mötet avslutades" + (f" kl. {end.group(1)}." if end else "."), bold=True)

    def signatures(self) -> None:
        m = self.meeting
        self.para("Underskriftssida", self.style[HEADING]).paragraph_format.page_break_before = True
        town = city(m.place) or "Ort"
        self.para(f"{town} den …………………………")
        self.signature("Vid protokollet", [m.secretary or ""])
        if m.chair:
            self.signature("Ordförande", [m.chair])
        self.signature("Justeras", m.justerare or [""])

    def signature(self, heading: str, names: list[str]) -> None:
        self.para(heading, bold=True).paragraph_format.space_before = Pt(18)
        for name in names:
            line = self.para("_" * 40)
            line.paragraph_format.space_before = Pt(30)
            line.paragraph_format.space_after = Pt(0)
            self.para(name or "Namnförtydligande")

    def certification(self, certified: dt.date | None = None) -> None:
        self.para("Utdragsbestyrkande", bold=True).paragraph_format.space_before = Pt(24)
        self.para("Utdraget överensstämmer med originalprotokollet.")
        if certified:
            self.para(f"Bestyrkt den {swedish_date(certified)}")
        line = self.para("_" * 40)
        line.paragraph_format.space_before = Pt(30)
        line.paragraph_format.space_after = Pt(0)
        self.para(self.meeting.secretary or "Namnförtydligande")


def _excerpt(text: str) -> str:
    text = re.sub(r"\s+", " ", clean(text)).strip()
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
