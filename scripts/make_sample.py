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
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))  # the shared speech/room/protocol code, also when imported by a test

import meeting_synth as ms  # noqa: E402
from meeting_synth import Item, L, Line, Speaker, check_tools  # noqa: E402,F401 (the sample's vocabulary)

OUT = ROOT / "samples" / "meeting"
SEED = 3  # pause lengths; change it and every timing in truth.json moves


# ---------------------------------------------------------------------------------------------
# the meeting


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

CARD = ms.Card(
    title="Kommundirektörsmöte i Familjen Helsingborg",
    number="Protokoll nr 3 2026",
    date="2026-03-13",
    time="09.00-09.10",
    place="Stadshuset, Drottninggatan 2, Helsingborg",
    secretary="Maria Lind",
    justerare=["Karin Ek"],
    ort="Helsingborg",
    date_long="13 mars 2026",
)


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


def build_audio(out: Path) -> dict:
    rng = random.Random(SEED)
    timeline = ms.Timeline()
    truth = {"duration": 0.0, "items": [], "utterances": [], "decisions": []}

    with tempfile.TemporaryDirectory() as tmp:
        timeline.silence(0.5)
        for number, item in enumerate(ITEMS, start=1):
            if number > 1:
                timeline.silence(rng.uniform(2.0, 3.0))  # a longer pause where the chair moves on
            item_start = 0.0 if number == 1 else timeline.now
            truth["items"].append({"number": number, "title": item.title, "start": round(item_start, 3)})
            for i, line in enumerate(item.lines):
                if i > 0:
                    timeline.silence(rng.uniform(0.6, 1.5))
                sp = SPEAKERS[line.speaker]
                start, end = timeline.add(ms.synth(sp, line.say or line.text, Path(tmp)))
                truth["utterances"].append({"speaker": sp.name, "voice": sp.voice, "item": number,
                                            "start": round(start, 3), "end": round(end, 3), "text": line.text})
                if line.decision:
                    kind, clause = line.decision
                    truth["decisions"].append({"item": number, "kind": kind, "clause": clause,
                                               "spoken": line.text, "start": round(start, 3), "end": round(end, 3)})
        timeline.silence(1.0)
        duration = timeline.now
        for this, nxt in zip(truth["items"], truth["items"][1:] + [None]):
            this["end"] = nxt["start"] if nxt else round(duration, 3)
        truth["duration"] = round(duration, 3)
        if not 180 <= duration <= 360:
            raise RuntimeError(f"the recording is {duration:.0f} s; it should be 3-6 minutes")

        ms.encode(timeline.audio(), out / "recording.flac", Path(tmp))
    return truth


# ---------------------------------------------------------------------------------------------
# text files


def attendees() -> list[tuple[str, str]]:
    people = [(s.name, s.organisation) for k, s in SPEAKERS.items() if k not in ("maria",)]
    people += SILENT_ATTENDEES
    people.append((SPEAKERS["maria"].name, SPEAKERS["maria"].organisation))  # the secretariat last
    return people


def meeting_yaml() -> str:
    return ms.meeting_yaml(CARD, attendees(), ABSENT, [item.title for item in ITEMS])


def agenda_txt() -> str:
    return ms.agenda_txt([item.title for item in ITEMS])


def protokoll_txt() -> str:
    """The archived protocol, in the layout and register of protokoll nr 9 2025."""
    archived = [ms.ArchivedItem(title=CLOSING_HEADING if number == len(ITEMS) else item.title,
                                summary=item.summary, intro=item.intro, bullets=item.bullets,
                                clauses=[line.decision[1] for line in item.lines if line.decision])
                for number, item in enumerate(ITEMS, start=1)]
    return ms.protokoll_txt(CARD, attendees(), ABSENT, archived)


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
