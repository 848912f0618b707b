"""The run store: one SQLite row per run, artefacts in a folder per run.

SQLite in WAL mode with one transaction per write, so a crash never leaves half a row and readers
never block the writer. The home folder comes from ``DISTILL_LAB_HOME`` (default ``~/.distill_lab``).
Statuses: queued -> running -> finished | failed | cancelled | timed out | interrupted (the app
stopped mid-run).

The integer id stays inside the engine; URLs carry ``public_id``, a random token (``get_public``).
Each run has an owner token and is either shared (a sample task) or private (``Run.visible_to``).
Files written by older versions are migrated in place: the new columns are added and filled.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .access import is_shared_config, looks_like_public_id, new_public_id, same_token
from .errors import DistillError
from .paths import home_dir

ACTIVE = ("queued", "running")
FINAL = ("finished", "failed", "cancelled", "timed out", "interrupted")

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
    owner TEXT,                      -- the owner token of the browser session (or "cli:<pid>")
    created REAL NOT NULL,
    started REAL,
    ended REAL,
    artefacts TEXT
);
CREATE INDEX IF NOT EXISTS runs_task ON runs(task, created);
"""

# Added after the first release: an older file gets them with ALTER TABLE (see _migrate).
_NEW_COLUMNS = {
    "public_id": "TEXT",  # the run's id in URLs: random, unguessable
    "shared": "INTEGER",  # 1: a sample-task run everyone may see; 0: private to its owner
    "runner_pid": "INTEGER",  # the process whose queue holds the run: a restart checks it is alive
    "child_pid": "INTEGER",  # the training child, so a restart can end a stale one
    "time_limit_s": "REAL",  # the run is stopped as "timed out" past this many seconds of running
}


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
    public_id: str = ""
    shared: bool = True
    runner_pid: int | None = None
    child_pid: int | None = None
    time_limit_s: float | None = None

    @property
    def seconds(self) -> float | None:
        if self.started is None:
            return None
        return (self.ended or time.time()) - self.started

    def owned_by(self, owner: str | None) -> bool:
        return same_token(owner, self.owner)

    def visible_to(self, owner: str | None, admin: bool = False) -> bool:
        """Shared runs are visible to all; private ones to their owner and the instructor."""
        return admin or self.shared or self.owned_by(owner)

    def can_cancel(self, owner: str | None, admin: bool = False) -> bool:
        """Only the owner or the instructor stops a run; a shared run is read-only to everyone else."""
        return admin or self.owned_by(owner)

    def can_download(self, owner: str | None, admin: bool = False) -> bool:
        return self.visible_to(owner, admin)


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
        self._migrate()

    def _migrate(self) -> None:
        """Add the columns an older file lacks and fill them: every run gets a public id, and runs are
        shared unless they were trained on a data file of their own. One write transaction, so two
        servers starting at once do not both alter the table."""
        with self._lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            have = {r["name"] for r in db.execute("PRAGMA table_info(runs)")}
            for name, sql_type in _NEW_COLUMNS.items():
                if name not in have:
                    db.execute(f"ALTER TABLE runs ADD COLUMN {name} {sql_type}")
            rows = db.execute("SELECT id, config FROM runs WHERE public_id IS NULL OR shared IS NULL").fetchall()
            db.executemany(
                "UPDATE runs SET public_id = COALESCE(public_id, ?), shared = COALESCE(shared, ?) WHERE id = ?",
                [(new_public_id(), int(is_shared_config(_json_dict(r["config"]))), r["id"]) for r in rows],
            )
            db.execute("CREATE UNIQUE INDEX IF NOT EXISTS runs_public_id ON runs(public_id)")

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

    def create(self, kind: str, task: str | None, config: dict, status: str = "queued", owner: str | None = None,
               shared: bool | None = None, runner_pid: int | None = None, time_limit_s: float | None = None) -> int:
        """A new row; ``shared`` defaults to "a sample task" (no data file in ``config``). ``runner_pid`` names
        the process that will run it (a restart checks it); without it, an owner of the form "who:pid" does."""
        shared = is_shared_config(config) if shared is None else shared
        with self._lock, self._connect() as db:
            cur = db.execute(
                "INSERT INTO runs(kind, task, status, config, owner, created, public_id, shared, runner_pid, time_limit_s)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (kind, task, status, json.dumps(config), owner, time.time(), new_public_id(), int(shared), runner_pid, time_limit_s),
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

    def set_child(self, run_id: int, pid: int | None) -> None:
        """Remember the training child's pid, so a restart can end it if the server died under it."""
        self._update(run_id, child_pid=pid)

    def mark_interrupted(self) -> int:
        """At app start: runs still queued or running whose process is gone are marked interrupted,
        and a training child such a run left behind is killed.

        The process is ``runner_pid``, or for older rows and the CLI the "<who>:<pid>" in the owner
        column; a run of a process that is still alive (a CLI run beside the app, another app
        server) is left alone.
        """
        with self._connect() as db:
            rows = db.execute("SELECT id, owner, runner_pid, child_pid FROM runs WHERE status IN ('queued','running')").fetchall()
        dead = [r for r in rows if not _process_alive(r["runner_pid"] if r["runner_pid"] else _pid_in_owner(r["owner"]))]
        for r in dead:
            kill_stale_child(r["child_pid"])
        if dead:
            with self._lock, self._connect() as db:
                db.executemany(
                    "UPDATE runs SET status='interrupted', error='the app stopped before this run finished', ended=? WHERE id=?",
                    [(time.time(), r["id"]) for r in dead],
                )
        return len(dead)

    def get(self, run_id: int) -> Run | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _to_run(row) if row else None

    def get_public(self, public_id: object) -> Run | None:
        """The run with this public id; None for any other value (garbage included), never an exception."""
        if not looks_like_public_id(public_id):
            return None
        with self._connect() as db:
            row = db.execute("SELECT * FROM runs WHERE public_id = ?", (public_id,)).fetchone()
        return _to_run(row) if row else None

    def get_visible(self, public_id: object, owner: str | None, admin: bool = False) -> Run | None:
        """``get_public``, but None as well when the run is someone else's private run: a page cannot
        tell "not yours" from "no such run", so ids reveal nothing."""
        run = self.get_public(public_id)
        return run if run is not None and run.visible_to(owner, admin) else None

    def list(self, task: str | None = None, kind: str | None = None, limit: int = 200) -> list[Run]:
        """Every run, newest first (engine use: a page shows ``list_visible``)."""
        return self._select(task, kind, limit)

    def list_visible(self, owner: str | None, admin: bool = False, task: str | None = None, kind: str | None = None,
                     limit: int = 200) -> list[Run]:
        """The runs this owner may see, newest first: shared runs and their own (all for the instructor)."""
        if admin:
            return self._select(task, kind, limit)
        return [r for r in self._select(task, kind, limit, visible_to=owner or "") if r.visible_to(owner)]

    def _select(self, task: str | None, kind: str | None, limit: int, visible_to: str | None = None) -> list[Run]:
        where, args = [], []
        for column, value in (("task", task), ("kind", kind)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if visible_to is not None:  # narrowed in SQL so the limit counts visible runs; checked again in Python
            where.append("(shared = 1 OR owner = ?)")
            args.append(visible_to)
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


def _pid_in_owner(owner: str | None) -> int | None:
    """The pid of an owner written as "<who>:<pid>" (the CLI's, and every row of older versions)."""
    try:
        return int((owner or "").rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def _process_alive(pid: int | None) -> bool:
    if not pid or pid == os.getpid():
        return False  # this process is just starting: nothing of its own can be running yet
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _proc_state(pid) not in ("Z", "X")  # a zombie has finished: only its exit status is left


def _proc_state(pid: int) -> str:
    """The one-letter state of a process from /proc ("R", "S", "Z"...); "" where /proc cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def is_training_child(pid: int | None) -> bool:
    """True when ``pid`` is alive and is a multiprocessing child (what the job runner starts); a pid reused
    by any other program is never touched."""
    if not pid or pid == os.getpid():
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"multiprocessing" in cmdline and (b"spawn_main" in cmdline or b"--multiprocessing-fork" in cmdline)


def kill_stale_child(pid: int | None) -> bool:
    """Kill a training child left by a server that died; True when one was killed."""
    if not is_training_child(pid):
        return False
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _json_dict(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _to_run(row: sqlite3.Row) -> Run:
    load = lambda v: json.loads(v) if v else None
    return Run(
        id=row["id"], kind=row["kind"], task=row["task"], status=row["status"], config=load(row["config"]) or {},
        metrics=load(row["metrics"]), progress=load(row["progress"]), error=row["error"], owner=row["owner"],
        created=row["created"], started=row["started"], ended=row["ended"], artefacts=row["artefacts"],
        public_id=row["public_id"] or "", shared=bool(row["shared"]), runner_pid=row["runner_pid"],
        child_pid=row["child_pid"], time_limit_s=row["time_limit_s"],
    )
