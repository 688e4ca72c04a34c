"""Submit the self-assessment, download the company's current document (a self-assessment statement or a
verified certificate) or the remediation plan, read the assessor's review and dispute it, and see earlier
versions."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from accreditation import actions, documents, review, workflow
from accreditation.errors import UserError
from accreditation.store import certificates as registry
from accreditation.display import day
from accreditation.ui import common, result_panel
from accreditation.ui.common import ui_text

DOCUMENT_SHOW = {"active": st.success, "expired": st.error, "revoked": st.error, "suspended": st.error,
                 "superseded": st.warning}


def _day(iso: str | None) -> date:
    return datetime.fromisoformat(iso).date() if iso else date.today()


def documents_page() -> None:
    actor = common.current_actor()
    database = common.db()
    st.title(ui_text("docs.heading"))
    assessment = workflow.latest(database, actor.organisation_id)
    if assessment is None:
        st.info(ui_text("home.no_assessment"))
        return
    criteria = workflow.criteria_for(database, assessment, common.criteria())
    result = workflow.stored_result(assessment) or workflow.evaluate(database, assessment["id"], criteria)
    org = database["organisations"].get(actor.organisation_id)
    st.caption(ui_text("q.version_line", version=assessment["version"],
                  status=workflow.status_label(assessment["status"], common.lang()),
                  criteria=f"{criteria.settings.criteria_id} {criteria.version}"))
    left, right = st.columns([3, 2], gap="large")
    with right:
        result_panel.render(result, criteria, max_actions=8)
    with left:
        if assessment["status"] in workflow.EDITABLE:
            _submit(database, actor, assessment, criteria, result)
            plan_button(result, criteria, org, assessment)
        else:
            if assessment.get("decision_comment"):
                st.info(ui_text("docs.decision", comment=common.md(assessment["decision_comment"])))
            _held(database, assessment)
            _document(database, org, criteria)
            assessor_review = review.assessor_review(database, assessment, criteria)
            plan_button(result, criteria, org, assessment, assessor_review)
            if assessor_review is not None:
                _review(database, actor, assessment, criteria, assessor_review)
        _history(database, assessment, criteria)


def plan_button(result, criteria, org: dict, assessment: dict, assessor_review=None) -> None:
    """The remediation plan, from the first answer on: marked as a draft on every page until it is submitted. The
    PDF is built only when the button is pressed."""
    draft = assessment["status"] in workflow.EDITABLE
    if not result.remediation:
        return
    as_of = date.today() if draft else _day(assessment["submitted_at"])
    suffix = "-nhap" if draft else ""
    st.download_button(ui_text("docs.plan_draft" if draft else "docs.plan"), mime="application/pdf",
                       key="dl-plan", file_name=f"ke-hoach-khac-phuc-v{assessment['version']}{suffix}.pdf",
                       data=lambda: documents.remediation_pdf(
                           result, criteria, org, as_of, assessor_review, draft=draft,
                           # a submitted plan prints each action's tracked state as of today (a draft has none)
                           tracking=None if draft else actions.plan_tracking(common.db(), org["id"], date.today())))
    if draft:
        st.caption(ui_text("docs.plan_draft_note"))


def _submit(database, actor, assessment: dict, criteria, result) -> None:
    st.subheader(ui_text("docs.submit"))
    st.write(ui_text("docs.submit_help"))
    held = workflow.held_by(database, assessment["organisation_id"], assessment["version"])
    if held is not None:
        st.warning(ui_text("company.held_before", version=held["version"],
                      status=workflow.status_label(held["status"], common.lang())))
    confirmed = st.checkbox(ui_text("docs.confirm"), key=f"confirm:{assessment['id']}")
    if st.button(ui_text("docs.submit"), type="primary", disabled=not confirmed):
        try:
            submitted = workflow.submit(database, actor, assessment["id"], criteria)
        except UserError as exc:
            st.error(common.error_text(exc))
            return
        common.flash("success", ui_text("docs.submitted", version=submitted["version"]))
        if submitted.get("certificate_id"):
            common.flash("info", ui_text("company.statement_issued", id=submitted["certificate_id"]))
        st.rerun()
    st.info(ui_text("docs.submit_first"))


def _held(database, assessment: dict) -> None:
    """Say why a submitted version has no statement: a rejection or a request for changes holds, or the company's
    verified certificate stays in force until an assessor decides this version."""
    if assessment.get("certificate_id") or assessment["status"] not in ("submitted", "in_review"):
        return
    held = workflow.held_by(database, assessment["organisation_id"], assessment["version"])
    if held is not None:
        st.warning(ui_text("company.held", version=held["version"],
                      status=workflow.status_label(held["status"], common.lang())))
        return
    certified = workflow.verified_in_force(database, database["organisations"].get(assessment["organisation_id"]))
    if certified is not None:
        st.info(ui_text("company.verified_stays", id=certified.id))


def _document(database, org: dict, criteria) -> None:
    """The company's current document (or, if it was revoked, the newest): what it is, and its status today."""
    cert = registry.current(database, org.get("tax_code"), org["id"])
    if cert is None:
        issued = registry.list_certificates(database, tax_code=org.get("tax_code")) if org.get("tax_code") else []
        cert = issued[0] if issued else None
    if cert is None:
        st.warning(ui_text("docs.not_eligible_note"))
        return
    status = cert.status(date.today())
    kind = ui_text(f"company.kind_{cert.assurance}")
    DOCUMENT_SHOW.get(status, st.info)(ui_text(f"company.status_{status}", kind=kind, id=cert.id,
                                          expires=day(cert.expires),
                                          reason=common.md(cert.suspended_reason or cert.revoked_reason or "")))
    label = ui_text("company.download_certificate") if cert.verified else ui_text("company.download_statement")
    st.download_button(label, type="primary", mime="application/pdf", file_name=f"{cert.id}.pdf",
                       key="dl-certificate", data=lambda: documents.certificate_pdf(database, cert.id, criteria))
    if not cert.verified:
        st.caption(ui_text("company.statement_note"))


def _review(database, actor, assessment: dict, criteria, assessor_review) -> None:
    st.subheader(ui_text("trust.plan.review_title"))
    lang = common.lang()
    if assessor_review.notes:
        st.dataframe(pd.DataFrame([{
            ui_text("trust.plan.col_indicator"): f"{n.indicator} · {n.label.get(lang)}",
            ui_text("trust.plan.col_declared"): n.declared.get(lang),
            ui_text("trust.plan.col_assessor"): n.adjusted.get(lang) if n.adjusted else ui_text("trust.plan.accepted"),
            ui_text("trust.plan.col_comment"): n.comment,
        } for n in assessor_review.notes]), hide_index=True, width="stretch")
    else:
        st.caption(ui_text("company.no_adjustments"))
    for d in workflow.disputes(database, assessment["id"]):
        line = ui_text("review_ui.dispute_line", date=day(d["created_at"]), indicator=d["indicator_id"] or "—")
        if d["status"] == "answered":
            st.info(f"{line}: {common.md(d['comment'])}  \n{ui_text('review_ui.dispute_answer')}: {common.md(d['response'])}")
        else:
            st.warning(f"{line}: {common.md(d['comment'])}  \n{ui_text('company.dispute_waiting')}")
    deadline = assessor_review.dispute_until
    if deadline is None or date.today() > deadline:
        return
    with st.expander(ui_text("company.dispute_heading", date=day(deadline)), icon=":material/gavel:"):
        with st.form("dispute"):
            options = [None] + [n.indicator for n in assessor_review.notes]
            indicator = st.selectbox(ui_text("company.dispute_indicator"), options,
                                     format_func=lambda i: ui_text("company.dispute_whole") if i is None else i,
                                     placeholder=ui_text("profile.choose"))
            comment = st.text_area(ui_text("company.dispute_comment"))
            if st.form_submit_button(ui_text("company.dispute_send")):
                try:
                    workflow.dispute(database, actor, assessment["id"], comment, criteria, indicator_id=indicator)
                    common.flash("success", ui_text("company.dispute_sent"))
                    st.rerun()
                except UserError as exc:
                    st.error(common.error_text(exc))


def _history(database, current: dict, criteria) -> None:
    """The versions before the one shown above (the current one is not "previous")."""
    rows = [r for r in workflow.history(database, current["organisation_id"]) if r["id"] != current["id"]]
    if not rows:
        return
    st.subheader(ui_text("docs.history"))
    table = pd.DataFrame([{
        ui_text("docs.version"): r["version"],
        ui_text("docs.status"): workflow.status_label(r["status"], common.lang()),
        ui_text("docs.score"): r["total"],
        ui_text("docs.tier"): result_panel.tier_label(criteria, r["tier"]),
        ui_text("docs.date"): day(r["submitted_at"] or r["created_at"]),
    } for r in rows])
    st.dataframe(table, hide_index=True, width="stretch")
    if len(rows) > 1:
        st.caption(ui_text("docs.history_chart"))
        st.line_chart(table.set_index(ui_text("docs.version"))[[ui_text("docs.score")]])
