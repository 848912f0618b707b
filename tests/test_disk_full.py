"""A real full disk: DISTILL_LAB_HOME on a 6 MB tmpfs, a run that cannot save its student.

Needs root to mount; skipped (saying so) elsewhere. What must hold: the run ends "failed" with a
one-line reason that says the disk is full, the store stays readable with the earlier runs in
it, and no half-written cache folder is left behind.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time

import pytest

from distill_core.experiments.comparison import DistillSpec, run_comparison
from distill_core.jobs import JobRunner
from distill_core.runs import RunStore


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _wait(runner: JobRunner, run_id: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while runner.status(run_id).status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)


def test_a_full_disk_fails_the_run_clearly_and_corrupts_nothing(small_disk, monkeypatch, tiny_model):
    monkeypatch.setenv("DISTILL_LAB_HOME", str(small_disk))
    store = RunStore(small_disk)
    earlier = store.create("distill", "sentiment", {"note": "a finished run from before"})
    store.finish(earlier, {"ok": True})
    # fill the disk, leaving a little room for the store's own rows
    with open(small_disk / "filler.bin", "wb") as f:
        f.write(b"\0" * (5 * 1024 * 1024 + 512 * 1024))
    runner = JobRunner(store, run_fn=run_comparison, persist_every_s=0.0)
    spec = DistillSpec(task="sentiment", teacher=tiny_model, teacher_epochs=1, epochs=1, seeds=[0], max_train=48, transfer_size=16,
                       max_length=16, latency=False)
    run_id = runner.submit(spec)
    _wait(runner, run_id)
    state = runner.status(run_id)
    assert state.status == "failed"
    assert "disk is full" in state.error and "\n" not in state.error and "Traceback" not in state.error
    # the store is intact: integrity check passes, the earlier run is still there and finished
    db = sqlite3.connect(small_disk / "runs.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    again = RunStore(small_disk)
    assert again.get(earlier).status == "finished" and again.get(earlier).metrics == {"ok": True}
    # no half-written teacher folder (atomic writes clean their temporary folders up)
    teachers = small_disk / "teachers"
    leftovers = [p.name for p in teachers.iterdir()] if teachers.exists() else []
    assert not [n for n in leftovers if n.startswith(".")], leftovers
    for folder in leftovers:
        assert (teachers / folder / "config.json").exists(), f"partial teacher cache {folder}"
