"""One process vs two (DDP on gloo) on the sentiment task, the same run otherwise (issue 18).

    DISTILL_LAB_HOME=... python bench/distributed_sentiment.py [--seeds 2] [--preset quick]

Runs the CLI twice, side by side in one sitting: plain (one process, 2 torch threads), then under
``accelerate launch --multi_gpu --num_processes 2`` (one torch thread each; on a machine without a GPU the
engine asks accelerate for the CPU, so the processes join a gloo group). The teacher and its logits come from the
cache in both. On 2 cores expect no speed-up: the point is that the two-process run trains the same students, its
accuracies within the seed spread of the one-process run (experiments.base.against_spread, the app's one rule).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from distill_core.experiments.base import against_spread, display_name, spread  # noqa: E402

WORDS = {0: "within", 1: "above", -1: "below"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(label: str, launcher: list[str], threads: int, args: list[str], out: Path) -> tuple[float, dict]:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), DISTILL_LAB_DEVICE="cpu", DISTILL_LAB_TRAIN_THREADS=str(threads))
    start = time.perf_counter()
    done = subprocess.run([*launcher, "-m", "distill_core", "distill", *args, "--json", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{label} failed:\n{done.stderr[-3000:]}")
    return wall, json.loads(out.read_text())


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--preset", default="quick")
    a = p.parse_args()
    args = ["--preset", a.preset, "--seeds", str(a.seeds), "--no-latency", "--no-store"]
    accelerate = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
                  "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port", str(_port())]
    with tempfile.TemporaryDirectory() as tmp:
        # a first, unmeasured call caches the teacher and its logits, so both measured runs start from the same cache
        run("warm-up", [sys.executable], 2, ["--preset", a.preset, "--seeds", "1", "--epochs", "1", "--no-latency",
                                              "--no-store"], Path(tmp) / "w.json")
        one = run("1 process", [sys.executable], 2, args, Path(tmp) / "one.json")
        two = run("2 processes", accelerate, 1, args, Path(tmp) / "two.json")
    print(f"sentiment, preset {a.preset}, {a.seeds} seeds, no latency; teacher and logits cached")
    print(f"{'model':28s} {'1 process':>16s} {'2 processes':>16s} {'diff':>7s}  vs the seed spread")
    for key in one[1]["results"]:
        accs = [[m["accuracy"] for m in r[1]["results"][key]["per_seed"]] for r in (one, two)]
        mean = [sum(x) / len(x) for x in accs]
        std = [(sum((v - m) ** 2 for v in x) / (len(x) - 1)) ** 0.5 if len(x) > 1 else 0.0 for x, m in zip(accs, mean)]
        diff = mean[1] - mean[0]
        cells = [f"{100 * m:5.1f} +- {100 * s:4.1f}" for m, s in zip(mean, std)]
        print(f"{display_name(key):28s} {cells[0]:>16s} {cells[1]:>16s} {100 * diff:+7.1f}  "
              f"{WORDS[against_spread(diff, *std)]} ({100 * spread(*std):.1f})")
    print(f"{'wall time (s)':28s} {one[0]:16.0f} {two[0]:16.0f} {two[0] / one[0]:6.2f}x")


if __name__ == "__main__":
    main()
