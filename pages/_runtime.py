"""Process-wide objects the pages share: the run store and the job runner (one per server).

Held with st.cache_resource, so every session and tab of this server sees the same queue.
"""

from __future__ import annotations

import os

import streamlit as st

from distill_core.errors import DistillError


def locked() -> bool:
    """Hosted-workshop mode (DISTILL_LAB_LOCKED=1): no hub ids, no server paths, uploads only (the engine enforces it too)."""
    from distill_core.policy import locked as engine_locked

    return engine_locked()


def extra_presets(section: str):
    """An instructor's own presets and models, from the JSON file named by DISTILL_LAB_EXTRA_PRESETS.

    Returns the file's entry for ``section``, or None when the variable is unset, the file cannot be
    read (a one-line warning then) or it has no such section. The sections the pages read:

    - ``"distill"``: ``{key: {Preset fields of pages/distill.py}}``, e.g.
      ``{"tiny": {"label": "Tiny model (tests)", "seeds": 1, "epochs": 1, "transfer_size": 20, "teacher": "/models/tiny"}}``;
    - ``"soft_targets"``: ``{key: {"label": str, "spec": {SoftTargetSpec fields}}}``;
    - ``"layers"``: ``{key: {"label": str, "seeds": [int, ...], "spec": {LayerExperimentSpec fields}}}``: the spec
      fields (e.g. ``"teacher"``: a model folder, ``"epochs"``) replace the page's, the experiment stays the one chosen;
    - ``"tradeoffs"``: ``{"catalog": [{Arch fields}, ...], "measure": {MeasureConfig fields}}``: the models measured
      instead of BERT-base and friends;
    - ``"digits"``: ``{"spec": {DigitsSpec fields}}``: the recipe of the Hinton page's live run.

    A ``"teacher"`` is a local model folder (or a hub id), as the teacher field of the pages accepts.
    """
    import json

    path = os.environ.get("DISTILL_LAB_EXTRA_PRESETS", "").strip()
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict):
            raise ValueError("the top level is not a JSON object")
    except (OSError, ValueError) as exc:
        st.warning(f"Extra presets from {path} are ignored: {exc}")
        return None
    return data.get(section)


@st.cache_resource(show_spinner=False)
def _runner(home: str):
    from distill_core.jobs import JobRunner
    from distill_core.runs import RunStore

    workers = int(os.environ.get("DISTILL_LAB_WORKERS", "1") or 1)
    max_queue = int(os.environ.get("DISTILL_LAB_MAX_QUEUE", "32") or 32)
    from distill_core.job_process import keep_spare

    runner = JobRunner(RunStore(home), workers=workers, max_queue=max_queue, isolation="process")
    keep_spare()  # a training child with torch and transformers imported, so a run's first step comes sooner
    return runner


def runner():
    """The shared JobRunner, or None after showing why it cannot start (e.g. an unwritable home)."""
    from distill_core.paths import home_dir

    try:
        return _runner(str(home_dir()))
    except DistillError as exc:
        st.error(f"Runs cannot be saved: {exc}")
        return None


def follow_job(job, run_id: int, key: str, on_finished) -> None:
    """A queued / running job's live view (progress, Cancel, results so far, refreshed every second
    in a fragment), then ``on_finished(state)`` once it has finished, or why it stopped."""
    import pandas as pd

    state = job.status(run_id)

    def live() -> None:
        s = job.status(run_id)
        if s.status not in ("queued", "running"):
            st.rerun()
        if s.status == "queued":
            st.info(f"Queued: position {s.position or '?'}.")
        else:
            st.progress(min(max(s.fraction, 0.0), 1.0), text=f"{s.message} · {100 * s.fraction:.0f}%")
        if st.button("Cancel", key=f"{key}_cancel_{run_id}"):
            from pages._ui.session import cancel

            cancel(job, run_id)  # as this session: only the run's owner or the instructor may stop it
        if s.results:
            st.dataframe(pd.DataFrame(s.results)[["phase", "accuracy", "macro_f1", "agreement"]], hide_index=True, width="stretch")

    if state is None:
        st.warning(f"There is no run {run_id}.")
    elif state.status in ("queued", "running"):
        from pages._ui.guard import guarded  # a fragment's reruns skip app.py's boundary

        st.fragment(guarded(live), run_every=1.0)()
    elif state.status == "finished" and state.report:
        st.success(f"Run {state.public_id or ''} finished on this machine.")
        on_finished(state)
    else:
        from pages._ui.guard import plain

        st.warning(f"Run {state.public_id or ''} {state.status}: {plain(state.error)}")  # the error may quote user text


def preparing_enabled() -> bool:
    """Whether the app prepares the sample tasks' teachers at start (DISTILL_LAB_PREPARE=0 turns it off; the tests do)."""
    return os.environ.get("DISTILL_LAB_PREPARE", "1").strip().lower() not in ("0", "false", "no", "off")


@st.cache_resource(show_spinner=False)
def _preparation(home: str):
    from distill_core.prepare import Background

    return Background(_runner(home)).start()


def start_preparation():
    """The server's background preparation of the sample tasks' teachers (distill_core.prepare.Background), started
    by the first script run of this server (app.py calls this on every run; later calls return the same one).
    None when it is turned off or runs cannot be saved (the pages that run jobs say why)."""
    import multiprocessing

    # A job's child process runs app.py again (spawn re-imports the script Streamlit ran as __main__, before its
    # parent_process() is set, but under the child's name): never prepare there, its jobs could not start anyway.
    if not preparing_enabled() or multiprocessing.current_process().name != "MainProcess":
        return None
    from distill_core.paths import home_dir

    try:
        return _preparation(str(home_dir()))
    except DistillError:
        return None
