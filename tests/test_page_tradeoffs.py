"""AppTest of the trade-offs page: first view from the reference runs, budget, URL, checklist, measuring, INT8."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import click_and_wait_finished, extra_presets_file

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FRONTIER = "Accuracy against batch-1 latency"


def open_tradeoffs(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/tradeoffs.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def figures(at: AppTest) -> dict[str, dict]:
    """Plotly figures on the page by title."""
    out = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        out[spec["layout"]["title"]["text"]] = spec
    return out


def frontier(at: AppTest) -> dict:
    matches = [spec for title, spec in figures(at).items() if title.startswith(FRONTIER)]
    assert matches, list(figures(at))
    return matches[0]


def highlighted(spec: dict) -> int:
    """Points drawn in full (within the budget) across the method traces."""
    # customdata is a plain list; x may be a base64 typed array in Plotly's JSON
    return sum(len(trace["customdata"]) for trace in spec["data"] if trace.get("meta") == "within budget")


def budget_line(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if "budget.**" in m.value]
    assert len(lines) == 1, [m.value[:80] for m in at.markdown]
    return lines[0]


def test_first_view_is_full_from_the_reference_runs(lab_home):
    at = open_tradeoffs()
    assert at.title[0].value == "Trade-offs"
    assert not at.error
    headers = [h.value for h in at.header]
    assert headers[:2] == ["The DistilBERT claim, checked", "Quantisation: 440 MB to under 50 MB?"]
    # parameters are counted before anything is measured, with the paper's figures beside them, marked as quoted
    table = at.dataframe[0].value
    assert list(table["model"][:2]) == ["BERT-base", "DistilBERT"]
    assert table["parameters (M)"].iloc[0] == pytest.approx(109.5) and table["parameters (M)"].iloc[1] == pytest.approx(67.0)
    claim = next(m.value for m in at.markdown if "Sanh et al. 2019 (quoted)" in m.value)
    assert "40% fewer: 110M to 66M" in claim and "**39% fewer**" in claim and "not measured yet" in claim
    assert at.button(key="trade_measure").label == "Measure on this machine"
    # the 440 MB -> under 50 MB claim is read plainly
    assert any(w.value.startswith("Does not hold for DistilBERT") for w in at.warning)
    # the frontier comes from the shipped reference runs: a teacher and both kinds of student
    spec = frontier(at)
    names = {trace["name"] for trace in spec["data"]}
    assert {"Teacher", "Student, hard labels", "Student, distilled", "Pareto frontier"} <= names
    assert "ref: sentiment-3layer" in json.dumps(spec)
    titles = list(figures(at))
    assert any(t.startswith("Monthly cost against traffic") for t in titles)
    for title, spec in figures(at).items():
        assert spec["layout"]["xaxis"]["title"]["text"] or spec["layout"]["yaxis"]["title"]["text"], title


def test_budget_slider_changes_what_is_highlighted(lab_home):
    at = open_tradeoffs()
    assert at.select_slider(key="trade_budget").value == 10.0
    generous = highlighted(frontier(at))
    at.select_slider(key="trade_budget").set_value(1000.0).run()
    everything = highlighted(frontier(at))
    assert budget_line(at).startswith(f"**{everything} of {everything} models meet the 1000 ms budget")
    at.select_slider(key="trade_budget").set_value(1.0).run()
    assert not at.exception
    assert highlighted(frontier(at)) < everything
    assert "meet the 1 ms budget" in budget_line(at)
    assert 0 < generous < everything  # the default 10 ms budget keeps the students and drops something slower


def test_url_opens_the_same_view_and_reset_clears_it(lab_home):
    at = open_tradeoffs({"trade_budget": "50", "trade_calls": "2000000", "trade_hour": "0.5", "trade_api": "0.002",
                         "trade_cost_model": "1-layer student"})
    assert at.select_slider(key="trade_budget").value == 50.0
    assert at.number_input(key="trade_calls").value == 2_000_000
    assert at.number_input(key="trade_hour").value == pytest.approx(0.5)
    assert at.number_input(key="trade_api").value == pytest.approx(0.002)
    assert at.selectbox(key="trade_cost_model").value == "minilm-1"
    assert "50 ms budget" in budget_line(at)
    at.button(key="trade_reset").click().run()
    assert at.select_slider(key="trade_budget").value == 10.0 and at.number_input(key="trade_calls").value == 10_000_000
    assert not any(key.startswith("trade_") for key in at.query_params)


def test_cost_inputs_change_the_break_even(lab_home):
    at = open_tradeoffs()
    text = lambda: next(m.value for m in at.markdown if "calls/day:" in m.value)
    assert "Break-even at about **2,400 calls/day**" in text()  # $0.10 x 730 h / (30.42 days x $0.001)
    at.number_input(key="trade_api").set_value(0.002).run()
    assert "Break-even at about **1,200 calls/day**" in text()
    cost_table = next(d.value for d in at.dataframe if "servers needed" in d.value.columns)
    assert "Hosted API" in list(cost_table["model"])


def test_checklist_recommendation_follows_the_answers(lab_home):
    at = open_tradeoffs()
    assert at.success[-1].value.startswith("**Recommendation: Distil")
    at.checkbox(key="trade_why_prototyping").check().run()
    assert any(w.value.startswith("**Recommendation: Not yet: prototype") for w in at.warning)
    at.checkbox(key="trade_why_prototyping").uncheck().run()
    at.checkbox(key="trade_why_latency").uncheck().run()
    at.checkbox(key="trade_why_fixed_task").uncheck().run()
    assert any(w.value.startswith("**Recommendation: No need") for w in at.warning)


def test_measuring_tiny_models_fills_the_tables(lab_home, monkeypatch):
    monkeypatch.setenv("DISTILL_LAB_EXTRA_PRESETS", extra_presets_file())  # tiny models stand in for BERT-base and friends
    at = open_tradeoffs()
    click_and_wait_finished(at, "trade_measure")
    assert not at.exception and not at.error, [e.value for e in at.error]
    measured = next(d.value for d in at.dataframe if "batch 1, INT8 (ms)" in d.value.columns)
    assert list(measured["model"]) == ["Tiny BERT", "Tiny DistilBERT", "Tiny student, 1 layer"]
    assert measured["speed-up vs Tiny BERT, batch 1"].iloc[0] == "1.00x"
    titles = list(figures(at))
    assert any(t.startswith("Batch-1 latency") for t in titles) and any(t.startswith("Speed-up over Tiny BERT") for t in titles)
    assert at.button(key="trade_measure").label == "Measure again"


def finished_tiny_run(home, tiny_model):
    """(store, run id) of a finished public sentiment run whose saved student is the tiny model (its report: a reference run's)."""
    from distill_core import models as M
    from distill_core.runs import RunStore
    from distill_core.teacher import save_model_folder

    store = RunStore(home)
    report = json.loads((ROOT / "assets" / "reference" / "sentiment-1layer.json").read_text())
    run_id = store.create("distill", "sentiment", report["spec"], status="running", owner="test:1")
    model, tokenizer = M.load_teacher(tiny_model, num_labels=3)
    save_model_folder(model, tokenizer, store.artefact_dir(run_id) / "student")
    store.finish(run_id, report, artefacts=str(store.artefact_dir(run_id)))
    return store, run_id


def test_a_finished_run_joins_the_frontier_and_its_student_is_evaluated_in_int8(lab_home, tiny_model):
    store, run_id = finished_tiny_run(lab_home, tiny_model)

    at = open_tradeoffs()
    assert f"run {run_id}" in json.dumps(frontier(at))
    click_and_wait_finished(at, "trade_int8_go")
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = next(d.value for d in at.dataframe if "weights" in d.value.columns)
    assert list(table["weights"]) == ["fp32", "dynamic INT8"]
    assert table["size (MB)"].iloc[1] < table["size (MB)"].iloc[0]


def test_the_four_serving_formats_open_from_the_shipped_measurement(lab_home):
    """Issue 17: torch / ORT, fp32 / INT8 of every model, the 50 MB line and the claim, without a click; issue 16 items 2, 3, 6."""
    at = open_tradeoffs()
    assert "Deploying: ONNX and onnxruntime INT8" in [h.value for h in at.header]
    table = next(d.value for d in at.dataframe if "agrees with fp32 %" in d.value.columns)
    assert set(table["format"]) == {"torch fp32", "torch INT8", "ORT fp32", "ORT INT8"}
    assert {"BERT-base (random weights)", "DistilBERT (random weights)", "teacher (MiniLM, 6 layers)"} <= set(table["model"])
    bert = table[table["model"] == "BERT-base (random weights)"].set_index("format")["size (MB)"]
    assert bert["torch fp32"] > 400 and bert["ORT INT8"] < bert["torch INT8"] < bert["torch fp32"]
    assert any("measured on the project's 2-core machine" in c.value for c in at.caption)
    chart = next(spec for title, spec in figures(at).items() if title.startswith("Test accuracy against size on disk"))
    assert "the seed's 50 MB" in json.dumps(chart["layout"]["annotations"])
    claim = next(m.value for m in at.markdown if "BERT-base in fp32" in m.value and "ORT INT8" in m.value)
    assert "of the teacher's accuracy" in claim
    # the collapsed 1-layer student is on the page, with the capacity gap and its papers
    assert any("1-layer student" in m.value and "one class" in m.value for m in at.markdown)
    assert any("Cho & Hariharan (2019" in c.value and "Mirzadeh et al. (2020" in c.value for c in at.caption)
    assert at.button(key="trade_formats_go").label == "Measure the four formats here"


def test_int8_reference_names_the_3_layer_student_and_its_real_cost(lab_home):
    at = open_tradeoffs()
    table = next(d.value for d in at.dataframe if "student (reference run)" in d.value.columns)
    assert list(table["student (reference run)"]) == [f"{n}-layer student, distilled, seed 0" for n in (3, 2, 1)]
    cost = next(c.value for c in at.caption if c.value.startswith("What dynamic INT8 cost"))
    assert "3-layer student 86.0 → 83.3 (2.7 points, 7.3% of predictions changed)" in cost and "not noise" in cost
    assert not any("within noise" in c.value for c in at.caption)
