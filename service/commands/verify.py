"""`protokoll verify FILE [--cert CERT]`: check the signature of a justerat protocol's archive copy."""

from __future__ import annotations

import logging
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify(
        pdf: Path = typer.Argument(..., exists=True, dir_okay=False, help="Den signerade PDF-filen."),
        cert: Path = typer.Option(None, "--cert", exists=True, dir_okay=False,
                                  help="Organisationens certifikat (PEM) att lita på; utan det kontrolleras bara att "
                                       "dokumentet är oförändrat sedan signeringen."),
    ) -> None:
        """Visa vem som signerade protokollet och om dokumentet har ändrats efter signeringen."""
        from pipelines.documents.signing import verify_pdf

        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # its own report of an untrusted chain
        verdicts = verify_pdf(pdf, cert)
        if not verdicts:
            typer.echo(f"{pdf}: ingen signatur – the file is not signed", err=True)
            raise typer.Exit(1)
        ok = True
        for v in verdicts:
            typer.echo(f"Signerad av: {v.signed_by}")
            if v.signed_at:
                typer.echo(f"Tidpunkt: {v.signed_at}")
            if v.reason:
                typer.echo(f"Anledning: {v.reason}")
            if v.unchanged:
                typer.echo("Dokumentet är oförändrat sedan signeringen.")
            elif v.intact:
                typer.echo("Dokumentet har ändrats efter signeringen (något har lagts till efter signaturen).")
            else:
                typer.echo("Dokumentet har ändrats: signaturen stämmer inte med innehållet.")
            if v.trusted is True:
                typer.echo("Certifikatet är det angivna (betrott).")
            elif v.trusted is False:
                typer.echo("Certifikatet är INTE det angivna eller en utfärdare av det.")
            ok = ok and v.unchanged and v.trusted is not False
        raise typer.Exit(0 if ok else 1)
