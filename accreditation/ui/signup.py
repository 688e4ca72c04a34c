"""Self-service account pages: registering a company (and opening the confirmation link), a forgotten password,
the company's users and requests to join it, and the administrator's sign-ups awaiting activation.

A link's token leaves the address bar as soon as the page has read it (into this session), so it is neither kept
in the browser's history nor sent on in a Referer; the library spends it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from accreditation import mailer, signup
from accreditation.display import day
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.store.accounts import LEGAL_FORMS
from accreditation.ui import common
from accreditation.ui.common import ui_text

DONE = "signup_done"  # the Registered of this session's sign-up: the page then says what happens next
RESET_TOKEN = "reset_token"
RESET_DONE = "reset_done"
LOGIN_PAGE = "accreditation/ui/pages/login.py"


def _take_param(name: str) -> str | None:
    """A query parameter's value, removed from the address bar."""
    value = st.query_params.get(name)
    if value is not None:
        del st.query_params[name]
    return value


def legal_form_label(code: str) -> str:
    return ui_text(f"signup.legal_form.{code}")


def sector_label(code: str) -> str:
    c = common.criteria()
    return common.localised(c.lists["sector"].get(code).label) if "sector" in c.lists else code


def provinces() -> list[str]:
    from criteria.provinces import load_provinces

    return [p.name for p in load_provinces().current]  # the 34 units since 1 July 2025


def registered_text(done: signup.Registered) -> str:
    join = "_join" if done.kind == "join" else ""
    if done.by == "email":
        return ui_text(f"signup_ui.sent{join}", email=common.md(done.email), hours=signup.CONFIRM_HOURS,
                       company=common.md(done.company))
    return ui_text(f"signup_ui.by_admin{join}", company=common.md(done.company))


# ------------------------------------------------------------------------------------------------ sign-up


def signup_page() -> None:
    actor = common.current_actor()
    require(actor, "page.signup")
    st.title(ui_text("signup_ui.heading"))
    token = _take_param(signup.CONFIRM_PARAM)
    if token and _confirm(token):
        return
    done = st.session_state.get(DONE)
    if done is not None:
        st.success(registered_text(done))
        if done.by == "email" and st.button(ui_text("signup_ui.resend"), key="signup_resend"):
            signup.resend_confirmation(common.db(), done.email, common.lang())
            st.info(ui_text("signup_ui.resent", email=common.md(done.email)))
        st.page_link(LOGIN_PAGE, label=ui_text("signup_ui.to_login"), icon=":material/login:")
        return
    st.write(ui_text("signup_ui.intro"))
    _form()
    st.caption(ui_text("signup_ui.have_account"))
    st.page_link(LOGIN_PAGE, label=ui_text("signup_ui.to_login"), icon=":material/login:")


def _confirm(token: str) -> bool:
    """Spend the confirmation link: a new company's user is signed in at once (the link proved the address, the
    password was chosen when registering); a request to join waits for the company. False (after saying why) when
    the link cannot be used: the form below lets the person register again."""
    try:
        done = signup.confirm_email(common.db(), signup.token_from(token, signup.CONFIRM_PARAM)[:200])
    except UserError as exc:
        st.error(common.error_text(exc))
        return False
    if done.actor is None:
        st.success(ui_text("signup_ui.confirmed_join", company=common.md(done.company)))
        st.page_link(LOGIN_PAGE, label=ui_text("signup_ui.to_login"), icon=":material/login:")
        return True
    common.sign_in(done.actor)
    if done.shared_with:
        common.flash("success", ui_text("signup_ui.confirmed_shared", company=common.md(done.company),
                                        inviter=common.md(done.shared_with)))
    else:
        common.flash("success", ui_text("signup_ui.confirmed", company=common.md(done.company)))
    st.rerun()  # the menu of a signed-in company; this page is not in it, so its home page opens


def _form() -> None:
    sectors = signup.sectors()
    places = provinces()
    with st.form("signup", border=True):
        company = st.text_input(ui_text("signup_ui.company"), max_chars=200, key="signup_company")
        tax = st.text_input(ui_text("signup_ui.tax"), max_chars=20, key="signup_tax",
                            help=ui_text("signup_ui.tax_help"))
        legal_form = st.selectbox(ui_text("signup_ui.legal_form"), LEGAL_FORMS, index=None, key="signup_legal_form",
                                  format_func=legal_form_label, placeholder=ui_text("signup_ui.choose"))
        province = st.selectbox(ui_text("signup_ui.province"), places, index=None, key="signup_province",
                                placeholder=ui_text("signup_ui.choose"))
        sector = st.selectbox(ui_text("signup_ui.sector"), sectors, index=None, key="signup_sector",
                              format_func=sector_label, placeholder=ui_text("signup_ui.choose"))
        name = st.text_input(ui_text("signup_ui.name"), max_chars=200, key="signup_name")
        email = st.text_input(ui_text("signup_ui.email"), max_chars=254, key="signup_email", autocomplete="username")
        password = st.text_input(ui_text("signup_ui.password"), type="password", max_chars=200,
                                 key="signup_password", autocomplete="new-password")
        again = st.text_input(ui_text("signup_ui.password2"), type="password", max_chars=200,
                              key="signup_password2", autocomplete="new-password")
        submitted = st.form_submit_button(ui_text("signup_ui.submit"), type="primary")
    if not submitted:
        return
    if not all(v and str(v).strip() for v in (company, tax, legal_form, province, sector, name, email, password)):
        st.error(ui_text("signup_ui.missing"))
        return
    if password != again:
        st.error(ui_text("signup_ui.mismatch"))
        return
    st.session_state[DONE] = signup.register(common.db(), signup.Registration(
        company_name=company, tax_code=tax, province=province, sector=sector, legal_form=legal_form, name=name,
        email=email, password=password, language=common.lang()))  # a refusal is shown by the page wrapper
    st.rerun()


# ------------------------------------------------------------------------------------------------ forgotten password


def reset_page() -> None:
    actor = common.current_actor()
    require(actor, "page.reset_password")
    st.title(ui_text("reset_ui.heading"))
    from_url = _take_param(signup.RESET_PARAM)
    if from_url:
        st.session_state[RESET_TOKEN] = signup.token_from(from_url, signup.RESET_PARAM)[:200]
        st.session_state.pop(RESET_DONE, None)
    if st.session_state.get(RESET_DONE):
        st.success(ui_text("reset_ui.done"))
        st.page_link(LOGIN_PAGE, label=ui_text("reset_ui.to_login"), icon=":material/login:")
        return
    token = st.session_state.get(RESET_TOKEN)
    if token:
        _new_password(token)
        return
    if not mailer.enabled():
        st.info(ui_text("reset_ui.no_email"))
        return
    st.write(ui_text("reset_ui.intro"))
    with st.form("reset_request", border=True):
        email = st.text_input(ui_text("reset_ui.email"), max_chars=254, key="reset_email", autocomplete="username")
        sent = st.form_submit_button(ui_text("reset_ui.send"), type="primary")
    if sent and email.strip():
        signup.request_reset(common.db(), email, common.lang())
        # the same answer whether the address has an account or not
        st.success(ui_text("reset_ui.sent", email=common.md(email.strip()), minutes=signup.RESET_MINUTES))
    st.page_link(LOGIN_PAGE, label=ui_text("reset_ui.to_login"), icon=":material/login:")


def _new_password(token: str) -> None:
    database = common.db()
    try:
        signup.check_reset(database, token)
    except UserError as exc:
        st.session_state.pop(RESET_TOKEN, None)
        st.error(common.error_text(exc))
        st.page_link("accreditation/ui/pages/reset_password.py", label=ui_text("reset_ui.send"),
                     icon=":material/lock_reset:")
        return
    st.subheader(ui_text("reset_ui.new_heading"))
    with st.form("reset_new", border=True):
        new = st.text_input(ui_text("reset_ui.new"), type="password", max_chars=200, key="reset_new",
                            autocomplete="new-password")
        again = st.text_input(ui_text("reset_ui.new2"), type="password", max_chars=200, key="reset_new2",
                              autocomplete="new-password")
        saved = st.form_submit_button(ui_text("reset_ui.save"), type="primary")
    if not saved:
        return
    if new != again:
        st.error(ui_text("reset_ui.mismatch"))
        return
    signup.reset_password(database, token, new)  # a refusal (short, expired, used) is shown by the page wrapper
    st.session_state.pop(RESET_TOKEN, None)
    st.session_state[RESET_DONE] = True
    st.rerun()


# ------------------------------------------------------------------------------------------------ the company


def team_page() -> None:
    actor = common.current_actor()
    require(actor, "page.team")
    database = common.db()
    org = database["organisations"].get(actor.organisation_id)
    st.title(ui_text("team_ui.heading"))
    st.write(ui_text("team_ui.intro", company=common.md(org["name"])))
    st.subheader(ui_text("team_ui.requests"))
    requests = signup.join_requests(database, actor, actor.organisation_id)
    if not requests:
        st.caption(ui_text("team_ui.no_requests"))
    for req in requests:
        with st.container(border=True):
            st.markdown(ui_text("team_ui.request", name=common.md(req["name"]), email=common.md(req["email"]),
                                date=day((req["confirmed_at"] or req["created_at"])[:10])))
            c1, c2, _ = st.columns([1, 1, 4])
            if c1.button(ui_text("team_ui.approve"), key=f"team_approve_{req['id']}", type="primary"):
                signup.decide_join(database, actor, req["id"], approve=True)
                common.flash("success", ui_text("team_ui.approved", name=common.md(req["name"])))
                st.rerun()
            if c2.button(ui_text("team_ui.refuse"), key=f"team_refuse_{req['id']}"):
                signup.decide_join(database, actor, req["id"], approve=False)
                common.flash("success", ui_text("team_ui.refused", name=common.md(req["name"])))
                st.rerun()
    st.subheader(ui_text("team_ui.users"))
    users = signup.team(database, actor, actor.organisation_id)
    st.dataframe(pd.DataFrame([{
        ui_text("team_ui.col_name"): u["name"], ui_text("team_ui.col_email"): u["email"],
        ui_text("team_ui.col_active"): bool(u["active"]), ui_text("team_ui.col_since"): day(u["created_at"][:10]),
    } for u in users]), hide_index=True, width="stretch")


# ------------------------------------------------------------------------------------------------ the administrator


def registrations_page() -> None:
    actor = common.current_actor()
    require(actor, "page.registrations")
    database = common.db()
    st.title(ui_text("registrations_ui.heading"))
    st.write(ui_text("registrations_ui.intro"))
    st.caption(ui_text("registrations_ui.email_on" if mailer.enabled() else "registrations_ui.email_off"))
    rows = signup.pending(database, actor)
    if not rows:
        st.info(ui_text("registrations_ui.none"))
    for row in rows:
        with st.container(border=True):
            what = (ui_text("registrations_ui.join", company=common.md(row["joins"])) if row["joins"]
                    else ui_text("registrations_ui.new_company"))
            state = ("waiting_admin" if row["by"] == "admin" else
                     "waiting_expired" if row["expired"] else "waiting_email")
            st.caption(f"{what} · {ui_text('registrations_ui.' + state)}")
            st.markdown(ui_text("registrations_ui.row", company=common.md(row["company_name"]),
                                tax=common.md(row["tax_code"]), province=common.md(row["province"] or "—"),
                                name=common.md(row["name"]), email=common.md(row["email"]),
                                date=day(row["created_at"][:10])))
            c1, c2, _ = st.columns([1, 1, 4])
            if c1.button(ui_text("registrations_ui.activate"), key=f"reg_activate_{row['id']}", type="primary"):
                done = signup.activate(database, actor, row["id"])
                key = "activated_join" if done.kind == "join" else "activated"
                common.flash("success", ui_text(f"registrations_ui.{key}", company=common.md(done.company)))
                st.rerun()
            if c2.button(ui_text("registrations_ui.discard"), key=f"reg_discard_{row['id']}"):
                signup.discard(database, actor, row["id"])
                common.flash("success", ui_text("registrations_ui.discarded"))
                st.rerun()
    _reset_link(database, actor)


def _reset_link(database, actor) -> None:
    """A reset link for a user, made by the administrator to pass on (the forgotten-password page sends people
    here when the installation has no e-mail)."""
    from accreditation import accounts

    st.divider()
    st.subheader(ui_text("registrations_ui.reset_heading"))
    st.caption(ui_text("registrations_ui.reset_intro", minutes=signup.RESET_MINUTES))
    users = {u["id"]: f"{u['email']} · {u['organisation']}" for u in accounts.list_users(database, actor)
             if u["active"] and u["id"] != actor.id}
    chosen = st.selectbox(ui_text("registrations_ui.reset_user"), list(users), index=None, key="reg_reset_user",
                          format_func=lambda i: users.get(i, str(i)), placeholder=ui_text("signup_ui.choose"))
    if st.button(ui_text("registrations_ui.reset_make"), key="reg_reset_make", disabled=chosen is None):
        link = signup.reset_link_for(database, actor, chosen)
        st.success(ui_text("registrations_ui.reset_made", email=common.md(users[chosen].split(" · ")[0]),
                           minutes=signup.RESET_MINUTES))
        st.code(link, language=None, wrap_lines=True)
