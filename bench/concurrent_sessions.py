"""Four sessions press Run at once on one app server: all finish, none is lost, pages stay responsive.

    python bench/concurrent_sessions.py [--sessions 4] [--preset quick] [--home DIR]

Starts the app on a free port, times the temperature page while the server is idle, then opens
``--sessions`` browser contexts on the live distillation page, each pressing Run on the preset.
While the jobs run (one at a time, queued in order), it times the temperature page again. It
waits for every run to finish, checks the run store, and prints the wall time of each run, the
queue it saw, and the temperature page's render time under load as a ratio to idle.
``--home`` reuses a DISTILL_LAB_HOME (a teacher fine-tuned by an earlier run is reused). Not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app_latency import APP_READY, CHROMIUM, CHROMIUM_ARGS, ROOT, TARGETS, serve, stop, time_visit  # noqa: E402

LABELS = {"quick": "Quick demo", "workshop": "Workshop", "thorough": "Thorough", "tiny": "Tiny model (tests)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--preset", default="quick", choices=list(LABELS))
    parser.add_argument("--home", default=None, help="DISTILL_LAB_HOME to use (default: a fresh temporary folder)")
    parser.add_argument("--samples", type=int, default=5, help="temperature-page visits, idle and under load")
    args = parser.parse_args()

    from distill_core.runs import RunStore

    tmp = tempfile.mkdtemp(prefix="distill-bench-")
    home = Path(args.home or Path(tmp) / "home")
    env = {**os.environ, "DISTILL_LAB_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    if args.preset == "tiny":
        from tests.conftest import extra_presets_file  # the tests' tiny model folder and the presets that use it

        env["DISTILL_LAB_EXTRA_PRESETS"] = extra_presets_file()
    _, temp_path, temp_last, temp_charts = TARGETS["temperature"]
    with open(Path(tmp) / "server.log", "wb") as log:
        process, url = serve(ROOT / "app.py", env, log)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                time_visit(browser, url + temp_path, temp_last, temp_charts)  # warm-up, untimed
                idle = [time_visit(browser, url + temp_path, temp_last, temp_charts) for _ in range(args.samples)]

                sessions = []
                for i in range(args.sessions):
                    context = browser.new_context(viewport={"width": 1400, "height": 900})
                    page = context.new_page()
                    page.set_default_timeout(120_000)
                    page.goto(url + "/distill")
                    page.wait_for_selector(APP_READY)
                    page.get_by_role("radio", name=LABELS[args.preset]).click()
                    page.wait_for_timeout(500)
                    page.wait_for_selector(APP_READY)
                    page.get_by_text(f"{LABELS[args.preset]}:", exact=False).first.wait_for()
                    sessions.append((context, page))
                started = time.perf_counter()
                for _, page in sessions:  # as close to "at once" as one driver gets
                    page.get_by_role("button", name="Run", exact=True).click()
                time.sleep(3)
                queue_seen = [page.inner_text("body").count("queued") > 0 for _, page in sessions]

                loaded = []
                store = RunStore(home)
                while len(loaded) < args.samples and any(r.status in ("queued", "running") for r in store.list(kind="distill")):
                    loaded.append(time_visit(browser, url + temp_path, temp_last, temp_charts))
                    time.sleep(2)

                deadline = time.monotonic() + 3600
                while time.monotonic() < deadline and any(r.status in ("queued", "running") for r in store.list(kind="distill")):
                    time.sleep(5)
                total = time.perf_counter() - started
                shown = []
                for _, page in sessions:
                    page.get_by_role("heading", name=re.compile(r"Run \d+: results")).wait_for(timeout=120_000)
                    shown.append("Student, distilled" in page.inner_text("body"))
                for context, _ in sessions:
                    context.close()
                browser.close()
        finally:
            stop(process)

    runs = sorted(RunStore(home).list(kind="distill"), key=lambda r: r.id)[-args.sessions:]
    print(f"{args.sessions} sessions pressed Run on '{LABELS[args.preset]}' at once; one worker runs them in order")
    for r in runs:
        print(f"  run {r.id}: {r.status:9s} wall {r.seconds:6.1f} s" + (f"  ({r.error})" if r.error else ""))
    finished = sum(r.status == "finished" for r in runs)
    print(f"finished {finished} of {args.sessions}; lost {args.sessions - len(runs)}; results drawn in {sum(shown)} of {len(shown)} sessions")
    print(f"sessions that saw a queue position right after pressing Run: {sum(queue_seen)}")
    print(f"all runs done after {total:.0f} s")
    if loaded:
        ratio = statistics.median(loaded) / statistics.median(idle)
        print(f"temperature page render: idle median {statistics.median(idle):.2f} s, under load {statistics.median(loaded):.2f} s"
              f" ({len(loaded)} visits); ratio under load / idle: {ratio:.2f}")


if __name__ == "__main__":
    main()
