"""Alembic environment: migrates the SQLite file in the data dir, or the PostgreSQL database given."""

from alembic import context
from sqlalchemy import text

from service.db import Base, db_url, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or db_url(context.get_x_argument(as_dictionary=True)["data_dir"])

engine = make_engine(url)
with engine.connect() as connection:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # The web server and every worker migrate at start: one at a time (PostgreSQL's DDL is
            # transactional, so the next one sees the finished schema and has nothing left to do).
            connection.execute(text("SELECT pg_advisory_xact_lock(20261127)"))
        context.run_migrations()
engine.dispose()
