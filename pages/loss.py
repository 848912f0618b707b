"""Loss playground: the KD loss for one example, split into its hard and soft parts.

Top: the formula; alpha, T and the example beside the teacher's and student's logits and the
label; then the total and its two parts, computed by distill_core.temperature.kd_loss_parts. Below: why the
soft term carries T^2, and the nn.KLDivLoss() pitfall ("mean" also divides by the classes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from distill_core.temperature import kd_loss_parts
from pages._ui import course
from pages._ui.loss_figures import breakdown_figure, distributions_figure, gradient_figure
from pages._ui.style import T_OPTIONS, chart, fmt_t
from pages._ui.widgets import logit_editor, reset_page, slug

CAT_CLASSES = ("cat", "tiger", "lion", "dog", "car")
CAT_TEACHER = (-0.33, -1.97, -2.53, -3.22, -3.91)  # the temperature page's cat photo: 0.72 / 0.14 / ...


@dataclass(frozen=True)
class Example:
    names: tuple[str, ...]
    teacher: tuple[float, ...]
    student: tuple[float, ...]
    label: str
    story: str


EXAMPLES: dict[str, Example] = {
    "Student still learning": Example(
        CAT_CLASSES, CAT_TEACHER, (0.8, 0.1, 0.3, 0.9, 0.2), "cat",
        "The student can't yet tell the cat from a dog. Both terms push it: the label towards *cat*, "
        "the teacher also towards *tiger and lion, not dog*.",
    ),
    "Student confident and wrong": Example(
        CAT_CLASSES, CAT_TEACHER, (-1.0, 0.0, 0.0, 4.0, 0.0), "cat",
        "The student is sure it's a dog. Both terms are large; lower T to see the hard-label-like "
        "sharpness of the soft term, raise it to see the whole distribution compared.",
    ),
    "Student matches the teacher": Example(
        CAT_CLASSES, CAT_TEACHER, (1.67, 0.03, -0.53, -1.22, -1.91), "cat",
        "The student's logits are the teacher's plus 2: the same softmax, so the soft term is 0 at "
        "every T and only the hard label still pulls (towards a more confident cat).",
    ),
    "Teacher wrong, label right": Example(
        CAT_CLASSES, (-1.2, -0.6, -2.0, -3.0, -4.0), (-1.0, -0.8, -2.0, -3.0, -4.0), "cat",
        "The teacher prefers *tiger*, the label says *cat*. The two terms pull in different "
        "directions: alpha decides who wins.",
    ),
}
DEFAULT_EXAMPLE = "Student still learning"
DEFAULT_ALPHA = 0.5
DEFAULT_T = 2.0
DEFAULTS = {"loss_example": DEFAULT_EXAMPLE, "loss_alpha": DEFAULT_ALPHA, "loss_T": DEFAULT_T}



def read_table(example_name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    example = EXAMPLES[example_name]
    checked = logit_editor(
        pd.DataFrame({"class": list(example.names), "teacher": list(example.teacher), "student": list(example.student)}),
        key=f"loss_editor_{slug(example_name)}",
        column_config={
            "class": st.column_config.TextColumn("class", width="small"),
            "teacher": st.column_config.NumberColumn("teacher", format="%.2f", width="small", help="Teacher logit"),
            "student": st.column_config.NumberColumn("student", format="%.2f", width="small", help="Student logit"),
        },
        showing=f"*{example_name}*",
    )
    if not checked.ok:
        return list(example.names), np.array(example.teacher, dtype=float), np.array(example.student, dtype=float)
    return checked.names, np.array(checked.values["teacher"]), np.array(checked.values["student"])



# ---------------------------------------------------------------------------------------------
# The page

st.title("Loss playground")
course.header("loss")
st.latex(
    r"L = \alpha\,\mathrm{CE}(\text{student}, y) + (1-\alpha)\,T^2\,"
    r"\mathrm{KL}\!\left(p^{T}_\text{teacher}\,\middle\|\,p^{T}_\text{student}\right)"
)
st.caption(
    "CE: cross-entropy with the hard label y, at T = 1. KL(p_teacher ‖ p_student) = Σ p_teacher · log(p_teacher / p_student): "
    "the divergence of the teacher's softened probabilities from the student's, an average under the teacher's "
    "distribution, so the student pays most where the teacher puts probability. Both at temperature T, summed over "
    "classes and averaged over the batch (Hinton, Vinyals & Dean, 2015)."
)

settings, logits_col = st.columns(2, gap="large")
with settings:
    example_name = st.selectbox("Example", list(EXAMPLES), key="loss_example", bind="query-params")
    if example_name not in EXAMPLES:
        example_name = DEFAULT_EXAMPLE
    st.caption(EXAMPLES[example_name].story)
    alpha = st.slider(
        "α: weight of the hard label", 0.0, 1.0, DEFAULT_ALPHA, 0.05, key="loss_alpha", bind="query-params",
        help="α = 1: labels only, no teacher. α = 0: the teacher only, no labels.",
    )
    t = st.select_slider(
        "Temperature T (log scale)", options=T_OPTIONS, value=DEFAULT_T, format_func=fmt_t,
        key="loss_T", bind="query-params", help="Softens teacher and student alike, in the KL term only.",
    )
    st.button("Reset", key="loss_reset", icon=":material/restart_alt:", on_click=reset_page, args=(DEFAULTS, "loss_"))
with logits_col:
    st.markdown("**Logits for one example**")
    names, teacher, student = read_table(example_name)
    default_label = EXAMPLES[example_name].label
    label_name = st.selectbox(
        "Hard label y",
        names,
        index=names.index(default_label) if default_label in names else 0,
        key=f"loss_label_{slug(example_name)}",
        help="The true class of this example.",
    )
    label = names.index(label_name) if label_name in names else 0

loss = kd_loss_parts(student, teacher, label, temperature=t, alpha=alpha)
total = loss["total"]
hard_part = alpha * loss["hard"]
soft_part = (1.0 - alpha) * loss["soft"]

c1, c2, c3 = st.columns(3)
c1.metric("Total loss L", f"{total:.4f}", border=True, help="In nats, for this one example.")
c2.metric("Hard part α·CE", f"{hard_part:.4f}", border=True, help=f"CE = {loss['hard']:.4f}, times α = {alpha:.2f}.")
c3.metric("Soft part (1−α)·T²·KL", f"{soft_part:.4f}", border=True,
          help=f"KL = {loss['kl']:.4f}, times T² = {t * t:g}, times 1 − α = {1 - alpha:.2f}.")
st.markdown(
    f"CE = **{loss['hard']:.4f}** · KL at T = {fmt_t(t)} = **{loss['kl']:.4f}** · T² = **{t * t:g}** · "
    f"so L = {alpha:.2f} × {loss['hard']:.4f} + {1 - alpha:.2f} × {t * t:g} × {loss['kl']:.4f} = **{total:.4f}**"
)
split, compare = st.columns(2, gap="large")
with split:
    chart(breakdown_figure(hard_part, soft_part, alpha, t), key="loss_chart_breakdown")
    st.caption(
        "α trades the two parts against each other. The soft part is 0 when the student's softened "
        "distribution equals the teacher's; the hard part is 0 only for a student certain of the label."
    )
with compare:
    chart(distributions_figure(names, teacher, student, label, t), key="loss_chart_dists")

st.divider()
why, pitfall = st.columns(2, gap="large")
with why:
    st.subheader("Why T²")
    chart(gradient_figure(teacher, student, t), key="loss_chart_gradient")
    st.caption(
        "The gradient of KL at temperature T on the student's logits is (p_student − p_teacher) / T, and for "
        "large T the difference itself shrinks like 1/T: without T² the teacher's signal fades as 1/T² "
        "(dashed). Multiplying by T² keeps it about constant (solid), so changing T doesn't silently "
        "change how much the teacher counts against the label (Hinton et al., 2015)."
    )

with pitfall:
    st.subheader("The pitfall: nn.KLDivLoss()")
    reductions = loss["reductions"]
    k = reductions["classes"]
    st.markdown(
        "A snippet often copied (the seed article's too) writes `nn.KLDivLoss()`. Its default "
        "`reduction=\"mean\"` averages over **batch × classes**, so it is the KL divided by the number "
        f"of classes (here {k}). `reduction=\"batchmean\"` divides by the batch size only: "
        "**that is the KL in the formula.**"
    )
    st.code(
        "log_p_s = F.log_softmax(s / T, dim=-1)\n"
        "p_t = F.softmax(t / T, dim=-1)\n"
        "mean = nn.KLDivLoss()  # the default\n"
        "batchmean = nn.KLDivLoss(reduction=\"batchmean\")\n\n"
        f"mean(log_p_s, p_t)       # {reductions['mean']:.5f}\n"
        f"batchmean(log_p_s, p_t)  # {reductions['batchmean']:.5f}",
        language="python",
        wrap_lines=True,
    )
    p1, p2 = st.columns(2)
    p1.metric("batchmean", f"{reductions['batchmean']:.4f}", border=True, help="The KL in the formula.")
    p2.metric("mean", f"{reductions['mean']:.4f}", border=True,
              help=f"batchmean / mean = {k}, the number of classes, whenever the KL isn't 0.")
    st.caption(
        f"On this batch of {reductions['batch']} example(s) with {k} classes, the default would weigh the "
        f"soft term {k} times too little: its part of L would be {(1 - alpha) * t * t * reductions['mean']:.4f} "
        f"instead of {soft_part:.4f}."
    )
course.footer("loss")
