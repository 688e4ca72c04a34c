"""Administration: users and organisations, and the criteria versions: which is current, which are in use, and
installing a new one (upload → validation → the difference → install with an effective date;
`accreditation.criteria_install`)."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from accreditation import accounts, criteria_install, mailer, settings
from accreditation.display import day
from accreditation.permissions import require
from accreditation.store.accounts import ROLES
from accreditation.ui import common
from accreditation.ui.common import ui_text
from accreditation.ui.uploader import clear, file_input
from criteria.diff import diff_criteria, render
from criteria.errors import CriteriaLoadError
from criteria.schema import Criteria


def admin_page() -> None:
    actor = common.current_actor()
    st.title(ui_text("admin.heading"))
    _public_address()
    _email_state()
    users_tab, criteria_tab = st.tabs([ui_text("admin.users"), ui_text("admin.criteria")])
    with users_tab:
        require(actor, "users.manage")
        _users(actor)
    with criteria_tab:
        require(actor, "criteria.manage")
        _criteria(actor)


def _users(actor) -> None:
    database = common.db()
    rows = accounts.list_users(database, actor)
    st.dataframe(pd.DataFrame([{
        "ID": r["id"], ui_text("admin.email"): r["email"], ui_text("admin.name"): r["name"],
        ui_text("admin.role"): ui_text(f"roles.{r['role']}") + (" ★" if r["lead"] else ""),
        ui_text("admin.organisation"): r["organisation"],
        ui_text("admin.active"): "✔" if r["active"] else "—"} for r in rows]), hide_index=True, width="stretch")
    st.subheader(ui_text("admin.new_user"))
    orgs = accounts.list_organisations(database, actor)
    with st.form("new_user", clear_on_submit=True):
        c1, c2 = st.columns(2)
        email = c1.text_input(ui_text("admin.email"))
        name = c2.text_input(ui_text("admin.name"))
        # labels made now, in the page's language: AppTest formats a value again outside the run, where a late
        # lookup would find Vietnamese and break every rerun of the English page
        role_labels = {r: ui_text(f"roles.{r}") for r in ROLES}
        role = c1.selectbox(ui_text("admin.role"), ROLES, format_func=role_labels.__getitem__)
        lead = c2.checkbox(ui_text("admin.lead"))
        org_id = c1.selectbox(ui_text("admin.organisation"), [o["id"] for o in orgs], index=None,
                              format_func=lambda i: next(o["name"] for o in orgs if o["id"] == i),
                              placeholder=ui_text("admin.new_org_placeholder"))
        new_org = c2.text_input(ui_text("admin.new_org"))
        password = st.text_input(ui_text("admin.password"), type="password")
        if st.form_submit_button(ui_text("admin.create"), type="primary"):
            if org_id is None:
                if not new_org.strip():
                    st.error(ui_text("admin.org_required"))
                    return
                org_id = accounts.create_organisation(database, actor=actor, kind=accounts.ORG_KIND_FOR_ROLE[role],
                                                      name=new_org)
            accounts.create_user(database, actor=actor, email=email, password=password, role=role,
                                 organisation_id=org_id, name=name, lead=lead and role == "assessor")
            st.success(ui_text("admin.created", email=accounts.normalise_email(email)))
    st.subheader(ui_text("admin.deactivate"))
    active = [r for r in rows if r["active"] and r["id"] != actor.id]
    with st.form("deactivate"):
        user_id = st.selectbox(ui_text("admin.user"), [r["id"] for r in active], index=None,
                               format_func=lambda i: next(r["email"] for r in active if r["id"] == i),
                               placeholder=ui_text("admin.choose_user"))
        sure = st.checkbox(ui_text("admin.deactivate_confirm"))
        if st.form_submit_button(ui_text("admin.deactivate_button")) and user_id is not None:
            if not sure:
                st.error(ui_text("review_ui.confirm_first"))
                return
            accounts.deactivate_user(database, actor, user_id)
            st.rerun()


def _criteria(actor) -> None:
    database = common.db()
    current = criteria_install.current_criteria(database)
    s = current.settings
    st.write(ui_text("admin.criteria_current", id=s.criteria_id, version=s.version, date=day(s.effective_date),
                sections=len(current.sections), indicators=len(current.indicators)))
    st.caption(f"SHA-256 {current.fingerprint}")
    flash = st.session_state.pop("_criteria_installed", None)
    if flash:
        st.success(flash)
    _versions(database)
    st.download_button(ui_text("admin.export"), data=lambda: criteria_install.workbook_bytes(current),
                       file_name=f"criteria-{s.version}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.subheader(ui_text("admin.install_heading"))
    st.caption(ui_text("admin.install_steps"))
    uploaded = file_input(ui_text("admin.upload"), key="criteria-upload", kinds=("xlsx",), max_mb=10)
    if uploaded is not None:
        _install_form(actor, database, current, uploaded.name, uploaded.getvalue())


def _versions(database) -> None:
    """Every version known: shipped, installed (current or scheduled) and those assessments are pinned to."""
    rows = criteria_install.versions_overview(database)
    st.markdown(f"**{ui_text('admin.versions_heading')}**")
    st.dataframe(pd.DataFrame([{
        ui_text("admin.version"): f"{r['criteria_id']} {r['version']}",
        ui_text("admin.effective_from"): day(r["effective_date"]),
        ui_text("admin.state"): ui_text(f"admin.state_{r['state']}"),
        ui_text("admin.source"): ui_text(f"admin.source_{r['source']}"),
        ui_text("admin.installed_by"): r["installed_by"] or "—",
        ui_text("admin.assessments"): r["assessments"]} for r in rows]), hide_index=True)


def _candidate(name: str, data: bytes, effective: date | None) -> Criteria:
    """The uploaded workbook, validated, with `effective` as its date; kept for the session, as every widget
    change reruns the page."""
    key = (hashlib.sha256(data).hexdigest(), effective)
    cached = st.session_state.get("_criteria_candidate")
    if cached is None or cached[0] != key:
        cached = (key, criteria_install.read_candidate(data, effective, name))
        st.session_state["_criteria_candidate"] = cached
    return cached[1]


def _install_form(actor, database, current: Criteria, name: str, data: bytes) -> None:
    upload = hashlib.sha256(data).hexdigest()[:16]  # widgets keyed by the file: another upload starts afresh
    try:
        candidate = _candidate(name, data, None)
    except CriteriaLoadError as exc:
        st.error(ui_text("admin.invalid", count=len(exc.issues)))
        for line in exc.messages(common.lang()):
            st.write(common.md(line))
        return
    st.success(ui_text("admin.valid", id=candidate.settings.criteria_id, version=candidate.version,
                  indicators=len(candidate.indicators)))
    effective = st.date_input(ui_text("admin.effective_date"), value=candidate.settings.effective_date,
                              format="DD/MM/YYYY", help=ui_text("admin.effective_help"),
                              key=f"criteria-effective-{upload}")
    if effective != candidate.settings.effective_date:
        candidate = _candidate(name, data, effective)
    _show_diff(current, candidate)
    problem = criteria_install.install_problem(database, candidate)
    if problem is not None:
        st.error(problem.message(common.lang()))
        return
    sure = st.checkbox(ui_text("admin.install_confirm", version=candidate.version), key=f"criteria-sure-{upload}")
    if st.button(ui_text("admin.install_button", version=candidate.version), type="primary", disabled=not sure):
        installed = criteria_install.install_criteria(database, actor, data, effective, name=name)
        now = criteria_install.current_criteria(database)
        when = day(installed.settings.effective_date)
        follow = (ui_text("admin.installed_now", version=installed.version)
                  if now.fingerprint == installed.fingerprint
                  else ui_text("admin.installed_later", version=installed.version, date=when, current=now.version))
        st.session_state["_criteria_installed"] = " ".join(
            [ui_text("admin.installed", version=installed.version, date=when), follow])
        st.session_state.pop("_criteria_candidate", None)
        clear("criteria-upload")
        st.rerun()


def _show_diff(current: Criteria, candidate: Criteria) -> None:
    summary, blocks = render(diff_criteria(current, candidate), common.lang())
    st.markdown(f"**{ui_text('admin.diff_heading', version=common.md(current.version))}**")
    with st.container(border=True):
        st.markdown(common.md(summary))
        for block in blocks:
            st.markdown(f"**{common.md(block.title)}**")
            for title, changes in block.items:
                lines = [f"- {common.md(title)}"] if title else []
                indent = "    " if title else ""
                lines += [f"{indent}- {common.md(c)}" for c in changes]
                st.markdown("\n".join(lines))


def _public_address() -> None:
    """The address QR codes will carry: a warning when none is configured and the app is reached from elsewhere
    (documents would then depend on which address each issuer happened to use)."""
    served = settings.address_warning()
    if served:
        st.warning(ui_text("admin.address_warning", url=served), icon=":material/qr_code:")
    elif settings.configured_url():
        st.caption(ui_text("admin.address_configured", url=settings.configured_url()))
    else:
        st.caption(ui_text("admin.address_local", url=settings.public_url()))


def _email_state() -> None:
    """Whether notifications also leave by e-mail, through which server, and what is waiting or was given up."""
    cfg = mailer.config()
    if cfg is None:
        st.info(ui_text("mail.off"), icon=":material/mail_lock:")
        return
    counts = mailer.counts(common.db())
    st.caption(ui_text("mail.configured", server=cfg.describe(), sender=common.md(cfg.sender)) + " "
               + ui_text("mail.counts", sent=counts["sent"]))
    if counts["pending"]:
        st.caption(ui_text("mail.pending", count=counts["pending"]))
    if counts["failed"]:
        last = common.db().execute("SELECT email_error FROM notifications WHERE email_status = 'failed' "
                                   "ORDER BY id DESC LIMIT 1").fetchone()
        st.warning(ui_text("mail.failed", count=counts["failed"], attempts=mailer.MAX_ATTEMPTS,
                           error=common.md(last[0] if last else "")), icon=":material/mail:")
