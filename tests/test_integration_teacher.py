"""One real run: the bundled MiniLM teacher, fine-tuned on a few dozen sentiment reviews."""

from distill_core.experiments.comparison import DistillSpec, run_comparison


def test_real_teacher_distils_into_a_three_layer_student(lab_home):
    spec = DistillSpec(task="sentiment", teacher_epochs=1, epochs=1, seeds=[0], max_train=48, transfer_size=16, max_length=32)
    events = []
    report = run_comparison(spec, home=lab_home, on_event=events.append, artefact_dir=lab_home / "run")
    t, d = report.results["teacher"], report.results["distilled"]
    assert report.spec["student_layers"] == [0, 2, 4]
    assert t.parameters > 22_000_000 and d.parameters < 0.8 * t.parameters
    assert 0.0 <= d.mean("accuracy") <= 1.0 and 0.0 <= d.mean("agreement") <= 1.0
    assert report.latency_ms["student"] > 0 and report.latency_ratio < 1.0
    assert sum(map(sum, t.confusion)) == report.task["test"]
    assert any(e["kind"] == "step" and e["phase"] == "teacher" for e in events)
    assert [e for e in events if e["kind"] == "progress"][-1]["fraction"] == 1.0
    assert (lab_home / "run" / "student" / "model.safetensors").exists()
    assert "python -m distill_core distill --task sentiment" in (lab_home / "run" / "student" / "README.md").read_text()
    assert report.verdict()
