"""The teacher: its recipe per task, fine-tuning it once and caching it on disk, its cached logits;
saving and loading model folders (students too).

The first fine-tune of a sample task's teacher takes about a minute on 2 cores; later calls, in any
process, load it from ``DISTILL_LAB_HOME`` in well under a second.
"""

from __future__ import annotations

import errno
import hashlib
import os
import threading
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import models as M
from .data import TaskData, encode, load_sample_task
from .paths import atomic_dir_write, cache_key, home_dir
from .training import EventFn, Progress, TrainConfig, predict_logits, train


def save_model_folder(model, tokenizer, folder: Path, card: str | None = None) -> None:
    """A Hugging Face model folder (safetensors, config, tokenizer, optional README card)."""
    try:
        model.save_pretrained(folder, safe_serialization=True)
        tokenizer.save_pretrained(folder)
    except OSError:
        raise
    except Exception as exc:  # safetensors reports a full disk as its own error type
        if "No space left" in str(exc) or "os error 28" in str(exc):
            raise OSError(errno.ENOSPC, "No space left on device", str(folder)) from exc
        raise
    if card:
        (folder / "README.md").write_text(card, encoding="utf-8")
    for f in folder.iterdir():  # transformers writes weights 0600; the app's other users may read them
        os.chmod(f, 0o644)


def save_student(model, tokenizer, folder: Path, label_names: list[str], card: str | None = None) -> None:
    """A trained student as a Hugging Face folder that names its classes; written aside and renamed, so a
    crash or a full disk leaves no half-written student to download."""
    model.config.id2label = dict(enumerate(label_names))
    model.config.label2id = {n: i for i, n in enumerate(label_names)}
    atomic_dir_write(folder, lambda tmp: save_model_folder(model, tokenizer, tmp, card=card))



@dataclass
class TeacherConfig:
    source: str = M.BUNDLED
    epochs: int = 5  # 600 sentiment reviews: validation accuracy 60% after 1 epoch, 92% after 5 (lr 1e-4)
    learning_rate: float = 1e-4
    batch_size: int = 16
    max_length: int = 64
    seed: int = 0

    @classmethod
    def for_task(cls, task_name: str | None, source: str = M.BUNDLED, epochs: int | None = None,
                 learning_rate: float | None = None, max_length: int = 64) -> "TeacherConfig":
        """The task's teacher recipe (see data.SampleTask), with any value given here taking precedence."""
        from .data import SAMPLE_TASKS

        recipe = SAMPLE_TASKS.get(task_name or "")
        return cls(source=source,
                   epochs=epochs if epochs is not None else (recipe.teacher_epochs if recipe else cls.epochs),
                   learning_rate=learning_rate if learning_rate is not None else (recipe.teacher_lr if recipe else cls.learning_rate),
                   max_length=max_length)


@dataclass
class Teacher:
    model: object
    tokenizer: object
    key: str  # identifies (source, data, config): caches hang off it
    cached: bool
    seconds: float


def teacher_folder(task: TaskData, cfg: TeacherConfig, home: Path | None = None) -> Path:
    """Where the teacher fine-tuned on this task with this config is cached (keyed by source, data, config)."""
    return (home or home_dir()) / "teachers" / cache_key("teacher", cfg.source, task.fingerprint(), asdict(cfg))


def get_teacher(
    task: TaskData,
    cfg: TeacherConfig,
    home: Path | None = None,
    on_event: EventFn | None = None,
    cancel: threading.Event | None = None,
    allow_hub: bool = True,
    allow_local: bool = True,
) -> Teacher:
    """The teacher fine-tuned on the task's training split, from the cache when this was done before."""
    home = home or home_dir()
    folder = teacher_folder(task, cfg, home)
    key = folder.name
    emit = on_event or (lambda e: None)
    start = time.perf_counter()
    if (folder / "config.json").exists():
        emit({"kind": "phase", "phase": "teacher", "message": "reusing the fine-tuned teacher from the cache"})
        model, tokenizer = load_model_folder(folder)
        return Teacher(model, tokenizer, key, True, time.perf_counter() - start)
    emit({"kind": "phase", "phase": "teacher", "message": f"fine-tuning the teacher ({M.describe_source(cfg.source)})"})
    model, tokenizer = M.load_teacher(cfg.source, task.num_labels, allow_hub=allow_hub, allow_local=allow_local)
    model.config.id2label = dict(enumerate(task.label_names))
    model.config.label2id = {n: i for i, n in enumerate(task.label_names)}
    encoded = encode(tokenizer, task.train["text"].tolist(), cfg.max_length)
    val = (encode(tokenizer, task.validation["text"].tolist(), cfg.max_length), task.validation["label"].to_numpy())
    tcfg = TrainConfig(epochs=cfg.epochs, learning_rate=cfg.learning_rate, batch_size=cfg.batch_size, max_length=cfg.max_length, seed=cfg.seed)
    train(model, encoded, task.train["label"].to_numpy(), tcfg, validation=val, on_event=on_event, cancel=cancel, phase="teacher")
    try:
        atomic_dir_write(folder, lambda tmp: save_model_folder(model, tokenizer, tmp))
    except OSError as exc:
        emit({"kind": "phase", "phase": "teacher", "message": f"could not cache the teacher ({exc.strerror}); it is used unsaved"})
    model.eval()
    return Teacher(model, tokenizer, key, False, time.perf_counter() - start)


def load_model_folder(folder: Path):
    """A saved model folder (a cached teacher or a trained student) and its tokenizer, in eval mode; safetensors only."""
    transformers = M._quiet_transformers()
    model = transformers.AutoModelForSequenceClassification.from_pretrained(str(folder), trust_remote_code=False, use_safetensors=True)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), trust_remote_code=False)
    return model.eval(), tokenizer


def cached_teacher_logits(teacher: Teacher, texts: list[str], max_length: int, home: Path | None = None) -> np.ndarray:
    """The teacher's logits for these texts, computed once and kept on disk as .npy (never pickled)."""
    home = home or home_dir()
    key = cache_key("logits", teacher.key, max_length, hashlib.sha256("\x1d".join(texts).encode()).hexdigest())
    path = home / "logits" / f"{key}.npy"
    if path.exists():
        try:
            arr = np.load(path, allow_pickle=False)
            if arr.shape[0] == len(texts):
                return arr
        except (OSError, ValueError):
            pass  # a damaged cache file is recomputed
    logits = predict_logits(teacher.model, encode(teacher.tokenizer, texts, max_length))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, logits, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is an optimisation; an unwritable home only costs time
    return logits


# ------------------------------------------------------------- a sample task's teacher, for the pages

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _sample_teacher(task_name: str) -> tuple[Teacher, list[str]]:
    task = load_sample_task(task_name)
    return get_teacher(task, TeacherConfig.for_task(task_name)), task.label_names


def teacher_is_cached(task_name: str) -> bool:
    """Whether the sample task's fine-tuned teacher is on disk already (so loading it is quick)."""
    return (teacher_folder(load_sample_task(task_name), TeacherConfig.for_task(task_name)) / "config.json").exists()


def predict_logits_for(task_name: str, texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """(n, classes) logits of the sample task's fine-tuned teacher for these texts, and the label names."""
    with _lock:  # one fine-tune at a time, even with several sessions asking at once
        teacher, names = _sample_teacher(task_name)
    enc = encode(teacher.tokenizer, [t[:2000] for t in texts], 64)
    return predict_logits(teacher.model, enc), names


def prepare_teacher(spec: dict, *, home: Path | None = None, on_event: EventFn | None = None,
                    cancel: threading.Event | None = None, artefact_dir: Path | None = None) -> dict:
    """A job for the runner: fine-tune the sample task ``spec["task"]``'s teacher, or find it cached.

    Runs in the job runner's child process, so the page's server never trains; afterwards
    ``predict_logits_for`` loads the cached teacher in well under a second, in any process.
    """
    start = time.perf_counter()
    task = load_sample_task(spec["task"])
    cfg = TeacherConfig.for_task(spec["task"])
    progress = Progress(on_event)  # step events alone would leave the page's bar at 0% for the whole fine-tune
    progress.plan(cfg.epochs * len(task.train))
    teacher = get_teacher(task, cfg, home=home, on_event=progress.forward(), cancel=cancel)
    progress.finish()
    return {"task": spec["task"], "cached": teacher.cached, "seconds": time.perf_counter() - start}
