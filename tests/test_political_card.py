"""The meeting card of a political body: members, roles, who serves, ärenden — and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.errors import InputError
from pipelines.meeting_card import load_meeting, meeting_from_dict

ROOT = Path(__file__).resolve().parents[1]

CARD = {
    "body": {"name": "Kommunstyrelsen", "kind": "kommunstyrelse", "municipality": "Norrsjö kommun"},
    "date": "2026-04-14",
    "place": "Kommunhuset, Norrsjö",
    "secretary": "Mikaela Ström",
    "justerare": ["Anna Berg"],
    "first_paragraph": 112,
    "members": [
        {"name": "Erik Svensson", "party": "S", "role": "ordförande"},
        {"name": "Anna Berg", "party": "M", "role": "vice ordförande"},
        {"name": "Lars Nyberg", "party": "C", "role": "ledamot", "present": False},
        {"name": "Sara Lund", "party": "C", "role": "ersättare", "serves": True, "replaces": "Lars Nyberg"},
        {"name": "Olof Falk", "party": "S", "role": "ersättare"},
    ],
    "officials": [{"name": "Göran Wik", "title": "kommundirektör"}],
    "arenden": [
        {"title": "Val av justerare", "proposal": ["att utse Anna Berg att justera protokollet"]},
        {"title": "Detaljplan för Sjövägen", "dnr": "KS 2026/41", "proposal": ["att anta detaljplanen"],
         "underlag": ["Tjänsteskrivelse 2026-03-30"], "send_to": ["Samhällsbyggnadsförvaltningen"]},
    ],
}


def card(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(CARD, allow_unicode=True))  # a deep copy
    data.update(changes)
    return data


def test_a_political_card_becomes_a_meeting_with_its_members_and_paragraphs():
    meeting = meeting_from_dict(card())
    pol = meeting.political
    assert meeting.title == "Kommunstyrelsen"  # the body names the meeting when the card has no title
    assert meeting.agenda == ["Val av justerare", "Detaljplan för Sjövägen"]
    assert [m.name for m in pol.serving()] == ["Erik Svensson", "Anna Berg", "Sara Lund"]
    assert [m.name for m in pol.non_serving()] == ["Olof Falk"]  # present ersättare who does not serve
    assert [p.name for p in meeting.absent] == ["Lars Nyberg"]
    assert "Göran Wik" in [p.name for p in meeting.attendees]
    assert pol.chair.name == "Erik Svensson" and pol.paragraph(2) == 113
    assert pol.arenden[1].dnr == "KS 2026/41" and pol.arenden[1].send_to == ["Samhällsbyggnadsförvaltningen"]
    assert "Anna Berg" in meeting.vocabulary()  # Whisper is told the members' names


def test_the_existing_sample_card_loads_unchanged():
    meeting = load_meeting(ROOT / "samples" / "meeting" / "meeting.yaml")
    assert meeting.political is None and len(meeting.agenda) == 8


def test_a_member_twice_is_refused_in_swedish():
    members = CARD["members"] + [{"name": "anna berg", "party": "M", "role": "ledamot"}]
    with pytest.raises(InputError, match="anna berg står två gånger bland ledamöterna"):
        meeting_from_dict(card(members=members), "kort.yaml")


def test_an_unknown_role_is_refused_with_the_allowed_roles():
    members = CARD["members"] + [{"name": "Per Ås", "party": "L", "role": "sekreterare"}]
    with pytest.raises(InputError) as e:
        meeting_from_dict(card(members=members), "kort.yaml")
    message = str(e.value)
    assert "kort.yaml" in message and "members.5.role" in message
    assert "okänd roll 'sekreterare'" in message and "ordförande, " in message and "ersättare" in message


@pytest.mark.parametrize("change, expected", [
    ({"body": {"name": "KS", "kind": "bolag"}}, "okänt slag av organ 'bolag'"),
    ({"arenden": [{"title": "X", "proposal": ["anta planen"]}]}, "börjar inte med 'att'"),
    ({"agenda": ["Punkt"]}, "inte 'attendees', 'absent' eller 'agenda'"),
    ({"members": [{"name": "Sara Lund", "party": "C", "role": "ersättare", "serves": True, "replaces": "Nils Ek"}]},
     "Sara Lund ersätter Nils Ek, som inte finns"),
    ({"members": [{"name": "Erik Svensson", "party": "S", "role": "ordförande"},
                  {"name": "Anna Berg", "party": "M", "role": "ordförande"}]}, "mer än en ordförande"),
    ({"members": [{"name": "Erik Svensson", "party": "S", "present": False, "serves": True}]},
     "inte närvarande men anges som tjänstgörande"),
])
def test_bad_cards_get_one_clear_message(change, expected):
    with pytest.raises(InputError, match=expected):
        meeting_from_dict(card(**change), "kort.yaml")


def test_a_political_card_keeps_its_matters_against_a_pasted_agenda(tmp_path):
    path = tmp_path / "kort.yaml"
    path.write_text(yaml.safe_dump(card(), allow_unicode=True), encoding="utf-8")
    agenda = tmp_path / "agenda.txt"
    agenda.write_text("1. Annat\n", encoding="utf-8")
    with pytest.raises(InputError, match="--agenda kan inte"):
        load_meeting(path, agenda_file=agenda)
    assert load_meeting(path).political.first_paragraph == 112
