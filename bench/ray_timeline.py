"""A Ray run's timeline through the app's job runner (issue 18): two jobs on a local Ray instance, one finished,
one cancelled once it is training; every event with its time since the jobs were queued.

    DISTILL_LAB_HOME=... python bench/ray_timeline.py        # a home with the sentiment teacher cached is quickest

The jobs are small sentiment comparisons (200 labelled rows, 200 transfer rows, 1 epoch, 1 seed, no latency).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ray  # noqa: E402

from distill_core.experiments.specs import DistillSpec  # noqa: E402
from distill_core.jobs import JobRunner  # noqa: E402
from distill_core.runs import RunStore  # noqa: E402

T0 = time.monotonic()
LOG: list[tuple[float, int, str]] = []
_lock = threading.Lock()


def log(run_id: int, what: str) -> None:
    with _lock:
        LOG.append((time.monotonic() - T0, run_id, what))


class TimedRunner(JobRunner):
    """The app's runner, with each event a job streams back written down as it arrives."""

    def _recorder(self, run_id, job):
        inner = super()._recorder(run_id, job)
        steps = [0]

        def on_event(e: dict) -> None:
            if e["kind"] == "step":
                steps[0] += 1
                if steps[0] == 1 or steps[0] % 5 == 0:
                    log(run_id, f"step {e['step']}/{e['total_steps']} ({e['phase']}), loss {e['loss']:.3f}")
            elif e["kind"] == "phase":
                log(run_id, f"phase: {e['message']}")
            elif e["kind"] == "result":
                log(run_id, f"result: {e['model']} seed {e['seed']} accuracy {100 * e['accuracy']:.1f}%")
            elif e["kind"] == "eval":
                log(run_id, f"eval: {e['phase']} validation accuracy {100 * e['val_accuracy']:.1f}%")
            inner(e)

        return on_event


def main() -> None:
    global T0
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=200 * 1024**2)
    print(f"local Ray instance up in {time.monotonic() - T0:.1f} s; resources {ray.cluster_resources()}")
    runner = TimedRunner(RunStore(), isolation="ray", workers=2)
    spec = DistillSpec(task="sentiment", max_train=200, transfer_size=200, epochs=1, seeds=[0], latency=False, device="cpu")
    T0 = time.monotonic()
    ids = [runner.submit(spec), runner.submit(spec)]
    last = {}
    cancelled = False
    while True:
        for rid in ids:
            state = runner.status(rid)
            if last.get(rid) != state.status:
                log(rid, f"status: {state.status}" + (f" ({state.error})" if state.error else ""))
                last[rid] = state.status
        if not cancelled and runner.status(ids[1]).steps:
            log(ids[1], "cancel requested")
            runner.cancel(ids[1])
            cancelled = True
        if all(last[r] not in ("queued", "running") for r in ids):
            break
        time.sleep(0.05)
    runner.shutdown()
    ray.shutdown()
    print(f"{'t (s)':>7}  run  event")
    for t, rid, what in LOG:
        print(f"{t:7.2f}  {rid:>3}  {what}")
    done = runner.store.artefact_dir(ids[0]) / "student" / "model.safetensors"
    print(f"run {ids[0]}'s student in the run store: {done.exists()} ({done})")


if __name__ == "__main__":
    main()
