"""From draft to justerat and anslaget: sending a protocol for justering, the signatures of the chair
and the justerare, the organisation's seal on the archived copy, the anslag, rättelser and comments.

Sending for justering freezes the text: the approved export becomes a PDF/A whose SHA-256 every
signer confirms (they sign what they saw, byte for byte). The last signature seals that PDF/A with a
PAdES signature in the organisation's certificate. Every step is an audit entry of the protocol.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipelines.anslag import anslag_dates
from pipelines.documents.docx_pdf import pdf_from_docx
from pipelines.documents.signing import CERT, KEY, self_signed, sha256_file, sign_pdf
from pipelines.errors import InputError
from pipelines.models import Protocol
from pipelines.publication import Finding, find_personal_data, masked

from . import review
from .auth import CurrentUser
from .db import AuditRow, CommentRow, ItemJusteringRow, MeetingRow, SignerRow, User, utcnow
from .errors import Conflict, Forbidden, Invalid, NotFound
from .exports import ExportOptions, docx_bytes
from .stages import (ANSLAGET, CHAIR, JUSTERARE, JUSTERAT, KLAR, NEDTAGET, REVIEWER, STAGE_LABELS, UTKAST,
                     require_secretary)

DOCUMENT, SEALED = "protokoll.pdf", "protokoll-signerat.pdf"
SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_time(utc: dt.datetime) -> str:
    """A stored (naive UTC) time as the signers read it: Swedish local time to the minute."""
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")


# --- files ---------------------------------------------------------------------------------------

def folder(meeting_dir: Path) -> Path:
    return meeting_dir / "justering"


def document_path(meeting_dir: Path, item: int | None = None, sealed: bool = False) -> Path:
    """The PDF/A sent for justering (of the protocol, or of one item's extract) or its sealed copy."""
    if item is None:
        return folder(meeting_dir) / (SEALED if sealed else DOCUMENT)
    return folder(meeting_dir) / f"punkt-{item}{'-signerat' if sealed else ''}.pdf"


def extract_docx(protocol: Protocol, original: Protocol, workdir: Path, changed: dt.datetime, item: int,
                 certified: dt.date | None = None) -> bytes:
    """The protokollsutdrag of one item; only that item's decisions need to be reviewed."""
    alone = protocol.model_copy(deep=True)
    alone.items = [review.item_of(protocol, item)]
    return docx_bytes(alone, original, workdir, changed, ExportOptions(mode="approved", item=item),
                      certified=certified)


def build_document(protocol: Protocol, original: Protocol, meeting_dir: Path, changed: dt.datetime,
                   item: int | None = None) -> Path:
    """The approved export as PDF/A: the document the chair and the justerare sign. With `item`, the
    extract of that item alone (omedelbar justering; only its own decisions need to be reviewed)."""
    if item is None:
        content = docx_bytes(protocol, original, meeting_dir / "exports", changed, ExportOptions(mode="approved"))
    else:
        content = extract_docx(protocol, original, meeting_dir / "exports", changed, item)
    out = folder(meeting_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix="build-") as tmp:
        docx_path = Path(tmp) / "protokoll.docx"
        docx_path.write_bytes(content)
        pdf = pdf_from_docx(docx_path, Path(tmp), pdfa=True)
        return pdf.replace(document_path(meeting_dir, item))


def org_certificate(certs: Path, org_id: int, org_name: str) -> tuple[Path, Path]:
    """certs/<org id>/key.pem and cert.pem: the organisation's own, or a self-signed one made once."""
    where = certs / str(org_id)
    if not (where / KEY).exists() or not (where / CERT).exists():
        self_signed(where, org_name)
    return where / KEY, where / CERT


# --- the stages ----------------------------------------------------------------------------------

def _log(db: Session, row: MeetingRow, actor: str, action: str, after: object = None) -> None:
    db.add(AuditRow(meeting_id=row.id, actor=actor, action=action, target="lifecycle", before=None,
                    after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
                    version=row.version))


def _expect(row: MeetingRow, *stages: str) -> None:
    if row.stage not in stages:
        wanted = " eller ".join(STAGE_LABELS[s].lower() for s in stages)
        raise Conflict(f"Protokollet är {STAGE_LABELS[row.stage].lower()}, inte {wanted} – wrong stage ({row.stage})")


def reviewers(db: Session, org_id: int) -> list[User]:
    return list(db.scalars(select(User).where(User.org_id == org_id, User.role == REVIEWER, User.disabled.is_(False))
                           .order_by(User.name, User.email)))


def signers(db: Session, row: MeetingRow, item: int | None = None) -> list[SignerRow]:
    """Who signs the protocol (item None) or one item's omedelbar justering."""
    which = SignerRow.item.is_(None) if item is None else SignerRow.item == item
    return list(db.scalars(select(SignerRow).where(SignerRow.meeting_id == row.id, which).order_by(SignerRow.id)))


def item_justering(db: Session, row: MeetingRow, item: int) -> ItemJusteringRow | None:
    return db.scalar(select(ItemJusteringRow).where(ItemJusteringRow.meeting_id == row.id,
                                                    ItemJusteringRow.item == item))


def check_send(db: Session, row: MeetingRow, user: CurrentUser, version: int, chair: str,
               justerare: list[str], item: int | None = None) -> list[tuple[User, str]]:
    """Who will sign, checked before the (slow) document is built."""
    require_secretary(user.role)
    _expect(row, UTKAST)
    review.check_version(row, version)
    if item is not None:
        review.item_of(review.load_protocol(row), item)
        if item_justering(db, row, item):
            raise Conflict(f"Punkt {item} är redan skickad för omedelbar justering – already sent")
    emails = [chair.strip().lower()] + [e.strip().lower() for e in justerare if e.strip()]
    if len(emails) < 2:
        raise Invalid("Välj ordförande och minst en justerare – choose the chair and at least one justerare")
    if len(set(emails)) != len(emails):
        raise Invalid("Samma person kan inte justera två gånger – the same person twice")
    known = {u.email: u for u in reviewers(db, user.org_id)}
    missing = [e for e in emails if e not in known]
    if missing:
        raise Invalid(f"{', '.join(missing)}: ingen granskare i organisationen – not a reviewer here")
    return [(known[e], CHAIR if i == 0 else JUSTERARE) for i, e in enumerate(emails)]


def send_for_justering(db: Session, row: MeetingRow, user: CurrentUser, version: int,
                       chosen: list[tuple[User, str]], document: Path) -> None:
    review.check_version(row, version)
    _expect(row, UTKAST)
    row.stage, row.document_sha256 = KLAR, sha256_file(document)
    for old in signers(db, row):
        db.delete(old)
    for person, role in chosen:
        db.add(SignerRow(meeting_id=row.id, email=person.email, name=person.name or person.email, role=role))
    _log(db, row, user.email, "klar_for_justering",
         {"sha256": row.document_sha256, "signers": [f"{p.name or p.email} ({r})" for p, r in chosen]})
    db.commit()


def send_item(db: Session, row: MeetingRow, user: CurrentUser, version: int, item: int,
              chosen: list[tuple[User, str]], document: Path) -> None:
    """Omedelbar justering: the item's extract goes to its signers and the item's text is locked."""
    review.check_version(row, version)
    _expect(row, UTKAST)
    sha = sha256_file(document)
    db.add(ItemJusteringRow(meeting_id=row.id, item=item, document_sha256=sha))
    for person, role in chosen:
        db.add(SignerRow(meeting_id=row.id, item=item, email=person.email, name=person.name or person.email,
                         role=role))
    _log(db, row, user.email, "omedelbar_justering",
         {"item": item, "sha256": sha, "signers": [f"{p.name or p.email} ({r})" for p, r in chosen]})
    try:
        db.commit()
    except IntegrityError:  # sent twice at once: the unique (meeting, item) lets one through
        db.rollback()
        raise Conflict(f"Punkt {item} är redan skickad för omedelbar justering – already sent") from None


def withdraw(db: Session, row: MeetingRow, user: CurrentUser, reason: str) -> None:
    """Back to draft (a comment needs a change): the signatures given so far no longer count."""
    require_secretary(user.role)
    _expect(row, KLAR)
    row.stage, row.document_sha256 = UTKAST, None
    for s in signers(db, row):
        s.signed_at, s.sha256 = None, None
    _log(db, row, user.email, "atertaget", {"reason": reason})
    db.commit()


def sign(db: Session, row: MeetingRow, user: CurrentUser, sha256: str, now: dt.datetime,
         item: int | None = None) -> bool:
    """Record the justering of one signer (of the protocol, or of one item); True when it was the last one."""
    if item is None:
        _expect(row, KLAR)
        expected = row.document_sha256
    else:
        pending = item_justering(db, row, item)
        if pending is None or pending.signed_sha256 is not None:
            raise Conflict(f"Punkt {item} väntar inte på omedelbar justering – nothing to sign")
        expected = pending.document_sha256
    mine = next((s for s in signers(db, row, item) if s.email == user.email), None)
    if mine is None:
        raise Forbidden("Du är inte utsedd att justera det här protokollet – you are not a signer of this protocol")
    if mine.signed_at is not None:
        raise Conflict("Du har redan justerat protokollet – you have already signed")
    if sha256 != expected:
        raise Conflict("Dokumentet har ändrats sedan du öppnade det; läs in sidan igen – the document changed")
    mine.signed_at, mine.sha256 = now, sha256
    _log(db, row, user.email, "justerat_av", {"name": mine.name, "role": mine.role, "sha256": sha256,
                                              "at": now.isoformat(), "item": item})
    db.commit()
    return all(s.signed_at is not None for s in signers(db, row, item))


def _seal_pdf(done: list[SignerRow], sha256: str, source: Path, target: Path, key: Path, cert: Path) -> Path:
    reason = "Justerat av " + ", ".join(f"{s.name} ({s.role}, {swedish_time(s.signed_at)})" for s in done) + \
        f". SHA-256 för det justerade dokumentet: {sha256}"
    return sign_pdf(source, target, key, cert, reason=reason)


def seal(db: Session, row: MeetingRow, meeting_dir: Path, key: Path, cert: Path, today: dt.date) -> Path | None:
    """Every signer has signed: the PDF/A gets the organisation's PAdES signature; the protocol is justerat.
    Two last signatures at once seal it once: the stage changes compare-and-set, and SQLite's write lock
    is held until the sealed copy is written (None for the one that came second)."""
    claimed = db.execute(update(MeetingRow).where(MeetingRow.id == row.id, MeetingRow.stage == KLAR)
                         .values(stage=JUSTERAT))
    if claimed.rowcount != 1:
        db.rollback()
        db.refresh(row)
        return None
    try:
        sealed = _seal_pdf(signers(db, row), row.document_sha256, document_path(meeting_dir),
                           document_path(meeting_dir, sealed=True), key, cert)
    except Exception:
        db.rollback()  # still klart för justering; the next request may seal it
        raise
    row.stage, row.signed_sha256, row.justered_on = JUSTERAT, sha256_file(sealed), today.isoformat()
    _log(db, row, "Protokoll", "forseglat", {"sha256": row.signed_sha256, "justered_on": row.justered_on})
    db.commit()
    return sealed


def seal_item(db: Session, row: MeetingRow, item: int, meeting_dir: Path, key: Path, cert: Path,
              today: dt.date) -> Path | None:
    """The item's last signature: its extract gets the organisation's seal (once, as `seal`)."""
    pending = item_justering(db, row, item)
    claimed = db.execute(update(ItemJusteringRow).where(ItemJusteringRow.id == pending.id,
                                                        ItemJusteringRow.justered_on.is_(None))
                         .values(justered_on=today.isoformat()))
    if claimed.rowcount != 1:
        db.rollback()
        return None
    try:
        sealed = _seal_pdf(signers(db, row, item), pending.document_sha256, document_path(meeting_dir, item),
                           document_path(meeting_dir, item, sealed=True), key, cert)
    except Exception:
        db.rollback()
        raise
    db.refresh(pending)
    pending.signed_sha256 = sha256_file(sealed)
    _log(db, row, "Protokoll", "forseglat", {"item": item, "sha256": pending.signed_sha256,
                                             "justered_on": pending.justered_on})
    db.commit()
    return sealed


def put_up(db: Session, row: MeetingRow, user: CurrentUser, up: dt.date | None, place: str) -> None:
    """The anslag: up on the day chosen (default the next working day after justering), down three weeks later."""
    require_secretary(user.role)
    _expect(row, JUSTERAT)
    if not place.strip():
        raise Invalid("Ange var protokollet förvaras – the storage place is required")
    try:
        dates = anslag_dates(dt.date.fromisoformat(row.justered_on), up)
    except InputError as e:
        raise Invalid(str(e)) from None
    row.stage, row.anslag_up, row.anslag_down = ANSLAGET, dates.up.isoformat(), dates.down.isoformat()
    row.storage_place = place.strip()[:300]
    _log(db, row, user.email, "anslaget", {"up": row.anslag_up, "down": row.anslag_down, "place": row.storage_place})
    db.commit()


def take_down(db: Session, row: MeetingRow, user: CurrentUser, today: dt.date) -> None:
    require_secretary(user.role)
    _expect(row, ANSLAGET)
    if today < dt.date.fromisoformat(row.anslag_down):
        raise Conflict(f"Anslaget ska sitta uppe till {row.anslag_down} (överklagandetiden) – too early to take down")
    row.stage = NEDTAGET
    _log(db, row, user.email, "nedtaget", {"on": today.isoformat()})
    db.commit()


def correct(db: Session, row: MeetingRow, user: CurrentUser, version: int, item: int, target: str, text: str,
            reason: str) -> int:
    """A rättelse of a justerat protocol: a new version, audited with what changed and why. The signed
    copy stays as it was signed."""
    require_secretary(user.role)
    expect_justerat(row)
    if not reason.strip():
        raise Invalid("Ange varför rättelsen görs – a correction needs a reason")
    if not text.strip():
        raise Invalid("Den rättade texten är tom – the corrected text is empty")

    def apply(protocol: Protocol):
        it = review.item_of(protocol, item)
        if target == "summary":
            before, it.summary = it.summary, text.strip()
        else:
            decision = next((d for d in it.decisions if f"decision:{d.id}" == target), None)
            if decision is None:
                raise NotFound("Beslutet finns inte – decision not found")
            before, decision.text = decision.text, text.strip()
        return {"text": before}, {"text": text.strip(), "reason": reason.strip()}

    return review.change(db, row, version, user.email, "rattelse", f"item:{item}:{target}", apply, correction=True)


# --- comments ------------------------------------------------------------------------------------

def add_comment(db: Session, row: MeetingRow, user: CurrentUser, item: int, target: str, text: str) -> CommentRow:
    _expect(row, UTKAST, KLAR)
    if not text.strip():
        raise Invalid("Kommentaren är tom – the comment is empty")
    it = review.item_of(review.load_protocol(row), item)
    quote = it.summary
    if target:
        decision = next((d for d in it.decisions if f"decision:{d.id}" == target), None)
        if decision is None:
            raise NotFound("Beslutet finns inte – decision not found")
        quote = decision.text
    comment = CommentRow(meeting_id=row.id, author=user.email, item=item, target=target, quote=quote[:2000],
                         text=text.strip())
    db.add(comment)
    db.commit()
    return comment


def resolve_comment(db: Session, row: MeetingRow, user: CurrentUser, comment_id: int, reply: str) -> CommentRow:
    require_secretary(user.role)
    comment = db.get(CommentRow, comment_id)
    if comment is None or comment.meeting_id != row.id:
        raise NotFound("Kommentaren finns inte – comment not found")
    if comment.resolved_at is not None:
        raise Conflict("Kommentaren är redan åtgärdad – already resolved")
    comment.resolved_by, comment.resolved_at, comment.reply = user.email, utcnow(), reply.strip() or None
    db.commit()
    return comment


def comments(db: Session, row: MeetingRow) -> list[CommentRow]:
    return list(db.scalars(select(CommentRow).where(CommentRow.meeting_id == row.id).order_by(CommentRow.id)))


# --- what the page and the API show --------------------------------------------------------------

class Signer(BaseModel):
    email: str
    name: str
    role: str
    signed_at: str | None  # Swedish time, "2028-04-28 14:05"
    sha256: str | None


class Anslag(BaseModel):
    justered_on: str | None
    up: str | None
    down: str | None
    latest: str | None  # the last day the anslag may go up
    default_up: str | None
    place: str | None


class ItemStatus(BaseModel):
    """An item's omedelbar justering."""

    item: int
    document_sha256: str
    signed_sha256: str | None
    justered_on: str | None
    signers: list[Signer]


class Status(BaseModel):
    stage: str
    stage_label: str
    document_sha256: str | None
    signed_sha256: str | None
    signers: list[Signer]
    anslag: Anslag
    open_comments: int
    items: list[ItemStatus]  # omedelbar justering of single items


def status(db: Session, row: MeetingRow) -> Status:
    latest = default_up = None
    if row.justered_on:
        dates = anslag_dates(dt.date.fromisoformat(row.justered_on))
        latest, default_up = dates.latest.isoformat(), dates.up.isoformat()
    def people(item: int | None) -> list[Signer]:
        return [Signer(email=s.email, name=s.name, role=s.role, sha256=s.sha256,
                       signed_at=swedish_time(s.signed_at) if s.signed_at else None) for s in signers(db, row, item)]

    items = db.scalars(select(ItemJusteringRow).where(ItemJusteringRow.meeting_id == row.id)
                       .order_by(ItemJusteringRow.item))
    return Status(
        stage=row.stage, stage_label=STAGE_LABELS[row.stage], document_sha256=row.document_sha256,
        signed_sha256=row.signed_sha256,
        signers=people(None),
        items=[ItemStatus(item=j.item, document_sha256=j.document_sha256, signed_sha256=j.signed_sha256,
                          justered_on=j.justered_on, signers=people(j.item)) for j in items],
        anslag=Anslag(justered_on=row.justered_on, up=row.anslag_up, down=row.anslag_down, latest=latest,
                      default_up=default_up, place=row.storage_place),
        open_comments=sum(c.resolved_at is None for c in comments(db, row)))


# --- the web copy ---------------------------------------------------------------------------------

class Publication(BaseModel):
    findings: list[Finding]
    masked: list[str]  # finding ids the secretary confirmed to mask
    kept: list[str]  # finding ids the secretary confirmed to publish as they are
    confirmed_by: str | None = None

    @property
    def undecided(self) -> list[Finding]:
        return [f for f in self.findings if f.id not in self.masked and f.id not in self.kept]


def publication(row: MeetingRow) -> Publication:
    decided = json.loads(row.publication) if row.publication else {}
    return Publication(findings=find_personal_data(review.load_protocol(row)), masked=decided.get("masked", []),
                       kept=decided.get("kept", []), confirmed_by=decided.get("by"))


def confirm_masks(db: Session, row: MeetingRow, user: CurrentUser, masks: list[str]) -> Publication:
    """The secretary's decision on every finding: those in `masks` are masked, the others kept."""
    require_secretary(user.role)
    expect_justerat(row)
    found = publication(row)
    ids = {f.id for f in found.findings}
    unknown = set(masks) - ids
    if unknown:
        raise Invalid("Okänd maskering (protokollet har ändrats?); läs in sidan igen – unknown finding")
    decided = {"masked": sorted(set(masks)), "kept": sorted(ids - set(masks)), "by": user.email}
    row.publication = json.dumps(decided)
    _log(db, row, user.email, "maskering", {"masked": len(decided["masked"]), "kept": len(decided["kept"])})
    db.commit()
    return publication(row)


def expect_justerat(row: MeetingRow) -> None:
    _expect(row, JUSTERAT, ANSLAGET, NEDTAGET)


def expect_item_justerat(db: Session, row: MeetingRow, item: int) -> None:
    """An extract is certified once the protocol is justerat, or the item on its own."""
    done = item_justering(db, row, item)
    if done is None or done.signed_sha256 is None:
        expect_justerat(row)


def web_copy(row: MeetingRow) -> Protocol:
    """The protocol with the confirmed masks applied; refused while a finding is undecided."""
    expect_justerat(row)
    found = publication(row)
    if found.undecided:
        raise Conflict(f"{len(found.undecided)} möjliga personuppgifter är inte bekräftade än – "
                       f"{len(found.undecided)} findings are not confirmed yet")
    return masked(review.load_protocol(row), [f for f in found.findings if f.id in found.masked])
