"""Distillation throughput: our loop against the ways people usually write it, in one run.

    python bench/train_throughput.py [--epochs 2] [--rows 600]

Same teacher (the bundled MiniLM), same 3-layer student (teacher layers 0, 2, 4, same seed), same
rows of the sentiment task, same batch size, epochs, T and alpha. Examples per second of:
  (a) distill_core: teacher logits computed once (timed, included), dynamic padding, fused AdamW;
  (b) the seed article's loop: the teacher run on every batch, nn.KLDivLoss() per batch, inputs
      padded to max_length, plain AdamW;
  (c) the common Hugging Face recipe: a Trainer subclass running the teacher in compute_loss
      (dynamic padding by DataCollatorWithPadding);
  (d) plain fine-tuning of the same student on hard labels with our loop: the floor;
  (a') as (a) with the teacher's logits already cached (every seed after the first, every later run).
Prints (a)/(b), (a)/(c) and (a)/(d). Methods alternate, twice each, and the better run counts, so
a noisy neighbour on the machine hurts all of them alike. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from distill_core import models as M  # noqa: E402
from distill_core.data import encode, load_sample_task  # noqa: E402
from distill_core.losses import make_loss  # noqa: E402
from distill_core.training import TrainConfig, predict_logits, train  # noqa: E402

T, ALPHA, BATCH, MAX_LEN, LAYERS = 4.0, 0.5, 32, 64, [0, 2, 4]


def setup(rows: int):
    task = load_sample_task("sentiment")
    teacher, tok = M.load_teacher(M.BUNDLED, 3)
    teacher.eval()
    texts = task.train["text"].tolist()[:rows]
    labels = task.train["label"].to_numpy()[:rows]
    return teacher, tok, texts, labels


def ours(teacher, tok, texts, labels, epochs) -> float:
    start = time.perf_counter()
    enc = encode(tok, texts, MAX_LEN)
    logits = predict_logits(teacher, enc)  # what cached_teacher_logits computes once per (teacher, data)
    student = M.build_student(teacher, LAYERS, seed=0)
    train(student, enc, labels, TrainConfig(epochs=epochs, batch_size=BATCH, max_length=MAX_LEN), loss_fn=make_loss(logits, temperature=T, alpha=ALPHA))
    return len(texts) * epochs / (time.perf_counter() - start)


def ours_cached(teacher, tok, texts, labels, epochs) -> float:
    """(a) when the teacher's logits are already on disk: every seed after the first, and every later run."""
    enc = encode(tok, texts, MAX_LEN)
    logits = predict_logits(teacher, enc)  # outside the timing: the disk cache's job
    start = time.perf_counter()
    enc = encode(tok, texts, MAX_LEN)
    student = M.build_student(teacher, LAYERS, seed=0)
    train(student, enc, labels, TrainConfig(epochs=epochs, batch_size=BATCH, max_length=MAX_LEN), loss_fn=make_loss(logits, temperature=T, alpha=ALPHA))
    return len(texts) * epochs / (time.perf_counter() - start)


def plain_finetune(teacher, tok, texts, labels, epochs) -> float:
    start = time.perf_counter()
    enc = encode(tok, texts, MAX_LEN)
    student = M.build_student(teacher, LAYERS, seed=0)
    train(student, enc, labels, TrainConfig(epochs=epochs, batch_size=BATCH, max_length=MAX_LEN))
    return len(texts) * epochs / (time.perf_counter() - start)


def seed_article_loop(teacher, tok, texts, labels, epochs) -> float:
    start = time.perf_counter()
    enc = tok(texts, padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")
    y = torch.tensor(labels)
    student = M.build_student(teacher, LAYERS, seed=0)
    optimizer = torch.optim.AdamW(student.parameters(), lr=1e-4)
    kl = nn.KLDivLoss()  # as written in the article: reduction "mean"
    g = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        student.train()
        for idx in torch.randperm(len(texts), generator=g).split(BATCH):
            batch = {"input_ids": enc["input_ids"][idx], "attention_mask": enc["attention_mask"][idx]}
            with torch.no_grad():
                t_logits = teacher(**batch).logits
            s_logits = student(**batch).logits
            soft = kl(F.log_softmax(s_logits / T, dim=-1), F.softmax(t_logits / T, dim=-1)) * T * T
            loss = ALPHA * F.cross_entropy(s_logits, y[idx]) + (1 - ALPHA) * soft
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return len(texts) * epochs / (time.perf_counter() - start)


def hf_trainer_recipe(teacher, tok, texts, labels, epochs) -> float:
    from transformers import DataCollatorWithPadding, Trainer, TrainingArguments

    class DistillationTrainer(Trainer):
        def __init__(self, *args, teacher_model=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.teacher = teacher_model

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels_ = inputs.pop("labels")
            outputs = model(**inputs)
            with torch.no_grad():
                t_logits = self.teacher(**inputs).logits
            soft = F.kl_div(F.log_softmax(outputs.logits / T, -1), F.softmax(t_logits / T, -1), reduction="batchmean") * T * T
            loss = ALPHA * F.cross_entropy(outputs.logits, labels_) + (1 - ALPHA) * soft
            return (loss, outputs) if return_outputs else loss

    start = time.perf_counter()
    enc = tok(texts, truncation=True, max_length=MAX_LEN)
    dataset = [{"input_ids": ids, "attention_mask": m, "labels": int(l)} for ids, m, l in zip(enc["input_ids"], enc["attention_mask"], labels)]
    student = M.build_student(teacher, LAYERS, seed=0)
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out, per_device_train_batch_size=BATCH, num_train_epochs=epochs, learning_rate=1e-4, report_to=[],
            save_strategy="no", logging_strategy="no", use_cpu=True, disable_tqdm=True, seed=0,
        )
        trainer = DistillationTrainer(model=student, args=args, train_dataset=dataset, data_collator=DataCollatorWithPadding(tok), teacher_model=teacher)
        trainer.train()
    return len(texts) * epochs / (time.perf_counter() - start)


METHODS = {
    "(a) distill_core": ours,
    "(a') cached logits": ours_cached,
    "(b) seed article loop": seed_article_loop,
    "(c) HF Trainer recipe": hf_trainer_recipe,
    "(d) plain fine-tuning": plain_finetune,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    teacher, tok, texts, labels = setup(args.rows)
    speeds: dict[str, list[float]] = {name: [] for name in METHODS}
    for r in range(args.rounds):
        for name, fn in METHODS.items():
            speeds[name].append(fn(teacher, tok, texts, labels, args.epochs))
            print(f"round {r + 1}: {name:<24} {speeds[name][-1]:6.1f} examples/s", flush=True)
    best = {name: max(v) for name, v in speeds.items()}
    a = best["(a) distill_core"]
    print(f"\n{args.rows} rows x {args.epochs} epochs, batch {BATCH}, T {T:g}, alpha {ALPHA:g}, student layers {LAYERS}, torch threads {torch.get_num_threads()}")
    for name, v in best.items():
        print(f"  {name:<24} {v:6.1f} examples/s (best of {args.rounds})")
    print(f"(a)/(b) ours vs the seed article's loop: {a / best['(b) seed article loop']:.2f}x")
    print(f"(a)/(c) ours vs the HF Trainer recipe:   {a / best['(c) HF Trainer recipe']:.2f}x")
    print(f"(a)/(d) ours vs plain fine-tuning:       {a / best['(d) plain fine-tuning']:.2f}x (1.00 = distillation costs nothing extra)")
    c = best["(a') cached logits"]
    print(f"with the teacher's logits from the cache (each later seed or run): (a')/(b) {c / best['(b) seed article loop']:.2f}x, "
          f"(a')/(c) {c / best['(c) HF Trainer recipe']:.2f}x, (a')/(d) {c / best['(d) plain fine-tuning']:.2f}x")


if __name__ == "__main__":
    main()
