"""Alembic environment: migrates the SQLite file in the data dir."""

from alembic import context
from service.db import Base, db_url, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or db_url(context.get_x_argument(as_dictionary=True)["data_dir"])

engine = make_engine(url)
with engine.connect() as connection:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
