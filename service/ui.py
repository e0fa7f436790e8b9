"""Server-rendered review UI (Jinja2, autoescaped; a little plain JS in static/review.js).

The pages only read; every change goes through the JSON API with the CSRF token, so the UI and
other tools share one set of rules (versions, audit, access).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from pipelines import dates
from pipelines.models import (ACCEPTED, DRAFTING, EDITED, FAILED, QUEUED, READY, REJECTED, SEGMENTING, SUGGESTED,
                              TRANSCRIBING, Protocol)

from . import audit, auth
from .api.session import start_session
from .db import MeetingRow
from .deps import SessionDep, find_meeting
from .errors import Forbidden, NotFound, NotLoggedIn, TooManyRequests
from .middleware import same_origin
from .exports import kept_stats
from .review import review_label
from .schemas import MeetingStatus
from .stages import SECRETARY, UTKAST

router = APIRouter(include_in_schema=False)
env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                  autoescape=select_autoescape(["html"], default=True))

STATUS_LABELS = {QUEUED: "I kö", TRANSCRIBING: "Transkriberar", SEGMENTING: "Delar upp i punkter",
                 DRAFTING: "Skriver utkast", READY: "Klar för granskning", FAILED: "Misslyckades"}
DECISION_LABELS = {SUGGESTED: "Förslag", ACCEPTED: "Godtaget", EDITED: "Redigerat", REJECTED: "Struket"}


def clock(seconds: float | None) -> str:
    return "–" if seconds is None else dates.clock(seconds)


env.filters["clock"] = clock
env.globals.update(STATUS_LABELS=STATUS_LABELS, DECISION_LABELS=DECISION_LABELS, READY=READY, FAILED=FAILED)


def render(name: str, status_code: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status_code)


def page_user(request: Request, db) -> auth.CurrentUser | None:
    return auth.session_user(db, request.cookies.get(auth.COOKIE))


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render("login.html", next=next if next.startswith("/") and not next.startswith("//") else "/", error=None)


@router.post("/login")
def login_form(request: Request, db: SessionDep, email: str = Form(..., max_length=320),
               password: str = Form(..., max_length=1024), next: str = Form("/", max_length=2000)):
    """Cross-site posts never get here (service/middleware.py), so a foreign page cannot log you in."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    try:
        start_session(request, db, response, email, password)
    except (NotLoggedIn, TooManyRequests) as e:
        headers = {"Retry-After": str(e.retry_after)} if isinstance(e, TooManyRequests) else None
        page = render("login.html", e.status, next=target, error=e.message.split(" – ")[0] + ".", email=email)
        page.headers.update(headers or {})
        return page
    return response


@router.post("/logout")
def logout_form(request: Request, db: SessionDep, csrf_token: str = Form("", max_length=200)):
    """The server session always ends with the cookie: both when the browser says the form is our own
    page, or the form carries the session's token; otherwise nothing changes (403)."""
    user = page_user(request, db)
    if not (same_origin(request.headers) or (user and auth.csrf_ok(user, csrf_token))):
        raise Forbidden("Utloggningen kom inte från Protokolls egen sida – logout not from our page")
    auth.end_session(db, request.cookies.get(auth.COOKIE))
    if user:
        audit.record(db, "logout", user.email, org_id=user.org_id, ip=audit.client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@router.get("/")
def meetings_page(request: Request, db: SessionDep) -> Response:
    user = page_user(request, db)
    if user is None:
        return _to_login(request)
    rows = db.scalars(select(MeetingRow).where(MeetingRow.org_id == user.org_id).order_by(MeetingRow.created.desc()))
    limit_mb = request.app.state.settings.max_upload_bytes // (1024 * 1024)
    rows = list(rows)
    reviews = {r.id: review_label(Protocol.model_validate_json(r.protocol)) for r in rows
               if r.status == READY and r.protocol is not None}
    return render("meetings.html", user=user, meetings=[MeetingStatus.of(r) for r in rows], limit_mb=limit_mb,
                  reviews=reviews)


def page_meeting(meeting_id: str, request: Request, db) -> tuple[auth.CurrentUser, MeetingRow] | Response:
    """The logged-in user and their meeting, or the page to show instead (login, not found)."""
    user = page_user(request, db)
    if user is None:
        return _to_login(request)
    try:
        return user, find_meeting(db, user, meeting_id)
    except NotFound:
        return render("error.html", 404, user=user, message="Mötet finns inte eller tillhör en annan organisation.")


@router.get("/meetings/{meeting_id}")
def meeting_page(meeting_id: str, request: Request, db: SessionDep) -> Response:
    found = page_meeting(meeting_id, request, db)
    if isinstance(found, Response):
        return found
    user, row = found
    status = MeetingStatus.of(row)
    if row.status != READY or row.protocol is None:
        return render("progress.html", user=user, meeting=status)
    if user.role != SECRETARY or row.stage != UTKAST:  # reviewers and a locked text: the justering page
        return RedirectResponse(f"/meetings/{row.id}/justering", status_code=303)
    protocol, original = Protocol.model_validate_json(row.protocol), Protocol.model_validate_json(row.original)
    stats = kept_stats(original, protocol)
    drafts = {item.number: item for item in original.items}  # the AI's text of each item, to compare with
    return render("review.html", user=user, meeting=status, protocol=protocol, version=row.version, stats=stats,
                  drafts=drafts)
