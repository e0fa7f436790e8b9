"""Whether heard text is made of Swedish words. Whisper base, mishearing, writes words that do not exist
("att ge förholtningen i uppdörr", "nativellysningen"); a decision clause full of them is no text a
secretary can sign, however surely a decision was taken there. The word list is wordfreq's Swedish one
(offline, in its wheel). Swedish writes compounds as one word, and most are in no list: a word made of
listed words ("budget|uppföljningen", "medborgar|förslaget" after the card's "medborgarförslag") is known,
and so are the card's names and words, and names Whisper capitalised."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Short words are nearly all real ("att", "en", "för") and say little about how well a clause was heard.
_WORD = re.compile(r"[^\W\d_]{4,}")
COMPOUND_PART = 4  # letters, at least, in each part of a compound ("upp|dörr" is not read as one)
PART_ZIPF = 2.0  # a compound's parts must be at least this common (wordfreq's Zipf scale: 2 = once per 10^7 words)
MAX_PARTS = 3


@lru_cache(maxsize=1)
def _zipf():
    from wordfreq import zipf_frequency  # loads the list on first use

    return zipf_frequency


@lru_cache(maxsize=65536)
def is_swedish_word(word: str) -> bool:
    word = word.lower()
    return _zipf()(word, "sv") > 0 or _is_compound(word, 1)


def _is_part(word: str) -> bool:
    return len(word) >= COMPOUND_PART and _zipf()(word, "sv") >= PART_ZIPF


@lru_cache(maxsize=65536)
def _is_compound(word: str, parts: int) -> bool:
    """Whether the word is listed words written together, with a linking s between them ("upptagnings|områden")."""
    if parts > 1 and _is_part(word):
        return True
    if parts >= MAX_PARTS:
        return False
    for i in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):
        head, tail = word[:i], word[i:]
        if (_is_part(head) or (head.endswith("s") and _is_part(head[:-1]))) and _is_compound(tail, parts + 1):
            return True
    return False


def unknown_words(text: str, vocabulary: Iterable[str] = (), names: Iterable[str] = ()) -> list[str]:
    """The words of four letters or more that are neither Swedish nor the card's (nor a form of a card word:
    "medborgarförslaget" for "medborgarförslag") nor among `names`."""
    known = {w.lower() for entry in (*vocabulary, *names) for w in _WORD.findall(entry)}
    stems = tuple(w for w in known if len(w) >= 6)
    return [w for w in _WORD.findall(text)
            if w.lower() not in known and not w.lower().startswith(stems) and not is_swedish_word(w)]


def known_share(text: str, vocabulary: Iterable[str] = (), names: Iterable[str] = ()) -> float:
    """Share of the text's words of four letters or more that are known (1.0 when it has none)."""
    words = _WORD.findall(text)
    return 1.0 - len(unknown_words(text, vocabulary, names)) / len(words) if words else 1.0


def capitalised(texts: Iterable[str]) -> set[str]:
    """Words Whisper wrote with a capital inside a sentence: names ("vid Sjöparken")."""
    return {m.group(1) for t in texts for m in re.finditer(r"(?<=[\w,] )([A-ZÅÄÖ][^\W\d_]{3,})", t)}
