"""Time to a fully drawn page: the app's pages against a bare Streamlit page, side by side, in one run.

    python bench/app_latency.py [--runs 5]

Starts two servers on free ports: a bare page (``st.write("hi")``, written to a temp file) and the
app. Opens each page ``--runs`` times, each in a fresh browser context (headless Chromium at
/usr/bin/chromium), and times from navigation until the script is idle and the page's last
expected element is drawn. Prints the medians and the ratios to the bare page, which is the part
that carries over between machines. One untimed visit per page first, so imports are not counted.
Not a test.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = ".js-plotly-plot"

# name -> (server, path, last element to wait for, Plotly charts that must be drawn)
TARGETS = {
    "bare": ("bare", "/", '[data-testid="stMarkdown"]', 0),
    "home": ("app", "/", '[data-testid="stPageLink"]', 1),
    "temperature": ("app", "/temperature", "text=Play through T", 3),
    "loss": ("app", "/loss", "text=On this batch of", 3),
    "distill": ("app", "/distill", 'button:has-text("Run")', 0),
    "soft_targets": ("app", "/soft_targets", 'button:has-text("Run the experiment")', 3),
    "tradeoffs": ("app", "/tradeoffs", 'text="Where the reference runs come from"', 4),
    "layers": ("app", "/layers", 'button:has-text("Run the experiment")', 8),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(script: Path, env: dict, log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=script.parent, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit for {script} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"streamlit for {script} did not become healthy")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the group started above, nothing else
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def time_visit(browser, url: str, last: str, charts: int) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(APP_READY)
    page.locator(last).last.wait_for(state="visible")
    if charts:
        page.wait_for_function(f"document.querySelectorAll('{CHART}').length >= {charts}")
    page.wait_for_selector(APP_READY)
    elapsed = time.perf_counter() - start
    errors = page.locator('[data-testid="stException"]').count()
    context.close()
    if errors:
        raise SystemExit(f"{url} shows an exception")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="timed visits per page (default 5)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs Chromium at {CHROMIUM}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        bare_dir = tmp_path / "bare"
        bare_dir.mkdir()
        (bare_dir / "bare.py").write_text('import streamlit as st\n\nst.write("hi")\n')
        env = {**os.environ, "DISTILL_LAB_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1",
               "DISTILL_LAB_PREPARE": "0"}  # no teacher fine-tuning in the background while pages are timed
        servers = {}
        with open(tmp_path / "servers.log", "wb") as log:
            try:
                servers["bare"] = serve(bare_dir / "bare.py", env, log)
                servers["app"] = serve(ROOT / "app.py", env, log)
                times: dict[str, list[float]] = {}
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                    for name, (server, path, last, charts) in TARGETS.items():
                        url = servers[server][1] + path
                        time_visit(browser, url, last, charts)  # untimed: imports, caches
                        times[name] = [time_visit(browser, url, last, charts) for _ in range(args.runs)]
                    browser.close()
            finally:
                for process, _ in servers.values():
                    stop(process)

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"time to a fully drawn page, median of {args.runs} fresh browser contexts (seconds)")
    for name, values in times.items():
        spread = f"min {min(values):.3f}  max {max(values):.3f}"
        print(f"  {name:<12} {medians[name]:7.3f}   ({spread})")
    for name in [n for n in TARGETS if n != "bare"]:
        print(f"ratio {name}/bare: {medians[name] / medians['bare']:.2f}")


if __name__ == "__main__":
    main()
