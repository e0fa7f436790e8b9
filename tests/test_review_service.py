"""The review API as a secretary repairs a draft: move a wrong boundary, redraft without duplicates, mark a
flag handled, and save from two tabs (the version check is per field). A `protokoll serve` subprocess with
the fake pipeline, whose draft has the segmenter's classic mistake (FAKE_WRONG_SPLIT): item 2 holds item 3's
talk and decision, item 3 is empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.boundaries import NO_TALK
from service.review import fields, overlaps
from tests.helpers.server import Server, add_user, docx_text, make_audio
from tests.helpers.server import ready_meeting as uploaded_and_ready


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("review") / "data"
    add_user(data_dir, "anna@bastad.se", "Båstad")
    srv = Server(data_dir, env={"FAKE_WRONG_SPLIT": "1"}).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def anna(server):
    return server.client("anna@bastad.se")


@pytest.fixture()
def meeting(anna, tmp_path) -> str:
    """A fresh meeting per test: each test starts from the AI draft."""
    return f"/api/meetings/{uploaded_and_ready(anna, make_audio(tmp_path / 'möte.flac', seconds=3.0))}"


def items(anna, m: str) -> dict:
    return {i["number"]: i for i in anna.get(m + "/protocol").json()["items"]}


def test_moving_a_boundary_gives_the_empty_item_its_talk_decision_and_play_time(anna, meeting):
    m = meeting
    before = items(anna, m)
    assert before[3]["start"] is None and before[3]["flags"] == [NO_TALK] and not before[3]["decisions"]
    assert "d3a" in [d["id"] for d in before[2]["decisions"]]
    v = anna.get(m + "/protocol").json()["version"]

    r = anna.patch(m + "/items/3/bounds", json={"start": 2.0, "end": 3.0, "version": v})
    assert r.status_code == 200, r.text
    after = items(anna, m)
    assert (after[2]["start"], after[2]["end"]) == (1.0, 2.0)
    assert (after[3]["start"], after[3]["end"]) == (2.0, 3.0)
    assert after[3]["transcript"] == "Vi går till punkt 3, Övriga frågor. Vi noterar punkt 3."
    assert after[2]["transcript"] == "Vi går till punkt 2, Diskussion kring AI. Vi noterar punkt 2."
    assert [d["id"] for d in after[3]["decisions"]] == ["d3a"]
    assert "d3a" not in [d["id"] for d in after[2]["decisions"]]
    assert NO_TALK not in after[3]["flags"]
    audit = anna.get(m + "/audit").json()[-1]
    assert audit["action"] == "bounds" and audit["target"] == "item:2,3:bounds,transcript,decisions,flags"
    assert audit["before"]["3"]["start"] is None and audit["after"]["3"]["start"] == 2.0
    # and the page shows the play button for it
    page = anna.get(m.replace("/api", "")).text
    assert 'data-seek="2.0" data-until="3.0"' in page

    bad = anna.patch(m + "/items/3/bounds", json={"start": 2.5, "end": 2.0, "version": r.json()["version"]})
    assert bad.status_code == 422 and "starten" in bad.json()["detail"]


def test_redraft_keeps_an_edited_decision_without_a_duplicate(anna, meeting):
    m = meeting
    v = anna.get(m + "/protocol").json()["version"]
    edited = "att notera informationen om AI med tack till föredraganden"
    v = anna.patch(m + "/decisions/d1a", json={"status": "edited", "text": edited, "version": v}).json()["version"]
    r = anna.post(m + "/items/1/redraft", json={"version": v})
    assert r.status_code == 200, r.text
    decisions = items(anna, m)[1]["decisions"]
    texts = [d["text"] for d in decisions]
    # the fake drafter finds "att notera informationen under punkt 1" again: the edited one is that decision
    assert texts == [edited, "att godkänna den rättade texten"]
    assert [d["status"] for d in decisions] == ["edited", "suggested"]
    assert decisions[0]["drafted"] == "att notera informationen under punkt 1"

    # "Ångra" gives the AI's wording back
    v = r.json()["version"]
    anna.patch(m + "/decisions/d1a", json={"status": "suggested", "version": v})
    d1a = items(anna, m)[1]["decisions"][0]
    assert (d1a["text"], d1a["status"]) == ("att notera informationen under punkt 1", "suggested")


def test_a_handled_flag_does_not_print_and_is_audited(anna, meeting):
    m = meeting
    v = anna.get(m + "/protocol").json()["version"]
    assert f"Granska: {NO_TALK}" in docx_text(anna.get(m + "/export.docx").content)
    r = anna.patch(m + "/items/3/flags", json={"flag": NO_TALK, "handled": True, "version": v})
    assert r.status_code == 200, r.text
    item = items(anna, m)[3]
    assert item["handled_flags"] == [NO_TALK] and not item["needs_review"]
    assert NO_TALK not in docx_text(anna.get(m + "/export.docx").content)
    last = anna.get(m + "/audit").json()[-1]
    assert last["action"] == "flag" and last["after"] == {"flag": NO_TALK, "handled": True}
    gone = anna.patch(m + "/items/3/flags", json={"flag": "finns inte", "version": r.json()["version"]})
    assert gone.status_code == 404


def test_two_tabs_editing_different_fields_both_save_and_the_same_field_conflicts(anna, meeting):
    m = meeting
    opened = anna.get(m + "/protocol").json()["version"]  # both tabs opened at this version
    one = anna.patch(m + "/items/1", json={"summary": "Flik ett", "version": opened})
    two = anna.patch(m + "/items/2", json={"summary": "Flik två", "version": opened})
    header = anna.patch(m + "/header", json={"place": "Stadshuset", "version": opened})
    decision = anna.patch(m + "/decisions/d1b", json={"status": "accepted", "version": opened})
    assert [r.status_code for r in (one, two, header, decision)] == [200, 200, 200, 200]
    now = items(anna, m)
    assert (now[1]["summary"], now[2]["summary"]) == ("Flik ett", "Flik två")

    # the second tab writes item 1's summary from the version it opened: someone changed it since
    stale = anna.patch(m + "/items/1", json={"summary": "Gammal flik", "version": opened})
    assert stale.status_code == 409 and "Någon annan" in stale.json()["detail"]["message"]
    assert items(anna, m)[1]["summary"] == "Flik ett"
    # a redraft depends on the transcript: a transcript saved since makes it stale too
    v = anna.patch(m + "/items/2", json={"transcript": "Rättad text", "version": opened}).json()["version"]
    assert anna.post(m + "/items/2/redraft", json={"version": opened}).status_code == 409
    assert anna.post(m + "/items/2/redraft", json={"version": v}).status_code == 200

    # other tabs poll what changed since their version
    changes = anna.get(m + "/changes", params={"since": opened}).json()
    assert changes["version"] == opened + 6
    assert [c["target"] for c in changes["changes"]][:4] == [
        "item:1:summary", "item:2:summary", "meeting:place", "decision:d1b"]


def test_protocol_pages_are_not_cached(anna, meeting):
    for path in (meeting.replace("/api", ""), meeting + "/protocol", meeting + "/changes?since=1"):
        assert anna.get(path).headers["cache-control"] == "no-store"


def test_the_meeting_status_follows_the_review(anna, meeting):
    m = meeting
    row_of_meeting = f'<tr data-id="{m.rsplit("/", 1)[1]}"'

    def status() -> str:
        """The status cell of the meeting's row in the list of meetings."""
        html = anna.get("/").text
        row = html[html.index(row_of_meeting):]
        return row[row.index('class="status'):].split(">", 1)[1].split("<", 1)[0]

    assert status() == "Klar för granskning"
    v = anna.get(m + "/protocol").json()["version"]
    for d in ("d1a", "d1b"):
        v = anna.patch(m + f"/decisions/{d}", json={"status": "accepted", "version": v}).json()["version"]
    assert status() == "Granskas (1/3 punkter klara)"
    protocol = anna.get(m + "/protocol").json()
    for item in protocol["items"][1:]:
        for d in item["decisions"]:
            v = anna.patch(m + f"/decisions/{d['id']}", json={"status": "rejected", "version": v}).json()["version"]
        for flag in item["flags"]:
            v = anna.patch(m + f"/items/{item['number']}/flags", json={"flag": flag, "version": v}).json()["version"]
    assert status() == "Granskad"


def test_which_changes_touch_the_same_field():
    summary = fields("item:2:summary")
    assert overlaps(summary, fields("item:1,2:bounds,transcript,summary"))
    assert overlaps(summary, fields("item:2"))  # an item as a whole
    assert overlaps(summary, fields("protocol"))  # a change across the meeting
    assert not overlaps(summary, fields("item:2:transcript"))
    assert not overlaps(summary, fields("item:12:summary"))
    assert not overlaps(summary, fields("decision:d2a"))
    assert overlaps(fields("meeting:place"), fields("meeting:place,time"))
    assert not overlaps(fields("meeting:place"), fields("meeting:attendees"))
