"""The router: who is signed in → the pages their role may see → st.navigation. A page left out of the list
cannot be reached, not even by its URL."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from accreditation.ui import common
from accreditation.ui.common import tr

PAGES = Path(__file__).resolve().parent / "pages"
ROOT = Path(__file__).resolve().parent.parent.parent


def _page(name: str, key: str, url: str, icon: str, default: bool = False) -> st.Page:
    """A page file under accreditation/ui/pages/, addressed relative to streamlit_app.py."""
    return st.Page(str((PAGES / f"{name}.py").relative_to(ROOT)), title=tr(f"nav.{key}"), url_path=url, icon=icon,
                   default=default)


def pages_for(actor) -> dict[str, list[st.Page]] | list[st.Page]:
    if actor is None:
        return [_page("login", "login", "login", "🔑", default=True)]
    if actor.role == "sme":
        return {
            tr("nav.workspace"): [
                _page("home", "home", "home", "🏠", default=True),
                _page("profile", "profile", "profile", "🏢"),
                _page("questionnaire", "questionnaire", "self-assessment", "📝"),
                _page("documents", "results", "results", "📄"),
            ],
        }
    return [_page("home", "home", "home", "🏠", default=True)]


def run() -> None:
    st.set_page_config(page_title=tr("app.title"), page_icon="🛡️", layout="wide")
    actor = common.current_actor()
    common.keep_session_in_url()
    common.language_switch()
    if actor is not None:
        st.sidebar.caption(tr("app.signed_in_as", name=actor.name, role=tr(f"roles.{actor.role}")))
        if st.sidebar.button(tr("app.sign_out"), key="sign_out"):
            common.sign_out()
            st.rerun()
    c = common.criteria()
    if c.settings.status == "reference":
        st.sidebar.caption(tr("app.reference_notice", version=c.version), help=common.txt(c.settings.notice))
    nav = st.navigation(pages_for(actor))
    common.show_flashes()
    nav.run()
