"""Word export: the exported document is read back with python-docx (and the archive reader, and
LibreOffice) and its structure is checked against the hand-built reference protocol nr 9 2025."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from pipelines.errors import InputError
from pipelines.dates import clock, swedish_date
from pipelines.documents import load_protocol
from pipelines.documents.docx_pdf import pdf_from_docx
from pipelines.documents.export_docx import city, export_docx
from pipelines.models import Decision, Evidence, Protocol

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
PROTOCOL = FIXTURES / "protocol_nr9.json"
TEMPLATE = FIXTURES / "template.docx"
ARTIFACTS = ROOT / "test-artifacts" / "export"
ITEM = re.compile(r"^(\d+)\. (.+)$")


@pytest.fixture
def protocol() -> Protocol:
    return load_protocol(PROTOCOL)


def paragraphs(path: Path) -> list:
    return docx.Document(str(path)).paragraphs


def texts(path: Path) -> list[str]:
    return [p.text for p in paragraphs(path)]


def sections_by_item(path: Path) -> dict[int, list]:
    """Body paragraphs grouped under each "N. Title" heading (up to the next heading of any kind)."""
    out: dict[int, list] = {}
    current = None
    for p in paragraphs(path):
        if p.style.name.startswith("Heading"):
            m = ITEM.match(p.text)
            current = int(m.group(1)) if m and p.style.name == "Heading 2" else None
            if current is not None:
                out[current] = []
            continue
        if current is not None:
            out[current].append(p)
    return out


def decisions_under_beslutar(paras: list) -> list[str]:
    """The paragraphs that follow "Mötet beslutar" within one item."""
    names = [p.text for p in paras]
    if "Mötet beslutar" not in names:
        return []
    rest = names[names.index("Mötet beslutar") + 1:]
    return [t for t in rest if t.strip() and not t.startswith("Mötet avslutades")]


# ---------------------------------------------------------------------------------------------
# the reference protocol


def test_fixture_covers_the_reference(protocol):
    reference = Path("/work/shared/reference/protokoll-nr9-2025.txt")
    assert [i.number for i in protocol.items] == list(range(1, 12))
    assert len(protocol.meeting.attendees) == 9 and len(protocol.meeting.absent) == 3
    assert {d.kind for i in protocol.items for d in i.decisions} == {"noted", "thanked", "decided", "assigned"}
    assert protocol.item(6).bullets and all(d.evidence for i in protocol.items for d in i.decisions)
    if reference.exists():  # titles are copied from the reference text
        text = re.sub(r"\s+", " ", reference.read_text(encoding="utf-8"))
        for item in protocol.items:
            assert item.title.split(":")[0][:30] in text


def test_export_reproduces_reference_layout(protocol, tmp_path):
    protocol.meeting.justerare = ["Carina Leffler"]
    out = export_docx(protocol, tmp_path / "nr9.docx", mode="approved")
    lines = texts(out)
    doc = docx.Document(str(out))

    # header block as in the reference
    assert lines[0] == "Protokoll nr 9 2025" and doc.paragraphs[0].style.name == "Title"
    assert lines[1] == "Kommundirektörsmöte i Familjen Helsingborg"
    assert lines[2] == "Helsingborg 2025-12-12\tSekreterare: Mikael Johansson"
    assert lines[3] == ("Tid och plats: Den 12 december 2025 08.30-12:00 på Mindpark, Bredgatan 11, Helsingborg. "
                        "Mötesrum Penthouse och via Teams")
    assert "Justerare: Carina Leffler" in lines

    # Närvarande: a two-column table, row by row, every attendee as "Namn, Organisation"
    assert "Närvarande:" in lines
    table = doc.tables[0]
    assert len(table.columns) == 2
    cells = [c.text for row in table.rows for c in row.cells if c.text]
    assert cells == [p.label() for p in protocol.meeting.attendees]
    assert cells[:2] == ["Jonas Jönsson, Båstad", "Elin Ask, Ängelholm"]
    absent_at = lines.index("Anmält förhinder:")
    assert lines[absent_at + 1:absent_at + 4] == ["Agneta Fristedt, Bjuv", "Pernilla Anderberg, Landskrona",
                                                  "Åsa Simonsson, Svalöv"]

    # numbered items with bold (heading) titles, in order
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert [ITEM.match(p.text).group(1) for p in headings] == [str(n) for n in range(1, 12)]
    assert [ITEM.match(p.text).group(2) for p in headings] == [i.title for i in protocol.items]
    assert all(p.style.font.bold for p in headings)

    # summaries and every decision as its own paragraph under "Mötet beslutar"
    by_item = sections_by_item(out)
    for item in protocol.items:
        paras = by_item[item.number]
        if item.summary and not item.bullets:
            summary = next(p for p in paras if p.text.startswith("Sammanfattning:"))
            assert summary.text == f"Sammanfattning: {item.summary}"
            assert summary.runs[0].bold and summary.runs[0].text == "Sammanfattning:"
        assert decisions_under_beslutar(paras) == [d.text for d in item.decisions]
    assert decisions_under_beslutar(by_item[2])[1].startswith("Att sekretariatschefen")  # "Att" kept as written

    # item 6: an intro line and a real Word bullet list
    six = by_item[6]
    assert six[0].text == "Tf sekretariatschef informerade om:"
    bullets = [p for p in six if p.style.name == "List Bullet"]
    assert [p.text for p in bullets] == protocol.item(6).bullets

    # the meeting closes with its own item, then a signature page
    assert "Mötet avslutades" not in [t for t in lines if not ITEM.match(t)]
    sign = next(p for p in doc.paragraphs if p.text == "Underskriftssida")
    assert sign.paragraph_format.page_break_before
    tail = lines[lines.index("Underskriftssida"):]
    assert "Vid protokollet" in tail and "Mikael Johansson" in tail
    assert "Justeras" in tail and "Carina Leffler" in tail
    assert sum(t.startswith("____") for t in tail) == 2

    # page numbers in the footer, A4, no draft marks
    footer = doc.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer and "Sida " in footer
    assert abs(doc.sections[0].page_width.cm - 21.0) < 0.01
    assert not any("UTKAST" in t or "[Förslag]" in t for t in lines)
    assert "UTKAST" not in doc.sections[0].header._element.xml
    assert not any(r.font.highlight_color for p in doc.paragraphs for r in p.runs)
    assert doc.core_properties.language == "sv-SE"


def test_export_reads_back_through_the_eval_parser(protocol, tmp_path):
    """The archived-protocol parser (eval) sees the same meeting, items and decisions in our .docx."""
    from pipelines.documents import parse_protocol

    out = export_docx(protocol, tmp_path / "nr9.docx", mode="approved")
    parsed = parse_protocol(out)
    m = parsed.meeting
    assert (m.number, m.title, m.date, m.time, m.secretary) == (
        "Protokoll nr 9 2025", protocol.meeting.title, dt.date(2025, 12, 12), "08.30-12:00", "Mikael Johansson")
    assert [p.label() for p in m.attendees] == [p.label() for p in protocol.meeting.attendees]
    assert [p.label() for p in m.absent] == [p.label() for p in protocol.meeting.absent]
    assert [(i.number, i.title) for i in parsed.items] == [(i.number, i.title) for i in protocol.items]
    for mine, theirs in zip(protocol.items, parsed.items):
        assert [d.text for d in theirs.decisions] == [d.text for d in mine.decisions]
        assert theirs.bullets == mine.bullets


# ---------------------------------------------------------------------------------------------
# draft vs approved, comments, extract


def _reviewed(protocol: Protocol) -> Protocol:
    two = protocol.item(2)
    two.decisions[0].status = "suggested"
    two.decisions[1].supported = False
    two.decisions[1].status = "edited"
    protocol.item(4).decisions[0].status = "rejected"
    protocol.item(3).decisions[0].flags = ["Beslutet uttalades inte ordagrant – kontrollera mot inspelningen."]
    protocol.item(3).decisions[0].status = "suggested"
    protocol.item(10).needs_review = True
    protocol.item(10).flags = ["Namnet ”Ko0mmundirektörerna” finns inte i deltagarlistan – kontrollera."]
    return protocol


def test_draft_marks_what_needs_review(protocol, tmp_path):
    protocol = _reviewed(protocol)
    out = export_docx(protocol, tmp_path / "draft.docx", mode="draft")
    doc = docx.Document(str(out))
    lines = texts(out)
    assert lines[0] == "Protokoll nr 9 2025"  # the body is the protocol; the draft banner is in the page header
    banner = doc.sections[0].header.paragraphs[0]
    assert banner.text.startswith("UTKAST – ej justerat") and banner.runs[0].font.highlight_color is not None
    by_item = sections_by_item(out)

    first, second = decisions_under_beslutar(by_item[2])
    assert first == "[Förslag] " + protocol.item(2).decisions[0].text
    assert second == "[Ej belagt i inspelningen] " + protocol.item(2).decisions[1].text
    clause = next(p for p in by_item[2] if p.text == first)
    assert clause.runs[0].font.highlight_color is not None and clause.runs[1].font.highlight_color is None

    assert decisions_under_beslutar(by_item[4]) == []  # the rejected clause is gone, and so is "Mötet beslutar"
    assert "Mötet beslutar" not in [p.text for p in by_item[4]]
    three = decisions_under_beslutar(by_item[3])
    assert three[0].startswith("[Förslag] att för att kunna") and "kontrollera mot inspelningen" in three[0]
    assert by_item[10][0].text.startswith("Granska: Namnet ”Ko0mmundirektörerna”")
    assert by_item[10][0].runs[0].font.highlight_color is not None
    assert any(p.runs and p.runs[0].font.highlight_color for p in doc.paragraphs)


def test_approved_keeps_only_accepted_and_edited_without_marks(protocol, tmp_path):
    protocol = _reviewed(protocol)
    out = export_docx(protocol, tmp_path / "approved.docx", mode="approved")
    doc = docx.Document(str(out))
    by_item = sections_by_item(out)
    assert decisions_under_beslutar(by_item[2]) == [protocol.item(2).decisions[1].text]  # edited, no mark
    assert decisions_under_beslutar(by_item[3]) == []  # still only suggested
    assert decisions_under_beslutar(by_item[7]) == ["Att tacka för informationen"]
    joined = "\n".join(texts(out))
    assert "[" not in joined and "Granska" not in joined and "UTKAST" not in joined
    assert not any(r.font.highlight_color for p in doc.paragraphs for r in p.runs)


def test_comments_hold_the_evidence(protocol, tmp_path):
    out = export_docx(protocol, tmp_path / "comments.docx", comments=True)
    doc = docx.Document(str(out))
    notes = list(doc.comments)
    summaries = sum(1 for i in protocol.items if i.summary)
    decisions = sum(len(i.decisions) for i in protocol.items)
    assert len(notes) == summaries + decisions
    assert all(n.author == "Protokoll" and n.initials == "P" for n in notes)

    # the decision of item 4 ("att notera informationen", said at 01:10:41) carries its excerpt
    evidence = protocol.item(4).decisions[0].evidence[0]
    assert clock(evidence.start, hours=True) == "01:10:41"
    note = next(n for n in notes if n.text.startswith("[01:10:41–01:11:02]"))
    assert evidence.text in note.text
    # ... and is anchored on that decision's paragraph
    clause = next(p for p in doc.paragraphs if p.text == "att notera informationen")
    ref_ids = {el.get(qn("w:id")) for el in clause._p.iter(qn("w:commentRangeStart"))}
    assert str(note.comment_id) in ref_ids

    # a summary's comment is the item's span and transcript excerpt
    item2 = protocol.item(2)
    summary_note = next(n for n in notes if n.text.startswith(f"[{clock(item2.start, hours=True)}–{clock(item2.end, hours=True)}]"))
    assert item2.transcript[:80] in summary_note.text

    plain = docx.Document(str(export_docx(protocol, tmp_path / "plain.docx")))
    assert list(plain.comments) == []


def test_decision_without_evidence_gets_a_comment_saying_so(protocol, tmp_path):
    protocol.item(7).decisions = [Decision(text="att återkomma i frågan", kind="postponed", supported=False,
                                           flags=["Ingen uttalad beslutsmening hittades – föreslaget av modellen."])]
    doc = docx.Document(str(export_docx(protocol, tmp_path / "c.docx", comments=True)))
    note = next(n for n in doc.comments if "föreslaget av modellen" in n.text)
    assert "inget stöd" in note.text and not note.text.startswith("[")


def test_protokollsutdrag_has_one_item_and_certification(protocol, tmp_path):
    out = export_docx(protocol, tmp_path / "utdrag.docx", item=5, mode="approved")
    doc = docx.Document(str(out))
    lines = texts(out)
    assert lines[0] == "Protokoll nr 9 2025" and "Protokollsutdrag" in lines
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"] == ["5. Nytt samarbetsavtal Traineeprogrammet"]
    assert decisions_under_beslutar(sections_by_item(out)[5])[0] == "Att skriva under samarbetsavtal för traineeprogrammet 2026-2030."
    tail = lines[lines.index("Utdragsbestyrkande"):]
    assert "Utdraget överensstämmer med originalprotokollet." in tail and "Mikael Johansson" in tail
    assert "Närvarande:" not in lines and "Underskriftssida" not in lines and not doc.tables

    with pytest.raises(InputError, match="punkt 12 finns inte"):
        export_docx(protocol, tmp_path / "x.docx", item=12)
    assert not (tmp_path / "x.docx").exists()


def test_closing_line_added_when_agenda_has_no_closing_item(protocol, tmp_path):
    protocol.items = [i for i in protocol.items if i.number != 11]
    protocol.meeting.time = "08.30-12.00"
    lines = texts(export_docx(protocol, tmp_path / "c.docx", mode="approved"))
    assert "Mötet avslutades kl. 12.00." in lines
    assert lines.index("Mötet avslutades kl. 12.00.") < lines.index("Underskriftssida")


# ---------------------------------------------------------------------------------------------
# templates


def test_template_styles_header_and_logo_are_used(protocol, tmp_path):
    from tests.fixtures.make_template import BODY_FONT, FOOTER_TEXT, HEADER_TEXT, HEADING_FONT, HEADING_RGB, SAMPLE_BODY

    out = export_docx(protocol, tmp_path / "t.docx", template=TEMPLATE, comments=True)
    doc = docx.Document(str(out))
    heading = doc.styles["Heading 2"]
    assert heading.font.name == HEADING_FONT and heading.font.color.rgb == HEADING_RGB
    assert doc.styles["Normal"].font.name == BODY_FONT
    titles = [p for p in doc.paragraphs if ITEM.match(p.text)]
    assert len(titles) == 11 and all(p.style.name == "Heading 2" for p in titles)

    section = doc.sections[0]
    assert HEADER_TEXT in section.header.paragraphs[1].text
    assert any(rel.reltype.endswith("/image") for rel in section.header.part.rels.values())  # the logo
    footer = section.footer._element.xml
    assert FOOTER_TEXT in section.footer.paragraphs[0].text and " PAGE " in footer  # page numbers added
    assert "Justerandes signatur" not in footer  # the house footer is not forced on a template
    assert SAMPLE_BODY not in "\n".join(texts(out))  # the template's sample text is dropped
    assert texts(out)[0] == "Protokoll nr 9 2025"
    assert [p.text for p in section.header.paragraphs][0].startswith("UTKAST")  # above the template's logo line


def test_dotx_template_is_accepted(protocol, tmp_path):
    dotx = tmp_path / "mall.dotx"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(dotx, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(info, data)
    out = export_docx(protocol, tmp_path / "t.docx", template=dotx)
    assert docx.Document(str(out)).styles["Heading 2"].font.name == "Trebuchet MS"


def test_template_without_list_style_still_shows_bullets(protocol, tmp_path):
    bare = docx.Document(str(TEMPLATE))
    bullet = bare.styles["List Bullet"]
    bullet.element.getparent().remove(bullet.element)
    path = tmp_path / "bare.docx"
    bare.save(str(path))
    out = export_docx(protocol, tmp_path / "t.docx", template=path)
    bullets = [p.text for p in paragraphs(out) if p.style.name == "List Bullet"]
    assert bullets == ["•\t" + b for b in protocol.item(6).bullets]


@pytest.mark.parametrize("name, content, message", [
    ("mall.txt", b"inte en mall", "måste vara en Word-fil"),
    ("mall.docx", b"PK\x03\x04 trasig", "ingen läsbar Word-fil"),
    ("mall.docx", None, "finns inte"),
])
def test_bad_template_is_an_input_error(protocol, tmp_path, name, content, message):
    template = tmp_path / name
    if content is not None:
        template.write_bytes(content)
    with pytest.raises(InputError, match=message) as e:
        export_docx(protocol, tmp_path / "out.docx", template=template)
    assert " – " in str(e.value)  # Swedish – English
    assert not (tmp_path / "out.docx").exists()


def test_zip_that_is_not_word_is_rejected(protocol, tmp_path):
    template = tmp_path / "mall.docx"
    with zipfile.ZipFile(template, "w") as z:
        z.writestr("hello.txt", "hej")
    with pytest.raises(InputError, match="ingen läsbar Word-fil"):
        export_docx(protocol, tmp_path / "out.docx", template=template)


# ---------------------------------------------------------------------------------------------
# bad and hostile input


@pytest.mark.parametrize("content, message", [
    ('{"meeting": ', "ogiltig JSON på rad 1"),
    ('{"meeting": {"title": "x"}, "items": []}', "inget protokoll"),
    ("[1, 2]", "inget protokoll"),
    (b"\xff\xfe\x00", "inte UTF-8"),
])
def test_unreadable_protocol_json_is_an_input_error(tmp_path, content, message):
    path = tmp_path / "protocol.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError, match=message):
        load_protocol(path)
    with pytest.raises(InputError, match="finns inte"):
        load_protocol(tmp_path / "saknas.json")


def test_control_characters_emoji_and_huge_items_give_a_valid_document(protocol, tmp_path):
    nasty = "Kontroll\x00tecken\x01\x02\x0b\x0c\x1b\x1f och \ud800 halvt surrogat \ufffe slut"
    long_summary = ("Diskussion fördes kring budgeten 🎉 och ärendet. " * 420)[:20000]
    item = protocol.item(2)
    item.title = "AI 🤖 och " + nasty
    item.summary = long_summary
    item.transcript = "rad ett\r\nrad två\x07 " * 2000
    item.decisions[0].text = "att 📌 godkänna\tförslaget\x08 " + nasty
    item.decisions[0].evidence = [Evidence(start=1.0, end=2.5, text="sa \x00 så 😀")]
    protocol.meeting.attendees[0].name = "Jonas\x1f Jönsson 🙂"
    protocol.meeting.title = "Möte <&> \"citat\" ]]> \x03"

    out = export_docx(protocol, tmp_path / "nasty.docx", comments=True)
    doc = docx.Document(str(out))  # parses: the XML is well-formed
    lines = texts(out)
    assert all(not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", t) for t in lines)
    assert "Möte <&> \"citat\" ]]> " in lines
    assert "2. AI 🤖 och Kontrolltecken och  halvt surrogat  slut" in lines
    summary = next(t for t in lines if t.startswith("Sammanfattning:"))
    assert summary == "Sammanfattning: " + long_summary.strip() and len(summary) > 20000
    assert any(t.startswith("att 📌 godkänna\tförslaget Kontrolltecken") for t in lines)
    assert "Jonas Jönsson 🙂, Båstad" in [c.text for c in doc.tables[0].rows[0].cells]
    assert any("[00:00:01–00:00:02] sa så 😀" in n.text for n in doc.comments)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None

    pdf = pdf_from_docx(out, tmp_path)  # LibreOffice opens it too
    assert pdf.stat().st_size > 0


# ---------------------------------------------------------------------------------------------
# PDF via LibreOffice, the rendered first page, the CLI


def test_pdf_conversion_and_first_page_render(protocol, tmp_path):
    assert shutil.which("pdftoppm"), "poppler-utils saknas (apt-get install poppler-utils)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = export_docx(protocol, ARTIFACTS / "protokoll-nr9.docx", mode="approved")
    pdf = pdf_from_docx(out, ARTIFACTS)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 6
    first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    for expected in ("Protokoll nr 9 2025", "Tid och plats: Den 12 december 2025", "Närvarande:",
                     "Anmält förhinder:", "1. Mötets öppnande och incheckning", "Mötet beslutar",
                     f"Sida 1 av {pages}"):
        assert expected in first
    # the two attendee columns sit side by side on the rendered page
    assert re.search(r"Jonas Jönsson, Båstad\s{2,}Elin Ask, Ängelholm", first)
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Underskriftssida" in last and "Vid protokollet" in last
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "first-page")], check=True)
    png = ARTIFACTS / "first-page.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_parallel_conversions_do_not_clash(protocol, tmp_path):
    docs = [export_docx(protocol, tmp_path / f"p{n}.docx", item=n) for n in (2, 5)]
    with ThreadPoolExecutor(2) as pool:
        pdfs = list(pool.map(lambda d: pdf_from_docx(d, tmp_path / d.stem), docs))
    assert [p.name for p in pdfs] == ["p2.pdf", "p5.pdf"] and all(p.stat().st_size > 0 for p in pdfs)


def test_pdf_from_missing_docx_is_a_clear_error(tmp_path):
    from pipelines.errors import ProtokollError

    with pytest.raises(ProtokollError, match="finns inte"):
        pdf_from_docx(tmp_path / "saknas.docx", tmp_path)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", "export", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_cli_export_with_template_comments_and_extract(tmp_path):
    out = tmp_path / "protokoll.docx"
    done = _cli(str(PROTOCOL), "--out", str(out), "--template", str(TEMPLATE), "--comments", "--approved-only")
    assert done.returncode == 0, done.stderr
    assert "Skrev" in done.stdout and "endast godkända beslut" in done.stdout
    doc = docx.Document(str(out))
    assert len(list(doc.comments)) == 17 and doc.styles["Heading 2"].font.name == "Trebuchet MS"

    done = _cli(str(PROTOCOL), "--out", str(tmp_path / "utdrag.docx"), "--item", "4", "--pdf")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "utdrag.pdf").stat().st_size > 0
    assert "Utdragsbestyrkande" in texts(tmp_path / "utdrag.docx")


@pytest.mark.parametrize("args, message", [
    (["--item", "99"], "punkt 99 finns inte"),
    (["--template", str(PROTOCOL)], "mallen måste vara en Word-fil"),
    (["--out", "protokoll.pdf"], "ska sluta på .docx"),
])
def test_cli_bad_input_is_a_message_not_a_traceback(tmp_path, args, message):
    if "--out" not in args:
        args = [*args, "--out", str(tmp_path / "x.docx")]
    done = _cli(str(PROTOCOL), *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_cli_rejects_a_file_that_is_not_a_protocol(tmp_path):
    done = _cli(str(TEMPLATE), "--out", str(tmp_path / "x.docx"))
    assert done.returncode == 2 and "Fel:" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------------------------------------
# small helpers


def test_swedish_dates_times_and_town():
    assert swedish_date(dt.date(2025, 12, 12)) == "12 december 2025"
    assert swedish_date(dt.date(2026, 3, 1)) == "1 mars 2026"
    assert clock(3751.9, hours=True) == "01:02:31"
    assert city("Mindpark, Bredgatan 11, Helsingborg. Mötesrum Penthouse och via Teams") == "Helsingborg"
    assert city("Stadshuset, Ängelholm") == "Ängelholm"
    assert city("via Teams") is None and city(None) is None
