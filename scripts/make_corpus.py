#!/usr/bin/env python3
"""Generate the development corpus in samples/corpus/<id>/ from the meeting scripts in scripts/corpus/.

    .venv/bin/python scripts/make_corpus.py                    # every meeting: audio, card, truth, protocol
    .venv/bin/python scripts/make_corpus.py --only mora-ks     # one meeting
    .venv/bin/python scripts/make_corpus.py --texts-only       # card, agenda, protocol; keep audio and truth
    .venv/bin/python scripts/make_corpus.py --transcribe       # (re)store the Whisper transcripts

A meeting script (meetings.yaml) names its people, room and agenda; each item draws its talk from
topics.yaml and its phrasing (transitions, how decisions are said) from phrases.yaml, seeded per
meeting. Per meeting this writes:
  recording.opus  mono 16 kHz Opus (~20 kbit/s) with room reverb, noise and uneven levels (sox)
  meeting.yaml    the card (format of samples/meeting)   agenda.txt  the agenda as pasted
  truth.json      per item: discussed or not, start/end, decisions with times and the archived clause,
                  key facts; every utterance with its time (measured on the audio made here)
  protokoll.txt   the protocol the secretary archived (protocol Swedish, layout of samples/meeting)
and with --transcribe, transcript.json.gz (the default ASR's transcript) and asr.json (its settings),
so the evaluation can run without Whisper (`protokoll eval --suite samples/corpus --reuse-transcripts`).
Audio needs espeak-ng, sox and MBROLA sw1/sw2 (see scripts/make_sample.sh); output is deterministic
for a given espeak-ng/MBROLA version.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import meeting_synth as ms  # noqa: E402

SCRIPTS = ROOT / "scripts" / "corpus"
OUT = ROOT / "samples" / "corpus"
OPUS_BITRATE = 20_000
NUMBERS = "noll ett två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton sexton".split()
ORDINALS = ("nollte första andra tredje fjärde femte sjätte sjunde åttonde nionde tionde elfte tolfte trettonde "
            "fjortonde femtonde sextonde").split()
STANDARD = {"noted": "att notera informationen", "thanked": "att tacka för informationen",
            "postponed": "att bordlägga ärendet till nästa möte"}
OPENING, AGENDA, OTHER, CLOSING = "Mötets öppnande", "Godkännande av dagordningen", "Övriga frågor", "Mötets avslutande"
JUSTERARE = "Val av justerare"
CLOSING_HEADING = "Mötet avslutades"  # as the archive titles the last item


@dataclass
class Said:
    speaker: str  # a person's name
    text: str
    decision: int | None = None  # index into the meeting's decisions
    part: str = ""  # "decision" | "restated" | "borde" (what the truth records about the line)


@dataclass
class Planned:
    """One agenda item: what the room says, and what the archive says about it."""

    number: int
    title: str
    status: str = "discussed"  # discussed | utgar | closed | formal (opening, agenda, closing)
    lines: list[Said] = field(default_factory=list)
    archived: ms.ArchivedItem | None = None
    kind: str | None = None
    facts: list[str] = field(default_factory=list)
    presenter: str | None = None
    added: str | None = None  # the matter raised under övriga frågor
    topic: str | None = None  # its key in topics.yaml
    transition: str | None = None
    decision_style: str | None = None


def load(name: str):
    return yaml.safe_load((SCRIPTS / name).read_text(encoding="utf-8"))


def speakers(spec: dict, rng: random.Random) -> dict[str, ms.Speaker]:
    """Voices drawn from the seed where the script does not fix them: speed, pitch, a sox pitch shift
    (another person from the same MBROLA voice) and a level (near or far from the microphone)."""
    out = {}
    for i, p in enumerate(spec["people"]):
        voice = {"sw1": "mb-sw1", "sw2": "mb-sw2", "sv": "sv"}[p["voice"]]
        out[p["name"]] = ms.Speaker(
            name=p["name"], organisation=p["org"], voice=voice,
            speed=p.get("speed", rng.randint(125, 165)), pitch=p.get("pitch", rng.randint(25, 80)),
            shift=p.get("shift", rng.choice([0, 0, -150, 150, 250])),
            gain=p.get("gain", rng.uniform(0.7, 1.0) if i == 0 else rng.uniform(0.3, 1.0)))
    return out


class Script:
    """Turns one meeting's spec into planned items (what is said, what is archived), seeded."""

    def __init__(self, spec: dict, topics: dict, phrases: dict):
        self.spec, self.topics, self.phrases = spec, topics, phrases
        self.rng = random.Random(spec["seed"])
        self.people = speakers(spec, self.rng)
        self.chair = spec["people"][0]["name"]
        self.decisions: list[dict] = []

    def pick(self, *path: str) -> str:
        node = self.phrases
        for key in path:
            node = node[key]
        return self.rng.choice(node)

    def fill(self, template: str, item: Planned, **extra) -> str:
        if item.presenter is None:  # nobody to hand the word to (the chair's own items)
            for handover in (" Varsågod {p}.", " {p}, varsågod.", " {p}."):
                template = template.replace(handover, "")
        title = item.title[0].lower() + item.title[1:]
        first = (item.presenter or self.chair).split()[0]
        body = self.spec.get("body", "Mötet")
        values = {"n": NUMBERS[item.number], "title": title, "Title": item.title, "p": first, "body": body,
                  "bodyl": body.lower(), "ord": ORDINALS[item.number], "Ord": ORDINALS[item.number].capitalize(),
                  **extra}
        return template.format(**values)

    def others(self, presenter: str | None) -> list[str]:
        names = [p["name"] for p in self.spec["people"][1:] if p["name"] != presenter]
        self.rng.shuffle(names)
        return names

    # -- items ---------------------------------------------------------------------------------

    def plan(self) -> list[Planned]:
        items = []
        for number, entry in enumerate(self.spec["items"], start=1):
            if entry.get("open"):
                items.append(self.opening(number))
            elif entry.get("agenda"):
                items.append(self.agenda(number, entry))
            elif entry.get("justerare"):
                items.append(self.justerare(number, entry))
            elif entry.get("close"):
                items.append(self.closing(number, entry))
            else:
                items.append(self.topic(number, entry))
        return items

    def say(self, item: Planned, speaker: str, text: str, **kw) -> None:
        item.lines.append(Said(speaker, text, **kw))

    def opening(self, number: int) -> Planned:
        item = Planned(number, OPENING, status="formal")
        spec = self.spec
        self.say(item, self.chair, self.rng.choice(["Välkomna allihop.", "God morgon och välkomna.", "Hej allihop."]))
        self.say(item, self.chair, "Jag förklarar sammanträdet öppnat.")
        if any(e.get("justerare") for e in spec["items"]):  # elected in an item of its own
            self.say(item, self.chair, f"{spec['secretary']} för protokollet.")
        else:
            self.say(item, self.chair, f"{spec['secretary']} för protokollet och {spec['justerare'][0]} justerar.")
        if spec.get("absent"):
            names = " och ".join(n for n, _ in spec["absent"])
            self.say(item, self.chair, f"{names} har anmält förhinder.")
        item.archived = ms.ArchivedItem(title=OPENING)
        return item

    def agenda(self, number: int, entry: dict) -> Planned:
        item = Planned(number, AGENDA, status="formal", kind="decided")
        self.say(item, self.chair, self.fill(self.pick("transitions", "punkt"), item))
        self.decide(item, entry.get("decision", "formal"), "godkänna dagordningen", "att godkänna dagordningen")
        item.archived = ms.ArchivedItem(title=AGENDA, clauses=["att godkänna dagordningen"])
        return item

    def justerare(self, number: int, entry: dict) -> Planned:
        item = Planned(number, JUSTERARE, status="formal", kind="decided")
        self.say(item, self.chair, self.fill(self.pick("transitions", entry.get("transition", "punkt")), item))
        names = " och ".join(self.spec["justerare"])
        clause = f"att utse {names} att justera protokollet"
        self.decide(item, entry.get("decision", "justerare"), names, clause)
        item.archived = ms.ArchivedItem(title=JUSTERARE, clauses=[clause])
        return item

    def closing(self, number: int, entry: dict) -> Planned:
        item = Planned(number, CLOSING, status="formal")
        if entry.get("transition") == "none":  # the chair just ends the meeting
            self.say(item, self.chair, "Då tackar jag alla för i dag och förklarar sammanträdet avslutat.")
        else:
            self.say(item, self.chair, self.fill(self.pick("transitions", "gavidare"), item))
            self.say(item, self.chair, "Tack alla för i dag. Jag förklarar sammanträdet avslutat.")
        item.archived = ms.ArchivedItem(title=CLOSING_HEADING)
        return item

    def topic(self, number: int, entry: dict) -> Planned:
        key = entry.get("topic") or entry["ovriga"]
        topic = self.topics[key]
        presenter = entry.get("presenter") or self.others(None)[0]
        kind = entry.get("kind", topic["kind"])
        title = OTHER if "ovriga" in entry else topic["title"]
        item = Planned(number, title, kind=kind, presenter=presenter, facts=list(topic["facts"]), topic=key,
                       transition=entry.get("transition"), decision_style=entry.get("decision"))
        summary = topic["summary"].format(p=presenter)
        if entry.get("status") in ("utgar", "closed"):
            item.status, item.kind, item.facts = entry["status"], None, []
            if item.status == "utgar":
                self.say(item, self.chair, self.fill(self.pick("transitions", "utgar"), item))
                item.archived = ms.ArchivedItem(title=title, summary="Ärendet utgick.")
            else:
                self.say(item, self.chair, self.fill(self.pick("transitions", item.transition or "punkt"), item))
                self.say(item, self.chair, self.pick("transitions", "closed"))
                item.archived = ms.ArchivedItem(title=title, summary="Inget nytt fanns att rapportera.")
            return item
        a, b = (self.others(presenter) + [self.chair, self.chair])[:2]
        role = {"p": presenter, "a": a, "b": b, "c": self.chair}
        if "ovriga" in entry:
            item.added = topic["title"]
            self.say(item, self.chair, self.pick("transitions", "ovriga"))
            self.say(item, presenter, self.fill(self.pick("transitions", "ovriga_raise"), item, noun=topic["noun"]))
            summary = f"{presenter} tog upp frågan om {topic['title'][0].lower() + topic['title'][1:]}. {summary}"
        elif item.transition != "none":
            self.say(item, self.chair, self.fill(self.pick("transitions", item.transition or "nasta"), item))
        for r, text in topic["lines"]:
            self.say(item, role[r], text)
        self.discussion(item, topic, role)
        if entry.get("borde") and topic.get("borde"):
            r, text = topic["borde"]
            self.say(item, role[r], text, part="borde")
        clauses = []
        if kind in ("decided", "assigned"):
            clauses = [topic["clause"]]
            self.decide(item, item.decision_style or "formal", topic["proposal"], topic["clause"])
        elif kind in STANDARD:
            clauses = [STANDARD[kind]]
            text = self.fill(self.pick("decisions", kind), item)
            self.decide_standard(item, kind, text)
        else:
            self.say(item, self.chair, self.fill(self.pick("decisions", "info_end"), item))
        item.archived = ms.ArchivedItem(title=title, summary=" ".join(summary.split()), clauses=clauses)
        return item

    def discussion(self, item: Planned, topic: dict, role: dict) -> None:
        """Long meetings: the topic's own extra talk, then questions, answers and steering from the banks."""
        n = int(self.spec.get("filler", 0))
        if not n:
            return
        for r, text in topic.get("more", []):
            self.say(item, role[r], text)
        bank = self.phrases["filler"]
        members = [name for name in self.others(item.presenter) if name != self.chair] or [role["a"]]
        questions, answers = self.deck(bank["member"]), self.deck(bank["presenter"])
        said = i = 0
        while said < n:
            if i % 4 == 0:
                self.say(item, self.chair, self.rng.choice(bank["chair"]).format(noun=topic["noun"]))
                said += 1
            self.say(item, members[i % len(members)], next(questions).format(noun=topic["noun"]))
            said += 1
            if i % 2 == 0 and item.presenter:
                self.say(item, item.presenter, next(answers))
                said += 1
            i += 1

    def deck(self, lines: list[str]):
        """Every line once in a shuffled order before any comes again."""
        while True:
            yield from self.rng.sample(lines, k=len(lines))

    def decide(self, item: Planned, style: str, proposal: str, clause: str) -> None:
        index = len(self.decisions)
        self.decisions.append({"item": item.number, "kind": item.kind or "decided", "clause": clause,
                               "style": style})
        template = self.pick("decisions", style)
        parts = [self.fill(p, item, proposal=proposal) for p in template.split("|")]
        member = self.others(None)[0]
        if style == "enlighet":  # the proposal the decision refers to
            self.say(item, item.presenter or self.chair,
                     self.fill("Förslaget är att vi ska {proposal}.", item, proposal=proposal),
                     decision=index, part="decision")
        self.say(item, self.chair, parts[0], decision=index, part="decision")
        if parts[0].endswith("?"):  # "Kan mötet besluta så?", "Är vi överens om det?"
            self.say(item, member, self.pick("decisions", "yes"), decision=index, part="decision")
        if style in ("beslutat", "vigorsa", "klubbat", "proposition"):
            self.say(item, member, self.pick("decisions", "agree"), decision=index, part="decision")
            self.say(item, self.chair, parts[1], decision=index, part="decision")
        elif style == "restated":
            self.say(item, member, self.pick("decisions", "between"))
            self.say(item, self.chair, parts[1], decision=index, part="restated")

    def decide_standard(self, item: Planned, kind: str, text: str) -> None:
        index = len(self.decisions)
        self.decisions.append({"item": item.number, "kind": kind, "clause": STANDARD[kind], "style": "standard"})
        self.say(item, self.chair, text, decision=index, part="decision")
        if text.endswith("Kan mötet besluta så?"):
            self.say(item, self.others(None)[0], self.pick("decisions", "yes"), decision=index, part="decision")

    # -- speaking order ------------------------------------------------------------------------

    def spoken(self, items: list[Planned]) -> list[tuple[Planned, list[Said]]]:
        """Items in the order they are taken, with the chair's words about the order added."""
        order = self.spec.get("order") or [i.number for i in items]
        by_number = {i.number: i for i in items}
        done: set[int] = set()
        out = []
        for number in order:
            item = by_number[number]
            lines = list(item.lines)
            pending = [n for n in by_number if n < number and n not in done]
            if pending and item.lines and item.lines[0].speaker == self.chair:
                first = item.presenter.split()[0] if item.presenter else self.chair.split()[0]
                text = self.pick("transitions", "reorder").format(n=NUMBERS[number], m=NUMBERS[pending[0]], p=first)
                lines.insert(0, Said(self.chair, text))
            elif done and max(done) > number and item.status == "discussed" and item.lines[0].speaker == self.chair:
                lines[0] = Said(self.chair, self.fill(self.pick("transitions", "back"), item))
                item.transition = "back"
            done.add(number)
            out.append((item, lines))
        return out


# ---------------------------------------------------------------------------------------------
# audio and truth


def render(script: Script, items: list[Planned], out: Path) -> dict:
    rng = random.Random(script.spec["seed"] * 7919)
    timeline = ms.Timeline()
    truth: dict = {"duration": 0.0, "items": [], "utterances": [], "decisions": [], "non_decisions": []}
    spans: dict[int, list[float]] = {}
    said: dict[int, list[tuple[float, float, str, str]]] = {}
    cache: dict[tuple[str, str], np.ndarray] = {}
    with tempfile.TemporaryDirectory() as tmp:
        timeline.silence(rng.uniform(0.3, 1.0))
        for k, (item, lines) in enumerate(script.spoken(items)):
            if k:
                timeline.silence(rng.uniform(1.2, 3.0))  # the room moves on
            spans[item.number] = [timeline.now]
            for j, line in enumerate(lines):
                if j:
                    timeline.silence(rng.uniform(0.4, 1.4))
                sp = script.people[line.speaker]
                if (line.speaker, line.text) not in cache:
                    cache[(line.speaker, line.text)] = ms.synth(sp, line.text, Path(tmp))
                level = sp.gain * rng.uniform(0.8, 1.2)  # people lean in and away
                audio = np.clip(cache[(line.speaker, line.text)] * level, -32768, 32767).astype(np.int16)
                start, end = timeline.add(audio)
                truth["utterances"].append({"speaker": sp.name, "voice": sp.voice, "item": item.number,
                                            "start": round(start, 3), "end": round(end, 3), "text": line.text})
                if line.decision is not None:
                    said.setdefault(line.decision, []).append((start, end, line.text, line.part))
                if line.part == "borde":
                    truth["non_decisions"].append({"item": item.number, "text": line.text,
                                                   "start": round(start, 3), "end": round(end, 3)})
        timeline.silence(1.0)
        duration = timeline.now
        starts = sorted((s[0], n) for n, s in spans.items())
        for (start, number), nxt in zip(starts, starts[1:] + [(duration, None)]):
            spans[number].append(nxt[0])
        room = script.spec["room"]
        audio = ms.room(timeline.audio(), Path(tmp), reverb=room["reverb"], noise_db=room["noise_db"],
                        level_db=room["level_db"], seed=script.spec["seed"])
        ms.encode(audio, out / "recording.opus", Path(tmp), bitrate=OPUS_BITRATE)
    truth["duration"] = round(duration, 3)
    for item in items:
        start, end = spans[item.number]
        truth["items"].append({
            "number": item.number, "title": item.title, "start": round(start, 3), "end": round(end, 3),
            "discussed": item.status in ("discussed", "formal"), "status": item.status,
            "presenter": item.presenter, "transition": item.transition if item.status == "discussed" else None,
            "added": item.added, "topic": item.topic, "key_facts": item.facts})
    for index, d in enumerate(script.decisions):
        times = said[index]
        first = [t for t in times if t[3] == "decision"]
        truth["decisions"].append({
            "item": d["item"], "kind": d["kind"], "clause": d["clause"], "style": d["style"],
            "spoken": " ".join(t[2] for t in first), "start": round(first[0][0], 3), "end": round(first[-1][1], 3),
            "restated": [[round(s, 3), round(e, 3)] for s, e, _, part in times if part == "restated"]})
    truth["variations"] = variations(script, items, truth)
    return truth


def variations(script: Script, items: list[Planned], truth: dict) -> list[str]:
    """The classes of variation this meeting exercises (the dev/test split must cover them all)."""
    found = {f"transition:{i.transition or 'nasta'}" for i in items if i.status == "discussed" and not i.added}
    found |= {f"decision:{d['style']}" for d in script.decisions}
    found |= {f"kind:{i.kind}" for i in items if i.kind and i.status == "discussed"}
    found |= {f"status:{i.status}" for i in items if i.status in ("utgar", "closed")}
    if script.spec.get("order"):
        found.add("out_of_order")
    if any(i.added for i in items):
        found.add("ovriga")
    if truth["non_decisions"]:
        found.add("borde")
    if any(p["voice"] == "sw2" for p in script.spec["people"][:1]):
        found.add("chair:sw2")
    if any(p["voice"] == "sv" for p in script.spec["people"]):
        found.add("voice:sv")
    minutes = truth["duration"] / 60
    found.add("length:" + ("short" if minutes < 12 else "long"))
    room = script.spec["room"]
    if room["noise_db"] >= -24 or room["level_db"] <= -18:
        found.add("room:hard")
    return sorted(found)


# ---------------------------------------------------------------------------------------------
# texts


def card(spec: dict) -> ms.Card:
    return ms.Card(title=spec["title"], number=spec["number"], date=str(spec["date"]), time=spec["time"],
                   place=spec["place"], secretary=spec["secretary"], justerare=spec["justerare"],
                   ort=spec["ort"], date_long=spec["date_long"])


def people(spec: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    attendees = [(p["name"], p["org"]) for p in spec["people"]] + [tuple(x) for x in spec.get("silent", [])]
    return attendees, [tuple(x) for x in spec.get("absent", [])]


def write_texts(spec: dict, items: list[Planned], out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from pipelines.meeting_card import load_meeting

    out.mkdir(parents=True, exist_ok=True)
    attendees, absent = people(spec)
    agenda = [i.title for i in items]
    (out / "meeting.yaml").write_text(ms.meeting_yaml(card(spec), attendees, absent, agenda), encoding="utf-8")
    (out / "agenda.txt").write_text(ms.agenda_txt(agenda), encoding="utf-8")
    (out / "protokoll.txt").write_text(ms.protokoll_txt(card(spec), attendees, absent, [i.archived for i in items]),
                                       encoding="utf-8")
    meeting = load_meeting(out / "meeting.yaml", require_agenda=True)  # fail here, not in a user's hands
    assert meeting.agenda == agenda, (meeting.agenda, agenda)


def check(out: Path, truth: dict) -> None:
    """The archive reads back with the project's own parser, and agrees with the truth."""
    from pipelines.documents import parse_protocol
    from pipelines.clauses import classify

    archived = parse_protocol(out / "protokoll.txt")
    assert len(archived.items) == len(truth["items"]), out
    for item in archived.items:
        expected = [(d["clause"], d["kind"]) for d in truth["decisions"] if d["item"] == item.number]
        got = [(d.text, d.kind) for d in item.decisions]
        assert got == expected, (out.name, item.number, got, expected)
    for d in truth["decisions"]:
        assert classify(d["clause"]) == d["kind"], d


# ---------------------------------------------------------------------------------------------
# transcripts


def transcribe(out: Path) -> None:
    """The default ASR's transcript, stored so the evaluation needs no Whisper (see eval/suite.py)."""
    import datetime as dt
    import os
    from importlib.metadata import version

    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from pipelines.meeting_card import load_meeting
    from pipelines.asr import TranscribeOptions, release_models
    from pipelines.asr import transcribe as run

    options = TranscribeOptions()
    transcript = run(out / "recording.opus", load_meeting(out / "meeting.yaml"), options)
    release_models()
    with gzip.open(out / "transcript.json.gz", "wt", encoding="utf-8") as f:
        f.write(transcript.model_dump_json(indent=1))
    asr = {"options": options.model_dump(mode="json"), "backend": transcript.backend, "model": transcript.model,
           "faster_whisper": version("faster-whisper"), "made": dt.date.today().isoformat()}
    (out / "asr.json").write_text(json.dumps(asr, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{out.name}: {len(transcript.segments)} segment, {transcript.duration:.0f} s", flush=True)


def check_splits(root: Path, specs: list[dict]) -> None:
    """Test covers every variation class, and shares no topic with dev (nobody tunes on its talk)."""
    splits = yaml.safe_load((root / "splits.yaml").read_text(encoding="utf-8"))
    ids = {s["id"] for s in specs}
    assert set(splits["dev"]) | set(splits["test"]) == ids and not set(splits["dev"]) & set(splits["test"]), splits

    def union(split: str, key) -> set:
        return {x for s in specs if s["id"] in splits[split] for x in key(s)}

    classes = union("dev", lambda s: json.loads((root / s["id"] / "truth.json").read_text())["variations"])
    missing = classes - union("test", lambda s: json.loads((root / s["id"] / "truth.json").read_text())["variations"])
    assert not missing, f"test lacks {sorted(missing)}"
    shared = union("dev", _topics) & union("test", _topics)
    assert not shared, f"topics in both splits: {sorted(shared)}"


def _topics(spec: dict) -> set[str]:
    return {i.get("topic") or i.get("ovriga") for i in spec["items"]} - {None}


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the development corpus in samples/corpus/.")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", nargs="*", help="meeting ids (default: all)")
    parser.add_argument("--texts-only", action="store_true", help="rewrite card, agenda and protocol only")
    parser.add_argument("--transcribe", action="store_true", help="store the default ASR's transcripts")
    parser.add_argument("--no-audio", action="store_true", help="with --transcribe: only transcribe")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    topics, phrases = load("topics.yaml"), load("phrases.yaml")
    specs = [s for s in load("meetings.yaml") if not args.only or s["id"] in args.only]
    if args.only and len(specs) != len(args.only):
        sys.exit(f"okänt möte bland {args.only} – unknown meeting id")
    audio = not (args.texts_only or args.no_audio)
    if audio:
        ms.check_tools()
    for spec in specs:
        out = args.out / spec["id"]
        if not args.no_audio:
            script = Script(spec, topics, phrases)
            items = script.plan()
            write_texts(spec, items, out)
            if audio:
                truth = render(script, items, out)
                (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")
                check(out, truth)
                size = (out / "recording.opus").stat().st_size
                print(f"{spec['id']}: {truth['duration'] / 60:.1f} min, {len(truth['items'])} punkter, "
                      f"{len(truth['decisions'])} beslut, {size / 1e6:.2f} MB", flush=True)
        if args.transcribe:
            transcribe(out)
    if not args.only and not args.texts_only:
        check_splits(args.out, specs)


if __name__ == "__main__":
    main()
