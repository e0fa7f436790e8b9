"""Metrics on the real reference protocol and on small hand-checked cases."""

import json
import shutil
from pathlib import Path

import pytest

from eval import evaluate, parse_protocol
from eval.metrics import (attendance, boundary_hits, clauses_match, fact_found, item_found, key_fact_coverage,
                          numeral, pk, post_edit_rate, rouge_l, rouge_n, windowdiff)
from eval.suite import leaderboard, render_leaderboard, run_suite
from pipelines.errors import InputError
from pipelines.models import Person

REFERENCE = Path("/work/shared/reference/protokoll-nr9-2025.txt")


@pytest.fixture(scope="module")
def reference():
    return parse_protocol(REFERENCE)


def flat(result):
    d = result.model_dump()
    d.pop("per_item")
    return {f"{k}.{kk}": v for k, sub in d.items() for kk, v in sub.items()}


def test_reference_against_itself_is_perfect(reference):
    scores = flat(evaluate(reference, reference))
    assert scores["items.matched"] == scores["items.archived"] == scores["items.drafted"] == 11
    for key in ("decisions.precision", "decisions.recall", "decisions.f1", "decisions.kind_accuracy",
                "decisions.chrf", "summary.rouge1", "summary.rouge2", "summary.rougeL", "summary.chrf",
                "attendance.precision", "attendance.recall"):
        assert scores[key] == pytest.approx(1.0), key
    assert scores["segmentation.pk"] is None  # no reference times given


def test_removed_decision_and_replaced_summary_lower_exactly_those(reference):
    copy = reference.model_copy(deep=True)
    copy.item(5).decisions.clear()
    copy.item(7).summary = "Mötet pratade om vädret och om julmaten i personalmatsalen."
    base, worse = flat(evaluate(reference, reference)), flat(evaluate(copy, reference))
    lower = {k for k in base if base[k] is not None and worse[k] < base[k]}
    assert lower == {"decisions.recall", "decisions.f1", "summary.rouge1", "summary.rouge2",
                     "summary.rougeL", "summary.chrf"}
    assert worse["decisions.recall"] == pytest.approx(7 / 8)
    assert worse["decisions.precision"] == 1.0
    row = next(r for r in evaluate(copy, reference).per_item if r.archived_number == 7)
    assert row.rougeL < 0.3


def test_wrong_kind_and_extra_clause(reference):
    copy = reference.model_copy(deep=True)
    copy.item(4).decisions[0].kind = "thanked"
    copy.item(9).decisions.append(copy.item(9).decisions[0].model_copy(update={"text": "att köpa tre elbilar"}))
    s = flat(evaluate(copy, reference))
    assert s["decisions.kind_accuracy"] == pytest.approx(7 / 8)
    assert s["decisions.precision"] == pytest.approx(8 / 9) and s["decisions.recall"] == 1.0


def test_items_aligned_by_title_not_only_number(reference):
    copy = reference.model_copy(deep=True)
    del copy.items[0]  # the draft missed "Mötets öppnande": every number shifts by one
    for item in copy.items:
        item.number -= 1
    r = evaluate(copy, reference)
    assert (r.items.matched, r.items.archived, r.items.drafted) == (10, 11, 10)
    assert r.decisions.f1 == pytest.approx(1.0)


def test_decision_matching_rule():
    assert clauses_match("att skriva under samarbetsavtalet för traineeprogrammet",
                         "Att skriva under samarbetsavtal för traineeprogrammet 2026-2030.")
    assert clauses_match("Att tacka för informationen.", "att tacka för informationen")
    assert not clauses_match("att notera informationen", "Att tacka för informationen")
    assert not clauses_match("att bordlägga ärendet", "att notera informationen")


def test_rouge_uses_swedish_stemming():
    # "kommunerna"/"kommunen" and "beslutade"/"beslutar" share stems; without stemming nothing overlaps.
    assert rouge_n("kommunerna beslutade", "kommunen beslutar", 1) == pytest.approx(1.0)
    assert rouge_n("a b c d", "a b x d", 2) == pytest.approx(1 / 3)
    assert rouge_l("a b c d", "a x c d") == pytest.approx(0.75)
    assert rouge_n("", "något", 1) == 0.0


def test_attendance_precision_recall():
    archived = [Person(name="Jonas Jönsson"), Person(name="Elin Ask"), Person(name="Tomas Rikse"), Person(name="Åsa Simonsson")]
    drafted = ["jonas jönsson", "Elin Ask", "Tomas Rikse", "Eva Svensson"]
    assert attendance(drafted, archived) == (0.75, 0.75)
    assert attendance(["Tomas Rikze"], archived) == (1.0, 0.25)  # one typo in a longer name is tolerated
    assert attendance(["Elin Berg"], archived) == (0.0, 0.0)


def test_pk_and_windowdiff():
    ref = [(0, 100), (100, 200), (200, 300)]
    assert pk(ref, ref) == 0.0 and windowdiff(ref, ref) == 0.0
    shifted = [(0, 150), (150, 200), (200, 300)]
    assert 0 < pk(ref, shifted) < pk(ref, [(0, 300)]) + 1e-9
    assert windowdiff(ref, [(0, 300)]) > 0
    assert pk(ref, []) is None


def test_swedish_numerals_as_whisper_and_secretaries_write_them():
    assert [numeral(w) for w in ("45", "fyrtiofem", "tolv", "åttiosju", "trehundra", "sexhundratusen")] == \
        [45, 45, 12, 87, 300, 600_000]
    assert numeral("en") is None and numeral("femtiotalet") is None and numeral("budget") is None


def test_key_fact_coverage_counts_facts_stated_in_the_draft():
    facts = ["tolv miljoner", "skolskjuts", "energi", "fyra miljoner", "underskott"]
    # Whisper's digits match the archive's words; inflections match by stem; a missing fact counts against.
    draft = "Prognosen visar ett underskott på 12 miljoner kronor, främst högre kostnader för skolskjutsar."
    assert key_fact_coverage(draft, facts) == pytest.approx(3 / 5)
    assert fact_found("600 000", "nästan sexhundratusen kronor") and fact_found("2030", "till år 2030")
    assert not fact_found("fyra miljoner", "fyra procent och 12 miljoner")  # every word of the fact
    assert key_fact_coverage("", facts) == 0.0 and key_fact_coverage("allt", []) is None


def test_item_found_and_boundaries_within_three_seconds():
    assert item_found((10.0, 50.0), (12.0, 40.0))  # covers 28 of 40 s
    assert not item_found((10.0, 50.0), (35.0, 80.0))  # covers 15 of 40 s: the talk went elsewhere
    assert not item_found((10.0, 50.0), (None, None))  # "no discussion found"
    assert boundary_hits([50.0, 90.0, 130.0], [52.9, 95.0, None]) == 1


def test_post_edit_rate():
    assert post_edit_rate("att notera informationen", "att notera informationen") == 0.0
    assert post_edit_rate("att notera informationen", "att tacka för informationen") == pytest.approx(2 / 4)
    assert post_edit_rate("", "fyra ord i slutversionen") == 1.0


def test_leaderboard_from_already_drafted_protocols(tmp_path, reference):
    suite, drafts = tmp_path / "suite", tmp_path / "drafts"
    for case in ("mote-a", "mote-b"):
        (suite / case).mkdir(parents=True)
        shutil.copy(REFERENCE, suite / case / "protokoll.txt")
    weak = reference.model_copy(deep=True)
    for item in weak.items:
        item.decisions = item.decisions[:0]
        item.summary = "Diskussion fördes."
    for backend, protocol in (("perfekt", reference), ("svag", weak)):
        (drafts / backend).mkdir(parents=True)
        for case in ("mote-a", "mote-b"):
            (drafts / backend / f"{case}.json").write_text(protocol.model_dump_json(), encoding="utf-8")
    result = run_suite(suite, drafts=drafts)
    assert [r.backend for r in result.leaderboard] == ["perfekt", "svag"]
    assert result.leaderboard[0].cases == 2 and result.leaderboard[0].decisions_f1 == pytest.approx(1.0)
    assert result.leaderboard[1].decisions_f1 == 0.0
    assert result.leaderboard[1].summary_rougeL < 0.2
    table = render_leaderboard(result.leaderboard)
    assert table.splitlines()[2].split()[:2] == ["1", "perfekt"]
    # a backend with a missing draft is reported, not fatal
    result = run_suite(suite, ["perfekt", "saknas"], drafts=drafts)
    assert set(result.errors) == {"saknas/mote-a", "saknas/mote-b"}
    assert [r.backend for r in result.leaderboard] == ["perfekt"]
    assert [r.backend for r in leaderboard({"b": {"x": result.results["perfekt"]["mote-a"]}})] == ["b"]


def test_suite_without_cases_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        run_suite(tmp_path, drafts=tmp_path)
