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

    @bench.command("asr")
    def asr(
        audio: Path = typer.Option(Path("samples/meeting/recording.flac"), "--audio"),
        reference: Path | None = typer.Option(None, "--reference", help="Facit: textfil eller truth.json (ger WER)."),
        threads: list[int] = typer.Option([1], "--threads", help="Samma antal trådar för alla motorer; upprepa för flera."),
        long_minutes: list[float] = typer.Option([], "--long-minutes", help="Mät även ett långt möte byggt av exempelmötet (minuter); upprepa."),
        long_only: bool = typer.Option(False, "--long-only", help="Bara de långa mötena, inte --audio."),
        only: list[str] = typer.Option([], "--only", help="Bara denna konfiguration (helt namn) eller de vars namn innehåller detta; upprepa."),
        json_out: Path | None = typer.Option(None, "--json"),
    ) -> None:
        """faster-whisper (i följd och i batch), whisper.cpp och openai-whisper på samma vikter: RTF, minne, WER, kvot mot standard."""
        from bench.asr import run

        run(None if long_only else audio, reference=reference, threads=threads, only=only or None, json_out=json_out,
            long_minutes=long_minutes)

    @bench.command("e2e")
    def e2e(
        minutes: list[float] = typer.Option([210.0], "--minutes", help="Längd i minuter; upprepa för att jämföra minnet."),
        drafter: str = typer.Option("llama-cpp", "--drafter"),
        threads: int = typer.Option(2, "--threads"),
        json_out: Path | None = typer.Option(None, "--json"),
        keep: Path | None = typer.Option(None, "--keep", help="Spara inspelningen och utkasten här (annars raderas de)."),
    ) -> None:
        """Hela kedjan på ett långt möte byggt av exempelmötet: tid per steg, totalt, högsta minne."""
        from bench.e2e import run

        run(minutes, drafter=drafter, threads=threads, json_out=json_out, keep=keep)

    @bench.command("upload")
    def upload(
        size_mb: list[int] = typer.Option([50, 1024], "--size-mb", help="Storlekar att ladda upp (MB); upprepa."),
        json_out: Path | None = typer.Option(None, "--json"),
    ) -> None:
        """Ladda upp stora inspelningar till tjänsten och mät serverns högsta minne (RSS)."""
        from bench.upload import run

        run(size_mb, json_out=json_out)

    @bench.command("queue")
    def queue(
        workers: list[int] = typer.Option([1, 2], "--workers", help="Antal arbetare att mäta; upprepa."),
        meetings: int = typer.Option(6, "--meetings", min=1, help="Inspelningar per mätning (två organisationer)."),
        seconds: float = typer.Option(25.0, "--seconds", min=5, max=120, help="Längd per inspelning (s), ur exempelmötet."),
        json_out: Path | None = typer.Option(None, "--json"),
    ) -> None:
        """Tjänsten på kön (PostgreSQL + Redis + N arbetare): möten per timme och kötid, för 1, 2 … arbetare."""
        from bench.queue import run

        run(workers, meetings=meetings, seconds=seconds, json_out=json_out)

    app.add_typer(bench, name="bench")
