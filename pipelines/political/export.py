"""Word export in the §-layout of kommunstyrelse and nämnd protocols.

    Norrsjö kommun · Sammanträdesprotokoll · Kommunstyrelsen · 2026-04-14
    Plats och tid / Beslutande / Ersättare / Övriga närvarande / Utses att justera /
    Justeringens plats och tid / Paragrafer            (a two-column label table)
    Underskrifter: Sekreterare, Ordförande, Justerande
    ANSLAG/BEVIS: Organ, Sammanträdesdatum, anslaget sätts upp / tas ned, Förvaringsplats
    § 112 Title · Dnr · Jäv · Sammanfattning · Beslutsunderlag · Förslag till beslut · Yrkanden ·
    Propositionsordning · Omröstning (omröstningslista) · Beslut (att-clauses) · Reservation ·
    Protokollsanteckning · Beslutet skickas till

Modes as in pipelines/documents/export_docx.py: "draft" marks what the secretary must check, "approved" is the
clean text for justering; `item=N` writes a protokollsutdrag of one §.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from docx.document import Document
from docx.shared import Cm, Pt

from ..dates import clock, swedish_date
from ..documents.docx_base import borderless, clean, draft_banner, open_base, page_footer, paragraph_style, save_docx
from ..documents.export_docx import DRAFT_BANNER, REVIEW, Mode, items_to_write
from ..documents.export_docx import _excerpt as excerpt
from ..documents.export_docx import _Writer as NumberedWriter
from ..errors import InputError
from ..models import ItemDraft, Protocol
from .card import UNKNOWN, Member, PoliticalCard
from .records import Ballot, Motion, ParagraphRecord, Proposition

TITLE, SUBTITLE, PARAGRAPH, SECTION = "Title", "Subtitle", "Heading 1", "Heading 2"
LABEL_WIDTH, VALUE_WIDTH = Cm(5.6), Cm(10.4)


def paragraph_heading(number: int, title: str) -> str:
    return f"§ {number} {title}"


def export_political_docx(protocol: Protocol, out: Path, *, template: Path | None = None, comments: bool = False,
                          mode: Mode = "draft", item: int | None = None, certified: dt.date | None = None) -> Path:
    """Write a political body's protocol (or, with `item`, a protokollsutdrag of one §) at `out`;
    `certified` dates the utdragsbestyrkande of a justerat protocol's extract."""
    card = protocol.meeting.political
    if card is None:
        raise InputError("protokollet har inget politiskt organ (body/members i mötets kort) – not a political body's protocol")
    items = items_to_write(protocol, mode, item)
    document, house = open_base(template)
    writer = _Writer(document, protocol, card, mode=mode, comments=comments)
    if mode == "draft":
        draft_banner(document, DRAFT_BANNER, REVIEW)
    if item is None:
        writer.front_page(items)
    else:
        writer.extract_header()
    for it in items:
        writer.paragraph(it)
    if item is not None:
        writer.certification(certified)
    page_footer(document, house)
    props = document.core_properties
    props.title = clean(f"{card.body.name} {protocol.meeting.date.isoformat()}"
                        + (f", utdrag § {card.paragraph(item)}" if item else ""))[:250]
    props.author = clean(protocol.meeting.secretary or "Protokoll")[:250]
    props.language = "sv-SE"
    return save_docx(document, Path(out))


def _cell_line(paragraph, text: str, bold: bool = False) -> None:
    run = paragraph.add_run(clean(text))
    run.bold = bold or None
    run.font.size = Pt(10)
    paragraph.paragraph_format.space_after = Pt(0)


def _widths(table, widths) -> None:
    """Column widths that Word and LibreOffice both honour: the grid and every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _verb_clause(text: str) -> str:
    return text.rstrip(".") + "."


class _Writer(NumberedWriter):
    """The numbered layout's writer (paragraphs, review marks, decisions with their evidence as Word
    comments) with the §-layout's sections."""

    def __init__(self, document: Document, protocol: Protocol, card: PoliticalCard, *, mode: Mode, comments: bool):
        super().__init__(document, protocol, mode=mode, comments=comments, extract=False)
        self.card = card
        self.style.update({n: paragraph_style(document, n) for n in (PARAGRAPH, SECTION)})
        self.first_paragraph = False

    # -- building blocks

    def section(self, title: str):
        p = self.para(title, self.style[SECTION])
        p.paragraph_format.keep_with_next = True
        return p

    def evidence(self, runs, evidence) -> None:
        self.comment(runs, [f"[{clock(e.start, hours=True)}–{clock(e.end, hours=True)}] {excerpt(e.text)}" for e in evidence])

    def label(self, name: str) -> str:
        """'Anna Berg (M)' for a member of the card; a name the card does not know stays as it is."""
        if name == UNKNOWN:
            return "Okänd ledamot"
        member = self.card.member(name)
        return member.label() if member else name

    def labelled_table(self, rows: list[tuple[str, list[str]]]):
        """The header block: a bold label left, its lines right (10 pt, as the printed protocols)."""
        table = self.doc.add_table(rows=len(rows), cols=2)
        borderless(table)
        _widths(table, (LABEL_WIDTH, VALUE_WIDTH))
        for r, (label, values) in enumerate(rows):
            left, right = table.cell(r, 0), table.cell(r, 1)
            _cell_line(left.paragraphs[0], label, bold=True)
            for i, value in enumerate(values or [""]):
                _cell_line(right.paragraphs[0] if i == 0 else right.add_paragraph(), value)
            right.paragraphs[-1].paragraph_format.space_after = Pt(4)
        return table

    # -- the first page

    def front_page(self, items: list[ItemDraft]) -> None:
        m, card = self.meeting, self.card
        if card.body.municipality:
            self.para(card.body.municipality, bold=True)
        self.para("Sammanträdesprotokoll", self.style[TITLE])
        self.para(f"{card.body.name} {m.date.isoformat()}", self.style[SUBTITLE])
        numbers = [card.paragraph(i.number) for i in items]
        rows = [
            ("Plats och tid", [", ".join(x for x in (m.place, m.date.isoformat()) if x)
                               + (f" kl. {m.time}" if m.time else "")]),
            ("Beslutande", self.deciding(items)),
            ("Ersättare", [self.substitute_line(x, items) for x in card.non_serving()] or ["–"]),
            ("Övriga närvarande", [o.label() for o in card.officials] or ["–"]),
            ("Utses att justera", [", ".join(m.justerare) or "–"]),
            ("Justeringens plats och tid", [card.justering or "–"]),
            ("Paragrafer", [f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])]),
        ]
        self.labelled_table(rows)
        self.signatures()
        self.anslag()
        self.first_paragraph = True

    def deciding(self, items: list[ItemDraft]) -> list[str]:
        lines = []
        for member in self.card.serving():
            if member.replaces:
                replaced = self.card.member(member.replaces)
                lines.append(f"{member.label()}, tjänstgörande ersättare för {replaced.label() if replaced else member.replaces}")
            else:
                lines.append(f"{member.label()}, {member.role}")
        for number, recusal in self.recusals(items):
            if recusal.substitute:
                sub = self.label(recusal.substitute)
                lines.append(f"{sub}, tjänstgörande ersättare för {self.label(recusal.member)} § {number}")
        return lines

    def recusals(self, items: list[ItemDraft]):
        for item in items:
            if item.political:
                for recusal in item.political.recusals:
                    yield item.political.paragraph, recusal

    def substitute_line(self, member: Member, items: list[ItemDraft]) -> str:
        serves = [str(n) for n, r in self.recusals(items) if r.substitute == member.name]
        return member.label() + (f" (tjänstgör § {', '.join(serves)})" if serves else "")

    def signatures(self) -> None:
        chair = self.card.chair
        rows = [("Sekreterare", [self.meeting.secretary or ""]), ("Ordförande", [chair.name if chair else ""])]
        rows += [("Justerande" if i == 0 else "", [name]) for i, name in enumerate(self.meeting.justerare or [""])]
        self.para("Underskrifter", bold=True).paragraph_format.space_before = Pt(8)
        table = self.labelled_table([(label, ["." * 50, name]) for label, (name,) in rows])
        for row in table.rows:
            row.cells[1].paragraphs[0].paragraph_format.space_before = Pt(10)

    def anslag(self) -> None:
        m, a = self.meeting, self.card.anslag
        p = self.para("ANSLAG/BEVIS", bold=True)
        p.paragraph_format.space_before = Pt(10)
        self.para("Protokollet är justerat. Justeringen har tillkännagivits genom anslag.")
        self.labelled_table([
            ("Organ", [self.card.body.name]),
            ("Sammanträdesdatum", [m.date.isoformat()]),
            ("Datum då anslaget sätts upp", [a.up.isoformat() if a.up else ""]),
            ("Datum då anslaget tas ned", [a.down.isoformat() if a.down else ""]),
            ("Förvaringsplats för protokollet", [a.place or ""]),
            ("Underskrift", ["." * 50, m.secretary or ""]),
        ])

    def extract_header(self) -> None:
        m = self.meeting
        if self.card.body.municipality:
            self.para(self.card.body.municipality, bold=True)
        self.para("Protokollsutdrag", self.style[TITLE])
        self.para(f"{self.card.body.name}, sammanträde den {swedish_date(m.date)}", self.style[SUBTITLE])

    def certification(self, certified: dt.date | None = None) -> None:
        self.para("Utdragsbestyrkande", bold=True).paragraph_format.space_before = Pt(24)
        self.para("Utdraget överensstämmer med originalprotokollet.")
        if certified:
            self.para(f"Bestyrkt den {swedish_date(certified)}")
        self.para("." * 60).paragraph_format.space_before = Pt(24)
        self.para(self.meeting.secretary or "Namnförtydligande")

    # -- one §

    def paragraph(self, item: ItemDraft) -> None:
        card = self.card
        arende = card.arenden[item.number - 1] if item.number <= len(card.arenden) else None
        record = item.political or ParagraphRecord(paragraph=card.paragraph(item.number))
        heading = self.para(paragraph_heading(record.paragraph, item.title), self.style[PARAGRAPH])
        heading.paragraph_format.keep_with_next = True
        if self.first_paragraph:  # the §§ begin on the page after the front page
            heading.paragraph_format.page_break_before = True
            self.first_paragraph = False
        dnr = record.dnr or (arende.dnr if arende else None)
        if dnr:
            self.para(f"Dnr {dnr}")
        from_card = bool(arende and arende.summary)  # the kallelse's Sammanfattning, not the drafted one
        if self.mode == "draft":
            shown_later = {f for b in record.ballots for f in b.flags}  # under Omröstning
            for flag in item.flags:
                if flag not in shown_later and not (from_card and flag.lower().startswith("sammanfattning")):
                    self.mark(self.doc.add_paragraph(), clean(f"Granska: {flag}"))
        if record.recusals:
            self.section("Jäv")
            for r in record.recusals:
                text = f"{self.label(r.member)} anmäler jäv och deltar inte i handläggningen av ärendet."
                if r.substitute:
                    text += f" {self.label(r.substitute)} tjänstgör i stället."
                self.evidence(self.para(text).runs, r.evidence)
        summary = (arende.summary if from_card else item.summary).strip()
        if summary:
            self.section("Sammanfattning")
            self.para(summary)
        if arende and arende.underlag:
            self.section("Beslutsunderlag")
            for u in arende.underlag:
                self.para(u).paragraph_format.space_after = Pt(0)
        if arende and arende.proposal:
            self.section("Förslag till beslut")
            for clause in arende.proposal:
                self.para(clause)
        if record.motions:
            self.section("Yrkanden")
            for motion in record.motions:
                self.motion(motion)
        if record.propositions:
            self.section("Propositionsordning")
            for prop in record.propositions:
                self.proposition(prop)
        for ballot in record.ballots:
            self.ballot(ballot, record)
        self.decision(item, record)
        if record.reservations:
            self.section("Reservation")
            for r in record.reservations:
                text = f"{self.label(r.member)} reserverar sig mot beslutet" + \
                    (" till förmån för eget yrkande." if r.own_motion else ".")
                if r.written:
                    text += " En skriftlig reservation lämnas före justeringen."
                self.evidence(self.para(text).runs, r.evidence)
        if record.notes:
            self.section("Protokollsanteckning")
            for n in record.notes:
                p = self.para(f"{self.label(n.member)} lämnar följande protokollsanteckning: ”{n.text.strip()}”")
                self.evidence(p.runs, n.evidence)
        if arende and arende.send_to:
            self.section("Beslutet skickas till")
            for to in arende.send_to:
                self.para(to).paragraph_format.space_after = Pt(0)

    def motion(self, m: Motion) -> None:
        text = m.text.strip()
        if m.kind == "tillägg" and re.match(r"(?i)att\b", text):
            text = f"följande tillägg: {text}"
        p = self.doc.add_paragraph()
        runs = [p.add_run(clean(f"{self.label(m.member)} yrkar {_verb_clause(text)}"))]
        if m.motivation and m.motivation not in text:
            runs.append(p.add_run(clean(f" Motivering: {_verb_clause(m.motivation)}")))
        if self.mode == "draft" and m.member == UNKNOWN:
            self.mark(p, " [Ange vem som yrkade]")
        self.evidence(runs, m.evidence)

    def proposition(self, prop: Proposition) -> None:
        put = prop.proposals
        if any(re.search(r"återremi", x) for x in put) and any(re.search(r"avgöras", x) for x in put):
            what = "om ärendet ska avgöras i dag eller återremitteras"
        elif put and put[0].startswith("om "):  # "om ärendet ska avgöras i dag eller …" as the chair said it
            what = " eller ".join(put)
        elif len(put) > 1:
            what = "på " + " mot ".join(put)
        else:
            what = "på " + (put[0] if put else "förslaget")
        text = f"Ordföranden ställer proposition {what}" + (f" och finner att {prop.finding}." if prop.finding else ".")
        self.evidence(self.para(text).runs, prop.evidence)

    def ballot(self, ballot: Ballot, record: ParagraphRecord) -> None:
        self.section("Omröstning")
        if ballot.question:
            self.para(_verb_clause(ballot.question))
        t = ballot.tally
        if not ballot.open:
            self.para("Sluten omröstning.")
        else:
            self.votes_table(ballot, record)
        p = self.para(f"Omröstningsresultat: {t.ja} ja, {t.nej} nej, {t.avstar} avstår.")
        self.evidence(p.runs, ballot.evidence)
        if ballot.result:
            self.para(_verb_clause(ballot.result))
        if self.mode == "draft":
            for flag in ballot.flags:
                self.mark(self.doc.add_paragraph(), clean(f"Granska: {flag}"))

    def votes_table(self, ballot: Ballot, record: ParagraphRecord) -> None:
        """The omröstningslista: one row per member who served, the vote as a word (it survives a PDF's
        text extraction, where an "X" in one of three columns would not say which)."""
        by_member = {v.member: v for v in ballot.votes}
        names = list(dict.fromkeys(record.serving + [v.member for v in ballot.votes]))
        table = self.doc.add_table(rows=len(names) + 2, cols=3)
        if "Table Grid" in [s.name for s in self.doc.styles]:
            table.style = self.doc.styles["Table Grid"]
        for c, text in enumerate(("Ledamot", "Parti", "Röst")):
            table.cell(0, c).paragraphs[0].add_run(text).bold = True
        for r, name in enumerate(names, start=1):
            member = self.card.member(name)
            vote = by_member.get(name)
            cells = [name, member.party if member else "", vote.choice.capitalize() if vote else ""]
            for c, text in enumerate(cells):
                table.cell(r, c).paragraphs[0].add_run(clean(text))
            if self.mode == "draft" and (vote is None or vote.inferred):
                self.mark(table.cell(r, 2).paragraphs[0], " [härledd ur uppropet]" if vote else "[ingen röst hörd]")
        t = ballot.tally
        for c, text in enumerate(["Summa", "", f"{t.ja} ja, {t.nej} nej, {t.avstar} avstår"]):
            table.cell(len(names) + 1, c).paragraphs[0].add_run(text).bold = True
        _widths(table, (Cm(6.0), Cm(2.0), Cm(5.0)))
        for cell in (c for row in table.rows for c in row.cells):
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
        self.para().paragraph_format.space_after = Pt(2)

    def decision(self, item: ItemDraft, record: ParagraphRecord) -> None:
        decisions = self.decisions(item)
        if not decisions:
            return
        self.section("Beslut")
        intro = self.para(f"{self.card.body.name} beslutar")
        intro.paragraph_format.keep_with_next = True
        if self.mode == "draft" and record.decision_source == "proposal":
            self.mark(intro, " [Enligt förslaget – ordagrant ur förslaget till beslut]")
        for d in decisions:
            super().decision(d)
