"""Submit the self-assessment, download the certificate or the remediation plan, and see earlier versions."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from accreditation import documents, workflow
from accreditation.ui import common, result_panel
from accreditation.ui.common import tr


def _day(iso: str | None) -> date:
    return datetime.fromisoformat(iso).date() if iso else date.today()


def documents_page() -> None:
    actor = common.current_actor()
    database = common.db()
    st.title(tr("docs.heading"))
    assessment = workflow.latest(database, actor.organisation_id)
    if assessment is None:
        st.info(tr("home.no_assessment"))
        return
    criteria = workflow.criteria_for(database, assessment, common.criteria())
    result = workflow.stored_result(assessment) or workflow.evaluate(database, assessment["id"], criteria)
    org = database["organisations"].get(actor.organisation_id)
    st.caption(tr("q.version_line", version=assessment["version"],
                  status=workflow.status_label(assessment["status"], common.lang()),
                  criteria=f"{criteria.settings.criteria_id} {criteria.version}"))
    left, right = st.columns([3, 2], gap="large")
    with right:
        result_panel.render(result, criteria, max_actions=8)
    with left:
        if assessment["status"] in workflow.EDITABLE:
            st.subheader(tr("docs.submit"))
            st.write(tr("docs.submit_help"))
            confirmed = st.checkbox(tr("docs.confirm"), key=f"confirm:{assessment['id']}")
            if st.button(tr("docs.submit"), type="primary", disabled=not confirmed):
                submitted = workflow.submit(database, actor, assessment["id"], criteria)
                if result.eligible:
                    documents.issue_for_assessment(database, actor, submitted, result, criteria, org,
                                                   issued=_day(submitted["submitted_at"]))
                common.flash("success", tr("docs.submitted", version=submitted["version"]))
                st.rerun()
            st.info(tr("docs.submit_first"))
        else:
            if assessment.get("decision_comment"):
                st.info(tr("docs.decision", comment=common.md(assessment["decision_comment"])))
            as_of = _day(assessment["submitted_at"])
            cert_id = assessment.get("certificate_id")
            if cert_id:
                from accreditation.store import certificates as registry

                cert = registry.get(database, cert_id)
                status = cert.status(date.today()) if cert else "revoked"
                if status != "active":  # the PDF still says what it said; the registry says it no longer holds
                    st.error(tr(f"docs.certificate_{status}", id=cert_id))
                st.download_button(tr("docs.certificate"), type="primary", mime="application/pdf",
                                   file_name=f"{cert_id}.pdf", key="dl-certificate",
                                   data=lambda: documents.certificate_pdf(database, cert_id, criteria))
                st.caption(tr("docs.certificate_note"))
            else:
                st.warning(tr("docs.not_eligible_note"))
            if result.remediation:
                st.download_button(tr("docs.plan"), mime="application/pdf", key="dl-plan",
                                   file_name=f"ke-hoach-khac-phuc-v{assessment['version']}.pdf",
                                   data=lambda: documents.remediation_pdf(result, criteria, org, as_of))
        _history(database, actor.organisation_id, criteria)


def _history(database, organisation_id: int, criteria) -> None:
    rows = workflow.history(database, organisation_id)
    if len(rows) < 2 and (not rows or rows[0]["status"] in workflow.EDITABLE):
        return
    st.subheader(tr("docs.history"))
    table = pd.DataFrame([{
        tr("docs.version"): r["version"],
        tr("docs.status"): workflow.status_label(r["status"], common.lang()),
        tr("docs.score"): r["total"],
        tr("docs.tier"): result_panel.tier_label(criteria, r["tier"]),
        tr("docs.date"): (r["submitted_at"] or r["created_at"])[:10],
    } for r in rows])
    st.dataframe(table, hide_index=True, width="stretch")
    if len(rows) > 1:
        st.caption(tr("docs.history_chart"))
        st.line_chart(table.set_index(tr("docs.version"))[[tr("docs.score")]])
