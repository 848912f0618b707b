import threading
import time

import pytest

from distill_core.errors import DistillError
from distill_core.jobs import JobRunner
from distill_core.runs import RunStore
from distill_core.errors import Cancelled


class FakeReport(dict):
    def as_dict(self):
        return dict(self)


def fake_run(spec, home=None, on_event=None, cancel=None, artefact_dir=None):
    """Steps until done; fails or crashes on request; honours cancel at each step like train()."""
    for step in range(spec.get("steps", 3)):
        if cancel.is_set():
            raise Cancelled("cancelled")
        if spec.get("fail"):
            raise DistillError("bad input: no label column")
        if spec.get("crash"):
            raise ZeroDivisionError("boom")
        on_event({"kind": "step", "phase": "distilled seed 0", "step": step + 1, "loss": 1.0 / (step + 1), "batch_size": 8})
        on_event({"kind": "progress", "fraction": (step + 1) / spec.get("steps", 3), "eta_s": 1.0, "elapsed_s": 0.1})
        time.sleep(spec.get("sleep", 0.0))
    return FakeReport(accuracy=0.9, name=spec["name"])


@pytest.fixture
def runner(lab_home):
    r = JobRunner(RunStore(lab_home), run_fn=fake_run, max_queue=3, persist_every_s=0.0)
    yield r
    r.shutdown()


def test_jobs_run_in_queue_order_one_at_a_time(runner):
    gate = threading.Event()
    order = []

    def gated(spec, **kw):
        gate.wait(5)
        order.append(spec["name"])
        return FakeReport(name=spec["name"])

    runner.run_fn = gated
    ids = [runner.submit({"name": n, "task": "t"}) for n in "abc"]
    time.sleep(0.1)
    states = [runner.status(i) for i in ids]
    assert states[0].status == "running"
    assert [s.position for s in states[1:]] == [1, 2] and all(s.status == "queued" for s in states[1:])
    gate.set()
    for i in ids:
        assert runner.wait(i, 5).status == "finished"
    assert order == ["a", "b", "c"]
    assert runner.store.get(ids[2]).metrics == {"name": "c"}


def test_full_queue_refuses_with_a_clear_message(runner):
    gate = threading.Event()
    runner.run_fn = lambda spec, **kw: gate.wait(5) and FakeReport()
    runner.submit({"name": "running"})
    time.sleep(0.1)
    for n in range(3):
        runner.submit({"name": n})
    with pytest.raises(DistillError, match="queue is full"):
        runner.submit({"name": "one too many"})
    gate.set()


def test_cancel_running_job_stops_it_and_leaves_the_store_consistent(runner):
    run_id = runner.submit({"name": "long", "steps": 500, "sleep": 0.01})
    while runner.status(run_id).status != "running" or not runner.status(run_id).steps:
        time.sleep(0.01)
    assert runner.cancel(run_id)
    state = runner.wait(run_id, 5)
    assert state.status == "cancelled"
    row = runner.store.get(run_id)
    assert row.status == "cancelled" and row.ended is not None and row.progress["steps"]
    assert len(state.steps["distilled seed 0"]) < 500


def test_cancel_queued_job_never_runs_it(runner):
    gate = threading.Event()
    runner.run_fn = lambda spec, **kw: (gate.wait(5), FakeReport(name=spec["name"]))[1]
    first = runner.submit({"name": "first"})
    second = runner.submit({"name": "second"})
    assert runner.cancel(second)
    gate.set()
    assert runner.wait(first, 5).status == "finished"
    assert runner.wait(second, 5).status == "cancelled"
    assert runner.store.get(second).started is None


def test_failures_are_isolated_and_readable(runner):
    bad = runner.submit({"name": "bad", "fail": True})
    crash = runner.submit({"name": "crash", "crash": True})
    good = runner.submit({"name": "good"})
    assert runner.wait(bad, 5).error == "bad input: no label column"
    crashed = runner.wait(crash, 5)
    assert crashed.status == "failed" and "ZeroDivisionError" in crashed.error
    assert runner.wait(good, 5).status == "finished"


def test_restart_marks_unfinished_runs_interrupted_and_keeps_finished_ones(lab_home):
    store = RunStore(lab_home)
    done = store.create("distill", "t", {}, owner="app:999999")
    store.finish(done, {"accuracy": 0.8})
    orphan = store.create("distill", "t", {}, owner="app:999999")  # no such process
    store.start(orphan)
    alive = store.create("distill", "t", {}, owner=f"cli:{__import__('os').getppid()}")  # a live process
    store.start(alive)
    runner = JobRunner(RunStore(lab_home), run_fn=fake_run)
    try:
        assert runner.interrupted_at_start == 1
        assert runner.status(orphan).status == "interrupted"
        assert runner.status(alive).status == "running"
        assert runner.status(done).status == "finished" and runner.status(done).report == {"accuracy": 0.8}
    finally:
        runner.shutdown()


def test_status_from_another_runner_reads_the_store(runner, lab_home):
    run_id = runner.submit({"name": "x"})
    runner.wait(run_id, 5)
    other = JobRunner(RunStore(lab_home), run_fn=fake_run)
    try:
        state = other.status(run_id)
        assert state.status == "finished" and state.fraction == 1.0 and state.report["name"] == "x"
        assert state.steps["distilled seed 0"][-1]["step"] == 3
    finally:
        other.shutdown()


def test_a_job_can_bring_its_own_run_function(runner):
    run_id = runner.submit({"name": "exp"}, kind="experiment", run_fn=lambda spec, **kw: FakeReport(kind="experiment"))
    assert runner.wait(run_id, 5).report == {"kind": "experiment"}
    assert runner.store.get(run_id).kind == "experiment"


def test_process_isolation_runs_relays_events_cancels_and_reports_failures(lab_home):
    runner = JobRunner(RunStore(lab_home), run_fn=fake_run, persist_every_s=0.0, isolation="process")
    try:
        done = runner.submit({"name": "child", "steps": 3})
        state = runner.wait(done, 120)
        assert state.status == "finished" and state.report == {"accuracy": 0.9, "name": "child"}
        assert [p["step"] for p in state.steps["distilled seed 0"]] == [1, 2, 3]
        bad = runner.submit({"name": "bad", "fail": True})
        assert runner.wait(bad, 120).error == "bad input: no label column"
        crash = runner.submit({"name": "crash", "crash": True})
        assert "ZeroDivisionError" in runner.wait(crash, 120).error
        slow = runner.submit({"name": "slow", "steps": 1000, "sleep": 0.01})
        while not runner.status(slow).steps:
            time.sleep(0.05)
        runner.cancel(slow)
        assert runner.wait(slow, 120).status == "cancelled"
    finally:
        runner.shutdown()


def threads_run(spec, home=None, on_event=None, cancel=None, artefact_dir=None):
    import torch

    return {"threads": torch.get_num_threads()}


def test_the_training_child_takes_its_thread_count_from_the_environment(lab_home, monkeypatch):
    monkeypatch.setenv("DISTILL_LAB_TRAIN_THREADS", "1")
    runner = JobRunner(RunStore(lab_home), run_fn=threads_run, persist_every_s=0.0, isolation="process")
    try:
        state = runner.wait(runner.submit({"name": "threads"}), 120)
        assert state.status == "finished" and state.report == {"threads": 1}
    finally:
        runner.shutdown()


def test_disk_error_reasons_name_the_problem_and_the_path(tmp_path):
    import errno as _errno

    from distill_core.jobs import disk_error_reason

    full = OSError(_errno.ENOSPC, "No space left on device", str(tmp_path / "runs" / "1"))
    assert disk_error_reason(full, tmp_path).startswith("the disk is full")
    denied = PermissionError(_errno.EACCES, "Permission denied", str(tmp_path / "teachers"))
    assert "set DISTILL_LAB_HOME" in disk_error_reason(denied, tmp_path)
    elsewhere = PermissionError(_errno.EACCES, "Permission denied", "/srv/models/teacher")
    assert disk_error_reason(elsewhere, tmp_path) == "a file operation failed on /srv/models/teacher (Permission denied)"


def test_a_process_job_still_runs_after_its_modules_were_re_imported(lab_home):
    """Streamlit re-imports edited app modules while the server runs; the runner then holds stale objects."""
    import importlib

    from distill_core import jobs
    from distill_core.experiments import layers as layer_lab

    runner = JobRunner(RunStore(lab_home), run_fn=fake_run, persist_every_s=0.0, isolation="process")
    try:
        old_spec = layer_lab.LayerExperimentSpec(experiment="magic")  # fails validation in the child: a clean DistillError
        stale_fn = layer_lab.run_layer_experiment
        importlib.reload(layer_lab)  # new class and function objects, as Streamlit's re-import makes
        importlib.reload(jobs)
        state = runner.wait(runner.submit(old_spec, run_fn=stale_fn), 120)
        assert state.status == "failed" and "unknown experiment 'magic'" in state.error, state.error
    finally:
        runner.shutdown()
