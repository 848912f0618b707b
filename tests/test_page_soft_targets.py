"""AppTest of the soft-targets page: the shipped reference draws at once; the tiny preset runs live."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import click_and_wait_finished, open_app_page

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "assets" / "reference" / "soft_targets_intents.json"


def open_page(monkeypatch):
    return open_app_page(monkeypatch, "pages/soft_targets.py")


def test_reference_results_draw_without_a_click(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    assert at.title[0].value == "What soft targets add"
    assert REFERENCE.exists(), "the shipped reference results are missing"
    assert len(at.get("plotly_chart")) >= 3  # soft targets of one message, accuracy, neighbour mistakes
    readings = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert any("labels per class" in r for r in readings) and any("all labels" in r for r in readings)


def test_tiny_preset_runs_live(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    at.radio(key="st_preset").set_value("tiny").run()
    click_and_wait_finished(at, "st_run")
