"""Shared fixtures: make real audio files with ffmpeg / espeak-ng in a temp dir."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.common import free_port
from bench.servers import PostgresCluster, RedisServer, postgres_bin
from tests.helpers import databases
from pipelines.meeting_card import load_meeting
from pipelines.segment import segment_by_agenda
from pipelines.weights import qwen_gguf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meeting"


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def make_audio(tmp_path_factory):
    """make_audio(name, lavfi_source, seconds, *output_args) -> Path of a generated file."""
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg saknas (apt-get install ffmpeg)")
    root = tmp_path_factory.mktemp("audio")

    def make(name: str, source: str, seconds: float, *out_args: str) -> Path:
        path = root / name
        ffmpeg("-f", "lavfi", "-i", source, "-t", str(seconds), *out_args, str(path))
        return path

    return make


@pytest.fixture(scope="session")
def speak(tmp_path_factory):
    """speak(text, voice='sv') -> a 16 kHz wav spoken by espeak-ng (voice 'mb-sw1' needs mbrola)."""
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng saknas (apt-get install espeak-ng)")
    root = tmp_path_factory.mktemp("speech")

    def make(text: str, voice: str = "sv", name: str | None = None) -> Path:
        raw = root / f"{name or voice}.raw.wav"
        out = root / f"{name or voice}.wav"
        done = subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], capture_output=True)
        if done.returncode or not raw.exists() or raw.stat().st_size < 1000:
            pytest.skip(f"rösten {voice} är inte installerad")
        # A second of silence either side, like a real pause before and after speaking.
        ffmpeg("-i", str(raw), "-af", "adelay=1000,apad=pad_dur=1", "-ar", "16000", "-ac", "1", str(out))
        return out

    return make


@pytest.fixture(scope="session")
def sample_recording() -> Path:
    path = SAMPLE / "recording.flac"
    if not path.exists():
        pytest.skip("samples/meeting/recording.flac saknas")
    return path


# --- the service's two databases ------------------------------------------------------------------

@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request):
    """Runs a service test on SQLite and again on PostgreSQL (one throw-away cluster for the session, a
    database of its own per data dir). Fixtures that make a data dir depend on it, so they are made anew
    for each database, and select it first (`databases.use(database)`): a module's fixture may be set up
    after a test on the other database."""
    if request.param == "sqlite":
        yield databases.SQLITE
        return
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL saknas (apt-get install postgresql; scripts/install.sh --test installerar det)")
    cluster = PostgresCluster(bin_dir).start()
    try:
        yield databases.Backend("postgresql", cluster)
    finally:
        databases.use(databases.SQLITE)
        cluster.stop()


@pytest.fixture(autouse=True)
def _database_of_the_test(request):
    """Each test's helpers reach its database: the `database` it runs on, else SQLite. Afterwards SQLite
    again, so a module fixture set up before the next module's first test (a server of its own, helpers that
    open its SQLite file) does not inherit PostgreSQL from the test before it."""
    databases.use(request.getfixturevalue("database") if "database" in request.fixturenames else databases.SQLITE)
    yield
    databases.use(databases.SQLITE)


@pytest.fixture(scope="session")
def redis_url():
    """A throw-away Redis for the job queue (service/queue.py)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server saknas (apt-get install redis-server; scripts/install.sh --test installerar det)")
    server = RedisServer(binary).start()
    yield server.url
    server.stop()


# --- the sample meeting through the CLI, once per test session -------------------------------------

@pytest.fixture(scope="session")
def truth() -> dict:
    return json.loads((SAMPLE / "truth.json").read_text())


@pytest.fixture(scope="session")
def meeting():
    return load_meeting(SAMPLE / "meeting.yaml")


@pytest.fixture(scope="session")
def sample_job(tmp_path_factory, meeting):
    """The CLI run on the sample with the rule drafter: transcript, segments, protocol, docx."""
    out = tmp_path_factory.mktemp("sample-job")
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "draft", str(SAMPLE / "recording.flac"), "--meeting", str(SAMPLE / "meeting.yaml"),
         "--out", str(out), "--drafter", "rules"],
        capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


@pytest.fixture(scope="session")
def transcript(sample_job):
    from pipelines.models import Transcript

    return Transcript.model_validate_json((sample_job[0] / "transcript.json").read_text())


@pytest.fixture(scope="session")
def segmentation(transcript, meeting):
    return segment_by_agenda(transcript, meeting.agenda_items())




# --- llama-cpp-python's OpenAI-compatible server with the embedded model, on loopback ------------------

@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(qwen_gguf()), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--model_alias", "qwen-embedded"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(120):
            if proc.poll() is not None:
                pytest.fail(f"llama-servern startade inte:\n{log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(base + "/models", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("llama-servern svarade inte inom 60 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
