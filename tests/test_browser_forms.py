"""The meeting form, the export dialog and the transcript panel in a real browser (Debian chromium via
Playwright, on the fast fake pipeline). Screenshots go to test-artifacts/browser/ (copied to docs/)."""

from __future__ import annotations

import io

import docx
import pytest

from tests.helpers.server import CARD, PASSWORD, Server, add_user, make_audio
from tests.test_browser import ARTIFACTS, browser  # noqa: F401  (the shared browser fixture)

pytestmark = pytest.mark.browser

KALLELSE = "1. Mötets öppnande\n2. Val av justerare\n3. Budget 2026\n4. Övriga frågor\n"


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    srv = Server(data).start()
    yield srv
    srv.stop()


def logged_in(browser, server):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="sv-SE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/")
    page.fill("input[name=email]", "anna@bastad.se")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    return context, page, errors


def add_member(page, name: str, party: str, role: str = "ledamot", present: bool = True) -> None:
    page.click("#mf-add-member")
    row = page.locator("#mf-members tbody tr").last
    row.locator(".name").fill(name)
    row.locator(".party").fill(party)
    row.locator(".role").fill(role)
    if not present:
        row.locator(".present").uncheck()


def test_meeting_form_justerare_reaches_the_signature_page(browser, server, tmp_path):  # noqa: F811
    context, page, errors = logged_in(browser, server)
    add_member(page, "Erik Svensson", "S", "ordförande")
    add_member(page, "Sara Lund", "C")
    add_member(page, "Karl Nilsson", "M", present=False)
    page.click("#mf-save-members")
    page.wait_for_function("() => document.getElementById('mf-members-state').textContent.includes('sparad')")

    page.fill("#mf-title", "Kommunstyrelsens arbetsutskott")
    page.fill("#mf-date", "2026-03-02")
    page.fill("#mf-number", "Protokoll nr 3 2026")
    page.fill("#mf-time", "09.00-11.00")
    page.fill("#mf-place", "Stadshuset, Båstad")
    page.fill("#mf-secretary", "Lena Ek")
    page.fill("#mf-chair", "Erik Svensson")
    page.fill("#mf-justerare-1", "Sara Lund")
    page.fill("#mf-agenda", KALLELSE)
    page.set_input_files("input[name=recording]", str(make_audio(tmp_path / "möte.flac", seconds=5)))
    page.locator("#upload").screenshot(path=str(ARTIFACTS / "meeting-form.png"))

    # a wrong field is explained in Swedish and the form keeps what was typed
    page.fill("#mf-agenda", "Mötets öppnande\n1. Budget")
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#upload-error:not([hidden])")
    assert "raden saknar punktnummer" in page.locator("#upload-error").inner_text()
    assert page.input_value("#mf-justerare-1") == "Sara Lund"
    page.fill("#mf-agenda", KALLELSE)

    page.click("#upload button[type=submit]")
    page.wait_for_url("**/meetings/*")
    page.wait_for_selector("section.item", timeout=60_000)
    assert page.locator("section.item h2").all_inner_texts() == [
        "1. Mötets öppnande", "2. Val av justerare", "3. Budget 2026", "4. Övriga frågor"]

    # the export dialog: the whole protocol as a draft, evidence as comments
    page.click("#export-open")
    page.check("#export-dialog input[name=comments]")
    page.locator("#export-dialog").screenshot(path=str(ARTIFACTS / "export-dialog.png"))
    with page.expect_download() as info:
        page.click("#export-download")
    document = docx.Document(io.BytesIO(open(info.value.path(), "rb").read()))
    texts = [p.text for p in document.paragraphs]
    page_ = texts[texts.index("Underskriftssida"):]
    assert page_[page_.index("Ordförande") + 2] == "Erik Svensson"
    assert page_[page_.index("Justeras") + 2] == "Sara Lund"
    assert "Lena Ek" in page_
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Erik Svensson, S" in cells and "Karl Nilsson, M" in texts  # present / anmält förhinder

    # approved only is refused while decisions are unreviewed: said in the dialog
    page.check("#export-dialog input[value=approved]")
    page.click("#export-download")
    page.wait_for_selector("#export-error:not([hidden])")
    assert "inte granskade" in page.locator("#export-error").inner_text()

    # the member list is the organisation's: there on the next visit
    page.goto(server.url + "/")
    page.wait_for_function("() => document.querySelectorAll('#mf-members tbody tr').length === 3")
    assert page.input_value("#mf-chair") == "Erik Svensson"  # the list's ordförande
    assert errors == []
    context.close()


def test_search_and_replace_a_name_across_items(browser, server, tmp_path):  # noqa: F811
    context, page, errors = logged_in(browser, server)
    card = tmp_path / "meeting.yaml"
    card.write_text(CARD, encoding="utf-8")
    page.click("details.yaml-card summary")
    page.set_input_files("input[name=recording]", str(make_audio(tmp_path / "möte.flac", seconds=5)))
    page.set_input_files("input[name=meeting]", str(card))
    page.click("#upload button[type=submit]")
    page.wait_for_url("**/meetings/*")
    page.wait_for_selector("section.item", timeout=60_000)

    summaries = page.locator("textarea.summary")
    summaries.nth(0).fill("Jonas Jönson öppnade mötet.")
    summaries.nth(0).press("Tab")
    summaries.nth(2).fill("Jönson tackade för mötet.")
    summaries.nth(2).press("Tab")
    page.wait_for_function("() => document.body.dataset.pending === '0'")

    page.fill("#find", "Jönson")
    page.click("#search-button")
    page.wait_for_function("() => document.getElementById('replace-result').textContent.includes('träffar')")
    assert page.locator("#replace-result").inner_text() == "2 träffar i 2 punkter."
    page.fill("#replace-with", "Jönsson")
    page.check("#add-to-glossary")
    page.click("#replace-button")
    page.wait_for_function("() => document.getElementById('replace-result').textContent.includes('ersättningar')")
    assert "2 ersättningar" in page.locator("#replace-result").inner_text()
    assert "ordlista" in page.locator("#replace-result").inner_text()
    assert page.locator("textarea.summary").nth(0).input_value() == "Jonas Jönsson öppnade mötet."
    assert page.locator("textarea.summary").nth(2).input_value() == "Jönsson tackade för mötet."

    # the transcript panel: a click on a sentence plays from there and that sentence is highlighted
    page.locator("li.sentence", has_text="Vi går till punkt 3").click()
    page.wait_for_function("() => !document.getElementById('audio').paused && document.getElementById('audio').currentTime"
                           " >= 2.0 && (document.querySelector('li.sentence.playing') || {textContent: ''}).textContent.includes('punkt 3')")
    page.evaluate("() => document.getElementById('audio').pause()")
    # below the sticky player, so the panel's heading shows in the picture
    page.evaluate("() => window.scrollTo(0, document.getElementById('transcript-panel').offsetTop - 80)")
    page.locator("#transcript-panel").screenshot(path=str(ARTIFACTS / "transcript-panel.png"))
    glossary = page.evaluate("async () => (await fetch('/api/org/glossary')).json()")
    assert glossary == ["Jönsson"]
    assert errors == []
    context.close()
