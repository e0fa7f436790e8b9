"""The bundled political sample (samples/political/): the card, the recording, the truth and the
archived §-layout protocol agree with each other and with what the issue asks of the sample."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest

from eval.political import read_paragraphs
from pipelines.meeting_card import load_meeting

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "political"


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def meeting():
    return load_meeting(SAMPLE / "meeting.yaml", require_agenda=True)


def test_the_card_is_a_kommunstyrelse_with_nine_serving_members_and_two_ersattare(meeting):
    card = meeting.political
    assert card.body.kind == "kommunstyrelse" and card.first_paragraph == 112
    assert 10 <= len(card.arenden) <= 12
    assert len(card.serving()) == 9
    assert len([m for m in card.members if m.role == "ersättare"]) == 2
    assert all(a.proposal for a in card.arenden)


def test_the_truth_has_every_element_the_sample_must_show(truth, meeting):
    pars = truth["paragraphs"]
    assert [p["paragraph"] for p in pars] == list(range(112, 112 + len(meeting.agenda)))
    kinds = {m["kind"] for p in pars for m in p["motions"]}
    assert {"återremiss", "avslag", "bifall", "tillägg"} <= kinds
    (vote,) = [p for p in pars if p["votes"]]
    assert len(vote["votes"]) == 9 and vote["tally"] == {"ja": 6, "nej": 3, "avstar": 0}
    assert sum(len(p["recusals"]) for p in pars) == 1 and sum(len(p["reservations"]) for p in pars) == 1
    assert sum(len(p["notes"]) for p in pars) == 1
    members = {m.name for m in meeting.political.members}
    people = {m["member"] for p in pars for key in ("motions", "votes", "reservations", "notes", "recusals")
              for m in p[key]}
    assert people <= members


def test_the_recording_is_mono_16_khz_opus_and_as_long_as_the_truth(truth):
    with av.open(str(SAMPLE / "recording.opus")) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus" and stream.codec_context.channels == 1
        seconds = float(container.duration) / av.time_base
        kbit = (SAMPLE / "recording.opus").stat().st_size * 8 / seconds / 1000
    assert abs(seconds - truth["duration"]) < 0.5
    assert 14 <= kbit <= 26
    assert truth["items"][-1]["end"] == truth["duration"]


def test_the_archived_protocol_reads_back_as_the_truth(truth):
    archived = {p.paragraph: p for p in read_paragraphs(SAMPLE / "protokoll.docx")}
    for t in truth["paragraphs"]:
        par = archived[t["paragraph"]]
        assert par.title == t["title"]
        assert [(m.member, m.kind) for m in par.record.motions] == [(m["member"], m["kind"]) for m in t["motions"]]
        assert [(r.member, r.substitute) for r in par.record.recusals] == \
            [(r["member"], r["substitute"]) for r in t["recusals"]]
        assert [(r.member, r.own_motion, r.written) for r in par.record.reservations] == \
            [(r["member"], r["own_motion"], r["written"]) for r in t["reservations"]]
        assert [(n.member, n.text) for n in par.record.notes] == [(n["member"], n["text"]) for n in t["notes"]]
        assert par.decisions == t["decision"]["clauses"]
        if t["votes"]:
            (ballot,) = par.record.ballots
            assert {v.member: v.choice for v in ballot.votes} == {v["member"]: v["choice"] for v in t["votes"]}
            assert ballot.tally.model_dump() == t["tally"]


@pytest.mark.slow
def test_draft_of_the_sample_shows_what_the_law_requires(tmp_path):
    """The whole chain on the bundled recording (Whisper base, rule drafter): the §-layout document and
    the political records, scored against the archived protocol."""
    import docx
    from typer.testing import CliRunner

    from eval.political import political_scores
    from service.cli import app

    out = tmp_path / "ks"
    done = CliRunner().invoke(app, ["draft", str(SAMPLE / "recording.opus"), "--meeting", str(SAMPLE / "meeting.yaml"),
                                    "--out", str(out), "--drafter", "rules"])
    assert done.exit_code == 0, done.output
    text = [p.text for p in docx.Document(str(out / "protokoll.docx")).paragraphs]
    assert "§ 116 Investering i ny förskola i Norrby" in text and "ANSLAG/BEVIS" in text
    scores = political_scores(out / "protocol.json", SAMPLE / "protokoll.docx")
    assert scores.motions.recall >= 0.9 and scores.motions.precision >= 0.9
    assert scores.votes.tally_exact == 1.0 and scores.votes.member_accuracy >= 0.95
    assert scores.reservations.recall == 1.0 and scores.recusals.recall == 1.0 and scores.notes.recall == 1.0
    assert scores.proposal_verbatim == scores.proposal_decisions >= 8
