#!/usr/bin/env python3
"""Generate the bundled sample meeting in samples/meeting/.

    .venv/bin/python scripts/make_sample.py            # regenerate every file
    .venv/bin/python scripts/make_sample.py --verify   # then transcribe it with Whisper and report WER
    .venv/bin/python scripts/make_sample.py --verify-only

Writes, all from the one script below (so they always agree):
  recording.flac  16 kHz mono speech synthesised with espeak-ng + MBROLA (3-6 minutes)
  meeting.yaml    the meeting card          agenda.txt  the agenda as pasted from a kallelse
  truth.json      item/utterance/decision timings measured on the audio it just made
  protokoll.txt   the protocol a careful secretary would archive (layout of protokoll nr 9 2025)

Only regenerating the audio needs extra software; a normal install never does (the FLAC is
committed). Debian bookworm, as root:
  printf 'Types: deb\\nURIs: http://deb.debian.org/debian\\nSuites: bookworm\\nComponents: contrib non-free\\n'\\
'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' > /etc/apt/sources.list.d/contrib-nonfree.sources
  apt-get update && apt-get install -y mbrola mbrola-sw1 mbrola-sw2 espeak-ng sox
The output is deterministic for a given espeak-ng/MBROLA version (pauses come from a fixed seed).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "meeting"
RATE = 16_000
SEED = 3  # pause lengths; change it and every timing in truth.json moves
MBROLA_VOICES = {"mb-sw1": Path("/usr/share/mbrola/sw1"), "mb-sw2": Path("/usr/share/mbrola/sw2")}
NEEDS = (
    "Ljudet kräver espeak-ng, sox och MBROLA-rösterna sw1/sw2 (Debian contrib/non-free) – regenerating the "
    "audio needs espeak-ng, sox and the MBROLA voices:\n"
    "  # aktivera contrib och non-free för bookworm (en fil i /etc/apt/sources.list.d/), sedan:\n"
    "  apt-get update && apt-get install -y mbrola mbrola-sw1 mbrola-sw2 espeak-ng sox\n"
    "Vanliga installationer behöver inte detta: recording.flac är incheckad – normal installs never need it."
)


# ---------------------------------------------------------------------------------------------
# the meeting


@dataclass(frozen=True)
class Speaker:
    name: str
    organisation: str
    voice: str  # espeak-ng voice
    speed: int  # words per minute (-s)
    pitch: int  # 0-99 (-p)


SPEAKERS = {
    # Speed and pitch were chosen so Whisper base hears the MBROLA voices best while the four
    # MBROLA speakers still sound different (two male, two female; low/slow vs high/fast).
    "chair": Speaker("Anders Holm", "Ängelholm", "mb-sw1", 140, 50),
    "johan": Speaker("Johan Berg", "Klippan", "mb-sw1", 120, 20),
    "maria": Speaker("Maria Lind", "sekretariatet", "mb-sw2", 140, 50),
    "karin": Speaker("Karin Ek", "Helsingborgs stad", "mb-sw2", 160, 80),
    # espeak-ng's own Swedish voice is barely intelligible to Whisper: check-in lines only.
    "per": Speaker("Per Sand", "Båstad", "sv", 150, 45),
}
SILENT_ATTENDEES = [("Lena Nord", "Höganäs"), ("Erik Strand", "Åstorp")]
ABSENT = [("Olof Wik", "Perstorp"), ("Eva Dahl", "Bjuv")]

CARD = {
    "title": "Kommundirektörsmöte i Familjen Helsingborg",
    "number": "Protokoll nr 3 2026",
    "date": "2026-03-13",
    "time": "09.00-09.10",
    "place": "Stadshuset, Drottninggatan 2, Helsingborg",
    "secretary": "Maria Lind",
    "justerare": ["Karin Ek"],
}
DATE_LONG = "13 mars 2026"
ORT = "Helsingborg"


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


ITEMS: list[Item] = [
    Item("Mötets öppnande och incheckning", [
        L("chair", "God morgon allihop och välkomna."),
        L("chair", "Klockan är nio och jag förklarar mötet öppnat."),
        L("chair", "Maria Lind är sekreterare i dag och Karin Ek justerar protokollet."),
        L("chair", "Olof Wik och Eva Dahl har anmält förhinder."),
        L("chair", "Vi tar en kort incheckning. Per, vill du börja?"),
        L("per", "Tack. Allt är bra i Båstad."),
        L("johan", "Hos oss i Klippan är det fullt upp med budgeten."),
        L("karin", "Helsingborg har det bra. Vi har många nya projekt."),
    ]),
    Item("Information om arbetet med krisberedskap", [
        L("chair", "Då går vi vidare till punkt två, information om arbetet med krisberedskap. Johan, varsågod."),
        L("johan", "Tack. Kommunerna har nu tagit fram en gemensam plan för krisberedskap."),
        L("johan", "Vi ska öva tillsammans med länsstyrelsen i april."),
        L("johan", "Varje kommun behöver utse en kontaktperson före sommaren."),
        L("karin", "Det är bra. I Helsingborg har vi redan en kontaktperson på plats."),
        L("chair", "Tack Johan."),
        L("chair", "Då beslutar mötet att notera informationen.",
          decision=("noted", "att notera informationen")),
    ], summary=(
        "Johan Berg informerade om att kommunerna har tagit fram en gemensam plan för krisberedskap. "
        "En gemensam övning med länsstyrelsen planeras i april, och varje kommun behöver utse en "
        "kontaktperson före sommaren. Helsingborgs stad har redan en kontaktperson på plats.")),
    Item("Nytt samarbetsavtal för traineeprogrammet", [
        L("chair", "Då tar vi punkt tre, nytt samarbetsavtal för traineeprogrammet.",
          say="Då tar vi punkt tre, nytt samarbetsavtal för trejniprogrammet."),
        L("maria", "Det gamla avtalet har gått ut och ett nytt avtal behöver skrivas under."),
        L("maria", "Ansvaret för projektledaren flyttas nu från Helsingborg till Klippan."),
        L("maria", "Frågan är om avtalet ska gälla i två eller fyra år."),
        L("johan", "Klippan tar gärna över ansvaret. Vi föreslår fyra år."),
        L("karin", "Jag håller med Johan. Fyra år ger programmet bättre stabilitet."),
        L("chair", "Då är vi överens."),
        L("chair", "Mötet beslutar att skriva under samarbetsavtalet för traineeprogrammet för åren 2026 till 2030.",
          say="Mötet beslutar att skriva under samarbetsavtalet för trejniprogrammet, "
              "för åren tjugohundratjugosex till tjugohundratrettio.",
          decision=("decided", "att skriva under samarbetsavtalet för traineeprogrammet 2026–2030")),
    ], summary=(
        "Samarbetsavtalet för traineeprogrammet har gått ut och ett nytt avtal behöver skrivas under. "
        "Personalansvaret för projektledaren flyttas från Helsingborgs stad till Klippans kommun. "
        "Diskussion fördes kring huruvida avtalet ska gälla i två eller fyra år. Johan Berg och Karin Ek "
        "förordade fyra år för att ge programmet bättre stabilitet.")),
    Item("Kartläggning av kommunernas arbete med digitalisering", [
        L("chair", "Så, punkt fyra gäller en kartläggning av kommunernas arbete med digitalisering."),
        L("karin", "Många kommuner startar egna projekt just nu."),
        L("karin", "Vi behöver få en samlad bild av vad som pågår."),
        L("johan", "Det gäller också arbetet i Skånes digitaliseringsnätverk."),
        L("chair", "Jag föreslår att sekretariatet gör kartläggningen. Maria, går det bra?"),
        L("maria", "Ja, det går bra. Jag kan redovisa den på nästa möte."),
        L("chair", "Mötet beslutar att ge Maria Lind i uppdrag att kartlägga kommunernas arbete med "
                   "digitalisering till nästa möte.",
          decision=("assigned", "att ge Maria Lind i uppdrag att kartlägga kommunernas arbete med "
                                "digitalisering till nästa möte")),
    ], summary=(
        "Flera kommuner startar egna projekt inom digitalisering och mötet behöver en samlad bild av vad "
        "som pågår, även inom Skånes digitaliseringsnätverk. Sekretariatet åtog sig att göra "
        "kartläggningen och redovisa den på nästa möte.")),
    Item("Gemensam upphandling av tolktjänster", [
        L("chair", "Vi går vidare till punkt fem, gemensam upphandling av tolktjänster."),
        L("johan", "Underlaget kom sent och vi har inte hunnit läsa det."),
        L("karin", "Vi behöver också höra vad upphandlingsenheten tycker."),
        L("chair", "Då föreslår jag att ärendet bordläggs till nästa möte."),
        L("chair", "Mötet beslutar att bordlägga ärendet till nästa möte.",
          decision=("postponed", "att bordlägga ärendet till nästa möte")),
    ], summary=(
        "Underlaget om en gemensam upphandling av tolktjänster kom sent och deltagarna har inte hunnit "
        "läsa det. Upphandlingsenhetens synpunkter behöver också inhämtas.")),
    Item("Rapport från sekretariatet", [
        L("chair", "Nästa ärende är punkt sex, rapport från sekretariatet. Maria, varsågod."),
        L("maria", "Tack. Jag har fyra korta punkter."),
        L("maria", "Först, rekryteringen av en projektledare för externa medel är i gång."),
        L("maria", "Annonsen kommer ut i april."),
        L("maria", "För det andra, kommunikationsnätverket har haft sitt första möte."),
        L("maria", "För det tredje, nästa kommundirektörsmöte hålls i Klippan."),
        L("maria", "Till sist, tillgänglighetsnätverket har lagts ner."),
        L("chair", "Tack Maria."),
        L("chair", "Vi beslutar alltså att notera informationen.",
          decision=("noted", "att notera informationen")),
    ], intro="Maria Lind informerade om:", bullets=[
        "Rekryteringen av en projektledare för externa medel är igång, annonsen kommer ut i april.",
        "Kommunikationsnätverket har haft sitt första möte.",
        "Nästa kommundirektörsmöte hålls i Klippan.",
        "Tillgänglighetsnätverket har lagts ner.",
    ]),
    Item("Information om kompetensförsörjning i välfärden", [
        L("chair", "Då går vi över till punkt nummer sju, som gäller information om kompetensförsörjning "
                   "i välfärden. Karin, varsågod."),
        L("karin", "Tack. Vi kommer att sakna många medarbetare inom vård och skola."),
        L("karin", "Fler unga behöver välja utbildningar inom välfärden."),
        L("karin", "Vi vill starta ett gemensamt projekt med gymnasieskolorna i regionen."),
        L("johan", "Det är viktigt. Klippan vill gärna vara med i projektet."),
        L("chair", "Tack Karin för en intressant dragning."),
        L("chair", "Mötet beslutar att tacka för informationen.",
          decision=("thanked", "att tacka för informationen")),
    ], summary=(
        "Karin Ek informerade om att många medarbetare kommer att saknas inom vård och skola, och att "
        "fler unga behöver välja utbildningar inom välfärden. Ett gemensamt projekt med "
        "gymnasieskolorna i regionen planeras. Klippans kommun vill delta i projektet.")),
    Item("Mötets avslutande", [
        L("chair", "Då kommer vi till punkt nummer åtta, mötets avslutande."),
        L("chair", "Tack alla för i dag. Jag förklarar mötet avslutat."),
        L("per", "Tack och hej."),
    ]),
]
CLOSING_HEADING = "Mötet avslutades"  # the reference protocol titles its last item so


# ---------------------------------------------------------------------------------------------
# audio


def check_tools() -> None:
    missing = [t for t in ("espeak-ng", "sox") if shutil.which(t) is None]
    missing += [f"mbrola-{p.name}" for p in MBROLA_VOICES.values() if not p.exists()]
    if shutil.which("mbrola") is None:
        missing.append("mbrola")
    if missing:
        sys.exit(f"Saknas: {', '.join(missing)} – missing.\n{NEEDS}")


def synth(line: Line, workdir: Path) -> np.ndarray:
    """One utterance as 16 kHz mono int16, with espeak's leading/trailing silence trimmed."""
    sp = SPEAKERS[line.speaker]
    raw = workdir / "raw.wav"
    out = workdir / "16k.wav"
    subprocess.run(["espeak-ng", "-v", sp.voice, "-s", str(sp.speed), "-p", str(sp.pitch),
                    "-w", str(raw), line.say or line.text], check=True)
    subprocess.run(["sox", "-D", "-R", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True)
    with wave.open(str(out)) as w:
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 300)
    if loud.size == 0:
        raise RuntimeError(f"espeak-ng gave silence for {line.text!r}")
    pad = int(0.02 * RATE)
    return audio[max(loud[0] - pad, 0): loud[-1] + pad]


def build_audio(out: Path) -> dict:
    rng = random.Random(SEED)
    pieces: list[np.ndarray] = []
    pos = 0  # samples written so far
    truth = {"duration": 0.0, "items": [], "utterances": [], "decisions": []}

    def silence(seconds: float) -> None:
        nonlocal pos
        n = int(round(seconds * RATE))
        pieces.append(np.zeros(n, dtype=np.int16))
        pos += n

    with tempfile.TemporaryDirectory() as tmp:
        silence(0.5)
        for number, item in enumerate(ITEMS, start=1):
            if number > 1:
                silence(rng.uniform(2.0, 3.0))  # a longer pause where the chair moves on
            item_start = 0.0 if number == 1 else pos / RATE
            truth["items"].append({"number": number, "title": item.title, "start": round(item_start, 3)})
            for i, line in enumerate(item.lines):
                if i > 0:
                    silence(rng.uniform(0.6, 1.5))
                audio = synth(line, Path(tmp))
                start = pos / RATE
                pieces.append(audio)
                pos += audio.size
                end = pos / RATE
                sp = SPEAKERS[line.speaker]
                truth["utterances"].append({"speaker": sp.name, "voice": sp.voice, "item": number,
                                            "start": round(start, 3), "end": round(end, 3), "text": line.text})
                if line.decision:
                    kind, clause = line.decision
                    truth["decisions"].append({"item": number, "kind": kind, "clause": clause,
                                               "spoken": line.text, "start": round(start, 3), "end": round(end, 3)})
        silence(1.0)
        duration = pos / RATE
        for this, nxt in zip(truth["items"], truth["items"][1:] + [None]):
            this["end"] = nxt["start"] if nxt else round(duration, 3)
        truth["duration"] = round(duration, 3)
        if not 180 <= duration <= 360:
            raise RuntimeError(f"the recording is {duration:.0f} s; it should be 3-6 minutes")

        wav = Path(tmp) / "meeting.wav"
        with wave.open(str(wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(np.concatenate(pieces).tobytes())
        flac = out / "recording.flac"
        subprocess.run(["sox", "-D", "-R", str(wav), "-C", "8", str(flac)], check=True)
    return truth


# ---------------------------------------------------------------------------------------------
# text files


def attendees() -> list[tuple[str, str]]:
    people = [(s.name, s.organisation) for k, s in SPEAKERS.items() if k not in ("maria",)]
    people += SILENT_ATTENDEES
    people.append((SPEAKERS["maria"].name, SPEAKERS["maria"].organisation))  # the secretariat last
    return people


def meeting_yaml() -> str:
    def flow(people):
        return "\n".join(f"  - {{name: {n}, organisation: {o}}}" for n, o in people)

    agenda = "\n".join(f'  - "{item.title}"' for item in ITEMS)
    return (
        f"title: {CARD['title']}\n"
        f"number: {CARD['number']}\n"
        f"date: {CARD['date']}\n"
        f"time: \"{CARD['time']}\"\n"
        f"place: {CARD['place']}\n"
        f"secretary: {CARD['secretary']}\n"
        f"justerare: [{', '.join(CARD['justerare'])}]\n"
        f"attendees:\n{flow(attendees())}\n"
        f"absent:\n{flow(ABSENT)}\n"
        f"agenda:\n{agenda}\n"
    )


def agenda_txt() -> str:
    return "".join(f"{n}. {item.title}\n" for n, item in enumerate(ITEMS, start=1))


def wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    # Lines broken as a PDF text extraction breaks them (the reference is ~85 characters wide).
    return textwrap.wrap(text, width=85, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


def protokoll_txt() -> str:
    """The archived protocol, in the layout and register of protokoll nr 9 2025."""
    people = [f"{n}, {o}" for n, o in attendees()]
    # Two people per line, as the reference's two-column table comes out of the PDF.
    rows = [" ".join(people[i:i + 2]) for i in range(0, len(people) - 1, 2)]
    if len(people) % 2:
        rows.append(people[-1])
    out = [
        f"{CARD['number']}",
        "",
        CARD["title"],
        "",
        f"{ORT} {CARD['date']}",
        "",
        f"Tid och plats: Den {DATE_LONG} {CARD['time']} i {CARD['place']}.",
        "",
        "Närvarande:",
        "",
        *[r for row in rows for r in (row, "")],
        "Anmält förhinder:",
        *[f"{n}, {o}" for n, o in ABSENT],
        "",
    ]
    for number, item in enumerate(ITEMS, start=1):
        last = number == len(ITEMS)
        out += [f"{number}. {CLOSING_HEADING if last else item.title}", ""]
        if item.summary:
            out += [*wrap(f"Sammanfattning: {item.summary}"), ""]
        if item.bullets:
            out += [item.intro, "", *[ln for b in item.bullets for ln in wrap(b, first="• ", rest="  ")], ""]
        clauses = [line.decision[1] for line in item.lines if line.decision]
        if clauses:
            out += ["Mötet beslutar", ""]
            for clause in clauses:
                out += [*wrap(clause), ""]
    out += ["Underskriftssida", ""]
    return "\n".join(out)


def write_texts(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "meeting.yaml").write_text(meeting_yaml(), encoding="utf-8")
    (out / "agenda.txt").write_text(agenda_txt(), encoding="utf-8")
    (out / "protokoll.txt").write_text(protokoll_txt(), encoding="utf-8")
    sys.path.insert(0, str(ROOT))
    from pipelines.meeting_card import load_meeting

    meeting = load_meeting(out / "meeting.yaml", require_agenda=True)  # fail here, not in a user's hands
    assert meeting.agenda == [i.title for i in ITEMS]


# ---------------------------------------------------------------------------------------------
# verification with the real ASR


_ONES = "noll ett två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton sexton sjutton arton nitton tjugo".split()


def wer_words(text: str) -> list[str]:
    text = text.lower().replace("-", " ")
    tokens = re.findall(r"[0-9]+|[^\W\d_]+", text)
    # Whisper writes small numbers as digits ("punkt 4"); the script spells them out.
    return [_ONES[int(t)] if t.isdigit() and int(t) <= 20 else t for t in tokens]


def verify(out: Path) -> dict:
    import os

    import jiwer

    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    sys.path.insert(0, str(ROOT))
    from faster_whisper import WhisperModel

    from pipelines.weights import whisper_base_dir

    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    model = WhisperModel(str(whisper_base_dir()), device="cpu", compute_type="int8", cpu_threads=1)
    segments, _ = model.transcribe(str(out / "recording.flac"), language="sv", vad_filter=True,
                                   word_timestamps=True)
    words = [(w.start, w.end, w.word) for s in segments for w in (s.words or [])]
    utts = truth["utterances"]
    hyp = [[] for _ in utts]
    for start, end, word in words:  # each recognised word goes to the utterance it overlaps most
        mid = (start + end) / 2
        best = min(range(len(utts)), key=lambda i: 0 if utts[i]["start"] <= mid <= utts[i]["end"]
                   else min(abs(mid - utts[i]["start"]), abs(mid - utts[i]["end"])))
        hyp[best].append(word)

    def wer(indices) -> float:
        ref = [" ".join(wer_words(utts[i]["text"])) for i in indices]
        got = [" ".join(wer_words(" ".join(hyp[i]))) for i in indices]
        pairs = [(r, g) for r, g in zip(ref, got) if r]
        return jiwer.wer([r for r, _ in pairs], [g for _, g in pairs])

    report = {"all": wer(range(len(utts)))}
    for key in sorted({u["voice"] for u in utts}):
        report[f"voice {key}"] = wer([i for i, u in enumerate(utts) if u["voice"] == key])
    report["mbrola"] = wer([i for i, u in enumerate(utts) if u["voice"].startswith("mb-")])
    for name in sorted({u["speaker"] for u in utts}):
        report[f"speaker {name}"] = wer([i for i, u in enumerate(utts) if u["speaker"] == name])
    for name, value in report.items():
        print(f"WER {name:22s} {value:6.1%}")
    print("\nItem announcements and decisions as Whisper heard them:")
    firsts = {u["item"]: i for i, u in reversed(list(enumerate(utts)))}
    decisions = {i for i, u in enumerate(utts) if any(d["start"] == u["start"] for d in truth["decisions"])}
    for i in sorted(set(firsts.values()) | decisions):
        print(f"  [{utts[i]['start']:6.1f}] {utts[i]['text']}\n           -> {' '.join(hyp[i]).strip()}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the sample meeting in samples/meeting/.")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--verify", action="store_true", help="transcribe the result with Whisper and report WER")
    parser.add_argument("--verify-only", action="store_true", help="only transcribe the existing files")
    parser.add_argument("--texts-only", action="store_true",
                        help="rewrite meeting.yaml, agenda.txt and protokoll.txt; keep audio and truth.json")
    args = parser.parse_args()
    out: Path = args.out
    if not args.verify_only:
        if not args.texts_only:
            check_tools()  # before writing anything, so a failed run changes nothing
        write_texts(out)
        if not args.texts_only:
            truth = build_audio(out)
            (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print(f"{out}/recording.flac: {truth['duration']:.1f} s, {len(truth['utterances'])} yttranden, "
                  f"{len(truth['items'])} punkter, {len(truth['decisions'])} beslut")
    if args.verify or args.verify_only:
        verify(out)


if __name__ == "__main__":
    main()
