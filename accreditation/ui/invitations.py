"""Invitation pages: the inviter's (a brand, or a company for its own suppliers) upload, send, states and reminders;
and the acceptance page a supplier reaches from the link, signed in or not."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from accreditation import invitations, mailer, signup
from accreditation.display import day
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.store.accounts import LEGAL_FORMS
from accreditation.ui import common
from accreditation.ui import signup as signup_ui
from accreditation.ui.common import ui_text
from accreditation.ui.uploader import file_input
from accreditation.wording import name_in_sentence

LIST = "invite_list"  # the checked list waiting to be sent: (file name, rows, problems)
SENT = "invite_sent"  # the links of the last sending, shown once
TOKEN = "invite_token"
PENDING = "invite_pending"  # what happens next, after registering with an address other than the listed one


def _template(suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        paths = invitations.write_templates(Path(tmp))
        return next(p for p in paths if p.suffix == f".{suffix}").read_bytes()


def _uploaded(uploaded) -> None:
    """Check the list as soon as it arrives; the file leaves memory after this callback."""
    data = uploaded.getvalue()
    try:
        checked = invitations.read_list(data, uploaded.name)
    except UserError as exc:
        st.session_state.pop(LIST, None)
        common.flash("error", common.error_text(exc))
        return
    st.session_state[LIST] = (uploaded.name, checked.rows, checked.problems)
    st.session_state.pop(SENT, None)


def invite_page() -> None:
    actor = common.current_actor()
    require(actor, "page.invite")
    require(actor, "invitation.manage", {"organisation_id": actor.organisation_id})
    database = common.db()
    me = database["organisations"].get(actor.organisation_id)
    st.title(ui_text("invite_ui.heading"))
    st.write(ui_text("invite_ui.intro", inviter=common.md(name_in_sentence(me["name"]))))
    if me["kind"] == "sme":
        st.caption(ui_text("invite_ui.intro_company"))
    c1, c2 = st.columns(2)
    c1.download_button(ui_text("invite_ui.template_csv"), data=lambda: _template("csv"), mime="text/csv",
                       file_name=f"{invitations.TEMPLATE_NAME}.csv", key="invite_tpl_csv")
    c2.download_button(ui_text("invite_ui.template_xlsx"), data=lambda: _template("xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       file_name=f"{invitations.TEMPLATE_NAME}.xlsx", key="invite_tpl_xlsx")
    file_input(ui_text("invite_ui.upload"), key="invite-list", kinds=("csv", "xlsx"),
               max_mb=invitations.MAX_BYTES // (1024 * 1024), on_upload=_uploaded,
               help=ui_text("invite_ui.upload_help", rows=invitations.MAX_ROWS,
                            mb=invitations.MAX_BYTES // (1024 * 1024)))
    _pending(actor, database)
    _sent()
    _states(actor, database)


def _pending(actor, database) -> None:
    pending = st.session_state.get(LIST)
    if not pending:
        return
    _, rows, problems = pending
    lang = common.lang()
    if problems:
        st.warning(ui_text("invite_ui.problems") + "\n\n" + "\n".join(f"- {common.md(p[lang])}" for p in problems))
    if not rows:
        return
    st.info(ui_text("invite_ui.ready", count=len(rows)))
    c1, c2 = st.columns(2)
    if c1.button(ui_text("invite_ui.send"), type="primary", key="invite_send"):
        sent, skipped = invitations.invite(database, actor, actor.organisation_id, rows)
        st.session_state.pop(LIST, None)
        st.session_state[SENT] = [(s.name, s.email, s.link) for s in sent]
        common.flash("success", ui_text("invite_ui.sent", count=len(sent)))
        if skipped:
            common.flash("info", ui_text("invite_ui.skipped", count=len(skipped)))
        st.rerun()
    if c2.button(ui_text("invite_ui.cancel"), key="invite_cancel"):
        st.session_state.pop(LIST, None)
        st.rerun()


def _sent() -> None:
    sent = st.session_state.get(SENT)
    if not sent:
        return
    st.caption(ui_text("invite_ui.email_on" if mailer.enabled() else "invite_ui.email_off"))
    st.write(ui_text("invite_ui.links"))
    for name, email, link in sent:
        st.markdown(f"**{common.md(name)}** · {common.md(email)}")
        st.code(link, language=None, wrap_lines=True)


def _when(iso: str | None) -> str:
    return day(iso[:10]) if iso else ""


def _states(actor, database) -> None:
    st.subheader(ui_text("invite_ui.list"))
    rows = invitations.list_for(database, actor, actor.organisation_id)
    if not rows:
        st.caption(ui_text("invite_ui.none"))
        return
    st.caption(ui_text("invite_ui.counts", **invitations.counts(rows)))
    st.dataframe(pd.DataFrame([{
        ui_text("invite_ui.col_name"): r["supplier_name"], ui_text("invite_ui.col_tax"): r["tax_code"],
        ui_text("invite_ui.col_email"): r["email"], ui_text("invite_ui.col_state"): ui_text(f"invitations.state.{r['state']}"),
        ui_text("invite_ui.col_invited"): _when(r["created_at"]), ui_text("invite_ui.col_reminded"): _when(r["reminded_at"]),
    } for r in rows]), hide_index=True, width="stretch")
    st.subheader(ui_text("invite_ui.remind_pick"))
    names = {r["id"]: f"{r['supplier_name']} · {r['tax_code']}" for r in rows if r["can_remind"]}
    if not names:
        st.caption(ui_text("invite_ui.nobody_to_remind"))
        return
    chosen = st.selectbox(ui_text("invite_ui.remind_choose"), list(names), index=None, key="invite_remind_id",
                          placeholder=ui_text("invite_ui.remind_choose"), format_func=lambda i: names.get(i, str(i)))
    if st.button(ui_text("invite_ui.remind"), key="invite_remind", disabled=chosen is None) and chosen is not None:
        try:
            link = invitations.remind(database, actor, chosen)
        except UserError as exc:
            st.error(common.error_text(exc))
            return
        if link is None:
            st.success(ui_text("invite_ui.reminded_note", name=common.md(names[chosen])))
        else:
            st.success(ui_text("invite_ui.reminded_link", name=common.md(names[chosen])))
            st.code(link, language=None, wrap_lines=True)


# ------------------------------------------------------------------------------------------------ acceptance


def _token_from(text: str) -> str:
    """A pasted link or a bare code: the code is what follows `invite=` (up to the next parameter)."""
    text = (text or "").strip()[:500]  # nobody pastes more; a longer text is refused by `find` anyway
    if f"{invitations.PARAM}=" in text:
        text = text.split(f"{invitations.PARAM}=", 1)[1].split("&", 1)[0]
    return text


def accept_page() -> None:
    actor = common.current_actor()
    require(actor, "page.accept_invitation")
    st.title(ui_text("accept_ui.heading"))
    from_url = st.query_params.get(invitations.PARAM)
    if from_url:
        st.session_state[TOKEN] = _token_from(from_url)[:200]
    token = st.session_state.get(TOKEN)
    if not token and st.session_state.get(PENDING):  # registered with another address: confirm it first
        st.success(st.session_state[PENDING])
        return
    if not token:
        st.write(ui_text("accept_ui.intro"))
        with st.form("invite_code_form"):
            typed = st.text_input(ui_text("accept_ui.code"), key="invite_code", max_chars=500)
            if st.form_submit_button(ui_text("accept_ui.open"), type="primary"):
                st.session_state[TOKEN] = _token_from(typed)
                st.rerun()
        return
    database = common.db()
    try:
        info = invitations.describe(database, token)
    except UserError as exc:
        st.error(common.error_text(exc))
        _forget_token()
        return
    until = datetime.fromisoformat(info["expires_at"]).date().isoformat()
    st.markdown(ui_text("accept_ui.invited_by", inviter=common.md(info["inviter"]), name=common.md(info["supplier_name"]),
                        tax=info["tax_code"], until=day(until)))
    st.caption(ui_text("accept_ui.what_shared"))
    if actor is None:
        _register_form(database, token, info)
    else:
        if st.button(ui_text("accept_ui.accept"), type="primary", key="invite_accept"):
            invitations.accept(database, actor, token)  # a refusal is shown by the page wrapper
            _forget_token()
            common.flash("success", ui_text("accept_ui.accepted", inviter=name_in_sentence(info["inviter"])))
            st.rerun()
    _decline(database, token)


def _forget_token() -> None:
    st.session_state.pop(TOKEN, None)
    if invitations.PARAM in st.query_params:
        del st.query_params[invitations.PARAM]


def _register_form(database, token: str, info: dict) -> None:
    st.subheader(ui_text("accept_ui.register"))
    st.caption(ui_text("accept_ui.have_account"))
    with st.form("invite_register"):
        company = st.text_input(ui_text("accept_ui.company"), value=info["supplier_name"], max_chars=200,
                                key="invite_company")
        st.text_input(ui_text("accept_ui.tax"), value=info["tax_code"], disabled=True, key="invite_tax")
        legal_form = st.selectbox(ui_text("signup_ui.legal_form"), LEGAL_FORMS, index=None, key="invite_legal_form",
                                  format_func=signup_ui.legal_form_label, placeholder=ui_text("signup_ui.choose"))
        province = st.selectbox(ui_text("signup_ui.province"), signup_ui.provinces(), index=None,
                                key="invite_province", placeholder=ui_text("signup_ui.choose"))
        sector = st.selectbox(ui_text("signup_ui.sector"), signup.sectors(), index=None, key="invite_sector",
                              format_func=signup_ui.sector_label, placeholder=ui_text("signup_ui.choose"))
        name = st.text_input(ui_text("accept_ui.name"), max_chars=200, key="invite_user_name")
        email = st.text_input(ui_text("accept_ui.email"), value=info["email"], max_chars=254, key="invite_email",
                              autocomplete="username")
        password = st.text_input(ui_text("accept_ui.password"), type="password", max_chars=200,
                                 key="invite_password", autocomplete="new-password")
        again = st.text_input(ui_text("accept_ui.password2"), type="password", max_chars=200,
                              key="invite_password2", autocomplete="new-password")
        submitted = st.form_submit_button(ui_text("accept_ui.submit"), type="primary")
    if not submitted:
        return
    if not company.strip() or not email.strip() or not password:
        st.error(ui_text("accept_ui.missing"))
        return
    if password != again:
        st.error(ui_text("accept_ui.mismatch"))
        return
    # the listed address is confirmed by the link itself: active at once; another address is confirmed by e-mail
    # first (or by the administrator), and the invitation accepted then (accreditation.signup.register_invited)
    new = signup.register_invited(database, token, company_name=company, email=email, password=password, name=name,
                                  language=common.lang(), province=province, sector=sector, legal_form=legal_form)
    _forget_token()
    if isinstance(new, signup.Registered):
        st.session_state[PENDING] = (signup_ui.registered_text(new) + " "
                                     + ui_text("signup_ui.invitation_after_confirm", inviter=common.md(info["inviter"])))
        st.rerun()
    common.sign_in(new)
    common.flash("success", ui_text("accept_ui.registered", inviter=name_in_sentence(info["inviter"])))
    st.rerun()


def _decline(database, token: str) -> None:
    st.divider()
    if not st.session_state.get("invite_declining"):
        if st.button(ui_text("accept_ui.decline"), key="invite_decline"):
            st.session_state["invite_declining"] = True
            st.rerun()
        return
    st.warning(ui_text("accept_ui.decline_confirm"))
    if st.button(ui_text("accept_ui.decline_yes"), key="invite_decline_yes"):
        st.session_state.pop("invite_declining", None)
        invitations.decline(database, token)
        _forget_token()
        common.flash("success", ui_text("accept_ui.declined"))
        st.rerun()
