import os
import sqlite3

import pytest

from distill_core.errors import DistillError
from distill_core.runs import RunStore


def test_run_lifecycle_survives_a_new_store(lab_home):
    store = RunStore(lab_home)
    run_id = store.create("distill", "sentiment", {"epochs": 2})
    assert store.get(run_id).status == "queued"
    store.start(run_id)
    store.set_progress(run_id, {"fraction": 0.5})
    store.finish(run_id, {"accuracy": 0.9}, artefacts="x")
    again = RunStore(lab_home).get(run_id)
    assert again.status == "finished" and again.metrics == {"accuracy": 0.9} and again.progress == {"fraction": 0.5}
    assert again.config == {"epochs": 2} and again.seconds >= 0


def test_unfinished_runs_are_marked_interrupted_and_finished_ones_kept(lab_home):
    store = RunStore(lab_home)
    done = store.create("distill", "t", {})
    store.finish(done, {"a": 1})
    running = store.create("distill", "t", {})
    store.start(running)
    queued = store.create("distill", "t", {})
    assert RunStore(lab_home).mark_interrupted() == 2
    assert store.get(running).status == "interrupted" and store.get(queued).status == "interrupted"
    assert store.get(done).status == "finished" and store.get(done).metrics == {"a": 1}
    assert [r.id for r in store.list(task="t")] == [queued, running, done]


def test_store_uses_wal_mode(lab_home):
    store = RunStore(lab_home)
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere; the path below is a file instead")
def test_unwritable_home_is_a_clear_error(tmp_path):
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    with pytest.raises(DistillError, match="DISTILL_LAB_HOME"):
        RunStore(home)


def test_home_that_is_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DistillError, match="DISTILL_LAB_HOME"):
        RunStore(blocker / "home")


_OLD_SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, task TEXT, status TEXT NOT NULL, config TEXT NOT NULL,
    metrics TEXT, progress TEXT, error TEXT, owner TEXT, created REAL NOT NULL, started REAL, ended REAL, artefacts TEXT
);
CREATE INDEX runs_task ON runs(task, created);
"""


def test_a_store_written_by_an_older_version_is_migrated_in_place(lab_home):
    lab_home.mkdir(parents=True)
    with sqlite3.connect(lab_home / "runs.sqlite") as db:
        db.executescript(_OLD_SCHEMA)
        insert = "INSERT INTO runs(kind, task, status, config, metrics, owner, created) VALUES (?,?,?,?,?,?,?)"
        db.execute(insert, ("distill", "sentiment", "finished", '{"task": "sentiment"}', '{"accuracy": 0.9}', "app:1", 1.0))
        db.execute(insert, ("distill", "mine", "running", '{"data_file": "/up/x.csv"}', None, "app:999999", 2.0))
    store = RunStore(lab_home)
    sample, private = store.get(1), store.get(2)
    assert sample.metrics == {"accuracy": 0.9} and sample.shared and not private.shared
    assert len({sample.public_id, private.public_id}) == 2 and all(len(r.public_id) == 16 for r in (sample, private))
    assert store.get_public(private.public_id).id == 2
    assert store.mark_interrupted() == 1 and store.get(2).status == "interrupted"  # the old "app:<pid>" owner still tells
    assert RunStore(lab_home).get(1).public_id == sample.public_id  # a second opening changes nothing
    new = store.create("distill", "sentiment", {"task": "sentiment"}, owner="tok")
    assert store.get(new).public_id not in (sample.public_id, private.public_id)


@pytest.mark.parametrize("garbage", [None, "", "1", "99999999999999999999", "²", "²" * 16, "a" * 17, "x" * 100_000,
                                     "' OR '1'='1' --xx", 12, 1.5, ["a"], "../../../etc/passwd"])
def test_a_lookup_by_public_id_never_raises(lab_home, garbage):
    store = RunStore(lab_home)
    store.create("distill", "sentiment", {"task": "sentiment"})
    assert store.get_public(garbage) is None and store.get_visible(garbage, "anyone", admin=True) is None


def test_a_restart_kills_a_training_child_left_behind_and_nothing_else(lab_home):
    import multiprocessing as mp
    import subprocess
    import time

    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that is surely not running: the server that died
    stale = mp.get_context("spawn").Process(target=time.sleep, args=(60,), daemon=True)
    stale.start()
    bystander = subprocess.Popen(["sleep", "60"])  # a live process that is not a training child
    try:
        store = RunStore(lab_home)
        left = store.create("distill", "t", {}, owner="alice", runner_pid=dead.pid)
        store.start(left)
        store.set_child(left, stale.pid)
        other = store.create("distill", "t", {}, owner="bob", runner_pid=dead.pid)
        store.set_child(other, bystander.pid)
        assert store.mark_interrupted() == 2
        stale.join(10)
        assert stale.exitcode == -9
        assert bystander.poll() is None  # not a training child: never touched
        assert store.get(left).status == "interrupted" and store.get(left).error == "the app stopped before this run finished"
    finally:
        bystander.kill()
        bystander.wait()
        if stale.is_alive():
            stale.kill()
        stale.join()
