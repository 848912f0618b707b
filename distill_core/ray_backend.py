"""The job runner's Ray backend: each job runs as a task on a Ray cluster, for a workshop that outgrows one machine.

Chosen by ``DISTILL_LAB_RAY_ADDRESS``: ``auto`` (a cluster started on this machine with ``ray start --head``, or
one this machine has joined) or ``ray://head:10001`` (Ray Client, to a head elsewhere). With it set, the app's
runner sends its jobs there instead of to a local child process; ``JobRunner(isolation="ray")`` asks for it
explicitly (tests). Unset, nothing here runs and ray is never imported: the embedded runner stays the default.

A job on Ray:
- is one task, with its resources: ``DISTILL_LAB_RAY_CPUS`` CPUs (default 1) and one GPU when its spec's device
  asks for CUDA, or is "auto" and the cluster has a GPU (a job's torch sees only the GPU Ray gave it);
- streams its events (progress, phases, steps, per-seed results) back through a small actor per job, the
  ``JobChannel``, which this process drains every POLL_S into the runner's live state, so the page's bar moves;
- is cancelled cooperatively first (the task polls the channel's flag and stops at its next step, as a local
  child does), then with ``ray.cancel(force=True)`` GRACE_S later;
- brings its artefacts (the student folder) back into the app's run store. When the worker sees the app's home
  folder (same machine, or a shared disk: checked with a token file, not by the path's mere existence) it works
  in that home, teacher caches included, and writes the artefacts straight into the run's folder. Otherwise it
  works in its own home and returns the artefact files as bytes with the report, and this process writes them.
- Workers need the same Python packages as the app (requirements.txt); distill_core itself is shipped to them
  (``runtime_env`` py_modules) when this process connects.
"""

from __future__ import annotations

import functools
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path

from .errors import Cancelled, DistillError, one_line
from .job_process import JobEnded, RunFn, _current, _current_spec, as_dict, run_status

ENV_ADDRESS = "DISTILL_LAB_RAY_ADDRESS"
ENV_CPUS = "DISTILL_LAB_RAY_CPUS"
POLL_S = 0.2  # how often events are drained here, and the cancel flag polled there
GRACE_S = 2.0  # a cancelled task's time to stop at its next step (one more round trip than a local child) before force
TOKEN_FILE = ".ray-shared-home-check"


def address() -> str | None:
    """The Ray cluster to send jobs to, or None: the local runner."""
    return os.environ.get(ENV_ADDRESS, "").strip() or None


def job_resources(device_choice: str, cluster_gpus: float, cpus: float | None = None) -> dict:
    """``num_cpus`` / ``num_gpus`` of a job's task: a GPU for "cuda", or for "auto" on a cluster that has one."""
    if cpus is None:
        text = os.environ.get(ENV_CPUS, "").strip()
        cpus = float(text) if text.replace(".", "", 1).isdecimal() and float(text) > 0 else 1.0
    if device_choice == "cuda" and cluster_gpus < 1:
        raise DistillError("this run asks for a CUDA GPU, but the Ray cluster has none: choose the device auto or cpu")
    gpus = 1 if device_choice == "cuda" or (device_choice == "auto" and cluster_gpus >= 1) else 0
    return {"num_cpus": cpus, "num_gpus": gpus}


def connect():
    """The ray module, connected: to DISTILL_LAB_RAY_ADDRESS, unless this process already is (a test's ray.init)."""
    try:
        import ray
    except ImportError:
        raise DistillError(f"{ENV_ADDRESS} is set, but ray is not installed here: pip install -r requirements.txt") from None
    if not ray.is_initialized():
        import distill_core

        try:
            ray.init(address=address() or "auto", runtime_env={"py_modules": [distill_core]},
                     namespace="distill-lab", log_to_driver=False)
        except Exception as exc:  # ConnectionError, or Ray's own when no cluster answers
            raise DistillError(f"cannot reach the Ray cluster at {address() or 'auto'} ({one_line(exc)}); "
                               f"start it with `ray start --head`, or unset {ENV_ADDRESS} for the local runner") from None
    return ray


@functools.lru_cache(maxsize=1)
def _remote_parts():
    """The actor class and the task function, declared once ray is imported (never at this module's import)."""
    import ray

    @ray.remote(num_cpus=0)
    class JobChannel:
        """A job's events, task -> app, and its cancel flag, app -> task."""

        def __init__(self):
            self.events: list[dict] = []
            self.cancelled = False

        def put(self, event: dict) -> None:
            self.events.append(event)

        def take(self) -> list[dict]:
            events, self.events = self.events, []
            return events

        def cancel(self) -> None:
            self.cancelled = True

        def is_cancelled(self) -> bool:
            return self.cancelled

        def flush(self) -> None:
            """Calls from one caller run in order: when this returns, that caller's earlier events are all in."""

    return JobChannel, ray.remote(max_retries=0)(_task)


def _task(run_fn: RunFn, spec, call: dict, channel, token: str) -> dict:
    """On a Ray worker: run the job, streaming events to ``channel`` and stopping when its flag is set."""
    import ray

    cancel, done = threading.Event(), threading.Event()

    def watch() -> None:
        while not done.wait(POLL_S):
            if ray.get(channel.is_cancelled.remote()):
                cancel.set()
                return

    threading.Thread(target=watch, name="distill-ray-cancel", daemon=True).start()
    artefact_dir = Path(call["artefact_dir"])
    shared = _reads_token(artefact_dir, token)
    node = ray.get_runtime_context().get_node_id()[:8]
    channel.put.remote({"kind": "phase", "phase": "ray", "message": f"started on Ray node {node} "
                        f"({'sharing the app home' if shared else 'in its own home'})"})
    try:
        with tempfile.TemporaryDirectory(prefix="distill-ray-") as tmp:
            here = artefact_dir if shared else Path(tmp) / "artefacts"
            kwargs = call | {"home": call["home"] if shared else None, "artefact_dir": here}
            report = run_fn(spec, on_event=channel.put.remote, cancel=cancel, **kwargs)
            files = {} if shared else _pack(here)
        return {"ok": True, "report": as_dict(report), "files": files}
    except BaseException as exc:  # noqa: BLE001 - reported to the app as one line, as a local child does
        return {"ok": False, "status_reason": run_status(exc, call.get("home"))}
    finally:
        done.set()
        ray.get(channel.flush.remote())


def _reads_token(artefact_dir: Path, token: str) -> bool:
    try:
        return (artefact_dir / TOKEN_FILE).read_text() == token
    except OSError:
        return False


def _pack(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path (the student folder: tens of MB at most)."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _unpack(files: dict[str, bytes], folder: Path) -> None:
    root = folder.resolve()
    for rel, data in files.items():
        path = (folder / rel).resolve()
        if root not in path.parents:  # a report names only files under its own folder
            raise DistillError(f"the Ray task returned a file outside its artefact folder: {rel}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, 0o644)


def run_on_ray(run_fn: RunFn, spec, call: dict, on_event, cancel: threading.Event, on_start=None) -> dict:
    """A job-runner backend (job_process.py's signature): run the job as a Ray task, relay its events, honour cancel.

    ``on_start`` is not called: there is no local process whose id the run store could stop."""
    from . import device as D

    ray = connect()
    JobChannel, task = _remote_parts()
    choice = D.requested(getattr(spec, "device", None) if not isinstance(spec, dict) else spec.get("device"))
    resources = job_resources(choice, ray.cluster_resources().get("GPU", 0))
    artefact_dir = Path(call["artefact_dir"])
    artefact_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    (artefact_dir / TOKEN_FILE).write_text(token)
    channel = JobChannel.remote()
    try:
        ref = task.options(**resources, name="distill-lab job").remote(_current(run_fn), _current_spec(spec), call, channel, token)
        out = _relay(ray, ref, channel, on_event, cancel)
    finally:
        (artefact_dir / TOKEN_FILE).unlink(missing_ok=True)
        try:
            ray.kill(channel)
        except Exception:  # noqa: BLE001 - cleanup: the cluster or this connection may be gone already
            pass
    if not out["ok"]:
        raise JobEnded(*out["status_reason"])
    _unpack(out["files"], artefact_dir)
    return out["report"]


def _relay(ray, ref, channel, on_event, cancel: threading.Event) -> dict:
    """Drain the channel into ``on_event`` until the task ends; cancel: the flag, then force after GRACE_S."""
    cancelled_at = None
    while True:
        if cancel.is_set():
            if cancelled_at is None:
                cancelled_at = time.monotonic()
                channel.cancel.remote()
            elif time.monotonic() - cancelled_at > GRACE_S:
                ray.cancel(ref, force=True)
                raise Cancelled("cancelled")
        ready, _ = ray.wait([ref], timeout=POLL_S)
        for event in ray.get(channel.take.remote()):
            on_event(event)
        if ready:
            break
    try:
        out = ray.get(ref)
    except ray.exceptions.TaskCancelledError:
        raise Cancelled("cancelled") from None
    except ray.exceptions.RayError as exc:  # the worker died (out of memory, a lost node...)
        raise JobEnded("failed", f"the Ray task ended without a result ({one_line(exc)})") from None
    for event in ray.get(channel.take.remote()):  # the task waited for its last put: nothing is left behind
        on_event(event)
    return out


def pick_backend(local):
    """The app's "process" backend: Ray when DISTILL_LAB_RAY_ADDRESS is set at the time a job starts, else ``local``."""

    @functools.wraps(local)
    def backend(*args, **kwargs) -> dict:
        return (run_on_ray if address() else local)(*args, **kwargs)

    return backend


def register(backends: dict) -> None:
    """Into jobs.BACKENDS: "ray" always; "process" (the app's) goes to Ray whenever the address is set."""
    backends["ray"] = run_on_ray
    backends["process"] = pick_backend(backends["process"])
