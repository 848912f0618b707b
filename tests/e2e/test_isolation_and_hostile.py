"""Real browser: two participants in two browser contexts (one uploads and runs, the other can neither see nor
open that run by its link), the owner cookie surviving a refresh, and hostile links answered in one line."""

from __future__ import annotations

import re

import pytest

from tests.bad_files import GOOD_ROWS

EXCEPTION = '[data-testid="stException"]'
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
NO_SUCH_RUN = "There is no such run on this server, or it belongs to another participant."


def _new_tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(60_000)
    return context, context.new_page()


def test_two_sessions_are_isolated(browser, app_url, open_page, tmp_path):
    data = tmp_path / "private.csv"
    data.write_text("text,label\n" + "\n".join(GOOD_ROWS) + "\n", encoding="utf-8")
    ctx_a, a = _new_tab(browser)
    ctx_b, b = _new_tab(browser)
    try:
        open_page(a, f"{app_url}/distill?preset=tiny", 'button:has-text("Run")')
        a.get_by_text("Settings: task, teacher, student, loss, training").click()
        a.get_by_text("Upload a CSV / TSV").click()
        a.locator('input[type="file"]').first.set_input_files(str(data))
        a.get_by_text("labelled rows", exact=False).first.wait_for(timeout=30_000)
        a.wait_for_selector(APP_READY)
        a.get_by_role("button", name="Run", exact=True).click()
        a.wait_for_url(re.compile(r"[?&]run=[A-Za-z0-9_-]{16}"), timeout=60_000)
        link = a.url
        public_id = re.search(r"run=([A-Za-z0-9_-]{16})", link).group(1)
        # headings name the run by its public id (the sequential one would tell how many runs the server holds)
        a.get_by_text(re.compile(rf"^Run {public_id}")).first.wait_for(timeout=60_000)
        run_title = a.get_by_text(re.compile(rf"^Run {public_id}")).first.inner_text()
        assert a.locator(EXCEPTION).count() == 0

        # B opens A's link: the same words as for an id that does not exist, and nothing of the run
        open_page(b, link)
        b.get_by_text(NO_SUCH_RUN).first.wait_for(timeout=30_000)
        body = b.inner_text("body")
        assert run_title.split(":")[0] not in body and "private" not in body and public_id not in b.url
        assert b.get_by_role("button", name="Cancel this run").count() == 0
        # nor by guessing the internal, sequential id
        open_page(b, f"{app_url}/distill?run=1")  # sequential ids are refused whatever run they would name
        b.get_by_text("was not used", exact=False).first.wait_for(timeout=30_000)
        assert b.locator(EXCEPTION).count() == 0

        # A refreshes: the owner cookie brings the run back
        a.reload()
        a.wait_for_selector(APP_READY)
        a.get_by_text(run_title.split(":")[0], exact=False).first.wait_for(timeout=60_000)
        assert a.get_by_text(NO_SUCH_RUN).count() == 0
        owner_cookies = [c for c in ctx_a.cookies() if c["name"] == "distill_lab_owner"]
        assert len(owner_cookies) == 1 and owner_cookies[0]["value"] not in link
        assert {c["value"] for c in ctx_b.cookies() if c["name"] == "distill_lab_owner"} != {owner_cookies[0]["value"]}
        cancel = a.get_by_role("button", name="Cancel this run")
        if cancel.count():
            cancel.first.click()  # leave the shared queue free for the other tests
    finally:
        ctx_a.close()
        ctx_b.close()


HOSTILE_LINKS = [
    ("/distill?run=99999999999999999999", "was not used"),
    ("/distill?run=%C2%B2", "was not used"),
    ("/distill?T=3.7&alpha=nan&preset=%3Cscript%3E", "was not used"),
    ("/layers?k=%C2%B2", "was not used"),
    ("/hinton?size=1_6", "was not used"),
    ("/temperature?temp_T=abc", "was not used"),  # a widget bound to the link: a toast says so
    ("/loss?loss_alpha=7", "was not used"),
]


@pytest.mark.parametrize("path,expected", HOSTILE_LINKS)
def test_hostile_links_get_one_line_and_no_traceback(path, expected, page, app_url, open_page):
    open_page(page, f"{app_url}{path}")
    page.get_by_text(expected, exact=False).first.wait_for(timeout=30_000)
    body = page.inner_text("body")
    assert page.locator(EXCEPTION).count() == 0 and "Traceback" not in body and "Something went wrong" not in body
