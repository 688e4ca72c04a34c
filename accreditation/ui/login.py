"""Sign-in with a local account (argon2, throttled), or through an identity provider when one is configured."""

from __future__ import annotations

import streamlit as st

from accreditation import accounts
from accreditation.errors import UserError
from accreditation.ui import common
from accreditation.ui.common import ui_text


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _self_service_links() -> None:
    """Register a company, or ask for a new password: the pages an anonymous visitor may open (links only, so
    the sign-in form's button stays the page's first button)."""
    c1, c2 = st.columns(2)
    with c1:
        st.page_link("accreditation/ui/pages/signup.py", label=ui_text("login_links.signup"),
                     icon=":material/person_add:")
    with c2:
        st.page_link("accreditation/ui/pages/reset_password.py", label=ui_text("login_links.reset"),
                     icon=":material/lock_reset:")


def login_page() -> None:
    st.title(ui_text("login.heading"))
    st.write(ui_text("login.intro"))
    with st.form("login", border=True):
        email = st.text_input(ui_text("login.email"), key="login_email", autocomplete="username")
        password = st.text_input(ui_text("login.password"), type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(ui_text("login.submit"), type="primary")
    if submitted:
        if not email.strip() or not password:
            st.error(ui_text("login.missing"))
        else:
            try:
                actor = accounts.authenticate(common.db(), email, password)
            except UserError as exc:  # shown here, so the links below stay on the page
                st.error(common.error_text(exc))
            else:
                common.sign_in(actor)
                st.rerun()
    _self_service_links()
    if _oidc_configured():
        email = common.oidc_email()
        if email and accounts.user_for_email(common.db(), email) is None:
            st.warning(ui_text("login.oidc_unknown", email=email))
        elif st.button(ui_text("login.oidc")):
            st.login()
    if accounts.demo_enabled():
        emails = {role: email for email, role, _, _, _ in accounts.DEMO_USERS}
        st.info(ui_text("login.demo", password=accounts.DEMO_PASSWORD, **emails))
