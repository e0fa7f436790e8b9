"""`protokoll export PROTOCOL_JSON --out FILE [--template T] [--comments] [--approved-only] [--item N] [--pdf]`."""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines.errors import InputError
from pipelines.models import REVIEWED


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        protocol_json: Path = typer.Argument(..., help="Protokollet som JSON (protocol.json från draft eller granskningen)."),
        out: Path | None = typer.Option(None, "--out", "-o", help="Word-filen att skriva (standard: bredvid JSON-filen)."),
        template: Path | None = typer.Option(None, "--template", help="Egen Word-mall (.docx/.dotx): formatmallar, sidhuvud, sidfot, logotyp."),
        comments: bool = typer.Option(False, "--comments", help="Belägg (tidskoder + utdrag ur inspelningen) som Word-kommentarer."),
        approved_only: bool = typer.Option(False, "--approved-only", help="Bara godkända beslut, utan granskningsmarkeringar (för justering)."),
        item: int | None = typer.Option(None, "--item", min=1, help="Protokollsutdrag: bara punkt N."),
        pdf: bool = typer.Option(False, "--pdf", help="Gör också en PDF (kräver LibreOffice)."),
    ) -> None:
        """Skriv protokollet som Word-dokument i protokollets layout."""
        from pipelines.documents import load_protocol
        from pipelines.documents.docx_pdf import pdf_from_docx
        from pipelines.run import export_for

        if out is None:
            suffix = f"-utdrag-punkt-{item}" if item is not None else ""
            out = protocol_json.with_name(f"{protocol_json.stem}{suffix}.docx")
        if out.suffix.lower() != ".docx":
            raise InputError(f"{out}: utfilen ska sluta på .docx – the output file must end in .docx")
        protocol = load_protocol(protocol_json)
        mode = "approved" if approved_only else "draft"
        written = export_for(protocol)(protocol, out, template=template, comments=comments, mode=mode, item=item)
        typer.echo(f"Skrev {written}" + (f" (utdrag, punkt {item})" if item is not None else "")
                   + (" – endast godkända beslut" if approved_only else " – utkast med granskningsmarkeringar"))
        if approved_only and not any(d.status in REVIEWED for i in protocol.items for d in i.decisions):
            typer.echo("Obs: inget beslut är godkänt ännu – dokumentet har inga beslut. "
                       "(No decision is approved yet.)", err=True)
        if pdf:
            typer.echo(f"Skrev {pdf_from_docx(written, written.parent)}")
