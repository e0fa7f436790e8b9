"""Moving an item's boundaries: the talk, the decisions spoken in it and the no-talk flag follow the times."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.boundaries import MOVED, NO_TALK, move_bounds
from pipelines.drafting import rules
from pipelines.errors import InputError
from pipelines.models import Decision, Evidence, ItemDraft, Meeting, Protocol, Segment, Transcript, TranscriptSegment

TALK = ["Välkomna, jag öppnar mötet.", "Vi går igenom budgeten för 2026.", "Då beslutar vi att godkänna budgeten.",
        "Nästa punkt är trafiken vid skolan.", "Vi beslutar att uppdra åt förvaltningen att utreda saken."]


def transcript() -> Transcript:
    segs = [TranscriptSegment(id=i, start=10.0 * i, end=10.0 * i + 9, text=t) for i, t in enumerate(TALK)]
    return Transcript(language="sv", duration=50.0, backend="test", model="test", segments=segs)


def wrong_split() -> Protocol:
    """Item 2 ran on over item 3's talk and took its decision; item 3 got nothing."""
    meeting = Meeting(title="Styrelsemöte", date=dt.date(2026, 3, 1), agenda=["Öppnande", "Budget", "Trafik"])
    budget = Decision(id="budget", text="att godkänna budgeten", evidence=[Evidence(start=20, end=29, text=TALK[2])])
    traffic = Decision(id="traffic", text="att uppdra åt förvaltningen att utreda saken",
                       evidence=[Evidence(start=40, end=49, text=TALK[4])])
    added = Decision(id="added", text="att tacka för informationen", status="accepted")
    return Protocol(meeting=meeting, items=[
        ItemDraft(number=1, title="Öppnande", start=0, end=10, confidence=0.9, transcript=TALK[0]),
        ItemDraft(number=2, title="Budget", start=10, end=50, confidence=0.9, transcript=" ".join(TALK[1:]),
                  decisions=[budget, traffic, added]),
        ItemDraft(number=3, title="Trafik", confidence=0.0, flags=[NO_TALK], needs_review=True),
    ])


def test_moving_a_start_gives_the_empty_item_its_talk_and_decision():
    protocol = wrong_split()
    changed = move_bounds(protocol, transcript(), 3, 30.0, 50.0)
    budget, traffic = protocol.item(2), protocol.item(3)
    assert changed == [2, 3]
    assert (budget.start, budget.end) == (10, 30.0)
    assert (traffic.start, traffic.end) == (30.0, 50.0)
    assert traffic.transcript == " ".join(TALK[3:])
    assert budget.transcript == " ".join(TALK[1:3])
    assert [d.id for d in traffic.decisions] == ["traffic"]
    assert [d.id for d in budget.decisions] == ["budget", "added"]  # no evidence: stays where the secretary put it
    assert NO_TALK not in traffic.flags and MOVED in traffic.flags
    assert protocol.item(1).start == 0 and protocol.item(1).transcript == TALK[0]  # untouched


def test_an_item_wholly_taken_loses_its_talk_and_gets_the_no_talk_flag():
    protocol = wrong_split()
    move_bounds(protocol, transcript(), 3, 10.0, 50.0)
    budget = protocol.item(2)
    assert budget.start is None and budget.transcript == "" and NO_TALK in budget.flags and budget.needs_review
    assert {d.id for d in protocol.item(3).decisions} == {"budget", "traffic"}
    assert [d.id for d in budget.decisions] == ["added"]


def test_bounds_outside_the_recording_or_backwards_are_refused_and_change_nothing():
    protocol = wrong_split()
    before = protocol.model_dump_json()
    with pytest.raises(InputError, match="starten"):
        move_bounds(protocol, transcript(), 3, 40.0, 30.0)
    with pytest.raises(InputError, match="inspelningens slut"):
        move_bounds(protocol, transcript(), 3, 30.0, 500.0)
    assert protocol.model_dump_json() == before


def test_the_no_talk_flag_is_the_one_the_rule_drafter_gives():
    meeting = Meeting(title="Möte", date=dt.date(2026, 3, 1), agenda=["Tyst punkt"])
    item = rules.draft_item(meeting, transcript(), Segment(number=1, title="Tyst punkt", confidence=0.0))
    assert NO_TALK in item.flags
