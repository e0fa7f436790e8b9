"""Find the card's members in Whisper text: full name, first name or surname, tolerant of Whisper's
spelling ("Anna Berry", "Karinholm", "Ewa sköber", "Annabergs"). Names are compared on a rough
Swedish sound key (w=v, ck=k, sj/sk/stj before a front vowel alike, double letters single), so a name
heard a little wrong is still its member. A name that fits no member, or two, is no one: the caller
writes "okänd" rather than guess."""

from __future__ import annotations

from rapidfuzz import fuzz

from ..text import normalize, sound, words
from .card import Member

FULL, SINGLE = 80, 80  # rapidfuzz ratios on sound keys: a full name / a first name or surname


class MemberIndex:
    def __init__(self, members: list[Member]):
        self.members = members
        self.full = [sound(m.name) for m in members]
        self.parts = [[sound(p) for p in normalize(m.name).split()] for m in members]

    def _best(self, key: str, candidates: list[list[str]], threshold: int) -> Member | None:
        """The one member whose key fits best above the threshold; None when two fit equally."""
        scores = [max((fuzz.ratio(key, c) for c in cs), default=0) for cs in candidates]
        if key.endswith("s"):  # genitive: "Annas", "Sjöbergs"
            scores = [max(s, max((fuzz.ratio(key[:-1], c) for c in cs), default=0)) for s, cs in zip(scores, candidates)]
        top = max(scores, default=0)
        if top < threshold or scores.count(top) > 1:
            return None
        return self.members[scores.index(top)]

    def name_at_end(self, tokens: list[str]) -> tuple[Member | None, int]:
        """The member named by the last words of `tokens` and how many words the name took."""
        tokens = [t for t in tokens if t]
        if len(tokens) >= 2:
            member = self._best(sound(" ".join(tokens[-2:])), [[f] for f in self.full], FULL)
            if member is not None:
                return member, 2
        if tokens:
            last = sound(tokens[-1])
            if len(last) >= 7:  # "karinholm", "annabergs": a full name run together
                member = self._best(last, [[f] for f in self.full], FULL)
                if member is not None:
                    return member, 1
            if len(last) >= 3:
                member = self._best(last, self.parts, SINGLE)
                if member is not None:
                    return member, 1
        return None, 0

    def match(self, tokens: list[str]) -> Member | None:
        return self.name_at_end(tokens)[0]

    def find_all(self, text: str) -> list[tuple[int, Member]]:
        """Every member named in the text, with the index of the name's last word."""
        toks = words(text)
        found: list[tuple[int, Member]] = []
        i = 0
        while i < len(toks):
            member, n = self.name_at_end(toks[i:i + 2]) if i + 1 < len(toks) else self.name_at_end(toks[i:i + 1])
            if member is not None and n == 2:
                found.append((i + 1, member))
                i += 2
                continue
            member, n = self.name_at_end(toks[i:i + 1])
            if member is not None:
                found.append((i, member))
            i += 1
        return found
