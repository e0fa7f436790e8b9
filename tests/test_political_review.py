"""Reviewing a political body's records per § over real HTTP (`protokoll serve` with the fake pipeline, whose
political meeting has a motion, a propositionsordning, an open vote with one answer not heard, a reservation
and a note in § 112, and a jäv in § 113): edits are versioned and audited, a tally is counted again and a
mismatch stays flagged, the lifecycle lock holds, and the Word export prints what the secretary edited."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.helpers.server import ROOT, Server, add_user, docx_text, make_audio
from tests.helpers.server import ready_meeting as uploaded_and_ready

CARD = (ROOT / "tests/fixtures/political_card.yaml").read_text()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("political") / "data"
    add_user(data_dir, "anna@bastad.se", "Båstad")
    srv = Server(data_dir).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def audio(tmp_path_factory) -> Path:
    return make_audio(tmp_path_factory.mktemp("audio") / "ks.flac")


@pytest.fixture(scope="module")
def anna(server):
    return server.client("anna@bastad.se")


@pytest.fixture
def meeting(anna, audio) -> str:
    return uploaded_and_ready(anna, audio, CARD)


def political(client, meeting: str) -> dict:
    r = client.get(f"/api/meetings/{meeting}/political")
    assert r.status_code == 200, r.text
    return r.json()


def test_a_vote_is_recounted_and_a_mismatch_stays_flagged(anna, meeting):
    data = political(anna, meeting)
    first = data["paragraphs"][0]
    assert first["record"]["paragraph"] == 112
    ballot = first["record"]["ballots"][0]
    assert ballot["tally"] == {"ja": 2, "nej": 1, "avstar": 0}
    assert any("går inte ihop" in f for f in ballot["flags"]) and "Ingen röst hittad för: Sara Lund." in ballot["flags"]

    # the secretary adds the answer that was not heard: the tally is counted again and the flags go
    votes = [{"member": v["member"], "choice": v["choice"]} for v in ballot["votes"]] + \
            [{"member": "Sara Lund", "choice": "nej"}]
    base = f"/api/meetings/{meeting}/items/1/political/ballots/0"
    r = anna.patch(base, json={"record": {"votes": votes, "tally": {"ja": 9, "nej": 0, "avstar": 0}},
                               "version": data["version"]})
    assert r.status_code == 200, r.text
    edited = political(anna, meeting)["paragraphs"][0]["record"]["ballots"][0]
    assert edited["tally"] == {"ja": 2, "nej": 2, "avstar": 0}  # counted from the list, not taken from the client
    assert edited["flags"] == [] and edited["reviewed"] is True
    assert edited["votes"][0]["evidence"][0]["start"] == 0.5  # a vote heard in the recording keeps its moment
    assert edited["question"] == ballot["question"]  # what was not sent is kept
    item = anna.get(f"/api/meetings/{meeting}/protocol").json()["items"][0]
    assert not any("går inte ihop" in f for f in item["flags"])

    # a vote from an ersättare who did not serve is flagged, not dropped
    r = anna.patch(base, json={"record": {"votes": votes + [{"member": "Olof Falk", "choice": "ja"}]},
                               "version": r.json()["version"]})
    edited = political(anna, meeting)["paragraphs"][0]["record"]["ballots"][0]
    assert edited["tally"] == {"ja": 3, "nej": 2, "avstar": 0}
    assert "Röst från någon som inte tjänstgjorde i paragrafen: Olof Falk." in edited["flags"]
    assert any("= 5) går inte ihop med de 4 ledamöter" in f for f in edited["flags"])

    # a stale version is refused and changes nothing
    r2 = anna.patch(base, json={"record": {"votes": []}, "version": data["version"]})
    assert r2.status_code == 409
    assert political(anna, meeting)["paragraphs"][0]["record"]["ballots"][0]["tally"]["ja"] == 3


def test_add_edit_remove_accept_are_audited_and_exported(anna, meeting):
    version = political(anna, meeting)["version"]
    base = f"/api/meetings/{meeting}/items/1/political"

    r = anna.patch(f"{base}/reservations/0", json={"record": {"own_motion": False, "written": True}, "version": version})
    assert r.status_code == 200, r.text
    r = anna.post(f"{base}/reservations", json={"record": {"member": "Sara Lund", "own_motion": True}, "at": 1.25,
                                                 "version": r.json()["version"]})
    assert r.status_code == 201, r.text
    r = anna.patch(f"{base}/motions/0", json={"record": {"kind": "återremiss", "text": "att ärendet återremitteras",
                                                         "motivation": "för en ny kalkyl"},
                                              "version": r.json()["version"]})
    r = anna.post(f"{base}/propositions/0/accept", json={"version": r.json()["version"]})
    assert r.status_code == 200
    r = anna.request("DELETE", f"{base}/notes/0", params={"version": r.json()["version"]})
    assert r.status_code == 200, r.text

    record = political(anna, meeting)["paragraphs"][0]["record"]
    assert [(x["member"], x["own_motion"], x["written"]) for x in record["reservations"]] == \
        [("Anna Berg", False, True), ("Sara Lund", True, False)]
    assert record["reservations"][1]["evidence"][0]["start"] == 1.25  # where the secretary heard it
    assert record["motions"][0]["kind"] == "återremiss" and record["motions"][0]["evidence"]  # evidence kept
    assert record["propositions"][0]["reviewed"] is True and record["notes"] == []

    audit = anna.get(f"/api/meetings/{meeting}/audit").json()
    actions = [(a["action"], a["target"]) for a in audit[1:]]
    assert actions == [("political_reservations", "item:1:political:reservations:0"),
                       ("political_reservations_added", "item:1:political:reservations"),
                       ("political_motions", "item:1:political:motions:0"),
                       ("political_propositions_accepted", "item:1:political:propositions:0"),
                       ("political_notes_removed", "item:1:political:notes:0")]
    assert audit[1]["before"]["written"] is False and audit[1]["after"]["written"] is True
    assert audit[5]["before"]["text"] == "Vi vill se en plan för lokalerna." and audit[5]["after"] is None

    text = docx_text(anna.get(f"/api/meetings/{meeting}/export.docx").content)
    assert "Anna Berg (M) reserverar sig mot beslutet. En skriftlig reservation lämnas före justeringen." in text
    assert "Sara Lund (C) reserverar sig mot beslutet till förmån för eget yrkande." in text
    assert "Anna Berg (M) yrkar att ärendet återremitteras" in text and "för en ny kalkyl" in text
    assert "Vi vill se en plan för lokalerna" not in text


def test_a_recusal_changes_who_served(anna, meeting):
    data = political(anna, meeting)
    second = data["paragraphs"][1]["record"]
    assert second["recusals"][0]["substitute"] == "Olof Falk" and "Johan Ek" not in second["serving"]
    base = f"/api/meetings/{meeting}/items/2/political"
    r = anna.patch(f"{base}/recusals/0", json={"record": {"substitute": None}, "version": data["version"]})
    assert r.status_code == 200, r.text
    serving = political(anna, meeting)["paragraphs"][1]["record"]["serving"]
    assert serving == ["Erik Svensson", "Anna Berg", "Sara Lund"]
    r = anna.request("DELETE", f"{base}/recusals/0", params={"version": r.json()["version"]})
    assert "Johan Ek" in political(anna, meeting)["paragraphs"][1]["record"]["serving"]
    # an open vote added to § 113 is checked against who served there
    r = anna.post(f"{base}/ballots", json={"record": {"votes": [{"member": "Johan Ek", "choice": "avstår"}]},
                                           "version": r.json()["version"]})
    ballot = political(anna, meeting)["paragraphs"][1]["record"]["ballots"][0]
    assert ballot["tally"] == {"ja": 0, "nej": 0, "avstar": 1} and ballot["reviewed"] is True
    assert "Ingen röst hittad för: Erik Svensson, Anna Berg, Sara Lund." in ballot["flags"]


def test_bad_edits_are_refused_in_swedish_and_change_nothing(anna, meeting, audio):
    version = political(anna, meeting)["version"]
    base = f"/api/meetings/{meeting}/items/1/political"
    r = anna.post(f"{base}/motions", json={"record": {"member": "Okänd Person", "kind": "bifall", "text": "bifall"},
                                           "version": version})
    assert r.status_code == 422 and "finns inte bland organets ledamöter" in r.json()["detail"]
    r = anna.post(f"{base}/notes", json={"record": {"member": "Anna Berg", "text": " "}, "version": version})
    assert r.status_code == 422 and "Texten saknas" in r.json()["detail"]
    r = anna.patch(f"{base}/reservations/0", json={"record": {"text": "x"}, "version": version})
    assert r.status_code == 422 and "Okänt fält för reservation: text" in r.json()["detail"]
    votes = [{"member": "Anna Berg", "choice": "ja"}, {"member": "Anna Berg", "choice": "nej"}]
    r = anna.patch(f"{base}/ballots/0", json={"record": {"votes": votes}, "version": version})
    assert r.status_code == 422 and "Anna Berg har mer än en röst" in r.json()["detail"]
    assert anna.patch(f"{base}/motions/7", json={"record": {"text": "x"}, "version": version}).status_code == 404
    assert anna.post(f"{base}/jäv", json={"record": {}, "version": version}).status_code == 422
    assert political(anna, meeting)["version"] == version

    # a meeting that is not a political body's has no records to edit
    plain = uploaded_and_ready(anna, audio)
    r = anna.get(f"/api/meetings/{plain}/political")
    assert r.status_code == 404 and "politiskt organ" in r.json()["detail"]


def test_no_edit_while_the_protocol_is_out_for_justering(server, anna, meeting):
    version = political(anna, meeting)["version"]
    with sqlite3.connect(server.data_dir / "protokoll.db") as db:
        db.execute("update meetings set stage='klar' where id=?", (meeting,))
    r = anna.post(f"/api/meetings/{meeting}/items/1/political/motions/0/accept", json={"version": version})
    assert r.status_code == 423 and "klart för justering" in r.json()["detail"]
    assert political(anna, meeting)["paragraphs"][0]["record"]["motions"][0]["reviewed"] is False


def test_a_secret_ballot_keeps_the_figures_given_and_flags_a_wrong_sum(anna, meeting):
    version = political(anna, meeting)["version"]
    r = anna.post(f"/api/meetings/{meeting}/items/1/political/ballots",
                  json={"record": {"open": False, "votes": [], "tally": {"ja": 2, "nej": 1, "avstar": 0},
                                   "result": "förslaget bifölls"}, "version": version})
    assert r.status_code == 201, r.text
    secret = political(anna, meeting)["paragraphs"][0]["record"]["ballots"][1]
    assert secret["open"] is False and secret["tally"] == {"ja": 2, "nej": 1, "avstar": 0}
    assert secret["flags"] == [("Rösterna (2 ja + 1 nej + 0 avstår = 3) går inte ihop med de 4 ledamöter som "
                                "tjänstgjorde i § 112.")]
