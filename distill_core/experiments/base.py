"""What every experiment shares: the bounds of T and alpha, the one "beyond the seed spread" rule,
the names shown for the conditions, and the set-up and seed loop the runners would otherwise repeat.

An experiment is a spec (a dataclass: its field defaults are the defaults the CLI and the pages read),
a runner that trains every condition over seeds at the same compute, and a report whose reading is
judged against the seed spread.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from ..errors import Cancelled, DistillError

if TYPE_CHECKING:  # torch, transformers and pandas load only when an experiment runs: the CLI's parser and
    # the pages read the specs, bounds and names from here without them
    import numpy as np
    import pandas as pd

    from ..data import TaskData
    from ..teacher import Teacher
    from ..training import EventFn, TrainConfig

# ------------------------------------------------------------------ bounds every spec, the CLI and the pages read

T_MIN, T_MAX = 0.05, 100.0  # softmax at T stays finite and meaningful over this range (temperature.softmax_t)
ALPHA_MIN, ALPHA_MAX = 0.0, 1.0  # alpha weighs the hard labels, 1 - alpha the soft term
LR_MIN, LR_MAX = 1e-6, 1e-2
LR_RANGE = "1e-6..1e-2"  # as people write it ("{:g}" would say 1e-06..0.01)


def check_temperature(t: float) -> None:
    if not T_MIN <= t <= T_MAX:
        raise DistillError(f"temperature must lie in [{T_MIN:g}, {T_MAX:g}], got {t}")


def check_alpha(alpha: float) -> None:
    if not ALPHA_MIN <= alpha <= ALPHA_MAX:
        raise DistillError(f"alpha must lie in [{ALPHA_MIN:g}, {ALPHA_MAX:g}], got {alpha}")


def check_learning_rate(lr: float) -> None:
    if not LR_MIN <= lr <= LR_MAX:
        raise DistillError(f"learning rate {lr} is outside {LR_RANGE}")


class SpecBase:
    """Mixed into every spec dataclass: the saved form, and a field's default for the CLI and the pages."""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def default(cls, name: str):
        """The default of field ``name``: the one place a default is written is the dataclass."""
        f = next(f for f in dataclasses.fields(cls) if f.name == name)
        return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


class ReportBase:
    """Mixed into the reports: they round-trip through the run store's JSON."""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict):
        return cls(**d)


# ------------------------------------------------------------------ the one "beyond the seed spread" rule

MIN_SPREAD = 0.005  # half a point: below it, a difference is too small to call even when seeds agree


def spread(*stds: float) -> float:
    """The noise a gain must beat: the largest seed std given (NaN, one seed, counts as 0), at least MIN_SPREAD.

    ``spread(spread(a, b)) == spread(a, b)``, so a spread already computed can be passed on as a std.
    """
    return max([0.0 if math.isnan(s) else float(s) for s in stds] + [MIN_SPREAD])


def beyond_spread(gain: float, *stds: float) -> bool:
    """Whether ``gain`` (a difference in accuracy, either sign) is larger than the seed spread of ``stds``."""
    return abs(gain) > spread(*stds)


def against_spread(gain: float, *stds: float) -> int:
    """+1: above the spread, -1: below it, 0: within it (NaN counts as within)."""
    if not beyond_spread(gain, *stds):
        return 0
    return 1 if gain > 0 else -1


# ------------------------------------------------------------------ names shown for what the reports store

# The keys on the left are stored in run-store reports and in assets/reference/*.json (results.baseline,
# the "hard" and "fine-tune only" conditions, the phases built from them): they stay as they are, so
# shipped references still load. Everything shown to people goes through display_name().
HARD_LABELS = "hard labels"
DISPLAY_NAMES = {
    "teacher": "teacher",
    "baseline": f"student, {HARD_LABELS}",  # comparison: the same student trained on hard labels alone
    "distilled": "student, distilled",
    # comparison: the same student on the teacher's argmax labels of the transfer rows (+ the labelled rows' labels);
    # the soft-target experiment's "pseudo" condition is the same model
    "pseudo": "student, teacher's labels",
    "hard": HARD_LABELS,  # soft-target experiment: the labelled rows alone
    "fine-tune only": HARD_LABELS,  # layer experiment "agnostic": hard labels on the task, no teacher
}


def display_name(key: str) -> str:
    return DISPLAY_NAMES.get(key, key)


# ------------------------------------------------------------------ the set-up the runners share


def cap_rows(train: "pd.DataFrame", max_train: int | None, notes: list[str], per_class: int | None = None) -> pd.DataFrame:
    """At most ``per_class`` labelled rows of each class, then at most ``max_train`` in all, drawn with a fixed seed
    (the reference runs depend on it)."""
    if per_class and train.groupby("label").size().max() > per_class:
        keep = [i for _, g in train.groupby("label") for i in g.sample(n=min(len(g), per_class), random_state=0).index]
        train = train.loc[keep].sample(frac=1.0, random_state=0).reset_index(drop=True)
        notes.append(f"{per_class} labelled rows per class kept ({len(train)} in all)")
    if max_train and len(train) > max_train:
        notes.append(f"training rows capped at {max_train} of {len(train)}")
        return train.sample(n=max_train, random_state=0).reset_index(drop=True)
    return train


def kept_layers(student_layers: list[int] | None, n_teacher_layers: int) -> list[int]:
    """The teacher layers the student keeps (None: one in two), checked against the teacher."""
    from .. import models as M

    chosen = student_layers if student_layers is not None else M.every_other_layer(n_teacher_layers)
    return M.check_layers(chosen, n_teacher_layers)


def student_source(spec_init: str, teacher_source: str, fine_tuned, num_labels: int, allow_hub: bool | None = None, allow_local: bool | None = None):
    """The model whose layers a student copies: the teacher before or after fine-tuning."""
    if spec_init == "finetuned":
        return fine_tuned
    from .. import models as M

    model, _ = M.load_teacher(teacher_source, num_labels, allow_hub=allow_hub, allow_local=allow_local)
    return model.eval()


def train_config(spec, seed: int) -> TrainConfig:
    """A student's optimisation settings from the spec's fields; the loss (T, alpha) comes in as losses.make_loss."""
    from ..training import TrainConfig

    return TrainConfig(epochs=spec.epochs, learning_rate=spec.learning_rate, batch_size=spec.batch_size,
                       max_length=spec.max_length, seed=seed)


@dataclass
class EvalSet:
    """The test split, with the teacher's (cached) logits: what every student is scored on."""

    texts: list[str]
    labels: np.ndarray  # (rows,)
    teacher_logits: np.ndarray  # (rows, classes)
    encoded: object  # data.Encoded
    num_labels: int

    def score(self, student) -> tuple[np.ndarray, dict]:
        """(student logits (rows, classes), metrics as a dict, agreement with the teacher included)."""
        from ..evaluation import evaluate_logits
        from ..training import predict_logits

        logits = predict_logits(student, self.encoded)
        return logits, evaluate_logits(logits, self.labels, self.num_labels, teacher_logits=self.teacher_logits).as_dict()


def eval_set(teacher: Teacher, task: TaskData, max_length: int, home: Path | None) -> EvalSet:
    """The task's test split, scored against the teacher."""
    from ..data import encode
    from ..teacher import cached_teacher_logits

    texts = task.test["text"].tolist()
    return EvalSet(texts, task.test["label"].to_numpy(), cached_teacher_logits(teacher, texts, max_length, home),
                   encode(teacher.tokenizer, texts, max_length), task.num_labels)


@dataclass
class TrainingRows:
    """What students train on: the labelled rows alone, or those followed by the transfer pool."""

    enc_labelled: object  # labelled rows (data.Encoded)
    labels: "np.ndarray"  # (labelled,)
    enc_distil: object  # labelled rows, then transfer rows
    labels_distil: "np.ndarray"  # (labelled + transfer,), IGNORE_LABEL on transfer rows
    teacher_distil: "np.ndarray"  # (labelled + transfer, classes) teacher logits, from the disk cache
    validation: tuple  # (Encoded, labels) of the validation split


def training_rows(teacher: Teacher, task: TaskData, labelled: "pd.DataFrame", transfer: list[str], max_length: int,
                  home: Path | None) -> TrainingRows:
    import numpy as np

    from ..data import encode
    from ..losses import IGNORE_LABEL
    from ..teacher import cached_teacher_logits

    tok = teacher.tokenizer
    texts, labels = labelled["text"].tolist(), labelled["label"].to_numpy()
    distil_texts = texts + list(transfer)
    teacher_distil = cached_teacher_logits(teacher, distil_texts, max_length, home)
    return TrainingRows(
        encode(tok, texts, max_length), labels, encode(tok, distil_texts, max_length),
        np.concatenate([labels, np.full(len(transfer), IGNORE_LABEL)]), teacher_distil,
        (encode(tok, task.validation["text"].tolist(), max_length), task.validation["label"].to_numpy()),
    )


def emitter(on_event: EventFn | None) -> EventFn:
    return on_event or (lambda e: None)


def check_cancel(cancel: threading.Event | None, message: str = "cancelled") -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled(message)


def seed_loop(seeds: list[int], conditions: list[str], emit: EventFn, cancel: threading.Event | None = None,
              phase_name: Callable[[int, str], str] = lambda seed, c: f"{c} · seed {seed}",
              message: Callable[[int, str, str], str] | None = None) -> Iterator[tuple[int, str, str]]:
    """(seed, condition, phase) for every seed and condition, seed-major; announces each phase and,
    with ``cancel``, stops with Cancelled after a condition once cancel is set."""
    for seed in seeds:
        for condition in conditions:
            phase = phase_name(seed, condition)
            text = message(seed, condition, phase) if message else f"training: {phase_name(seed, display_name(condition))}"
            emit({"kind": "phase", "phase": phase, "message": text})
            yield seed, condition, phase
            if cancel is not None:
                check_cancel(cancel)


def seed_summary(rows: list[dict], by: list[str] | str, metrics: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows as a frame, mean and std over seeds of ``metrics`` per ``by`` with a ``seeds`` count), in run order."""
    import pandas as pd

    df = pd.DataFrame(rows)
    out = df.groupby(by, sort=False)[metrics].agg(["mean", "std"]).reset_index()
    out.columns = [a if not b else f"{a}_{b}" for a, b in out.columns]
    out["seeds"] = df.groupby(by, sort=False).size().to_numpy()
    return df, out
