import threading

import numpy as np
import pytest
import torch

from distill_core import models as M
from distill_core.data import encode
from distill_core.errors import DistillError
from distill_core.losses import IGNORE_LABEL, Intermediate, make_loss
from distill_core.errors import Cancelled
from distill_core.training import TrainConfig, predict_logits, train
from tests.conftest import tiny_bert_config, tiny_model_dir, toy_rows


@pytest.fixture(scope="module")
def tok():
    return M.load_tokenizer()


@pytest.fixture(scope="module")
def toy(tok):
    rows = toy_rows(96)
    return encode(tok, [r[0] for r in rows], 16), np.array([1 if r[1] == "pos" else 0 for r in rows])


def _tiny(seed=0):
    transformers = M._quiet_transformers()
    torch.manual_seed(seed)
    return transformers.BertForSequenceClassification(tiny_bert_config(num_labels=2))


def test_training_lowers_the_loss_and_reports_each_step(toy):
    enc, y = toy
    events = []
    res = train(_tiny(), enc, y, TrainConfig(epochs=4, learning_rate=3e-3, batch_size=16), validation=(enc, y), on_event=events.append)
    steps = [e for e in events if e["kind"] == "step"]
    assert len(steps) == 4 * 6 and steps[-1]["step"] == 24 and steps[-1]["total_steps"] == 24
    for key in ("epoch", "loss", "hard_ce", "soft_kl_t2", "lr", "examples_per_s"):
        assert key in steps[0]
    first = np.mean([e["loss"] for e in steps[:6]])
    last = np.mean([e["loss"] for e in steps[-6:]])
    assert last < first
    evals = [e for e in events if e["kind"] == "eval"]
    assert [e["epoch"] for e in evals] == [1, 2, 3, 4] and evals[-1]["val_accuracy"] > 0.9
    assert res.examples == 4 * 96


def test_same_seed_same_metrics(toy):
    enc, y = toy
    cfg = TrainConfig(epochs=2, learning_rate=1e-3, batch_size=16, seed=7)
    a, b = _tiny(), _tiny()
    ra, rb = train(a, enc, y, cfg), train(b, enc, y, cfg)
    assert [e["loss"] for e in ra.history] == [e["loss"] for e in rb.history]
    assert np.array_equal(predict_logits(a, enc), predict_logits(b, enc))


def test_distillation_reads_cached_teacher_logits_and_mixes_transfer_rows(toy):
    enc, y = toy
    teacher_logits = np.random.default_rng(0).normal(size=(len(y), 2)).astype(np.float32)
    labels = y.copy()
    labels[48:] = IGNORE_LABEL
    events = []
    train(_tiny(), enc, labels, TrainConfig(epochs=1, batch_size=32), loss_fn=make_loss(teacher_logits, temperature=2.0, alpha=0.5), on_event=events.append)
    steps = [e for e in events if e["kind"] == "step"]
    assert all(e["soft_kl_t2"] > 0 for e in steps)
    assert any(e["hard_ce"] > 0 for e in steps)
    # with no labelled row at all, only the soft term is left
    events.clear()
    train(_tiny(), enc, np.full(len(y), IGNORE_LABEL), TrainConfig(epochs=1, batch_size=32), loss_fn=make_loss(teacher_logits), on_event=events.append)
    assert all(e["hard_ce"] == 0.0 and e["soft_kl_t2"] > 0 for e in events if e["kind"] == "step")


def test_cancel_stops_at_the_next_step(toy):
    enc, y = toy
    cancel = threading.Event()
    seen = []

    def on_event(e):
        seen.append(e)
        if e["kind"] == "step" and e["step"] == 3:
            cancel.set()

    with pytest.raises(Cancelled):
        train(_tiny(), enc, y, TrainConfig(epochs=5, batch_size=8), on_event=on_event, cancel=cancel)
    assert max(e["step"] for e in seen if e["kind"] == "step") == 3


def test_empty_training_set_is_refused(tok):
    with pytest.raises(DistillError):
        train(_tiny(), encode(tok, [], 8), np.array([]), TrainConfig())


def test_teacher_and_its_logits_are_cached(lab_home, monkeypatch):
    import pandas as pd

    from distill_core import teacher as T
    from distill_core.data import task_from_table

    rows = toy_rows(60)
    task = task_from_table(pd.DataFrame(rows, columns=["text", "label"]), "text", "label")
    cfg = T.TeacherConfig(source=tiny_model_dir(), epochs=1)
    first = T.get_teacher(task, cfg, lab_home)
    assert not first.cached and (lab_home / "teachers" / first.key / "model.safetensors").exists()
    second = T.get_teacher(task, cfg, lab_home)
    assert second.cached and second.key == first.key
    texts = task.test["text"].tolist()
    logits = T.cached_teacher_logits(second, texts, 16, lab_home)
    calls = []
    monkeypatch.setattr(T, "predict_logits", lambda *a, **k: calls.append(1))
    again = T.cached_teacher_logits(second, texts, 16, lab_home)
    assert calls == [] and np.array_equal(logits, again)


def test_an_attention_term_turns_off_attention_dropout_only_while_it_trains(tmp_path):
    """Attention maps come back after dropout: matching them with dropout on would chase a noisy target."""
    from distill_core.mappings import make_map
    teacher = _tiny()
    student = M.build_student(teacher, [0], init="teacher")
    drops = [m.dropout for m in student.modules() if type(m).__name__.endswith("SelfAttention")]
    assert drops and all(d.p > 0 for d in drops)
    seen = []
    enc = encode(M.load_tokenizer(), ["a b c", "d e f"] * 8, 16)

    def on_event(e):
        if e["kind"] == "step":
            seen.append([d.p for d in drops])

    inter = Intermediate(teacher, make_map("distilbert", 1, 2, kept_layers=[0]), attention=1.0)
    train(student, enc, np.zeros(16, dtype=int), TrainConfig(epochs=1, batch_size=8), on_event=on_event, loss_fn=make_loss(intermediate=inter))
    assert seen and all(p == 0.0 for ps in seen for p in ps)
    assert all(d.p > 0 for d in drops)  # restored afterwards
    assert student.config._attn_implementation == teacher.config._attn_implementation != "eager"


def test_progress_moves_within_a_training_and_never_backwards():
    from distill_core.training import Progress

    events = []
    progress = Progress(events.append)
    progress.plan(2 * 10 * 8)  # two trainings of 10 steps of 8 examples
    for run in range(2):
        for stage_steps in ((10,) if run == 0 else (4, 6)):  # the second run has two stages, each counting from 1
            handle = progress.forward()
            for step in range(1, stage_steps + 1):
                handle({"kind": "step", "phase": "p", "step": step, "total_steps": stage_steps, "batch_size": 8})
    progress.finish()
    fractions = [e["fraction"] for e in events if e["kind"] == "progress"]
    assert fractions[4] == pytest.approx(0.25)  # step 5 of 10 in the first of two runs
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len([e for e in events if e["kind"] == "step"]) == 20  # every event is relayed
