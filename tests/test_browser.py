"""End to end in a real browser (Debian chromium via Playwright): log in, upload, wait for the draft,
play an item, accept / edit / reject decisions, edit a summary, reload, export, read the .docx.

`test_review_real_pipeline` runs the real pipeline (Whisper + segmentation + drafter) on the sample
meeting and takes minutes; `test_review_fast` runs the same flow on the fake pipeline
(tests/helpers/fake_pipeline.py), so the UI can be checked in seconds. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import pytest

from tests.helpers.server import CARD, PASSWORD, ROOT, Server, add_user, docx_text, make_audio

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = ROOT / "samples" / "meeting"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium saknas (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _saved(page) -> None:
    """Wait until autosave has nothing pending."""
    # Functions, not expressions: the page's CSP forbids eval, which Playwright uses for expressions.
    page.wait_for_function("() => document.body.dataset.pending === '0'", timeout=30_000)
    assert page.locator("#save-state").inner_text() == "Alla ändringar sparade"


def _decisions(page):
    """All decision rows, their texts, and the indexes of texts found nowhere else on the page —
    a rejected one of those must be absent from the export, so its absence means something."""
    decisions = page.locator("li.decision")
    texts = [decisions.nth(i).locator("textarea").input_value() for i in range(decisions.count())]
    others = [page.locator("textarea.summary").nth(i).input_value() for i in range(page.locator("textarea.summary").count())]
    unique = [i for i, t in enumerate(texts)
              if not any(t in o for j, o in enumerate(texts) if j != i) and not any(t in o for o in others)]
    return decisions, texts, unique


def review_flow(browser, server: Server, recording: Path, card: Path, *, ready_timeout_s: float, shots: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="sv-SE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # log in
    page.goto(server.url + "/")
    assert "/login" in page.url
    page.fill("input[name=email]", "anna@bastad.se")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")

    # upload the recording and the meeting card
    page.set_input_files("input[name=recording]", str(recording))
    page.set_input_files("input[name=meeting]", str(card))
    page.click("#upload button[type=submit]")
    page.wait_for_url("**/meetings/*")
    meeting_url = page.url
    if page.locator("#job").count():
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / f"{shots}-progress.png"))
    # the progress page polls and reloads into the review page when the draft is ready
    page.wait_for_selector("section.item, #job-error:not([hidden])", timeout=ready_timeout_s * 1000)
    assert page.locator("section.item").count() > 0, page.locator("#job-error").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"{shots}-review-page.png"))

    # play the first item that has a time: the player jumps to its start
    play = page.locator("button.play").first
    start = float(play.get_attribute("data-seek"))
    play.click()
    page.wait_for_function(f"() => (a => !a.paused && a.currentTime >= {start})(document.getElementById('audio'))",
                           timeout=30_000)
    page.evaluate("() => document.getElementById('audio').pause()")

    decisions, texts, unique = _decisions(page)
    if len(texts) < 3 or len(unique) < 3:
        item = page.locator("section.item").first
        item.locator(".new-decision").fill("att stryka detta testförslag om parkeringsplatser")
        count = page.locator("li.decision").count()
        item.locator("button.add").click()  # the item is redrawn in place, the page is not reloaded
        page.wait_for_function(f"() => document.querySelectorAll('li.decision').length > {count}")
        decisions, texts, unique = _decisions(page)
    assert len(texts) >= 3
    accept_i = 0
    edit_i = next(i for i in range(len(texts)) if i != accept_i)
    reject_i = next(i for i in reversed(unique) if i not in (accept_i, edit_i))
    rejected_text = texts[reject_i]
    edited_text = "att uppdra åt sekretariatet att redigera detta beslut före den 1 mars"
    summary_text = "Sammanfattning skriven av sekreteraren: diskussionen om <b>AI</b> fortsätter."

    decisions.nth(accept_i).locator("button.accept").click()
    _saved(page)
    decisions.nth(edit_i).locator("textarea").fill(edited_text)
    decisions.nth(edit_i).locator("textarea").press("Tab")  # leaving the field saves at once
    _saved(page)
    decisions.nth(reject_i).locator("button.reject").click()
    _saved(page)
    summary = page.locator("textarea.summary").first
    summary.fill(summary_text)
    page.wait_for_timeout(1200)  # autosave fires by itself after a pause in typing
    _saved(page)
    assert decisions.nth(accept_i).get_attribute("data-status") == "accepted"
    assert decisions.nth(edit_i).get_attribute("data-status") == "edited"
    assert decisions.nth(reject_i).get_attribute("data-status") == "rejected"

    # reload: everything persisted
    page.goto(meeting_url)
    page.wait_for_selector("section.item")
    decisions = page.locator("li.decision")
    assert decisions.nth(accept_i).get_attribute("data-status") == "accepted"
    assert decisions.nth(edit_i).locator("textarea").input_value() == edited_text
    assert decisions.nth(edit_i).get_attribute("data-status") == "edited"
    assert decisions.nth(reject_i).get_attribute("data-status") == "rejected"
    assert page.locator("textarea.summary").first.input_value() == summary_text
    page.screenshot(path=str(ARTIFACTS / f"{shots}-review-page-after.png"))
    edited_item = decisions.nth(edit_i).locator("xpath=ancestor::section[contains(@class, 'item')]")
    edited_item.screenshot(path=str(ARTIFACTS / f"{shots}-review-item.png"))

    # export: the downloaded Word file has the edits and not the rejected decision
    with page.expect_download() as info:
        page.click("#export")
    path = ARTIFACTS / f"{shots}-protokoll.docx"
    info.value.save_as(str(path))
    text = docx_text(path.read_bytes())
    assert edited_text in text
    assert summary_text in text
    assert texts[accept_i] in text
    assert rejected_text not in text
    # the meeting's status follows the review: as many items done as the review page marks done
    done, total = page.locator("#punkter a.done").count(), page.locator("section.item").count()
    page.goto(server.url + "/")
    status = page.locator(f"tr[data-id='{meeting_url.rsplit('/', 1)[1]}'] .status").inner_text()
    assert status == ("Granskad" if done == total else f"Granskas ({done}/{total} punkter klara)" if done
                      else "Klar för granskning")
    page.screenshot(path=str(ARTIFACTS / f"{shots}-meetings.png"))
    assert errors == []
    context.close()


def test_review_fast(browser, tmp_path):
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    card = tmp_path / "meeting.yaml"
    card.write_text(CARD, encoding="utf-8")
    server = Server(data, env={"FAKE_STAGE_SECONDS": "1"}).start()
    try:
        review_flow(browser, server, make_audio(tmp_path / "möte.flac", seconds=5), card,
                    ready_timeout_s=60, shots="fast")
    finally:
        server.stop()


@pytest.mark.slow
def test_review_real_pipeline(browser, tmp_path):
    recording, card = SAMPLE / "recording.flac", SAMPLE / "meeting.yaml"
    if not (recording.exists() and card.exists()):
        pytest.skip("samples/meeting saknas")
    if importlib.util.find_spec("pipelines.asr.transcribe") is None:
        pytest.skip("pipelines/asr/transcribe.py saknas")
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad")
    server = Server(data, pipeline="pipelines.run").start()  # the embedded models
    try:
        review_flow(browser, server, recording, card, ready_timeout_s=15 * 60, shots="real")
    finally:
        server.stop()
    for name in ("review-page", "review-item"):
        shutil.copy(ARTIFACTS / f"real-{name}{'-after' if name == 'review-page' else ''}.png",
                    ARTIFACTS / f"{name}.png")
