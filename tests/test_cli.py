"""`protokoll draft` on bad input: a clear message, exit code 2, nothing half-written; and the cases
where the input is odd but usable (no agenda, an item nobody talked about, a truncated file)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.meeting_card import load_meeting
from pipelines.segment import segment_by_agenda
from tests.conftest import SAMPLE, ffmpeg
from tests.helpers.server import cli

CARD = SAMPLE / "meeting.yaml"


def draft(recording: Path, out: Path, card: Path = CARD, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "draft", str(recording), "--meeting", str(card), "--out", str(out),
         "--drafter", "rules", *extra],
        capture_output=True, text=True, timeout=900,
    )


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "\nFel: " in "\n" + result.stderr  # a message line of its own, after any progress bar
    for word in words:
        assert word in result.stderr.lower(), result.stderr


def test_help_in_every_subcommand():
    for command in ["draft", "export", "parse", "eval", "serve", "user", "bench", "models"]:
        result = subprocess.run([sys.executable, "-m", "service.cli", command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "Usage" in result.stdout, (command, result.stderr)


def test_empty_file(tmp_path):
    empty = tmp_path / "tom.wav"
    empty.write_bytes(b"")
    result = draft(empty, tmp_path / "out")
    assert_refused(result, "tom")
    assert not (tmp_path / "out" / "transcript.json").exists()


def test_text_file_renamed_mp3(tmp_path):
    fake = tmp_path / "mote.mp3"
    fake.write_text("Det här är ingen inspelning utan en textfil.\n" * 50)
    assert_refused(draft(fake, tmp_path / "out"), "ljud")


def test_zero_second_wav(tmp_path, make_audio):
    wav = make_audio("noll.wav", "anullsrc=r=16000:cl=mono", 0)
    assert_refused(draft(wav, tmp_path / "out"))


def test_missing_recording_and_bad_card(tmp_path):
    assert_refused(draft(tmp_path / "finns-inte.flac", tmp_path / "out"), "finns inte")
    card = tmp_path / "kort.yaml"
    card.write_text("title: Möte\ndate: 13 mars\nagenda: [Öppnande]\nattendees: [{organisation: Bjuv}]\n")
    result = draft(SAMPLE / "recording.flac", tmp_path / "out", card)
    assert_refused(result, "date", "attendees.0.name")


def test_unknown_drafter_or_asr_is_a_message_not_a_traceback(tmp_path, sample_recording):
    result = draft(sample_recording, tmp_path / "out", CARD, "--drafter", "foo")
    assert_refused(result, "--drafter", "'foo'", "rules")
    result = draft(sample_recording, tmp_path / "out", CARD, "--asr", "x")
    assert_refused(result, "--asr", "'x'", "faster-whisper")
    result = draft(sample_recording, tmp_path / "out", CARD, "--batch-size", "-1")
    assert_refused(result, "--batch-size", "-1")
    assert not (tmp_path / "out" / "transcript.json").exists()


@pytest.mark.slow
def test_ten_minutes_of_silence(tmp_path, make_audio):
    silence = make_audio("tyst.flac", "anullsrc=r=16000:cl=mono", 600)
    assert_refused(draft(silence, tmp_path / "out"), "inget tal")


@pytest.mark.slow
def test_truncated_mp3_keeps_what_was_recorded(tmp_path):
    mp3 = tmp_path / "hel.mp3"
    ffmpeg("-i", str(SAMPLE / "recording.flac"), "-t", "75", "-b:a", "64k", str(mp3))
    cut = tmp_path / "avbruten.mp3"
    cut.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])  # the upload stopped half-way
    result = draft(cut, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    transcript = json.loads((tmp_path / "out" / "transcript.json").read_text())
    assert transcript["segments"] and max(s["end"] for s in transcript["segments"]) <= 40  # ~37 s survived
    protocol = json.loads((tmp_path / "out" / "protocol.json").read_text())
    assert protocol["items"][0]["start"] == 0.0 and len(protocol["items"]) == 8


@pytest.mark.slow
def test_card_without_agenda_loads_and_items_are_inferred(transcript, truth, tmp_path):
    card = tmp_path / "kort.yaml"
    card.write_text("title: Kommundirektörsmöte\ndate: 2026-03-13\n")
    meeting = load_meeting(card)
    assert meeting.agenda == []
    segmentation = segment_by_agenda(transcript, meeting.agenda_items())
    assert segmentation.method == "inferred-transitions"
    starts = [s.start for s in segmentation.items]
    # Every announced item of the truth starts within 3 s of an inferred boundary.
    for item in truth["items"][1:]:
        assert min(abs(s - item["start"]) for s in starts) <= 3.0, item


@pytest.mark.slow
def test_agenda_item_never_discussed(transcript, truth, meeting):
    # The meeting skipped item 5: cut its talk out of the real transcript, keep the card as it is.
    skipped = next(i for i in truth["items"] if i["number"] == 5)
    kept = [s for s in transcript.segments if not skipped["start"] - 0.5 <= s.start < skipped["end"] - 0.5]
    assert len(kept) < len(transcript.segments)
    without_five = transcript.model_copy(update={"segments": kept})
    segmentation = segment_by_agenda(without_five, meeting.agenda_items())
    silent = segmentation.items[4]
    assert silent.number == 5 and silent.start is None and silent.segment_ids == []
    for seg, item in zip(segmentation.items, truth["items"]):
        if item["number"] != 5:
            assert abs(seg.start - item["start"]) <= 3.0, (seg.title, seg.start, item["start"])

    from pipelines.drafting.rules import draft_item

    drafted = draft_item(meeting, without_five, silent)
    assert drafted.decisions == [] and drafted.needs_review
    assert any("Ingen diskussion" in f for f in drafted.flags)


def test_serve_and_worker_refuse_an_unknown_drafter(tmp_path):
    for command in ("serve", "worker"):
        result = cli(command, "--data-dir", str(tmp_path / "data"), "--drafter", "foo")
        assert_refused(result, "--drafter", "'foo'", "rules")
