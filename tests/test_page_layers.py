"""AppTest of the Inside-the-model page: map, reference experiments, CKA and attention at once; a live tiny run."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import click_and_wait_finished, open_app_page

from distill_core.errors import DistillError
from distill_core.mappings import LayerMap, make_map, map_from_columns

ROOT = Path(__file__).resolve().parent.parent


def open_page(monkeypatch):
    return open_app_page(monkeypatch, "pages/layers.py")


def test_default_view_teaches_without_a_click(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    assert at.title[0].value == "Inside the model"
    for exp in ("init", "objective", "agnostic"):
        assert (ROOT / "assets" / "reference" / f"layers-{exp}.json").exists(), f"reference for {exp} missing"
    charts = at.get("plotly_chart")
    # diagram, 3 result charts, 2 CKA maps, 2 attention maps
    assert len(charts) >= 8, len(charts)
    verdicts = [m.value for m in at.markdown if m.value.startswith("**What it shows.**")]
    assert len(verdicts) == 3


def test_strategy_changes_the_map_and_a_bad_edit_is_refused(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    at.selectbox(key="ly_strategy").set_value("last").run()
    assert not at.exception
    assert any("Copied teacher layers (1-based): 4, 5, 6" in c.value for c in at.caption)
    at.slider(key="ly_k").set_value(2).run()
    assert any("Copied teacher layers (1-based): 5, 6" in c.value for c in at.caption)


def test_a_map_from_table_columns_reads_edits_and_refuses_impossible_ones():
    m = make_map("distilbert", 3, 6, kept_layers=[0, 2, 4])
    hidden, attention = [0, 1, 3, 5], [None, 1, 3, 5]
    assert map_from_columns(hidden, attention, 3, 6) == LayerMap(m.hidden, m.attention, "custom")
    with pytest.raises(DistillError, match="teacher hidden index 9"):
        map_from_columns([0, 1, 9, 5], attention, 3, 6)
    with pytest.raises(DistillError, match="embeddings have no attention"):
        map_from_columns(hidden, [1, 1, 3, 5], 3, 6)
    with pytest.raises(DistillError, match="teacher attention layer 6 is outside"):
        map_from_columns(hidden, [None, 1, 3, 7], 3, 6)
    skipped = map_from_columns([0, float("nan"), 3, 5], [None, None, 3, 5], 3, 6)
    assert (1, 1) not in skipped.hidden and (0, 0) not in skipped.attention


def test_tiny_live_run_shows_results(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    at.selectbox(key="ly_live_exp").set_value("init").run()
    at.radio(key="ly_live_preset").set_value("tiny").run()
    click_and_wait_finished(at, "ly_run")
    assert len([m for m in at.markdown if m.value.startswith("**What it shows.**")]) == 4  # 3 reference + the live one


def test_the_map_travels_in_the_url(lab_home, monkeypatch):
    from tests.conftest import ROOT as _root
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(_root / "app.py"), default_timeout=120)
    at.query_params["strategy"] = "last"
    at.query_params["k"] = "2"
    at.run()
    at.switch_page("pages/layers.py").run()
    assert not at.exception
    assert at.selectbox(key="ly_strategy").value == "last" and at.slider(key="ly_k").value == 2
    assert any("Copied teacher layers (1-based): 5, 6" in c.value for c in at.caption)
    at.selectbox(key="ly_strategy").set_value("every other").run()
    assert "strategy" not in at.query_params and at.query_params["k"] in ("2", ["2"])
