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
    r = JobRunner(RunStore(lab_home), run_fn=fake_run, max_queue=3, persist_every_s=0.0, max_per_owner=10)
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


# ---------------------------------------------------------------- owners, fair queue, time limits


def gated_runner(lab_home, order: list, gate: threading.Event, **kw) -> JobRunner:
    def gated(spec, cancel=None, **_):
        order.append(spec["name"])
        gate.wait(10)
        if cancel.is_set():
            raise Cancelled("cancelled")
        return FakeReport(name=spec["name"])

    return JobRunner(RunStore(lab_home), run_fn=gated, persist_every_s=0.0, **kw)


def test_an_owner_has_at_most_max_per_owner_active_jobs_and_others_are_not_held_up(lab_home):
    gate, order = threading.Event(), []
    runner = gated_runner(lab_home, order, gate, max_per_owner=2)
    try:
        first = runner.submit({"name": "a1"}, owner="alice")
        runner.submit({"name": "a2"}, owner="alice")
        with pytest.raises(DistillError, match="already have 2 runs queued or running"):
            runner.submit({"name": "a3"}, owner="alice")
        assert runner.active_for("alice") == 2
        bob = runner.submit({"name": "b1"}, owner="bob")  # another person is not refused
        assert runner.status(bob).status in ("queued", "running")
        gate.set()
        assert runner.wait(first, 5).status == "finished"
        again = runner.submit({"name": "a3"}, owner="alice")  # a slot is free again
        assert runner.wait(again, 5).status == "finished"
    finally:
        gate.set()
        runner.shutdown()


def test_owners_take_turns_whatever_order_they_submitted_in(lab_home):
    gate, order = threading.Event(), []
    runner = gated_runner(lab_home, order, gate, max_per_owner=3)
    try:
        ids = {name: runner.submit({"name": name}, owner=name[0]) for name in ("a1", "a2", "a3", "b1", "b2", "c1")}
        while order != ["a1"]:
            time.sleep(0.01)
        positions = {name: runner.status(i).position for name, i in ids.items()}
        # a1 runs; b and c were never served, so they come before alice's second job; then turns
        assert positions == {"a1": None, "b1": 1, "c1": 2, "a2": 3, "b2": 4, "a3": 5}
        gate.set()
        for i in ids.values():
            assert runner.wait(i, 5).status == "finished"
        assert order == ["a1", "b1", "c1", "a2", "b2", "a3"]
    finally:
        gate.set()
        runner.shutdown()


def test_a_job_past_its_time_limit_ends_as_timed_out_and_the_queue_goes_on(lab_home, monkeypatch):
    from distill_core import fair_queue

    monkeypatch.setattr(fair_queue, "TIME_LIMIT_FLOOR_S", 0.0)  # the 10 min floor would hide the estimate's limit here
    runner = JobRunner(RunStore(lab_home), run_fn=fake_run, persist_every_s=0.0, job_cap_s=0.3)
    try:
        long = runner.submit({"name": "long", "steps": 100_000, "sleep": 0.01})
        short = runner.submit({"name": "short"})
        state = runner.wait(long, 10)
        assert state.status == "timed out", state
        assert "time limit" in state.error and "DISTILL_LAB_JOB_CAP_S = 0.3 s" in state.error
        row = runner.store.get(long)
        assert row.status == "timed out" and row.error == state.error and row.time_limit_s == 0.3
        assert runner.wait(short, 10).status == "finished"
        estimated = runner.submit({"name": "estimated", "steps": 100_000, "sleep": 0.01}, estimate_s=0.05)
        state = runner.wait(estimated, 10)
        assert state.status == "timed out" and "3x its estimate of 0 s" in state.error, state.error
        assert state.time_limit_s == pytest.approx(0.15)
    finally:
        runner.shutdown()


def test_owners_are_isolated_in_the_engine(lab_home, monkeypatch):
    from distill_core.access import is_admin

    monkeypatch.setenv("DISTILL_LAB_ADMIN_TOKEN", "instructor-secret")
    gate, order = threading.Event(), []
    runner = gated_runner(lab_home, order, gate, max_per_owner=3)
    try:
        private = runner.submit({"name": "mine", "data_file": "/uploads/alice.csv"}, owner="alice")
        sample = runner.submit({"name": "sample", "task": "sentiment"}, owner="alice")
        store = runner.store
        mine, shared = store.get(private), store.get(sample)
        pid = runner.status(private).public_id
        assert mine.public_id == pid and len(pid) == 16 and not pid.isdecimal()
        assert mine.owner == "alice" and not mine.shared and shared.shared
        assert store.get_visible(pid, "alice") is not None
        assert store.get_visible(pid, "bob") is None and store.get_visible(pid, None) is None
        assert store.get_visible(pid, "bob", admin=True) is not None
        assert store.get_visible(shared.public_id, "bob") is not None
        assert shared.visible_to("bob") and not shared.can_cancel("bob")
        assert not mine.can_download("bob") and mine.can_download("alice")
        assert [r.id for r in store.list_visible("bob")] == [sample]
        assert [r.id for r in store.list_visible("alice")] == [sample, private]
        # cancel: never by another owner, nor by a page without a token; by the owner or the instructor
        assert not runner.cancel(sample, owner="bob") and not runner.cancel(private, owner=None)
        assert runner.status(sample).status == "queued"
        assert runner.cancel(sample, owner="alice")
        assert runner.cancel(private, owner="bob", admin=is_admin("instructor-secret"))
        gate.set()
        assert runner.wait(private, 5).status == "cancelled" and runner.wait(sample, 5).status == "cancelled"
    finally:
        gate.set()
        runner.shutdown()


# ---------------------------------------------------------------- the training child: cancel, death, priority


def stubborn_run(spec, home=None, on_event=None, cancel=None, artefact_dir=None):
    """A stage that never looks at cancel (tokenising, the teacher's logits, a latency check)."""
    on_event({"kind": "phase", "phase": "tokenising", "message": "tokenising the texts"})
    time.sleep(spec.get("sleep", 120))
    return {"done": True}


def dying_run(spec, home=None, on_event=None, cancel=None, artefact_dir=None):
    import os
    import signal

    on_event({"kind": "phase", "phase": "teacher", "message": "computing the teacher's logits"})
    time.sleep(0.2)  # the event reaches the parent first
    if spec["how"] == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(3)


def priority_run(spec, home=None, on_event=None, cancel=None, artefact_dir=None):
    import os

    import torch

    return {"threads": torch.get_num_threads(), "nice": os.getpriority(os.PRIO_PROCESS, 0), "policy": os.sched_getscheduler(0)}


def _gone(pid: int) -> bool:
    from distill_core.runs import _proc_state

    return _proc_state(pid) in ("", "Z", "X")


def _wait_for_child(runner, run_id, timeout=60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = runner.store.get(run_id)
        if row.child_pid and runner.status(run_id).phase:
            return row.child_pid
        time.sleep(0.05)
    raise TimeoutError("the child never started")


def test_cancel_stops_a_stage_that_never_checks_cancel(lab_home):
    runner = JobRunner(RunStore(lab_home), run_fn=stubborn_run, persist_every_s=0.0, isolation="process")
    try:
        run_id = runner.submit({"name": "stubborn"})
        child = _wait_for_child(runner, run_id)
        assert not _gone(child)
        assert runner.cancel(run_id), runner.status(run_id)
        state = runner.wait(run_id, 10)  # generous: the child is terminated about a second after cancel
        assert state.status == "cancelled" and state.error == "cancelled by the user"
        assert _gone(child)
        assert runner.store.get(run_id).status == "cancelled"
    finally:
        runner.shutdown()


def test_the_time_limit_also_stops_a_stage_that_never_checks_cancel(lab_home):
    runner = JobRunner(RunStore(lab_home), run_fn=stubborn_run, persist_every_s=0.0, isolation="process", job_cap_s=3)
    try:
        run_id = runner.submit({"name": "stubborn"})
        child = _wait_for_child(runner, run_id)
        state = runner.wait(run_id, 30)
        assert state.status == "timed out" and "time limit" in state.error
        assert _gone(child)
    finally:
        runner.shutdown()


@pytest.mark.parametrize("how, reason", [("sigkill", "killed (SIGKILL)"), ("exit", "exit code 3")])
def test_a_hard_child_death_fails_the_run_with_a_clear_reason(lab_home, how, reason):
    runner = JobRunner(RunStore(lab_home), run_fn=dying_run, persist_every_s=0.0, isolation="process")
    try:
        run_id = runner.submit({"name": how, "how": how})
        state = runner.wait(run_id, 60)
        assert state.status == "failed" and reason in state.error, state.error
        assert "Traceback" not in state.error and "\n" not in state.error
        assert state.phase == "teacher"  # what it was doing is kept
        row = runner.store.get(run_id)
        assert row.status == "failed" and row.error == state.error and _gone(row.child_pid)
        after = runner.submit({"name": "after"}, run_fn=fake_run)  # the runner goes on
        assert runner.wait(after, 60).status == "finished"
    finally:
        runner.shutdown()


@pytest.mark.parametrize("sched", ["idle", "normal"])
@pytest.mark.parametrize("spare", [False, True])
def test_the_training_child_yields_the_cores_to_the_server(lab_home, monkeypatch, sched, spare):
    """Idle scheduling (the default): every core, taken back by the server at once; "normal": nice only, and one
    core left to the server. The same in a spare child started ahead of the job."""
    import os

    from distill_core import job_process

    for name in ("DISTILL_LAB_TRAIN_THREADS", "DISTILL_LAB_TRAIN_NICE", "DISTILL_LAB_SPARE_CHILD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISTILL_LAB_TRAIN_SCHED", sched)
    runner = JobRunner(RunStore(lab_home), run_fn=priority_run, persist_every_s=0.0, isolation="process")
    try:
        job_process.keep_spare(spare)
        if spare:
            assert job_process._Spare.current is not None and job_process._Spare.current[0].is_alive()
            spare_pid = job_process._Spare.current[0].pid
        run_id = runner.submit({"name": "priority"})
        state = runner.wait(run_id, 120)
        assert state.status == "finished", state.error
        cores = len(os.sched_getaffinity(0))
        assert state.report["threads"] == (cores if sched == "idle" else max(1, cores - 1))
        assert state.report["policy"] == (os.SCHED_IDLE if sched == "idle" else os.SCHED_OTHER)
        assert state.report["nice"] == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
        assert (runner.store.get(run_id).child_pid == spare_pid) if spare else True  # the job ran in the spare
        if spare:  # and a new spare waits for the next job
            assert job_process._Spare.current is not None and job_process._Spare.current[0].pid != spare_pid
            monkeypatch.setenv("DISTILL_LAB_TRAIN_THREADS", "1")  # settings changed since the spare started: not used
            second = job_process._Spare.current[0].pid
            state = runner.wait(runner.submit({"name": "priority"}), 120)
            assert state.report["threads"] == 1 and runner.store.get(max(r.id for r in runner.store.list())).child_pid != second
    finally:
        job_process.keep_spare(False)
        runner.shutdown()


_PARENT = """
import sys, time
sys.path.insert(0, {root!r})
from distill_core.jobs import JobRunner
from distill_core.runs import RunStore
from tests.test_jobs import stubborn_run

if __name__ == "__main__":  # a spawned child imports this file again, as __mp_main__
    runner = JobRunner(RunStore({home!r}), run_fn=stubborn_run, isolation="process")
    run_id = runner.submit({{"name": "orphan", "sleep": 600}}, owner="alice")
    while not (runner.store.get(run_id).child_pid and runner.status(run_id).phase):
        time.sleep(0.05)
    print(runner.store.get(run_id).child_pid, flush=True)
    time.sleep(600)
"""


def test_a_killed_server_leaves_no_training_child_and_a_restart_marks_its_run(lab_home, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "server.py"
    script.write_text(_PARENT.format(root=str(Path(__file__).resolve().parent.parent), home=str(lab_home)))
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        import select

        assert select.select([server.stdout], [], [], 120)[0], "the server script never started its job"
        child = int(server.stdout.readline())
        from distill_core.runs import is_training_child

        assert is_training_child(child)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(5)
        deadline = time.monotonic() + 10
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(child), "the training child outlived its server by 10 s"
    finally:
        server.kill()
        server.wait()
    store = RunStore(lab_home)
    assert store.mark_interrupted() == 1
    (run,) = store.list()
    assert run.status == "interrupted" and run.owner == "alice" and run.child_pid == child
