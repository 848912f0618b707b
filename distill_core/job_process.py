"""How a job runs: in a thread of this process, or in a training child process (the app's choice).

A backend is one function ``(run_fn, spec, call, on_event, cancel, on_start) -> report dict``; it
raises what the run raised (or ``JobEnded`` with a status and a reason decided elsewhere). Another
backend (a cluster, say) replaces ``run_in_process`` by registering itself in ``jobs.BACKENDS``.

The training child:
- runs under Linux's idle scheduling class (SCHED_IDLE: it gets a core only when the server's threads
  leave it free) and at lower priority (``DISTILL_LAB_TRAIN_NICE``, default +10), so the pages of the
  server stay fast; with idle scheduling it uses every core (a page render takes a core back at once),
  without it one thread fewer than the cores; ``DISTILL_LAB_TRAIN_THREADS`` overrides both;
- may be a spare started ahead of time (``keep_spare``), its imports (torch, transformers' BERT) done,
  so that a job's first step comes seconds sooner;
- is stopped at any stage when cancel is set: it gets ``GRACE_S`` to stop at its next step, then is
  terminated, killed if need be, and always joined (no zombie);
- watches its parent and exits when it dies, so a killed server leaves no training behind.
"""

from __future__ import annotations

import errno
import os
import queue
import signal
import sys
import threading
import time
import traceback
from typing import Callable

from .errors import Cancelled, DistillError, one_line

RunFn = Callable[..., object]  # (spec, home=, on_event=, cancel=, artefact_dir=) -> report with .as_dict()

GRACE_S = 1.0  # a cancelled child's time to stop at its next step before it is terminated
PARENT_POLL_S = 0.5  # how often the child checks that its parent is alive
DEFAULT_NICE = 10


class JobEnded(Exception):
    """A run that ended with a status and a reason decided elsewhere (in the child, or by a dead child)."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def run_status(exc: BaseException, home) -> tuple[str, str]:
    """(status, one-line reason) of a run that raised ``exc``: the one place an exception becomes a run status,
    in the runner's thread and in the training child alike."""
    if isinstance(exc, JobEnded):
        return exc.status, exc.reason
    if isinstance(exc, Cancelled):
        return "cancelled", "cancelled by the user"
    if isinstance(exc, DistillError):
        return "failed", str(exc)
    if isinstance(exc, OSError):
        return "failed", disk_error_reason(exc, home)
    traceback.print_exception(exc)  # for the server log; the page shows the one-line reason
    return "failed", f"unexpected error ({one_line(exc)})"


def disk_error_reason(exc: OSError, home) -> str:
    """One line for a failed file operation: a full disk is said as such; the path is named."""
    where = exc.filename or home
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full: the run could not save its results under {home} (free some space and run it again)"
    in_home = home is not None and str(where).startswith(str(home))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and in_home:
        return f"{home} cannot be written ({exc.strerror}); set DISTILL_LAB_HOME to a writable folder"
    return f"a file operation failed on {where} ({exc.strerror or exc})"


def exit_reason(exitcode: int | None) -> str:
    """Why a training child ended without a result, in one line."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode == signal.SIGKILL:
            return ("the training process was killed (SIGKILL) before it finished; the usual cause is the machine "
                    "running out of memory: try a smaller preset or fewer runs at once")
        return f"the training process was stopped by {name} before it finished"
    return f"the training process exited unexpectedly (exit code {exitcode}) before it reported a result"


def as_dict(report) -> dict:
    return report.as_dict() if hasattr(report, "as_dict") else dict(report)


def run_in_thread(run_fn: RunFn, spec, call: dict, on_event, cancel: threading.Event, on_start=None) -> dict:
    """In the runner's own thread (tests, run functions that cannot be pickled): cancel is cooperative only."""
    return as_dict(run_fn(spec, on_event=on_event, cancel=cancel, **call))


# ---------------------------------------------------------------- the training child


def train_threads(idle_scheduled: bool = False) -> int:
    """Torch threads for a training child: ``DISTILL_LAB_TRAIN_THREADS``; else every core when the child runs
    under idle scheduling (the server takes a core back whenever it needs one), all cores but one otherwise."""
    text = os.environ.get("DISTILL_LAB_TRAIN_THREADS", "").strip()
    if text.isdecimal() and int(text) > 0:
        return int(text)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores if idle_scheduled else max(1, cores - 1)


def idle_scheduling_wanted() -> bool:
    """``DISTILL_LAB_TRAIN_SCHED`` is "idle" (the default) or "normal" (nice only, one core left to the server)."""
    return os.environ.get("DISTILL_LAB_TRAIN_SCHED", "idle").strip().lower() != "normal"


def train_nice() -> int:
    """The niceness of a training child: this process's plus ``DISTILL_LAB_TRAIN_NICE`` (default 10), at most 19."""
    text = os.environ.get("DISTILL_LAB_TRAIN_NICE", "").strip()
    step = int(text) if text.isdecimal() else DEFAULT_NICE
    return min(19, os.getpriority(os.PRIO_PROCESS, 0) + step)


def _set_nice(nice: int) -> None:
    """Every thread of this process at ``nice`` (on Linux a niceness belongs to a thread, not the process)."""
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        tids = [0]
    for tid in tids:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
        except OSError:
            pass  # a thread that just ended, or a platform that refuses: the run goes on at normal priority


def _set_idle_scheduling() -> bool:
    """Put every thread of this process in the SCHED_IDLE class (threads started later inherit it);
    False where the platform has no such class or refuses."""
    policy = getattr(os, "SCHED_IDLE", None)
    if policy is None or not idle_scheduling_wanted():
        return False
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        tids = [0]
    try:
        for tid in tids:
            os.sched_setscheduler(tid, policy, os.sched_param(0))
    except OSError:
        return False
    return True


def _set_threads(threads: int) -> None:
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # for a torch imported later in the run
        os.environ[name] = str(threads)
    if "torch" in sys.modules:  # already imported while the run function was unpickled
        sys.modules["torch"].set_num_threads(threads)


def _watch_parent(parent_pid: int) -> None:
    """Exit when the parent dies (the child is then re-parented): a killed server leaves no training behind.
    os._exit, because a normal exit would wait to flush events into a pipe no one reads any more."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_S)
        os._exit(70)

    threading.Thread(target=watch, name="distill-parent-watch", daemon=True).start()


def _settle(parent_pid: int, nice: int) -> None:
    """The child's first acts: follow its parent, then yield the machine to the server."""
    _watch_parent(parent_pid)
    _set_nice(nice)
    _set_threads(train_threads(idle_scheduled=_set_idle_scheduling()))


def _child_main(tasks, events, cancel, preload: tuple[str, ...], parent_pid: int, nice: int) -> None:
    """In a training child: settle, import ``preload`` (a spare's head start), then wait for one job (None: exit),
    run it, stream every event to the parent and end with ("done", dict) or ("error", status, reason)."""
    import importlib
    import pickle

    _settle(parent_pid, nice)
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - an import that fails here fails again, with its message, in the job
            pass
    task = tasks.get()
    if task is None:
        return
    run_fn, spec, call = pickle.loads(task)
    try:
        report = run_fn(spec, on_event=lambda e: events.put(("event", e)), cancel=cancel, **call)
        events.put(("done", as_dict(report)))
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


def _stop(child, wait_s: float = 0.0) -> None:
    """End a child: wait up to ``wait_s`` for it to exit, then SIGTERM, then SIGKILL; always joined."""
    child.join(wait_s)
    if child.is_alive():
        child.terminate()
        child.join(1.0)
    if child.is_alive():
        child.kill()
    child.join()


_START_LOCK = threading.Lock()


def _start_without_script(child) -> None:
    """Start a spawned child without re-running a Streamlit script in it.

    Spawn re-imports the parent's ``__main__`` in the child; under Streamlit that is whichever page script a
    session is running (app.py), so every job paid for an import of streamlit and a bare-mode run of the app
    before its first step. The child runs engine functions only, found by their module names."""
    import multiprocessing.spawn as spawn

    if "streamlit.runtime.scriptrunner" not in sys.modules:  # the CLI, tests, a plain server script: as usual
        child.start()
        return
    original = spawn.get_preparation_data

    def preparation(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    with _START_LOCK:  # the patch is module-wide: one start at a time
        spawn.get_preparation_data = preparation
        try:
            child.start()
        finally:
            spawn.get_preparation_data = original


# What a spare child imports ahead of its job: the engine, torch and transformers' BERT (3 to 5 s on 2 cores).
SPARE_PRELOAD = ("distill_core.experiments.comparison", "transformers.models.bert.modeling_bert")


class _Spare:
    """At most one spare training child per process, started after a job (or by ``keep_spare``)."""

    lock = threading.Lock()
    wanted = False
    current = None  # (child, tasks, events, cancel) or None
    settings = None  # what the spare was started with (_settings()): a job with other settings starts its own child


def _settings() -> tuple:
    """The settings a training child takes at its start: niceness, the thread and scheduling variables."""
    return train_nice(), os.environ.get("DISTILL_LAB_TRAIN_THREADS", ""), os.environ.get("DISTILL_LAB_TRAIN_SCHED", "")


def keep_spare(on: bool = True) -> None:
    """Keep a spare child ready from now on (the app's choice; ``DISTILL_LAB_SPARE_CHILD=0`` refuses)."""
    _Spare.wanted = on and os.environ.get("DISTILL_LAB_SPARE_CHILD", "1").strip() != "0"
    if _Spare.wanted:
        _start_spare()
    else:
        _retire(_take_spare())


def _spawn(preload: tuple[str, ...]) -> tuple:
    """A training child waiting for its job: (child, tasks, events, cancel)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    tasks, events, cancel, nice = ctx.Queue(), ctx.Queue(), ctx.Event(), train_nice()
    child = ctx.Process(target=_current(_child_main), args=(tasks, events, cancel, preload, os.getpid(), nice), daemon=True)
    _start_without_script(child)
    try:
        os.setpriority(os.PRIO_PROCESS, child.pid, nice)  # now, so that its imports already yield to the pages
    except OSError:
        pass
    return child, tasks, events, cancel


def _start_spare() -> None:
    with _Spare.lock:
        if _Spare.current is None or not _Spare.current[0].is_alive():
            _Spare.current, _Spare.settings = _spawn(SPARE_PRELOAD), _settings()


def _take_spare():
    """The spare child, handed to one job (None when there is none alive, or it was started with other settings)."""
    with _Spare.lock:
        spare, _Spare.current = _Spare.current, None
        stale = _Spare.settings != _settings()
    if spare is not None and (stale or not spare[0].is_alive()):
        _retire(spare)
        return None
    return spare


def _retire(spare) -> None:
    """Tell a spare child there is no job for it (None), and stop it; nothing when there is none."""
    if spare is None:
        return
    if spare[0].is_alive():
        spare[1].put(None)
    _stop(spare[0], wait_s=2.0)


def run_in_process(run_fn: RunFn, spec, call: dict, on_event, cancel: threading.Event, on_start=None) -> dict:
    """Run ``run_fn`` in a training child (the spare one when it is ready), relaying its events here;
    ``on_start(pid)`` once it exists.

    A failure there raises JobEnded here; cancel set here stops the child within about GRACE_S."""
    from multiprocessing.reduction import ForkingPickler

    # Streamlit re-imports edited modules of the app while the server runs: this runner may hold the old
    # function and class objects, which pickle refuses ("not the same object as ..."). Send the current ones,
    # pickled here: a queue pickles in a background thread, where a refusal would only be printed.
    task = bytes(ForkingPickler.dumps((_current(run_fn), _current_spec(spec), call)))
    child, tasks, events, child_cancel = _take_spare() or _spawn(())
    tasks.put(task)
    if on_start is not None:
        on_start(child.pid)
    ended_well = False
    try:
        report = _relay(child, events, child_cancel, on_event, cancel)
        ended_well = True
        return report
    finally:
        _stop(child, wait_s=10.0 if ended_well else 0.0)
        events.close()
        tasks.close()
        if _Spare.wanted:
            _start_spare()  # for the next job, now that this one has left the cores


def _relay(child, events, child_cancel, on_event, cancel: threading.Event) -> dict:
    """Pass the child's events on until it reports its end; stop it GRACE_S after cancel is set."""
    cancelled_at = None
    while True:
        if cancel.is_set():
            child_cancel.set()
            cancelled_at = cancelled_at or time.monotonic()
            if time.monotonic() - cancelled_at > GRACE_S:
                raise Cancelled("cancelled")  # the caller terminates the child
        try:
            message = events.get(timeout=0.2)
        except queue.Empty:
            if not child.is_alive() and events.empty():
                child.join()
                raise JobEnded("failed", exit_reason(child.exitcode)) from None
            continue
        except (EOFError, OSError):  # the pipe broke: the child died mid-message
            child.join(1.0)
            raise JobEnded("failed", exit_reason(child.exitcode)) from None
        if message[0] == "event":
            on_event(message[1])
        elif message[0] == "done":
            return message[1]
        else:
            raise JobEnded(message[1], message[2])
