"""Evaluation of a political body's protocol: the §-layout read back (PDF text, .docx), and scores for
yrkanden, omröstning, reservationer, jäv and protokollsanteckningar beside the general ones."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from eval.political import paragraphs_of, political_scores, read_paragraphs, score
from pipelines.models import Protocol
from pipelines.political.export import export_political_docx
from pipelines.political.parse import parse_paragraphs
from service.cli import app

from .test_political_capture import MEETING, REMIT, VOTE, capture

# As a PDF text extraction gives a kommunstyrelse protocol: a table row on one line, page furniture.
PDF_TEXT = """\
KS § 80 Investering i ny förskola
Dnr KS 2026/52
Yrkanden
Johan Ek (S) yrkar bifall till arbetsutskottets förslag. Anna Berg (M) yrkar avslag
på arbetsutskottets förslag.
Omröstning
Ledamot Parti Röst
Erik Svensson S Ja
Anna Berg M Nej
Justerandes sign
Johan Ek S Ja
Summa 2 ja, 1 nej, 0 avstår
Omröstningsresultat: 2 ja, 1 nej, 0 avstår.
Beslut
Kommunstyrelsen beslutar
att bevilja en investeringsram om 48 miljoner
kronor
Reservation
Anna Berg (M) reserverar sig mot beslutet till förmån för eget yrkande. En skriftlig reservation
lämnas före justeringen.
KS § 81 Detaljplan för Sjövägen
Jäv
Karin Holm (S) anmäler jäv och deltar inte i handläggningen av ärendet. Olof Falk (S) tjänstgör i stället.
Protokollsanteckning
Eva Sjöberg (V) lämnar följande protokollsanteckning: ”Vi vill se en trafikutredning.”
"""


@pytest.fixture
def drafted() -> Protocol:
    items = [capture(VOTE, 1), capture(REMIT, 2)]
    return Protocol(meeting=MEETING, items=items, drafter="regler")


def test_the_paragraph_sections_are_read_from_pdf_text():
    first, second = parse_paragraphs(PDF_TEXT.splitlines())
    assert (first.paragraph, first.title, first.record.dnr) == (80, "Investering i ny förskola", "KS 2026/52")
    assert [(m.member, m.kind) for m in first.record.motions] == [("Johan Ek", "bifall"), ("Anna Berg", "avslag")]
    (ballot,) = first.record.ballots
    assert {v.member: v.choice for v in ballot.votes} == {"Erik Svensson": "ja", "Anna Berg": "nej", "Johan Ek": "ja"}
    assert (ballot.tally.ja, ballot.tally.nej, ballot.tally.avstar) == (2, 1, 0)
    assert first.decisions == ["att bevilja en investeringsram om 48 miljoner kronor"]
    (res,) = first.record.reservations
    assert (res.member, res.own_motion, res.written) == ("Anna Berg", True, True)
    (recusal,) = second.record.recusals
    assert (recusal.member, recusal.substitute) == ("Karin Holm", "Olof Falk")
    assert [(n.member, n.text) for n in second.record.notes] == [("Eva Sjöberg", "Vi vill se en trafikutredning.")]


def test_the_exported_docx_reads_back_as_drafted(drafted, tmp_path):
    for item in drafted.items:
        for d in item.decisions:
            d.status = "accepted"
    path = export_political_docx(drafted, tmp_path / "ks.docx", mode="approved")
    archived = read_paragraphs(path)
    result = score(paragraphs_of(drafted), archived)
    assert result.motions.recall == 1.0 and result.motions.precision == 1.0
    assert result.votes.tally_exact == 1.0 and result.votes.member_accuracy == 1.0
    assert result.reservations.recall == 1.0 and result.notes.recall == 1.0
    assert (result.proposal_decisions, result.proposal_verbatim) == (2, 2)


def test_scores_count_the_wrong_member_the_wrong_vote_and_a_changed_clause(drafted):
    archived = paragraphs_of(drafted.model_copy(deep=True))
    mine = paragraphs_of(drafted)
    mine[0].record.motions[1].member = "Peter Strand"  # right kind, wrong member: no match
    mine[0].record.ballots[0].votes[0].choice = "nej"  # one wrong vote of six
    mine[0].record.ballots[0].tally.ja -= 1
    mine[1].proposal_clauses = ["att avslå motionen i sin helhet"]  # not word for word
    result = score(mine, archived)
    assert (result.motions.matched, result.motions.archived) == (2, 3)
    assert result.motions_by_member["Anna Berg"].recall == 0.0 and result.motions_by_kind["bifall"].recall == 1.0
    assert result.votes.tally_exact == 0.0 and result.votes.member_accuracy == pytest.approx(5 / 6)
    assert (result.proposal_decisions, result.proposal_verbatim) == (2, 1)


def test_protokoll_eval_reports_the_political_scores(drafted, tmp_path):
    for item in drafted.items:
        for d in item.decisions:
            d.status = "accepted"
    draft = tmp_path / "protocol.json"
    draft.write_text(drafted.model_dump_json(), encoding="utf-8")
    archived = export_political_docx(drafted, tmp_path / "arkiv.docx", mode="approved")
    done = CliRunner().invoke(app, ["eval", "--draft", str(draft), "--archived", str(archived),
                                    "--json", str(tmp_path / "eval.json"), "--html", str(tmp_path / "eval.html")])
    assert done.exit_code == 0, done.output
    assert "Yrkanden" in done.output and "ledamöternas röster rätt" in done.output
    data = json.loads((tmp_path / "eval.json").read_text())
    assert data["political"]["votes"]["member_accuracy"] == 1.0 and data["items"]["matched"] == 2
    page = (tmp_path / "eval.html").read_text(encoding="utf-8")
    assert "<h2>Politiskt organ</h2>" in page and "ledamöternas röster rätt" in page


def test_no_political_scores_for_other_meetings(tmp_path):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "samples" / "meeting" / "protokoll.txt"
    assert political_scores(sample, sample) is None


def test_the_suite_reports_the_political_scores_of_a_political_meeting(drafted, tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    suite, drafts = tmp_path / "suite", tmp_path / "drafts" / "rules"
    for case in ("ks", "ledning"):
        (suite / case).mkdir(parents=True)
    drafts.mkdir(parents=True)
    for item in drafted.items:
        for d in item.decisions:
            d.status = "accepted"
    archived = export_political_docx(drafted, suite / "ks" / "protokoll.docx", mode="approved")
    vote = drafted.items[0].political.ballots[0].votes[0]
    vote.choice = "nej" if vote.choice == "ja" else "ja"  # the draft gets one member's vote wrong
    (drafts / "ks.json").write_text(drafted.model_dump_json(), encoding="utf-8")
    plain = root / "samples" / "meeting" / "protokoll.txt"  # a meeting that is not a political body's
    (suite / "ledning" / "protokoll.txt").write_text(plain.read_text(encoding="utf-8"), encoding="utf-8")
    parsed = CliRunner().invoke(app, ["parse", str(plain), "--json"])
    (drafts / "ledning.json").write_text(parsed.output, encoding="utf-8")

    done = CliRunner().invoke(app, ["eval", "--suite", str(suite), "--drafts", str(tmp_path / "drafts"),
                                    "--json", str(tmp_path / "suite.json")])
    assert done.exit_code == 0, done.output
    assert "rules, ks: politiskt organ" in done.output and "ledamöternas röster rätt" in done.output
    assert "rules, ledning" not in done.output
    reported = json.loads((tmp_path / "suite.json").read_text())["political"]
    expected = score(paragraphs_of(drafted), read_paragraphs(archived)).model_dump(mode="json")
    assert list(reported["rules"]) == ["ks"] and reported["rules"]["ks"] == expected
    votes = expected["votes"]
    assert votes["members_archived"] >= 3
    assert votes["member_accuracy"] == (votes["members_archived"] - 1) / votes["members_archived"]


def test_the_bundled_political_suite_links_the_sample_without_a_copy():
    from pathlib import Path

    from eval.suite import discover_cases

    root = Path(__file__).resolve().parents[1]
    (case,) = discover_cases(root / "samples" / "suites" / "political")
    assert case.recording.resolve() == root / "samples" / "political" / "recording.opus"
    assert case.archived.name == "protokoll.docx" and case.meeting is not None
    assert read_paragraphs(case.archived)  # the archived protocol has its § sections
