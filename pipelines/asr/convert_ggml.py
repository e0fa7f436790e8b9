"""Convert a CTranslate2 Whisper model directory into a whisper.cpp model file (ggml, float16).

whisper.cpp must run on the same weights as the other backends and can download nothing. The tensors
are those of the openai-whisper checkpoint (`convert_ct2.to_openai_state`, the same names and shapes
that `convert_ct2.convert` saves as .pt), written straight from numpy so no torch is needed.

The ggml Whisper file, all little-endian:
  magic "ggml" (uint32 0x67676d6c)
  hparams, 11 int32: n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
                     n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype (1 = float16)
  mel filters: int32 n_mels, int32 n_bins, float32[n_mels * n_bins]
  vocabulary: int32 count, then per token int32 length + its bytes (the byte-level BPE tokens in
              rank order; whisper.cpp names the special tokens itself from n_vocab)
  tensors, until end of file: int32 n_dims, int32 name length, int32 type (0 float32, 1 float16),
              int32 dims (fastest-varying first, i.e. numpy's shape reversed), name, data.
whisper.cpp keeps norms, biases and positional embeddings in float32 and loads the conv biases as
(n_state, 1); every other matrix, the convolutions included, is float16 in an ftype-1 file.
"""

from __future__ import annotations

import base64
import io
import os
import struct
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .convert_ct2 import default_target, read_ct2, to_openai_state

MAGIC = 0x67676D6C
FLOAT32, FLOAT16 = 0, 1
_HPARAMS = ["n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
            "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels"]
_FLOAT32_TENSORS = ("encoder.positional_embedding", "decoder.positional_embedding")


def _whisper_assets() -> Path:
    """openai-whisper's package data: the mel filter bank and the BPE ranks the model was trained with."""
    import importlib.util

    spec = importlib.util.find_spec("whisper")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("openai-whisper är inte installerat – needed for the mel filters and the vocabulary")
    return Path(next(iter(spec.submodule_search_locations))) / "assets"


def mel_filters(n_mels: int) -> np.ndarray:
    with np.load(_whisper_assets() / "mel_filters.npz") as f:
        key = f"mel_{n_mels}"
        if key not in f:
            raise ModelError(f"inga mel-filter för {n_mels} band – no mel filter bank for n_mels={n_mels}")
        return f[key].astype(np.float32)


def vocabulary(n_vocab: int) -> list[bytes]:
    """The byte strings of the ordinary tokens, in rank order."""
    name = "multilingual.tiktoken" if n_vocab >= 51865 else "gpt2.tiktoken"
    tokens: list[bytes] = []
    for line in (_whisper_assets() / name).read_text().splitlines():
        if line:
            token, rank = line.split()
            if int(rank) != len(tokens):
                raise ModelError(f"{name}: ranks not consecutive at {rank}")
            tokens.append(base64.b64decode(token))
    return tokens


def _tensor_type(name: str, array: np.ndarray) -> int:
    if array.ndim < 2 or name in _FLOAT32_TENSORS or name.endswith(".bias"):
        return FLOAT32
    return FLOAT16


def write_ggml(dims: dict, state: dict[str, np.ndarray], out: io.BufferedIOBase) -> None:
    """The whole file: header, mel filters, vocabulary, then every tensor."""
    out.write(struct.pack("<I", MAGIC))
    out.write(struct.pack("<11i", *(int(dims[k]) for k in _HPARAMS), FLOAT16))
    filters = mel_filters(int(dims["n_mels"]))
    out.write(struct.pack("<2i", *filters.shape))
    out.write(filters.astype("<f4").tobytes())
    tokens = vocabulary(int(dims["n_vocab"]))
    out.write(struct.pack("<i", len(tokens)))
    for token in tokens:
        out.write(struct.pack("<i", len(token)))
        out.write(token)
    for name, array in state.items():
        array = np.asarray(array)
        if name in ("encoder.conv1.bias", "encoder.conv2.bias"):
            array = array.reshape(-1, 1)
        ttype = _tensor_type(name, array)
        data = array.astype("<f2" if ttype == FLOAT16 else "<f4")
        encoded = name.encode()
        out.write(struct.pack(f"<3i{data.ndim}i", data.ndim, len(encoded), ttype, *reversed(data.shape)))
        out.write(encoded)
        out.write(np.ascontiguousarray(data).tobytes())


def convert(model_dir: Path, target: Path | None = None) -> Path:
    """Write (once) the ggml file of a CTranslate2 Whisper directory; return its path.

    Cached next to the CTranslate2 model like the openai-whisper checkpoint, written under a temporary
    name and renamed, so an interrupted conversion never looks finished."""
    model_dir = Path(model_dir)
    target = Path(target) if target else default_target(model_dir, "ggml.bin")
    if not (model_dir / "model.bin").exists():
        raise ModelError(f"{model_dir} saknar model.bin – not a CTranslate2 model directory")
    if target.exists() and target.stat().st_mtime >= (model_dir / "model.bin").stat().st_mtime:
        return target
    dims, state = to_openai_state(read_ct2(model_dir / "model.bin"))
    tmp = target.with_name(f"{target.name}.{os.getpid()}.partial")
    with tmp.open("wb") as f:
        write_ggml(dims, state, f)
    tmp.replace(target)
    return target
