"""Child-labour cases on screen. The company: the prompts (children the roster found in unlawful work and declared
knock-outs without a case, each with "open a case"), another case found otherwise, then one case at a time with its
steps, due dates and states, a step to record, the closure request and the referral letter. The assessor: the
cases assigned to them or not yet taken, the same detail, and agree or refuse a closure. Every change goes through
`accreditation.cases`, which checks who may make it."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from accreditation import cases, workflow
from accreditation.errors import UserError
from accreditation.permissions import can, require
from accreditation.reports import referral
from accreditation.ui import common
from accreditation.ui.common import ui_text
from accreditation.wording import rule_title

STATE_ICON = {"done": ":green[:material/check_circle:]", "late": ":orange[:material/history:]",
              "overdue": ":red[:material/schedule:]", "due": ":grey[:material/radio_button_unchecked:]",
              "waiting": ":grey[:material/hourglass_empty:]"}


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _step(step_id: str) -> str:
    return ui_text(f"cases.step_{step_id}")


def _status(status: str) -> str:
    return ui_text(f"cases.status_{status}")


def _run(fn, *args, done: str | None = None, **kwargs) -> Any:
    """Call a library function from a button; a refusal becomes a message after the rerun, never a traceback."""
    try:
        out = fn(common.db(), common.current_actor(), *args, **kwargs)
    except UserError as exc:
        common.flash("error", common.error_text(exc))
        return None
    if done:
        common.flash("success", done.format(**(out if isinstance(out, dict) else {})))
    return out


def cases_page(today: date | None = None) -> None:
    actor = common.current_actor()
    require(actor, "page.cases")
    as_of = today or date.today()
    st.title(ui_text("cases.heading"))
    if actor.role == "sme":
        _company(actor, as_of)
    else:
        _assessor(actor, as_of)


# ---------------------------------------------------------------------------------------------- the company


def _company(actor, as_of: date) -> None:
    require(actor, "case.view", {"organisation_id": actor.organisation_id})
    database = common.db()
    st.write(ui_text("cases.intro"))
    st.info(ui_text("cases.privacy"), icon=":material/shield_person:")
    latest = workflow.latest(database, actor.organisation_id)
    if latest is not None:
        _prompts(cases.candidates(database, latest["id"]), as_of)
        rem05 = cases.rem05_value(database, latest["id"], as_of)
        if rem05 is not None:  # how the log answers the questionnaire, so the company sees what a late step costs
            (st.success if rem05 == "yes" else st.warning)(ui_text(f"cases.rem05_{rem05}"))
    _other(actor, as_of)
    st.subheader(ui_text("cases.list_heading"))
    rows = cases.list_cases(database, actor, as_of)
    if not rows:
        st.caption(ui_text("cases.none"))
        return
    case = _pick(rows, lambda r: ui_text("cases.option", code=r["code"], ref=r["employee_ref"],
                                         status=_status(r["status"])))
    _detail(case, as_of)
    if case["status"] != "closed":
        _record(case, as_of)
    if case["status"] == "open":
        _request(case)
    _letter(actor, case, as_of)


def _prompts(found: list[dict[str, Any]], as_of: date) -> None:
    if not found:
        return
    st.subheader(ui_text("cases.prompt_heading"))
    st.warning(ui_text("cases.prompt_intro"), icon=":material/child_care:")
    for n, c in enumerate(found):
        key = f"{n}-{c['key']}"
        with st.container(border=True):
            if c["source"] == "roster":
                rules = "; ".join(rule_title(r, common.lang()) or r for r in c["rules"])
                day = _d(date.fromisoformat(c["found_on"])) if c.get("found_on") else "—"
                text = ui_text("cases.prompt_roster" if c["employee_ref"] else "cases.prompt_roster_noref",
                               date=day, row=c["row"], ref=common.md(c["employee_ref"]), rules=common.md(rules))
            else:
                text = ui_text("cases.prompt_answer", indicator=c["indicator"])
            st.markdown(text)
            left, right = st.columns(2)
            left.text_input(ui_text("cases.ref"), value=c.get("employee_ref") or "", key=f"case-ref-{key}",
                            help=ui_text("cases.ref_help"))
            right.radio(ui_text("cases.place"), cases.PLACES, key=f"case-place-{key}", horizontal=True,
                        format_func=lambda p: ui_text(f"cases.place_{p}"))
            st.button(ui_text("cases.open_button"), key=f"case-open-{key}", type="primary",
                      on_click=_open_prompt, args=(c, key, as_of))


def _open_prompt(candidate: dict[str, Any], key: str, as_of: date) -> None:
    _run(cases.open_from_candidate, candidate, st.session_state.get(f"case-ref-{key}") or "",
         place=st.session_state.get(f"case-place-{key}") or "company", today=as_of,
         done=ui_text("cases.opened", code="{code}"))


def _other(actor, as_of: date) -> None:
    with st.expander(ui_text("cases.other_heading")):
        st.caption(ui_text("cases.other_intro"))
        left, right = st.columns(2)
        left.text_input(ui_text("cases.ref"), key="case-other-ref", help=ui_text("cases.ref_help"))
        right.date_input(ui_text("cases.found_on"), value=as_of, max_value=as_of, key="case-other-found",
                         format="DD/MM/YYYY")
        st.radio(ui_text("cases.place"), cases.PLACES, key="case-other-place", horizontal=True,
                 format_func=lambda p: ui_text(f"cases.place_{p}"))
        st.button(ui_text("cases.open_button"), key="case-other-open", on_click=_open_other,
                  args=(actor.organisation_id, as_of))


def _open_other(organisation_id: int, as_of: date) -> None:
    _run(cases.open_case, organisation_id, st.session_state.get("case-other-ref") or "",
         st.session_state.get("case-other-found") or as_of, source="other",
         place=st.session_state.get("case-other-place") or "company", today=as_of,
         done=ui_text("cases.opened", code="{code}"))


def _pick(rows: list[dict[str, Any]], label) -> dict[str, Any]:
    """One case at a time; the choice is kept by id (a label with counts would reset it)."""
    by_id = {r["id"]: r for r in rows}
    if st.session_state.get("case_pick") not in by_id:
        st.session_state["case_pick"] = rows[0]["id"]
    chosen = st.selectbox(ui_text("cases.pick"), list(by_id), key="case_pick", format_func=lambda i: label(by_id[i]))
    return by_id[chosen]


def _detail(case: dict[str, Any], as_of: date) -> None:
    place = ui_text(f"cases.place_{case.get('place') or 'company'}").lower()
    st.markdown(ui_text("cases.summary", code=case["code"], ref=common.md(case["employee_ref"]),
                        found=_d(date.fromisoformat(case["found_on"][:10])), place=place,
                        province=common.md(case["province"] or "—"), status=_status(case["status"])))
    if common.current_actor().role != "sme":
        st.markdown(ui_text("cases.company", name=common.md(case["company"])))
    assessor = common.db()["users"].get(case["assessor_id"]) if case.get("assessor_id") else None
    st.caption(ui_text("cases.assessor_line",
                       name=common.md(assessor.get("name") or assessor.get("email")) if assessor
                       else ui_text("cases.assessor_none")))
    if case["late"]:
        st.warning(ui_text("cases.late_badge", n=case["late"]), icon=":material/schedule:")
    if case.get("closure_comment"):
        st.caption(ui_text("cases.closure_comment", comment=common.md(case["closure_comment"])))
    if case.get("assessor_comment"):
        st.info(ui_text("cases.assessor_comment", comment=common.md(case["assessor_comment"])))
    frame = pd.DataFrame([{
        ui_text("cases.col_step"): _step(s["step"]),
        ui_text("cases.col_due"): _d(s["due"]),
        ui_text("cases.col_done"): (_d(s["done_on"]) if s["done_on"] else "")
        + (f" · {ui_text('cases.not_possible')}" if s["outcome"] == "not_possible" else ""),
        ui_text("cases.col_state"): ui_text(f"cases.state_{s['state']}"),
        ui_text("cases.col_note"): s["note"],
    } for s in case["states"]])
    st.dataframe(frame, hide_index=True, width="stretch")
    if case["status"] == "closure_requested":
        st.info(ui_text("cases.waiting_assessor"), icon=":material/hourglass_top:")
    elif case["status"] == "closed":
        st.success(ui_text("cases.closed_note", date=_d(date.fromisoformat(case["closed_at"][:10]))))


def _record(case: dict[str, Any], as_of: date) -> None:
    st.subheader(ui_text("cases.record_heading"))
    cid = case["id"]
    step = st.selectbox(ui_text("cases.step"), cases.STEP_IDS, key=f"case-step-{cid}", format_func=_step)
    left, right = st.columns(2)
    left.date_input(ui_text("cases.done_on"), value=as_of, max_value=as_of, key=f"case-done-{cid}",
                    format="DD/MM/YYYY")
    if cases.STEPS[cases.STEP_IDS.index(step)].may_be_impossible:
        right.radio(ui_text("cases.outcome"), cases.OUTCOMES, key=f"case-outcome-{cid}",
                    format_func=lambda o: ui_text(f"cases.outcome_{o}"))
    st.text_area(ui_text("cases.note"), key=f"case-note-{cid}", height=80)
    st.button(ui_text("cases.record_button"), key=f"case-save-{cid}", type="primary", on_click=_save_step,
              args=(cid, as_of))


def _save_step(case_id: int, as_of: date) -> None:
    step = st.session_state.get(f"case-step-{case_id}")
    outcome = st.session_state.get(f"case-outcome-{case_id}") or "done"
    if not cases.STEPS[cases.STEP_IDS.index(step)].may_be_impossible:
        outcome = "done"
    if _run(cases.record_step, case_id, step, st.session_state.get(f"case-done-{case_id}") or as_of,
            st.session_state.get(f"case-note-{case_id}") or "", outcome=outcome, today=as_of,
            done=ui_text("cases.recorded", step=_step(step))) is not None:
        st.session_state[f"case-note-{case_id}"] = ""


def _request(case: dict[str, Any]) -> None:
    st.subheader(ui_text("cases.request_heading"))
    st.caption(ui_text("cases.request_intro"))
    st.text_input(ui_text("cases.request_comment"), key=f"case-request-note-{case['id']}")
    st.button(ui_text("cases.request_button"), key=f"case-request-{case['id']}", on_click=_ask_closure,
              args=(case["id"],))


def _ask_closure(case_id: int) -> None:
    _run(cases.request_closure, case_id, st.session_state.get(f"case-request-note-{case_id}") or "",
         done=ui_text("cases.requested", code="{code}"))


def _letter(actor, case: dict[str, Any], as_of: date) -> None:
    st.subheader(ui_text("cases.letter_heading"))
    province = case.get("province") or (common.db()["organisations"].get(case["organisation_id"]) or {}).get(
        "province")
    st.caption(ui_text("cases.letter_intro", agency=common.md(referral.addressee(province, as_of))))
    from criteria.provinces import agencies_for

    if agencies_for(province, as_of) is None:
        st.warning(ui_text("cases.letter_no_province"))
    st.download_button(ui_text("cases.letter_button"), key=f"case-letter-{case['id']}",
                       data=partial(referral.letter, common.db(), actor, case["id"], as_of),
                       file_name=f"{case['code']}-thu-chuyen.pdf", mime="application/pdf",
                       icon=":material/download:")


# ---------------------------------------------------------------------------------------------- the assessor


def _assessor(actor, as_of: date) -> None:
    database = common.db()
    st.write(ui_text("cases.assessor_intro"))
    st.info(ui_text("cases.privacy"), icon=":material/shield_person:")
    rows = cases.list_cases(database, actor, as_of)
    if not rows:
        st.caption(ui_text("cases.none"))
        return
    case = _pick(rows, lambda r: ui_text("cases.option_assessor", code=r["code"], company=r["company"],
                                         status=_status(r["status"])))
    _detail(case, as_of)
    st.subheader(ui_text("cases.agree_heading"))
    if case["status"] != "closure_requested" or not can(actor, "case.close", cases.resource(case)):
        st.caption(ui_text("cases.no_request"))
    else:
        st.text_area(ui_text("cases.decide_comment"), key=f"case-decide-{case['id']}", height=80)
        agree, refuse = st.columns(2)
        agree.button(ui_text("cases.agree_button"), key=f"case-agree-{case['id']}", type="primary",
                     on_click=_decide, args=(case["id"], True))
        refuse.button(ui_text("cases.refuse_button"), key=f"case-refuse-{case['id']}", on_click=_decide,
                      args=(case["id"], False))
    _letter(actor, case, as_of)


def _decide(case_id: int, agree: bool) -> None:
    comment = st.session_state.get(f"case-decide-{case_id}") or ""
    if agree:
        _run(cases.agree_closure, case_id, comment, done=ui_text("cases.agreed", code="{code}"))
    else:
        _run(cases.refuse_closure, case_id, comment, done=ui_text("cases.refused", code="{code}"))
