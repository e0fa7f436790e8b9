"""The review service over real HTTP: a `protokoll serve` subprocess with its own data dir and the fast
fake pipeline (tests/helpers/fake_pipeline.py), so access rules, versions and uploads are tested in
seconds; the real pipeline is exercised end to end by tests/test_browser.py.
"""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from pipelines.models import Protocol
from tests.helpers import databases
from tests.helpers.databases import query
from tests.helpers.server import (PASSWORD, Server, add_user, docx_text, leftovers, make_audio, meeting_count, upload,
                                  wait_ready)
from tests.helpers.server import ready_meeting as uploaded_and_ready


pytestmark = pytest.mark.usefixtures("database")  # each test on SQLite and on PostgreSQL


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory, database):
    databases.use(database)
    data_dir = tmp_path_factory.mktemp("service") / "data"
    add_user(data_dir, "anna@bastad.se", "Båstad")
    add_user(data_dir, "bo@bjuv.se", "Bjuv")
    srv = Server(data_dir, args=["--max-upload-mb", "1", "--api-docs"]).start()
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
    return uploaded_and_ready(anna, audio)


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
    # a second tab still holding the old version rejects the same decision
    r = anna.patch(m + "/decisions/d2a", json={"status": "rejected", "version": version})
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
    assert texts.count("att notera informationen under punkt 1") == 1  # accepted: kept, found again: not doubled
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
    assert query(server.data_dir, "select count(*) from audit where meeting_id=:m", m=meeting_id) == [(0,)]


def test_openapi_documents_the_routes(server):
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    assert "multipart/form-data" in json.dumps(paths["/api/meetings"]["post"])
    assert "/api/meetings/{meeting_id}/decisions/{decision_id}" in paths


def test_health_and_metrics_need_no_login_and_count_the_jobs(server, ready_meeting):
    r = httpx.get(server.url + "/healthz")
    assert r.status_code == 200 and r.json()["database"] == "ok" and r.json()["broker"].startswith("används inte")
    text = httpx.get(server.url + "/metrics").text
    samples = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    assert samples["protokoll_queue_length"] == "0"
    assert int(samples['protokoll_jobs{status="ready"}']) >= 1
    for stage in ["transcribing", "segmenting", "drafting"]:  # the fake pipeline's stages take 0.2 s each
        count = int(samples[f'protokoll_stage_seconds_count{{stage="{stage}"}}'])
        assert count >= 1 and float(samples[f'protokoll_stage_seconds_sum{{stage="{stage}"}}']) >= 0.15 * count
    assert "Kommundirektörsmöte" not in text and ready_meeting not in text  # counts, never content

