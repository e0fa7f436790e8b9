"""The review service over real HTTP for tests: a `protokoll serve` subprocess with its own data dir (and
its own database on the backend tests/helpers/databases.py has selected), accounts made as `protokoll user
add` makes them, a tiny real recording, and the calls every test makes."""

from __future__ import annotations

import io
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.common import free_port
from tests.helpers import databases

ROOT = Path(__file__).resolve().parents[2]
FAKE_PIPELINE = "tests.helpers.fake_pipeline"
PASSWORD = "hemligt-lösen-1"
CARD = """\
title: Kommundirektörsmöte i Familjen Helsingborg
number: Protokoll nr 9 2025
date: 2025-12-12
time: "08.30-12.00"
place: Mindpark, Helsingborg
attendees: ["Jonas Jönsson, Båstad", "Elin Ask, Ängelholm"]
absent: ["Agneta Fristedt, Bjuv"]
agenda:
  - Mötets öppnande
  - Diskussion kring AI
  - Övriga frågor
"""


def make_audio(path: Path, seconds: float = 2.0) -> Path:
    """A real (tiny) FLAC file: a tone, encoded with PyAV."""
    import av
    import numpy as np

    rate = 16000
    with av.open(str(path), "w") as out:
        stream = out.add_stream("flac", rate=rate, layout="mono")
        t = np.arange(int(rate * seconds)) / rate
        samples = (0.3 * np.sin(2 * math.pi * 440 * t) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def database_args(data_dir: Path) -> list[str]:
    """`--database-url` for a command on the data dir, when its database is not the SQLite file in it."""
    url = databases.url_for(data_dir)
    return ["--database-url", url] if url else []


def add_user(data_dir: Path, email: str, org: str, password: str = PASSWORD) -> None:
    """As `protokoll user add` does it, in this process (the command itself is tested in tests/security)."""
    from service.auth import add_user as add
    from service.db import open_db

    sessions = open_db(data_dir, databases.url_for(data_dir))
    with sessions() as db:
        add(db, email, password, org)
    sessions.kw["bind"].dispose()


class Server:
    """`protokoll serve` in its own process group, so a test can kill it (and its workers) hard.
    `pipeline` names the pipeline module (the fast fake unless a test needs the real one); the session
    cookie works over plain http unless `secure_cookies` (the production default) is asked for."""

    def __init__(self, data_dir: Path, env: dict | None = None, args: list[str] | None = None,
                 pipeline: str = FAKE_PIPELINE, secure_cookies: bool = False, workdir: Path | None = None):
        self.data_dir, self.extra_env, self.pipeline = data_dir, env or {}, pipeline
        self.workdir = workdir or ROOT
        self.args = [*(args or []), *([] if secure_cookies else ["--insecure-cookies"])]
        self.proc: subprocess.Popen | None = None
        self.log = data_dir.parent / f"{data_dir.name}-server.log"

    def start(self) -> "Server":
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "PYTHONPATH": str(ROOT), **self.extra_env}
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port), "--data-dir", str(self.data_dir),
             "--pipeline", self.pipeline, *database_args(self.data_dir), *self.args], cwd=self.workdir, env=env,
            stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if httpx.get(self.url + "/login", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("server did not start:\n" + self.log.read_text())

    def kill(self) -> None:
        """SIGKILL the whole process group: server and worker die mid-job, like a power cut."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self, email: str, password: str = PASSWORD) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30)
        r = client.post("/api/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client


class QueueWorker:
    """`protokoll worker` in a working directory of its own, on the shared data dir, database and broker."""

    def __init__(self, data_dir: Path, broker: str, workdir: Path, env: dict | None = None,
                 args: list[str] | None = None, pipeline: str = FAKE_PIPELINE):
        self.data_dir, self.broker, self.workdir = data_dir, broker, workdir
        self.extra_env, self.args, self.pipeline = env or {}, args or [], pipeline
        self.log = workdir / "worker.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "QueueWorker":
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "PYTHONPATH": str(ROOT), **self.extra_env}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker", "--data-dir", str(self.data_dir), "--broker", self.broker,
             "--pipeline", self.pipeline, *database_args(self.data_dir), *self.args],
            cwd=self.workdir, env=env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while "ready" not in self.log.read_text(errors="replace"):  # Celery's "… ready." once it consumes
            assert self.proc.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.2)
        return self

    def kill(self) -> None:
        """SIGKILL the worker and the job process it runs, like a machine that loses power."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, timeout: float = 30) -> int:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode


def upload(client: httpx.Client, recording: Path, card: str = CARD, filename: str | None = None) -> httpx.Response:
    with open(recording, "rb") as f:
        return client.post("/api/meetings", files={"recording": (filename or recording.name, f, "audio/flac"),
                                                   "meeting": ("meeting.yaml", card.encode(), "text/yaml")})


def wait_status(client: httpx.Client, meeting_id: str, wanted: set[str], timeout: float = 60) -> tuple[dict, list]:
    """Poll until the meeting reaches one of `wanted`; return its status and the (status, progress) seen."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        status = client.get(f"/api/meetings/{meeting_id}").json()
        seen.append((status["status"], status["progress"]))
        if status["status"] in wanted:
            return status, seen
        time.sleep(0.1)
    raise AssertionError(f"never reached {wanted}: {seen[-5:]}")


def wait_ready(client: httpx.Client, meeting_id: str, timeout: float = 60) -> dict:
    status, _ = wait_status(client, meeting_id, {"ready", "failed"}, timeout)
    assert status["status"] == "ready", status
    return status


def ready_meeting(client: httpx.Client, recording: Path, card: str = CARD) -> str:
    """Upload and wait for the draft; the meeting's id."""
    r = upload(client, recording, card)
    assert r.status_code == 201, r.text
    wait_ready(client, r.json()["id"])
    return r.json()["id"]


def leftovers(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "uploads").rglob("*")) if (data_dir / "uploads").exists() else []


def meeting_count(data_dir: Path) -> int:
    return databases.query(data_dir, "select count(*) from meetings")[0][0]


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)
