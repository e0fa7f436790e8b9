"""Typed dependencies of the routes, in one place: the DB session, the logged-in user, the writer
(a logged-in user whose request carries the session's CSRF token) and the caller's meeting.

Every meeting is looked up *within the caller's organisation*; a meeting of another organisation is
indistinguishable from one that does not exist (404).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from . import auth
from .db import MeetingRow
from .errors import Forbidden, NotFound, NotLoggedIn
from .stages import require_secretary


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db)]


def session_user(request: Request, db: SessionDep) -> auth.CurrentUser | None:
    return auth.session_user(db, request.cookies.get(auth.COOKIE))


def current_user(user: Annotated[auth.CurrentUser | None, Depends(session_user)]) -> auth.CurrentUser:
    if user is None:
        raise NotLoggedIn()
    return user


CurrentUser = Annotated[auth.CurrentUser, Depends(current_user)]


def writer(request: Request, user: CurrentUser) -> auth.CurrentUser:
    """A logged-in user making a state-changing request: the CSRF token must match the session."""
    if not auth.csrf_ok(user, request.headers.get(auth.CSRF_HEADER)):
        raise Forbidden("CSRF-token saknas eller är fel – missing or wrong CSRF token")
    return user


Writer = Annotated[auth.CurrentUser, Depends(writer)]


def secretary(user: Writer) -> auth.CurrentUser:
    """A state change only the secretary makes (organisation lists, templates); a chair or justerare reviews."""
    require_secretary(user.role)
    return user


Secretary = Annotated[auth.CurrentUser, Depends(secretary)]


def find_meeting(db: Session, user: auth.CurrentUser, meeting_id: str) -> MeetingRow:
    row = db.get(MeetingRow, meeting_id)
    if row is None or row.org_id != user.org_id:
        raise NotFound("Mötet finns inte – meeting not found")
    return row


def reader_meeting(meeting_id: str, db: SessionDep, user: CurrentUser) -> MeetingRow:
    return find_meeting(db, user, meeting_id)


def writer_meeting(meeting_id: str, db: SessionDep, user: Writer) -> MeetingRow:
    return find_meeting(db, user, meeting_id)


MeetingDep = Annotated[MeetingRow, Depends(reader_meeting)]
WritableMeeting = Annotated[MeetingRow, Depends(writer_meeting)]
