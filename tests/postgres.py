"""The test suite on PostgreSQL.

`ACCREDITATION_TEST_POSTGRES=postgresql://user@host:port/db` names a server the tests may use: the session creates
a database of its own there (dropped at the end). With `ACCREDITATION_TEST_BACKEND=postgresql` as well, every
database a test opens (`open_db(":memory:")`, `open_db(tmp_path / "x.db")`) is a schema of that database instead
of a SQLite file (`accreditation.store.db`: `ACCREDITATION_TEST_DATABASE_URL`), a path naming the same schema in
every process (the race tests). Without the backend switch only the tests that ask for `pg_database_url` (the race
tests' PostgreSQL half) use the server."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

SERVER = "ACCREDITATION_TEST_POSTGRES"
BACKEND = "ACCREDITATION_TEST_BACKEND"
HARNESS = "ACCREDITATION_TEST_DATABASE_URL"  # read by accreditation.store.db

_created: list[str] = []


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def session_database() -> str | None:
    """This session's own database on the test server (made once), or None without a server."""
    server = os.environ.get(SERVER, "").strip()
    if not server:
        return None
    if not _created:
        import psycopg

        name = f"accreditation_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        _created.append(_with_database(server, name))
    return _created[0]


def configure() -> None:
    wanted = os.environ.get(BACKEND, "sqlite").strip() or "sqlite"
    if wanted not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"{BACKEND} must be sqlite or postgresql, not {wanted!r}")
    if wanted == "postgresql":
        url = session_database()
        if url is None:
            raise pytest.UsageError(f"{BACKEND}=postgresql needs {SERVER} (a server the tests may use)")
        os.environ[HARNESS] = url  # inherited by the processes the tests start
    else:
        os.environ.pop(HARNESS, None)


def unconfigure() -> None:
    if not _created:
        return
    import psycopg

    url = _created.pop()
    with psycopg.connect(os.environ[SERVER], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_database_url() -> str:
    """The session's PostgreSQL database, for a test that runs on both backends; skipped without a server (in CI,
    where `CI_REQUIRE_TOOLS=1`, a missing server fails instead)."""
    url = session_database()
    if url is None:
        if os.environ.get("CI_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{SERVER} is not set: CI must run the PostgreSQL half of the race tests")
        pytest.skip(f"no PostgreSQL server ({SERVER} not set)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, monkeypatch) -> str:
    """Run a test once on SQLite and once on PostgreSQL, whatever the suite's backend: the databases it opens by
    path (and the processes it starts) use that backend."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    if request.param == "sqlite":
        monkeypatch.delenv(HARNESS, raising=False)
    else:
        monkeypatch.setenv(HARNESS, request.getfixturevalue("pg_database_url"))
    return request.param


def _integrity_errors() -> tuple[type[Exception], ...]:
    import sqlite3

    try:
        import psycopg
    except ImportError:
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, psycopg.errors.IntegrityError)


# What a refused write raises on either backend (a constraint, the audit log's trigger).
INTEGRITY_ERRORS = _integrity_errors()


def sqlite_only(reason: str):
    """For a test about SQLite itself (its file format, its PRAGMAs): skipped when the suite runs on PostgreSQL."""
    return pytest.mark.skipif(bool(os.environ.get(HARNESS)), reason=f"SQLite only: {reason}")
