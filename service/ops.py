"""Operations: /healthz (web, database, broker) for load balancers and orchestrators, and /metrics in
Prometheus' text format. Both read the shared database, so any web server reports the whole cluster.
Neither needs a login, and neither says anything about a meeting's content (counts and durations only)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import func, select, text

from pipelines.models import FAILED, QUEUED, READY, RUNNING_STATES

from .db import MeetingRow, StageTime, utcnow
from .deps import SessionDep

router = APIRouter(include_in_schema=False)
STATUSES = (QUEUED, *RUNNING_STATES, READY, FAILED)


@router.get("/healthz")
def healthz(request: Request, db: SessionDep) -> JSONResponse:
    checks = {"web": "ok"}
    try:
        db.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as e:  # any driver error means "not healthy", with its first line as the reason
        checks["database"] = f"fel: {str(e).strip().splitlines()[0]}"
    ping = getattr(request.app.state.runner, "ping", None)
    if ping is None:
        checks["broker"] = "används inte (jobben körs i webbservern)"
    else:
        try:
            ping()
            checks["broker"] = "ok"
        except Exception as e:
            checks["broker"] = f"fel: {str(e).strip().splitlines()[0]}"
    healthy = all(v == "ok" or v.startswith("används inte") for v in checks.values())
    return JSONResponse(checks, status_code=200 if healthy else 503)


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request, db: SessionDep) -> PlainTextResponse:
    by_status = dict(db.execute(select(MeetingRow.status, func.count()).group_by(MeetingRow.status)).all())
    stages = db.execute(select(StageTime.stage, func.count(), func.sum(StageTime.seconds))
                        .group_by(StageTime.stage).order_by(StageTime.stage)).all()
    now = utcnow()
    waits = [(started - created).total_seconds() for created, started in
             db.execute(select(MeetingRow.created, MeetingRow.started).where(MeetingRow.started.is_not(None)))]
    oldest = db.scalar(select(func.min(MeetingRow.created)).where(MeetingRow.status == QUEUED))
    lines = [
        "# HELP protokoll_queue_length Meetings waiting for a worker.",
        "# TYPE protokoll_queue_length gauge",
        f"protokoll_queue_length {by_status.get(QUEUED, 0)}",
        "# HELP protokoll_queue_oldest_seconds How long the oldest queued meeting has waited.",
        "# TYPE protokoll_queue_oldest_seconds gauge",
        f"protokoll_queue_oldest_seconds {(now - oldest).total_seconds() if oldest else 0:.3f}",
        "# HELP protokoll_jobs Meetings by job status (failed: jobs that ended in failure).",
        "# TYPE protokoll_jobs gauge",
        *[f'protokoll_jobs{{status="{s}"}} {by_status.get(s, 0)}' for s in STATUSES],
        "# HELP protokoll_stage_seconds Time spent in each pipeline stage, per finished run of the stage.",
        "# TYPE protokoll_stage_seconds summary",
    ]
    for stage, count, total in stages:
        lines += [f'protokoll_stage_seconds_sum{{stage="{stage}"}} {total:.3f}',
                  f'protokoll_stage_seconds_count{{stage="{stage}"}} {count}']
    lines += ["# HELP protokoll_queue_wait_seconds From upload to the start of the job's current attempt.",
              "# TYPE protokoll_queue_wait_seconds summary",
              f"protokoll_queue_wait_seconds_sum {sum(waits):.3f}",
              f"protokoll_queue_wait_seconds_count {len(waits)}"]
    length = getattr(request.app.state.runner, "broker_length", None)
    if length is not None:
        try:
            messages = length()
            lines += ["# HELP protokoll_broker_messages Messages waiting in the broker's queue.",
                      "# TYPE protokoll_broker_messages gauge", f"protokoll_broker_messages {messages}"]
        except Exception:  # the broker is away: /healthz says so; the other figures still count
            pass
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")
