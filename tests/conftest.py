"""Shared test set-up: a throwaway DISTILL_LAB_HOME, tiny models, a toy table."""

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Before anything imports the engine: never touch the user's real run store.
os.environ["DISTILL_LAB_HOME"] = tempfile.mkdtemp(prefix="distill-lab-tests-")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def lab_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DISTILL_LAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def toy_rows(n: int = 120, seed: int = 0) -> list[tuple[str, str]]:
    """A trivially learnable two-class table: the label word is in the text."""
    import random

    rng = random.Random(seed)
    good, bad = ["great", "lovely", "superb", "excellent"], ["awful", "dreadful", "poor", "terrible"]
    rows = []
    for i in range(n):
        y = i % 2
        rows.append((f"item {i} was {rng.choice(good if y else bad)}", "pos" if y else "neg"))
    return rows


@pytest.fixture
def toy_csv(tmp_path) -> Path:
    import csv

    path = tmp_path / "toy.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["review", "stars"])
        w.writerows(toy_rows())
    return path


def open_app_page(monkeypatch, page: str, timeout: float = 120):
    """AppTest of app.py switched to ``page`` with the tiny test presets on; fails on any exception."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DISTILL_LAB_TEST_PRESETS", "1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def click_and_wait_finished(at, button_key: str, timeout: float = 300) -> None:
    """Press a page's Run button, rerun the AppTest until the job says it finished; fail on any exception."""
    import time

    at.button(key=button_key).click().run()
    assert not at.exception, [e.message for e in at.exception]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not any("finished on this machine" in s.value for s in at.success):
        time.sleep(1.0)
        at.run()
    assert any("finished on this machine" in s.value for s in at.success), [w.value for w in at.warning]
    assert not at.exception
