"""The whole job: recording + meeting card -> transcript -> segments -> protocol (-> .docx).

Each stage's output is written atomically to the job directory, keyed by what it was made from
(`stages.json`). A re-run skips every stage whose inputs are unchanged, so a crashed or killed
job resumes from the last finished stage, and a drafting stage resumes from the last drafted item.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from .asr import TranscribeOptions, release_models, transcribe
from .drafting import DraftOptions, make_drafter
from .drafting.items import draft_items
from .errors import InputError
from .files import write_json
from .models import (DRAFTING, SEGMENTING, TRANSCRIBING, ItemDraft, Meeting, Protocol, Segment, Segmentation,
                     Transcript, TranscriptSegment)
from .segment import segment_by_agenda

Progress = Callable[[str, float, float | None], None]  # (stage, fraction 0..1, eta seconds)

TRANSCRIPT = "transcript.json"
SEGMENTS = "segments.json"
PROTOCOL = "protocol.json"
DOCX = "protokoll.docx"
DRAFTS = "drafts"  # one file per finished item while drafting


class PipelineOptions(BaseModel):
    transcribe: TranscribeOptions = Field(default_factory=TranscribeOptions)
    draft: DraftOptions = Field(default_factory=DraftOptions)
    export_docx: bool = True


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the pipeline's own code and prompts: a segmentation or draft saved by other code (before an
    upgrade) is made again, not reused. Transcripts are keyed by their options only: too dear to redo."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")) + sorted((root.parent / "prompts").glob("*.yaml")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _key(*parts: object) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(p, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def _recording_key(recording: Path) -> dict:
    st = recording.stat()
    return {"name": recording.name, "size": st.st_size, "mtime": int(st.st_mtime)}


class _Stages:
    """Remembers which inputs each saved stage output was made from."""

    def __init__(self, out_dir: Path, force: bool):
        self.path = out_dir / "stages.json"
        self.keys = {} if force or not self.path.exists() else json.loads(self.path.read_text())

    def fresh(self, stage: str, key: str, output: Path) -> bool:
        return self.keys.get(stage) == key and output.exists()

    def done(self, stage: str, key: str) -> None:
        self.keys[stage] = key
        write_json(self.path, self.keys)


class _Eta:
    def __init__(self, stage: str, progress: Progress | None):
        self.stage, self.progress, self.t0 = stage, progress, time.monotonic()

    def __call__(self, fraction: float) -> None:
        if self.progress is None:
            return
        elapsed = time.monotonic() - self.t0
        eta = elapsed * (1 - fraction) / fraction if fraction > 0.01 else None
        self.progress(self.stage, min(max(fraction, 0.0), 1.0), eta)


def run_pipeline(
    recording: Path,
    meeting: Meeting,
    out_dir: Path,
    *,
    options: PipelineOptions | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Protocol:
    options = options or PipelineOptions()
    recording, out_dir = Path(recording), Path(out_dir)
    if not recording.exists():
        raise InputError(f"{recording}: inspelningen finns inte – recording not found")
    out_dir.mkdir(parents=True, exist_ok=True)
    if force:
        shutil.rmtree(out_dir / DRAFTS, ignore_errors=True)
    stages = _Stages(out_dir, force)

    # 1. Transcribe
    t_key = _key(_recording_key(recording), options.transcribe.model_dump(mode="json"), meeting.vocabulary())
    if stages.fresh("transcribe", t_key, out_dir / TRANSCRIPT):
        transcript = Transcript.model_validate_json((out_dir / TRANSCRIPT).read_text())
    else:
        transcript = transcribe(recording, meeting, options.transcribe, progress=_Eta(TRANSCRIBING, progress))
        release_models()
        write_json(out_dir / TRANSCRIPT, transcript)
        stages.done("transcribe", t_key)

    # 2. Segment by agenda item
    s_key = _key(t_key, meeting.agenda, code_version())
    if stages.fresh("segment", s_key, out_dir / SEGMENTS):
        segmentation = Segmentation.model_validate_json((out_dir / SEGMENTS).read_text())
    else:
        _Eta(SEGMENTING, progress)(0.0)
        segmentation = segment_by_agenda(transcript, meeting.agenda_items())
        write_json(out_dir / SEGMENTS, segmentation)
        stages.done("segment", s_key)

    # 3. Draft each item (resumable per item)
    # Keyed by the segmentation's content, so drafts of an older segmentation are never reused.
    d_key = _key(segmentation.model_dump(mode="json"), meeting.model_dump(mode="json"), options.draft.model_dump(mode="json"),
                 code_version())
    if stages.fresh("draft", d_key, out_dir / PROTOCOL):
        protocol = Protocol.model_validate_json((out_dir / PROTOCOL).read_text())
    else:
        drafting = _Eta(DRAFTING, progress)
        drafting(0.0)  # the stage shows when it starts, not when the first item is done
        protocol = draft_protocol(meeting, transcript, segmentation, options.draft, out_dir / DRAFTS / d_key,
                                  progress=drafting)
        write_json(out_dir / PROTOCOL, protocol)
        stages.done("draft", d_key)

    # 4. Word document (cheap; always rewritten from the protocol)
    if options.export_docx:
        export_for(protocol)(protocol, out_dir / DOCX)
    return protocol


def export_for(protocol: Protocol):
    """The Word exporter for the protocol: the §-layout for a political body, else the numbered layout."""
    if protocol.meeting.political is not None:
        from .political.export import export_political_docx

        return export_political_docx
    from .documents.export_docx import export_docx

    return export_docx


def draft_protocol(meeting: Meeting, transcript: Transcript, segmentation: Segmentation, options: DraftOptions,
                   drafts_dir: Path, progress: Callable[[float], None] | None = None) -> Protocol:
    """Every item drafted from its talk (resumable per item in `drafts_dir`), and for a political body each
    § captured: the one way `protokoll draft`, the service and the evaluation suite make a protocol."""
    drafter = make_drafter(options, meeting)
    items = draft_items(drafter, transcript, segmentation.items, drafts_dir, progress)
    protocol = Protocol(meeting=meeting, items=items, drafter=drafter.name)
    if meeting.political is not None:  # yrkanden, omröstning, jäv … per § (pipelines/political/capture.py)
        from .political.capture import capture_protocol

        protocol = capture_protocol(protocol, transcript, segmentation)
    return protocol


def redraft_item(protocol: Protocol, transcript_text: str, number: int, options: DraftOptions | None = None) -> ItemDraft:
    """Draft one item again from a (corrected) transcript text, e.g. after the secretary fixed it."""
    old = protocol.item(number)
    start = old.start or 0.0
    end = old.end if old.end is not None else start
    seg = TranscriptSegment(id=0, start=start, end=end, text=transcript_text)
    transcript = Transcript(language="sv", duration=end, backend="rättad", model="sekreterare", segments=[seg])
    segment = Segment(number=number, title=old.title, start=old.start, end=old.end,
                      confidence=old.confidence, segment_ids=[0])
    drafter = make_drafter(options or DraftOptions(), protocol.meeting)
    return drafter.draft_item(transcript, segment)
