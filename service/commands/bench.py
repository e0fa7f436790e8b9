"""`protokoll bench …`: speed and memory, side by side, printed as a table and written as JSON."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    bench = typer.Typer(help="Mät hastighet och minne (tabell + JSON).", no_args_is_help=True)

    @bench.command("llm")
    def llm(
        job: Path | None = typer.Option(None, "--job", help="Jobbkatalog från 'protokoll draft' (transcript.json, segments.json, protocol.json)."),
        threads: int = typer.Option(2, "--threads"),
        base_url: str | None = typer.Option(None, "--base-url", help="Mät även en OpenAI-kompatibel endpoint."),
        model: str | None = typer.Option(None, "--model"),
        json_out: Path | None = typer.Option(None, "--json"),
    ) -> None:
        """Prefill- och avkodningshastighet (token/s) och sekunder per punkt för varje språkmodell."""
        from bench.llm import run

        run(job_dir=job, threads=threads, base_url=base_url, model=model, json_out=json_out)

    app.add_typer(bench, name="bench")
