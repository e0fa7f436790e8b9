"""The job queue for several machines: Celery on a Redis broker, state in the shared database.

`protokoll serve --broker redis://…` only enqueues (`CeleryRunner`); `protokoll worker --broker …` runs
the jobs (`Worker`), as many as `--concurrency` at a time, on any machine that reaches the database, the
broker and the shared storage root.

A message says "a meeting is queued"; the worker that takes it claims the *fairest* queued meeting from
the database (`claim_next`: one organisation's ten uploads do not hold back another's one), so fairness
does not depend on the order of messages, and a message for a meeting that is gone is a no-op. Messages
are acknowledged late (after the job) and handed back when a worker dies; the database holds the truth:

- each running job has a heartbeat; a job whose worker stopped beating (SIGKILL, power cut) is queued
  again by any other worker (`Worker.sweep`) and resumes from its last saved stage (the pipeline skips
  saved stages), until MAX_ATTEMPTS, then it is failed with a message;
- the sweep also sends a message for every queued meeting the broker does not hold one for (a message
  lost with a broker restart, an upload while the broker was down), so no meeting waits forever;
- the pipeline runs in its own process: the wall-clock limit (scaled to the recording's length) kills it,
  and so does a deletion (the row is gone at the next heartbeat; what it wrote is removed);
- a worker asked to stop (SIGTERM) hands its jobs back to the queue instead of holding them for hours.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field

from celery import Celery
from celery.signals import worker_shutting_down
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from pipelines.models import QUEUED, RUNNING_STATES, ItemDraft, Protocol

from .db import MeetingRow, utcnow
from .jobs import MAX_ATTEMPTS, JobTimeLimit, RedraftPool, claim_next, fail_timed_out, worker_lost
from .storage import DataDir, remove_tree
from .worker import job_main

log = logging.getLogger("protokoll.queue")
TASK = "protokoll.run_meeting"
QUEUE = "protokoll"
HEARTBEAT_SECONDS = 2.0


def make_celery(broker_url: str) -> Celery:
    app = Celery("protokoll", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,  # a message is done when its job is, not when a worker took it
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a busy worker holds no messages another one could run
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        # An unacknowledged message comes back after this long; the heartbeat sweep is the quick path.
        broker_transport_options={"visibility_timeout": 6 * 3600},
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK)(run_meeting)
    return app


def queue_length(app: Celery) -> int:
    """Messages waiting in the broker (not yet taken by a worker)."""
    with app.connection_for_read() as conn:
        return conn.default_channel.client.llen(QUEUE)


class CeleryRunner:
    """The web server's side: enqueue, nothing else. Redrafts of one item still run next to the web server
    (seconds, and the secretary waits for them); point the drafter at an LLM server to keep them light."""

    def __init__(self, broker_url: str, pipeline: str):
        self.app = make_celery(broker_url)
        self._redrafts = RedraftPool(pipeline)

    def start(self) -> None:
        pass

    def ping(self) -> None:
        """Raises when the broker cannot be reached (for /healthz)."""
        with self.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel.client.ping()

    def broker_length(self) -> int:
        return queue_length(self.app)

    def stop(self) -> None:
        self._redrafts.shutdown()

    def submit(self, meeting_id: str) -> None:
        try:
            self.app.send_task(TASK, args=[meeting_id], queue=QUEUE)
        except Exception:  # the row is queued; the next sweep of a worker sends the message again
            log.exception("could not enqueue meeting %s; a worker's sweep will", meeting_id)

    def cancel(self, meeting_id: str) -> None:
        pass  # deleting the row is the signal: its worker stops the job at the next heartbeat

    def redraft(self, protocol: Protocol, transcript_text: str, number: int) -> ItemDraft:
        return self._redrafts.redraft(protocol, transcript_text, number)


@dataclass
class Worker:
    """What `protokoll worker` runs jobs with; one per worker process."""

    app: Celery
    sessions: sessionmaker
    data: DataDir
    database_url: str | None
    pipeline: str
    time_limit: JobTimeLimit = field(default_factory=JobTimeLimit)
    lease_seconds: float = 60.0  # a job whose heartbeat is older than this has lost its worker
    stopping: threading.Event = field(default_factory=threading.Event)
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    def run_next(self) -> None:
        claim = f"{self.name}/{uuid.uuid4().hex[:8]}"  # this attempt, so a stale heartbeat cannot pass for it
        row = claim_next(self.sessions, self.data, claim)
        if row is None:
            return
        log.info("job started", extra={"job": row.id, "attempt": row.attempts, "worker": claim})
        ctx = multiprocessing.get_context("spawn")
        proc = ctx.Process(target=job_main, name=f"protokoll-job-{row.id[:8]}",
                           args=(str(self.data.root), row.id, self.pipeline, os.getpid(), self.database_url))
        proc.start()
        deadline = time.monotonic() + self.time_limit.seconds(row.duration_seconds)
        outcome = self._supervise(row.id, claim, proc, deadline)
        log.info("job %s", outcome, extra={"job": row.id, "attempt": row.attempts, "worker": claim})

    def _supervise(self, meeting_id: str, claim: str, proc, deadline: float) -> str:
        self._beat(meeting_id, claim, pid=proc.pid)
        while True:
            proc.join(HEARTBEAT_SECONDS)
            if not proc.is_alive():
                return self._exited(meeting_id, claim, proc.exitcode)
            if not self._beat(meeting_id, claim):
                _stop(proc)
                with self.sessions() as db:
                    gone = db.get(MeetingRow, meeting_id) is None
                if gone:  # deleted while running: remove what the pipeline wrote after the web server's delete
                    remove_tree(self.data.meeting_dir(meeting_id))
                return "cancelled (meeting deleted)" if gone else "given up (claimed by another worker)"
            if time.monotonic() > deadline:
                _stop(proc)
                fail_timed_out(self.sessions, meeting_id, self.time_limit)
                return "failed (time limit)"
            if self.stopping.is_set():
                _stop(proc, gently=True)
                if self._hand_back(meeting_id, claim):
                    return "handed back (worker stopping)"
                return self._exited(meeting_id, claim, proc.exitcode)

    def _beat(self, meeting_id: str, claim: str, pid: int | None = None) -> bool:
        """Still ours? Records the heartbeat; False when the meeting is gone or another worker has it."""
        values = {"heartbeat": utcnow(), **({"worker_pid": pid} if pid else {})}
        with self.sessions() as db:
            ours = db.execute(update(MeetingRow).where(MeetingRow.id == meeting_id, MeetingRow.worker == claim)
                              .values(**values)).rowcount
            db.commit()
        return bool(ours)

    def _exited(self, meeting_id: str, claim: str, exitcode: int | None) -> str:
        with self.sessions() as db:
            row = db.get(MeetingRow, meeting_id)
            if row is None or row.worker != claim:
                return "ended (meeting gone or taken over)"
            if row.status not in RUNNING_STATES:
                row.heartbeat = None
                db.commit()
                return row.status
            worker_lost(row, exitcode)  # the pipeline process died without an outcome (e.g. out of memory)
            db.commit()
            status = row.status
        if status == QUEUED:
            self.app.send_task(TASK, args=[meeting_id], queue=QUEUE)
        return f"{status} (pipeline exit code {exitcode})"

    def _hand_back(self, meeting_id: str, claim: str) -> bool:
        with self.sessions() as db:
            # Not the job's fault: the attempt does not count. Only a job still running goes back: one that
            # finished while the worker was stopping keeps its outcome (it was handed back as queued, ready).
            handed = db.execute(update(MeetingRow).where(
                MeetingRow.id == meeting_id, MeetingRow.worker == claim, MeetingRow.status.in_(RUNNING_STATES)).values(
                status=QUEUED, attempts=MeetingRow.attempts - 1, worker=None, worker_pid=None, heartbeat=None)).rowcount
            db.commit()
        if handed:
            self.app.send_task(TASK, args=[meeting_id], queue=QUEUE)
        return bool(handed)

    # --- the sweep: every few seconds in each worker process ---------------------------------
    def sweep(self) -> None:
        """Queue again the jobs of dead workers; send a message for every queued meeting that lacks one."""
        cutoff = utcnow() - dt.timedelta(seconds=self.lease_seconds)
        with self.sessions() as db:
            stale = db.scalars(select(MeetingRow).where(MeetingRow.status.in_(RUNNING_STATES),
                                                        MeetingRow.heartbeat < cutoff)).all()
            for row in stale:
                log.warning("worker %s of job stopped beating; %s", row.worker,
                            "failing it" if row.attempts >= MAX_ATTEMPTS else "queueing it again",
                            extra={"job": row.id, "attempt": row.attempts})
                worker_lost(row)
                row.worker = None
            db.commit()
            queued = db.scalar(select(func.count()).select_from(MeetingRow).where(MeetingRow.status == QUEUED))
        missing = queued - queue_length(self.app)
        for _ in range(max(0, missing)):
            self.app.send_task(TASK, args=[""], queue=QUEUE)  # any message makes a worker claim the fairest

    def sweep_forever(self, interval: float) -> None:
        while not self.stopping.wait(interval):
            try:
                self.sweep()
            except Exception:  # the database or broker is away for a moment; the next sweep retries
                log.exception("sweep failed")


_worker: Worker | None = None


def serve_worker(worker: Worker, concurrency: int) -> None:
    """Run `worker` until stopped: Celery's consumer with `concurrency` threads (each job's pipeline runs in
    its own process, so threads suffice) and the sweep in a thread of its own."""
    global _worker
    _worker = worker
    worker_shutting_down.connect(lambda **_: worker.stopping.set(), weak=False)
    interval = max(1.0, min(10.0, worker.lease_seconds / 3))
    threading.Thread(target=worker.sweep_forever, args=(interval,), name="protokoll-sweep", daemon=True).start()
    worker.app.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}", "-Q", QUEUE,
                            "--loglevel=INFO", "-n", f"protokoll-{os.getpid()}@{socket.gethostname()}",
                            "--without-gossip", "--without-mingle", "--without-heartbeat"])


def run_meeting(meeting_id: str) -> None:
    """The Celery task. `meeting_id` only says that something is queued: the worker claims the fairest."""
    if _worker is None:
        raise RuntimeError("protokoll.run_meeting runs only inside `protokoll worker`")
    _worker.run_next()


def _stop(proc, gently: bool = False) -> None:
    if gently:
        proc.terminate()
        proc.join(10)
    if proc.is_alive():
        proc.kill()
    proc.join(10)
