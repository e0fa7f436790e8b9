"""The chair's cues: a transition to an item ("vi går vidare till punkt tre", "nästa ärende", "ärende fyra på
dagordningen"), its number as Whisper writes it ("punkt femjäl", "punktsju", "vidare till 07"), and an item
taken off the agenda ("punkt sex utgår"), and the sentences that close an item ("Mötet beslutar att notera
informationen.", "Kan mötet besluta så? Ja.", "Tack för informationen.")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import TranscriptSegment
from .text import heard_number, normalize, to_number, words

# Phrases a chair uses to move on. Tolerant of Whisper's spelling ("vi går vidare till", "vi går över till",
# "nästa är en gärd" for "nästa ärende gäller").
_TRANSITION = re.compile(
    r"\b((?:vi |då )?går (vi )?(vidare|över) (till|med)|gå vidare|nästa (ärende|punkt|fråga|är\b)|"
    r"(?:då|så|nu|sedan|sen) (kommer|tar) vi|då går (?:vi|det) (?:\w+ )?till\b|tillbaka till|"
    r"(?:då|nu|därmed) är (?:det|vi) (?:dags för |på |framme vid )?(?=punkt|ärende|paragraf)|ta upp (?=punkt|ärende)|"
    r"vi (kommer|fortsätter) (nu )?(fram )?(till|med)|vi tar (nu )?(upp )?|över till|övergår till|härnäst\b|"
    r"(?:behandlar|hoppar|börjar) (?:vi )?(?:nu )?(?:till|med|över)?\s*(?=punkt|ärende|paragraf)|"
    r"(?:kommit|kommer) fram till|framme vid|"
    r"sista punkten|(punkt|ärende)\s+(?:(?:nummer|nr)\.?\s+)?\w+\s*(,|(?:som\s+)?(?:gäller|handlar|är)|:|på dagordningen))"
)
# "Punkt fem. Budget …", "Ärende sju: …": an item's number that opens a sentence is the chair announcing it.
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?]\s+)$")
# "Femte punkten gäller …", "den sjätte punkten": an ordinal before "punkten" ("första" and "andra" are too
# common to read as numbers: "den andra punkten" is as often "the other item").
_ORDINAL_REF = re.compile(
    r"\b(tredje|fjärde|femte|sjätte|sjunde|åttonde|nionde|tionde|elfte|tolfte|trettonde|fjortonde|femtonde)"
    r"\s+(?:punkten|ärendet|paragrafen)\b"
)
# Whisper punctuates freely: "punkt, två", "punkten nummer åtta", "punkt nr. 7", glues words:
# "tillpunkt nummer 7", and mishears "punkt" as "pumpet".
ITEM_REF = re.compile(
    r"(?:\b|(?<=till))(?:punkt\w{0,3}|pum[pk]\w{0,3}|ärende\w{0,2}|paragraf|dagordningspunkt)[\s,.:]+"
    r"(?:(?:nummer|nr)[\s.]+)?(\w+)"
)
# "vi går vidare till 07", "då går vi vidare till budget 5": a transition and an item number in digits
# just after it, the word "punkt" lost; "punkt tre" heard as "0.3".
_NUMBER_AFTER = re.compile(r"^\s*(?:[^\W\d_]+\s+)?(?:0[.,])?(\d{1,3})\b")
# "Vi går tillbaka till punkt två" heard as "då går det till att vara bärt till och på två": the number
# word that ends the transition's sentence.
_NUMBER_LAST = re.compile(r"\b(?:på|till|nummer|nr|punkt\w*|ärende\w*)\s+([^\W\d_]+)\s*[.!?]?$")
# "Ärende fyra på dagordningen" with "ärende" garbled ("jag är under fyra på dagordningen").
_ON_AGENDA = re.compile(r"(\w+)\s+(\w+)\s+på dagordningen")
# Not "punkten" itself ("den punkten och …"): its "en" is no number.
_GLUED = re.compile(r"\bpunkt(?!en\b|ens\b|er\b|erna\b)(?:en)?([^\W\d_]{2,9})\b")
_DANGLING = re.compile(r"\b(?:punkt|punkten|nummer|nr)[\s,.:]*$")
# "Punkt sex utgår" (heard "utvåret"), "ärende fyra, markfrågan, har strukits från dagordningen", "sjätte
# punkten tas inte upp i dag", "vi stryker punkt sex", "förvaltningen har dragit tillbaka ärende sex".
_WITHDRAWN = re.compile(
    r"(?:(?:punkt|punkten|ärende|ärendet)[\s,.:]+(?:(?:nummer|nr)[\s.]+)?(\w+)|" + _ORDINAL_REF.pattern + r")"
    r"(?:[\s,]+[^\s.!?]+){0,8}?[\s,]+"
    r"(?:har\s+)?(?:ut[gvk]år\w*|ut går|utgått|stryks|strukits|struken|tas bort|dras tillbaka|dragits tillbaka|"
    r"lyfts (?:ut|bort|från)|tas inte upp|behandlas inte)\b|"
    r"\b(?:stryker|lyfter (?:ut|bort)|drar tillbaka|dragit tillbaka)\s+(?:vi\s+)?(?:punkt|punkten|ärende|ärendet)\s+"
    r"(?:(?:nummer|nr)[\s.]+)?(\w+)"
)
# The words that take an item off the agenda, after its title with the number lost ("Funktott har hundrastgåret
# vid sjöverken utgående laget …" for "Punkt åtta, hundrastgården vid Sjöparken, utgår …"). Fewer than after
# "punkt sex": without the number, "tas bort" and "lyfts ut" are as often said of the thing itself, and
# "vi utgår från planen" is no withdrawal.
WITHDRAW_VERB = re.compile(
    r"\b(?:ut[gvk]å(?!ng)\w*|ut går|stryks|strukits|struken|dras tillbaka|dragits tillbaka|tas inte upp|behandlas inte)\b"
    r"(?!\s+i?från\s+(?!dagordning))"
)

# An item's last words: its decision (Whisper hears "besluta" as "väsluta", "med slutar"), the meeting's yes,
# the chair's thanks for the presentation. The next item starts after them, not on them.
_CLOSING = re.compile(
    r"\b(?:\w*slut(?:a|ar|at|as|ade|ad)|gör vi så|vi gör så|not\w+ (?:vi )?informationen|läggs till h\w*ndlingarna|"
    r"bordlägg\w*|tack (?:så mycket )?för (?:inform\w*|dragningen|redovisningen|genomgången)|"
    r"tackar \w+ för|klubba\w*|till h\w*ndlingarna|enligt förslag\w*|bifaller (?:\w+ ){0,2}förslag\w*|"
    r"(?:är|var) vi (?:alla )?överens|vi är (?:alla )?överens|noterar (?:vi|mötet|nämnden) (?:det|detta|den)|"
    r"är (?:det|den|dagordningen|förslaget) (?:därmed )?godkän[dt]\w*|godkänner vi|återremitt\w*|skickas tillbaka|"
    r"ställer (?:sig|vi oss) bakom|(?:antar|bifaller) (?:vi|mötet|nämnden) (?:\w+ )?förslag\w*|alla med på)\b|"
    r"^(?:ja|javisst|absolut|instämmer)\b[^.!?]{0,12}[.!]?$"
)
# Thanks for an answer ends a turn, not the item: no item starts on it, nor necessarily after it.
_THANKS = re.compile(r"\btack (?:så mycket )?för (?:det|dig)\b")
# "Vi borde kanske besluta att …", "innan vi beslutar": talk about a decision, not one.
_HEDGED = re.compile(r"\b(?:borde|kanske|skulle|innan|om vi)\b")


# The chair ending the meeting ("Jag tackar alla för i dag och förklarar sammanträdet avslutat") says the
# last item, not the end of one: without a transition before it, that is where "Mötets avslutande" starts.
_MEETING_CLOSED = re.compile(
    r"\btack\w* (?:\w+ ){0,3}för i ?dag\b|\b(?:mötet|sammanträdet|sammankomsten)\b[^.!?]{0,25}\bavslut\w*")


def closes_meeting(text: str) -> bool:
    """Whether the chair ends the meeting in the text's first words ("Då tackar jag alla för i dag …", heard
    "då tackade jag en latt för idag och förklar allsana …")."""
    norm = normalize(text)
    m = _MEETING_CLOSED.search(norm)
    return m is not None and len(norm[: m.start()].split()) <= 3


def closes_item(text: str) -> bool:
    """Whether a segment sounds like the end of an item: a decision, a yes, thanks for a presentation."""
    norm = _MEETING_CLOSED.sub(" ", normalize(text))
    return _CLOSING.search(norm) is not None and _HEDGED.search(norm) is None


def ends_turn(text: str) -> bool:
    """Whether a segment closes an item or a turn in it ("Tack för det."): no item starts on it."""
    return closes_item(text) or _THANKS.search(normalize(text)) is not None


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
    opens = False
    for m in ITEM_REF.finditer(norm):
        n = heard_number(m.group(1))
        if n is not None:
            number, offset = n, m.start()
            opens = _OPENS_SENTENCE.search(norm[: m.start()]) is not None
            break
    if number is None:
        m = _ORDINAL_REF.search(norm)
        if m:
            number, offset = to_number(m.group(1)), m.start()
            opens = _OPENS_SENTENCE.search(re.sub(r"\bden\s+$", "", norm[: m.start()])) is not None
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
    if number is not None and t is not None and offset < t.start():
        # "Då lämnar vi punkt fyra och går över till punkt fem": the item moved to is the one after the transition.
        later = next((m for m in ITEM_REF.finditer(norm, t.start()) if heard_number(m.group(1)) is not None), None)
        if later is not None:
            number, offset, opens = heard_number(later.group(1)), later.start(), False
    if number is None and t is not None:
        after = _NUMBER_AFTER.match(norm[t.end():])
        if after:
            number, offset = int(after.group(1)), t.start()
    if number is None and t is not None:
        sentence = re.split(r"[.!?]", norm[t.end():], maxsplit=1)[0]
        last = _NUMBER_LAST.search(sentence)
        if last and to_number(last.group(1)) is not None:
            number, offset = to_number(last.group(1)), t.start()
    if number is None:
        m = _ON_AGENDA.search(norm)
        if m and to_number(m.group(2)) is not None:
            number, offset = to_number(m.group(2)), m.start(1)
            t = t or m
    if number is None and t is None:
        return None
    if t is not None and (offset is None or t.start() < offset):
        offset = t.start()
    return Cue(number=number, transition=t is not None or opens, char_offset=offset or 0)


def withdraws_item(text: str) -> bool:
    """Whether the chair takes an item off the agenda here: it closes at once, like a decided one."""
    return _WITHDRAWN.search(normalize(text)) is not None


def withdrawn_items(segs: list[TranscriptSegment]) -> set[int]:
    """Numbers of the items the chair takes off the agenda ("punkt sex utgår")."""
    found = set()
    for s in segs:
        for m in _WITHDRAWN.finditer(normalize(s.text)):
            n = heard_number(next(g for g in m.groups() if g))
            if n is not None:
                found.add(n)
    return found


def cues_of(segs: list[TranscriptSegment]) -> list[Cue | None]:
    """The cue of every segment, each read with the next segment's text."""
    return [find_cue(s.text, segs[i + 1].text if i + 1 < len(segs) else "") for i, s in enumerate(segs)]
