"""Post-filters for what Whisper says that nobody said: known silence phrases, a phrase looped within a
segment, and runs of the same segment. They stream: only the current run is held back."""

from __future__ import annotations

import re

from ..models import TranscriptSegment

# What Whisper says over silence: subtitle credits and YouTube sign-offs from its training data.
SILENCE_PHRASES = re.compile(
    r"^(tack (för att|för att ni|för att du) (du |ni )?(har )?(tittat|tittade|såg på)"
    r"|(svensk ?)?textning\b|text(ning)?\.nu|undertext(er|ning)?\b|översättning\b"
    r"|prenumerera|www\.|amara\.org)",
    re.IGNORECASE,
)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def is_silence_phrase(text: str) -> bool:
    norm = text.strip().lower()
    return not _norm(text) or bool(SILENCE_PHRASES.search(norm))


def collapse_loops(segment: TranscriptSegment, min_repeats: int = 4) -> TranscriptSegment:
    """'och så och så och så och så …' -> 'och så': a phrase looped within one segment is kept once."""
    words = segment.text.split()
    for size in range(1, 9):
        i = 0
        while i + size * min_repeats <= len(words):
            unit = [_norm(w) for w in words[i : i + size]]
            reps = 1
            while [_norm(w) for w in words[i + reps * size : i + (reps + 1) * size]] == unit:
                reps += 1
            if reps >= min_repeats and any(unit):
                kept = words[: i + size] + words[i + reps * size :]
                drop = range(i + size, i + reps * size)
                timed = [w for k, w in enumerate(segment.words) if k not in drop] if len(segment.words) == len(words) else segment.words
                segment = segment.model_copy(update={"text": " " + " ".join(kept), "words": timed})
                words = kept
            i += 1
    return segment


def echoes_prompt(text: str, prompt: str | None, min_words: int = 3) -> bool:
    """Whisper reading its prompt back instead of the speech ("…, Svar på medborgarförslag om utegym i
    Folkparken, Svar på medborgarförslag om utegym i Folkparken, …"): an entry of the prompt's comma list
    of at least `min_words` words (a title, not a name someone says) twice in one segment."""
    if not prompt:
        return False
    said = _norm(text)
    for entry in prompt.rstrip(".").split(", "):
        words = _norm(entry)
        if len(words.split()) >= min_words and len(re.findall(rf"(?<!\S){re.escape(words)}(?!\S)", said)) >= 2:
            return True
    return False


class HallucinationGuard:
    """Post-filter over the segment stream: drops silence phrases and runs of >= 3 identical segments
    (keeping the first). Holds back only the current run, so it streams."""

    def __init__(self, run_limit: int = 3):
        self.run_limit = run_limit
        self.run: list[TranscriptSegment] = []

    def push(self, segment: TranscriptSegment) -> list[TranscriptSegment]:
        segment = collapse_loops(segment)
        if is_silence_phrase(segment.text):
            return []
        if self.run and _norm(self.run[0].text) == _norm(segment.text):
            self.run.append(segment)
            return []
        out = self.flush()
        self.run = [segment]
        return out

    def flush(self) -> list[TranscriptSegment]:
        run, self.run = self.run, []
        return run[:1] if len(run) >= self.run_limit else run
