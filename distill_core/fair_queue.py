"""A fair queue for a shared server: round-robin across owners, a cap per owner, a time limit per job.

Thirty people share one server in a workshop: one of them queueing ten runs must not hold the rest
for hours. The job served next is the oldest queued job of the owner served longest ago (an owner
never served goes first), so owners take turns whatever order they pressed Run in. Limits come
from the environment, read when a runner starts:

- ``DISTILL_LAB_MAX_JOBS_PER_OWNER`` (default 2): queued + running jobs one owner may have;
- ``DISTILL_LAB_JOB_CAP_S`` (default 3600): the most seconds any job may run; a job submitted with
  an estimate gets ``TIME_LIMIT_FACTOR`` x the estimate, never more than the cap.
"""

from __future__ import annotations

import itertools
import os
from collections import deque

DEFAULT_MAX_JOBS_PER_OWNER = 2
DEFAULT_JOB_CAP_S = 3600.0
# A 47 s Quick demo was stopped at 2 min on a machine also running browser tests (load 8 on 2 cores): a short run's
# estimate says little about a busy machine, so no run gets less than this
TIME_LIMIT_FLOOR_S = 600.0
TIME_LIMIT_FACTOR = 3.0  # estimates are rough (other runs share the CPU): three times is a clear overrun
_LATER = 10**18  # a turn number beyond any real one


def env_number(name: str, default: float, minimum: float) -> float:
    """A positive number from the environment; the default when it is unset or not a number."""
    text = os.environ.get(name, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return max(minimum, value) if value == value else default  # NaN is not a setting


def env_max_jobs_per_owner() -> int:
    return int(env_number("DISTILL_LAB_MAX_JOBS_PER_OWNER", DEFAULT_MAX_JOBS_PER_OWNER, 1))


def env_job_cap_s() -> float:
    return env_number("DISTILL_LAB_JOB_CAP_S", DEFAULT_JOB_CAP_S, 1.0)


def time_limit(estimate_s: float | None, cap_s: float) -> tuple[float, str]:
    """(seconds a job may run, why that many, for the message when it is stopped)."""
    if estimate_s is not None and estimate_s > 0 and min(TIME_LIMIT_FLOOR_S, cap_s) > TIME_LIMIT_FACTOR * estimate_s:
        floor = min(TIME_LIMIT_FLOOR_S, cap_s)
        return floor, f"{duration(floor)}, the least any run gets (its estimate was {duration(estimate_s)})"
    if estimate_s is not None and estimate_s > 0 and TIME_LIMIT_FACTOR * estimate_s < cap_s:
        return TIME_LIMIT_FACTOR * estimate_s, f"{TIME_LIMIT_FACTOR:g}x its estimate of {duration(estimate_s)}"
    return cap_s, f"the server's cap per run, DISTILL_LAB_JOB_CAP_S = {cap_s:g} s"


def duration(seconds: float) -> str:
    """ "45 s", "12 min", "1 h 30 min": a limit said the way people say it."""
    seconds = round(seconds)
    if seconds < 120:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


class FairQueue:
    """Queued run ids per owner. Not thread-safe: the runner calls it under its own lock."""

    def __init__(self):
        self._pending: dict[str, deque[int]] = {}  # owner -> their queued run ids, oldest first
        self._arrival: dict[int, int] = {}  # run id -> submission order (ties between owners never served)
        self._last_served: dict[str, int] = {}  # owner -> when their last job left the queue
        self._counter = itertools.count()

    def __len__(self) -> int:
        return len(self._arrival)

    def push(self, owner: str, run_id: int) -> None:
        self._pending.setdefault(owner, deque()).append(run_id)
        self._arrival[run_id] = next(self._counter)

    def remove(self, run_id: int) -> bool:
        """Drop a queued job (cancelled before it started); False if it is not queued."""
        for owner, jobs in self._pending.items():
            if run_id in jobs:
                jobs.remove(run_id)
                del self._arrival[run_id]
                if not jobs:
                    del self._pending[owner]
                return True
        return False

    def pop(self) -> int | None:
        """The next job to run, or None when nothing is queued."""
        owner = self._next_owner(self._pending, self._last_served)
        if owner is None:
            return None
        run_id = self._pending[owner].popleft()
        if not self._pending[owner]:
            del self._pending[owner]
        del self._arrival[run_id]
        self._last_served[owner] = next(self._counter)
        return run_id

    def order(self) -> list[int]:
        """Every queued job in the order it would run if no one submitted anything else."""
        pending = {o: deque(jobs) for o, jobs in self._pending.items()}
        served = dict(self._last_served)
        out = []
        for turn in itertools.count():
            owner = self._next_owner(pending, served)
            if owner is None:
                return out
            out.append(pending[owner].popleft())
            if not pending[owner]:
                del pending[owner]
            served[owner] = _LATER + turn  # after every real turn, in the simulated order

    def _next_owner(self, pending: dict[str, deque[int]], served: dict[str, float]) -> str | None:
        if not pending:
            return None
        return min(pending, key=lambda o: (served.get(o, -1), self._arrival[pending[o][0]]))
