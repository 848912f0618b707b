"""Tasks: the sample tasks in ``assets/``, user tables, splits and dynamic-padding batches.

A task is three labelled splits (train / validation / test) of (text, label id), the label
names, and optionally an unlabelled transfer pool that a teacher labels for the student.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import DistillError
# re-exported: the pages, the CLI and the tests read these from data
from .uploads import (  # noqa: F401
    MAX_CLASSES, MAX_COLUMNS, MAX_FILE_MB, MAX_ROWS, MAX_TEXT_CHARS, MIN_ROWS_PER_CLASS, TableCheck, Upload, label_missing,
    read_table, read_upload, transfer_texts, validate_table,
)

ASSETS = Path(__file__).resolve().parent.parent / "assets"
TASKS_DIR = ASSETS / "tasks"


@dataclass(frozen=True)
class SampleTask:
    title: str
    description: str
    # how its teacher is fine-tuned: 16 intents from 640 rows need more steps and a higher rate than
    # 3 sentiment classes; at 5 epochs and 1e-4 the intents teacher was right 92% of the time but
    # put only 0.40 on its answer on average (ECE 0.52), so its "soft" targets were mush
    teacher_epochs: int = 5
    teacher_lr: float = 1e-4


SAMPLE_TASKS: dict[str, SampleTask] = {
    "sentiment": SampleTask(
        "Review sentiment (3 classes)",
        "Short product and service reviews: negative / neutral / positive, with negation, sarcasm, "
        "mixed feelings and faint praise. Ships a 2,000-review transfer pool.",
    ),
    "intents": SampleTask(
        "Support intents (16 classes)",
        "Bank and shop support messages in 16 intents, in groups of confusable neighbours "
        "(card lost / stolen / not arrived...). Ships an unlabelled transfer pool.",
        teacher_epochs=8,
        teacher_lr=3e-4,
    ),
}


def available_sample_tasks() -> dict[str, SampleTask]:
    return {name: info for name, info in SAMPLE_TASKS.items() if (TASKS_DIR / name / "train.csv").exists()}


@dataclass
class TaskData:
    """Labelled splits as frames with columns ``text`` (str) and ``label`` (int id)."""

    name: str
    label_names: list[str]
    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame
    transfer: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was changed on the way in (truncations...)

    @property
    def num_labels(self) -> int:
        return len(self.label_names)

    def fingerprint(self) -> str:
        """Stable hash of the data: caches of teachers and logits are keyed by it."""
        h = hashlib.sha256()
        h.update("\x1f".join(self.label_names).encode())
        for split in (self.train, self.validation, self.test):
            for text, label in zip(split["text"], split["label"]):
                h.update(f"{label}\x1e{text}\x1d".encode())
        h.update("\x1c".join(self.transfer).encode())
        return h.hexdigest()[:16]

    def summary(self) -> dict:
        return {
            "task": self.name,
            "classes": self.num_labels,
            "train": len(self.train),
            "validation": len(self.validation),
            "test": len(self.test),
            "transfer": len(self.transfer),
        }


GENERAL_TEXT = ASSETS / "general" / "general.csv"


def load_general_text(path: Path | None = None) -> list[str]:
    """Unlabelled general English written by this project (assets/general), for task-agnostic distillation."""
    path = path or GENERAL_TEXT
    if not path.exists():
        raise DistillError(f"the general-text corpus is missing ({path}); run assets/general/make_general.py")
    texts = pd.read_csv(path, dtype=str, keep_default_na=False)["text"].tolist()
    return [t for t in texts if t.strip()]


def _frame_with_ids(df: pd.DataFrame, label_names: list[str]) -> pd.DataFrame:
    index = {name: i for i, name in enumerate(label_names)}
    return pd.DataFrame({"text": df["text"].astype(str).tolist(), "label": [index[x] for x in df["label"].astype(str)]})


def load_sample_task(name: str) -> TaskData:
    folder = TASKS_DIR / name
    if name not in SAMPLE_TASKS or not (folder / "train.csv").exists():
        known = ", ".join(available_sample_tasks()) or "none"
        raise DistillError(f"unknown sample task '{name}' (available: {known})")
    splits = {s: pd.read_csv(folder / f"{s}.csv", dtype=str, keep_default_na=False) for s in ("train", "validation", "test")}
    label_names = sorted(set(splits["train"]["label"]))
    transfer = []
    if (folder / "transfer.csv").exists():
        transfer = pd.read_csv(folder / "transfer.csv", dtype=str, keep_default_na=False)["text"].tolist()
    return TaskData(
        name=name,
        label_names=label_names,
        train=_frame_with_ids(splits["train"], label_names),
        validation=_frame_with_ids(splits["validation"], label_names),
        test=_frame_with_ids(splits["test"], label_names),
        transfer=transfer,
    )


# ---------------------------------------------------------------- user tables (read and checked in uploads.py)


def _stratified_split(labels: list[int], fractions: tuple[float, float, float], seed: int) -> tuple[list[int], list[int], list[int]]:
    rng = random.Random(seed)
    by_class: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        by_class.setdefault(y, []).append(i)
    parts: tuple[list[int], list[int], list[int]] = ([], [], [])
    for y in sorted(by_class):
        idx = by_class[y]
        rng.shuffle(idx)
        n_val = max(1, math.floor(len(idx) * fractions[1]))
        n_test = max(1, math.floor(len(idx) * fractions[2]))
        parts[1].extend(idx[:n_val])
        parts[2].extend(idx[n_val : n_val + n_test])
        parts[0].extend(idx[n_val + n_test :])
    return tuple(sorted(p) for p in parts)  # type: ignore[return-value]


def task_from_table(
    df: pd.DataFrame,
    text_col: str,
    label_col: str,
    name: str = "upload",
    seed: int = 13,
    fractions: tuple[float, float, float] = (0.7, 0.1, 0.2),
    transfer: list[str] | None = None,
    upload: Upload | None = None,
) -> TaskData:
    """Validate, clean and split a user table (stratified, seeded: the same file gives the same splits).

    Only labelled rows are split. Rows whose label is empty, then the ``transfer`` texts (a second, unlabelled file),
    are the transfer set the teacher labels; a transfer text equal to a labelled text is dropped, so no test text
    reaches a student through the teacher.
    """
    check = validate_table(df, text_col, label_col, upload=upload, transfer=transfer)
    if not check.ok:
        raise DistillError("; ".join(check.problems))
    texts = df[text_col].astype(str)
    missing = label_missing(df[label_col])
    has_text = texts.str.strip() != ""
    labels = df[label_col].astype(str).str.strip()[has_text & ~missing].tolist()
    labelled = texts[has_text & ~missing].str.slice(0, MAX_TEXT_CHARS).tolist()
    label_names = sorted(set(labels), key=lambda x: (not x.lstrip("-").isdigit(), int(x) if x.lstrip("-").isdigit() else 0, x))
    index = {n: i for i, n in enumerate(label_names)}
    ids = [index[x] for x in labels]
    train_idx, val_idx, test_idx = _stratified_split(ids, fractions, seed)

    def frame(idx):
        return pd.DataFrame({"text": [labelled[i] for i in idx], "label": [ids[i] for i in idx]})

    pool = texts[has_text & missing].tolist() + [t for t in (transfer or []) if t.strip()]
    seen = set(labelled)
    kept = [t for t in (x[:MAX_TEXT_CHARS] for x in pool) if t not in seen]
    notes = list(check.warnings)
    if len(kept) < len(pool):
        notes.append(f"{len(pool) - len(kept)} unlabelled row(s) repeat a labelled text and are left out of the transfer set")
    return TaskData(name, label_names, frame(train_idx), frame(val_idx), frame(test_idx), transfer=kept, notes=notes)


def load_task(name: str | None = None, data_file: str | None = None, text_col: str = "text", label_col: str = "label",
              transfer_file: str | None = None) -> TaskData:
    """A sample task by name, or a user's CSV/TSV with its columns chosen by name (and a second, unlabelled file)."""
    if data_file:
        from .policy import confine_data_file  # locked (DISTILL_LAB_LOCKED): files from the uploads folder only

        upload = read_upload(confine_data_file(data_file))
        transfer = transfer_texts(read_upload(confine_data_file(transfer_file)), text_col) if transfer_file else None
        return task_from_table(upload.frame, text_col, label_col, name=Path(data_file).stem, transfer=transfer, upload=upload)
    if transfer_file:
        raise DistillError("a transfer file goes with a data file of your own (--data); sample tasks have their own pool")
    if not name:
        raise DistillError("choose a sample task or a data file")
    return load_sample_task(name)


# ---------------------------------------------------------------- tokenisation


@dataclass
class Encoded:
    """Token ids per text, unpadded: batches are padded to their own longest text."""

    input_ids: list[list[int]]
    truncated: int  # how many texts hit max_length

    def __len__(self) -> int:
        return len(self.input_ids)


def encode(tokenizer, texts: list[str], max_length: int = 64) -> Encoded:
    if not texts:
        return Encoded([], 0)
    out = tokenizer(list(texts), truncation=True, max_length=max_length, padding=False)
    ids = out["input_ids"]
    return Encoded(ids, sum(len(x) >= max_length for x in ids))


def pad_batch(encoded: Encoded, indices: list[int], pad_id: int = 0) -> dict:
    """(batch, longest) input_ids and attention_mask for the given rows: dynamic padding."""
    import torch

    rows = [encoded.input_ids[i] for i in indices]
    longest = max(len(r) for r in rows)
    ids = torch.full((len(rows), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), longest), dtype=torch.long)
    for j, r in enumerate(rows):
        ids[j, : len(r)] = torch.tensor(r, dtype=torch.long)
        mask[j, : len(r)] = 1
    return {"input_ids": ids, "attention_mask": mask, "index": torch.tensor(indices, dtype=torch.long)}


def batch_indices(n: int, batch_size: int, shuffle: bool, seed: int = 0) -> list[list[int]]:
    order = list(range(n))
    if shuffle:
        random.Random(seed).shuffle(order)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def upload_task_name(path: str | Path) -> str:
    return f"upload:{Path(path).stem}"
