"""A fresh machine made ready for a demo: the sample tasks' teachers fine-tuned, and the teacher logits of
the live page's Quick demo cached, before anyone presses Run.

``needs`` lists what a task's first runs need and whether it is on disk already; ``prepare_task`` (a job
runner run function) makes a task's missing pieces one after the other, with progress, honouring cancel;
``Background`` is the app's preparation: one such job per task through the server's runner, only while
the runner has nothing else to do, stepping aside for people's runs; ``status_line`` says where it stands.
The CLI's ``prepare`` command runs the same ``prepare_task`` in its own process.

Nothing here imports torch at import time: the app imports this module while drawing its first page.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import Cancelled, DistillError
from .experiments.specs import BUNDLED, DISTILL_PRESETS, DistillSpec

DEMO_PRESET = "quick"  # the live page's default preset: its first run is the one a demo waits for
NICE = 10  # the app's preparation runs at this niceness, so pages and people's runs get the cores first
TRAIN_UNITS = 3  # a training example costs about three forward passes (forward + backward); one unit = a forward


@dataclass
class Need:
    """One piece a task's first runs need: a fine-tuned teacher, or the teacher's logits of the demo's texts."""

    task: str
    kind: str  # "teacher" or "logits"
    label: str  # how the status line names it: "the sentiment teacher"
    ready: bool  # on disk already
    units: float  # planned work, in teacher forward passes of one text
    make: Callable = field(repr=False, default=None)  # (progress, cancel, teachers) -> None; builds it
    paths: list[Path] = field(default_factory=list)  # what it leaves on disk: pinned once made (disk.py never evicts it)


def demo_spec(task: str, preset: str = DEMO_PRESET) -> DistillSpec:
    """The run the live page's default preset starts on this sample task."""
    return DistillSpec(task=task, **DISTILL_PRESETS[preset].overrides())


def needs(task_name: str, spec: DistillSpec | None = None, home: Path | None = None) -> list[Need]:
    """What the task's first runs need, in the order to make it: the demo run's teacher, the task's default
    teacher (the one the temperature and soft-target pages use) when that is another, then the demo run's
    teacher logits. ``spec`` is the demo run (default: ``demo_spec(task_name)``)."""
    from .data import load_sample_task
    from .experiments.base import cap_rows
    from .paths import home_dir
    from .teacher import TeacherConfig, logits_path, teacher_folder

    spec = spec or demo_spec(task_name)
    home = home or home_dir()
    task = load_sample_task(task_name)
    # the same teacher and texts as run_comparison picks: tests/test_prepare.py runs one after preparing, with fresh logits refused
    demo_cfg = TeacherConfig.for_task(task_name, spec.teacher, spec.teacher_epochs, spec.teacher_lr, spec.max_length)
    configs = [demo_cfg] + ([TeacherConfig.for_task(task_name)] if spec.teacher == BUNDLED else [])
    out, folders = [], []
    for cfg in configs:
        folder = teacher_folder(task, cfg, home)
        if folder in folders:
            continue
        label = f"the {task_name} teacher" + ("" if not folders else f" at {cfg.max_length} tokens")
        folders.append(folder)
        out.append(Need(task_name, "teacher", label, (folder / "config.json").exists(), cfg.epochs * len(task.train) * TRAIN_UNITS,
                        _teacher_maker(task, cfg, home), [folder]))
    labelled = cap_rows(task.train, spec.max_train, [], spec.labels_per_class)["text"].tolist()
    transfer = list(task.transfer[: spec.transfer_size]) if spec.use_transfer else []
    texts = [task.test["text"].tolist(), labelled + transfer]
    files = [logits_path(folders[0].name, t, spec.max_length, home) for t in texts]
    out.append(Need(task_name, "logits", f"the {task_name} teacher's soft targets for the {DISTILL_PRESETS[DEMO_PRESET].label}"
                    if spec.teacher == BUNDLED else f"the {task_name} teacher's soft targets", all(f.exists() for f in files),
                    sum(map(len, texts)), _logits_maker(task, demo_cfg, texts, spec.max_length, home), files))
    return out


def _teacher_maker(task, cfg, home: Path):
    def make(progress, cancel, teachers: dict) -> None:
        from .teacher import get_teacher

        teacher = get_teacher(task, cfg, home, progress.forward(TRAIN_UNITS), cancel)
        teachers[teacher.key] = teacher  # the logits that follow use it without loading it again

    return make


def _logits_maker(task, cfg, texts: list[list[str]], max_length: int, home: Path):
    def make(progress, cancel, teachers: dict) -> None:
        from .teacher import cached_teacher_logits, get_teacher, teacher_folder

        teacher = teachers.get(teacher_folder(task, cfg, home).name) or get_teacher(task, cfg, home, progress.emit, cancel)
        for chunk in texts:
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled")
            cached_teacher_logits(teacher, chunk, max_length, home)
            progress.add(len(chunk))

    return make


def prepare_task(spec: dict, *, home: Path | None = None, on_event=None, cancel: threading.Event | None = None,
                 artefact_dir: Path | None = None) -> dict:
    """A job for the runner: make what ``spec["task"]`` still needs, one piece after the other.

    ``spec``: ``{"task": name, "nice": 10 (optional), "demo": {DistillSpec fields} (optional, default the Quick
    preset)}``. With ``nice``, a job's child process lowers its own priority first, so the pages and people's
    runs keep the cores; the runner's own process (thread isolation, the CLI) is never reniced.
    """
    if spec.get("nice") and multiprocessing.parent_process() is not None:
        os.nice(int(spec["nice"]))  # before torch starts its threads: they inherit it
    from .training import Progress

    start = time.perf_counter()
    demo = DistillSpec(**spec["demo"]) if spec.get("demo") else None
    items = needs(spec["task"], demo, home)
    todo = [n for n in items if not n.ready]
    emit = on_event or (lambda e: None)
    current = [""]
    # every phase event names the piece being made (the status line shows the job's phase), not the loop's "teacher"
    progress = Progress(lambda e: emit(e | {"phase": current[0]} if e["kind"] == "phase" else e))
    progress.plan(sum(n.units for n in todo))
    teachers: dict = {}
    for i, need in enumerate(todo, 1):
        if cancel is not None and cancel.is_set():
            raise Cancelled("cancelled")
        current[0] = need.label
        progress.emit({"kind": "phase", "phase": need.label, "message": f"preparing {need.label} ({i} of {len(todo)})"})
        need.make(progress, cancel, teachers)
    progress.finish()
    from .disk import pin

    for need in items:  # a demo's teacher and logits stay: the quota and purge skip pinned entries
        pin(need.paths)
    return {"task": spec["task"], "prepared": [n.label for n in todo], "already": [n.label for n in items if n.ready],
            "seconds": time.perf_counter() - start}


def prepare_now(tasks: list[str] | None = None, home: Path | None = None, on_event=None,
                cancel: threading.Event | None = None) -> list[dict]:
    """Prepare the given sample tasks (default: all) in this process, one after the other (the CLI's ``prepare``)."""
    from .data import available_sample_tasks

    known = available_sample_tasks()
    chosen = tasks or list(known)
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise DistillError(f"unknown sample task '{unknown[0]}' (available: {', '.join(known) or 'none'})")
    return [prepare_task({"task": t}, home=home, on_event=on_event, cancel=cancel) for t in chosen]


# ---------------------------------------------------------------- the app's background preparation


@dataclass
class PrepareStatus:
    """Where the background preparation stands, for the live page's status line."""

    state: str = "planning"  # planning, waiting (for other runs), preparing, ready, failed, cancelled
    task: str | None = None  # the task being prepared or waited for
    label: str = ""  # what is being prepared right now
    fraction: float = 0.0
    eta_s: float | None = None
    ready: list[str] = field(default_factory=list)  # tasks whose needs are all on disk
    pending: list[str] = field(default_factory=list)  # tasks still to prepare after the current one
    errors: list[str] = field(default_factory=list)  # one line per task that failed


class Background:
    """The app's preparation: one ``prepare_task`` job per sample task through ``runner``, submitted only when
    the runner has nothing queued or running, and cancelled (to be retried later) when someone's run for
    another task is queued behind it. A run for the task being prepared waits for it instead: it needs that
    teacher, and waiting costs it less than fine-tuning it again. A thread polls; it never touches Streamlit."""

    def __init__(self, runner, tasks: list[str] | None = None, nice: int = NICE, poll_s: float = 1.0, demo: dict | None = None):
        self.runner = runner
        self.tasks = list(tasks or [])  # empty: every sample task, listed by the thread (the first page is drawing)
        self.nice, self.poll_s, self.demo = nice, poll_s, demo
        self.run_id: int | None = None
        self._status = PrepareStatus(pending=list(self.tasks))
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._main, name="distill-prepare", daemon=True)

    def start(self) -> "Background":
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop preparing: the job in progress stops at its next step; the teachers are fine-tuned on first use."""
        self._cancel.set()
        if self.run_id is not None:
            self.runner.cancel(self.run_id)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def status(self) -> PrepareStatus:
        with self._lock:
            s = self._status
            if s.state == "preparing" and self.run_id is not None:
                job = self.runner.status(self.run_id)
                if job is not None and job.status == "running":
                    s.label, s.fraction, s.eta_s = job.phase or s.label, job.fraction, job.eta_s
            return PrepareStatus(s.state, s.task, s.label, s.fraction, s.eta_s, list(s.ready), list(s.pending), list(s.errors))

    def _set(self, **changes) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(self._status, k, v)

    def _main(self) -> None:
        try:
            if not self.tasks:
                from .data import available_sample_tasks

                self.tasks = list(available_sample_tasks())
            for task in self.tasks:
                self._set(task=task, pending=[t for t in self.tasks[self.tasks.index(task) + 1:]])
                self._prepare(task)
                if self._cancel.is_set():
                    self._set(state="cancelled")
                    return
            self._set(state="failed" if self._status.errors else "ready", task=None, label="")
        except Exception as exc:  # noqa: BLE001 - the status line says it; the app goes on without
            self._set(state="failed", errors=self._status.errors + [f"{type(exc).__name__}: {exc}"])

    def _prepare(self, task: str) -> None:
        """Submit the task's job whenever the runner is idle, until it has finished, failed or been cancelled."""
        demo = DistillSpec(**self.demo) if self.demo else None
        while not self._cancel.is_set():
            missing = [n for n in needs(task, demo) if not n.ready]
            if not missing:
                self._set(ready=self._status.ready + [task])
                return
            self._set(state="waiting", label=missing[0].label, fraction=0.0, eta_s=None)
            if not self._wait(lambda: not self.runner.active()):
                return
            spec = {"task": task, "nice": self.nice} | ({"demo": self.demo} if self.demo else {})
            self.run_id = self.runner.submit(spec, kind="prepare", task=task, run_fn=prepare_task)
            self._set(state="preparing")
            outcome = self._follow(self.run_id, task)
            if outcome == "cancelled":  # by someone else than this loop (a Cancel on the job): don't start it again
                self._cancel.set()
            elif outcome not in ("finished", "stepped aside"):  # failed, timed out, interrupted: said, not retried
                state = self.runner.status(self.run_id)
                self._set(errors=self._status.errors + [f"{missing[0].label}: {state.error if state else outcome}"])
                return
            # finished: the loop finds nothing missing; stepped aside: it waits for the runner again

    def _follow(self, run_id: int, task: str) -> str:
        """Poll the job to its end: "finished", "failed", "cancelled", or "stepped aside" for another task's run."""
        stepped_aside = False
        while True:
            state = self.runner.status(run_id)
            if state is None or state.status not in ("queued", "running"):
                if state is not None and state.status == "cancelled" and stepped_aside:
                    return "stepped aside"
                return state.status if state else "failed"
            if not stepped_aside and self._others_waiting(run_id, task):
                stepped_aside = self.runner.cancel(run_id)
            self._cancel.wait(self.poll_s)

    def _others_waiting(self, run_id: int, task: str) -> bool:
        """Whether a queued job needs something other than this task's bundled teacher."""
        for other in self.runner.active():
            if other == run_id:
                continue
            run = self.runner.store.get(other)
            if run is None or run.task != task or (run.config or {}).get("teacher", BUNDLED) != BUNDLED:
                return True
        return False

    def _wait(self, ready: Callable[[], bool]) -> bool:
        while not ready():
            if self._cancel.wait(self.poll_s):
                return False
        return not self._cancel.is_set()



# ---------------------------------------------------------------- the CLI's `prepare`


def add_prepare_parser(sub) -> None:
    p = sub.add_parser(
        "prepare", help="fine-tune the sample tasks' teachers and cache the Quick demo's soft targets now (before a workshop)",
        description="Make a fresh machine ready for a demo: fine-tune each sample task's teacher and cache the teacher's "
                    f"logits of the live page's {DISTILL_PRESETS[DEMO_PRESET].label}, skipping what is cached already, "
                    "one task after the other. The app does the same in the background when it starts "
                    "(DISTILL_LAB_PREPARE=0 turns that off). Exits 0 once everything is ready.")
    p.add_argument("--task", action="append", dest="tasks", metavar="TASK",
                   help="a sample task to prepare (repeat for several; default: all, see `tasks`)")


def cmd_prepare(args, on_event=None) -> int:
    """Prepare, then one summary line per task; 0 when every piece is ready (a failure raises, and main prints it)."""
    started = time.perf_counter()
    for result in prepare_now(args.tasks, on_event=on_event):
        made = f"prepared {', '.join(result['prepared'])}" if result["prepared"] else "nothing to do"
        print(f"{result['task']}: {made}; ready: {', '.join(n.label for n in needs(result['task']) if n.ready)}")
    missing = [n.label for t in (args.tasks or []) or _all_tasks() for n in needs(t) if not n.ready]
    if missing:
        print(f"error: still missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    print(f"all ready in {time.perf_counter() - started:.0f} s: the app's first runs start training their students straight away")
    return 0


def _all_tasks() -> list[str]:
    from .data import available_sample_tasks

    return list(available_sample_tasks())
