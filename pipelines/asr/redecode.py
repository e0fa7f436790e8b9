"""Speech that the voice-activity filter found but Whisper left without words, decoded again on its own.

Decoding a window's speech in one go, Whisper sometimes skips a sentence: a short one between two
speakers, or one after which it jumped ahead in the 30-s chunk. The hole shows as a stretch of speech
that no heard word covers. That stretch alone, as a short clip without the primed prompt, is usually
heard; what comes back is kept only when it looks like speech and not like Whisper talking over silence.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..models import TranscriptSegment
from .guards import collapse_loops, is_silence_phrase
from .options import DecodingOptions

Span = tuple[float, float]


def shift(segment: TranscriptSegment, offset: float) -> TranscriptSegment:
    """The segment and its words moved `offset` seconds later."""
    words = [w.model_copy(update={"start": w.start + offset, "end": w.end + offset}) for w in segment.words]
    return segment.model_copy(update={"start": segment.start + offset, "end": segment.end + offset, "words": words})


def unheard(speech: list[Span], heard: list[Span], min_seconds: float) -> list[Span]:
    """Stretches of `speech` at least `min_seconds` long that no `heard` span overlaps (times in seconds)."""
    heard = sorted(heard)
    out: list[Span] = []
    for start, end in speech:
        cursor = start
        for h_start, h_end in heard:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start - cursor >= min_seconds:
                out.append((cursor, h_start))
            cursor = max(cursor, h_end)
        if end - cursor >= min_seconds:
            out.append((cursor, end))
    return out


def plausible(segment: TranscriptSegment, seconds: float, decoding: DecodingOptions) -> bool:
    """Whether a re-decoded segment of a `seconds`-long stretch is speech: not a known silence phrase, not
    a loop, not improbable or likely silence, and not more words than fit."""
    if is_silence_phrase(segment.text) or collapse_loops(segment).text != segment.text:
        return False
    if segment.avg_logprob is not None and segment.avg_logprob < decoding.redecode_log_prob_threshold:
        return False
    if segment.no_speech_prob is not None and segment.no_speech_prob > decoding.no_speech_threshold:
        return False
    return len(segment.text.split()) <= decoding.redecode_max_words_per_second * max(seconds, 1.0)


def inside(segment: TranscriptSegment, start: float, end: float) -> TranscriptSegment | None:
    """The segment cut to the words whose middle lies in [start, end] (the clip's margin was heard before)."""
    if not segment.words:
        middle = (segment.start + segment.end) / 2
        return segment if start <= middle <= end else None
    words = [w for w in segment.words if start <= (w.start + w.end) / 2 <= end]
    if not words:
        return None
    if len(words) == len(segment.words):
        return segment
    return segment.model_copy(update={"words": words, "start": words[0].start, "end": words[-1].end,
                                      "text": "".join(w.text for w in words)})


def recovered(decode, pcm, rate: int, speech: list[Span], segments: list[TranscriptSegment],
              decoding: DecodingOptions) -> Iterator[TranscriptSegment]:
    """Segments heard in the unheard stretches of `speech`, each decoded alone by `decode(clip)`.
    Times are seconds in `pcm`; `segments` are those already heard there."""
    heard = [(w.start, w.end) for s in segments for w in s.words] or [(s.start, s.end) for s in segments]
    margin = decoding.redecode_margin_seconds
    for start, end in unheard(speech, heard, decoding.redecode_min_seconds):
        clip_start = max(0.0, start - margin)
        clip = pcm[round(clip_start * rate): round((end + margin) * rate)]
        for seg in decode(clip):
            kept = inside(shift(seg, clip_start), start, end)
            if kept is not None and plausible(kept, end - start, decoding):
                yield kept
