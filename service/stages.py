"""The stages of a protocol and the roles of users: who may change what, checked in one place.

    utkast → klart för justering → justerat → anslaget → nedtaget

Only the draft (utkast) can be edited. From "klart för justering" on, the text is the one the chair
and the justerare sign; an edit is refused with 423 and a rättelse (service/lifecycle.py) is the only
way to change a justerat protocol.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import ItemJusteringRow, MeetingRow, User
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


def check_editable(db: Session, row: MeetingRow, actor: str, target: str = "") -> None:
    """Called by every edit of the protocol text (service/review.py `change`); `target` ("item:N…",
    "decision:<id>") names what changes, so an item under omedelbar justering stays as it was signed."""
    require_secretary(role_of(db, actor))
    if row.stage != UTKAST:
        raise Locked(f"Protokollet är {STAGE_LABELS[row.stage].lower()} och kan inte ändras. "
                     + ("Återta det till utkast först – withdraw it to draft first" if row.stage == KLAR else
                        "Gör en rättelse i stället – the protocol is justerat; make a correction instead"))
    locked = set(db.scalars(select(ItemJusteringRow.item).where(ItemJusteringRow.meeting_id == row.id)))
    if target == "protocol" and locked:
        raise Locked("En punkt är omedelbart justerad; en ändring i hela protokollet skulle ändra den – "
                     "an item is justerat on its own, so a change across the protocol is refused")
    for number in items_of_target(row, target):
        if number in locked:
            raise Locked(f"Punkt {number} är omedelbart justerad (eller skickad för det) och kan inte ändras – "
                         f"item {number} is justerat on its own")


def items_of_target(row: MeetingRow, target: str) -> list[int]:
    """The items an edit's target lies in: "item:3:summary" -> [3], "item:2,3:bounds" (a boundary moved
    between two items) -> [2, 3], "decision:<id>" -> its item."""
    kind, _, rest = target.partition(":")
    if kind == "item":
        return [int(n) for n in rest.split(":")[0].split(",")]
    if kind == "decision" and row.protocol:
        for item in json.loads(row.protocol)["items"]:
            if any(d["id"] == rest for d in item["decisions"]):
                return [item["number"]]
    return []


def check_deletable(role: str, row: MeetingRow) -> None:
    require_secretary(role)
    if row.stage != UTKAST:
        raise Locked(f"Protokollet är {STAGE_LABELS[row.stage].lower()} och är en allmän handling; det tas inte "
                     "bort – a protocol sent for justering or justerat is kept")
