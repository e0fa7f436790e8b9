"""The review service: FastAPI app factory. `protokoll serve` runs it with uvicorn.

By default one process holds the web server and the job runner thread; the pipeline itself runs in worker
processes (service/jobs.py), and all state lives in the data dir (see service/storage.py). On several
machines the database is PostgreSQL (`database_url`) and jobs go through a Celery queue to `protokoll
worker`s (`broker_url`, service/queue.py); the data dir is then the storage root they all share.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from .db import open_db
from .errors import install_handlers
from .jobs import DEFAULT_PIPELINE, JobRunner, JobTimeLimit, LocalProcessRunner
from .middleware import Guard
from .notify import MailSettings
from .ratelimit import LoginLimiter
from .storage import DEFAULT_MAX_AUDIO_HOURS, DEFAULT_MAX_UPLOAD, DataDir

HERE = Path(__file__).parent


class Settings(BaseModel):
    data_dir: Path
    database_url: str | None = None  # PostgreSQL for several machines; None: SQLite in the data dir
    broker_url: str | None = None  # redis://… : jobs go to `protokoll worker`s; None: run here
    max_upload_bytes: int = Field(DEFAULT_MAX_UPLOAD, gt=0)
    max_audio_hours: float = Field(DEFAULT_MAX_AUDIO_HOURS, gt=0)
    # The session cookie is only sent over HTTPS; turn off (--insecure-cookies) only for plain-http
    # development on this machine, never behind a proxy that others reach.
    secure_cookies: bool = True
    job_time: JobTimeLimit = Field(default_factory=JobTimeLimit)
    api_docs: bool = False  # /docs and /openapi.json (the API's shape is no secret, but needs no audience)
    # Run the lifecycle's calendar as if today were this date (PROTOKOLL_TODAY): demonstrations and
    # tests of the anslag rules. Never set in production.
    today: dt.date | None = None
    mail: MailSettings | None = None  # e-mail about the justering (PROTOKOLL_SMTP_HOST …); off by default

    @classmethod
    def from_env(cls, data_dir: Path | None = None, **overrides) -> "Settings":
        values: dict = {"data_dir": data_dir or Path(os.environ.get("PROTOKOLL_DATA_DIR", "data")),
                        "database_url": os.environ.get("PROTOKOLL_DATABASE_URL") or None,
                        "broker_url": os.environ.get("PROTOKOLL_BROKER_URL") or None}
        if os.environ.get("PROTOKOLL_MAX_UPLOAD_MB"):
            values["max_upload_bytes"] = int(float(os.environ["PROTOKOLL_MAX_UPLOAD_MB"]) * 1024 * 1024)
        if os.environ.get("PROTOKOLL_SMTP_HOST"):
            env = {"host": "PROTOKOLL_SMTP_HOST", "port": "PROTOKOLL_SMTP_PORT", "sender": "PROTOKOLL_MAIL_FROM",
                   "starttls": "PROTOKOLL_SMTP_STARTTLS", "username": "PROTOKOLL_SMTP_USER",
                   "password": "PROTOKOLL_SMTP_PASSWORD", "public_url": "PROTOKOLL_PUBLIC_URL"}
            values["mail"] = MailSettings(**{k: os.environ[v] for k, v in env.items() if os.environ.get(v)})
        if os.environ.get("PROTOKOLL_TODAY"):
            values["today"] = dt.date.fromisoformat(os.environ["PROTOKOLL_TODAY"])
        if os.environ.get("PROTOKOLL_SECURE_COOKIES"):
            values["secure_cookies"] = os.environ["PROTOKOLL_SECURE_COOKIES"] not in ("0", "false", "")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def create_app(settings: Settings, runner: JobRunner | None = None, pipeline: str = DEFAULT_PIPELINE) -> FastAPI:
    """The app over `settings.data_dir`. `runner` defaults to worker processes here running `pipeline`, or
    to the Celery queue when `settings.broker_url` is set (`protokoll worker` runs the jobs)."""
    os.umask(0o077)  # every file the service (and its workers) writes: owner only
    data = DataDir(settings.data_dir)
    sessions = open_db(data.root, settings.database_url)
    data.clean_stale_uploads()
    if runner is None and settings.broker_url:
        from .queue import CeleryRunner

        runner = CeleryRunner(settings.broker_url, pipeline)
    runner = runner or LocalProcessRunner(data.root, sessions, pipeline, time_limit=settings.job_time,
                                          database_url=settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runner.start()
        try:
            yield
        finally:
            runner.stop()

    docs = settings.api_docs
    app = FastAPI(title="Protokoll", version="0.1.0", lifespan=lifespan,
                  description="Granskning av protokollutkast från mötesinspelningar.",
                  docs_url="/docs" if docs else None, redoc_url=None, openapi_url="/openapi.json" if docs else None)
    app.state.settings, app.state.data, app.state.sessions, app.state.runner = settings, data, sessions, runner
    app.state.login_limiter = LoginLimiter()
    app.add_middleware(Guard)
    install_handlers(app)

    from . import api, ops, ui, ui_lifecycle

    app.include_router(api.router)
    app.include_router(ops.router)
    app.include_router(ui.router)
    app.include_router(ui_lifecycle.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
