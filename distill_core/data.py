"""Tasks: the sample tasks in ``assets/``, user tables, splits and dynamic-padding batches.

A task is three labelled splits (train / validation / test) of (text, label id), the label
names, and optionally an unlabelled transfer pool that a teacher labels for the student.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import DistillError, first_line

ASSETS = Path(__file__).resolve().parent.parent / "assets"
TASKS_DIR = ASSETS / "tasks"

# Kept equal to [server] maxUploadSize in .streamlit/config.toml: the engine checks it again.
MAX_FILE_MB = 20
MAX_TEXT_CHARS = 2000  # longer texts are cut (the model reads at most max_length tokens anyway)
MAX_CLASSES = 50
MIN_ROWS_PER_CLASS = 5
MAX_ROWS = 200_000


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


# ---------------------------------------------------------------- user tables


@dataclass
class TableCheck:
    """What ``validate_table`` found: problems stop the run, warnings are said and worked around."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_table(source: bytes | str | Path, filename: str | None = None, max_mb: float = MAX_FILE_MB) -> pd.DataFrame:
    """Read a CSV or TSV (bytes or a path) into a frame of strings; a DistillError says why not.

    Never evaluates cells: a value such as ``=CMD(...)`` stays plain text.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or path.name
        if not path.is_file():
            raise DistillError(f"no such file: {path}")
        if path.stat().st_size > max_mb * 1e6:
            raise DistillError(f"{filename} is {path.stat().st_size / 1e6:.1f} MB; the limit is {max_mb:g} MB")
        raw = path.read_bytes()
    else:
        raw = bytes(source)
    name = filename or "upload"
    if len(raw) > max_mb * 1e6:
        raise DistillError(f"{name} is {len(raw) / 1e6:.1f} MB; the limit is {max_mb:g} MB")
    if not raw.strip():
        raise DistillError(f"{name} is empty")
    if b"\x00" in raw[:65536]:
        raise DistillError(f"{name} looks like a binary file, not CSV/TSV text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DistillError(
            f"{name} is not UTF-8 text (byte {exc.start}): save it as UTF-8 CSV and upload it again"
        ) from None
    sep = "\t" if name.lower().endswith(".tsv") else _sniff_delimiter(text)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise DistillError(f"{name} cannot be parsed as {'TSV' if sep == chr(9) else 'CSV'}: {first_line(exc)}") from None
    if df.empty:
        raise DistillError(f"{name} has a header but no rows")
    if len(df) > MAX_ROWS:
        raise DistillError(f"{name} has {len(df):,} rows; the limit is {MAX_ROWS:,}")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _sniff_delimiter(text: str) -> str:
    """Comma or tab, as the first lines use them consistently; comma when they say nothing (one column)."""
    sample = "\n".join(text[:65536].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t").delimiter
    except csv.Error:
        return ","


def validate_table(df: pd.DataFrame, text_col: str, label_col: str, min_per_class: int = MIN_ROWS_PER_CLASS) -> TableCheck:
    """Every problem at once, each a sentence a user can act on."""
    check = TableCheck()
    missing = [c for c in (text_col, label_col) if c not in df.columns]
    if missing:
        cols = ", ".join(f"'{c}'" for c in df.columns)
        check.problems.append(f"column(s) {', '.join(repr(c) for c in missing)} not found; the file has {cols}")
        return check
    if text_col == label_col:
        check.problems.append("the text and label columns must differ")
        return check
    texts = df[text_col].astype(str)
    labels = df[label_col].astype(str).str.strip()
    empty_text = texts.str.strip() == ""
    if empty_text.all():
        check.problems.append("every text is empty")
        return check
    if empty_text.any():
        check.warnings.append(f"{int(empty_text.sum())} row(s) with an empty text are skipped")
    empty_label = labels.isin(["", "nan", "NaN", "None", "null", "NA", "N/A"])
    if empty_label.any():
        check.warnings.append(f"{int(empty_label.sum())} row(s) with no label (empty or NaN) are skipped")
    keep = ~empty_text & ~empty_label
    counts = labels[keep].value_counts()
    if len(counts) < 2:
        check.problems.append(f"found {len(counts)} class(es); a classifier needs at least 2")
    elif len(counts) > MAX_CLASSES:
        check.problems.append(
            f"found {len(counts)} classes; the limit is {MAX_CLASSES} (is '{label_col}' really the label column?)"
        )
    else:
        small = counts[counts < min_per_class]
        if len(small):
            listed = ", ".join(f"'{k}' ({v})" for k, v in small.head(8).items())
            check.problems.append(
                f"{len(small)} class(es) have fewer than {min_per_class} rows, too few to split and learn: {listed}"
            )
    long = texts.str.len() > MAX_TEXT_CHARS
    if long.any():
        check.warnings.append(f"{int(long.sum())} text(s) longer than {MAX_TEXT_CHARS:,} characters are truncated")
    return check


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
) -> TaskData:
    """Validate, clean and split a user table (stratified, seeded: the same file gives the same splits)."""
    check = validate_table(df, text_col, label_col)
    if not check.ok:
        raise DistillError("; ".join(check.problems))
    texts = df[text_col].astype(str)
    labels = df[label_col].astype(str).str.strip()
    keep = (texts.str.strip() != "") & ~labels.isin(["", "nan", "NaN", "None", "null", "NA", "N/A"])
    texts, labels = texts[keep].str.slice(0, MAX_TEXT_CHARS).tolist(), labels[keep].tolist()
    label_names = sorted(set(labels), key=lambda x: (not x.lstrip("-").isdigit(), int(x) if x.lstrip("-").isdigit() else 0, x))
    index = {n: i for i, n in enumerate(label_names)}
    ids = [index[x] for x in labels]
    train_idx, val_idx, test_idx = _stratified_split(ids, fractions, seed)

    def frame(idx):
        return pd.DataFrame({"text": [texts[i] for i in idx], "label": [ids[i] for i in idx]})

    return TaskData(name, label_names, frame(train_idx), frame(val_idx), frame(test_idx), notes=check.warnings)


def load_task(name: str | None = None, data_file: str | None = None, text_col: str = "text", label_col: str = "label") -> TaskData:
    """A sample task by name, or a user's CSV/TSV with its columns chosen by name."""
    if data_file:
        df = read_table(data_file)
        return task_from_table(df, text_col, label_col, name=Path(data_file).stem)
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
