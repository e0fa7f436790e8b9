"""Shared by make_sample.py and make_corpus.py: synthetic speech (espeak-ng + MBROLA), the room
(sox reverb, noise, uneven levels), and the files a meeting leaves behind (card, agenda, the
archived protocol in the layout of protokoll nr 9 2025).

Only regenerating audio needs the extra software (Debian bookworm, contrib/non-free enabled):
  apt-get install -y mbrola mbrola-sw1 mbrola-sw2 espeak-ng sox
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 16_000
MBROLA_VOICES = {"mb-sw1": Path("/usr/share/mbrola/sw1"), "mb-sw2": Path("/usr/share/mbrola/sw2")}
NEEDS = (
    "Ljudet kräver espeak-ng, sox och MBROLA-rösterna sw1/sw2 (Debian contrib/non-free) – regenerating the "
    "audio needs espeak-ng, sox and the MBROLA voices:\n"
    "  # aktivera contrib och non-free för bookworm (en fil i /etc/apt/sources.list.d/), sedan:\n"
    "  apt-get update && apt-get install -y mbrola mbrola-sw1 mbrola-sw2 espeak-ng sox\n"
    "Vanliga installationer behöver inte detta: inspelningarna är incheckade – normal installs never need it."
)


@dataclass(frozen=True)
class Speaker:
    name: str
    organisation: str
    voice: str  # espeak-ng voice
    speed: int  # words per minute (-s)
    pitch: int  # 0-99 (-p)
    shift: int = 0  # sox pitch shift in cents after synthesis (another "person" from the same voice)
    gain: float = 1.0  # level in the room: far from the microphone < 1


@dataclass
class Line:
    speaker: str
    text: str  # what is said, spelled as a secretary would write it (the WER reference)
    say: str | None = None  # what espeak-ng is given when the spelling misleads it
    decision: tuple[str, str] | None = None  # (kind, att-clause) when this sentence is a decision


@dataclass
class Item:
    title: str
    lines: list[Line]
    summary: str = ""  # "Sammanfattning: …" in the protocol
    intro: str = ""  # "Maria Lind informerade om:" for a list-of-points item
    bullets: list[str] = field(default_factory=list)


def L(speaker: str, text: str, say: str | None = None, decision: tuple[str, str] | None = None) -> Line:
    return Line(speaker, text, say, decision)


# ---------------------------------------------------------------------------------------------
# speech


def check_tools() -> None:
    missing = [t for t in ("espeak-ng", "sox") if shutil.which(t) is None]
    missing += [f"mbrola-{p.name}" for p in MBROLA_VOICES.values() if not p.exists()]
    if shutil.which("mbrola") is None:
        missing.append("mbrola")
    if missing:
        sys.exit(f"Saknas: {', '.join(missing)} – missing.\n{NEEDS}")


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def write_wav(path: Path, audio: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(audio.astype(np.int16).tobytes())


def synth(sp: Speaker, text: str, workdir: Path) -> np.ndarray:
    """One utterance as 16 kHz mono int16, with espeak's leading/trailing silence trimmed."""
    raw = workdir / "raw.wav"
    out = workdir / "16k.wav"
    subprocess.run(["espeak-ng", "-v", sp.voice, "-s", str(sp.speed), "-p", str(sp.pitch),
                    "-w", str(raw), text], check=True)
    effects = ["pitch", str(sp.shift)] if sp.shift else []
    subprocess.run(["sox", "-V1", "-D", "-R", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out), *effects],
                   check=True)
    audio = read_wav(out)
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 300)
    if loud.size == 0:
        raise RuntimeError(f"espeak-ng gave silence for {text!r}")
    pad = int(0.02 * RATE)
    return audio[max(loud[0] - pad, 0): loud[-1] + pad]


class Timeline:
    """Utterances and pauses laid end to end; every position is known exactly, in seconds."""

    def __init__(self) -> None:
        self.pieces: list[np.ndarray] = []
        self.pos = 0  # samples so far

    @property
    def now(self) -> float:
        return self.pos / RATE

    def silence(self, seconds: float) -> None:
        n = int(round(seconds * RATE))
        self.pieces.append(np.zeros(n, dtype=np.int16))
        self.pos += n

    def add(self, audio: np.ndarray) -> tuple[float, float]:
        start = self.now
        self.pieces.append(audio)
        self.pos += audio.size
        return start, self.now

    def audio(self) -> np.ndarray:
        return np.concatenate(self.pieces)


def room(clean: np.ndarray, workdir: Path, *, reverb: int, noise_db: float, level_db: float,
         seed: int) -> np.ndarray:
    """The clean mix as a room hears it: sox reverb (the same length out: times stay put), a steady
    noise floor (fan, traffic) that drifts in level, and the whole recording at `level_db` dBFS peak."""
    src, wet = workdir / "clean.wav", workdir / "wet.wav"
    write_wav(src, clean)
    effects = ["gain", "-6", "reverb", str(reverb), "50", "80"] if reverb else []  # headroom for the tail
    subprocess.run(["sox", "-V1", "-D", str(src), str(wet), *effects, "trim", "0", f"{clean.size}s"], check=True)
    x = read_wav(wet).astype(np.float64)[: clean.size]
    x = np.pad(x, (0, clean.size - x.size))
    rng = np.random.default_rng(seed)
    noise = np.concatenate([_pink(rng, min(1 << 20, x.size - i)) for i in range(0, x.size, 1 << 20)])
    drift = 1.0 + 0.5 * np.sin(np.linspace(0, rng.uniform(3, 9), x.size) + rng.uniform(0, 6.3))
    peak = np.max(np.abs(x)) or 1.0
    speech_rms = np.sqrt(np.mean(x[np.abs(x) > 0.05 * peak] ** 2))
    x = x + noise * drift * speech_rms * 10 ** (noise_db / 20)
    x *= 32767 * 10 ** (level_db / 20) / (np.max(np.abs(x)) or 1.0)
    return np.clip(x, -32768, 32767).astype(np.int16)


def _pink(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unit-variance noise with a 1/f spectrum above 60 Hz (a room's hum and rumble, not hiss)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    spectrum *= 1 / np.sqrt(np.maximum(f, 60.0))
    x = np.fft.irfft(spectrum, n)
    return x / (np.std(x) or 1.0)


def encode(audio: np.ndarray, path: Path, workdir: Path, bitrate: int = 20_000) -> None:
    """FLAC (lossless) or Opus (mono 16 kHz, VBR around `bitrate`), by the file's suffix."""
    wav = workdir / "meeting.wav"
    write_wav(wav, audio)
    if path.suffix == ".flac":
        subprocess.run(["sox", "-D", "-R", str(wav), "-C", "8", str(path)], check=True)
        return
    import av

    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=RATE, layout="mono")
        stream.bit_rate = bitrate
        frame_samples = 960  # any size: av buffers samples into the encoder's own frames
        for start in range(0, audio.size, frame_samples):
            chunk = audio[start:start + frame_samples].astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
            frame.sample_rate = RATE
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


# ---------------------------------------------------------------------------------------------
# the paper trail


@dataclass
class Card:
    title: str
    number: str
    date: str  # ISO
    time: str
    place: str
    secretary: str
    justerare: list[str]
    ort: str
    date_long: str  # "13 mars 2026", as the protocol's "Tid och plats" says it


def meeting_yaml(card: Card, attendees: list[tuple[str, str]], absent: list[tuple[str, str]],
                 agenda: list[str]) -> str:
    def flow(people):
        return "\n".join(f"  - {{name: {n}, organisation: {o}}}" for n, o in people)

    lines = "\n".join(f'  - "{title}"' for title in agenda)
    return (
        f"title: {card.title}\n"
        f"number: {card.number}\n"
        f"date: {card.date}\n"
        f"time: \"{card.time}\"\n"
        f"place: {card.place}\n"
        f"secretary: {card.secretary}\n"
        f"justerare: [{', '.join(card.justerare)}]\n"
        f"attendees:\n{flow(attendees)}\n"
        + (f"absent:\n{flow(absent)}\n" if absent else "")
        + f"agenda:\n{lines}\n"
    )


def agenda_txt(agenda: list[str]) -> str:
    return "".join(f"{n}. {title}\n" for n, title in enumerate(agenda, start=1))


def wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    # Lines broken as a PDF text extraction breaks them (the reference is ~85 characters wide).
    return textwrap.wrap(text, width=85, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


@dataclass
class ArchivedItem:
    """One item as the secretary archives it (protocol Swedish, not what was said)."""

    title: str
    summary: str = ""
    intro: str = ""
    bullets: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)


def protokoll_txt(card: Card, attendees: list[tuple[str, str]], absent: list[tuple[str, str]],
                  items: list[ArchivedItem]) -> str:
    """The archived protocol, in the layout and register of protokoll nr 9 2025."""
    people = [f"{n}, {o}" for n, o in attendees]
    # Two people per line, as the reference's two-column table comes out of the PDF.
    rows = [" ".join(people[i:i + 2]) for i in range(0, len(people) - 1, 2)]
    if len(people) % 2:
        rows.append(people[-1])
    out = [
        card.number,
        "",
        card.title,
        "",
        f"{card.ort} {card.date}",
        "",
        f"Tid och plats: Den {card.date_long} {card.time} i {card.place}.",
        "",
        "Närvarande:",
        "",
        *[r for row in rows for r in (row, "")],
    ]
    if absent:
        out += ["Anmält förhinder:", *[f"{n}, {o}" for n, o in absent], ""]
    for number, item in enumerate(items, start=1):
        out += [f"{number}. {item.title}", ""]
        if item.summary:
            out += [*wrap(f"Sammanfattning: {item.summary}"), ""]
        if item.bullets:
            out += [item.intro, "", *[ln for b in item.bullets for ln in wrap(b, first="• ", rest="  ")], ""]
        if item.clauses:
            out += ["Mötet beslutar", ""]
            for clause in item.clauses:
                out += [*wrap(clause), ""]
    out += ["Underskriftssida", ""]
    return "\n".join(out)
