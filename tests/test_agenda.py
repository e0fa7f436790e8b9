"""An agenda as secretaries paste it from a kallelse: numbered many ways, under a heading, or as bullets."""

import pytest

from pipelines.errors import InputError
from pipelines.meeting_card import parse_agenda

ITEMS = ["Mötets öppnande", "Val av justerare", "Budget 2027"]


@pytest.mark.parametrize("text", [
    "1. Mötets öppnande\n2. Val av justerare\n3. Budget 2027",
    "1) Mötets öppnande\n2) Val av justerare\n3) Budget 2027",
    "§ 12 Mötets öppnande\n§ 13 Val av justerare\n§ 14 Budget 2027",
    "Punkt 1: Mötets öppnande\nPunkt 2: Val av justerare\nPunkt 3: Budget 2027",
    "Ärende 1 Mötets öppnande\nÄrende 2 Val av justerare\nÄrende 3 Budget 2027",
    "Dagordning\n\n1. Mötets öppnande\n2. Val av justerare\n3. Budget 2027\n",
    "Förslag till dagordning:\n1.\tMötets öppnande\n2.\tVal av justerare\n3.\tBudget 2027",
    "- Mötets öppnande\n- Val av justerare\n- Budget 2027",
    "• Mötets öppnande\n• Val av justerare\n• Budget 2027",
])
def test_pasted_agendas_give_the_items_in_order(text):
    assert parse_agenda(text) == ITEMS


def test_a_wrapped_title_continues_and_a_stray_line_is_refused_in_words():
    assert parse_agenda("1. Svar på medborgarförslag om utegym\n   i Folkparken\n2. Budget 2027") == [
        "Svar på medborgarförslag om utegym i Folkparken", "Budget 2027"]
    with pytest.raises(InputError, match="saknar punktnummer"):
        parse_agenda("Hej allihop\n1. Mötets öppnande")
