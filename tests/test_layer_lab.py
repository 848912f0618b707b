import numpy as np
import pytest

from distill_core.errors import DistillError
from distill_core.experiments.layers import EXPERIMENTS, LayerExperimentReport, LayerExperimentSpec, pkd_map, run_layer_experiment
from distill_core.mappings import LayerMap, make_map
from tests.conftest import tiny_model_dir


def _tiny(experiment: str, **kw) -> LayerExperimentSpec:
    base = dict(experiment=experiment, teacher=tiny_model_dir(), teacher_epochs=1, seeds=[0], epochs=1, max_train=48, transfer_size=16,
                max_length=16, general_size=64, cka_rows=24)
    return LayerExperimentSpec(**(base | kw))


@pytest.mark.parametrize("experiment", list(EXPERIMENTS))
def test_every_condition_runs_with_the_same_steps(lab_home, experiment):
    events = []
    report = run_layer_experiment(_tiny(experiment), home=lab_home, on_event=events.append)
    assert [r["condition"] for r in report.rows] == [c for c, _ in EXPERIMENTS[experiment][1]]
    assert len({r["steps"] for r in report.rows}) == 1  # same optimiser steps in every condition
    assert all(0.0 <= r["accuracy"] <= 1.0 and 0.0 <= r["agreement"] <= 1.0 for r in report.rows)
    # CKA of seed 0 for every condition (student hidden indices x teacher hidden indices), values in [0, 1]
    assert set(report.cka) == {"before", *(c for c, _ in EXPERIMENTS[experiment][1])}
    for condition in ["before"] + [c for c, _ in EXPERIMENTS[experiment][1]]:
        m = np.array(report.cka[condition])
        assert m.shape == (1 + 1, 2 + 1)  # tiny teacher: 2 layers, the student keeps 1; +1 for the embeddings
        assert ((m >= -1e-9) & (m <= 1 + 1e-9)).all()
    assert events[-1]["kind"] == "progress" and events[-1]["fraction"] == 1.0
    again = LayerExperimentReport.from_dict(report.as_dict())
    assert again.summary()["condition"].tolist() == report.summary()["condition"].tolist()


def test_agnostic_stage_trains_on_general_text_without_labels(lab_home):
    events = []
    run_layer_experiment(_tiny("agnostic"), home=lab_home, on_event=events.append)
    general = [e for e in events if e.get("kind") == "step" and "general text" in e.get("phase", "")]
    assert general, "the task-agnostic condition must run a general-text stage"
    assert all(e["hard_ce"] == 0.0 and "hidden_mse" in e and "attention" in e for e in general)
    task_steps = [e for e in events if e.get("kind") == "step" and e["phase"].startswith("task-agnostic") and "general" not in e["phase"]]
    assert len(general) + len(task_steps) == [e for e in events if e.get("kind") == "step" and e["phase"].startswith("fine-tune only")][-1]["total_steps"]


def test_objective_conditions_log_their_own_loss_parts(lab_home):
    events = []
    run_layer_experiment(_tiny("objective"), home=lab_home, on_event=events.append)
    parts = {}
    for e in events:
        if e.get("kind") == "step" and e["phase"] != "teacher":
            parts.setdefault(e["phase"].split(" · ")[0], set()).update(k for k in ("hidden_mse", "attention", "pkd") if k in e)
    assert parts == {"logits": set(), "logits + hidden": {"hidden_mse"}, "logits + attention": {"attention"}, "logits + PKD": {"pkd"}}


def test_an_impossible_custom_map_is_refused_clearly(lab_home):
    bad = LayerMap(((0, 0), (1, 9)), ((0, 0),), "custom").as_dict()
    with pytest.raises(DistillError, match="teacher hidden index 9"):
        run_layer_experiment(_tiny("objective", layer_map=bad), home=lab_home)


def test_spec_validation():
    with pytest.raises(DistillError, match="unknown experiment"):
        LayerExperimentSpec(experiment="magic").validate()
    with pytest.raises(DistillError, match="seed"):
        LayerExperimentSpec(seeds=[]).validate()


def test_pkd_map_keeps_inner_layers_only():
    m = make_map("distilbert", 3, 6, kept_layers=[0, 2, 4])
    assert pkd_map(m, 3).hidden == ((1, 1), (2, 3))
    assert pkd_map(make_map("pkd-skip", 3, 6), 3).hidden == ((1, 2), (2, 4))  # already inner-only: nothing dropped
    one = make_map("distilbert", 1, 6, kept_layers=[0])
    assert pkd_map(one, 1).hidden == ((1, 1),)  # no inner layer: the last one


def test_verdict_says_when_nothing_beats_the_spread():
    rows = [{"condition": c, "seed": s, "steps": 10, "accuracy": a, "macro_f1": a, "agreement": a}
            for c, accs in (("logits", [0.80, 0.82]), ("logits + hidden", [0.81, 0.83]), ("logits + PKD", [0.60, 0.62])) for s, a in enumerate(accs)]
    r = LayerExperimentReport({}, {}, rows, {}, {}, 0.0)
    v = r.verdict()
    assert v.startswith("Best: 'logits + hidden'")
    assert "'logits + hidden' is within the seed spread" in v and "'logits + PKD' is 20.0 points below 'logits'" in v
    flat = LayerExperimentReport({}, {}, rows[:4], {}, {}, 0.0)
    assert flat.verdict().startswith("No condition stands out")
