"""The pages' outer wall: no traceback reaches the browser, links are read defensively, user text stays text.

- ``page_boundary()`` wraps a page (app.py runs ``navigation.run()`` inside it): a DistillError becomes its
  one line; anything else becomes one line naming the error's type, with the traceback in the server log.
- ``query_int`` / ``query_choice`` / ``query_float`` read a link's parameter: a value that can't be used
  is dropped from the link and explained in one line, and the page opens its default view.
- ``plain`` escapes user text for Streamlit's Markdown (alerts); ``plotly_text`` for Plotly labels,
  which render some HTML tags (``<a>``, ``<b>``, ``<img>`` would otherwise come through).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from contextlib import contextmanager

import streamlit as st

from distill_core.errors import DistillError

log = logging.getLogger("distill_lab.pages")

# A link parameter longer than this is not one the app wrote: refuse it before parsing anything.
MAX_PARAM_CHARS = 64


def hide_error_details() -> None:
    """In workshop mode, an unexpected error shows no message or traceback in the browser (only the server log).

    Also settable at launch (``--client.showErrorDetails=none``); set here so DISTILL_LAB_LOCKED=1 alone suffices.
    """
    from distill_core.policy import locked

    if locked() and st.get_option("client.showErrorDetails") != "none":
        st.set_option("client.showErrorDetails", "none")


@contextmanager
def page_boundary():
    """Run a page; an exception becomes one line on the page instead of a traceback.

    Streamlit's own control flow (st.rerun, st.stop, st.switch_page) raises BaseException subclasses,
    which pass through untouched. Also tells the user when a widget bound to the link
    (``bind="query-params"``) refused the link's value: Streamlit drops it from the link silently.
    """
    before = {key: st.query_params.get(key) for key in st.query_params}
    try:
        yield
    except DistillError as exc:
        st.error(plain(str(exc)))
    except Exception as exc:  # the boundary: anything a page did not expect
        log.exception("page error")
        st.error(
            f"Something went wrong on this page ({type(exc).__name__}); the details are in the server log. "
            "Reset the page, or open its default view from the menu."
        )
        st.button("Open this page's default view", key="guard_default_view", on_click=st.query_params.clear)
    else:
        _refused_by_widgets(before)


def guarded(fn):
    """A fragment's function behind the same wall: a fragment's own reruns (run_every) skip app.py's boundary."""
    import functools

    @functools.wraps(fn)  # the same name and module: Streamlit identifies the fragment by them
    def run(*args, **kwargs):
        with page_boundary():
            return fn(*args, **kwargs)

    return run


def _same(raw: str, value) -> bool:
    if str(value) == raw:
        return True
    try:
        return float(raw) == float(value)
    except (TypeError, ValueError, OverflowError):
        return False


def _refused_by_widgets(before: dict) -> None:
    """On a page's first run in this session: a link value that left the link although a widget of that name
    holds another value was refused by the widget (out of range, not an option, not a number)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    seen = st.session_state.setdefault("guard_pages_seen", set())
    page = ctx.page_script_hash if ctx else ""
    if page in seen:
        return
    seen.add(page)
    for param, raw in before.items():
        if param not in st.query_params and param in st.session_state and not _same(str(raw), st.session_state[param]):
            st.toast(f"The link's value for “{param}” was not used: it is not one this page offers. Showing the default instead.",
                     icon=":material/link_off:")


# ------------------------------------------------------------------ link parameters


def _notice(param: str, expected: str) -> None:
    """One line where the page reads its link (no user text in it); the parameter leaves the link."""
    st.query_params.pop(param, None)
    st.info(f"The link's value for “{param}” was not used: it should be {expected}. Showing the default instead.",
            icon=":material/link_off:")


def _raw(param: str) -> str | None:
    value = st.query_params.get(param)
    if value is None:
        return None
    value = str(value)
    return value if len(value) <= MAX_PARAM_CHARS else ""


def parse_int(raw: str, lo: int, hi: int) -> int | None:
    """A whole number in [lo, hi] written in ASCII digits, else None (no OverflowError, no '²', no '1_0')."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdecimal()) or len(raw) > len(str(hi)):
        return None
    value = int(raw)
    return value if lo <= value <= hi else None


def parse_float(raw: str, lo: float, hi: float, choices: Iterable[float] | None = None) -> float | None:
    """A finite number in [lo, hi] (and one of ``choices`` when given), else None."""
    raw = raw.strip()
    if not raw.isascii() or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?", raw):
        return None
    value = float(raw)
    if not math.isfinite(value) or not lo <= value <= hi:
        return None
    if choices is not None:
        near = [c for c in choices if abs(c - value) < 1e-9]
        return near[0] if near else None
    return value


def query_int(param: str, lo: int, hi: int) -> int | None:
    raw = _raw(param)
    if raw is None:
        return None
    value = parse_int(raw, lo, hi)
    if value is None:
        _notice(param, f"a whole number from {lo} to {hi}")
    return value


def query_float(param: str, lo: float, hi: float, choices: Iterable[float] | None = None) -> float | None:
    raw = _raw(param)
    if raw is None:
        return None
    choices = list(choices) if choices is not None else None
    value = parse_float(raw, lo, hi, choices)
    if value is None:
        shown = ", ".join(f"{c:g}" for c in choices) if choices else f"a number from {lo:g} to {hi:g}"
        _notice(param, f"one of {shown}" if choices else shown)
    return value


def query_choice(param: str, choices: Iterable[str]) -> str | None:
    raw = _raw(param)
    if raw is None:
        return None
    choices = list(choices)
    if raw in choices:
        return raw
    _notice(param, "one of " + ", ".join(choices))
    return None


def query_run_id(param: str = "run") -> str | None:
    """A run's public id from the link, else None with a notice."""
    raw = _raw(param)
    if raw is None:
        return None
    value = parse_run_id(raw)
    if value is None:
        _notice(param, "the id of a run on this server")
    return value


def parse_run_id(raw: str) -> str | None:
    """A public run id (random, 16 URL-safe characters), else None: a sequential number is never accepted."""
    from distill_core.access import looks_like_public_id

    raw = raw.strip()
    return raw if looks_like_public_id(raw) else None


def check_numbers(ranges: dict[str, tuple[float, float, bool]]) -> None:
    """Before number inputs bound to the link: ``{param: (lo, hi, whole)}``. Streamlit's own reading of a bound
    number_input raises on some values (an int one given 1e309: OverflowError), so a bad value leaves first."""
    for param, (lo, hi, whole) in ranges.items():
        raw = _raw(param)
        if raw is None:
            continue
        ok = parse_int(raw, int(lo), int(hi)) if whole else parse_float(raw, lo, hi)
        if ok is None:
            _notice(param, f"a {'whole ' if whole else ''}number from {lo:g} to {hi:g}")
            _forget_initial(param)


def _forget_initial(param: str) -> None:
    """A bound widget seeds itself from the link as it was when the page loaded, not from st.query_params:
    drop the value there too (Streamlit 1.67 has no public call for it; without one, the page's boundary still
    turns the widget's error into one line)."""
    try:
        from streamlit.runtime.state import get_session_state

        with get_session_state().query_params() as params:
            params._initial_query_params.pop(param, None)
    except Exception:  # another Streamlit version: the boundary remains
        log.debug("could not drop %s from the initial link", param)


def bad_param(param: str) -> None:
    """For callers with their own parsing (widgets.state_from_url): the value was not used."""
    _notice(param, "a value this page offers")


# ------------------------------------------------------------------ user text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~${}])")
_LINE_START = re.compile(r"^(\s*)(\d*)([-+=.)])", re.MULTILINE)


def plain(text: object) -> str:
    """User text made safe for st.error / st.warning / st.info / st.caption, which render Markdown.

    Escapes what starts Markdown, HTML, LaTeX and Streamlit's ``:color[...]`` directives, and breaks
    bare links (``https://``, ``www.``, ``a@b``) that GitHub-flavoured Markdown would turn into links.
    """
    text = _MD_SPECIAL.sub(r"\\\1", str(text))
    text = text.replace("://", r":\/\/").replace("www.", r"www\.").replace("@", r"\@")
    # a line starting "- ", "+ ", "1. " or "===" would become a list or a heading: escape its punctuation
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), text)


def plotly_text(text: object) -> str:
    """A label for Plotly (axis categories, legend, hover), which renders <b>, <a href>, <br>...: shown as typed."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
