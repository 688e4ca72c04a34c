"""Driving the app with Streamlit's AppTest: a fresh data directory, fast password hashing, and signing in."""

from __future__ import annotations

import re

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from accreditation import accounts

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PAGES = "accreditation/ui/pages"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own database (the app opens it once per process, so the cache is cleared too)."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACCREDITATION_DEMO", "accounts")  # the demo suppliers are tested in test_demo.py
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    from accreditation.ui import common

    common._database.clear()
    yield tmp_path
    common._database.clear()


def app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def sign_in(email: str, password: str = accounts.DEMO_PASSWORD) -> AppTest:
    at = app()
    at.text_input(key="login_email").input(email)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def reopen(at: AppTest, monkeypatch, page: str | None = None) -> AppTest:
    """The same browser opening the app again (a refresh, a new tab): a new session that has only the session
    cookie. AppTest cannot send cookies, so the cookie reader is given the token `at` signed in with."""
    from accreditation.ui import common

    token = at.session_state["token"]
    monkeypatch.setattr(common, "_cookie_token", lambda: token)
    fresh = app()
    return goto(fresh, page) if page else fresh


def goto(at: AppTest, page: str) -> AppTest:
    return at.switch_page(f"{PAGES}/{page}.py").run()


def plain(markdown: str) -> str:
    """Markdown source as the user reads it: escaped characters (common.md) shown as themselves."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    """Everything the page says, as the user reads it, to search in."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [plain(str(e.value)) for e in getattr(at, kind)]
    return "\n".join(parts)
