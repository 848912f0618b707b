"""The specs of the experiments: every default lives here, once.

Plain dataclasses with a comment per field (nanoGPT's config style). The CLI builds its options from
them (``SpecBase.default``) and the pages take their defaults from them, so a run from the command
line and the same run from a page are one spec. No torch here: the parser and the pages load this
module without loading a model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..device import CHOICES as DEVICES, check_choice as check_device
from ..errors import DistillError
from ..mappings import STRATEGIES as LAYER_MAPS
from .base import SpecBase, check_alpha, check_learning_rate, check_temperature

__all__ = ["DistillSpec", "DistillPreset", "DISTILL_PRESETS", "SoftTargetSpec", "LayerExperimentSpec", "EXPERIMENTS", "INITS", "ARCHITECTURES", "STUDENT_KINDS", "WORD_LR", "LAYER_MAPS",
           "OBJECTIVE_FIELDS", "DEVICES", "BUNDLED", "HARD", "PSEUDO", "LABELLED_SOFT"]

BUNDLED = "bundled"  # = models.BUNDLED, the offline teacher (not imported from there: models loads torch)
ARCHITECTURES = ("bert", "distilbert")
# the student of a comparison: the truncated teacher, or Tang et al. (2019)'s word-embedding BiLSTM / CNN (word_student.py)
STUDENT_KINDS = ("transformer", "bilstm", "cnn")
# The learning rate a word student gets unless one is given (the page and the CLI alike): at a transformer's 5e-4 it
# learns little in a few dozen steps (hard labels 37 to 40% on sentiment, 33 steps; distilled 55.7% at 3e-3).
WORD_LR = 3e-3
# the intermediate objectives a DistillSpec can weigh: the field names are the keys of losses.OBJECTIVES
OBJECTIVE_FIELDS = ("hidden_mse", "attention", "pkd", "cosine")
# The soft-target experiment's condition keys, stored in reports and assets/reference/soft_targets_intents.json:
# base.display_name("hard") is what is shown.
HARD, PSEUDO = "hard", "pseudo"
# Hinton's own comparison: "labelled soft T=k" trains on the labelled rows alone (no transfer set) with soft targets at T=k
LABELLED_SOFT = "labelled soft"


INITS = ("pretrained", "finetuned", "random")


@dataclass
class DistillSpec(SpecBase):
    """Everything that defines a run; saved with it, so a run can be reproduced from its row."""

    task: str | None = "sentiment"  # a sample task, or None with data_file
    data_file: str | None = None  # a CSV/TSV of your own: rows with an empty label become the transfer set
    transfer_file: str | None = None  # optional second file of unlabelled text (a text column) for the transfer set
    text_col: str = "text"
    label_col: str = "label"
    teacher: str = BUNDLED  # "bundled", a model folder, or a hub id
    teacher_epochs: int | None = None  # None: the sample task's recipe (5 for uploads)
    teacher_lr: float | None = None  # None: the sample task's recipe (1e-4 for uploads)
    student_layers: list[int] | None = None  # None: one teacher layer in two
    # "pretrained": copy the kept layers of the teacher before fine-tuning (DistilBERT's recipe; the
    # hard-label baseline then never sees the teacher); "finetuned": copy them from the fine-tuned
    # teacher (both students inherit its task knowledge); "random": fresh weights
    init: str = "pretrained"
    architecture: str = "bert"  # "bert" (truncated BERT) or "distilbert"
    student_kind: str = "transformer"  # STUDENT_KINDS; "bilstm" / "cnn" ignore student_layers and architecture
    temperature: float = 4.0
    alpha: float = 0.5  # weight of the hard labels
    # a transfer row's soft term weighs as much as a pseudo-labelled row's cross-entropy (the soft-target experiment's
    # rule); None: batch means, where a few labelled rows share half the loss and the transfer rows learn at half speed
    unlabelled_weight: float | None = None
    epochs: int = 3
    learning_rate: float = 1e-4
    batch_size: int = 32
    max_length: int = 64
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    max_train: int | None = None  # cap on labelled training rows (None: all)
    # labelled rows kept per class, drawn with a fixed seed (None: all): distillation's realistic setting, few labels
    # and much unlabelled text the teacher labels
    labels_per_class: int | None = None
    use_transfer: bool = True  # add the task's unlabelled pool, labelled by the teacher's soft targets
    transfer_size: int | None = None  # cap on transfer rows (None: all)
    latency: bool = True
    # intermediate objectives for the distilled student, weight per term (0 = off)
    hidden_mse: float = 0.0  # FitNets / TinyBERT hidden states
    attention: float = 0.0  # TinyBERT attention maps
    pkd: float = 0.0  # Patient KD, normalised [CLS]
    cosine: float = 0.0  # DistilBERT cosine on hidden states
    layer_map: str = "distilbert"  # which teacher layer each student layer is matched to (mappings.STRATEGIES)
    device: str = "auto"  # "auto" (a CUDA GPU when torch sees one), "cpu" or "cuda"; DISTILL_LAB_DEVICE sets auto's default

    def validate(self) -> None:
        check_device(self.device)
        check_alpha(self.alpha)
        check_temperature(self.temperature)
        if not 1 <= self.epochs <= 50:
            raise DistillError(f"epochs must lie in 1..50, got {self.epochs}")
        if not self.seeds or len(self.seeds) > 10:
            raise DistillError("give 1 to 10 seeds")
        check_learning_rate(self.learning_rate)
        if self.max_train is not None and self.max_train < 10:
            raise DistillError("keep at least 10 training rows")
        if self.unlabelled_weight is not None and not 0 <= self.unlabelled_weight <= 100:
            raise DistillError(f"the unlabelled weight must lie in [0, 100], got {self.unlabelled_weight}")
        if self.labels_per_class is not None and not 2 <= self.labels_per_class <= 100_000:
            raise DistillError(f"labels per class must lie in 2..100000, got {self.labels_per_class}")
        if self.init == "teacher":  # the name used before "finetuned" and "pretrained" were told apart
            self.init = "finetuned"
        if self.init not in INITS:
            raise DistillError(f"init must be one of {', '.join(INITS)}, got '{self.init}'")
        if self.student_kind not in STUDENT_KINDS:
            raise DistillError(f"student kind must be one of {', '.join(STUDENT_KINDS)}, got '{self.student_kind}'")
        if self.student_kind != "transformer" and self.objectives():  # they match transformer layers one to one
            raise DistillError(f"a {self.student_kind} student has no transformer layers to match: logit distillation only")
        if any(w < 0 or w > 1000 for w in (getattr(self, name) for name in OBJECTIVE_FIELDS)):
            raise DistillError("objective weights must lie in [0, 1000]")

    def objectives(self) -> dict[str, float]:
        """The intermediate objectives in use and their weights."""
        return {name: getattr(self, name) for name in OBJECTIVE_FIELDS if getattr(self, name) > 0}


@dataclass(frozen=True)
class DistillPreset:
    """A named starting point for the comparison: the live page's preset buttons and the CLI's ``--preset`` (where
    options given explicitly override it). Fields not named here keep DistillSpec's defaults."""

    label: str
    seeds: int  # runs seeds 0..n-1
    epochs: int  # student epochs
    transfer_size: int | None  # unlabelled rows the teacher labels (None: all the task has)
    max_train: int | None = None
    teacher_epochs: int | None = None  # None: the task's teacher recipe
    teacher: str = BUNDLED
    blurb: str = ""
    learning_rate: float = DistillSpec.default("learning_rate")
    labels_per_class: int | None = None
    max_length: int = DistillSpec.default("max_length")
    init: str = DistillSpec.default("init")
    batch_size: int = DistillSpec.default("batch_size")
    unlabelled_weight: float | None = DistillSpec.default("unlabelled_weight")

    def overrides(self) -> dict:
        """The DistillSpec fields this preset sets."""
        return {"seeds": list(range(self.seeds)), "epochs": self.epochs, "transfer_size": self.transfer_size,
                "max_train": self.max_train, "teacher_epochs": self.teacher_epochs, "teacher": self.teacher,
                "learning_rate": self.learning_rate, "labels_per_class": self.labels_per_class, "max_length": self.max_length,
                "init": self.init, "batch_size": self.batch_size, "unlabelled_weight": self.unlabelled_weight}


DISTILL_PRESETS: dict[str, DistillPreset] = {
    # Quick: distillation's realistic setting, few labels and much unlabelled text the teacher labels. Students start
    # from the fine-tuned teacher's layers (at ~20 steps the pre-trained ones left every student near chance) and a
    # transfer row's soft term weighs as much as a pseudo-labelled row's CE. Measured on 2 cores, teacher cached:
    # 46 s; hard labels 52.4, teacher's labels 69.7, distilled 70.0 (assets/reference/quick-demo.json).
    "quick": DistillPreset("Quick demo", 2, 2, 250, learning_rate=5e-4, labels_per_class=10, init="finetuned", unlabelled_weight=1.0,
                           blurb="2 seeds; 10 labelled reviews per class plus 250 unlabelled ones the teacher labels; 2 epochs"),
    # Workshop and Thorough train at 3e-4 / 1e-4 on all 600 labelled reviews: with that many labels the extra text
    # adds little, and Workshop shows no clear gain; Thorough (the shipped reference's settings) does.
    "workshop": DistillPreset("Workshop", 2, 3, 1000, learning_rate=3e-4, blurb="2 seeds, 3 epochs, all 600 labelled reviews, 1,000 transfer reviews"),
    "thorough": DistillPreset("Thorough", 3, 3, None,
                              blurb="3 seeds, 3 epochs, all labels and the whole transfer pool: the reference run, +4.8 points there"),
}


@dataclass
class SoftTargetSpec(SpecBase):
    task: str = "intents"
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    temperatures: list[float] = field(default_factory=lambda: [1.0, 2.0, 4.0])
    # Hinton's own comparison, soft targets vs hard labels on the same labelled rows and no transfer set, at these T
    # (empty: skip). One T keeps the reference run within its budget; T 4 is where the tail carries the most
    labelled_only_temperatures: list[float] = field(default_factory=lambda: [4.0])
    alpha: float = 0.5  # weight of the hard labels on labelled rows
    # a transfer row's soft term weighs as much as a pseudo-labelled row's CE (None: the batch-mean
    # KD loss, where transfer rows get only the (1 - alpha) share and learn at half speed)
    unlabelled_weight: float | None = 1.0
    epochs: int = 2  # passes over labelled + transfer rows; every condition gets that many steps
    learning_rate: float = 5e-4  # at 1e-4 the ~116 steps left every student far from converged (hard labels 68.6%)
    batch_size: int = 32
    max_length: int = 48
    transfer_size: int | None = 1200  # rows of the transfer pool used (None: all)
    low_data_per_class: int | None = 10  # the low-data regime's labelled rows per class (None: skip)
    all_labels: bool = True  # run the all-labels regime too (the long-schedule reference runs the low-data one alone)
    student_layers: list[int] | None = None  # None: one teacher layer in two
    teacher_epochs: int | None = None  # None: the task's recipe
    teacher_lr: float | None = None
    teacher: str = BUNDLED  # or a model folder (the tests pass a tiny one)
    init: str = "pretrained"  # students copy the teacher's layers from before its fine-tuning, so the
    # low-data regime's students see only their few labels (and the teacher's outputs), nothing more

    def validate(self) -> None:
        if not self.seeds or not self.temperatures:
            raise DistillError("give at least one seed and one temperature")
        for t in [*self.temperatures, *self.labelled_only_temperatures]:
            check_temperature(t)
        check_alpha(self.alpha)
        if not self.all_labels and not self.low_data_per_class:
            raise DistillError("no regime to run: keep all labels or give a low-data regime")

    @classmethod
    def long_schedule(cls) -> "SoftTargetSpec":
        """The longer schedule (Beyer et al. 2022): the low-data regime alone at three times the steps. To fit about
        15 minutes on 2 shared cores: 2 seeds, T 4 only (T 1 tied with argmax labels at the short schedule; T 4 is
        where a cost of matching the tail in few steps, if that is what it is, should shrink), and no labelled-only
        condition. assets/reference/soft_targets_intents_long.json is this spec."""
        return cls(seeds=[0, 1], all_labels=False, epochs=3 * cls.default("epochs"), temperatures=[4.0],
                   labelled_only_temperatures=[])

    def trainings(self) -> int:
        """Students trained: conditions x regimes x seeds."""
        return len(self.conditions()) * (int(self.all_labels) + int(bool(self.low_data_per_class))) * len(self.seeds)

    def conditions(self) -> list[str]:
        """In run order; the labelled-only ones come last, so the others keep the seeds and steps of earlier references."""
        return ([HARD, PSEUDO] + [f"soft T={t:g}" for t in self.temperatures]
                + [f"{LABELLED_SOFT} T={t:g}" for t in self.labelled_only_temperatures])


# experiment -> (title, [(condition, description)], what the literature reports). The condition names are
# stored in reports and assets/reference/layers-*.json ("fine-tune only" included): display_name() is what is shown.
EXPERIMENTS: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    "init": (
        "Initialisation: teacher layers vs random",
        [("teacher layers", "student layers copied from the pre-trained teacher, then logit distillation"),
         ("random", "the same architecture from random weights, then logit distillation")],
        "DistilBERT (Sanh et al. 2019) initialises the student from one teacher layer in two; their ablation "
        "lost 3.7 GLUE points with random initialisation.",
    ),
    "objective": (
        "Objective: what the student matches",
        [("logits", "KD on the teacher's soft targets only"),
         ("logits + hidden", "plus hidden-state MSE on the mapped layers (FitNets / TinyBERT)"),
         ("logits + attention", "plus attention-map MSE on the mapped layers (TinyBERT)"),
         ("logits + PKD", "plus normalised [CLS] MSE on the mapped inner layers (Patient KD)")],
        "TinyBERT (Jiao et al. 2020) and PKD (Sun et al. 2019) report gains from matching intermediate layers. "
        "Here each student layer is matched to the teacher layer it was copied from (the DistilBERT map; "
        "TinyBERT's uniform map would pair last with last), and each term is added to the logits alone.",
    ),
    "agnostic": (
        "Task-agnostic then fine-tune vs task-specific",
        [("fine-tune only", "hard labels on the task, no teacher"),
         ("task-agnostic → fine-tune", "half the steps matching the pre-trained teacher's hidden states and attention on "
                                        "general text, then hard labels on the task"),
         ("task-specific", "all steps distilling the fine-tuned teacher on the task (logits + hidden + attention)")],
        "DistilBERT distils on general text, then fine-tunes; TinyBERT does both stages and reports that each helps "
        "(Jiao et al. 2020).",
    ),
}


@dataclass
class LayerExperimentSpec(SpecBase):
    experiment: str = "objective"  # "init" | "objective" | "agnostic"
    task: str = "sentiment"
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    student_layers: list[int] | None = None  # None: one teacher layer in two
    layer_map: dict | None = None  # a LayerMap as a dict for hidden / attention terms (None: the DistilBERT map)
    epochs: int = 2  # passes over labelled + transfer rows; fixes the steps of every condition
    learning_rate: float = 2e-4
    batch_size: int = 32
    max_length: int = 64
    temperature: float = 4.0
    alpha: float = 0.5
    transfer_size: int = 1000
    max_train: int | None = None
    general_size: int | None = None  # general-text rows for the task-agnostic stage (None: all)
    cka_rows: int = 200  # test rows for the CKA matrices
    teacher: str = BUNDLED  # or a model folder (the tests pass a tiny one)
    teacher_epochs: int | None = None

    def validate(self) -> None:
        if self.experiment not in EXPERIMENTS:
            raise DistillError(f"unknown experiment '{self.experiment}'; choose one of {', '.join(EXPERIMENTS)}")
        if not self.seeds:
            raise DistillError("give at least one seed")
        if self.epochs < 1:
            raise DistillError("epochs must be at least 1")
        check_learning_rate(self.learning_rate)

    def conditions(self) -> list[str]:
        return [c for c, _ in EXPERIMENTS[self.experiment][1]]
