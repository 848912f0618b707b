"""Run functions for the Ray backend's tests, in a module Ray workers can import (``tests.ray_jobs``)."""

import time

from distill_core.errors import Cancelled


def slow_job(spec, home=None, on_event=None, cancel=None, artefact_dir=None):
    """A job that reports progress every 50 ms for up to a minute, stopping when cancelled (as training does)."""
    for step in range(1200):
        if cancel.is_set():
            raise Cancelled(f"cancelled at step {step}")
        on_event({"kind": "progress", "fraction": step / 1200, "elapsed_s": step * 0.05, "eta_s": None})
        time.sleep(0.05)
    return {"steps": 1200}
