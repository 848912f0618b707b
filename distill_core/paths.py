"""Where the lab keeps its files (DISTILL_LAB_HOME), and writes that a crash never leaves half done."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable


def home_dir() -> Path:
    """Runs, cached teachers and logits, uploads: ``DISTILL_LAB_HOME``, default ``~/.distill_lab``."""
    return Path(os.environ.get("DISTILL_LAB_HOME") or Path.home() / ".distill_lab").expanduser()


def uploads_dir() -> Path:
    """Where the app keeps uploaded tables, so a run (and its reproduce command) can read them again."""
    return home_dir() / "uploads"


def write_json(path: str | Path, data) -> None:
    """A report as JSON for the CLI's --json (numpy numbers written as floats)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, default=float)


def cache_key(*parts) -> str:
    """A short, stable name for a cache entry made of these parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def atomic_dir_write(final: Path, write: Callable[[Path], None]) -> None:
    """Write into a temporary sibling folder, then rename: a crash never leaves a half-written cache."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700, and the rename keeps that: other users could not read the cache
        write(tmp)
        if final.exists():
            shutil.rmtree(tmp)
            return
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


