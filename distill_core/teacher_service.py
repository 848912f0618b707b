"""The fine-tuned teacher of a sample task, for pages that only want its predictions.

The first call fine-tunes the bundled teacher on the task (about a minute on 2 cores) and caches
it on disk under DISTILL_LAB_HOME, the same cache the live distillation uses with its default
teacher settings; later calls, in any process, load it in well under a second.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from .data import encode, load_sample_task
from .training import Teacher, TeacherConfig, get_teacher, teacher_folder
from .training import predict_logits as _model_logits

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _teacher(task_name: str) -> tuple[Teacher, list[str]]:
    task = load_sample_task(task_name)
    return get_teacher(task, TeacherConfig.for_task(task_name)), task.label_names


def teacher_is_cached(task_name: str) -> bool:
    """Whether the fine-tuned teacher is on disk already (so loading it is quick)."""
    return (teacher_folder(load_sample_task(task_name), TeacherConfig.for_task(task_name)) / "config.json").exists()


def predict_logits_for(task_name: str, texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """(n, classes) logits of the task's fine-tuned teacher for these texts, and the label names."""
    with _lock:  # one fine-tune at a time, even with several sessions asking at once
        teacher, names = _teacher(task_name)
    enc = encode(teacher.tokenizer, [t[:2000] for t in texts], 64)
    return _model_logits(teacher.model, enc), names


predict_logits = predict_logits_for  # the name the temperature page imports
