"""Protocol documents: reading archived protocols (.txt, .docx, .pdf, protocol.json) into a Protocol,
and writing a Protocol as Word (and PDF).

    from pipelines.documents import parse_protocol, parse_text, load_protocol
    from pipelines.documents.export_docx import export_docx
"""

from .header import parse_people
from .layout import parse_lines, parse_text
from .reader import ARCHIVE_SUFFIXES, parse_protocol
from .saved import load_protocol

__all__ = ["ARCHIVE_SUFFIXES", "load_protocol", "parse_lines", "parse_people", "parse_protocol", "parse_text"]
