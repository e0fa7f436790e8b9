"""Jobs under load and failure: a time limit scaled to the recording, fair turns between
organisations, and a redraft pool that survives its worker being killed."""

from __future__ import annotations

import os
import signal
import threading
import time

import psutil
import pytest

from tests.helpers.server import Server, add_user, make_audio, upload, wait_ready, wait_status


@pytest.fixture
def data(tmp_path):
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    add_user(data, "bo@bjuv.se", "Bjuv")
    return data


def test_endless_job_is_stopped_at_its_time_limit(data, tmp_path):
    # 0.05 min + 0.5 min per audio minute: 4 s for a 2 s recording; the fake drafts for 120 s.
    server = Server(data, env={"FAKE_DRAFT_SECONDS": "120"},
                    args=["--job-minutes", "0.05", "--job-minutes-per-audio-minute", "0.5"]).start()
    try:
        client = server.client("anna@bastad.se")
        meeting = upload(client, make_audio(tmp_path / "m.flac")).json()["id"]
        t0 = time.monotonic()
        status, _ = wait_status(client, meeting, {"failed", "ready"}, timeout=60)
        assert status["status"] == "failed" and "gränsen" in status["error"]
        assert time.monotonic() - t0 < 30
    finally:
        server.stop()


def test_one_organisations_uploads_do_not_starve_another(data, tmp_path):
    server = Server(data, env={"FAKE_STAGE_SECONDS": "0.3"}).start()
    try:
        anna, bo = server.client("anna@bastad.se"), server.client("bo@bjuv.se")
        audio = make_audio(tmp_path / "m.flac")
        annas = [upload(anna, audio).json()["id"] for _ in range(3)]
        bos = upload(bo, audio).json()["id"]
        wait_ready(bo, bos, timeout=60)
        done = [m for m in annas if anna.get(f"/api/meetings/{m}").json()["status"] == "ready"]
        assert len(done) <= 2, "Bjuv's one upload waited for all of Båstad's"
    finally:
        server.stop()


def _workers(server_pid: int) -> set[int]:
    found = set()
    for p in psutil.Process(server_pid).children(recursive=True):
        try:
            if "spawn_main" in " ".join(p.cmdline()):
                found.add(p.pid)
        except psutil.Error:  # exited while we looked
            pass
    return found


def test_killed_redraft_worker_is_replaced(data, tmp_path):
    server = Server(data, env={"FAKE_REDRAFT_SECONDS": "2"}).start()
    try:
        client = server.client("anna@bastad.se")
        meeting = upload(client, make_audio(tmp_path / "m.flac")).json()["id"]
        wait_ready(client, meeting)
        url = f"/api/meetings/{meeting}/items/1/redraft"
        before = _workers(server.proc.pid)  # the finished job's worker may still be exiting
        first = {}
        thread = threading.Thread(target=lambda: first.update(r=client.post(url, json={"version": 1})))
        thread.start()
        deadline = time.monotonic() + 20
        while not (_workers(server.proc.pid) - before) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the worker has the item in hand
        for pid in _workers(server.proc.pid) - before:
            os.kill(pid, signal.SIGKILL)  # as the OOM killer would
        thread.join(30)
        assert first["r"].status_code == 503 and "försök igen" in first["r"].json()["detail"]
        r = client.post(url, json={"version": 1})
        assert r.status_code == 200, r.text
        assert client.get(f"/api/meetings/{meeting}/protocol").json()["items"][0]["summary"].startswith("Omskriven")
    finally:
        server.stop()
