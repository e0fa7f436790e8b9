"""Durable jobs: the worker runs in its own process, survives a server kill, and reports failures.

Uses the fast fake pipeline (tests/helpers/fake_pipeline.py, same contract as pipelines.run: every
finished stage is saved and skipped on a re-run), so "resumed, not restarted" is checked by which stages
ran. The one test that runs the real drafter is marked slow.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bench.common import free_port
from pipelines.models import ItemDraft, Protocol
from service.db import open_db
from service.jobs import LocalProcessRunner
from tests.helpers.databases import query
from tests.helpers.server import Server, add_user, make_audio, upload, wait_ready
from tests.helpers.server import wait_status as _wait_status


@pytest.mark.usefixtures("database")
def test_server_killed_during_drafting_resumes_after_restart(tmp_path):
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    audio = make_audio(tmp_path / "möte.flac")
    server = Server(data, env={"FAKE_STAGE_SECONDS": "0.5", "FAKE_DRAFT_SECONDS": "30"}).start()
    try:
        client = server.client("anna@bastad.se")
        meeting_id = upload(client, audio).json()["id"]
        status, seen = _wait_status(client, meeting_id, {"drafting"})
        assert any(s == "transcribing" for s, _ in seen)  # progress was visible on the way
        assert 0.8 <= status["progress"] < 1.0
        worker_pid = _worker_pid(data, meeting_id)
        server.kill()  # server and worker, mid-draft
    finally:
        server.stop()
    assert not _alive(worker_pid)

    job = data / "meetings" / meeting_id / "job"
    assert (job / "transcript.json").exists() and not (job / "protocol.json").exists()
    server = Server(data, env={"FAKE_STAGE_SECONDS": "0.2", "FAKE_DRAFT_SECONDS": "0.5"}).start()
    try:
        client = server.client("anna@bastad.se")
        wait_ready(client, meeting_id)
        protocol = client.get(f"/api/meetings/{meeting_id}/protocol").json()
        assert protocol["version"] == 1 and len(protocol["items"]) == 3
        # transcription and segmentation ran once; drafting was started twice
        assert (job / "stages.log").read_text().split() == ["transcribing", "segmenting", "drafting", "drafting"]
        audit = client.get(f"/api/meetings/{meeting_id}/audit").json()
        assert [a["action"] for a in audit] == ["ai_draft"]
    finally:
        server.stop()


@pytest.mark.usefixtures("database")
def test_pipeline_error_is_shown_to_the_user(tmp_path):
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    server = Server(data, env={"FAKE_FAIL": "1"}).start()
    try:
        client = server.client("anna@bastad.se")
        meeting_id = upload(client, make_audio(tmp_path / "tyst.flac")).json()["id"]
        status, _ = _wait_status(client, meeting_id, {"failed", "ready"})
        assert status["status"] == "failed" and "inget tal" in status["error"]
        assert "inget tal" in client.get(f"/meetings/{meeting_id}").text
        assert client.get(f"/api/meetings/{meeting_id}/protocol").status_code == 409
    finally:
        server.stop()


@pytest.mark.usefixtures("database")
def test_worker_that_keeps_dying_is_retried_then_failed(tmp_path):
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    server = Server(data, env={"FAKE_CRASH": "1", "FAKE_STAGE_SECONDS": "0.05"}).start()
    try:
        client = server.client("anna@bastad.se")
        meeting_id = upload(client, make_audio(tmp_path / "m.flac")).json()["id"]
        status, _ = _wait_status(client, meeting_id, {"failed", "ready"}, timeout=120)
        assert status["status"] == "failed" and "3 gånger" in status["error"]
        # the web server stayed up and answers
        assert client.get("/api/meetings").status_code == 200
    finally:
        server.stop()


def _worker_pid(data, meeting_id) -> int:
    return query(data, "select worker_pid from meetings where id=:m", m=meeting_id)[0][0]


def _alive(pid: int) -> bool:
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True


def _redraft_item_2(tmp_path: Path) -> tuple[Protocol, ItemDraft]:
    """Item 2 of the fixture protocol redrafted by the runner's worker process with the real pipeline."""
    protocol = Protocol.model_validate_json(
        (Path(__file__).parent / "fixtures" / "protocol_nr9.json").read_text(encoding="utf-8"))
    runner = LocalProcessRunner(tmp_path, open_db(tmp_path), pipeline="pipelines.run")
    try:
        return protocol, runner.redraft(protocol, "Vi gick igenom budgeten. Mötet beslutar att notera informationen.", 2)
    finally:
        runner.stop()


@pytest.mark.slow
def test_redraft_runs_the_real_drafter_in_a_worker_process(tmp_path):
    """The runner's redraft goes through pipelines.run.redraft_item (the embedded model) out of process."""
    protocol, item = _redraft_item_2(tmp_path)
    assert item.number == 2 and item.title == protocol.item(2).title
    assert [d.text for d in item.decisions] == ["att notera informationen"]
    assert "budget" in item.summary.lower()  # the model may start its sentence with it


def test_jobs_draft_with_the_drafter_serve_was_given(tmp_path, monkeypatch):
    """`serve/worker --drafter openai --base-url …` reach the job processes: the redraft worker talks to that
    server (here none answers, so the item falls back to the rules and says so) instead of the embedded model."""
    from service.commands.draft import drafter_options
    from service.worker import use_drafter

    for name in ("PROTOKOLL_DRAFTER", "PROTOKOLL_LLM_MODEL", "PROTOKOLL_LLM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    use_drafter(drafter_options("openai", "delad-modell", f"http://127.0.0.1:{free_port()}/v1"))
    try:
        _, item = _redraft_item_2(tmp_path)
    finally:
        for name in ("PROTOKOLL_DRAFTER", "PROTOKOLL_LLM_MODEL", "PROTOKOLL_LLM_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
    assert item.needs_review and any("kunde inte användas" in flag for flag in item.flags), item.flags
    assert [d.text for d in item.decisions] == ["att notera informationen"]
