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
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import device as D
from . import distributed
from . import models as M
from .data import TaskData, encode, load_sample_task
from .errors import Cancelled
from .paths import atomic_dir_write, cache_key, home_dir
from .disk import touch
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
    allow_hub: bool | None = None,
    allow_local: bool | None = None,
) -> Teacher:
    """The teacher fine-tuned on the task's training split, from the cache when this was done before.

    Launched as several processes (distributed.py), the main one fine-tunes it alone and the others load it after."""
    M.check_source(cfg.source, allow_hub, allow_local)  # before the cache: a cached hub teacher is refused when locked too
    with distributed.main_process_first():
        return _get_teacher(task, cfg, home, on_event, cancel, allow_hub, allow_local)


def _get_teacher(task: TaskData, cfg: TeacherConfig, home: Path | None, on_event: EventFn | None,
                 cancel: threading.Event | None, allow_hub: bool | None, allow_local: bool | None) -> Teacher:
    home = home or home_dir()
    folder = teacher_folder(task, cfg, home)
    key = folder.name
    emit = on_event or (lambda e: None)
    start = time.perf_counter()
    if not (folder / "config.json").exists():
        with _fine_tune_lock(folder, cancel, emit):  # another process fine-tuning this very teacher is waited for
            if not (folder / "config.json").exists():
                return _fine_tune(task, cfg, folder, on_event, cancel, allow_hub, allow_local)
    emit({"kind": "phase", "phase": "teacher", "message": "reusing the fine-tuned teacher from the cache"})
    touch(folder)  # a hit: least-recently-used eviction (disk.py) keeps it longest
    model, tokenizer = load_model_folder(folder)
    model.to(D.resolve())  # the run's device (a GPU when there is one): its logits and latency are computed there
    return Teacher(model, tokenizer, key, True, time.perf_counter() - start)


@contextmanager
def _fine_tune_lock(folder: Path, cancel: threading.Event | None, emit: EventFn):
    """Held while a teacher is fine-tuned: a second job or the CLI's ``prepare`` asking for the same teacher waits
    for the first and then loads it, rather than fine-tuning it again in parallel on the same cores."""
    try:
        import fcntl
    except ImportError:  # no flock on this platform: at worst the teacher is fine-tuned twice
        yield
        return
    locks = folder.parent.parent / "locks"  # beside the caches, not in them: a cache folder holds finished teachers only
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"teacher-{folder.name}.lock", "w") as lock:
        waiting = False
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    waiting = True
                    emit({"kind": "phase", "phase": "teacher", "message": "waiting for another job that is fine-tuning this teacher"})
                if cancel is not None and cancel.is_set():
                    raise Cancelled("cancelled while waiting for the teacher") from None
                time.sleep(0.5)
        yield  # closing the file releases the lock


def _fine_tune(task: TaskData, cfg: TeacherConfig, folder: Path, on_event: EventFn | None, cancel: threading.Event | None,
               allow_hub: bool | None, allow_local: bool | None) -> Teacher:
    start = time.perf_counter()
    emit = on_event or (lambda e: None)
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
    return Teacher(model, tokenizer, folder.name, False, time.perf_counter() - start)


def load_model_folder(folder: Path):
    """A saved model folder (a cached teacher or a trained student) and its tokenizer, in eval mode; safetensors only."""
    from .word_student import is_word_student, load_word_student

    transformers = M._quiet_transformers()
    if is_word_student(folder):  # a BiLSTM / CNN student (Tang et al. 2019): not a transformers model
        model = load_word_student(folder)
    else:
        model = transformers.AutoModelForSequenceClassification.from_pretrained(str(folder), trust_remote_code=False, use_safetensors=True)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), trust_remote_code=False)
    return model.eval(), tokenizer


def logits_path(teacher_key: str, texts: list[str], max_length: int, home: Path | None = None) -> Path:
    """Where the teacher's logits for these texts are cached (a ``Teacher.key`` is its folder's name)."""
    key = cache_key("logits", teacher_key, max_length, hashlib.sha256("\x1d".join(texts).encode()).hexdigest())
    return (home or home_dir()) / "logits" / f"{key}.npy"


def cached_teacher_logits(teacher: Teacher, texts: list[str], max_length: int, home: Path | None = None) -> np.ndarray:
    """The teacher's logits for these texts, computed once and kept on disk as .npy (never pickled); launched as
    several processes, by the main one, the others reading its file."""
    with distributed.main_process_first():
        return _cached_teacher_logits(teacher, texts, max_length, home)


def _cached_teacher_logits(teacher: Teacher, texts: list[str], max_length: int, home: Path | None) -> np.ndarray:
    path = logits_path(teacher.key, texts, max_length, home)
    if path.exists():
        try:
            arr = np.load(path, allow_pickle=False)
            if arr.shape[0] == len(texts):
                touch(path)
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
