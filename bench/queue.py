"""`protokoll bench queue`: throughput (meetings per hour) and queue wait of the service on the queue, with
1, 2, … workers on this machine.

Each configuration gets a fresh PostgreSQL database and an empty Redis (throw-away servers, bench/servers.py),
a web server on the broker and N `protokoll worker`s (one job at a time each, each in a working directory of
its own) over one shared storage root. The recordings are short cuts of the sample meeting, uploaded by two
organisations at once, and run through the real pipeline with the rules drafter (bench/rules_pipeline.py:
Whisper and segmentation are real, the LLM is left out so that a run takes minutes, not hours).
Times come from the database: upload → claimed (queue wait) → ready (run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import redis
from sqlalchemy import text

from pipelines.errors import InputError
from pipelines.files import write_json
from service.db import make_engine, normalise_url

from .common import free_port, machine, table
from .servers import PostgresCluster, RedisServer, postgres_bin

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "meeting"
PASSWORD = "kö-mätning-med-två-org-7"
ORGS = [("bench@bastad.se", "Båstad"), ("bench@bjuv.se", "Bjuv")]


def run(workers: list[int], meetings: int = 6, seconds: float = 25.0, json_out: Path | None = None) -> dict:
    pg_bin, redis_bin = postgres_bin(), shutil.which("redis-server")
    if pg_bin is None or redis_bin is None:
        raise InputError("bench queue behöver PostgreSQL och redis-server (scripts/install.sh --test installerar dem) "
                         "– PostgreSQL and Redis are required")
    with tempfile.TemporaryDirectory(prefix="protokoll-queue-") as tmp:
        root = Path(tmp)
        clips = _clips(root / "clips", meetings, seconds)
        cluster, broker = PostgresCluster(pg_bin).start(), RedisServer(redis_bin).start()
        try:
            rows = [_measure(root / f"w{n}", cluster.create_database(f"bench_w{n}"), broker.url, n, clips, seconds)
                    for n in workers]
        finally:
            broker.stop()
            cluster.stop()
    result = {"machine": machine(), "meetings": meetings, "seconds_per_recording": seconds, "runs": rows}
    print(table(rows, ["workers", "meetings", "ready", "wall_s", "meetings_per_hour", "audio_h_per_h",
                       "wait_mean_s", "wait_max_s", "run_mean_s"]))
    if json_out:
        write_json(json_out, result)
    return result


def _clips(folder: Path, count: int, seconds: float) -> list[Path]:
    """`count` different cuts of the sample meeting, `seconds` long each."""
    folder.mkdir(parents=True)
    total = 270.0
    clips = []
    for n in range(count):
        start = (n * (total - seconds) / max(1, count - 1)) if count > 1 else 0.0
        clip = folder / f"möte-{n}.flac"
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-ss", f"{start:.1f}", "-t", str(seconds),
                        "-i", str(SAMPLE / "recording.flac"), str(clip)], check=True)
        clips.append(clip)
    return clips


def _measure(root: Path, database_url: str, broker_url: str, workers: int, clips: list[Path], seconds: float) -> dict:
    redis.Redis.from_url(broker_url).flushdb()
    data = root / "shared"
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "PROTOKOLL_DATABASE_URL": database_url,
           "PROTOKOLL_BROKER_URL": broker_url}
    cli = [sys.executable, "-m", "service.cli"]
    for email, org in ORGS:
        subprocess.run([*cli, "user", "add", email, "--org", org, "--data-dir", str(data)], input=PASSWORD + "\n",
                       text=True, check=True, env=env, capture_output=True)
    procs = []
    try:
        port = free_port()
        procs.append(_start([*cli, "serve", "--port", str(port), "--data-dir", str(data), "--insecure-cookies",
                             "--pipeline", "bench.rules_pipeline"], root / "web", env))
        base = f"http://127.0.0.1:{port}"
        _wait(lambda: httpx.get(base + "/healthz", timeout=2).status_code == 200, procs[0])
        for n in range(workers):
            worker = _start([*cli, "worker", "--data-dir", str(data), "--pipeline", "bench.rules_pipeline"],
                            root / f"worker-{n + 1}", env)
            procs.append(worker)
            _wait(lambda: "ready" in (root / f"worker-{n + 1}" / "out.log").read_text(errors="replace"), worker)
        clients = []
        for email, _ in ORGS:
            client = httpx.Client(base_url=base, timeout=120)
            login = client.post("/api/login", json={"email": email, "password": PASSWORD})
            login.raise_for_status()
            client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
            clients.append(client)
        card = (SAMPLE / "meeting.yaml").read_bytes()

        def send(i: int, clip: Path) -> None:
            with open(clip, "rb") as f:
                r = clients[i % 2].post("/api/meetings", files={"recording": (clip.name, f, "audio/flac"),
                                                                "meeting": ("meeting.yaml", card, "text/yaml")})
            r.raise_for_status()

        senders = [threading.Thread(target=send, args=(i, clip)) for i, clip in enumerate(clips)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        engine = make_engine(normalise_url(database_url))
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                pending = conn.execute(text("select count(*) from meetings where status not in ('ready', 'failed')")).scalar()
            if not pending:
                break
            time.sleep(1)
        with engine.connect() as conn:
            rows = conn.execute(text("select status, created, started, updated from meetings")).all()
        engine.dispose()
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(60)
    done = [r for r in rows if r.status == "ready"]
    waits = [(r.started - r.created).total_seconds() for r in done]
    runs = [(r.updated - r.started).total_seconds() for r in done]
    wall = (max(r.updated for r in done) - min(r.created for r in rows)).total_seconds() if done else float("nan")
    return {"workers": workers, "meetings": len(rows), "ready": len(done), "wall_s": round(wall, 1),
            "meetings_per_hour": round(len(done) / wall * 3600, 1),
            "audio_h_per_h": round(len(done) * seconds / wall, 2),
            "wait_mean_s": round(sum(waits) / len(waits), 1), "wait_max_s": round(max(waits), 1),
            "run_mean_s": round(sum(runs) / len(runs), 1)}


def _start(command: list[str], workdir: Path, env: dict) -> subprocess.Popen:
    workdir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(command, cwd=workdir, env=env, stdout=open(workdir / "out.log", "ab"),
                            stderr=subprocess.STDOUT)


def _wait(ready, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[3]} stoppade (slutkod {proc.returncode}) – process exited")
        try:
            if ready():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{proc.args[3]} startade inte inom {timeout:.0f} s – did not start")
