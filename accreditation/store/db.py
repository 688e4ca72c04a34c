"""Opening the database and applying its migrations.

There is ONE migration set, `MIGRATIONS`. Each store module registers its own migrations on it with the
decorator (`@MIGRATIONS(name="certificates_0001_create")`); `MIGRATION_MODULES` lists those modules and its order
is the order migrations are applied in on a new database. Add a module at the END of the list, and never rename
or reorder an applied migration: the name is what `_sqlite_migrations` remembers.

Concurrency: WAL, a 30 s busy timeout, and `write_tx` (`BEGIN IMMEDIATE`) instead of
`db.atomic()` for multi-statement writes, which fails at once under concurrent writers in WAL mode."""

from __future__ import annotations

import importlib
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from accreditation.settings import data_dir

MIGRATIONS = Migrations("accreditation")

# Store modules that register migrations, in the order they are applied. Append new modules at the end.
MIGRATION_MODULES: tuple[str, ...] = (
    "accreditation.store.certificates",
    "accreditation.store.accounts",
    "accreditation.store.assessments",
    "accreditation.store.audit",
    "accreditation.store.checks",
    "accreditation.store.followup",
    "accreditation.store.invitations",
    "accreditation.store.register",
    "accreditation.store.signup",
)

DB_NAME = "accreditation.db"
BUSY_SECONDS = 30

# One lock per database file and process, taken before BEGIN IMMEDIATE. The app's users are threads of one process;
# without it they wait in SQLite's busy handler, which polls with sleeps and serves nobody in order: under load
# (benchmarks/load.py, 50-100 users) some writers waited past the 30 s timeout and saw "database is locked".
_WRITER_LOCKS: dict[str, threading.Lock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(path: str) -> threading.Lock:
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(path, threading.Lock())


def default_path() -> Path:
    return data_dir() / DB_NAME


def _register_migrations() -> None:
    for name in MIGRATION_MODULES:
        importlib.import_module(name)  # registering happens at import, once per process


def open_db(path: str | Path | None = None) -> Database:
    """The database at `path` (default: `data_dir()/accreditation.db`), migrated to the current schema.

    `":memory:"` gives a private in-memory database (tests)."""
    db = connect(path)
    migrate(db)
    return db


def connect(path: str | Path | None = None) -> Database:
    """A connection to an already migrated database. Give each thread its own (the app does, see
    `ui.common.db`): a transaction belongs to a connection, so two users sharing one would share transactions."""
    target = str(default_path() if path is None else path)
    if target != ":memory:" and not os.path.exists(target):  # the owner's only; SQLite gives -wal and -shm the same
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
    conn = sqlite3.connect(target, timeout=BUSY_SECONDS, check_same_thread=False)
    db = Database(conn)
    db._writer_lock = None if target == ":memory:" else _writer_lock(os.path.realpath(target))
    if target != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    return db


def open_registry_readonly(path: str | Path) -> Database:
    """Another installation's database, given on the command line (`suppliers --registry`), opened read-only and
    only if it is one of ours: a file that is not is refused and never written to (open_db would migrate it)."""
    from accreditation.errors import UserError

    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                              [MIGRATIONS.name])}
    except sqlite3.DatabaseError:  # not SQLite at all, or no migration table
        raise UserError.from_key("errors.not_our_registry", path=str(path)) from None
    if "certificates_0001_create" not in applied:
        conn.close()
        raise UserError.from_key("errors.not_our_registry", path=str(path))
    return Database(conn)


def migrate(db: Database) -> None:
    """Apply pending migrations, all in one write transaction so two processes opening a new database at the same
    time do not both try to create it (the second one waits, then finds nothing pending)."""
    _register_migrations()
    if not MIGRATIONS.pending(db):
        return
    with write_tx(db):
        MIGRATIONS.apply(db)  # each migration's own atomic() becomes a savepoint inside this transaction


@contextmanager
def write_tx(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock up front (`BEGIN IMMEDIATE`), so it waits for the busy
    timeout instead of failing when another writer holds the lock. Commits on success, rolls back on error.

    Inside another `write_tx` it is a savepoint of the outer transaction, so one business fact (an approval: a
    document issued, a status changed, a predecessor superseded, the audit entries) commits or vanishes whole."""
    depth = getattr(db, "_write_depth", 0)
    if depth:
        name = f"nested_{depth}"
        db.conn.execute(f"SAVEPOINT {name}")
        db._write_depth = depth + 1
        try:
            yield db
        except BaseException:
            db.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            db.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            db.conn.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            db._write_depth = depth
        return
    from accreditation.errors import UserError

    lock = getattr(db, "_writer_lock", None)
    if lock is not None and not lock.acquire(timeout=BUSY_SECONDS):
        raise UserError.from_key("errors.busy")
    try:
        try:
            db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # another process held the write lock past the busy timeout
            if "locked" in str(exc) or "busy" in str(exc):
                raise UserError.from_key("errors.busy") from None
            raise
        db._write_depth = 1
        db._after_commit = []
        try:
            yield db
        except BaseException:
            db.rollback()
            db._after_commit = []
            raise
        else:
            db.commit()
        finally:
            db._write_depth = 0
    finally:
        if lock is not None:
            lock.release()
    callbacks, db._after_commit = db._after_commit, []
    for fn in callbacks:
        fn()


def after_commit(db: Database, fn: Callable[[], None]) -> None:
    """Run `fn` once the outermost write transaction commits (never if it rolls back): for what must not happen
    inside it, such as talking to an e-mail server. Outside a transaction, at once. `fn` must not raise."""
    if getattr(db, "_write_depth", 0):
        db._after_commit.append(fn)
    else:
        fn()
