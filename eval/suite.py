"""`protokoll eval --suite DIR`: many meetings drafted and scored in one run, and a leaderboard
across drafting backends (or prompt/model versions).

A suite is a folder of cases, one subfolder each with `recording.*`, `meeting.yaml`,
`protokoll.(txt|docx|pdf)` (the archived protocol) and optionally `truth.json` (item times) and
`transcript.json(.gz)` (a stored ASR transcript, drafted from with `reuse_transcripts`). A
`splits.yaml` ({dev: [...], test: [...]}) names the cases of each split. Where truth.json says per
item whether it was discussed and its key facts (samples/corpus), each meeting also gets a row of
figures measured against that truth (eval/corpus.py). A political body's meeting (its card has `body:`)
is also scored for yrkanden, omröstning, reservationer, jäv and protokollsanteckningar (eval/political.py).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from pipelines.audio_formats import AUDIO_SUFFIXES
from pipelines.documents import load_protocol, parse_protocol
from pipelines.errors import InputError
from pipelines.models import Protocol

from . import metrics as m
from .corpus import MeetingRow, meeting_row, pooled
from .political import PoliticalScores, paragraphs_of, read_paragraphs, score
from .score import EvalResult, evaluate


class Case(BaseModel):
    name: str
    folder: Path
    recording: Path | None = None
    meeting: Path | None = None
    archived: Path
    truth: Path | None = None
    transcript: Path | None = None


class LeaderRow(BaseModel):
    backend: str
    cases: int
    items_matched: float | None = None  # matched / archived, mean over cases
    decisions_f1: float | None = None
    kind_accuracy: float | None = None
    summary_rougeL: float | None = None
    summary_chrf: float | None = None
    attendance_recall: float | None = None
    pk: float | None = None


class SuiteResult(BaseModel):
    results: dict[str, dict[str, EvalResult]] = Field(default_factory=dict)  # backend -> case -> result
    leaderboard: list[LeaderRow] = Field(default_factory=list)
    meetings: dict[str, list[MeetingRow]] = Field(default_factory=dict)  # backend -> rows, the last pooled
    errors: dict[str, str] = Field(default_factory=dict)  # "backend/case" -> message
    political: dict[str, dict[str, PoliticalScores]] = Field(default_factory=dict)  # backend -> case -> scores


def split_names(root: Path, split: str) -> list[str]:
    path = Path(root) / "splits.yaml"
    try:
        splits = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise InputError(f"{path}: kan inte läsa uppdelningen – cannot read the splits ({e})") from None
    if not isinstance(splits, dict) or split not in splits:
        raise InputError(f"{path}: ingen uppdelning '{split}' – no split named so")
    return list(splits[split])


def discover_cases(root: Path, split: str | None = None) -> list[Case]:
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: katalogen finns inte – suite folder not found")
    wanted = split_names(root, split) if split else None
    cases = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if wanted is not None and folder.name not in wanted:
            continue
        archived = next((folder / f"protokoll{s}" for s in (".txt", ".docx", ".pdf") if (folder / f"protokoll{s}").exists()), None)
        if archived is None:
            continue  # not a case
        recording = next((p for p in sorted(folder.glob("recording.*")) if p.suffix.lower() in AUDIO_SUFFIXES), None)
        meeting = next((folder / n for n in ("meeting.yaml", "meeting.yml") if (folder / n).exists()), None)
        truth = folder / "truth.json"
        transcript = next((folder / n for n in ("transcript.json.gz", "transcript.json") if (folder / n).exists()), None)
        cases.append(Case(name=folder.name, folder=folder, recording=recording, meeting=meeting,
                          archived=archived, truth=truth if truth.exists() else None, transcript=transcript))
    missing = sorted(set(wanted or []) - {c.name for c in cases})
    if missing:
        raise InputError(f"{root}: uppdelningen '{split}' nämner fall som saknas: {', '.join(missing)} – missing cases")
    if not cases:
        raise InputError(f"{root}: inga fall hittades (undermappar med protokoll.txt/.docx/.pdf) – no cases found")
    return cases


def load_reference_times(path: Path) -> list[tuple[float, float]]:
    """Item times from truth.json: a list of {start, end} (or [start, end]), possibly under "items"."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: kan inte läsa facit med tider – cannot read item times ({e})") from None
    if isinstance(data, dict):
        data = data.get("items") or data.get("segments") or data.get("agenda") or []
    times = []
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict) and entry.get("start") is not None and entry.get("end") is not None:
            times.append((float(entry["start"]), float(entry["end"])))
        elif isinstance(entry, (list, tuple)) and len(entry) == 2:
            times.append((float(entry[0]), float(entry[1])))
    if not times:
        raise InputError(f"{path}: inga punkter med start och slut – no items with start/end times")
    return sorted(times)


def leaderboard(results: dict[str, dict[str, EvalResult]]) -> list[LeaderRow]:
    """One row per backend, means over its cases, best decision F1 (then ROUGE-L) first."""
    rows = []
    for backend, by_case in results.items():
        rs = list(by_case.values())
        rows.append(LeaderRow(
            backend=backend, cases=len(rs),
            items_matched=m.mean(r.items.matched / r.items.archived if r.items.archived else None for r in rs),
            decisions_f1=m.mean(r.decisions.f1 for r in rs),
            kind_accuracy=m.mean(r.decisions.kind_accuracy for r in rs),
            summary_rougeL=m.mean(r.summary.rougeL for r in rs),
            summary_chrf=m.mean(r.summary.chrf for r in rs),
            attendance_recall=m.mean(r.attendance.recall for r in rs),
            pk=m.mean(r.segmentation.pk for r in rs),
        ))
    return sorted(rows, key=lambda r: (-(r.decisions_f1 or 0.0), -(r.summary_rougeL or 0.0), r.backend))


def render_leaderboard(rows: list[LeaderRow]) -> str:
    def f(v):
        return "–" if v is None else f"{v:.3f}"

    head = ["#", "backend", "fall", "punkter", "beslut F1", "slag", "ROUGE-L", "chrF", "närvaro", "Pk"]
    body = [[str(i), r.backend, str(r.cases), f(r.items_matched), f(r.decisions_f1), f(r.kind_accuracy),
             f(r.summary_rougeL), f(r.summary_chrf), f(r.attendance_recall), f(r.pk)] for i, r in enumerate(rows, 1)]
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in body]
    return "\n".join(lines)


def score_case(draft: Protocol, case: Case) -> EvalResult:
    archived = parse_protocol(case.archived)
    times = load_reference_times(case.truth) if case.truth else None
    return evaluate(draft, archived, times)


def _slug(backend: str) -> str:
    return re.sub(r"[^\w.-]+", "_", backend)


def find_draft(drafts: Path, backend: str, case: Case) -> Path | None:
    for p in (drafts / backend / f"{case.name}.json", drafts / backend / case.name / "protocol.json",
              drafts / _slug(backend) / f"{case.name}.json"):
        if p.exists():
            return p
    return None


def run_suite(root: Path, backends: list[str] | None = None, *, drafts: Path | None = None,
              out_dir: Path | None = None, split: str | None = None,
              reuse_transcripts: bool = False, said: bool = False) -> SuiteResult:
    """Score every case for every backend. With `drafts`, read already-drafted protocols from
    drafts/<backend>/<case>.json; otherwise run the drafting pipeline (backend "name" or "name:model"),
    from each case's stored transcript with `reuse_transcripts` (no ASR: seconds, not minutes), or with
    `said` from the words its script said (truth.json: the methods' ceiling, as if every word were heard)."""
    cases = discover_cases(root, split)
    if drafts is not None:
        drafts = Path(drafts)
        backends = backends or sorted(p.name for p in drafts.iterdir() if p.is_dir())
    backends = backends or ["rules"]
    suite = SuiteResult()
    for backend in backends:
        suite.results[backend] = {}
        for case in cases:
            try:
                if drafts is not None:
                    path = find_draft(drafts, backend, case)
                    if path is None:
                        raise InputError(f"inget utkast för {case.name} i {drafts / backend} – no draft found")
                    draft = load_protocol(path)
                elif reuse_transcripts or said:
                    draft = _draft_from_transcript(case, backend, Path(out_dir or "out/suite"), said=said)
                else:
                    draft = _draft(case, backend, Path(out_dir or "out/suite"))
                result = score_case(draft, case)
                suite.results[backend][case.name] = result
                truth = _rich_truth(case)
                if truth is not None:
                    suite.meetings.setdefault(backend, []).append(meeting_row(case.name, draft, result, truth))
                if draft.meeting.political is not None:  # a political body: yrkanden, omröstning, reservation …
                    suite.political.setdefault(backend, {})[case.name] = score(paragraphs_of(draft),
                                                                               read_paragraphs(case.archived))
            except InputError as e:  # one bad case must not sink the whole run
                suite.errors[f"{backend}/{case.name}"] = str(e)
    suite.leaderboard = leaderboard({b: r for b, r in suite.results.items() if r})
    for backend, rows in suite.meetings.items():
        rows.append(pooled(rows))
    return suite


def _rich_truth(case: Case) -> dict | None:
    """truth.json when it says per item whether it was discussed (the corpus format), else None."""
    if case.truth is None:
        return None
    data = json.loads(case.truth.read_text(encoding="utf-8"))
    items = data.get("items") if isinstance(data, dict) else None
    return data if items and all("discussed" in i for i in items) else None


def load_transcript(path: Path):
    from pipelines.models import Transcript

    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            return Transcript.model_validate_json(f.read())
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: kan inte läsa transkriptet – cannot read the transcript ({e})") from None


def _options(backend: str):
    from pipelines.drafting import DraftOptions

    name, _, model = backend.partition(":")
    try:
        return DraftOptions(backend=name, model=model or None)
    except ValidationError:
        raise InputError(f"okänd backend '{name}' (rules, llama-cpp, openai, transformers) – unknown backend") from None


def _draft_from_transcript(case: Case, backend: str, out_dir: Path, said: bool = False) -> Protocol:
    """Segment and draft from the stored transcript (or the words said), as `protokoll draft` does after
    its ASR step."""
    from pipelines.meeting_card import load_meeting
    from pipelines.files import write_json
    from pipelines.run import code_version, draft_protocol
    from pipelines.segment import segment_by_agenda

    if said:
        from .hearing import said_transcript

        truth = _rich_truth(case)
        if truth is None or "utterances" not in truth or case.meeting is None:
            raise InputError(f"{case.folder}: fallet saknar truth.json med yttranden eller meeting.yaml – "
                             "case lacks the script's utterances or card")
        transcript = said_transcript(truth)
    elif case.transcript is None or case.meeting is None:
        raise InputError(f"{case.folder}: fallet saknar transcript.json(.gz) eller meeting.yaml – "
                         "case lacks a stored transcript or card")
    else:
        transcript = load_transcript(case.transcript)
    meeting, options = load_meeting(case.meeting), _options(backend)
    segmentation = segment_by_agenda(transcript, meeting.agenda_items())
    # Drafted items are kept per segmentation, options and code, so an interrupted LLM run resumes.
    key = hashlib.sha256((segmentation.model_dump_json() + options.model_dump_json() + code_version()).encode()).hexdigest()[:12]
    case_dir = out_dir / case.name
    protocol = draft_protocol(meeting, transcript, segmentation, options, case_dir / f"drafts-{_slug(backend)}-{key}")
    write_json(case_dir / f"protocol-{_slug(backend)}{'-said' if said else ''}.json", protocol)
    return protocol


def _draft(case: Case, backend: str, out_dir: Path) -> Protocol:
    from pipelines.meeting_card import load_meeting
    from pipelines.run import PROTOCOL, PipelineOptions, run_pipeline

    if case.recording is None or case.meeting is None:
        raise InputError(f"{case.folder}: fallet saknar recording.* eller meeting.yaml – case lacks recording or card")
    options = PipelineOptions(draft=_options(backend), export_docx=False)
    # One folder per case: the transcript and segments are reused, only drafting differs per backend.
    case_dir = out_dir / case.name
    protocol = run_pipeline(case.recording, load_meeting(case.meeting), case_dir, options=options)
    (case_dir / f"protocol-{_slug(backend)}.json").write_text((case_dir / PROTOCOL).read_text(encoding="utf-8"),
                                                             encoding="utf-8")
    return protocol
