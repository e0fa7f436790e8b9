"""Is the draft supported by what was said in the item? Clauses are reconciled with the decisions the
chair spoke (those are always kept, with their times); a clause nobody spoke is dropped with the reason;
names nobody has, content the item's talk does not hold, a summary copied from the transcript or from
the prompt's examples are flagged."""

from __future__ import annotations

import re

from ..clauses import classify, standard_clauses, tidy_clause
from ..decisions import find_spoken_decisions, hold_back_misheard, is_decision_talk, support
from ..models import Decision, Evidence, Meeting, TranscriptSegment
from ..text import content_stems, normalize
from .output import DraftOutput

SUPPORT_THRESHOLD = 0.75  # share of a clause's content words (or near-verbatim match) found in the item


def _evidence(segs: list[TranscriptSegment], indices: list[int]) -> list[Evidence]:
    return [Evidence(start=segs[i].start, end=segs[i].end, text=segs[i].text.strip())
            for i in dict.fromkeys(indices) if 0 <= i < len(segs)]


def ground(output: DraftOutput, segs: list[TranscriptSegment], meeting: Meeting,
           title: str = "") -> tuple[list[Decision], list[str]]:
    """Reconcile the model's clauses with the spoken decisions; drop what the transcript does not support."""
    spoken = find_spoken_decisions(segs, vocabulary=meeting.vocabulary(), title=title)
    matched: set[int] = set()
    decisions: list[Decision] = []
    flags: list[str] = []
    for proposed in output.decisions:
        clause = tidy_clause(proposed.text)
        # Is it one of the decisions the chair spoke? Then keep the model's wording with the spoken evidence.
        best, best_j = 0.0, None
        for j, d in enumerate(spoken):
            if j in matched:
                continue
            score, _ = support(clause, [_as_segment(d)])
            if classify(clause) == d.kind and d.kind in ("noted", "thanked", "postponed"):
                score = max(score, 0.9)  # "att notera informationen" has few words to match on
            if score > best:
                best, best_j = score, j
        if best_j is not None and best >= SUPPORT_THRESHOLD:
            matched.add(best_j)
            d = spoken[best_j]
            # The model's wording, unless what was said is one of the protocol's standard clauses (also when
            # read from misheard talk: "att godkänna dagordningen" for "gå till kännande av dagordningen").
            own = proposed.text.strip().lower().startswith("att") and d.text not in standard_clauses()
            text = clause if own else d.text
            kind = d.kind if d.kind != "decided" else classify(text)  # what was said decides the kind
            decisions.append(Decision(text=text, kind=kind, evidence=d.evidence))
            continue
        score, seg = support(clause, segs)
        kind = classify(clause)
        substantive = len(content_stems(clause)) >= 2  # "att kartläggningen" says nothing
        # Said as a decision, not hedged ("vi borde kanske besluta att …") nor a proposal still open.
        decided_there = seg is not None and is_decision_talk(seg.text)
        if score >= SUPPORT_THRESHOLD and substantive and decided_there:
            evidence = _evidence(segs, proposed.evidence) or [Evidence(start=seg.start, end=seg.end, text=seg.text.strip())]
            decisions.append(Decision(text=clause, kind=kind, evidence=evidence,
                                      flags=["Beslutet uttalades inte ordagrant – kontrollera mot inspelningen."]))
        else:
            why = "inget beslut fattades där" if score >= SUPPORT_THRESHOLD else f"överensstämmelse {score:.0%}"
            flags.append(f"Strök beslutsförslaget ”{clause}”: det stöds inte av inspelningen ({why}).")
    decisions.extend(d for j, d in enumerate(spoken) if j not in matched)  # the chair said it; the model missed it
    # A clause misheard into non-words, the model's copy of one included, is a flag with its moment, not a proposal.
    decisions, misheard = hold_back_misheard(decisions, meeting.vocabulary())
    flags.extend(misheard)
    decisions.sort(key=lambda d: d.evidence[0].start if d.evidence else float("inf"))
    flags.extend(check_names(output.summary, segs, meeting))
    if unsupported_share(output.summary, segs, meeting, title) > 0.4:
        flags.append("Sammanfattningen innehåller uppgifter som inte finns i inspelningen av punkten – kontrollera.")
    if copied_share(output.summary, segs) >= 0.6:
        flags.append("Sammanfattningen är till stor del ordagrann transkribering – skriv om i protokollsstil.")
    return decisions, flags


def unsupported_share(summary: str, segs: list[TranscriptSegment], meeting: Meeting, title: str = "") -> float:
    """Share of the summary's content words that neither the item's talk, its title nor the names know."""
    mine = set(content_stems(summary))
    if not mine:
        return 0.0
    names = " ".join(p.label() for p in [*meeting.attendees, *meeting.absent])
    known = set(content_stems(" ".join(s.text for s in segs) + " " + names + " " + title))
    return len(mine - known) / len(mine)


def copied_share(summary: str, segs: list[TranscriptSegment]) -> float:
    """Share of the summary's word trigrams that stand verbatim in the transcript."""
    return _trigram_share(summary, " ".join(s.text for s in segs))


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", normalize(text))
    return {tuple(w[i:i + 3]) for i in range(len(w) - 2)}


def _trigram_share(text: str, source: str) -> float:
    mine = _trigrams(text)
    if len(mine) < 5:
        return 0.0
    return len(mine & _trigrams(source)) / len(mine)


def _as_segment(d: Decision) -> TranscriptSegment:
    e = d.evidence[0]
    return TranscriptSegment(id=0, start=e.start, end=e.end, text=e.text)


_NAME = re.compile(r"\b([A-ZÅÄÖ][a-zåäöé]+(?:[- ][A-ZÅÄÖ][a-zåäöé]+)+)\b")


def check_names(summary: str, segs: list[TranscriptSegment], meeting: Meeting) -> list[str]:
    """Names (two or more capitalised words) that neither the attendee list nor the transcript has."""
    known = {normalize(p.name) for p in [*meeting.attendees, *meeting.absent]}
    if meeting.secretary:
        known.add(normalize(meeting.secretary))
    spoken = normalize(" ".join(s.text for s in segs))
    flags = []
    for m in _NAME.finditer(summary):
        name = normalize(m.group(1))
        if m.start() == 0 or summary[max(0, m.start() - 2):m.start()].strip() in {".", "!", "?"}:
            first, *rest = name.split()
            name = " ".join(rest) if rest and first not in " ".join(known) else name
        parts = name.split()
        if not parts or name in known or any(name in k or k in name for k in known):
            continue
        if all(p in spoken for p in parts):
            continue
        flags.append(f"Namnet ”{m.group(1)}” finns varken i deltagarlistan eller i inspelningen – kontrollera.")
    return flags


def copied_from_examples(summary: str, examples_text: str, item_text: str) -> bool:
    """Phrases from the examples the model was shown that this item's talk does not contain were copied,
    not drafted; style phrases are welcome."""
    borrowed = _trigrams(summary) & (_trigrams(examples_text) - _trigrams(item_text))
    return len(borrowed) >= max(6, 0.5 * len(_trigrams(summary)))
