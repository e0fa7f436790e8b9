"""Recording -> Transcript with Whisper, streamed window by window.

The recording is decoded in ~10-minute windows cut in pauses (audio.iter_windows). In each window a
voice-activity filter (Silero, shipped with faster-whisper) keeps only speech, the chosen backend
transcribes it, and times are mapped back to seconds from the start of the recording. Both backends
get exactly the same speech and the same settings, so they can be compared.

Whisper hallucinates on silence and loops on repetition. Guards, in order: VAD (no silence reaches
the model), condition_on_previous_text=False, compression-ratio / log-prob / no-speech thresholds with
temperature fallback, hallucination_silence_threshold, then a post-filter here that drops known
silence phrases ("Tack för att du tittade", "Textning …") and runs of the same text.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from .audio import SAMPLE_RATE, iter_windows, probe
from .errors import AudioError
from .models import Meeting, Transcript, TranscriptSegment, Word

PROMPT_TOKENS = 200  # Whisper keeps at most 223 prompt tokens; leave room for the tokenizer's quirks
NO_SPEECH = "Inspelningen innehåller inget tal – no speech found"

# What Whisper says over silence: subtitle credits and YouTube sign-offs from its training data.
SILENCE_PHRASES = re.compile(
    r"^(tack (för att|för att ni|för att du) (du |ni )?(har )?(tittat|tittade|såg på)"
    r"|(svensk ?)?textning\b|text(ning)?\.nu|undertext(er|ning)?\b|översättning\b"
    r"|prenumerera|www\.|amara\.org)",
    re.IGNORECASE,
)


class TranscribeOptions(BaseModel):
    backend: Literal["faster-whisper", "openai-whisper"] = "faster-whisper"
    model_dir: Path | None = None  # None -> weights.whisper_base_dir(); any CTranslate2 Whisper dir works
    language: str = "sv"
    beam_size: int = 5
    compute_type: str = "int8"  # faster-whisper only; openai-whisper runs float32 on CPU
    threads: int = 1  # per worker
    # Windows transcribed side by side (faster-whisper only; openai-whisper runs one at a time). Two
    # 1-thread workers on 2 cores: 1.9x the throughput of one 2-thread worker (bench e2e).
    workers: int = 2
    vad: bool = True
    word_timestamps: bool = True
    window_seconds: float = 600.0  # decode window; bounds memory for long recordings


def vocabulary_prompt(words: list[str], count_tokens: Callable[[str], int], budget: int = PROMPT_TOKENS) -> str | None:
    """Names, organisations and agenda words as one comma list, cut (whole words) to the token budget."""
    prompt = None
    kept: list[str] = []
    for word in words:
        candidate = ", ".join([*kept, word]) + "."
        if count_tokens(" " + candidate) > budget:
            break
        kept.append(word)
        prompt = candidate
    return prompt


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


def split_sentences(segment: TranscriptSegment, max_seconds: float = 0.0) -> list[TranscriptSegment]:
    """Split a segment after sentence-ending words (those longer than max_seconds; by default all).
    With a prompt Whisper often emits no timestamps for its first 30-s chunk, and even short segments
    can hold a decision and the chair's next transition: sentence-sized pieces keep both in their item."""
    words = segment.words
    if segment.end - segment.start <= max_seconds or len(words) < 2:
        return [segment]
    pieces: list[list[Word]] = [[]]
    for i, w in enumerate(words):
        pieces[-1].append(w)
        if re.search(r"[.!?]$", w.text.strip()) and i + 1 < len(words):
            pieces.append([])
    if len(pieces) == 1:
        return [segment]
    return [segment.model_copy(update={"start": p[0].start, "end": p[-1].end, "words": p,
                                       "text": "".join(w.text for w in p)}) for p in pieces]


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


def _clean_words(words: list[Word], start: float, end: float) -> list[Word]:
    """Words in time order inside their segment; backends occasionally overlap by a few ms."""
    out: list[Word] = []
    prev = start
    for w in words:
        s = min(max(w.start, prev), end)
        e = min(max(w.end, s), end)
        out.append(w.model_copy(update={"start": round(s, 3), "end": round(e, 3)}))
        prev = e
    return out


class _SpeechMap:
    """Maps times in the concatenated speech back to the window (faster-whisper's SpeechTimestampsMap)."""

    def __init__(self, chunks: list[dict]):
        from faster_whisper.vad import SpeechTimestampsMap

        self.map = SpeechTimestampsMap(chunks, SAMPLE_RATE, time_precision=3)

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


def _speech(pcm: np.ndarray) -> tuple[np.ndarray, _SpeechMap | None]:
    from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

    chunks = get_speech_timestamps(pcm, VadOptions(), sampling_rate=SAMPLE_RATE)
    if not chunks:
        return np.zeros(0, dtype=np.float32), None
    audio, _ = collect_chunks(pcm, chunks, sampling_rate=SAMPLE_RATE)
    return np.concatenate(audio), _SpeechMap(chunks)


def load_backend(options: TranscribeOptions):
    from . import weights

    model_dir = Path(options.model_dir) if options.model_dir else weights.whisper_base_dir()
    if options.backend == "openai-whisper":
        from .asr_openai import OpenAIWhisper

        return OpenAIWhisper(model_dir, options), model_dir
    from .asr_faster import FasterWhisper

    return FasterWhisper(model_dir, options), model_dir


def release_models() -> None:
    """Drop the cached Whisper models (the LLM that drafts next needs the memory more)."""
    import gc
    import sys

    for name in ("pipelines.asr_faster", "pipelines.asr_openai"):
        module = sys.modules.get(name)
        if module is not None:
            module._load.cache_clear()
    gc.collect()


def _model_name(model_dir: Path) -> str:
    from . import weights

    return "whisper-base" if model_dir.resolve() == (weights.cache_dir() / "whisper-base-ct2").resolve() else model_dir.name


def window_seconds(options: TranscribeOptions, duration: float, workers: int, search: float = 30.0) -> float:
    """Decode window length: options.window_seconds, but short recordings are cut into one window per
    worker (not under 2 minutes) so that every worker has something to do."""
    if workers <= 1:
        return options.window_seconds
    return min(options.window_seconds, max(120.0, duration / workers + search))


class _Progress:
    """Seconds of recording done, summed over the windows in flight. Workers record from their threads;
    only the consuming thread reports, so callbacks (tqdm, the job's database row) stay single-threaded."""

    def __init__(self, duration: float, report: Callable[[float], None]):
        self.duration, self.report = duration, report
        self.done: dict[float, float] = {}
        self.lock = threading.Lock()
        self.reported = -1.0

    def __call__(self, offset: float, seconds: float) -> None:
        with self.lock:
            self.done[offset] = max(seconds, self.done.get(offset, 0.0))

    def finish(self) -> None:
        with self.lock:
            self.done = {0.0: self.duration}
        self.poll()

    def poll(self) -> None:
        with self.lock:
            fraction = min(1.0, sum(self.done.values()) / self.duration)
        if fraction > self.reported:
            self.reported = fraction
            self.report(fraction)


def _transcribe_window(backend, offset: float, pcm: np.ndarray, prompt: str | None, vad: bool,
                       progress: _Progress) -> list[TranscriptSegment]:
    """One window's segments, sentence-sized, times from the start of the recording."""
    length = len(pcm) / SAMPLE_RATE
    speech, speech_map = _speech(pcm) if vad else (pcm, None)
    del pcm  # the window itself is no longer needed, only its speech
    out: list[TranscriptSegment] = []
    if vad and speech_map is None:
        progress(offset, length)
        return out
    for seg in backend.transcribe(speech, prompt):
        if speech_map:
            seg = speech_map.segment(seg)
        shifted = [w.model_copy(update={"start": w.start + offset, "end": w.end + offset}) for w in seg.words]
        seg = seg.model_copy(update={"start": seg.start + offset, "end": seg.end + offset, "words": shifted})
        out.extend(split_sentences(seg))
        progress(offset, min(length, seg.end - offset))
    progress(offset, length)
    return out


def iter_transcript(
    recording: Path,
    meeting: Meeting | None = None,
    options: TranscribeOptions = TranscribeOptions(),
    progress: Callable[[float], None] | None = None,
) -> Iterator[TranscriptSegment]:
    """Transcript segments in order; ids consecutive from 0, times from the recording start.

    Windows are transcribed by `options.workers` threads at once (one CTranslate2 replica each); at
    most that many windows are in flight, so memory stays bounded however long the recording is.
    Raises AudioError for unusable recordings and, at the end, when no speech was found at all."""
    duration = probe(Path(recording)).duration
    backend, _ = load_backend(options)
    workers = max(1, options.workers) if getattr(backend, "parallel", False) else 1
    prompt = vocabulary_prompt(meeting.vocabulary(), backend.count_tokens) if meeting else None
    guard = HallucinationGuard()
    tracker = _Progress(duration, progress or (lambda _: None))
    next_id = 0

    def emit(segments: list[TranscriptSegment]) -> Iterator[TranscriptSegment]:
        nonlocal next_id
        for seg in segments:
            seg = seg.model_copy(update={"id": next_id, "start": round(seg.start, 3), "end": round(seg.end, 3),
                                         "words": _clean_words(seg.words, seg.start, seg.end)})
            next_id += 1
            yield seg

    def finished(window) -> Iterator[TranscriptSegment]:
        while not wait([window], timeout=1.0).done:
            tracker.poll()
        tracker.poll()
        for piece in window.result():
            yield from emit(guard.push(piece))
        yield from emit(guard.flush())  # a run does not continue across a window cut in a pause

    windows = iter_windows(Path(recording), window_seconds=window_seconds(options, duration, workers))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="whisper") as pool:
        in_flight: deque = deque()
        try:
            for offset, pcm in windows:
                in_flight.append(pool.submit(_transcribe_window, backend, offset, pcm, prompt, options.vad, tracker))
                del pcm
                if len(in_flight) >= workers:
                    yield from finished(in_flight.popleft())
            while in_flight:
                yield from finished(in_flight.popleft())
        finally:
            for window in in_flight:  # a consumer that stops early does not wait for the rest
                window.cancel()
    if next_id == 0:
        raise AudioError(NO_SPEECH)
    tracker.finish()


def transcribe(
    recording: Path,
    meeting: Meeting | None = None,
    options: TranscribeOptions = TranscribeOptions(),
    progress: Callable[[float], None] | None = None,
) -> Transcript:
    """The whole transcript of a recording (see iter_transcript)."""
    recording = Path(recording)
    duration = probe(recording).duration
    segments = list(iter_transcript(recording, meeting, options, progress))
    model_dir = Path(options.model_dir) if options.model_dir else None
    from . import weights

    model = _model_name(model_dir or weights.whisper_base_dir())
    return Transcript(language=options.language, duration=duration, backend=options.backend, model=model,
                      segments=segments)
