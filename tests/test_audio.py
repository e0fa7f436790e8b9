"""Decoding: every upload format, bad inputs, and bounded memory on long recordings."""

from __future__ import annotations

import logging
import tracemalloc

import numpy as np
import pytest

from pipelines.audio import iter_pcm, iter_windows, probe
from pipelines.errors import AudioError, InputError

SR = 16000
TONE = "sine=frequency=440:sample_rate=44100"

FORMATS = [  # (file name, ffmpeg output args, codec name PyAV reports)
    ("tone.wav", [], "pcm_s16le"),
    ("tone.mp3", ["-c:a", "libmp3lame"], "mp3"),
    ("tone.m4a", ["-c:a", "aac"], "aac"),
    ("tone.aac", ["-c:a", "aac"], "aac"),
    ("tone.ogg", ["-c:a", "libvorbis"], "vorbis"),
    ("tone.opus", ["-c:a", "libopus"], "opus"),
    ("tone.flac", ["-c:a", "flac"], "flac"),
    ("tone.webm", ["-c:a", "libopus"], "opus"),
]


def _dominant_hz(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(len(pcm))))
    return float(np.fft.rfftfreq(len(pcm), 1 / SR)[np.argmax(spectrum)])


@pytest.mark.parametrize("name,args,codec", FORMATS, ids=[f[0] for f in FORMATS])
def test_decodes_every_upload_format(make_audio, name, args, codec):
    path = make_audio(name, TONE, 3, "-ac", "2", *args)
    info = probe(path)
    assert info.codec.startswith(codec)
    assert info.duration == pytest.approx(3.0, abs=0.1)
    blocks = list(iter_pcm(path, block_seconds=1.0))
    assert all(b.dtype == np.float32 and b.ndim == 1 for b in blocks)
    assert all(len(b) == SR for b in blocks[:-1])  # fixed-size blocks, only the last is shorter
    pcm = np.concatenate(blocks)
    assert len(pcm) / SR == pytest.approx(3.0, abs=0.1)
    assert _dominant_hz(pcm) == pytest.approx(440, abs=3)  # resampled 44.1 kHz stereo -> 16 kHz mono correctly
    assert 0.05 < np.abs(pcm).max() < 1.0


def test_webm_without_duration_in_header(make_audio, tmp_path):
    # Browser recordings (MediaRecorder) are streamed webm without a duration; probe scans the packets.
    src = make_audio("stream-src.wav", TONE, 4)
    path = tmp_path / "stream.webm"
    from tests.conftest import ffmpeg

    ffmpeg("-i", str(src), "-c:a", "libopus", "-f", "webm", "-live", "1", str(path))
    assert probe(path).duration == pytest.approx(4.0, abs=0.1)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mp3"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="tom.*empty"):
        probe(path)


def test_text_file_renamed_mp3(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("Dagordning\n1. Mötets öppnande\n2. Information om krisberedskap\n" * 20, encoding="utf-8")
    with pytest.raises(AudioError, match="ingen ljudfil.*not an audio file"):
        list(iter_pcm(path))


def test_truncated_mp3_keeps_what_decoded(make_audio, tmp_path, caplog):
    full = make_audio("long.mp3", TONE, 10, "-c:a", "libmp3lame")
    cut = tmp_path / "cut.mp3"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    with caplog.at_level(logging.WARNING, logger="pipelines.audio"):
        pcm = np.concatenate(list(iter_pcm(cut)))
    assert 2.0 < len(pcm) / SR < 5.0  # about a third of 10 s survived
    assert _dominant_hz(pcm) == pytest.approx(440, abs=3)
    assert "truncated" in caplog.text


def test_truncated_mp3_with_nothing_left(make_audio, tmp_path):
    full = make_audio("short.mp3", TONE, 5, "-c:a", "libmp3lame")
    cut = tmp_path / "header-only.mp3"
    cut.write_bytes(full.read_bytes()[:300])
    with pytest.raises(AudioError):
        list(iter_pcm(cut))


def test_zero_second_wav(make_audio):
    path = make_audio("zero.wav", "anullsrc=r=16000:cl=mono", 0)
    with pytest.raises(AudioError, match="0 sekunder.*zero duration"):
        probe(path)


def test_missing_file_and_no_audio_stream(make_audio, tmp_path):
    with pytest.raises(AudioError, match="finns inte"):
        probe(tmp_path / "nope.wav")
    video = make_audio("video.webm", "color=c=red:s=64x64", 1, "-c:v", "libvpx")
    with pytest.raises(AudioError, match="inget ljudspår.*no audio stream"):
        probe(video)
    assert issubclass(AudioError, InputError)  # the CLI and service show InputError as a message


def test_windows_are_bounded_and_cut_in_pauses(make_audio):
    # 40 minutes of low noise with 0.8-s tone "words" and 0.5-s pauses: a window edge must land in a pause.
    words = "0.3*sin(2*PI*440*t)*lt(mod(t\\,1.3)\\,0.8)+0.002*(random(0)*2-1)"
    path = make_audio("long.flac", f"aevalsrc={words}:s={SR}", 40 * 60, "-c:a", "flac")
    window = 150.0  # short windows (default 600) so "bounded" and "whole file" differ clearly
    window_bytes = int(window * SR * 4)
    tracemalloc.start()
    try:
        windows, edges = [], []
        for offset, pcm in iter_windows(path, window_seconds=window):
            windows.append((int(round(offset * SR)), len(pcm)))
            edges.append((float(np.abs(pcm[:1600]).max()), float(np.abs(pcm[-1600:]).max())))
            del pcm  # as a consumer would: one window at a time
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert max(n for _, n in windows) <= window * SR
    assert min(n for _, n in windows[:-1]) >= (window - 30) * SR  # cut within the last 30 s of the limit
    assert len(windows) in (17, 18)  # 40 min in windows of <= 2.5 min, each cut a little early
    assert all(s + n == next_s for (s, n), (next_s, _) in zip(windows, windows[1:]))  # contiguous, nothing lost
    assert sum(n for _, n in windows) == 40 * 60 * SR
    # Each cut lands in a pause: no tone in the 100 ms either side of it.
    assert all(tail < 0.05 for _, tail in edges[:-1]) and all(head < 0.05 for head, _ in edges[1:])
    # Never the whole recording (154 MB) in memory: about two windows at the concatenation moment.
    assert peak < 3 * window_bytes
