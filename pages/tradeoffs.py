"""Trade-offs: what a smaller model costs and buys, on this very machine.

Top: the DistilBERT claim (Sanh et al. 2019) beside what this machine shows: parameters and sizes
computed from the architectures at once, latency measured when you press *Measure on this
machine* (models interleaved, cached for every visitor of this server). Then INT8: sizes before
and after, the seed article's "440 MB -> under 50 MB" checked, a trained student's accuracy before
and after. Then the accuracy / latency frontier of the shipped reference runs and your own, with a
latency budget; the monthly cost of serving each model against a hosted API; and a checklist that
ends in a recommendation. The budget and the cost inputs live in the URL.
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from distill_core import tradeoffs as TR
from distill_core.errors import DistillError, one_line
from pages._common import (
    COLOR_HARD,
    COLOR_NEUTRAL,
    COLOR_SOFT,
    COLOR_STUDENT,
    COLOR_TEACHER_T1,
    COLOR_WARN,
    OKABE_ITO,
    chart,
    log_axis,
    reset_page,
    style,
)
from pages._runtime import test_presets_enabled

METHOD_COLORS = {"teacher": COLOR_TEACHER_T1, "baseline": COLOR_HARD, "distilled": COLOR_SOFT}
COLOR_FP32 = OKABE_ITO["sky"]
COLOR_INT8 = COLOR_STUDENT
# One colour per model wherever models (not methods) are compared.
MODEL_COLORS = {
    "bert-base": OKABE_ITO["vermillion"], "distilbert": OKABE_ITO["purple"], "minilm-6": OKABE_ITO["blue"],
    "minilm-3": OKABE_ITO["orange"], "minilm-2": OKABE_ITO["sky"], "minilm-1": OKABE_ITO["green"],
    "api": COLOR_NEUTRAL,  # dashed and thick: the one line that is not a model of ours
}  # fmt: skip
BUDGET_OPTIONS = [1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0, 70.0, 100.0, 150.0, 200.0, 300.0, 500.0, 1000.0]
UTILISATION = 0.5  # servers kept at most half busy, headroom for peaks

DEFAULTS = {
    "trade_budget": 10.0,  # ms: the seed article's example target
    "trade_calls": 10_000_000,  # calls per day: about 116 a second, "at scale"
    "trade_hour": 0.10,  # $ per server hour: a small 2-vCPU cloud machine
    "trade_api": 0.001,  # $ per call: a hosted large model, ~500 tokens at $2 per million
    "trade_cost_model": "minilm-3",
    "trade_task": "sentiment",
} | {f"trade_why_{c.key}": c.key in ("latency", "fixed_task") for c in TR.CRITERIA}


# ------------------------------------------------------------------ data: cheap, cached


def test_mode() -> bool:
    return test_presets_enabled()


def catalog() -> list[TR.Arch]:
    return TR.tiny_catalog() if test_mode() else TR.default_catalog()


def measure_config() -> TR.MeasureConfig:
    if test_mode():
        return TR.MeasureConfig(seq_len=16, batch_size=4, iterations=2, batch_iterations=1, warmup=1)
    return TR.MeasureConfig()


@st.cache_data(show_spinner=False)
def shape_rows(test: bool) -> list[dict]:
    return TR.shape_table(TR.tiny_catalog() if test else TR.default_catalog())


@st.cache_data(show_spinner=False, ttl=300)
def reference_runs() -> list[TR.RunEntry]:
    return TR.load_reference_runs()


@st.cache_data(show_spinner=False, ttl=300)
def int8_reference() -> dict | None:
    return TR.load_int8_reference()


@st.cache_resource(show_spinner=False)
def measurements() -> dict:
    """Measurements of this server, shared by every session: {catalog id: Measurement}, and a lock."""
    return {"lock": threading.Lock(), "results": {}}


def measurement_id() -> str:
    return f"{'tiny' if test_mode() else 'default'}-seq{measure_config().seq_len}"


def current_measurement() -> TR.Measurement | None:
    return measurements()["results"].get(measurement_id())


@st.cache_data(show_spinner=False, max_entries=32)
def int8_eval(folder: str, modified: float, task: str | None, data_file: str | None, text_col: str, label_col: str, max_length: int) -> dict:
    """Accuracy before and after INT8 of a saved student (modified: the folder's mtime, for the cache key)."""
    return TR.int8_accuracy(folder, task, data_file, text_col, label_col, max_length).as_dict()


@st.cache_resource(show_spinner=False)
def _run_store(home: str):
    from distill_core.runs import RunStore

    return RunStore(home)


def run_store():
    """The run store, read only here. Not through the job runner: that would import torch before anything is measured."""
    from distill_core.paths import home_dir

    try:
        return _run_store(str(home_dir()))
    except DistillError as exc:
        st.warning(f"Your own runs cannot be read: {exc}")
        return None


def all_runs() -> tuple[list[TR.RunEntry], list, object]:
    """(reference and finished runs, the store's Run rows, the run store or None)."""
    store = run_store()
    store_rows = store.list(kind="distill", limit=200) if store else []
    entries = list(reference_runs())
    if store:
        entries += TR.store_runs(store)
    return entries, store_rows, store


# ------------------------------------------------------------------ formatting


def fmt_ms(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def fmt_x(v: float | None) -> str:
    return "-" if v is None or math.isnan(v) else f"{v:.2f}x"


def fmt_usd(v: float) -> str:
    return f"${v:,.0f}" if v >= 100 else f"${v:,.2f}"


def ago(when: float) -> str:
    s = max(0, int(time.time() - when))
    return f"{s} s ago" if s < 60 else f"{s // 60} min ago" if s < 3600 else f"{s // 3600} h ago"


# ------------------------------------------------------------------ figures

SHORT_NAMES = {"bert-base": "BERT-base", "distilbert": "DistilBERT", "minilm-6": "MiniLM teacher", "minilm-3": "3-layer student",
               "minilm-2": "2-layer student", "minilm-1": "1-layer student"}


def short(key: str, name: str) -> str:
    return SHORT_NAMES.get(key, name)


def vline(fig: go.Figure, x: float, text: str, color: str, dash: str = "solid", log: bool = True, top: bool = True, side: str = "left") -> None:
    """A vertical line with its label; on a log axis Plotly places annotations in log10 units, shapes in data units.

    side: "left" puts the label to the right of the line (it reads from the line), "right" to its left.
    """
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper", line={"color": color, "dash": dash, "width": 2})
    fig.add_annotation(x=math.log10(x) if log else x, y=1 if top else 0, xref="x", yref="paper", text=text, showarrow=False,
                       xanchor=side, yanchor="top" if top else "bottom", xshift=4 if side == "left" else -4, font={"color": color},
                       bgcolor="rgba(128,128,128,0.12)")


def parameters_figure(rows: list[dict]) -> go.Figure:
    """Where the parameters are: embeddings, transformer layers, head, per model."""
    fig = go.Figure()
    names = [r["model"] for r in rows]
    for part, label, color in (
        ("embeddings", "embeddings (stay fp32 under dynamic INT8)", COLOR_NEUTRAL),
        ("transformer_layers", "transformer layers", COLOR_FP32),
        ("head", "pooler and classifier", OKABE_ITO["yellow"]),
    ):
        fig.add_bar(
            y=names, x=[r[part] / 1e6 for r in rows], name=label, orientation="h", marker_color=color,
            hovertemplate="%{y}: %{x:.1f}M " + label.split(" (")[0] + "<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    for r in rows:
        fig.add_annotation(x=r["parameters"] / 1e6, y=r["model"], text=f" {r['parameters'] / 1e6:.1f}M", showarrow=False, xanchor="left")
    fig.update_xaxes(range=[0, max(r["parameters"] for r in rows) / 1e6 * 1.15])
    return style(fig, "Where the parameters are (computed from each architecture)", "parameters (millions)", "", height=330)


def axis_names(rows: list[dict]) -> list[str]:
    """Short model names that fit under a bar without turning sideways."""
    return [short(r["key"], r["model"]).replace(" ", "<br>", 1) if r["key"].startswith("minilm") else short(r["key"], r["model"])
            for r in rows]


def latency_figure(m: TR.Measurement) -> go.Figure:
    fig = go.Figure()
    names = axis_names(m.rows)
    fig.add_bar(x=names, y=[r["b1_ms"] for r in m.rows], name="fp32", marker_color=COLOR_FP32,
                text=[fmt_ms(r["b1_ms"]) for r in m.rows], textposition="outside", cliponaxis=False,
                hovertemplate="%{x}, fp32: %{y:.2f} ms<extra></extra>")
    values = [r["b1_ms"] for r in m.rows]
    if any(not math.isnan(r["b1_int8_ms"]) for r in m.rows):
        fig.add_bar(x=names, y=[r["b1_int8_ms"] for r in m.rows], name="dynamic INT8", marker_color=COLOR_INT8,
                    text=[fmt_ms(r["b1_int8_ms"]) for r in m.rows], textposition="outside", cliponaxis=False,
                    hovertemplate="%{x}, INT8: %{y:.2f} ms<extra></extra>")
        values += [r["b1_int8_ms"] for r in m.rows]
    values = [v for v in values if not math.isnan(v) and v > 0] or [1.0]
    fig.update_layout(barmode="group")
    log_axis(fig, "y", min(values) / 2, max(values) * 2, mantissas=(1, 2, 5))
    fig.update_traces(textfont_size=10, selector={"type": "bar"})
    return style(fig, f"Batch-1 latency, {m.config['seq_len']} tokens (measured here)", "", "median latency (ms, log scale)", height=380)


def speedup_figure(m: TR.Measurement, reference_key: str, reference_name: str) -> go.Figure:
    ratios = m.ratios(reference_key)
    fig = go.Figure()
    names = axis_names(m.rows)
    bn = m.config["batch_size"]
    fig.add_bar(x=names, y=[r["speedup_b1"] for r in ratios], name="batch 1", marker_color=COLOR_TEACHER_T1,
                text=[fmt_x(r["speedup_b1"]) for r in ratios], textposition="outside", cliponaxis=False,
                hovertemplate="%{x}: %{y:.2f}x faster than " + reference_name + " at batch 1<extra></extra>")
    fig.add_bar(x=names, y=[r["speedup_bn"] for r in ratios], name=f"batch {bn}", marker_color=COLOR_SOFT,
                text=[fmt_x(r["speedup_bn"]) for r in ratios], textposition="outside", cliponaxis=False,
                hovertemplate="%{x}: %{y:.2f}x faster than " + reference_name + f" at batch {bn}<extra></extra>")
    fig.update_layout(barmode="group")
    top = max([v for r in ratios for v in (r["speedup_b1"], r["speedup_bn"]) if not math.isnan(v)] + [2.0])
    log_axis(fig, "y", 0.7, top * 2.5, mantissas=(1, 2, 5))
    distil = [n for r, n in zip(m.rows, names) if r["key"] == "distilbert"]
    if reference_key == "bert-base" and distil:
        fig.add_scatter(x=distil, y=[TR.SANH_2019["speedup"]], mode="markers", name="DistilBERT, quoted 1.6x",
                        marker={"symbol": "line-ew", "size": 44, "line": {"width": 3, "color": COLOR_WARN}},
                        hovertemplate="Sanh et al. 2019: 1.6x faster (quoted)<extra></extra>")
    fig.update_traces(textfont_size=10, selector={"type": "bar"})
    return style(fig, f"Speed-up over {reference_name}, fp32 (measured here)", "", f"{reference_name} latency / model latency (log)",
                 height=380)


def size_figure(rows: list[dict], measured: bool) -> go.Figure:
    fig = go.Figure()
    names = [r["model"] for r in rows]
    how = "measured" if measured else "computed"
    for col, label, color in (("fp32_mb", "fp32", COLOR_FP32), ("int8_mb", "dynamic INT8", COLOR_INT8)):
        fig.add_bar(y=names, x=[r[col] for r in rows], name=label, marker_color=color, orientation="h",
                    text=[f"{r[col]:.0f} MB" if r[col] >= 100 else f"{r[col]:.1f} MB" for r in rows], textposition="outside", cliponaxis=False,
                    hovertemplate="%{y}, " + label + ": %{x:.1f} MB<extra></extra>")
    target, start = TR.SEED_SIZE_CLAIM["to_mb"], TR.SEED_SIZE_CLAIM["from_mb"]
    vline(fig, target, f"claimed: under {target:.0f} MB", COLOR_WARN, "dash", log=False)
    vline(fig, start, f"claimed start: {start:.0f} MB", COLOR_NEUTRAL, "dot", log=False, side="right")
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(range=[0, max(max(r["fp32_mb"] for r in rows), start) * 1.2])
    fig.update_yaxes(range=[len(rows) - 0.5, -1.1])  # a free row on top for the line labels
    return style(fig, f"Weights on disk, fp32 and INT8 ({how})", "size (MB)", "", height=440)


def frontier_figure(df: pd.DataFrame, budget_ms: float, reference_lines: dict[str, float]) -> go.Figure:
    """Accuracy against batch-1 latency; bubble area ~ parameters; faded: over the budget."""
    fig = go.Figure()
    timed = df[df["latency_ms"].notna() & df["accuracy"].notna()].copy()
    pmax = max(float(timed["parameters"].max()), 1.0) if len(timed) else 1.0
    for method, label in TR.METHODS.items():
        part = timed[timed["model"] == method]
        if part.empty:
            continue
        within = part["latency_ms"] <= budget_ms
        # the legend entry on a trace of its own, so it keeps the full colour whatever the budget
        fig.add_scatter(x=[None], y=[None], mode="markers", name=label, legendgroup=method, meta="legend", hoverinfo="skip",
                        marker={"color": METHOD_COLORS[method], "size": 12, "symbol": "circle"})
        for inside, points in ((True, part[within]), (False, part[~within])):
            if points.empty:
                continue
            fig.add_scatter(
                x=points["latency_ms"], y=100 * points["accuracy"], mode="markers", name=label, legendgroup=method,
                showlegend=False, meta="within budget" if inside else "over budget", opacity=1.0 if inside else 0.3,
                error_y={"type": "data", "array": 100 * points["accuracy_std"], "visible": True, "thickness": 1},
                marker={
                    "color": METHOD_COLORS[method], "size": [10 + 28 * math.sqrt(p / pmax) for p in points["parameters"]],
                    "opacity": 1.0,  # a bubble chart's default is 0.7: the budget alone decides what fades
                    "symbol": ["circle" if s == "reference" else "diamond" for s in points["source"]],
                    "line": {"width": 2 if inside else 0, "color": "white"},
                },
                customdata=list(zip(points["name"], points["runs"], points["parameters"] / 1e6, 100 * points["accuracy_std"],
                                    points["seeds"], points["latency_source"])),
                hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>accuracy %{y:.1f}% ± %{customdata[3]:.1f} over "
                              "%{customdata[4]} seed(s)<br>%{x:.2f} ms at batch 1, %{customdata[5]}<br>%{customdata[2]:.1f}M "
                              f"parameters, {'within' if inside else 'over'} the budget<extra></extra>",
            )  # fmt: skip
    if len(timed):
        mask = TR.pareto_mask(timed["latency_ms"].tolist(), timed["accuracy"].tolist())
        front = timed[mask].sort_values("latency_ms")
        fig.add_scatter(x=front["latency_ms"], y=100 * front["accuracy"], mode="lines", line={"shape": "hv", "dash": "dash", "color": COLOR_NEUTRAL},
                        name="Pareto frontier", hoverinfo="skip")
    vline(fig, budget_ms, f"budget {budget_ms:g} ms", COLOR_WARN)
    for name, ms in reference_lines.items():
        vline(fig, ms, f"{name}<br>{fmt_ms(ms)} ms", COLOR_NEUTRAL, "dot", top=False)
    xs = list(timed["latency_ms"]) + [budget_ms] + list(reference_lines.values())
    low, high = max(min(xs) / 1.6, 0.05), max(xs) * 1.6
    log_axis(fig, "x", low, high, mantissas=(1, 2, 5))
    ys = 100 * timed["accuracy"] if len(timed) else pd.Series([0.0, 100.0])
    fig.update_yaxes(range=[max(0.0, float(ys.min()) - 8), min(100.0, float(ys.max()) + 5)])
    return style(fig, "Accuracy against batch-1 latency (bubble area: parameters; faded: over the budget)",
                 "batch-1 latency (ms, log scale)", "test accuracy (%)", height=460)


def cost_figure(latencies: dict[str, tuple[str, float]], pick: str, calls: float, hour: float, api: float) -> go.Figure:
    grid = TR.log_grid(100, 1e9, 240)
    fig = go.Figure()
    for key, (name, ms) in latencies.items():
        picked = key == pick
        fig.add_scatter(x=grid, y=TR.cost_curve(ms, grid, hour, api, UTILISATION), mode="lines", name=f"{name} ({fmt_ms(ms)} ms)",
                        line={"color": MODEL_COLORS.get(key, COLOR_NEUTRAL), "width": 4 if picked else 1.5, "shape": "hv"},
                        opacity=1.0 if picked else 0.7, hovertemplate="%{x:,.0f} calls/day: $%{y:,.0f}/month<extra>" + name + "</extra>")
    fig.add_scatter(x=grid, y=TR.cost_curve(None, grid, hour, api), mode="lines", name=f"Hosted API (${api:g}/call)",
                    line={"color": MODEL_COLORS["api"], "width": 3, "dash": "dash"},
                    hovertemplate="%{x:,.0f} calls/day: $%{y:,.0f}/month<extra>hosted API</extra>")
    if pick in latencies:
        be = TR.break_even_calls_per_day(latencies[pick][1], hour, api, UTILISATION)
        if be:
            fig.add_scatter(x=[be], y=[TR.monthly_cost_api(be, api)], mode="markers", name="break-even",
                            marker={"size": 13, "color": MODEL_COLORS.get(pick, COLOR_NEUTRAL), "symbol": "star", "line": {"width": 1, "color": "white"}},
                            hovertemplate="break-even: %{x:,.0f} calls/day, $%{y:,.0f}/month<extra></extra>")
    vline(fig, calls, f"{calls:,.0f} calls/day", COLOR_WARN)
    ticks = [10.0**e for e in range(2, 10)]
    fig.update_xaxes(type="log", range=[2, 9], tickvals=ticks, ticktext=["100", "1k", "10k", "100k", "1M", "10M", "100M", "1B"])
    fig.update_yaxes(type="log")
    return style(fig, "Monthly cost against traffic: serving each model yourself vs a hosted API", "traffic (calls/day, log scale)",
                 "cost ($/month, log scale)", height=440, legend_rows=2)


# ------------------------------------------------------------------ sections


def section_claim(rows: list[dict], m: TR.Measurement | None, entries: list[TR.RunEntry]) -> None:
    st.header("The DistilBERT claim, reproduced")
    st.markdown(
        "Sanh et al. (2019) distilled BERT-base into **DistilBERT**: one layer in two, same width. Below, their figures "
        "(quoted) beside this machine's: parameters are counted from `BertConfig()` and `DistilBertConfig()` (random "
        "weights, nothing downloaded), speed is measured here when you press the button."
    )
    by_key = {r["key"]: r for r in rows}
    bert, distil = by_key.get("bert-base"), by_key.get("distilbert")
    params_here = "-"
    if bert and distil:
        params_here = (f"**{100 * (1 - distil['parameters'] / bert['parameters']):.0f}% fewer**: {bert['parameters'] / 1e6:.1f}M to "
                       f"{distil['parameters'] / 1e6:.1f}M, counted from the configs")
    speed_here = "*not measured yet*: press **Measure on this machine** below"
    if m and m.row("bert-base") and m.row("distilbert"):
        b1 = m.row("bert-base")["b1_ms"] / m.row("distilbert")["b1_ms"]
        bn = m.row("bert-base")["bn_ms"] / m.row("distilbert")["bn_ms"]
        speed_here = (f"**{b1:.2f}x faster** at batch 1, {bn:.2f}x at batch {m.config['batch_size']}; measured {ago(m.when)}, "
                      f"{m.config['seq_len']} tokens")
    kept = retention(entries)
    kept_here = "-"
    if kept:
        rows_note = f", {kept[3]} test rows" if kept[3] else ""
        kept_here = (f"**{kept[0]:.0f}%** of the teacher's test accuracy: {kept[1]} distilled from the bundled MiniLM, "
                     f"{kept[2]} sample task{rows_note} (not GLUE, which needs 9 fine-tunings)")
        if kept[0] > 100:
            kept_here += "; a student can edge past its teacher on a small test set, within noise"
    st.markdown(
        "| | Sanh et al. 2019 (quoted) | Here |\n| --- | --- | --- |\n"
        f"| Parameters | 40% fewer: 110M to 66M | {params_here} |\n"
        f"| Inference | 60% faster (1.6x), CPU, batch 1 | {speed_here} |\n"
        f"| Accuracy kept | 97% of BERT's GLUE score | {kept_here} |"
    )
    st.dataframe(
        pd.DataFrame([{
            "model": r["model"], "layers": r["layers"], "hidden": r["hidden"], "parameters (M)": round(r["parameters"] / 1e6, 1),
            "vs BERT-base": f"{100 * r['vs_bert_base']:.0f}%" if not math.isnan(r["vs_bert_base"]) else "-",
            "embeddings share": f"{100 * r['embedding_share']:.0f}%", "fp32 (MB)": round(r["fp32_mb"], 1),
            "INT8 (MB)": round(r["int8_mb"], 1), "what it is": r["note"],
        } for r in rows]),
        hide_index=True, width="stretch",
    )  # fmt: skip
    st.caption(
        "Computed from each architecture: 4 bytes per fp32 weight; dynamic INT8 stores Linear weights in 1 byte and "
        "leaves embeddings, biases and LayerNorms in fp32. The MiniLM rows are the app's bundled teacher and students "
        "that keep some of its layers (as on the Live distillation page)."
    )
    chart(parameters_figure(rows), key="trade_chart_params")


def section_measure(m: TR.Measurement | None, store) -> TR.Measurement | None:
    st.subheader("Measured on this machine")
    cfg = measure_config()
    st.markdown(
        f"Times the {len(catalog())} models of the table above at batch 1 (fp32 and dynamic INT8) and at batch {cfg.batch_size} (fp32), {cfg.seq_len} tokens, "
        "all interleaved round by round so that other work on the machine slows them alike. It takes minutes on a 2-core "
        "CPU, more when the machine is busy; the result is kept for everyone using this server."
    )
    busy = [r.id for r in (store.list(limit=20) if store else []) if r.status == "running"]
    if busy:
        st.warning(f"A training run is in progress on this server (run {', '.join(map(str, busy))}): latencies measured now are slower "
                   "and noisier; the ratios between models hold better than the times.")
    c1, c2 = st.columns([1, 3])
    clicked = c1.button("Measure on this machine" if m is None else "Measure again", type="primary" if m is None else "secondary",
                        icon=":material/speed:", key="trade_measure")
    if m is not None:
        c2.caption(
            f"Measured {ago(m.when)} in {m.seconds:.0f} s: {m.machine['cpus']} CPU cores, {m.machine['torch_threads']} torch threads, "
            f"load average {m.machine['load_1min']:.1f} at the time, torch {m.machine['torch']}."
        )
    if clicked:
        holder = measurements()
        bar = st.progress(0.0, text="starting…")
        if not holder["lock"].acquire(blocking=False):
            bar.progress(0.0, text="another session is measuring right now; waiting for it to finish…")
            holder["lock"].acquire()
        try:
            result = TR.measure_models(catalog(), cfg, progress=lambda f, msg: bar.progress(min(max(f, 0.0), 1.0), text=f"{msg} · {100 * f:.0f}%"))
            holder["results"][measurement_id()] = result
            st.session_state["trade_measured_toast"] = f"Measured {len(result.rows)} models in {result.seconds:.0f} s."
        except DistillError as exc:
            bar.empty()
            st.error(f"The measurement could not finish: {exc}")
        except Exception as exc:  # never a traceback on a demo screen; the message says what broke
            bar.empty()
            st.error(f"The measurement could not finish: unexpected {one_line(exc)}")
        else:
            st.rerun()  # the whole page again: the claim above and the sections below read the new numbers
        finally:
            holder["lock"].release()
    if "trade_measured_toast" in st.session_state:
        st.toast(st.session_state.pop("trade_measured_toast"), icon=":material/speed:")
    if m is None:
        st.info("Nothing measured yet on this server: the sizes above are computed; the speed-ups need the button.")
        return None
    ref = catalog()[0]
    ratios = {r["key"]: r for r in m.ratios(ref.key)}
    bn = m.config["batch_size"]
    st.dataframe(
        pd.DataFrame([{
            "model": r["model"], "batch 1, fp32 (ms)": fmt_ms(r["b1_ms"]), "batch 1, INT8 (ms)": fmt_ms(r["b1_int8_ms"]),
            "INT8 speed-up": fmt_x(ratios[r["key"]]["int8_speedup_b1"]), f"batch {bn}, fp32 (ms)": fmt_ms(r["bn_ms"]),
            f"speed-up vs {ref.name}, batch 1": fmt_x(ratios[r["key"]]["speedup_b1"]),
            f"speed-up vs {ref.name}, batch {bn}": fmt_x(ratios[r["key"]]["speedup_bn"]),
            "fp32 (MB)": round(r["fp32_mb"], 1), "INT8 (MB)": round(r["int8_mb"], 1),
        } for r in m.rows]),
        hide_index=True, width="stretch",
    )  # fmt: skip
    if m.machine.get("load_1min", 0) > (m.machine.get("cpus") or 1):
        st.warning(
            f"The machine was busy while measuring (load average {m.machine['load_1min']:.1f} on {m.machine['cpus']} cores): "
            "times are inflated and can be off by tens of percent, even in their order for models of similar size. "
            "Measure again when it is quiet."
        )
    d = ratios.get("distilbert")
    if d and not math.isnan(d["speedup_b1"]):
        verdict = "in line with" if abs(d["speedup_b1"] - TR.SANH_2019["speedup"]) <= 0.3 else (
            "more than" if d["speedup_b1"] > TR.SANH_2019["speedup"] else "less than")
        st.caption(
            f"DistilBERT runs {d['speedup_b1']:.2f}x faster than BERT-base at batch 1 and {d['speedup_bn']:.2f}x at batch {bn} here, "
            f"{verdict} the 1.6x Sanh et al. (2019) report. DistilBERT keeps 6 of BERT's 12 layers at the same width, about half "
            "the compute; how close the speed-up comes to 2x depends on the machine, the sequence length and the batch."
        )
    slower = [short(r["key"], r["model"]) for r in m.rows if ratios[r["key"]]["int8_speedup_b1"] < 1.0]
    faster = [short(r["key"], r["model"]) for r in m.rows if ratios[r["key"]]["int8_speedup_b1"] >= 1.0]
    if slower:
        st.caption(
            f"Dynamic INT8 made {', '.join(slower)} slower here" + (f" and {', '.join(faster)} faster" if faster else "")
            + ": it quantises each layer's input on the fly, which pays off for large matrices and can cost more than it "
            "saves for small ones."
        )
    c1, c2 = st.columns(2)
    with c1:
        chart(latency_figure(m), key="trade_chart_latency")
    with c2:
        chart(speedup_figure(m, ref.key, ref.name), key="trade_chart_speedup")
    st.caption(f"Each time: the median of interleaved rounds on random token ids, best of {m.config.get('blocks', 1)} blocks of rounds, "
               "so that a burst of other work spoils a block rather than the result (`python bench/tradeoffs_table.py` prints the "
               "same table from a terminal). Absolute times depend on this machine and its load; ratios travel better.")
    return m


def section_int8(rows: list[dict], m: TR.Measurement | None, store_rows) -> None:
    st.header("Quantisation: 440 MB to under 50 MB?")
    st.markdown(
        "The seed article's claim: distillation plus INT8 takes a BERT model **from 440 MB to under 50 MB**. "
        "Dynamic INT8 (`torch.ao.quantization.quantize_dynamic`) stores every `nn.Linear` weight in one byte and "
        "quantises activations on the fly; the embeddings stay in fp32."
    )
    size_rows = rows
    if m is not None and {r["key"] for r in m.rows} == {r["key"] for r in rows}:
        size_rows = [r | {"fp32_mb": mr["fp32_mb"], "int8_mb": mr["int8_mb"]} for r, mr in zip(rows, m.rows)]
    claim = TR.check_size_claim(size_rows)
    c1, c2 = st.columns([3, 2], gap="large")
    with c1:
        chart(size_figure(size_rows, measured=size_rows is not rows), key="trade_chart_sizes")
    with c2:
        (st.success if claim.holds_for_distilbert else st.warning)(claim.headline)
        distil_emb = next((r["embeddings"] for r in rows if r["key"] == "distilbert"), None)
        st.markdown(
            f"- BERT-base in fp32: **{claim.bert_fp32_mb:.0f} MB**: the claim's 440 MB is right.\n"
            f"- DistilBERT, dynamic INT8: **{claim.distilbert_int8_mb:.0f} MB**"
            + (f", of which {4 * distil_emb / 1e6:.0f} MB are fp32 embeddings.\n" if distil_emb else ".\n")
            + f"- DistilBERT with every weight in int8, embeddings too: {claim.distilbert_all_int8_mb:.0f} MB, still over "
            f"{TR.SEED_SIZE_CLAIM['to_mb']:.0f}.\n"
            + (f"- Under {TR.SEED_SIZE_CLAIM['to_mb']:.0f} MB here: {', '.join(claim.smallest_under)}." if claim.smallest_under else "")
        )
        st.caption("Getting under 50 MB takes a narrower student (hidden 384 instead of 768) with few layers, or a smaller "
                   "vocabulary; distillation to DistilBERT plus dynamic INT8 is not enough." + ("" if size_rows is not rows else
                   " Sizes computed from the shapes; press Measure above to serialise the real models."))
    st.subheader("A trained student, before and after INT8")
    st.caption("Size and speed are half the story: what does INT8 cost in accuracy? Pick a finished run; its distilled student "
               "(first seed) is evaluated on the task's test split in fp32, quantised, and evaluated again.")
    shipped = int8_reference()
    if shipped:
        st.dataframe(pd.DataFrame([{
            "student (reference run)": f"{len(r['student_layers'] or [])}-layer, distilled, seed 0",
            "task": r["task"], "test rows": r["test_rows"], "fp32 accuracy %": round(100 * r["accuracy_fp32"], 1),
            "INT8 accuracy %": round(100 * r["accuracy_int8"], 1),
            "change (points)": f"{100 * (r['accuracy_int8'] - r['accuracy_fp32']):+.1f}", "fp32 and INT8 agree %": round(100 * r["agreement"], 1),
            "fp32 (MB)": round(r["fp32_mb"], 1), "INT8 (MB)": round(r["int8_mb"], 1),
        } for r in shipped["students"]]), hide_index=True, width="stretch")  # fmt: skip
        st.caption(f"The reference students, evaluated when the reference runs were made: `{shipped.get('command', '')}`. "
                   "A change of a point or so on a few hundred test rows is within noise.")
    candidates = [r for r in store_rows if r.status == "finished" and r.artefacts and (Path(r.artefacts) / "student" / "config.json").exists()]
    if not candidates:
        st.info("No trained student on this server yet. Run one on the **Live distillation** page (the Quick demo preset), "
                "then come back to evaluate it here.")
        return
    st.markdown("**Your runs**")
    c1, c2 = st.columns([2, 1])
    pick = c1.selectbox("Run", [r.id for r in candidates], key="trade_int8_run",
                        format_func=lambda i: next(f"run {r.id}: {r.task}, layers {r.config.get('student_layers')}" for r in candidates if r.id == i))
    c2.write("")
    go_eval = c2.button("Evaluate fp32 vs INT8", key="trade_int8_go", icon=":material/compress:")
    run = next(r for r in candidates if r.id == pick)
    folder = Path(run.artefacts) / "student"
    args = (str(folder), folder.stat().st_mtime, run.config.get("task"), run.config.get("data_file"), run.config.get("text_col", "text"),
            run.config.get("label_col", "label"), int(run.config.get("max_length", 64)))
    done = st.session_state.setdefault("trade_int8_done", set())
    if go_eval or (pick in done):
        try:
            with st.spinner("Loading the student, evaluating fp32 and INT8 on the test split…"):
                res = int8_eval(*args)
            done.add(pick)
        except DistillError as exc:
            st.error(str(exc))
            return
        except Exception as exc:  # a damaged folder or an unexpected model: a message, never a traceback
            st.error(f"This student could not be evaluated: {one_line(exc)}")
            return
        st.dataframe(pd.DataFrame([
            {"weights": "fp32", "test accuracy %": round(100 * res["accuracy_fp32"], 1), "size (MB)": round(res["fp32_mb"], 1)},
            {"weights": "dynamic INT8", "test accuracy %": round(100 * res["accuracy_int8"], 1), "size (MB)": round(res["int8_mb"], 1)},
        ]), hide_index=True, width="content")
        drop = 100 * (res["accuracy_fp32"] - res["accuracy_int8"])
        st.caption(f"{res['test_rows']} test rows; INT8 and fp32 agree on {100 * res['agreement']:.1f}% of them. "
                   + (f"INT8 cost {drop:.1f} points of accuracy." if drop > 0 else "INT8 cost no accuracy here." if drop == 0
                      else f"INT8 scored {-drop:.1f} points higher: noise of rounding, not a gain to count on."))


def retention(entries: list[TR.RunEntry]) -> tuple[float, str, str, int | None] | None:
    """Distilled accuracy / teacher accuracy for the first run with a 3-layer student, else the first run."""
    best = None
    for e in entries:
        res = e.report["results"]
        if "distilled" not in res or "teacher" not in res:
            continue
        t = TR._mean([s.get("accuracy") for s in res["teacher"]["per_seed"]])
        d = TR._mean([s.get("accuracy") for s in res["distilled"]["per_seed"]])
        layers = e.report["spec"].get("student_layers") or []
        task = (e.report.get("task") or {}).get("task", "?")
        if t and not math.isnan(t) and not math.isnan(d):
            item = (100 * d / t, f"{len(layers)}-layer student", task, (e.report.get("task") or {}).get("test"))
            if len(layers) == 3:
                return item
            best = best or item
    return best


def section_frontier(df: pd.DataFrame, m: TR.Measurement | None) -> None:
    st.header("The frontier: accuracy against latency")
    st.markdown(
        "Every finished run: the shipped reference runs (circles) and the runs on this server (diamonds), each with its "
        "teacher, the student trained on hard labels and the same student distilled. Bars: spread over seeds. The dashed "
        "line joins the models nothing beats on both axes (the Pareto frontier). Set a latency budget: the seed article's "
        "example is a **10 ms** target that a **50 ms** BERT misses."
    )
    if df.empty:
        st.info("No finished runs and no reference runs to draw yet.")
        return
    tasks = sorted(df["task"].unique())
    task = tasks[0]
    if len(tasks) > 1:
        default = DEFAULTS["trade_task"] if DEFAULTS["trade_task"] in tasks else tasks[0]
        task = st.segmented_control("Task", tasks, default=default, key="trade_task") or default
    df = df[df["task"] == task]
    budget = st.select_slider("Latency budget at batch 1 (ms)", options=BUDGET_OPTIONS, value=DEFAULTS["trade_budget"], key="trade_budget",
                              bind="query-params", format_func=lambda v: f"{v:g}",
                              help="Models at or under the budget are drawn in full; those over it fade.")
    lines = {}
    if m is not None:
        for key, name in (("bert-base", "BERT-base"), ("distilbert", "DistilBERT")):
            row = m.row(key)
            if row and not math.isnan(row["b1_ms"]):
                lines[name] = row["b1_ms"]
    chart(frontier_figure(df, budget, lines), key="trade_chart_frontier")
    summary = TR.budget_summary(df, budget)
    if summary["meets"]:
        best = summary["best"]
        st.markdown(
            f"**{summary['meets']} of {summary['timed']} models meet the {budget:g} ms budget.** The most accurate of them: "
            f"{best['name']} ({best['runs']}), {100 * best['accuracy']:.1f}% at {best['latency_ms']:.1f} ms."
        )
    else:
        fastest = summary["fastest"]
        st.markdown(
            f"**0 of {summary['timed']} models meet the {budget:g} ms budget.**"
            + (f" The fastest is {fastest['name']} at {fastest['latency_ms']:.1f} ms." if fastest else "")
        )
    sources = set(df["latency_source"])
    notes = []
    if lines:
        notes.append("Dotted lines: BERT-base and DistilBERT timed here (random weights: they have no accuracy on this task).")
    if "measured on this machine" in sources:
        notes.append("Latency of the bundled teacher and its truncated students: measured on this machine with the button above "
                     "(same architecture and length as the runs); other models: as recorded when their run was made.")
    else:
        notes.append("Latency as recorded when each run was made (reference runs: on the 2-core machine that produced them). "
                     "Press 'Measure on this machine' above to re-time the same architectures here.")
    st.caption(" ".join(notes))
    wins = []
    for run, part in df[df["model"] != "teacher"].groupby("run"):
        acc = dict(zip(part["model"], part["accuracy"]))
        std = dict(zip(part["model"], part["accuracy_std"]))
        if "distilled" in acc and "baseline" in acc:
            gap = acc["distilled"] - acc["baseline"]
            noise = max(std.get("distilled", 0), std.get("baseline", 0), 0.005)
            wins.append("better" if gap > noise else "worse" if gap < -noise else "same")
    if wins:
        st.caption(
            f"Distilled vs the same student on hard labels, run by run: better in {wins.count('better')}, no clear difference in "
            f"{wins.count('same')}, worse in {wins.count('worse')} of {len(wins)} (difference beyond the seed spread). "
            "Distillation is not automatically a win: the task, the transfer set, T and alpha decide."
        )
    with st.expander("The points as a table"):
        st.dataframe(pd.DataFrame({
            "model": df["name"], "run(s)": df["runs"], "accuracy %": (100 * df["accuracy"]).round(1),
            "± (std over seeds)": (100 * df["accuracy_std"]).round(1), "seeds": df["seeds"],
            "parameters (M)": (df["parameters"] / 1e6).round(1), "batch-1 latency (ms)": df["latency_ms"].round(2),
            "latency source": df["latency_source"], "T": df["temperature"], "alpha": df["alpha"],
        }), hide_index=True, width="stretch")  # fmt: skip


def cost_latencies(m: TR.Measurement | None, df: pd.DataFrame) -> tuple[dict[str, tuple[str, float]], str]:
    """{key: (name, batch-1 ms)} for the cost model, and where the numbers come from."""
    if m is not None:
        return {r["key"]: (r["model"], r["b1_ms"]) for r in m.rows if not math.isnan(r["b1_ms"])}, "measured on this machine"
    out = {}
    names = {a.key: a.name for a in TR.default_catalog()}
    timed = df[df["arch_key"].notna() & df["latency_ms"].notna()]
    for key, part in timed.groupby("arch_key"):
        out[key] = (names.get(key, key), float(part["latency_ms"].median()))
    order = {a.key: i for i, a in enumerate(TR.default_catalog())}
    return dict(sorted(out.items(), key=lambda kv: order.get(kv[0], 99))), "as recorded with the reference runs (not this machine yet)"


def section_cost(m: TR.Measurement | None, df: pd.DataFrame) -> None:
    st.header("Cost at scale")
    st.markdown(
        "Serving a model yourself costs servers, whatever the traffic; a hosted large model costs per call. One server here "
        f"is a machine like this one, answering one request at a time at the batch-1 latency, kept at most "
        f"{100 * UTILISATION:.0f}% busy so peaks fit. Batching requests would raise its capacity."
    )
    latencies, source = cost_latencies(m, df)
    if not latencies:
        st.info("No latency to cost yet: press 'Measure on this machine' above.")
        return
    c1, c2, c3, c4 = st.columns(4)
    calls = c1.number_input("Calls per day", min_value=100, max_value=1_000_000_000, value=DEFAULTS["trade_calls"], step=100_000,
                            key="trade_calls", bind="query-params")
    hour = c2.number_input("Server, $ per hour", min_value=0.01, max_value=50.0, value=DEFAULTS["trade_hour"], step=0.01, format="%.2f",
                           key="trade_hour", bind="query-params", help="A small 2-vCPU cloud machine costs roughly $0.05 to $0.10 an hour.")
    api = c3.number_input("Hosted API, $ per call", min_value=0.00001, max_value=1.0, value=DEFAULTS["trade_api"], step=0.0005,
                          format="%.5f", key="trade_api", bind="query-params",
                          help="About 500 tokens at $2 per million tokens is $0.001 a call.")
    keys = list(latencies)
    default_pick = DEFAULTS["trade_cost_model"] if DEFAULTS["trade_cost_model"] in keys else keys[0]
    # the URL holds the formatted option: a name, never a latency that changes with each measurement
    pick = c4.selectbox("Model (its batch-1 latency)", keys, index=keys.index(default_pick), key="trade_cost_model", bind="query-params",
                        format_func=lambda k: short(k, latencies[k][0]))
    if pick not in latencies:
        pick = default_pick
    st.caption(f"Latencies {source}.")
    chart(cost_figure(latencies, pick, float(calls), float(hour), float(api)), key="trade_chart_cost")
    table = TR.cost_table({k: ms for k, (_, ms) in latencies.items()}, float(calls), float(hour), float(api), UTILISATION)
    names = {k: n for k, (n, _) in latencies.items()}
    st.dataframe(pd.DataFrame([{
        "model": names.get(r["model"], r["model"]), "batch-1 latency (ms)": fmt_ms(r["latency_ms"]),
        "servers needed": str(r["servers"] or "-"), f"$/month at {calls:,} calls/day": fmt_usd(r["monthly_usd"]),
        "break-even vs API (calls/day)": "-" if r["model"] == "Hosted API" else
        (f"{r['break_even_calls_per_day']:,.0f}" if r["break_even_calls_per_day"] else "never (API cheaper)"),
    } for r in table]), hide_index=True, width="stretch")  # fmt: skip
    name, ms = latencies[pick]
    be = TR.break_even_calls_per_day(ms, float(hour), float(api), UTILISATION)
    own = TR.monthly_cost_self_hosted(float(calls), ms, float(hour), UTILISATION)
    hosted = TR.monthly_cost_api(float(calls), float(api))
    cheaper = "serving it yourself" if own < hosted else "the hosted API"
    st.markdown(
        f"**{name}** at {calls:,} calls/day: {fmt_usd(own)}/month on {TR.servers_needed(float(calls), ms, UTILISATION)} server(s) "
        f"vs {fmt_usd(hosted)}/month for the API, so {cheaper} is cheaper. "
        + (f"Break-even at about **{be:,.0f} calls/day**: above it, serving it yourself costs less."
           if be else "It never breaks even at these prices: each server costs more than the API calls it could answer.")
    )
    st.caption("Below one server's capacity every model costs the same: one server. A smaller model pays off in servers once "
               "traffic needs more than one, and in latency at any traffic. A month is 730 hours. The API's accuracy is not on "
               "this chart: a large hosted model may score higher than any student, which is the trade this page is about.")


def section_checklist() -> None:
    st.header("When to distil")
    st.markdown("The seed article's criteria. Tick what holds for your project:")
    answers = {}
    c_for, c_against = st.columns(2, gap="large")
    with c_for:
        st.markdown("**For distillation**")
        for c in TR.CRITERIA:
            if c.side == "for":
                answers[c.key] = st.checkbox(c.question, value=DEFAULTS[f"trade_why_{c.key}"], key=f"trade_why_{c.key}")
    with c_against:
        st.markdown("**Against it**")
        for c in TR.CRITERIA:
            if c.side == "against":
                answers[c.key] = st.checkbox(c.question, value=DEFAULTS[f"trade_why_{c.key}"], key=f"trade_why_{c.key}")
    rec = TR.recommend(answers)
    show = {"distill": st.success, "pilot": st.info, "not yet": st.warning, "no need": st.warning}[rec.verdict]
    show("**Recommendation: " + rec.headline + "**\n\n" + "\n".join(f"- {r}" for r in rec.reasons))


# ------------------------------------------------------------------ the page

st.title("Trade-offs")
st.markdown(
    "What does a smaller model cost, and what does it buy? Sizes here are **computed** from each architecture; "
    "latency is **measured on this machine** when you ask; accuracy comes from finished runs, "
    "the shipped reference runs first."
)
st.button("Reset", key="trade_reset", icon=":material/restart_alt:", on_click=reset_page, args=(DEFAULTS, "trade_"))
if test_mode():
    st.caption("Test mode (DISTILL_LAB_TEST_PRESETS): tiny models stand in for BERT-base and friends.")

try:
    rows = shape_rows(test_mode())
    entries, store_rows, store = all_runs()
except DistillError as exc:
    st.error(str(exc))
    st.stop()

measurement = current_measurement()
section_claim(rows, measurement, entries)
measurement = section_measure(measurement, store)
st.divider()
section_int8(rows, measurement, store_rows)
st.divider()
seq = measurement.config["seq_len"] if measurement else None
points = TR.frontier_points(entries, measurement.latency_by_key() if measurement else None, seq)
section_frontier(points, measurement)
st.divider()
section_cost(measurement, points)
st.divider()
section_checklist()
with st.expander("Where the reference runs come from"):
    refs = [e for e in entries if e.source == "reference"]
    if refs:
        st.markdown("Produced by the project's own command line (`assets/reference/README.md`), one JSON report each:")
        for e in refs:
            st.code(e.command or "(command not recorded)", language="bash")
    else:
        st.caption("No reference runs are shipped in assets/reference/.")
