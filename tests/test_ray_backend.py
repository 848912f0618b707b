"""The job runner's Ray backend (ray_backend.py) on a local Ray instance: two tiny jobs through the app's runner,
one finished (its student comes back into the run store), one cancelled while running; progress streams back."""

import time

import pytest

from distill_core.errors import DistillError
from distill_core.ray_backend import _pack, _unpack, job_resources
from tests.ray_jobs import slow_job  # by its package path: Ray workers import it from the repository root


def test_a_job_asks_for_a_gpu_only_when_its_device_wants_one_and_the_cluster_has_it():
    assert job_resources("auto", cluster_gpus=0, cpus=2) == {"num_cpus": 2, "num_gpus": 0}
    assert job_resources("auto", cluster_gpus=4, cpus=1) == {"num_cpus": 1, "num_gpus": 1}
    assert job_resources("cpu", cluster_gpus=4, cpus=1)["num_gpus"] == 0
    with pytest.raises(DistillError, match="the Ray cluster has none"):
        job_resources("cuda", cluster_gpus=0, cpus=1)


def test_artefacts_travel_as_bytes_and_stay_inside_their_folder(tmp_path):
    (tmp_path / "a" / "student").mkdir(parents=True)
    (tmp_path / "a" / "student" / "config.json").write_text("{}")
    files = _pack(tmp_path / "a")
    assert files == {"student/config.json": b"{}"}
    _unpack(files, tmp_path / "b")
    assert (tmp_path / "b" / "student" / "config.json").read_text() == "{}"
    with pytest.raises(DistillError, match="outside"):
        _unpack({"../escape.txt": b"x"}, tmp_path / "c")


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="ray is not installed (the Ray backend is optional)")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 * 1024**2,
             namespace="distill-lab-tests")
    yield ray
    ray.shutdown()


def test_two_jobs_on_ray_one_finished_one_cancelled(local_ray, tmp_path, toy_csv, tiny_model):
    from distill_core.experiments.specs import DistillSpec
    from distill_core.jobs import JobRunner
    from distill_core.runs import RunStore

    runner = JobRunner(RunStore(tmp_path / "home"), isolation="ray", workers=2)
    try:
        spec = DistillSpec(task=None, data_file=str(toy_csv), text_col="review", label_col="stars", teacher=tiny_model,
                           teacher_epochs=1, epochs=1, seeds=[0], latency=False, device="cpu")
        done_id = runner.submit(spec)
        slow_id = runner.submit({"task": "slow"}, kind="slow", run_fn=slow_job)
        deadline = time.monotonic() + 120
        seen = runner.status(slow_id)
        while seen.fraction == 0 and seen.status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
            seen = runner.status(slow_id)
        assert seen.status == "running" and seen.fraction > 0, seen.error  # progress came back from the Ray task
        assert runner.cancel(slow_id)
        cancelled = runner.wait(slow_id, timeout=30)
        assert cancelled.status == "cancelled"
        finished = runner.wait(done_id, timeout=300)
    finally:
        runner.shutdown()
    assert finished.status == "finished", finished.error
    assert finished.report["results"]["distilled"]["per_seed"][0]["accuracy"] >= 0
    assert finished.steps and finished.fraction == 1.0  # step events streamed back through the channel
    assert (runner.store.artefact_dir(done_id) / "student" / "model.safetensors").exists()
    assert not (runner.store.artefact_dir(done_id) / ".ray-shared-home-check").exists()
    assert runner.store.get(slow_id).status == "cancelled"
