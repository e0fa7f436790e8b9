"""`protokoll serve`: the review service (web UI + API + background worker) in one command."""

from __future__ import annotations

from pathlib import Path

import typer

from service.commands.draft import JOB_BASE_URL, JOB_DRAFTER, JOB_LLM_MODEL, use_job_drafter


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Adress att lyssna på."),
        port: int = typer.Option(8000, "--port"),
        data_dir: Path = typer.Option(None, "--data-dir", help="Katalog för databas och inspelningar (standard: ./data eller PROTOKOLL_DATA_DIR)."),
        database_url: str = typer.Option(
            None, "--database-url",
            help="postgresql://… när webben och arbetarna finns på flera maskiner (standard: SQLite i datakatalogen "
                 "eller PROTOKOLL_DATABASE_URL)."),
        broker: str = typer.Option(
            None, "--broker", help="redis://… : jobben läggs i kön och körs av `protokoll worker` (standard: här, "
                                   "eller PROTOKOLL_BROKER_URL)."),
        max_upload_mb: float = typer.Option(None, "--max-upload-mb", help="Största tillåtna uppladdning i MB (standard 2048)."),
        max_audio_hours: float = typer.Option(None, "--max-audio-hours", help="Längsta inspelning som tas emot (standard 8 h)."),
        secure_cookies: bool = typer.Option(
            None, "--secure-cookies/--insecure-cookies",
            help="Sessionskakan skickas bara över HTTPS (standard). --insecure-cookies bara för http på den egna datorn."),
        api_docs: bool = typer.Option(False, "--api-docs", help="Visa API-dokumentationen på /docs och /openapi.json."),
        job_minutes: float = typer.Option(None, "--job-minutes", help="Tidsgräns per jobb: så här många minuter … (20)"),
        job_minutes_per_minute: float = typer.Option(None, "--job-minutes-per-audio-minute",
                                                     help="… plus så här många per minut inspelning (1,5)."),
        drafter: str = JOB_DRAFTER, llm_model: str = JOB_LLM_MODEL, base_url: str = JOB_BASE_URL,
        pipeline: str = typer.Option("pipelines.run", "--pipeline", hidden=True,
                                     help="Modul med run_pipeline och redraft_item (tester och mätningar)."),
    ) -> None:
        """Starta granskningstjänsten (webb, API och bakgrundsjobb)."""
        use_job_drafter(drafter, llm_model, base_url)
        import uvicorn

        from service.app import Settings, create_app
        from service.jobs import JobTimeLimit

        settings = Settings.from_env(
            data_dir, database_url=database_url, broker_url=broker, secure_cookies=secure_cookies, api_docs=api_docs or None,
            max_audio_hours=max_audio_hours,
            job_time=JobTimeLimit(**{k: v for k, v in {"base_minutes": job_minutes,
                                                       "per_audio_minute": job_minutes_per_minute}.items() if v is not None}),
            max_upload_bytes=int(max_upload_mb * 1024 * 1024) if max_upload_mb else None)
        typer.echo(f"Data: {settings.data_dir.resolve()}  –  http://{host}:{port}/")
        if not settings.secure_cookies:
            typer.echo("Obs: sessionskakan skickas även över okrypterad http (--insecure-cookies); bara för utveckling.")
        uvicorn.run(create_app(settings, pipeline=pipeline), host=host, port=port, log_level="info")
