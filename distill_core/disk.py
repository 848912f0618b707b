"""The lab's disk: a quota for DISTILL_LAB_HOME with least-recently-used eviction, and ``purge``.

What can go: fine-tuned teachers (``teachers/``, about 90 MB each), cached teacher logits
(``logits/``), the folders of finished, failed or cancelled runs (``runs/<id>``: a student of about
69 MB) and saved uploads (``uploads/``). What never goes: a queued or running run's folder and the
upload it reads, anything marked pinned (a file named ``PINNED`` inside it, or ``<name>.pinned``
beside a file), anything used in the last few minutes (a run may be about to read it), and the run
store itself. "Used" is the newest modification time in an entry: a cache hit touches its entry
(``touch``), so the order is least recently used, not least recently made.

The quota is DISTILL_LAB_QUOTA_GB (default 5 GB); the runner enforces it before each job starts.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .paths import home_dir

DEFAULT_QUOTA_GB = 5.0
GRACE_S = 600.0  # an entry used this recently may be read by a starting run: never evicted
PIN = "PINNED"
_CACHES = ("teachers", "logits", "uploads")


@dataclass
class Entry:
    path: Path
    kind: str  # "teacher", "logits", "run", "upload"
    bytes: int
    last_used: float  # newest modification time inside (seconds since the epoch)
    protected: str | None = None  # why it stays (running, pinned, in use), or None: evictable


def quota_bytes() -> int:
    """DISTILL_LAB_QUOTA_GB in bytes (default 5 GB); 0 or a bad value: the default."""
    raw = os.environ.get("DISTILL_LAB_QUOTA_GB", "").strip()
    try:
        gb = float(raw) if raw else DEFAULT_QUOTA_GB
    except ValueError:
        gb = DEFAULT_QUOTA_GB
    return int((gb if gb > 0 else DEFAULT_QUOTA_GB) * 1e9)


def touch(path: Path | str) -> None:
    """Mark a cache entry as just used (a hit), so least-recently-used eviction keeps it longest."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only or vanished entry: only the eviction order suffers


def pin(paths) -> None:
    """Mark these entries pinned: a folder gets a ``PINNED`` file inside, a file a ``<name>.pinned`` beside it.
    Missing ones are skipped. Neither the quota nor ``purge`` removes a pinned entry; deleting the marker unpins it."""
    for path in map(Path, paths):
        if path.is_dir():
            (path / PIN).touch()
        elif path.is_file():
            path.with_name(path.name + ".pinned").touch()


def _measure(path: Path) -> tuple[int, float]:
    if path.is_file() or path.is_symlink():
        st = path.lstat()
        return st.st_size, st.st_mtime
    size, newest = 0, path.stat().st_mtime
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            size += st.st_size
            newest = max(newest, st.st_mtime)
    return size, newest


def _active_runs(home: Path) -> tuple[set[str], set[str]]:
    """(folder names of queued / running runs, resolved data files they read), from the run store."""
    db = home / "runs.sqlite"
    if not db.exists():
        return set(), set()
    import json
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            rows = conn.execute("SELECT id, config FROM runs WHERE status IN ('queued', 'running')").fetchall()
    except sqlite3.Error:
        return {"*"}, set()  # the store cannot be read: treat every run as active, evict caches only
    files = set()
    for _id, config in rows:
        try:
            cfg = json.loads(config or "{}")
        except ValueError:
            continue
        for key in ("data_file", "transfer_file"):
            if cfg.get(key):
                files.add(str(Path(cfg[key]).resolve()))
    return {str(r[0]) for r in rows}, files


def entries(home: Path | str | None = None, now: float | None = None) -> list[Entry]:
    """Everything eviction could consider, oldest use first, each with why it is protected (if it is)."""
    home = Path(home) if home else home_dir()
    now = time.time() if now is None else now
    active, active_files = _active_runs(home)
    found: list[Entry] = []
    folders = [(home / name, name.rstrip("s")) for name in _CACHES] + [(home / "runs", "run")]
    for folder, kind in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.endswith(".pinned"):
                continue
            try:
                size, used = _measure(path)
            except OSError:
                continue
            entry = Entry(path, "logits" if kind == "logit" else kind, size, used)
            if (path / PIN).exists() or path.with_name(path.name + ".pinned").exists():
                entry.protected = "pinned"
            elif kind == "run" and ("*" in active or path.name in active):
                entry.protected = "queued or running"
            elif kind == "upload" and str(path.resolve()) in active_files:
                entry.protected = "read by a queued or running run"
            elif now - used < GRACE_S:
                entry.protected = "used in the last few minutes"
            found.append(entry)
    return sorted(found, key=lambda e: e.last_used)


def usage(home: Path | str | None = None) -> int:
    """Bytes under DISTILL_LAB_HOME (the run store included)."""
    home = Path(home) if home else home_dir()
    return _measure(home)[0] if home.exists() else 0


def _remove(entry: Entry) -> None:
    if entry.path.is_dir() and not entry.path.is_symlink():
        shutil.rmtree(entry.path, ignore_errors=True)
    else:
        entry.path.unlink(missing_ok=True)


def enforce_quota(home: Path | str | None = None, quota: int | None = None, dry_run: bool = False) -> list[Entry]:
    """Remove least-recently-used evictable entries until the home fits the quota; returns what went (or would)."""
    home = Path(home) if home else home_dir()
    quota = quota_bytes() if quota is None else quota
    over = usage(home) - quota
    removed: list[Entry] = []
    for entry in entries(home):
        if over <= 0:
            break
        if entry.protected:
            continue
        if not dry_run:
            _remove(entry)
        removed.append(entry)
        over -= entry.bytes
    return removed


def purge(home: Path | str | None = None, older_than_s: float = 0.0, dry_run: bool = False) -> list[Entry]:
    """Remove every evictable entry unused for at least ``older_than_s`` seconds; returns what went (or would)."""
    home = Path(home) if home else home_dir()
    cutoff = time.time() - older_than_s
    removed = [e for e in entries(home) if not e.protected and e.last_used <= cutoff]
    if not dry_run:
        for entry in removed:
            _remove(entry)
    return removed


def parse_age(text: str) -> float:
    """'7d', '12h', '30m', '45s' or a number of days, in seconds; ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhms]?)\s*", text or "")
    if not match:
        raise ValueError(f"not an age: {text!r} (use e.g. 7d, 12h, 30m)")
    return float(match.group(1)) * {"d": 86400, "h": 3600, "m": 60, "s": 1, "": 86400}[match.group(2)]


def describe(removed: list[Entry], dry_run: bool) -> str:
    total = sum(e.bytes for e in removed)
    verb = "would remove" if dry_run else "removed"
    lines = [f"{e.kind:8} {e.bytes / 1e6:8.1f} MB  {time.strftime('%Y-%m-%d %H:%M', time.localtime(e.last_used))}  {e.path}"
             for e in removed]
    return "\n".join(lines + [f"{verb} {len(removed)} entries, {total / 1e6:.1f} MB"])


# ------------------------------------------------------------------ the command line


def add_purge_parser(sub) -> None:
    p = sub.add_parser("purge", help="free disk under DISTILL_LAB_HOME: cached teachers, logits, finished runs, uploads")
    p.add_argument("--older-than", default="0", help="only what was not used for this long, e.g. 7d, 12h (default: everything)")
    p.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    p.add_argument("--quota", action="store_true", help="only down to DISTILL_LAB_QUOTA_GB (default 5 GB), oldest use first")


def cmd_purge(args) -> int:
    from .errors import DistillError

    try:
        age = parse_age(args.older_than)
    except ValueError as exc:
        raise DistillError(str(exc)) from None
    home = home_dir()
    removed = enforce_quota(home, dry_run=args.dry_run) if args.quota else purge(home, age, dry_run=args.dry_run)
    print(describe(removed, args.dry_run))
    kept = [e for e in entries(home) if e.protected]
    if kept:
        print(f"kept {len(kept)} protected entries (running, pinned or just used); {usage(home) / 1e6:.1f} MB in {home}")
    return 0
