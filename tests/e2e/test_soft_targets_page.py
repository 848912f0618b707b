"""Real browser: the soft-targets page draws the shipped experiment without a click."""

EXCEPTION = '[data-testid="stException"]'


def test_soft_targets_page_shows_the_reference_experiment(page, app_url, open_page):
    open_page(page, f"{app_url}/soft_targets", 'button:has-text("Run the experiment")')
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60_000)
    body = page.inner_text("body")
    assert "What soft targets add" in body and "labels per class" in body
    assert "labelled rows only" in body  # Hinton's comparison, soft targets on the labelled rows alone
    assert page.locator(EXCEPTION).count() == 0 and "Traceback" not in body
    page.get_by_text("Full: 3 seeds", exact=False).click()  # the live presets answer
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    assert page.locator(EXCEPTION).count() == 0
