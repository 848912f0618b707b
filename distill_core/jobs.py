"""Background jobs for the app: a bounded queue, N workers (one by default), status and cancel.

Training never runs in a Streamlit script thread: a page submits a spec and polls ``status``.
Every job is a run-store row from the moment it is queued, so a refresh, a second tab or an
app restart sees it; a run whose process died is marked interrupted at the next start.
Threads here never touch Streamlit.
"""

from __future__ import annotations

import errno
import os
import queue
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

from .errors import Cancelled, DistillError, one_line
from .runs import RunStore

RunFn = Callable[..., object]  # (spec, home=, on_event=, cancel=, artefact_dir=) -> report with .as_dict()

MAX_CURVE_POINTS = 400  # per phase: the live curves are thinned beyond this


@dataclass
class JobState:
    """What a page shows about one job; a snapshot is a plain copy."""

    run_id: int
    status: str = "queued"  # queued, running, finished, failed, cancelled, interrupted
    position: int | None = None  # 1 = next to run
    fraction: float = 0.0
    eta_s: float | None = None
    elapsed_s: float = 0.0
    phase: str = ""
    message: str = "waiting for a free worker"
    steps: dict[str, list[dict]] = field(default_factory=dict)  # phase -> thinned step events
    evals: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)  # per-seed results as they land
    error: str | None = None
    report: dict | None = None

    def snapshot(self) -> "JobState":
        return JobState(
            self.run_id, self.status, self.position, self.fraction, self.eta_s, self.elapsed_s, self.phase,
            self.message, {k: list(v) for k, v in self.steps.items()}, list(self.evals), list(self.results),
            self.error, self.report,
        )

    def record(self, e: dict) -> None:
        """Fold one training event into the live state (the runner holds its lock)."""
        kind = e["kind"]
        if kind == "progress":
            self.fraction, self.eta_s, self.elapsed_s = e["fraction"], e["eta_s"], e["elapsed_s"]
        elif kind == "phase":
            self.phase, self.message = e["phase"], e["message"]
        elif kind == "step":
            pts = self.steps.setdefault(e["phase"], [])
            pts.append({k: e[k] for k in ("step", "epoch", "loss", "hard_ce", "soft_kl_t2", "examples_per_s") if k in e})
            _thin(pts)
        elif kind == "eval":
            self.evals.append({k: e[k] for k in ("phase", "epoch", "val_accuracy")})
        elif kind == "result":
            self.results.append({k: v for k, v in e.items() if k != "kind"})

    def as_progress(self) -> dict:
        """The part saved in the run store while running, so another process can follow along."""
        return {
            "fraction": self.fraction, "eta_s": self.eta_s, "elapsed_s": self.elapsed_s, "phase": self.phase,
            "message": self.message, "steps": self.steps, "evals": self.evals, "results": self.results,
        }


def _thin(points: list[dict]) -> None:
    """Keep every other point once a curve is long: memory stays bounded, the shape stays."""
    if len(points) > MAX_CURVE_POINTS:
        del points[1:-1:2]


class JobRunner:
    def __init__(self, store: RunStore, run_fn: RunFn | None = None, workers: int = 1, max_queue: int = 16, persist_every_s: float = 2.0,
                 isolation: str = "thread"):
        """isolation="process" trains in a child process (the app's choice): torch's many small GIL
        hand-offs in a thread of the web server starved both the training and the pages; "thread"
        keeps everything in this process (tests, and run functions that cannot be pickled)."""
        if run_fn is None:
            from .experiments.comparison import run_comparison

            run_fn = run_comparison
        self.store = store
        self.run_fn = run_fn
        if isolation not in ("thread", "process"):
            raise ValueError(f"isolation must be 'thread' or 'process', got {isolation!r}")
        self.isolation = isolation
        self.max_queue = max_queue
        self.persist_every_s = persist_every_s
        self._queue: queue.Queue = queue.Queue()
        self._order: list[int] = []  # queued run ids, oldest first
        self._jobs: dict[int, JobState] = {}
        self._specs: dict[int, object] = {}
        self._cancel: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.interrupted_at_start = store.mark_interrupted()
        self._threads = [threading.Thread(target=self._work, name=f"distill-worker-{i}", daemon=True) for i in range(max(1, workers))]
        for t in self._threads:
            t.start()

    # ------------------------------------------------------------ API for pages

    def submit(self, spec, owner: str | None = None, kind: str = "distill", task: str | None = None, run_fn: RunFn | None = None, **run_kwargs) -> int:
        """Queue a job (run with ``run_fn``, default the runner's); a DistillError when the queue is full."""
        with self._lock:
            if len(self._order) >= self.max_queue:
                raise DistillError(
                    f"the queue is full ({self.max_queue} runs waiting); try again when one has finished"
                )
            config = spec.as_dict() if hasattr(spec, "as_dict") else dict(spec)
            run_id = self.store.create(kind, task or config.get("task"), config, owner=owner or f"app:{os.getpid()}")
            self._jobs[run_id] = JobState(run_id)
            self._specs[run_id] = (spec, run_fn or self.run_fn, run_kwargs)
            self._cancel[run_id] = threading.Event()
            self._order.append(run_id)
            self._renumber()
        self._queue.put(run_id)
        return run_id

    def status(self, run_id: int) -> JobState | None:
        """Live state for this process's jobs; the stored row for anything else."""
        with self._lock:
            job = self._jobs.get(run_id)
            if job is not None:
                return job.snapshot()
        run = self.store.get(run_id)
        if run is None:
            return None
        state = JobState(run_id, status=run.status, error=run.error, report=run.metrics)
        if run.progress:
            for k in ("fraction", "eta_s", "elapsed_s", "phase", "message", "steps", "evals", "results"):
                if k in run.progress:
                    setattr(state, k, run.progress[k])
        if run.status == "finished":
            state.fraction = 1.0
        return state

    def cancel(self, run_id: int) -> bool:
        """Stop a running job at its next step, or drop a queued one. False if it is not live here."""
        with self._lock:
            event = self._cancel.get(run_id)
            job = self._jobs.get(run_id)
            if event is None or job is None or job.status not in ("queued", "running"):
                return False
            event.set()
            if job.status == "queued":
                job.status, job.message = "cancelled", "cancelled before it started"
                self._order.remove(run_id)
                self._renumber()
        if job.status == "cancelled":
            self.store.fail(run_id, "cancelled before it started", status="cancelled")
        return True

    def active(self) -> list[int]:
        with self._lock:
            return [r for r, j in self._jobs.items() if j.status in ("queued", "running")]

    def wait(self, run_id: int, timeout: float = 60.0) -> JobState:
        """Block until a job ends (for tests and the CLI)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.status(run_id)
            if state and state.status not in ("queued", "running"):
                return state
            time.sleep(0.05)
        raise TimeoutError(f"run {run_id} still {self.status(run_id).status} after {timeout} s")

    def shutdown(self) -> None:
        self._stopping.set()
        for event in self._cancel.values():
            event.set()
        for _ in self._threads:
            self._queue.put(None)

    # ------------------------------------------------------------ worker side

    def _renumber(self) -> None:
        for i, rid in enumerate(self._order):
            self._jobs[rid].position = i + 1

    def _work(self) -> None:
        while not self._stopping.is_set():
            run_id = self._queue.get()
            if run_id is None:
                return
            with self._lock:
                job = self._jobs[run_id]
                if job.status != "queued":  # cancelled while waiting
                    continue
                self._order.remove(run_id)
                self._renumber()
                job.status, job.position, job.message = "running", None, "starting"
                spec, run_fn, run_kwargs = self._specs.pop(run_id)
                cancel = self._cancel[run_id]
            self._run(run_id, job, spec, run_fn, run_kwargs, cancel)

    def _run(self, run_id: int, job: JobState, spec, run_fn: RunFn, run_kwargs: dict, cancel: threading.Event) -> None:
        try:
            self.store.start(run_id)
            on_event = self._recorder(run_id, job)
            call = dict(home=self.store.home, artefact_dir=self.store.artefact_dir(run_id), **run_kwargs)
            if self.isolation == "process":
                result = _run_in_child(run_fn, spec, call, on_event, cancel)
            else:
                result = _as_dict(run_fn(spec, on_event=on_event, cancel=cancel, **call))
            self.store.set_progress(run_id, job.as_progress())
            self.store.finish(run_id, result, artefacts=str(self.store.artefact_dir(run_id)))
            with self._lock:
                job.status, job.fraction, job.report, job.message = "finished", 1.0, result, "finished"
        except Exception as exc:  # a failing job never takes the runner down
            self._end(run_id, job, *run_status(exc, self.store.home))
        finally:
            with self._lock:
                self._cancel.pop(run_id, None)

    def _recorder(self, run_id: int, job: JobState) -> Callable[[dict], None]:
        """A job's on_event: each event goes into its live state; the progress is saved every persist_every_s."""
        last_save = [0.0]

        def on_event(e: dict) -> None:
            with self._lock:
                job.record(e)
                now = time.monotonic()
                save = now - last_save[0] > self.persist_every_s
                if save:
                    last_save[0] = now
                    progress = job.as_progress()
            if save:
                self.store.set_progress(run_id, progress)

        return on_event

    def _end(self, run_id: int, job: JobState, status: str, reason: str) -> None:
        try:
            self.store.set_progress(run_id, job.as_progress())
            self.store.fail(run_id, reason, status=status)
        except DistillError:
            pass  # the store itself failed (disk full...): the live state still tells the page
        with self._lock:
            job.status, job.error, job.message = status, reason, reason


class _Ended(Exception):
    """Raised here for a run that ended in the training child, with the status and reason decided there."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def run_status(exc: BaseException, home) -> tuple[str, str]:
    """(status, one-line reason) of a run that raised ``exc``: the one place an exception becomes a run status,
    in the runner's thread and in the training child alike."""
    if isinstance(exc, _Ended):
        return exc.status, exc.reason
    if isinstance(exc, Cancelled):
        return "cancelled", "cancelled by the user"
    if isinstance(exc, DistillError):
        return "failed", str(exc)
    if isinstance(exc, OSError):
        return "failed", disk_error_reason(exc, home)
    traceback.print_exception(exc)  # for the server log; the page shows the one-line reason
    return "failed", f"unexpected error ({one_line(exc)})"


def _as_dict(report) -> dict:
    return report.as_dict() if hasattr(report, "as_dict") else dict(report)


def disk_error_reason(exc: OSError, home) -> str:
    """One line for a failed file operation: a full disk is said as such; the path is named."""
    where = exc.filename or home
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full: the run could not save its results under {home} (free some space and run it again)"
    in_home = home is not None and str(where).startswith(str(home))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and in_home:
        return f"{home} cannot be written ({exc.strerror}); set DISTILL_LAB_HOME to a writable folder"
    return f"a file operation failed on {where} ({exc.strerror or exc})"


# ---------------------------------------------------------------- process isolation


def _child_main(run_fn: RunFn, spec, call: dict, events, cancel) -> None:
    """In the child: run, stream every event to the parent, end with ("done", dict) or ("error", status, reason)."""
    threads = os.environ.get("DISTILL_LAB_TRAIN_THREADS", "").strip()
    if threads.isdigit() and int(threads) > 0:  # e.g. 1 on a 2-core workshop server: a core stays free for the pages
        import torch

        torch.set_num_threads(int(threads))
    try:
        report = run_fn(spec, on_event=lambda e: events.put(("event", e)), cancel=cancel, **call)
        events.put(("done", _as_dict(report)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one line
        events.put(("error", *run_status(exc, call.get("home"))))


def _current(obj):
    """The object of this name in its module as imported now (itself when that cannot be found)."""
    import importlib

    try:
        found = importlib.import_module(obj.__module__)
        for part in obj.__qualname__.split("."):
            found = getattr(found, part)
        return found
    except (AttributeError, ImportError, TypeError):
        return obj


def _current_spec(spec):
    """A dataclass spec rebuilt from the current class when its module was re-imported; anything else as is."""
    import dataclasses

    if dataclasses.is_dataclass(spec) and not isinstance(spec, type):
        cls = _current(type(spec))
        if cls is not type(spec):
            return cls(**{f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)})
    return spec


def _run_in_child(run_fn: RunFn, spec, call: dict, on_event, cancel: threading.Event) -> dict:
    """Run ``run_fn`` in a spawned process, relaying its events here; a failure there raises _Ended here."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    events = ctx.Queue()
    child_cancel = ctx.Event()
    # Streamlit re-imports edited modules of the app while the server runs: this runner may hold the old
    # function and class objects, which pickle refuses ("not the same object as ..."). Send the current ones.
    run_fn, spec = _current(run_fn), _current_spec(spec)
    child = ctx.Process(target=_current(_child_main), args=(run_fn, spec, call, events, child_cancel), daemon=True)
    child.start()
    try:
        while True:
            if cancel.is_set():
                child_cancel.set()
            try:
                message = events.get(timeout=0.2)
            except queue.Empty:
                if not child.is_alive() and events.empty():
                    raise RuntimeError(f"the training process stopped (exit code {child.exitcode})")
                continue
            if message[0] == "event":
                on_event(message[1])
            elif message[0] == "done":
                return message[1]
            else:
                raise _Ended(message[1], message[2])
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
