"""How a job runs: in a thread of this process, or in a training child process (the app's choice).

A backend is one function ``(run_fn, spec, call, on_event, cancel, on_start) -> report dict``; it
raises what the run raised (or ``JobEnded`` with a status and a reason decided elsewhere). Another
backend (a cluster, say) replaces ``run_in_process`` by registering itself in ``jobs.BACKENDS``.

The training child:
- runs at lower priority (``DISTILL_LAB_TRAIN_NICE``, default +10) with one thread fewer than the
  machine's cores (``DISTILL_LAB_TRAIN_THREADS`` overrides), so the pages of the server stay fast;
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


def train_threads() -> int:
    """Torch threads for a training child: ``DISTILL_LAB_TRAIN_THREADS``, else all cores but one for the server."""
    text = os.environ.get("DISTILL_LAB_TRAIN_THREADS", "").strip()
    if text.isdecimal() and int(text) > 0:
        return int(text)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


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


def _child_main(run_fn: RunFn, spec, call: dict, events, cancel, parent_pid: int, nice: int, threads: int) -> None:
    """In the child: run, stream every event to the parent, end with ("done", dict) or ("error", status, reason)."""
    _watch_parent(parent_pid)
    _set_nice(nice)
    _set_threads(threads)
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


def run_in_process(run_fn: RunFn, spec, call: dict, on_event, cancel: threading.Event, on_start=None) -> dict:
    """Run ``run_fn`` in a spawned child, relaying its events here; ``on_start(pid)`` once it exists.

    A failure there raises JobEnded here; cancel set here stops the child within about GRACE_S."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    events = ctx.Queue()
    child_cancel = ctx.Event()
    nice = train_nice()
    # Streamlit re-imports edited modules of the app while the server runs: this runner may hold the old
    # function and class objects, which pickle refuses ("not the same object as ..."). Send the current ones.
    run_fn, spec = _current(run_fn), _current_spec(spec)
    args = (run_fn, spec, call, events, child_cancel, os.getpid(), nice, train_threads())
    child = ctx.Process(target=_current(_child_main), args=args, daemon=True)
    _start_without_script(child)
    try:
        os.setpriority(os.PRIO_PROCESS, child.pid, nice)  # now, so that its imports already yield to the pages
    except OSError:
        pass
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
