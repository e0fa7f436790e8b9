"""A meeting's life after upload that is not review: deletion (GDPR)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from . import audit
from .auth import CurrentUser
from .db import AuditRow, MeetingRow
from .stages import check_deletable


def delete_meeting(db: Session, state, row: MeetingRow, user: CurrentUser, ip: str) -> None:
    """Remove the recording, transcript, drafts, exports, protocol and its edit trail. The security log
    keeps that it existed and who deleted it; files are removed after the commit, failures logged.
    Only the secretary deletes, and never a protocol sent for justering or justerat (a public record)."""
    check_deletable(user.role, row)
    state.runner.cancel(row.id)
    db.execute(delete(AuditRow).where(AuditRow.meeting_id == row.id))
    db.delete(row)
    db.commit()
    removed = state.data.delete_meeting(row.id)
    audit.record(db, "delete", user.email, org_id=user.org_id, target=row.id, ip=ip, ok=removed)
