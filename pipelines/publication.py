"""The protocol's web copy: personal data that must not be published, found and masked.

Found: personnummer (and samordningsnummer) that pass the Luhn check, street addresses (with a
postcode if one follows), Swedish phone numbers, and names of private persons — two or three
capitalised words that are not a member, official, attendee, secretary or justerare of the meeting
card and not words of the card itself (bodies, organisations, agenda titles). Each finding is a
proposal: the secretary confirms which are masked. The signed original is never touched; `masked`
returns a changed copy.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from pydantic import BaseModel

from .models import Protocol

Kind = Literal["personnummer", "adress", "telefon", "namn"]
PLACEHOLDER = {"personnummer": "[personnummer]", "adress": "[adress]", "telefon": "[telefonnummer]",
               "namn": "[namn]"}

PERSONNUMMER = re.compile(r"(?<![\d/-])(?:19|20)?(\d{6})[-+ ]?(\d{4})(?![\d/])")
STREET = (r"[A-ZÅÄÖ][a-zåäöé]*(?:gatan|gata|vägen|väg|gränd|gränden|stigen|torget|torg|allén|backen|platsen|"
          r"leden|plan|stråket)")
ADDRESS = re.compile(rf"\b{STREET}\s+\d+\s?[A-Za-z]?\b(?:,?\s+\d{{3}}\s?\d{{2}}(?:\s+[A-ZÅÄÖ][a-zåäö]+)?)?")
PHONE = re.compile(r"(?<![\w/-])(?:\+46\s?|0)\d{1,3}[-\s]?\d{2,3}(?:[\s-]?\d{2,3}){1,3}(?![\w/-])")
NAME_WORD = r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?"
NAME = re.compile(rf"\b{NAME_WORD}(?:\s+{NAME_WORD}){{1,2}}\b")


class Finding(BaseModel):
    id: str  # stable over requests: kind, place and text
    kind: Kind
    text: str
    item: int
    field: str  # "title", "summary", "bullet:N" or "decision:<id>"
    context: str  # the text around it, for the secretary to judge


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 - i % 2)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _valid_personnummer(match: re.Match) -> bool:
    date, tail = match.group(1), match.group(2)
    month, day = int(date[2:4]), int(date[4:6])
    day = day - 60 if day > 60 else day  # samordningsnummer
    return 1 <= month <= 12 and 1 <= day <= 31 and luhn_ok(date + tail)


def known_words(protocol: Protocol) -> tuple[set[str], set[str]]:
    """(names of the card's people, other capitalised words of the card) — both casefolded."""
    m = protocol.meeting
    people = [p.name for p in [*m.attendees, *m.absent]] + list(m.justerare) + ([m.secretary] if m.secretary else [])
    card_text = [m.title, m.place or "", *m.agenda, *(p.organisation or "" for p in [*m.attendees, *m.absent])]
    if m.political:
        people += [x.name for x in m.political.members] + [o.name for o in m.political.officials]
        card_text += [m.political.body.name, m.political.body.municipality or "",
                      *(a.title for a in m.political.arenden)]
    names = {p.casefold() for p in people if p}
    words = {w.casefold() for t in card_text for w in re.findall(NAME_WORD, t)}
    return names, words


def _texts(protocol: Protocol):
    for item in protocol.items:
        yield item.number, "title", item.title
        yield item.number, "summary", item.summary
        for i, bullet in enumerate(item.bullets):
            yield item.number, f"bullet:{i}", bullet
        for d in item.decisions:
            yield item.number, f"decision:{d.id}", d.text


def _finding(kind: str, text: str, item: int, field: str, whole: str, start: int, end: int) -> Finding:
    key = hashlib.sha256(f"{kind}|{item}|{field}|{text}".encode()).hexdigest()[:12]
    context = whole[max(0, start - 40):end + 40].strip()
    return Finding(id=key, kind=kind, text=text, item=item, field=field, context=context)


def _without_role_word(text: str, m: re.Match) -> re.Match | None:
    """ "Sökanden Karin Olsson", "Ordföranden Anna Berg": a noun in definite form (a role, a body) before
    the name is not part of it. None when what is left is a single word."""
    first, _, rest = m.group(0).partition(" ")
    sentence_start = not text[:m.start()].strip() or text[:m.start()].rstrip().endswith((".", ":", "!", "?"))
    if re.search(r"(?:en|et|na|an)$", first) and (len(m.group(0).split()) == 3 or sentence_start):
        if " " not in rest:
            return None
        return NAME.match(text, m.start() + len(first) + 1)
    return m


def find_personal_data(protocol: Protocol) -> list[Finding]:
    names, card_words = known_words(protocol)
    found: dict[str, Finding] = {}
    for item, field, text in _texts(protocol):
        taken: list[tuple[int, int]] = []

        def add(kind: str, m: re.Match) -> None:
            if any(m.start() < b and a < m.end() for a, b in taken):
                return
            taken.append((m.start(), m.end()))
            f = _finding(kind, m.group(0).strip(" ,"), item, field, text, m.start(), m.end())
            found.setdefault(f.id, f)

        for m in PERSONNUMMER.finditer(text):
            if _valid_personnummer(m):
                add("personnummer", m)
        for m in ADDRESS.finditer(text):
            add("adress", m)
        for m in PHONE.finditer(text):
            if len(re.sub(r"\D", "", m.group(0))) >= 7:
                add("telefon", m)
        for m in NAME.finditer(text):
            m = _without_role_word(text, m)
            if m is None:
                continue
            candidate = m.group(0)
            if candidate.casefold() in names or any(n in candidate.casefold() for n in names):
                continue
            if any(w.casefold() in card_words for w in candidate.split()):
                continue
            add("namn", m)
    return list(found.values())


def masked(protocol: Protocol, findings: list[Finding]) -> Protocol:
    """A copy of `protocol` with each finding's text replaced by its placeholder, where it was found."""
    out = protocol.model_copy(deep=True)
    by_place: dict[tuple[int, str], list[Finding]] = {}
    for f in findings:
        by_place.setdefault((f.item, f.field), []).append(f)
    for item in out.items:
        def mask(field: str, text: str) -> str:
            for f in sorted(by_place.get((item.number, field), []), key=lambda f: -len(f.text)):
                text = text.replace(f.text, PLACEHOLDER[f.kind])
            return text

        item.title = mask("title", item.title)
        item.summary = mask("summary", item.summary)
        item.bullets = [mask(f"bullet:{i}", b) for i, b in enumerate(item.bullets)]
        for d in item.decisions:
            d.text = mask(f"decision:{d.id}", d.text)
        item.transcript = ""  # never published: the web copy is the protocol's text, not the recording's
        for d in item.decisions:
            d.evidence = []
    return out
