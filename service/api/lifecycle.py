"""The protocol's lifecycle: send for justering, justera, anslå, take down, rättelse; comments of the
reviewers and their resolution; the document that is signed and the sealed archive copy."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from pipelines.publication import Finding

from .. import lifecycle, notify, review
from ..audit import client_ip, record
from ..db import CommentRow, utcnow
from ..deps import CurrentUser, MeetingDep, SessionDep, WritableMeeting, Writer, find_meeting
from ..errors import NotFound
from ..exports import ExportOptions, docx_bytes
from .export import DOCX
from ..schemas import TEXT, Name, Saved

router = APIRouter(prefix="/meetings/{meeting_id}")
Email = Field(max_length=320)


def today(request: Request) -> dt.date:
    return request.app.state.settings.today or dt.datetime.now(lifecycle.SWEDEN).date()


def mail(request: Request, tasks: BackgroundTasks, to: list[str], subject: str, meeting_id: str, text: str) -> None:
    """Queue an e-mail after the response (when mail is configured)."""
    settings = request.app.state.settings.mail
    if settings is not None:
        body = f"{text}\n\n{notify.link(settings, meeting_id)}\n\n– Protokoll"
        tasks.add_task(notify.send, settings, to, subject, body)


def now(request: Request) -> dt.datetime:
    """Naive UTC, as every stored time; with a fixed date, that date at the current Swedish time."""
    fixed = request.app.state.settings.today
    if fixed is None:
        return utcnow()
    local = dt.datetime.combine(fixed, dt.datetime.now(lifecycle.SWEDEN).time(), tzinfo=lifecycle.SWEDEN)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


class SendIn(BaseModel):
    version: int
    chair: str = Field(max_length=320)
    justerare: list[str] = Field(max_length=20)


class SignIn(BaseModel):
    sha256: str = Field(min_length=64, max_length=64)


class ReasonIn(BaseModel):
    reason: str = Field("", max_length=2000)


class AnslagIn(BaseModel):
    up: dt.date | None = None
    place: str = Field(max_length=300)


class CorrectionIn(BaseModel):
    version: int
    item: int
    target: str = Field(max_length=100)  # "summary" or "decision:<id>"
    text: str = Field(max_length=TEXT)
    reason: str = Field(max_length=2000)


class CommentIn(BaseModel):
    item: int
    target: str = Field("", max_length=100)  # "" for the item, "decision:<id>" for a clause
    text: str = Field(max_length=10_000)


class ResolveIn(BaseModel):
    reply: str = Field("", max_length=10_000)


class CommentOut(BaseModel):
    id: int
    author: str
    at: str
    item: int
    target: str
    quote: str
    text: str
    resolved_by: str | None
    resolved_at: str | None
    reply: str | None

    @classmethod
    def of(cls, c: CommentRow) -> "CommentOut":
        return cls(id=c.id, author=c.author, at=lifecycle.swedish_time(c.at), item=c.item, target=c.target,
                   quote=c.quote, text=c.text, resolved_by=c.resolved_by, reply=c.reply,
                   resolved_at=lifecycle.swedish_time(c.resolved_at) if c.resolved_at else None)


class Reviewer(BaseModel):
    email: str
    name: Name | None


@router.get("/lifecycle", response_model=lifecycle.Status)
def get_status(row: MeetingDep, db: SessionDep):
    return lifecycle.status(db, row)


@router.get("/lifecycle/reviewers", response_model=list[Reviewer])
def get_reviewers(row: MeetingDep, db: SessionDep, user: CurrentUser):
    return [Reviewer(email=u.email, name=u.name) for u in lifecycle.reviewers(db, user.org_id)]


async def _send(meeting_id: str, body: SendIn, request: Request, user, tasks: BackgroundTasks,
                item: int | None) -> lifecycle.Status:
    sessions, data = request.app.state.sessions, request.app.state.data
    with sessions() as db:
        row = find_meeting(db, user, meeting_id)
        chosen = lifecycle.check_send(db, row, user, body.version, body.chair, body.justerare, item)
        protocol, original, changed = review.load_protocol(row), review.load_original(row), row.updated
    document = await run_in_threadpool(lifecycle.build_document, protocol, original, data.meeting_dir(meeting_id),
                                       changed, item)
    with sessions() as db:
        row = find_meeting(db, user, meeting_id)
        if item is None:
            lifecycle.send_for_justering(db, row, user, body.version, chosen, document)
        else:
            lifecycle.send_item(db, row, user, body.version, item, chosen, document)
        what = "Protokollet" if item is None else f"Punkt {item} (omedelbar justering) i protokollet"
        mail(request, tasks, [p.email for p, _ in chosen], f"Att justera: {row.title} {row.meeting_date}", row.id,
             f"{what} från {row.title} {row.meeting_date} är klart för justering. Läs, kommentera och justera här:")
        return lifecycle.status(db, row)


@router.post("/lifecycle/send", response_model=lifecycle.Status)
async def send(meeting_id: str, body: SendIn, request: Request, user: Writer, tasks: BackgroundTasks):
    """Klart för justering: the approved export becomes the PDF/A the chair and the justerare sign."""
    return await _send(meeting_id, body, request, user, tasks, None)


@router.post("/lifecycle/items/{number}/send", response_model=lifecycle.Status)
async def send_item(meeting_id: str, number: int, body: SendIn, request: Request, user: Writer,
                    tasks: BackgroundTasks):
    """Omedelbar justering of one item: its extract is signed now, and its text is locked."""
    return await _send(meeting_id, body, request, user, tasks, number)


@router.post("/lifecycle/withdraw", response_model=lifecycle.Status)
def withdraw(body: ReasonIn, row: WritableMeeting, db: SessionDep, user: Writer):
    lifecycle.withdraw(db, row, user, body.reason)
    return lifecycle.status(db, row)


@router.post("/lifecycle/sign", response_model=lifecycle.Status)
def sign(body: SignIn, request: Request, row: WritableMeeting, db: SessionDep, user: Writer,
         tasks: BackgroundTasks):
    """Justera: the signer confirms the SHA-256 of the document they read. The last signature seals it."""
    return _sign(body, request, row, db, user, tasks, None)


@router.post("/lifecycle/items/{number}/sign", response_model=lifecycle.Status)
def sign_item(number: int, body: SignIn, request: Request, row: WritableMeeting, db: SessionDep, user: Writer,
              tasks: BackgroundTasks):
    """Justera one item's extract (omedelbar justering)."""
    return _sign(body, request, row, db, user, tasks, number)


def _sign(body: SignIn, request: Request, row, db, user, tasks: BackgroundTasks, item: int | None):
    if lifecycle.sign(db, row, user, body.sha256, now(request), item):
        data, settings = request.app.state.data, request.app.state.settings
        key, cert = lifecycle.org_certificate(settings.data_dir / "certs", user.org_id, user.org_name)
        if item is None:
            lifecycle.seal(db, row, data.meeting_dir(row.id), key, cert, today(request))
            mail(request, tasks, [row.created_by], f"Justerat: {row.title} {row.meeting_date}", row.id,
                 f"Protokollet är justerat av alla. Sätt upp anslaget senast {lifecycle.status(db, row).anslag.latest}:")
        else:
            lifecycle.seal_item(db, row, item, data.meeting_dir(row.id), key, cert, today(request))
            mail(request, tasks, [row.created_by], f"Justerat: punkt {item}, {row.title} {row.meeting_date}", row.id,
                 f"Punkt {item} är omedelbart justerad av alla:")
    record(db, "justering", user.email, org_id=user.org_id, target=row.id, ip=client_ip(request))
    return lifecycle.status(db, row)


@router.post("/lifecycle/anslag", response_model=lifecycle.Status)
def anslag(body: AnslagIn, row: WritableMeeting, db: SessionDep, user: Writer):
    lifecycle.put_up(db, row, user, body.up, body.place)
    return lifecycle.status(db, row)


@router.post("/lifecycle/down", response_model=lifecycle.Status)
def down(request: Request, row: WritableMeeting, db: SessionDep, user: Writer):
    lifecycle.take_down(db, row, user, today(request))
    return lifecycle.status(db, row)


@router.post("/lifecycle/correction", response_model=Saved)
def correction(body: CorrectionIn, row: WritableMeeting, db: SessionDep, user: Writer):
    """Rättelse: a new version of a justerat protocol, with the reason in the audit trail."""
    return Saved(version=lifecycle.correct(db, row, user, body.version, body.item, body.target, body.text,
                                           body.reason))


def _file(row, request: Request, path_of, present: bool, download: str) -> FileResponse:
    path = path_of(request.app.state.data.meeting_dir(row.id))
    if not present or not path.exists():
        raise NotFound("Dokumentet finns inte än – no such document yet")
    return FileResponse(path, media_type="application/pdf", filename=download)


@router.get("/lifecycle/document.pdf", response_class=FileResponse)
def document(row: MeetingDep, request: Request):
    """The PDF/A sent for justering (its SHA-256 is what each signer confirms)."""
    return _file(row, request, lifecycle.document_path, row.document_sha256 is not None,
                 f"protokoll-{row.meeting_date}.pdf")


@router.get("/lifecycle/signed.pdf", response_class=FileResponse)
def signed(row: MeetingDep, request: Request, db: SessionDep, user: CurrentUser):
    """The archive copy: PDF/A with the organisation's PAdES signature (check it with `protokoll verify`)."""
    response = _file(row, request, lambda d: lifecycle.document_path(d, sealed=True), row.signed_sha256 is not None,
                     f"protokoll-{row.meeting_date}-justerat.pdf")
    record(db, "download", user.email, org_id=user.org_id, target=row.id, ip=client_ip(request))
    return response


@router.get("/lifecycle/items/{number}/{kind}.pdf", response_class=FileResponse)
def item_document(number: int, kind: Literal["document", "signed"], row: MeetingDep, request: Request, db: SessionDep,
                  user: CurrentUser):
    """An item's extract under omedelbar justering, as sent (`document`) or sealed (`signed`)."""
    done = lifecycle.item_justering(db, row, number)
    sealed = kind == "signed"
    response = _file(row, request, lambda d: lifecycle.document_path(d, number, sealed),
                     done is not None and (done.signed_sha256 is not None or not sealed),
                     f"protokollsutdrag-{row.meeting_date}-punkt-{number}{'-justerat' if sealed else ''}.pdf")
    if sealed:
        record(db, "download", user.email, org_id=user.org_id, target=row.id, ip=client_ip(request))
    return response


@router.get("/comments", response_model=list[CommentOut])
def list_comments(row: MeetingDep, db: SessionDep):
    return [CommentOut.of(c) for c in lifecycle.comments(db, row)]


@router.post("/comments", status_code=201, response_model=CommentOut)
def add_comment(body: CommentIn, request: Request, row: WritableMeeting, db: SessionDep, user: Writer,
                tasks: BackgroundTasks):
    comment = lifecycle.add_comment(db, row, user, body.item, body.target, body.text)
    if user.email != row.created_by:
        mail(request, tasks, [row.created_by], f"Ny kommentar: {row.title} {row.meeting_date}", row.id,
             f"{user.name or user.email} kommenterade punkt {comment.item}:\n\n{comment.text}")
    return CommentOut.of(comment)


@router.post("/comments/{comment_id}/resolve", response_model=CommentOut)
def resolve(comment_id: int, body: ResolveIn, row: WritableMeeting, db: SessionDep, user: Writer):
    return CommentOut.of(lifecycle.resolve_comment(db, row, user, comment_id, body.reply))


class MasksIn(BaseModel):
    masks: list[str] = Field(max_length=10_000)


class PublicationOut(BaseModel):
    findings: list[Finding]
    masked: list[str]
    kept: list[str]
    confirmed_by: str | None
    undecided: int


def _publication(found: lifecycle.Publication) -> PublicationOut:
    return PublicationOut(**found.model_dump(), undecided=len(found.undecided))


@router.get("/publication", response_model=PublicationOut)
def get_publication(row: MeetingDep):
    """Personal data found for the web copy, and what the secretary decided for each."""
    return _publication(lifecycle.publication(row))


@router.post("/publication", response_model=PublicationOut)
def confirm_publication(body: MasksIn, row: WritableMeeting, db: SessionDep, user: Writer):
    return _publication(lifecycle.confirm_masks(db, row, user, body.masks))


@router.get("/publication.docx", response_class=Response, responses={200: {"content": {DOCX: {}}}})
async def publication_docx(meeting_id: str, request: Request, user: CurrentUser):
    """The web copy: the justerat protocol with the confirmed masks; the signed original is untouched."""
    with request.app.state.sessions() as db:
        row = find_meeting(db, user, meeting_id)
        web, original, changed = lifecycle.web_copy(row), review.load_original(row), row.updated
    workdir = request.app.state.data.meeting_dir(row.id) / "exports"
    content = await run_in_threadpool(docx_bytes, web, original, workdir, changed,
                                      ExportOptions(mode="approved"))
    with request.app.state.sessions() as db:
        record(db, "export", user.email, org_id=user.org_id, target=row.id, ip=client_ip(request))
    name = f"protokoll-{row.meeting_date}-webb.docx"
    return Response(content, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/lifecycle/utdrag/{number}.docx", response_class=Response, responses={200: {"content": {DOCX: {}}}})
async def utdrag(meeting_id: str, number: int, request: Request, user: CurrentUser):
    """Protokollsutdrag of one item of a justerat protocol (or of an item justerat on its own), with the
    utdragsbestyrkande (the secretary's name and today's date)."""
    with request.app.state.sessions() as db:
        row = find_meeting(db, user, meeting_id)
        lifecycle.expect_item_justerat(db, row, number)
        protocol, original, changed = review.load_protocol(row), review.load_original(row), row.updated
    workdir = request.app.state.data.meeting_dir(row.id) / "exports"
    content = await run_in_threadpool(lifecycle.extract_docx, protocol, original, workdir, changed, number,
                                      today(request))
    with request.app.state.sessions() as db:
        record(db, "export", user.email, org_id=user.org_id, target=row.id, ip=client_ip(request))
    name = f"protokollsutdrag-{row.meeting_date}-punkt-{number}.docx"
    return Response(content, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
