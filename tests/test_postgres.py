"""The PostgreSQL backend's own rules: SQLite's placeholders translated, DATABASE_URL choosing the backend, values
coming back as SQLite gives them, writers serialised. The rest of the suite checks behaviour on both backends
(`ACCREDITATION_TEST_BACKEND=postgresql`); the tests needing a server skip without one."""

from __future__ import annotations

import threading
import time

import pytest

from accreditation.store import db as store_db
from accreditation.store.db import is_url
from accreditation.store.pg import translate


@pytest.mark.parametrize("sqlite, psycopg", [
    ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
    ("SELECT * FROM t WHERE a = :brand", "SELECT * FROM t WHERE a = %(brand)s"),
    ("SELECT '?', ':x', 'it''s ?' FROM t WHERE a = ?", "SELECT '?', ':x', 'it''s ?' FROM t WHERE a = %s"),
    ("SELECT CAST(:ids AS jsonb), value::bigint", "SELECT CAST(%(ids)s AS jsonb), value::bigint"),
    ("SELECT 5 % 2, '50%' WHERE a = ?", "SELECT 5 %% 2, '50%' WHERE a = %s"),
    ('SELECT "odd?name" FROM t -- why?\nWHERE a = ?', 'SELECT "odd?name" FROM t -- why?\nWHERE a = %s'),
])
def test_sqlite_placeholders_become_psycopgs_outside_quotes_and_comments(sqlite, psycopg):
    assert translate(sqlite) == psycopg


@pytest.mark.parametrize("value, pg", [
    (None, False), ("", False), ("/srv/data/accreditation.db", False), ("sqlite:///srv/a.db", False),
    ("postgresql://u@db:5432/clf", True), ("postgres://u@db/clf", True),
])
def test_only_a_postgresql_url_chooses_postgresql(value, pg, monkeypatch):
    monkeypatch.delenv(store_db.TEST_DATABASE_URL, raising=False)
    if value is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", value)
    assert (store_db.database_url() is not None) == pg
    assert is_url(store_db._target(None)) == pg


def test_a_sqlite_path_in_database_url_is_that_file(tmp_path, monkeypatch):
    monkeypatch.delenv(store_db.TEST_DATABASE_URL, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    db = store_db.open_db()
    assert store_db.dialect(db) == "sqlite" and store_db.identity(db) == str(tmp_path / "other.db")


@pytest.fixture
def pg(pg_database_url, monkeypatch, tmp_path):
    """A migrated PostgreSQL schema of the session's test database, opened through DATABASE_URL."""
    monkeypatch.delenv(store_db.TEST_DATABASE_URL, raising=False)
    url = store_db._test_schema_url(pg_database_url, str(tmp_path / "pg.db"))
    monkeypatch.setenv("DATABASE_URL", url)
    return store_db.open_db()


def test_database_url_opens_postgresql_with_the_same_schema(pg):
    assert store_db.dialect(pg) == "postgresql" and store_db.identity(pg) == pg.url
    from sqlite_utils import Database

    lite = store_db.connect(":memory:")
    assert isinstance(lite, Database)
    store_db.migrate(lite)
    assert pg.table_names() == sorted(lite.table_names())
    for table in lite.table_names():
        assert set(pg[table].columns_dict) == {c.name for c in lite[table].columns}, table
        assert pg[table].pks == lite[table].pks, table


def test_values_come_back_as_sqlite_gives_them(pg):
    pg["organisations"].insert({"id": 7, "kind": "sme", "name": "Công ty A", "created_at": "2026-01-01"})
    assert pg["organisations"].insert({"kind": "sme", "name": "B", "created_at": "2026-01-01"}).last_pk == 8
    got = pg.execute("SELECT SUM(id), AVG(id), COUNT(*), MAX(id) > 7, CAST(:x AS TEXT) FROM organisations "
                     "WHERE id = :id OR name = :name", {"id": "7", "name": "B", "x": 5}).fetchone()
    assert got == (15, 7.5, 2, 1, "5")
    assert pg["organisations"].get(7)["name"] == "Công ty A"  # an int compared with an int column
    assert pg.execute("SELECT COUNT(*) FROM audit_log WHERE entity_id = ?", [7]).fetchone()[0] == 0  # and TEXT
    pg["organisations"].update(7, {"products": ["gạo", "may"]})
    assert pg["organisations"].get(7)["products"] == '["gạo", "may"]'  # lists stored as JSON text
    names = [r[0] for r in pg.execute("SELECT name FROM organisations ORDER BY name COLLATE NOCASE")]
    assert names == ["B", "Công ty A"]


def test_the_audit_log_refuses_update_delete_and_truncate(pg):
    from postgres import INTEGRITY_ERRORS

    from accreditation.store import audit

    audit.record(pg, actor=None, action="x.y", entity="e", entity_id=1)
    for sql in ("UPDATE audit_log SET action = 'z'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
            pg.execute(sql)
    assert [e["action"] for e in audit.entries(pg)] == ["x.y"]


def test_a_second_writer_waits_for_the_first_as_begin_immediate_makes_it(pg):
    """write_tx holds the schema's writer lock until it commits: another connection's write_tx (and its single
    statement outside one) starts only then, and then sees what the first committed."""
    other = store_db.connect(pg.url)
    seen: list[tuple[float, int]] = []

    def second() -> None:
        with store_db.write_tx(other):
            seen.append((time.monotonic(), other["organisations"].count))

    with store_db.write_tx(pg):
        pg["organisations"].insert({"kind": "sme", "name": "A", "created_at": "2026-01-01"})
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        released = time.monotonic()
        assert not seen  # still waiting
    thread.join(10)
    assert seen and seen[0][0] >= released and seen[0][1] == 1
