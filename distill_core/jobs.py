"""Background jobs for the app: a fair, bounded queue, N workers (one by default), status and cancel.

Training never runs in a Streamlit script thread: a page submits a spec and polls ``status``.
Every job is a run-store row from the moment it is queued, so a refresh, a second tab or an
app restart sees it; a run whose process died is marked interrupted at the next start.
Each job has an owner (a browser session's token): one owner has at most ``max_per_owner`` jobs
queued or running, owners take turns (fair_queue.py), and a job running past its time limit is
stopped as "timed out". Cancel stops a job at any stage (job_process.py). Threads here never
touch Streamlit.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from .access import same_token
from .errors import DistillError
from .fair_queue import FairQueue, duration, env_job_cap_s, env_max_jobs_per_owner, time_limit
from .job_process import JobEnded, RunFn, disk_error_reason, run_in_process, run_in_thread, run_status  # noqa: F401
from .runs import RunStore

# How a job is run, by the runner's ``isolation``: (run_fn, spec, call, on_event, cancel, on_start) -> dict.
BACKENDS: dict[str, Callable[..., dict]] = {"thread": run_in_thread, "process": run_in_process}
LOCAL_OWNER = "local"  # the owner of jobs submitted without one (the CLI, tests, background preparation)
WATCH_S = 0.2  # how often time limits are checked

MAX_CURVE_POINTS = 400  # per phase: the live curves are thinned beyond this


@dataclass
class JobState:
    """What a page shows about one job; a snapshot is a plain copy."""

    run_id: int
    status: str = "queued"  # queued, running, finished, failed, cancelled, timed out, interrupted
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
    public_id: str = ""  # the run's id in URLs
    time_limit_s: float | None = None  # stopped as "timed out" past this many seconds of running

    def snapshot(self) -> "JobState":
        return JobState(
            self.run_id, self.status, self.position, self.fraction, self.eta_s, self.elapsed_s, self.phase,
            self.message, {k: list(v) for k, v in self.steps.items()}, list(self.evals), list(self.results),
            self.error, self.report, self.public_id, self.time_limit_s,
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
            self.evals.append({k: e[k] for k in ("phase", "step", "epoch", "val_accuracy") if k in e})
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


@dataclass
class _Live:
    """What the runner holds for a queued or running job, until it ends."""

    owner: str
    spec: object
    run_fn: RunFn
    run_kwargs: dict
    cancel: threading.Event
    limit_s: float
    limit_why: str
    started: float | None = None  # time.monotonic() when a worker took it
    ended_as: tuple[str, str] | None = None  # (status, reason) decided here, e.g. by the time limit


class JobRunner:
    def __init__(self, store: RunStore, run_fn: RunFn | None = None, workers: int = 1, max_queue: int = 16, persist_every_s: float = 2.0,
                 isolation: str = "thread", max_per_owner: int | None = None, job_cap_s: float | None = None):
        """isolation="process" trains in a child process (the app's choice): torch's many small GIL
        hand-offs in a thread of the web server starved both the training and the pages; "thread"
        keeps everything in this process (tests, and run functions that cannot be pickled).
        ``max_per_owner`` and ``job_cap_s`` default to the environment's (fair_queue.py)."""
        if run_fn is None:
            from .experiments.comparison import run_comparison

            run_fn = run_comparison
        self.store = store
        self.run_fn = run_fn
        if isolation not in BACKENDS:
            raise ValueError(f"isolation must be one of {', '.join(map(repr, BACKENDS))}, got {isolation!r}")
        self.isolation = isolation
        self.max_queue = max_queue
        self.max_per_owner = max_per_owner or env_max_jobs_per_owner()
        self.job_cap_s = job_cap_s or env_job_cap_s()
        self.persist_every_s = persist_every_s
        self._queue = FairQueue()
        self._jobs: dict[int, JobState] = {}
        self._live: dict[int, _Live] = {}  # queued and running jobs only
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self.interrupted_at_start = store.mark_interrupted()
        self._threads = [threading.Thread(target=self._work, name=f"distill-worker-{i}", daemon=True) for i in range(max(1, workers))]
        self._threads.append(threading.Thread(target=self._watch, name="distill-time-limits", daemon=True))
        for t in self._threads:
            t.start()

    # ------------------------------------------------------------ API for pages

    def submit(self, spec, owner: str | None = None, kind: str = "distill", task: str | None = None, run_fn: RunFn | None = None,
               estimate_s: float | None = None, shared: bool | None = None, **run_kwargs) -> int:
        """Queue a job (run with ``run_fn``, default the runner's) for ``owner``; its time limit is 3x
        ``estimate_s`` (at most the cap); ``shared`` defaults to "not on a data file of its own".
        A DistillError when the queue is full or the owner already has ``max_per_owner`` jobs."""
        owner = owner or LOCAL_OWNER
        limit_s, limit_why = time_limit(estimate_s, self.job_cap_s)
        with self._lock:
            if len(self._queue) >= self.max_queue:
                raise DistillError(f"the queue is full ({self.max_queue} runs waiting); try again when one has finished")
            if self._active_for(owner) >= self.max_per_owner:
                raise DistillError(
                    f"you already have {self.max_per_owner} runs queued or running, the most one person may have at once "
                    "on this server: wait for one to finish, or cancel one"
                )
            config = spec.as_dict() if hasattr(spec, "as_dict") else dict(spec)
            run_id = self.store.create(kind, task or config.get("task"), config, owner=owner, shared=shared,
                                       runner_pid=os.getpid(), time_limit_s=limit_s)
            self._jobs[run_id] = JobState(run_id, public_id=self.store.get(run_id).public_id, time_limit_s=limit_s)
            self._live[run_id] = _Live(owner, spec, run_fn or self.run_fn, run_kwargs, threading.Event(), limit_s, limit_why)
            self._queue.push(owner, run_id)
            self._renumber()
            self._wake.notify()
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
        state = JobState(run_id, status=run.status, error=run.error, report=run.metrics, public_id=run.public_id,
                         time_limit_s=run.time_limit_s)
        if run.progress:
            for k in ("fraction", "eta_s", "elapsed_s", "phase", "message", "steps", "evals", "results"):
                if k in run.progress:
                    setattr(state, k, run.progress[k])
        if run.status == "finished":
            state.fraction = 1.0
        return state

    def cancel(self, run_id: int, owner=..., admin: bool = False) -> bool:
        """Stop a job at any stage (a running one within about a second), or drop a queued one.

        A page passes ``owner`` (its session's token, None included) and ``admin``: only the job's
        owner or the instructor may cancel it. Without ``owner`` (the default, ``...``: a singleton no
        cookie can spell and a module re-import cannot replace) the caller is the engine itself: the
        CLI, tests, background preparation. False when it is not allowed, or not queued / running here."""
        with self._lock:
            live, job = self._live.get(run_id), self._jobs.get(run_id)
            if live is None or job is None:
                return False
            if owner is not ... and not (admin or same_token(owner, live.owner)):
                return False
            live.cancel.set()
            dropped = job.status == "queued" and self._queue.remove(run_id)
            if dropped:
                job.status, job.message, job.position = "cancelled", "cancelled before it started", None
                del self._live[run_id]
                self._renumber()
        if dropped:
            self.store.fail(run_id, "cancelled before it started", status="cancelled")
        return True

    def active(self) -> list[int]:
        """Ids of the jobs queued or running here."""
        with self._lock:
            return list(self._live)

    def active_for(self, owner: str | None) -> int:
        """How many jobs this owner has queued or running (at most ``max_per_owner``)."""
        with self._lock:
            return self._active_for(owner or LOCAL_OWNER)

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
        with self._lock:
            self._stopping.set()
            for live in self._live.values():
                live.cancel.set()
            self._wake.notify_all()

    # ------------------------------------------------------------ worker side

    def _active_for(self, owner: str) -> int:
        return sum(1 for live in self._live.values() if live.owner == owner)

    def _renumber(self) -> None:
        for i, rid in enumerate(self._queue.order()):
            self._jobs[rid].position = i + 1

    def _work(self) -> None:
        while True:
            with self._wake:
                while not self._stopping.is_set() and not len(self._queue):
                    self._wake.wait()
                if self._stopping.is_set():
                    return
                run_id = self._queue.pop()
                job, live = self._jobs[run_id], self._live[run_id]
                job.status, job.position, job.message = "running", None, "starting"
                live.started = time.monotonic()
                self._renumber()
            self._run(run_id, job, live)

    def _run(self, run_id: int, job: JobState, live: _Live) -> None:
        try:
            self.store.start(run_id)
            _make_room(self.store.home)
            on_event = self._recorder(run_id, job)
            call = dict(home=self.store.home, artefact_dir=self.store.artefact_dir(run_id), **live.run_kwargs)
            result = BACKENDS[self.isolation](live.run_fn, live.spec, call, on_event, live.cancel,
                                              on_start=lambda pid: self.store.set_child(run_id, pid))
            self.store.set_progress(run_id, job.as_progress())
            self.store.finish(run_id, result, artefacts=str(self.store.artefact_dir(run_id)))
            with self._lock:
                job.status, job.fraction, job.report, job.message = "finished", 1.0, result, "finished"
        except Exception as exc:  # a failing job never takes the runner down
            self._end(run_id, job, *(live.ended_as or run_status(exc, self.store.home)))
        finally:
            with self._lock:
                self._live.pop(run_id, None)

    def _watch(self) -> None:
        """Stop every job that has run past its time limit (the backend then ends it as it ends a cancel)."""
        while not self._stopping.wait(WATCH_S):
            now = time.monotonic()
            with self._lock:
                for run_id, live in self._live.items():
                    over = live.started is not None and now - live.started > live.limit_s
                    if over and live.ended_as is None and not live.cancel.is_set():
                        live.ended_as = ("timed out", f"timed out: stopped after {duration(live.limit_s)} of running, "
                                                      f"the time limit for this run ({live.limit_why})")
                        self._jobs[run_id].message = "stopping: the time limit is reached"
                        live.cancel.set()

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


def _make_room(home) -> None:
    """The disk quota (disk.py), before a job writes anything: least-recently-used caches and finished runs go."""
    from .disk import enforce_quota

    try:
        enforce_quota(home)
    except OSError:
        pass  # eviction is housekeeping: a job never fails for it


# --- Ray backend (issue 18, ray_backend.py): isolation="ray" runs each job as a task on a Ray cluster, and with
# DISTILL_LAB_RAY_ADDRESS set the app's "process" isolation goes there too. ray is imported only when a job runs there.
from .ray_backend import register as _register_ray  # noqa: E402

_register_ray(BACKENDS)
# --- end Ray backend
