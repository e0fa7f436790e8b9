"""whisper.cpp backend (pywhispercpp), on the same weights converted to ggml (convert_ggml.py).

What whisper.cpp gives per token is a start and end time from its timestamp-token heuristic
(`token_timestamps`, in 10-ms steps) and a probability; words are built from the tokens (a token that
starts with a space starts a word). Its decoding guards differ from faster-whisper's in two places:
the compression-ratio check is an entropy threshold (the same number, 2.4, as in whisper.cpp's own
defaults), and there is no hallucination-silence skip; the post-filters (guards.py) still run.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..models import TranscriptSegment, Word
from .options import TranscribeOptions

_CENTISECONDS = 0.01


@functools.lru_cache(maxsize=1)
def _tokenizer(model_dir: str):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))


class WhisperCpp:
    name = "whisper-cpp"
    parallel = False  # one whisper.cpp context; it uses the threads itself

    def __init__(self, model_dir: Path, options: TranscribeOptions):
        from pywhispercpp.model import Model

        from .convert_ggml import convert

        self.options, self.model_dir = options, Path(model_dir)
        path = convert(self.model_dir)
        d = options.decoding
        temperatures = list(d.temperatures)
        beam = options.beam_size > 1
        try:
            self.model = Model(
                str(path),
                params_sampling_strategy=1 if beam else 0,
                redirect_whispercpp_logs_to=None,  # its loading log would drown the progress bars
                n_threads=options.threads,
                print_progress=False, print_realtime=False, print_timestamps=False,
                language=options.language,
                translate=False,
                token_timestamps=options.word_timestamps,
                no_context=not d.condition_on_previous_text,
                suppress_nst=True,  # as faster-whisper's and openai-whisper's suppress_tokens=[-1]
                temperature=temperatures[0],
                temperature_inc=temperatures[1] - temperatures[0] if len(temperatures) > 1 else 0.0,
                entropy_thold=d.compression_ratio_threshold,
                logprob_thold=d.log_prob_threshold,
                no_speech_thold=d.no_speech_threshold if d.skip_silent_chunks else 1.0,  # 1.0: never skips
                greedy={"best_of": d.best_of},
                beam_search={"beam_size": options.beam_size if beam else -1, "patience": -1.0},
            )
        except RuntimeError as e:
            raise ModelError(f"whisper.cpp kunde inte ladda {path} – could not load the model: {e}") from None

    def count_tokens(self, text: str) -> int:
        return len(_tokenizer(str(self.model_dir)).encode(text, add_special_tokens=False).ids)

    def transcribe(self, pcm: np.ndarray, prompt: str | None) -> Iterator[TranscriptSegment]:
        import _pywhispercpp as pw

        every_chunk = self.options.decoding.vocabulary_every_chunk
        self.model.transcribe(np.ascontiguousarray(pcm, dtype=np.float32), initial_prompt=prompt or "",
                              carry_initial_prompt=bool(prompt) and every_chunk)
        ctx = self.model._ctx  # pywhispercpp's Segment has no tokens; read them from the context
        eot = pw.whisper_token_eot(ctx)
        for i in range(pw.whisper_full_n_segments(ctx)):
            tokens = [pw.whisper_full_get_token_data(ctx, i, j) for j in range(pw.whisper_full_n_tokens(ctx, i))]
            tokens = [t for t in tokens if t.id < eot]  # text tokens only, no timestamps or markers
            text = pw.whisper_full_get_segment_text(ctx, i).decode("utf-8", errors="replace")
            start = pw.whisper_full_get_segment_t0(ctx, i) * _CENTISECONDS
            end = pw.whisper_full_get_segment_t1(ctx, i) * _CENTISECONDS
            words = _words(ctx, tokens) if self.options.word_timestamps else []
            logprob = float(np.mean([t.plog for t in tokens])) if tokens else None
            yield TranscriptSegment(id=0, start=start, end=max(start, end), text=text, words=words,
                                    avg_logprob=logprob)

    def release(self) -> None:
        self.model = None
        _tokenizer.cache_clear()


def _words(ctx, tokens) -> list[Word]:
    """Tokens grouped into words; a word's bytes are decoded whole (a token may hold half a character)."""
    import _pywhispercpp as pw

    groups: list[list[tuple[bytes, object]]] = []
    for t in tokens:
        piece = pw.whisper_token_to_bytes(ctx, t.id)
        if not groups or piece.startswith(b" "):
            groups.append([])
        groups[-1].append((piece, t))
    words = []
    for group in groups:
        text = b"".join(p for p, _ in group).decode("utf-8", errors="replace")
        if not text.strip():
            continue
        probability = float(np.exp(np.mean([np.log(max(t.p, 1e-9)) for _, t in group])))
        words.append(Word(start=group[0][1].t0 * _CENTISECONDS, end=group[-1][1].t1 * _CENTISECONDS,
                          text=text, probability=probability))
    return words
