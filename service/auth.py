"""Local accounts: argon2-hashed passwords, server-side sessions, CSRF tokens, login throttling.

The session cookie is HttpOnly + SameSite=Lax (+ Secure unless turned off for plain-http development)
and holds a random token; the DB keeps only its sha256, so a leaked database does not hand out live
sessions. A session ends after SESSION_HOURS, or after IDLE_MINUTES without a request. Every
state-changing request made with the cookie must also carry the session's CSRF token (X-CSRF-Token).
Disabling, deleting a user or changing their password ends all their sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipelines.errors import InputError

from . import audit
from .db import Org, SessionRow, User, utcnow
from .errors import NotLoggedIn, TooManyRequests
from .passwords import password_problem
from .ratelimit import LoginLimiter

COOKIE = "protokoll_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_HOURS = 12
IDLE_MINUTES = 30
_TOUCH_SECONDS = 60  # last_seen is written at most this often per session
_hasher = PasswordHasher()
# argon2 takes 64 MiB per hash: at most two at a time, so a burst of logins cannot exhaust memory.
_HASH_SLOTS = threading.BoundedSemaphore(2)
# Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class CurrentUser(BaseModel):
    id: int
    email: str
    org_id: int
    org_name: str
    csrf: str
    role: str = "sekreterare"  # service/stages.py ROLES
    name: str | None = None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hash(password: str) -> str:
    with _HASH_SLOTS:
        return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    with _HASH_SLOTS:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _user(db: Session, email: str) -> User:
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise InputError(f"{email}: användaren finns inte – no such user")
    return user


def _check_password(password: str, email: str, org_name: str) -> None:
    local, _, domain = email.partition("@")
    problem = password_problem(password, [email, local, domain.split(".")[0], org_name])
    if problem:
        raise InputError(problem)


def add_user(db: Session, email: str, password: str, org_name: str, role: str = "sekreterare",
             name: str | None = None) -> User:
    """`role` "granskare" makes a chair or justerare: reads, comments and justerar, never edits.
    `name` is the person's name as the protocol prints it (how a justerare is recognised)."""
    from .stages import ROLES

    if role not in ROLES:
        raise InputError(f"{role!r}: okänd roll – unknown role (tillåtna: {', '.join(ROLES)})")
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise InputError(f"{email!r}: ogiltig e-postadress – invalid email address")
    _check_password(password, email, org_name)
    if db.scalar(select(User).where(User.email == email)):
        raise InputError(f"{email}: användaren finns redan – user already exists")
    org = db.scalar(select(Org).where(Org.name == org_name))
    if org is None:
        org = Org(name=org_name)
        db.add(org)
        db.flush()
    user = User(email=email, password_hash=_hash(password), org_id=org.id, role=role,
                name=(name or "").strip()[:200] or None)
    db.add(user)
    db.commit()
    audit.record(db, "user_added", "cli", org_id=org.id, target=email)
    return user


def end_sessions(db: Session, user: User) -> int:
    result = db.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    db.commit()
    return result.rowcount


def set_password(db: Session, email: str, password: str) -> int:
    """New password; every session of the user ends. Returns how many sessions ended."""
    user = _user(db, email)
    _check_password(password, user.email, db.get(Org, user.org_id).name)
    user.password_hash = _hash(password)
    db.commit()
    audit.record(db, "password_changed", "cli", org_id=user.org_id, target=user.email)
    return end_sessions(db, user)


def set_disabled(db: Session, email: str, disabled: bool) -> int:
    user = _user(db, email)
    user.disabled = disabled
    db.commit()
    audit.record(db, "user_disabled" if disabled else "user_enabled", "cli", org_id=user.org_id, target=user.email)
    return end_sessions(db, user)


def delete_user(db: Session, email: str) -> None:
    user = _user(db, email)
    end_sessions(db, user)
    org_id, email = user.org_id, user.email
    db.delete(user)
    db.commit()
    audit.record(db, "user_deleted", "cli", org_id=org_id, target=email)


def authenticate(db: Session, email: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password)
    return user if ok and user is not None and not user.disabled else None


def log_in(db: Session, limiter: LoginLimiter, email: str, password: str, ip: str) -> tuple[str, str]:
    """Check the password (throttled per address and account); return (cookie token, csrf token)."""
    account = email.strip().lower()[:320]
    wait = limiter.retry_after(ip, account)
    if wait:
        audit.record(db, "login_throttled", account, ip=ip, ok=False)
        raise TooManyRequests(f"För många misslyckade inloggningar; försök igen om {wait} s – too many failed "
                              f"logins, retry in {wait} s", retry_after=wait)
    user = authenticate(db, account, password)
    if user is None:
        limiter.failed(ip, account)
        audit.record(db, "login_failed", account, ip=ip, ok=False)
        raise NotLoggedIn("Fel e-post eller lösenord – wrong email or password")
    limiter.succeeded(account)
    audit.record(db, "login_ok", user.email, org_id=user.org_id, ip=ip)
    return create_session(db, user)


def create_session(db: Session, user: User) -> tuple[str, str]:
    """Return (cookie token, csrf token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    db.execute(delete(SessionRow).where(
        (SessionRow.expires < now) | (SessionRow.last_seen < now - dt.timedelta(minutes=IDLE_MINUTES))))
    db.add(SessionRow(token_hash=_token_hash(token), user_id=user.id, csrf=csrf, last_seen=now,
                      expires=now + dt.timedelta(hours=SESSION_HOURS)))
    db.commit()
    return token, csrf


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))
        db.commit()


def session_user(db: Session, token: str | None) -> CurrentUser | None:
    if not token:
        return None
    row = db.get(SessionRow, _token_hash(token))
    now = utcnow()
    if row is None or row.expires < now or row.last_seen < now - dt.timedelta(minutes=IDLE_MINUTES):
        return None
    user = db.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    if (now - row.last_seen).total_seconds() > _TOUCH_SECONDS:
        row.last_seen = now
        db.commit()
    org = db.get(Org, user.org_id)
    return CurrentUser(id=user.id, email=user.email, org_id=org.id, org_name=org.name, csrf=row.csrf,
                       role=user.role, name=user.name)


def csrf_ok(user: CurrentUser, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(user.csrf, supplied)
