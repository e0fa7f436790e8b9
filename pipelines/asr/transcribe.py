"""Recording -> Transcript with Whisper, streamed window by window.

The recording is decoded in ~10-minute windows cut in pauses (audio.iter_windows). In each window a
voice-activity filter (speech.py) keeps only speech, the chosen backend (backend.py) transcribes it
with the decoding guards of the options (options.py), and times are mapped back to seconds from the
start of the recording. Both backends get exactly the same speech and the same settings, so they can be
compared. What Whisper still says over silence or in loops is filtered afterwards (guards.py).
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import numpy as np

from .. import weights
from ..audio import SAMPLE_RATE, AudioInfo, iter_windows, probe
from ..errors import AudioError
from ..models import Meeting, Transcript, TranscriptSegment, Word
from .backend import Backend, load_backend, model_dir
from .guards import HallucinationGuard, echoes_prompt
from .options import TranscribeOptions
from .redecode import recovered, shift
from .speech import speech

PROMPT_TOKENS = 200  # Whisper keeps at most 223 prompt tokens; leave room for the tokenizer's quirks
NO_SPEECH = "Inspelningen innehåller inget tal – no speech found"


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


def _model_name(directory: Path) -> str:
    return "whisper-base" if directory.resolve() == (weights.cache_dir() / "whisper-base-ct2").resolve() else directory.name


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


def _transcribe_window(backend: Backend, offset: float, pcm: np.ndarray, prompt: str | None,
                       options: TranscribeOptions, progress: _Progress) -> list[TranscriptSegment]:
    """One window's segments, sentence-sized, times from the start of the recording."""
    length = len(pcm) / SAMPLE_RATE
    spoken, speech_map = speech(pcm) if options.vad else (pcm, None)
    redecode = options.vad and options.decoding.redecode_min_seconds > 0
    if not redecode:
        del pcm  # the window itself is no longer needed, only its speech
    if options.vad and speech_map is None:
        progress(offset, length)
        return []

    def heard_with(window_prompt: str | None) -> list[TranscriptSegment]:
        heard = []
        for seg in backend.transcribe(spoken, window_prompt):
            if speech_map:
                seg = speech_map.segment(seg)
            heard.append(seg)
            progress(offset, min(length, seg.end))
        return heard

    heard = heard_with(prompt)
    if any(echoes_prompt(seg.text, prompt) for seg in heard):
        heard = heard_with(None)  # the prompt read back in place of the talk: the window again without it
    if redecode:
        heard += list(recovered(lambda clip: backend.transcribe(clip, None), pcm, SAMPLE_RATE, speech_map.spans,
                                heard, options.decoding))
        heard.sort(key=lambda s: s.start)
    progress(offset, length)
    return [piece for seg in heard for piece in split_sentences(shift(seg, offset))]


def iter_transcript(
    recording: Path,
    meeting: Meeting | None = None,
    options: TranscribeOptions = TranscribeOptions(),
    progress: Callable[[float], None] | None = None,
    *,
    info: AudioInfo | None = None,
) -> Iterator[TranscriptSegment]:
    """Transcript segments in order; ids consecutive from 0, times from the recording start.

    Windows are transcribed by `options.workers` threads at once (one CTranslate2 replica each); at
    most that many windows are in flight, so memory stays bounded however long the recording is.
    `info` is the recording's probe when the caller has it. Raises AudioError for unusable recordings
    and, at the end, when no speech was found at all."""
    duration = (info or probe(Path(recording))).duration
    backend = load_backend(options)
    workers = max(1, options.workers) if backend.parallel else 1
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
                in_flight.append(pool.submit(_transcribe_window, backend, offset, pcm, prompt, options, tracker))
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
    info = probe(Path(recording))
    segments = list(iter_transcript(recording, meeting, options, progress, info=info))
    return Transcript(language=options.language, duration=info.duration, backend=options.backend,
                      model=_model_name(model_dir(options)), segments=segments)
