"""Read the political sections of an archived §-layout protocol back into records: per §, its
yrkanden, omröstning (omröstningslista and result), Beslut clauses, reservationer,
protokollsanteckningar and jäv. Works on plain lines as a PDF text extraction or a .docx gives them
(one table cell or paragraph per line, or a table row on one line); the caller reads the file.

    § 116 Investering i ny förskola i Norrby           KS § 80 …
    Yrkanden
    Anna Berg (M) yrkar avslag på arbetsutskottets förslag.
    Omröstning
    Anna Berg  M  Nej          Omröstningsresultat: 6 ja, 3 nej, 0 avstår.
    Beslut
    Kommunstyrelsen beslutar
    att …
    Reservation
    Anna Berg (M) reserverar sig mot beslutet till förmån för eget yrkande.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from ..text import to_number
from .capture import motion_kind
from .card import UNKNOWN
from .records import Ballot, Motion, ParagraphRecord, ProtocolNote, Recusal, Reservation, Tally, Vote

_PARAGRAPH = re.compile(r"^\s*(?:[A-ZÅÄÖ]{1,6}\s+)?§\s*(\d{1,4})\b\s*(.*?)\s*$")
SECTIONS = {
    "jäv": "recusals", "yrkanden": "motions", "yrkande": "motions", "omröstning": "ballot",
    "omröstningar": "ballot", "votering": "ballot", "beslut": "decision", "reservation": "reservations",
    "reservationer": "reservations", "protokollsanteckning": "notes", "protokollsanteckningar": "notes",
    "sammanfattning": "other", "ärendebeskrivning": "other", "beslutsunderlag": "other",
    "förslag till beslut": "other", "propositionsordning": "other", "beslutet skickas till": "other",
    "expedieras": "other", "expedieras till": "other", "dnr": "other",
}
# "Anna Berg (M)", "Karl-Erik Nilsson (KD)": a member as protocols print one.
_MEMBER = re.compile(r"([A-ZÅÄÖÉ][\wåäöéü-]+(?:\s+[A-ZÅÄÖÉ][\wåäöéü-]+){1,3})\s*\(([A-ZÅÄÖ][\wåäö]{0,3})\)")
_VOTE_ROW = re.compile(r"([A-ZÅÄÖÉ][\wåäöéü-]+(?:\s+[A-ZÅÄÖÉ][\wåäöéü-]+){1,3})\s+\(?([A-ZÅÄÖ][\wåäö]{0,3})\)?\s+(Ja|Nej|Avstår)\b")
_TALLY = re.compile(r"(\w+)\s+ja\W+(\w+)\s+nej(?:\W+(\w+)\s+avst\w*)?", re.I)


class ArchivedParagraph(BaseModel):
    """One § as the archived protocol shows it."""

    paragraph: int
    title: str = ""
    record: ParagraphRecord
    decisions: list[str] = Field(default_factory=list)  # the Beslut att-clauses, as printed
    proposal_clauses: list[str] = Field(default_factory=list)  # of a draft: the clauses taken from the proposal


def _sentences(lines: list[str]) -> list[str]:
    text = " ".join(line.strip() for line in lines if line.strip())
    return [s for s in re.split(r"(?<=[.!?”])\s+(?=[A-ZÅÄÖ])", text) if s.strip()]


def _who(sentence: str) -> str:
    m = _MEMBER.match(sentence.strip())
    return re.sub(r"\s+", " ", m.group(1)) if m else UNKNOWN


def _clauses(lines: list[str]) -> list[str]:
    clauses: list[str] = []
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if re.match(r"(?i)att\b", line):
            clauses.append(line)
        elif clauses and not re.search(r"\b(beslutar|beslöt|beslutade)\s*:?\s*$", line):
            clauses[-1] = f"{clauses[-1]} {line}"  # a clause wrapped over lines
    return [re.sub(r"\s+", " ", c).rstrip(".;, ") for c in clauses]


def _count(token: str | None) -> int:
    if token is None:
        return 0
    value = to_number(token.lower())
    return 0 if value is None else value


def parse_paragraphs(lines: list[str]) -> list[ArchivedParagraph]:
    """Every § of the protocol with its political sections (a § without them has empty records)."""
    out: list[ArchivedParagraph] = []
    section = None
    bodies: dict[str, list[str]] = {}

    def close() -> None:
        if out:
            _fill(out[-1], bodies)

    for raw in lines:
        line = raw.strip()
        m = _PARAGRAPH.match(line)
        if m:
            close()
            number = int(m.group(1))
            out.append(ArchivedParagraph(paragraph=number, title=m.group(2),
                                         record=ParagraphRecord(paragraph=number)))
            section, bodies = None, {}
            continue
        if not out:
            continue
        key = SECTIONS.get(line.rstrip(":").strip().lower())
        if key is not None:
            section = key
            bodies.setdefault(key, [])
            continue
        if line.lower().startswith("dnr"):
            out[-1].record.dnr = line[3:].strip(" :")
            continue
        if section:
            bodies[section].append(line)
    close()
    return out


def _fill(par: ArchivedParagraph, bodies: dict[str, list[str]]) -> None:
    record = par.record
    for s in _sentences(bodies.get("motions", [])):
        m = re.search(r"\byrkar\b\s*(.*)", s)
        if m:
            text = m.group(1).rstrip(".")
            record.motions.append(Motion(member=_who(s), kind=motion_kind(text.lower()), text=text))
    ballot_lines = bodies.get("ballot", [])
    if ballot_lines:
        joined = " ".join(x.strip() for x in ballot_lines if x.strip())
        rows = re.sub(r"\b(?:Ledamot|Ledamöter|Tjänstgörande|Parti|Röst|Ja-röst|Nej-röst|Summa)\b", " | ", joined)
        votes = [Vote(member=re.sub(r"\s+", " ", v.group(1)), choice=v.group(3).lower())
                 for v in _VOTE_ROW.finditer(rows)]
        tally = _TALLY.search(joined.split("Omröstningsresultat")[-1])
        ballot = Ballot(open=bool(votes) and not re.search(r"(?i)sluten", joined), votes=votes)
        if tally:
            ballot.tally = Tally(ja=_count(tally.group(1)), nej=_count(tally.group(2)), avstar=_count(tally.group(3)))
        else:
            ballot.tally = Tally(ja=sum(v.choice == "ja" for v in votes), nej=sum(v.choice == "nej" for v in votes),
                                 avstar=sum(v.choice == "avstår" for v in votes))
        record.ballots.append(ballot)
    par.decisions = _clauses(bodies.get("decision", []))
    for s in _sentences(bodies.get("reservations", [])):
        if re.search(r"reserver", s):
            record.reservations.append(Reservation(member=_who(s), own_motion=bool(re.search(r"förmån för eget", s)),
                                                   written=bool(re.search(r"(?i)skriftlig", s))))
        elif re.search(r"(?i)skriftlig", s) and record.reservations:  # "En skriftlig reservation lämnas …"
            record.reservations[-1].written = True
    for s in _sentences(bodies.get("notes", [])):
        m = re.search(r"protokollsanteckning\w*\s*:?\s*[”\"]?(.*?)[”\"]?$", s)
        if m:
            record.notes.append(ProtocolNote(member=_who(s), text=m.group(1).strip()))
    for s in _sentences(bodies.get("recusals", [])):
        if re.search(r"jäv", s):
            record.recusals.append(Recusal(member=_who(s)))
        elif re.search(r"tjänstgör|ersätter", s) and record.recusals:
            sub = _who(s)
            record.recusals[-1].substitute = None if sub == UNKNOWN else sub
