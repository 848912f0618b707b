"""The Trade-offs page's Plotly figures: parameters, latency, speed-ups, sizes, the frontier, the cost curves."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from distill_core import tradeoffs as TR
from pages._ui.style import COLOR_HARD, COLOR_NEUTRAL, COLOR_PSEUDO, COLOR_SOFT, COLOR_STUDENT, COLOR_TEACHER_T1, COLOR_WARN, OKABE_ITO, log_axis, style

METHOD_COLORS = {"teacher": COLOR_TEACHER_T1, "baseline": COLOR_HARD, "pseudo": COLOR_PSEUDO, "distilled": COLOR_SOFT}
COLOR_FP32 = OKABE_ITO["sky"]
COLOR_INT8 = COLOR_STUDENT
# One colour per model wherever models (not methods) are compared.
MODEL_COLORS = {
    "bert-base": OKABE_ITO["vermillion"], "distilbert": OKABE_ITO["purple"], "minilm-6": OKABE_ITO["blue"],
    "minilm-3": OKABE_ITO["orange"], "minilm-2": OKABE_ITO["sky"], "minilm-1": OKABE_ITO["green"],
    "api": COLOR_NEUTRAL,  # dashed and thick: the one line that is not a model of ours
}  # fmt: skip
SHORT_NAMES = {"bert-base": "BERT-base", "distilbert": "DistilBERT", "minilm-6": "MiniLM teacher", "minilm-3": "3-layer student",
               "minilm-2": "2-layer student", "minilm-1": "1-layer student"}


def short(key: str, name: str) -> str:
    return SHORT_NAMES.get(key, name)


def fmt_ms(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def fmt_x(v: float | None) -> str:
    return "-" if v is None or math.isnan(v) else f"{v:.2f}x"


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
        fig.add_scatter(x=grid, y=TR.cost_curve(ms, grid, hour, api, TR.UTILISATION), mode="lines", name=f"{name} ({fmt_ms(ms)} ms)",
                        line={"color": MODEL_COLORS.get(key, COLOR_NEUTRAL), "width": 4 if picked else 1.5, "shape": "hv"},
                        opacity=1.0 if picked else 0.7, hovertemplate="%{x:,.0f} calls/day: $%{y:,.0f}/month<extra>" + name + "</extra>")
    fig.add_scatter(x=grid, y=TR.cost_curve(None, grid, hour, api), mode="lines", name=f"Hosted API (${api:g}/call)",
                    line={"color": MODEL_COLORS["api"], "width": 3, "dash": "dash"},
                    hovertemplate="%{x:,.0f} calls/day: $%{y:,.0f}/month<extra>hosted API</extra>")
    if pick in latencies:
        be = TR.break_even_calls_per_day(latencies[pick][1], hour, api, TR.UTILISATION)
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




FORMAT_SYMBOLS = {"torch fp32": "circle-open", "torch INT8": "circle", "ORT fp32": "diamond-open", "ORT INT8": "diamond"}


def formats_figure(table: dict) -> go.Figure:
    """Accuracy against size on disk, one colour per model, one symbol per format, a line at 50 MB (the seed's claim)."""
    fig = go.Figure()
    scored = [r for r in table["rows"] if r["accuracy"] is not None]
    for key in dict.fromkeys(r["key"] for r in scored):
        rows = [r for r in scored if r["key"] == key]
        color = MODEL_COLORS.get(key) or MODEL_COLORS.get(f"minilm-{len(rows[0].get('layers') or [])}", COLOR_NEUTRAL)
        fig.add_scatter(
            x=[r["mb"] for r in rows], y=[100 * r["accuracy"] for r in rows], mode="markers+lines", name=short(key, rows[0]["model"]),
            line={"color": color, "width": 1, "dash": "dot"}, customdata=[r["format"] for r in rows],
            marker={"color": color, "size": 13, "symbol": [FORMAT_SYMBOLS[r["format"]] for r in rows], "line": {"width": 2, "color": color}},
            hovertemplate="%{fullData.name}, %{customdata}: %{x:.1f} MB, %{y:.1f}%<extra></extra>",
        )  # fmt: skip
    bert = [r["mb"] for r in table["rows"] if r["key"] == "bert-base" and r["format"] == "torch fp32"]
    if bert:  # where the seed's claim starts; BERT-base and DistilBERT have random weights, hence no point of their own
        vline(fig, bert[0], f"BERT-base fp32: {bert[0]:.0f} MB", MODEL_COLORS["bert-base"], "dot", side="right")
    vline(fig, TR.SIZE_TARGET_MB, f"the seed's {TR.SIZE_TARGET_MB:.0f} MB", COLOR_WARN, "dash", side="right")
    fig.update_xaxes(type="log", range=[math.log10(5), math.log10(max([600.0] + bert))])
    return style(fig, "Test accuracy against size on disk, four ways to serve each model", "size on disk (MB, log scale)",
                 "test accuracy (%)", height=440, legend_rows=2)
