"""The stages of a protocol and the roles of users: who may change what, checked in one place.

    utkast → klart för justering → justerat → anslaget → nedtaget

Only the draft (utkast) can be edited. From "klart för justering" on, the text is the one the chair
and the justerare sign; an edit is refused with 423 and a rättelse (service/lifecycle.py) is the only
way to change a justerat protocol.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import MeetingRow, User
from .errors import Forbidden, Locked

UTKAST, KLAR, JUSTERAT, ANSLAGET, NEDTAGET = "utkast", "klar", "justerat", "anslaget", "nedtaget"
STAGES = (UTKAST, KLAR, JUSTERAT, ANSLAGET, NEDTAGET)
STAGE_LABELS = {UTKAST: "Utkast", KLAR: "Klart för justering", JUSTERAT: "Justerat", ANSLAGET: "Anslaget",
                NEDTAGET: "Nedtaget"}

SECRETARY, REVIEWER = "sekreterare", "granskare"  # a reviewer is a chair or justerare: reads, comments, signs
ROLES = (SECRETARY, REVIEWER)
CHAIR, JUSTERARE = "ordförande", "justerare"


def role_of(db: Session, email: str) -> str:
    return db.scalar(select(User.role).where(User.email == email)) or SECRETARY


def require_secretary(role: str) -> None:
    if role != SECRETARY:
        raise Forbidden("Bara sekreteraren kan göra det – only the secretary may do that")


def check_editable(db: Session, row: MeetingRow, actor: str) -> None:
    """Called by every edit of the protocol text (service/review.py `change`)."""
    require_secretary(role_of(db, actor))
    if row.stage != UTKAST:
        raise Locked(f"Protokollet är {STAGE_LABELS[row.stage].lower()} och kan inte ändras. "
                     + ("Återta det till utkast först – withdraw it to draft first" if row.stage == KLAR else
                        "Gör en rättelse i stället – the protocol is justerat; make a correction instead"))


def check_deletable(role: str, row: MeetingRow) -> None:
    require_secretary(role)
    if row.stage != UTKAST:
        raise Locked(f"Protokollet är {STAGE_LABELS[row.stage].lower()} och är en allmän handling; det tas inte "
                     "bort – a protocol sent for justering or justerat is kept")
