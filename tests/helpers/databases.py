"""The two databases the service runs on, for tests: SQLite in each data dir, and a throw-away PostgreSQL
cluster (the Debian package's binaries, run as the `postgres` user when we are root) with one database per
data dir, so every test server starts as empty as it does on SQLite.

`use(backend)` selects the database for what follows (the `database` fixture in tests/conftest.py does it
for each of its two parameters); `url_for(data_dir)`, `query(data_dir, sql)` and the helpers in
tests/helpers/server.py then reach the right one. The servers themselves are in bench/servers.py
(the queue benchmark starts them too).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import text

from bench.servers import PostgresCluster
from service.db import db_url, make_engine


class Backend:
    def __init__(self, name: str, cluster: PostgresCluster | None = None):
        self.name, self.cluster = name, cluster

    def url_for(self, data_dir: Path) -> str | None:
        """None for SQLite (the file in the data dir); a database of its own per data dir on PostgreSQL."""
        if self.cluster is None:
            return None
        return self.cluster.create_database("t" + hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:20])


SQLITE = Backend("sqlite")
_current = SQLITE


def use(backend: Backend) -> None:
    global _current
    _current = backend


def current() -> Backend:
    return _current


def url_for(data_dir: Path) -> str | None:
    return _current.url_for(data_dir)


def query(data_dir: Path, sql: str, **params) -> list[tuple]:
    """Run one statement on the data dir's database (SQLite or PostgreSQL); its rows, if any."""
    engine = make_engine(db_url(data_dir, url_for(data_dir)))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()
