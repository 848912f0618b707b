"""The live page's student choice: the teacher's kept layers, or a word-embedding student (Tang et al. 2019).

One call in the settings: ``student_kind = student_choice()``. The choice lives in the URL (``?student=bilstm``),
so an instructor can share a link that opens the tiny student.
"""

from __future__ import annotations

import streamlit as st

from distill_core.experiments.specs import STUDENT_KINDS, WORD_LR

KEY = "dist_student_kind"  # "dist_" so the page's Reset clears it with the rest
LABELS = {
    "transformer": "3-layer transformer (the teacher's kept layers)",
    "bilstm": "BiLSTM on the teacher's word embeddings (Tang et al. 2019)",
    "cnn": "CNN on the teacher's word embeddings",
}
ABOUT = {
    "bilstm": "Tang et al. (2019) distilled BERT into one BiLSTM layer over word embeddings: about 100x fewer parameters "
              "than their teacher. Here it reads the teacher's own embeddings of the wordpieces this task uses (about 1.3M "
              "parameters in all, against 17M for the 3-layer transformer), and trains with the same loss, steps and "
              "comparison as the transformer.",
    "cnn": "Filters 3 to 5 wordpieces wide over the teacher's embeddings of this task's wordpieces, the maximum of each "
           "over the text (about 1.1M parameters): no recurrence, so it is the quickest of the students.",
}
NOT_USED = ("The teacher layers, architecture and intermediate objectives below apply to the transformer student only: "
            "this student learns from the teacher's logits.")
# A training step of a word student costs about this share of the 3-layer transformer's: batch 32 of 30 wordpieces,
# forward and backward, 1 torch thread, interleaved on a busy 2-core machine: BiLSTM 0.14 s, CNN 0.15 s, transformer 1.75 s
STEP_COST = {"bilstm": 0.1, "cnn": 0.1}


# Learning rates the page offers; a word student starts at its own default (distill_core.experiments.specs.WORD_LR).
LEARNING_RATES = {"transformer": [2e-5, 5e-5, 1e-4, 2e-4, 3e-4, 5e-4], "word": [5e-4, 1e-3, 2e-3, 3e-3, 5e-3]}


def learning_rates(kind: str, preset_lr: float) -> tuple[list[float], float]:
    """(the learning rates offered for this student kind, the default among them)."""
    if kind in STUDENT_KINDS[1:]:  # a BiLSTM / CNN student, as in the CLI's parse_args
        return LEARNING_RATES["word"], WORD_LR
    rates = LEARNING_RATES["transformer"]
    return rates, preset_lr if preset_lr in rates else rates[-1]


def step_cost(spec) -> float:
    """A step of the spec's student against a 3-layer transformer's, for the page's time estimate."""
    if spec.student_kind in STEP_COST:
        return STEP_COST[spec.student_kind]
    return len(spec.student_layers or [0, 2, 4]) / 3


def student_choice() -> str:
    """The student kind picked (a DistillSpec.student_kind), with a line on what it is."""
    from_link = st.query_params.get("student")  # the default; the user's choice, in session state, wins
    default = from_link if from_link in STUDENT_KINDS else STUDENT_KINDS[0]
    kind = st.selectbox("Student", list(STUDENT_KINDS), format_func=LABELS.get, key=KEY, index=list(STUDENT_KINDS).index(default),
                        help="Every student kind gets the same four-way comparison: teacher, hard labels, the teacher's "
                             "labels, distilled.")
    if kind == STUDENT_KINDS[0]:
        st.query_params.pop("student", None)
    else:
        st.query_params["student"] = kind
        st.caption(f"{ABOUT[kind]} {NOT_USED}")
    return kind
