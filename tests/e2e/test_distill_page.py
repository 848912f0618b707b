"""Real browser: run the tiny preset on the live distillation page, see the results, download the zip."""

from __future__ import annotations

import io
import re
import zipfile

EXCEPTION = '[data-testid="stException"]'


def test_tiny_preset_runs_and_the_student_downloads(page, app_url, open_page, tmp_path):
    open_page(page, f"{app_url}/distill", 'button:has-text("Run")')
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("radio", name="Tiny model (tests)").click()
    page.get_by_text("random 2-layer BERT, seconds").wait_for()  # the rerun with the preset is drawn
    page.get_by_role("button", name="Run", exact=True).click()
    # live view first (progress or queue), then the results, drawn by a whole-page rerun
    page.get_by_role("heading", name=re.compile(r"Run [A-Za-z0-9_-]{16}: results")).wait_for(timeout=240_000)
    page.wait_for_selector('[data-testid="stDataFrame"]')
    page.screenshot(path=str(tmp_path / "distill-results.png"), full_page=True)
    assert page.locator(EXCEPTION).count() == 0
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "Student, distilled" in body and "Reproduce this run" in body
    assert "Student, teacher's labels" in body  # the tiny preset has transfer rows: the attribution's fourth model
    assert "run=" in page.url
    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("button", name="Download the distilled student (.zip)").click()
    path = tmp_path / "student.zip"
    download_info.value.save_as(path)
    names = zipfile.ZipFile(io.BytesIO(path.read_bytes())).namelist()
    assert "student/model.safetensors" in names and "student/config.json" in names and "student/README.md" in names
