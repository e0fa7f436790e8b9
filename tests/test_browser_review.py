"""The review page in a real browser (Debian chromium via Playwright) as a secretary repairs a draft:
move a wrong boundary, redraft after editing a decision, edit from two tabs, meet a conflict, lose the
session. The fake pipeline's draft has the segmenter's classic mistake (FAKE_WRONG_SPLIT): item 2 holds
item 3's talk and decision, item 3 is empty. None of it reloads the page. Screenshots go to docs/.
"""

from __future__ import annotations

import pytest

from tests.helpers.server import ROOT, make_audio
from tests.helpers.server import ready_meeting as uploaded_and_ready
from tests.test_browser import _saved, browser  # noqa: F401  (the chromium fixture)
from tests.test_review_service import server  # noqa: F401  (the server whose draft has the wrong split)

pytestmark = pytest.mark.browser
DOCS = ROOT / "docs"


@pytest.fixture()
def anna(server):  # noqa: F811  (per test: one of them logs out)
    return server.client("anna@bastad.se")


@pytest.fixture()
def meeting(anna, tmp_path) -> str:
    return uploaded_and_ready(anna, make_audio(tmp_path / "möte.flac", seconds=3.0))


@pytest.fixture()
def context(browser, server, anna):  # noqa: F811
    """A browser logged in with Anna's session (the same one the API client holds)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.add_cookies([{"name": c.name, "value": c.value, "url": server.url} for c in anna.cookies.jar])
    yield context
    context.close()


def open_review(context, server, meeting: str):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}/meetings/{meeting}")
    page.wait_for_selector("section.item")
    page.evaluate("() => { window.notReloaded = true; }")  # gone if anything reloads the page
    return page, errors


def still_same_page(page) -> bool:
    return page.evaluate("() => window.notReloaded === true")


def shot(locator, name: str) -> None:
    """A screenshot for docs/, the sticky player kept out of the item's picture."""
    page = locator.page
    page.evaluate("() => { document.getElementById('player').style.position = 'static'; }")
    locator.screenshot(path=str(DOCS / name))
    page.evaluate("() => { document.getElementById('player').style.position = ''; }")


def decision_texts(section) -> list[str]:
    boxes = section.locator("li.decision textarea.decision-text")
    return [boxes.nth(i).input_value() for i in range(boxes.count())]


def test_moving_a_boundary_gives_the_empty_item_its_talk_and_play_button(context, server, meeting):
    page, errors = open_review(context, server, meeting)
    three = page.locator("#punkt-3")
    assert three.locator("button.play").count() == 0
    assert "Ingen diskussion hittades" in three.inner_text()
    assert "att notera informationen under punkt 3" in decision_texts(page.locator("#punkt-2"))

    three.locator("details.bounds summary").click()
    three.locator("input.bound[data-bound=start]").fill("00:02")
    three.locator("input.bound[data-bound=start]").press("Tab")
    three.locator("input.bound[data-bound=end]").fill("00:03")
    three.locator("input.bound[data-bound=end]").press("Tab")
    three.locator("button.move-bounds").click()
    page.wait_for_selector("#punkt-3 button.play")
    _saved(page)

    three = page.locator("#punkt-3")
    assert three.locator("button.play").get_attribute("data-seek") == "2.0"
    assert "Vi noterar punkt 3." in three.locator("textarea.transcript").input_value()
    assert "punkt 3" not in page.locator("#punkt-2 textarea.transcript").input_value()
    assert decision_texts(three) == ["att notera informationen under punkt 3"]
    assert "Ingen diskussion hittades" not in three.inner_text()
    assert "att notera informationen under punkt 3" not in decision_texts(page.locator("#punkt-2"))
    assert page.locator("#punkter a[data-number='3'] .progress").inner_text() == "0/1 granskade"
    three.locator("details.bounds summary").click()
    shot(three, "review-boundary.png")

    # the play button plays the item and toggles to pause
    three.locator("button.play").click()
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert "Pausa" in three.locator("button.play").inner_text()
    three.locator("button.play").click()
    page.wait_for_function("() => document.getElementById('audio').paused")
    assert still_same_page(page) and errors == []


def test_redraft_keeps_an_edited_decision_without_a_duplicate(context, server, meeting):
    page, errors = open_review(context, server, meeting)
    one = page.locator("#punkt-1")
    edited = "att notera informationen om mötets öppnande med tack"
    one.locator("li.decision[data-id=d1a] textarea").fill(edited)
    one.locator("li.decision[data-id=d1a] button.save-edit").click()
    page.wait_for_function("() => document.querySelector('li.decision[data-id=d1a] .save-edit').textContent === 'Sparat ✓'")
    _saved(page)
    one.locator("button.redraft").click()
    page.wait_for_function("() => document.querySelector('#punkt-1 textarea.summary').value.startsWith('Omskriven')")
    _saved(page)

    one = page.locator("#punkt-1")
    texts = decision_texts(one)
    assert texts == [edited, "att godkänna den rättade texten"]  # the misheard clause is not offered again
    assert one.locator("li.decision").nth(0).get_attribute("data-status") == "edited"
    assert one.locator("li.decision").nth(1).get_attribute("data-status") == "suggested"
    assert "att notera informationen under punkt 1" in one.locator("p.drafted").inner_text()  # the AI's wording
    shot(one, "review-redraft.png")

    # Enter adds a decision, in place
    one.locator("input.new-decision").fill("att tacka ordföranden")
    one.locator("input.new-decision").press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#punkt-1 li.decision').length === 3")
    assert still_same_page(page) and errors == []


def test_two_pages_editing_different_items_both_save_and_see_each_other(context, server, meeting):
    first, errors_first = open_review(context, server, meeting)
    second, errors_second = open_review(context, server, meeting)
    first.locator("#punkt-1 textarea.summary").fill("Skrivet i första fliken.")
    second.locator("#punkt-2 textarea.summary").fill("Skrivet i andra fliken.")
    first.locator("#punkt-1 textarea.summary").press("Tab")
    second.locator("#punkt-2 textarea.summary").press("Tab")
    _saved(first)
    _saved(second)
    # each sees the other's item by polling, without a reload
    second.wait_for_function(
        "() => document.querySelector('#punkt-1 textarea.summary').value === 'Skrivet i första fliken.'", timeout=15_000)
    first.wait_for_function(
        "() => document.querySelector('#punkt-2 textarea.summary').value === 'Skrivet i andra fliken.'", timeout=15_000)
    first.screenshot(path=str(DOCS / "review-two-tabs.png"))
    for page in (first, second):
        page.reload()
        page.wait_for_selector("section.item")
        assert page.locator("#punkt-1 textarea.summary").input_value() == "Skrivet i första fliken."
        assert page.locator("#punkt-2 textarea.summary").input_value() == "Skrivet i andra fliken."
    assert errors_first == [] and errors_second == []


def test_a_conflict_on_the_same_field_is_shown_beside_it(context, server, meeting, anna):
    page, errors = open_review(context, server, meeting)
    page.route("**/changes?*", lambda route: route.abort())  # a tab that has not looked for changes yet
    m = f"/api/meetings/{meeting}"
    opened = anna.get(m + "/protocol").json()["version"]
    assert anna.patch(m + "/items/1", json={"summary": "Sekreterarens kollegas text.", "version": opened}).status_code == 200

    summary = page.locator("#punkt-1 textarea.summary")
    summary.fill("Min text om öppnandet.")
    summary.press("Tab")
    box = page.locator("#punkt-1 .conflict")
    box.wait_for()
    assert box.locator("textarea.theirs").input_value() == "Sekreterarens kollegas text."
    assert summary.input_value() == "Min text om öppnandet."  # mine is kept in the field
    assert "konflikt" in page.locator("#save-state").inner_text()
    shot(page.locator("#punkt-1"), "review-conflict.png")

    # another item still saves while the conflict waits
    page.locator("#punkt-2 textarea.summary").fill("Punkt två går att spara.")
    page.locator("#punkt-2 textarea.summary").press("Tab")
    page.wait_for_function("() => document.body.dataset.pending === '0'")
    assert anna.get(m + "/protocol").json()["items"][1]["summary"] == "Punkt två går att spara."

    box.locator("button.keep-mine").click()
    _saved(page)
    assert page.locator("#punkt-1 .conflict").count() == 0
    assert anna.get(m + "/protocol").json()["items"][0]["summary"] == "Min text om öppnandet."
    assert still_same_page(page) and errors == []


def test_a_failed_save_is_shown_as_failed_and_keeps_the_text(context, server, meeting, anna):
    page, errors = open_review(context, server, meeting)
    assert anna.post("/api/logout").status_code == 204  # the session ends (as in another tab)
    # the page notices by itself, before anything is typed (nothing is unsaved yet)
    page.wait_for_function("() => document.getElementById('save-state').textContent.startsWith('Du är utloggad')",
                           timeout=15_000)
    assert not page.locator("#retry").is_visible()
    summary = page.locator("#punkt-2 textarea.summary")
    summary.fill("Text skriven efter utloggningen.")
    summary.press("Tab")
    page.wait_for_function("() => document.body.dataset.failed === '1' && document.body.dataset.pending === '0'")
    state = page.locator("#save-state").inner_text()
    assert state.startswith("Inte sparat") and "utloggad" in state
    assert "Alla ändringar sparade" not in state
    assert summary.input_value() == "Text skriven efter utloggningen."
    assert page.locator("#retry").is_visible()
    summary.scroll_into_view_if_needed()
    page.screenshot(path=str(DOCS / "review-failed-save.png"))  # the bar and the field that kept the text
    assert still_same_page(page) and errors == []


def test_the_ai_draft_beside_the_summary_can_be_restored_and_the_history_shows_the_change(context, server, meeting,
                                                                                         anna):
    page, errors = open_review(context, server, meeting)
    two = page.locator("#punkt-2")
    two.locator("textarea.summary").fill("Mötet diskuterade AI i kommunerna.")
    two.locator("textarea.summary").press("Tab")
    _saved(page)
    two.locator("details.versus summary").click()
    assert two.locator(".diff del").first.inner_text() == "Sammanfattning 2."
    assert two.locator(".diff ins").first.inner_text() == "Mötet diskuterade AI i kommunerna."
    two.locator("details.history summary").click()
    two.locator("details.history li").first.wait_for()
    assert "Text ändrad" in two.locator("details.history li").first.inner_text()
    shot(two, "review-draft-diff.png")

    two.locator("button.restore").click()
    _saved(page)
    assert two.locator("textarea.summary").input_value() == "Sammanfattning 2."
    assert anna.get(f"/api/meetings/{meeting}/protocol").json()["items"][1]["summary"] == "Sammanfattning 2."
    assert still_same_page(page) and errors == []


def test_keyboard_review_and_next_unreviewed(context, server, meeting):
    page, errors = open_review(context, server, meeting)
    page.locator("#next-unreviewed").click()  # the first item with proposals, its first proposal focused
    focused = page.evaluate("() => document.activeElement.closest('li.decision').dataset.id")
    assert focused == "d1a"
    page.keyboard.press("Alt+g")
    page.wait_for_function("() => document.querySelector('li.decision[data-id=d1a]').dataset.status === 'accepted'")
    page.keyboard.press("Alt+s")  # the item's next proposal
    page.wait_for_function("() => document.querySelector('li.decision[data-id=d1b]').dataset.status === 'rejected'")
    _saved(page)
    assert page.locator("#punkter a[data-number='1'] .progress").inner_text() == "2/2 granskade"
    page.keyboard.press("Alt+n")
    assert page.evaluate("() => document.activeElement.closest('section.item').dataset.number") == "2"
    # the item's heading is not hidden under the sticky player
    heading_top = page.locator("#punkt-2 h2").bounding_box()["y"]
    player = page.locator("#player").bounding_box()
    assert heading_top >= player["y"] + player["height"]
    assert still_same_page(page) and errors == []
