"""The assessor's pages: the queue, and the review screen of one assessment: indicators section by section (a
whole section accepted at once), the roster and supplier checks, the on-site verification, the second lead's
sign-off, the approval checklist, the decision, and the company's disputes."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from accreditation import checks, review, workflow
from accreditation.display import day, moment
from accreditation.errors import UserError
from accreditation.permissions import can
from accreditation.ui import common, result_panel, uploads
from accreditation.ui.common import ui_text, localised
from criteria.schema import Criteria, Indicator
from scoring.answers import AnswerError
from scoring.result import Result

CHECK_ICON = {True: ":green[:material/check_circle:]", False: ":red[:material/cancel:]",
              None: ":gray[:material/remove:]"}


def _status_options() -> list[str]:
    return list(review.QUEUE_STATUSES)


def queue_page() -> None:
    actor = common.current_actor()
    database = common.db()
    criteria = common.criteria()
    st.title(ui_text("assessor.queue_heading"))
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect(ui_text("assessor.status"), _status_options(), default=["submitted", "in_review"],
                              format_func=lambda s: workflow.status_label(s, common.lang()), key="queue_status",
                              placeholder=ui_text("app.all"))
    sectors = [ch.name for ch in criteria.lists["sector"].choices] if "sector" in criteria.lists else []
    sector = c2.selectbox(ui_text("assessor.sector"), sectors, index=None, placeholder=ui_text("assessor.all"),
                          format_func=lambda n: localised(criteria.lists["sector"].get(n).label), key="queue_sector")
    from criteria.provinces import load_provinces

    province = c3.selectbox(ui_text("assessor.province"), [p.name for p in load_provinces().current], index=None,
                            placeholder=ui_text("assessor.all"), key="queue_province")
    min_days = c4.number_input(ui_text("assessor.min_days"), min_value=0, step=1, value=0, key="queue_days")
    disputed = st.toggle(ui_text("review_ui.disputed_only"), key="queue_disputed")
    frame = review.queue(database, actor, statuses=tuple(statuses) or review.QUEUE_STATUSES, sector=sector,
                         province=province, min_days=int(min_days) or None, disputed=disputed)
    st.caption(ui_text("assessor.count", count=len(frame)))
    if frame.empty:
        st.info(ui_text("assessor.empty"))
        return
    shown = pd.DataFrame({
        "ID": frame["id"],
        ui_text("assessor.company"): frame["company"],
        ui_text("assessor.province"): frame["province"],
        ui_text("assessor.status"): frame["status"].map({s: workflow.status_label(s, common.lang())
                                                    for s in workflow.STATUSES}),
        ui_text("assessor.score"): frame["total"],
        ui_text("assessor.tier"): frame["tier"].map(lambda t: result_panel.tier_label(criteria, t)),
        ui_text("assessor.days"): frame["days_waiting"],
        ui_text("assessor.assessor"): frame["assessor"].fillna("—"),
        ui_text("review_ui.disputes"): frame["disputes"],
    })
    event = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="queue_table")
    rows = event.selection.rows if event and event.selection else []
    names = dict(zip(frame["id"].tolist(), frame["company"].tolist()))  # one lookup per option, not a scan
    chosen = st.selectbox(ui_text("assessor.open"), list(names), index=rows[0] if rows else None,
                          format_func=lambda i: f"#{i} · {names[i]}", placeholder=ui_text("assessor.choose"),
                          key="queue_choice")
    if chosen is not None and st.button(ui_text("assessor.open_button"), type="primary"):
        st.session_state["review_id"] = int(chosen)
        st.switch_page("accreditation/ui/pages/review.py")


def _answer_text(criteria: Criteria, indicator: Indicator, value: Any) -> str:
    if value is None:
        return "—"
    clist = criteria.choices_for(indicator)
    values = value if isinstance(value, list) else [value]
    if clist is None:
        return ", ".join(map(str, values))
    return "; ".join(localised(clist.get(str(v)).label) if clist.get(str(v)) else str(v) for v in values)


def _evidence(database, assessment_id: int, indicator_id: str) -> None:
    for row in workflow.evidence_files(database, assessment_id, indicator_id):
        st.caption(f":material/attach_file: {common.md(row['filename'])} · {row['size'] // 1024 + 1} KB · "
                   f"SHA-256 {row['sha256'][:12]}…")
        data = workflow.evidence_bytes(row)
        if data is None:
            continue
        if row["mime"] and row["mime"].startswith("image/"):
            st.image(data, width=360)
        elif row["mime"] == "application/pdf":
            with st.expander(ui_text("assessor.preview")):
                try:
                    st.pdf(data, height=420)
                except Exception:  # the viewer component may be missing; the download still works
                    pass
                st.download_button(ui_text("assessor.download"), data, file_name=row["filename"],
                                   mime="application/pdf", key=f"dl-ev-{row['id']}")


def _review_form(database, actor, assessment: dict, criteria: Criteria, indicator: Indicator,
                 existing: dict | None, evidence_missing: bool) -> None:
    clist = criteria.choices_for(indicator)
    names = [c.name for c in clist.choices] if clist else []
    with st.form(f"rv-{assessment['id']}-{indicator.id}", border=False):
        c1, c2 = st.columns([1, 2])
        decision = c1.radio(ui_text("assessor.decision"), ["accept", "adjust"], horizontal=True,
                            index=0 if not existing or existing["decision"] == "accept" else 1,
                            format_func=lambda d: ui_text(f"assessor.{d}"), key=f"rv-d-{indicator.id}")
        current = json.loads(existing["value"]) if existing and existing["value"] else None
        value = c2.selectbox(ui_text("assessor.adjusted_answer"), names, index=names.index(current)
                             if current in names else None, format_func=lambda n: localised(clist.get(n).label),
                             placeholder=ui_text("assessor.choose"), key=f"rv-v-{indicator.id}")
        comment = st.text_input(ui_text("assessor.comment"), value=(existing or {}).get("comment") or "",
                                key=f"rv-c-{indicator.id}")
        waiver = ""
        if evidence_missing:
            waiver = st.text_input(ui_text("review_ui.waiver"), value=(existing or {}).get("evidence_waiver") or "",
                                   help=ui_text("review_ui.waiver_help"), key=f"rv-w-{indicator.id}")
        if st.form_submit_button(ui_text("assessor.save_review"), key=f"rv-save-{indicator.id}"):
            try:
                review.review_indicator(database, actor, assessment["id"], indicator.id, decision, value, comment,
                                        criteria, evidence_waiver=waiver)
                common.flash("success", ui_text("assessor.review_saved", id=indicator.id))
                st.rerun()
            except (UserError, AnswerError) as exc:
                st.error(common.error_text(exc))


def review_page() -> None:
    actor = common.current_actor()
    database = common.db()
    st.title(ui_text("assessor.review_heading"))
    assessment_id = st.session_state.get("review_id") or st.query_params.get("a")
    if not assessment_id:
        st.info(ui_text("assessor.pick_from_queue"))
        return
    assessment = workflow.get(database, int(assessment_id))
    if not can(actor, "assessment.view", workflow.resource(database, assessment)):
        st.error(ui_text("assessor.not_allowed"))
        return
    criteria = workflow.criteria_for(database, assessment, common.criteria())
    org = database["organisations"].get(assessment["organisation_id"])
    st.subheader(f"{common.md(org['name'])} · {common.md(org.get('tax_code'))}")
    st.caption(ui_text("q.version_line", version=assessment["version"],
                  status=workflow.status_label(assessment["status"], common.lang()),
                  criteria=f"{criteria.settings.criteria_id} {criteria.version}"))
    _disputes(database, actor, assessment)
    declared: Result = workflow.stored_result(assessment) or workflow.evaluate(database, assessment["id"], criteria)
    verified = review.verified_result(database, assessment["id"], criteria)
    in_review = assessment["status"] == "in_review"
    if assessment["status"] == "submitted":
        if st.button(ui_text("assessor.start"), type="primary"):
            review.start(database, actor, assessment["id"])
            st.rerun()
    left, right = st.columns([3, 2], gap="large")
    with right:
        c1, c2 = st.columns(2)
        c1.metric(ui_text("assessor.declared_score"), f"{declared.total:g}")
        c2.metric(ui_text("assessor.verified_score"), f"{verified.total:g}",
                  delta=f"{verified.total - declared.total:+g}" if verified.total != declared.total else None)
        result_panel.render(verified, criteria)
        if in_review or assessment["status"] == "submitted":
            _checklist(database, actor, assessment, criteria)
        if in_review:
            _site_visit(database, actor, assessment)
            _sign_off(database, actor, assessment)
        _decisions(database, actor, assessment, criteria, verified)
    with left:
        _indicators(database, actor, assessment, criteria, verified, in_review)
    st.divider()
    for kind in ("roster", "suppliers"):  # full width: in the left column the findings' text was cut off
        uploads.show_check(database, assessment["id"], kind)


def _indicators(database, actor, assessment: dict, criteria: Criteria, verified: Result, in_review: bool) -> None:
    done = review.reviews(database, assessment["id"])
    answers = workflow.answer_set(database, assessment["id"])
    declared = workflow.evaluate(database, assessment["id"], criteria)
    missing = set(declared.evidence.missing_required)
    applicable = {i.id for i in review.applicable(criteria, declared)}
    for section in criteria.sections:
        items = [i for i in criteria.indicators_in(section.id) if verified.indicator(i.id).status != "hidden"]
        if not items:
            continue
        todo = [i for i in items if i.id in applicable and i.id not in done]
        total = sum(1 for i in items if i.id in applicable)
        counted = f" — {ui_text('assessor.reviewed', done=total - len(todo), total=total)}" if total else ""
        with st.expander(f"{localised(section.label)}{counted}"):
            if in_review and todo:
                if st.button(ui_text("review_ui.accept_rest", count=len(todo)), key=f"accept-{section.id}"):
                    accepted = review.accept_section(database, actor, assessment["id"], section.id, criteria)
                    common.flash("success", ui_text("review_ui.accepted", count=len(accepted)))
                    st.rerun()
                left_out = [i.id for i in todo if i.id in missing]
                if left_out:
                    st.caption(ui_text("review_ui.accept_rest_note", ids=", ".join(left_out)))
            for ind in items:
                outcome = declared.indicator(ind.id)
                st.markdown(f"**{ind.id}** · {localised(ind.label)}")
                source = "" if outcome.source == "answers" else f" ({ui_text('q.derived_' + outcome.source)})"
                st.write(f"{ui_text('assessor.answer')}: {_answer_text(criteria, ind, answers.values.get(ind.id))}"
                         f"{source}")
                if answers.comments.get(ind.id):
                    st.caption(common.md(answers.comments[ind.id]))
                if ind.id in missing:
                    st.caption(f":orange[:material/warning:] {ui_text('review_ui.evidence_missing')}")
                if ind.id in done:
                    r = done[ind.id]
                    st.caption(f":material/check: {ui_text('assessor.' + r['decision'])}"
                               + (f" → {_answer_text(criteria, ind, json.loads(r['value']))}" if r["value"] else "")
                               + (f" · {common.md(r['comment'])}" if r["comment"] else "")
                               + (f" · {ui_text('review_ui.waived')}: {common.md(r['evidence_waiver'])}"
                                  if r.get("evidence_waiver") else ""))
                _evidence(database, assessment["id"], ind.id)
                if in_review and ind.id in applicable:
                    _review_form(database, actor, assessment, criteria, ind, done.get(ind.id), ind.id in missing)
                st.divider()


def _checklist(database, actor, assessment: dict, criteria: Criteria) -> None:
    st.markdown(f"**{ui_text('review_ui.checklist')}**")
    for req in review.approval_checklist(database, assessment["id"], criteria, approver=actor):
        state = True if req.met and req.needed else (None if not req.needed else False)
        text = req.message(common.lang())
        st.markdown(f"{CHECK_ICON[state]} {text[:1].upper()}{text[1:]}")


def _site_visit(database, actor, assessment: dict) -> None:
    visit = review.site_visit(database, assessment["id"])
    with st.expander(ui_text("review_ui.visit_heading"), expanded=False, icon=":material/location_on:"):
        if visit:
            st.caption(ui_text("review_ui.visit_recorded", date=day(visit["visit_date"]),
                          interviewed=visit["workers_interviewed"], checked=visit["files_checked"]))
        v = visit or {}
        with st.form("site_visit"):
            when = st.date_input(ui_text("review_ui.visit_date"), value=date.fromisoformat(v["visit_date"]) if v else
                                 date.today(), format="DD/MM/YYYY")
            sites = st.text_input(ui_text("review_ui.visit_sites"), value=v.get("sites") or "")
            c1, c2 = st.columns(2)
            payroll = c1.number_input(ui_text("review_ui.visit_payroll"), min_value=0, step=1,
                                      value=v.get("workers_on_payroll") or 0)
            interviewed = c2.number_input(ui_text("review_ui.visit_interviewed"), min_value=0, step=1,
                                          value=v.get("workers_interviewed") or 0)
            sampled = c1.number_input(ui_text("review_ui.visit_sampled"), min_value=0, step=1,
                                      value=v.get("files_sampled") or 0)
            checked = c2.number_input(ui_text("review_ui.visit_checked"), min_value=0, step=1,
                                      value=v.get("files_checked") or 0)
            findings = st.text_area(ui_text("review_ui.visit_findings"), value=v.get("findings") or "")
            if st.form_submit_button(ui_text("review_ui.visit_save"), key="visit_save"):
                try:
                    review.record_site_visit(database, actor, assessment["id"], review.SiteVisit(
                        visit_date=when, sites=sites, workers_on_payroll=int(payroll), files_sampled=int(sampled),
                        files_checked=int(checked), workers_interviewed=int(interviewed), findings=findings))
                    common.flash("success", ui_text("review_ui.visit_saved"))
                    st.rerun()
                except UserError as exc:
                    st.error(common.error_text(exc))
        roster = checks.latest(database, assessment["id"], "roster", findings=False)
        if visit and roster and roster.rows < 0.8 * visit["workers_on_payroll"]:
            st.warning(ui_text("review_ui.visit_roster_short", rows=roster.rows, payroll=visit["workers_on_payroll"]))


def _sign_off(database, actor, assessment: dict) -> None:
    signs = review.sign_offs(database, assessment["id"])
    digest = review.review_digest(database, assessment["id"])
    for s in signs:
        who = database["users"].get(s["user_id"])
        state = ui_text("review_ui.sign_current") if s["digest"] == digest else ui_text("review_ui.sign_stale")
        st.caption(f":material/verified_user: {common.md(who['name'])} · {moment(s['at'])} · {state}")
    if not can(actor, "assessment.sign_off", workflow.resource(database, assessment)) \
            or actor.id == assessment.get("assigned_to"):
        return
    with st.form("sign_off"):
        comment = st.text_input(ui_text("review_ui.sign_comment"))
        if st.form_submit_button(ui_text("review_ui.sign_button"), key="sign_off_button"):
            try:
                review.sign_off(database, actor, assessment["id"], comment)
                common.flash("success", ui_text("review_ui.signed"))
                st.rerun()
            except UserError as exc:
                st.error(common.error_text(exc))


def _disputes(database, actor, assessment: dict) -> None:
    for d in workflow.disputes(database, assessment["id"]):
        head = ui_text("review_ui.dispute_line", date=day(d["created_at"]), indicator=d["indicator_id"] or "—")
        if d["status"] == "answered":
            st.info(f"{head}: {common.md(d['comment'])}  \n{ui_text('review_ui.dispute_answer')}: "
                    f"{common.md(d['response'])}")
            continue
        st.warning(f"{head}: {common.md(d['comment'])}")
        if not can(actor, "assessment.decide", workflow.resource(database, assessment)):
            continue
        with st.form(f"dispute-{d['id']}"):
            response = st.text_area(ui_text("review_ui.dispute_response"), key=f"dr-{d['id']}")
            reopen = st.checkbox(ui_text("review_ui.dispute_reopen"), key=f"dro-{d['id']}",
                                 disabled=assessment["status"] not in ("rejected", "changes_requested"))
            if st.form_submit_button(ui_text("review_ui.dispute_send")):
                try:
                    review.respond_to_dispute(database, actor, d["id"], response, reopen=reopen)
                    common.flash("success", ui_text("review_ui.dispute_answered"))
                    st.rerun()
                except UserError as exc:
                    st.error(common.error_text(exc))


def _decisions(database, actor, assessment: dict, criteria: Criteria, verified: Result) -> None:
    if assessment["status"] not in ("submitted", "in_review"):
        if assessment.get("decision_comment"):
            st.info(ui_text("docs.decision", comment=common.md(assessment["decision_comment"])))
        if assessment.get("certificate_id"):
            st.success(ui_text("assessor.certificate", id=assessment["certificate_id"]))
            if can(actor, "certificate.revoke"):
                with st.form("revoke"):
                    reason = st.text_input(ui_text("assessor.revoke_reason"))
                    sure = st.checkbox(ui_text("review_ui.revoke_confirm", id=assessment["certificate_id"]))
                    if st.form_submit_button(ui_text("assessor.revoke")):
                        if not reason.strip():  # said here: the library's refusal names the CLI option
                            st.error(ui_text("assessor.revoke_reason_needed"))
                        elif not sure:
                            st.error(ui_text("review_ui.confirm_first"))
                        else:
                            try:
                                review.revoke_certificate(database, actor, assessment["certificate_id"], reason)
                                common.flash("warning", ui_text("assessor.revoked", id=assessment["certificate_id"]))
                                st.rerun()
                            except UserError as exc:
                                st.error(common.error_text(exc))
        return
    if not can(actor, "assessment.decide", workflow.resource(database, assessment)):
        return
    st.markdown(f"**{ui_text('assessor.decide')}**")
    with st.form("decision"):
        choice = st.radio(ui_text("assessor.decision"), ["approve", "request_changes", "reject"],
                          format_func=lambda d: ui_text(f"assessor.do_{d}"))
        comment = st.text_area(ui_text("assessor.decision_comment"))
        submitted = st.form_submit_button(ui_text("assessor.confirm"), type="primary")
    if not submitted:
        return
    try:
        if choice == "approve":
            cert = review.approve(database, actor, assessment["id"], criteria, comment)
            common.flash("success", ui_text("assessor.approved", id=cert.id))
        elif choice == "request_changes":
            review.request_changes(database, actor, assessment["id"], comment, criteria)
            common.flash("info", ui_text("assessor.changes_requested"))
        else:
            review.reject(database, actor, assessment["id"], comment, criteria)
            common.flash("info", ui_text("assessor.rejected"))
    except UserError as exc:
        st.error(common.error_text(exc))
        return
    st.rerun()
