"""A Run button that never starts a run from settings a cut-short script run left behind.

On Streamlit 1.67 a Run pressed while the page was still rerunning after another click (within a second;
longer on a busy server) now and then started a run at T = 0.5, alpha = 0 and without the transfer set: the
widgets had come back at their first option. Declaring every default in the widget's own call
(pages/distill.py: ``initial``) is the fix that held; this guard is the second line. A page marks each
script run begun / its settings drawn, keeps the settings of the last run that drew them all, and when Run
arrives right after a run that did not, puts those settings back and asks for the press again instead of
starting anything.

    guard = RunGuard("dist")         # at the top of the page, before its widgets
    run_clicked = st.button("Run", on_click=guard.pressed, ...)
    guard.completed()                 # once every setting has been drawn (right after the Run button)
    if run_clicked and not guard.refused(): ...   # where the page submits
"""

from __future__ import annotations

import streamlit as st

# Widget values that session state cannot take back (buttons, uploads), and what is not a setting.
_NOT_SETTINGS = ("button", "upload", "cancel", "reset", "zip", "pick_run", "_complete", "_snapshot", "_refused", "_run")


class RunGuard:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self._complete, self._snapshot, self._refused = f"{prefix}_complete", f"{prefix}_snapshot", f"{prefix}_refused"
        st.session_state[self._complete] = False  # until completed() is reached in this script run

    def _settings(self) -> dict:
        return {k: v for k, v in st.session_state.items()
                if str(k).startswith(self.prefix + "_") and not any(part in str(k) for part in _NOT_SETTINGS)}

    def pressed(self) -> None:
        """The Run button's on_click (runs before the page's script): refuse a press that followed an
        interrupted run, and restore the settings of the last completed one."""
        if st.session_state.get(self._complete, True):
            return
        st.session_state[self._refused] = True
        for key, value in st.session_state.get(self._snapshot, {}).items():
            try:
                st.session_state[key] = value
            except Exception:  # noqa: BLE001 - a widget that cannot be set keeps its own value
                pass

    def refused(self) -> bool:
        """True (once, with a notice) when this press was refused by ``pressed``."""
        if not st.session_state.pop(self._refused, False):
            return False
        st.warning("The page was still updating when Run was pressed, so nothing was started: "
                   "check the settings above and press Run again.")
        return True

    def completed(self) -> None:
        st.session_state[self._snapshot] = self._settings()
        st.session_state[self._complete] = True
