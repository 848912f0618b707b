"""The disk quota and purge (distill_core/disk.py), and locked mode enforced by the engine (distill_core/policy.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from distill_core import disk
from distill_core.errors import DistillError

DAY = 86400.0


def _blob(path: Path, size: int, age_s: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    when = time.time() - age_s
    os.utime(path, (when, when))
    folder = path.parent
    while folder.parent.name not in ("teachers", "runs", "home") and folder.name not in ("logits", "uploads"):
        os.utime(folder, (when, when))  # the folders inside an entry
        folder = folder.parent
    if folder.name not in ("logits", "uploads"):
        os.utime(folder, (when, when))  # the entry's own folder
    return path


@pytest.fixture
def home(lab_home):
    """Old teacher a, recent teacher b, pinned old teacher p, finished old run 1, running old run 2 reading an upload."""
    from distill_core.runs import RunStore

    store = RunStore(lab_home)
    finished = store.create("distill", "sentiment", {"task": "sentiment"})
    store.finish(finished, {"ok": True})
    upload = lab_home / "uploads" / "abc.csv"
    running = store.create("distill", "abc", {"task": None, "data_file": str(upload)})
    store.start(running)
    _blob(lab_home / "teachers" / "a" / "model.safetensors", 4000, 9 * DAY)
    _blob(lab_home / "teachers" / "b" / "model.safetensors", 4000, 2 * DAY)
    _blob(lab_home / "teachers" / "p" / "model.safetensors", 4000, 30 * DAY)
    (lab_home / "teachers" / "p" / disk.PIN).touch()
    _blob(lab_home / "logits" / "l.npy", 1000, 8 * DAY)
    _blob(lab_home / "runs" / str(finished) / "student" / "model.safetensors", 3000, 10 * DAY)
    _blob(lab_home / "runs" / str(running) / "student" / "model.safetensors", 3000, 10 * DAY)
    _blob(upload, 500, 20 * DAY)
    _blob(lab_home / "uploads" / "unused.csv", 500, 20 * DAY)
    _blob(lab_home / "teachers" / "fresh" / "model.safetensors", 4000, 10)  # just written: a run may be reading it
    return lab_home, finished, running


def _names(entries) -> set[str]:
    return {f"{e.path.parent.name}/{e.path.name}" for e in entries}


def test_purge_older_than_spares_running_pinned_recent_and_in_use(home):
    lab_home, finished, running = home
    removed = disk.purge(lab_home, older_than_s=7 * DAY)
    assert _names(removed) == {"teachers/a", "logits/l.npy", f"runs/{finished}", "uploads/unused.csv"}
    for gone in ("teachers/a", f"runs/{finished}", "uploads/unused.csv"):
        assert not (lab_home / gone).exists()
    for kept in ("teachers/b", "teachers/p", f"runs/{running}", "uploads/abc.csv", "teachers/fresh", "runs.sqlite"):
        assert (lab_home / kept).exists(), kept


def test_dry_run_removes_nothing(home):
    lab_home, _, _ = home
    files = lambda: sorted(p for p in lab_home.rglob("*") if "runs.sqlite" not in p.name)
    before = files()
    assert disk.purge(lab_home, dry_run=True)
    assert files() == before


def test_quota_evicts_least_recently_used_first_and_a_hit_counts_as_use(home):
    lab_home, finished, _ = home
    disk.touch(lab_home / "runs" / str(finished))  # just used: now the newest of the evictable entries
    os.utime(lab_home / "runs" / str(finished), (time.time() - 700, time.time() - 700))  # past the grace period
    quota = disk.usage(lab_home) - 1  # one byte over: the oldest evictable entry must go, and only it
    removed = disk.enforce_quota(lab_home, quota=quota)
    assert [e.path.name for e in removed] == ["unused.csv"]  # 20 days (the pinned 30-day teacher stays)
    assert disk.enforce_quota(lab_home, quota=10**12) == []  # under the quota: nothing
    everything = disk.enforce_quota(lab_home, quota=0)
    assert _names(everything) == {"teachers/a", "teachers/b", "logits/l.npy", f"runs/{finished}"}


def test_quota_setting(monkeypatch):
    monkeypatch.setenv("DISTILL_LAB_QUOTA_GB", "0.5")
    assert disk.quota_bytes() == 500_000_000
    monkeypatch.setenv("DISTILL_LAB_QUOTA_GB", "lots")
    assert disk.quota_bytes() == 5_000_000_000
    assert disk.parse_age("7d") == 7 * DAY and disk.parse_age("12h") == 12 * 3600 and disk.parse_age("3") == 3 * DAY
    with pytest.raises(ValueError):
        disk.parse_age("-1d")


def test_purge_command(home, capsys):
    from distill_core.__main__ import main

    lab_home, finished, _ = home
    assert main(["purge", "--older-than", "7d", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would remove 4 entries" in out and (lab_home / "teachers" / "a").exists()
    assert main(["purge", "--older-than", "7d"]) == 0
    assert "removed 4 entries" in capsys.readouterr().out and not (lab_home / "teachers" / "a").exists()
    assert main(["purge", "--older-than", "soon"]) == 2


# ------------------------------------------------------------------ locked mode, in the engine


@pytest.fixture
def locked(monkeypatch, lab_home):
    monkeypatch.setenv("DISTILL_LAB_LOCKED", "1")
    return lab_home


def test_flags_default_from_the_lock_and_the_lock_wins(monkeypatch):
    from distill_core.policy import allowed

    monkeypatch.delenv("DISTILL_LAB_LOCKED", raising=False)
    assert allowed(None) and allowed(True) and not allowed(False)
    monkeypatch.setenv("DISTILL_LAB_LOCKED", "1")
    assert not allowed(None) and not allowed(True)


def test_locked_refuses_hub_ids_and_server_folders(locked, tiny_model):
    from distill_core import models as M

    with pytest.raises(DistillError, match="hub models are turned off"):
        M.check_source("bert-base-uncased")
    with pytest.raises(DistillError, match="hub models are turned off"):
        M.load_teacher("bert-base-uncased", allow_hub=True)  # an explicit True does not lift the lock
    with pytest.raises(DistillError, match="local model folders are turned off"):
        M.check_source(tiny_model)
    assert M.check_source(M.BUNDLED)  # the bundled teacher stays


def test_a_cached_hub_teacher_is_refused_when_locked(locked):
    from distill_core.data import load_sample_task
    from distill_core.teacher import TeacherConfig, get_teacher, teacher_folder

    task = load_sample_task("sentiment")
    cfg = TeacherConfig.for_task("sentiment", "someone/some-bert")
    folder = teacher_folder(task, cfg)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")  # a cache hit, made before the lock
    with pytest.raises(DistillError, match="hub models are turned off"):
        get_teacher(task, cfg)


def test_locked_data_files_come_from_uploads_only(locked, tmp_path):
    from distill_core.data import load_task
    from distill_core.paths import uploads_dir
    from distill_core.policy import confine_data_file

    outside = tmp_path / "secret.csv"
    outside.write_text("text,label\nhello,a\n")
    uploads = uploads_dir()
    uploads.mkdir(parents=True, exist_ok=True)
    inside = uploads / "ok.csv"
    inside.write_text("text,label\nhello,a\n")
    (uploads / "link.csv").symlink_to(outside)
    assert confine_data_file(inside) == inside.resolve()
    for bad in (outside, uploads / ".." / ".." / outside.name, uploads / "link.csv", uploads, "/etc/passwd"):
        with pytest.raises(DistillError, match="uploads only"):
            confine_data_file(bad)
    with pytest.raises(DistillError, match="uploads only"):
        load_task(data_file=str(outside))


def test_unlocked_data_files_are_read_anywhere(monkeypatch, tmp_path):
    from distill_core.policy import confine_data_file

    monkeypatch.delenv("DISTILL_LAB_LOCKED", raising=False)
    outside = tmp_path / "mine.csv"
    outside.write_text("x")
    assert confine_data_file(outside) == outside.resolve()


def test_locked_hides_error_details_in_the_browser(locked):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    before = st.get_option("client.showErrorDetails")
    try:
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60).run()
        assert not at.exception
        assert st.get_option("client.showErrorDetails") == "none"  # no message, type or traceback reaches the page
    finally:
        st.set_option("client.showErrorDetails", before)  # the option is process-wide: the other tests keep theirs
