"""Speech recognition: recording -> Transcript with Whisper (faster-whisper by default; openai-whisper and
whisper.cpp on the same weights for comparison).

    from pipelines.asr import TranscribeOptions, transcribe, release_models
"""

from .backend import BACKENDS, load_backend, release_models
from .options import DecodingOptions, TranscribeOptions
from .transcribe import NO_SPEECH, iter_transcript, transcribe

__all__ = ["BACKENDS", "NO_SPEECH", "DecodingOptions", "TranscribeOptions", "iter_transcript", "load_backend",
           "release_models", "transcribe"]
