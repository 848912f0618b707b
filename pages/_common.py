"""What the pages share: colours, the Plotly look, the temperature scale, table checks, reset.

Not a page (the leading underscore keeps it out of any pages/ listing). No torch import here, so
the home and temperature pages stay light.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
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
COLOR_WARN = OKABE_ITO["vermillion"]
COLOR_NEUTRAL = OKABE_ITO["grey"]

# Temperatures offered by the T sliders: about four steps per octave, log-spaced from 0.1 to 20,
# rounded to values people say out loud.
T_OPTIONS: list[float] = [
    0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
    1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 15.0, 20.0,
]  # fmt: skip
T_STOPS: list[float] = [1.0, 2.0, 4.0, 10.0]

LOGIT_LIMIT = 1000.0  # real networks' logits rarely leave +-30; beyond +-1000 is a typo
MAX_CLASSES = 30  # the charts stop being readable well before this



def _route_through_app() -> None:
    """Make sure app.py (navigation, sidebar, wide layout) wraps the page, even on a server's first request.

    Streamlit runs apps that have a ``pages/`` folder in its legacy mode until some session executes
    ``st.navigation``. If the first request after start-up is a page URL (a shared link to
    /temperature), that page runs alone, without app.py. Switching the legacy mode off, as
    ``st.navigation`` itself does, and rerunning sends the same URL through app.py.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # the internals moved: the worst case is one plain first view
        return
    if get_script_run_ctx() is None:  # imported outside a script run (a test): nothing to route
        return
    if PagesManager.uses_pages_directory and "app_pages" not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()


_route_through_app()

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def fmt_t(value: float) -> str:
    """1.0 -> '1', 0.25 -> '0.25': also the form a temperature takes in the URL."""
    return f"{value:g}"


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


@st.cache_data(show_spinner=False)
def _read_json(path: str, mtime: float) -> dict | None:
    import json
    from pathlib import Path

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_reference(path) -> dict | None:
    """A shipped reference report (JSON), cached until the file changes; None when missing or unreadable."""
    from pathlib import Path

    path = Path(path)
    return _read_json(str(path), path.stat().st_mtime if path.exists() else 0.0)


def chart(fig: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key)


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


@dataclass
class LogitTable:
    """A checked table of class names and numbers; ``problems`` says what is wrong, in words."""

    names: list[str]
    values: dict[str, list[float]]  # column -> one number per class
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip() in ("", "nan", "None", "<NA>")


def check_logit_table(table: pd.DataFrame, name_col: str, value_cols: Iterable[str]) -> LogitTable:
    """Check an edited table: names present and unique, numbers finite and not huge, 2+ classes.

    Rows left completely empty (added and never filled in) are ignored rather than reported.
    """
    value_cols = list(value_cols)
    problems: list[str] = []
    names: list[str] = []
    values: dict[str, list[float]] = {col: [] for col in value_cols}
    for i, row in enumerate(table.to_dict("records"), start=1):
        if all(_blank(row.get(c)) for c in [name_col, *value_cols]):
            continue
        raw_name = row.get(name_col)
        name = "" if _blank(raw_name) else str(raw_name).strip()
        if not name:
            problems.append(f"Row {i} has no class name.")
        label = f"'{name}'" if name else f"row {i}"
        names.append(name)
        for col in value_cols:
            raw = row.get(col)
            value = float("nan")
            if _blank(raw):
                problems.append(f"The {col} of {label} is empty.")
            else:
                try:
                    value = float(raw)
                except (TypeError, ValueError):
                    problems.append(f"The {col} of {label} is not a number ({str(raw)[:20]!r}).")
                else:
                    if not math.isfinite(value):
                        problems.append(f"The {col} of {label} is not a finite number.")
                    elif abs(value) > LOGIT_LIMIT:
                        problems.append(
                            f"The {col} of {label} is {value:g}: keep logits within ±{LOGIT_LIMIT:g} "
                            "(trained networks rarely go past ±30)."
                        )
            values[col].append(value)
    seen: set[str] = set()
    for name in names:
        if name and name.casefold() in seen:
            problems.append(f"'{name}' appears more than once: class names must be unique.")
        seen.add(name.casefold())
    if len(names) < 2:
        problems.append(f"A distribution needs at least 2 classes; the table has {len(names)}.")
    if len(names) > MAX_CLASSES:
        problems.append(f"At most {MAX_CLASSES} classes, please; the table has {len(names)}.")
    return LogitTable(names=names, values=values, problems=list(dict.fromkeys(problems)))


def reset_page(defaults: dict, prefix: str, keep: tuple[str, ...] = ()) -> None:
    """on_click for a page's Reset: widgets back to their defaults, edits and other page state dropped
    (except the ``keep`` keys, read when clicked: a live run's id, say).

    Widgets bound to the URL drop their query parameter when they return to their default, so the
    link becomes the plain page again.
    """
    for key in [k for k in st.session_state.keys() if str(k).startswith(prefix) and k not in defaults and k not in keep]:
        del st.session_state[key]
    for key, value in defaults.items():
        st.session_state[key] = value


# Long work (a first fine-tune of the real teacher) runs here, off the script thread, so the page
# stays usable and other sessions aren't blocked. One worker per server; its threads never call st.*.
_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="distill-lab-background")
_BACKGROUND_JOBS: dict[str, tuple[Future, float]] = {}  # key -> (future, time.monotonic() at start)
_BACKGROUND_LOCK = threading.Lock()


def start_background(key: str, fn: Callable, *args) -> Future:
    """Run fn(*args) in the background once per server: returns the job already running or done
    for this key, and starts afresh only when there is none or the last one failed."""
    with _BACKGROUND_LOCK:
        job = _BACKGROUND_JOBS.get(key)
        if job is None or (job[0].done() and job[0].exception() is not None):
            job = (_BACKGROUND.submit(fn, *args), time.monotonic())
            _BACKGROUND_JOBS[key] = job
        return job[0]


def background_job(key: str) -> tuple[Future, float] | None:
    """(future, seconds since it started) for key, or None if it was never started."""
    with _BACKGROUND_LOCK:
        job = _BACKGROUND_JOBS.get(key)
    return None if job is None else (job[0], time.monotonic() - job[1])
