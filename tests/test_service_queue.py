"""The service on several machines: `protokoll serve --broker` only enqueues, `protokoll worker`s run the
jobs, each in a working directory of its own, over PostgreSQL, Redis and one shared storage root.

The fast fake pipeline (tests/helpers/fake_pipeline.py: saved stages are skipped on a re-run, and each
run of a stage is logged in the job's stages.log) shows which stages ran where; the real pipeline runs
in the slow test of tests/test_service_scale.py.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import httpx
import pytest
import redis

from bench.common import free_port
from tests.helpers.databases import query
from tests.helpers.server import QueueWorker, Server, add_user, make_audio, upload, wait_ready, wait_status

pytestmark = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


@pytest.fixture
def cluster(tmp_path, database, redis_url):
    """A web server on the broker, and a factory of workers; everything stopped afterwards."""
    data = tmp_path / "shared" / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    add_user(data, "bo@bjuv.se", "Bjuv")
    _drain(redis_url)  # the broker serves the whole session: start from an empty queue
    server = Server(data, args=["--broker", redis_url]).start()
    workers: list[QueueWorker] = []

    def worker(name: str, env: dict | None = None, args: list[str] | None = None) -> QueueWorker:
        w = QueueWorker(data, redis_url, tmp_path / name, env=env, args=["--lease-seconds", "5", *(args or [])])
        workers.append(w.start())
        return w

    yield server, worker
    for w in workers:
        w.stop()
    server.stop()


def _drain(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushdb()


def test_two_workers_run_six_uploads_of_two_organisations_fairly(cluster, tmp_path):
    server, worker = cluster
    clients = {"anna": server.client("anna@bastad.se"), "bo": server.client("bo@bjuv.se")}
    audio = make_audio(tmp_path / "möte.flac")
    ids: dict[str, list[str]] = {"anna": [], "bo": []}

    def upload_three(who: str) -> None:
        for _ in range(3):
            r = upload(clients[who], audio)
            assert r.status_code == 201, r.text
            ids[who].append(r.json()["id"])

    uploaders = [threading.Thread(target=upload_three, args=(who,)) for who in ids]
    for t in uploaders:
        t.start()
    for t in uploaders:
        t.join()
    # the workers start once all six wait, so every claim has both organisations to choose from (with workers
    # already running, a loaded machine could let one organisation's uploads arrive, and run, first)
    worker("w1", env={"FAKE_STAGE_SECONDS": "0.5"})
    worker("w2", env={"FAKE_STAGE_SECONDS": "0.5"})
    for who, meetings in ids.items():
        for meeting in meetings:
            wait_ready(clients[who], meeting, timeout=120)
    rows = query(server.data_dir, "select id, org_id, worker, attempts from meetings order by started")
    assert len(rows) == 6 and all(attempts == 1 for *_, attempts in rows)  # nothing lost, nothing run twice
    orgs = [org for _, org, _, _ in rows]
    # neither organisation waited for all of the other's jobs: turns alternate
    assert orgs[:2] != [orgs[0]] * 2 and orgs[2:4] != [orgs[2]] * 2, orgs
    workers = {w.split("/")[0] for _, _, w, _ in rows}
    assert len(workers) == 2  # both workers took jobs
    health = httpx.get(server.url + "/healthz")
    assert health.status_code == 200 and health.json() == {"web": "ok", "database": "ok", "broker": "ok"}
    samples = dict(line.rsplit(" ", 1) for line in httpx.get(server.url + "/metrics").text.splitlines()
                   if not line.startswith("#"))
    assert samples["protokoll_queue_length"] == "0" and samples["protokoll_broker_messages"] == "0"
    assert samples['protokoll_jobs{status="ready"}'] == "6"
    assert samples['protokoll_stage_seconds_count{stage="drafting"}'] == "6"


def test_health_says_when_the_broker_is_away(tmp_path, database):
    data = tmp_path / "data"
    server = Server(data, args=["--broker", f"redis://127.0.0.1:{free_port()}/0"]).start()
    try:
        health = httpx.get(server.url + "/healthz")
        assert health.status_code == 503 and health.json()["database"] == "ok"
        assert health.json()["broker"].startswith("fel:")
    finally:
        server.stop()


SLOW_DRAFT = {"FAKE_STAGE_SECONDS": "0.3", "FAKE_DRAFT_SECONDS": "60"}
QUICK_DRAFT = {"FAKE_STAGE_SECONDS": "0.3", "FAKE_DRAFT_SECONDS": "0.5"}


def _drafting_on_w1(cluster, tmp_path) -> tuple[QueueWorker, httpx.Client, str]:
    """Worker w1, and a meeting whose job it is drafting (for a minute)."""
    server, worker = cluster
    w1 = worker("w1", env=SLOW_DRAFT)
    client = server.client("anna@bastad.se")
    meeting = upload(client, make_audio(tmp_path / "m.flac")).json()["id"]
    wait_status(client, meeting, {"drafting"})
    return w1, client, meeting


def test_killed_worker_job_finishes_on_the_other_from_the_last_saved_stage(cluster, tmp_path):
    server, worker = cluster
    slow, client, meeting = _drafting_on_w1(cluster, tmp_path)
    [(first,)] = query(server.data_dir, "select worker from meetings where id=:m", m=meeting)
    assert first.startswith(f"{socket.gethostname()}:{slow.proc.pid}/")
    slow.kill()
    worker("w2", env=QUICK_DRAFT)
    wait_ready(client, meeting, timeout=60)
    job = server.data_dir / "meetings" / meeting / "job"
    # transcription and segmentation ran once, on the killed worker; drafting started again on the other
    assert (job / "stages.log").read_text().split() == ["transcribing", "segmenting", "drafting", "drafting"]
    [(second, attempts)] = query(server.data_dir, "select worker, attempts from meetings where id=:m", m=meeting)
    assert not second.startswith(f"{socket.gethostname()}:{slow.proc.pid}/") and attempts == 2
    assert [a["action"] for a in client.get(f"/api/meetings/{meeting}/audit").json()] == ["ai_draft"]


def test_stopped_worker_hands_its_job_back(cluster, tmp_path):
    server, worker = cluster
    first, client, meeting = _drafting_on_w1(cluster, tmp_path)
    t0 = time.monotonic()
    assert first.stop() == 0 and time.monotonic() - t0 < 20  # SIGTERM: no waiting for the 60 s draft
    assert query(server.data_dir, "select status, attempts from meetings") == [("queued", 0)]
    worker("w2", env=QUICK_DRAFT)
    wait_ready(client, meeting, timeout=60)


def test_delete_stops_the_running_job_and_leaves_no_files(cluster, tmp_path):
    server, _ = cluster
    _, client, meeting = _drafting_on_w1(cluster, tmp_path)
    [(pid,)] = query(server.data_dir, "select worker_pid from meetings where id=:m", m=meeting)
    assert client.delete(f"/api/meetings/{meeting}").status_code == 204
    deadline = time.monotonic() + 15
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid)
    folder = server.data_dir / "meetings" / meeting
    while folder.exists() and time.monotonic() < deadline + 5:  # the worker removes what the job wrote late
        time.sleep(0.2)
    assert not folder.exists()


def test_crashing_job_is_retried_then_failed_and_a_slow_one_hits_its_time_limit(cluster, tmp_path):
    server, worker = cluster
    crashing = worker("w1", env={"FAKE_CRASH": "1", "FAKE_STAGE_SECONDS": "0.05"})
    client = server.client("anna@bastad.se")
    meeting = upload(client, make_audio(tmp_path / "m.flac")).json()["id"]
    status, _ = wait_status(client, meeting, {"failed", "ready"}, timeout=60)
    assert status["status"] == "failed" and "3 gånger" in status["error"]
    crashing.stop()

    # 0.05 min + 0.5 min per audio minute: 4 s for a 2 s recording; the fake drafts for 120 s.
    worker("w2", env={"FAKE_DRAFT_SECONDS": "120"}, args=["--job-minutes", "0.05", "--job-minutes-per-audio-minute", "0.5"])
    meeting = upload(client, make_audio(tmp_path / "n.flac")).json()["id"]
    t0 = time.monotonic()
    status, _ = wait_status(client, meeting, {"failed", "ready"}, timeout=60)
    assert status["status"] == "failed" and "gränsen" in status["error"] and time.monotonic() - t0 < 30


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_job_that_finished_while_its_worker_stopped_keeps_its_outcome(tmp_path, database):
    """A worker told to stop hands back its running job; a job whose pipeline has just recorded its draft is
    not running any more and stays ready (it was queued again and run twice)."""
    from service.db import MeetingRow, Org, open_db
    from service.queue import Worker
    from service.storage import DataDir

    class Broker:  # records the messages a worker sends
        def __init__(self):
            self.sent = []

        def send_task(self, name, args, queue):
            self.sent.append(args)

    from tests.helpers.databases import url_for

    sessions = open_db(tmp_path, url_for(tmp_path))
    with sessions() as db:
        db.add(Org(id=1, name="Båstad"))
        db.commit()
        for meeting_id, status in (("klar", "ready"), ("igang", "drafting")):
            db.add(MeetingRow(id=meeting_id, org_id=1, created_by="a@b.se", title="Möte", meeting_date="2026-01-01",
                              recording_name="r.flac", status=status, attempts=1, worker="vm:1/ab"))
        db.commit()
    broker = Broker()
    worker = Worker(app=broker, sessions=sessions, data=DataDir(tmp_path), database_url=None, pipeline="x")
    assert worker._hand_back("klar", "vm:1/ab") is False
    assert worker._hand_back("igang", "vm:1/ab") is True
    assert query(tmp_path, "select id, status, attempts from meetings order by id") == [("igang", "queued", 0),
                                                                                       ("klar", "ready", 1)]
    assert broker.sent == [["igang"]]
