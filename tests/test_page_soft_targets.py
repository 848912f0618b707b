"""AppTest of the soft-targets page: the shipped references draw at once; the tiny preset runs live."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import click_and_wait_finished, open_app_page

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "assets" / "reference" / "soft_targets_intents.json"
REFERENCE_LONG = ROOT / "assets" / "reference" / "soft_targets_intents_long.json"


def open_page(monkeypatch):
    return open_app_page(monkeypatch, "pages/soft_targets.py")


def test_reference_results_draw_without_a_click(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    assert at.title[0].value == "What soft targets add"
    assert REFERENCE.exists(), "the shipped reference results are missing"
    assert len(at.get("plotly_chart")) >= 3  # soft targets of one message, accuracy, neighbour mistakes
    readings = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert any("labels per class" in r for r in readings) and any("all labels" in r for r in readings)


def test_new_conditions_long_schedule_and_steps_draw_from_the_references(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    assert not at.exception
    short = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert any(r["condition"].startswith("labelled soft") for r in short["rows"])  # Hinton's comparison is shipped
    conditions = set(at.dataframe[0].value["condition"])
    assert {"hard labels only", "labelled rows only, soft targets at T=4"} <= conditions
    steps = {r["regime"]: r["steps"] for r in short["rows"]}
    captions = " ".join(c.value for c in at.caption)
    assert all(f"{n} with {regime}" in captions for regime, n in steps.items())  # each regime's own steps, from the report
    texts = " ".join(m.value for m in at.markdown)
    assert "hypothesis" in texts and "labelled rows alone" in texts
    if REFERENCE_LONG.exists():  # the long schedule, when shipped, draws next to the short one
        long = json.loads(REFERENCE_LONG.read_text(encoding="utf-8"))
        long_steps = {r["steps"] for r in long["rows"]}
        assert len(long_steps) == 1 and long_steps.pop() > max(steps.values())
        assert len(at.get("plotly_chart")) >= 4 and "three times the steps" in texts


def test_tiny_preset_runs_live(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    at.radio(key="st_preset").set_value("tiny").run()
    click_and_wait_finished(at, "st_run")
