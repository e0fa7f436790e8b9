"""Domain errors of the service, and the one place that turns them into HTTP status codes.

Service functions (uploads, edits, exports) raise these; routes never catch them. Every message is
Swedish first, English after a dash, like the CLI's.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pipelines.errors import AudioError, ProtokollError


class ServiceError(Exception):
    """An error the caller can act on; `status` is its HTTP status code."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def detail(self) -> object:
        return self.message


class NotFound(ServiceError):
    status = 404


class NotLoggedIn(ServiceError):
    status = 401

    def __init__(self, message: str = "Du är inte inloggad – not logged in"):
        super().__init__(message)


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


class NotReady(Conflict):
    def __init__(self, message: str = "Protokollet är inte klart än – the protocol is not ready yet"):
        super().__init__(message)


class StaleVersion(Conflict):
    """A write based on an older version of the protocol: the client must reload (its text is kept)."""

    MESSAGE = "Någon annan har ändrat protokollet sedan du öppnade det – someone else changed the protocol"

    def __init__(self, current: int):
        super().__init__(self.MESSAGE)
        self.current = current

    def detail(self) -> object:
        return {"message": self.message, "version": self.current}


class Locked(ServiceError):
    """The protocol is sent for justering or justerat: its text no longer changes by editing."""

    status = 423


class Invalid(ServiceError):
    status = 422


class TooLarge(ServiceError):
    status = 413


class TooManyRequests(ServiceError):
    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
        return JSONResponse({"detail": exc.detail()}, status_code=exc.status, headers=headers)

    @app.exception_handler(AudioError)
    async def _not_audio(request: Request, exc: AudioError):
        return JSONResponse({"detail": str(exc)}, status_code=415)

    @app.exception_handler(ProtokollError)
    async def _user_error(request: Request, exc: ProtokollError):
        return JSONResponse({"detail": str(exc)}, status_code=422)
