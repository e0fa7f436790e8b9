"""Defaults that limit the damage: security headers, Secure cookies, no public /docs, a security log
that outlives the meeting it names, secure_delete, owner-only files, and 4xx for odd input."""

from __future__ import annotations

import stat

import httpx
import pytest

from sqlalchemy import inspect

from service.db import db_url, make_engine, open_db
from tests.helpers import databases
from tests.helpers.databases import query
from tests.helpers.server import PASSWORD, Server, add_user, make_audio, ready_meeting, upload, wait_status


def test_security_headers_on_pages_and_api(two_orgs, anna, annas_meeting):
    for path in ["/login", "/api/me", f"/meetings/{annas_meeting}", f"/api/meetings/{annas_meeting}/protocol"]:
        r = anna.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["cache-control"] == "no-store", path
    assert "no-store" not in httpx.get(two_orgs.url + "/static/app.css").headers.get("cache-control", "")


@pytest.fixture(scope="module")
def production(tmp_path_factory, database):
    """The defaults (Secure cookies, no /docs), and jobs slow enough to ask for a protocol too early."""
    databases.use(database)
    data = tmp_path_factory.mktemp("defaults") / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    server = Server(data, env={"FAKE_STAGE_SECONDS": "30"}, secure_cookies=True).start()
    yield server
    server.stop()


def _secure_client(server) -> httpx.Client:
    """httpx keeps a Secure cookie off plain http, as a browser would; send it by hand."""
    r = httpx.post(server.url + "/api/login", json={"email": "anna@bastad.se", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return httpx.Client(base_url=server.url, timeout=30, headers={
        "Cookie": f"protokoll_session={r.cookies['protokoll_session']}", "X-CSRF-Token": r.json()["csrf_token"]})


def test_docs_are_off_and_cookies_secure_by_default(production):
    for path in ["/docs", "/openapi.json", "/redoc"]:
        assert httpx.get(production.url + path).status_code == 404, path
    r = httpx.post(production.url + "/api/login", json={"email": "anna@bastad.se", "password": PASSWORD})
    assert r.status_code == 200 and "; secure" in r.headers["set-cookie"].lower()


def test_security_log_outlives_the_deleted_meeting(two_orgs, anna, tone):
    meeting = ready_meeting(anna, tone)
    assert anna.get(f"/api/meetings/{meeting}/recording").status_code == 200
    assert anna.get(f"/api/meetings/{meeting}/export.docx").status_code == 200
    assert anna.delete(f"/api/meetings/{meeting}").status_code == 204
    data = two_orgs.data_dir
    rows = query(data, "select event, actor, ok from security_events where target=:m order by id", m=meeting)
    logins = {e for (e,) in query(data, "select event from security_events where event like 'login%'")}
    engine = make_engine(db_url(data, databases.url_for(data)))
    columns = {c["name"] for c in inspect(engine).get_columns("security_events")}
    engine.dispose()
    assert [e for e, _, _ in rows] == ["upload", "download", "export", "delete"]
    assert all(actor == "anna@bastad.se" and ok for _, actor, ok in rows)
    assert "login_ok" in logins
    assert columns == {"id", "at", "event", "actor", "org_id", "target", "ip", "ok"}  # who/what/when, no content


def test_files_are_owner_only_and_deletes_overwrite(two_orgs, annas_meeting):
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(two_orgs.data_dir) == 0o700
    folder = two_orgs.data_dir / "meetings" / annas_meeting
    assert mode(folder) == 0o700
    assert {mode(p) for p in folder.rglob("*") if p.is_file()} == {0o600}
    if databases.current().name != "sqlite":  # PostgreSQL keeps its own files, under its own account
        assert not (two_orgs.data_dir / "protokoll.db").exists()
        return
    assert mode(two_orgs.data_dir / "protokoll.db") == 0o600
    with open_db(two_orgs.data_dir)().connection() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_odd_input_is_4xx_not_500(production, anna, annas_meeting, tmp_path):
    m = f"/api/meetings/{annas_meeting}"
    version = anna.get(m + "/protocol").json()["version"]
    r = anna.patch(m + "/header", json={"attendees": [", Bjuv"], "version": version})
    assert r.status_code == 422 and "namn" in r.json()["detail"]
    assert anna.get(m + "/protocol").json()["version"] == version
    client = _secure_client(production)
    meeting = upload(client, make_audio(tmp_path / "m.flac")).json()["id"]
    wait_status(client, meeting, {"transcribing"})
    for path in ["/stats", "/protocol", "/export.docx"]:
        r = client.get(f"/api/meetings/{meeting}{path}")
        assert r.status_code == 409 and "inte klart" in r.json()["detail"], path


def test_a_file_that_cannot_be_removed_is_logged_not_ignored(tmp_path, monkeypatch, caplog):
    import os

    from service.storage import remove_tree

    folder = tmp_path / "meetings" / "m"
    folder.mkdir(parents=True)
    (folder / "recording.flac").write_bytes(b"x")
    (folder / "meeting.yaml").write_text("title: x")
    real_unlink = os.unlink

    def stuck(path, *args, **kwargs):  # as a file held by another process on a network share would be
        if str(path).endswith("recording.flac"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", stuck)
    assert remove_tree(folder) is False
    assert "recording.flac" in caplog.text and "could not remove" in caplog.text
    assert not (folder / "meeting.yaml").exists()  # the rest is still removed
