"""openai-whisper (PyTorch) backend: the reference implementation, on the same weights.

It never downloads: the checkpoint is converted once from the CTranslate2 directory
(`convert_ct2.convert`) and loaded from that local .pt path.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..models import TranscriptSegment, Word
from .options import TranscribeOptions


@functools.lru_cache(maxsize=1)
def _load(model_dir: str):
    import torch
    import whisper

    from .convert_ct2 import convert

    checkpoint = convert(Path(model_dir))
    try:
        model = whisper.load_model(str(checkpoint), device="cpu")  # a file path: load_model never downloads
    except (RuntimeError, KeyError, OSError) as e:
        raise ModelError(f"openai-whisper kunde inte ladda {checkpoint} – could not load the checkpoint: {e}") from None
    config = Path(model_dir) / "config.json"
    heads = json.loads(config.read_text()).get("alignment_heads") if config.exists() else None
    if heads:  # the cross-attention heads that track time, as faster-whisper uses them
        mask = torch.zeros(model.dims.n_text_layer, model.dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return model


class OpenAIWhisper:
    name = "openai-whisper"
    parallel = False  # one window at a time; torch uses the threads

    def __init__(self, model_dir: Path, options: TranscribeOptions):
        import torch
        import whisper.tokenizer

        self.options = options
        # torch's default is every core; on a shared machine that thrashes, so be explicit.
        torch.set_num_threads(options.threads)
        self.model = _load(str(model_dir))
        self.tokenizer = whisper.tokenizer.get_tokenizer(
            self.model.is_multilingual, num_languages=self.model.num_languages)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text))

    def transcribe(self, pcm: np.ndarray, prompt: str | None) -> Iterator[TranscriptSegment]:
        import torch
        import whisper

        o, d = self.options, self.options.decoding
        torch.set_num_threads(o.threads)
        result = whisper.transcribe(
            self.model,
            pcm.astype(np.float32, copy=False),
            language=o.language,
            task="transcribe",
            temperature=d.temperatures,
            compression_ratio_threshold=d.compression_ratio_threshold,
            logprob_threshold=d.log_prob_threshold,
            no_speech_threshold=d.no_speech_threshold if d.skip_silent_chunks else None,
            condition_on_previous_text=d.condition_on_previous_text,
            initial_prompt=prompt,
            carry_initial_prompt=d.vocabulary_every_chunk,  # the prompt primes every 30-s chunk, as hotwords do
            word_timestamps=o.word_timestamps,
            hallucination_silence_threshold=d.hallucination_silence_threshold if o.word_timestamps else None,
            beam_size=o.beam_size if o.beam_size > 1 else None,
            best_of=d.best_of,
            fp16=False,
            verbose=None,
        )
        for s in result["segments"]:
            words = [Word(start=w["start"], end=w["end"], text=w["word"], probability=w.get("probability"))
                     for w in s.get("words") or []]
            yield TranscriptSegment(id=0, start=s["start"], end=s["end"], text=s["text"], words=words,
                                    avg_logprob=s.get("avg_logprob"), no_speech_prob=s.get("no_speech_prob"))

    def release(self) -> None:
        self.model = None
        _load.cache_clear()
