"""Long items: choose what the language model reads.

The embedded 1.5B model reads its prompt slowly on a CPU (README, Prestanda): every word of a 3½-hour
meeting (~50 000 tokens) costs many minutes before it writes a word. An item whose
talk exceeds the budget is condensed first, and the model drafts from the selection (one call when it
fits the model's context):

1. kept always: segments with decision talk (the spoken decisions are also captured from the whole
   item by pipelines.decisions, so no decision depends on this choice), the chair's opening of the
   item and its last segments (where the chair usually sums up);
2. then, greedily, the segment adding the most not-yet-covered content words per character, weighted
   by how many segments of the item use the word (budgeted maximum coverage): central matters first,
   and talk that repeats what is already kept adds nothing and is left out.

Segments keep their item-global numbers, so evidence still points at the right times.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from ..models import TranscriptSegment
from ..text import content_stems

HEAD, TAIL = 2, 4  # the chair's opening and summing-up of an item


def line_chars(seg: TranscriptSegment) -> int:
    """Characters a segment costs in the prompt: its text and "[n] (mm:ss) "."""
    return len(seg.text.strip()) + 12


def condense(segs: Sequence[TranscriptSegment], budget: int, keep: re.Pattern | None = None,
             sizes: Sequence[int] | None = None) -> list[int]:
    """Indices (ascending) of the segments to read: all of them when they fit in `budget`.

    `sizes` are the segments' prompt costs (the model's tokens); characters (line_chars) when not given."""
    sizes = list(sizes) if sizes is not None else [line_chars(s) for s in segs]
    if sum(sizes) <= budget:
        return list(range(len(segs)))
    stems = [set(content_stems(s.text)) for s in segs]
    df = Counter(w for ws in stems for w in ws)
    weight = {w: math.log1p(n) for w, n in df.items()}
    chosen: set[int] = set()
    used = 0
    covered: set[str] = set()

    def take(i: int) -> None:
        nonlocal used
        if i not in chosen and used + sizes[i] <= budget:
            chosen.add(i)
            used += sizes[i]
            covered.update(stems[i])

    for i, s in enumerate(segs):
        if keep is not None and keep.search(s.text):
            take(i)
    for i in [*range(min(HEAD, len(segs))), *range(max(0, len(segs) - TAIL), len(segs))]:
        take(i)
    while True:
        best, best_gain = None, 0.0
        for i, ws in enumerate(stems):
            if i in chosen or used + sizes[i] > budget:
                continue
            gain = sum(weight[w] for w in ws - covered) / sizes[i]
            if gain > best_gain:
                best, best_gain = i, gain
        if best is None:
            break
        take(best)
    return sorted(chosen)
