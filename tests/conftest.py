"""Shared fixtures: make real audio files with ffmpeg / espeak-ng in a temp dir."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meeting"


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def make_audio(tmp_path_factory):
    """make_audio(name, lavfi_source, seconds, *output_args) -> Path of a generated file."""
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg saknas (apt-get install ffmpeg)")
    root = tmp_path_factory.mktemp("audio")

    def make(name: str, source: str, seconds: float, *out_args: str) -> Path:
        path = root / name
        ffmpeg("-f", "lavfi", "-i", source, "-t", str(seconds), *out_args, str(path))
        return path

    return make


@pytest.fixture(scope="session")
def speak(tmp_path_factory):
    """speak(text, voice='sv') -> a 16 kHz wav spoken by espeak-ng (voice 'mb-sw1' needs mbrola)."""
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng saknas (apt-get install espeak-ng)")
    root = tmp_path_factory.mktemp("speech")

    def make(text: str, voice: str = "sv", name: str | None = None) -> Path:
        raw = root / f"{name or voice}.raw.wav"
        out = root / f"{name or voice}.wav"
        done = subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], capture_output=True)
        if done.returncode or not raw.exists() or raw.stat().st_size < 1000:
            pytest.skip(f"rösten {voice} är inte installerad")
        # A second of silence either side, like a real pause before and after speaking.
        ffmpeg("-i", str(raw), "-af", "adelay=1000,apad=pad_dur=1", "-ar", "16000", "-ac", "1", str(out))
        return out

    return make


@pytest.fixture(scope="session")
def sample_recording() -> Path:
    path = SAMPLE / "recording.flac"
    if not path.exists():
        pytest.skip("samples/meeting/recording.flac saknas")
    return path
