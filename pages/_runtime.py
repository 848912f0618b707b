"""Process-wide objects the pages share: the run store and the job runner (one per server).

Held with st.cache_resource, so every session and tab of this server sees the same queue.
"""

from __future__ import annotations

import os

import streamlit as st

from distill_core.errors import DistillError


def locked() -> bool:
    """Hosted-workshop mode (DISTILL_LAB_LOCKED=1): no hub ids, no server paths, uploads only."""
    return os.environ.get("DISTILL_LAB_LOCKED", "").strip().lower() in ("1", "true", "yes", "on")


def test_presets_enabled() -> bool:
    """DISTILL_LAB_TEST_PRESETS=1 adds a tiny random-model preset that trains in seconds (tests)."""
    return os.environ.get("DISTILL_LAB_TEST_PRESETS", "").strip() in ("1", "true", "yes")


@st.cache_resource(show_spinner=False)
def _runner(home: str):
    from distill_core.jobs import JobRunner
    from distill_core.runs import RunStore

    workers = int(os.environ.get("DISTILL_LAB_WORKERS", "1") or 1)
    max_queue = int(os.environ.get("DISTILL_LAB_MAX_QUEUE", "32") or 32)
    return JobRunner(RunStore(home), workers=workers, max_queue=max_queue, isolation="process")


def runner():
    """The shared JobRunner, or None after showing why it cannot start (e.g. an unwritable home)."""
    from distill_core.runs import home_dir

    try:
        return _runner(str(home_dir()))
    except DistillError as exc:
        st.error(f"Runs cannot be saved: {exc}")
        return None
