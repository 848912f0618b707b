"""AppTest of the live distillation page: defaults, URL state, a real (tiny) run end to end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

# at import, not in a fixture: importing tests.conftest under this name runs it again, and it sets DISTILL_LAB_HOME
# afresh, which inside a fixture would replace lab_home's for the first test to ask
from tests.conftest import extra_presets_file

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture
def distill_env(lab_home, monkeypatch):
    monkeypatch.setenv("DISTILL_LAB_EXTRA_PRESETS", extra_presets_file())
    return lab_home


def open_distill(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/distill.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_default_view_explains_and_offers_presets(distill_env):
    at = open_distill()
    assert at.title[0].value == "Live distillation"
    assert at.segmented_control(key="dist_preset").value == "quick"
    assert not at.button(key="dist_run_button").disabled
    assert any("Estimated time on this machine" in c.value for c in at.caption)
    assert any(r"\alpha" in l.value and "T^2" in l.value for l in at.latex)
    assert at.select_slider(key="dist_T").value == 4.0 and at.slider(key="dist_alpha").value == 0.5


def test_url_state_opens_the_same_view(distill_env):
    at = open_distill({"preset": "workshop", "T": "2", "alpha": "0.3"})
    assert at.segmented_control(key="dist_preset").value == "workshop"
    assert at.select_slider(key="dist_T").value == 2.0 and at.slider(key="dist_alpha").value == pytest.approx(0.3)
    at.button(key="dist_reset").click().run()
    assert at.segmented_control(key="dist_preset").value == "quick" and at.select_slider(key="dist_T").value == 4.0


def test_clicking_the_chosen_preset_keeps_it(distill_env):
    at = open_distill()
    at.segmented_control(key="dist_preset").set_value(None).run()  # what a click on the selected option sends
    assert at.segmented_control(key="dist_preset").value == "quick" and at.query_params["preset"] in ("quick", ["quick"])


def test_run_pressed_after_an_interrupted_script_run_starts_nothing_and_restores_the_settings(distill_env):
    from distill_core.runs import RunStore

    at = open_distill()
    at.segmented_control(key="dist_preset").set_value("tiny").run()  # seconds-long runs
    at.select_slider(key="dist_T").set_value(2.0).run()  # a completed run with T = 2: the settings kept
    at.session_state["dist_complete"] = False  # as a script run cut short by the next click leaves it
    at.session_state["dist_T"] = 0.5  # and the widget back at its first option
    at.button(key="dist_run_button").click().run()
    assert any("still updating when Run was pressed" in w.value for w in at.warning)
    assert not RunStore(distill_env).list(kind="distill")  # nothing started
    assert at.select_slider(key="dist_T").value == 2.0  # the last completed run's settings are back
    at.button(key="dist_run_button").click().run()  # pressed again, after a completed run: it starts
    runs = RunStore(distill_env).list(kind="distill")
    assert len(runs) == 1 and runs[0].config["temperature"] == 2.0
    deadline = time.monotonic() + 180  # let the tiny run end here, not during the next test
    while time.monotonic() < deadline and RunStore(distill_env).get(runs[0].id).status in ("queued", "running"):
        time.sleep(0.5)


def test_the_live_view_refreshes_every_second_only_until_its_first_curve():
    from types import SimpleNamespace

    from pages._ui.distill_results import LIVE_EVERY_S, live_every

    queued, starting = SimpleNamespace(status="queued", steps={}), SimpleNamespace(status="running", steps={})
    running = SimpleNamespace(status="running", steps={"distilled seed 0": [{"epoch": 0.1, "loss": 1.0}]})
    assert live_every(starting) == 1.0 < live_every(running) == LIVE_EVERY_S["running"]
    assert live_every(queued) == LIVE_EVERY_S["queued"] >= live_every(running)  # a queued view has little to show


def test_live_curves_colour_each_student_as_its_bar_with_one_legend_entry_each():
    from pages._ui.distill_figures import MODEL_COLORS, MODEL_NAMES, live_curves

    pts = lambda: [{"step": s, "loss": 1.0 / s, "hard_ce": 0.5, "soft_kl_t2": 0.4} for s in (1, 2, 3)]
    steps = {f"{m} seed {seed}": pts() for seed in (0, 1) for m in ("baseline", "pseudo", "distilled")}
    evals = [{"phase": f"{m} seed {seed}", "step": 3, "val_accuracy": 0.7} for seed in (0, 1) for m in ("baseline", "distilled")]
    loss, acc = live_curves(steps, evals)
    legend = [t.name for t in loss.data if t.showlegend]
    assert legend == [MODEL_NAMES["baseline"], MODEL_NAMES["pseudo"], MODEL_NAMES["distilled"],
                      MODEL_NAMES["distilled"] + ": hard CE", MODEL_NAMES["distilled"] + ": T²·KL"]
    assert len(loss.data) == 8  # a total per student and seed, and the distilled student's two terms for its first seed
    for trace in loss.data:
        model = next(k for k in ("baseline", "pseudo", "distilled") if trace.name.startswith(MODEL_NAMES[k]))
        assert trace.line.color == MODEL_COLORS[model]
    assert [t.line.width for t in acc.data] == [2.5, 2.5, 1, 1] and [t.showlegend for t in acc.data] == [True, True, False, False]
    other, _ = live_curves({"teacher fine-tune": pts()}, [])  # a phase of another form keeps its own name
    assert other.data[0].name == "teacher fine-tune"


def test_no_layers_kept_is_explained_and_blocks_run(distill_env):
    at = open_distill()
    at.multiselect(key="dist_layers_pick").set_value([]).run()
    assert any("at least one teacher layer" in w.value for w in at.warning)
    assert at.button(key="dist_run_button").disabled


def test_tiny_preset_runs_end_to_end_and_shows_results(distill_env):
    at = open_distill()
    at.segmented_control(key="dist_preset").set_value("tiny").run()
    at.button(key="dist_run_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    run_id = at.session_state["dist_run"]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not any("results" in s.value for s in at.subheader):
        time.sleep(1.0)
        at.run()
    from distill_core.runs import RunStore

    public_id = RunStore(distill_env).get(run_id).public_id  # links and headings carry the unguessable id, not the sequential one
    assert any(s.value == f"Run {public_id}: results" for s in at.subheader), [s.value for s in at.subheader]
    assert not at.exception
    # green only when distillation helped, neutral otherwise (a tiny random model rarely gains)
    # (with a pseudo-label student and no soft-target gain, the verdict leads with the gain over hard labels)
    verdicts = [e.value for e in [*at.success, *at.info] if e.value.startswith(("Distillation", "The distilled student"))]
    assert len(verdicts) == 1 and "teacher" in verdicts[0]
    table = at.dataframe[0].value
    # the tiny preset has transfer rows, so the student on the teacher's labels stands between the other two
    assert list(table["model"]) == ["Teacher", "Student, hard labels", "Student, teacher's labels", "Student, distilled"]
    assert "teacher-labelled extra text" in table["gain over the row above (points)"].iloc[2]
    assert at.query_params["run"] in (public_id, [public_id])
    # a fresh session opened on the shared link shows the same finished run (a sample-task run: shared with all)
    again = open_distill({"run": public_id})
    assert any(s.value == f"Run {public_id}: results" for s in again.subheader)
    history = again.dataframe[-1].value
    assert public_id in list(history["run"]) and "finished" in list(history["status"])


def test_workshop_lock_offers_only_the_bundled_teacher(distill_env, monkeypatch):
    monkeypatch.setenv("DISTILL_LAB_LOCKED", "1")
    at = open_distill()
    assert at.radio(key="dist_teacher_kind").options == ["Bundled MiniLM (offline)"]
    assert any("workshop mode" in c.value for c in at.caption)


def test_unwritable_home_is_explained_not_a_traceback(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DISTILL_LAB_HOME", str(blocker / "home"))
    at = open_distill()
    assert any("Runs cannot be saved" in e.value and "DISTILL_LAB_HOME" in e.value for e in at.error)
    assert at.button(key="dist_run_button").disabled


def test_a_failed_run_shows_its_reason_and_nothing_else(distill_env):
    from distill_core.runs import RunStore

    store = RunStore(distill_env)
    run_id = store.create("distill", "sentiment", {"task": "sentiment"})
    store.fail(run_id, "the training process stopped (exit code -9)")
    at = open_distill({"run": store.get(run_id).public_id})
    assert any(h.value == f"Run {store.get(run_id).public_id}: failed" for h in at.subheader)
    assert [e.value for e in at.error] == ["the training process stopped (exit code -9)"]
    # no stray object dump (a bare conditional expression used to be written by Streamlit's magic)
    assert not at.get("help") and not at.get("doc_string")
    assert not any("DeltaGenerator" in m.value for m in at.markdown)


def test_a_report_from_before_the_pseudo_label_student_still_renders(distill_env):
    import json

    from distill_core.runs import RunStore

    report = json.loads((ROOT / "assets" / "reference" / "sentiment-3layer.json").read_text())
    assert "pseudo" not in report["results"]  # the shipped reference predates it
    store = RunStore(distill_env)
    run_id = store.create("distill", "sentiment", report["spec"])
    store.finish(run_id, report)
    at = open_distill({"run": store.get(run_id).public_id})
    assert any(s.value == f"Run {store.get(run_id).public_id}: results" for s in at.subheader), [w.value for w in at.warning]
    assert list(at.dataframe[0].value["model"]) == ["Teacher", "Student, hard labels", "Student, distilled"]
    verdict = [e.value for e in [*at.success, *at.info] if e.value.startswith("Distillation")]
    assert len(verdict) == 1 and "mixes the teacher-labelled extra text with the soft targets" in verdict[0]
    # the past-runs table shows a dash for the student this run has none of, not "None"
    row = at.dataframe[-1].value.iloc[0]
    assert row["teacher's labels %"] == "–" and row["distilled %"] == "85.9", row.to_dict()
