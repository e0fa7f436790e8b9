"""Split transcript segments at sentence ends, using word timestamps.

Whisper's segments can span half a minute and several speakers; an agenda boundary or a decision
inside one would be attributed to the wrong item. Sentence-sized segments make both the item
boundaries and each decision's evidence precise.
"""

from __future__ import annotations

from .models import Transcript, TranscriptSegment

_ENDS = (".", "!", "?")


def split_sentences(transcript: Transcript) -> Transcript:
    out: list[TranscriptSegment] = []
    for seg in transcript.segments:
        if not seg.words:
            out.append(seg.model_copy(update={"id": len(out)}))
            continue
        current = []
        for i, word in enumerate(seg.words):
            current.append(word)
            last = i == len(seg.words) - 1
            if last or word.text.strip().endswith(_ENDS):
                out.append(TranscriptSegment(
                    id=len(out), start=current[0].start, end=current[-1].end,
                    text="".join(w.text for w in current).strip(), words=current,
                    avg_logprob=seg.avg_logprob, no_speech_prob=seg.no_speech_prob,
                ))
                current = []
    return transcript.model_copy(update={"segments": out})
