"""Schema migrations keep what an existing install holds: upgrading a database made by the first
revision loses no user, meeting or audit row (a batch copy of a table would cascade-delete them)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config

import service
from service.db import db_url, open_db


def alembic(tmp_path: Path) -> Config:
    here = Path(service.__file__).parent
    cfg = Config(str(here / "alembic.ini"))
    cfg.set_main_option("script_location", str(here / "migrations"))
    cfg.set_main_option("sqlalchemy.url", db_url(tmp_path))
    return cfg


def fill(tmp_path: Path, *, session: bool = True) -> None:
    """An org, a user (with a session), a meeting and an audit row, as any install holds."""
    with sqlite3.connect(tmp_path / "protokoll.db") as db:
        db.execute("insert into orgs(id, name) values (1, 'Båstad')")
        db.execute("insert into users(id, email, password_hash, org_id, created) values (1, 'a@b.se', 'x', 1, '2026-01-01')")
        if session:
            db.execute("insert into sessions(token_hash, user_id, csrf, expires) values ('t', 1, 'c', '2030-01-01')")
        db.execute("insert into meetings(id, org_id, created_by, title, meeting_date, recording_name, status, "
                   "stage_progress, attempts, version, created, updated) "
                   "values ('m', 1, 'a@b.se', 'Möte', '2025-01-01', 'r.flac', 'ready', 1, 1, 1, '2026-01-01', '2026-01-01')")
        db.execute("insert into audit(meeting_id, at, actor, action, target, version) values ('m', '2026-01-01', 'a', 'x', 'y', 1)")


def test_upgrade_from_the_first_revision_keeps_every_row(tmp_path):
    command.upgrade(alembic(tmp_path), "0001")
    fill(tmp_path)
    open_db(tmp_path)  # migrates to the newest revision, as every start does
    with sqlite3.connect(tmp_path / "protokoll.db") as db:
        assert db.execute("select count(*) from audit").fetchone() == (1,)
        assert db.execute("select count(*) from meetings").fetchone() == (1,)
        assert db.execute("select disabled from users").fetchall() == [(0,)]
        assert db.execute("select last_seen from sessions").fetchall() == [("1970-01-01 00:00:00",)]  # idle: ends once
        assert db.execute("select count(*) from security_events").fetchone() == (0,)


def test_lifecycle_revision_makes_existing_users_secretaries_and_protocols_drafts(tmp_path):
    cfg = alembic(tmp_path)
    command.upgrade(cfg, "0002")
    fill(tmp_path, session=False)
    command.upgrade(cfg, "0004")
    with sqlite3.connect(tmp_path / "protokoll.db") as db:
        assert db.execute("select role, name from users").fetchall() == [("sekreterare", None)]
        assert db.execute("select stage, document_sha256 from meetings").fetchall() == [("utkast", None)]
        assert db.execute("select count(*) from audit").fetchone() == (1,)
    command.downgrade(cfg, "0002")
    with sqlite3.connect(tmp_path / "protokoll.db") as db:
        assert "stage" not in [r[1] for r in db.execute("pragma table_info(meetings)")]
        assert db.execute("select count(*) from meetings").fetchone() == (1,)
        assert db.execute("select count(*) from audit").fetchone() == (1,)
