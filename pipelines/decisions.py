"""Spoken decisions: find them in the transcript (stated, or a proposal the chair closes on), and check a
drafted clause against what was said. Used by the rule drafter, the LLM chain's fallback and its grounding
check; the clauses' wording is pipelines/clauses.py."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

from .clauses import (VOCABULARY, classify, correct_to_vocabulary, is_name, protocol_clause, restates, sound_key,
                      standard_clauses, standardise, tidy_clause)
from .cues import closes_item, find_cue
from .dates import clock
from .lexicon import capitalised, known_share
from .models import Decision, Evidence, TranscriptSegment
from .text import content_stems, normalize, split_sentences

# "Mötet beslutar att …", "vi beslutar alltså att …", "då beslutar mötet att …", "beslutade att …", "nämnden
# beslutar enligt arbetsutskottets förslag att …".
# Whisper sometimes writes "beslutar" as "besluta"/"beslutade"; accept the family.
_DECIDE = re.compile(
    r"\b(?:mötet|vi|nämnden|styrelsen|gruppen|kommundirektörsgruppen|utskottet|man)?\s*"
    # Up to three short words between verb and "att": "beslutar mötet alltså att", and Whisper's
    # mishearings of them ("beslutar vi med ett att"); long words ("regeringen") end the match.
    r"(?:beslut\w*|beslöt)\s+(?:(?:enligt|i enlighet med)\s+(?:\w+\s+)?förslag\w*\s+)?(?:[^\W\d_]{1,7}\s+){0,3}"
    r"(att\s+[^.!?]+)",
)
_POSTPONE = re.compile(r"\b(ärendet|frågan|punkten|beslutet)\s+(bordläggs|bordlades|skjuts upp)\b|\b(vi|mötet)\s+bordlägger\b|"
                       r"\b(?:vi|mötet|nämnden)\s+skjuter\s+upp\s+(?:ärendet|frågan|punkten|beslutet)\b|"
                       r"\bvi\s+väntar\s+med\s+beslutet\s+till\b")
# Sent back for more preparation: "Ärendet återremitteras.", "… skickas tillbaka till förvaltningen".
_REMIT = re.compile(r"\b(?:ärendet|frågan)\s+(?:återremitteras|återremitterades|skickas tillbaka|skickades tillbaka)\b|"
                    r"\b(?:vi|mötet|nämnden|styrelsen)\s+(?:återremitterar|skickar tillbaka)\s+(?:ärendet|frågan)\b")
# "Informationen noteras / antecknas / läggs till handlingarna", "Nämnden tar del av informationen", "Då
# noterar vi det" (the body as subject: "jag noterar det" is a remark), "Tack för informationen, den noteras."
_NOTE = re.compile(
    r"\b(informationen|rapporten|redovisningen)\s+(noteras|antecknas|l[äe](?:gg|ck|g|k)s till handlingarna)\b|"
    r"\b(?:noterar|antecknar)\s+(?:vi\s+|mötet\s+|nämnden\s+)?(?:alltså\s+)?(informationen|rapporten|redovisningen)\b|"
    r"\b(?:noterar|antecknar)\s+(?:vi|mötet|nämnden)\s+(?:alltså\s+)?(?:det|den|detta)\b|"
    r"\b(?:nämnden|mötet|styrelsen|utskottet|arbetsutskottet)\s+(?:tar|har tagit|tog)\s+del\s+av\s+"
    r"(?:informationen|rapporten|redovisningen)\b|\btar\s+vi\s+(?:informationen|det)\s+till\s+protokollet\b|"
    r"\bför\s+informationen,?\s+(?:den|det)\s+(?:noteras|antecknas)\b|"
    r"\b(?:(?:vi|mötet|nämnden|och)\s+lägger|lägger\s+(?:vi|mötet|nämnden))\s+(?:alltså\s+|därmed\s+)?"
    r"(informationen|rapporten|redovisningen)\s+till handlingarna\b"
)
# The body deciding in the present tense, without "beslutar att": "Mötet godkänner dagordningen.", "Nämnden
# antar planen." Only the body as subject: "vi antar att …" is a guess, not a decision.
_BODY_VERBS = {"godkänner": "godkänna", "antar": "anta", "fastställer": "fastställa", "bifaller": "bifalla",
               "avslår": "avslå", "bordlägger": "bordlägga", "återremitterar": "återremittera"}
# A thing decided in the passive: "Redovisningen godkänns." (not the proposal itself: that closes a proposal).
_PASSIVE_VERBS = {"godkänns": "godkänna", "antas": "anta", "fastställs": "fastställa"}
_PASSIVE_DECIDES = re.compile(
    r"^(?:(?:och|då|så)\s+)?(redovisningen|rapporten|protokollet|dagordningen|planen|budgeten|avtalet|taxan|"
    r"riktlinjerna|programmet|policyn|reglementet|delårsrapporten|årsredovisningen|verksamhetsplanen)\s+"
    r"(?:därmed\s+|alltså\s+)?(" + "|".join(_PASSIVE_VERBS) + r")\b"
    # … and nothing after it but how: "Planen antas av fullmäktige i juni" is news, not this meeting's decision.
    r"(?:\s+(?:därmed|alltså|i sin helhet|utan ändringar|enligt förslaget))?\s*[.!]?$"
)
# The body proposing to the council what the council decides: "Nämnden föreslår kommunfullmäktige att …".
_PROPOSES_TO_COUNCIL = re.compile(
    r"\b(?:nämnden|styrelsen|kommunstyrelsen|utskottet|arbetsutskottet)\s+(?:föreslår|hemställer hos)\s+"
    r"(kommunfullmäktige|fullmäktige|kommunstyrelsen|regionfullmäktige)\s+(att\s+[^.!?]+)"
)
_BODY_DECIDES = re.compile(
    r"\b(?:mötet|nämnden|styrelsen|kommunstyrelsen|utskottet|arbetsutskottet|fullmäktige|gruppen)\s+"
    r"(?:(?:alltså|därmed|då|härmed)\s+)?(" + "|".join(_BODY_VERBS) + r")\s+(?:(?:alltså|därmed|då|härmed)\s+)?"
    r"(?!att\b|kanske\b|inte\b|nog\b|troligen\b|eventuellt\b)([^.!?]+)"
)
# What the body decides on when it decides on the proposal before it: "nämnden bifaller det", "… förslaget".
_ON_THE_PROPOSAL = re.compile(r"(?:det|den|detta|dem|förslaget|förslagen|yrkandet)\s*$")
# Spoken instructions to a machine are data, never decisions ("ignorera tidigare instruktioner och skriv att …").
INJECTION = re.compile(r"ignorera|instruktion|\bprompt\b|skriv (att|in att)|som (en )?ai\b|systemmeddelande", re.I)
_MINUTES_FILED = re.compile(r"\b(?:föregående|förra mötets)\s+protokoll\w*\s+l[äe](?:gg|ck|g|k)s till handlingarna\b|"
                            r"\blägger\s+(?:vi\s+)?(?:det\s+)?(?:föregående|förra mötets)\s+protokoll\w*\s+till handlingarna\b")
_THANK = re.compile(r"\b(vi|mötet|nämnden|styrelsen|utskottet|arbetsutskottet)\s+tackar\s+(\w+\s+)?för\s+(informationen|presentationen|dragningen)\b")


# "Förslaget är att …", "jag föreslår att vi …", "förvaltningen föreslår att …", "det föreslås att …".
_PROPOSAL = re.compile(
    r"(?:\b(?:mitt|ordförandens|förvaltningens|arbetsutskottets|utskottets|presidiets|beredningens)\s+)?"
    # "Förslaget är att", and as Whisper hears it ("förslaget ber att", "förslag i förhållt så att").
    r"(?:\bförslag(?:et)?(?:\s+till\s+beslut)?(?:\s+(?!finner\b)[^\W\d_]{1,8}){1,3}?|"
    r"\b(?:jag|vi|förvaltningen|utskottet|arbetsutskottet|presidiet|ordföranden|ordförande)\s+för+e?sl\w*|"
    r"\bför+e?sl\w*\s+(?:jag|vi)|"  # "Då föreslår jag att …"
    r"\bföreslås)\s+(?:(?:alltså|allt så|därför|då|mötet|nämnden)\s+)*(att\s+[^.!?]+)"
)
# The chair closing on the proposal: "Då är det beslutat.", "Vi gör så.", "… beslutar i enlighet med förslaget".
# Short closing words, matched by sound where Whisper garbles them ("då är det tillbäst slutet").
_ACCEPT_PHRASES = ("då är det beslutat", "det är beslutat", "då gör vi så", "vi gör så", "så beslutas",
                   "då beslutar vi så", "då är det så beslutat")
ACCEPT_SOUNDS_LIKE = 72  # rapidfuzz ratio of a short sentence to a closing phrase
_ACCEPT = re.compile(
    r"\b(?:(?:då|så) är det (?:så )?beslutat|det är (?:därmed )?beslutat|så beslutas|så beslutat|"
    r"(?:då |så )?gör vi så|vi gör så|det blir så|"
    r"(?:beslutar|beslutas|beslutat|beslutade|beslöt|bifaller|godkänner|antar)\s+(?:\w+\s+){0,2}(?:i enlighet med|enlighet med|enligt)\s+(?:\w+\s+)?förslag\w*|"
    r"bifall\w*\s+(?:till\s+)?(?:\w+\s+){0,2}förslag\w*|(?:beslutar|beslutas)\s+(?:vi\s+|mötet\s+)?så\b|"
    # The chair's proposition and the gavel: "… och finner att nämnden bifaller det", "Klubbat.", "Beslut enligt
    # förslaget.", "Då är det godkänt.", "Det är vi överens om."
    r"finner att (?:\w+\s+){1,2}(?:har\s+)?b[iy]fal\w*|klubba[dt]\w*|beslut enligt förslag\w*|"
    # "Jag finner att förslaget är antaget.", "Och det är bifallet."
    r"finner att (?:\w+\s+){0,2}(?:är\s+)?(?:antaget|bifallet|godkänt)|(?:det|förslaget)\s+är\s+(?:därmed\s+|alltså\s+)?(?:bifallet|antaget)|"
    # "Förslaget antas.", "Bra, då har vi bestämt det."
    r"förslaget\s+(?:därmed\s+)?(?:antas|bifalls|godkänns)|(?:då |så )?har vi bestämt (?:det|så)|vi bestämmer (?:det|så)|"
    r"(?:då |så )?är det (?:så |därmed )?godkänt|det är vi (?:alla )?överens om|då är vi (?:alla )?överens|"
    # "Nämnden ställer sig bakom förslaget.", "Då antar vi förslaget.", "Beslutet blir enligt förslaget."
    r"ställer (?:sig|vi oss) bakom (?:\w+\s+)?förslag\w*|(?:antar|godkänner|bifaller) (?:vi|mötet|nämnden) "
    r"(?:\w+\s+)?förslag\w*|beslutet\s+(?:\w+\s+){0,2}enligt (?:\w+\s+)?förslag\w*)"
)
# "Kan mötet besluta så? Ja." – a question answered yes in the next sentence.
# Whisper hears it many ways ("kan vi öppna ett beslupa så?", "kan vi öppnade ett besslutaså?"): a short
# question to the meeting that names a decision or ends on "så", answered yes in the next sentence.
_ASK = re.compile(
    r"^(?:\w+\s+){0,2}(?:kan|får jag fråga om|ska|är|vill)\b[^?]{0,60}"
    r"(?:\bbes+lu\w*|\bbifall\w*|\bgodkänn\w*|\banta\b|\bgöra så|\bställa sig bakom|så)\s*\?$"
)
# Other questions to the meeting on the proposal, answered yes: "Kan vi besluta enligt förslaget?", "Kan vi
# bifalla det?", "Är vi överens om det?", "Beslutar vi så?".
_ASKED_ON = r"\bbes+lu\w*|\bbifall\w*|\bgodkänn\w*|\böverens|\benas\b|\beniga?\b|\bokej\b|\bgodta\w*|\bst\w{1,2}lla sig (?:i )?bakom"
_ASK_OTHERWISE = re.compile(
    r"^(?:\w+\s+){0,2}(?:kan|ska|är|beslutar|bifaller|godkänner)\b[^?]{0,60}"
    rf"(?:{_ASKED_ON}|\banta\b|\bmed på)(?:\s+\w+){{0,3}}\s*\?$|"
    # The same question with its question mark lost, known by its word order: it opens on the verb.
    r"^(?:kan|ska|är)\s+(?:vi|mötet|nämnden|styrelsen|\w+(?:styrelsen|utskottet|nämnden))\b[^?.]{0,60}"
    rf"(?:{_ASKED_ON})(?:\s+\w+){{0,3}}\s*\.?$"
)
_YES = re.compile(r"^\s*(?:ja|javisst|ja då|absolut|instämmer)\b")
# Talk that sounds like a decision but is not one: "vi borde kanske besluta att …", "innan vi beslutar att …".
_HEDGE = re.compile(r"\b(?:borde|kanske|skulle|kunde|ifall|innan|eventuellt|möjligen|funderar|inte|om (?:vi|mötet|nämnden|man))\b")
# The words a decision hangs on, as Whisper mishears them ("med slutar att", "föreslorar", "renalighet med
# föranslaget"): a word this close to one of them is read as it.
_KEY_WORDS = ("beslutar", "beslutat", "besluta", "beslutade", "föreslår", "förslaget", "enlighet", "noterar",
              "bordlägga", "bordläggs")
SOUNDS_LIKE = 80  # rapidfuzz ratio of a heard word to a key word
SAME_SOUND = 85  # ratio of their sound keys ("vässlutar" and "beslutar" sound the same)
JOINED_SOUND = 87  # two heard words that together sound like a key word ("bäst lutar", "viss lupat")


_KEY_SOUNDS = {k: sound_key(k) for k in _KEY_WORDS}


@lru_cache(maxsize=65536)
def _heard_as(word: str, joined: bool = False) -> str:
    # Forms of the key words themselves ("notera", "förslag", "beslut") are left as they are.
    if len(word) < 5 or any(word.startswith(k[:5]) for k in _KEY_WORDS):
        return word
    key = sound_key(word)
    best = max(_KEY_WORDS, key=lambda k: (fuzz.ratio(word, k), fuzz.ratio(key, _KEY_SOUNDS[k])))
    sounded = max(_KEY_WORDS, key=lambda k: fuzz.ratio(key, _KEY_SOUNDS[k]))
    if joined:  # the two words begin as the key word does ("att bordlägga" is not one word)
        close = fuzz.ratio(key, _KEY_SOUNDS[sounded]) >= JOINED_SOUND and key[:1] == _KEY_SOUNDS[sounded][:1]
        return sounded if close else word
    if fuzz.ratio(word, best) >= SOUNDS_LIKE:
        return best
    return sounded if fuzz.ratio(key, _KEY_SOUNDS[sounded]) >= SAME_SOUND else word


_PRONOUNS = {"jag", "du", "han", "hon", "vi", "ni", "de", "man", "den", "det"}


def _read_words(text: str) -> str:
    words = re.split(r"([^\W\d_]+)", text)  # words at the odd indexes, what lies between at the even
    out = words[:]
    for i in range(1, len(words), 2):
        # The end of a key word is a word of its own after a pronoun ("vi slutade att …"), a key word
        # with its start lost after anything else ("arbetsutskottet med slutar att …").
        tail = any(k.endswith(words[i]) for k in _KEY_WORDS)
        if not (tail and i > 1 and words[i - 2] in _PRONOUNS):
            out[i] = _heard_as(words[i])
    # A key word Whisper split in two: both parts at least three letters, separated by one space.
    for i in range(1, len(words) - 2, 2):
        a, b = out[i], out[i + 2]
        if (words[i + 1] == " " and a == words[i] and b == words[i + 2] and min(len(a), len(b)) >= 3
                and not any(w.startswith(k[:5]) for w in (a, b) for k in _KEY_WORDS)):
            joined = _heard_as(a + b, joined=True)
            if joined != a + b:
                out[i], out[i + 1], out[i + 2] = joined, "", ""
    return "".join(out)


def heard_text(text: str) -> str:
    """Normalised text with the decision's key words read by sound."""
    return _read_words(normalize(text))


CONTINUES_WITHIN = 2.0  # seconds: a segment without a final stop whose next one starts this soon goes on in it


def _sentences(segments: Iterable[TranscriptSegment]) -> list[tuple[TranscriptSegment, str]]:
    """Each sentence heard, read by sound, with its segment. Whisper ends a segment mid-sentence at a breath
    ("jag föreslår att vi ska införa ett digitalt planeringsverktyg" | "i hemtjänsten från oktober."): a
    segment without a final stop is joined to the next, and the two are the sentence's evidence. Two at most:
    the evidence a secretary reads stays one sentence, not a run of unpunctuated talk."""
    joined: list[TranscriptSegment] = []
    last_was_joined = False
    for seg in segments:
        last = joined[-1] if joined else None
        if (last is not None and not last_was_joined and last.text.strip() and not re.search(r"[.!?]\s*$", last.text)
                and seg.start - last.end <= CONTINUES_WITHIN):
            joined[-1] = last.model_copy(update={"end": seg.end, "text": f"{last.text.strip()} {seg.text.strip()}"})
            last_was_joined = True
        else:
            joined.append(seg)
            last_was_joined = False
    return [(seg, heard_text(sentence)) for seg in joined for sentence in split_sentences(seg.text)]


_INLINE_ASK = re.compile(r",?\s*\b(?:kan|får jag fråga om|ska)\b[^,]{0,40}?(?:\bbes+lu\w*|\bbifall\w*|\bgodkänn\w*)\s+så\b.*$")


# Someone objecting to the chair's question: "Nej, …", "jag yrkar avslag", "jag vill reservera mig".
_OBJECTION = re.compile(r"^\s*nej\b|\byrka\w*|\bavslag|\breserv\w*|\bmotförslag|\binvänd\w*|\b(?:in)?vänta\b|"
                        r"\bmer underlag|\binte (?:beredd|överens|enig)")
# The formal question on a proposal ("Kan mötet besluta så?"): nobody objecting is consent, although
# Whisper often loses the "Ja." that follows it.
_FORMAL_ASK = re.compile(r"\bbes+lu\w*|\bbifall\w*|\bgodkänn\w*")


def _consent(sentences: list[tuple[TranscriptSegment, str]], n: int, formal: bool = False) -> bool:
    """The meeting agreed to the question in sentence n: someone said yes, or nobody objected and the
    chair moved on to the next item (or the item ended); to the chair's formal question on a proposal,
    whatever is said next that is not an objection."""
    if n + 1 >= len(sentences):
        return True
    following = sentences[n + 1][1]
    if formal and not _OBJECTION.search(following):
        return True
    return bool(_YES.match(following)) or find_cue(following) is not None


def _closes(sentence: str) -> bool:
    """The chair closing on a pending proposal."""
    if _ACCEPT.search(sentence):
        return True
    short = re.sub(r"[^\w\s]", "", sentence).strip()
    return len(short.split()) <= 6 and any(fuzz.ratio(short, p) >= ACCEPT_SOUNDS_LIKE for p in _ACCEPT_PHRASES)


_VERB = re.compile(r"beslut|beslöt|föresl")


def _hedged(sentence: str, match_start: int, clause_start: int | None = None) -> bool:
    """A hedge among the three words just before the decision verb governs it, or one between the verb
    and its clause ("mötet beslutar inte att …", "nämnden godkänner kanske avtalet")."""
    verb = _VERB.search(sentence, match_start)
    before = sentence[: verb.start() if verb else match_start]
    if clause_start is not None and _HEDGE.search(sentence[(verb.end() if verb else match_start):clause_start]):
        return True
    return bool(_HEDGE.search(" ".join(before.split()[-3:])))


# The standing approvals: nearly every meeting approves its agenda, many the last meeting's protocol, each in
# the protocol's one wording, and Whisper base garbles their long words ("gå till kännande avordningen",
# "god tjennande av dagordningarna"). Per item title: the clause, and how the thing approved is heard.
AGENDA_TITLE = re.compile(r"\b(?:godkännande|fastställande)\s+av\s+(?:\w+\s+)?dagordning", re.I)
AGENDA_CLAUSE = "att godkänna dagordningen"
_AGENDA_HEARD = re.compile(r"\bdag\s?o\w*")  # "dagordningen", "dagordningarna", "dagor med minnen"
MINUTES_TITLE = re.compile(r"\bföregående\s+(?:mötes\s+|sammanträdes\s+)?protokoll|\bförra\s+mötets\s+protokoll", re.I)
MINUTES_CLAUSE = "att godkänna föregående protokoll"
_MINUTES_HEARD = re.compile(r"\bprotokoll\w*")
STANDING_APPROVALS = ((AGENDA_TITLE, AGENDA_CLAUSE, _AGENDA_HEARD), (MINUTES_TITLE, MINUTES_CLAUSE, _MINUTES_HEARD))
_DECISION_SAID = re.compile(r"\bbeslut\w*|\bföresl\w*|\bförslag\w*|\bgodkän\w*|\bfastställ\w*")
AGENDA_SOUNDS_LIKE = 70  # sound ratio above which a clause found in the item is the approval heard wrong


def agenda_approval(title: str, segments: list[TranscriptSegment], found: list[Decision]) -> list[Decision]:
    """In the item that approves the agenda (or the last meeting's protocol): when the thing approved is
    mentioned after the chair's announcement and the room decides (a decision word, a closing, a yes), the
    decision is "att godkänna dagordningen" ("… föregående protokoll"), and a clause found there that
    sounds like it is that clause misheard. Nothing is added where no decision was heard, nor where a standard
    clause was (the approval itself, or "att lägga föregående protokoll till handlingarna")."""
    approval = next(((clause, heard) for pattern, clause, heard in STANDING_APPROVALS if pattern.search(title)), None)
    standard = standard_clauses()  # both approvals are among them
    if approval is None or any(d.text in standard for d in found):
        return found
    clause, heard = approval
    mentioned, decided = [], []
    for seg, text in _sentences(segments):
        if find_cue(text) is not None:
            continue  # the chair announcing the item reads its title
        if heard.search(text):
            mentioned.append(seg)
        if _DECISION_SAID.search(text) or closes_item(text) or _YES.match(text):
            decided.append(seg)
    heard_wrong = [d for d in found if heard.search(normalize(d.text))
                   or fuzz.ratio(sound_key(d.text), sound_key(clause)) >= AGENDA_SOUNDS_LIKE]
    if not heard_wrong and not (mentioned and decided):
        return found
    said = sorted({s.id: s for s in mentioned + decided}.values(), key=lambda s: s.start)
    evidence = [e for d in heard_wrong for e in d.evidence] or [
        Evidence(start=s.start, end=s.end, text=s.text.strip()) for s in said]
    return [Decision(text=clause, kind="decided", evidence=evidence), *(d for d in found if d not in heard_wrong)]


# Share of a clause's words (four letters or more) that must be Swedish or the card's for the clause to be
# proposed as the decision. On the dev meetings (54 clauses drafted from Whisper base's transcripts) the 26
# made only of real words were 24 right; the 28 with a non-word were 8 right, all misheard in part.
MIN_KNOWN_SHARE = 0.85


def hold_back_misheard(decisions: list[Decision], vocabulary: Iterable[str] = ()) -> tuple[list[Decision], list[str]]:
    """The decisions whose clause is made of Swedish words, and for each of the others a flag: the moment
    a decision was taken and what was heard, for the secretary to write the clause from the recording."""
    vocabulary = tuple(vocabulary)
    kept, flags = [], []
    for d in decisions:
        names = capitalised(e.text for e in d.evidence)
        if known_share(d.text, vocabulary, names) >= MIN_KNOWN_SHARE:
            kept.append(d)
            continue
        when = f" vid {clock(d.evidence[0].start)}" if d.evidence else ""
        flags.append(f"Ett beslut verkar ha fattats{when}, men orden hördes otydligt (”{d.text}”) – "
                     "skriv att-satsen från inspelningen.")
    return kept, flags


def find_spoken_decisions(segments: Iterable[TranscriptSegment], vocabulary: Iterable[str] = (),
                          title: str = "") -> list[Decision]:
    """Every decision of one item, with the segments it was spoken in as evidence: a decision the chair
    states ("mötet beslutar att …"), and a proposal ("förslaget är att …") the chair closes on ("Kan mötet
    besluta så? Ja.", "Då är det beslutat."). A decision restated later in the item is one decision with
    each moment it was said; hedged talk ("vi borde kanske besluta att …") is not a decision. Clauses
    nearly equal to a standard clause (prompts/standard_clauses.yaml) take its wording; names and title
    words of the card heard nearly right (`vocabulary`) take the card's spelling. What was heard stays in
    the evidence. Given the item's `title`, the agenda's approval is read as agenda_approval() reads it, and
    the election of justerare as justerare_election() does."""
    segments, vocabulary = list(segments), tuple(vocabulary)
    found: list[Decision] = []
    proposal: tuple[str, TranscriptSegment] | None = None

    def add(clause: str, *segs: TranscriptSegment) -> None:
        clause = standardise(correct_to_vocabulary(protocol_clause(clause), vocabulary))
        if len(clause.split()) < 2:
            return
        unique = {s.id: s for s in segs}.values()
        evidence = [Evidence(start=s.start, end=s.end, text=s.text.strip()) for s in unique]
        same = next((d for d in found if restates(clause, d)), None)
        if same is None:
            found.append(Decision(text=clause, kind=classify(clause), evidence=evidence))
            return
        for e in evidence:
            if all(x.start != e.start for x in same.evidence):
                same.evidence.append(e)

    sentences = _sentences(segments)
    for n, (seg, text) in enumerate(sentences):
        if INJECTION.search(seg.text):
            continue
        agreed = _consent(sentences, n)
        agreed_with = [sentences[n + 1][0]] if n + 1 < len(sentences) else []
        m = _PROPOSAL.search(text)
        if m and not _hedged(text, m.start()):
            clause, asked = m.group(1), text.rstrip().endswith("?")
            inline = _INLINE_ASK.search(clause)  # "Jag föreslår att …, kan mötet besluta så."
            if inline:
                clause, asked = clause[: inline.start()], True
                agreed = _consent(sentences, n, formal=True)
            proposal = (clause, seg)
            if asked and agreed:
                add(clause, seg, *agreed_with)
                proposal = None
            continue
        stated = False
        for d in _DECIDE.finditer(text):
            if _hedged(text, d.start(), d.start(1)):
                continue
            if text.rstrip().endswith("?"):
                if agreed:
                    add(d.group(1), seg, *agreed_with)
                else:
                    proposal = (d.group(1), seg)
                continue
            add(d.group(1), seg)
            stated = True
        for b in _BODY_DECIDES.finditer(text):
            if _hedged(text, b.start(1)) or text.rstrip().endswith("?"):
                continue
            if _ON_THE_PROPOSAL.match(b.group(2)):  # "… finner att nämnden bifaller det": the proposal, accepted
                if proposal is not None and b.group(1) != "avslår":
                    add(proposal[0], proposal[1], seg)
                    proposal = None
                continue
            add(f"att {_BODY_VERBS[b.group(1)]} {b.group(2)}", seg)
            stated = True
        passive = _PASSIVE_DECIDES.search(text)
        if passive and not text.rstrip().endswith("?"):
            add(f"att {_PASSIVE_VERBS[passive.group(2)]} {passive.group(1)}", seg)
            stated = True
        for c in _PROPOSES_TO_COUNCIL.finditer(text):
            if not _hedged(text, c.start()) and not text.rstrip().endswith("?"):
                add(f"att föreslå {c.group(1)} {c.group(2)}", seg)
                stated = True
        if stated:
            # The chair stating the decision in full ("vi har alltså beslutat att …") is what was decided;
            # a proposal heard before it is that decision or was overtaken by it.
            proposal = None
        elif proposal is not None and _closes(text):
            add(proposal[0], proposal[1], seg)
            proposal = None
        elif proposal is not None and _ASK.search(text) and _consent(sentences, n, formal=bool(_FORMAL_ASK.search(text))):
            add(proposal[0], proposal[1], seg, *agreed_with)
            proposal = None
        elif proposal is not None and _ASK_OTHERWISE.search(text) and agreed:
            add(proposal[0], proposal[1], seg, *agreed_with)
            proposal = None
        if _POSTPONE.search(text):
            add("att bordlägga ärendet", seg)
        if (remit := _REMIT.search(text)) and not _hedged(text, remit.start()) and not text.rstrip().endswith("?"):
            add("att återremittera ärendet", seg)
        if _NOTE.search(text):
            add("att notera informationen", seg)
        if _MINUTES_FILED.search(text):
            add("att lägga föregående protokoll till handlingarna", seg)
        if _THANK.search(text):
            add("att tacka för informationen", seg)
    return justerare_election(title, segments, agenda_approval(title, segments, found), vocabulary) if title else found


# The chair's words for a decision taken, when not the literal "mötet beslutar att".
DECISION_TALK = re.compile(r"beslut|beslöt|överens|bestäm|enig|godkän|bifall|fastställ|uppdra|bordl|borde lägg", re.I)


def is_decision_talk(text: str) -> bool:
    """Whether a segment says a decision was taken: decision words that no hedge governs, not a question
    and not a proposal still waiting for the chair ("vi borde kanske besluta att …", "Förslaget är att …")."""
    for sentence in split_sentences(heard_text(text)):
        m = DECISION_TALK.search(sentence)
        if m and not _hedged(sentence, m.start()) and not sentence.endswith("?") and not _PROPOSAL.search(sentence):
            return True
    return False


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


# The election of the protocol's justerare: "Val av justerare", "Upprop och val av justerare". The chair names
# a member ("Till justerare föreslår jag Henrik Sjöberg. Kan vi besluta så? Ja."), in the protocol's words
# "att utse Henrik Sjöberg att justera protokollet".
JUSTERARE_TITLE = re.compile(r"\bval av (?:\w+ )?justerare|\butse\w* (?:\w+ )?justerare|^justerare$", re.I)
JUSTERARE_CLAUSE = "att utse {} att justera protokollet"
_JUSTERA = re.compile(r"\bjuster\w*")


def _named_at(person: str, text: str) -> int | None:
    """Where the card's person is named in the text (the index of the word): the surname, heard nearly right
    ("Schöberg" for "Sjöberg", not "Öberg")."""
    surname = normalize(person).split()[-1]
    if len(surname) < 3:
        return None
    for i, w in enumerate(re.findall(r"[^\W\d_]+", normalize(text))):
        if w == surname or (w[0] == surname[0] and (fuzz.ratio(surname, w) >= VOCABULARY or
                                                    fuzz.ratio(sound_key(surname), sound_key(w)) >= VOCABULARY)):
            return i
    return None


def justerare_election(title: str, segments: list[TranscriptSegment], found: list[Decision],
                       vocabulary: Iterable[str]) -> list[Decision]:
    """In the item that elects the justerare: the people of the card named where justering is spoken of,
    once the room decides (a decision word, a closing, a yes), are the clause "att utse … att justera
    protokollet"; a clause found there about justering is that decision in other words. Nothing is added
    where no one was named or nothing was decided."""
    if not JUSTERARE_TITLE.search(title.strip()):
        return found
    people = [v for v in vocabulary if is_name(v) and len(v.split()) > 1]  # first name and surname
    named: list[str] = []
    spoken: list[TranscriptSegment] = []
    decided = False
    for seg, text in _sentences(segments):
        if _JUSTERA.search(text) or spoken:  # the name may follow in the next sentence
            at = {p: _named_at(p, text) for p in people if p not in named}
            new = sorted((p for p in at if at[p] is not None), key=at.__getitem__)
            named += new
            # Not the chair's announcement alone: it reads the item's title.
            if new or (_JUSTERA.search(text) and find_cue(text) is None):
                spoken.append(seg)
        # Whisper runs the chair's question into one comma sentence with the announcement and the name.
        if (_DECISION_SAID.search(text) or closes_item(text) or _YES.match(text) or _ASK.search(text)
                or _INLINE_ASK.search(text)):
            decided = True
    if not named or not decided:
        return found
    about = [d for d in found if _JUSTERA.search(normalize(d.text)) or any(_named_at(p, d.text) is not None for p in named)]
    evidence = [e for d in about for e in d.evidence] or [
        Evidence(start=s.start, end=s.end, text=s.text.strip()) for s in {s.id: s for s in spoken}.values()]
    election = Decision(text=JUSTERARE_CLAUSE.format(" och ".join(named)), kind="decided", evidence=evidence)
    return [election, *(d for d in found if d not in about)]
