"""The Whisper backends behind one interface, and the registry that makes and releases them."""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from .. import weights
from ..models import TranscriptSegment
from .options import TranscribeOptions


class Backend(Protocol):
    name: str
    parallel: bool  # transcribe() may run in several threads at once

    def count_tokens(self, text: str) -> int: ...

    def transcribe(self, pcm: np.ndarray, prompt: str | None) -> Iterator[TranscriptSegment]:
        """Segments of one stretch of 16 kHz speech, times relative to `pcm`."""
        ...

    def release(self) -> None:
        """Drop the loaded model (the next backend or the LLM needs the memory)."""
        ...


def _faster_whisper(model_dir: Path, options: TranscribeOptions) -> Backend:
    from .batched import BatchedFasterWhisper
    from .faster import FasterWhisper

    return (BatchedFasterWhisper if options.batch_size else FasterWhisper)(model_dir, options)


def _whisper_cpp(model_dir: Path, options: TranscribeOptions) -> Backend:
    from .whispercpp import WhisperCpp

    return WhisperCpp(model_dir, options)


def _openai_whisper(model_dir: Path, options: TranscribeOptions) -> Backend:
    from .openai import OpenAIWhisper  # imports torch: only when asked for

    return OpenAIWhisper(model_dir, options)


BACKENDS: dict[str, Callable[[Path, TranscribeOptions], Backend]] = {
    "faster-whisper": _faster_whisper,
    "openai-whisper": _openai_whisper,
    "whisper-cpp": _whisper_cpp,
}
_loaded: list[Backend] = []


def model_dir(options: TranscribeOptions) -> Path:
    return Path(options.model_dir) if options.model_dir else weights.whisper_base_dir()


def load_backend(options: TranscribeOptions) -> Backend:
    backend = BACKENDS[options.backend](model_dir(options), options)
    _loaded.append(backend)
    return backend


def release_models() -> None:
    """Release every backend loaded so far."""
    while _loaded:
        _loaded.pop().release()
    gc.collect()
    # glibc keeps freed heap for reuse; hand it back so the language model that comes next does not sit on
    # top of it (sample: 388 -> 249 MB RSS after Whisper is released).
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc
