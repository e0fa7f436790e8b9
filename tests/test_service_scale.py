"""The issue's "done when" for the service on several machines, with real jobs: PostgreSQL, Redis, the web
server and two workers as separate processes, each in a working directory of its own, over one shared
storage root. Six short recordings cut from the sample meeting, uploaded by two organisations at once, run
through Whisper, segmentation and the rules drafter (bench/rules_pipeline.py, paced per item so a
worker can be killed mid-drafting); one worker is SIGKILLed while a job of its is drafting."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from tests.conftest import SAMPLE, ffmpeg
from tests.helpers.databases import query
from tests.helpers.server import QueueWorker, Server, add_user, upload, wait_ready

RULES_PIPELINE = "bench.rules_pipeline"


@pytest.mark.slow
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_six_uploads_of_two_organisations_on_two_workers_one_killed_mid_drafting(tmp_path, database, redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    shared = tmp_path / "shared-storage"
    add_user(shared, "anna@bastad.se", "Båstad")
    add_user(shared, "bo@bjuv.se", "Bjuv")
    clips = []
    for n in range(6):  # 25 s each, from different parts of the meeting
        clip = tmp_path / f"möte-{n}.flac"
        ffmpeg("-ss", str(10 + 40 * n), "-t", "25", "-i", str(SAMPLE / "recording.flac"), str(clip))
        clips.append(clip)
    card = (SAMPLE / "meeting.yaml").read_text(encoding="utf-8")
    server = Server(shared, pipeline=RULES_PIPELINE, args=["--broker", redis_url], workdir=tmp_path / "web").start()
    pace = {"RULES_DRAFT_PACE_SECONDS": "1.5"}  # 8 agenda items: ~12 s of drafting per job
    workers = [QueueWorker(shared, redis_url, tmp_path / name, env=pace, args=["--lease-seconds", "10"],
                           pipeline=RULES_PIPELINE).start() for name in ("worker-1", "worker-2")]
    try:
        clients = {"anna": server.client("anna@bastad.se"), "bo": server.client("bo@bjuv.se")}
        ids: dict[str, list[str]] = {who: [] for who in clients}

        def upload_three(who: str, offset: int) -> None:
            for clip in clips[offset:offset + 3]:
                r = upload(clients[who], clip, card=card)
                assert r.status_code == 201, r.text
                ids[who].append(r.json()["id"])

        uploaders = [threading.Thread(target=upload_three, args=(who, 3 * i)) for i, who in enumerate(clients)]
        for t in uploaders:
            t.start()
        for t in uploaders:
            t.join()
        owner = {m: who for who, ms in ids.items() for m in ms}

        # The first job to reach drafting: kill its worker once an item or two are saved.
        victim = _first_drafting(server, timeout=300)
        [(claim,)] = query(shared, "select worker from meetings where id=:m", m=victim)
        killed = next(w for w in workers if claim.split("/")[0].endswith(f":{w.proc.pid}"))
        job = shared / "meetings" / victim / "job"
        deadline = time.monotonic() + 60
        while len(list(job.rglob("item-*.json"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        killed.kill()
        saved_before = {p.relative_to(job): p.stat().st_mtime for p in job.rglob("*.json")
                        if p.name in ("transcript.json", "segments.json") or p.name.startswith("item-")}
        assert 2 <= sum(1 for p in saved_before if p.name.startswith("item-")) < 8  # mid-drafting

        for meeting, who in owner.items():
            wait_ready(clients[who], meeting, timeout=600)
        protocol = clients[owner[victim]].get(f"/api/meetings/{victim}/protocol").json()
        assert len(protocol["items"]) == 8
    finally:
        for w in workers:
            w.stop()
        server.stop()

    # Nothing lost: six meetings, all ready, each drafted once into the audit trail.
    rows = query(shared, "select id, org_id, status, attempts, worker, started from meetings")
    assert len(rows) == 6 and {status for _, _, status, *_ in rows} == {"ready"}
    assert query(shared, "select count(*) from audit where action='ai_draft'") == [(6,)]
    # The killed job finished on the other worker, from the last saved stage: the transcript and the items
    # drafted before the kill were not made again; transcription ran once.
    [(attempts, claim_after)] = [(a, w) for m, _, _, a, w, _ in rows if m == victim]
    assert attempts == 2 and not claim_after.split("/")[0].endswith(f":{killed.proc.pid}")
    for path, mtime in saved_before.items():
        assert (job / path).stat().st_mtime == mtime, path
    assert query(shared, "select count(*) from stage_times where meeting_id=:m and stage='transcribing'",
                 m=victim) == [(1,)]
    # Neither organisation waited for all of the other's jobs: each one's first job started before the
    # other's last one.
    starts: dict[int, list] = {}
    for _, org, _, _, _, started in rows:
        starts.setdefault(org, []).append(started)
    a, b = starts.values()
    assert min(a) < max(b) and min(b) < max(a)


def _first_drafting(server: Server, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        drafting = query(server.data_dir, "select id from meetings where status='drafting' order by started")
        if drafting:
            return drafting[0][0]
        time.sleep(0.2)
    raise AssertionError("no job reached drafting")
