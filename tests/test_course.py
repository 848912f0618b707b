"""Course mode (#16): every page's goals, glossary link and Next link; predictions kept and shown beside results;
instructor notes; the findings read from the references; the take-home summary as valid, self-contained HTML."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from distill_core.findings import REFERENCE_DIR, findings
from distill_core.summary_html import StepRecord, build_summary_html
from pages._ui.course_content import COURSE, COURSE_ORDER, STEPS, next_step
from pages._ui.glossary_terms import TERMS, anchor
from pages._ui.references_content import PAPERS, cited_on, engine_citations, page_sources
from pages._ui.summary import summary_html
from tests.conftest import click_and_wait_finished, open_app_page

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120


def open_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [t.value for t in at.text] + [c.value for c in at.caption])


def links(at: AppTest) -> list:
    return list(at.get("page_link"))


# ------------------------------------------------------------------ the walk through every page


def test_the_course_walk_every_page_has_goals_glossary_and_a_working_next_link():
    at = open_app()
    key = "home"
    seen = []
    while True:
        step = STEPS[key]
        body = texts(at)
        assert f"Step {step.number} of 8 · Goals" in body, key
        for goal in step.goals:  # each goal rendered, its glossary links included
            assert goal in body, (key, goal)
        assert any(link.proto.page == "glossary" for link in links(at)), key
        assert at.radio(key=f"course_pred_{key}").options == list(step.options), key
        seen.append(key)
        following = next_step(key)
        if following is None:
            assert any(link.proto.page == "references" and link.proto.label.startswith("Next") for link in links(at))
            break
        nxt = [link for link in links(at) if link.proto.label.startswith("Next: ")]
        assert len(nxt) == 1 and nxt[0].proto.label == f"Next: {following.nav_title}", key
        assert nxt[0].proto.page == following.key  # the link's target is the next page in the course
        at.switch_page(following.path).run()
        assert not at.exception, (following.key, at.exception)
        key = following.key
    assert seen == COURSE_ORDER


def test_goals_link_glossary_terms_that_exist():
    anchors = {anchor(t) for t in TERMS}
    required = ["logit", "softmax", "temperature", "soft target", "dark knowledge", "KL divergence", "transfer set",
                "pseudo-label", "seed spread", "macro-F1", "ECE", "agreement", "CKA", "[CLS]", "PKD", "INT8", "Pareto frontier"]
    assert set(required) <= set(TERMS)
    linked = set()
    for step in COURSE:
        for goal in step.goals:
            for target in re.findall(r"\]\(glossary#([a-z0-9-]+)\)", goal):
                assert target in anchors, (step.key, target)
                linked.add(target)
    assert {anchor(t) for t in required} <= linked  # each linked where the course first needs it


def test_glossary_page_has_an_anchor_per_term():
    at = open_app()
    at.switch_page("pages/glossary.py").run()
    assert not at.exception
    subheaders = {h.value for h in at.subheader}
    assert set(TERMS) <= subheaders


# ------------------------------------------------------------------ predict, then see


def test_a_prediction_is_kept_across_pages_and_shown_beside_the_measured_result():
    at = open_app()
    at.switch_page("pages/temperature.py").run()
    at.radio(key="course_pred_temperature").set_value("About 0.3").run()
    assert at.session_state["course_predictions"]["temperature"] == "About 0.3"
    at.switch_page("pages/loss.py").run()
    at.switch_page("pages/temperature.py").run()
    assert at.radio(key="course_pred_temperature").value == "About 0.3"  # restored, not asked again
    footer = "\n".join(t.value for t in at.text)
    assert "About 0.3" in footer
    assert "0.32 at T = 4" in texts(at)  # the computed answer beside it


def test_a_recorded_live_result_shows_beside_the_prediction():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["course_predictions"] = {"distill": "By 1 to 5 points"}
    at.session_state["course_results"] = {"distill": [{"text": "Run 7: soft targets helped by 2.0 points.", "table": None, "bars": None}]}
    at.run()
    at.switch_page("pages/distill.py").run()
    assert not at.exception
    shown = "\n".join(t.value for t in at.text)
    assert "By 1 to 5 points" in shown and "Your run: Run 7: soft targets helped by 2.0 points." in shown


def test_a_live_run_records_its_result_beside_the_prediction_and_in_the_summary(lab_home, monkeypatch):
    at = open_app_page(monkeypatch, "pages/soft_targets.py")
    at.radio(key="course_pred_soft_targets").set_value(STEPS["soft_targets"].options[2]).run()
    at.radio(key="st_preset").set_value("tiny").run()
    click_and_wait_finished(at, "st_run")
    at.run()  # the rerun that draws the finished report records it
    recorded = at.session_state["course_results"]["soft_targets"]
    assert len(recorded) == 1 and recorded[0]["text"].startswith("Run ") and recorded[0]["table"]
    footer = "\n".join(t.value for t in at.text)
    assert "Your run: " + recorded[0]["text"] in footer and STEPS["soft_targets"].options[2] in footer
    html = summary_html(dict(at.session_state["course_predictions"]), dict(at.session_state["course_results"]),
                        lambda s: "", [])
    p = parse(html)
    assert recorded[0]["text"] in " ".join(p.text) and "svg" in p.tags


# ------------------------------------------------------------------ instructor mode


def test_instructor_mode_shows_expected_results_talking_points_and_a_prepared_link():
    at = open_app({"mode": "instructor"})
    assert any("Instructor notes" in e.label for e in at.expander)
    at.switch_page("pages/temperature.py").run()
    body = texts(at)
    assert "0.32 at T = 4" in body and STEPS["temperature"].talking_points[0] in body
    codes = [c.value for c in at.code]
    assert any(c.endswith("temperature?temp_T=4") for c in codes), codes


@pytest.mark.parametrize("key", [s.key for s in COURSE if s.prepared])
def test_every_prepared_link_opens_its_page_in_the_prepared_state(key):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    for param, value in STEPS[key].prepared.items():
        at.query_params[param] = value
    at.switch_page(STEPS[key].path).run()
    assert not at.exception, at.exception
    widget = {"temperature": lambda: at.select_slider(key="temp_T").value == 4.0,
              "loss": lambda: at.select_slider(key="loss_T").value == 4.0,
              "layers": lambda: at.selectbox(key="ly_strategy").value == "pkd-skip",
              "tradeoffs": lambda: at.number_input(key="trade_calls").value == 1_000_000,
              "when_to_distil": lambda: at.selectbox(key="wtd_scenario").value == "api"}
    assert widget.get(key, lambda: True)(), key


def test_without_instructor_mode_there_are_no_notes():
    at = open_app()
    assert not any("Instructor notes" in e.label for e in at.expander)


# ------------------------------------------------------------------ what we measured


def test_findings_are_read_from_the_reference_files_not_retyped(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    path = folder / "int8-students.json"
    data = json.loads(path.read_text())
    assert "86.0% in fp32, 83.3%" in {f.key: f for f in findings(folder)}["int8"].text
    data["students"][0]["accuracy_int8"] = 0.5
    path.write_text(json.dumps(data))
    assert "50.0% after dynamic INT8" in {f.key: f for f in findings(folder)}["int8"].text
    path.unlink()
    assert "int8" not in {f.key for f in findings(folder)}  # a missing report drops its finding, nothing else
    assert findings(tmp_path / "nowhere") == []


def test_the_quick_findings_caveat_follows_its_file(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    path = folder / "quick-demo.json"
    quick = {f.key: f for f in findings(folder)}["quick"]
    assert "credit the transfer set" in quick.caveat and "nothing beyond the seed spread" in quick.caveat
    data = json.loads(path.read_text())
    for seed in data["results"]["distilled"]["per_seed"]:  # soft targets now 10 points above the top-class labels
        seed["accuracy"] = data["results"]["pseudo"]["per_seed"][0]["accuracy"] + 0.10
    path.write_text(json.dumps(data))
    quick = {f.key: f for f in findings(folder)}["quick"]
    assert "the soft targets add +10.0 points (beyond" in quick.caveat, quick.caveat


def test_home_shows_every_finding_with_a_link_to_its_page():
    at = open_app()
    body = texts(at)
    found = findings()
    assert {f.key for f in found} >= {"transfer", "soft", "init", "intermediate", "int8"}
    for f in found:
        assert f.title in body and f.text in body and f.caveat in body
    targets = {link.proto.page for link in links(at) if link.proto.label.startswith("See it")}
    assert targets >= {"soft_targets", "layers", "tradeoffs"}


# ------------------------------------------------------------------ references


def test_every_paper_has_a_well_formed_arxiv_id_and_a_citing_page():
    sources = page_sources()
    for paper in PAPERS:
        assert re.fullmatch(r"\d{4}\.\d{4,5}", paper.arxiv), paper
        assert 2000 < paper.year < 2030
        assert cited_on(paper, sources) or engine_citations(paper), paper.title  # the app does cite it somewhere
    assert len({p.arxiv for p in PAPERS}) == len(PAPERS)


# ------------------------------------------------------------------ the take-home summary


class StrictParser(HTMLParser):
    """Checks that every non-void element is closed in order, and collects the visible text."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "rect"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> StrictParser:
    p = StrictParser()
    p.feed(html)
    p.close()
    assert p.stack == [], p.stack
    return p


def test_the_summary_is_valid_html_with_predictions_results_runs_and_the_corrected_code():
    at = open_app()
    at.radio(key="course_pred_home").set_value("No clear difference").run()
    at.switch_page("pages/temperature.py").run()
    at.radio(key="course_pred_temperature").set_value("About 0.3").run()
    run = {"text": "Run 3: within the seed spread.", "bars": None,
           "table": [{"model": "baseline", "accuracy": 0.81}, {"model": "distilled", "accuracy": 0.86}]}
    preds = dict(at.session_state["course_predictions"])
    html = summary_html(preds, {"distill": [run]}, lambda s: f"reference for {s.key}", findings())
    p = parse(html)
    text = " ".join(p.text)
    assert "No clear difference" in text and "About 0.3" in text
    assert "Run 3: within the seed spread." in text and "reference for temperature" in text
    assert html.count("Run 3: within the seed spread.") == 1  # in the Measured box, not repeated under it
    earlier = {"text": "Run 2: an earlier run.", "bars": None, "table": None}
    both = summary_html(preds, {"distill": [earlier, run]}, lambda s: "", findings())
    assert both.count("Run 2: an earlier run.") == 1 and both.count("Run 3: within the seed spread.") == 1
    assert "svg" in p.tags and "table" in p.tags  # the run's chart, as an image, and its table
    assert 'reduction="batchmean"' in text and "token_type_ids" in text and "cached" in text
    assert "script" not in p.tags and "link" not in p.tags and 'src="' not in html  # self-contained: nothing to fetch


def test_the_summary_escapes_what_the_learner_typed():
    html = build_summary_html([StepRecord("1 · x", "q?", "<script>alert(1)</script>", "<b>r</b>")])
    p = parse(html)
    assert "script" not in p.tags and "b" not in p.tags
    assert "<script>alert(1)</script>" in " ".join(p.text)


@pytest.mark.parametrize("page", ["pages/home.py", "pages/temperature.py"])
def test_course_chrome_keeps_light_pages_light(page):
    import subprocess
    import sys

    code = ("import sys; from streamlit.testing.v1 import AppTest;"
            f"at = AppTest.from_file({APP!r}, default_timeout={TIMEOUT}); at.query_params['mode'] = 'instructor'; at.run();"
            f"at.switch_page({page!r}).run(); assert not at.exception;"
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
