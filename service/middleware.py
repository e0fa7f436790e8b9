"""What every request and response passes through: a body limit, a same-origin check on every
state-changing request, and the security headers. Plain ASGI, so streamed bodies stay streamed."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import HTTPException
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_LIMIT = 2 * 1024 * 1024  # every request body but the upload's (which streams with its own limits)
STREAMING = {("POST", "/api/meetings")}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff", "x-frame-options": "DENY",
           "referrer-policy": "same-origin", "cross-origin-opener-policy": "same-origin"}


class BodyTooLarge(HTTPException):
    def __init__(self):
        super().__init__(413, f"För stor begäran (högst {BODY_LIMIT // (1024 * 1024)} MB) – request body too large")


def same_origin(headers: Headers) -> bool | None:
    """True when the browser says the request comes from our own pages, False when it says it does not,
    None when it says nothing (a client that is not a browser). Sec-Fetch-Site is the browser's own
    verdict and holds behind a proxy that rewrites Host; Origin is compared with Host only without it."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc == headers.get("host", "")
    return None


class Guard:
    """Body limit and cross-site refusal for unsafe methods; security headers on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        path, method = scope["path"], scope["method"]

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for k, v in HEADERS.items():
                    out.setdefault(k, v)
                if not path.startswith("/static/"):
                    out["cache-control"] = "no-store"
            await send(message)

        if method in UNSAFE and same_origin(headers) is False:
            response = JSONResponse({"detail": "Begäran kommer från en annan webbplats – cross-site request refused"},
                                    status_code=403)
            return await response(scope, receive, send_secured)
        if (method, path) in STREAMING:
            return await self.app(scope, receive, send_secured)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > BODY_LIMIT:
            response = JSONResponse({"detail": BodyTooLarge().detail}, status_code=413)
            return await response(scope, receive, send_secured)
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > BODY_LIMIT:
                raise BodyTooLarge()
            return message

        await self.app(scope, limited, send_secured)
