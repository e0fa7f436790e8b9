#!/usr/bin/env python3
"""Generate the bundled political sample meeting in samples/political/: a kommunstyrelse with
11 ärenden (§ 112–122), 9 ledamöter and 2 ersättare, an open vote with roll call, an återremiss
motion, a tilläggsyrkande, a jäv, a reservation and a protokollsanteckning.

    .venv/bin/python scripts/make_political_sample.py            # regenerate every file
    .venv/bin/python scripts/make_political_sample.py --texts-only

Writes, all from the one script below (so they always agree):
  recording.opus  16 kHz mono Opus (~20 kbit/s), espeak-ng + MBROLA speech
  meeting.yaml    the political meeting card (pipelines/political/card.py)
  truth.json      item/utterance timings measured on the audio, and per § the motions, votes,
                  reservations, notes, recusals and decision clauses
  protokoll.docx  the protocol a nämndsekreterare would archive, in the §-layout

The speech code (espeak-ng + MBROLA, trimming) is scripts/make_sample.py's, imported; the voices are
registered in its SPEAKERS table. Needs what make_sample.py needs (see scripts/make_sample.sh) and ffmpeg.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_sample as speech  # noqa: E402  (the sample meeting's speech code)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "political"
SEED = 11
BITRATE = "20k"


@dataclass(frozen=True)
class Voice:
    """A member's voice: an espeak-ng/MBROLA speaker and a sox pitch shift (cents) to set it apart.
    Whisper base hears sw1 far better than sw2, so most voices are sw1 variants."""

    speaker: speech.Speaker
    shift: int = 0


def _v(name, party, voice, speed, pitch, shift=0) -> Voice:
    return Voice(speech.Speaker(name, party, voice, speed, pitch), shift)


VOICES = {
    "erik": _v("Erik Svensson", "S", "mb-sw1", 140, 50),
    "mikaela": _v("Mikaela Ström", "kommunsekreterare", "mb-sw1", 140, 60, 350),
    "goran": _v("Göran Wik", "kommundirektör", "mb-sw2", 140, 50),  # information only: sw2 is harder to hear
    "anna": _v("Anna Berg", "M", "mb-sw1", 135, 70, 450),
    "maria": _v("Maria Lindqvist", "C", "mb-sw1", 135, 80, 550),
    "johan": _v("Johan Ek", "S", "mb-sw1", 120, 20),
    "karin": _v("Karin Holm", "S", "mb-sw1", 140, 60, 300),
    "peter": _v("Peter Strand", "M", "mb-sw1", 150, 35, -250),
    "nils": _v("Nils Dahl", "SD", "mb-sw1", 125, 40, -100),
    "eva": _v("Eva Sjöberg", "V", "mb-sw1", 130, 75, 400),
    "sara": _v("Sara Lund", "C", "mb-sw1", 145, 65, 200),
    "olof": _v("Olof Falk", "S", "mb-sw1", 145, 45, -300),
}
speech.SPEAKERS.update({key: v.speaker for key, v in VOICES.items()})

MEMBERS = [
    {"name": "Erik Svensson", "party": "S", "role": "ordförande"},
    {"name": "Maria Lindqvist", "party": "C", "role": "förste vice ordförande"},
    {"name": "Anna Berg", "party": "M", "role": "andre vice ordförande"},
    {"name": "Johan Ek", "party": "S", "role": "ledamot"},
    {"name": "Karin Holm", "party": "S", "role": "ledamot"},
    {"name": "Lars Nyberg", "party": "C", "role": "ledamot", "present": False},
    {"name": "Peter Strand", "party": "M", "role": "ledamot"},
    {"name": "Nils Dahl", "party": "SD", "role": "ledamot"},
    {"name": "Eva Sjöberg", "party": "V", "role": "ledamot"},
    {"name": "Sara Lund", "party": "C", "role": "ersättare", "serves": True, "replaces": "Lars Nyberg"},
    {"name": "Olof Falk", "party": "S", "role": "ersättare"},
]
CARD = {
    "title": "Kommunstyrelsen",
    "body": {"name": "Kommunstyrelsen", "kind": "kommunstyrelse", "municipality": "Norrsjö kommun"},
    "number": "Sammanträdesprotokoll 2026-04-14",
    "date": "2026-04-14",
    "time": "13.00-13.45",
    "place": "Kommunhuset, Storgatan 1, Norrsjö",
    "secretary": "Mikaela Ström",
    "justerare": ["Anna Berg"],
    "justering": "Kommunhuset, Norrsjö, 2026-04-21 kl. 10.00",
    "first_paragraph": 112,
    "members": MEMBERS,
    "officials": [{"name": "Mikaela Ström", "title": "kommunsekreterare"},
                  {"name": "Göran Wik", "title": "kommundirektör"}],
    "anslag": {"up": "2026-04-22", "down": "2026-05-14", "place": "Kommunstyrelsens kansli, kommunhuset"},
}


@dataclass
class Item:
    title: str
    lines: list
    dnr: str | None = None
    proposal: list[str] = field(default_factory=list)
    underlag: list[str] = field(default_factory=list)
    send_to: list[str] = field(default_factory=list)
    summary: str = ""
    # What the protocol must show for this §: [(member, kind, text)], {member: vote}, …
    motions: list[tuple[str, str, str]] = field(default_factory=list)
    votes: dict[str, str] = field(default_factory=dict)
    reservations: list[tuple[str, bool, bool]] = field(default_factory=list)  # (member, own motion, written)
    notes: list[tuple[str, str]] = field(default_factory=list)
    recusals: list[tuple[str, str | None]] = field(default_factory=list)
    propositions: list[tuple[list[str], str]] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # clauses the body added to the proposal (tillägg)
    source: str = "proposal"  # how the decision came about: "proposal" (word for word) or "spoken"


L = speech.L
ROLL = ["Maria Lindqvist", "Anna Berg", "Johan Ek", "Karin Holm", "Peter Strand", "Nils Dahl", "Eva Sjöberg",
        "Sara Lund", "Erik Svensson"]
KEY = {v.speaker.name: k for k, v in VOICES.items()}
VOTES = {"Maria Lindqvist": "ja", "Anna Berg": "nej", "Johan Ek": "ja", "Karin Holm": "ja", "Peter Strand": "nej",
         "Nils Dahl": "nej", "Eva Sjöberg": "ja", "Sara Lund": "ja", "Erik Svensson": "ja"}


def roll_call() -> list:
    lines = []
    for name in ROLL:
        lines.append(L("mikaela", f"{name}."))
        lines.append(L(KEY[name], VOTES[name].capitalize() + "."))
    return lines


ITEMS: list[Item] = [
    Item("Val av justerare", [
        L("erik", "Välkomna till kommunstyrelsens sammanträde. Jag förklarar sammanträdet öppnat."),
        L("erik", "Lars Nyberg har anmält förhinder och Sara Lund tjänstgör i hans ställe."),
        L("erik", "Vi börjar med punkt ett, val av justerare. Jag föreslår Anna Berg."),
        L("erik", "Kan kommunstyrelsen besluta enligt förslaget? Då beslutar kommunstyrelsen enligt förslaget."),
    ], dnr=None, proposal=["att utse Anna Berg att jämte ordföranden justera protokollet",
                           "att justering sker i kommunhuset den 21 april 2026 kl. 10.00"]),
    Item("Godkännande av dagordningen", [
        L("erik", "Vi går vidare till punkt två, godkännande av dagordningen."),
        L("erik", "Dagordningen har skickats ut med kallelsen. Kan den godkännas? Kommunstyrelsen beslutar enligt förslaget."),
    ], proposal=["att godkänna dagordningen"]),
    Item("Information från kommundirektören", [
        L("erik", "Vi går vidare till punkt tre, information från kommundirektören. Göran Wik, varsågod."),
        L("goran", "Tack. Kommunens ekonomi går något bättre än budget efter första kvartalet."),
        L("goran", "Sjukfrånvaron har minskat i förskolan men ökat i hemtjänsten."),
        L("goran", "Vi har också rekryterat en ny chef för samhällsbyggnadsförvaltningen."),
        L("erik", "Tack Göran. Kommunstyrelsen beslutar att notera informationen."),
    ], dnr="KS 2026/7", proposal=["att notera informationen"], source="spoken",
        summary="Kommundirektör Göran Wik informerar om kommunens ekonomi efter första kvartalet, "
                "sjukfrånvaron i förskolan och hemtjänsten samt rekryteringen av en ny chef för "
                "samhällsbyggnadsförvaltningen."),
    Item("Detaljplan för bostäder vid Sjövägen", [
        L("erik", "Vi går vidare till punkt fyra, detaljplan för bostäder vid Sjövägen. Karin Holm, varsågod."),
        L("karin", "Jag anmäler jäv i det här ärendet eftersom min bror äger marken."),
        L("erik", "Karin Holm anmäler jäv och lämnar sammanträdet. Olof Falk tjänstgör i hennes ställe."),
        L("erik", "Johan Ek, varsågod."),
        L("johan", "Planen ger fyrtio nya bostäder nära centrum. Jag yrkar bifall till arbetsutskottets förslag."),
        L("erik", "Jag finner att kommunstyrelsen bifaller arbetsutskottets förslag."),
    ], dnr="KS 2025/311",
        proposal=["att anta detaljplan för bostäder vid Sjövägen, Norrsjö 4:12"],
        underlag=["Arbetsutskottets protokoll 2026-03-31, § 41", "Tjänsteskrivelse 2026-03-18",
                  "Planbeskrivning och plankarta, antagandehandling"],
        send_to=["Samhällsbyggnadsförvaltningen", "Lantmäterimyndigheten"],
        summary="Detaljplanen möjliggör cirka fyrtio bostäder i flerbostadshus vid Sjövägen nära centrum. "
                "Planen har varit utställd för granskning och inkomna synpunkter har bemötts i ett "
                "granskningsutlåtande.",
        motions=[("Johan Ek", "bifall", "bifall till arbetsutskottets förslag")],
        recusals=[("Karin Holm", "Olof Falk")],
        ),
    Item("Investering i ny förskola i Norrby", [
        L("erik", "Vi går vidare till punkt fem, investering i ny förskola i Norrby. Johan Ek, varsågod."),
        L("johan", "Barnen i Norrby blir fler och den gamla förskolan är sliten. Jag yrkar bifall till arbetsutskottets förslag."),
        L("erik", "Anna Berg, varsågod."),
        L("anna", "Kostnaden har ökat med tjugo procent sedan förstudien. Jag yrkar avslag på arbetsutskottets förslag."),
        L("erik", "Nils Dahl, varsågod."),
        L("nils", "Jag yrkar bifall till Anna Bergs avslagsyrkande."),
        L("erik", "Vi har två förslag, arbetsutskottets förslag och Anna Bergs avslagsyrkande."),
        L("erik", "Jag ställer proposition på arbetsutskottets förslag mot avslagsyrkandet och finner att "
                  "kommunstyrelsen bifaller arbetsutskottets förslag."),
        L("erik", "Peter Strand, varsågod."),
        L("peter", "Jag begär votering."),
        L("erik", "Votering är begärd. Den som bifaller arbetsutskottets förslag röstar ja. "
                  "Den som bifaller avslagsyrkandet röstar nej. Sekreteraren förrättar upprop."),
        *roll_call(),
        L("erik", "Omröstningen utföll med sex ja-röster mot tre nej-röster. Ingen avstod. "
                  "Kommunstyrelsen har alltså beslutat enligt arbetsutskottets förslag."),
        L("erik", "Anna Berg, varsågod."),
        L("anna", "Jag reserverar mig till förmån för eget yrkande och lämnar en skriftlig reservation."),
    ], dnr="KS 2026/52",
        proposal=["att bevilja barn- och utbildningsnämnden en investeringsram om 48 miljoner kronor för en ny förskola i Norrby",
                  "att finansiering sker genom upplåning"],
        underlag=["Arbetsutskottets protokoll 2026-03-31, § 44", "Förstudie ny förskola Norrby 2026-02-10"],
        send_to=["Barn- och utbildningsnämnden", "Ekonomiavdelningen"],
        summary="Barn- och utbildningsnämnden begär en investeringsram för en ny förskola med sex avdelningar i "
                "Norrby, som ersätter den nuvarande förskolan. Antalet barn i området väntas öka.",
        motions=[("Johan Ek", "bifall", "bifall till arbetsutskottets förslag"),
                 ("Anna Berg", "avslag", "avslag på arbetsutskottets förslag"),
                 ("Nils Dahl", "bifall", "bifall till Anna Bergs avslagsyrkande")],
        propositions=[(["arbetsutskottets förslag", "avslagsyrkandet"], "kommunstyrelsen bifaller arbetsutskottets förslag")],
        votes=VOTES,
        reservations=[("Anna Berg", True, True)],
        ),
    Item("Motion om avgiftsfri kollektivtrafik för pensionärer", [
        L("erik", "Vi går vidare till punkt sex, motion om avgiftsfri kollektivtrafik för pensionärer. Peter Strand, varsågod."),
        L("peter", "Kostnaderna är inte utredda. Jag yrkar att ärendet återremitteras för att kostnaderna ska utredas."),
        L("erik", "Eva Sjöberg, varsågod."),
        L("eva", "Jag yrkar bifall till motionen."),
        L("erik", "Vi har tre förslag, arbetsutskottets förslag, Peter Strands yrkande om återremiss och "
                  "Eva Sjöbergs yrkande om bifall till motionen."),
        L("erik", "Först ställer jag proposition på om ärendet ska avgöras i dag eller återremitteras, "
                  "och finner att ärendet ska avgöras i dag."),
        L("erik", "Därefter ställer jag proposition på arbetsutskottets förslag mot bifall till motionen, "
                  "och finner att kommunstyrelsen bifaller arbetsutskottets förslag."),
        L("erik", "Eva Sjöberg, varsågod."),
        L("eva", "Jag vill lämna en protokollsanteckning. Vänsterpartiet vill att frågan tas upp i budgeten för nästa år."),
        L("erik", "Protokollsanteckningen noteras."),
    ], dnr="KS 2025/198",
        proposal=["att avslå motionen"],
        underlag=["Arbetsutskottets protokoll 2026-03-31, § 45", "Motion från Eva Sjöberg (V) 2025-06-12",
                  "Yttrande från kollektivtrafikmyndigheten 2026-01-20"],
        send_to=["Kommunfullmäktige"],
        summary="Eva Sjöberg (V) föreslår i en motion att kommunens pensionärer ska åka avgiftsfritt med "
                "kollektivtrafiken. Kostnaden beräknas till 3,2 miljoner kronor per år.",
        motions=[("Peter Strand", "återremiss", "att ärendet återremitteras för att kostnaderna ska utredas"),
                 ("Eva Sjöberg", "bifall", "bifall till motionen")],
        propositions=[(["ärendet ska avgöras i dag", "återremitteras"], "ärendet ska avgöras i dag"),
                      (["arbetsutskottets förslag", "bifall till motionen"], "kommunstyrelsen bifaller arbetsutskottets förslag")],
        notes=[("Eva Sjöberg", "Vänsterpartiet vill att frågan tas upp i budgeten för nästa år.")],
        ),
    Item("Taxa för bygglov 2027", [
        L("erik", "Vi går vidare till punkt sju, taxa för bygglov tjugohundratjugosju. Maria Lindqvist, varsågod."),
        L("maria", "Jag yrkar bifall till förslaget med ett tillägg, att taxan ska utvärderas efter ett år."),
        L("erik", "Jag ställer proposition på arbetsutskottets förslag och finner att kommunstyrelsen bifaller arbetsutskottets förslag."),
        L("erik", "Därefter ställer jag proposition på Maria Lindqvists tilläggsyrkande och finner att kommunstyrelsen bifaller tilläggsyrkandet."),
    ], dnr="KS 2026/60",
        proposal=["att anta taxa för bygglov 2027 enligt bilaga"],
        underlag=["Arbetsutskottets protokoll 2026-03-31, § 46", "Förslag till taxa för bygglov 2027"],
        send_to=["Kommunfullmäktige", "Miljö- och byggnämnden"],
        motions=[("Maria Lindqvist", "tillägg", "att taxan ska utvärderas efter ett år")],
        propositions=[(["arbetsutskottets förslag"], "kommunstyrelsen bifaller arbetsutskottets förslag"),
                      (["Maria Lindqvists tilläggsyrkande"], "kommunstyrelsen bifaller tilläggsyrkandet")],
        extra=["att taxan ska utvärderas efter ett år"],
        ),
    Item("Medborgarförslag om utegym i Norrby park", [
        L("erik", "Vi går vidare till punkt åtta, medborgarförslag om utegym i Norrby park. Sara Lund, varsågod."),
        L("sara", "Ett utegym är ett bra sätt att få fler att röra på sig. Jag yrkar bifall till förslaget."),
        L("erik", "Jag finner att kommunstyrelsen beslutar enligt förslaget."),
    ], dnr="KS 2025/402",
        proposal=["att bifalla medborgarförslaget",
                  "att uppdra åt kultur- och fritidsnämnden att anlägga ett utegym i Norrby park under 2027"],
        underlag=["Medborgarförslag 2025-10-03", "Yttrande från kultur- och fritidsnämnden 2026-02-25"],
        send_to=["Kultur- och fritidsnämnden", "Förslagsställaren"],
        motions=[("Sara Lund", "bifall", "bifall till förslaget")],
        ),
    Item("Uppföljning av intern kontroll 2025", [
        L("erik", "Vi går vidare till punkt nio, uppföljning av intern kontroll tjugohundratjugofem."),
        L("erik", "Arbetsutskottet föreslår att uppföljningen godkänns. Kommunstyrelsen beslutar enligt förslaget."),
    ], dnr="KS 2026/15", proposal=["att godkänna uppföljningen av intern kontroll 2025"],
        underlag=["Uppföljning av intern kontroll 2025, kommunledningsförvaltningen"],
        send_to=["Revisorerna"]),
    Item("Redovisning av delegationsbeslut", [
        L("erik", "Vi går vidare till punkt tio, redovisning av delegationsbeslut."),
        L("erik", "Kommunstyrelsen beslutar enligt förslaget."),
    ], dnr="KS 2026/3", proposal=["att lägga redovisningen av delegationsbeslut till handlingarna"],
        underlag=["Förteckning över delegationsbeslut mars 2026"]),
    Item("Anmälningsärenden", [
        L("erik", "Vi går vidare till punkt elva, anmälningsärenden."),
        L("erik", "Kommunstyrelsen beslutar enligt förslaget. Jag tackar för i dag och förklarar sammanträdet avslutat."),
    ], dnr="KS 2026/4", proposal=["att lägga anmälningsärendena till handlingarna"],
        underlag=["Förteckning över anmälningsärenden april 2026"]),
]


# ---------------------------------------------------------------------------------------------
# audio


def shifted(audio: np.ndarray, cents: int, workdir: Path) -> np.ndarray:
    """The utterance pitch-shifted with sox (tempo kept), so sw1 variants sound like different people."""
    if not cents:
        return audio
    src, dst = workdir / "shift-in.wav", workdir / "shift-out.wav"
    with wave.open(str(src), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(speech.RATE)
        w.writeframes(audio.tobytes())
    subprocess.run(["sox", "-D", "-R", str(src), str(dst), "pitch", str(cents)], check=True)
    with wave.open(str(dst)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def build_audio(out: Path) -> dict:
    rng = random.Random(SEED)
    pieces: list[np.ndarray] = []
    pos = 0
    truth: dict = {"duration": 0.0, "items": [], "utterances": []}

    def silence(seconds: float) -> None:
        nonlocal pos
        n = int(round(seconds * speech.RATE))
        pieces.append(np.zeros(n, dtype=np.int16))
        pos += n

    with tempfile.TemporaryDirectory() as tmp:
        silence(0.5)
        for number, item in enumerate(ITEMS, start=1):
            if number > 1:
                silence(rng.uniform(2.0, 3.0))
            truth["items"].append({"number": number, "title": item.title,
                                   "start": 0.0 if number == 1 else round(pos / speech.RATE, 3)})
            for i, line in enumerate(item.lines):
                if i > 0:
                    short = len(line.text.split()) <= 2  # roll-call names and answers follow quickly
                    silence(rng.uniform(0.4, 0.8) if short else rng.uniform(0.6, 1.4))
                audio = shifted(speech.synth(line, Path(tmp)), VOICES[line.speaker].shift, Path(tmp))
                start = pos / speech.RATE
                pieces.append(audio)
                pos += audio.size
                sp = VOICES[line.speaker].speaker
                truth["utterances"].append({"speaker": sp.name, "voice": sp.voice, "item": number,
                                            "start": round(start, 3), "end": round(pos / speech.RATE, 3),
                                            "text": line.text})
        silence(1.0)
        duration = pos / speech.RATE
        for this, nxt in zip(truth["items"], truth["items"][1:] + [None]):
            this["end"] = nxt["start"] if nxt else round(duration, 3)
        truth["duration"] = round(duration, 3)
        wav = Path(tmp) / "meeting.wav"
        with wave.open(str(wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(speech.RATE)
            w.writeframes(np.concatenate(pieces).tobytes())
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav), "-ac", "1",
                        "-ar", "16000", "-c:a", "libopus", "-b:a", BITRATE, "-application", "voip",
                        str(out / "recording.opus")], check=True)
    return truth


# ---------------------------------------------------------------------------------------------
# card, truth, archived protocol


def card() -> dict:
    data = dict(CARD)
    data["arenden"] = [{k: v for k, v in {"title": it.title, "dnr": it.dnr, "summary": it.summary,
                                          "proposal": it.proposal, "underlag": it.underlag,
                                          "send_to": it.send_to}.items() if v} for it in ITEMS]
    return data


def paragraph_truth() -> list[dict]:
    out = []
    for number, it in enumerate(ITEMS, start=1):
        tally = {"ja": 0, "nej": 0, "avstar": 0}
        for choice in it.votes.values():
            tally["avstar" if choice == "avstår" else choice] += 1
        out.append({
            "item": number, "paragraph": CARD["first_paragraph"] + number - 1, "title": it.title,
            "motions": [{"member": m, "kind": k, "text": t} for m, k, t in it.motions],
            "propositions": [{"proposals": p, "finding": f} for p, f in it.propositions],
            "votes": [{"member": m, "choice": c} for m, c in it.votes.items()],
            "tally": tally if it.votes else None,
            "reservations": [{"member": m, "own_motion": o, "written": w} for m, o, w in it.reservations],
            "notes": [{"member": m, "text": t} for m, t in it.notes],
            "recusals": [{"member": m, "substitute": s} for m, s in it.recusals],
            "decision": {"source": it.source, "clauses": it.proposal + it.extra},
        })
    return out


def archived_protocol(out: Path) -> Path:
    """protokoll.docx: what the secretary archives, built from the truth with the §-layout export."""
    sys.path.insert(0, str(ROOT))
    from pipelines.meeting_card import meeting_from_dict
    from pipelines.models import Decision, ItemDraft, Protocol
    from pipelines.political.export import export_political_docx
    from pipelines.political.records import (Ballot, Motion, ParagraphRecord, Proposition, ProtocolNote, Recusal,
                                             Reservation, Tally, Vote)

    meeting = meeting_from_dict(card(), "samples/political/meeting.yaml")
    items = []
    for number, (it, t) in enumerate(zip(ITEMS, paragraph_truth()), start=1):
        serving = [m.name for m in meeting.political.serving()]
        for r in it.recusals:
            serving = [n for n in serving if n != r[0]] + ([r[1]] if r[1] else [])
        ballots = [Ballot(open=True, question="Ja för arbetsutskottets förslag, nej för avslagsyrkandet",
                          votes=[Vote(member=m, choice=c) for m, c in it.votes.items()], tally=Tally(**t["tally"]),
                          result="Kommunstyrelsen har beslutat enligt arbetsutskottets förslag")] if it.votes else []
        record = ParagraphRecord(
            paragraph=t["paragraph"], dnr=it.dnr, serving=serving, decision_source=it.source,
            motions=[Motion(member=m, kind=k, text=x) for m, k, x in it.motions],
            propositions=[Proposition(proposals=p, finding=f) for p, f in it.propositions], ballots=ballots,
            reservations=[Reservation(member=m, own_motion=o, written=w) for m, o, w in it.reservations],
            notes=[ProtocolNote(member=m, text=x) for m, x in it.notes],
            recusals=[Recusal(member=m, substitute=s) for m, s in it.recusals])
        decisions = [Decision(text=c, status="accepted") for c in it.proposal + it.extra]
        items.append(ItemDraft(number=number, title=it.title, summary=it.summary, decisions=decisions,
                               political=record, drafter="sekreterare"))
    protocol = Protocol(meeting=meeting, items=items, drafter="sekreterare")
    return export_political_docx(protocol, out / "protokoll.docx", mode="approved")


def write_texts(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = "# Kommunstyrelsen i Norrsjö kommun (påhittad), genererad av scripts/make_political_sample.py\n"
    text += yaml.safe_dump(card(), allow_unicode=True, sort_keys=False, width=110)
    (out / "meeting.yaml").write_text(text, encoding="utf-8")
    sys.path.insert(0, str(ROOT))
    from pipelines.meeting_card import load_meeting

    meeting = load_meeting(out / "meeting.yaml", require_agenda=True)  # fail here, not in a user's hands
    assert meeting.agenda == [i.title for i in ITEMS] and len(meeting.political.serving()) == 9


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the political sample meeting in samples/political/.")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--texts-only", action="store_true",
                        help="rewrite meeting.yaml and protokoll.docx; keep the audio and truth.json's timings")
    args = parser.parse_args()
    out: Path = args.out
    if not args.texts_only:
        speech.check_tools()
    write_texts(out)
    truth_path = out / "truth.json"
    if args.texts_only:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    else:
        truth = build_audio(out)
        print(f"{out}/recording.opus: {truth['duration']:.1f} s, {len(truth['utterances'])} yttranden, "
              f"{len(truth['items'])} ärenden")
    truth["paragraphs"] = paragraph_truth()
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Skrev {archived_protocol(out)}")


if __name__ == "__main__":
    main()
