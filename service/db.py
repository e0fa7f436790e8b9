"""The schema (SQLAlchemy 2) and the engine factory. The schema itself is created by Alembic.

Two databases: SQLite in the data dir (the embedded default, one machine) and PostgreSQL (`--database-url
postgresql://…`, for a web server and workers on several machines). SQLite runs in WAL mode with a busy
timeout: the web server and the worker process write to the same file (progress from the worker, edits
from the secretary) without blocking each other for long.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, create_engine,
                        event)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from pipelines.errors import InputError
from pipelines.models import QUEUED

DB_NAME = "protokoll.db"



def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Org(Base):
    __tablename__ = "orgs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(20), default="sekreterare")  # or "granskare" (service/stages.py)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # as the protocol prints it


class SessionRow(Base):
    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    expires: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)  # for the idle timeout


class MeetingRow(Base):
    """One uploaded meeting: its job state and the (versioned) protocol under review."""

    __tablename__ = "meetings"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(320))
    title: Mapped[str] = mapped_column(String(500))
    meeting_date: Mapped[str] = mapped_column(String(10))
    recording_name: Mapped[str] = mapped_column(String(300))
    duration_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)  # of the recording, at upload
    status: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    stage_progress: Mapped[float] = mapped_column(Float, default=0.0)
    eta_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker_pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started: Mapped[dt.datetime | None] = mapped_column(nullable=True)  # the current attempt (fair turns)
    heartbeat: Mapped[dt.datetime | None] = mapped_column(nullable=True)  # a queue worker's "still on it"
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)  # host:pid of that worker
    version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by every protocol change
    protocol: Mapped[str | None] = mapped_column(Text, nullable=True)  # current Protocol JSON
    original: Mapped[str | None] = mapped_column(Text, nullable=True)  # the AI draft, never changed
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The protocol's lifecycle (service/lifecycle.py): utkast → klart för justering → justerat → anslaget.
    stage: Mapped[str] = mapped_column(String(20), default="utkast")
    document_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the PDF/A sent for justering
    signed_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the organisation-signed copy
    justered_on: Mapped[str | None] = mapped_column(String(10), nullable=True)  # dates as ISO strings
    anslag_up: Mapped[str | None] = mapped_column(String(10), nullable=True)
    anslag_down: Mapped[str | None] = mapped_column(String(10), nullable=True)
    storage_place: Mapped[str | None] = mapped_column(String(300), nullable=True)  # förvaringsplats
    publication: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON: the secretary's mask decisions


class StageTime(Base):
    """How long one run of a pipeline stage took (for /metrics). No foreign key: the figures outlive the
    meeting and say nothing about its content."""

    __tablename__ = "stage_times"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(20))
    seconds: Mapped[float] = mapped_column(Float)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditRow(Base):
    """Every change to a protocol: who, when, what it was before and after (public records)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100), default="")
    before: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    after: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    version: Mapped[int] = mapped_column(Integer)


class SignerRow(Base):
    """Who is to justera a protocol (the chair and the justerare), and their signature once given:
    when, and the SHA-256 of the exact document they signed."""

    __tablename__ = "signers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    item: Mapped[int | None] = mapped_column(Integer, nullable=True)  # an omedelbar justering of one item
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # "ordförande" or "justerare"
    signed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ItemJusteringRow(Base):
    """Omedelbar justering of one item (§) at the meeting: its extract is signed on its own, and the
    item's text is locked while the rest of the protocol is still a draft."""

    __tablename__ = "item_justeringar"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    item: Mapped[int] = mapped_column(Integer)
    document_sha256: Mapped[str] = mapped_column(String(64))
    signed_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    justered_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    __table_args__ = (UniqueConstraint("meeting_id", "item"),)


class CommentRow(Base):
    """A reviewer's remark on an item or one of its clauses, and how the secretary resolved it."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(320))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    item: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(100), default="")  # "" (the item) or "decision:<id>"
    quote: Mapped[str] = mapped_column(Text, default="")  # the clause as it read when commented on
    text: Mapped[str] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(320), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)


class SecurityEvent(Base):
    """Who did what, when: logins, uploads, exports, downloads, deletions, user admin. No content, and no
    foreign key, so the record of a meeting outlives the meeting (a deletion is itself recorded)."""

    __tablename__ = "security_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(320))  # an email, "cli" or "-" when unknown
    org_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target: Mapped[str] = mapped_column(String(320), default="")  # a meeting id or an email
    ip: Mapped[str] = mapped_column(String(64), default="")
    ok: Mapped[bool] = mapped_column(Boolean, default=True)


class OrgMember(Base):
    """One person of the organisation's member list, offered as an attendee by the meeting form."""

    __tablename__ = "org_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the list's order, as the secretary keeps it
    name: Mapped[str] = mapped_column(String(200))
    party: Mapped[str] = mapped_column(String(200), default="")  # party or organisation ("S", "Båstad")
    role: Mapped[str] = mapped_column(String(200), default="")  # "ordförande", "ledamot", …


class OrgWord(Base):
    """A word the organisation taught the service (a name Whisper misheard); new meeting cards carry it."""

    __tablename__ = "org_glossary"
    __table_args__ = (UniqueConstraint("org_id", "word", name="uq_org_glossary_word"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    word: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(320))
    added: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OrgTemplate(Base):
    """The organisation's Word template (styles, header, footer, logo) for exports."""

    __tablename__ = "org_templates"
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(320))
    uploaded: Mapped[dt.datetime] = mapped_column(default=utcnow)


def db_url(data_dir: Path, database_url: str | None = None) -> str:
    """The database to use: `database_url` when given (PostgreSQL), else the SQLite file in the data dir."""
    if database_url:
        return normalise_url(database_url)
    return f"sqlite:///{Path(data_dir).resolve() / DB_NAME}"


def normalise_url(url: str) -> str:
    """postgresql://… is driven by psycopg 3 (SQLAlchemy would otherwise look for psycopg2)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"Ogiltig databasadress – invalid database URL: {url.split('@')[-1]!r}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(f"Databasen måste vara sqlite:// eller postgresql:// – unsupported database "
                          f"{parsed.get_backend_name()!r}")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    if not is_sqlite(url):
        # pool_pre_ping: a worker that waited an hour on a long job still gets a live connection.
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA secure_delete=ON")  # deleted meetings are overwritten, not left in free pages
        cur.close()

    return engine


def migrate(url: str) -> None:
    """Bring the schema to the newest Alembic revision (idempotent; run at every start)."""
    from alembic import command
    from alembic.config import Config

    here = Path(__file__).parent
    cfg = Config(str(here / "alembic.ini"))
    cfg.set_main_option("script_location", str(here / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # the ini parser reads % specially
    command.upgrade(cfg, "head")


def open_db(data_dir: Path, database_url: str | None = None) -> sessionmaker:
    """Create the data dir (owner only: 0700, an SQLite database 0600), migrate, and return a session factory."""
    data_dir = Path(data_dir)
    url = db_url(data_dir, database_url)  # a wrong address is refused before anything is made
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    try:
        migrate(url)
    except OperationalError as e:
        raise InputError(f"Databasen svarar inte – cannot reach the database "
                          f"{make_url(url).render_as_string()}: {str(e.orig).strip().splitlines()[0]}") from None
    for path in data_dir.glob(DB_NAME + "*"):  # the database, its WAL and shared memory
        path.chmod(0o600)
    return sessionmaker(make_engine(url), expire_on_commit=False)
