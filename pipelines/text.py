"""Swedish text helpers shared by segmentation, drafting and grounding: tokens, stems, numbers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[0-9]+|[^\W\d_]+", re.UNICODE)

NUMBER_WORDS = {
    "ett": 1, "en": 1, "första": 1, "etta": 1,
    "två": 2, "andra": 2, "tvåa": 2,
    "tre": 3, "tredje": 3, "trea": 3,
    "fyra": 4, "fjärde": 4, "fyran": 4,
    "fem": 5, "femte": 5, "femman": 5,
    "sex": 6, "sjätte": 6, "sexan": 6,
    "sju": 7, "sjunde": 7, "sjuan": 7,
    "åtta": 8, "åttonde": 8, "åttan": 8,
    "nio": 9, "nionde": 9, "nian": 9,
    "tio": 10, "tionde": 10, "tian": 10,
    "elva": 11, "elfte": 11,
    "tolv": 12, "tolfte": 12,
    "tretton": 13, "trettonde": 13,
    "fjorton": 14, "fjortonde": 14,
    "femton": 15, "femtonde": 15,
    "sexton": 16, "sextonde": 16,
    "sjutton": 17, "sjuttonde": 17,
    "arton": 18, "artonde": 18,
    "nitton": 19, "nittonde": 19,
    "tjugo": 20, "tjugonde": 20,
    "trettio": 30, "fyrtio": 40, "femtio": 50,
}
_TENS = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50}
_UNITS = {"ett": 1, "en": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9}

# Words too common in meeting talk to say anything about which item is discussed.
STOPWORDS = set(
    """och i att det som en på är av för med till den har de inte om ett vi så men var jag sig
    från ni du han hon man vill ska kan kommer också här där nu då när hur vad eller alla
    detta dessa denna mot efter under över vid sedan redan bara mycket mer även ju väl ja nej
    tack bra okej precis fram punkt punkten ärende ärendet går vidare nästa mötet möte""".split()
)

_stemmer = snowballstemmer.stemmer("swedish")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (stopwords and one-letter words dropped)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def sound(text: str) -> str:
    """A rough Swedish sound key, so that words Whisper spelled a little wrong compare alike: w=v, ck=k,
    sj/sk/stj before a front vowel alike, double letters single ("kontralplanen" ~ "kontrollplanen")."""
    t = normalize(text).replace(" ", "")
    for a, b in (("ck", "k"), ("w", "v"), ("ph", "f"), ("q", "k"), ("z", "s"), ("th", "t"), ("dh", "d"),
                 ("é", "e"), ("stj", "x"), ("skj", "x"), ("sj", "x"), ("ch", "x")):
        t = t.replace(a, b)
    t = re.sub(r"sk(?=[eiyäö])", "x", t)
    t = re.sub(r"(.)\1+", r"\1", t)
    return t


def to_number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    for tens, value in _TENS.items():  # "tjugotvå"
        if token.startswith(tens) and token[len(tens):] in _UNITS:
            return value + _UNITS[token[len(tens):]]
    return None


def numbers_said(text: str) -> set[int]:
    """The counts, amounts and dates in a text: digits or number words ("en", "ett", "första", "andra" are too
    common to count)."""
    return {n for w in words(text) if w not in ("en", "ett", "första", "andra") and (n := to_number(w)) is not None}


# Number words long enough to be recognised at the start of a longer word.
_PREFIXES = sorted((w for w in NUMBER_WORDS if len(w) >= 3), key=len, reverse=True)


def heard_number(token: str) -> int | None:
    """A number as Whisper writes it after "punkt": "5", "fem", "femte", and glued or misheard forms that
    begin with the number word ("femjäl" for "fem gäller", "sjuan", "2:a")."""
    n = to_number(token)
    if n is not None:
        return n
    digits = re.match(r"(\d+)(?::?[ae])?$", token)
    if digits:
        return int(digits.group(1))
    for word in _PREFIXES:
        if token.startswith(word) and len(token) - len(word) <= 4:
            return NUMBER_WORDS[word]
    return None


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return [p.strip() for p in parts if p.strip()]
