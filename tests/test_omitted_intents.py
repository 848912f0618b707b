"""The intent the student never saw (issue 13, section 2): nothing of it reaches the student, hard labels
never answer it, the bias correction, the CLI's rows and errors. A tiny local model keeps each test to seconds."""

from __future__ import annotations

import functools
import json
import threading

import numpy as np
import pytest

from distill_core.__main__ import main
from distill_core.errors import Cancelled, DistillError
from distill_core.experiments import omitted_intents as O
from distill_core.experiments import omitted_intents_cli as OC
from distill_core.experiments import soft_targets
from distill_core.experiments.specs import HARD, PSEUDO
from tests.conftest import tiny_model_dir

OMIT = "card_lost"


def tiny_spec(**over) -> O.OmittedIntentSpec:
    fields = dict(teacher=tiny_model_dir(), teacher_epochs=1, seeds=[0], temperatures=[2.0], per_class=3, transfer_size=96,
                  max_length=16, epochs=3, omit=OMIT)
    return O.OmittedIntentSpec(**fields | over)


@pytest.fixture(scope="module")
def tiny_run():
    """A tiny run, with every labelled and transfer row handed to the students recorded on the way."""
    seen = []

    class Recording(soft_targets._Pools):
        def __init__(self, teacher, labelled, transfer, teacher_transfer, max_length, home):
            seen.append({"labels": labelled["label"].tolist(), "texts": labelled["text"].tolist() + list(transfer),
                         "transfer_argmax": teacher_transfer.argmax(1).tolist()})
            super().__init__(teacher, labelled, transfer, teacher_transfer, max_length, home)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(soft_targets, "_Pools", Recording)
        report = O.run_omitted_intent_experiment(tiny_spec())
    return report, seen


def test_the_held_out_intent_reaches_no_student_row(tiny_run):
    from distill_core.data import load_sample_task

    report, seen = tiny_run
    task = load_sample_task("intents")
    omit = task.label_names.index(OMIT)
    assert len(seen) == 1
    pools = seen[0]
    assert pools["labels"] and omit not in pools["labels"]
    assert omit not in pools["transfer_argmax"]  # so the pseudo-labels never name it either
    held_out_texts = set(task.train.loc[task.train["label"] == omit, "text"])
    assert not held_out_texts & set(pools["texts"])
    assert report.transfer_kept + report.transfer_dropped == 96 and report.transfer_kept == len(pools["transfer_argmax"])
    assert report.labelled == len(pools["labels"]) == 3 * 15


def test_hard_labels_never_recognise_it(tiny_run):
    report, _ = tiny_run
    hard = [r for r in report.rows if r["condition"] == HARD]
    assert hard and all(r["omitted_recall"] == 0.0 for r in hard)


def test_every_condition_gets_the_same_steps_and_the_rows_have_the_digits_keys(tiny_run):
    report, _ = tiny_run
    rows = report.json_rows()
    assert [r["condition"] for r in rows] == [HARD, PSEUDO, "soft T=2"]
    assert [r["temperature"] for r in rows] == [None, None, 2.0]
    for r in rows:
        for key in ("omitted_recall", "omitted_recall_corrected", "accuracy", "accuracy_corrected", "bias"):
            assert key in r and f"{key}_std" in r
        assert 0.0 <= r["omitted_recall"] <= 1.0 and 0.0 <= r["accuracy"] <= 1.0 and r["omitted_intent"] == OMIT
    assert report.reading() and all(isinstance(line, str) for line in report.reading())
    assert json.loads(json.dumps(report.as_dict(), default=float))["omitted"] == OMIT


def test_the_correction_uses_validation_logits_only():
    val = np.zeros((10, 4), dtype=np.float32)
    val[:, 0] = 3.0
    val[:, 2] = -np.arange(10, dtype=np.float32)  # row i needs a raise of 3 + i to answer 2
    test = np.zeros((4, 4), dtype=np.float32)
    test[:, 1] = 1.0
    labels = np.array([2, 2, 1, 1])
    out = O.omitted_metrics(val, test, labels, 2, 0.2)
    assert out["bias"] == pytest.approx(4.0, abs=1e-3)  # two rows of ten, whatever the test rows say
    assert out["omitted_recall"] == 0.0 and out["omitted_recall_corrected"] == 1.0
    assert out["accuracy"] == 0.5 and out["accuracy_corrected"] == 0.5


def test_cli_writes_rows(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(OC, "OmittedIntentSpec", functools.partial(O.OmittedIntentSpec, **{
        k: v for k, v in vars(tiny_spec()).items() if k not in ("omit", "seeds", "temperatures")}))
    out = tmp_path / "omitted.json"
    assert main(["omitted-class", "--task", "intents", "--omit", "card_stolen", "--seeds", "1", "--temperatures", "4",
                 "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["omitted_intent"] == "card_stolen" and [r["condition"] for r in data["rows"]] == [HARD, PSEUDO, "soft T=4"]
    assert {"condition", "temperature", "omitted_recall", "accuracy", "omitted_recall_std", "accuracy_std"} <= set(data["rows"][0])
    assert "card_stolen" in capsys.readouterr().out


@pytest.mark.parametrize("omit", ["no_such_intent", "3"])
def test_cli_bad_intent_exits_2(omit, capsys):
    assert main(["omitted-class", "--task", "intents", "--omit", omit]) == 2
    err = capsys.readouterr().err.strip()
    assert "card_lost" in err and len(err.splitlines()) == 1  # names the intents to choose from, in one line


def test_cancel_stops_the_run():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        O.run_omitted_intent_experiment(tiny_spec(), cancel=cancel)


@pytest.mark.parametrize("bad", [{"temperatures": []}, {"alpha": 1.5}, {"per_class": 0}, {"temperatures": [0.0]}])
def test_bad_specs_say_why(bad):
    with pytest.raises(DistillError):
        tiny_spec(**bad).validate()
