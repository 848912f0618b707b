"""Real browser: the Inside-the-model page draws its map, experiments, CKA and attention without a click, and answers its controls."""

EXCEPTION = '[data-testid="stException"]'


def test_layers_page_renders_and_answers(page, app_url, open_page):
    open_page(page, f"{app_url}/layers", 'button:has-text("Run the experiment")')
    # diagram + 3 experiment charts (tabs keep hidden ones in the DOM) + 2 CKA + 2 attention maps
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 8", timeout=90_000)
    body = page.inner_text("body")
    assert "Inside the model" in body and "What it shows." in body and "CKA" in body
    assert page.locator(EXCEPTION).count() == 0 and "Traceback" not in body
    # another experiment's tab, then a new sentence for the attention maps
    page.get_by_role("tab", name="Task-agnostic then fine-tune vs task-specific").click()
    page.get_by_text("task-agnostic → fine-tune:", exact=False).first.wait_for(timeout=30_000)
    box = page.get_by_label("A sentence")
    box.fill("Delivery was late again and nobody answered my emails.")
    box.press("Enter")
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_function("Array.from(document.querySelectorAll('.js-plotly-plot')).some(p => p.textContent.includes('nobody'))", timeout=60_000)
    assert page.locator(EXCEPTION).count() == 0 and "Traceback" not in page.inner_text("body")
