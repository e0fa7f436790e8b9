"""The web copy: personal data found and masked, members and staff of the card kept, the original untouched."""

from __future__ import annotations

from pathlib import Path

from pipelines.meeting_card import load_meeting
from pipelines.models import Decision, ItemDraft, Protocol
from pipelines.publication import find_personal_data, masked

CARD = Path(__file__).resolve().parent.parent / "samples" / "political" / "meeting.yaml"


def protocol() -> Protocol:
    meeting = load_meeting(CARD)
    item = ItemDraft(
        number=1, title="Ansökan om bygglov",
        summary=("Sökanden Karin Olsson, 811218-9876, bor på Storgatan 12, 269 33 Norrsjö och nås på 070-123 45 67. "
                 "Anna Berg (M) yrkade bifall. Dnr KS 2026/41 behandlades den 2026-04-14, kostnad 1 250 000 kr."),
        decisions=[Decision(id="d1", text="att bevilja bygglov för fastigheten på Storgatan 12 enligt ansökan",
                            status="accepted")])
    return Protocol(meeting=meeting, items=[item])


def test_personnummer_and_address_masked_member_kept():
    original = protocol()
    findings = find_personal_data(original)
    by_kind = {(f.kind, f.text) for f in findings}
    assert ("personnummer", "811218-9876") in by_kind
    assert ("adress", "Storgatan 12, 269 33 Norrsjö") in by_kind
    assert ("telefon", "070-123 45 67") in by_kind
    assert ("namn", "Karin Olsson") in by_kind
    assert ("adress", "Storgatan 12") in by_kind  # in the decision as well
    # a member of the card, a diarienummer, a date and an amount are not personal data to mask
    assert not [f for f in findings if "Anna Berg" in f.text or "2026" in f.text or "250" in f.text]
    web = masked(original, findings)
    text = web.items[0].summary
    assert "811218-9876" not in text and "Storgatan" not in text and "070-123" not in text and "Karin" not in text
    assert "[personnummer]" in text and "[adress]" in text and "[telefonnummer]" in text and "[namn]" in text
    assert "Anna Berg (M) yrkade bifall" in text and "KS 2026/41" in text
    assert web.items[0].decisions[0].text == "att bevilja bygglov för fastigheten på [adress] enligt ansökan"
    assert "811218-9876" in original.items[0].summary  # the original is untouched


def test_only_confirmed_masks_apply_and_luhn_filters_numbers():
    original = protocol()
    original.items[0].summary += " Ärende 811218-9875 är ett löpnummer."  # fails the Luhn check
    findings = find_personal_data(original)
    assert not [f for f in findings if f.text == "811218-9875"]
    only_pnr = [f for f in findings if f.kind == "personnummer"]
    web = masked(original, only_pnr)
    assert "[personnummer]" in web.items[0].summary and "Storgatan 12" in web.items[0].summary
    assert [f.id for f in find_personal_data(original)] == [f.id for f in findings]  # stable ids
