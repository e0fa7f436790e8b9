"""faster-whisper (CTranslate2) backend: the default, int8 on CPU."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import ModelError
from .models import TranscriptSegment, Word

if TYPE_CHECKING:
    from .transcribe import TranscribeOptions

TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # fallback when a window fails the quality thresholds


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
    parallel = True  # transcribe() may run in several threads at once: one model replica per worker

    def __init__(self, model_dir: Path, options: TranscribeOptions):
        self.options = options
        self.model = _load(str(model_dir), options.compute_type, options.threads, max(1, options.workers))

    def count_tokens(self, text: str) -> int:
        return len(self.model.hf_tokenizer.encode(text, add_special_tokens=False).ids)

    def transcribe(self, pcm: np.ndarray, prompt: str | None) -> Iterator[TranscriptSegment]:
        """Segments of one stretch of speech, times relative to `pcm`."""
        o = self.options
        segments, _ = self.model.transcribe(
            pcm,
            language=o.language,
            task="transcribe",
            beam_size=o.beam_size,
            best_of=5,
            temperature=list(TEMPERATURES),
            compression_ratio_threshold=2.4,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
            condition_on_previous_text=False,  # the main cause of repetition loops
            # Vocabulary as initial_prompt (first 30-s chunk of each window). As `hotwords` (every chunk)
            # it made Whisper base stop emitting timestamps: 30-s segments, and one agenda item lost.
            initial_prompt=prompt,
            word_timestamps=o.word_timestamps,
            hallucination_silence_threshold=2.0 if o.word_timestamps else None,
            vad_filter=False,  # VAD runs once in transcribe.py, the same for both backends
        )
        for s in segments:
            words = [Word(start=w.start, end=w.end, text=w.word, probability=w.probability) for w in s.words or []]
            yield TranscriptSegment(id=0, start=s.start, end=s.end, text=s.text, words=words,
                                    avg_logprob=s.avg_logprob, no_speech_prob=s.no_speech_prob)
