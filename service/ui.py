"""Server-rendered review UI (Jinja2, autoescaped; a little plain JS in static/review.js).

The pages only read; every change goes through the JSON API with the CSRF token, so the UI and
other tools share one set of rules (versions, audit, access).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines import dates
from pipelines.models import Protocol

from . import auth, review
from .api import get_db, meeting_row, set_session_cookie, status_of
from .db import READY, MeetingRow

router = APIRouter(include_in_schema=False)
env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                  autoescape=select_autoescape(["html"], default=True))

STATUS_LABELS = {"queued": "I kö", "transcribing": "Transkriberar", "segmenting": "Delar upp i punkter",
                 "drafting": "Skriver utkast", "ready": "Klar för granskning", "failed": "Misslyckades"}
DECISION_LABELS = {"suggested": "Förslag", "accepted": "Godtaget", "edited": "Redigerat", "rejected": "Struket"}


def clock(seconds: float | None) -> str:
    return "–" if seconds is None else dates.clock(seconds)


env.filters["clock"] = clock
env.globals.update(STATUS_LABELS=STATUS_LABELS, DECISION_LABELS=DECISION_LABELS)


def render(name: str, status_code: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status_code)


def page_user(request: Request, db: Session) -> auth.CurrentUser | None:
    return auth.session_user(db, request.cookies.get(auth.COOKIE))


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render("login.html", next=next if next.startswith("/") and not next.startswith("//") else "/", error=None)


@router.post("/login")
def login_form(request: Request, email: str = Form(...), password: str = Form(...), next: str = Form("/"),
               db: Session = Depends(get_db)):
    user = auth.authenticate(db, email, password)
    if user is None:
        return render("login.html", 401, next=next, error="Fel e-post eller lösenord.", email=email)
    token, _ = auth.create_session(db, user)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, token, request.app.state.settings.secure_cookies)
    return response


@router.post("/logout")
def logout_form(request: Request, csrf_token: str = Form(""), db: Session = Depends(get_db)):
    user = page_user(request, db)
    if user and auth.csrf_ok(user, csrf_token):
        auth.end_session(db, request.cookies.get(auth.COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@router.get("/")
def meetings_page(request: Request, db: Session = Depends(get_db)) -> Response:
    user = page_user(request, db)
    if user is None:
        return _to_login(request)
    rows = db.scalars(select(MeetingRow).where(MeetingRow.org_id == user.org_id).order_by(MeetingRow.created.desc()))
    limit_mb = request.app.state.settings.max_upload_bytes // (1024 * 1024)
    return render("meetings.html", user=user, meetings=[status_of(r) for r in rows], limit_mb=limit_mb)


@router.get("/meetings/{meeting_id}")
def meeting_page(meeting_id: str, request: Request, db: Session = Depends(get_db)) -> Response:
    user = page_user(request, db)
    if user is None:
        return _to_login(request)
    try:
        row = meeting_row(meeting_id, db, user)
    except HTTPException:
        return render("error.html", 404, user=user, message="Mötet finns inte eller tillhör en annan organisation.")
    status = status_of(row)
    if row.status != READY or row.protocol is None:
        return render("progress.html", user=user, meeting=status)
    protocol = Protocol.model_validate_json(row.protocol)
    stats = review.kept_stats(Protocol.model_validate_json(row.original), protocol)
    return render("review.html", user=user, meeting=status, protocol=protocol, version=row.version, stats=stats)
