"""My account: who is signed in, and changing the password (the current one is required)."""

from __future__ import annotations

import streamlit as st

from accreditation import signup
from accreditation.permissions import require
from accreditation.ui import common
from accreditation.ui.common import ui_text


def account_page() -> None:
    actor = common.current_actor()
    require(actor, "page.account")
    database = common.db()
    st.title(ui_text("account_ui.heading"))
    org = database["organisations"].get(actor.organisation_id)
    st.markdown(ui_text("account_ui.who", name=common.md(actor.name), email=common.md(actor.email),
                        role=ui_text(f"roles.{actor.role}")))
    if org:
        st.caption(ui_text("account_ui.org", org=common.md(org["name"])))
    st.subheader(ui_text("account_ui.change"))
    with st.form("change_password", border=True, clear_on_submit=True):
        current = st.text_input(ui_text("account_ui.current"), type="password", max_chars=200,
                                key="account_current", autocomplete="current-password")
        new = st.text_input(ui_text("account_ui.new"), type="password", max_chars=200, key="account_new",
                            autocomplete="new-password")
        again = st.text_input(ui_text("account_ui.new2"), type="password", max_chars=200, key="account_new2",
                              autocomplete="new-password")
        saved = st.form_submit_button(ui_text("account_ui.save"), type="primary")
    if not saved:
        return
    if not current or not new or not again:
        st.error(ui_text("account_ui.missing"))
        return
    if new != again:
        st.error(ui_text("account_ui.mismatch"))
        return
    # this browser's session stays; every other one ends (a refusal is shown by the page wrapper)
    ended = signup.change_password(database, actor, current, new, keep_session=st.session_state.get("token"))
    st.success(ui_text("account_ui.changed_sessions", count=ended) if ended else ui_text("account_ui.changed"))
