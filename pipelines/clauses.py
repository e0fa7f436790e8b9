"""Att-clauses in protocol Swedish: the kind of a clause, its protocol form ("att vi ska godkänna" → "att
godkänna"), the card's spelling of names Whisper heard nearly right, the protocol's standard wording, and
whether two clauses are the same decision said again."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from .models import Decision, DecisionKind
from .text import normalize, sound

def classify(clause: str) -> DecisionKind:
    text = normalize(clause)
    if re.search(r"\bnotera\w*\b|\blägga\b.*\btill handlingarna\b", text):
        return "noted"
    if re.search(r"\btacka\w*\b", text):
        return "thanked"
    if re.search(r"\bi uppdrag\b|\buppdra\w*\b|\bska (kartlägga|utreda|ta fram|återkomma)", text):
        return "assigned"
    # Whisper base hears "bordlägga" as "borde lägga".
    if re.search(r"\bbordl[äa]gg\w*|\bborde lägg\w*|\bskjuta upp\b|\båterkomma\b|\blägga ärendet till\b", text):
        return "postponed"
    return "decided"


def tidy_clause(clause: str) -> str:
    """'att  notera informationen.' -> 'att notera informationen' (protocol style: no final period)."""
    clause = re.sub(r"\s+", " ", clause).strip().rstrip(".!?,;: ")
    if not re.match(r"(?i)att\b", clause):
        clause = "att " + clause[:1].lower() + clause[1:]
    return "att" + clause[3:]


STANDARD_CLAUSES_FILE = Path(__file__).resolve().parent.parent / "prompts" / "standard_clauses.yaml"
STANDARD = 90  # rapidfuzz ratio above which a spoken clause is written as the protocol's standard clause
STANDARD_SOUND = 88  # the same, comparing how the two sound (spaces and doubled letters not counted)
STANDARD_MARGIN = 10  # ... when no other standard clause sounds nearly as close


def _load_standard() -> dict:
    return yaml.safe_load(STANDARD_CLAUSES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def standard_clauses() -> tuple[str, ...]:
    return tuple(_load_standard()["clauses"])


@lru_cache(maxsize=1)
def _standard_forms() -> tuple[tuple[str, str], ...]:
    """(as said, as written): each standard clause, and the ways the room says one ("att ärendet
    bordläggs till nästa möte")."""
    spoken = _load_standard().get("spoken") or {}
    return tuple((c, c) for c in standard_clauses()) + tuple(spoken.items())


def sound_key(text: str) -> str:
    """`text.sound`, plus what Whisper does to the decision key words: ä as e, å as o, an initial v as b and
    its vowel i as e ("vislutar", "bäst lutar" / "beslutar")."""
    text = sound(text).replace("ä", "e").replace("å", "o")
    text = re.sub(r"^v", "b", text)
    text = re.sub(r"^bi", "be", text)
    return re.sub(r"(.)\1+", r"\1", text)


def standardise(clause: str) -> str:
    """The protocol's own wording of a clause Whisper heard almost right ("att borde lägga ärendet till
    nästa möte", "att nåt i vår informationen" → "att notera informationen"): only when the two are nearly
    the same string, or sound the same and no other standard clause comes close, with the same numbers,
    so nothing is added that was not said."""
    forms = [(said, written) for said, written in _standard_forms()
             if re.findall(r"\d+", said) == re.findall(r"\d+", clause)]
    if not forms:
        return clause
    by_text = max(forms, key=lambda f: fuzz.ratio(clause, f[0]))
    if fuzz.ratio(clause, by_text[0]) >= STANDARD:
        return by_text[1]
    heard = sound_key(clause)
    best: dict[str, float] = {}
    for said, written in forms:
        best[written] = max(best.get(written, 0.0), fuzz.ratio(heard, sound_key(said)))
    ranked = sorted(best.items(), key=lambda x: -x[1])
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if ranked[0][1] >= STANDARD_SOUND and ranked[0][1] - runner_up >= STANDARD_MARGIN:
        return ranked[0][0]
    return clause


VOCABULARY = 85  # rapidfuzz ratio above which a heard word is the card's word misheard


def is_name(entry: str) -> bool:
    """Whether a card entry is a proper name: up to three words, each capitalised ("Anna Berg", "Båstad")."""
    tokens = entry.split()
    return 0 < len(tokens) <= 3 and all(t[:1].isupper() for t in tokens)


def _vocabulary_terms(vocabulary: Iterable[str]) -> list[tuple[list[str], bool]]:
    """(words, is a proper name): names as whole word sequences ("Anna Berg"), single-word names
    ("Båstad"), and the long words of titles, which keep the clause's case."""
    terms: list[tuple[list[str], bool]] = []
    for entry in vocabulary:
        tokens = entry.split()
        if is_name(entry):
            terms.append((tokens, True))
            if len(tokens) == 1:
                continue
        for k, t in enumerate(tokens):
            if len(t) >= 6 and t.isalpha():
                terms.append(([t], k > 0 and t[:1].isupper()))
    return terms


def correct_to_vocabulary(clause: str, vocabulary: Iterable[str]) -> str:
    """Names and words of the meeting card, spelled as on the card where Whisper heard them nearly right
    ("anna berj" → "Anna Berg", "traineprogrammet" → "traineeprogrammet"). Inflections are left alone: a
    word that only adds or drops an ending ("budgeten" / "budget") is not a mishearing."""
    tokens = clause.split()
    for term, proper in _vocabulary_terms(vocabulary):
        n = len(term)
        wanted = " ".join(term)
        for i in range(len(tokens) - n + 1):
            heard = " ".join(tokens[i:i + n])
            a, b = heard.lower(), wanted.lower()
            if a == b:
                if proper:
                    tokens[i:i + n] = term
                continue
            if a.startswith(b) or b.startswith(a) or a[:1] != b[:1] or fuzz.ratio(a, b) < VOCABULARY:
                continue
            tokens[i:i + n] = term if proper else [t.lower() for t in term]
    return " ".join(tokens)


RESTATED = 88  # rapidfuzz ratio above which two clauses of one item are the same decision said again


def restates(clause: str, earlier: Decision) -> bool:
    """The chair saying a decision again ("… alltså att …"), Whisper hearing it a little differently.
    Different numbers ("budgeten för 2026" / "2027") or kinds are different decisions."""
    if classify(clause) != earlier.kind or re.findall(r"\d+", clause) != re.findall(r"\d+", earlier.text):
        return False
    return clause == earlier.text or fuzz.ratio(clause, earlier.text) >= RESTATED


_IRREGULAR = {"ger": "ge", "tar": "ta", "antar": "anta", "går": "gå", "får": "få", "gör": "göra", "ser": "se",
              "avslår": "avslå", "står": "stå", "beslutar": "besluta"}


_PASSIVE = {"bordläggs": "bordlägga", "antas": "anta", "godkänns": "godkänna", "fastställs": "fastställa",
            "noteras": "notera", "bifalls": "bifalla", "avslås": "avslå", "återremitteras": "återremittera"}


def protocol_clause(clause: str) -> str:
    """A proposal as spoken → the att-clause of a protocol: "att vi ger (ska ge) förvaltningen i uppdrag"
    → "att ge förvaltningen i uppdrag"; "att mötet beslutar att notera …" → "att notera …"."""
    clause = tidy_clause(clause)
    clause = re.sub(r"^att\s+(?:vi|mötet|nämnden|styrelsen|gruppen|utskottet)\s+(?:\w+\s+)?beslut\w*\s+(att\s+)", r"\1", clause)
    # The passive as said: "att ärendet bordläggs" → "att bordlägga ärendet", "att planen antas" → "att anta planen".
    clause = re.sub(rf"^att\s+((?:den |det |de )?(?:\w+ )?\w{{3,}}(?:en|et|na|n|t))\s+({'|'.join(_PASSIVE)})\b",
                    lambda m: f"att {_PASSIVE[m.group(2)]} {m.group(1)}", clause)
    # "att vi ska godkänna …": the modal goes, the infinitive stays.
    clause = re.sub(r"^att\s+(?:vi|mötet|nämnden|styrelsen|gruppen|utskottet|man)\s+(?:(?:alltså|därför|också|då)\s+)?"
                    r"(?:ska|skall|bör|måste|vill|kommer att)\s+", "att ", clause)
    m = re.match(r"^att\s+(?:vi|mötet|nämnden|styrelsen|gruppen|utskottet|man)\s+(?:(?:alltså|därför|också|då)\s+)?(\w+)\b", clause)
    if m:
        verb = m.group(1)
        if verb in _IRREGULAR:
            inf = _IRREGULAR[verb]
        elif verb.endswith("ar"):
            inf = verb[:-1]
        elif verb.endswith("er") and len(verb) > 3:
            inf = verb[:-2] + "a"
        else:
            return clause
        clause = "att " + inf + clause[m.end():]
    return clause
