"""Segment a transcript by agenda item.

The chair's transitions ("vi går vidare till punkt tre", "nästa ärende", "punkt fem gäller …") and what is
said mark boundaries. A dynamic programme assigns every transcript segment to one item, rewarding an
item's start where a transition cue names it, and each segment whose content matches the item: its words
against the title's (IDF-weighted stems compared by sound, as Whisper misspells them), and sentence
embeddings of the talk against the title, so an item is placed by its content when Whisper lost or garbled
the chair's cue. An item's closing words (its decision, "tack för informationen", "utgår") start no item;
the talk after them is a likely start, cue or not. Items are taken in agenda order unless the chair's
numbered transitions take them in another order; an item the chair says "utgår" gets no talk. Without an
agenda the items are inferred from the chair's transitions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz

from .cues import (ITEM_REF, WITHDRAW_VERB, Cue, closes_item, closes_meeting, cues_of, ends_turn, find_cue,
                   withdrawn_items, withdraws_item)
from .embeddings import Similarity, e5_similarity
from .models import AgendaItem, Segment, Segmentation, Transcript, TranscriptSegment
from .text import content_stems, normalize, numbers_said, sound, split_sentences, words

# Weights of the score, tuned on the development split of the corpus (samples/corpus, splits.yaml).
W_NUMBER_AND_TRANSITION = 4.0
W_NUMBER = 2.0
W_TRANSITION = 1.0
W_TITLE_AT_START = 2.5
W_CONTENT = 0.6
W_EMBEDDING = 0.35  # per segment, on similarity above the segment's mean over items, in units of its spread
NEXT_SEGMENT_TITLE = 0.6  # the next segment's title words, as evidence for a start here
SKIP_PENALTY = 0.4
ANCHOR_SEGMENTS = 5  # talk that follows a candidate start, when ordering items by their likeliest start
START_COST = 1.0  # a start needs evidence: an unsupported start costs more than skipping an item
W_CLOSING = 1.5  # an item's closing words (its decision, "tack för informationen") start no item …
W_AFTER_CLOSING = 1.5  # … and the talk after them likely starts the next, cue or not
REPEAT_WINDOW = 15.0  # seconds: an item named again this soon ("Vi tar punkt fyra före tre. … Punkt fyra, …")
# Content evidence is kept where it is clear. Faint resemblance (the questions and remarks any item gets)
# added up over a long item and pulled clear starts 90 s early, so a segment's content counts for an item
# only if it is within CONTENT_MARGIN of the segment's best item, and CONTENT_DEAD_ZONE is taken off every
# value. Talk that clearly resembles one title still places an item whose cue was lost. Dev split: starts
# within 3 s 66 -> 70 of 77, items found 88 -> 89 of 92; flat for margins 0.05-0.15 and dead zones 0.1-0.2.
CONTENT_MARGIN = 0.1
CONTENT_DEAD_ZONE = 0.2
# Title words that any item's talk says ("Jag har en fråga om …", "Tack för informationen"): "Övriga frågor"
# is not said where someone has "frågor från medborgare". They count at this share of their weight.
TALK_WORDS = {"fråg", "information"}
TALK_WORD_WEIGHT = 0.25
CLOSING_TITLE = re.compile(r"avslut", re.I)  # "Mötets avslutande", "Sammanträdets avslutande"
SOUNDS_LIKE = 80  # rapidfuzz ratio of two stems' sound keys above which a heard word is the title's word


@lru_cache(maxsize=262144)
def _sounds_like(heard: str, title: str) -> bool:
    """A title word heard a little wrong ("kontralplan", "sjöksköterskolen", "besöka snäringens")."""
    if heard == title:
        return True
    if min(len(heard), len(title)) < 5 or heard[0] != title[0]:
        return False
    # An ending the stemmer left on the heard word ("sjöksköterskol") is not held against it.
    return max(fuzz.ratio(heard, title), fuzz.ratio(heard[:len(title) + 1], title)) >= SOUNDS_LIKE


class _TitleIndex:
    """IDF-weighted overlap between a stretch of talk and each agenda title, its words compared by sound."""

    def __init__(self, items: list[AgendaItem]):
        # Two-letter title words ("år", "ny") are said in any item.
        self.stems = [{s for s in content_stems(i.title) if len(s) > 2} for i in items]
        df = Counter(s for stems in self.stems for s in stems)
        n = max(len(items), 1)
        self.idf = {s: math.log(1 + n / c) * (TALK_WORD_WEIGHT if s in TALK_WORDS else 1.0) for s, c in df.items()}
        self.keys = [{s: sound(s) for s in stems} for stems in self.stems]

    def score(self, text: str, k: int) -> float:
        title = self.stems[k]
        if not title:
            return 0.0
        stems = content_stems(text)
        # Whisper splits compounds it does not know ("besöka snäringens"): adjacent words joined count too.
        heard = {sound(s) for s in stems} | {sound(a + b) for a, b in pairwise(stems)}
        found = [s for s, key in self.keys[k].items() if any(_sounds_like(h, key) for h in heard)]
        total = sum(self.idf[s] for s in title)
        return sum(self.idf[s] for s in found) / total

    def covers(self, text: str, k: int) -> float:
        """The other way round: the share of the text's words that are the title's, by sound."""
        heard = [sound(s) for s in content_stems(text)]
        keys = self.keys[k].values()
        return sum(any(_sounds_like(h, key) for key in keys) for h in heard) / len(heard) if heard else 0.0


# How often an item's start lands within 3 s of the truth, by the evidence for it: (hits + 1) / (n + 2) on the
# corpus's dev split (76 starts; scripts/segment_report.py), rounded down to 0.05. Numbered transition 38/38,
# after an item's closing words 16/16, title 16/16, transition 3/4, content only 1/2; number none on dev (2/2
# on the split of 61 starts before). Where the title is said too, the higher of the two counts.
# Below 0.5 the item is marked for review: content only stays under that line (1 of 2 is too few to lift it).
CONFIDENCE = {"numbered transition": 0.95, "after closing": 0.9, "title": 0.9, "number": 0.75, "transition": 0.65,
              "content only": 0.45}
# Start evidence that names one item (its number, its title); a transition or the end of the previous item
# could start any item.
NAMING_EVIDENCE = {"numbered transition", "number"}


def _start_score(cue: Cue | None, title_score: float, number: int, *, after_closing: bool = False,
                 closing: bool = False) -> tuple[float, float, bool]:
    """Reward for the item numbered `number` starting at a segment, the confidence it implies, and whether
    the evidence names this item."""
    score, evidence = 0.0, "content only"
    if cue is not None:
        if cue.number == number and cue.transition:
            score, evidence = W_NUMBER_AND_TRANSITION, "numbered transition"
        elif cue.number == number:
            score, evidence = W_NUMBER, "number"
        elif cue.transition and cue.number is None:
            score, evidence = W_TRANSITION, "transition"
        elif cue.number is not None:  # names another item: evidence against this one starting here
            score = -W_NUMBER
    score += W_TITLE_AT_START * title_score - START_COST
    if closing and not (cue and cue.number == number):
        score -= W_CLOSING
    elif after_closing:
        score += W_AFTER_CLOSING
        if evidence == "content only":
            evidence = "after closing"
    confidence = CONFIDENCE[evidence]
    title_said = title_score >= 0.5  # the title said where the item starts
    if title_said:
        confidence = max(confidence, CONFIDENCE["title"])
    return score, confidence, title_said or evidence in NAMING_EVIDENCE


def _embedding_scores(segs: list[TranscriptSegment], items: list[AgendaItem], similarity: Similarity) -> np.ndarray:
    """How much more each stretch of talk resembles one title than the others, in units of the meeting's
    spread: a segment with the one before it, embedded, against every title (looking back, because an item's
    last sentence is often its decision about what came before, and the next item's cue starts it anyway)."""
    passages = []
    for i in range(len(segs)):
        text = " ".join(s.text for s in segs[max(0, i - 1): i + 1])
        passages.append(" ".join(text.split()[:80]))
    sim = np.asarray(similarity([it.title for it in items], passages), dtype=np.float64)
    # Both margins out: a segment that resembles every title says nothing, and neither does a title that
    # resembles all talk ("Övriga frågor" is near any question).
    centered = sim - sim.mean(axis=1, keepdims=True) - sim.mean(axis=0, keepdims=True) + sim.mean()
    spread = float(centered.std()) or 1.0
    return np.clip(centered / spread, -2.0, 3.0)


def _clear(content: np.ndarray) -> np.ndarray:
    """Content evidence without its faint part: positive only near the segment's best item, then shrunk
    towards zero by the dead zone."""
    near_best = content >= content.max(axis=1, keepdims=True) - CONTENT_MARGIN
    content = np.where(near_best, content, np.minimum(content, 0.0))
    return np.sign(content) * np.maximum(np.abs(content) - CONTENT_DEAD_ZONE, 0.0)


def _reordering_namings(segs: list[TranscriptSegment], cues: list[Cue | None], own: list[list[float]],
                        items: list[AgendaItem]) -> list[Cue | None]:
    """"Vi tar punkt tre före punkt två" as Whisper hears it ("Vi tar 1-3-4-2 eftersom …", "Vi tar på fyra
    färgen på tre"): a transition that says two or more numbers, followed within REPEAT_WINDOW by the naming
    (number or title) of an item whose number it said, names that item: it starts there."""
    out = list(cues)
    said = [numbers_said(s.text) if c is not None and c.transition else set() for s, c in zip(segs, cues)]
    for i, seg in enumerate(segs):
        for k, item in enumerate(items):
            if not ((cues[i] is not None and cues[i].number == item.number) or own[i][k] >= 0.5):
                continue
            for j in range(i - 1, -1, -1):
                if seg.start - segs[j].start > REPEAT_WINDOW:
                    break
                cue = out[j]
                if cue is not None and cue.number != item.number and len(said[j]) >= 2 and item.number in said[j]:
                    out[j] = Cue(number=item.number, transition=True, char_offset=cue.char_offset)
                    break
    return out


def _first_namings(segs: list[TranscriptSegment], cues: list[Cue | None]) -> list[Cue | None]:
    """The chair names an item, then names it again with its title ("Vi tar punkt fyra före punkt tre. …
    Vi kommer nu till punkt fyra, remissen."): the item starts at the first naming, the second is no cue."""
    out: list[Cue | None] = []
    for i, cue in enumerate(cues):
        repeated = cue is not None and cue.number is not None and any(
            c is not None and c.number == cue.number
            for c, s in zip(cues[:i], segs[:i]) if segs[i].start - s.start <= REPEAT_WINDOW)
        out.append(None if repeated else cue)
    return out


def _insert_unplaced(placed: list[int], items: list[AgendaItem]) -> list[int]:
    """Items not in `placed` keep their place after their agenda predecessor."""
    order = list(placed)
    for k in range(len(items)):
        if k not in order:
            order.insert(order.index(k - 1) + 1 if k else 0, k)
    return order


def _discussion_orders(items: list[AgendaItem], cues: list[Cue | None], withdrawn: set[int],
                       start: list[list[tuple[float, float, bool]]], content: np.ndarray) -> list[list[int]]:
    """Candidate orders the items were taken in: the agenda's; the order of the chair's numbered
    transitions ("vi tar punkt sex före punkt fem"), items without such a cue keeping their place after
    their agenda predecessor; and the order of each item's likeliest start (cue, title and the content of
    the talk that follows), which finds an item taken out of order whose number Whisper lost."""
    agenda = list(range(len(items)))
    orders = [agenda]
    index = {it.number: k for k, it in enumerate(items)}
    first_seen: dict[int, int] = {}
    for i, cue in enumerate(cues):
        if cue and cue.transition and cue.number in index and cue.number not in withdrawn:
            first_seen.setdefault(index[cue.number], i)
    # Where each item most likely starts: its start evidence plus the content of the talk that follows.
    following = np.array([content[i:i + ANCHOR_SEGMENTS].sum(axis=0) for i in range(len(start))])
    # The first and last items (the opening and closing) keep their places.
    anchors: dict[int, int] = {}
    for k in range(1, len(items) - 1):
        if items[k].number in withdrawn:
            continue
        anchors[k] = max(range(len(start)), key=lambda i: start[i][k][0] + following[i][k])
        # Talk that merely resembles an item does not move it ahead of its agenda predecessor: only an item
        # with start evidence of its own (its number, its title said) is taken out of order.
        if not any(row[k][2] for row in start) and k - 1 in anchors:
            anchors[k] = max(anchors[k], anchors[k - 1])
    anchored = [0, *sorted(anchors, key=lambda k: (anchors[k], k)), len(items) - 1]
    for order in (_insert_unplaced(sorted(first_seen, key=first_seen.__getitem__), items),
                  _insert_unplaced(list(dict.fromkeys(anchored)), items)):
        if order not in orders:
            orders.append(order)
    return orders


def _best_path(content: np.ndarray, start: list[list[tuple[float, float, bool]]], order: list[int]) -> tuple[float, list[int]]:
    """Monotonic assignment of segments to items taken in `order`: (score, item index per segment)."""
    n, K = content.shape[0], len(order)
    neg = float("-inf")
    best = [[neg] * K for _ in range(n)]
    back: list[list[int]] = [[-1] * K for _ in range(n)]
    for j, k in enumerate(order):
        # Talk before the first announcement belongs to the first item ("Välkomna …").
        best[0][j] = content[0][k] + (start[0][k][0] if j else 0.0) - SKIP_PENALTY * j
        back[0][j] = j
    for i in range(1, n):
        # Running max over earlier items makes each row O(K).
        run_best, run_arg = neg, -1
        for j, k in enumerate(order):
            stay = best[i - 1][j]
            move = run_best + start[i][k][0] if run_arg >= 0 else neg
            if stay >= move:
                best[i][j], back[i][j] = stay + content[i][k], j
            else:
                best[i][j], back[i][j] = move + content[i][k], run_arg
            # Jumping from j to a later item skips the ones between; keep the penalty in the running value.
            candidate = best[i - 1][j]
            run_best = run_best - SKIP_PENALTY if run_arg >= 0 else neg
            if candidate > run_best:
                run_best, run_arg = candidate, j
    # Talk after the last announcement belongs to the last discussed item; pick the best end state.
    j = max(range(K), key=lambda jj: best[n - 1][jj])
    score = best[n - 1][j]
    assignment = [0] * n
    for i in range(n - 1, -1, -1):
        assignment[i] = order[j]
        j = back[i][j]
    return score, assignment


ANNOUNCEMENT_WORDS = 8  # a clause after a comma this short that sounds like a title announces the item


def _announces(clause: str, index: _TitleIndex, items: int) -> bool:
    """Whether a clause is the chair naming an item: a transition or item number at its start, or a short
    clause that is mostly an agenda title ("…, Maria Sandell har anmält förhinder, Nya regler för
    färdtjänst, Peter.")."""
    cue = find_cue(clause)
    if (cue is not None and cue.char_offset == 0) or closes_meeting(clause):
        return True
    head = re.split(r"[,.!?]", clause, maxsplit=1)[0]
    return len(head.split()) <= ANNOUNCEMENT_WORDS and any(
        index.score(head, k) >= 0.5 and index.covers(head, k) >= 0.6 for k in range(items))


TITLE_BEFORE_WITHDRAWAL = 12  # words at most: the chair names the item and says it utgår in one breath
WITHDRAWN_TITLE_SHARE = 0.3  # of the content words before the verb, the title's ("funktott" is "punkt åtta")


def _withdrawn_by_title(segs: list[TranscriptSegment], index: _TitleIndex, items: list[AgendaItem]) -> dict[int, int]:
    """Segments where the chair says that an item utgår, naming it by its title only (its number lost):
    segment index -> the item's number. Half the title or more must be said, and be a good part of what
    comes before the verb."""
    found = {}
    for i, seg in enumerate(segs):
        for sentence in split_sentences(seg.text):
            norm = normalize(sentence)
            verb = WITHDRAW_VERB.search(norm)
            if verb is None or find_cue(sentence) is not None:
                continue
            before = norm[: verb.start()]
            if not before.strip() or len(before.split()) > TITLE_BEFORE_WITHDRAWAL:
                continue
            scores = [index.score(before, k) for k in range(len(items))]
            k = max(range(len(items)), key=scores.__getitem__)
            if scores[k] >= 0.5 and index.covers(before, k) >= WITHDRAWN_TITLE_SHARE:
                found[i] = items[k].number
    return found


def _pieces(segs: list[TranscriptSegment], index: _TitleIndex, items: int) -> list[TranscriptSegment]:
    """The segments, each cut before a comma clause that announces an item. Whisper runs the chair's
    opening and the next title together in one comma sentence; a segment is otherwise assigned whole, so
    the opening would start the next item. Pieces keep their segment's id."""
    out = []
    for seg in segs:
        words = seg.words
        # Not where the announcement began before the comma ("Vi kommer till punkt två, Godkännande av …").
        cuts = [i for i in range(1, len(words)) if words[i - 1].text.rstrip().endswith(",")
                and find_cue("".join(w.text for w in words[:i])) is None
                and _announces("".join(w.text for w in words[i:]), index, items)]
        if not cuts:
            out.append(seg)
            continue
        for a, b in pairwise([0, *cuts, len(words)]):
            part = words[a:b]
            out.append(seg.model_copy(update={"start": part[0].start, "end": part[-1].end, "words": part,
                                              "text": "".join(w.text for w in part)}))
    return out


def segment_by_agenda(
    transcript: Transcript, items: list[AgendaItem], similarity: Similarity | None = e5_similarity
) -> Segmentation:
    """Assign every transcript segment to an agenda item. `similarity` embeds talk against titles
    (None: words only)."""
    if not items:
        return infer_items(transcript)
    if not transcript.segments:
        return Segmentation(
            method="agenda-dp",
            items=[Segment(number=i.number, title=i.title, confidence=0.0) for i in items],
        )
    index = _TitleIndex(items)
    segs = _pieces(transcript.segments, index, len(items))
    cues = cues_of(segs)
    withdrawn = withdrawn_items(segs)
    withdrawn_at = _withdrawn_by_title(segs, index, items)
    withdrawn |= set(withdrawn_at.values())
    # A transition often names the item in the next few seconds: a segment's title words count fully, its
    # successor's at a discount, so that the segment which says the title is the one that starts the item.
    own = [[index.score(s.text, k) for k in range(len(items))] for s in segs]
    # The chair ending the meeting names its last item, "Mötets avslutande", however Whisper heard the title.
    if CLOSING_TITLE.search(items[-1].title):
        for i, s in enumerate(segs):
            if closes_meeting(s.text):
                own[i][-1] = 1.0
    title_at = [[max(own[i][k], NEXT_SEGMENT_TITLE * own[i + 1][k] if i + 1 < len(segs) else 0.0)
                 for k in range(len(items))] for i in range(len(segs))]
    n, K = len(segs), len(items)
    content = W_CONTENT * np.array(own)
    if similarity is not None:
        content += W_EMBEDDING * _embedding_scores(segs, items, similarity)
    content = _clear(content)
    transition = [c is not None and c.transition for c in cues]
    closing = [withdraws_item(s.text) or i in withdrawn_at or (closes_item(s.text) and not transition[i])
               for i, s in enumerate(segs)]
    turn_end = [closing[i] or (ends_turn(s.text) and not transition[i]) for i, s in enumerate(segs)]
    cues = _first_namings(segs, _reordering_namings(segs, cues, own, items))
    start = [
        [
            (float("-inf"), 0.0, False) if items[k].number in withdrawn
            else _start_score(cues[i], title_at[i][k], items[k].number,
                              after_closing=i > 0 and closing[i - 1], closing=turn_end[i])
            for k in range(K)
        ]
        for i in range(n)
    ]
    orders = _discussion_orders(items, cues, withdrawn, start, content)
    paths = [_best_path(content, start, order) for order in orders]
    _, assignment = max(paths, key=lambda p: p[0])
    return _to_segmentation(transcript, segs, items, assignment, cues, start, method="agenda-dp")


def _boundary_time(seg: TranscriptSegment, cue: Cue | None) -> float:
    """The start of the cue's first word when the transition sits inside a segment."""
    if cue is None or cue.char_offset == 0 or not seg.words:
        return seg.start
    seen = 0
    for w in seg.words:
        seen += len(normalize(w.text)) + 1
        if seen > cue.char_offset:
            return w.start
    return seg.start


def _owners(segs: list[TranscriptSegment], assignment: list[int]) -> dict[int, int]:
    """The item each transcript segment belongs to: that of its longest piece."""
    longest: dict[int, tuple[float, int]] = {}
    for seg, k in zip(segs, assignment):
        if seg.end - seg.start > longest.get(seg.id, (-1.0, 0))[0]:
            longest[seg.id] = (seg.end - seg.start, k)
    return {sid: k for sid, (_, k) in longest.items()}


def _to_segmentation(transcript, segs, items, assignment, cues, start, method) -> Segmentation:
    owner = _owners(segs, assignment)
    out: list[Segment] = []
    for k, item in enumerate(items):
        ids = [i for i, a in enumerate(assignment) if a == k]
        if not ids:
            out.append(Segment(number=item.number, title=item.title, confidence=0.5))
            continue
        first = ids[0]
        confidence = start[first][k][1] if first > 0 or k > 0 else 0.9
        # A segment cut in pieces belongs to the item of its longest piece; an item that has nothing else
        # keeps its own piece's segment too.
        segment_ids = list(dict.fromkeys(segs[i].id for i in ids if owner[segs[i].id] == k))
        segment_ids = segment_ids or list(dict.fromkeys(segs[i].id for i in ids))
        out.append(
            Segment(
                number=item.number,
                title=item.title,
                start=0.0 if first == 0 else _boundary_time(segs[first], cues[first]),
                end=None,
                confidence=round(confidence, 3),
                segment_ids=segment_ids,
            )
        )
    # Items are contiguous: each ends where the next discussed item starts.
    talked = sorted((s for s in out if s.start is not None), key=lambda s: s.start)
    for cur, nxt in zip(talked, talked[1:]):
        cur.end = nxt.start
    if talked:
        talked[-1].end = max(transcript.duration, segs[-1].end)
    return Segmentation(method=method, items=out)


def infer_items(transcript: Transcript) -> Segmentation:
    """No agenda: every explicit chair transition starts a new item, titled by what follows the cue."""
    segs = transcript.segments
    starts: list[tuple[int, str]] = [(0, "Mötets öppnande")]
    cues = cues_of(segs)
    for i, cue in enumerate(cues):
        if i == 0 or cue is None or not (cue.transition and cue.number is not None):
            continue
        following = segs[i + 1].text if i + 1 < len(segs) else ""
        starts.append((i, _title_after_cue(segs[i].text + " " + following)))
    items = [AgendaItem(number=n, title=t) for n, (_, t) in enumerate(starts, start=1)]
    assignment = []
    for i in range(len(segs)):
        k = max(j for j, (first, _) in enumerate(starts) if first <= i)
        assignment.append(k)
    start = [[(0.0, 0.6, True)] * len(items) for _ in segs]
    result = _to_segmentation(transcript, segs, items, assignment, cues, start, method="inferred-transitions")
    for seg in result.items:
        seg.inferred = True
    return result


def _title_after_cue(text: str) -> str:
    m = ITEM_REF.search(normalize(text))
    rest = text[m.end():] if m else text
    rest = re.sub(r"^[\s,:.–-]*(gäller|handlar om|är|som gäller)?\s*", "", rest, flags=re.I)
    title = " ".join(words(rest)[:8]) or "Punkt"
    return title[:1].upper() + title[1:]
