"""AppTest of the Hinton page: the shipped reference draws with no click, the sliders redraw it, a tiny live run finishes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import click_and_wait_finished, open_app_page

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = [ROOT / "assets" / "reference" / f"digits-h{size}.json" for size in (16, 32, 64)]
TABLE_REFERENCE = ROOT / "assets" / "reference" / "digits-table.json"


def open_page(monkeypatch):
    return open_app_page(monkeypatch, "pages/hinton.py")


def test_reference_draws_without_a_click(lab_home, monkeypatch):
    assert all(p.exists() for p in REFERENCES), "the shipped digits reference runs are missing"
    at = open_page(monkeypatch)
    assert at.title[0].value == "Hinton's experiments, in miniature"
    assert len(at.get("plotly_chart")) >= 3  # errors, recall vs T, the bias correction
    assert len(at.dataframe) >= 2
    text = " ".join(m.value for m in at.markdown)
    assert "Hinton, Vinyals & Dean (2015)" in text and "validation images, never the test set" in text
    assert any("5 seeds" in c.value for c in at.caption)


def test_sliders_redraw_from_the_reference(lab_home, monkeypatch):
    at = open_page(monkeypatch)
    at.select_slider(key="hn_t").set_value(2.0).run()
    at.select_slider(key="hn_size").set_value(16).run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.get("plotly_chart")) >= 3
    assert at.query_params.get("T") == ["2"] or at.query_params.get("T") == "2"


def test_tiny_live_run_finishes(lab_home, monkeypatch, tmp_path):
    at = open_page(monkeypatch)
    presets = tmp_path / "presets.json"
    presets.write_text(json.dumps({"digits": {"spec": {"teacher_hidden": [32], "teacher_epochs": 3, "student_epochs": 3,
                                                       "temperatures": [4.0]}}}), encoding="utf-8")
    monkeypatch.setenv("DISTILL_LAB_EXTRA_PRESETS", str(presets))
    click_and_wait_finished(at, "hn_run")
    assert len(at.get("plotly_chart")) >= 3
    assert any("live run" in c.value for c in at.caption)


def figures(at) -> dict[str, dict]:
    """Plotly figures on the page by title."""
    specs = [json.loads(element.proto.spec) for element in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def test_table_draws_its_own_reference_beside_hintons(lab_home, monkeypatch):
    from distill_core.experiments.digits_report import DigitsReport

    report = DigitsReport.from_dict(json.loads(TABLE_REFERENCE.read_text())["report"])
    assert report.spec["experiments"] == ["table"] and len(report.spec["seeds"]) == 5
    at = open_page(monkeypatch)
    [table] = [spec for title, spec in figures(at).items() if "MNIST table" in title]
    here, paper = table["data"]
    s = report.table().set_index("condition")
    assert [round(e, 6) for e, _ in here["customdata"]] == [round(s.loc[c, "errors"], 6) for c in s.index]
    assert paper["customdata"] == [67, 146, 74]  # Hinton et al.: teacher, hard labels, soft targets at T = 20
    shown = min(report.spec["temperatures"], key=lambda v: abs(v - 8.0))  # the default slider T, or the nearest
    text = " ".join(m.value for m in at.markdown)
    assert report.table_verdict(shown) in text
    assert report.other_temperatures_line(shown).startswith("At the other temperatures: T = ")
    assert report.other_temperatures_line(shown) in [c.value for c in at.caption]  # one line, not a verdict per T
    assert any(f"of {report.test_size}" in str(c) for df in at.dataframe for c in df.value.columns)


def test_tiny_live_table_run_finishes(lab_home, monkeypatch, tmp_path):
    at = open_page(monkeypatch)
    presets = tmp_path / "presets.json"
    presets.write_text(json.dumps({"digits": {"spec": {"teacher_hidden": [32], "teacher_epochs": 3, "student_epochs": 3,
                                                       "student_hidden": 16, "temperatures": [4.0]}}}), encoding="utf-8")
    monkeypatch.setenv("DISTILL_LAB_EXTRA_PRESETS", str(presets))
    click_and_wait_finished(at, "hn_table_run")
    assert any("your live run" in c.value for c in at.caption)
    assert any("MNIST table" in title for title in figures(at))
