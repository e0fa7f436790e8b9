"""Archived protocol files -> Protocol: `parse_protocol(path)` for .txt, .docx, .pdf and a saved
protocol.json. Word and PDF files are first turned into the lines a PDF text extraction gives, then
read by the layout parser (`layout.parse_lines`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..models import Protocol
from .header import HEADER_LINE
from .layout import BULLET, parse_lines, parse_text
from .saved import load_protocol

ARCHIVE_SUFFIXES = (".txt", ".docx", ".pdf")  # what a folder of earlier protocols may hold


def parse_protocol(path: Path | str) -> Protocol:
    """Parse an archived protocol file (.txt, .md, .docx, .pdf; .json = a saved Protocol)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: filen finns inte – file not found")
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".text"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="cp1252")  # older Windows exports
        return parse_text(text, source=str(path))
    if suffix == ".docx":
        return parse_lines(docx_lines(path), source=str(path))
    if suffix == ".pdf":
        return parse_text(pdf_text(path), source=str(path))
    if suffix == ".json":
        return load_protocol(path)
    raise InputError(f"{path}: okänt filformat '{suffix}' (använd .txt, .docx eller .pdf) – unsupported file type")


def docx_lines(path: Path) -> list[str]:
    """Paragraphs and table cells of a Word file in reading order, one line each; bullets marked."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as e:
        raise InputError(f"{path}: kan inte läsa Word-filen – cannot read the .docx file ({type(e).__name__})") from None
    bullet_nums = _bullet_num_ids(document)
    lines: list[str] = []

    def para_lines(p) -> list[str]:
        text = p.text.replace("\t", "  ")
        out = text.split("\n")
        style = (p.style.name if p.style is not None else "") or ""
        num_pr = p._p.pPr.numPr if p._p.pPr is not None else None
        is_bullet = "bullet" in style.lower() or (
            num_pr is not None and num_pr.numId is not None and num_pr.numId.val in bullet_nums)
        if is_bullet and out and out[0].strip():
            out[0] = f"{BULLET} {out[0].lstrip()}"
        return out + [""]  # a paragraph ends like a blank line in extracted text

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.extend(para_lines(Paragraph(child, document)))
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, seen = [], set()
                for cell in row.cells:  # merged cells repeat; keep each once
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append([t for p in cell.paragraphs for t in para_lines(p) if t.strip()])
                # A two-column "Label | value" row (kommunstyrelse header) reads as one line.
                if len(cells) == 2 and len(cells[0]) == 1 and HEADER_LINE.match(cells[0][0]) \
                        and HEADER_LINE.match(cells[0][0]).group(2) == "":
                    value = cells[1] or [""]
                    lines.append(f"{cells[0][0]}  {value[0]}")
                    lines.extend(value[1:])
                else:
                    for cell in cells:
                        lines.extend(cell)
                lines.append("")
    return lines


def _bullet_num_ids(document) -> set[int]:
    """numIds whose first level is a bullet list (Word keeps list formatting in numbering.xml)."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return set()
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    w = "{%s}" % ns["w"]
    bullet_abstract = set()
    for abstract in numbering.findall("w:abstractNum", ns):
        fmt = abstract.find("w:lvl/w:numFmt", ns)
        if fmt is not None and fmt.get(w + "val") == "bullet":
            bullet_abstract.add(abstract.get(w + "abstractNumId"))
    ids = set()
    for num in numbering.findall("w:num", ns):
        ref = num.find("w:abstractNumId", ns)
        if ref is not None and ref.get(w + "val") in bullet_abstract:
            ids.add(int(num.get(w + "numId")))
    return ids


def pdf_text(path: Path) -> str:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path}: kan inte läsa PDF-filen – cannot read the PDF ({type(e).__name__})") from None
    except Exception as e:  # pdfminer raises assorted errors on broken or encrypted files
        if type(e).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError", "PdfminerException"):
            raise InputError(f"{path}: PDF-filen är skyddad eller trasig – the PDF is encrypted or broken") from None
        raise
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(f"{path}: PDF-filen innehåller ingen text (inskannad?) – the PDF has no text layer (scanned?)")
    return text
