"""Local accounts: argon2-hashed passwords, server-side sessions, CSRF tokens.

The session cookie is HttpOnly + SameSite=Lax and holds a random token; the DB keeps only its
sha256, so a leaked database does not hand out live sessions. Every state-changing request made
with the cookie must also carry the session's CSRF token (header X-CSRF-Token).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipelines.errors import InputError

from .db import Org, SessionRow, User, utcnow

COOKIE = "protokoll_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_DAYS = 7
_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class CurrentUser(BaseModel):
    id: int
    email: str
    org_id: int
    org_name: str
    csrf: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(db: Session, email: str, password: str, org_name: str) -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise InputError(f"{email!r}: ogiltig e-postadress – invalid email address")
    if len(password) < 8:
        raise InputError("lösenordet måste ha minst 8 tecken – password must be at least 8 characters")
    if db.scalar(select(User).where(User.email == email)):
        raise InputError(f"{email}: användaren finns redan – user already exists")
    org = db.scalar(select(Org).where(Org.name == org_name))
    if org is None:
        org = Org(name=org_name)
        db.add(org)
        db.flush()
    user = User(email=email, password_hash=_hasher.hash(password), org_id=org.id)
    db.add(user)
    db.commit()
    return user


def authenticate(db: Session, email: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def create_session(db: Session, user: User) -> tuple[str, str]:
    """Return (cookie token, csrf token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.execute(delete(SessionRow).where(SessionRow.expires < utcnow()))
    db.add(SessionRow(token_hash=_token_hash(token), user_id=user.id, csrf=csrf,
                      expires=utcnow() + dt.timedelta(days=SESSION_DAYS)))
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
    if row is None or row.expires < utcnow():
        return None
    user = db.get(User, row.user_id)
    org = db.get(Org, user.org_id)
    return CurrentUser(id=user.id, email=user.email, org_id=org.id, org_name=org.name, csrf=row.csrf)


def csrf_ok(user: CurrentUser, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(user.csrf, supplied)
