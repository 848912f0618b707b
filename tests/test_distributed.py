"""`accelerate launch -m distill_core distill` with 2 CPU processes on gloo: it finishes, trains across both, and
only the main process records the run, saves the student and prints the report."""

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytest.importorskip("accelerate")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_train_one_student_and_report_once(toy_csv, tmp_path, tiny_model):
    home = tmp_path / "h"
    env = dict(os.environ, DISTILL_LAB_HOME=str(home), OMP_NUM_THREADS="1", DISTILL_LAB_DEVICE="cpu")
    # --multi_gpu picks accelerate's torchrun launcher (its --cpu launcher starts one process); the engine then asks
    # accelerate for the CPU, so the two processes join a gloo group
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
           "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port", str(_free_port()),
           "-m", "distill_core", "distill", "--data", str(toy_csv), "--text-col", "review", "--label-col", "stars",
           "--teacher", tiny_model, "--teacher-epochs", "1", "--epochs", "1", "--seeds", "1", "--no-latency",
           "--json", str(tmp_path / "r.json")]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "trained across 2 processes (DDP)" in out.stdout
    assert out.stdout.count("student, distilled") == 1  # one report, from the main process
    assert sorted(p.name for p in (home / "runs").iterdir() if p.is_dir()) == ["1"]  # one run recorded
    assert (home / "runs" / "1" / "student" / "model.safetensors").exists()
    assert len([p for p in (home / "teachers").iterdir() if p.is_dir() and not p.name.startswith(".")]) == 1
    report = json.loads((tmp_path / "r.json").read_text())
    for model in ("teacher", "baseline", "distilled"):
        assert 0.0 <= report["results"][model]["per_seed"][0]["accuracy"] <= 1.0
