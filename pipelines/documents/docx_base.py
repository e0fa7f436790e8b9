"""The Word document the exporter writes into: a user template (styles, header/footer, logo) or the
house style (A4, Arial, black headings), plus the low-level bits python-docx has no API for
(page-number fields, borderless tables, XML-safe text)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..errors import InputError

FONT = "Arial"  # LibreOffice renders it with the metric-compatible Liberation Sans

# XML 1.0 forbids these; they reach us from Whisper output and pasted text. Tab and newline are kept
# (python-docx turns them into <w:tab/> and <w:br/>), \r becomes a newline, the rest is dropped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    if not text:
        return ""
    return _INVALID_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# ---------------------------------------------------------------------------------------------
# the document


_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def open_base(template: Path | None) -> tuple[Document, bool]:
    """The document to fill and whether it is the house style (True) or a user template (False)."""
    if template is None:
        document = docx.Document()
        _house_style(document)
        return document, True
    template = Path(template)
    if not template.is_file():
        raise InputError(f"{template}: mallen finns inte – template not found")
    if template.suffix.lower() not in (".docx", ".dotx"):
        raise InputError(f"{template}: mallen måste vara en Word-fil (.docx eller .dotx) – the template must be a .docx file")
    try:
        data = template.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            types = z.read("[Content_Types].xml")
            if _DOTX_MAIN.encode() in types:  # a Word template (.dotx) is a .docx with another content type
                data = _retype(z, types)
        document = docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except Exception as e:  # BadZipFile, KeyError, ValueError, lxml errors: all "not a Word file"
        raise InputError(f"{template}: mallen är ingen läsbar Word-fil – the template is not a valid .docx "
                         f"({type(e).__name__})") from None
    _clear_body(document)
    return document, False


def _retype(z: zipfile.ZipFile, types: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            body = types.replace(_DOTX_MAIN.encode(), _DOCX_MAIN.encode()) if info.filename == "[Content_Types].xml" \
                else z.read(info.filename)
            w.writestr(info, body)
    return out.getvalue()


def _clear_body(document: Document) -> None:
    """Drop the template's sample text but keep its last section (page size, header/footer links)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _house_style(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # python-docx's default is US Letter
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    styles = document.styles
    normal = styles["Normal"]
    _font(normal, size=11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, bold in [("Title", 16, True), ("Subtitle", 14, True), ("Heading 1", 14, True),
                             ("Heading 2", 12, True)]:
        style = styles[name]
        _font(style, size=size, bold=bold)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(12 if name.startswith("Heading") else 0)
        style.paragraph_format.space_after = Pt(6)
        _strip(style.element.pPr, "w:pBdr")  # Title has a blue rule under it by default
    styles["Title"].paragraph_format.space_after = Pt(2)
    styles["Subtitle"].paragraph_format.space_after = Pt(10)
    styles["Heading 2"].paragraph_format.keep_with_next = True
    _font(styles["List Bullet"], size=11)
    _strip(styles["Subtitle"].element.rPr, "w:spacing")  # letter-spaced by default
    for name in ("Header", "Footer"):
        _font(styles[name], size=9)
        _strip(styles[name].element.pPr, "w:tabs")  # Letter-width tab stops; the footer sets its own


def _font(style, *, size: float, bold: bool | None = None) -> None:
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # keeps the schema order of rPr
    for attr in list(fonts.attrib):  # theme fonts (asciiTheme=…) would override an explicit name
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _strip(element, tag: str) -> None:
    if element is None:
        return
    for child in element.findall(qn(tag)):
        element.remove(child)


def paragraph_style(document: Document, name: str, fallback: str = "Normal") -> str:
    """`name` if the document has it, else a new style of that name based on `fallback`, so a bare
    template still gets every paragraph kind (and the secretary can restyle it in Word)."""
    styles = document.styles
    try:
        if styles[name].type == WD_STYLE_TYPE.PARAGRAPH:
            return name
    except KeyError:
        pass
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    try:
        style.base_style = styles[fallback]
    except KeyError:
        pass
    if name.startswith(("Heading", "Title", "Subtitle")):
        style.font.bold = True
    return name


def has_bullet_numbering(document: Document, style_name: str) -> bool:
    """Does the style carry its own list numbering (as Word's and python-docx's "List Bullet" do)?"""
    try:
        style = document.styles[style_name]
    except KeyError:
        return False
    while style is not None:
        ppr = style.element.pPr
        if ppr is not None and ppr.find(qn("w:numPr")) is not None:
            return True
        style = style.base_style
    return False


def save_docx(document: Document, out: Path) -> Path:
    """Save atomically: a failed write never leaves a half-written .docx where the old one was."""
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(tmp))
        tmp.replace(out)
    except OSError as e:
        tmp.unlink(missing_ok=True) if tmp.parent.is_dir() else None
        raise InputError(f"{out}: kan inte skriva Word-filen ({e.strerror or e}) – cannot write the .docx file") from None
    return out


# ---------------------------------------------------------------------------------------------
# fields, tables


def add_field(paragraph, instr: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) as begin/instr/separate/result/end runs; Word and LibreOffice
    recompute the result when the page is laid out."""
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run_with(text)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def has_page_field(document: Document) -> bool:
    for section in document.sections:
        for part in (section.footer, section.header, section.first_page_footer, section.even_page_footer):
            if part.is_linked_to_previous and section is not document.sections[0]:
                continue
            xml = part._element.xml if part._has_definition else ""
            if re.search(r"\bPAGE\b", xml):
                return True
    return False


def page_footer(document: Document, house: bool) -> None:
    """Page numbers "Sida 1 av 3" in the footer, unless the template already numbers its pages. The
    house footer also has the justerare's initials field, as Swedish protocols carry on every page."""
    if has_page_field(document):
        return
    section = document.sections[0]
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.add_paragraph() if (footer.paragraphs and footer.paragraphs[-1].text.strip()) \
        else (footer.paragraphs[-1] if footer.paragraphs else footer.add_paragraph())
    if house:
        width = section.page_width - section.left_margin - section.right_margin
        paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run("Justerandes signatur: ____________\t")
    else:  # the template's footer style owns the tab stops; keep clear of them
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("Sida ")
    add_field(paragraph, "PAGE")
    paragraph.add_run(" av ")
    add_field(paragraph, "NUMPAGES")


def draft_banner(document: Document, text: str, colour) -> None:
    """A highlighted line at the top of every page's header: a printed page of a draft can never pass
    for the justerat protocol, and the body stays exactly the protocol text (parsers read it back)."""
    section = document.sections[0]
    headers = [section.header] + ([section.first_page_header] if section.different_first_page_header_footer else [])
    for header in headers:
        header.is_linked_to_previous = False
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph = first.insert_paragraph_before() if first.text.strip() or first.runs else first
        run = paragraph.add_run(text)
        run.bold = True
        run.font.highlight_color = colour


def borderless(table) -> None:
    tbl_pr = table._tbl.tblPr
    _strip(tbl_pr, "w:tblBorders")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # Word rejects out-of-order children: tblBorders comes before shd/tblLayout/tblCellMar/tblLook.
    later = [c for c in tbl_pr if c.tag in {qn(t) for t in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                                              "w:tblCaption", "w:tblDescription")}]
    if later:
        later[0].addprevious(borders)
    else:
        tbl_pr.append(borders)

