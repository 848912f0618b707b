"""Real browser: a few labels and many unlabelled rows, plus a second unlabelled file, on the live page (#14, #15)."""

from __future__ import annotations

from tests.e2e.test_bad_uploads import EXCEPTION, open_upload

APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def test_empty_labels_and_a_second_file_become_the_transfer_set(page, app_url, open_page, tmp_path):
    data, more = tmp_path / "few_labels.csv", tmp_path / "more.txt"
    # an accented letter and a euro sign: plain ASCII would read as UTF-8, and the page would rightly say so
    rows = [f"{word} story {i};{label}" for label, word in (("sport", "goal"), ("money", "café shares €")) for i in range(8)]
    rows += [f"unlabelled {i}, with a comma;" for i in range(30)]
    data.write_bytes(("headline;topic\n" + "\n".join(rows) + "\n").encode("cp1252"))  # a European spreadsheet's export
    more.write_bytes(b"\xff\xfe" + "headline\nextra text one\nextra text two\n".encode("utf-16-le"))  # "Unicode text"
    open_upload(page, app_url, open_page)
    inputs = page.locator('input[type="file"]')
    inputs.first.set_input_files(str(data))
    page.get_by_text("16 labelled rows, 30 unlabelled rows used as the transfer set", exact=False).first.wait_for(timeout=30_000)
    assert page.get_by_text("few_labels.csv: Windows-1252, semicolon-separated", exact=False).count() >= 1
    assert page.get_by_text("read as Windows-1252", exact=False).count() >= 1  # the fallback is said, not silent
    inputs.nth(1).set_input_files(str(more))
    page.get_by_text("32 unlabelled rows used as the transfer set (30 in the file, 2 from the second file)",
                     exact=False).first.wait_for(timeout=30_000)
    page.wait_for_selector(APP_READY)
    assert page.locator(EXCEPTION).count() == 0 and "Traceback" not in page.inner_text("body")
    assert page.get_by_role("button", name="Run", exact=True).is_enabled()
