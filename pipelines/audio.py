"""Audio in: probe a recording and decode it as a stream of 16 kHz mono float32 blocks.

The containers are an allow-list (wav, mp3, m4a/mp4, aac, ogg/opus, flac, webm/mkv, also video files
with sound): FFmpeg may only use those demuxers and only read plain local files, so a playlist (HLS) or
a concat list that names other files or URLs is refused instead of followed.

Nothing here holds the whole recording: a 4-hour meeting is decoded packet by packet and handed on
in blocks, and `iter_windows` cuts it into ~10-minute windows at the quietest moment near the edge,
so Whisper never sees a word split in two and memory stays bounded by the window size.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import av
import numpy as np
from pydantic import BaseModel

from .errors import AudioError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
MAX_BAD_PACKETS = 100  # damaged packets skipped before we give up and keep what decoded

class Container(NamedTuple):
    suffix: str  # what a recording in this container is stored as
    media_type: str


# FFmpeg demuxer name -> how we store and serve it. Nothing else is opened.
CONTAINERS = {"flac": Container(".flac", "audio/flac"), "wav": Container(".wav", "audio/wav"),
              "mp3": Container(".mp3", "audio/mpeg"), "ogg": Container(".ogg", "audio/ogg"),
              "aac": Container(".aac", "audio/aac"), "mov,mp4,m4a,3gp,3g2,mj2": Container(".m4a", "audio/mp4"),
              "matroska,webm": Container(".webm", "audio/webm")}
_OPEN_OPTIONS = {"format_whitelist": "flac,wav,mp3,ogg,aac,mov,matroska", "protocol_whitelist": "file"}


class AudioInfo(BaseModel):
    path: str
    duration: float  # seconds, from the container header or, if absent, from the packet timestamps
    codec: str
    sample_rate: int
    channels: int
    container: str


def open_audio(path: Path) -> av.container.InputContainer:
    """Open a local recording with an allowed demuxer (see CONTAINERS); AudioError otherwise."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"Ljudfilen finns inte: {path} – audio file not found")
    if not path.is_file():
        raise AudioError(f"{path} är ingen fil – not a file")
    if path.stat().st_size == 0:
        raise AudioError(f"Ljudfilen är tom (0 byte): {path.name} – the audio file is empty")
    try:
        return av.open(str(path), metadata_errors="ignore", options=_OPEN_OPTIONS)
    except (av.FFmpegError, UnicodeDecodeError) as e:
        raise AudioError(
            f"Filen {path.name} är ingen ljudfil i ett format som stöds (wav, mp3, m4a/aac, ogg/opus, flac, webm) eller "
            f"är skadad – not an audio file in a supported format, or corrupt ({e.__class__.__name__})"
        ) from None


def audio_stream(container, path: Path):
    if not container.streams.audio:
        raise AudioError(f"Filen {Path(path).name} innehåller inget ljudspår – no audio stream found")
    return container.streams.audio[0]


def scan_duration(container, stream) -> float:
    """Duration from packet timestamps (demux only, no decoding) when the header has none, e.g. browser webm."""
    end = 0.0
    try:
        for packet in container.demux(stream):
            if packet.pts is None or packet.time_base is None:
                continue
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    except av.FFmpegError:
        pass  # a damaged tail: what we saw so far is the usable duration
    return end


def probe(path: Path) -> AudioInfo:
    """Check that `path` is a decodable recording with sound and return its format and duration."""
    path = Path(path)
    container = open_audio(path)
    with container:
        stream = audio_stream(container, path)
        if container.duration:
            duration = container.duration / av.time_base
        elif stream.duration and stream.time_base:
            duration = float(stream.duration * stream.time_base)
        else:
            duration = scan_duration(container, stream)
        ctx = stream.codec_context
        info = AudioInfo(
            path=str(path), duration=round(float(duration), 3), codec=ctx.name or "okänd",
            sample_rate=ctx.sample_rate or 0, channels=ctx.channels or 0, container=container.format.name,
        )
    if info.duration <= 0:
        raise AudioError(f"Inspelningen {path.name} är 0 sekunder lång – the recording has zero duration")
    return info


def _frames(container, stream, path: Path) -> Iterator[av.AudioFrame]:
    """Decoded frames; damaged packets are skipped, a broken tail ends the stream with a warning."""
    bad = 0
    try:
        for packet in container.demux(stream):
            try:
                yield from packet.decode()
            except av.FFmpegError:
                bad += 1
                if bad > MAX_BAD_PACKETS:
                    log.warning("%s: för många skadade paket, avbryter avkodningen – too many damaged packets", path)
                    return
    except av.FFmpegError as e:
        log.warning("%s: avkodningen avbröts (%s) – decoding stopped early, keeping what was decoded", path, e)
    if bad:
        log.warning("%s: hoppade över %d skadade paket – skipped damaged packets", path, bad)


def iter_pcm(path: Path, sample_rate: int = SAMPLE_RATE, block_seconds: float = 30.0) -> Iterator[np.ndarray]:
    """Stream the recording as float32 mono blocks of `block_seconds` (the last one shorter)."""
    path = Path(path)
    info = probe(path)
    block = max(1, int(block_seconds * sample_rate))
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    pending: list[np.ndarray] = []
    pending_len = 0
    total = 0

    def chunks(frames) -> Iterator[np.ndarray]:
        for frame in frames:
            frame.pts = None  # timestamps of damaged files confuse the resampler; we count samples ourselves
            for out in resampler.resample(frame):
                yield out.to_ndarray().reshape(-1)
        for out in resampler.resample(None):  # flush what the resampler holds back
            yield out.to_ndarray().reshape(-1)

    container = open_audio(path)
    with container:
        stream = audio_stream(container, path)
        for pcm in chunks(_frames(container, stream, path)):
            pending.append(pcm)
            pending_len += len(pcm)
            while pending_len >= block:
                joined = np.concatenate(pending)
                yield joined[:block]
                total += block
                rest = joined[block:]
                pending, pending_len = ([rest] if len(rest) else []), len(rest)
    if pending_len:
        yield np.concatenate(pending)
        total += pending_len
    if total == 0:
        raise AudioError(f"Inget ljud kunde avkodas ur {path.name} – nothing could be decoded (corrupt file?)")
    decoded = total / sample_rate
    if info.duration - decoded > max(1.0, 0.02 * info.duration):
        log.warning(
            "%s: avkodade %.1f s av %.1f s – the file looks truncated; keeping the decoded part",
            path, decoded, info.duration,
        )


def quietest_cut(pcm: np.ndarray, start: int, stop: int, sample_rate: int = SAMPLE_RATE) -> int:
    """Sample index in [start, stop) with the lowest smoothed energy: the best place to cut between words."""
    hop = max(1, sample_rate // 100)  # 10 ms frames
    region = pcm[start:stop]
    n = len(region) // hop
    if n < 3:
        return stop
    energy = np.square(region[: n * hop].astype(np.float64)).reshape(n, hop).mean(axis=1)
    width = min(n, 30)  # 300 ms: a pause between words, not a single quiet sample inside one
    smooth = np.convolve(energy, np.ones(width) / width, mode="same")
    # Among equally quiet frames (digital silence) prefer the latest, to keep windows long.
    best = n - 1 - int(np.argmin(smooth[::-1]))
    return start + best * hop + hop // 2


def iter_windows(
    path: Path,
    window_seconds: float = 600.0,
    search_seconds: float = 30.0,
    sample_rate: int = SAMPLE_RATE,
) -> Iterator[tuple[float, np.ndarray]]:
    """(offset seconds, pcm) windows of at most `window_seconds`, cut at the quietest point of the
    last `search_seconds` before the limit. Memory: one window plus one decode block."""
    if search_seconds >= window_seconds:
        raise ValueError("search_seconds must be shorter than window_seconds")
    limit = int(window_seconds * sample_rate)
    search = int(search_seconds * sample_rate)
    blocks: list[np.ndarray] = []
    held = 0
    offset = 0  # samples already handed out
    for block in iter_pcm(path, sample_rate=sample_rate, block_seconds=min(30.0, search_seconds)):
        blocks.append(block)
        held += len(block)
        if held <= limit:
            continue
        buffer = np.concatenate(blocks)  # the only moment two copies of a window exist
        blocks.clear()
        while len(buffer) > limit:
            cut = quietest_cut(buffer, limit - search, limit, sample_rate)
            yield offset / sample_rate, buffer[:cut]
            offset += cut
            buffer = buffer[cut:].copy()  # the short remainder, so the yielded window can be freed
        blocks, held = [buffer], len(buffer)
    if held:
        yield offset / sample_rate, np.concatenate(blocks)
