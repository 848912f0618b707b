"""Shared test set-up: a throwaway DISTILL_LAB_HOME, a tiny model folder and the presets that use it, a toy table."""

import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Before anything imports the engine: never touch the user's real run store.
os.environ["DISTILL_LAB_HOME"] = tempfile.mkdtemp(prefix="distill-lab-tests-")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The app prepares the sample tasks' teachers at start (minutes of fine-tuning): not in tests, unless one opts in.
os.environ.setdefault("DISTILL_LAB_PREPARE", "0")
# No spare training child in the tests' processes: a spare still importing torch and transformers would delay the
# tests' seconds-long jobs past their time limits. tests/test_jobs.py turns it on where it tests it.
os.environ.setdefault("DISTILL_LAB_SPARE_CHILD", "0")


def tiny_bert_config(num_labels: int = 3, layers: int = 2, hidden: int = 32, heads: int = 2):
    """A BERT config small enough to train in milliseconds, with the bundled tokenizer's vocabulary."""
    import transformers

    return transformers.BertConfig(
        vocab_size=30522,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=hidden * 4,
        max_position_embeddings=512,
        num_labels=num_labels,
        hidden_act="gelu",
    )


def tiny_model_dir() -> str:
    """A local model folder: a random 2-layer BERT (hidden 32, 2 heads) with the bundled teacher's tokenizer.

    Passed wherever a teacher source goes; it trains in seconds. Written once per test process (the
    environment remembers it, as ``tests.conftest`` can be imported a second time besides pytest's own).
    """
    folder = os.environ.get("DISTILL_LAB_TEST_TINY_MODEL", "")
    if folder and Path(folder, "config.json").exists():
        return folder
    import torch

    from distill_core.models import _quiet_transformers, load_tokenizer

    transformers = _quiet_transformers()
    folder = tempfile.mkdtemp(prefix="distill-lab-tiny-model-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    torch.manual_seed(0)
    transformers.BertModel(tiny_bert_config()).save_pretrained(folder, safe_serialization=True)  # the head is the task's
    load_tokenizer().save_pretrained(folder)  # the bundled teacher's
    os.environ["DISTILL_LAB_TEST_TINY_MODEL"] = folder
    return folder


@pytest.fixture(scope="session")
def tiny_model() -> str:
    return tiny_model_dir()


def tradeoffs_extra_presets() -> dict:
    """The trade-offs page's presets entry for tests: shapes small enough to build and time in well under a
    second each, measured with a few short rounds."""
    tiny = {"vocab": 30522, "hidden": 32, "heads": 2, "intermediate": 128, "num_labels": 3, "note": "tests"}
    return {
        "catalog": [
            {"key": "tiny-bert", "name": "Tiny BERT", "kind": "bert", "layers": 2, **tiny},
            {"key": "tiny-distilbert", "name": "Tiny DistilBERT", "kind": "distilbert", "layers": 1, **tiny},
            {"key": "tiny-student", "name": "Tiny student, 1 layer", "kind": "bert", "layers": 1, **tiny},
        ],
        "measure": {"seq_len": 16, "batch_size": 4, "iterations": 2, "batch_iterations": 1, "warmup": 1},
    }


def extra_presets_file() -> str:
    """The DISTILL_LAB_EXTRA_PRESETS file of the tests: the pages' seconds-long "Tiny model (tests)" presets."""
    tiny = tiny_model_dir()
    path = Path(tiny) / "extra_presets.json"
    if path.exists():
        return str(path)
    presets = {
        "distill": {"tiny": {"label": "Tiny model (tests)", "seeds": 1, "epochs": 1, "transfer_size": 20, "max_train": 60,
                             "teacher_epochs": 1, "teacher": tiny, "blurb": "random 2-layer BERT, seconds"}},
        "soft_targets": {"tiny": {"label": "Tiny model (tests)", "spec": {
            "teacher": tiny, "teacher_epochs": 1, "seeds": [0], "temperatures": [2.0], "epochs": 1,
            "transfer_size": 64, "low_data_per_class": 2, "max_length": 16}}},
        "layers": {"tiny": {"label": "Tiny model (tests)", "seeds": [0], "spec": {
            "teacher": tiny, "teacher_epochs": 1, "epochs": 1, "max_train": 48, "transfer_size": 16, "max_length": 16,
            "general_size": 64, "cka_rows": 24}}},
        "tradeoffs": tradeoffs_extra_presets(),
    }
    path.write_text(json.dumps(presets, indent=1), encoding="utf-8")
    return str(path)


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

    monkeypatch.setenv("DISTILL_LAB_EXTRA_PRESETS", extra_presets_file())
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
