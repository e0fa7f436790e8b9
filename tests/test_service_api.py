"""The review service over real HTTP: a `protokoll serve` subprocess with its own data dir.

The pipeline here is a fast fake (`run_pipeline` / `redraft_item` below, selected with
PROTOKOLL_PIPELINE=tests.test_service_api) so that access rules, versions and uploads can be tested in
seconds; the real pipeline is exercised end to end by tests/test_browser.py.
"""

from __future__ import annotations

import io
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from bench.common import free_port
from pipelines.errors import AudioError
from pipelines.models import Decision, Evidence, ItemDraft, Meeting, Protocol, Transcript, TranscriptSegment

ROOT = Path(__file__).resolve().parents[1]
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


# --- the fake pipeline (runs in the service's worker process) -------------------------------

def _stage(out_dir: Path, name: str, progress, seconds: float) -> None:
    with open(out_dir / "stages.log", "a") as log:
        log.write(name + "\n")
    steps = 5
    for i in range(steps):
        time.sleep(seconds / steps)
        if progress:
            progress(name, (i + 1) / steps, seconds * (steps - i - 1) / steps)


def run_pipeline(recording: Path, meeting: Meeting, out_dir: Path, *, progress=None, force=False, **_) -> Protocol:
    """Same contract as pipelines.run.run_pipeline: saved stages are skipped on a re-run."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    delay = float(os.environ.get("FAKE_STAGE_SECONDS", "0.2"))
    if not (out_dir / "transcript.json").exists():
        _stage(out_dir, "transcribing", progress, delay)
        seg = TranscriptSegment(id=0, start=0.0, end=1.0, text="<script>alert('x')</script> Vi beslutar att notera.")
        (out_dir / "transcript.json").write_text(
            Transcript(language="sv", duration=3.0, backend="fake", model="fake", segments=[seg]).model_dump_json())
    if not (out_dir / "segments.json").exists():
        _stage(out_dir, "segmenting", progress, delay)
        (out_dir / "segments.json").write_text("{}")
    if not (out_dir / "protocol.json").exists():
        if os.environ.get("FAKE_FAIL"):
            raise AudioError("inspelningen innehåller inget tal – no speech in the recording")
        if os.environ.get("FAKE_CRASH"):
            os._exit(3)  # like the OOM killer: no exception, no cleanup
        _stage(out_dir, "drafting", progress, float(os.environ.get("FAKE_DRAFT_SECONDS", delay)))
        items = [
            ItemDraft(number=n, title=title, start=float(n - 1), end=float(n), summary=f"Sammanfattning {n}.",
                      transcript=f"<script>alert('x')</script> Punkt {n}: vi beslutar att notera.",
                      decisions=[Decision(id=f"d{n}a", text=f"att notera informationen under punkt {n}",
                                          evidence=[Evidence(start=n - 0.5, end=float(n), text="vi noterar")]),
                                 Decision(id=f"d{n}b", text=f"att uppdra åt sekretariatet att återkomma i punkt {n}")])
            for n, title in enumerate(meeting.agenda, start=1)]
        protocol = Protocol(meeting=meeting, items=items, drafter="fake")
        (out_dir / "protocol.json").write_text(protocol.model_dump_json())
    return Protocol.model_validate_json((out_dir / "protocol.json").read_text())


def redraft_item(protocol: Protocol, transcript_text: str, number: int, options=None) -> ItemDraft:
    old = protocol.item(number)
    return ItemDraft(number=number, title=old.title, start=old.start, end=old.end,
                     summary=f"Omskriven: {transcript_text[:40]}",
                     decisions=[Decision(text="att godkänna den rättade texten")])


# --- helpers --------------------------------------------------------------------------------

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


def add_user(data_dir: Path, email: str, org: str) -> None:
    result = subprocess.run([sys.executable, "-m", "service.cli", "user", "add", email, "--org", org,
                             "--data-dir", str(data_dir)], input=PASSWORD + "\n", capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr


class Server:
    """`protokoll serve` in its own process group, so a test can kill it (and its workers) hard."""

    def __init__(self, data_dir: Path, env: dict | None = None, args: list[str] | None = None):
        self.data_dir, self.extra_env, self.args = data_dir, env or {}, args or []
        self.proc: subprocess.Popen | None = None
        self.log = data_dir.parent / f"{data_dir.name}-server.log"

    def start(self) -> "Server":
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE",
               "PYTHONPATH": str(ROOT), **self.extra_env}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port), "--data-dir", str(self.data_dir),
             *self.args], cwd=ROOT, env=env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
            start_new_session=True)
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

    def client(self, email: str) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30)
        r = client.post("/api/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client


def upload(client: httpx.Client, recording: Path, card: str = CARD) -> httpx.Response:
    with open(recording, "rb") as f:
        return client.post("/api/meetings", files={"recording": (recording.name, f, "audio/flac"),
                                                   "meeting": ("meeting.yaml", card.encode(), "text/yaml")})


def wait_ready(client: httpx.Client, meeting_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/api/meetings/{meeting_id}").json()
        assert status["status"] != "failed", status
        if status["status"] == "ready":
            return status
        time.sleep(0.2)
    raise AssertionError(f"not ready: {status}")


def leftovers(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "uploads").rglob("*")) if (data_dir / "uploads").exists() else []


def meeting_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "protokoll.db") as db:
        return db.execute("select count(*) from meetings").fetchone()[0]


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("service") / "data"
    add_user(data_dir, "anna@bastad.se", "Båstad")
    add_user(data_dir, "bo@bjuv.se", "Bjuv")
    srv = Server(data_dir, env={"PROTOKOLL_PIPELINE": "tests.test_service_api"}, args=["--max-upload-mb", "1"]).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def audio(tmp_path_factory) -> Path:
    return make_audio(tmp_path_factory.mktemp("audio") / "möte.flac")


@pytest.fixture(scope="module")
def anna(server):
    return server.client("anna@bastad.se")


@pytest.fixture(scope="module")
def ready_meeting(anna, audio) -> str:
    r = upload(anna, audio)
    assert r.status_code == 201, r.text
    wait_ready(anna, r.json()["id"])
    return r.json()["id"]


# --- tests ----------------------------------------------------------------------------------

def test_login_required_and_wrong_password(server):
    assert httpx.get(server.url + "/api/meetings").status_code == 401
    r = httpx.post(server.url + "/api/login", json={"email": "anna@bastad.se", "password": "fel"})
    assert r.status_code == 401 and "lösenord" in r.json()["detail"]
    # the browser is sent to the login page, not shown a traceback
    assert httpx.get(server.url + "/").headers["location"].startswith("/login")


def test_session_cookie_is_httponly_samesite(server):
    r = httpx.post(server.url + "/api/login", json={"email": "anna@bastad.se", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_write_without_csrf_token_is_refused(server, audio, ready_meeting):
    client = server.client("anna@bastad.se")
    del client.headers["X-CSRF-Token"]
    assert upload(client, audio).status_code == 403
    assert client.patch(f"/api/meetings/{ready_meeting}/items/1",
                        json={"summary": "x", "version": 1}).status_code == 403
    assert client.delete(f"/api/meetings/{ready_meeting}").status_code == 403
    assert client.get(f"/api/meetings/{ready_meeting}").status_code == 200


def test_upload_draft_and_protocol_contract(anna, ready_meeting):
    status = anna.get(f"/api/meetings/{ready_meeting}").json()
    assert status["status"] == "ready" and status["progress"] == 1.0 and status["error"] is None
    protocol = anna.get(f"/api/meetings/{ready_meeting}/protocol").json()
    assert protocol["version"] >= 1
    assert [i["title"] for i in protocol["items"]] == ["Mötets öppnande", "Diskussion kring AI", "Övriga frågor"]
    decision = protocol["items"][0]["decisions"][0]
    assert decision["id"] == "d1a" and decision["status"] == "suggested"
    Protocol.model_validate({k: v for k, v in protocol.items() if k != "version"})  # the CLI contract
    assert ready_meeting in [m["id"] for m in anna.get("/api/meetings").json()]


def test_other_organisation_gets_404_on_every_meeting_route(server, anna, ready_meeting, audio):
    bo = server.client("bo@bjuv.se")
    m = f"/api/meetings/{ready_meeting}"
    routes = [("GET", m, None), ("GET", m + "/protocol", None), ("GET", m + "/recording", None),
              ("GET", m + "/audit", None), ("GET", m + "/stats", None), ("GET", m + "/export.docx", None),
              ("PATCH", m + "/decisions/d1a", {"status": "accepted", "version": 1}),
              ("POST", m + "/items/1/decisions", {"text": "att ta över", "version": 1}),
              ("PATCH", m + "/items/1", {"summary": "kapat", "version": 1}),
              ("POST", m + "/items/1/redraft", {"version": 1}),
              ("PATCH", m + "/header", {"place": "Bjuv", "version": 1}),
              ("DELETE", m, None)]
    for method, path, body in routes:
        r = bo.request(method, path, json=body)
        assert r.status_code in (403, 404), (method, path, r.status_code)
    assert ready_meeting not in [x["id"] for x in bo.get("/api/meetings").json()]
    assert "Mötet finns inte" in bo.get(f"/meetings/{ready_meeting}").text
    # and nothing happened to Anna's meeting
    assert anna.get(m).status_code == 200
    assert all(a["actor"] != "bo@bjuv.se" for a in anna.get(m + "/audit").json())


def test_stale_version_gets_409_and_audit_keeps_everything(anna, ready_meeting):
    m = f"/api/meetings/{ready_meeting}"
    version = anna.get(m + "/protocol").json()["version"]
    r = anna.patch(m + "/decisions/d2a", json={"status": "accepted", "version": version})
    assert r.status_code == 200 and r.json()["version"] == version + 1
    # a second tab still holding the old version
    r = anna.patch(m + "/items/2", json={"summary": "Skrivet i en gammal flik", "version": version})
    assert r.status_code == 409
    assert r.json()["detail"]["version"] == version + 1 and "Någon annan" in r.json()["detail"]["message"]
    protocol = anna.get(m + "/protocol").json()
    assert protocol["items"][1]["summary"] == "Sammanfattning 2."
    assert protocol["items"][1]["decisions"][0]["status"] == "accepted"
    audit = anna.get(m + "/audit").json()
    assert audit[0]["action"] == "ai_draft" and audit[0]["after"]["items"][1]["summary"] == "Sammanfattning 2."
    last = audit[-1]
    assert last["actor"] == "anna@bastad.se" and last["target"] == "decision:d2a"
    assert last["before"]["status"] == "suggested" and last["after"]["status"] == "accepted"


def test_edits_reach_the_export_and_rejected_decisions_do_not(anna, ready_meeting):
    m = f"/api/meetings/{ready_meeting}"
    v = anna.get(m + "/protocol").json()["version"]
    v = anna.patch(m + "/decisions/d3a", json={"status": "edited", "text": "att notera informationen med tack",
                                               "version": v}).json()["version"]
    v = anna.patch(m + "/decisions/d3b", json={"status": "rejected", "version": v}).json()["version"]
    v = anna.patch(m + "/items/3", json={"summary": "Inga övriga frågor togs upp.", "version": v}).json()["version"]
    r = anna.post(m + "/items/3/decisions", json={"text": "att avsluta mötet", "version": v})
    assert r.status_code == 201
    v = r.json()["version"]
    v = anna.patch(m + "/header", json={"attendees": ["Jonas Jönsson, Båstad", "Elin Ask, Ängelholm", "Ny Person, Klippan"],
                                        "place": "Stadshuset", "version": v}).json()["version"]
    protocol = anna.get(m + "/protocol").json()
    assert protocol["meeting"]["attendees"][2] == {"name": "Ny Person", "organisation": "Klippan"}
    assert protocol["items"][2]["decisions"][0]["status"] == "edited"

    r = anna.get(m + "/export.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    text = docx_text(r.content)
    assert "att notera informationen med tack" in text
    assert "Inga övriga frågor togs upp." in text
    assert "att avsluta mötet" in text
    assert "Ny Person" in text and "Stadshuset" in text
    assert "att uppdra åt sekretariatet att återkomma i punkt 3" not in text  # rejected
    stats = anna.get(m + "/stats").json()
    assert stats["decisions_rejected"] == 1 and stats["decisions_edited"] == 1 and stats["decisions_added"] == 1
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert "ströks" in z.read("docProps/core.xml").decode()  # how much of the draft was kept


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_redraft_item_keeps_reviewed_decisions(anna, ready_meeting):
    m = f"/api/meetings/{ready_meeting}"
    v = anna.get(m + "/protocol").json()["version"]
    v = anna.patch(m + "/decisions/d1a", json={"status": "accepted", "version": v}).json()["version"]
    v = anna.patch(m + "/items/1", json={"transcript": "Ordföranden öppnade mötet.", "version": v}).json()["version"]
    r = anna.post(m + "/items/1/redraft", json={"version": v})
    assert r.status_code == 200, r.text
    item = anna.get(m + "/protocol").json()["items"][0]
    assert item["summary"] == "Omskriven: Ordföranden öppnade mötet."
    texts = [d["text"] for d in item["decisions"]]
    assert "att notera informationen under punkt 1" in texts  # accepted: kept
    assert "att uppdra åt sekretariatet att återkomma i punkt 1" not in texts  # unreviewed: replaced
    assert "att godkänna den rättade texten" in texts


def test_transcript_is_escaped_in_the_review_page(anna, ready_meeting):
    html = anna.get(f"/meetings/{ready_meeting}").text
    assert "Mötet beslutar" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_upload_over_the_limit_leaves_nothing(server, anna, tmp_path):
    before = meeting_count(server.data_dir)
    big = tmp_path / "stor.flac"
    big.write_bytes(os.urandom(4 * 1024 * 1024))  # refused on its Content-Length, before reading
    r = upload(anna, big)
    assert r.status_code == 413 and "för stor" in r.json()["detail"]
    a_bit_big = tmp_path / "lite-för-stor.flac"
    a_bit_big.write_bytes(os.urandom(1024 * 1024 + 10))  # refused while streaming: 10 bytes over
    r = upload(anna, a_bit_big)
    assert r.status_code == 413 and "för stor" in r.json()["detail"]

    # Without Content-Length (chunked): stopped while streaming, staging removed.
    def body():
        boundary = b"xyz"
        yield b"--xyz\r\nContent-Disposition: form-data; name=\"recording\"; filename=\"a.flac\"\r\n\r\n"
        for _ in range(40):
            yield os.urandom(64 * 1024)
        yield b"\r\n--" + boundary + b"--\r\n"

    try:
        r = anna.post("/api/meetings", content=body(), headers={"Content-Type": "multipart/form-data; boundary=xyz"})
        assert r.status_code == 413
    except httpx.HTTPError:
        pass  # the server may close the connection before the client finished sending
    time.sleep(0.5)
    assert leftovers(server.data_dir) == []
    assert meeting_count(server.data_dir) == before
    assert len(list((server.data_dir / "meetings").iterdir())) == before


def test_non_audio_and_bad_card_are_refused_cleanly(server, anna, audio, tmp_path):
    before = meeting_count(server.data_dir)
    fake = tmp_path / "inspelning.flac"  # right name, wrong content
    fake.write_text("Detta är inte ljud.\n" * 100)
    r = upload(anna, fake)
    assert r.status_code == 415
    assert " – " in r.json()["detail"] and "part-" not in r.json()["detail"]  # Swedish – English, user's name
    r = upload(anna, audio, card="title: [unterminated")
    assert r.status_code == 422 and "YAML" in r.json()["detail"]
    r = upload(anna, audio, card="title: X\ndate: inte-ett-datum\n")
    assert r.status_code == 422 and "date" in r.json()["detail"]
    assert leftovers(server.data_dir) == []
    assert meeting_count(server.data_dir) == before


def test_delete_removes_recording_and_everything_derived(anna, audio, server):
    r = upload(anna, audio)
    meeting_id = r.json()["id"]
    wait_ready(anna, meeting_id)
    folder = server.data_dir / "meetings" / meeting_id
    assert (folder / "job" / "transcript.json").exists() and list(folder.glob("recording.*"))
    assert anna.delete(f"/api/meetings/{meeting_id}").status_code == 204
    assert not folder.exists()
    assert anna.get(f"/api/meetings/{meeting_id}").status_code == 404
    with sqlite3.connect(server.data_dir / "protokoll.db") as db:
        assert db.execute("select count(*) from audit where meeting_id=?", (meeting_id,)).fetchone()[0] == 0


def test_openapi_documents_the_routes(server):
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    assert "multipart/form-data" in json.dumps(paths["/api/meetings"]["post"])
    assert "/api/meetings/{meeting_id}/decisions/{decision_id}" in paths
