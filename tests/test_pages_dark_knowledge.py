"""AppTest for the home, temperature and loss pages: the numbers shown are the engine's numbers.

Runs the real app.py router, then switches page, as a browser session would. No model is loaded:
the real-teacher mode is exercised with the engine's teacher functions replaced by stand-ins
(monkeypatch.setattr on distill_core.teacher) and a job runner that runs its jobs in a thread.
"""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from distill_core import teacher as teacher_service
from distill_core import temperature as temp
from distill_core.losses import kd_loss, kl_reductions

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 30

# kl_reductions calls nn.KLDivLoss with "mean" on purpose, and torch warns about it every time
pytestmark = pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")

CAT_NAMES = ["cat", "tiger", "lion", "dog", "car"]
CAT_LOGITS = np.array([-0.33, -1.97, -2.53, -3.22, -3.91])
PEAKED_LOGITS = np.array([-1.32, -7.88, -10.12, -12.88, -15.64])
LOSS_STUDENT = np.array([0.8, 0.1, 0.3, 0.9, 0.2])  # "Student still learning"


def open_page(page: str | None, query: dict | None = None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        for key, value in (state or {}).items():
            at.session_state[key] = value
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    matches = [m.value for m in at.metric if m.label == label]
    assert matches, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return matches[0]


def assert_temperature_readouts(at: AppTest, logits: np.ndarray, t: float) -> None:
    info = temp.describe(logits, t)
    assert metric(at, "Entropy") == f"{info['entropy_bits']:.2f} bits"
    assert metric(at, "Effective classes") == f"{info['effective_classes']:.2f} of {len(logits)}"
    assert metric(at, "Probability off the top class") == f"{info['dark_knowledge']:.1%}"


def warnings_text(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


# ------------------------------------------------------------------------------------------- home


def test_home_renders_the_story_a_chart_and_links():
    at = open_page(None)
    assert at.title[0].value == "Distillation Lab"
    assert len(at.get("plotly_chart")) == 1
    links = {link.proto.page for link in at.get("page_link")}
    assert {"temperature", "loss"} <= links
    assert "dark knowledge" in " ".join(m.value for m in at.markdown)
    # a link for every later page whose file exists, and none for one not written yet
    for stem in ("distill", "tradeoffs", "layers"):
        assert (stem in links) == (ROOT / "pages" / f"{stem}.py").exists(), stem


def test_home_does_not_import_torch_or_transformers():
    # the first page must stay light: run it in a fresh interpreter and look at what got imported
    import subprocess

    code = (
        "import sys; from streamlit.testing.v1 import AppTest;"
        f"at = AppTest.from_file({APP!r}, default_timeout={TIMEOUT}).run(); assert not at.exception;"
        "at.switch_page('pages/temperature.py').run(); assert not at.exception;"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


# ------------------------------------------------------------------------------------ temperature


def test_temperature_default_shows_the_cat_at_t2():
    at = open_page("pages/temperature.py")
    assert at.select_slider(key="temp_T").value == 2.0
    assert at.selectbox(key="temp_preset").value == "Cat photo"
    editor = at.data_editor(key="temp_editor_cat_photo").value
    assert list(editor["class"]) == CAT_NAMES
    np.testing.assert_allclose(editor["logit"].to_numpy(), CAT_LOGITS)
    np.testing.assert_allclose(temp.softmax_t(CAT_LOGITS, 1.0), [0.72, 0.14, 0.08, 0.04, 0.02], atol=1e-3)
    assert_temperature_readouts(at, CAT_LOGITS, 2.0)
    assert len(at.get("plotly_chart")) == 3  # distributions, entropy curve, animation
    assert not at.warning


@pytest.mark.parametrize("t", [0.1, 1.0, 10.0, 20.0])
def test_temperature_slider_drives_the_readouts(t):
    at = open_page("pages/temperature.py")
    at.select_slider(key="temp_T").set_value(t).run()
    assert not at.exception
    assert_temperature_readouts(at, CAT_LOGITS, t)


def test_temperature_stop_buttons_set_t():
    at = open_page("pages/temperature.py")
    at.button(key="temp_stop_10").click().run()
    assert at.select_slider(key="temp_T").value == 10.0
    assert_temperature_readouts(at, CAT_LOGITS, 10.0)
    assert at.query_params.get("temp_T") == "10"  # the shareable link follows


def test_temperature_ratio_table_scales_by_one_over_t():
    at = open_page("pages/temperature.py")
    at.select_slider(key="temp_T").set_value(4.0).run()
    table = at.dataframe[-1].value  # the read-only ratio table (the editor comes first)
    np.testing.assert_allclose(table["log ratio (T=4)"], table["log ratio (T=1)"] / 4.0)
    np.testing.assert_allclose(table["p/p_top"], np.exp(table["log ratio (T=4)"]))


def test_temperature_query_params_restore_the_view():
    at = open_page("pages/temperature.py", query={"temp_T": "10", "temp_preset": "Peaked teacher (0.998)"})
    assert at.select_slider(key="temp_T").value == 10.0
    assert at.selectbox(key="temp_preset").value == "Peaked teacher (0.998)"
    assert_temperature_readouts(at, PEAKED_LOGITS, 10.0)


def test_temperature_bad_query_params_fall_back_silently():
    at = open_page("pages/temperature.py", query={"temp_T": "hot", "temp_preset": "no such preset"})
    assert at.select_slider(key="temp_T").value == 2.0
    assert at.selectbox(key="temp_preset").value == "Cat photo"
    assert not at.warning and not at.error
    assert_temperature_readouts(at, CAT_LOGITS, 2.0)


def test_temperature_reset_returns_to_defaults_and_clears_the_link():
    at = open_page("pages/temperature.py", query={"temp_T": "0.5", "temp_preset": "Handwritten 7 that looks a bit like a 1"})
    assert at.select_slider(key="temp_T").value == 0.5
    at.button(key="temp_reset").click().run()
    assert not at.exception
    assert at.select_slider(key="temp_T").value == 2.0
    assert at.selectbox(key="temp_preset").value == "Cat photo"
    assert not any(key.startswith("temp_") for key in at.query_params)
    assert_temperature_readouts(at, CAT_LOGITS, 2.0)


def test_temperature_presets_all_render():
    at = open_page("pages/temperature.py")
    for name in at.selectbox(key="temp_preset").options:
        at.selectbox(key="temp_preset").set_value(name).run()
        assert not at.exception and not at.warning, name


def test_temperature_edited_logits_are_used():
    edits = {"edited_rows": {0: {"logit": 2.0}}, "added_rows": [{"class": "fox", "logit": 0.5}], "deleted_rows": [4]}
    at = open_page("pages/temperature.py", state={"temp_editor_cat_photo": edits})
    assert not at.warning
    logits = np.array([2.0, -1.97, -2.53, -3.22, 0.5])  # car deleted, fox added
    assert_temperature_readouts(at, logits, 2.0)


@pytest.mark.parametrize(
    ("edits", "says"),
    [
        ({"edited_rows": {1: {"class": ""}}}, "has no class name"),
        ({"edited_rows": {1: {"class": "cat"}}}, "more than once"),
        ({"edited_rows": {2: {"logit": 1e9}}}, "keep logits within"),
        ({"edited_rows": {2: {"logit": None}}}, "is empty"),
        ({"edited_rows": {2: {"logit": "lots"}}}, "The table can't be used"),
        ({"deleted_rows": [1, 2, 3, 4]}, "at least 2 classes"),
    ],
)
def test_temperature_bad_table_gives_a_warning_not_a_traceback(edits, says):
    state = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edits}
    at = open_page("pages/temperature.py", state={"temp_editor_cat_photo": state})
    assert says in warnings_text(at)
    assert_temperature_readouts(at, CAT_LOGITS, 2.0)  # the preset stands in until the table is fixed


def fake_engine(monkeypatch, cached=True):
    """Stand-ins for the teacher's logits and its warm-up job; records predict calls.

    The page's job runner runs jobs in a thread here, so the stand-in warm-up runs in this process.
    """
    import streamlit as st

    from distill_core.jobs import JobRunner
    from distill_core.paths import home_dir
    from distill_core.runs import RunStore
    from pages import _runtime

    calls = []

    def predict_logits(task_name, texts):
        calls.append((task_name, list(texts)))
        return np.array([[2.5, 0.5, -1.0]]), ["positive", "neutral", "negative"]

    monkeypatch.setattr(teacher_service, "predict_logits_for", predict_logits)
    monkeypatch.setattr(teacher_service, "teacher_is_cached", lambda task_name: cached)
    monkeypatch.setattr(teacher_service, "prepare_teacher", lambda spec, **kw: {"task": spec["task"]})
    job = JobRunner(RunStore(home_dir()), isolation="thread")  # no run from another test in its memory
    monkeypatch.setattr(_runtime, "runner", lambda: job)
    st.cache_data.clear()
    return calls, job


def test_real_teacher_without_the_service_says_so(monkeypatch):
    real_import = builtins.__import__

    def no_teacher(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "distill_core" and "teacher" in (fromlist or ()):
            raise ImportError("No module named 'torch'")  # the engine's teacher can't load: no model loads
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_teacher)
    at = open_page("pages/temperature.py")
    at.toggle(key="temp_real").set_value(True).run()
    assert not at.exception
    assert any("needs the engine's teacher service" in i.value for i in at.info)
    assert_temperature_readouts(at, CAT_LOGITS, 2.0)


def test_real_teacher_shows_the_service_distribution(monkeypatch):
    calls, _ = fake_engine(monkeypatch)
    at = open_page("pages/temperature.py")
    assert not calls  # nothing is asked of the teacher until the mode is opened
    at.toggle(key="temp_real").set_value(True).run()
    assert not at.exception
    assert calls and calls[0][0] == "sentiment"
    assert_temperature_readouts(at, np.array([2.5, 0.5, -1.0]), 2.0)
    at.text_input(key="temp_text").input("Awful.").run()
    assert calls[-1] == ("sentiment", ["Awful."])


def test_real_teacher_asks_before_a_first_fine_tune(monkeypatch):
    calls, job = fake_engine(monkeypatch, cached=False)
    at = open_page("pages/temperature.py")
    at.toggle(key="temp_real").set_value(True).run()
    assert not calls and any("a minute or more" in i.value for i in at.info)
    assert_temperature_readouts(at, CAT_LOGITS, 2.0)  # the preset meanwhile
    at.button(key="temp_teacher_go").click().run()
    assert not at.exception
    job.wait(at.session_state["temp_teacher_run_sentiment"], timeout=10)  # the warm-up job
    at.run()
    assert calls and not at.exception
    assert_temperature_readouts(at, np.array([2.5, 0.5, -1.0]), 2.0)


# ------------------------------------------------------------------------------------------- loss


def assert_loss_readouts(at: AppTest, teacher: np.ndarray, student: np.ndarray, label: int, t: float, alpha: float):
    s = torch.tensor(student, dtype=torch.float64)[None]
    tt = torch.tensor(teacher, dtype=torch.float64)[None]
    expected = kd_loss(s, tt, torch.tensor([label]), temperature=t, alpha=alpha)
    assert metric(at, "Total loss L") == f"{float(expected.total):.4f}"
    assert metric(at, "Hard part α·CE") == f"{alpha * expected.hard:.4f}"
    assert metric(at, "Soft part (1−α)·T²·KL") == f"{(1 - alpha) * expected.soft:.4f}"
    # the parts add up to the total the engine computed
    shown = float(metric(at, "Hard part α·CE")) + float(metric(at, "Soft part (1−α)·T²·KL"))
    assert shown == pytest.approx(float(expected.total), abs=2e-4)
    reductions = kl_reductions(s, tt, t)
    assert metric(at, "batchmean") == f"{reductions['batchmean']:.4f}"
    assert metric(at, "mean") == f"{reductions['mean']:.4f}"
    assert reductions["batchmean"] == pytest.approx(expected.kl)  # batchmean is the formula's KL


def test_loss_default_matches_kd_loss():
    at = open_page("pages/loss.py")
    assert at.slider(key="loss_alpha").value == 0.5
    assert at.select_slider(key="loss_T").value == 2.0
    assert_loss_readouts(at, CAT_LOGITS, LOSS_STUDENT, 0, 2.0, 0.5)
    assert len(at.get("plotly_chart")) == 3  # breakdown, distributions, gradient
    assert any(r"T^2" in latex.value for latex in at.latex)


@pytest.mark.parametrize(("alpha", "t"), [(0.0, 1.0), (0.3, 4.0), (1.0, 10.0), (0.75, 0.5)])
def test_loss_sliders_drive_the_breakdown(alpha, t):
    at = open_page("pages/loss.py")
    at.slider(key="loss_alpha").set_value(alpha)
    at.select_slider(key="loss_T").set_value(t)
    at.run()
    assert not at.exception
    assert_loss_readouts(at, CAT_LOGITS, LOSS_STUDENT, 0, t, alpha)


def test_loss_hard_label_choice_is_used():
    at = open_page("pages/loss.py")
    at.selectbox(key="loss_label_student_still_learning").set_value("dog").run()
    assert_loss_readouts(at, CAT_LOGITS, LOSS_STUDENT, 3, 2.0, 0.5)


def test_loss_query_params_restore_the_view():
    at = open_page(
        "pages/loss.py", query={"loss_alpha": "0.25", "loss_T": "5", "loss_example": "Student confident and wrong"}
    )
    assert at.slider(key="loss_alpha").value == 0.25
    assert at.select_slider(key="loss_T").value == 5.0
    assert at.selectbox(key="loss_example").value == "Student confident and wrong"
    assert_loss_readouts(at, CAT_LOGITS, np.array([-1.0, 0.0, 0.0, 4.0, 0.0]), 0, 5.0, 0.25)


def test_loss_bad_query_params_fall_back_silently():
    at = open_page("pages/loss.py", query={"loss_alpha": "7", "loss_T": "-1", "loss_example": "??"})
    assert at.slider(key="loss_alpha").value == 0.5
    assert at.select_slider(key="loss_T").value == 2.0
    assert not at.warning
    assert_loss_readouts(at, CAT_LOGITS, LOSS_STUDENT, 0, 2.0, 0.5)


def test_loss_reset_returns_to_defaults():
    at = open_page("pages/loss.py", query={"loss_alpha": "0.9", "loss_T": "10"})
    at.button(key="loss_reset").click().run()
    assert at.slider(key="loss_alpha").value == 0.5
    assert at.select_slider(key="loss_T").value == 2.0
    assert not any(key.startswith("loss_") for key in at.query_params)
    assert_loss_readouts(at, CAT_LOGITS, LOSS_STUDENT, 0, 2.0, 0.5)


def test_loss_student_equal_to_teacher_has_no_soft_term():
    at = open_page("pages/loss.py", query={"loss_example": "Student matches the teacher"})
    assert float(metric(at, "Soft part (1−α)·T²·KL")) == pytest.approx(0.0, abs=1e-4)


@pytest.mark.parametrize(
    ("edits", "says"),
    [
        ({"edited_rows": {0: {"class": ""}}}, "has no class name"),
        ({"edited_rows": {0: {"student": 5e4}}}, "keep logits within"),
        ({"deleted_rows": [0, 1, 2, 3]}, "at least 2 classes"),
    ],
)
def test_loss_bad_table_gives_a_warning(edits, says):
    state = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edits}
    at = open_page("pages/loss.py", state={"loss_editor_student_still_learning": state})
    assert says in warnings_text(at)
    assert_loss_readouts(at, CAT_LOGITS, LOSS_STUDENT, 0, 2.0, 0.5)
