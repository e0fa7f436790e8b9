"""Find the card's members in Whisper text: full name, first name or surname, tolerant of Whisper's
spelling ("Eriksson"/"Erikson", "Annas" for Anna) and of names run together. A name that fits no
member, or fits two, is no one: the caller writes "okänd" rather than guess."""

from __future__ import annotations

from rapidfuzz import fuzz

from ..text import normalize, words
from .card import Member

FULL, SINGLE = 84, 88  # rapidfuzz ratios for a full name / a first name or surname


class MemberIndex:
    def __init__(self, members: list[Member]):
        self.members = members
        self.full = [normalize(m.name) for m in members]
        self.parts = [f.split() for f in self.full]

    def _single(self, token: str) -> Member | None:
        hits = {i for i, parts in enumerate(self.parts) for part in parts
                if len(token) > 2 and max(fuzz.ratio(token, part), fuzz.ratio(token.rstrip("s"), part)) >= SINGLE}
        return self.members[hits.pop()] if len(hits) == 1 else None

    def match(self, tokens: list[str]) -> Member | None:
        """The member named by a short run of words (the run ends at the name, e.g. before "varsågod")."""
        tokens = [t for t in tokens if t]
        for size in (3, 2):  # "anna berg", or Whisper's "anna ber g"
            if len(tokens) >= size:
                tail = " ".join(tokens[-size:])
                scores = [max(fuzz.ratio(tail, f), fuzz.ratio(tail.rstrip("s"), f)) for f in self.full]
                best = max(range(len(scores)), key=scores.__getitem__)
                if scores[best] >= FULL and sorted(scores)[-2:-1] != [scores[best]]:
                    return self.members[best]
        if tokens:
            joined = tokens[-1]
            for i, f in enumerate(self.full):  # "annaberg"
                if len(joined) > 6 and fuzz.ratio(joined, f.replace(" ", "")) >= FULL:
                    return self.members[i]
            return self._single(joined) or (self._single(tokens[-2]) if len(tokens) > 1 else None)
        return None

    def find_all(self, text: str) -> list[tuple[int, Member]]:
        """Every member named in the text, with the index of the name's last word."""
        toks = words(text)
        found: list[tuple[int, Member]] = []
        i = 0
        while i < len(toks):
            hit = None
            for size in (2, 1):
                if i + size <= len(toks):
                    run = toks[i:i + size]
                    m = self.match(run) if size == 2 else self._single(run[0])
                    if m is not None and (size == 1 or self._full_hit(run, m)):
                        hit = (i + size - 1, m)
                        break
            if hit:
                found.append(hit)
                i = hit[0] + 1
            else:
                i += 1
        return found

    def _full_hit(self, run: list[str], member: Member) -> bool:
        return max(fuzz.ratio(" ".join(run), normalize(member.name)),
                   fuzz.ratio(" ".join(run).rstrip("s"), normalize(member.name))) >= FULL
