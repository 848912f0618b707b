"""Widgets several pages share: the logit editor and its checks, Reset, URL state, an uploaded table.

Nothing here draws a chart (see style.py) or computes a result (the engine does).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pages._ui.guard import MAX_PARAM_CHARS, bad_param

LOGIT_LIMIT = 1000.0  # real networks' logits rarely leave +-30; beyond +-1000 is a typo
MAX_CLASSES = 30  # the charts stop being readable well before this


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


# ------------------------------------------------------------------ the logit editor


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


def _check_number(raw, col: str, label: str, problems: list[str]) -> float:
    """The cell as a float (NaN when unusable), with what is wrong with it added to problems."""
    if _blank(raw):
        problems.append(f"The {col} of {label} is empty.")
        return float("nan")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        problems.append(f"The {col} of {label} is not a number ({str(raw)[:20]!r}).")
        return float("nan")
    if not math.isfinite(value):
        problems.append(f"The {col} of {label} is not a finite number.")
    elif abs(value) > LOGIT_LIMIT:
        problems.append(
            f"The {col} of {label} is {value:g}: keep logits within ±{LOGIT_LIMIT:g} (trained networks rarely go past ±30)."
        )
    return value


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
        names.append(name)
        for col in value_cols:
            values[col].append(_check_number(row.get(col), col, f"'{name}'" if name else f"row {i}", problems))
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


def logit_editor(base: pd.DataFrame, key: str, column_config: dict, showing: str, caption: str | None = None) -> LogitTable:
    """An editable table of classes (first column) and logits (the others), checked; when it can't be
    used, a warning lists why and says that ``showing`` stands in until it is fixed."""
    edited = st.data_editor(base, key=key, num_rows="dynamic", hide_index=True, width="stretch", column_config=column_config)
    if caption:
        st.caption(caption)
    checked = check_logit_table(edited, base.columns[0], list(base.columns[1:]))
    if not checked.ok:
        st.warning(
            "The table can't be used yet:\n\n"
            + "\n".join(f"- {p}" for p in checked.problems)
            + f"\n\nShowing {showing} until it is fixed."
        )
    return checked


# ------------------------------------------------------------------ reset and URL state


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


def state_from_url(readers: dict[str, tuple[str, Callable[[str], object]]]) -> None:
    """Widget state from the link, before the widgets are drawn: ``{param: (state key, parse)}``.

    Read once per session (a key already in the state wins); parse returns None for a value that
    can't be used: a bad link opens the default view, with one line saying so (pages/_ui/guard.py).
    """
    for param, (key, parse) in readers.items():
        raw = st.query_params.get(param)
        if key in st.session_state or raw is None:
            continue
        try:
            value = parse(str(raw)) if len(str(raw)) <= MAX_PARAM_CHARS else None
        except (ValueError, OverflowError, TypeError):
            value = None
        if value is not None:
            st.session_state[key] = value
        else:
            bad_param(param)  # one line says so, and the value leaves the link


def state_to_url(values: dict[str, tuple[object, object]]) -> None:
    """``{param: (value, default)}`` into the link; a value at its default leaves it, so the link stays short."""
    for param, (value, default) in values.items():
        if value == default:
            st.query_params.pop(param, None)
        else:
            st.query_params[param] = f"{value:g}" if isinstance(value, float) else str(value)


# ------------------------------------------------------------------ an uploaded table


@st.cache_resource(show_spinner=False, max_entries=8)
def _parse_upload(digest: str, _raw: bytes, filename: str):
    """(Upload, None) or (None, why it can't be read), once per file content: digest is its SHA-256 (the bytes are not
    hashed again), and a refusal is kept too, so a bad file is not read again on every click. A resource, not data:
    every rerun gets the same frame without unpickling a copy (nothing changes it in place)."""
    from distill_core.data import read_upload
    from distill_core.errors import DistillError

    try:
        return read_upload(_raw, filename), None
    except DistillError as exc:
        return None, str(exc)


def upload_digest(upload) -> str:
    """The SHA-256 of a st.file_uploader value, computed once per uploaded file (its file_id), not on every rerun."""
    key = getattr(upload, "file_id", None)
    if key is None:
        return hashlib.sha256(upload.getvalue()).hexdigest()
    digests = st.session_state.setdefault("_upload_digests", {})
    if key not in digests:
        digests[key] = hashlib.sha256(upload.getvalue()).hexdigest()
    return digests[key]


def uploaded_table(upload):
    """(the Upload, its SHA-256) of a st.file_uploader value, parsed once per content; a DistillError says why it can't
    be read."""
    from distill_core.errors import DistillError

    digest = upload_digest(upload)
    parsed, error = _parse_upload(digest, upload.getvalue(), upload.name)
    if error:
        raise DistillError(error)
    return parsed, digest
