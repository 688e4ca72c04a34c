"""Opening the database and applying its migrations.

There is ONE migration set, `MIGRATIONS`. Each store module registers its own migrations on it with the
decorator (`@MIGRATIONS(name="certificates_0001_create")`); `MIGRATION_MODULES` lists those modules and its order
is the order migrations are applied in on a new database. Add a module at the END of the list, and never rename
or reorder an applied migration: the name is what `_sqlite_migrations` remembers.

Concurrency: WAL, a 30 s busy timeout, and `write_tx` (`BEGIN IMMEDIATE`) instead of
`db.atomic()` for multi-statement writes, which fails at once under concurrent writers in WAL mode.

Backends: SQLite through sqlite-utils is the default. `DATABASE_URL=postgresql://…` runs the same store on
PostgreSQL (`accreditation.store.pg`, the same API; see docs/postgresql.md). `ACCREDITATION_TEST_DATABASE_URL`
is the test harness's: every SQLite path a test opens becomes a schema of that PostgreSQL database instead."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

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


DATABASE_URL = "DATABASE_URL"
TEST_DATABASE_URL = "ACCREDITATION_TEST_DATABASE_URL"


def is_url(target: object) -> bool:
    """A PostgreSQL URL (psycopg is imported only then: SQLite needs none of it)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def database_url() -> str | None:
    """The PostgreSQL server set in `DATABASE_URL`, or None for SQLite (unset, empty or a file path)."""
    value = os.environ.get(DATABASE_URL, "").strip()
    return value if is_url(value) else None


def store_exists() -> bool:
    """Whether the default store exists yet (a command that only reads must not create one): always, for a
    PostgreSQL server."""
    return database_url() is not None or default_path().exists()


def _target(path: str | Path | None) -> str:
    """Where `path` lives: a PostgreSQL URL or a SQLite file (or ":memory:")."""
    if path is None:
        url = database_url()
        if url:
            return url
        if not os.environ.get(TEST_DATABASE_URL):
            value = os.environ.get(DATABASE_URL, "").strip()
            if value and not value.startswith("sqlite:"):
                return value  # a file path in DATABASE_URL
            if value.startswith("sqlite:///"):
                return value[len("sqlite:///"):]
        path = default_path()
    target = str(path)
    if is_url(target):
        return target
    test_server = os.environ.get(TEST_DATABASE_URL, "").strip()
    if test_server:
        return _test_schema_url(test_server, target)
    return target


def _test_schema_url(server: str, target: str) -> str:
    """The test harness: a SQLite path as a schema of the test server's database. ":memory:" is a new schema each
    time (private, as in SQLite); a file path is the same schema from every process (the race tests). The file is
    still created, empty, so code asking whether the database exists gets SQLite's answer."""
    source = None
    if target == ":memory:":
        name = "m_" + uuid.uuid4().hex[:24]
    else:
        # The stand-in file holds its schema's name: a copy of it (a test copying a database) names the schema
        # it was copied from, and opening the copy copies that schema's rows (`pg.copy_schema`).
        resolved = str(Path(target).resolve())
        name = "f_" + hashlib.sha1(resolved.encode()).hexdigest()[:24]
        marker = f"{_MARKER}{name}".encode()
        if os.path.isdir(os.path.dirname(resolved)):
            held = Path(resolved).read_bytes()[:100] if os.path.exists(resolved) else b""
            if held.startswith(_MARKER.encode()) and held != marker:
                source = held[len(_MARKER):].decode()
            if held != marker:
                fd = os.open(resolved, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.write(fd, marker)
                os.close(fd)
    url = _schema_url(server, name)
    if source:
        _COPY_FROM[url] = source
    return url


def _schema_url(server: str, schema: str) -> str:
    sep = "&" if "?" in server else "?"
    return f"{server}{sep}options={quote(f'-csearch_path={schema}')}"


_MARKER = "accreditation-test-schema:"
_COPY_FROM: dict[str, str] = {}


def dialect(db: Any) -> str:
    """"postgresql" or "sqlite": for the few queries written per dialect."""
    return getattr(db, "dialect", "sqlite")


def identity(db: Any) -> str:
    """What names the database `db` is connected to, for caches keyed across databases and for `connect()` from
    another thread: the file's path ("" for an in-memory SQLite database), or the PostgreSQL URL."""
    if dialect(db) == "postgresql":
        return db.identity()
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or ""
    return ""


def open_db(path: str | Path | None = None) -> Database:
    """The database at `path` (default: `DATABASE_URL` if it names a PostgreSQL server, else
    `data_dir()/accreditation.db`), migrated to the current schema.

    `":memory:"` gives a private in-memory database (tests)."""
    db = connect(path)
    migrate(db)
    return db


def connect(path: str | Path | None = None) -> Database:
    """A connection to an already migrated database. Give each thread its own (the app does, see
    `ui.common.db`): a transaction belongs to a connection, so two users sharing one would share transactions."""
    target = _target(path)
    if is_url(target):
        from accreditation.store.pg import PGDatabase

        # the test harness's stand-in for ":memory:" is private like it: no identity to share or cache by
        pg = PGDatabase(target, private=str(path) == ":memory:")
        source = _COPY_FROM.pop(target, None)
        if source:
            from accreditation.store.pg import copy_schema

            migrate(pg)  # type: ignore[arg-type]
            copy_schema(pg, source)
        return pg  # type: ignore[return-value]
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

    server = os.environ.get(TEST_DATABASE_URL, "").strip()
    held = Path(path).read_bytes()[:100] if server and Path(path).is_file() else b""
    if held.startswith(_MARKER.encode()):  # the test harness's stand-in for one of our files, read-only
        from accreditation.store.pg import PGDatabase

        db = PGDatabase(_schema_url(server, held[len(_MARKER):].decode()))
        if "certificates" not in db.table_names():
            raise UserError.from_key("errors.not_our_registry", path=str(path))
        db.conn.raw.execute("SET default_transaction_read_only = on")
        return db  # type: ignore[return-value]
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
        if dialect(db) == "postgresql":
            from accreditation.store.pg import migrate_new_schema, prepare

            if os.environ.get(TEST_DATABASE_URL) and not db.table_names():
                names = tuple(m.name for m in MIGRATIONS._migrations)
                migrate_new_schema(db, names, lambda: MIGRATIONS.apply(db))
                return
            prepare(db)
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

    lock = getattr(db, "_writer_lock", None)  # SQLite files only; PostgreSQL's advisory lock queues waiters itself
    if lock is not None and not lock.acquire(timeout=BUSY_SECONDS):
        raise UserError.from_key("errors.busy")
    try:
        try:
            if dialect(db) == "postgresql":
                db.begin_write()  # BEGIN, then the schema's writer lock: what BEGIN IMMEDIATE is in SQLite
            else:
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


# ------------------------------------------------------------------------------ SQL that differs per dialect
def ids_sql(db: Any, param: str = ":ids") -> str:
    """A subquery of the integers in the JSON array bound to `param` (`x IN (<this>)`)."""
    if dialect(db) == "postgresql":
        return f"SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST({param} AS jsonb)) AS value"
    return f"SELECT value FROM json_each({param})"


def _pg_path(path: str) -> str:
    """'$.remediation[0].priority' as PostgreSQL's path array literal '{remediation,0,priority}'."""
    parts = [p for p in path.removeprefix("$").replace("[", ".").replace("]", "").split(".") if p]
    return "'{" + ",".join(parts) + "}'"


def json_paths_sql(db: Any, column: str, paths: list[str] | tuple[str, ...]) -> str:
    """The values at `paths` of the JSON text in `column`, as one JSON array text (NULL when the column is):
    SQLite's multi-path `json_extract`. PostgreSQL's text has spaces after separators (`store.pg.json_compact`)."""
    if dialect(db) == "postgresql":
        items = ", ".join(f"CAST({column} AS jsonb) #> {_pg_path(p)}" for p in paths)
        return f"CASE WHEN {column} IS NULL THEN NULL ELSE CAST(jsonb_build_array({items}) AS TEXT) END"
    return f"json_extract({column}, {', '.join(repr(p) for p in paths)})"


def json_compact(text: str | None) -> str | None:
    """PostgreSQL's JSON text as SQLite's json_extract writes it (no spaces after separators)."""
    if text is None:
        return None
    return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
