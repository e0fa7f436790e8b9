"""A meeting's life after upload that is not review: deletion (GDPR)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .db import AuditRow, MeetingRow


def delete_meeting(db: Session, state, row: MeetingRow) -> None:
    """Remove the recording, transcript, drafts, exports, protocol and its audit trail."""
    state.runner.cancel(row.id)
    db.execute(delete(AuditRow).where(AuditRow.meeting_id == row.id))
    db.delete(row)
    db.commit()
    state.data.delete_meeting(row.id)
