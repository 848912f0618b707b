"""Wall time of each live-distillation preset on this machine, pressed in a real browser.

    python bench/preset_wall_times.py [--presets quick workshop thorough] [--home DIR] [--shots DIR]

Starts the app, opens the live distillation page in headless Chromium and, for each preset in
turn, reads the page's own time estimate, presses Run, takes a screenshot while the run is in
progress and another of the results, and prints the run's wall time (from the run store) with its
ratio to the estimate, the time from pressing Run to the first loss curve on the page, and to the
results drawn. ``--home`` reuses a DISTILL_LAB_HOME whose teachers are already fine-tuned
(otherwise the first preset also fine-tunes the teacher, and says so). Not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app_latency import APP_READY, CHROMIUM, CHROMIUM_ARGS, ROOT, serve, stop  # noqa: E402
from concurrent_sessions import LABELS  # noqa: E402

ESTIMATE = re.compile(r"Estimated time on this machine: about ((?:\d+ min )?\d+ s|\d+ min)")


def seconds(text: str) -> float:
    m = re.match(r"(?:(\d+) min)?\s*(?:(\d+) s)?", text.strip())
    return 60 * int(m.group(1) or 0) + int(m.group(2) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", nargs="+", default=["quick", "workshop", "thorough"], choices=list(LABELS))
    parser.add_argument("--home", default=None, help="DISTILL_LAB_HOME to use (default: a fresh temporary folder)")
    parser.add_argument("--shots", default=None, help="folder for the screenshots (default: a temporary folder)")
    parser.add_argument("--shot-after", type=float, default=20.0, help="seconds into a run for the in-progress screenshot")
    args = parser.parse_args()

    from distill_core.runs import RunStore

    tmp = Path(tempfile.mkdtemp(prefix="distill-presets-"))
    home = Path(args.home or tmp / "home")
    shots = Path(args.shots or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DISTILL_LAB_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    if "tiny" in args.presets:
        from tests.conftest import extra_presets_file  # the tests' tiny model folder and the presets that use it

        env["DISTILL_LAB_EXTRA_PRESETS"] = extra_presets_file()
    rows = []
    with open(tmp / "server.log", "wb") as log:
        process, url = serve(ROOT / "app.py", env, log)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(120_000)
                for preset in args.presets:
                    page.goto(url + "/distill")
                    page.wait_for_selector(APP_READY)
                    page.get_by_role("radio", name=LABELS[preset]).click()
                    page.get_by_text(f"{LABELS[preset]}:", exact=False).first.wait_for()
                    page.wait_for_selector(APP_READY)
                    found = ESTIMATE.search(page.inner_text("body"))
                    estimate = seconds(found.group(1)) if found else float("nan")
                    pressed = time.perf_counter()
                    page.get_by_role("button", name="Run", exact=True).click()
                    page.locator(".gtitle", has_text="Training loss by phase").first.wait_for(timeout=600_000)
                    first_curve = time.perf_counter() - pressed
                    page.wait_for_timeout(max(0.0, 1000 * (args.shot_after - first_curve)))
                    page.screenshot(path=str(shots / f"{preset}-running.png"), full_page=True)
                    page.get_by_role("heading", name=re.compile(r"Run \S+: results")).wait_for(timeout=3_600_000)
                    page.wait_for_selector(APP_READY)
                    pressed_to_results = time.perf_counter() - pressed
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(shots / f"{preset}-results.png"), full_page=True)
                    run = max(RunStore(home).list(kind="distill"), key=lambda r: r.id)
                    acc = {k: 100 * sum(m["accuracy"] for m in v["per_seed"]) / len(v["per_seed"])
                           for k, v in (run.metrics or {}).get("results", {}).items()}
                    rows.append((preset, run.public_id, run.status, run.seconds, estimate, acc, (run.metrics or {}).get("teacher_cached"),
                                 first_curve, pressed_to_results))
                    time.sleep(2)
                browser.close()
        finally:
            stop(process)
    print(f"presets pressed in the browser, one after another (home {home}); screenshots in {shots}")
    for preset, run_id, status, wall, estimate, acc, cached, first_curve, to_results in rows:
        accs = ", ".join(f"{k} {v:.1f}%" for k, v in acc.items())
        print(f"  {LABELS[preset]:<20} run {run_id}: {status}, wall {wall:.0f} s (Run pressed to results drawn {to_results:.0f} s), "
              f"page estimate {estimate:.0f} s, wall / estimate {wall / estimate:.2f}; first loss curve drawn {first_curve:.1f} s after Run; "
              f"teacher {'from cache' if cached else 'fine-tuned in this run'}; {accs}")


if __name__ == "__main__":
    main()
