"""The justering in a real browser (Debian chromium via Playwright): item 1 is justerat on its own
(omedelbar justering); the secretary sends the reviewed draft for justering, a justerare comments on one
clause, the secretary resolves it, the chair and the justerare justera, edits are then refused, the
signed PDF/A verifies with `protokoll verify`, the anslagsbevis carries the dates of a justering on
Friday 28 April 2028 (Monday 1 May is a holiday), and the web copy masks what the secretary confirms.

The draft comes from the fake pipeline (tests/helpers/fake_pipeline.py); the screenshot of the justering
view goes to test-artifacts/browser/justering.png.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers.server import PASSWORD, ROOT, Server, docx_text, make_audio, ready_meeting
from tests.test_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)
from tests.test_lifecycle import FRIDAY, add_user

pytestmark = pytest.mark.browser

CARD = """\
title: Kommunstyrelsen
date: 2028-04-25
secretary: Anna Andersson
justerare: [Lisa Holm]
agenda:
  - Mötets öppnande
  - Budget 2029
"""


def log_in(browser, server: Server, email: str):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True, locale="sv-SE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    return context, page, errors


def act(page, selector: str) -> None:
    """Click and wait for the page to load again (every action reloads it)."""
    with page.expect_navigation():
        page.click(selector)


def test_justering_in_the_browser(browser, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data"
    add_user(data, "anna@bastad.se", "Båstad", name="Anna Andersson")
    add_user(data, "erik@bastad.se", "Båstad", "granskare", "Erik Svensson")
    add_user(data, "lisa@bastad.se", "Båstad", "granskare", "Lisa Holm")
    server = Server(data, env={"PROTOKOLL_TODAY": FRIDAY}).start()
    try:
        api = server.client("anna@bastad.se")
        meeting = ready_meeting(api, make_audio(tmp_path / "möte.flac", seconds=3), CARD)
        base = f"/api/meetings/{meeting}"
        summary = "Lisa Holm redogjorde för skrivelsen från Per Ek, Storgatan 12, personnummer 811218-9876."
        api.patch(base + "/items/2", json={"summary": summary, "version": api.get(base + "/protocol").json()["version"]})
        for item in api.get(base + "/protocol").json()["items"]:  # the review itself is tests/test_browser.py's
            for d in item["decisions"]:
                version = api.get(base + "/protocol").json()["version"]
                api.patch(f"{base}/decisions/{d['id']}", json={"status": "accepted", "version": version})
        url = f"{server.url}/meetings/{meeting}/justering"

        # the secretary marks the draft ready for justering
        anna, secretary, errors = log_in(browser, server, "anna@bastad.se")
        secretary.goto(f"{server.url}/meetings/{meeting}")
        act(secretary, "#to-justering")
        # omedelbar justering of item 1, by the chair and justerare chosen in the form
        secretary.select_option("select[name=chair]", "erik@bastad.se")
        secretary.check("input[name=justerare][value='lisa@bastad.se']")
        act(secretary, "#punkt-1 .send-item")
        assert "väntar på justering" in secretary.locator("#punkt-1 .item-justering").inner_text()
        assert secretary.locator("#punkt-2 .send-item").count() == 1
        secretary.select_option("select[name=chair]", "erik@bastad.se")
        secretary.check("input[name=justerare][value='lisa@bastad.se']")
        act(secretary, "#send button[type=submit]")
        assert secretary.locator("#stage").get_attribute("data-stage") == "klar"
        assert secretary.locator("tr.signer").count() == 2

        # a justerare logs in, lands on the justering page and comments on one clause
        lisa, justerare, lisa_errors = log_in(browser, server, "lisa@bastad.se")
        justerare.goto(f"{server.url}/meetings/{meeting}")
        assert justerare.url == url  # a reviewer never sees the editing page
        act(justerare, "#punkt-1 .sign-item")
        assert justerare.locator("#punkt-1 .sign-item").count() == 0
        clause = justerare.locator("#punkt-2 li.clause").first
        clause_text = clause.locator(".clause-text").inner_text()
        clause.locator("button.comment-on").click()
        clause.locator(".comment-form textarea").fill("Beslutades verkligen detta? Hör inspelningen.")
        act(justerare, "#punkt-2 .send-comment")
        comment = justerare.locator("li.comment").first
        assert "Hör inspelningen" in comment.inner_text() and clause_text in comment.locator("q.quote").inner_text()
        assert justerare.locator("li.comment .resolve").count() == 0  # only the secretary resolves

        # the secretary sees it in the list and resolves it
        secretary.reload()
        secretary.locator("li.comment .reply").fill("Ja, 00:01 i inspelningen.")
        act(secretary, "li.comment .resolve")
        assert "Åtgärdad av anna@bastad.se" in secretary.locator("li.comment").inner_text()

        # chair and justerare justera
        erik, chair, erik_errors = log_in(browser, server, "erik@bastad.se")
        chair.goto(url)
        act(chair, "#punkt-1 .sign-item")
        assert "justerad 2028-04-28" in chair.locator("#punkt-1 .item-justering").inner_text()
        act(chair, "#sign")
        assert chair.locator("tr.signer.signed").count() == 1 and chair.locator("#sign").count() == 0
        justerare.goto(url)
        justerare.screenshot(path=str(ARTIFACTS / "justering.png"), full_page=True)  # the justerare's view
        act(justerare, "#sign")
        assert justerare.locator("#stage").get_attribute("data-stage") == "justerat"

        # edits are refused now; the secretary's review link leads to the justering page
        version = api.get(base + "/protocol").json()["version"]
        r = api.patch(base + "/items/1", json={"summary": "ändrad efteråt", "version": version})
        assert r.status_code == 423 and "rättelse" in r.json()["detail"]
        secretary.goto(f"{server.url}/meetings/{meeting}")
        assert secretary.url == url and secretary.locator("tr.signer.signed").count() == 2

        # the signed PDF/A, downloaded from the page, verifies
        with secretary.expect_download() as info:
            secretary.click("#signed")
        signed = tmp_path / "justerat.pdf"
        info.value.save_as(str(signed))
        done = subprocess.run([sys.executable, "-m", "service.cli", "verify", str(signed), "--cert",
                               str(data / "certs" / "1" / "cert.pem")], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "oförändrat" in done.stdout and "Erik Svensson (ordförande" in done.stdout

        # the anslag: the date offered is Tuesday 2 May (Monday 1 May is a holiday), down three weeks later
        assert secretary.locator("#anslag input[name=up]").input_value() == "2028-05-02"
        assert secretary.locator("#anslag input[name=up]").get_attribute("max") == "2028-05-02"
        secretary.fill("#anslag input[name=place]", "Kommunkansliet, Båstad")
        act(secretary, "#anslag button[type=submit]")
        bevis = secretary.locator("#anslagsbevis")
        assert bevis.locator("#justered").inner_text() == "2028-04-28"
        assert bevis.locator("#up").inner_text() == "2028-05-02"
        assert bevis.locator("#down").inner_text() == "2028-05-23"
        assert bevis.locator("#place").inner_text() == "Kommunkansliet, Båstad"
        assert "Kommunstyrelsen" in bevis.inner_text() and "2028-04-25" in bevis.inner_text()
        secretary.screenshot(path=str(ARTIFACTS / "justering-anslag.png"), full_page=True)

        # the web copy: the secretary confirms the masks the page proposes (name, address, personnummer)
        findings = secretary.locator("#publication ul.findings li")
        assert sorted(findings.nth(i).locator("label").inner_text().strip().split(" ", 1)[1] for i in range(findings.count())) \
            == ["811218-9876", "Per Ek", "Storgatan 12"]
        assert secretary.locator("#web-copy").count() == 0
        act(secretary, "#confirm-masks")
        with secretary.expect_download() as info:
            secretary.click("#web-copy")
        web = docx_text(open(info.value.path(), "rb").read())
        assert "Lisa Holm redogjorde för skrivelsen från [namn], [adress], personnummer [personnummer]." in web
        assert errors == [] and lisa_errors == [] and erik_errors == []
        for context in (anna, lisa, erik):
            context.close()
    finally:
        server.stop()
