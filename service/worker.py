"""The worker processes of the job runner (service/jobs.py), each in a fresh interpreter: one runs a
meeting's pipeline and records its progress and outcome in the DB, the other redrafts one item."""

from __future__ import annotations

import importlib
import os
import signal
import time
import traceback
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from pipelines.errors import ProtokollError
from pipelines.models import FAILED, RUNNING_STATES, TRANSCRIBING, Protocol

from .db import MeetingRow, StageTime, db_url, make_engine, utcnow
from .storage import DataDir


# The drafter of the service's jobs, set by `serve`/`worker --drafter …` for the job processes they start.
DRAFT_ENV = {"backend": "PROTOKOLL_DRAFTER", "model": "PROTOKOLL_LLM_MODEL", "base_url": "PROTOKOLL_LLM_BASE_URL"}


def draft_options():
    """The embedded model unless the environment names another drafter, e.g. an OpenAI-compatible server
    (vLLM, llama.cpp server) that every worker shares."""
    from pipelines.drafting import DraftOptions

    return DraftOptions(**{field: os.environ[name] for field, name in DRAFT_ENV.items() if os.environ.get(name)})


def use_drafter(options) -> None:
    """Hand `options` (a DraftOptions) to the job processes this process starts."""
    for field, name in DRAFT_ENV.items():
        value = getattr(options, field)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = str(value)


def die_with_parent(parent_pid: int) -> None:
    """Linux: get SIGKILL when the server dies, so a killed server never leaves an orphan job running."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def job_main(data_dir: str, meeting_id: str, pipeline: str, parent_pid: int, database_url: str | None = None) -> None:
    die_with_parent(parent_pid)
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    from pipelines.meeting_card import load_meeting
    from pipelines.run import PipelineOptions

    from .review import record_ai_draft

    data = DataDir(Path(data_dir))
    engine = make_engine(db_url(data.root, database_url))
    sessions = sessionmaker(engine)
    last = {"t": 0.0, "stage": None}
    current = {"stage": None, "t0": 0.0}  # the stage running now and when it began

    def stage_done(now: float) -> None:
        if current["stage"] is not None:
            with sessions() as db:
                db.add(StageTime(meeting_id=meeting_id, stage=current["stage"], seconds=now - current["t0"]))
                db.commit()

    def progress(stage: str, fraction: float, eta: float | None) -> None:
        now = time.monotonic()
        if stage != current["stage"]:
            stage_done(now)
            current.update(stage=stage, t0=now)
        # Throttle DB writes; always write a stage change and the end of a stage.
        if stage == last["stage"] and fraction < 1.0 and now - last["t"] < 0.5:
            return
        last.update(t=now, stage=stage)
        with sessions() as db:
            db.execute(update(MeetingRow).where(MeetingRow.id == meeting_id, MeetingRow.status.in_(RUNNING_STATES))
                       .values(status=stage if stage in RUNNING_STATES else TRANSCRIBING,
                               stage_progress=float(fraction), eta_seconds=eta, updated=utcnow()))
            db.commit()

    def fail(message: str) -> None:
        with sessions() as db:
            db.execute(update(MeetingRow).where(MeetingRow.id == meeting_id)
                       .values(status=FAILED, error=message, worker_pid=None, updated=utcnow()))
            db.commit()

    try:
        module = importlib.import_module(pipeline)
        meeting = load_meeting(data.card(meeting_id))
        recording = data.recording(meeting_id)
        options = PipelineOptions(export_docx=False, draft=draft_options())  # the service exports itself
        protocol = module.run_pipeline(recording, meeting, data.job_dir(meeting_id), progress=progress, options=options)
        stage_done(time.monotonic())
        with sessions() as db:
            record_ai_draft(db, meeting_id, protocol)
    except ProtokollError as e:
        fail(str(e))
    except Exception:
        traceback.print_exc()
        fail("Ett internt fel stoppade bearbetningen; se serverns logg – an internal error stopped the job")
    finally:
        engine.dispose()


def redraft_main(pipeline: str, protocol_json: str, transcript_text: str, number: int) -> str:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    module = importlib.import_module(pipeline)
    protocol = Protocol.model_validate_json(protocol_json)
    return module.redraft_item(protocol, transcript_text, number, options=draft_options()).model_dump_json()
