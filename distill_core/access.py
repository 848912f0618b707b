"""Who may see and stop a run: owner tokens, the instructor's token, unguessable run ids.

A browser session holds an owner token (made by ``new_owner_token``); every run records its owner's
token. Runs on sample tasks are shared (visible to everyone, read-only to others); runs on a
user's own data are private to their owner. The instructor's token, ``DISTILL_LAB_ADMIN_TOKEN``,
sees and cancels everything. Tokens are compared in constant time, so a timing cannot reveal them.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets

PUBLIC_ID_BYTES = 12  # 96 random bits: 16 URL-safe characters, not guessable nor enumerable
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{16}")
_MAX_TOKEN_CHARS = 256  # anything longer is not one of ours: refused before comparing


def new_public_id() -> str:
    """A run's id as it appears in URLs (``?run=...``)."""
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


def new_owner_token() -> str:
    """A browser session's owner token (the page keeps it across refreshes)."""
    return secrets.token_urlsafe(24)


def looks_like_public_id(text: object) -> bool:
    """True for a string shaped like a public run id: a page can reject anything else before a lookup."""
    return isinstance(text, str) and _PUBLIC_ID.fullmatch(text) is not None


def same_token(a: object, b: object) -> bool:
    """Two non-empty tokens equal, compared in constant time."""
    if not isinstance(a, str) or not isinstance(b, str) or not a or not b:
        return False
    if len(a) > _MAX_TOKEN_CHARS or len(b) > _MAX_TOKEN_CHARS:
        return False
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


def admin_token() -> str:
    """The instructor's token from ``DISTILL_LAB_ADMIN_TOKEN``; empty when unset (no one is admin then)."""
    return os.environ.get("DISTILL_LAB_ADMIN_TOKEN", "").strip()


def is_admin(token: object) -> bool:
    """True when ``token`` is the instructor's token; always False while none is configured."""
    return same_token(token, admin_token())


def is_shared_config(config: dict) -> bool:
    """A run on a sample task is shared with everyone; one that names a data file of its own is private."""
    return not config.get("data_file")
