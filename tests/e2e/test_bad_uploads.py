"""Real browser: each broken upload on the live distillation page gets a clear message, never a traceback."""

from __future__ import annotations

import pytest

from tests.bad_files import BAD_FILES, GOOD_ROWS, write_bad_file

EXCEPTION = '[data-testid="stException"]'
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def open_upload(page, app_url, open_page):
    open_page(page, f"{app_url}/distill", 'button:has-text("Run")')
    page.get_by_text("Settings: task, teacher, student, loss, training").click()
    page.get_by_text("Upload a CSV / TSV").click()
    page.wait_for_selector('input[type="file"]', state="attached")
    page.wait_for_selector(APP_READY)


def upload(page, path):
    page.locator('input[type="file"]').first.set_input_files(str(path))  # the first: the second is the optional unlabelled file
    page.wait_for_timeout(300)
    page.wait_for_selector(APP_READY)


# In the page the columns are picked from the file's own header, so a misnamed column cannot be chosen.
PICKED_IN_THE_PAGE = "misnamed columns"


@pytest.mark.parametrize("name", [n for n in BAD_FILES if n not in ("a 50 MB file", PICKED_IN_THE_PAGE)])
def test_bad_upload_is_explained(name, page, app_url, open_page, tmp_path):
    open_upload(page, app_url, open_page)
    upload(page, write_bad_file(tmp_path, name))
    expected = BAD_FILES[name][2]
    page.get_by_text(expected, exact=False).first.wait_for(timeout=30_000)
    assert page.locator(EXCEPTION).count() == 0
    assert "Traceback" not in page.inner_text("body")
    assert page.get_by_role("button", name="Run", exact=True).is_disabled()


def test_columns_are_picked_from_the_files_header(page, app_url, open_page, tmp_path):
    open_upload(page, app_url, open_page)
    upload(page, write_bad_file(tmp_path, PICKED_IN_THE_PAGE))
    page.get_by_text("40 labelled rows", exact=False).first.wait_for(timeout=30_000)
    picker = page.locator('[data-testid="stSelectbox"]').first  # the text column picker lists the file's header
    # scrolled into view first: a click that has to scroll there lands while the page is still moving and opens nothing
    picker.scroll_into_view_if_needed()
    picker.get_by_role("combobox").click()
    page.get_by_role("option", name="stars").wait_for(timeout=10_000)
    assert page.get_by_role("option", name="body").count() == 1
    page.keyboard.press("Escape")
    assert page.get_by_role("button", name="Run", exact=True).is_enabled()


def test_file_over_the_upload_cap_is_refused_by_the_uploader(page, app_url, open_page, tmp_path):
    """The uploader's own refusal, not its permanent "Limit 20MB per file" caption (matched before this test was fixed)."""
    open_upload(page, app_url, open_page)
    refusal = page.get_by_text("File must be 20", exact=False)
    assert refusal.count() == 0  # not on the page before the upload: the wait below can fail
    upload(page, write_bad_file(tmp_path, "a 50 MB file"))
    refusal.first.wait_for(timeout=30_000)
    body = page.inner_text("body")
    assert page.get_by_text("classes (", exact=False).count() == 0  # the file never reached the page: no class counts
    assert "Traceback" not in body and page.locator(EXCEPTION).count() == 0
    assert page.get_by_role("button", name="Run", exact=True).is_disabled()


TRICKY_LABEL = "[x](https://evil.example) **b** <b id=injected_label>b</b>"


def test_html_and_formula_cells_stay_plain_text(page, app_url, open_page, tmp_path):
    """Tricky cells first, so they are in the preview, and a tricky class name, shown in the class counts."""
    path = tmp_path / "tricky.csv"
    tricky = ['"=CMD(""calc"")",pos', '"<img src=x onerror=alert(1)><b id=injected>bold</b>",neg']
    label = '"' + TRICKY_LABEL.replace('"', '""') + '"'
    rows = tricky + [f"{text} also,{label}" for text in ("one", "two", "three", "four", "five", "six", "seven", "eight")]
    path.write_text("text,label\n" + "\n".join(rows + GOOD_ROWS) + "\n", encoding="utf-8")
    open_upload(page, app_url, open_page)
    upload(page, path)
    page.get_by_text("classes (3)", exact=False).first.wait_for(timeout=30_000)
    page.get_by_text(TRICKY_LABEL, exact=False).first.wait_for(timeout=30_000)  # the class name, as typed
    # the tricky cells are the first rows, so the preview grid shows them (drawn on a canvas: no DOM to inject into);
    # the class counts are page text: the tags and the link must stay characters
    assert page.locator("#injected, #injected_label, img[src='x'], a[href*='evil.example']").count() == 0
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_role("button", name="Run", exact=True).is_enabled()
