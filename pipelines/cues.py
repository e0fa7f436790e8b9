"""The chair's cues: a transition to an item ("vi går vidare till punkt tre", "nästa ärende", "ärende fyra på
dagordningen"), its number as Whisper writes it ("punkt femjäl", "punktsju", "vidare till 07"), and an item
taken off the agenda ("punkt sex utgår")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import TranscriptSegment
from .text import heard_number, normalize, words

# Phrases a chair uses to move on. Tolerant of Whisper's spelling ("vi går vidare till", "vi går över till").
_TRANSITION = re.compile(
    r"\b((?:vi |då )?går (vi )?(vidare|över) (till|med)|gå vidare|nästa (ärende|punkt|fråga)|"
    r"då (kommer|tar) vi|vi (kommer|fortsätter) (nu )?(till|med)|vi tar (nu )?(upp )?|över till|övergår till|"
    r"sista punkten|(punkt|ärende)\s+\w+\s*(,|gäller|handlar|är|:|på dagordningen))"
)
# Whisper punctuates freely: "punkt, två", "punkten nummer åtta", "punkt nr. 7", and glues words:
# "tillpunkt nummer 7".
ITEM_REF = re.compile(
    r"(?:\b|(?<=till))(?:punkt\w{0,3}|ärende\w{0,2}|paragraf|dagordningspunkt)[\s,.:]+(?:(?:nummer|nr)[\s.]+)?(\w+)"
)
# "vi går vidare till 07", "då går vi vidare till budget 5": a transition and an item number in digits
# just after it, the word "punkt" lost.
_NUMBER_AFTER = re.compile(r"^\s*(?:[^\W\d_]+\s+)?(\d{1,3})\b")
_GLUED = re.compile(r"\bpunkt(?:en)?([^\W\d_]{2,9})\b")
_DANGLING = re.compile(r"\b(?:punkt|punkten|nummer|nr)[\s,.:]*$")
# "Punkt sex utgår", "ärende fyra, markfrågan, har strukits från dagordningen".
_WITHDRAWN = re.compile(
    r"(?:punkt|punkten|ärende|ärendet)[\s,.:]+(?:(?:nummer|nr)[\s.]+)?(\w+)(?:[\s,]+[^\s.!?]+){0,8}?[\s,]+"
    r"(?:har\s+)?(?:utgår|ut går|utgått|stryks|strukits|struken|tas bort|dras tillbaka|lyfts (?:ut|bort))\b"
)


@dataclass
class Cue:
    number: int | None
    transition: bool
    char_offset: int  # where in the segment text the cue begins


def find_cue(text: str, following: str = "") -> Cue | None:
    """The chair's transition in a segment, if any. `following` is the next segment's text: Whisper
    sometimes ends a segment on "punkt nr." and puts the number in the next one."""
    norm = normalize(text)
    number = None
    offset = None
    for m in ITEM_REF.finditer(norm):
        n = heard_number(m.group(1))
        if n is not None:
            number, offset = n, m.start()
            break
    if number is None:  # "punktio", "punktsju": the number glued to "punkt", its first letter shared
        for m in _GLUED.finditer(norm):
            n = heard_number(m.group(1)) or heard_number("t" + m.group(1))
            if n is not None:
                number, offset = n, m.start()
                break
    if number is None and following and _DANGLING.search(norm):
        first = words(following)[:1]
        number = heard_number(first[0]) if first else None
        if number is not None:
            offset = _DANGLING.search(norm).start()
    t = _TRANSITION.search(norm)
    if number is None and t is not None:
        after = _NUMBER_AFTER.match(norm[t.end():])
        if after:
            number, offset = int(after.group(1)), t.start()
    if number is None and t is None:
        return None
    if t is not None and (offset is None or t.start() < offset):
        offset = t.start()
    return Cue(number=number, transition=t is not None, char_offset=offset or 0)


def withdrawn_items(segs: list[TranscriptSegment]) -> set[int]:
    """Numbers of the items the chair takes off the agenda ("punkt sex utgår")."""
    found = set()
    for s in segs:
        for m in _WITHDRAWN.finditer(normalize(s.text)):
            n = heard_number(m.group(1))
            if n is not None:
                found.add(n)
    return found


def cues_of(segs: list[TranscriptSegment]) -> list[Cue | None]:
    """The cue of every segment, each read with the next segment's text."""
    return [find_cue(s.text, segs[i + 1].text if i + 1 < len(segs) else "") for i, s in enumerate(segs)]
