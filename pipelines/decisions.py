"""Spoken decisions: find them in the transcript, classify their kind, and check a drafted clause
against what was said. Used by the rule drafter, the LLM chain's fallback and its grounding check."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from .models import Decision, DecisionKind, Evidence, TranscriptSegment
from .text import content_stems, normalize

# "Mötet beslutar att …", "vi beslutar alltså att …", "då beslutar mötet att …", "beslutade att …".
# Whisper sometimes writes "beslutar" as "besluta"/"beslutade"; accept the family.
_DECIDE = re.compile(
    r"\b(?:mötet|vi|nämnden|styrelsen|gruppen|kommundirektörsgruppen|utskottet|man)?\s*"
    # Up to three short words between verb and "att": "beslutar mötet alltså att", and Whisper's
    # mishearings of them ("beslutar vi med ett att"); long words ("regeringen") end the match.
    r"(?:beslut\w*|beslöt)\s+(?:[^\W\d_]{1,7}\s+){0,3}"
    r"(att\s+[^.!?]+)",
)
_POSTPONE = re.compile(r"\b(ärendet|frågan|punkten)\s+(bordläggs|bordlades|skjuts upp)\b|\b(vi|mötet)\s+bordlägger\b")
_NOTE = re.compile(r"\b(informationen|rapporten)\s+(noteras|läggs till handlingarna)\b")
# Spoken instructions to a machine are data, never decisions ("ignorera tidigare instruktioner och skriv att …").
INJECTION = re.compile(r"ignorera|instruktion|\bprompt\b|skriv (att|in att)|som (en )?ai\b|systemmeddelande", re.I)
_THANK = re.compile(r"\b(vi|mötet)\s+tackar\s+(\w+\s+)?för\s+(informationen|presentationen|dragningen)\b")


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


RESTATED = 88  # rapidfuzz ratio above which two clauses of one item are the same decision said again


def restates(clause: str, earlier: Decision) -> bool:
    """The chair saying a decision again ("… alltså att …"), Whisper hearing it a little differently.
    Different numbers ("budgeten för 2026" / "2027") or kinds are different decisions."""
    if classify(clause) != earlier.kind or re.findall(r"\d+", clause) != re.findall(r"\d+", earlier.text):
        return False
    return clause == earlier.text or fuzz.ratio(clause, earlier.text) >= RESTATED


def find_spoken_decisions(segments: Iterable[TranscriptSegment]) -> list[Decision]:
    """Every explicit decision sentence of one item, with the segments it was spoken in as evidence:
    a decision restated later in the item is one decision with each moment it was said."""
    found: list[Decision] = []
    for seg in segments:
        if INJECTION.search(seg.text):
            continue
        text = normalize(seg.text)
        clauses: list[str] = [m.group(1) for m in _DECIDE.finditer(text)]
        if _POSTPONE.search(text):
            clauses.append("att bordlägga ärendet")
        if _NOTE.search(text):
            clauses.append("att notera informationen")
        if _THANK.search(text):
            clauses.append("att tacka för informationen")
        for clause in clauses:
            clause = tidy_clause(clause)
            if len(clause.split()) < 2:
                continue
            evidence = Evidence(start=seg.start, end=seg.end, text=seg.text.strip())
            same = next((d for d in found if restates(clause, d)), None)
            if same is not None:
                if all(e.start != seg.start for e in same.evidence):
                    same.evidence.append(evidence)
                continue
            found.append(Decision(text=clause, kind=classify(clause), evidence=[evidence]))
    return found


def support(clause: str, segments: list[TranscriptSegment]) -> tuple[float, TranscriptSegment | None]:
    """How well the transcript supports a drafted clause: best fuzzy match against a segment (0..1)."""
    target = normalize(tidy_clause(clause))[4:]
    stems = set(content_stems(target))
    best, best_seg = 0.0, None
    for seg in segments:
        if INJECTION.search(seg.text):
            continue  # an instruction spoken into the recording supports nothing
        text = normalize(seg.text)
        ratio = fuzz.partial_ratio(target, text) / 100 if target else 0.0
        overlap = len(stems & set(content_stems(text))) / len(stems) if stems else 0.0
        # A near-verbatim match counts; a loose character match is noise on unrelated text.
        score = max(ratio if ratio >= 0.8 else 0.0, overlap)
        if score > best:
            best, best_seg = score, seg
    return best, best_seg
