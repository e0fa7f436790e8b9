"""`protokoll bench upload`: stream a large recording to the service; the server's peak RSS must stay flat.

The server runs as a subprocess on 127.0.0.1 with a scratch data dir; its jobs use a pipeline that does
nothing (this measures the upload path, not Whisper). The client generates a WAV of the requested size
on the fly, so neither side needs the file in memory or on disk beforehand.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

from pipelines.files import write_json

from .common import free_port, machine, table

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "meeting"


class WavStream:
    """A file-like 16 kHz mono 16-bit WAV of `size` bytes of low noise, produced as it is read."""

    def __init__(self, size: int):
        self.data_size = size - 44
        self.header = (b"RIFF" + struct.pack("<I", 36 + self.data_size) + b"WAVEfmt "
                       + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
                       + b"data" + struct.pack("<I", self.data_size))
        self.sent = 0
        self.block = bytes(b & 0x07 for b in os.urandom(1 << 20))  # quiet noise, 1 MiB repeated

    def read(self, n: int = -1) -> bytes:
        total = len(self.header) + self.data_size
        if self.sent >= total:
            return b""
        n = min(n if n > 0 else 1 << 20, total - self.sent)
        if self.sent < len(self.header):
            chunk = self.header[self.sent:self.sent + n]
        else:
            off = (self.sent - len(self.header)) % len(self.block)
            chunk = (self.block[off:] + self.block)[:n]
        self.sent += len(chunk)
        return chunk


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _upload(base: str, csrf: str, cookies, size: int, server: psutil.Process) -> dict:
    peak = _tree_rss(server)
    stop = threading.Event()

    def watch():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(server))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    t0 = time.perf_counter()
    with httpx.Client(base_url=base, cookies=cookies, timeout=600) as client:
        files = {"recording": ("lang.wav", WavStream(size), "audio/wav"),
                 "meeting": ("meeting.yaml", (SAMPLE / "meeting.yaml").read_bytes(), "application/yaml")}
        response = client.post("/api/meetings", files=files, headers={"X-CSRF-Token": csrf})
    seconds = time.perf_counter() - t0
    stop.set()
    watcher.join()
    if response.status_code != 201:
        return {"error": f"HTTP {response.status_code}: {response.text[:200]}"}
    with httpx.Client(base_url=base, cookies=cookies) as client:  # leave nothing behind
        client.delete(f"/api/meetings/{response.json()['id']}", headers={"X-CSRF-Token": csrf})
    return {"mb": round(size / 2**20), "seconds": round(seconds, 1), "mb_per_s": round(size / 2**20 / seconds, 1),
            "server_peak_rss_mb": round(peak / 2**20, 1)}


def run(sizes_mb: list[int], json_out: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="protokoll-upload-") as data:
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        cli = [sys.executable, "-m", "service.cli"]
        subprocess.run([*cli, "user", "add", "bench@example.se", "--org", "Bench", "--data-dir", data],
                       input="strömmad-wav-mätning-7\n", text=True, check=True, env=env, capture_output=True)
        port = free_port()
        proc = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", data,
                                 "--pipeline", "bench.noop_pipeline", "--insecure-cookies", "--max-audio-hours", "24"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    httpx.get(base + "/api/me", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            login = httpx.post(base + "/api/login", json={"email": "bench@example.se", "password": "strömmad-wav-mätning-7"})
            login.raise_for_status()
            server = psutil.Process(proc.pid)
            idle = round(_tree_rss(server) / 2**20, 1)
            runs = [_upload(base, login.json()["csrf_token"], login.cookies, mb * 2**20, server) for mb in sizes_mb]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result = {"machine": machine(), "server_idle_rss_mb": idle, "uploads": runs}
    if len(runs) > 1 and all("server_peak_rss_mb" in r for r in runs):
        result["rss_ratio_largest_to_smallest"] = round(runs[-1]["server_peak_rss_mb"] / runs[0]["server_peak_rss_mb"], 3)
    print(table(runs, ["mb", "seconds", "mb_per_s", "server_peak_rss_mb", "error"]))
    print(f"server idle RSS {idle} MB; ratio largest/smallest peak: {result.get('rss_ratio_largest_to_smallest')}")
    if json_out:
        write_json(json_out, result)
    return result
