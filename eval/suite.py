"""`protokoll eval --suite DIR`: many meetings drafted and scored in one run, and a leaderboard
across drafting backends (or prompt/model versions).

A suite is a folder of cases, one subfolder each with `recording.*`, `meeting.yaml`,
`protokoll.(txt|docx|pdf)` (the archived protocol) and optionally `truth.json` (item times).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from pipelines.audio_formats import AUDIO_SUFFIXES
from pipelines.documents import load_protocol, parse_protocol
from pipelines.errors import InputError
from pipelines.models import Protocol

from .score import EvalResult, evaluate


class Case(BaseModel):
    name: str
    folder: Path
    recording: Path | None = None
    meeting: Path | None = None
    archived: Path
    truth: Path | None = None


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
    errors: dict[str, str] = Field(default_factory=dict)  # "backend/case" -> message


def discover_cases(root: Path) -> list[Case]:
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: katalogen finns inte – suite folder not found")
    cases = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        archived = next((folder / f"protokoll{s}" for s in (".txt", ".docx", ".pdf") if (folder / f"protokoll{s}").exists()), None)
        if archived is None:
            continue  # not a case
        recording = next((p for p in sorted(folder.glob("recording.*")) if p.suffix.lower() in AUDIO_SUFFIXES), None)
        meeting = next((folder / n for n in ("meeting.yaml", "meeting.yml") if (folder / n).exists()), None)
        truth = folder / "truth.json"
        cases.append(Case(name=folder.name, folder=folder, recording=recording, meeting=meeting,
                          archived=archived, truth=truth if truth.exists() else None))
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


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def leaderboard(results: dict[str, dict[str, EvalResult]]) -> list[LeaderRow]:
    """One row per backend, means over its cases, best decision F1 (then ROUGE-L) first."""
    rows = []
    for backend, by_case in results.items():
        rs = list(by_case.values())
        rows.append(LeaderRow(
            backend=backend, cases=len(rs),
            items_matched=_mean(r.items.matched / r.items.archived if r.items.archived else None for r in rs),
            decisions_f1=_mean(r.decisions.f1 for r in rs),
            kind_accuracy=_mean(r.decisions.kind_accuracy for r in rs),
            summary_rougeL=_mean(r.summary.rougeL for r in rs),
            summary_chrf=_mean(r.summary.chrf for r in rs),
            attendance_recall=_mean(r.attendance.recall for r in rs),
            pk=_mean(r.segmentation.pk for r in rs),
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
              out_dir: Path | None = None) -> SuiteResult:
    """Score every case for every backend. With `drafts`, read already-drafted protocols from
    drafts/<backend>/<case>.json; otherwise run the drafting pipeline (backend "name" or "name:model")."""
    cases = discover_cases(root)
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
                else:
                    draft = _draft(case, backend, Path(out_dir or "out/suite"))
                suite.results[backend][case.name] = score_case(draft, case)
            except InputError as e:  # one bad case must not sink the whole run
                suite.errors[f"{backend}/{case.name}"] = str(e)
    suite.leaderboard = leaderboard({b: r for b, r in suite.results.items() if r})
    return suite


def _draft(case: Case, backend: str, out_dir: Path) -> Protocol:
    from pipelines.meeting_card import load_meeting
    from pipelines.drafting import DraftOptions
    from pipelines.run import PROTOCOL, PipelineOptions, run_pipeline

    if case.recording is None or case.meeting is None:
        raise InputError(f"{case.folder}: fallet saknar recording.* eller meeting.yaml – case lacks recording or card")
    name, _, model = backend.partition(":")
    try:
        options = PipelineOptions(draft=DraftOptions(backend=name, model=model or None), export_docx=False)
    except ValidationError:
        raise InputError(f"okänd backend '{name}' (rules, llama-cpp, openai, transformers) – unknown backend") from None
    # One folder per case: the transcript and segments are reused, only drafting differs per backend.
    case_dir = out_dir / case.name
    protocol = run_pipeline(case.recording, load_meeting(case.meeting), case_dir, options=options)
    (case_dir / f"protocol-{_slug(backend)}.json").write_text((case_dir / PROTOCOL).read_text(encoding="utf-8"),
                                                             encoding="utf-8")
    return protocol
