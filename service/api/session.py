"""Log in and out with a JSON body (the web pages use the form routes in service/ui.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from .. import auth
from ..deps import CurrentUser, SessionDep, Writer
from ..errors import NotLoggedIn
from ..schemas import LoginIn, LoginOut

router = APIRouter()


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(auth.COOKIE, token, httponly=True, samesite="lax", secure=secure,
                        max_age=auth.SESSION_DAYS * 86400, path="/")


@router.post("/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, response: Response, db: SessionDep):
    user = auth.authenticate(db, body.email, body.password)
    if user is None:
        raise NotLoggedIn("Fel e-post eller lösenord – wrong email or password")
    token, csrf = auth.create_session(db, user)
    set_session_cookie(response, token, request.app.state.settings.secure_cookies)
    me = auth.session_user(db, token)
    return LoginOut(email=me.email, organisation=me.org_name, csrf_token=csrf)


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, user: Writer, db: SessionDep) -> None:
    auth.end_session(db, request.cookies.get(auth.COOKIE))
    response.delete_cookie(auth.COOKIE, path="/")


@router.get("/me", response_model=LoginOut)
def me(user: CurrentUser):
    return LoginOut(email=user.email, organisation=user.org_name, csrf_token=user.csrf)
