"""`protokoll parse FILE [--json]`: read an archived protocol (.txt, .docx, .pdf) into the protocol model."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("parse")
    def parse(
        file: Path = typer.Argument(..., help="Arkiverat protokoll: .txt (text ur PDF), .docx eller .pdf."),
        as_json: bool = typer.Option(False, "--json", help="Skriv hela protokollet som JSON."),
    ) -> None:
        """Läs ett arkiverat protokoll och visa punkter, beslut och närvaro."""
        from pipelines.documents import parse_protocol

        protocol = parse_protocol(file)
        if as_json:
            typer.echo(protocol.model_dump_json(indent=2, exclude={"created"}))
            return
        m = protocol.meeting
        typer.echo(f"{m.number or 'Protokoll'} – {m.title}, {m.date.isoformat()}"
                   + (f" {m.time}" if m.time else "") + (f", {m.place}" if m.place else ""))
        typer.echo(f"Närvarande ({len(m.attendees)}): " + "; ".join(p.label() for p in m.attendees))
        if m.absent:
            typer.echo(f"Anmält förhinder ({len(m.absent)}): " + "; ".join(p.label() for p in m.absent))
        if m.secretary:
            typer.echo(f"Sekreterare: {m.secretary}")
        if m.justerare:
            typer.echo(f"Justerare: {', '.join(m.justerare)}")
        for item in protocol.items:
            typer.echo(f"\n{item.number}. {item.title}")
            if item.summary:
                typer.echo(f"   Sammanfattning: {item.summary[:160]}{'…' if len(item.summary) > 160 else ''}")
            for bullet in item.bullets:
                typer.echo(f"   • {bullet}")
            for d in item.decisions:
                typer.echo(f"   [{d.kind}] {d.text}")
