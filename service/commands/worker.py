"""`protokoll worker`: runs jobs from the queue that `protokoll serve --broker` fills, on any machine that
reaches the database, the broker and the shared storage root."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from service.commands.draft import JOB_BASE_URL, JOB_DRAFTER, JOB_LLM_MODEL, use_job_drafter

from pipelines.errors import InputError


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker(
        data_dir: Path = typer.Option(None, "--data-dir", help="Den delade lagringsroten, samma som webbserverns "
                                                               "(standard: ./data eller PROTOKOLL_DATA_DIR)."),
        database_url: str = typer.Option(None, "--database-url", help="Samma databas som webbserverns "
                                                                      "(standard: PROTOKOLL_DATABASE_URL)."),
        broker: str = typer.Option(None, "--broker", help="redis://… (standard: PROTOKOLL_BROKER_URL)."),
        concurrency: int = typer.Option(1, "--concurrency", min=1, help="Jobb samtidigt i den här arbetaren."),
        job_minutes: float = typer.Option(None, "--job-minutes", help="Tidsgräns per jobb: så här många minuter … (20)"),
        job_minutes_per_minute: float = typer.Option(None, "--job-minutes-per-audio-minute",
                                                     help="… plus så här många per minut inspelning (1,5)."),
        lease_seconds: float = typer.Option(60.0, "--lease-seconds", min=5,
                                            help="Ett jobb vars arbetare varit tyst så här länge tas över av en annan."),
        drafter: str = JOB_DRAFTER, llm_model: str = JOB_LLM_MODEL, base_url: str = JOB_BASE_URL,
        pipeline: str = typer.Option("pipelines.run", "--pipeline", hidden=True,
                                     help="Modul med run_pipeline och redraft_item (tester och mätningar)."),
    ) -> None:
        """Kör jobb ur kön (Celery på Redis) tills den stoppas; SIGTERM lämnar tillbaka pågående jobb."""
        use_job_drafter(drafter, llm_model, base_url)
        from service.app import Settings
        from service.db import open_db
        from service.jobs import JobTimeLimit
        from service.logs import configure_logging
        from service.queue import Worker, make_celery, serve_worker
        from service.storage import DataDir

        settings = Settings.from_env(data_dir, database_url=database_url, broker_url=broker)
        if not settings.broker_url:
            raise InputError("protokoll worker behöver en kö: --broker redis://… eller PROTOKOLL_BROKER_URL "
                             "– a broker is required")
        os.umask(0o077)
        configure_logging()
        data = DataDir(settings.data_dir)
        limit = JobTimeLimit(**{k: v for k, v in {"base_minutes": job_minutes,
                                                  "per_audio_minute": job_minutes_per_minute}.items() if v is not None})
        job_worker = Worker(app=make_celery(settings.broker_url), sessions=open_db(data.root, settings.database_url),
                            data=data, database_url=settings.database_url, pipeline=pipeline, time_limit=limit,
                            lease_seconds=lease_seconds)
        typer.echo(f"Arbetare {job_worker.name}: data {data.root.resolve()}, {concurrency} jobb åt gången")
        serve_worker(job_worker, concurrency)
