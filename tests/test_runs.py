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
