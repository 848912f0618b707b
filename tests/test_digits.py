"""The digits experiment (Hinton et al. 2015 in miniature): the omitted digit, the bias correction, the CLI."""

from __future__ import annotations

import dataclasses
import functools
import json
import threading

import numpy as np
import pytest

from distill_core.__main__ import main
from distill_core.errors import Cancelled, DistillError
from distill_core.experiments import digits as D
from distill_core.experiments.digits_report import DigitsReport

# Small enough to train in a few seconds, large enough that the teacher's soft targets say something.
TINY = dict(teacher_hidden=[128], teacher_epochs=25, student_hidden=24, student_epochs=40, temperatures=[1.0, 8.0], seeds=[0])


@pytest.fixture(scope="module")
def tiny_report() -> DigitsReport:
    return D.run_digits_experiment(D.DigitsSpec(**TINY))


def test_hard_labels_never_recognise_the_omitted_digit(tiny_report):
    hard = [r for r in tiny_report.rows if r["experiment"] == "omitted" and r["condition"] == "hard"]
    assert hard and all(r["omitted_recall"] == 0.0 for r in hard)


def test_soft_targets_at_high_t_recognise_some_of_it(tiny_report):
    soft = tiny_report.omitted().set_index("condition").loc["soft T=8"]
    assert soft["omitted_recall"] > 0.05
    assert soft["omitted_recall_corrected"] >= soft["omitted_recall"]  # the correction only raises that bias


def test_table_holds_teacher_hard_and_each_temperature(tiny_report):
    assert list(tiny_report.table()["condition"]) == ["teacher", "hard", "soft T=1", "soft T=8"]
    assert tiny_report.test_size == len(D.load_split(D.DigitsSpec(**TINY)).y_test)


def test_choose_bias_is_the_smallest_raise_reaching_the_share():
    val = np.zeros((10, 10), dtype=np.float32)
    val[:, 0] = 5.0
    val[:, 3] = np.arange(10, dtype=np.float32) * -1.0  # image i needs a raise of 5 + i to answer 3
    assert D.choose_bias(val, 3, 0.2) == pytest.approx(6.0, abs=1e-3)  # two images of ten
    raised = val.copy()
    raised[:, 3] += D.choose_bias(val, 3, 0.2)
    assert (raised.argmax(1) == 3).sum() == 2
    val[:, 3] = 9.0  # already answers 3 everywhere: never lowered
    assert D.choose_bias(val, 3, 0.1) == 0.0


def test_the_bias_is_chosen_on_validation_images_only():
    spec = D.DigitsSpec(**TINY)
    split = D.load_split(spec)
    teacher = D.teacher_logits(spec, split, 0)
    keep = split.y_train != spec.omit
    model = D.train_student(spec, split, keep, "soft T=8", 0, teacher["train"])
    share = float((split.y_train == spec.omit).mean())
    other = dataclasses.replace(split, x_test=split.x_test[::-1].copy(), y_test=split.y_test[::-1].copy())
    rows = [D.omitted_row(spec, s, D.logits_of(model, s.x_val), D.logits_of(model, s.x_test), share) for s in (split, other)]
    assert rows[0]["bias"] == rows[1]["bias"]
    shuffled_val = dataclasses.replace(split, x_val=split.x_val[::-1].copy())
    assert D.omitted_row(spec, shuffled_val, D.logits_of(model, shuffled_val.x_val), D.logits_of(model, split.x_test), share)["bias"] \
        == pytest.approx(rows[0]["bias"])  # the order of validation images does not matter either


def test_json_rows_have_the_issue_keys(tiny_report):
    rows = tiny_report.json_rows()
    assert [r["condition"] for r in rows] == ["hard", "soft T=1", "soft T=8"]
    for r in rows:
        for key in ("condition", "temperature", "omitted_recall", "omitted_recall_std", "accuracy", "accuracy_std",
                    "omitted_recall_corrected", "omitted_recall_corrected_std", "bias"):
            assert key in r
        assert 0.0 <= r["omitted_recall"] <= 1.0 and 0.0 <= r["accuracy"] <= 1.0
    assert rows[0]["temperature"] is None and rows[2]["temperature"] == 8.0
    json.dumps(rows)


def test_report_round_trips(tiny_report):
    again = DigitsReport.from_dict(json.loads(json.dumps(tiny_report.as_dict())))
    assert again.json_rows() == tiny_report.json_rows()
    assert again.reading() == tiny_report.reading()


def test_events_and_teacher_cache(tmp_path):
    spec = D.DigitsSpec(**TINY | {"experiments": ["omitted"], "temperatures": [4.0]})
    events = []
    D.run_digits_experiment(spec, home=tmp_path, on_event=events.append)
    kinds = {e["kind"] for e in events}
    assert {"progress", "phase", "result"} <= kinds
    progress = [e for e in events if e["kind"] == "progress"]
    assert progress[-1]["fraction"] == 1.0 and all({"elapsed_s", "eta_s"} <= set(e) for e in progress)
    assert list((tmp_path / "digits").glob("teacher-*.npz"))  # on disk for the app's child processes
    D._TEACHERS.clear()
    split = D.load_split(spec)
    cached = D.teacher_logits(spec, split, 0, home=tmp_path, tick=lambda: pytest.fail("the teacher trained again"))
    assert cached["test"].shape == (len(split.y_test), 10)


def test_cancel_stops_the_run():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        D.run_digits_experiment(D.DigitsSpec(**TINY | {"teacher_hidden": [16], "seeds": [7]}), cancel=cancel)


@pytest.mark.parametrize("bad", [{"omit": 10}, {"temperatures": []}, {"alpha": 1.5}, {"experiments": ["nope"]}])
def test_bad_specs_say_why(bad):
    with pytest.raises(DistillError):
        D.DigitsSpec(**TINY | bad).validate()


def test_cli_intents_takes_an_intent_not_a_digit(capsys):  # --task intents is built (tests/test_omitted_intents.py)
    assert main(["omitted-class", "--task", "intents", "--omit", "3"]) == 2
    err = capsys.readouterr().err.strip()
    assert "not an intent" in err and len(err.splitlines()) == 1


def test_cli_bad_digit_exits_2(capsys):
    assert main(["omitted-class", "--omit", "12"]) == 2
    assert "0 to 9" in capsys.readouterr().err


def test_cli_writes_rows(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(D, "DigitsSpec", functools.partial(D.DigitsSpec, **{k: v for k, v in TINY.items() if k in ("teacher_hidden", "teacher_epochs", "student_epochs")}))
    out = tmp_path / "omitted.json"
    assert main(["omitted-class", "--task", "digits", "--omit", "5", "--seeds", "1", "--temperatures", "4", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["omitted_digit"] == 5 and [r["condition"] for r in data["rows"]] == ["hard", "soft T=4"]
    assert {"condition", "temperature", "omitted_recall", "accuracy", "omitted_recall_std", "accuracy_std"} <= set(data["rows"][0])
    assert "recall" in capsys.readouterr().out


# ------------------------------------------------------------------ the MNIST table's own preset (Hinton's setting)


def test_table_spec_has_an_unregularised_student_and_the_shared_teacher(monkeypatch):
    import torch.nn as nn

    spec = D.table_spec()
    spec.validate()
    assert spec.experiments == ["table"] and spec.teacher_fields() == D.DigitsSpec().teacher_fields()  # one cached teacher
    assert spec.student_hidden >= max(D.DigitsSpec().student_hidden, 64)  # big for its 898 images, as Hinton's 2x800
    seen = {}
    monkeypatch.setattr(D, "fit", lambda model, x, y, **kw: seen.update(model=model, **kw))
    split = D.load_split(spec)
    logits = np.zeros((len(split.y_train), 10), dtype=np.float32)
    D.train_student(spec, split, np.ones(len(split.y_train), dtype=bool), "soft T=20", 0, logits)
    assert not any(isinstance(m, nn.Dropout) for m in seen["model"].modules())
    assert seen.get("max_shift", 0) == 0  # no shifted images for the student
    assert [m.out_features for m in seen["model"] if isinstance(m, nn.Linear)] == [spec.student_hidden] * 2 + [10]
    assert seen["temperature"] == 20.0 and seen["alpha"] == spec.alpha


@pytest.fixture(scope="module")
def tiny_table() -> DigitsReport:
    return D.run_digits_experiment(D.table_spec(**TINY | {"student_hidden": 48, "experiments": ["table"]}))


def test_table_rows_add_up(tiny_table):
    spec, n = tiny_table.spec, tiny_table.test_size
    assert {r["experiment"] for r in tiny_table.rows} == {"table"}
    for r in tiny_table.rows:
        assert r["errors"] == round(n * (1 - r["accuracy"]))  # errors + right answers = the test images
        assert 0 <= r["val_errors"] <= spec["validation_size"]
    s = tiny_table.table()
    assert list(s["condition"]) == ["teacher", "hard", "soft T=1", "soft T=8"]
    assert {"val_errors", "val_errors_std"} <= set(s.columns)
    assert tiny_table.json_rows() == [] and tiny_table.omitted().empty  # no omitted part in this run
    assert len(tiny_table.reading()) == 1 and tiny_table.table_verdict()


def _synthetic(hard: list[int], soft: list[int], n: int = 700) -> DigitsReport:
    rows = [{"experiment": "table", "condition": c, "temperature": t, "seed": i, "errors": e, "accuracy": 1 - e / n}
            for c, t, errs in (("teacher", None, [5] * len(hard)), ("hard", None, hard), ("soft T=20", 20.0, soft))
            for i, e in enumerate(errs)]
    return DigitsReport({"omit": 3, "temperatures": [20.0]}, n, 70, 0.1, rows, 0.0)


def test_table_verdict_follows_the_spread_rule():
    from distill_core.experiments.base import spread

    helped = _synthetic([30, 32, 31], [20, 21, 22])
    g = helped.table_gain(20.0)
    assert g["verdict"] == 1 and g["gain"] == pytest.approx(10.0)
    assert g["spread"] == pytest.approx(700 * spread(1.0 / 700, 1.0 / 700))  # the spread rule, in images
    assert helped.table_verdict().startswith("Soft targets helped")
    noisy = _synthetic([20, 40, 30], [25, 35, 20])
    assert noisy.table_gain(20.0)["verdict"] == 0 and "within the seed spread" in noisy.table_verdict(20.0)
    assert _synthetic([20, 21, 22], [30, 32, 31]).table_verdict().startswith("Soft targets did not help")
    assert helped.table_gain(4.0) is None and helped.table_verdict(4.0) == ""


def test_table_command_writes_what_the_page_reads(tmp_path, monkeypatch, capsys):
    from distill_core.experiments import digits_table

    tiny = D.table_spec
    monkeypatch.setattr(D, "table_spec", lambda **kw: tiny(**TINY | {"student_hidden": 16, "temperatures": [4.0]} | kw))
    out = tmp_path / "table.json"
    assert digits_table.main(["--seeds", "1", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    report = DigitsReport.from_dict(data["report"])
    assert data["experiment"] == "table" and [r["condition"] for r in data["table"]] == ["teacher", "hard", "soft T=4"]
    assert report.table_verdict(4.0) in capsys.readouterr().out


def test_one_seed_has_no_spread_to_judge_by():
    one = _synthetic([30], [20])
    assert "one seed" in one.table_verdict(20.0) and "helped" not in one.table_verdict(20.0)
    assert one.other_temperatures_line(4.0) == "At the other temperatures: T = 20, 10.0 fewer errors; one seed, so no spread to judge by."


def test_the_other_temperatures_are_one_line_with_the_spread_rule():
    helped = _synthetic([30, 32, 31], [20, 21, 22])
    noise = helped.table_gain(20.0)["spread"]
    assert helped.other_temperatures_line(4.0) == f"At the other temperatures: T = 20, 10.0 fewer errors (beyond the seed spread, ±{noise:.1f})."
    assert helped.other_temperatures_line(20.0) == ""  # the only temperature is the one shown in bold
    worse = _synthetic([20, 21, 22], [30, 32, 31])
    assert "T = 20, 10.0 more errors (beyond the seed spread" in worse.other_temperatures_line(4.0)
