"""The look every page shares: colours with one meaning each, the Plotly layout, the temperature scale.

No torch import here, so the home and temperature pages stay light.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

# Okabe & Ito (2008), the colour-blind-safe palette. Black is left out: it vanishes on the dark theme.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
# One meaning, one colour, on every page.
COLOR_HARD = OKABE_ITO["purple"]  # the one-hot label and the hard-label (CE) term
COLOR_TEACHER_T1 = OKABE_ITO["blue"]  # the teacher as trained (T = 1)
COLOR_SOFT = OKABE_ITO["orange"]  # the teacher at temperature T, the soft (KL) term
COLOR_STUDENT = OKABE_ITO["green"]
COLOR_PSEUDO = OKABE_ITO["sky"]  # a student on the teacher's argmax labels (the live comparison's fourth model)
COLOR_WARN = OKABE_ITO["vermillion"]
COLOR_NEUTRAL = OKABE_ITO["grey"]

# Temperatures offered by the T sliders: about four steps per octave, log-spaced from 0.1 to 20,
# rounded to values people say out loud.
T_OPTIONS: list[float] = [
    0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
    1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 15.0, 20.0,
]  # fmt: skip
T_STOPS: list[float] = [1.0, 2.0, 4.0, 10.0]

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def fmt_t(value: float) -> str:
    """1.0 -> '1', 0.25 -> '0.25': also the form a temperature takes in the URL."""
    return f"{value:g}"


def pct_mean_std(mean: float, std: float) -> str:
    """0.812, 0.013 -> '81.2 ± 1.3' (a std of NaN, from a single seed, reads 0)."""
    return f"{100 * mean:.1f} ± {100 * (std if std == std else 0):.1f}"


def style(
    fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 360, legend: str = "top", legend_rows: int = 1
) -> go.Figure:
    """Titles, axis labels and a compact legend; colours of text and grid come from the theme.

    legend: "top" (under the title, ``legend_rows`` rows tall), "inside" (bottom-left corner of the
    plot, for line charts that leave it empty) or "none".
    """
    top = 48 + (26 * legend_rows if legend == "top" else 0)
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
               "pad": {"t": 10}, "font": {"size": 15}},
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=height,
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        hoverlabel={"namelength": -1},
        showlegend=legend != "none",
    )
    if legend == "top":
        fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0, "title": None})
    elif legend == "inside":
        fig.update_layout(legend={"orientation": "v", "yanchor": "bottom", "y": 0.02, "xanchor": "left", "x": 0.02,
                                  "title": None, "bgcolor": "rgba(0,0,0,0)"})
    return fig


def log_axis(fig: go.Figure, axis: str, low: float, high: float, mantissas: tuple[int, ...] = (1, 3)) -> go.Figure:
    """A log axis from low to high with ticks at 1-3-10 steps, labelled plainly (0.1, 0.3, 1, 3, 10...)."""
    ticks = [m * 10.0**e for e in range(-4, 4) for m in mantissas if low * 0.999 <= m * 10.0**e <= high * 1.001]
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(type="log", tickvals=ticks, ticktext=[f"{v:g}" for v in ticks], range=[math.log10(low), math.log10(high)])
    return fig


def chart(fig: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key)


@st.cache_data(show_spinner=False)
def _read_json(path: str, mtime: float) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_reference(path) -> dict | None:
    """A shipped reference report (JSON), cached until the file changes; None when missing or unreadable."""
    path = Path(path)
    return _read_json(str(path), path.stat().st_mtime if path.exists() else 0.0)
