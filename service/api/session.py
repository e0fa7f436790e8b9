"""Log in and out with a JSON body (the web pages use the form routes in service/ui.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from .. import audit, auth
from ..deps import CurrentUser, SessionDep, Writer
from ..schemas import LoginIn, LoginOut

router = APIRouter()
LOGIN_ERRORS = {401: {"description": "Fel e-post eller lösenord"}, 429: {"description": "För många försök"}}


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(auth.COOKIE, token, httponly=True, samesite="lax", secure=secure,
                        max_age=auth.SESSION_HOURS * 3600, path="/")


def start_session(request: Request, db, response: Response, email: str, password: str) -> auth.CurrentUser:
    """Log in (throttled, audited) and set the session cookie on `response`."""
    state = request.app.state
    token, _ = auth.log_in(db, state.login_limiter, email, password, audit.client_ip(request))
    set_session_cookie(response, token, state.settings.secure_cookies)
    return auth.session_user(db, token)


@router.post("/login", response_model=LoginOut, responses=LOGIN_ERRORS)
def login(body: LoginIn, request: Request, response: Response, db: SessionDep):
    me = start_session(request, db, response, body.email, body.password)
    return LoginOut(email=me.email, organisation=me.org_name, csrf_token=me.csrf)


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, user: Writer, db: SessionDep) -> None:
    auth.end_session(db, request.cookies.get(auth.COOKIE))
    audit.record(db, "logout", user.email, org_id=user.org_id, ip=audit.client_ip(request))
    response.delete_cookie(auth.COOKIE, path="/")


@router.get("/me", response_model=LoginOut)
def me(user: CurrentUser):
    return LoginOut(email=user.email, organisation=user.org_name, csrf_token=user.csrf)
