"""The protocol's lifecycle over real HTTP (a `protokoll serve` subprocess with the fake pipeline):
secretary sends for justering, reviewers comment and justera, the archive copy is PAdES-signed PDF/A,
the anslag gets its dates, and a justerat protocol changes only by an audited rättelse.

The service runs as if today were Friday 2028-04-28 (PROTOKOLL_TODAY): Monday 1 May is a holiday.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import time

import pytest

from bench.common import free_port
from pipelines.documents.signing import verify_pdf
from tests.helpers.server import PASSWORD, ROOT, Server, docx_text, make_audio
from tests.helpers.server import ready_meeting as uploaded_and_ready

pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "soffice"], capture_output=True).returncode != 0, reason="LibreOffice saknas")

FRIDAY = "2028-04-28"


def add_user(data_dir, email: str, org: str, role: str = "sekreterare", name: str | None = None) -> None:
    from service.auth import add_user as add
    from service.db import open_db

    sessions = open_db(data_dir)
    with sessions() as db:
        add(db, email, PASSWORD, org, role=role, name=name)
    sessions.kw["bind"].dispose()


class Inbox:
    """A local SMTP server (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message["Subject"], message.get_content()))
        return "250 OK"

    def wait_for(self, subject: str, since: int, timeout: float = 10) -> list:
        """The mails with `subject` received after the first `since` ones (at least one)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.messages[since:] if m[1].startswith(subject)]
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no mail {subject!r}: {self.messages}")


@pytest.fixture(scope="module")
def inbox():
    try:
        from aiosmtpd.controller import Controller
    except ImportError:  # the optional mail is then not tested; everything else is
        yield None
        return
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, inbox):
    data_dir = tmp_path_factory.mktemp("lifecycle") / "data"
    add_user(data_dir, "anna@bastad.se", "Båstad")
    add_user(data_dir, "erik@bastad.se", "Båstad", "granskare", "Erik Svensson")
    add_user(data_dir, "lisa@bastad.se", "Båstad", "granskare", "Lisa Holm")
    add_user(data_dir, "olle@bastad.se", "Båstad", "granskare", "Olle Ek")
    env = {"PROTOKOLL_TODAY": FRIDAY}
    if inbox is not None:
        env.update(PROTOKOLL_SMTP_HOST="127.0.0.1", PROTOKOLL_SMTP_PORT=str(inbox.port),
                   PROTOKOLL_MAIL_FROM="protokoll@bastad.se", PROTOKOLL_PUBLIC_URL="https://protokoll.bastad.se")
    srv = Server(data_dir, env=env).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def clients(server):
    return {name: server.client(f"{name}@bastad.se") for name in ("anna", "erik", "lisa", "olle")}


@pytest.fixture(scope="module")
def meeting(clients, tmp_path_factory) -> str:
    return uploaded_and_ready(clients["anna"], make_audio(tmp_path_factory.mktemp("audio") / "möte.flac"))


def _version(client, meeting: str) -> int:
    return client.get(f"/api/meetings/{meeting}/protocol").json()["version"]


def test_lifecycle_from_draft_to_anslag(server, clients, meeting, tmp_path):
    anna, erik, lisa, olle = (clients[n] for n in ("anna", "erik", "lisa", "olle"))
    base = f"/api/meetings/{meeting}"
    assert anna.get(base + "/lifecycle").json()["stage"] == "utkast"

    # a reviewer reads but never edits, even a draft, nor the organisation's lists
    assert erik.put("/api/org/members", json={"members": []}).status_code == 403
    assert erik.post("/api/org/glossary", json={"word": "Jönsson"}).status_code == 403
    assert erik.get(base + "/protocol").status_code == 200
    r = erik.patch(base + "/items/1", json={"summary": "x", "version": _version(anna, meeting)})
    assert r.status_code == 403 and "sekreteraren" in r.json()["detail"]
    assert erik.post(base + "/items/1/redraft", json={"version": _version(anna, meeting)}).status_code == 403
    audio = make_audio(tmp_path / "annat.flac")
    with open(audio, "rb") as f:
        r = erik.post("/api/meetings", files={"recording": ("annat.flac", f, "audio/flac"),
                                              "meeting": ("meeting.yaml", b"title: x\ndate: 2028-04-25\n", "text/yaml")})
    assert r.status_code == 403

    # not ready for justering while decisions are unreviewed
    send = {"chair": "erik@bastad.se", "justerare": ["lisa@bastad.se"]}
    r = anna.post(base + "/lifecycle/send", json={**send, "version": _version(anna, meeting)})
    assert r.status_code == 409 and "inte granskade" in r.json()["detail"]
    protocol = anna.get(base + "/protocol").json()
    for item in protocol["items"]:
        for d in item["decisions"]:
            assert anna.patch(f"{base}/decisions/{d['id']}",
                              json={"status": "accepted", "version": _version(anna, meeting)}).status_code == 200
    # a signer must be a reviewer of the organisation; only the secretary sends
    r = anna.post(base + "/lifecycle/send", json={"chair": "anna@bastad.se", "justerare": ["lisa@bastad.se"],
                                                  "version": _version(anna, meeting)})
    assert r.status_code == 422 and "granskare" in r.json()["detail"]
    assert erik.post(base + "/lifecycle/send", json={**send, "version": _version(anna, meeting)}).status_code == 403
    r = anna.post(base + "/lifecycle/send", json={**send, "version": _version(anna, meeting)})
    assert r.status_code == 200, r.text
    status = r.json()
    assert status["stage"] == "klar" and [s["role"] for s in status["signers"]] == ["ordförande", "justerare"]
    document = anna.get(base + "/lifecycle/document.pdf").content
    assert document.startswith(b"%PDF") and b"pdfaid:part" in document
    assert hashlib.sha256(document).hexdigest() == status["document_sha256"]

    # the text is frozen while it is out for justering, and no extract is certified before justering
    assert anna.get(base + "/lifecycle/utdrag/2.docx").status_code == 409
    r = anna.patch(base + "/items/1", json={"summary": "ändrad", "version": _version(anna, meeting)})
    assert r.status_code == 423 and "klart för justering" in r.json()["detail"]

    # a justerare comments on one clause; the secretary resolves it
    clause = protocol["items"][1]["decisions"][0]
    r = lisa.post(base + "/comments", json={"item": 2, "target": f"decision:{clause['id']}",
                                            "text": "Stämmer det att vi noterade detta?"})
    assert r.status_code == 201 and r.json()["quote"] == clause["text"]
    comment = r.json()["id"]
    assert anna.get(base + "/lifecycle").json()["open_comments"] == 1
    assert lisa.post(f"{base}/comments/{comment}/resolve", json={}).status_code == 403
    r = anna.post(f"{base}/comments/{comment}/resolve", json={"reply": "Ja, enligt inspelningen 00:01."})
    assert r.status_code == 200 and r.json()["resolved_by"] == "anna@bastad.se"
    assert anna.get(base + "/lifecycle").json()["open_comments"] == 0

    # only the chosen sign, and only the document they read
    sha = status["document_sha256"]
    assert olle.post(base + "/lifecycle/sign", json={"sha256": sha}).status_code == 403
    assert erik.post(base + "/lifecycle/sign", json={"sha256": "0" * 64}).status_code == 409
    r = erik.post(base + "/lifecycle/sign", json={"sha256": sha})
    assert r.status_code == 200 and r.json()["stage"] == "klar"
    assert erik.post(base + "/lifecycle/sign", json={"sha256": sha}).status_code == 409  # twice
    r = lisa.post(base + "/lifecycle/sign", json={"sha256": sha})
    status = r.json()
    assert status["stage"] == "justerat" and status["anslag"]["justered_on"] == FRIDAY
    assert all(s["sha256"] == sha and s["signed_at"].startswith(FRIDAY) for s in status["signers"])  # Swedish time

    # the sealed archive copy: PDF/A, PAdES-signed by the organisation, covering the whole file
    signed = anna.get(base + "/lifecycle/signed.pdf").content
    assert hashlib.sha256(signed).hexdigest() == status["signed_sha256"]
    assert signed.startswith(document)  # an incremental signature: the signed bytes are the justerat ones
    path = tmp_path / "justerat.pdf"
    path.write_bytes(signed)
    cert = server.data_dir / "certs" / "1" / "cert.pem"
    [verdict] = verify_pdf(path, cert)
    assert verdict.unchanged and verdict.trusted and "Båstad" in verdict.signed_by
    assert "Erik Svensson (ordförande" in verdict.reason and "Lisa Holm (justerare" in verdict.reason
    done = subprocess.run([sys.executable, "-m", "service.cli", "verify", str(path), "--cert", str(cert)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "oförändrat" in done.stdout and "Lisa Holm" in done.stdout, done.stdout

    # a protokollsutdrag of a justerat item carries the utdragsbestyrkande, dated
    utdrag = docx_text(anna.get(base + "/lifecycle/utdrag/2.docx").content)
    assert "Protokollsutdrag" in utdrag and "Utdragsbestyrkande" in utdrag and "Bestyrkt den 28 april 2028" in utdrag
    assert "punkt 2" in utdrag and "punkt 1" not in utdrag

    # edits are refused after justering, and the meeting is no longer deleted
    assert erik.delete(base).status_code == 403
    r = anna.delete(base)
    assert r.status_code == 423 and "allmän handling" in r.json()["detail"]
    r = anna.patch(base + "/items/1", json={"summary": "ändrad", "version": _version(anna, meeting)})
    assert r.status_code == 423 and "rättelse" in r.json()["detail"]

    # anslag: Friday before 1 May -> up Tuesday 2 May at the latest, down three weeks later
    assert status["anslag"]["latest"] == "2028-05-02" and status["anslag"]["default_up"] == "2028-05-02"
    r = anna.post(base + "/lifecycle/anslag", json={"up": "2028-05-03", "place": "Kommunkansliet"})
    assert r.status_code == 422 and "senast 2028-05-02" in r.json()["detail"]
    r = anna.post(base + "/lifecycle/anslag", json={"place": "Kommunkansliet, Båstad"})
    anslag = r.json()["anslag"]
    assert r.json()["stage"] == "anslaget"
    assert (anslag["up"], anslag["down"], anslag["place"]) == ("2028-05-02", "2028-05-23", "Kommunkansliet, Båstad")
    r = anna.post(base + "/lifecycle/down")
    assert r.status_code == 409 and "2028-05-23" in r.json()["detail"]

    # a rättelse: a new audited version saying what and why; the signed copy stays as signed
    version = _version(anna, meeting)
    r = anna.post(base + "/lifecycle/correction", json={
        "version": version, "item": 2, "target": f"decision:{clause['id']}",
        "text": "att notera informationen under punkt 2 med godkännande", "reason": ""})
    assert r.status_code == 422 and "varför" in r.json()["detail"]
    r = anna.post(base + "/lifecycle/correction", json={
        "version": version, "item": 2, "target": f"decision:{clause['id']}",
        "text": "att notera informationen under punkt 2 med godkännande", "reason": "Skrivfel i beslutet"})
    assert r.status_code == 200 and r.json()["version"] == version + 1
    last = anna.get(base + "/audit").json()[-1]
    assert last["action"] == "rattelse" and last["before"] == {"text": clause["text"]}
    assert last["after"]["reason"] == "Skrivfel i beslutet"
    assert anna.get(base + "/lifecycle/signed.pdf").content == signed
    assert [a["action"] for a in anna.get(base + "/audit").json() if a["target"] == "lifecycle"] == \
        ["klar_for_justering", "justerat_av", "justerat_av", "forseglat", "anslaget"]


def test_withdraw_clears_signatures(server, clients, tmp_path_factory):
    anna, erik = clients["anna"], clients["erik"]
    meeting = uploaded_and_ready(anna, make_audio(tmp_path_factory.mktemp("audio2") / "möte.flac"))
    base = f"/api/meetings/{meeting}"
    for item in anna.get(base + "/protocol").json()["items"]:
        for d in item["decisions"]:
            anna.patch(f"{base}/decisions/{d['id']}", json={"status": "rejected", "version": _version(anna, meeting)})
    status = anna.post(base + "/lifecycle/send", json={"chair": "erik@bastad.se", "justerare": ["olle@bastad.se"],
                                                       "version": _version(anna, meeting)}).json()
    erik.post(base + "/lifecycle/sign", json={"sha256": status["document_sha256"]})
    r = anna.post(base + "/lifecycle/withdraw", json={"reason": "Ändring efter kommentar"})
    assert r.json()["stage"] == "utkast" and all(s["signed_at"] is None for s in r.json()["signers"])
    assert anna.patch(base + "/items/1", json={"summary": "ändrad", "version": _version(anna, meeting)}).status_code == 200


def test_web_copy_masks_what_the_secretary_confirms(server, clients, tmp_path_factory):
    anna, erik, lisa = clients["anna"], clients["erik"], clients["lisa"]
    meeting = uploaded_and_ready(anna, make_audio(tmp_path_factory.mktemp("audio3") / "möte.flac"))
    base = f"/api/meetings/{meeting}"
    summary = ("Jonas Jönsson föredrog ärendet. Klaganden har personnummer 19811218-9876 och bor på "
               "Storgatan 12, 269 33 Båstad.")
    assert anna.patch(base + "/items/2", json={"summary": summary, "version": _version(anna, meeting)}).status_code == 200
    for item in anna.get(base + "/protocol").json()["items"]:
        for d in item["decisions"]:
            anna.patch(f"{base}/decisions/{d['id']}", json={"status": "accepted", "version": _version(anna, meeting)})
    sha = anna.post(base + "/lifecycle/send", json={"chair": "erik@bastad.se", "justerare": ["lisa@bastad.se"],
                                                    "version": _version(anna, meeting)}).json()["document_sha256"]
    assert anna.post(base + "/publication", json={"masks": []}).status_code == 409  # not justerat yet
    erik.post(base + "/lifecycle/sign", json={"sha256": sha})
    lisa.post(base + "/lifecycle/sign", json={"sha256": sha})

    found = anna.get(base + "/publication").json()
    texts = {f["text"]: f["id"] for f in found["findings"]}
    assert set(texts) == {"19811218-9876", "Storgatan 12, 269 33 Båstad"}  # the attendee's name is kept
    assert found["undecided"] == 2
    r = anna.get(base + "/publication.docx")
    assert r.status_code == 409 and "inte bekräftade" in r.json()["detail"]
    assert lisa.post(base + "/publication", json={"masks": list(texts.values())}).status_code == 403
    r = anna.post(base + "/publication", json={"masks": list(texts.values())})
    assert r.status_code == 200 and r.json()["undecided"] == 0
    text = docx_text(anna.get(base + "/publication.docx").content)
    assert "[personnummer]" in text and "[adress]" in text and "Jonas Jönsson föredrog ärendet" in text
    assert "9876" not in text and "Storgatan" not in text
    assert "19811218-9876" in anna.get(base + "/protocol").json()["items"][1]["summary"]  # the original stays


def test_political_extract_certified_by_the_secretary(tmp_path):
    from docx import Document

    from pipelines.meeting_card import load_meeting
    from pipelines.models import Decision, ItemDraft, Protocol
    from pipelines.political.export import export_political_docx

    meeting = load_meeting(ROOT / "samples" / "political" / "meeting.yaml")
    items = [ItemDraft(number=n, title=t, decisions=[Decision(text=f"att godkänna punkt {n}", status="accepted")])
             for n, t in enumerate(meeting.agenda, start=1)]
    out = export_political_docx(Protocol(meeting=meeting, items=items), tmp_path / "utdrag.docx", mode="approved",
                                item=2, certified=dt.date(2026, 4, 22))
    lines = [p.text for p in Document(str(out)).paragraphs]
    tail = lines[lines.index("Utdragsbestyrkande"):]
    assert "Bestyrkt den 22 april 2026" in tail and tail[-1] == "Mikaela Ström"


def test_mail_to_signers_and_secretary(server, clients, inbox, tmp_path_factory):
    if inbox is None:
        pytest.skip("aiosmtpd saknas (pip install aiosmtpd)")
    anna, olle, erik = clients["anna"], clients["olle"], clients["erik"]
    meeting = uploaded_and_ready(anna, make_audio(tmp_path_factory.mktemp("audio4") / "möte.flac"))
    base = f"/api/meetings/{meeting}"
    for item in anna.get(base + "/protocol").json()["items"]:
        for d in item["decisions"]:
            anna.patch(f"{base}/decisions/{d['id']}", json={"status": "accepted", "version": _version(anna, meeting)})
    before = len(inbox.messages)
    sha = anna.post(base + "/lifecycle/send", json={"chair": "olle@bastad.se", "justerare": ["erik@bastad.se"],
                                                    "version": _version(anna, meeting)}).json()["document_sha256"]
    [(to, subject, body)] = inbox.wait_for("Att justera", before)
    assert sorted(to) == ["erik@bastad.se", "olle@bastad.se"]
    assert f"https://protokoll.bastad.se/meetings/{meeting}/justering" in body
    olle.post(base + "/comments", json={"item": 1, "text": "Rätt datum?"})
    [(to, subject, body)] = inbox.wait_for("Ny kommentar", before)
    assert to == ["anna@bastad.se"] and "Olle Ek kommenterade punkt 1" in body and "Rätt datum?" in body
    anna.post(base + "/comments", json={"item": 1, "text": "Egen anteckning"})  # her own: no mail to herself
    olle.post(base + "/lifecycle/sign", json={"sha256": sha})
    erik.post(base + "/lifecycle/sign", json={"sha256": sha})
    [(to, subject, body)] = inbox.wait_for("Justerat", before)
    assert to == ["anna@bastad.se"] and "senast 2028-05-02" in body
    assert len(inbox.messages) - before == 3


def test_omedelbar_justering_of_one_item(server, clients, tmp_path_factory, tmp_path):
    anna, erik, lisa = clients["anna"], clients["erik"], clients["lisa"]
    meeting = uploaded_and_ready(anna, make_audio(tmp_path_factory.mktemp("audio5") / "möte.flac"))
    base = f"/api/meetings/{meeting}"
    item2 = anna.get(base + "/protocol").json()["items"][1]
    send = {"chair": "erik@bastad.se", "justerare": ["lisa@bastad.se"]}
    r = anna.post(base + "/lifecycle/items/2/send", json={**send, "version": _version(anna, meeting)})
    assert r.status_code == 409 and "inte granskade" in r.json()["detail"]  # its own decisions first
    for d in item2["decisions"]:  # only item 2's: the others stay unreviewed
        anna.patch(f"{base}/decisions/{d['id']}", json={"status": "accepted", "version": _version(anna, meeting)})
    r = anna.post(base + "/lifecycle/items/2/send", json={**send, "version": _version(anna, meeting)})
    assert r.status_code == 200, r.text
    [pending] = r.json()["items"]
    assert r.json()["stage"] == "utkast" and pending["item"] == 2 and pending["signed_sha256"] is None
    extract = anna.get(base + "/lifecycle/items/2/document.pdf").content
    assert hashlib.sha256(extract).hexdigest() == pending["document_sha256"] and b"pdfaid:part" in extract
    assert anna.post(base + "/lifecycle/items/2/send", json={**send, "version": _version(anna, meeting)}).status_code == 409

    # item 2 is locked, item 1 is still a draft
    r = anna.patch(base + "/items/2", json={"summary": "ändrad", "version": _version(anna, meeting)})
    assert r.status_code == 423 and "Punkt 2 är omedelbart justerad" in r.json()["detail"]
    r = anna.patch(f"{base}/decisions/{item2['decisions'][0]['id']}",
                   json={"status": "rejected", "version": _version(anna, meeting)})
    assert r.status_code == 423
    assert anna.post(base + "/items/2/redraft", json={"version": _version(anna, meeting)}).status_code == 423
    assert anna.patch(base + "/items/1", json={"summary": "ändrad", "version": _version(anna, meeting)}).status_code == 200
    assert anna.get(base + "/lifecycle/utdrag/2.docx").status_code == 409  # not justerat yet
    # a search-and-replace across the protocol would reach into item 2 as well
    r = anna.post(base + "/replace", json={"find": "ändrad", "replace": "rättad", "version": _version(anna, meeting)})
    assert r.status_code == 423 and "omedelbart justerad" in r.json()["detail"]

    assert erik.post(base + "/lifecycle/sign", json={"sha256": pending["document_sha256"]}).status_code == 409
    erik.post(base + "/lifecycle/items/2/sign", json={"sha256": pending["document_sha256"]})
    r = lisa.post(base + "/lifecycle/items/2/sign", json={"sha256": pending["document_sha256"]})
    [done] = r.json()["items"]
    assert done["justered_on"] == FRIDAY and done["signed_sha256"] and r.json()["stage"] == "utkast"
    signed = tmp_path / "punkt-2.pdf"
    signed.write_bytes(anna.get(base + "/lifecycle/items/2/signed.pdf").content)
    [verdict] = verify_pdf(signed, server.data_dir / "certs" / "1" / "cert.pem")
    assert verdict.unchanged and verdict.trusted and "Lisa Holm (justerare" in verdict.reason
    utdrag = docx_text(anna.get(base + "/lifecycle/utdrag/2.docx").content)
    assert "Utdragsbestyrkande" in utdrag and "Bestyrkt den 28 april 2028" in utdrag
    assert anna.get(base + "/lifecycle/utdrag/1.docx").status_code == 409
