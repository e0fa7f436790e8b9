"""The meeting form and the organisation's lists: the form gives the same card the YAML path gives (same
rules, same Swedish errors), the chair and justerare reach the Word signature page, members and glossary
are kept per organisation, and the export dialog's choices reach the document."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
import yaml

from pipelines.documents.export_docx import export_docx
from pipelines.errors import InputError
from pipelines.meeting_card import meeting_from_dict
from pipelines.models import ItemDraft, Protocol
from service.meeting_form import MeetingForm, agenda_lines, meeting_card
from tests.fixtures.make_template import BODY_FONT, HEADER_TEXT
from tests.helpers.server import Server, add_user, docx_text, make_audio, wait_ready

FIXTURES = Path(__file__).parent / "fixtures"

KALLELSE = """\
1. Mötets öppnande
2. Val av justerare
3. Budget 2026 och
   investeringsplan
4) Övriga frågor
"""

FORM = {"title": "Kommunstyrelsens arbetsutskott", "date": "2026-03-02", "time": "09.00-11.00",
        "place": "Stadshuset, Båstad", "chair": "Erik Svensson", "secretary": "Lena Ek",
        "justerare": ["Sara Lund", ""], "agenda": KALLELSE,
        "attendees": [{"name": "Erik Svensson", "party": "S", "role": "ordförande"},
                      {"name": "Sara Lund", "party": "C", "role": "ledamot"},
                      {"name": "Karl Nilsson", "party": "M", "role": "ledamot", "present": False}]}


def signature_page(document: docx.Document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    return texts[texts.index("Underskriftssida"):]


# --- the form as a card -----------------------------------------------------------------------

def test_agenda_from_a_kallelse_numbered_wrapped_or_plain():
    assert agenda_lines(KALLELSE) == ["Mötets öppnande", "Val av justerare", "Budget 2026 och investeringsplan",
                                      "Övriga frågor"]
    assert agenda_lines("- Mötets öppnande\n\n• Information\nÖvriga frågor\n") == [
        "Mötets öppnande", "Information", "Övriga frågor"]
    assert agenda_lines("  \n") == []


def test_form_gives_the_card_the_yaml_path_reads():
    text, meeting = meeting_card(MeetingForm.model_validate(FORM), glossary=["Fjärås"])
    assert meeting_from_dict(yaml.safe_load(text)) == meeting  # the uploaded card is read back the same
    assert meeting.chair == "Erik Svensson" and meeting.justerare == ["Sara Lund"]
    assert [p.label() for p in meeting.attendees] == ["Erik Svensson, S", "Sara Lund, C"]
    assert [p.label() for p in meeting.absent] == ["Karl Nilsson, M"]
    assert meeting.agenda[2] == "Budget 2026 och investeringsplan"
    assert "Fjärås" in meeting.vocabulary()  # the organisation's glossary primes Whisper


def test_glossary_words_survive_the_prompt_budget_of_a_long_agenda():
    from pipelines.asr.transcribe import vocabulary_prompt

    agenda = "\n".join(f"{n}. Information om budget, investeringar och planering del {n}" for n in range(1, 40))
    _, meeting = meeting_card(MeetingForm.model_validate({**FORM, "agenda": agenda}), glossary=["Fjärås"])
    prompt = vocabulary_prompt(meeting.vocabulary(), lambda text: len(text.split()))
    assert "Fjärås" in prompt and "del 39" not in prompt  # cut, but after the taught word


@pytest.mark.parametrize("change, message", [
    ({"date": "2 mars"}, "mötesformuläret: ogiltigt mötes­kort"),
    ({"title": " "}, "  - title:"),
    ({"agenda": "Mötets öppnande\n1. Budget"}, "dagordningen: raden saknar punktnummer"),
])
def test_bad_form_fields_get_the_card_errors(change, message):
    with pytest.raises(InputError) as e:
        meeting_card(MeetingForm.model_validate({**FORM, **change}))
    assert message in str(e.value)


def test_chair_and_justerare_sign_the_protocol(tmp_path):
    _, meeting = meeting_card(MeetingForm.model_validate(FORM))
    protocol = Protocol(meeting=meeting, items=[ItemDraft(number=1, title="Mötets öppnande", summary="Öppnades.")])
    page = signature_page(docx.Document(str(export_docx(protocol, tmp_path / "p.docx"))))
    assert page[page.index("Vid protokollet"):][:4] == ["Vid protokollet", "_" * 40, "Lena Ek", "Ordförande"]
    assert page[page.index("Ordförande") + 2] == "Erik Svensson"
    assert page[page.index("Justeras") + 2] == "Sara Lund"
    # A card without a chair keeps the old page: no empty Ordförande line.
    protocol.meeting.chair = None
    assert "Ordförande" not in signature_page(docx.Document(str(export_docx(protocol, tmp_path / "q.docx"))))


# --- over HTTP ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("forms") / "data"
    add_user(data_dir, "anna@bastad.se", "Båstad")
    add_user(data_dir, "bo@bjuv.se", "Bjuv")
    srv = Server(data_dir).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def anna(server):
    return server.client("anna@bastad.se")


def test_member_list_and_glossary_belong_to_the_organisation(server, anna):
    people = [{"name": "Erik Svensson", "party": "S", "role": "ordförande"}, {"name": "Sara  Lund", "party": "C"}]
    r = anna.put("/api/org/members", json={"members": people})
    assert r.status_code == 200
    assert anna.get("/api/org/members").json()["members"][1] == {"name": "Sara Lund", "party": "C", "role": ""}
    twice = anna.put("/api/org/members", json={"members": people + [{"name": "erik svensson"}]})
    assert twice.status_code == 422 and "två gånger" in twice.json()["detail"]
    assert len(anna.get("/api/org/members").json()["members"]) == 2  # the refused list changed nothing
    assert anna.post("/api/org/glossary", json={"word": "Fjärås"}).json() == {"added": True, "glossary": ["Fjärås"]}
    assert anna.post("/api/org/glossary", json={"word": " Fjärås "}).json()["added"] is False

    bo = server.client("bo@bjuv.se")
    assert bo.get("/api/org/members").json()["members"] == []
    assert bo.get("/api/org/glossary").json() == []
    no_token = anna.put("/api/org/members", json={"members": []}, headers={"X-CSRF-Token": "fel"})
    assert no_token.status_code == 403


def test_form_card_uploads_and_its_justerare_signs_the_export(anna, tmp_path):
    r = anna.post("/api/meeting-card", json={**FORM, "date": "igår"})
    assert r.status_code == 422 and "ogiltigt mötes" in r.json()["detail"]
    card = anna.post("/api/meeting-card", json=FORM).json()
    assert card["agenda"][0] == "Mötets öppnande"
    with open(make_audio(tmp_path / "möte.flac"), "rb") as f:
        r = anna.post("/api/meetings", files={"recording": ("möte.flac", f, "audio/flac")},
                      data={"meeting": card["card"]})
    assert r.status_code == 201, r.text
    meeting_id = r.json()["id"]
    wait_ready(anna, meeting_id)
    protocol = anna.get(f"/api/meetings/{meeting_id}/protocol").json()
    assert protocol["meeting"]["chair"] == "Erik Svensson"
    assert "Fjärås" in protocol["meeting"]["glossary"]
    page = signature_page(docx.Document(io.BytesIO(anna.get(f"/api/meetings/{meeting_id}/export.docx").content)))
    assert "Sara Lund" in page and "Erik Svensson" in page and "Lena Ek" in page


def test_export_dialog_choices_reach_the_document(anna, tmp_path):
    card = anna.post("/api/meeting-card", json=FORM).json()["card"]
    with open(make_audio(tmp_path / "möte.flac"), "rb") as f:
        meeting_id = anna.post("/api/meetings", files={"recording": ("möte.flac", f, "audio/flac")},
                               data={"meeting": card}).json()["id"]
    wait_ready(anna, meeting_id)
    m = f"/api/meetings/{meeting_id}"

    draft = anna.get(m + "/export.docx", params={"mode": "draft"})
    assert "[Förslag]" in docx_text(draft.content)
    refused = anna.get(m + "/export.docx", params={"mode": "approved"})
    assert refused.status_code == 409 and "inte granskade" in refused.json()["detail"]

    # utdrag for item 2: approved is allowed once item 2's decisions are reviewed, whatever the others are
    v = anna.get(m + "/protocol").json()["version"]
    v = anna.patch(m + "/decisions/d2a", json={"status": "accepted", "version": v}).json()["version"]
    anna.patch(m + "/decisions/d2b", json={"status": "rejected", "version": v})
    extract = anna.get(m + "/export.docx", params={"mode": "approved", "item": 2})
    assert extract.status_code == 200
    assert 'utdrag-punkt-2' in extract.headers["content-disposition"]
    text = docx_text(extract.content)
    assert "Utdragsbestyrkande" in text and "att notera informationen under punkt 2" in text
    assert "punkt 1" not in text and "[Förslag]" not in text
    assert anna.get(m + "/export.docx", params={"item": 9}).status_code == 422

    with_comments = anna.get(m + "/export.docx", params={"comments": "true"})
    with zipfile_of(with_comments.content) as z:
        assert "vi noterar" in z.read("word/comments.xml").decode()

    assert anna.get(m + "/export.docx", params={"template": "true"}).status_code == 409  # none uploaded yet
    bad = anna.put("/api/org/template", params={"filename": "mall.docx"}, content=b"inte en zip",
                   headers={"Content-Type": "application/octet-stream"})
    assert bad.status_code == 422 and "Word-fil" in bad.json()["detail"]
    template = (FIXTURES / "template.docx").read_bytes()
    r = anna.put("/api/org/template", params={"filename": "kommunens-mall.docx"}, content=template,
                 headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200 and r.json()["filename"] == "kommunens-mall.docx"
    styled = docx.Document(io.BytesIO(anna.get(m + "/export.docx", params={"template": "true"}).content))
    plain = docx.Document(io.BytesIO(anna.get(m + "/export.docx").content))
    assert HEADER_TEXT in "\n".join(p.text for p in styled.sections[0].header.paragraphs)
    assert styled.styles["Normal"].font.name == BODY_FONT != plain.styles["Normal"].font.name


def zipfile_of(content: bytes):
    import zipfile

    return zipfile.ZipFile(io.BytesIO(content))


# --- the transcript panel: sentences, search and replace ----------------------------------------

def test_search_and_replace_a_name_across_items_is_one_audited_change(server, anna, tmp_path):
    from tests.helpers.server import ready_meeting

    m = f"/api/meetings/{ready_meeting(anna, make_audio(tmp_path / 'möte.flac'))}"
    v = anna.get(m + "/protocol").json()["version"]
    v = anna.patch(m + "/items/1", json={"summary": "Jonas Jönson öppnade mötet.", "version": v}).json()["version"]
    v = anna.patch(m + "/items/3", json={"transcript": "Jönson: inga övriga frågor. Jönsonska huset nämndes.",
                                         "version": v}).json()["version"]
    v = anna.patch(m + "/decisions/d2a", json={"status": "accepted", "version": v}).json()["version"]
    v = anna.patch(m + "/decisions/d2b", json={"status": "edited", "text": "att uppdra åt Jönson att återkomma",
                                               "version": v}).json()["version"]
    v = anna.patch(m + "/decisions/d3a", json={"status": "accepted", "version": v}).json()["version"]

    hits = anna.get(m + "/search", params={"q": "Jönson"}).json()
    assert {(h["item"], h["field"]) for h in hits} == {(1, "summary"), (3, "transcript"), (2, "decision:d2b")}
    assert all(h["count"] == 1 for h in hits)  # "Jönsonska" is another word
    assert anna.get(m + "/search", params={"q": "jönson"}).json() == []  # case as typed

    assert anna.post(m + "/replace", json={"find": "Jönson", "replace": "Jönsson", "version": v - 1}).status_code == 409
    r = anna.post(m + "/replace", json={"find": "Jönson", "replace": "Jönsson", "version": v, "add_to_glossary": True})
    assert r.status_code == 200, r.text
    assert r.json() == {"version": v + 1, "count": 3, "fields": 3, "glossary_added": True}
    protocol = anna.get(m + "/protocol").json()
    items = {i["number"]: i for i in protocol["items"]}
    assert items[1]["summary"] == "Jonas Jönsson öppnade mötet."
    assert items[3]["transcript"] == "Jönsson: inga övriga frågor. Jönsonska huset nämndes."
    d2b = next(d for d in items[2]["decisions"] if d["id"] == "d2b")
    assert d2b["text"] == "att uppdra åt Jönsson att återkomma" and d2b["status"] == "edited"
    assert next(d for d in items[3]["decisions"] if d["id"] == "d3a")["status"] == "accepted"  # untouched
    assert "Jönsson" in anna.get("/api/org/glossary").json()
    entry = anna.get(m + "/audit").json()[-1]
    assert entry["action"] == "replace" and entry["actor"] == "anna@bastad.se"
    assert entry["before"]["fields"]["1:summary"] == "Jonas Jönson öppnade mötet."
    assert entry["after"]["fields"]["1:summary"] == "Jonas Jönsson öppnade mötet."

    nothing = anna.post(m + "/replace", json={"find": "Jönson", "replace": "Jönsson", "version": v + 1})
    assert nothing.status_code == 422 and "finns inte" in nothing.json()["detail"]
    assert anna.get(m + "/protocol").json()["version"] == v + 1  # a refused replace changes nothing


def test_sentences_carry_times_items_and_the_replacements(anna, tmp_path):
    from tests.helpers.server import ready_meeting

    m = f"/api/meetings/{ready_meeting(anna, make_audio(tmp_path / 'möte.flac'))}"
    sentences = anna.get(m + "/sentences").json()
    assert sentences[:3] == [
        {"start": 0.0, "end": 0.5, "item": 1, "text": "<script>alert('x')</script> Vi beslutar att notera."},
        {"start": 0.5, "end": 1.0, "item": 1, "text": "Vi noterar punkt 1."},
        {"start": 1.0, "end": 1.5, "item": 2, "text": "Vi går till punkt 2, Diskussion kring AI."}]
    assert [s["item"] for s in sentences] == [1, 1, 2, 2, 3, 3]
    v = anna.get(m + "/protocol").json()["version"]
    assert anna.post(m + "/replace", json={"find": "beslutar", "replace": "bestämmer", "version": v}).status_code == 200
    assert anna.get(m + "/sentences").json()[0]["text"] == "<script>alert('x')</script> Vi bestämmer att notera."
    bo = anna.get(m.replace(m.rsplit("/", 1)[1], "0" * 32) + "/sentences")
    assert bo.status_code == 404


def test_justerare_chosen_in_the_meeting_are_set_on_the_review_page_and_sign(anna, tmp_path):
    """A YAML card without justerare (item 1 chose them): the review header sets them and the chair."""
    from tests.helpers.server import ready_meeting

    m = f"/api/meetings/{ready_meeting(anna, make_audio(tmp_path / 'möte.flac'))}"
    before = signature_page(docx.Document(io.BytesIO(anna.get(m + "/export.docx").content)))
    assert "Sara Lund" not in before and "Ordförande" not in before
    v = anna.get(m + "/protocol").json()["version"]
    r = anna.patch(m + "/header", json={"justerare": ["Sara Lund", " "], "chair": "Erik Svensson", "version": v})
    assert r.status_code == 200
    page = signature_page(docx.Document(io.BytesIO(anna.get(m + "/export.docx").content)))
    assert page[page.index("Ordförande") + 2] == "Erik Svensson"
    assert page[page.index("Justeras") + 2] == "Sara Lund"
    review = anna.get(m.replace("/api", "")).text
    assert 'data-header="chair" value="Erik Svensson"' in review and ">Sara Lund</textarea>" in review


def test_template_must_be_a_small_word_file(tmp_path):
    from service import org_lists
    from service.auth import add_user as add
    from service.db import open_db
    from service.errors import Invalid, TooLarge

    sessions = open_db(tmp_path / "data")
    with sessions() as db:
        add(db, "anna@bastad.se", "hemligt-lösen-1", "Båstad")
        good = (FIXTURES / "template.docx").read_bytes()
        with pytest.raises(TooLarge):
            org_lists.save_template(db, 1, "mall.docx", good + b"\0" * org_lists.TEMPLATE_BYTES, "anna@bastad.se")
        with pytest.raises(Invalid, match="Word-fil"):
            org_lists.save_template(db, 1, "mall.pdf", good, "anna@bastad.se")
        with pytest.raises(Invalid, match="läsbar"):
            org_lists.save_template(db, 1, "mall.docx", b"PK\x03\x04 inte en zip", "anna@bastad.se")
        assert org_lists.template(db, 1) is None  # nothing half-saved
        org_lists.save_template(db, 1, "mall.dotx", good, "anna@bastad.se")
        assert org_lists.template(db, 1).content == good
    sessions.kw["bind"].dispose()
