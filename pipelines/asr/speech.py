"""Voice activity (Silero, shipped with faster-whisper): only speech reaches either backend, and times in
the concatenated speech are mapped back to the window."""

from __future__ import annotations

import numpy as np

from ..audio import SAMPLE_RATE
from ..models import TranscriptSegment


class SpeechMap:
    """Maps times in the concatenated speech back to the window (faster-whisper's SpeechTimestampsMap)."""

    def __init__(self, chunks: list[dict]):
        from faster_whisper.vad import SpeechTimestampsMap

        self.map = SpeechTimestampsMap(chunks, SAMPLE_RATE, time_precision=3)
        self.spans = [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks]  # seconds in the window

    def segment(self, seg: TranscriptSegment) -> TranscriptSegment:
        m = self.map
        if seg.words:
            words = []
            for w in seg.words:
                idx = m.get_chunk_index((w.start + w.end) / 2)  # both ends in the chunk the word lies in
                words.append(w.model_copy(update={"start": m.get_original_time(w.start, idx),
                                                  "end": m.get_original_time(w.end, idx)}))
            return seg.model_copy(update={"words": words, "start": words[0].start, "end": words[-1].end})
        return seg.model_copy(update={"start": m.get_original_time(seg.start),
                                      "end": m.get_original_time(seg.end, is_end=True)})


def speech(pcm: np.ndarray) -> tuple[np.ndarray, SpeechMap | None]:
    from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

    chunks = get_speech_timestamps(pcm, VadOptions(), sampling_rate=SAMPLE_RATE)
    if not chunks:
        return np.zeros(0, dtype=np.float32), None
    audio, _ = collect_chunks(pcm, chunks, sampling_rate=SAMPLE_RATE)
    return np.concatenate(audio), SpeechMap(chunks)
