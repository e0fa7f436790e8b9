"""Schema migrations keep what an existing install holds: upgrading a database made by the first
revision loses no user, meeting or audit row (a batch copy of a table would cascade-delete them).
On SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy import inspect as sa_inspect

import service
from bench.common import free_port
from pipelines.errors import InputError
from service.db import db_url, open_db
from tests.helpers.databases import query, url_for
from tests.helpers.server import cli


def alembic(tmp_path: Path) -> Config:
    here = Path(service.__file__).parent
    cfg = Config(str(here / "alembic.ini"))
    cfg.set_main_option("script_location", str(here / "migrations"))
    cfg.set_main_option("sqlalchemy.url", db_url(tmp_path, url_for(tmp_path)))
    return cfg


def fill(tmp_path: Path, *, session: bool = True) -> None:
    """An org, a user (with a session), a meeting and an audit row, as any install holds."""
    for statement in [
        "insert into orgs(id, name) values (1, 'Båstad')",
        "insert into users(id, email, password_hash, org_id, created) values (1, 'a@b.se', 'x', 1, '2026-01-01')",
        *(["insert into sessions(token_hash, user_id, csrf, expires) values ('t', 1, 'c', '2030-01-01')"] if session else []),
        "insert into meetings(id, org_id, created_by, title, meeting_date, recording_name, status, stage_progress, "
        "attempts, version, created, updated) values ('m', 1, 'a@b.se', 'Möte', '2025-01-01', 'r.flac', 'ready', 1, 1, "
        "1, '2026-01-01', '2026-01-01')",
        "insert into audit(meeting_id, at, actor, action, target, version) values ('m', '2026-01-01', 'a', 'x', 'y', 1)",
    ]:
        query(tmp_path, statement)


@pytest.mark.usefixtures("database")
def test_upgrade_from_the_first_revision_keeps_every_row(tmp_path):
    command.upgrade(alembic(tmp_path), "0001")
    fill(tmp_path)
    open_db(tmp_path, url_for(tmp_path))  # migrates to the newest revision, as every start does
    assert query(tmp_path, "select count(*) from audit") == [(1,)]
    assert query(tmp_path, "select count(*) from meetings") == [(1,)]
    assert query(tmp_path, "select disabled from users") == [(False,)]
    [(last_seen,)] = query(tmp_path, "select last_seen from sessions")
    assert str(last_seen) == "1970-01-01 00:00:00"  # idle: ends once
    assert query(tmp_path, "select count(*) from security_events") == [(0,)]


@pytest.mark.usefixtures("database")
def test_lifecycle_revision_makes_existing_users_secretaries_and_protocols_drafts(tmp_path):
    cfg = alembic(tmp_path)
    command.upgrade(cfg, "0002")
    fill(tmp_path, session=False)
    command.upgrade(cfg, "0004")
    assert query(tmp_path, "select role, name from users") == [("sekreterare", None)]
    assert query(tmp_path, "select stage, document_sha256 from meetings") == [("utkast", None)]
    assert query(tmp_path, "select count(*) from audit") == [(1,)]
    command.downgrade(cfg, "0002")
    columns = [c["name"] for c in sa_inspect(create_engine(db_url(tmp_path, url_for(tmp_path)))).get_columns("meetings")]
    assert "stage" not in columns
    assert query(tmp_path, "select count(*) from meetings") == [(1,)]
    assert query(tmp_path, "select count(*) from audit") == [(1,)]


def test_a_database_url_that_is_not_sqlite_or_postgresql_is_refused(tmp_path):
    with pytest.raises(InputError, match="sqlite:// eller postgresql://"):
        open_db(tmp_path / "data", "mysql://u@localhost/protokoll")
    assert not (tmp_path / "data").exists()


def test_an_unreachable_database_is_a_clear_error(tmp_path):
    url = f"postgresql://protokoll:hemligt@127.0.0.1:{free_port()}/protokoll"
    result = cli("user", "list", "--data-dir", str(tmp_path), "--database-url", url)
    assert result.returncode == 2 and "Databasen svarar inte" in result.stderr and "Traceback" not in result.stderr
    assert "hemligt" not in result.stderr  # the password is not shown
