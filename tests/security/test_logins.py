"""Logins: throttling with backoff, the password policy, account administration that ends sessions,
the idle timeout, login CSRF and logout."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from service.passwords import password_problem
from service.ratelimit import LoginLimiter
from tests.helpers import databases
from tests.helpers.databases import query
from tests.helpers.server import PASSWORD, Server, add_user, cli, database_args


@pytest.fixture(scope="module")
def server(tmp_path_factory, database):
    """Anna and Bo for the session tests; Cilla is locked out, Dan disabled and deleted by their tests."""
    databases.use(database)
    data = tmp_path_factory.mktemp("logins") / "data"
    for email, org in [("anna@bastad.se", "Båstad"), ("bo@bjuv.se", "Bjuv"), ("cilla@bastad.se", "Båstad"),
                       ("dan@bastad.se", "Båstad")]:
        add_user(data, email, org)
    srv = Server(data).start()
    yield srv
    srv.stop()


def _login(server, email, password, **kw):
    return httpx.post(server.url + "/api/login", json={"email": email, "password": password}, **kw)


def test_wrong_passwords_are_throttled_per_account_with_retry_after(server):
    codes = [_login(server, "cilla@bastad.se", f"fel-{i}").status_code for i in range(6)]
    assert codes == [401] * 5 + [429]  # five typos are free, then each failure doubles the wait
    r = _login(server, "cilla@bastad.se", PASSWORD)  # even the right password waits out the backoff
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1 and "försök igen" in r.json()["detail"]
    assert _login(server, "bo@bjuv.se", PASSWORD).status_code == 200  # another account is not locked out
    page = httpx.post(server.url + "/login", data={"email": "cilla@bastad.se", "password": PASSWORD, "next": "/"})
    assert page.status_code == 429 and "Retry-After" in page.headers


def test_backoff_doubles_and_is_per_address_too():
    now = [0.0]
    limiter = LoginLimiter(free_per_account=2, free_per_ip=3, clock=lambda: now[0])
    for _ in range(3):
        limiter.failed("10.0.0.1", "anna")
    assert limiter.retry_after("10.0.0.1", "anna") == 2  # 2 ** (3 failures - 2 free)
    limiter.failed("10.0.0.1", "anna")
    assert limiter.retry_after("10.0.0.1", "anna") == 4
    assert limiter.retry_after("10.0.0.1", "bo") == 2  # the address has used up its free tries (4 - 3)
    assert limiter.retry_after("10.0.0.2", "bo") == 0
    now[0] = 5.0
    assert limiter.retry_after("10.0.0.1", "anna") == 0
    limiter.succeeded("anna")
    assert limiter.retry_after("10.0.0.2", "anna") == 0


@pytest.mark.parametrize("password", ["12345678", "password1", "sommar2024", "Sommaren2024!", "Lösenord12345",
                                      "qwertyuiop123", "Helsingborg2025", "anna.bastad.2025"])
def test_weak_or_leaked_passwords_are_refused(password):
    assert password_problem(password, ["anna@bastad.se", "anna", "bastad", "Båstad"])


def test_strong_passwords_pass_and_the_cli_refuses_a_weak_one(tmp_path):
    assert password_problem("korrekt häst batteri", []) is None
    assert password_problem(PASSWORD, ["anna@bastad.se"]) is None
    where = [*database_args(tmp_path), "--data-dir", str(tmp_path)]
    result = cli("user", "add", "anna@bastad.se", "--org", "Båstad", *where, stdin="sommar2024\n")
    assert result.returncode == 2 and "lösenord" in result.stderr and "Traceback" not in result.stderr
    result = cli("user", "add", "anna@bastad.se", "--org", "Båstad", *where, stdin=PASSWORD + "\n")
    assert result.returncode == 0 and "skapad" in result.stdout


def test_disable_passwd_delete_end_sessions(server):
    data = [*database_args(server.data_dir), "--data-dir", str(server.data_dir)]
    dan = server.client("dan@bastad.se")
    assert cli("user", "disable", "dan@bastad.se", *data).returncode == 0
    assert dan.get("/api/me").status_code == 401
    assert _login(server, "dan@bastad.se", PASSWORD).status_code == 401
    assert cli("user", "enable", "dan@bastad.se", *data).returncode == 0
    dan = server.client("dan@bastad.se")
    new = "ny-kaffekopp-regnbåge-9"
    assert cli("user", "passwd", "dan@bastad.se", *data, stdin=new + "\n").returncode == 0
    assert dan.get("/api/me").status_code == 401
    assert _login(server, "dan@bastad.se", new).status_code == 200
    assert cli("user", "delete", "dan@bastad.se", *data).returncode == 0
    assert _login(server, "dan@bastad.se", new).status_code == 401
    events = [e for (e,) in query(server.data_dir, "select event from security_events where target='dan@bastad.se'")]
    assert {"user_added", "user_disabled", "user_enabled", "password_changed", "user_deleted"} <= set(events)


def test_idle_session_ends(server):
    anna = server.client("anna@bastad.se")
    assert anna.get("/api/me").status_code == 200
    idle_since = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=31)
    query(server.data_dir, "update sessions set last_seen = :t", t=idle_since)
    assert anna.get("/api/me").status_code == 401


def test_login_from_a_foreign_page_is_refused(server):
    form = {"email": "anna@bastad.se", "password": PASSWORD, "next": "/"}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        r = httpx.post(server.url + "/login", data=form, headers=headers)
        assert r.status_code == 403 and "set-cookie" not in r.headers, headers
    r = httpx.post(server.url + "/login", data=form, headers={"Origin": server.url, "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303 and "protokoll_session" in r.headers["set-cookie"]


def test_logout_ends_the_server_session_or_nothing(server):
    anna = server.client("anna@bastad.se")
    cookie = anna.cookies.get("protokoll_session")
    # a cross-site form cannot log you out; the session stays
    r = httpx.post(server.url + "/logout", cookies={"protokoll_session": cookie}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and anna.get("/api/me").status_code == 200
    # without the token and without a browser's word that it is our page: refused, the session stays
    r = httpx.post(server.url + "/logout", cookies={"protokoll_session": cookie})
    assert r.status_code == 403 and anna.get("/api/me").status_code == 200
    # our own page, no token: cookie cleared AND the server session ended
    r = httpx.post(server.url + "/logout", cookies={"protokoll_session": cookie},
                   headers={"Origin": server.url, "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303 and 'protokoll_session=""' in r.headers["set-cookie"]
    assert httpx.get(server.url + "/api/me", cookies={"protokoll_session": cookie}).status_code == 401
