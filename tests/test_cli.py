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
