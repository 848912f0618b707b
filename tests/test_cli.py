"""The CLI as a user runs it: a subprocess, its table, its one-line errors."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_cli(*args, home):
    env = dict(os.environ, DISTILL_LAB_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "distill_core", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_distill_on_a_user_csv_prints_the_comparison_table(toy_csv, tmp_path, tiny_model):
    out = run_cli(
        "distill", "--data", str(toy_csv), "--text-col", "review", "--label-col", "stars", "--teacher", tiny_model,
        "--teacher-epochs", "1", "--epochs", "1", "--seeds", "2", "--json", str(tmp_path / "r.json"), home=tmp_path / "h",
    )
    assert out.returncode == 0, out.stderr
    for row in ("teacher", "student, hard labels", "student, distilled"):
        assert row in out.stdout
    assert "student, teacher's labels" not in out.stdout  # no transfer rows in a plain CSV: nothing to attribute
    assert "recorded as run 1" in out.stdout
    import json

    report = json.loads((tmp_path / "r.json").read_text())
    assert len(report["results"]["distilled"]["per_seed"]) == 2
    assert (tmp_path / "h" / "runs" / "1" / "student" / "model.safetensors").exists()
    # the second run reuses the fine-tuned teacher
    again = run_cli("distill", "--data", str(toy_csv), "--text-col", "review", "--label-col", "stars", "--teacher", tiny_model,
                    "--teacher-epochs", "1", "--epochs", "1", "--seeds", "1", "--no-latency", home=tmp_path / "h")
    assert again.returncode == 0 and "teacher from cache" in again.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["distill", "--data", "missing.csv"], "no such file"),
        (["distill", "--task", "nope"], "unknown sample task"),
        (["distill", "--temperature", "0"], "temperature"),
        (["distill", "--alpha", "2"], "alpha"),
        (["distill", "--student-layers", "a,b"], "layer numbers"),
        (["distill", "--student-layers", "0,7", "--teacher", "tiny"], "cannot keep"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(args, message, tmp_path, toy_csv, tiny_model):
    out = run_cli(*[tiny_model if a == "tiny" else a for a in args], home=tmp_path / "h")
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and message in last


def test_bad_csv_columns_exit_with_one_line(toy_csv, tmp_path):
    out = run_cli("distill", "--data", str(toy_csv), "--text-col", "body", home=tmp_path / "h")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "'body'" in out.stderr and "the file has 'review', 'stars'" in out.stderr


def test_tasks_lists_the_sample_tasks(tmp_path):
    out = run_cli("tasks", home=tmp_path / "h")
    assert out.returncode == 0 and "sentiment" in out.stdout


def test_intermediate_objectives_from_the_command_line(toy_csv, tmp_path, tiny_model):
    out = run_cli(
        "distill", "--data", str(toy_csv), "--text-col", "review", "--label-col", "stars", "--teacher", tiny_model,
        "--teacher-epochs", "1", "--epochs", "1", "--seeds", "1", "--no-latency", "--hidden-mse", "1", "--pkd", "0.5",
        "--layer-map", "tinybert", "--json", str(tmp_path / "r.json"), home=tmp_path / "h",
    )
    assert out.returncode == 0, out.stderr
    assert "intermediate objectives hidden_mse, pkd with the tinybert layer map" in out.stdout
    import json

    spec = json.loads((tmp_path / "r.json").read_text())["spec"]
    assert spec["hidden_mse"] == 1.0 and spec["pkd"] == 0.5 and spec["layer_map"] == "tinybert"


def _parsed(*argv):
    from distill_core.__main__ import parse_args

    return parse_args(list(argv))


def test_a_preset_sets_the_defaults_and_explicit_options_override_it():
    from distill_core.experiments.specs import DISTILL_PRESETS, DistillSpec

    plain, workshop = _parsed("distill"), _parsed("distill", "--preset", "workshop")
    assert plain.epochs == DistillSpec.default("epochs") and plain.seeds == len(DistillSpec.default("seeds"))
    w = DISTILL_PRESETS["workshop"]
    assert (workshop.seeds, workshop.epochs, workshop.transfer_size, workshop.learning_rate) == (w.seeds, w.epochs, w.transfer_size, w.learning_rate)
    mine = _parsed("distill", "--preset", "workshop", "--epochs", "7", "--lr", "2e-4")
    assert mine.epochs == 7 and mine.learning_rate == 2e-4 and mine.transfer_size == w.transfer_size


def test_a_word_student_gets_its_own_learning_rate_unless_one_is_given():
    from distill_core.experiments.specs import DISTILL_PRESETS, WORD_LR

    assert _parsed("distill", "--preset", "quick", "--student-kind", "bilstm").learning_rate == WORD_LR
    assert _parsed("distill", "--student-kind", "cnn", "--lr", "1e-3").learning_rate == 1e-3
    assert _parsed("distill", "--student-kind", "cnn", "--lr=2e-3").learning_rate == 2e-3
    assert _parsed("distill", "--preset", "quick").learning_rate == DISTILL_PRESETS["quick"].learning_rate  # transformer: unchanged


def test_distill_with_transfer_rows_reports_the_student_on_the_teachers_labels(tmp_path, tiny_model):
    out = run_cli(
        "distill", "--preset", "quick", "--task", "sentiment", "--teacher", tiny_model, "--teacher-epochs", "1", "--epochs", "1",
        "--max-train", "40", "--transfer-size", "24", "--no-latency", "--no-store", "--json", str(tmp_path / "r.json"), home=tmp_path / "h",
    )
    assert out.returncode == 0, out.stderr
    assert "student, teacher's labels" in out.stdout and "Over hard labels: teacher-labelled extra text:" in out.stdout
    import json

    report = json.loads((tmp_path / "r.json").read_text())
    assert list(report["results"]) == ["teacher", "baseline", "pseudo", "distilled"]
    pseudo, distilled = report["results"]["pseudo"]["per_seed"], report["results"]["distilled"]["per_seed"]
    assert [r["steps"] for r in pseudo] == [r["steps"] for r in distilled]
    from distill_core.experiments.specs import DISTILL_PRESETS

    quick = DISTILL_PRESETS["quick"]  # the preset's values, but the options given win
    assert report["spec"]["learning_rate"] == quick.learning_rate and len(report["spec"]["seeds"]) == quick.seeds
    assert report["spec"]["epochs"] == 1 and report["spec"]["transfer_size"] == 24
