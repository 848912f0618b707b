"""The run store: one SQLite row per run, artefacts in a folder per run.

SQLite in WAL mode with one transaction per write, so a crash never leaves half a row and readers
never block the writer. The home folder comes from ``DISTILL_LAB_HOME`` (default ``~/.distill_lab``).
Statuses: queued -> running -> finished | failed | cancelled | interrupted (the app stopped mid-run).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import DistillError
from .paths import home_dir

ACTIVE = ("queued", "running")
FINAL = ("finished", "failed", "cancelled", "interrupted")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,              -- 'distill', 'experiment', ...
    task TEXT,
    status TEXT NOT NULL,
    config TEXT NOT NULL,            -- JSON of the spec
    metrics TEXT,                    -- JSON of the report (when finished)
    progress TEXT,                   -- JSON of the latest progress / curves while running
    error TEXT,
    owner TEXT,                      -- which app session queued it
    created REAL NOT NULL,
    started REAL,
    ended REAL,
    artefacts TEXT
);
CREATE INDEX IF NOT EXISTS runs_task ON runs(task, created);
"""


@dataclass
class Run:
    id: int
    kind: str
    task: str | None
    status: str
    config: dict
    metrics: dict | None
    progress: dict | None
    error: str | None
    owner: str | None
    created: float
    started: float | None
    ended: float | None
    artefacts: str | None

    @property
    def seconds(self) -> float | None:
        if self.started is None:
            return None
        return (self.ended or time.time()) - self.started


class RunStore:
    def __init__(self, home: Path | str | None = None):
        self.home = Path(home) if home else home_dir()
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            (self.home / "runs").mkdir(exist_ok=True)
            probe = self.home / f".write-test-{os.getpid()}"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise DistillError(
                f"cannot write to the Distillation Lab folder {self.home} ({exc.strerror or exc}); "
                "set DISTILL_LAB_HOME to a writable folder"
            ) from None
        self.path = self.home / "runs.sqlite"
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:  # one transaction: committed on success, rolled back on error
                yield db
        except sqlite3.OperationalError as exc:
            raise DistillError(f"the run store at {self.path} cannot be written ({exc})") from None
        finally:
            db.close()

    def create(self, kind: str, task: str | None, config: dict, status: str = "queued", owner: str | None = None) -> int:
        with self._lock, self._connect() as db:
            cur = db.execute(
                "INSERT INTO runs(kind, task, status, config, owner, created) VALUES (?,?,?,?,?,?)",
                (kind, task, status, json.dumps(config), owner, time.time()),
            )
            run_id = int(cur.lastrowid)
        return run_id

    def artefact_dir(self, run_id: int) -> Path:
        return self.home / "runs" / str(run_id)

    def _update(self, run_id: int, **fields) -> None:
        cols = ", ".join(f"{k} = ?" for k in fields)
        values = [json.dumps(v) if k in ("config", "metrics", "progress") and v is not None else v for k, v in fields.items()]
        with self._lock, self._connect() as db:
            db.execute(f"UPDATE runs SET {cols} WHERE id = ?", (*values, run_id))

    def start(self, run_id: int) -> None:
        self._update(run_id, status="running", started=time.time())

    def set_progress(self, run_id: int, progress: dict) -> None:
        self._update(run_id, progress=progress)

    def finish(self, run_id: int, metrics: dict, artefacts: str | None = None) -> None:
        self._update(run_id, status="finished", metrics=metrics, ended=time.time(), artefacts=artefacts)

    def fail(self, run_id: int, reason: str, status: str = "failed") -> None:
        self._update(run_id, status=status, error=reason, ended=time.time())

    def mark_interrupted(self) -> int:
        """At app start: runs still queued or running whose process is gone are marked interrupted.

        The owner column holds "<who>:<pid>"; a run of a process that is still alive (a CLI run
        beside the app, another app server) is left alone.
        """
        with self._connect() as db:
            rows = db.execute("SELECT id, owner FROM runs WHERE status IN ('queued','running')").fetchall()
        dead = [r["id"] for r in rows if not _owner_alive(r["owner"])]
        if dead:
            with self._lock, self._connect() as db:
                db.executemany(
                    "UPDATE runs SET status='interrupted', error='the app stopped before this run finished', ended=? WHERE id=?",
                    [(time.time(), i) for i in dead],
                )
        return len(dead)

    def get(self, run_id: int) -> Run | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _to_run(row) if row else None

    def list(self, task: str | None = None, kind: str | None = None, limit: int = 200) -> list[Run]:
        where, args = [], []
        if task is not None:
            where.append("task = ?")
            args.append(task)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = "SELECT * FROM runs" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?"
        with self._connect() as db:
            return [_to_run(r) for r in db.execute(sql, (*args, limit)).fetchall()]


def zip_folder(folder: Path | str) -> bytes:
    """A zip of a folder, in memory, paths relative to it (weights stored, text compressed)."""
    import io
    import zipfile

    folder = Path(folder)
    if not folder.is_dir():
        raise DistillError(f"{folder} is gone: the run's files were removed")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                method = zipfile.ZIP_STORED if path.suffix == ".safetensors" else zipfile.ZIP_DEFLATED
                zf.write(path, path.relative_to(folder.parent).as_posix(), compress_type=method)
    return buffer.getvalue()


def _owner_alive(owner: str | None) -> bool:
    try:
        pid = int((owner or "").rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False  # this process is just starting: nothing of its own can be running yet
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _to_run(row: sqlite3.Row) -> Run:
    load = lambda v: json.loads(v) if v else None
    return Run(
        id=row["id"], kind=row["kind"], task=row["task"], status=row["status"], config=load(row["config"]) or {},
        metrics=load(row["metrics"]), progress=load(row["progress"]), error=row["error"], owner=row["owner"],
        created=row["created"], started=row["started"], ended=row["ended"], artefacts=row["artefacts"],
    )
