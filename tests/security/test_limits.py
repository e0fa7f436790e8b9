"""Floods: oversized request bodies and parallel password checks must not grow the server's memory."""

from __future__ import annotations

import concurrent.futures
import time

import httpx
import pytest

from tests.helpers.server import Server, add_user


def _kb(pid: int, field: str) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def test_oversized_bodies_are_413_before_they_are_read(two_orgs, anna, annas_meeting):
    big = b'{"email": "' + b"a" * (3 * 1024 * 1024) + b'", "password": "x"}'
    r = httpx.post(two_orgs.url + "/api/login", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "För stor" in r.json()["detail"]

    def chunks():  # no Content-Length: counted while it streams
        for _ in range(48):
            yield b" " * 65536

    r = anna.patch(f"/api/meetings/{annas_meeting}/items/1", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    r = httpx.post(two_orgs.url + "/login", data={"email": "a@b.se", "password": "x" * 5000, "next": "/"})
    assert r.status_code == 422  # form fields are bounded too
    assert anna.get("/api/me").status_code == 200


@pytest.fixture
def own_server(tmp_path):
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    server = Server(data).start()
    yield server
    server.stop()


def test_twenty_parallel_wrong_logins_keep_memory_bounded(own_server):
    """argon2 needs 64 MiB per check; unbounded, 20 at once took the server to ~950 MB."""
    pid = own_server.proc.pid
    httpx.post(own_server.url + "/api/login", json={"email": "anna@bastad.se", "password": "fel-lösenord-0"})
    before = _kb(pid, "VmRSS")

    def wrong(i: int) -> int:
        return httpx.post(own_server.url + "/api/login", timeout=60,
                          json={"email": f"user{i}@bastad.se", "password": f"fel-lösenord-{i}"}).status_code

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(wrong, range(20)))
    peak = _kb(pid, "VmHWM")
    print(f"20 parallel wrong logins: {time.monotonic() - t0:.1f} s, RSS before {before // 1024} MB, "
          f"peak {peak // 1024} MB")
    assert set(codes) <= {401, 429} and 401 in codes
    assert peak - before < 300 * 1024
