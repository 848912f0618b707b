"""Temperature explorer: one teacher's logits, softened by T, beside the hard label.

Top: the readouts at your T. Left: the example, the T control with its stops, the logits table (or
the real teacher). Right: the three distributions. Below: entropy against T, the ratios that T
leaves in shape, and an animation across T that plays in the browser without rerunning the script.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from distill_core import temperature as temp
from pages._common import (
    COLOR_HARD,
    COLOR_NEUTRAL,
    COLOR_SOFT,
    COLOR_TEACHER_T1,
    T_OPTIONS,
    T_STOPS,
    background_job,
    chart,
    check_logit_table,
    fmt_t,
    log_axis,
    reset_page,
    slug,
    start_background,
    style,
)


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
    base = pd.DataFrame({"class": list(preset.names), "logit": list(preset.logits)})
    edited = st.data_editor(
        base,
        key=f"temp_editor_{slug(preset_name)}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "class": st.column_config.TextColumn("class", help="Any name; names must be unique."),
            "logit": st.column_config.NumberColumn(
                "logit z", help="The teacher's score before softmax. Only differences matter.", format="%.2f"
            ),
        },
    )
    st.caption("Edit a cell, add a row at the bottom, or select rows to delete them.")
    checked = check_logit_table(edited, "class", ["logit"])
    if not checked.ok:
        st.warning(
            "The table can't be used yet:\n\n"
            + "\n".join(f"- {p}" for p in checked.problems)
            + f"\n\nShowing the *{preset_name}* logits until it is fixed."
        )
        return list(preset.names), np.array(preset.logits, dtype=float)
    return checked.names, np.array(checked.values["logit"], dtype=float)


@st.cache_data(show_spinner=False, max_entries=64)
def teacher_logits(task: str, text: str) -> tuple[np.ndarray, list[str]]:
    from distill_core.teacher import predict_logits_for as predict_logits  # loads (or first fine-tunes) the teacher

    logits, labels = predict_logits(task, [text])
    return np.asarray(logits, dtype=float)[0], list(labels)


def task_text(name: str, info) -> tuple[str, str]:
    """(title, description) of a sample task, whether the engine describes it by a string or an object."""
    if isinstance(info, str):
        return info or str(name), info
    title = getattr(info, "title", None)
    description = getattr(info, "description", None)
    return (title if isinstance(title, str) and title else str(name)), (description if isinstance(description, str) else "")


def teacher_ready(teacher_service, task: str, text: str) -> bool:
    """True once the task's fine-tuned teacher is on disk or loaded; until then, offer to fine-tune it
    in the background (a minute or more on a laptop CPU) and show how it is going."""
    ready_key = f"temp_teacher_ready_{slug(task)}"
    if st.session_state.get(ready_key):
        return True
    job_key = f"teacher-warmup:{task}"
    job = background_job(job_key)
    if job is not None and job[0].done() and job[0].exception() is None:
        st.session_state[ready_key] = True
        return True
    if job is None or job[0].done():  # never started, or failed
        try:
            is_cached = getattr(teacher_service, "teacher_is_cached", None)
            cached = True if is_cached is None else bool(is_cached(task))
        except Exception:
            cached = False
        if cached:
            st.session_state[ready_key] = True
            return True
        if job is not None:
            st.warning(f"Fine-tuning the teacher failed: {job[0].exception()}")
        st.info(
            "The first use fine-tunes the teacher on this task: a minute or more on a laptop CPU, in the "
            "background (the page stays usable). After that it loads in under a second."
        )
        if not st.button("Fine-tune the teacher", key="temp_teacher_go", icon=":material/school:"):
            return False
        start_background(job_key, teacher_service.predict_logits_for, task, [text])
    warmup_progress(job_key)
    return False


@st.fragment(run_every=2)
def warmup_progress(job_key: str) -> None:
    """Polls the background fine-tune; a full rerun shows the teacher once it is done."""
    job = background_job(job_key)
    if job is None or job[0].done():
        st.rerun()
    st.info(f"Fine-tuning the teacher in the background: {job[1]:.0f} s so far. The charts show the preset meanwhile.")


def logits_from_real_teacher() -> tuple[list[str], np.ndarray] | None:
    """The bundled teacher's logits for a sentence; None (with a message shown) if it can't run."""
    try:
        with st.spinner("Loading the engine's teacher service..."):
            # torch and transformers load here, not on page load; import_module honours sys.modules
            task_data = importlib.import_module("distill_core.data")
            teacher_service = importlib.import_module("distill_core.teacher")
    except Exception:  # the engine's teacher service is missing or broken: say so, keep the page
        st.info("The real-teacher mode needs the engine's teacher service")
        return None
    tasks = dict(getattr(task_data, "SAMPLE_TASKS", {}))
    try:  # only the tasks whose data is on disk, when the engine can tell
        tasks = {name: info for name, info in task_data.available_sample_tasks().items() if name in tasks} or tasks
    except Exception:
        pass
    if not tasks:
        st.info("No sample task is available for the real teacher.")
        return None
    task = st.selectbox(
        "Task",
        list(tasks),
        key="temp_task",
        format_func=lambda name: task_text(name, tasks[name])[0],
        help="The teacher is the bundled MiniLM, fine-tuned on this sample task.",
    )
    title, description = task_text(task, tasks[task])
    if description and description != title:
        st.caption(description)
    text = st.text_input("Sentence", value=DEFAULT_SENTENCE, key="temp_text", max_chars=500)
    if not text.strip():
        st.info("Type a sentence to see the teacher's distribution.")
        return None

    if not teacher_ready(teacher_service, task, text.strip()):
        return None
    try:
        with st.spinner("Asking the teacher..."):
            logits, labels = teacher_logits(task, text.strip())
    except Exception as exc:  # a missing model or an engine error: a message, never a traceback
        st.warning(f"The teacher could not answer: {exc}")
        return None
    if len(labels) != logits.shape[-1] or not np.all(np.isfinite(logits)):
        st.warning("The teacher returned logits that don't match its labels.")
        return None
    st.caption("The teacher's logits: " + ", ".join(f"{n} {z:.2f}" for n, z in zip(labels, logits)))
    return list(labels), logits


# ---------------------------------------------------------------------------------------------
# Charts


def distributions_figure(names: list[str], logits: np.ndarray, t: float) -> go.Figure:
    """One-hot label, teacher at T = 1, teacher at T, as grouped bars."""
    one_hot = np.zeros(len(names))
    one_hot[int(np.argmax(logits))] = 1.0
    p1 = temp.softmax_t(logits, 1.0)
    pt = temp.softmax_t(logits, t)
    fig = go.Figure()
    for label, probs, color in (
        ("Hard label", one_hot, COLOR_HARD),
        ("Teacher, T = 1", p1, COLOR_TEACHER_T1),
        (f"Teacher, T = {fmt_t(t)}", pt, COLOR_SOFT),
    ):
        fig.add_bar(
            x=names,
            y=probs,
            name=label,
            marker_color=color,
            text=[f"{v:.2f}" if v >= 0.005 else "" for v in probs],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.4f}<extra>" + label + "</extra>",
        )
    fig.update_layout(barmode="group", bargap=0.25, yaxis_range=[0, 1.12], uniformtext_minsize=8, uniformtext_mode="hide")
    fig.update_xaxes(type="category")  # digit names "0".."9" stay labels, not numbers
    return style(fig, "What the student is taught", "class", "probability", height=400, legend_rows=1)


def entropy_figure(logits: np.ndarray, t: float) -> go.Figure:
    k = logits.shape[-1]
    grid = np.logspace(math.log10(0.05), math.log10(100), 160)
    curve = temp.entropy_curve(logits, grid)
    h_t = float(temp.entropy_curve(logits, [t])[0])
    h_max = math.log2(k)
    fig = go.Figure()
    fig.add_scatter(
        x=grid, y=curve, mode="lines", name="entropy at T", line={"color": COLOR_TEACHER_T1, "width": 3},
        hovertemplate="T = %{x:.3g}: %{y:.2f} bits<extra></extra>",
    )
    fig.add_hline(y=h_max, line={"dash": "dash", "color": COLOR_NEUTRAL})
    fig.add_scatter(
        x=[t], y=[h_t], mode="markers", name=f"your T = {fmt_t(t)}",
        marker={"size": 13, "color": COLOR_SOFT, "line": {"width": 1.5, "color": "white"}},
        hovertemplate="T = %{x:.3g}: %{y:.2f} bits<extra></extra>",
    )
    fig.add_annotation(
        x=math.log10(grid[0]), y=0, xanchor="left", yanchor="top", yshift=-4, showarrow=False,
        text="T → 0: argmax, one-hot (0 bits)",
    )
    fig.add_annotation(
        x=math.log10(grid[-1]), y=h_max, xanchor="right", yanchor="bottom", yshift=4, showarrow=False,
        text=f"T → ∞: uniform, log₂ {k} = {h_max:.2f} bits",
    )
    log_axis(fig, "x", grid[0], grid[-1])
    fig.update_yaxes(range=[-0.2 * h_max, h_max * 1.18])
    return style(
        fig, "Entropy of the soft targets against T", "temperature T (log scale)", "entropy (bits)", height=360,
        legend="none",
    )


def animation_figure(names: list[str], logits: np.ndarray, t: float) -> go.Figure:
    """Teacher at T for every T on the slider, as Plotly frames: plays in the browser, no rerun."""
    p1 = temp.softmax_t(logits, 1.0)

    def title(value: float) -> str:
        info = temp.describe(logits, value)
        return (
            f"T = {fmt_t(value)}: entropy {info['entropy_bits']:.2f} of {info['max_entropy_bits']:.2f} bits, "
            f"dark knowledge {info['dark_knowledge']:.0%}"
        )

    start = T_OPTIONS.index(t) if t in T_OPTIONS else T_OPTIONS.index(1.0)
    fig = go.Figure()
    fig.add_bar(x=names, y=temp.softmax_t(logits, T_OPTIONS[start]), name="Teacher at T", marker_color=COLOR_SOFT)
    fig.add_bar(  # drawn on top, as an outline, so both stay visible
        x=names, y=p1, name="Teacher, T = 1 (outline)", hoverinfo="skip",
        marker={"color": "rgba(0,0,0,0)", "line": {"color": COLOR_TEACHER_T1, "width": 2.5}},
    )
    fig.frames = [
        go.Frame(
            name=fmt_t(value),
            data=[go.Bar(y=temp.softmax_t(logits, value))],
            traces=[0],
            layout={"title": {"text": title(value)}},
        )
        for value in T_OPTIONS
    ]
    step_args = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    fig.update_xaxes(type="category")
    fig.update_layout(
        barmode="overlay",
        yaxis_range=[0, 1.02],
        updatemenus=[{
            "type": "buttons", "direction": "left", "x": 0, "y": -0.28, "xanchor": "left", "yanchor": "top",
            "pad": {"r": 8, "t": 0}, "active": -1, "showactive": False,
            # translucent greys read on the light and the dark theme alike
            "bgcolor": "rgba(128,128,128,0.18)", "bordercolor": "rgba(128,128,128,0.6)",
            "buttons": [
                {"label": "▶ Play", "method": "animate", "args": [None, {
                    "frame": {"duration": 450, "redraw": True}, "fromcurrent": True,
                    "transition": {"duration": 200, "easing": "cubic-in-out"}, "mode": "immediate"}]},
                {"label": "❚❚ Pause", "method": "animate", "args": [[None], step_args]},
            ],
        }],
        sliders=[{
            "active": start, "x": 0.2, "len": 0.8, "y": -0.22, "yanchor": "top",
            "bgcolor": "rgba(128,128,128,0.35)", "activebgcolor": COLOR_SOFT, "bordercolor": "rgba(128,128,128,0.6)",
            "tickcolor": "rgba(128,128,128,0.8)",
            "currentvalue": {"prefix": "T = ", "visible": True, "xanchor": "right"},
            "steps": [{"label": fmt_t(v), "method": "animate", "args": [[fmt_t(v)], step_args]} for v in T_OPTIONS],
        }],
    )
    style(fig, title(T_OPTIONS[start]), "class", "probability", height=440)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 74, "b": 130})
    return fig


def ratio_table(names: list[str], logits: np.ndarray, t: float) -> pd.DataFrame:
    order = np.argsort(-logits, kind="stable")
    log_ratio_t = temp.log_ratios_to_top(logits, t)
    log_ratio_1 = temp.log_ratios_to_top(logits, 1.0)
    return pd.DataFrame(
        {
            "class": [names[i] for i in order],
            "p/p_top": np.exp(log_ratio_t[order]),
            f"log ratio (T={fmt_t(t)})": log_ratio_t[order],
            "log ratio (T=1)": log_ratio_1[order],
        }
    )


# ---------------------------------------------------------------------------------------------
# The page

st.title("Temperature explorer")
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

info = temp.describe(logits, t)
info_1 = temp.describe(logits, 1.0)
k = len(names)
top = int(np.argmax(logits))

with readouts:
    m1, m2, m3 = st.columns(3)
    m1.metric(
        "Entropy",
        f"{info['entropy_bits']:.2f} bits",
        delta=f"{info['entropy_bits'] - info_1['entropy_bits']:+.2f}",
        delta_description="vs T = 1",
        delta_color="off",
        help=f"How spread the soft targets are: 0 bits is one-hot, log₂ {k} = {info['max_entropy_bits']:.2f} bits is uniform.",
        border=True,
    )
    m2.metric(
        "Effective classes",
        f"{info['effective_classes']:.2f} of {k}",
        delta=f"{info['effective_classes'] - info_1['effective_classes']:+.2f}",
        delta_description="vs T = 1",
        delta_color="off",
        help="2 to the power of the entropy: as many equally likely classes would have the same entropy.",
        border=True,
    )
    m3.metric(
        "Dark knowledge",
        f"{info['dark_knowledge']:.1%}",
        delta=f"{100 * (info['dark_knowledge'] - info_1['dark_knowledge']):+.1f} pts",
        delta_description="vs T = 1",
        delta_color="off",
        help=f"Probability outside the top class ({names[top]}): what a one-hot label throws away.",
        border=True,
    )
    st.caption(
        f"At T = {fmt_t(t)}, against the teacher as trained (T = 1). Maximum entropy for {k} classes: "
        f"log₂ {k} = {info['max_entropy_bits']:.2f} bits (uniform)."
    )

with view:
    chart(distributions_figure(names, logits, t), key="temp_chart_dists")
    st.caption(
        f"The argmax ({names[top]}) stays on top at every T: temperature changes how much the other classes "
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
    if k >= 3:
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
