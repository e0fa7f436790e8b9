"""The justering page: the protocol as it is signed, its evidence, the reviewers' comments, the
signatures and the anslagsbevis. The secretary, the chair and the justerare all use it; what each may
do is decided by the API (service/lifecycle.py), the page only shows the buttons that apply."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pipelines.models import REJECTED, Protocol

from . import lifecycle
from .deps import SessionDep
from .stages import ANSLAGET, JUSTERAT, NEDTAGET, REVIEWER, SECRETARY
from .ui import page_meeting, render

router = APIRouter(include_in_schema=False)
PUBLISHABLE = (JUSTERAT, ANSLAGET, NEDTAGET)


def organ(protocol: Protocol) -> str:
    card = protocol.meeting.political
    return card.body.name if card else protocol.meeting.title


@router.get("/meetings/{meeting_id}/justering")
def justering_page(meeting_id: str, request: Request, db: SessionDep) -> Response:
    found = page_meeting(meeting_id, request, db)
    if isinstance(found, Response):
        return found
    user, row = found
    if row.protocol is None:
        return render("error.html", 409, user=user, message="Protokollet är inte klart än.")
    protocol = Protocol.model_validate_json(row.protocol)
    for item in protocol.items:
        item.decisions = [d for d in item.decisions if d.status != REJECTED]
    status = lifecycle.status(db, row)
    notes = lifecycle.comments(db, row)
    mine = next((s for s in status.signers if s.email == user.email), None)
    return render("justering.html", user=user, meeting_id=row.id, protocol=protocol, status=status, version=row.version,
                  comments=notes, by_item={c.item for c in notes}, reviewers=lifecycle.reviewers(db, user.org_id),
                  organ=organ(protocol), is_secretary=user.role == SECRETARY, is_reviewer=user.role == REVIEWER,
                  my_signature=mine, swedish_time=lifecycle.swedish_time, item_status={i.item: i for i in status.items},
                  pub=lifecycle.publication(row) if user.role == SECRETARY and status.stage in PUBLISHABLE else None)
