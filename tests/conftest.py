import gc
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import postgres  # noqa: E402  (the PostgreSQL harness: needs tests/ on sys.path)
from postgres import backend, pg_database_url  # noqa: E402,F401  (fixtures)


def pytest_configure(config):
    postgres.configure()


def pytest_unconfigure(config):
    postgres.unconfigure()


def pytest_report_header(config):
    import os

    return f"database backend: {'postgresql' if os.environ.get(postgres.HARNESS) else 'sqlite'}"


@pytest.fixture(autouse=True)
def _no_real_mail(monkeypatch):
    """An SMTP server set in the developer's shell must not get the tests' e-mail (to demo addresses): a test that
    sends mail starts its own server on localhost and sets these itself."""
    import os

    for key in [k for k in os.environ if k.startswith("ACCREDITATION_SMTP_")]:
        monkeypatch.delenv(key)
    # Nor an object store set there: every test keeps its files in its own data directory unless it starts one.
    for key in ("ACCREDITATION_STORAGE_URL", "ACCREDITATION_S3_ENDPOINT"):
        monkeypatch.delenv(key, raising=False)


@dataclass
class Ran:
    """What a user sees of one command: its exit code and what it wrote (stdout must be UTF-8)."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, capsysbinary, tmp_path):
    """`python -m accreditation ARGS` run in this process through `accreditation.cli.main`, as a user would run it
    from a shell: messages in English unless `lang` is given, a data directory of the test's own, `cwd` and `env`
    for this call only. The subprocess path (the entry point, real streams) is covered by test_cli.py's smoke
    tests."""
    from accreditation.cli import main

    monkeypatch.setenv("ACCREDITATION_LANG", "en")
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACCREDITATION_DEBUG", raising=False)

    def run(*args, lang=None, cwd=None, env=None) -> Ran:
        with monkeypatch.context() as m:
            if lang:
                m.setenv("ACCREDITATION_LANG", lang)
            for key, value in (env or {}).items():
                m.setenv(key, str(value))
            if cwd is not None:
                m.chdir(cwd)
            capsysbinary.readouterr()
            code = main([str(a) for a in args])
            out, err = capsysbinary.readouterr()
        gc.unfreeze()  # `roster` freezes the heap for its one-shot process; here the process is the whole test run
        return Ran(code, out.decode("utf-8"), err.decode("utf-8"))

    return run
