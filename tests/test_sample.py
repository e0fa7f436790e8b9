"""The bundled sample meeting (samples/meeting/): the card, the agenda, the recording and its truth
agree with each other, the archived protocol reads back as what was decided, and the committed files
are what scripts/make_sample.py writes. The audio itself is decoded (PyAV) so timings are checked
against real samples, not against the script's own bookkeeping."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from pipelines.clauses import classify
from pipelines.documents import parse_protocol
from pipelines.meeting_card import load_agenda, load_meeting

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meeting"
RECORDING = SAMPLE / "recording.flac"


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def meeting():
    return load_meeting(SAMPLE / "meeting.yaml", require_agenda=True)


@pytest.fixture(scope="module")
def audio() -> tuple[np.ndarray, int]:
    """The decoded recording as float samples and its sample rate."""
    with av.open(str(RECORDING)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "flac"
        assert stream.codec_context.channels == 1
        rate = stream.codec_context.sample_rate
        frames = [f.to_ndarray().reshape(-1) for f in container.decode(stream)]
    return np.concatenate(frames).astype(np.float32), rate


@pytest.fixture(scope="module")
def make_sample():
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "scripts" / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_card_loads_and_describes_a_real_meeting(meeting, truth):
    assert meeting.number == "Protokoll nr 3 2026"
    assert 6 <= len(meeting.agenda) <= 8
    assert meeting.agenda[0].startswith("Mötets öppnande") and meeting.agenda[-1] == "Mötets avslutande"
    assert 6 <= len(meeting.attendees) <= 9 and 1 <= len(meeting.absent) <= 3
    names = {p.name for p in meeting.attendees}
    assert meeting.secretary in names and set(meeting.justerare) <= names
    assert {u["speaker"] for u in truth["utterances"]} <= names  # everyone who speaks is present
    assert not names & {p.name for p in meeting.absent}


def test_agenda_txt_is_the_cards_agenda(meeting):
    assert load_agenda(SAMPLE / "agenda.txt") == meeting.agenda
    assert load_meeting(SAMPLE / "meeting.yaml", agenda_file=SAMPLE / "agenda.txt") == meeting


def test_recording_is_16k_mono_flac_of_3_to_6_minutes(audio, truth):
    samples, rate = audio
    assert rate == 16_000
    duration = samples.size / rate
    assert 180 <= duration <= 360
    assert truth["duration"] == pytest.approx(duration, abs=0.05)
    assert RECORDING.stat().st_size < 6_000_000


def test_items_are_in_order_and_cover_the_recording(truth, meeting):
    items = truth["items"]
    assert [i["number"] for i in items] == list(range(1, len(meeting.agenda) + 1))
    assert [i["title"] for i in items] == meeting.agenda
    assert items[0]["start"] == 0.0 and items[-1]["end"] == pytest.approx(truth["duration"])
    for this, nxt in zip(items, items[1:]):
        assert this["start"] < this["end"] == nxt["start"]


def test_every_item_starts_with_the_chair_announcing_it(truth):
    chair = truth["utterances"][0]["speaker"]
    for item in truth["items"][1:]:
        first = next(u for u in truth["utterances"] if u["item"] == item["number"])
        assert first["speaker"] == chair
        assert first["start"] >= item["start"] and first["start"] - item["start"] < 0.01
        assert "punkt" in first["text"].lower()


def test_utterance_times_match_speech_and_silence_in_the_audio(audio, truth):
    samples, rate = audio
    utts = truth["utterances"]

    def rms(start: float, end: float) -> float:
        part = samples[int(start * rate): int(end * rate)]
        return float(np.sqrt(np.mean(part ** 2))) if part.size else 0.0

    for u in utts:
        assert u["end"] > u["start"]
        assert rms(u["start"], u["end"]) > 500, u["text"]  # int16 scale: clearly speech
    gaps = [(a["end"], b["start"], a["item"] != b["item"]) for a, b in zip(utts, utts[1:])]
    for end, start, transition in gaps:
        pause = start - end
        assert (2.0 <= pause <= 3.0) if transition else (0.6 <= pause <= 1.5)
        assert rms(end + 0.05, start - 0.05) < 5  # the pause is silent
    assert rms(0, utts[0]["start"] - 0.05) < 5


def test_at_least_four_distinguishable_speakers(truth):
    voices = {(u["speaker"], u["voice"]) for u in truth["utterances"]}
    assert len({s for s, _ in voices}) >= 4
    assert {v for _, v in voices} == {"mb-sw1", "mb-sw2", "sv"}
    # The plain espeak voice is hard for Whisper: it only checks in and says goodbye.
    assert all(u["item"] in (1, len(truth["items"])) for u in truth["utterances"] if u["voice"] == "sv")


def test_decisions_lie_within_their_items_and_were_spoken(truth):
    items = {i["number"]: i for i in truth["items"]}
    spoken = {(u["start"], u["end"]): u["text"] for u in truth["utterances"]}
    assert {d["kind"] for d in truth["decisions"]} == {"noted", "thanked", "decided", "assigned", "postponed"}
    for d in truth["decisions"]:
        item = items[d["item"]]
        assert item["start"] <= d["start"] < d["end"] <= item["end"]
        assert spoken[(d["start"], d["end"])] == d["spoken"]
        assert d["clause"].startswith("att ")
        assert classify(d["clause"]) == d["kind"]  # the project's own reading of the clause agrees


def test_archived_protocol_reads_back_as_the_meeting(truth, meeting):
    archived = parse_protocol(SAMPLE / "protokoll.txt")
    assert archived.meeting.number == meeting.number and archived.meeting.date == meeting.date
    assert archived.meeting.time == meeting.time
    assert archived.meeting.attendees == meeting.attendees and archived.meeting.absent == meeting.absent
    assert archived.meeting.secretary == meeting.secretary
    assert [i.title for i in archived.items][:-1] == meeting.agenda[:-1]
    assert archived.items[-1].title == "Mötet avslutades"  # as the reference protocol words it
    for item in archived.items:
        expected = [(d["clause"], d["kind"]) for d in truth["decisions"] if d["item"] == item.number]
        assert [(d.text, d.kind) for d in item.decisions] == expected
    report = archived.item(6)
    assert len(report.bullets) == 4 and not report.summary.startswith("Sammanfattning")


def test_committed_files_are_what_the_script_writes(make_sample, truth):
    assert (SAMPLE / "meeting.yaml").read_text(encoding="utf-8") == make_sample.meeting_yaml()
    assert (SAMPLE / "agenda.txt").read_text(encoding="utf-8") == make_sample.agenda_txt()
    assert (SAMPLE / "protokoll.txt").read_text(encoding="utf-8") == make_sample.protokoll_txt()
    lines = [line for item in make_sample.ITEMS for line in item.lines]
    assert [u["text"] for u in truth["utterances"]] == [line.text for line in lines]


@pytest.mark.slow
def test_whisper_hears_the_mbrola_speakers(make_sample, capsys):
    """Whisper base on the recording: the synthetic voices must stay intelligible (WER <= 40 %)."""
    report = make_sample.verify(SAMPLE)
    assert report["mbrola"] <= 0.40, capsys.readouterr().out
