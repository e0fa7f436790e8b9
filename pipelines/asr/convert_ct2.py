"""Convert a CTranslate2 Whisper model directory into an openai-whisper checkpoint (.pt).

The openai-whisper backend must run on the same weights as faster-whisper and can download nothing,
so we rebuild its checkpoint from the CTranslate2 `model.bin`. The binary layout is CTranslate2's
`ModelSpec._serialize` (specs/model_spec.py): version, spec name, revision, then named tensors and
aliases. Its Whisper converter (converters/transformers.py) fuses self-attention Q, K and V into one
linear layer and cross-attention K and V into another; Whisper's key projection has no bias, so the
fused key bias is zero and is simply dropped when splitting.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
from pathlib import Path

import numpy as np

from .. import weights
from ..errors import ModelError

_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}  # CTranslate2 DataType enum


def read_ct2(path: Path) -> dict[str, np.ndarray]:
    """All variables of a CTranslate2 model.bin as numpy arrays (aliases resolved)."""
    data = memoryview(Path(path).read_bytes())
    pos = 0

    def take(fmt: str):
        nonlocal pos
        (value,) = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return value

    def string() -> str:
        nonlocal pos
        n = take("H")
        text = bytes(data[pos : pos + n - 1]).decode("utf-8")
        pos += n
        return text

    version = take("I")
    if version < 5:
        raise ModelError(f"model.bin version {version} stöds inte – unsupported CTranslate2 model version")
    spec = string()
    if spec != "WhisperSpec":
        raise ModelError(f"{path} är ingen Whisper-modell ({spec}) – not a Whisper model")
    take("I")  # revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(take("I")):
        name = string()
        shape = [take("I") for _ in range(take("B"))]
        type_id = take("B")
        nbytes = take("I")
        if type_id not in _DTYPES:
            raise ModelError(f"datatyp {type_id} i {name} stöds inte – unsupported tensor type (bfloat16?)")
        raw = np.frombuffer(data[pos : pos + nbytes], dtype=_DTYPES[type_id])
        variables[name] = raw.reshape(shape) if shape else raw.reshape(())
        pos += nbytes
    for _ in range(take("I")):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def _layers(variables: dict, prefix: str) -> int:
    found = {int(m.group(1)) for k in variables if (m := re.match(rf"{prefix}/layer_(\d+)/", k))}
    return max(found) + 1


def to_openai_state(variables: dict[str, np.ndarray]) -> tuple[dict, dict]:
    """(dims, state_dict as numpy) in openai-whisper's `Whisper` module naming."""
    if any(k.endswith("weight_scale") for k in variables):
        raise ModelError("modellen är kvantiserad (int8) och kan inte konverteras – convert a float16/float32 model")
    v = variables
    state: dict[str, np.ndarray] = {}

    def linear(dst: str, src: str, bias: bool = True):
        state[f"{dst}.weight"] = v[f"{src}/weight"]
        if bias:
            state[f"{dst}.bias"] = v[f"{src}/bias"]

    def norm(dst: str, src: str):
        state[f"{dst}.weight"] = v[f"{src}/gamma"]
        state[f"{dst}.bias"] = v[f"{src}/beta"]

    def split(dst_names: list[str], src: str):
        weights = np.split(v[f"{src}/weight"], len(dst_names), axis=0)
        biases = np.split(v[f"{src}/bias"], len(dst_names), axis=0)
        for name, w, b in zip(dst_names, weights, biases):
            state[f"{name}.weight"] = w
            if not name.endswith(".key"):  # Whisper's key projection has no bias (CT2 stores zeros)
                state[f"{name}.bias"] = b

    def block(dst: str, src: str, cross: bool):
        split([f"{dst}.attn.query", f"{dst}.attn.key", f"{dst}.attn.value"], f"{src}/self_attention/linear_0")
        linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        if cross:
            linear(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
            split([f"{dst}.cross_attn.key", f"{dst}.cross_attn.value"], f"{src}/attention/linear_1")
            linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
            norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    n_audio_layer, n_text_layer = _layers(v, "encoder"), _layers(v, "decoder")
    linear("encoder.conv1", "encoder/conv1")
    linear("encoder.conv2", "encoder/conv2")
    state["encoder.positional_embedding"] = v["encoder/position_encodings/encodings"]
    for i in range(n_audio_layer):
        block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross=False)
    norm("encoder.ln_post", "encoder/layer_norm")
    state["decoder.token_embedding.weight"] = v["decoder/embeddings/weight"]
    state["decoder.positional_embedding"] = v["decoder/position_encodings/encodings"]
    for i in range(n_text_layer):
        block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross=True)
    norm("decoder.ln", "decoder/layer_norm")

    dims = {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_vocab": int(v["decoder/embeddings/weight"].shape[0]),
        "n_audio_ctx": int(v["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(v["encoder/conv1/weight"].shape[0]),
        "n_audio_head": int(v["encoder/num_heads"]),
        "n_audio_layer": n_audio_layer,
        "n_text_ctx": int(v["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(v["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(v["decoder/num_heads"]),
        "n_text_layer": n_text_layer,
    }
    return dims, state


def default_target(model_dir: Path, suffix: str = "openai.pt") -> Path:
    """Where a conversion of `model_dir` is cached (`suffix` names the format): next to the CTranslate2 models."""
    model_dir = Path(model_dir).resolve()
    if model_dir == (weights.cache_dir() / "whisper-base-ct2").resolve():
        return weights.cache_dir() / f"whisper-base-{suffix}"
    digest = hashlib.sha1(str(model_dir).encode()).hexdigest()[:8]
    return weights.cache_dir() / f"{model_dir.name}-{digest}-{suffix}"


def convert(model_dir: Path, target: Path | None = None) -> Path:
    """Write (once) the openai-whisper checkpoint of a CTranslate2 Whisper directory; return its path.

    Written under a temporary name and renamed, so an interrupted conversion never looks finished.
    The alignment heads from config.json travel along for word timestamps."""
    import torch

    model_dir = Path(model_dir)
    target = Path(target) if target else default_target(model_dir)
    if target.exists() and target.stat().st_mtime >= (model_dir / "model.bin").stat().st_mtime:
        return target
    if not (model_dir / "model.bin").exists():
        raise ModelError(f"{model_dir} saknar model.bin – not a CTranslate2 model directory")
    dims, state = to_openai_state(read_ct2(model_dir / "model.bin"))
    config = json.loads((model_dir / "config.json").read_text()) if (model_dir / "config.json").exists() else {}
    checkpoint = {
        "dims": dims,
        "model_state_dict": {k: torch.from_numpy(np.array(a)) for k, a in state.items()},
        "alignment_heads": [list(map(int, h)) for h in config.get("alignment_heads", [])],
    }
    tmp = target.with_name(f"{target.name}.{os.getpid()}.partial")
    torch.save(checkpoint, tmp)
    tmp.replace(target)
    return target
