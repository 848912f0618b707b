"""Real-browser fixtures: the app served by `streamlit run`, and headless Chromium driven by Playwright.

Uses the system Chromium at /usr/bin/chromium (never `playwright install`); every test here is
skipped, with the reason, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SERVER_START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(script: Path, port: int, env: dict, log_path: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """`streamlit run` in its own process group (so stopping it stops its children too)."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = open(log_path, "wb")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(process: subprocess.Popen, port: int, log_path: Path, timeout_s: float = SERVER_START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"streamlit did not answer {url} within {timeout_s} s:\n{log_path.read_text()[-3000:]}")


def stop_streamlit(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the group we created for this server, nothing else
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _playwright_or_skip():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"real-browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("real-browser tests need Playwright for Python (pip install playwright)")
    return sync_playwright


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> str:
    """The whole app, served once for the session; DISTILL_LAB_HOME points at a scratch folder."""
    _playwright_or_skip()
    home = tmp_path_factory.mktemp("distill_lab_home")
    env = {**os.environ, "DISTILL_LAB_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    from tests.conftest import extra_presets_file

    env.setdefault("DISTILL_LAB_EXTRA_PRESETS", extra_presets_file())  # the pages' seconds-long tiny presets
    port = free_port()
    log_path = home / "streamlit.log"
    process = start_streamlit(ROOT / "app.py", port, env, log_path)
    try:
        wait_healthy(process, port, log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_streamlit(process)


@pytest.fixture(scope="session")
def browser():
    sync_playwright = _playwright_or_skip()
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # a Chromium that cannot start here: skip, don't error every test
        playwright.stop()
        pytest.skip(f"Chromium at {CHROMIUM} did not start: {exc}")
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh browser context per test: no cookies, session or URL state shared between tests."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def wait_rendered(page, last_selector: str | None = None) -> None:
    """Streamlit streams elements in: wait for the script to finish and for the last element expected."""
    page.wait_for_selector(APP_READY, timeout=PAGE_TIMEOUT_MS)
    if last_selector:
        page.locator(last_selector).last.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_selector(APP_READY, timeout=PAGE_TIMEOUT_MS)


def _open_page(page, url: str, last_selector: str | None = None):
    """Go to url and return once the page is fully drawn (script idle, last expected element visible)."""
    page.goto(url)
    wait_rendered(page, last_selector)
    return page


@pytest.fixture
def open_page():
    """The helper ``open_page(page, url, last_selector=None)``, as a fixture so tests need no import."""
    return _open_page
