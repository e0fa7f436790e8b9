"""An item's stretch of the recording as the secretary sets it.

The segmenter's split is a guess; the secretary owns the boundaries. Moving an item's start or end takes
the talk from its neighbours: the sentences (transcript segments) in the new range become the item's
transcript, decisions whose evidence was spoken there move with it, and the flags that depend on the talk
("no discussion found") follow. Plain functions of the typed models: no web code, the service calls them.
"""

from __future__ import annotations

from .errors import InputError
from .models import Decision, ItemDraft, Protocol, Transcript, TranscriptSegment

# The flag rules.draft_item gives an item without talk (tests/test_boundaries.py keeps the two in step).
NO_TALK = "Ingen diskussion hittades för punkten i inspelningen."
MOVED = "Sekreteraren flyttade punktens gränser – skriv om punkten om sammanfattningen inte stämmer."


def _inside(t: float, start: float | None, end: float | None) -> bool:
    return start is not None and end is not None and start <= t < end


def _segments(transcript: Transcript, start: float | None, end: float | None) -> list[TranscriptSegment]:
    # A sentence belongs where most of it was said.
    return [s for s in transcript.segments if _inside((s.start + s.end) / 2, start, end)]


def _spoken_at(decision: Decision) -> float | None:
    return (decision.evidence[0].start + decision.evidence[0].end) / 2 if decision.evidence else None


def refresh_flags(item: ItemDraft, has_talk: bool) -> None:
    """The talk-dependent flag follows the talk; flags the secretary marked handled do not count."""
    if has_talk:
        item.flags = [f for f in item.flags if f != NO_TALK]
    elif NO_TALK not in item.flags:
        item.flags.insert(0, NO_TALK)
    item.needs_review = bool(open_flags(item)) or item.confidence < 0.5


def open_flags(item: ItemDraft) -> list[str]:
    return [f for f in item.flags if f not in item.handled_flags]


def move_bounds(protocol: Protocol, transcript: Transcript, number: int, start: float, end: float) -> list[int]:
    """Give item `number` the recording from `start` to `end` (seconds); neighbours that overlapped lose
    that stretch. Returns the numbers of the items whose talk changed."""
    if not (0 <= start < end):
        raise InputError(f"Ogiltiga gränser {start}–{end}: starten måste ligga före slutet – invalid bounds")
    if end > transcript.duration + 1:
        raise InputError(f"Slutet {end:.0f} s ligger efter inspelningens slut ({transcript.duration:.0f} s) "
                         "– end is after the recording")
    target = protocol.item(number)
    changed = {number}
    for other in protocol.items:
        if other is target or other.start is None or other.end is None:
            continue
        if other.end <= start or other.start >= end:
            continue  # no overlap
        changed.add(other.number)
        if other.start < start:
            other.end = start  # it came before: it now ends where the item starts
        elif other.end > end:
            other.start = end  # it came after: it now starts where the item ends
        else:
            other.start = other.end = None  # wholly inside the new range: its talk is the item's now
    target.start, target.end = start, end
    target.confidence = 1.0  # the secretary heard it
    if MOVED not in target.flags:
        target.flags.append(MOVED)

    items = {i.number: i for i in protocol.items}
    for n in sorted(changed):
        item = items[n]
        segs = _segments(transcript, item.start, item.end)
        item.transcript = " ".join(s.text.strip() for s in segs)
        if not segs and item is not target:
            item.start = item.end = None
        refresh_flags(item, bool(segs))

    # Decisions go where their evidence was spoken: out of the changed items, and into them from anywhere.
    for item in protocol.items:
        for decision in list(item.decisions):
            t = _spoken_at(decision)
            if t is None or _inside(t, item.start, item.end):
                continue
            home = next((i for i in protocol.items if _inside(t, i.start, i.end)), None)
            if home is not None and (home.number in changed or item.number in changed):
                item.decisions.remove(decision)
                home.decisions.append(decision)
    for n in changed:
        items[n].decisions.sort(key=lambda d: _spoken_at(d) if _spoken_at(d) is not None else float("inf"))
    return sorted(changed)
