"""Real browser: the whole course as a learner walks it. A prediction on every page, the tiny live run at step 4,
"Next" from page to page, then the take-home summary downloaded and opened in the browser.

Screenshots go to $COURSE_WALK_SHOTS when set (else the test's tmp folder)."""

from __future__ import annotations

import os
import re
from html import unescape
from pathlib import Path

import pytest

from pages._ui.course_content import COURSE_ORDER, STEPS, next_step

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page) -> None:
    page.wait_for_timeout(300)  # let a rerun start before waiting for it to end
    page.wait_for_selector(APP_READY)


def assert_clean(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.locator('[data-testid="stApp"]').inner_text()


def predict(page, key: str) -> str:
    """Choose the step's second option (any would do): the choice is what the summary must carry."""
    choice = STEPS[key].options[1]
    header = page.locator(f'[class*="st-key-course_header_{key}"]')
    header.locator('[data-testid="stRadio"] label').filter(has_text=choice).first.click()
    settle(page)
    return choice


def run_tiny_distillation(page) -> None:
    page.get_by_role("radio", name="Tiny model (tests)").click()
    settle(page)
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("heading", name=re.compile(r"Run [A-Za-z0-9_-]{16}: results")).wait_for(timeout=240_000)
    settle(page)


def test_a_learner_walks_the_course_and_takes_the_summary_home(page, app_url, open_page, tmp_path):
    shots = Path(os.environ.get("COURSE_WALK_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1800})
    open_page(page, app_url + "/", '[data-testid="stPageLink"]')
    chosen = {}
    key = "home"
    while True:
        expect(page.get_by_text(f"Step {STEPS[key].number} of 8 · Goals")).to_be_visible()
        chosen[key] = predict(page, key)
        if key == "distill":
            run_tiny_distillation(page)
        footer = page.locator(f'[class*="st-key-course_footer_{key}"]')
        footer.scroll_into_view_if_needed()
        expect(footer).to_contain_text(chosen[key])  # predict, then see: the answer beside the result
        if key == "distill":
            expect(footer).to_contain_text("Your run: Run ")
        assert_clean(page)
        page.screenshot(path=str(shots / f"{COURSE_ORDER.index(key) + 1:02d}-{key}.png"))
        following = next_step(key)
        if following is None:
            break
        page.get_by_role("link", name=f"Next: {following.nav_title}").click()
        page.wait_for_url(re.compile(rf"/{following.key}\b"))
        settle(page)
        key = following.key

    with page.expect_download() as download_info:
        page.locator('[data-testid="stDownloadButton"] button').last.click()
    target = tmp_path / "summary.html"
    download_info.value.save_as(target)
    summary = unescape(target.read_text(encoding="utf-8"))  # the page escapes what it shows ("teacher's" as &#x27;)
    for key, choice in chosen.items():
        assert choice in summary, key
    page.goto(target.as_uri())
    body = page.locator("body")
    expect(body).to_contain_text("Your prediction")
    expect(body).to_contain_text("Your run: Run ")
    expect(body).to_contain_text('reduction="batchmean"')
    assert page.locator("svg").count() >= 1  # the run's chart, drawn inline
    page.screenshot(path=str(shots / "10-summary.png"), full_page=True)
