"""Corrective actions on screen: the company's page (counts, a table filtered by status, one action at a time with
its finding, what to do, the legal basis and the evidence that closes it; start, mark done with evidence, comments
and history), the assessor's "verify corrective actions" page (actions marked done, their evidence downloadable,
verify or reopen with a comment), and the counts a brand sees. Every change goes through `accreditation.actions`,
which checks who may make it."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from accreditation import actions, cases
from accreditation.display import day, severity_label
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.ui import common
from accreditation.ui.common import localised, ui_text
from accreditation.ui.result_panel import PRIORITY_ICON
from accreditation.ui.uploader import file_input
from accreditation.wording import rule_title, where_text

EVIDENCE_KINDS = ("pdf", "png", "jpg", "jpeg")
MAX_MB = 10
STATUS_ICON = {"overdue": ":red[:material/schedule:]", "open": ":orange[:material/radio_button_unchecked:]",
               "in_progress": ":blue[:material/pending:]", "done": ":violet[:material/task_alt:]",
               "verified": ":green[:material/verified:]"}


def status_label(status: str) -> str:
    return ui_text(f"actions.status.{status}")


def title(row: dict[str, Any]) -> str:
    """What the action is about, in words: a check's title, else the indicator's question, else the rule."""
    a = row["item"]
    if a.title.get(common.lang()):
        return a.title.get(common.lang())
    if a.indicator and common.criteria().has_indicator(a.indicator):
        return f"{a.indicator} · {localised(common.criteria().indicator(a.indicator).label)}"
    return a.indicator or rule_title(a.rule, common.lang()) or "—"


def priority_label(priority: str) -> str:
    """A priority as the plan words it (criteria/award/priorities.csv), e.g. "Cần cải thiện"."""
    level = common.criteria().priorities.get(priority)
    return localised(level.label) if level else severity_label(priority, common.lang())


def _label(row: dict[str, Any]) -> str:
    return f"#{row['id']} · {title(row)}"


def _run(fn, *args, done: str | None = None, **kwargs) -> bool:
    """Call a library function from a button; its refusal becomes a message after the rerun."""
    try:
        fn(common.db(), common.current_actor(), *args, **kwargs)
    except UserError as exc:
        common.flash("error", common.error_text(exc))
        return False
    if done:
        common.flash("success", done)
    return True


# ------------------------------------------------------------------------------------------ the company


def actions_page(today: date | None = None) -> None:
    actor = common.current_actor()
    require(actor, "page.actions")
    database = common.db()
    as_of = today or date.today()
    require(actor, "action.view", actions.resource(database, actor.organisation_id))
    st.title(ui_text("actions.heading"))
    st.write(ui_text("actions.intro"))
    rows = actions.list_actions(database, actor.organisation_id, as_of)
    if not rows:
        st.info(ui_text("actions.none"))
        return
    summary(actions.counts(rows))
    shown = st.multiselect(ui_text("actions.filter"), list(actions.SHOWN_STATUSES), key="act_filter",
                           format_func=status_label, placeholder=ui_text("actions.filter_all"))
    view = [r for r in rows if not shown or r["shown"] in shown]
    st.caption(ui_text("actions.as_of", date=day(as_of)))
    if not view:
        st.info(ui_text("actions.no_match"))
        return
    _table(view)
    ids = [r["id"] for r in view]
    labels = {r["id"]: _label(r) for r in view}
    if st.session_state.get("act_pick") not in ids:
        st.session_state["act_pick"] = ids[0]
    chosen = st.selectbox(ui_text("actions.pick"), ids, key="act_pick", format_func=lambda i: labels.get(i, str(i)))
    _company_detail(actions.detail(database, int(chosen), as_of))


def summary(c: dict[str, int]) -> None:
    """Counts by shown status: one metric each, the total first."""
    cols = st.columns(len(actions.SHOWN_STATUSES) + 1)
    cols[0].metric(ui_text("actions.total"), c["total"])
    for col, status in zip(cols[1:], actions.SHOWN_STATUSES):
        col.metric(status_label(status), c[status])


def _table(rows: list[dict[str, Any]]) -> None:
    lang = common.lang()
    frame = pd.DataFrame([{
        ui_text("actions.col.no"): r["id"],
        ui_text("actions.col.status"): status_label(r["shown"]),
        ui_text("actions.col.priority"): priority_label(r["priority"]),
        ui_text("actions.col.what"): title(r),
        ui_text("actions.col.owner"): actions.owner_text(r, lang),
        ui_text("actions.col.due"): day(r["due_date"]),
    } for r in rows])
    st.dataframe(frame, hide_index=True, width="stretch", key="act_table", column_config={
        ui_text("actions.col.what"): st.column_config.TextColumn(width="large")})


def describe(row: dict[str, Any]) -> None:
    """The finding, what to do, the legal basis and the evidence that closes it; status, due date and owner."""
    a = row["item"]
    lang = common.lang()
    st.markdown(f"{PRIORITY_ICON.get(a.priority, '')} **{common.md(title(row))}** · "
                f"{priority_label(a.priority)}")
    st.markdown(f"{STATUS_ICON.get(row['shown'], '')} " + ui_text(
        "actions.state_line", status=status_label(row["shown"]), due=day(row["due_date"]),
        owner=common.md(actions.owner_text(row, lang) or "—")))  # a roster finding names no one until the company does
    lines = [("actions.finding", a.finding.get(lang)), ("actions.todo", a.action.get(lang)),
             ("actions.legal", a.legal_basis.get(lang)), ("actions.evidence_hint", a.evidence.get(lang))]
    where = where_text(a)
    if where is not None:
        lines.insert(1, ("actions.where", where.get(lang)))
    for key, text in lines:
        if text:
            st.markdown(f"**{ui_text(key)}:** {common.md(text)}")
    if row.get("found_again_at"):
        st.warning(ui_text("actions.found_again", date=day(row["found_again_at"])))


def _company_detail(row: dict[str, Any]) -> None:
    with st.container(border=True):
        describe(row)
        status = row["status"]
        aid = row["id"]
        _evidence_list(row, downloads=False)
        if status != "verified":
            file_input(ui_text("actions.upload"), key=f"act-ev-{aid}", kinds=EVIDENCE_KINDS, max_mb=MAX_MB,
                       help=ui_text("actions.upload_help"), on_upload=partial(_upload, aid))
        b1, b2, b3 = st.columns(3)
        if status == "open":
            b1.button(ui_text("actions.start"), key=f"act-start-{aid}", on_click=_run,
                      args=(actions.update_status, aid, "in_progress"),
                      kwargs={"done": ui_text("actions.started")})
        if status in ("open", "in_progress"):
            b2.button(ui_text("actions.mark_done"), key=f"act-done-{aid}", type="primary", on_click=_run,
                      args=(actions.update_status, aid, "done"), kwargs={"done": ui_text("actions.marked_done")},
                      help=ui_text("actions.mark_done_help"))
        if status == "done":
            st.info(ui_text("actions.waiting_assessor"))
            b3.button(ui_text("actions.take_back"), key=f"act-back-{aid}", on_click=_run,
                      args=(actions.update_status, aid, "in_progress"), kwargs={"done": ui_text("actions.taken_back")})
        if status == "verified":
            st.success(ui_text("actions.verified_line", date=day(row["verified_at"])))
        if status != "verified":
            _owner(row)
        _comment_box(row)
        history(row)


def _upload(action_id: int, uploaded) -> None:
    if _run(actions.add_evidence, action_id, uploaded.name, uploaded.getvalue()):
        common.flash("success", ui_text("actions.evidence_saved", name=common.md(uploaded.name)))


def _owner(row: dict[str, Any]) -> None:
    with st.form(f"act-owner-{row['id']}", border=False):
        owner = st.text_input(ui_text("actions.owner"), value=row.get("owner") or "", max_chars=actions.MAX_OWNER,
                              placeholder=row["item"].responsible.get(common.lang()) or "",
                              help=ui_text("actions.owner_help"))
        if st.form_submit_button(ui_text("actions.owner_save")):
            _run(actions.set_owner, row["id"], owner, done=ui_text("actions.owner_saved"))
            st.rerun()


def _comment_box(row: dict[str, Any]) -> None:
    with st.form(f"act-comment-{row['id']}", clear_on_submit=True, border=False):
        text = st.text_area(ui_text("actions.comment"), max_chars=actions.MAX_COMMENT, height=80)
        if st.form_submit_button(ui_text("actions.comment_add")):
            _run(actions.add_comment, row["id"], text, done=ui_text("actions.comment_added"))
            st.rerun()  # the flash (done or refused) shows on the fresh run


def _evidence_list(row: dict[str, Any], downloads: bool) -> None:
    if not row["evidence"]:
        st.caption(ui_text("actions.no_evidence"))
        return
    st.markdown(f"**{ui_text('actions.evidence_files')}**")
    for ev in row["evidence"]:
        line = ui_text("actions.evidence_line", name=common.md(ev["filename"]), kb=ev["size"] // 1024 + 1,
                       date=day(ev["uploaded_at"]))
        if downloads:
            c1, c2 = st.columns([4, 1], vertical_alignment="center")
            c1.write(f":material/attach_file: {line}")
            c2.download_button(ui_text("actions.download"), key=f"act-dl-{ev['id']}", file_name=ev["filename"],
                               mime=ev["mime"] or "application/octet-stream",
                               data=partial(_evidence_bytes, common.current_actor(), ev["id"]))
        else:
            st.write(f":material/attach_file: {line}")


def _evidence_bytes(actor, evidence_id: int) -> bytes:
    """Read when the button is pressed, outside the session's script run: the actor is bound when it is drawn."""
    return actions.evidence_file(common.db(), actor, evidence_id)[1]


def history(row: dict[str, Any]) -> None:
    with st.expander(ui_text("actions.history", count=len(row["events"]))):
        for ev in reversed(row["events"]):
            what = ui_text(f"actions.event.{ev['kind']}", to=status_label(ev["to_status"]) if ev["to_status"] else "",
                           name=common.md(ev["comment"] or ""))
            who = common.md(ev["user_name"] or ui_text("actions.system"))
            st.markdown(f"{day(ev['at'])} · {who} · {what}")
            if ev["comment"] and ev["kind"] in ("status", "verified", "reopened", "comment"):
                st.caption(common.md(ev["comment"]))


# ------------------------------------------------------------------------------------------ the assessor


def followup_page() -> None:
    actor = common.current_actor()
    require(actor, "page.followup")
    database = common.db()
    st.title(ui_text("actions.followup_heading"))
    st.write(ui_text("actions.followup_intro"))
    rows = actions.awaiting_verification(database, actor)
    if not rows:
        st.info(ui_text("actions.followup_none"))
        return
    companies: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        companies.setdefault(row["organisation_id"], []).append(row)
    st.caption(ui_text("actions.followup_count", actions=len(rows), companies=len(companies)))
    for org_rows in companies.values():
        first = org_rows[0]
        st.subheader(f"{common.md(first['company'])} · {common.md(first['tax_code'] or '')}".strip(" ·"))
        for row in org_rows:
            full = actions.detail(database, row["id"])
            with st.container(border=True, key=f"fu-{row['id']}"):
                describe(full)
                st.caption(ui_text("actions.done_on", date=day(full["done_at"])))
                _evidence_list(full, downloads=True)
                st.text_area(ui_text("actions.assessor_comment"), key=f"fu-comment-{row['id']}",
                                       max_chars=actions.MAX_COMMENT, height=80,
                                       help=ui_text("actions.assessor_comment_help"))
                c1, c2 = st.columns(2)
                c1.button(ui_text("actions.verify"), key=f"fu-verify-{row['id']}", type="primary",
                          on_click=_decide, args=(actions.verify, row["id"], f"fu-comment-{row['id']}",
                                                  ui_text("actions.verified")))
                c2.button(ui_text("actions.reopen"), key=f"fu-reopen-{row['id']}", on_click=_decide,
                          args=(actions.reopen, row["id"], f"fu-comment-{row['id']}", ui_text("actions.reopened")))
                history(full)


def _decide(fn, action_id: int, comment_key: str, done: str) -> None:
    if _run(fn, action_id, st.session_state.get(comment_key, ""), done=done):
        st.session_state.pop(comment_key, None)


# ------------------------------------------------------------------------------------------ the brand


def brand_progress(actor, database, organisation_id: int, as_of: date) -> None:
    """What a brand may see of a supplier's follow-up: counts by status and overdue, and its open child-labour
    cases (how many, the oldest's age); never an action's wording or any worker data."""
    require(actor, "action.progress", actions.resource(database, organisation_id))
    st.markdown(f"**{ui_text('actions.brand_heading')}**")
    c = actions.progress(database, organisation_id, as_of)
    if not c["total"]:
        st.caption(ui_text("actions.brand_none"))
    else:
        st.write(ui_text("actions.brand_line", total=c["total"], verified=c["verified"], done=c["done"],
                         in_progress=c["in_progress"], open=c["open"], overdue=c["overdue"]))
        if c["overdue"]:
            st.warning(ui_text("actions.brand_overdue", count=c["overdue"]))
    cases_open = cases.brand_summary(database, organisation_id, as_of)
    if cases_open["open"]:
        st.write(ui_text("actions.brand_cases", count=cases_open["open"], days=cases_open["oldest_days"]))
    else:
        st.caption(ui_text("actions.brand_no_cases"))


def progress_cell(c: dict[str, int] | None) -> str:
    """A supplier's corrective actions in one table cell: "1/2 verified · 1 overdue"; "—" without any."""
    if not c or not c["total"]:
        return "—"
    text = ui_text("actions.brand_cell", verified=c["verified"], total=c["total"])
    return text + (" · " + ui_text("actions.brand_cell_overdue", count=c["overdue"]) if c["overdue"] else "")
