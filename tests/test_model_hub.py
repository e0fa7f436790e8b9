"""`protokoll models install kb-whisper-*` with huggingface_hub's real download code, against a Hub on
127.0.0.1 that serves the Whisper base CTranslate2 weights we already have under KBLab's repository name."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jiwer
import pytest

from pipelines import model_hub
from pipelines.errors import ModelError
from pipelines.weights import whisper_base_dir
from tests.conftest import SAMPLE, ffmpeg, free_port
from tests.helpers.local_hub import LocalHub

REPO = "KBLab/kb-whisper-base"
CT2_FILES = {"config.json", "model.bin", "tokenizer.json", "vocabulary.txt"}


@pytest.fixture(scope="module")
def repo_files(tmp_path_factory) -> dict[str, Path]:
    """The base weights plus what KBLab's repositories hold beside them, which must not be downloaded."""
    extra = tmp_path_factory.mktemp("repo")
    (extra / "README.md").write_text("# KB-Whisper Base\n")
    (extra / "ggml-model.bin").write_bytes(b"ggml" * 1000)  # whisper.cpp weights: a .bin that is not model.bin
    files = {p.name: p for p in whisper_base_dir().iterdir()}
    return {**files, "README.md": extra / "README.md", "ggml-model.bin": extra / "ggml-model.bin"}


@pytest.fixture(scope="module")
def hub(repo_files):
    with LocalHub({REPO: repo_files}) as hub:
        yield hub


def protokoll(*args: str, cache: Path, endpoint: str, **popen) -> subprocess.CompletedProcess | subprocess.Popen:
    env = dict(os.environ, PROTOKOLL_CACHE=str(cache), HF_ENDPOINT=endpoint, HF_HOME=str(cache / "hf-home"),
               HF_HUB_DISABLE_TELEMETRY="1")
    command = [sys.executable, "-m", "service.cli", *args]
    if popen:
        return subprocess.Popen(command, env=env, **popen)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr.lower(), result.stderr


def cache_entries(cache: Path) -> set[str]:
    models = cache / "models"
    return {p.name for p in models.iterdir()} if models.exists() else set()


@pytest.fixture(scope="module")
def installed(hub, tmp_path_factory) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    result = protokoll("models", "install", "kb-whisper-base", cache=cache, endpoint=hub.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(str(cache / "models" / "kb-whisper-base"))
    return cache


def test_install_fetches_only_the_ctranslate2_files(installed, hub, repo_files):
    model = installed / "models" / "kb-whisper-base"
    assert {p.name for p in model.iterdir()} == CT2_FILES | {model_hub.SOURCE_FILE}
    assert filecmp.cmp(model / "model.bin", repo_files["model.bin"], shallow=False)
    source = json.loads((model / model_hub.SOURCE_FILE).read_text())
    assert source["repo_id"] == REPO and re.fullmatch(r"[0-9a-f]{40}", source["revision"])
    assert not [name for name in cache_entries(installed) if name.startswith(".")]  # no partial left

    downloads = len([r for r in hub.requests if "/resolve/" in r])
    again = protokoll("models", "install", "kb-whisper-base", cache=installed, endpoint=hub.url)
    assert again.returncode == 0, again.stderr
    assert len([r for r in hub.requests if "/resolve/" in r]) == downloads  # installed once, not again

    listing = protokoll("models", "list", cache=installed, endpoint=hub.url)
    assert re.search(r"kb-whisper-base\s+installerad\s+KBLab/kb-whisper-base@" + source["revision"][:7], listing.stdout)
    assert re.search(r"kb-whisper-small\s+–\s+protokoll models install kb-whisper-small", listing.stdout)


@pytest.mark.slow
def test_draft_transcribes_with_the_installed_model(installed, hub, tmp_path):
    truth = json.loads((SAMPLE / "truth.json").read_text())
    # The first eight sentences, cut inside the pause before item 2. A 16-s cut ended 0.2 s after a sentence,
    # and Whisper's sampled fallback turned that tail into two to six invented words, a different few each run
    # (WER 0.31-0.50 over four runs on two machines); this clip gave 0.30 three runs out of three.
    seconds = 32.0
    clip = tmp_path / "opening.wav"
    ffmpeg("-i", str(SAMPLE / "recording.flac"), "-t", str(seconds), str(clip))
    out = tmp_path / "out"
    result = protokoll("draft", str(clip), "--meeting", str(SAMPLE / "meeting.yaml"), "--out", str(out),
                       "--drafter", "rules", "--whisper-model", "kb-whisper-base", "--workers", "1",
                       cache=installed, endpoint=f"http://127.0.0.1:{free_port()}")  # no hub needed to use it
    assert result.returncode == 0, result.stderr
    transcript = json.loads((out / "transcript.json").read_text())
    assert transcript["model"] == "kb-whisper-base"

    def norm(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    said = " ".join(u["text"] for u in truth["utterances"] if u["end"] <= seconds)
    heard = " ".join(s["text"] for s in transcript["segments"])
    assert jiwer.wer(norm(said), norm(heard)) <= 0.4, heard  # Whisper base weights under KBLab's name


def test_hub_unreachable_is_a_clear_error_and_writes_nothing(tmp_path):
    result = protokoll("models", "install", "kb-whisper-base", cache=tmp_path, endpoint=f"http://127.0.0.1:{free_port()}")
    assert_refused(result, "kunde inte nå", "no network")
    assert not [name for name in cache_entries(tmp_path) if "kb-whisper" in name]


def test_unknown_names_are_refused(hub, tmp_path):
    assert_refused(protokoll("models", "install", "kb-whisper-huge", cache=tmp_path, endpoint=hub.url),
                   "okänd modell", "kb-whisper-small")
    # Registered, but this hub has no such repository: the Hub's own 404, in words.
    assert_refused(protokoll("models", "install", "kb-whisper-small", cache=tmp_path, endpoint=hub.url),
                   "kblab/kb-whisper-small finns inte", "repository not found")
    assert not [name for name in cache_entries(tmp_path) if "kb-whisper" in name]

    draft = ("draft", str(SAMPLE / "recording.flac"), "--meeting", str(SAMPLE / "meeting.yaml"),
             "--out", str(tmp_path / "out"), "--drafter", "rules", "--whisper-model")
    assert_refused(protokoll(*draft, "kb-whisper-smal", cache=tmp_path, endpoint=hub.url), "unknown whisper model")
    assert_refused(protokoll(*draft, "kb-whisper-small", cache=tmp_path, endpoint=hub.url),
                   "inte installerad", "protokoll models install kb-whisper-small")
    assert not (tmp_path / "out" / "transcript.json").exists()


def test_a_killed_download_never_looks_installed(repo_files, tmp_path):
    with LocalHub({REPO: repo_files}) as hub:
        hub.stall_after = 48 << 20  # model.bin (145 MB) hangs a third of the way
        written = 30 << 20  # the client writes 10 MB chunks
        proc = protokoll("models", "install", "kb-whisper-base", cache=tmp_path, endpoint=hub.url,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while _partial_bytes(tmp_path) < written and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _partial_bytes(tmp_path) >= written  # the download really was part-way

        assert "kb-whisper-base" not in cache_entries(tmp_path)
        listing = protokoll("models", "list", cache=tmp_path, endpoint=hub.url)
        assert re.search(r"kb-whisper-base\s+–", listing.stdout)
        assert_refused(protokoll("draft", str(SAMPLE / "recording.flac"), "--meeting", str(SAMPLE / "meeting.yaml"),
                                 "--out", str(tmp_path / "out"), "--whisper-model", "kb-whisper-base",
                                 cache=tmp_path, endpoint=hub.url), "inte installerad")

        hub.stall_after = None
        hub.release.set()
        result = protokoll("models", "install", "kb-whisper-base", cache=tmp_path, endpoint=hub.url)
        assert result.returncode == 0, result.stderr
        assert cache_entries(tmp_path) == {"kb-whisper-base"}  # the killed attempt's files are gone
        assert filecmp.cmp(tmp_path / "models" / "kb-whisper-base" / "model.bin", repo_files["model.bin"], shallow=False)


def _partial_bytes(cache: Path) -> int:
    models = cache / "models"
    if not models.exists():
        return 0
    return sum(f.stat().st_size for d in models.glob(".kb-whisper-base.partial-*") for f in d.rglob("*") if f.is_file())


def test_not_enough_disk_is_refused_before_downloading(hub, tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setenv("PROTOKOLL_CACHE", str(tmp_path))
    monkeypatch.setattr(constants, "ENDPOINT", hub.url)
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=100_000_000))  # 100 MB free
    before = len(hub.requests)
    with pytest.raises(ModelError, match=r"behöver 148 MB, 100 MB ledigt\) – disk full"):
        model_hub.install("kb-whisper-base", log=lambda _: None)
    assert not [r for r in hub.requests[before:] if "/resolve/" in r]  # not one byte fetched
    assert cache_entries(tmp_path) == set()
