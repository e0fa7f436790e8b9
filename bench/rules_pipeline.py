"""The real pipeline (Whisper, segmentation, per-item drafts saved as they are made) with the rules drafter
instead of the embedded LLM, for the queue benchmark (bench/queue.py) and the service tests that must run
real jobs in minutes. The service and its workers are started with `--pipeline bench.rules_pipeline`.

RULES_DRAFT_PACE_SECONDS (read here only) pauses after each drafted item, so that a test can kill a worker
while a job is mid-drafting with some items saved and others not (an LLM takes that long per item anyway).
"""

from __future__ import annotations

import os
import time

from pipelines.models import DRAFTING
from pipelines.run import PipelineOptions, redraft_item  # noqa: F401 (the pipeline contract)
from pipelines.run import run_pipeline as _run_pipeline


def run_pipeline(recording, meeting, out_dir, *, options: PipelineOptions | None = None, progress=None, **kw):
    options = (options or PipelineOptions()).model_copy(deep=True)
    options.draft.backend = "rules"
    pace = float(os.environ.get("RULES_DRAFT_PACE_SECONDS", "0"))

    def paced(stage: str, fraction: float, eta: float | None) -> None:
        if progress:
            progress(stage, fraction, eta)
        if stage == DRAFTING and fraction > 0 and pace:
            time.sleep(pace)

    return _run_pipeline(recording, meeting, out_dir, options=options, progress=paced, **kw)
