"""Faults, as a user meets them: the app killed mid-run and restarted; two tabs on one run."""

from __future__ import annotations

import os
import re
import signal
import time

from distill_core.runs import RunStore
from tests.conftest import extra_presets_file
from tests.e2e.conftest import ROOT, free_port, start_streamlit, stop_streamlit, wait_healthy

APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _serve(home, log_name):
    env = {**os.environ, "DISTILL_LAB_HOME": str(home), "HF_HUB_OFFLINE": "1", "DISTILL_LAB_EXTRA_PRESETS": extra_presets_file()}
    port = free_port()
    log = home / log_name
    process = start_streamlit(ROOT / "app.py", port, env, log)
    wait_healthy(process, port, log)
    return process, f"http://127.0.0.1:{port}"


def _press_run(page, url):
    page.goto(f"{url}/distill")
    page.wait_for_selector(APP_READY)
    page.get_by_role("radio", name="Tiny model (tests)").click()
    page.get_by_text("random 2-layer BERT, seconds").wait_for()  # the rerun with the preset is drawn
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("heading", name=re.compile(r"^Run [A-Za-z0-9_-]{16}")).first.wait_for()


def test_killed_app_marks_the_run_interrupted_and_keeps_finished_runs(browser, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    store = RunStore(home)
    finished = store.create("distill", "sentiment", {"task": "sentiment"}, owner="cli:1")
    store.finish(finished, {"accuracy": 0.9})
    process, url = _serve(home, "first.log")
    context = browser.new_context()
    page = context.new_page()
    try:
        _press_run(page, url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(r.status == "running" for r in store.list()):
            time.sleep(0.2)
        running = [r for r in store.list() if r.status == "running"]
        assert running, [(r.id, r.status) for r in store.list()]
        os.killpg(process.pid, signal.SIGKILL)  # the app dies mid-run: no clean-up code runs
        process.wait(timeout=10)
        process, url = _serve(home, "second.log")
        page.goto(f"{url}/distill?run={running[0].public_id}")  # the link the first server put in the URL
        page.wait_for_selector(APP_READY)
        # the run's own view says so in its heading and status line, not only in the past-runs grid (a canvas)
        page.get_by_role("heading", name=f"Run {running[0].public_id}: interrupted").wait_for(timeout=60_000)
        page.get_by_text("the app stopped before this run finished").wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert RunStore(home).get(running[0].id).status == "interrupted"
        assert RunStore(home).get(finished).status == "finished" and RunStore(home).get(finished).metrics == {"accuracy": 0.9}
    finally:
        context.close()
        stop_streamlit(process)


def test_two_tabs_follow_the_same_run(browser, app_url):
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    try:
        _press_run(first, app_url)
        first.wait_for_function("location.search.includes('run=')", timeout=60_000)
        second.goto(first.url)  # the shared link, in another tab
        for tab in (first, second):
            tab.get_by_role("heading", name=re.compile(r"Run [A-Za-z0-9_-]{16}: results")).wait_for(timeout=240_000)
        run = first.url.split("run=")[1].split("&")[0]
        for tab in (first, second):
            assert f"Run {run}: results" in tab.inner_text("body")
            assert tab.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
