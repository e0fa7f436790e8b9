"""Scores of a drafted protocol against the archived one. Pure functions on strings and models.

Item alignment: a drafted and an archived item are paired when their titles are similar (token-set
similarity of normalised titles >= 0.6) or when they carry the same number and their titles are not
unrelated (>= 0.3); pairs are taken greedily, best first, one-to-one.

Decision matching rule: within a pair of aligned items, a drafted clause matches an archived clause
when, after normalisation (lowercase, leading "att" and punctuation removed, whitespace collapsed),
chrF >= 0.7 or the F1 of their Swedish content-word stems (stopwords dropped) >= 0.6; pairs are
taken greedily by max(chrF, stem F1), one-to-one. ("att notera informationen" and "att tacka för
informationen" share a long word and reach chrF 0.60 / F1 0.50: they do not match.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from sacrebleu.metrics import CHRF

from pipelines.models import Decision, ItemDraft, Person, Protocol
from pipelines.text import NUMBER_WORDS, STOPWORDS, normalize, stem, words

TITLE_MATCH = 0.6
TITLE_MATCH_SAME_NUMBER = 0.3
CLAUSE_CHRF = 0.7
CLAUSE_F1 = 0.6

_chrf = CHRF()  # chrF2: character 6-grams, beta 2 (sacrebleu defaults)


# --- text primitives --------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Swedish tokens: lowercase words and numbers (å, ä, ö kept), punctuation dropped."""
    return words(text)


def stems(text: str) -> list[str]:
    """Snowball-Swedish stems of every token (ROUGE counts function words too)."""
    return [stem(w) for w in tokens(text)]


def chrf(hypothesis: str, reference: str) -> float:
    """chrF (0..1) of one hypothesis against one reference."""
    if not hypothesis.strip() and not reference.strip():
        return 1.0
    return _chrf.sentence_score(hypothesis, [reference]).score / 100.0


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; None when there are none."""
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _f1(overlap: int, n_hyp: int, n_ref: int) -> float:
    if n_hyp == 0 or n_ref == 0:
        return 1.0 if n_hyp == n_ref else 0.0
    p, r = overlap / n_hyp, overlap / n_ref
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def rouge_n(hypothesis: str, reference: str, n: int) -> float:
    """ROUGE-N F1 over stemmed Swedish tokens."""
    h, r = stems(hypothesis), stems(reference)
    hg = Counter(tuple(h[i:i + n]) for i in range(len(h) - n + 1))
    rg = Counter(tuple(r[i:i + n]) for i in range(len(r) - n + 1))
    return _f1(sum((hg & rg).values()), sum(hg.values()), sum(rg.values()))


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(hypothesis: str, reference: str) -> float:
    """ROUGE-L F1 (longest common subsequence) over stemmed Swedish tokens."""
    h, r = stems(hypothesis), stems(reference)
    return _f1(_lcs(h, r), len(h), len(r))


def summary_scores(hypothesis: str, reference: str) -> dict[str, float]:
    return {"rouge1": rouge_n(hypothesis, reference, 1), "rouge2": rouge_n(hypothesis, reference, 2),
            "rougeL": rouge_l(hypothesis, reference), "chrf": chrf(hypothesis, reference)}


def item_text(item: ItemDraft) -> str:
    """What an item says besides its decisions: the summary and any bullet list."""
    return " ".join([item.summary, *item.bullets]).strip()


# --- items ------------------------------------------------------------------------------------


def title_similarity(a: str, b: str) -> float:
    a, b = _norm_title(a), _norm_title(b)
    if not a and not b:
        return 1.0
    return fuzz.token_set_ratio(a, b) / 100.0


def _norm_title(title: str) -> str:
    return " ".join(stem(w) for w in tokens(title))


def align_items(drafted: Sequence[ItemDraft], archived: Sequence[ItemDraft]) -> list[tuple[int, int, float]]:
    """(draft index, archived index, title similarity), one-to-one, greedy by score."""
    candidates = []
    for i, d in enumerate(drafted):
        for j, a in enumerate(archived):
            sim = title_similarity(d.title, a.title)
            same = d.number == a.number
            if sim >= TITLE_MATCH or (same and sim >= TITLE_MATCH_SAME_NUMBER):
                candidates.append((sim + (0.25 if same else 0.0), i, j, sim))
    return sorted(greedy_pairs(candidates), key=lambda p: p[1])


def greedy_pairs(candidates: list[tuple[float, int, int, float]]) -> list[tuple[int, int, float]]:
    """(i, j, value) one-to-one from (rank, i, j, value) candidates, best rank first (ties: lowest i, j)."""
    pairs, used_i, used_j = [], set(), set()
    for _, i, j, value in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j, value))
    return pairs


# --- decisions --------------------------------------------------------------------------------


def normalize_clause(text: str) -> str:
    text = normalize(text)
    text = re.sub(r"^att\b", "", text)
    text = re.sub(r"[^\w\s-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _content(text: str) -> list[str]:
    return [stem(w) for w in tokens(text) if w not in STOPWORDS]


def clause_scores(a: str, b: str) -> tuple[float, float]:
    """(chrF, content-stem F1) of two normalised clauses, each 0..1."""
    na, nb = normalize_clause(a), normalize_clause(b)
    ca, cb = Counter(_content(na)), Counter(_content(nb))
    return chrf(na, nb), _f1(sum((ca & cb).values()), sum(ca.values()), sum(cb.values()))


def clauses_match(a: str, b: str) -> bool:
    c, f = clause_scores(a, b)
    return c >= CLAUSE_CHRF or f >= CLAUSE_F1


def match_decisions(drafted: Sequence[Decision], archived: Sequence[Decision]) -> list[tuple[int, int, float]]:
    """(draft index, archived index, similarity), one-to-one, greedy by similarity."""
    candidates = []
    for i, d in enumerate(drafted):
        for j, a in enumerate(archived):
            c, f = clause_scores(d.text, a.text)
            if c >= CLAUSE_CHRF or f >= CLAUSE_F1:
                candidates.append((max(c, f), i, j, max(c, f)))
    return greedy_pairs(candidates)


def precision_recall_f1(matched: int, drafted: int, archived: int) -> tuple[float | None, float | None, float | None]:
    """None where a ratio is undefined: precision with nothing drafted, recall with nothing archived."""
    p = matched / drafted if drafted else None
    r = matched / archived if archived else None
    if p is None and r is None:
        return None, None, None
    if p is None or r is None:
        return p, r, 0.0  # one side empty, the other not: nothing can match
    return p, r, (0.0 if p + r == 0 else 2 * p * r / (p + r))


# --- key facts -------------------------------------------------------------------------------

_UNITS = {w: n for w, n in NUMBER_WORDS.items() if n < 20 and w not in ("en", "första", "andra")}
_TENS = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70, "åttio": 80,
         "nittio": 90}


def numeral(word: str) -> int | None:
    """A Swedish number as Whisper or a secretary may write it: "45", "fyrtiofem", "sexhundratusen"."""
    if word.isdigit():
        return int(word)
    for size, name in ((1000, "tusen"), (100, "hundra")):
        head, found, tail = word.partition(name)
        if found:
            times = numeral(head) if head else 1
            rest = numeral(tail) if tail else 0
            return None if times is None or rest is None else times * size + rest
    if word in _UNITS:
        return _UNITS[word]
    for name, value in _TENS.items():
        if word.startswith(name):
            tail = word[len(name):]
            unit = _UNITS.get(tail, 0 if not tail else None)
            return None if unit is None or unit >= 10 else value + unit
    return None


def _fact_tokens(text: str) -> list[str]:
    # Numbers by value; "000" groups ("600 000") join the number before them.
    text = re.sub(r"(\d)\s+(?=\d{3}\b)", r"\1", text)
    return [str(n) if (n := numeral(w)) is not None else stem(w) for w in tokens(text)]


def _same(a: str, b: str) -> bool:
    # Stems of 5+ letters also match as prefixes: Snowball leaves "skolskjut" / "skolskjuts".
    return a == b or (not a.isdigit() and min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


def fact_found(fact: str, text: str) -> bool:
    """The fact's words occur in the text in a row, compared as stems, and numbers by value."""
    wanted, have = _fact_tokens(fact), _fact_tokens(text)
    return bool(wanted) and any(all(_same(w, h) for w, h in zip(wanted, have[i:i + len(wanted)]))
                                for i in range(len(have) - len(wanted) + 1))


def key_fact_coverage(text: str, facts: Sequence[str]) -> float | None:
    """Share of an item's key facts (numbers, names, key nouns of the archived summary) that the
    drafted text states; None when the item has none."""
    if not facts:
        return None
    return sum(fact_found(f, text) for f in facts) / len(facts)


# --- attendance -------------------------------------------------------------------------------


def _name(person: Person | str) -> str:
    return normalize(person.name if isinstance(person, Person) else person)


def attendance(drafted: Sequence[Person | str], archived: Sequence[Person | str],
               threshold: float = 0.9) -> tuple[float | None, float | None]:
    """Precision and recall of attendee names (case-insensitive; fuzzy >= 0.9 tolerates one typo)."""
    d = list(dict.fromkeys(_name(p) for p in drafted))
    a = list(dict.fromkeys(_name(p) for p in archived))
    used: set[int] = set()
    matched = 0
    for name in d:
        best, best_j = 0.0, None
        for j, other in enumerate(a):
            if j not in used and (s := fuzz.ratio(name, other) / 100.0) > best:
                best, best_j = s, j
        if best_j is not None and best >= threshold:
            used.add(best_j)
            matched += 1
    p = matched / len(d) if d else (1.0 if not a else None)
    r = matched / len(a) if a else (1.0 if not d else None)
    return p, r


# --- segmentation -----------------------------------------------------------------------------


def _labels(segments: Sequence[tuple[float, float]], start: float, end: float, unit: float) -> list[int]:
    """Segment index per time unit; a gap between segments belongs to the segment before it."""
    starts = sorted(s for s, _ in segments)
    n = max(1, int(round((end - start) / unit)))
    labels, b = [], 0
    for i in range(n):
        t = start + (i + 0.5) * unit
        while b + 1 < len(starts) and starts[b + 1] <= t:
            b += 1
        labels.append(b)
    return labels


def _grid(reference, hypothesis, unit):
    reference = [(s, e) for s, e in reference if s is not None and e is not None]
    hypothesis = [(s, e) for s, e in hypothesis if s is not None and e is not None]
    if not reference or not hypothesis:
        return None
    start = min(s for s, _ in reference)
    end = max(e for _, e in [*reference, *hypothesis])
    ref = _labels(reference, start, end, unit)
    # Hypothesis segments starting before the reference's start all begin at the first unit.
    hyp = _labels([(max(s, start), e) for s, e in hypothesis], start, end, unit)
    return ref, hyp, reference


def _k(reference, unit, n) -> int:
    mean = sum(e - s for s, e in reference) / len(reference) / unit
    return max(1, min(n - 1, int(round(mean / 2))))


def _window_errors(reference, hypothesis, k, unit, disagree) -> float | None:
    """Share of k-wide windows over a time grid where the two segmentations disagree (Pk, WindowDiff)."""
    grid = _grid(reference, hypothesis, unit)
    if grid is None:
        return None
    ref, hyp, reference = grid
    if len(ref) < 2:
        return 0.0
    k = k or _k(reference, unit, len(ref))
    return sum(disagree(ref, hyp, i, k) for i in range(len(ref) - k)) / (len(ref) - k)


def pk(reference: Sequence[tuple[float, float]], hypothesis: Sequence[tuple[float, float]],
       k: int | None = None, unit: float = 1.0) -> float | None:
    """Beeferman's Pk over a time grid (lower is better; 0 = same boundaries).
    k defaults to half the mean reference segment length in units."""
    return _window_errors(reference, hypothesis, k, unit,
                          lambda r, h, i, k: (r[i] == r[i + k]) != (h[i] == h[i + k]))


def windowdiff(reference: Sequence[tuple[float, float]], hypothesis: Sequence[tuple[float, float]],
               k: int | None = None, unit: float = 1.0) -> float | None:
    """Pevzner & Hearst's WindowDiff over a time grid (lower is better)."""
    return _window_errors(reference, hypothesis, k, unit,
                          lambda r, h, i, k: (r[i + k] - r[i]) != (h[i + k] - h[i]))


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def item_found(truth: tuple[float, float], drafted: tuple[float | None, float | None]) -> bool:
    """A discussed item is found when its drafted span covers at least half of its true span."""
    if drafted[0] is None or drafted[1] is None:
        return False
    return overlap(truth, (drafted[0], drafted[1])) >= 0.5 * (truth[1] - truth[0])


def boundary_hits(truth_starts: Sequence[float], drafted_starts: Sequence[float | None],
                  tolerance: float = 3.0) -> int:
    """How many drafted item starts lie within `tolerance` seconds of the true ones (pairwise)."""
    return sum(d is not None and abs(d - t) <= tolerance for t, d in zip(truth_starts, drafted_starts))


# --- post-editing -----------------------------------------------------------------------------


def post_edit_rate(draft_text: str, final_text: str) -> float:
    """Word-level Levenshtein distance from the AI draft to the secretary's final text, divided by
    the final text's length in words (0 = accepted as drafted)."""
    d, f = draft_text.split(), final_text.split()
    if not f:
        return 0.0 if not d else 1.0
    return Levenshtein.distance(d, f) / len(f)


def protocol_text(protocol: Protocol) -> str:
    """The words a secretary edits: each item's title, summary, bullets and clauses, in order."""
    parts = []
    for item in protocol.items:
        parts += [f"{item.number}. {item.title}", item.summary, *item.bullets, *(d.text for d in item.decisions)]
    return "\n".join(p for p in parts if p)
