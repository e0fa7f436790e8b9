"""The engines users would pick instead of ours, on our weights: whisper.cpp (our own ggml conversion)
and faster-whisper's batched pipeline. The file is read back as whisper.cpp reads it; both engines
transcribe the opening of the sample meeting."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import jiwer
import numpy as np
import pytest

from pipelines.asr import BACKENDS, TranscribeOptions, transcribe
from pipelines.asr.convert_ct2 import read_ct2
from pipelines.asr.convert_ggml import FLOAT16, FLOAT32, MAGIC, convert, mel_filters
from pipelines.weights import whisper_base_dir
from tests.conftest import SAMPLE, ffmpeg

# Seconds of the sample, cut in the pause after eight utterances (four speakers, names from the meeting card):
# a cut word at the end invites Whisper to invent a few more.
OPENING = 32.0


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def read_ggml(path: Path) -> tuple[list[int], np.ndarray, list[bytes], dict[str, tuple[int, tuple, np.ndarray]]]:
    """hparams, mel filters, vocabulary and {name: (type, dims as written, data)} of a ggml Whisper file."""
    data = memoryview(path.read_bytes())
    pos = 0

    def ints(n: int) -> tuple[int, ...]:
        nonlocal pos
        values = struct.unpack_from(f"<{n}i", data, pos)
        pos += 4 * n
        return values

    assert struct.unpack_from("<I", data, 0)[0] == MAGIC
    pos = 4
    hparams = list(ints(11))
    n_mels, n_bins = ints(2)
    filters = np.frombuffer(data[pos : pos + 4 * n_mels * n_bins], dtype="<f4").reshape(n_mels, n_bins)
    pos += 4 * n_mels * n_bins
    vocab = []
    for _ in range(ints(1)[0]):
        (n,) = ints(1)
        vocab.append(bytes(data[pos : pos + n]))
        pos += n
    tensors = {}
    while pos < len(data):
        n_dims, name_len, ttype = ints(3)
        dims = ints(n_dims)
        name = bytes(data[pos : pos + name_len]).decode()
        pos += name_len
        dtype = "<f2" if ttype == FLOAT16 else "<f4"
        size = int(np.prod(dims)) * np.dtype(dtype).itemsize
        tensors[name] = (ttype, dims, np.frombuffer(data[pos : pos + size], dtype=dtype).reshape(tuple(reversed(dims))))
        pos += size
    assert pos == len(data)  # nothing left over, nothing cut short
    return hparams, filters, vocab, tensors


def test_ggml_file_is_whisper_base_as_whisper_cpp_reads_it(tmp_path):
    path = convert(whisper_base_dir(), tmp_path / "base.bin")
    assert not list(tmp_path.glob("*.partial"))
    hparams, filters, vocab, tensors = read_ggml(path)
    # n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state,
    # n_text_head, n_text_layer, n_mels, ftype: multilingual base, float16
    assert hparams == [51865, 1500, 512, 8, 6, 448, 512, 8, 6, 80, 1]
    assert np.array_equal(filters, mel_filters(80))
    assert len(vocab) == 50257 and vocab[0] == b"!" and vocab[50256] == b""  # end of text: special, named by whisper.cpp
    assert b" och" in vocab  # byte-level BPE, Swedish words present
    # Every tensor of the openai-whisper model: 7 + 15 per layer in the encoder, 4 + 24 per layer in the decoder.
    assert len(tensors) == 7 + 15 * 6 + 4 + 24 * 6
    assert tensors["encoder.conv1.bias"][:2] == (FLOAT32, (1, 512))  # whisper.cpp's (n_state, 1) bias
    assert tensors["encoder.conv1.weight"][:2] == (FLOAT16, (3, 80, 512))
    assert tensors["decoder.token_embedding.weight"][:2] == (FLOAT16, (512, 51865))
    assert tensors["decoder.positional_embedding"][0] == FLOAT32
    assert tensors["decoder.blocks.0.mlp_ln.weight"][0] == FLOAT32
    # The same numbers as the CTranslate2 weights, down to the fused attention split.
    ct2 = read_ct2(whisper_base_dir() / "model.bin")
    fused = ct2["decoder/layer_3/self_attention/linear_0/weight"]
    assert np.array_equal(tensors["decoder.blocks.3.attn.value.weight"][2], fused[1024:])
    assert "decoder.blocks.3.attn.key.bias" not in tensors


def test_engines_are_selectable_by_name():
    assert {"faster-whisper", "openai-whisper", "whisper-cpp"} <= set(BACKENDS)
    assert TranscribeOptions(backend="whisper-cpp").backend == "whisper-cpp"
    with pytest.raises(ValueError):
        TranscribeOptions(batch_size=-1)


@pytest.fixture(scope="module")
def opening(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("opening") / "opening.flac"
    ffmpeg("-i", str(SAMPLE / "recording.flac"), "-t", str(OPENING), str(path))
    return path


def _check_opening(tr, truth: dict) -> None:
    ref = _norm(" ".join(u["text"] for u in truth["utterances"] if u["end"] <= OPENING))
    assert jiwer.wer(ref, _norm(tr.text())) <= 0.45, tr.text()
    assert "Maria Lind" in tr.text()  # spelled as in the meeting card: the vocabulary prompt reached it
    for seg in tr.segments:
        assert seg.words, "word timestamps requested"
        assert seg.start <= seg.words[0].start and seg.words[-1].end <= seg.end <= OPENING + 0.01
        for a, b in zip(seg.words, seg.words[1:]):
            assert a.start <= a.end <= b.start <= b.end
    # Word times are right, not only ordered: most utterances have a word starting within 1 s of them.
    starts = np.array([w.start for s in tr.segments for w in s.words])
    said = [u for u in truth["utterances"] if u["end"] <= OPENING]
    assert sum(np.abs(starts - u["start"]).min() <= 1.0 for u in said) >= 0.8 * len(said)


@pytest.mark.slow
def test_whisper_cpp_transcribes_the_opening(opening, truth, meeting):
    tr = transcribe(opening, meeting, TranscribeOptions(backend="whisper-cpp"))
    assert tr.backend == "whisper-cpp" and tr.model == "whisper-base"
    _check_opening(tr, truth)


@pytest.mark.slow
def test_batched_pipeline_transcribes_the_opening(opening, truth, meeting):
    tr = transcribe(opening, meeting, TranscribeOptions(batch_size=8))
    _check_opening(tr, truth)
