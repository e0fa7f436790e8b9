"""faster-whisper (CTranslate2) backend: the default, int8 on CPU."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..models import TranscriptSegment, Word
from .options import TranscribeOptions


@functools.lru_cache(maxsize=2)
def _load(model_dir: str, compute_type: str, threads: int, workers: int):
    from faster_whisper import WhisperModel

    try:
        # A local directory never touches the hub; local_files_only makes sure of it.
        return WhisperModel(model_dir, device="cpu", compute_type=compute_type, cpu_threads=threads,
                            num_workers=workers, local_files_only=True)
    except (RuntimeError, ValueError, OSError) as e:
        raise ModelError(f"Whisper-modellen i {model_dir} kunde inte laddas – could not load the model: {e}") from None


class FasterWhisper:
    name = "faster-whisper"
    parallel = True  # one model replica per worker

    def __init__(self, model_dir: Path, options: TranscribeOptions):
        self.options = options
        self.model = _load(str(model_dir), options.compute_type, options.threads, max(1, options.workers))

    def count_tokens(self, text: str) -> int:
        return len(self.model.hf_tokenizer.encode(text, add_special_tokens=False).ids)

    def transcribe(self, pcm: np.ndarray, prompt: str | None) -> Iterator[TranscriptSegment]:
        every_chunk = self.options.decoding.vocabulary_every_chunk
        segments, _ = self.model.transcribe(
            pcm, **decode_kwargs(self.options),
            hotwords=prompt if every_chunk else None,  # hotwords prime every 30-s chunk, the first included
            initial_prompt=None if every_chunk else prompt,
            vad_filter=False,  # VAD ran once, in transcribe.py, the same for both backends
        )
        for s in segments:
            words = [Word(start=w.start, end=w.end, text=w.word, probability=w.probability) for w in s.words or []]
            yield TranscriptSegment(id=0, start=s.start, end=s.end, text=s.text, words=words,
                                    avg_logprob=s.avg_logprob, no_speech_prob=s.no_speech_prob)

    def release(self) -> None:
        self.model = None
        _load.cache_clear()


def decode_kwargs(o: TranscribeOptions) -> dict:
    """The options as faster-whisper's transcribe() arguments (without the prompt)."""
    d = o.decoding
    return dict(
        language=o.language,
        task="transcribe",
        beam_size=o.beam_size,
        best_of=d.best_of,
        temperature=list(d.temperatures),
        compression_ratio_threshold=d.compression_ratio_threshold,
        log_prob_threshold=d.log_prob_threshold,
        no_speech_threshold=d.no_speech_threshold if d.skip_silent_chunks else None,
        condition_on_previous_text=d.condition_on_previous_text,
        word_timestamps=o.word_timestamps,
        hallucination_silence_threshold=d.hallucination_silence_threshold if o.word_timestamps else None,
    )
