"""All items of a meeting through a drafter's runnable, resumable: each item is saved as it finishes, and
an item saved before a crash is read back instead of drafted again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..files import write_json
from ..models import ItemDraft, Segment, Transcript
from . import Drafter


def draft_items(drafter: Drafter, transcript: Transcript, segments: list[Segment], drafts_dir: Path,
                progress: Callable[[float], None] | None = None) -> list[ItemDraft]:
    """ItemDrafts in agenda order; `drafts_dir/item-N.json` written as each item finishes."""
    saved = {s.number: drafts_dir / f"item-{s.number}.json" for s in segments}
    items = {s.number: ItemDraft.model_validate_json(saved[s.number].read_text())
             for s in segments if saved[s.number].exists()}
    todo = [s for s in segments if s.number not in items]

    def finished() -> None:
        if progress:
            progress(len(items) / len(segments))

    if items:
        finished()
    inputs = [{"transcript": transcript, "segment": s} for s in todo]
    for i, item in drafter.runnable.batch_as_completed(inputs, config={"max_concurrency": drafter.concurrency}):
        write_json(saved[todo[i].number], item)
        items[todo[i].number] = item
        finished()
    return [items[s.number] for s in segments]
