"""The security log: who did what, when, from where, with no content (service/db.py SecurityEvent).

Events: login_ok, login_failed, login_throttled, logout, upload, download, export, delete, and the user
administration of `protokoll user` (user_added, user_disabled, user_enabled, user_deleted, password_changed).
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from .db import SecurityEvent


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def record(db: Session, event: str, actor: str, *, org_id: int | None = None, target: str = "", ip: str = "",
           ok: bool = True) -> None:
    db.add(SecurityEvent(event=event, actor=actor[:320], org_id=org_id, target=target[:320], ip=ip[:64], ok=ok))
    db.commit()
