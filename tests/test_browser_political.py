"""A political body's records on the review page in a real browser (Debian chromium via Playwright, on the
fast fake pipeline): the secretary corrects a vote and a reservation, adds one, plays a motion's evidence,
and finds the edits in the exported .docx. Screenshot: test-artifacts/browser/political-review.png (docs/)."""

from __future__ import annotations

import pytest

from tests.helpers.server import ROOT, docx_text, make_audio
from tests.test_browser import ARTIFACTS, browser  # noqa: F401  (the shared browser fixture)
from tests.test_browser_forms import logged_in, server  # noqa: F401  (a fresh service per test)

pytestmark = pytest.mark.browser


def save(page, button) -> None:
    """Click a panel button; the page reloads with the saved protocol."""
    try:
        with page.expect_navigation(timeout=15_000):
            button.click()
    except Exception:  # noqa: BLE001  (say why the page did not save)
        raise AssertionError(page.inner_text("#pp-state")) from None
    page.wait_for_selector("#political-panel")
    assert page.inner_text("#pp-state") == "Sparat."


def test_edit_a_vote_and_a_reservation_and_export_them(browser, server, tmp_path):  # noqa: F811
    context, page, errors = logged_in(browser, server)
    card = tmp_path / "meeting.yaml"
    card.write_text((ROOT / "tests/fixtures/political_card.yaml").read_text(), encoding="utf-8")
    page.click("details.yaml-card summary")
    page.set_input_files("input[name=recording]", str(make_audio(tmp_path / "ks.flac", seconds=5)))
    page.set_input_files("input[name=meeting]", str(card))
    page.click("#upload button[type=submit]")
    page.wait_for_url("**/meetings/*")
    page.wait_for_selector("#political-panel", timeout=60_000)
    assert page.locator(".pp-paragraph h3").first.inner_text().startswith("§ 112 Investering i ny förskola")

    # the vote: Sara Lund's answer was not heard, so the tally does not add up and says so
    ballot = page.locator("#pp-1 .pp-record[data-kind=ballots][data-index='0']")
    assert "går inte ihop med de 4 ledamöter" in ballot.locator(".pp-flags").inner_text()
    ballot.locator("select[data-vote='Sara Lund']").select_option("nej")
    ballot.locator("select[data-vote='Johan Ek']").select_option("avstår")
    save(page, ballot.locator(".pp-save"))
    ballot = page.locator("#pp-1 .pp-record[data-kind=ballots][data-index='0']")
    assert "Räknat: 1 ja, 2 nej, 1 avstår" in ballot.locator(".pp-count").inner_text()
    assert ballot.locator(".pp-flags").count() == 0 and ballot.locator(".badge").inner_text() == "GRANSKAD"

    # the reservation: a written one is coming; and Sara Lund's, which the capture missed, is added
    reservation = page.locator("#pp-1 .pp-record[data-kind=reservations][data-index='0']")
    reservation.locator("[data-field=own_motion]").uncheck()
    reservation.locator("[data-field=written]").check()
    save(page, reservation.locator(".pp-save"))
    page.locator("#pp-1 details[data-kind=reservations] .pp-add-box summary").click()
    new = page.locator("#pp-1 .pp-new[data-kind=reservations]")
    new.locator("[data-field=member]").fill("Sara Lund")
    new.locator("[data-field=own_motion]").check()
    save(page, new.locator(".pp-add"))
    assert page.locator("#pp-1 .pp-record[data-kind=reservations]:not(.pp-new)").count() == 2

    # a wrong name is refused on the page and nothing is lost
    page.locator("#pp-1 details[data-kind=notes] .pp-add-box summary").click()
    new = page.locator("#pp-1 .pp-new[data-kind=notes]")
    new.locator("[data-field=member]").fill("Kalle Anka")
    new.locator("[data-field=text]").fill("En anteckning.")
    new.locator(".pp-add").click()
    page.wait_for_function("() => document.getElementById('pp-state').textContent.startsWith('Inte sparat')")
    assert "finns inte bland organets ledamöter" in page.inner_text("#pp-state")
    assert new.locator("[data-field=text]").input_value() == "En anteckning."

    # a motion's evidence plays the recording from its moment
    page.locator("#pp-1 .pp-record[data-kind=motions] button.evidence").first.click()
    page.wait_for_function("() => !document.getElementById('audio').paused"
                           " && document.getElementById('audio').currentTime >= 0.5")
    page.evaluate("() => document.getElementById('audio').pause()")

    page.evaluate("() => { document.getElementById('player').style.position = 'static';"  # not over the picture
                  " window.scrollTo(0, document.getElementById('pp-1').offsetTop - 20); }")
    page.locator("#pp-1").screenshot(path=str(ARTIFACTS / "political-review.png"))

    with page.expect_download() as info:
        page.click("#export")
    text = docx_text(info.value.path().read_bytes())
    assert "Omröstningsresultat: 1 ja, 2 nej, 1 avstår." in text
    assert "Sara Lund\nC\nNej" in text and "Johan Ek\nS\nAvstår" in text  # the omröstningslista
    assert "Anna Berg (M) reserverar sig mot beslutet. En skriftlig reservation lämnas före justeringen." in text
    assert "Sara Lund (C) reserverar sig mot beslutet till förmån för eget yrkande." in text
    assert errors == []
    context.close()
