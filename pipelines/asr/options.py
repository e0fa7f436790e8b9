"""What transcription is asked to do, as data: the run (backend, model, threads, windows) and the
decoding settings both Whisper backends get, each threshold written once."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DecodingOptions(BaseModel):
    """Whisper's decoding guards, the same for both backends so their transcripts can be compared.

    Whisper hallucinates on silence and loops on repetition: temperature fallback when a window fails the
    compression-ratio / log-prob / no-speech thresholds, no conditioning on the previous text (the main
    cause of loops), and skipping silences the word timings show inside a window."""

    model_config = ConfigDict(frozen=True)

    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    best_of: int = 5
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    # Whisper's own skip of a 30-s chunk it judges silent (no-speech probability above the threshold and a
    # log-prob below log_prob_threshold). Off: voice activity (speech.py) already kept only speech, and in a
    # noisy, quiet room Whisper judged whole chunks of real speech silent (corpus dev, 15 meetings: sentences
    # lost 212 -> 175 of 1 799, hudiksvall-kfn 51 -> 25 of 104, WER 0.521 -> 0.518, in the stored transcripts).
    # The threshold still judges re-decoded stretches (redecode.py).
    skip_silent_chunks: bool = False
    condition_on_previous_text: bool = False
    hallucination_silence_threshold: float = 2.0  # seconds; needs word timestamps
    # True: the meeting's names, organisations and agenda words prime every 30-s chunk (faster-whisper's
    # `hotwords`, openai-whisper's carried initial prompt), not only the first chunk of each window. Off by
    # default: on the sample it made decoding several times slower and the two backends disagree, with
    # no gain in WER.
    vocabulary_every_chunk: bool = False
    # Speech the voice-activity filter found but no heard word covers, at least this long (seconds), is
    # decoded again on its own, without the prompt (redecode.py); 0, the default, switches it off: on the
    # corpus it brought back few sentences, no WER gain, and once the opposite of what was said. (Pauses between
    # sentences are often ~1 s, so shorter holes are mostly silence.) What comes back is
    # kept only if it is no known silence phrase or loop, passes the no-speech threshold above and
    # redecode_log_prob_threshold (a short clip with a bit of its neighbours scores lower than a long
    # one), and holds at most redecode_max_words_per_second words per second of the stretch.
    redecode_min_seconds: float = Field(0.0, ge=0.0)
    redecode_log_prob_threshold: float = -1.5
    redecode_margin_seconds: float = Field(1.0, ge=0.0)  # audio either side of the stretch: context for Whisper
    redecode_max_words_per_second: float = Field(5.0, gt=0.0)


class TranscribeOptions(BaseModel):
    backend: Literal["faster-whisper", "openai-whisper", "whisper-cpp"] = "faster-whisper"
    model_dir: Path | None = None  # None -> weights.whisper_base_dir(); any CTranslate2 Whisper dir works
    language: str = "sv"
    beam_size: int = 5
    compute_type: str = "int8"  # faster-whisper only; openai-whisper runs float32 on CPU
    # faster-whisper only: > 0 decodes that many 30-s chunks at once (BatchedInferencePipeline, batched.py);
    # 0 decodes them one after another with temperature fallback.
    batch_size: int = Field(0, ge=0)
    threads: int = 1  # per worker
    # Windows transcribed side by side (faster-whisper only; openai-whisper runs one at a time): two
    # 1-thread workers use 2 cores better than one 2-thread worker.
    workers: int = 2
    vad: bool = True
    word_timestamps: bool = True
    window_seconds: float = 600.0  # decode window; bounds memory for long recordings
    decoding: DecodingOptions = Field(default_factory=DecodingOptions)
