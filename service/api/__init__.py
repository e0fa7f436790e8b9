"""JSON API (OpenAPI at /docs), split by resource. Routes are thin: they take typed dependencies
(service/deps.py), call a service function, and return a response model; errors are domain
exceptions mapped to status codes in service/errors.py."""

from fastapi import APIRouter

from . import export, lifecycle, meetings, org, political, protocol, session, transcript

router = APIRouter(prefix="/api", tags=["api"])
router.include_router(session.router)
router.include_router(meetings.router)
router.include_router(protocol.router)
router.include_router(export.router)
router.include_router(org.router)
router.include_router(transcript.router)
router.include_router(lifecycle.router)
router.include_router(political.router)
