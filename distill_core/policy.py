"""What a hosted workshop allows (DISTILL_LAB_LOCKED=1), enforced by the engine itself, not only by the pages.

Locked: no hub models, no model folders from the server's disk (the bundled teacher only), data files
only from the uploads folder. A teacher found in the cache is checked like a fresh one: a hub teacher
cached before the lock is refused too.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DistillError
from .paths import uploads_dir

_TRUE = ("1", "true", "yes", "on")


def locked() -> bool:
    """Hosted-workshop mode: DISTILL_LAB_LOCKED=1 (or true / yes / on)."""
    return os.environ.get("DISTILL_LAB_LOCKED", "").strip().lower() in _TRUE


def allowed(flag: bool | None) -> bool:
    """An engine flag (allow_hub, allow_local): None follows the lock; when locked, nothing can turn it on."""
    if locked():
        return False
    return True if flag is None else bool(flag)


def confine_data_file(path: str | os.PathLike) -> Path:
    """The data file, resolved; when locked it must lie inside the uploads folder (symlinks and '..' resolved first)."""
    try:
        resolved = Path(path).expanduser().resolve(strict=False)
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL byte
        raise DistillError(f"the data file name cannot be used ({exc})") from None
    if locked():
        root = uploads_dir().resolve(strict=False)
        if not resolved.is_relative_to(root) or resolved == root:
            raise DistillError("on this server (DISTILL_LAB_LOCKED) data files come from uploads only")
    return resolved
