"""Real browser: the trade-offs page draws its charts from the reference runs, with no exception, and keeps the budget in the URL."""

from __future__ import annotations

import re

EXCEPTION = '[data-testid="stException"]'
CHART = ".js-plotly-plot"
LAST = 'text="Where the reference runs come from"'


def test_tradeoffs_page_draws_its_charts(page, app_url, open_page, tmp_path):
    open_page(page, f"{app_url}/tradeoffs", LAST)
    page.locator(CHART).nth(3).wait_for(state="visible")
    assert page.locator(EXCEPTION).count() == 0
    body = page.inner_text("body")
    assert "Traceback" not in body
    for heading in ("The DistilBERT claim, checked", "Quantisation: 440 MB to under 50 MB?", "The frontier: accuracy against latency",
                    "Cost at scale", "When to distil"):
        assert heading in body
    assert "Measure on this machine" in body and "Sanh et al. 2019" in body
    # parameters, sizes, frontier and cost: four charts before anything is measured
    assert page.locator(CHART).count() >= 4
    titles = page.locator(".gtitle").all_text_contents()
    assert any(t.startswith("Accuracy against batch-1 latency") for t in titles), titles
    assert any(t.startswith("Monthly cost against traffic") for t in titles), titles
    page.screenshot(path=str(tmp_path / "tradeoffs.png"), full_page=True)


def test_the_budget_travels_in_the_url(page, app_url, open_page):
    open_page(page, f"{app_url}/tradeoffs?trade_budget=50", LAST)
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_text("meet the 50 ms budget").wait_for()
    assert re.search(r"trade_budget=50", page.url)


def test_measure_on_this_machine_fills_the_table(page, app_url, open_page):
    # the browser tests' server reads the tests' extra presets: tiny models stand in for BERT-base and friends, so this takes seconds
    open_page(page, f"{app_url}/tradeoffs", LAST)
    page.get_by_role("button", name=re.compile("Measure on this machine|Measure again")).click()
    page.get_by_text(re.compile(r"Measured .* CPU cores")).first.wait_for(timeout=180_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    assert page.locator(EXCEPTION).count() == 0
    body = page.inner_text("body")
    assert "Traceback" not in body and "could not finish" not in body
    assert "Nothing measured yet on this server" not in body  # the measured table replaced the prompt
