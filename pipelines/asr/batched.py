"""faster-whisper's BatchedInferencePipeline (the engine inside WhisperX): the speech is cut into
<= 30-s chunks by Silero and `batch_size` chunks go through the encoder and the decoder together.

Same model and decoding settings as the sequential backend, with what batching gives up: only the first
temperature is used (no fallback on a failed chunk, so no compression-ratio or log-prob retry), each
chunk is one segment before the sentence split, and there is no hallucination-silence skip.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..audio import SAMPLE_RATE
from ..models import TranscriptSegment, Word
from .faster import FasterWhisper, decode_kwargs


class BatchedFasterWhisper(FasterWhisper):
    def transcribe(self, pcm: np.ndarray, prompt: str | None) -> Iterator[TranscriptSegment]:
        from faster_whisper import BatchedInferencePipeline

        o = self.options
        every_chunk = o.decoding.vocabulary_every_chunk
        kwargs = decode_kwargs(o) | {"hallucination_silence_threshold": None}  # not used when batched
        # vad_filter: the chunking; this pcm is already speech only (speech.py), so it finds few pauses.
        segments, _ = BatchedInferencePipeline(self.model).transcribe(
            pcm, **kwargs, batch_size=o.batch_size, vad_filter=True,
            hotwords=prompt if every_chunk else None, initial_prompt=None if every_chunk else prompt)
        length = len(pcm) / SAMPLE_RATE  # the last chunk is padded: its word times can run past the audio
        for s in segments:
            words = [Word(start=min(w.start, length), end=min(w.end, length), text=w.word, probability=w.probability)
                     for w in s.words or []]
            yield TranscriptSegment(id=0, start=min(s.start, length), end=min(s.end, length), text=s.text, words=words,
                                    avg_logprob=s.avg_logprob, no_speech_prob=s.no_speech_prob)
