"""PostgreSQL behind the sqlite-utils API the application uses.

Every store access in the application goes through a sqlite-utils `Database` (`db["t"].insert(...)`,
`db.execute(sql, params)`). `PGDatabase` offers that same subset on a psycopg 3 connection, so call sites stay as
they are and SQLite remains the default with no setting:

- SQL keeps SQLite's placeholders (`?`, `:name`); they become psycopg's (`%s`, `%(name)s`) here.
- Parameters are sent untyped (PostgreSQL infers each one from where it stands), as SQLite's column affinity
  does: an int compared with a TEXT column is compared as text, a bool stored in an INTEGER column is 1 or 0.
- Results come back as SQLite gives them: integers and floats for NUMERIC (SUM, AVG), 1/0 for booleans, JSON as
  text.
- Tables are created from the same sqlite-utils column specs (`create`, `create_index`, `add_column`), so both
  backends get the same schema from one migration set.
- Writers are serialised per schema with a transaction-level advisory lock (`lock_writes`), the equivalent of
  SQLite's `BEGIN IMMEDIATE`; a write outside `write_tx` takes the same lock for its statement.

The few queries that use SQLite-only SQL (`json_each`, multi-path `json_extract`) are switched per dialect where
they are written (see `accreditation.store.db.dialect`)."""

from __future__ import annotations

import re
import threading
import zlib
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from psycopg import adapt, errors, sql as pgsql
from sqlite_utils.db import NotFoundError, jsonify_if_needed

APPEND_ONLY_MESSAGE = "the audit log is append-only"


# ----------------------------------------------------------------------------------------------------- adapting
class _Untyped(adapt.Dumper):
    """A parameter sent as text of unknown type: the server types it from its context (SQLite affinity)."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        return str(obj).encode()


class _BoolUntyped(adapt.Dumper):
    oid = 0

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _DateUntyped(adapt.Dumper):
    """Dates and times as sqlite3's default adapters store them (ISO text with a space)."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        return (obj.isoformat(" ") if hasattr(obj, "hour") and hasattr(obj, "year") else obj.isoformat()).encode()


class _NumericLoader(adapt.Loader):
    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() and "." not in bytes(data).decode() else float(value)


class _BoolLoader(adapt.Loader):
    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


class _TextLoader(adapt.Loader):
    def load(self, data: Any) -> str:
        return bytes(data).decode()


def _configure(conn: psycopg.Connection) -> None:
    import datetime

    a = conn.adapters
    a.register_dumper(int, _Untyped)
    a.register_dumper(float, _Untyped)
    a.register_dumper(Decimal, _Untyped)
    a.register_dumper(bool, _BoolUntyped)
    for cls in (datetime.date, datetime.datetime, datetime.time):
        a.register_dumper(cls, _DateUntyped)
    a.register_loader("numeric", _NumericLoader)
    a.register_loader("bool", _BoolLoader)
    for name in ("json", "jsonb"):
        a.register_loader(name, _TextLoader)


# ------------------------------------------------------------------------------------------------- placeholders
_TOKENS = re.compile(r"""('(?:[^']|'')*')|("(?:[^"]|"")*")|(--[^\n]*)|(/\*.*?\*/)|(\$\$.*?\$\$)|(::)|"""
                     r"""(\?)|(:[A-Za-z_][A-Za-z0-9_]*)|(%)""", re.S)


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """SQLite placeholders (`?`, `:name`) as psycopg's, with literal `%` doubled; quoted text, comments and `::`
    casts untouched."""

    def sub(m: re.Match) -> str:
        if m.group(7):
            return "%s"
        if m.group(8):
            return f"%({m.group(8)[1:]})s"
        if m.group(9):
            return "%%"
        return m.group(0)

    return _TOKENS.sub(sub, sql)


def _params(params: Any) -> Any:
    if params is None:
        return None
    if isinstance(params, dict):
        return {k: v for k, v in params.items()} or None
    params = list(params)
    return params or None


_DML = re.compile(r"^\s*(insert|update|delete)\b", re.I)


# ------------------------------------------------------------------------------------------------------ schema
_TYPES = {int: "BIGINT", str: "TEXT", float: "DOUBLE PRECISION", bytes: "BYTEA", bool: "BIGINT", dict: "TEXT",
          list: "TEXT", "int": "BIGINT", "str": "TEXT", "float": "DOUBLE PRECISION", "text": "TEXT",
          "integer": "BIGINT", "real": "DOUBLE PRECISION", "blob": "BYTEA"}


def _type(kind: Any) -> str:
    return _TYPES.get(kind if not isinstance(kind, str) else kind.lower(), "TEXT")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PGConnection:
    """`db.conn` for PostgreSQL: execute/executemany with SQLite placeholders, commit, rollback, close."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw
        self.recording: list[tuple[str, Any]] | None = None

    def run(self, sql: str, params: Any = None):
        """One statement in psycopg's placeholders (recorded while a new schema's migrations run)."""
        if self.recording is not None and not sql.lstrip()[:6].upper() == "SELECT":
            self.recording.append((sql, params))
        return self.raw.execute(sql, params)

    def execute(self, sql: str, params: Any = None):
        p = _params(params)
        return self.run(translate(sql) if p is not None else sql, p)

    def executemany(self, sql: str, seq: Iterable[Any]):
        cur = self.raw.cursor()
        cur.executemany(translate(sql), [p if isinstance(p, dict) else list(p) for p in seq])
        return cur

    def iterdump(self) -> Iterator[str]:
        """Every row of every table as text (sqlite3's `iterdump` for tests that search all stored data)."""
        tables = [r[0] for r in self.raw.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace "
            "ORDER BY relname").fetchall()]
        for table in tables:
            for row in self.raw.execute(f"SELECT * FROM {_ident(table)}").fetchall():
                yield f"INSERT INTO {_ident(table)} VALUES{row!r};"

    def commit(self) -> None:
        self.raw.execute("COMMIT")

    def rollback(self) -> None:
        self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


class PGDatabase:
    """A PostgreSQL schema, spoken to like a sqlite-utils `Database` (the subset this application uses)."""

    dialect = "postgresql"

    def __init__(self, url: str, private: bool = False):
        self.url = url
        self.private = private
        self.schema = search_path_of(url)
        raw = psycopg.connect(_libpq_url(url), autocommit=True)
        _configure(raw)
        self.conn = PGConnection(raw)
        self._write_depth = 0
        self._after_commit: list = []
        self._meta: dict[str, tuple[list[str], dict[str, str]]] = {}
        self._lock = threading.RLock()
        # One lock per schema of one database: writers to other schemas (other tests) never wait for each other.
        self.lock_key = zlib.crc32(f"{raw.info.dbname}/{self.schema or 'public'}".encode()) - 2**31
        if self.schema:
            _ensure_schema(raw, self.schema)

    # ---- identity
    def __repr__(self) -> str:
        return f"<PGDatabase {self.schema or 'public'}>"

    def identity(self) -> str:
        """What names this database for caches and for another connection to the same data (`connect(url)`)."""
        return "" if self.private else self.url

    # ---- SQL
    def execute(self, sql: str, params: Any = None):
        if not self._write_depth and _DML.match(sql):
            with self._autocommit_write():
                return self.conn.execute(sql, params)
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Any = None) -> Iterator[dict]:
        cur = self.execute(sql, params)
        if cur.description is None:
            return
        names = [d.name for d in cur.description]
        for row in cur.fetchall():
            yield dict(zip(names, row))

    def execute_returning_dicts(self, sql: str, params: Any = None) -> list[dict]:
        return list(self.query(sql, params))

    @contextmanager
    def _autocommit_write(self) -> Iterator[None]:
        """One statement outside `write_tx` waits for the writer's lock like SQLite's autocommit write does."""
        raw = self.conn.raw
        raw.execute("BEGIN")
        try:
            self.lock_writes()
            self._write_depth = 1
            yield
        except BaseException:
            self._write_depth = 0
            raw.execute("ROLLBACK")
            raise
        self._write_depth = 0
        raw.execute("COMMIT")

    def begin_write(self) -> None:
        self.conn.raw.execute("BEGIN")
        self.lock_writes()

    def lock_writes(self) -> None:
        self.conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", [self.lock_key])

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def atomic(self) -> Iterator["PGDatabase"]:
        from accreditation.store.db import write_tx

        with write_tx(self):
            yield self

    # ---- tables
    def __getitem__(self, name: str) -> "PGTable":
        return PGTable(self, name)

    def table(self, name: str) -> "PGTable":
        return PGTable(self, name)

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.raw.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'p') "
            "AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname").fetchall()]

    def meta(self, table: str) -> tuple[list[str], dict[str, str]]:
        """(primary key columns, {column: type}) of a table, read once per connection (DDL here clears it)."""
        got = self._meta.get(table)
        if got is None:
            rows = self.conn.raw.execute(
                """SELECT a.attname, format_type(a.atttypid, a.atttypmod),
                          CASE WHEN a.attnum = ANY(i.indkey) THEN 1 + array_position(i.indkey::int2[], a.attnum)
                               - array_lower(i.indkey::int2[], 1) ELSE 0 END
                   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                   LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
                   WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace
                     AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""", [table]).fetchall()
            pks = [name for name, _, pos in sorted((r for r in rows if r[2]), key=lambda r: r[2])]
            got = (pks, {name: kind for name, kind, _ in rows})
            if rows:
                self._meta[table] = got
        return got

    def forget(self, table: str | None = None) -> None:
        if table is None:
            self._meta.clear()
        else:
            self._meta.pop(table, None)


class PGTable:
    def __init__(self, db: PGDatabase, name: str):
        self.db = db
        self.name = name
        self.last_pk: Any = None

    # ---- schema
    def exists(self) -> bool:
        return bool(self.db.meta(self.name)[1])

    @property
    def pks(self) -> list[str]:
        return self.db.meta(self.name)[0] or ["rowid"]

    @property
    def columns_dict(self) -> dict[str, str]:
        return dict(self.db.meta(self.name)[1])

    @property
    def indexes(self) -> list:
        return []

    def create(self, columns: dict[str, Any], pk: str | Sequence[str] | None = None,
               not_null: Iterable[str] = (), defaults: dict[str, Any] | None = None,
               foreign_keys: Iterable[Sequence[str]] = (), if_not_exists: bool = False) -> "PGTable":
        pks = [pk] if isinstance(pk, str) else list(pk or [])
        not_null = set(not_null or ())
        defaults = defaults or {}
        parts = []
        for name, kind in columns.items():
            col = f"{_ident(name)} {_type(kind)}"
            if pks == [name] and _type(kind) == "BIGINT":
                # SQLite's INTEGER PRIMARY KEY: numbered by the database unless given
                col += " GENERATED BY DEFAULT AS IDENTITY"
            if name in not_null:
                col += " NOT NULL"
            if name in defaults:
                col += " DEFAULT " + _literal(defaults[name])
            parts.append(col)
        if pks:
            parts.append(f"PRIMARY KEY ({', '.join(map(_ident, pks))})")
        for fk in foreign_keys or ():
            column, other, other_column = fk[0], fk[1], (fk[2] if len(fk) > 2 else "id")
            parts.append(f"FOREIGN KEY ({_ident(column)}) REFERENCES {_ident(other)} ({_ident(other_column)})")
        exists = "IF NOT EXISTS " if if_not_exists else ""
        self.db.conn.run(f"CREATE TABLE {exists}{_ident(self.name)} ({', '.join(parts)})")
        self.db.forget(self.name)
        return self

    def create_index(self, columns: Sequence[str], index_name: str | None = None, unique: bool = False,
                     if_not_exists: bool = False) -> "PGTable":
        cols = [c for c in columns]
        name = index_name or f"idx_{self.name}_{'_'.join(cols)}"
        self.db.conn.run(
            f"CREATE {'UNIQUE ' if unique else ''}INDEX {'IF NOT EXISTS ' if if_not_exists else ''}{_ident(name)} "
            f"ON {_ident(self.name)} ({', '.join(map(_ident, cols))})")
        return self

    def add_column(self, name: str, kind: Any = str, fk: str | None = None, fk_col: str | None = None,
                   not_null_default: Any = None) -> "PGTable":
        col = f"{_ident(name)} {_type(kind)}"
        if not_null_default is not None:
            col += f" NOT NULL DEFAULT {_literal(not_null_default)}"
        if fk:
            col += f" REFERENCES {_ident(fk)} ({_ident(fk_col or 'id')})"
        self.db.conn.run(f"ALTER TABLE {_ident(self.name)} ADD COLUMN {col}")
        self.db.forget(self.name)
        return self

    # ---- reading
    def _where_pk(self, pk_values: Any) -> tuple[str, list]:
        pks = self.pks
        values = list(pk_values) if isinstance(pk_values, (list, tuple)) else [pk_values]
        if len(values) != len(pks):
            raise NotFoundError("Need {} primary key value{}".format(len(pks), "" if len(pks) == 1 else "s"))
        return " AND ".join(f"{_ident(p)} = ?" for p in pks), values

    def get(self, pk_values: Any) -> dict:
        where, values = self._where_pk(pk_values)
        rows = self.db.execute_returning_dicts(f"SELECT * FROM {_ident(self.name)} WHERE {where}", values)
        if not rows:
            raise NotFoundError
        return rows[0]

    def rows_where(self, where: str | None = None, where_args: Any = None, order_by: str | None = None,
                   select: str = "*", limit: int | None = None, offset: int | None = None) -> Iterator[dict]:
        if not self.exists():
            return iter(())
        sql = f"SELECT {select} FROM {_ident(self.name)}"
        if where is not None:
            sql += f" WHERE {where}"
        if order_by is not None:
            sql += " ORDER BY " + (", ".join(self.pks) if order_by == "rowid" else order_by)
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if offset is not None:
            sql += f" OFFSET {int(offset)}"
        return iter(self.db.execute_returning_dicts(sql, where_args))

    @property
    def rows(self) -> Iterator[dict]:
        return self.rows_where()

    def count_where(self, where: str | None = None, where_args: Any = None) -> int:
        sql = f"SELECT COUNT(*) FROM {_ident(self.name)}" + (f" WHERE {where}" if where else "")
        return self.db.execute(sql, where_args).fetchone()[0]

    @property
    def count(self) -> int:
        return self.count_where()

    # ---- writing
    def insert(self, record: dict, pk: Any = None, ignore: bool = False, replace: bool = False,
               alter: bool = False, **_: Any) -> "PGTable":
        return self.insert_all([record], pk=pk, ignore=ignore, replace=replace)

    def insert_all(self, records: Iterable[dict], pk: Any = None, ignore: bool = False, replace: bool = False,
                   upsert: bool = False, **_: Any) -> "PGTable":
        pks = ([pk] if isinstance(pk, str) else list(pk)) if pk else self.pks
        rows = [{k: jsonify_if_needed(v) for k, v in r.items()} for r in records]
        explicit_id = False
        for row in rows:
            cols = list(row)
            sql = f"INSERT INTO {_ident(self.name)} ({', '.join(map(_ident, cols))}) VALUES " \
                  f"({', '.join('%s' for _ in cols)})"
            if upsert or replace:
                rest = [c for c in cols if c not in pks]
                sql += f" ON CONFLICT ({', '.join(map(_ident, pks))}) DO " + (
                    "UPDATE SET " + ", ".join(f"{_ident(c)} = EXCLUDED.{_ident(c)}" for c in rest) if rest
                    else "NOTHING")
            elif ignore:
                sql += " ON CONFLICT DO NOTHING"
            if pks != ["rowid"]:
                sql += f" RETURNING {', '.join(map(_ident, pks))}"
            got = self._write(sql, [row[c] for c in cols])
            if len(pks) == 1 and pks[0] in row:
                self.last_pk = row[pks[0]]
                explicit_id = True
            elif got is not None:
                self.last_pk = got[0] if len(got) == 1 else tuple(got)
        if explicit_id and len(pks) == 1 and pks[0] != "rowid" \
                and self.db.meta(self.name)[1].get(pks[0]) == "bigint":
            # like SQLite's rowid, the next number follows the highest one given
            self._write(f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST((SELECT MAX({_ident(pks[0])}) "
                        f"FROM {_ident(self.name)}), 1))", [_ident(self.name), pks[0]], raw=True)
        return self

    def upsert(self, record: dict, pk: Any = None, **kw: Any) -> "PGTable":
        return self.insert_all([record], pk=pk, upsert=True)

    def upsert_all(self, records: Iterable[dict], pk: Any = None, **kw: Any) -> "PGTable":
        return self.insert_all(records, pk=pk, upsert=True)

    def update(self, pk_values: Any, updates: dict | None = None, alter: bool = False, **_: Any) -> "PGTable":
        where, values = self._where_pk(pk_values)
        self.last_pk = pk_values
        if not updates:
            self.get(pk_values)
            return self
        sets = ", ".join(f"{_ident(k)} = ?" for k in updates)
        sql = f"UPDATE {_ident(self.name)} SET {sets} WHERE {where} RETURNING 1"
        if self._write(translate(sql), [jsonify_if_needed(v) for v in updates.values()] + values) is None:
            raise NotFoundError
        return self

    def delete(self, pk_values: Any) -> "PGTable":
        where, values = self._where_pk(pk_values)
        if self._write(translate(f"DELETE FROM {_ident(self.name)} WHERE {where} RETURNING 1"), values) is None:
            raise NotFoundError
        return self

    def delete_where(self, where: str | None = None, where_args: Any = None, **_: Any) -> "PGTable":
        if not self.exists():
            return self
        self.db.execute(f"DELETE FROM {_ident(self.name)}" + (f" WHERE {where}" if where else ""), where_args)
        return self

    def _write(self, sql: str, params: list, raw: bool = False):
        """One statement already in psycopg's placeholders; its first returned row (None if none)."""
        conn = self.db.conn
        if self.db._write_depth:
            cur = conn.run(sql, params)
        else:
            with self.db._autocommit_write():
                cur = conn.run(sql, params)
        return cur.fetchone() if cur.description else None


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


# ------------------------------------------------------------------------------------------------ connections
def search_path_of(url: str) -> str | None:
    """The schema a URL names with libpq's `options=-csearch_path=NAME` (the test harness gives each test one)."""
    options = parse_qs(urlsplit(url).query).get("options", [""])[0]
    m = re.search(r"-c\s*search_path=([A-Za-z0-9_]+)", unquote(options))
    return m.group(1) if m else None


def _libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def _ensure_schema(raw: psycopg.Connection, schema: str) -> None:
    if raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone():
        return
    try:
        raw.execute(pgsql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(pgsql.Identifier(schema)))
    except (errors.UniqueViolation, errors.DuplicateSchema):  # another process created it a moment before
        pass


def prepare(db: PGDatabase) -> None:
    """What SQLite has built in and the schema needs before the migrations: the NOCASE collation (`ORDER BY name
    COLLATE NOCASE`), case-insensitive for every script through ICU. Run inside the migrations' transaction."""
    if not db.conn.run("SELECT 1 FROM pg_collation WHERE collname = 'nocase' "
                               "AND collnamespace = current_schema()::regnamespace").fetchone():
        db.conn.run("CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', "
                            "deterministic = false)")


def append_only(db: PGDatabase, table: str) -> None:
    """Refuse UPDATE, DELETE and TRUNCATE on `table` (the audit log), as the SQLite triggers do."""
    fn = f"{table}_append_only"
    db.conn.run(f"""CREATE FUNCTION {_ident(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$
                            BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'restrict_violation';
                            END $$""")
    db.conn.run(f"CREATE TRIGGER {_ident(table + '_no_change')} BEFORE UPDATE OR DELETE ON {_ident(table)} "
                        f"FOR EACH ROW EXECUTE FUNCTION {_ident(fn)}()")
    db.conn.run(f"CREATE TRIGGER {_ident(table + '_no_truncate')} BEFORE TRUNCATE ON {_ident(table)} "
                        f"FOR EACH STATEMENT EXECUTE FUNCTION {_ident(fn)}()")


def copy_schema(db: PGDatabase, source: str) -> None:
    """Every row of schema `source` into `db`'s (migrated, same tables): the test harness's copy of a database
    file. Triggers and foreign keys are off while copying (the rows were consistent where they came from)."""
    with db.conn.raw.transaction():
        db.conn.raw.execute("SET LOCAL session_replication_role = replica")
        for table in db.table_names():
            db.conn.raw.execute(f"DELETE FROM {_ident(table)}")
            db.conn.raw.execute(pgsql.SQL("INSERT INTO {} SELECT * FROM {}.{}").format(
                pgsql.Identifier(table), pgsql.Identifier(source), pgsql.Identifier(table)))
            pks, columns = db.meta(table)
            if len(pks) == 1 and columns.get(pks[0]) == "bigint":
                db.conn.raw.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST((SELECT MAX("
                                    f"{_ident(pks[0])}) FROM {_ident(table)}), 1))", [_ident(table), pks[0]])


_SCRIPTS: dict[tuple[str, ...], list[tuple[str, Any]]] = {}


def migrate_new_schema(db: PGDatabase, names: tuple[str, ...], apply: Any) -> None:
    """Run `apply()` (the migrations) on a new, empty schema; the statements it ran are kept, and the next new
    schema of this process with the same migration list gets them replayed in one pipeline (0.6 s -> ~0.1 s: the
    test harness makes a schema per test). Called inside the migrations' write transaction."""
    script = _SCRIPTS.get(names)
    if script is not None:
        with db.conn.raw.pipeline():
            for sql, params in script:
                db.conn.raw.execute(sql, params)
        db.forget()
        return
    db.conn.recording = []
    try:
        prepare(db)
        apply()
        _SCRIPTS[names] = db.conn.recording
    finally:
        db.conn.recording = None
