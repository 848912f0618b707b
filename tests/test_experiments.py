import pandas as pd
import pytest

from distill_core.errors import DistillError
from distill_core.experiments.soft_targets import SoftTargetSpec, few_per_class, group_errors, load_groups, run_soft_target_experiment


def test_group_errors_split_mistakes_into_neighbours_and_strangers():
    names = ["card_lost", "card_stolen", "refund_status"]
    groups = {"card_lost": "cards", "card_stolen": "cards", "refund_status": "refunds"}
    labels = [0, 0, 1, 2]
    preds = [0, 1, 2, 2]  # one right, one neighbour mix-up, one cross-group, one right
    assert group_errors(labels, preds, names, groups) == {"within_group_error": 0.25, "cross_group_error": 0.25}


def test_intents_groups_cover_every_label():
    from distill_core.data import load_sample_task

    groups = load_groups("intents")
    assert set(load_sample_task("intents").label_names) == set(groups)
    assert load_groups("sentiment") == {}


def test_few_per_class_is_balanced_and_seeded():
    df = pd.DataFrame({"text": [f"t{i}" for i in range(60)], "label": [i % 3 for i in range(60)]})
    a = few_per_class(df, 4, seed=1)
    assert a["label"].value_counts().tolist() == [4, 4, 4]
    assert a.equals(few_per_class(df, 4, seed=1))


def test_experiment_runs_every_condition_with_the_same_steps(lab_home, tiny_model):
    spec = SoftTargetSpec(task="intents", teacher=tiny_model, teacher_epochs=1, seeds=[0], temperatures=[2.0], epochs=1,
                          transfer_size=64, low_data_per_class=2, max_length=16, batch_size=32)
    report = run_soft_target_experiment(spec, home=lab_home)
    conditions = [(r["regime"], r["condition"]) for r in report.rows]
    run = ("hard", "pseudo", "soft T=2", "labelled soft T=4")  # Hinton's comparison comes last, by default at T 4
    assert conditions == [("all labels", c) for c in run] + [("2 labels per class", c) for c in run]
    for regime in ("all labels", "2 labels per class"):
        steps = {r["steps"] for r in report.rows if r["regime"] == regime}
        assert len(steps) == 1  # same compute for every condition
    assert [r["labelled"] for r in report.rows][-1] == 32
    s = report.summary()
    assert list(s["condition"][:3]) == ["hard", "pseudo", "soft T=2"] and (s["seeds"] == 1).all()
    assert len(report.reading()) == 2 and all("soft targets" in line.lower() for line in report.reading())
    assert report.example is None or set(report.example["probs_t"]) == set(report.label_names)


def test_experiment_needs_a_transfer_pool(lab_home, monkeypatch, tiny_model):
    from distill_core.experiments import soft_targets as experiments

    real = experiments.load_sample_task

    def no_pool(name):
        task = real(name)
        task.transfer = []
        return task

    monkeypatch.setattr(experiments, "load_sample_task", no_pool)
    with pytest.raises(DistillError, match="transfer pool"):
        run_soft_target_experiment(SoftTargetSpec(teacher=tiny_model), home=lab_home)


def test_hintons_comparison_trains_on_the_labelled_rows_alone_at_the_same_steps(lab_home, tiny_model, monkeypatch):
    from distill_core.experiments import soft_targets as experiments

    seen = {}  # phase -> (rows passed to train, steps, a loss given?)
    real = experiments.train

    def spy(student, encoded, labels, cfg, **kw):
        seen[kw["phase"]] = (len(encoded), len(labels), kw["max_steps"], kw.get("loss_fn") is not None)
        return real(student, encoded, labels, cfg, **kw)

    monkeypatch.setattr(experiments, "train", spy)
    spec = SoftTargetSpec(task="intents", teacher=tiny_model, teacher_epochs=1, seeds=[0], temperatures=[2.0],
                          labelled_only_temperatures=[1.0, 4.0], epochs=2, transfer_size=40, low_data_per_class=2,
                          all_labels=False, max_length=16, batch_size=16)
    assert spec.conditions()[-2:] == ["labelled soft T=1", "labelled soft T=4"]
    report = run_soft_target_experiment(spec, home=lab_home)
    regime = "2 labels per class"
    assert {r["regime"] for r in report.rows} == {regime}  # all_labels=False: the low-data regime alone
    labelled = 2 * len(report.label_names)
    for t in ("1", "4"):
        rows, labels, _, with_loss = seen[f"{regime} · labelled soft T={t} · seed 0"]
        assert rows == labels == labelled and with_loss  # soft targets on the labelled rows, no transfer row
    assert seen[f"{regime} · hard · seed 0"][:2] == (labelled, labelled)
    assert seen[f"{regime} · pseudo · seed 0"][0] == labelled + 40
    assert len({steps for _, _, steps, _ in seen.values()}) == 1  # the same optimiser steps in every condition
    assert report.steps() == {regime: 2 * -(-(labelled + 40) // 16)}
    by = {r["condition"]: r for r in report.rows}
    assert by["labelled soft T=4"]["transfer"] == 0 == by["hard"]["transfer"] and by["soft T=2"]["transfer"] == 40
    assert "labelled rows alone" in report.reading()[0]


def test_compare_schedules_reads_the_ranking_at_both_schedules():
    from distill_core.experiments.soft_targets import ExperimentReport, compare_schedules

    def report(acc: dict, steps: int) -> ExperimentReport:
        rows = [{"regime": "few", "condition": c, "seed": s, "steps": steps, "accuracy": a + d, "macro_f1": a, "agreement": a,
                 "within_group_error": 0.0, "cross_group_error": 0.0} for c, a in acc.items() for s, d in ((0, -0.01), (1, 0.01))]
        return ExperimentReport({}, [], {}, rows, None, 0.0)

    short = report({"hard": 0.80, "pseudo": 0.88, "soft T=4": 0.78}, 86)
    long = report({"hard": 0.84, "pseudo": 0.88, "soft T=4": 0.95}, 258)
    [line] = compare_schedules(short, long)
    assert line.startswith("few, 86 → 258 steps") and "from teacher argmax to soft T=4 + transfer, beyond the seed spread" in line
    assert "trail pseudo-labels at the short schedule and beat them at the long one" in line
