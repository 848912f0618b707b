"""Who is looking: the browser's owner token, kept in a cookie, and the instructor's sign-in.

Design: the owner token lives in a first-party cookie, never in the URL. Streamlit 1.67 can read
cookies (``st.context.cookies``, read-only, sent when the page connects) but not set them, so the
first visit writes it with a few lines of JavaScript (``st.html(..., unsafe_allow_javascript=True)``,
our own script, no user text in it). A refresh, a new tab or a shared link then carries the
browser's cookie, not the link's: any URL can be copied and shared without handing over the runs
behind it. A token in the query string would survive a refresh too, but every copied link would
carry it. Without a cookie (JavaScript off, a test) the token lasts as long as the session.

The instructor opens any page once with ``?admin=<DISTILL_LAB_ADMIN_TOKEN>``: the parameter is
removed from the link at once, and a cookie holding a salted hash of the token (not the token)
keeps the sign-in across refreshes. The hash is checked against the server's token each time, so
changing DISTILL_LAB_ADMIN_TOKEN signs every instructor out.
"""

from __future__ import annotations

import hashlib
import json
import re

import streamlit as st

OWNER_COOKIE = "distill_lab_owner"
ADMIN_COOKIE = "distill_lab_admin"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")  # access.new_owner_token(): 24 random bytes, URL-safe
_KEY_OWNER, _KEY_ADMIN = "session_owner_token", "session_admin"
COOKIE_DAYS = 30


def _admin_proof(token: str) -> str:
    return hashlib.sha256(b"distill-lab-admin\0" + token.encode("utf-8", "replace")).hexdigest()


def _cookie(name: str) -> str | None:
    try:
        value = st.context.cookies.get(name)
    except Exception:  # no browser connection (a bare script run): no cookies
        return None
    return value if isinstance(value, str) else None


def _set_cookie(name: str, value: str, reload_if_different: bool) -> None:
    """Write a cookie from the browser. When another tab already wrote a different owner token, reload
    once, so this tab's session picks up the browser's token instead of starting a second owner."""
    script = f"""<script>
(function() {{
  const name = {json.dumps(name)}, value = {json.dumps(value)};
  const now = document.cookie.split("; ").find(c => c.startsWith(name + "="));
  const secure = location.protocol === "https:" ? "; Secure" : "";
  if (now && now.slice(name.length + 1) !== value && {json.dumps(reload_if_different)}) {{
    if (!sessionStorage.getItem("distill_lab_reloaded")) {{ sessionStorage.setItem("distill_lab_reloaded", "1"); location.reload(); }}
    return;
  }}
  document.cookie = name + "=" + value + "; path=/; max-age={COOKIE_DAYS * 86400}; SameSite=Strict" + secure;
}})();
</script>"""
    st.html(script, unsafe_allow_javascript=True, width="content")


def start() -> None:
    """Once per run of app.py, before the page: the owner token, and the instructor sign-in from ``?admin=``."""
    from distill_core.access import admin_token, is_admin, new_owner_token

    if _KEY_OWNER not in st.session_state:
        token = _cookie(OWNER_COOKIE)
        if not (token and _TOKEN.fullmatch(token)):
            token = new_owner_token()
            _set_cookie(OWNER_COOKIE, token, reload_if_different=True)
        st.session_state[_KEY_OWNER] = token
        proof = _cookie(ADMIN_COOKIE)
        st.session_state[_KEY_ADMIN] = bool(proof and admin_token() and proof == _admin_proof(admin_token()))
    if "admin" in st.query_params:
        entered = str(st.query_params.get("admin") or "")
        st.query_params.pop("admin", None)  # out of the link before anything can copy it
        if is_admin(entered):
            st.session_state[_KEY_ADMIN] = True
            _set_cookie(ADMIN_COOKIE, _admin_proof(entered), reload_if_different=False)
            st.toast("Instructor mode: you see and can cancel every run on this server.", icon=":material/admin_panel_settings:")
        else:
            st.session_state[_KEY_ADMIN] = False
            st.warning("That instructor token is not the one this server was started with: ordinary participant view.")
    if is_instructor():
        st.sidebar.caption("Instructor mode: every participant's runs are visible and cancellable.")


def owner_token() -> str:
    """This browser's owner token: runs submitted with it are this browser's."""
    if _KEY_OWNER not in st.session_state:
        start()
    return st.session_state[_KEY_OWNER]


def is_instructor() -> bool:
    """Signed in with DISTILL_LAB_ADMIN_TOKEN (and the server still has that token)."""
    from distill_core.access import admin_token

    return bool(st.session_state.get(_KEY_ADMIN)) and bool(admin_token())


# ------------------------------------------------------------------ what this session may do with a run
# The rules are the run store's (Run.visible_to / can_cancel / can_download); this session supplies who asks.


def can_view(run) -> bool:
    """Own runs, shared sample-task runs, and everything for the instructor."""
    return run is not None and run.visible_to(owner_token(), is_instructor())


def can_control(run) -> bool:
    """Cancel: the owner and the instructor only (a shared run is read-only to everyone else)."""
    return run is not None and run.can_cancel(owner_token(), is_instructor())


def can_download(run) -> bool:
    return run is not None and run.can_download(owner_token(), is_instructor())


def visible(runs) -> list:
    return [r for r in runs if can_view(r)]


def list_runs(store, **filters) -> list:
    """The runs this session may see, newest first (``task``, ``kind``, ``limit`` as RunStore.list)."""
    return store.list_visible(owner_token(), is_instructor(), **filters)


def cancel(job, run_id: int) -> bool:
    """Cancel as this session: the runner refuses anyone but the owner and the instructor."""
    return job.cancel(run_id, owner=owner_token(), admin=is_instructor())


NO_SUCH_RUN = "There is no such run on this server, or it belongs to another participant."


def open_run(store, ref, kind: str | tuple[str, ...]):
    """(the run, None) when this session may open ``ref`` on a page that shows ``kind`` runs, else (None, why).

    ``ref`` is this session's own run (the int the runner returned) or a link's public id (a str).
    Someone else's private run reads exactly like a run that does not exist: a link must not
    reveal whether an id is taken.
    """
    kinds = (kind,) if isinstance(kind, str) else kind
    if isinstance(ref, int) and not isinstance(ref, bool):
        run = store.get(ref)
    else:
        run = store.get_public(str(ref))
    if run is None or not can_view(run):
        return None, NO_SUCH_RUN
    if run.kind not in kinds:
        return None, "That run was made on another page of the lab, not this one: open it there."
    return run, None
