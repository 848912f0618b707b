"""Getting a fresh machine ready (issue 14): what is missing, skipping what is cached, cancel, the app's
background preparation stepping aside for people's runs, one fine-tune per teacher, the CLI, the status line."""

from __future__ import annotations

import threading
from dataclasses import asdict

import pytest

from distill_core import prepare as P
from distill_core import teacher as T
from distill_core.data import load_sample_task
from distill_core.errors import Cancelled
from distill_core.experiments.specs import DistillSpec
from distill_core.jobs import JobRunner
from distill_core.runs import RunStore


def tiny_demo(tiny: str) -> DistillSpec:
    """A Quick-like run on the sentiment task with the tiny test teacher: seconds, not minutes."""
    return DistillSpec(task="sentiment", teacher=tiny, teacher_epochs=1, seeds=[0], epochs=1, max_train=60, transfer_size=20,
                       max_length=16, latency=False)


def test_needs_lists_what_is_missing_and_prepare_skips_what_is_cached(lab_home, tiny_model, monkeypatch):
    demo = tiny_demo(tiny_model)
    before = P.needs("sentiment", demo, lab_home)
    assert [(n.kind, n.ready) for n in before] == [("teacher", False), ("logits", False)]  # a folder teacher: no second, default one

    events = []
    result = P.prepare_task({"task": "sentiment", "demo": asdict(demo)}, home=lab_home, on_event=events.append)
    assert result["prepared"] == [n.label for n in before] and result["already"] == []
    assert [n.ready for n in P.needs("sentiment", demo, lab_home)] == [True, True]
    fractions = [e["fraction"] for e in events if e["kind"] == "progress"]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    phases = [e["phase"] for e in events if e["kind"] == "phase"]
    assert phases[0] == before[0].label and phases[-1] == before[1].label and set(phases) == {n.label for n in before}, phases

    def no_training(*a, **k):
        raise AssertionError("a cached teacher was fine-tuned again")

    monkeypatch.setattr(T, "train", no_training)
    again = P.prepare_task({"task": "sentiment", "demo": asdict(demo)}, home=lab_home)
    assert again["prepared"] == [] and len(again["already"]) == 2


def test_what_preparation_made_survives_the_quota_and_purge(lab_home, tiny_model):
    import os

    from distill_core import disk

    demo = tiny_demo(tiny_model)
    P.prepare_task({"task": "sentiment", "demo": asdict(demo)}, home=lab_home)
    made = [p for n in P.needs("sentiment", demo, lab_home) for p in n.paths]
    assert made and all(p.exists() for p in made)
    stray = lab_home / "logits" / "stray.npy"  # an unpinned cache entry beside them
    stray.write_bytes(b"x" * 1000)
    old = 1_000_000_000  # 2001: nothing is "used in the last few minutes"
    for root in [*made, stray]:
        for path in [root, *(root.rglob("*") if root.is_dir() else [])]:
            os.utime(path, (old, old))
    assert disk.enforce_quota(lab_home, quota=1)  # over quota: it evicts what it may
    assert not stray.exists()  # the unpinned entry went
    disk.purge(lab_home)
    assert all(p.exists() for p in made)  # the demo's teacher and logits stayed through both


def test_the_demo_run_finds_everything_it_needs_prepared(lab_home, tiny_model, monkeypatch):
    """The teacher and the logits prepared are the very ones run_comparison then uses: it neither fine-tunes nor
    computes a teacher logit (guards needs() against drifting from run_comparison's choice of rows)."""
    from distill_core.experiments.comparison import run_comparison

    demo = tiny_demo(tiny_model)
    P.prepare_task({"task": "sentiment", "demo": asdict(demo)}, home=lab_home)

    def refused(*a, **k):
        raise AssertionError("the run had to compute what was prepared")

    monkeypatch.setattr(T, "train", refused)
    monkeypatch.setattr(T, "predict_logits", refused)
    report = run_comparison(demo, home=lab_home)
    assert report.teacher_cached


def test_the_default_needs_are_the_bundled_teacher_and_the_quick_demos_logits(lab_home):
    needs = P.needs("sentiment", home=lab_home)
    assert [n.kind for n in needs][0] == "teacher" and needs[-1].kind == "logits"
    assert needs[0].label == "the sentiment teacher" and "Quick demo" in needs[-1].label
    assert not any(n.ready for n in needs)
    # the default teacher of the other pages is the one teacher_is_cached looks for
    cfg = T.TeacherConfig.for_task("sentiment")
    folder = T.teacher_folder(load_sample_task("sentiment"), cfg, lab_home)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    assert any(n.kind == "teacher" and n.ready for n in P.needs("sentiment", home=lab_home))


def test_cancel_stops_the_preparation_and_caches_nothing(lab_home, tiny_model):
    demo = tiny_demo(tiny_model)
    cancel = threading.Event()

    def on_event(e):
        if e["kind"] == "step":
            cancel.set()

    with pytest.raises(Cancelled):
        P.prepare_task({"task": "sentiment", "demo": asdict(demo)}, home=lab_home, on_event=on_event, cancel=cancel)
    assert not any(n.ready for n in P.needs("sentiment", demo, lab_home))


def test_a_teacher_asked_for_twice_at_once_is_fine_tuned_once(lab_home, tiny_model, monkeypatch):
    """A run pressed while the same teacher is being prepared (a second worker, the CLI) waits and loads it."""
    task = load_sample_task("sentiment")
    cfg = T.TeacherConfig.for_task("sentiment", tiny_model, epochs=1, max_length=16)
    second_waits = threading.Event()
    real_train, calls = T.train, []

    def train(*a, **k):
        calls.append(1)
        second_waits.wait(30)  # keep the first fine-tune going until the second caller is blocked on it
        return real_train(*a, **k)

    monkeypatch.setattr(T, "train", train)

    def second_events(e):
        if e["kind"] == "phase" and e["message"].startswith("waiting for another job"):
            second_waits.set()

    results = {}
    first = threading.Thread(target=lambda: results.setdefault("first", T.get_teacher(task, cfg, lab_home)))
    first.start()
    while not calls:
        threading.Event().wait(0.05)
    results["second"] = T.get_teacher(task, cfg, lab_home, on_event=second_events)
    first.join(60)
    assert len(calls) == 1 and second_waits.is_set()
    assert not results["first"].cached and results["second"].cached


class FakeNeeds:
    """needs() for the Background tests: one piece whose first making blocks until it is cancelled."""

    def __init__(self, block_first: bool = True):
        self.ready = {"sentiment": False, "intents": False}
        self.attempts = []
        self.block_first = block_first

    def __call__(self, task, spec=None, home=None):
        def make(progress, cancel, teachers):
            self.attempts.append(task)
            if self.block_first and len(self.attempts) == 1:
                assert cancel.wait(30), "the first attempt was never cancelled"
                raise Cancelled("cancelled")
            self.ready[task] = True

        return [P.Need(task, "teacher", f"the {task} teacher", self.ready[task], 1.0, make)]


def test_background_prepares_every_task_and_steps_aside_for_another_tasks_run(lab_home, monkeypatch):
    fake = FakeNeeds()
    monkeypatch.setattr(P, "needs", fake)
    runner = JobRunner(RunStore(lab_home), run_fn=lambda spec, **k: {"ok": True}, isolation="thread")
    background = P.Background(runner, tasks=["sentiment", "intents"], poll_s=0.05).start()
    while not fake.attempts:
        threading.Event().wait(0.05)
    assert background.status().state == "preparing" and background.status().task == "sentiment"
    other = runner.submit({"task": "intents"}, kind="distill", task="intents")  # someone's run, for another task
    assert runner.wait(other, timeout=30).status == "finished"
    background.join(30)
    status = background.status()
    assert status.state == "ready" and status.ready == ["sentiment", "intents"], status
    kinds = [(r.kind, r.status) for r in reversed(runner.store.list(limit=10))]
    assert kinds[:3] == [("prepare", "cancelled"), ("distill", "finished"), ("prepare", "finished")], kinds
    runner.shutdown()


def test_background_cancel_stops_it_for_good(lab_home, monkeypatch):
    fake = FakeNeeds()
    monkeypatch.setattr(P, "needs", fake)
    runner = JobRunner(RunStore(lab_home), isolation="thread")
    background = P.Background(runner, tasks=["sentiment", "intents"], poll_s=0.05).start()
    while not fake.attempts:
        threading.Event().wait(0.05)
    background.cancel()
    background.join(30)
    assert background.status().state == "cancelled" and fake.attempts == ["sentiment"]
    runner.shutdown()


def test_status_lines():
    from pages._ui.prepare_status import status_line

    s = P.PrepareStatus("preparing", "sentiment", "the sentiment teacher", 0.4, 50.0, [], ["intents"])
    assert status_line(s) == "Preparing the sentiment teacher in the background: 40% (about 50 s left); then the intents teacher."
    assert status_line(P.PrepareStatus("preparing", "intents", "the intents teacher")) == "Preparing the intents teacher in the background: starting."
    assert status_line(P.PrepareStatus("ready", ready=["sentiment", "intents"])).startswith("Teachers ready (sentiment, intents)")
    failed = status_line(P.PrepareStatus("failed", ready=["sentiment"], errors=["the intents teacher: the disk is full"]))
    assert failed.startswith("Teachers ready: sentiment. Preparing failed: the intents teacher: the disk is full.")


# ---------------------------------------------------------------- the CLI


def test_cli_prepare_exit_codes(lab_home, monkeypatch, capsys):
    from distill_core.__main__ import main
    from distill_core.errors import DistillError

    assert main(["prepare", "--task", "nope"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == ["error: unknown sample task 'nope' (available: sentiment, intents)"]

    fake = FakeNeeds(block_first=False)
    monkeypatch.setattr(P, "needs", fake)
    assert main(["prepare", "--task", "sentiment"]) == 0
    out = capsys.readouterr().out
    assert "sentiment: prepared the sentiment teacher; ready: the sentiment teacher" in out and "all ready" in out

    def broken(task, spec=None, home=None):
        def make(progress, cancel, teachers):
            raise DistillError("the teacher folder cannot be written")

        return [P.Need(task, "teacher", f"the {task} teacher", False, 1.0, make)]

    monkeypatch.setattr(P, "needs", broken)
    assert main(["prepare"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "error: the teacher folder cannot be written" and not any("Traceback" in line for line in err)


# ---------------------------------------------------------------- the live page


def test_live_page_shows_the_status_line(lab_home, monkeypatch):
    from tests.conftest import open_app_page

    monkeypatch.setenv("DISTILL_LAB_PREPARE", "1")
    monkeypatch.setattr(P, "needs", lambda task, spec=None, home=None: [P.Need(task, "teacher", f"the {task} teacher", True, 1.0)])
    at = open_app_page(monkeypatch, "pages/distill.py")
    deadline = threading.Event()
    for _ in range(100):
        if any("Teachers ready" in c.value for c in at.caption):
            break
        deadline.wait(0.1)
        at.run()
    assert any("Teachers ready (sentiment, intents)" in c.value for c in at.caption), [c.value for c in at.caption]


def test_live_page_has_no_status_line_when_preparing_is_off(lab_home, monkeypatch):
    from tests.conftest import open_app_page

    monkeypatch.setenv("DISTILL_LAB_PREPARE", "0")
    at = open_app_page(monkeypatch, "pages/distill.py")
    assert not any("Teachers ready" in c.value or "Preparing" in c.value for c in at.caption)
