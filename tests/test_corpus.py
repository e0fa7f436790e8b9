"""The development corpus (samples/corpus, made by scripts/make_corpus.py): each meeting's files agree
with each other, the split is fair, and the evaluation over both splits runs from the stored
transcripts with the rules drafter in seconds. The figures are printed, not asserted: they are what
segmentation and decision finding are measured by, not a bar this test sets."""

import json
from pathlib import Path

import av
import pytest
import yaml
from typer.testing import CliRunner

from pipelines.documents import parse_protocol
from eval.corpus import render_meetings
from eval.suite import load_transcript, run_suite
from pipelines.clauses import classify
from pipelines.meeting_card import load_agenda, load_meeting
from pipelines.asr import TranscribeOptions
from service.cli import app

CORPUS = Path(__file__).resolve().parent.parent / "samples" / "corpus"
SPLITS = yaml.safe_load((CORPUS / "splits.yaml").read_text(encoding="utf-8"))
MEETINGS = SPLITS["dev"] + SPLITS["test"]


def truth_of(name: str) -> dict:
    return json.loads((CORPUS / name / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", MEETINGS)
def test_card_truth_and_archived_protocol_agree(name):
    folder = CORPUS / name
    meeting = load_meeting(folder / "meeting.yaml", require_agenda=True)
    assert load_agenda(folder / "agenda.txt") == meeting.agenda
    truth = truth_of(name)
    items = truth["items"]
    assert [i["number"] for i in items] == list(range(1, len(meeting.agenda) + 1))
    assert [i["title"] for i in items] == meeting.agenda
    # Taken in any order, the items tile the recording from start to end.
    spans = sorted((i["start"], i["end"]) for i in items)
    assert spans[0][0] < 3.0 and spans[-1][1] == pytest.approx(truth["duration"])
    assert all(a[1] == pytest.approx(b[0]) for a, b in zip(spans, spans[1:]))
    assert {u["speaker"] for u in truth["utterances"]} <= {p.name for p in meeting.attendees}
    by_number = {i["number"]: i for i in items}
    for d in truth["decisions"]:
        item = by_number[d["item"]]
        assert item["discussed"] and item["start"] <= d["start"] < d["end"] <= item["end"], d
        assert d["clause"].startswith("att ") and classify(d["clause"]) == d["kind"]
    for n in truth["non_decisions"]:  # "vi borde kanske besluta att …" is said, and is no decision
        assert "borde" in n["text"] and not any(d["item"] == n["item"] and d["kind"] == "decided"
                                                 and d["start"] == n["start"] for d in truth["decisions"])
    archived = parse_protocol(folder / "protokoll.txt")
    assert archived.meeting.attendees == meeting.attendees and archived.meeting.date == meeting.date
    assert len(archived.items) == len(items)
    for item in archived.items:
        assert [d.text for d in item.decisions] == [d["clause"] for d in truth["decisions"] if d["item"] == item.number]
    for item in items:  # the key facts are the archived summary's
        summary = archived.item(item["number"]).summary.lower()
        assert all(f.lower() in summary for f in item["key_facts"]), item["number"]


@pytest.mark.parametrize("name", MEETINGS)
def test_recording_is_mono_opus_at_a_defensible_rate_with_its_stored_transcript(name):
    folder = CORPUS / name
    truth = truth_of(name)
    path = folder / "recording.opus"
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus" and stream.codec_context.channels == 1
        seconds = container.duration / 1e6
    assert seconds == pytest.approx(truth["duration"], abs=0.2)
    assert 3 * 60 <= seconds <= 65 * 60
    assert 12 <= path.stat().st_size * 8 / seconds / 1000 <= 24  # kbit/s
    transcript = load_transcript(folder / "transcript.json.gz")
    assert transcript.duration == pytest.approx(seconds, abs=1.0) and len(transcript.segments) > 5
    asr = json.loads((folder / "asr.json").read_text(encoding="utf-8"))
    assert asr["model"] == transcript.model
    assert set(asr["options"]) == set(TranscribeOptions().model_dump(mode="json"))


def test_split_is_fair_and_the_corpus_small():
    assert len(SPLITS["dev"]) >= 8 and len(SPLITS["test"]) >= 4 and not set(SPLITS["dev"]) & set(SPLITS["test"])
    assert sorted(MEETINGS) == sorted(p.name for p in CORPUS.iterdir() if p.is_dir())

    def union(split, key):
        return {x for name in SPLITS[split] for x in key(truth_of(name))}

    classes = union("dev", lambda t: t["variations"])
    assert classes <= union("test", lambda t: t["variations"])  # test covers every variation class
    for wanted in ("transition:none", "out_of_order", "status:utgar", "status:closed", "ovriga", "borde",
                   "decision:ask", "decision:beslutat", "decision:vigorsa", "decision:enlighet",
                   "decision:restated", "decision:klubbat", "decision:proposition", "decision:overens",
                   "transition:harnast", "transition:ordinal", "transition:bare", "kind:info", "length:long",
                   "room:hard", "chair:sw2"):
        assert wanted in classes
    topics = {split: union(split, lambda t: {i["topic"] for i in t["items"]} - {None}) for split in SPLITS}
    assert not topics["dev"] & topics["test"]  # nobody tunes on the test meetings' talk
    minutes = [truth_of(n)["duration"] / 60 for n in MEETINGS]
    assert min(minutes) >= 3 and 25 <= sorted(minutes)[-2] and max(minutes) >= 50
    assert sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file()) < 60e6


@pytest.mark.slow  # sentence embeddings over 130 minutes of talk: half a minute
@pytest.mark.parametrize("split", ["dev", "test"])
def test_suite_scores_every_meeting_of_the_split_from_stored_transcripts(split, tmp_path, capsys):
    result = run_suite(CORPUS, ["rules"], split=split, reuse_transcripts=True, out_dir=tmp_path)
    assert result.errors == {}
    rows = result.meetings["rules"]
    assert [r.case for r in rows[:-1]] == sorted(SPLITS[split]) and rows[-1].case == "medel"
    for row in rows:
        assert 0 < row.items_found <= row.items_discussed and 0 <= row.boundaries_hit <= row.boundaries
        assert row.decisions_archived > 0 and row.decisions_matched <= min(row.decisions_drafted, row.decisions_archived)
        for value in (row.precision, row.recall, row.f1, row.clause_chrf, row.rouge1, row.rougeL, row.key_facts):
            assert value is None or 0.0 <= value <= 1.0
    pooled = rows[-1]
    assert pooled.items_discussed == sum(r.items_discussed for r in rows[:-1])
    with capsys.disabled():
        print(f"\n{split} (rules, lagrade transkript):\n{render_meetings(rows)}")


@pytest.mark.slow
def test_eval_cli_on_a_split_prints_the_table_and_writes_json(tmp_path):
    out = tmp_path / "test.json"
    res = CliRunner().invoke(app, ["eval", "--suite", str(CORPUS), "--split", "test", "--backend", "rules",
                                   "--reuse-transcripts", "--out", str(tmp_path / "work"), "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "nyckelfakta" in res.output and all(name in res.output for name in SPLITS["test"])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["case"] for r in data["meetings"]["rules"]][-1] == "medel"
    res = CliRunner().invoke(app, ["eval", "--suite", str(CORPUS), "--split", "tuning"])
    assert res.exit_code != 0 and "tuning" in str(res.exception)


def test_drafts_saved_by_other_code_are_made_again(tmp_path, monkeypatch):
    from pipelines import run

    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "sala-krisledning").symlink_to(CORPUS / "sala-krisledning")
    out = tmp_path / "out"
    monkeypatch.setattr(run, "code_version", lambda: "version-a")
    run_suite(suite, ["rules"], reuse_transcripts=True, out_dir=out)
    monkeypatch.setattr(run, "code_version", lambda: "version-b")
    run_suite(suite, ["rules"], reuse_transcripts=True, out_dir=out)
    assert len(list((out / "sala-krisledning").glob("drafts-*"))) == 2


def test_the_words_said_are_a_transcript_timed_like_the_script():
    from eval.hearing import said_transcript, truth_sentences

    truth = truth_of("eksjo-ks")
    transcript = said_transcript(truth)
    sentences = truth_sentences(truth)
    assert [s.text.strip() for s in transcript.segments] == [text for _, _, text in sentences]
    for seg in transcript.segments:
        assert seg.words[0].start == seg.start and abs(seg.words[-1].end - seg.end) < 1e-6
        assert "".join(w.text for w in seg.words) == seg.text


def test_drafted_from_the_words_said_a_meeting_is_whole(tmp_path):
    """The methods' ceiling, apart from hearing: with every word heard, the meeting of new phrasings
    (the gavel, the proposition, "härnäst", "femte punkten") is split and decided as archived."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "eksjo-ks").symlink_to(CORPUS / "eksjo-ks")
    result = run_suite(suite, ["rules"], said=True, out_dir=tmp_path / "out")
    assert result.errors == {}
    row = result.meetings["rules"][0]
    assert row.items_found == row.items_discussed == 9 and row.boundaries_hit == row.boundaries == 8
    assert row.decisions_matched == row.decisions_drafted == row.decisions_archived
    assert row.rouge1 > 0.45
