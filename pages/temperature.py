"""Temperature explorer: one teacher's logits, softened by T, beside the hard label.

Top: the readouts at your T. Left: the example, the T control with its stops, the logits table (or
the real teacher). Right: the three distributions. Below: entropy against T, the ratios that T
leaves in shape, and an animation across T that plays in the browser without rerunning the script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from distill_core import data
from distill_core import temperature as temp
from distill_core.errors import DistillError
from pages._runtime import runner
from pages._ui import course
from pages._ui.style import T_OPTIONS, T_STOPS, chart, fmt_t
from pages._ui.temperature_figures import animation_figure, distributions_figure, entropy_figure, ratio_table
from pages._ui.widgets import logit_editor, reset_page, slug
from pages._ui import session


@dataclass(frozen=True)
class Preset:
    names: tuple[str, ...]
    logits: tuple[float, ...]
    story: str  # one line under the picker: what to look for


PRESETS: dict[str, Preset] = {
    "Cat photo": Preset(
        # log(0.72, 0.14, 0.08, 0.04, 0.02) to 2 decimals: at T = 1 the teacher says 0.72 / 0.14 / ...
        ("cat", "tiger", "lion", "dog", "car"),
        (-0.33, -1.97, -2.53, -3.22, -3.91),
        "A photo of a cat. The label says only *cat*; the teacher also says it looks more like a tiger "
        "than a dog, and nothing like a car.",
    ),
    "Handwritten 7 that looks a bit like a 1": Preset(
        tuple(str(d) for d in range(10)),
        (0.5, 6.5, 2.0, 1.0, 1.5, 0.0, -0.5, 9.0, 0.5, 2.5),
        "A 7 written with a short bar. At T = 1 the teacher is 92% sure; raise T and the 1 (and a little "
        "9 and 2) appear: which digits a 7 resembles.",
    ),
    "Peaked teacher (0.998)": Preset(
        ("cat", "tiger", "lion", "dog", "car"),
        (-1.32, -7.88, -10.12, -12.88, -15.64),
        "The cat photo's logits times 4: 0.998 on cat at T = 1, so the soft targets are almost one-hot. "
        "At T = 4 you get exactly the cat photo's T = 1 distribution back.",
    ),
    "Mixed review (sentiment)": Preset(
        ("positive", "neutral", "negative"),
        (2.0, 1.2, 0.3),
        "\"Great food, slow service.\" With 3 classes the uniform limit is close: "
        "T = 4 already leaves little to tell the classes apart.",
    ),
}
DEFAULT_PRESET = "Cat photo"
DEFAULT_T = 2.0
DEFAULTS = {"temp_T": DEFAULT_T, "temp_preset": DEFAULT_PRESET, "temp_real": False}
DEFAULT_SENTENCE = "The screen is gorgeous, but the battery barely lasts a day."


def set_temperature(value: float) -> None:
    st.session_state["temp_T"] = value



# ---------------------------------------------------------------------------------------------
# Where the logits come from: a preset table the user can edit, or the bundled teacher.


def logits_from_table(preset_name: str) -> tuple[list[str], np.ndarray]:
    preset = PRESETS[preset_name]
    checked = logit_editor(
        pd.DataFrame({"class": list(preset.names), "logit": list(preset.logits)}),
        key=f"temp_editor_{slug(preset_name)}",
        column_config={
            "class": st.column_config.TextColumn("class", help="Any name; names must be unique."),
            "logit": st.column_config.NumberColumn(
                "logit z", help="The teacher's score before softmax. Only differences matter.", format="%.2f"
            ),
        },
        showing=f"the *{preset_name}* logits",
        caption="Edit a cell, add a row at the bottom, or select rows to delete them.",
    )
    if not checked.ok:
        return list(preset.names), np.array(preset.logits, dtype=float)
    return checked.names, np.array(checked.values["logit"], dtype=float)


def teacher_service():
    """distill_core.teacher, imported on first use (torch comes with it); None, said why, when it can't load."""
    try:
        with st.spinner("Loading the engine's teacher service..."):
            from distill_core import teacher
    except ImportError as exc:  # torch or the engine is missing here: say so, keep the page
        st.info(f"The real-teacher mode needs the engine's teacher service ({exc}).")
        return None
    return teacher


@st.cache_data(show_spinner=False, max_entries=64)
def teacher_logits(task: str, text: str) -> tuple[np.ndarray, list[str]]:
    from distill_core import teacher  # loads the cached teacher (its warm-up ran as a job)

    logits, labels = teacher.predict_logits_for(task, [text])
    return np.asarray(logits, dtype=float)[0], list(labels)


def warmup_run(job, task: str) -> int | None:
    """The task's teacher warm-up on this server: the one this session started, or one another session did."""
    run_id = st.session_state.get(f"temp_teacher_run_{slug(task)}")
    if run_id is not None:
        return run_id
    for live in job.active():
        run = job.store.get(live)
        if run is not None and run.kind == "teacher" and run.task == task:
            return live
    return None


def teacher_ready(teacher, task: str) -> bool:
    """True once the task's fine-tuned teacher is on disk; until then, offer to fine-tune it as a job
    of the shared runner (a minute or more on a laptop CPU) and show how it is going."""
    ready_key = f"temp_teacher_ready_{slug(task)}"
    if st.session_state.get(ready_key):
        return True
    job = runner()
    if job is None:  # runner() said why
        return False
    run_id = warmup_run(job, task)
    state = job.status(run_id) if run_id is not None else None
    if state is None or state.status not in ("queued", "running"):
        try:
            cached = (state is not None and state.status == "finished") or teacher.teacher_is_cached(task)
        except (DistillError, OSError):
            cached = False
        if cached:
            st.session_state[ready_key] = True
            return True
        if state is not None:
            st.warning(f"Fine-tuning the teacher {state.status}: {state.error}")
        st.info(
            "The first use fine-tunes the teacher on this task: a minute or more on a laptop CPU, in the "
            "background (the page stays usable). After that it loads in under a second."
        )
        if not st.button("Fine-tune the teacher", key="temp_teacher_go", icon=":material/school:"):
            return False
        try:
            run_id = job.submit({"task": task}, kind="teacher", task=task, run_fn=teacher.prepare_teacher, owner=session.owner_token())
        except DistillError as exc:  # the queue is full
            st.error(str(exc))
            return False
        st.session_state[f"temp_teacher_run_{slug(task)}"] = run_id
    st.fragment(warmup_progress, run_every=2)(job, run_id)
    return False


def warmup_progress(job, run_id: int) -> None:
    """Polls the warm-up job; a full rerun shows the teacher once it has ended."""
    state = job.status(run_id)
    if state is None or state.status not in ("queued", "running"):
        st.rerun()
    if state.status == "queued":
        st.info(f"The teacher's fine-tune is queued (position {state.position or '?'}). The charts show the preset meanwhile.")
    else:
        st.info(
            f"Fine-tuning the teacher in the background: {state.message}, {100 * state.fraction:.0f}%, "
            f"{state.elapsed_s:.0f} s so far. The charts show the preset meanwhile."
        )


def logits_from_real_teacher() -> tuple[list[str], np.ndarray] | None:
    """The bundled teacher's logits for a sentence; None (with a message shown) if it can't run."""
    teacher = teacher_service()
    if teacher is None:
        return None
    tasks = data.available_sample_tasks()
    if not tasks:
        st.info("No sample task is available for the real teacher.")
        return None
    task = st.selectbox(
        "Task",
        list(tasks),
        key="temp_task",
        format_func=lambda name: tasks[name].title,
        help="The teacher is the bundled MiniLM (all-MiniLM-L6-v2), fine-tuned on this sample task. It is itself a product of "
             "distillation: every second layer of MiniLM-L12-H384, which Wang et al. (2020) distilled from a BERT-base-sized "
             "UniLM v2 teacher, then fine-tuned on 1B sentence pairs.",
    )
    st.caption(tasks[task].description)
    text = st.text_input("Sentence", value=DEFAULT_SENTENCE, key="temp_text", max_chars=500)
    if not text.strip():
        st.info("Type a sentence to see the teacher's distribution.")
        return None
    if not teacher_ready(teacher, task):
        return None
    try:
        with st.spinner("Asking the teacher..."):
            logits, labels = teacher_logits(task, text.strip())
    except (DistillError, OSError, ValueError) as exc:  # a missing model or an engine error: a message, never a traceback
        st.warning(f"The teacher could not answer: {exc}")
        return None
    if len(labels) != logits.shape[-1] or not np.all(np.isfinite(logits)):
        st.warning("The teacher returned logits that don't match its labels.")
        return None
    st.caption("The teacher's logits: " + ", ".join(f"{n} {z:.2f}" for n, z in zip(labels, logits)))
    return list(labels), logits


def show_readouts(names: list[str], logits: np.ndarray, t: float) -> None:
    """Entropy, effective classes and the probability off the top class at T, each against T = 1."""
    info = temp.describe(logits, t)
    info_1 = temp.describe(logits, 1.0)
    k = len(names)
    top = int(np.argmax(logits))

    # (label, value at T, change from T = 1, what it means)
    readouts = [
        ("Entropy", f"{info['entropy_bits']:.2f} bits", f"{info['entropy_bits'] - info_1['entropy_bits']:+.2f}",
         f"How spread the soft targets are: 0 bits is one-hot, log₂ {k} = {info['max_entropy_bits']:.2f} bits is uniform."),
        ("Effective classes", f"{info['effective_classes']:.2f} of {k}",
         f"{info['effective_classes'] - info_1['effective_classes']:+.2f}",
         "2 to the power of the entropy: as many equally likely classes would have the same entropy."),
        ("Probability off the top class", f"{info['dark_knowledge']:.1%}",
         f"{100 * (info['dark_knowledge'] - info_1['dark_knowledge']):+.1f} pts",
         f"1 − p({names[top]}): the mass a one-hot label throws away. A measure this app uses, not Hinton's: it is largest, "
         f"1 − 1/{k}, at the uniform distribution, where the targets carry no information. Dark knowledge is in how this "
         "mass is shared among the other classes (the ratios below), not in how much of it there is."),
    ]
    for column, (label, value, delta, help_text) in zip(st.columns(3), readouts):
        column.metric(label, value, delta=delta, delta_description="vs T = 1", delta_color="off", help=help_text, border=True)
    st.caption(
        f"At T = {fmt_t(t)}, against the teacher as trained (T = 1). Maximum entropy for {k} classes: "
        f"log₂ {k} = {info['max_entropy_bits']:.2f} bits (uniform). *Probability off the top class* is this app's "
        f"measure, not Hinton's: it peaks at uniform ({1 - 1 / k:.0%}), where the targets say nothing."
    )


# ---------------------------------------------------------------------------------------------
# The page

st.title("Temperature explorer")
course.header("temperature")
st.markdown(
    "A teacher's softmax at temperature $T$: $p_i = e^{z_i/T} / \\sum_j e^{z_j/T}$. "
    "Raising $T$ softens the distribution and shows the *dark knowledge* in the small probabilities, "
    "which a one-hot label throws away (Hinton, Vinyals & Dean, 2015)."
)

readouts = st.container()  # filled below, once the logits are known: the numbers sit above everything
controls, view = st.columns([4, 7], gap="large")

with controls:
    real_mode = st.toggle(
        "Real teacher",
        key="temp_real",
        help="Type a sentence and see the bundled teacher's own distribution. Loads a model the first time.",
    )
    preset_name = st.selectbox(
        "Example", list(PRESETS), index=0, key="temp_preset", bind="query-params", disabled=real_mode
    )
    if preset_name not in PRESETS:  # defensive: the URL can only carry a listed option
        preset_name = DEFAULT_PRESET
    if not real_mode:
        st.caption(PRESETS[preset_name].story)

    t = st.select_slider(
        "Temperature T (log scale)",
        options=T_OPTIONS,
        value=DEFAULT_T,
        format_func=fmt_t,
        key="temp_T",
        bind="query-params",
        help="Divides every logit by T before the softmax.",
    )
    with st.container(horizontal=True, gap="small"):
        for stop in T_STOPS:
            st.button(
                f"T = {fmt_t(stop)}",
                key=f"temp_stop_{fmt_t(stop)}",
                on_click=set_temperature,
                args=(stop,),
                icon=":material/check:" if stop == t else None,
            )
        st.button("Reset", key="temp_reset", icon=":material/restart_alt:", on_click=reset_page, args=(DEFAULTS, "temp_"))
    st.caption(
        "T = 1 is the teacher as trained. Hinton et al. (2015) found T between 2.5 and 4 best for a very "
        "small MNIST student; for larger students any T above 8 did about as well."
    )

    source = None
    if real_mode:
        source = logits_from_real_teacher()
        if source is None:
            st.caption(f"Meanwhile, the charts show the *{preset_name}* example.")
    if source is None:
        if real_mode:
            preset = PRESETS[preset_name]
            source = (list(preset.names), np.array(preset.logits, dtype=float))
        else:
            st.markdown("**The teacher's logits**")
            source = logits_from_table(preset_name)
    names, logits = source

with readouts:
    show_readouts(names, logits, t)

with view:
    chart(distributions_figure(names, logits, t), key="temp_chart_dists")
    st.caption(
        f"The argmax ({names[int(np.argmax(logits))]}) stays on top at every T: temperature changes how much the other classes "
        "show, never their order."
    )

curve_col, ratio_col = st.columns([5, 6], gap="large")
with curve_col:
    chart(entropy_figure(logits, t), key="temp_chart_entropy")
    st.caption(
        "Entropy rises with T for any logits that aren't all equal. Below T = 1 the teacher is sharpened "
        "towards its argmax, above it softened towards uniform."
    )
with ratio_col:
    st.markdown("**Ratios keep their shape**")
    st.markdown(
        "$\\log(p_i/p_\\text{top}) = (z_i - z_\\text{top})/T$: every log ratio is the T = 1 one divided by T. "
        "Ranks never change; T only turns the volume of the small classes up or down."
    )
    st.dataframe(
        ratio_table(names, logits, t),
        hide_index=True,
        width="stretch",
        column_config={
            "p/p_top": st.column_config.NumberColumn(format="%.4f", help="ratio to the top class at your T"),
            f"log ratio (T={fmt_t(t)})": st.column_config.NumberColumn(format="%.3f", help="(z_i - z_top) / T"),
            "log ratio (T=1)": st.column_config.NumberColumn(format="%.3f", help="z_i - z_top"),
        },
    )
    if len(names) >= 3:
        order = np.argsort(-logits, kind="stable")
        a, b = int(order[1]), int(order[2])
        r1 = math.exp((logits[a] - logits[b]) / 1.0)
        rt = math.exp((logits[a] - logits[b]) / t)
        st.caption(
            f"Between two non-top classes: p({names[a]}) / p({names[b]}) = {r1:.2f} at T = 1 and "
            f"{rt:.2f} at T = {fmt_t(t)}, i.e. {r1:.2f}^(1/{fmt_t(t)})."
        )

st.subheader("Play through T")
st.caption(
    "Press ▶ Play or drag the slider under the chart: it runs in your browser, without rerunning the page. "
    "The readouts above stay at the T you chose."
)
chart(animation_figure(names, logits, t), key="temp_chart_animation")
course.footer("temperature")
