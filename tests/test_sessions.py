"""Sessions in AppTest: a private run is its owner's alone (by link, in the list), the instructor sees all,
shared sample-task runs are read-only to others, and the admin token leaves the link at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_hostile_params import open_page

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
OWNER_A, OWNER_B = "A" * 32, "B" * 32
NO_SUCH_RUN = "no such run on this server"


def open_distill(query: dict | None = None, owner: str | None = None) -> AppTest:
    # the owner token is what the cookie gives a browser
    at = open_page("pages/distill.py", query or {}, {"session_owner_token": owner} if owner else None)
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def runs(lab_home):
    """A private failed run of A on an upload, and a shared failed run of A on a sample task."""
    from distill_core.runs import RunStore

    store = RunStore(lab_home)
    # on the page's default task, so the page's history (filtered by task) would list it if visibility failed
    private = store.create("distill", "sentiment", {"task": None, "data_file": "/x/uploads/abc.csv"}, owner=OWNER_A)
    store.fail(private, "stopped: [a link](https://evil.example) **bold**")
    shared = store.create("distill", "sentiment", {"task": "sentiment"}, owner=OWNER_A)
    store.fail(shared, "stopped")
    return store, store.get(private), store.get(shared)


def _history(at: AppTest) -> list:
    frames = [d.value for d in at.dataframe if "status" in getattr(d.value, "columns", [])]
    return list(frames[-1]["run"]) if frames else []


def test_a_private_run_opens_for_its_owner_only(runs):
    store, private, shared = runs
    mine = open_distill({"run": private.public_id}, owner=OWNER_A)
    assert any(h.value == f"Run {private.public_id}: failed" for h in mine.subheader)
    assert private.public_id in _history(mine) and shared.public_id in _history(mine)
    theirs = open_distill({"run": private.public_id}, owner=OWNER_B)
    assert any(NO_SUCH_RUN in w.value for w in theirs.warning), [w.value for w in theirs.warning]
    assert not any(str(private.id) in h.value for h in theirs.subheader)
    assert private.public_id not in _history(theirs) and shared.public_id in _history(theirs)  # sample-task runs are shared


def test_a_run_error_renders_as_plain_text(runs):
    _, private, _ = runs
    at = open_distill({"run": private.public_id}, owner=OWNER_A)
    error = [e.value for e in at.error]
    assert len(error) == 1 and "https:\\/\\/" in error[0] and "\\[a link\\]" in error[0] and "\\*\\*bold\\*\\*" in error[0]  # no link, no bold


def test_the_instructor_sees_every_run_and_the_token_leaves_the_link(runs, monkeypatch):
    _, private, _ = runs
    monkeypatch.setenv("DISTILL_LAB_ADMIN_TOKEN", "s3cret-token")
    home = AppTest.from_file(APP, default_timeout=90)
    home.query_params["admin"] = "guess"
    home.run()  # the sign-in is read on whichever page the link opens
    assert "admin" not in home.query_params
    assert any("not the one this server was started with" in w.value for w in home.warning)
    wrong = open_distill({"admin": "guess", "run": private.public_id}, owner=OWNER_B)
    assert "admin" not in wrong.query_params and any(NO_SUCH_RUN in w.value for w in wrong.warning)
    right = open_distill({"admin": "s3cret-token", "run": private.public_id}, owner=OWNER_B)
    assert "admin" not in right.query_params
    assert any(h.value == f"Run {private.public_id}: failed" for h in right.subheader)
    assert private.public_id in _history(right)


def test_no_admin_token_configured_means_no_instructor(runs, monkeypatch):
    _, private, _ = runs
    monkeypatch.delenv("DISTILL_LAB_ADMIN_TOKEN", raising=False)
    at = open_distill({"admin": "", "run": private.public_id}, owner=OWNER_B)
    assert any(NO_SUCH_RUN in w.value for w in at.warning)


def test_cancel_is_refused_to_others(lab_home):
    """The runner itself refuses a cancel from anyone but the owner or the instructor (pages pass who asks)."""
    import threading

    from distill_core.jobs import JobRunner
    from distill_core.runs import RunStore

    started, release = threading.Event(), threading.Event()

    def slow(spec, on_event=None, cancel=None, **_):
        started.set()
        release.wait(10)
        return {"ok": True}

    runner = JobRunner(RunStore(lab_home), run_fn=slow, isolation="thread")
    try:
        run_id = runner.submit({"task": None, "data_file": "x.csv"}, owner=OWNER_A)
        assert started.wait(10)
        assert not runner.cancel(run_id, owner=OWNER_B)
        assert runner.cancel(run_id, owner=OWNER_A)
    finally:
        release.set()
        runner.shutdown()
