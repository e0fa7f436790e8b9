"""Capture, per §, what Kommunallagen 5 kap. 67 § requires from the transcript: yrkanden,
propositionsordning, omröstning, the decision, reservationer, protokollsanteckningar and jäv — each
with the moments it was said, attributed to a member of the card or "okänd".

Rules over Whisper text, not the language model: the embedded model is too small to trust with who
moved what. The rules are tolerant of Whisper's spelling ("yrkar"/"yrka", "propositionsordning"/
"prepositionsordning") and of names heard a little wrong (names.py). Who speaks comes from what is
said: the chair gives the word by name ("Anna, varsågod"), a member speaks until the chair speaks
again; the chair's summaries ("Anna Bergs yrkande om återremiss") confirm or fill in the member.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clauses import classify
from ..decisions import find_spoken_decisions
from ..models import Decision, Evidence, ItemDraft, Protocol, Segmentation, Transcript, TranscriptSegment
from ..text import normalize, to_number, words
from .card import UNKNOWN, Arende, Member, PoliticalCard
from .names import MemberIndex
from .records import Ballot, Motion, ParagraphRecord, Proposition, ProtocolNote, Recusal, Reservation, Tally, Turn, Vote

# The chair gives the word: "Anna Berg, varsågod", "Erik har ordet", "ordet går till Erik".
_GIVE_BEFORE = re.compile(r"([\w ,.-]{0,40}?)[\s,.]*\b(?:varsågod\w*|var så god\w*|varsåg god|varsegod\w*|du har ordet|har ordet|"
                          r"(?:har )?begärt ordet|begär ordet)\b")
_GIVE_AFTER = re.compile(r"\b(?:ordet (?:går )?till|ger ordet till|lämnar ordet till)\s+([\w ]{1,40})")
# What only the chair says: after it, the member who had the word has stopped speaking.
_CHAIR = re.compile(r"\b(?:pr[oe]-?\s?positi\w*|fin(?:n|gr|d)er|omröstning\w*|votering\w*|upprop|går vidare|går över|"
                    r"beslutar|beslutat|har beslutat|ordet|yrkanden\b|är det någon|noteras|ajourn\w*)")
# "yrkar" as Whisper writes it: "yrka", "gyrkar", "ykar", "jurkar".
_VERB = r"(?:yrka[rd]?e?|yrker|jurkar|irkar|gyrkar|ykar|yrkat)"
_MOTION = re.compile(rf"\b{_VERB}\b")
_FIRST_PERSON_MOTION = re.compile(rf"\b(?:jag|vi)\s+(?:\w+\s+)?{_VERB}\b\s*(.*)")
_THIRD_PERSON_MOTION = re.compile(r"\b(?:yrkar|har yrkat|yrkade)\b\s*(.*)")
# "Jag instämmer i Anna Bergs yrkande": a motion in support of another's.
_SECONDS = re.compile(r"\b(?:jag|vi)\s+(?:\w+\s+)?instämmer\s+(?:i|med)\s+(.*)")
# The chair lists the proposals: "Vi har tre förslag, arbetsutskottets förslag, Peter Strands yrkande om återremiss …"
_SUMMARY = re.compile(r"\bvi har\b|yrk|cyrk|\bf[äe]rslag")
_MOTIVATION = re.compile(r"\b(?:med motiveringen(?: att)?|motiveringen är(?: att)?|eftersom|för att|då)\s+(.*)")
_PROPOSITION = re.compile(r"\bpr[oe]-?\s?positi\w*\s+(?:på|om)\s+(.*)")
_PUTS = re.compile(r"\bställer\s+(?:jag\s+)?(?:först\s+|sedan\s+|därefter\s+|nu\s+)?(.*?\s+mot\s+.*)")  # "ställer bifall mot avslag"
_FINDER = r"\bfin(?:n|gr|d)er\b"  # Whisper: "fingrer"
_FINDS = re.compile(_FINDER + r"\s+(?:jag\s+)?(?:att\s+)?(.*)")
_BALLOT = re.compile(r"\b(?:omröstning\w*|votering\w*|röstning\w*)\b")
_SECRET = re.compile(r"\bslut(?:en|na)\s+(?:omröstning|votering)")
_QUESTION = re.compile(r"den som (?:vill |bifaller |röstar för )?(.*?)\s*röstar jag?\W+(?:och )?den som (?:vill |bifaller |röstar för )?(.*?)\s*röstar nej")
# Roll-call answers as Whisper hears them ("Möj" for a low voice's "Nej").
_VOTE_WORD = {"ja": "ja", "jaa": "ja", "nej": "nej", "nä": "nej", "näj": "nej", "ne": "nej", "nöj": "nej", "möj": "nej",
              "mej": "nej", "avstår": "avstår", "avstå": "avstår", "avstod": "avstår"}
_RESULT = re.compile(r"\b(?:röster|utf[öo]ll\w*|utfölj|beslu\w*|vunnit|vann|fin(?:n|gr|d)er)\b")
_TALLY = {
    "ja": re.compile(r"(\w+)\s+ja[- ]?röst"),
    "nej": re.compile(r"(\w+)\s+nej[- ]?röst"),
    "avstar": re.compile(r"(\w+)\s+(?:\w+\s+)?(?:avstod|avstår|avstående|avstå)\b"),
}
# "reserverar mig", Whisper's "grezer verar mig"; the noun alone ("en skriftlig reservation") names no one.
_RESERVE = re.compile(r"(?:re|gre|gr)?[sz]er\s?ver\w*\s+(?P<pron>mig|oss|sig)\b|\b(?:g?re)?[sz]ervation\b")
_IN_FAVOUR = re.compile(r"\bförmån\b(.*)")  # "till förmån för eget yrkande" (Whisper: "förregat yrkande")
_WRITTEN = re.compile(r"\bskriftlig\w*")
# "protokollsanteckning", Whisper's "protokolcentökning"; not "protokollet".
_NOTE = re.compile(r"\bprotokol+(?!lets?\b)\w{4,}|\banteckning (?:till|i) protokollet|\bantecknat i protokollet")
_RECUSE = re.compile(r"\bjäv\w*\b|\bjävig\w*")
# "Olof Falk tjänstgör i hennes ställe" (Whisper: "känner stjör", "Olofalksen styr i hennes ställe").
_SUBSTITUTE = re.compile(r"(\w+(?: \w+)?)\s+(?:tjänst\w*|kän\w*\s?st[jy]ö?r|st[jy]ö?r|ersätter|går in|träder in)"
                         r"|(\w+(?: \w+)?)\s+\w+\s+i (?:hennes|hans|dennes|hens) ställe")
# The body decides as proposed: "beslutar enligt förslaget" (Whisper: "en likt", "inlyckt"), "bifaller
# arbetsutskottets förslag" ("bifaler arbetssuttskottetsförslag"); not an ändrings- or medborgarförslag.
_PROPOSAL = re.compile(r"(?:beslu\w*|" + _FINDER + r" att|b[iy]fal\w*|anta\w*)\b.{0,60}?"
                       r"(?<!ändrings)(?<!tilläggs)(?<!medborgar)(?<!medborgar )förslag")
_REMIT = re.compile(r"\båter\s?(?:e?remi|remm|erm|ny|n)\w*")  # Whisper: "återermis", "åternyggt"
_DECIDE_TODAY = re.compile(r"avg\w+ (?:i dag|idag)")
_NUMBERS = {"ingen": 0, "inga": 0, "noll": 0}


@dataclass
class Sentence:
    text: str
    norm: str
    start: float
    end: float

    def evidence(self) -> Evidence:
        return Evidence(start=round(self.start, 2), end=round(self.end, 2), text=self.text)


_CUES = (("varsågod",), ("varsegod",), ("varsågoda",), ("varsågott",), ("varsåg", "god"), ("var", "så", "god"),
         ("var", "så", "goda"), ("har", "ordet"))


def _bare(token: str) -> str:
    return re.sub(r"[^\w]", "", token.lower())


def sentences(segments: list[TranscriptSegment], index: MemberIndex | None = None) -> list[Sentence]:
    """The item's talk as sentences, timed by Whisper's words where it gave them. Whisper runs speakers
    together ("… förslag Anna Berry varsågod Kostnaden har ökat …"), so the chair's giving of the word
    is a sentence of its own: a break before the name and after "varsågod"."""
    tokens: list[tuple[str, float, float]] = []
    for seg in segments:
        if seg.words:
            tokens += [(w.text, w.start, w.end) for w in seg.words if w.text.strip()]  # " pro", "-position"
        else:
            tokens += [(" " + t, seg.start, seg.end) for t in seg.text.split()]
    bare = [_bare(t) for t, _, _ in tokens]
    breaks: set[int] = set()  # a sentence ends before these token indices
    for k in range(len(tokens)):
        for cue in _CUES:
            if tuple(bare[k:k + len(cue)]) == cue:
                breaks.add(k + len(cue))
                _, n = index.name_at_end(bare[max(0, k - 2):k]) if index else (None, 0)
                breaks.add(k - n)
                break
    out: list[Sentence] = []
    buf: list[tuple[str, float, float]] = []
    for k, tok in enumerate(tokens):
        if k in breaks and buf:
            out.append(_sentence(buf))
            buf = []
        buf.append(tok)
        if re.search(r"[.!?]\s*$", tok[0]):
            out.append(_sentence(buf))
            buf = []
    if buf:
        out.append(_sentence(buf))
    return [s for s in out if s.norm]


def _sentence(tokens: list[tuple[str, float, float]]) -> Sentence:
    text = "".join(t if t[:1].isspace() or t[:1] in "-,.!?" else " " + t for t, _, _ in tokens).strip()
    return Sentence(text, normalize(text), tokens[0][1], tokens[-1][2])


def _number(token: str) -> int | None:
    return _NUMBERS.get(token, to_number(token))


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".!?,;: ")


def motion_kind(text: str) -> str:
    """The kind of a yrkande from its words; "bifall till Anna Bergs avslagsyrkande" supports a motion."""
    if re.search(r"till(?:ägg|egg|eg|äg)\w*|lägga till", text):  # Whisper: "tilleg"
        return "tillägg"
    if _REMIT.search(text):
        return "återremiss"
    if re.match(r"\s*(?:b[iy]fal|bli fall|vi fall)", text):
        return "bifall"
    if re.search(r"avslag|avslå|av slag", text):
        return "avslag"
    if re.search(r"ändring|ändras|ändra", text):
        return "ändring"
    if re.search(r"b[iy]fal", text):
        return "bifall"
    return "annat"


class _Capture:
    def __init__(self, card: PoliticalCard, number: int):
        self.card = card
        self.arende: Arende = card.arenden[number - 1]
        self.index = MemberIndex(card.members)
        self.record = ParagraphRecord(paragraph=card.paragraph(number), dnr=self.arende.dnr)
        self.current: Member | None = None  # who has the word
        self.last: Sentence | None = None

    # -- who

    def given_word(self, s: Sentence) -> tuple[bool, Member | None]:
        """Whether the chair gives the word in the sentence, and to which member (None: someone else)."""
        m = _GIVE_BEFORE.search(s.norm)
        if m:
            return True, self.index.match(words(m.group(1))[-3:])
        m = _GIVE_AFTER.search(s.norm)
        if m:
            toks = words(m.group(1))[:3]
            return True, self.index.match(toks[:2]) or self.index.match(toks[:1])
        return False, None

    def named(self, s: Sentence, before: int | None = None) -> Member | None:
        """The one member named in the sentence (before word `before`), else None."""
        hits = {m.name: m for i, m in self.index.find_all(s.norm) if before is None or i < before}
        return next(iter(hits.values())) if len(hits) == 1 else None

    def speaker(self, s: Sentence) -> str:
        return self.current.name if self.current else UNKNOWN

    # -- the walk

    def run(self, sents: list[Sentence]) -> ParagraphRecord:
        for i, s in enumerate(sents):
            gives, member = self.given_word(s)
            if gives:
                self.current = member
                if member is not None:
                    self.record.turns.append(Turn(member=member.name, evidence=s.evidence()))
                continue
            first_person = re.search(r"\b(?:jag|vi)\b", s.norm) is not None
            self.motion(s, first_person)
            self.reservation(s, first_person)
            self.note(s, sents[i + 1:], first_person)
            self.recusal(s, sents[i + 1:i + 3], first_person)
            self.proposition(s)
            if _CHAIR.search(s.norm) and not (first_person and _MOTION.search(s.norm)):
                self.current = None
        self.summaries(sents)
        self.record.serving = self.serving()
        ballot_at = self.ballot_start(sents)
        if ballot_at is not None:
            self.ballot(sents[ballot_at:])
        self.check_ballots()
        return self.record

    def motion(self, s: Sentence, first_person: bool) -> None:
        m = _FIRST_PERSON_MOTION.search(s.norm) if first_person else None
        who = self.speaker(s) if m else None
        seconds = _SECONDS.search(s.norm) if m is None and first_person else None
        if seconds and re.search(r"yrkande|förslag", seconds.group(1)):
            m, who = seconds, self.speaker(s)
        if m is None:
            m = _THIRD_PERSON_MOTION.search(s.norm)
            named = self.named(s, before=len(words(s.norm[:m.start()])) + 1) if m else None
            if named is None:
                return
            who = named.name
        text = _tidy(m.group(1))
        if not text:
            return
        if m.re is _SECONDS:
            text = f"bifall till {text}"
        kind = motion_kind(text)
        motivation = ""
        if kind == "återremiss":
            mm = _MOTIVATION.search(text)
            motivation = _tidy(mm.group(0)) if mm else ""
        same = next((x for x in self.record.motions if x.member == who and x.kind == kind), None)
        if same is not None:  # said again: one motion, every moment
            same.evidence.append(s.evidence())
            return
        self.record.motions.append(Motion(member=who, kind=kind, text=text, motivation=motivation,
                                          evidence=[s.evidence()]))

    def summaries(self, sents: list[Sentence]) -> None:
        """The chair names the motions before putting them ("… Peter Strands yrkande om återremiss och Eva
        Sjöbergs yrkande om bifall"): an "okänd" motion of that kind gets its member, a motion heard without
        its kind ("annat") gets the kind, and a motion Whisper lost is added from the summary."""
        for s in sents:
            if _FIRST_PERSON_MOTION.search(s.norm) or not _SUMMARY.search(s.norm) or _PROPOSITION.search(s.norm) \
                    or _PUTS.search(s.norm) or _FINDS.search(s.norm):
                continue  # "Jag yrkar bifall till Anna Bergs avslagsyrkande" is a motion, not a summary
            toks = words(s.norm)
            named = self.index.find_all(s.norm)
            for n, (at, member) in enumerate(named):
                upto = named[n + 1][0] - 1 if n + 1 < len(named) else len(toks)
                tail = " ".join(toks[at + 1:min(upto, at + 8)])
                kind = motion_kind(tail)
                if kind == "annat" or not re.search(r"yrk|cyrk|om\b", tail):
                    continue
                known = [x for x in self.record.motions if (x.kind == kind and x.member in (UNKNOWN, member.name))
                         or (x.kind == "annat" and x.member == member.name)]
                if known:
                    motion = known[0]
                    motion.member = member.name
                    if motion.kind == "annat":
                        motion.kind = kind
                        mm = _MOTIVATION.search(motion.text) if kind == "återremiss" else None
                        motion.motivation = _tidy(mm.group(0)) if mm else ""
                    if all(e.start != s.start for e in motion.evidence):
                        motion.evidence.append(s.evidence())
                else:
                    self.record.motions.append(Motion(member=member.name, kind=kind, text=_tidy(tail),
                                                      evidence=[s.evidence()]))

    def proposition(self, s: Sentence) -> None:
        m = _PROPOSITION.search(s.norm) or _PUTS.search(s.norm)
        found = _FINDS.search(s.norm)
        if m:
            put = re.split(r"\s+och\s+" + _FINDER + "|" + _FINDER, m.group(1))[0]
            proposals = [_tidy(p) for p in re.split(r"\s+mot\s+|\s+eller\s+|,\s*|\s+och\s+(?:därefter\s+)?(?:på\s+)?", put)
                         if _tidy(p)]
            self.record.propositions.append(Proposition(proposals=proposals, finding=_tidy(found.group(1)) if found else "",
                                                        evidence=[s.evidence()]))
        elif found and self.record.propositions and not self.record.propositions[-1].finding:
            self.record.propositions[-1].finding = _tidy(found.group(1))
            self.record.propositions[-1].evidence.append(s.evidence())

    def events(self, s: Sentence) -> list[tuple[str, object]]:
        """A roll call's names and answers in the order heard: ("name", Member) and ("vote", choice)."""
        toks = words(s.norm)
        names = dict(self.index.find_all(s.norm))
        out: list[tuple[str, object]] = []
        for j, tok in enumerate(toks):
            following = toks[j + 1] if j + 1 < len(toks) else ""
            if j in names:
                out.append(("name", names[j]))
            elif tok in _VOTE_WORD and not following.startswith("röst"):  # not "sex ja-röster"
                out.append(("vote", _VOTE_WORD[tok]))
        return out

    def ballot_start(self, sents: list[Sentence]) -> int | None:
        """Where an omröstning begins: the chair says so ("votering", "omröstning", "röstar ja"), or a roll
        call is heard (three names each answered) though Whisper lost the word ("Rotering")."""
        said = next((i for i, s in enumerate(sents) if (_BALLOT.search(s.norm) or re.search(r"\bröstar\b|\bupprop", s.norm))
                     and not _MOTION.search(s.norm)), None)
        stream = [(i, e) for i, s in enumerate(sents) if not re.search(r"\bröstar\b", s.norm) for e in self.events(s)]
        pairs = [i for (i, a), (_, b) in zip(stream, stream[1:]) if a[0] == "name" and b[0] == "vote"]
        heard = pairs[0] if len(pairs) >= 3 else None
        starts = [i for i in (said, heard) if i is not None]
        return min(starts) if starts else None

    def ballot(self, sents: list[Sentence]) -> None:
        ballot = Ballot(open=not any(_SECRET.search(s.norm) for s in sents[:3]), evidence=[sents[0].evidence()])
        figures: dict[str, int] = {}
        q = _QUESTION.search(" ".join(s.norm for s in sents[:5]))  # Whisper may split the question
        if q:
            ballot.question = f"Ja för {_tidy(q.group(1))}, nej för {_tidy(q.group(2))}"
        heard: list[tuple[str, object, Sentence]] = []
        for s in sents:
            if re.search(r"\bröstar\b", s.norm):
                continue  # the voting question ("… röstar ja, den som … röstar nej")
            if heard and self.given_word(s)[0]:
                break  # the chair gives the word again: the roll call is over
            if ballot.open:
                heard += [(kind, value, s) for kind, value in self.events(s)]
            announced = self.announced(s.norm)
            if announced is not None or (_RESULT.search(s.norm) and heard):
                if announced is not None:  # "… sex ja-röster mot tre nej-röster. Ingen avstod." may be two sentences
                    figures.update(announced.model_dump(exclude_unset=True))
                    if "ja" in figures and "nej" in figures:  # "ingen avstod" alone is no tally
                        ballot.announced = Tally(**figures)
                result = re.search(r"[^,.;]*\b(?:beslu\w*|vunnit|vann|fin(?:n|gr|d)er)\b[^.]*", s.text, re.I)
                if not ballot.result and result:
                    ballot.result = _tidy(result.group(0))
                ballot.evidence.append(s.evidence())
                if ballot.result:
                    break
        ballot.votes = self.roll_call(heard, ballot)
        if ballot.open and ballot.votes:
            ballot.tally = tally_of(ballot.votes)
        elif ballot.announced is not None:
            ballot.tally = ballot.announced
        self.record.ballots.append(ballot)

    def roll_call(self, heard: list[tuple[str, object, Sentence]], ballot: Ballot) -> list[Vote]:
        """Each answer goes to the name called before it. An answer whose name Whisper lost goes to the one
        member the calling order leaves for it (the serving list, the chair last or in place) – flagged."""
        voted: dict[str, Vote] = {}
        pending: tuple[Member, Sentence] | None = None
        orphans: list[tuple[int, str, Sentence]] = []
        for n, (kind, value, s) in enumerate(heard):
            if kind == "name":
                pending = (value, s)
            elif pending is not None:
                member, said = pending
                if member.name not in voted:
                    voted[member.name] = Vote(member=member.name, choice=value,
                                              evidence=[said.evidence()] + ([s.evidence()] if s is not said else []))
                pending = None
            else:
                orphans.append((n, value, s))
        called = {v.name for k, v, _ in heard if k == "name"}
        serving = self.record.serving
        chair = self.card.chair.name if self.card.chair else None
        orders = [[x for x in serving if x != chair] + ([chair] if chair in serving else []), serving]
        for n, choice, s in orphans:
            before = next((v.name for k, v, _ in reversed(heard[:n]) if k == "name"), None)
            after = next((v.name for k, v, _ in heard[n + 1:] if k == "name"), None)
            for order in orders:
                lo = order.index(before) + 1 if before in order else 0
                hi = order.index(after) if after in order else len(order)
                if lo > hi:
                    continue
                gap = [x for x in order[lo:hi] if x not in voted and x not in called]
                if len(gap) == 1:
                    voted[gap[0]] = Vote(member=gap[0], choice=choice, inferred=True, evidence=[s.evidence()])
                    ballot.flags.append(f"{gap[0]}s röst ({choice}) är härledd ur uppropets ordning – namnet hördes "
                                        "inte i inspelningen.")
                break
        return list(voted.values())

    def announced(self, norm: str) -> Tally | None:
        values = {}
        for key, pattern in _TALLY.items():
            m = pattern.search(norm)
            if m and _number(m.group(1)) is not None:
                values[key] = _number(m.group(1))
        m = re.search(r"med (\w+) röster mot (\w+)", norm)
        if m and _number(m.group(1)) is not None and _number(m.group(2)) is not None:
            values.setdefault("ja", _number(m.group(1)))
            values.setdefault("nej", _number(m.group(2)))
        return Tally(**values) if values else None

    def reservation(self, s: Sentence, first_person: bool) -> None:
        m = _RESERVE.search(s.norm)
        if not m:
            return
        pronoun = m.group("pron")
        if pronoun in ("mig", "oss") or (pronoun is None and first_person):
            who = self.speaker(s)  # "(Jag) reserverar mig": whoever has the word
        else:
            named = self.named(s)
            who = named.name if named else UNKNOWN
        if pronoun is None and who == UNKNOWN:
            return  # "reservation" said in passing, no one reserving
        same = next((r for r in self.record.reservations if r.member == who), None)
        if same is None:
            same = Reservation(member=who)
            self.record.reservations.append(same)
        favour = _IN_FAVOUR.search(s.norm)
        same.own_motion |= bool(favour) and not self.index.find_all(favour.group(1))  # not "… för Anna Bergs yrkande"
        same.written |= bool(_WRITTEN.search(s.norm))
        same.evidence.append(s.evidence())

    def note(self, s: Sentence, following: list[Sentence], first_person: bool) -> None:
        if not _NOTE.search(s.norm) or re.search(r"\bnoteras\b|\bantecknas\b", s.norm) and not first_person:
            return
        who = self.speaker(s) if first_person else (self.named(s).name if self.named(s) else UNKNOWN)
        m = re.search(r"(?:protokollsanteckning\w*|protokollet)\W+(?:som lyder\W+|att\s+|med lydelsen\W+)?(.{12,})", s.text,
                      re.I)
        text = _tidy(m.group(1)) if m else ""
        evidence = [s.evidence()]
        if not text:  # the note is the member's next sentences, until the chair speaks
            said = []
            for nxt in following[:3]:
                if _CHAIR.search(nxt.norm) or self.given_word(nxt)[0]:
                    break
                said.append(nxt.text)
                evidence.append(nxt.evidence())
            text = _tidy(" ".join(said))
        if text:
            self.record.notes.append(ProtocolNote(member=who, text=text + ".", evidence=evidence))

    def recusal(self, s: Sentence, following: list[Sentence], first_person: bool) -> None:
        if not _RECUSE.search(s.norm):
            return
        substitute, sub_at = None, None
        for t in [s, *following]:  # "… anmäler jäv och lämnar sammanträdet. Olof Falk tjänstgör i hennes ställe."
            sub = _SUBSTITUTE.search(t.norm)
            substitute = self.index.match(words(sub.group(1) or sub.group(2))) if sub else None
            if substitute is not None:
                sub_at = t
                break
        if first_person and re.search(r"\b(?:jag|vi)\b.*\bjäv", s.norm):
            who = self.speaker(s)
        else:
            named = [m for _, m in self.index.find_all(s.norm) if substitute is None or m.name != substitute.name]
            who = named[0].name if named else UNKNOWN
        existing = next((r for r in self.record.recusals if r.member == who), None)
        if existing is None:
            existing = Recusal(member=who)
            self.record.recusals.append(existing)
        if substitute is not None and substitute.name != who:
            existing.substitute = substitute.name
        existing.evidence.append(s.evidence())
        if sub_at is not None and sub_at is not s:
            existing.evidence.append(sub_at.evidence())

    # -- checks

    def serving(self) -> list[str]:
        return serving_members(self.card, self.record.recusals)

    def check_ballots(self) -> None:
        for b in self.record.ballots:
            b.flags += ballot_flags(b, self.record.serving, self.record.paragraph)
        for m in self.record.motions:
            if m.member == UNKNOWN:
                self.record.flags.append(f"Yrkandet '{m.text}' kunde inte knytas till en ledamot – ange vem.")


def serving_members(card: PoliticalCard, recusals: list[Recusal]) -> list[str]:
    """Who took part in a §: the card's serving members, less the jäviga, plus the ersättare who step in."""
    out = [m.name for m in card.serving()]
    for r in recusals:
        if r.member in out:
            out.remove(r.member)
        if r.substitute and r.substitute not in out:
            out.append(r.substitute)
    return out


def tally_of(votes: list[Vote]) -> Tally:
    return Tally(**{k: sum(1 for v in votes if v.choice == c)
                    for k, c in (("ja", "ja"), ("nej", "nej"), ("avstar", "avstår"))})


def ballot_flags(b: Ballot, serving: list[str], paragraph: int) -> list[str]:
    """What does not add up in a ballot: the chair's figures against the list, the tally against the
    members who served, members without a vote and votes from members who did not serve."""
    flags = []
    t = b.tally
    if b.announced is not None and b.votes and b.announced != b.tally:
        a = b.announced
        flags.append(f"Ordförandens röstsiffror ({a.ja} ja, {a.nej} nej, {a.avstar} avstår) stämmer inte "
                     f"med omröstningslistan ({t.ja} ja, {t.nej} nej, {t.avstar} avstår).")
    if t.total != len(serving):
        flags.append(f"Rösterna ({t.ja} ja + {t.nej} nej + {t.avstar} avstår = {t.total}) går inte ihop med "
                     f"de {len(serving)} ledamöter som tjänstgjorde i § {paragraph}.")
    if b.open:
        missing = [n for n in serving if n not in {v.member for v in b.votes}]
        extra = [v.member for v in b.votes if v.member not in serving]
        if missing:
            flags.append("Ingen röst hittad för: " + ", ".join(missing) + ".")
        if extra:
            flags.append("Röst från någon som inte tjänstgjorde i paragrafen: " + ", ".join(extra) + ".")
    return flags


def decisions(arende: Arende, record: ParagraphRecord, sents: list[Sentence],
              segments: list[TranscriptSegment]) -> tuple[list[Decision], str, list[Evidence]]:
    """The §'s decision: the card's proposal word for word when the body decides "enligt förslaget"
    or "bifaller arbetsutskottets förslag"; "att återremittera ärendet" when the chair finds so; else
    the decisions spoken in the item (pipelines/decisions.py)."""
    for s in reversed(sents):  # the last word on it: a vote may overturn what the chair first found
        if _MOTION.search(s.norm) or re.search(r"\bröstar\b", s.norm):
            continue  # a motion or the voting question names the proposal without deciding it
        remit = _REMIT.search(s.norm)
        refused = remit and re.search(r"\bavsl\w*\s+(?:\w+\s+){0,3}$|\b(?:inte|ej)\s+(?:ska\s+)?$", s.norm[:remit.start()])
        if remit and not refused and re.search(_FINDER + r"|\bbeslu", s.norm) and not _DECIDE_TODAY.search(s.norm):
            motion = next((m for m in record.motions if m.kind == "återremiss"), None)
            clause = "att återremittera ärendet" + (f" {motion.motivation}" if motion and motion.motivation else "")
            return [Decision(text=clause, kind="postponed", evidence=[s.evidence()])], "återremiss", [s.evidence()]
        puts = _PROPOSITION.search(s.norm) or _PUTS.search(s.norm)
        found = re.split(_FINDER, s.norm, maxsplit=1)[-1] if puts else s.norm  # what was put is not what was decided
        if arende.proposal and _PROPOSAL.search(found):
            ev = s.evidence()
            clauses = [Decision(text=c, kind=classify(c), evidence=[ev]) for c in arende.proposal]
            return clauses + added_clauses(record), "proposal", [ev]
    spoken = find_spoken_decisions(segments)
    return spoken, ("spoken" if spoken else "none"), [e for d in spoken for e in d.evidence]


def added_clauses(record: ParagraphRecord) -> list[Decision]:
    """A tilläggsyrkande the chair finds approved ("bifaller tilläggsyrkandet") adds its att-clause."""
    out = []
    for prop in record.propositions:
        if re.search(r"\btill\s?(?:ägg|eg|ex)\w*", prop.finding) and re.search(r"b[iy]fal", prop.finding) \
                and "avslag" not in prop.finding:
            for motion in record.motions:
                clause = re.search(r"\batt\b.*", motion.text) if motion.kind == "tillägg" else None
                if clause:
                    out.append(Decision(text=_tidy(clause.group(0)), kind="decided", evidence=prop.evidence[-1:]))
    return out


def capture_item(card: PoliticalCard, item: ItemDraft, segments: list[TranscriptSegment]) -> ItemDraft:
    """The item with its political record, and its decisions resolved as above."""
    if not 1 <= item.number <= len(card.arenden):
        return item
    sents = sentences(segments, MemberIndex(card.members))
    record = _Capture(card, item.number).run(sents)
    found, source, evidence = decisions(card.arenden[item.number - 1], record, sents, segments)
    record.decision_source, record.decision_evidence = source, evidence
    update: dict = {"political": record}
    if source in ("proposal", "återremiss"):
        update["decisions"] = found
    flags = list(item.flags) + record.flags + [f for b in record.ballots for f in b.flags]
    update["flags"] = list(dict.fromkeys(flags))
    update["needs_review"] = item.needs_review or bool(record.flags) or any(b.flags for b in record.ballots)
    return item.model_copy(update=update)


def capture_protocol(protocol: Protocol, transcript: Transcript, segmentation: Segmentation) -> Protocol:
    card = protocol.meeting.political
    if card is None:
        return protocol
    by_id = {s.id: s for s in transcript.segments}
    spans = {seg.number: [by_id[i] for i in seg.segment_ids if i in by_id] for seg in segmentation.items}
    items = [capture_item(card, item, spans.get(item.number, [])) for item in protocol.items]
    return protocol.model_copy(update={"items": items})
