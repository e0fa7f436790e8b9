"""The spine on the bundled sample meeting: real Whisper, real segmentation, real drafters.

Truth comes from samples/meeting/truth.json, written by the script that made the recording.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import pytest

from pipelines.decisions import support
from pipelines.drafting import DraftOptions
from pipelines.drafting.drafter import LLMDrafter
from pipelines.drafting.rules import item_segments
from pipelines.models import Protocol

from tests.conftest import SAMPLE

RECORDING = SAMPLE / "recording.flac"
pytestmark = pytest.mark.slow


def _spoken_at(decision, spoken: dict) -> bool:
    """The drafted decision cites the moment the chair spoke this decision (±1 s)."""
    return any(e.start <= spoken["end"] + 1.0 and e.end >= spoken["start"] - 1.0 for e in decision.evidence)


def test_cli_writes_every_output_and_prints_where(sample_job):
    out, result = sample_job
    for name in ("transcript.json", "segments.json", "protocol.json", "protokoll.docx"):
        assert (out / name).stat().st_size > 0, name
        assert str(out / name) in result.stdout or name == "segments.json"


def test_protocol_json_follows_the_contract(sample_job, meeting):
    data = json.loads((sample_job[0] / "protocol.json").read_text())
    assert data["meeting"]["title"] == meeting.title and data["meeting"]["agenda"] == meeting.agenda
    assert [i["number"] for i in data["items"]] == list(range(1, len(meeting.agenda) + 1))
    assert [i["title"] for i in data["items"]] == meeting.agenda
    for item in data["items"]:
        assert {"number", "title", "start", "end", "confidence", "summary", "decisions"} <= item.keys()
        for d in item["decisions"]:
            assert {"text", "kind", "evidence"} <= d.keys()
            assert all({"start", "end", "text"} <= e.keys() for e in d["evidence"])


def test_item_boundaries_within_three_seconds_of_truth(segmentation, truth):
    by_number = {s.number: s for s in segmentation.items}
    for item in truth["items"]:
        seg = by_number[item["number"]]
        assert seg.start is not None, f"punkt {item['number']} hittades inte"
        assert abs(seg.start - item["start"]) <= 3.0, (item["number"], seg.start, item["start"])
        assert abs(seg.end - item["end"]) <= 3.0, (item["number"], seg.end, item["end"])


def _assert_spoken_decisions_present(protocol_items, truth):
    by_number = {i.number: i for i in protocol_items}
    for spoken in truth["decisions"]:
        item = by_number[spoken["item"]]
        hits = [d for d in item.decisions if _spoken_at(d, spoken)]
        assert hits, f"punkt {spoken['item']}: saknar ”{spoken['clause']}”; har {[d.text for d in item.decisions]}"
        assert hits[0].kind == spoken["kind"], (spoken, hits[0])
        for e in hits[0].evidence:
            assert item.start - 0.5 <= e.start and e.end <= item.end + 0.5, (spoken, e, item.start, item.end)


def _assert_no_unsupported_decisions(protocol_items, transcript, segmentation, truth):
    """A decided/assigned clause must rest on what was said in its item, at a moment a decision was spoken."""
    segs_by_number = {s.number: item_segments(transcript, s) for s in segmentation.items}
    for item in protocol_items:
        for d in item.decisions:
            if d.kind not in ("decided", "assigned"):
                continue
            score, _ = support(d.text, segs_by_number[item.number])
            assert score >= 0.75, (item.number, d.text, score)
            spoken_here = [t for t in truth["decisions"] if t["item"] == item.number]
            assert any(_spoken_at(d, t) for t in spoken_here), (item.number, d.text, d.evidence)


def test_rule_drafter_captures_each_spoken_decision_in_its_item(sample_job, truth):
    protocol = Protocol.model_validate_json((sample_job[0] / "protocol.json").read_text())
    _assert_spoken_decisions_present(protocol.items, truth)


@pytest.fixture(scope="session")
def llm_items(transcript, segmentation, meeting):
    drafter = LLMDrafter(DraftOptions(backend="llama-cpp"), meeting)
    return [drafter.draft_item(transcript, s) for s in segmentation.items]


def test_embedded_llm_drafts_every_item(llm_items, segmentation, truth):
    assert [i.number for i in llm_items] == [s.number for s in segmentation.items]
    substantive = {d["item"] for d in truth["decisions"]}  # opening and closing may stay without summary
    for item in llm_items:
        assert "reserv" not in item.drafter, item.flags
        if item.number in substantive:
            assert len(item.summary.split()) >= 5, item


def test_embedded_llm_keeps_each_spoken_decision_in_the_right_item(llm_items, truth):
    _assert_spoken_decisions_present(llm_items, truth)


def test_embedded_llm_invents_no_decisions(llm_items, transcript, segmentation, truth):
    _assert_no_unsupported_decisions(llm_items, transcript, segmentation, truth)


def test_openai_endpoint_drafts_the_sample_alike(llama_server, transcript, segmentation, meeting, truth):
    options = DraftOptions(backend="openai", base_url=llama_server, model="qwen-embedded", concurrency=2)
    drafter = LLMDrafter(options, meeting)
    items = [drafter.draft_item(transcript, s) for s in segmentation.items]
    _assert_spoken_decisions_present(items, truth)
    _assert_no_unsupported_decisions(items, transcript, segmentation, truth)


def test_rerun_skips_finished_stages_and_force_redoes_them(sample_job, tmp_path):
    out = tmp_path / "job"
    shutil.copytree(sample_job[0], out)
    before = (out / "transcript.json").stat().st_mtime_ns
    args = [sys.executable, "-m", "service.cli", "draft", str(RECORDING), "--meeting", str(SAMPLE / "meeting.yaml"),
            "--out", str(out), "--drafter", "rules"]
    subprocess.run(args, check=True, capture_output=True, timeout=600)
    assert (out / "transcript.json").stat().st_mtime_ns == before  # not transcribed again
    subprocess.run(args + ["--force"], check=True, capture_output=True, timeout=1200)
    assert (out / "transcript.json").stat().st_mtime_ns != before

