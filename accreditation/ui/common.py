"""What every page shares: the database, the criteria, who is signed in, the language, and error display."""

from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager
from typing import Iterator

import streamlit as st
from sqlite_utils import Database

from accreditation import accounts
from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.i18n import LANGUAGES, catalog, catalog_text, env_language, normalise_language
from accreditation.store.db import connect, default_path, identity, open_db
from accreditation.ui import web
from criteria.errors import CriteriaLoadError
from criteria.schema import Criteria, Text
from scoring.answers import AnswerError

log = logging.getLogger("accreditation.ui")
SESSION_PARAM = "s"  # where older versions kept the session token; removed from any URL


@st.cache_resource(show_spinner=False)
def _database() -> str:
    """Once per process: migrate the database, create the demo data on a first run; its path."""
    from accreditation import demo, serve, signing

    db = open_db()
    signing.check_ready(db)  # a registry with documents but no signing key: stop, never make a new key
    created = demo.ensure_demo_data(db)
    # started by plain `streamlit run` (python -m accreditation.serve has created them already): print them now
    for line in serve.demo_lines(created, env_language()):
        print(line, flush=True)
    return identity(db) or str(default_path())  # the file, or DATABASE_URL's PostgreSQL database


_local = threading.local()


def db() -> Database:
    """This thread's connection: each session's script runs in its own thread, and a transaction belongs to a
    connection, so sessions never share one."""
    path = _database()
    conns = _local.__dict__.setdefault("conns", {})
    conn = conns.get(path)
    if conn is None:
        conn = conns[path] = connect(path)
    return conn


def criteria() -> Criteria:
    """The criteria new drafts start on today: the version installed from the admin page that is in effect, else
    the shipped files (accreditation/criteria_install.py)."""
    from accreditation.criteria_install import current_criteria

    return current_criteria(db())


def lang() -> str:
    if "lang" not in st.session_state:
        actor = current_actor()
        st.session_state["lang"] = normalise_language(
            actor.language if actor else st.query_params.get("lang") or "vi")
    return st.session_state["lang"]


def ui_text(key: str, **params: object) -> str:
    return catalog_text(key, lang(), **params)


def role_text(key: str, role: str | None, **params: object) -> str:
    """`key`'s text, or `key_<role>`'s where the catalog words it for that role (an association's members are
    not a brand's suppliers)."""
    special = f"{key}_{role}"
    return ui_text(special if role and special in catalog(lang()) else key, **params)


def localised(text: Text) -> str:
    return text.get(lang())


def current_actor() -> Actor | None:
    """The signed-in user, checked against the database on every rerun (so a sign-out elsewhere, a deactivation
    or an expiry ends an open tab too): from this session's token, else from the session cookie (a refresh, a new
    tab), else from an identity provider's login (st.login) mapped to a local user by e-mail. A session token in
    the URL (`?s=`, as older versions made) is ignored and removed."""
    if SESSION_PARAM in st.query_params and "p" not in st.query_params:  # a QR link's `s` is its signature
        del st.query_params[SESSION_PARAM]
    if "actor" in st.session_state:
        token = st.session_state.get("token")
        actor = accounts.resume_session(db(), token) if token else _oidc_actor()
        if actor is None:
            _forget_session()
            st.session_state["_ended"] = True  # the sign-in page says why
        else:
            st.session_state["actor"] = actor
        return actor
    token = _cookie_token()
    actor = accounts.resume_session(db(), token) if token else None
    if actor is None:
        token = None
        actor = _oidc_actor()
    if actor is not None:
        st.session_state["actor"] = actor
        st.session_state["token"] = token
    return actor


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(web.COOKIE)
    except Exception:  # no request context (a bare script run)
        return None
    return value if isinstance(value, str) and value else None


def _oidc_actor() -> Actor | None:
    email = oidc_email()
    return accounts.user_for_email(db(), email) if email else None


def oidc_email() -> str | None:
    try:
        if st.user.get("is_logged_in") and st.user.get("email"):
            return str(st.user.get("email"))
    except Exception:  # st.user is unavailable outside a configured deployment
        return None
    return None


def sign_in(actor: Actor) -> None:
    """A new session for `actor` (a token known before is worth nothing now); the browser gets it as an HttpOnly
    cookie on the next page drawn (see `session_cookie`)."""
    old = st.session_state.get("token")
    if old:
        accounts.end_session(db(), old)
    token = accounts.start_session(db(), actor)
    st.session_state["actor"] = actor
    st.session_state["token"] = token
    st.session_state["lang"] = normalise_language(actor.language)
    st.session_state["_cookie"] = web.offer(token, accounts.SESSION_HOURS * 3600)


def sign_out() -> None:
    accounts.end_session(db(), st.session_state.get("token"))
    _forget_session()


def _forget_session() -> None:
    for key in list(st.session_state.keys()):
        if key != "lang":
            del st.session_state[key]
    st.session_state["_cookie"] = ""  # "": clear the cookie on the next page drawn


def session_cookie() -> None:
    """Set or clear the session cookie, when a sign-in or sign-out asked for it: an image from our own address
    (accreditation.ui.web), since Streamlit cannot set a cookie itself."""
    code = st.session_state.pop("_cookie", None)
    if code is None:
        return
    target = f"{web.BEGIN}?code={code}" if code else web.END
    st.html(f'<img src="{target}" width="1" height="1" alt="" style="position:absolute">')


def language_switch() -> None:
    def changed() -> None:
        choice = st.session_state["lang_switch"]
        st.session_state["lang"] = choice
        actor = st.session_state.get("actor")
        if actor is not None:
            accounts.set_language(db(), actor, choice)
            st.session_state["actor"] = accounts.get_actor(db(), actor.id)

    current = lang()
    st.session_state["lang_switch"] = current
    st.sidebar.segmented_control(
        "Ngôn ngữ / Language", options=list(LANGUAGES), key="lang_switch", on_change=changed,
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code])


_NOT_A_WORD = re.compile(r"[._/\\@\d`]")
_CLI_OPTION = re.compile(r"\s*\((?:--[a-z][a-z-]*(?:,\s*)?)+\)|\s*`--[a-z][a-z-]*`")


def page_message(text: str) -> str:
    """A library message as a page shows it: a sentence that starts with a capital letter (the CLI keeps its
    "error: ..." form) and names no command-line option such as "(--reason)", which means nothing on a page."""
    text = _CLI_OPTION.sub("", text).strip()
    first = text.split(" ", 1)[0].rstrip(":,;")
    if not text[:1].islower() or _NOT_A_WORD.search(first):  # a file name or an id leads: leave it as typed
        return text
    return text[:1].upper() + text[1:]


def error_text(exc: UserError | AnswerError) -> str:
    """A refusal in the user's language, worded for a page."""
    return page_message(exc.message(lang()))


def show_error(exc: Exception) -> None:
    if isinstance(exc, (UserError, AnswerError)):
        st.error(error_text(exc))
    elif isinstance(exc, CriteriaLoadError):
        st.error(ui_text("app.criteria_invalid"))
        for line in exc.messages(lang()):
            st.write(line)
    else:
        log.exception("unexpected error in a page")  # to the server log, never to the user
        st.error(ui_text("app.unexpected_error"))


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Run a page body: user errors become messages in the user's language, never a traceback."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the page must not show a traceback (st.stop/st.rerun are not Exceptions)
        show_error(exc)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(value: object) -> str:
    """Text a user typed (a company name, a comment, a file name), safe inside markdown: its markdown characters
    escaped, so that it cannot add links, images or formatting. Missing values become ""."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return _MARKDOWN.sub(r"\\\1", str(value))


def flash(kind: str, message: str) -> None:
    """A message to show after the rerun that a callback triggers."""
    st.session_state.setdefault("_flash", []).append((kind, page_message(message) if kind == "error" else message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(message)
