"""Background jobs behind a small interface: the embedded runner here, or a Celery queue (service/queue.py).

`LocalProcessRunner` is the embedded default: one thread in the web server picks queued meetings
from the database and runs each pipeline in a separate *process* (spawned, OMP_WAIT_POLICY=PASSIVE), so
Whisper and the LLM never block the event loop. The job's state lives only in the DB and the job
folder: when the server dies mid-job, the next start puts the meeting back in the queue and
`run_pipeline` skips every stage whose output is already saved — the job resumes, it does not restart.

Jobs are fair between organisations (`claim_next`: the next job is the oldest upload of the organisation
whose last job started longest ago, so one organisation's ten uploads do not hold back another's one; the
claim is a conditional UPDATE, so several workers never take the same meeting) and have a time limit
scaled to the recording's length. Redrafts run in a worker pool that is rebuilt if its worker dies.

The pipeline is a module with `run_pipeline` and `redraft_item` (`pipelines.run` by default); tests and
benchmarks name another one with the same contract (`create_app(pipeline=…)`, `protokoll serve --pipeline`).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Protocol as TypingProtocol

from pydantic import BaseModel, Field
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from pipelines.audio import probe
from pipelines.errors import AudioError
from pipelines.models import (DRAFTING, FAILED, QUEUED, READY, RUNNING_STATES, SEGMENTING, TRANSCRIBING, ItemDraft,
                              Protocol)

from .db import MeetingRow, utcnow
from .errors import ServiceError
from .storage import DataDir
from .worker import job_main, redraft_main

log = logging.getLogger("protokoll.jobs")
DEFAULT_PIPELINE = "pipelines.run"
MAX_ATTEMPTS = 3  # a job that kills its worker this often (e.g. out of memory) is marked failed

# Share of the whole job each stage stands for, to turn (stage, fraction) into one progress bar.
STAGE_SPAN = {QUEUED: (0.0, 0.0), TRANSCRIBING: (0.0, 0.75), SEGMENTING: (0.75, 0.8),
              DRAFTING: (0.8, 1.0), READY: (1.0, 1.0), FAILED: (0.0, 0.0)}


def overall_progress(status: str, fraction: float) -> float:
    lo, hi = STAGE_SPAN.get(status, (0.0, 0.0))
    return round(lo + (hi - lo) * max(0.0, min(1.0, fraction or 0.0)), 4)


class JobRunner(TypingProtocol):
    """What the web layer needs from a job system."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def submit(self, meeting_id: str) -> None: ...
    def cancel(self, meeting_id: str) -> None: ...
    def redraft(self, protocol: Protocol, transcript_text: str, number: int) -> ItemDraft: ...


class JobTimeLimit(BaseModel):
    """A job may take `base_minutes` plus `per_audio_minute` minutes per minute of recording."""

    base_minutes: float = Field(20.0, gt=0)
    per_audio_minute: float = Field(1.5, gt=0)  # the 210-minute meeting takes ~0.1 min per minute on 2 cores

    def seconds(self, audio_seconds: float | None) -> float:
        return 60 * self.base_minutes + self.per_audio_minute * (audio_seconds or 0.0)


class RedraftFailed(ServiceError):
    status = 503


def claim_next(sessions: sessionmaker, data: DataDir, worker: str) -> MeetingRow | None:
    """Take the oldest queued meeting of the organisation whose last job started longest ago, and mark it
    started by `worker`. None when nothing is queued. Safe with many workers: the UPDATE only succeeds
    while the row is still queued, and a worker that loses the race tries the next candidate."""
    with sessions() as db:
        for _ in range(20):
            queued = db.scalars(select(MeetingRow).where(MeetingRow.status == QUEUED)
                                .order_by(MeetingRow.created, MeetingRow.id)).all()
            if not queued:
                return None
            last_start = dict(db.execute(select(MeetingRow.org_id, func.max(MeetingRow.started))
                                         .where(MeetingRow.started.is_not(None)).group_by(MeetingRow.org_id)).all())
            oldest_per_org: dict[int, MeetingRow] = {}
            for row in queued:
                oldest_per_org.setdefault(row.org_id, row)
            never = dt.datetime.min
            row = min(oldest_per_org.values(), key=lambda r: (last_start.get(r.org_id) or never, r.created))
            duration = row.duration_seconds
            if duration is None:  # uploaded before durations were recorded
                duration = _duration(data, row.id)
            now = utcnow()
            taken = db.execute(update(MeetingRow).where(MeetingRow.id == row.id, MeetingRow.status == QUEUED).values(
                status=TRANSCRIBING, attempts=MeetingRow.attempts + 1, error=None, stage_progress=0.0,
                eta_seconds=None, duration_seconds=duration, started=now, heartbeat=now, worker=worker,
                worker_pid=None)).rowcount
            db.commit()
            if taken:
                return db.get(MeetingRow, row.id, populate_existing=True)
        return None


def _duration(data: DataDir, meeting_id: str) -> float | None:
    recording = data.recording(meeting_id)
    try:
        return probe(recording).duration if recording else None
    except AudioError:
        return None  # the job itself will say what is wrong with the file


def fail_timed_out(sessions: sessionmaker, meeting_id: str, time_limit: JobTimeLimit) -> None:
    with sessions() as db:
        row = db.get(MeetingRow, meeting_id)
        if row is None:
            return
        minutes = time_limit.seconds(row.duration_seconds) / 60
        row.status, row.worker_pid, row.heartbeat = FAILED, None, None
        row.error = (f"Bearbetningen tog längre än gränsen {minutes:.0f} min för en inspelning av den här längden "
                     f"och avbröts – the job exceeded its time limit")
        db.commit()


def worker_lost(row: MeetingRow, exitcode: int | None = None) -> None:
    """The job's worker died without recording an outcome: queue it again, or fail it after MAX_ATTEMPTS."""
    if row.attempts >= MAX_ATTEMPTS:
        code = f"slutkod {exitcode}" if exitcode is not None else "arbetaren försvann"
        row.status = FAILED
        row.error = (f"Bearbetningen avbröts {row.attempts} gånger ({code}), t.ex. slut på minne "
                     f"– the worker died {row.attempts} times")
    else:
        row.status = QUEUED
    row.worker_pid, row.heartbeat = None, None


class RedraftPool:
    """Redrafts one item at a time in a worker process (drafting may load an LLM: keep it out of the web
    process); a pool whose worker died is replaced at the next redraft."""

    def __init__(self, pipeline: str):
        self.pipeline = pipeline
        self._ctx = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def redraft(self, protocol: Protocol, transcript_text: str, number: int) -> ItemDraft:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=self._ctx)
            pool = self._pool
        try:
            text = pool.submit(redraft_main, self.pipeline, protocol.model_dump_json(), transcript_text, number).result()
        except BrokenProcessPool:  # its worker died (e.g. out of memory): the next redraft gets a new pool
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            log.error("the redraft worker died; a new one starts with the next redraft")
            raise RedraftFailed("Omskrivningen avbröts (arbetsprocessen dog, t.ex. slut på minne); försök igen – "
                                "the redraft worker died, try again") from None
        return ItemDraft.model_validate_json(text)

    def shutdown(self) -> None:
        if self._pool:
            self._pool.shutdown(cancel_futures=True)


class LocalProcessRunner:
    def __init__(self, data_dir: Path, sessions: sessionmaker, pipeline: str = DEFAULT_PIPELINE, poll: float = 0.5,
                 time_limit: JobTimeLimit | None = None, database_url: str | None = None):
        self.data = DataDir(data_dir)
        self.database_url = database_url
        self.sessions = sessions
        self.pipeline = pipeline
        self.poll = poll
        self.time_limit = time_limit or JobTimeLimit()
        self._deadline = 0.0
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._current: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._redrafts = RedraftPool(pipeline)

    # --- JobRunner interface -------------------------------------------------------------
    def start(self) -> None:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # inherited by the spawned workers
        with self.sessions() as db:
            # No worker survives a server stop, so a meeting still "running" was interrupted: resume it.
            db.execute(update(MeetingRow).where(MeetingRow.status.in_(RUNNING_STATES))
                       .values(status=QUEUED, worker_pid=None))
            db.commit()
        self._thread = threading.Thread(target=self._loop, name="protokoll-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        with self._lock:
            if self._proc is not None and self._proc.is_alive():
                self._proc.terminate()  # the next start resumes from the last saved stage
                self._proc.join(10)
        if self._thread:
            self._thread.join(15)
        self._redrafts.shutdown()

    def submit(self, meeting_id: str) -> None:
        self._wake.set()  # the row is already queued in the DB; just stop waiting

    def cancel(self, meeting_id: str) -> None:
        with self._lock:
            if self._current == meeting_id and self._proc is not None and self._proc.is_alive():
                self._proc.kill()
                self._proc.join(10)

    def redraft(self, protocol: Protocol, transcript_text: str, number: int) -> ItemDraft:
        return self._redrafts.redraft(protocol, transcript_text, number)

    # --- loop ----------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._tick()
            except Exception:  # never let the runner thread die; the next tick retries
                log.exception("job runner tick failed")
            self._wake.wait(self.poll)
            self._wake.clear()

    def _tick(self) -> None:
        with self._lock:
            if self._proc is not None:
                if self._proc.is_alive():
                    if time.monotonic() < self._deadline:
                        return
                    self._proc.kill()
                    self._proc.join(10)
                    fail_timed_out(self.sessions, self._current, self.time_limit)
                else:
                    self._finish(self._current, self._proc.exitcode)
                self._proc, self._current = None, None
            if self._stop.is_set():
                return
            row = claim_next(self.sessions, self.data, worker=f"local:{os.getpid()}")
            if row is None:
                return
            meeting_id = row.id
            self._deadline = time.monotonic() + self.time_limit.seconds(row.duration_seconds)
            proc = self._ctx.Process(target=job_main, name=f"protokoll-job-{meeting_id[:8]}",
                                     args=(str(self.data.root), meeting_id, self.pipeline, os.getpid(),
                                           self.database_url))
            proc.start()
            self._proc, self._current = proc, meeting_id
            with self.sessions() as db:
                db.execute(update(MeetingRow).where(MeetingRow.id == meeting_id).values(worker_pid=proc.pid))
                db.commit()

    def _finish(self, meeting_id: str | None, exitcode: int | None) -> None:
        """The worker exited. If it did not record an outcome itself, it crashed or was killed."""
        with self.sessions() as db:
            row = db.get(MeetingRow, meeting_id) if meeting_id else None
            if row is None or row.status not in RUNNING_STATES:
                return
            if self._stop.is_set():
                row.status, row.worker_pid = QUEUED, None  # we terminated it on shutdown; resume next start
            else:
                worker_lost(row, exitcode)
            db.commit()
