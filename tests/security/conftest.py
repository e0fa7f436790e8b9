"""A service with two organisations (Båstad: anna, Bjuv: bo) on the fast fake pipeline, shared by the
security tests that do not need a server of their own (the throttling tests do: they spend failures)."""

from __future__ import annotations

import pytest

from tests.helpers import databases
from tests.helpers.server import Server, add_user, make_audio, ready_meeting


@pytest.fixture(autouse=True)
def _on_each_database(database):
    """Every security test runs on SQLite and on PostgreSQL (tests/conftest.py)."""


@pytest.fixture(scope="package")
def two_orgs(tmp_path_factory, database):
    databases.use(database)
    data_dir = tmp_path_factory.mktemp("security") / "data"
    add_user(data_dir, "anna@bastad.se", "Båstad")
    add_user(data_dir, "bo@bjuv.se", "Bjuv")
    srv = Server(data_dir, args=["--max-audio-hours", "1"]).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="package")
def tone(tmp_path_factory):
    return make_audio(tmp_path_factory.mktemp("tone") / "möte.flac", seconds=20)


@pytest.fixture(scope="package")
def anna(two_orgs):
    return two_orgs.client("anna@bastad.se")


@pytest.fixture(scope="package")
def bo(two_orgs):
    return two_orgs.client("bo@bjuv.se")


@pytest.fixture(scope="package")
def annas_meeting(anna, tone) -> str:
    return ready_meeting(anna, tone)
