"""The self-assessment, one section at a time. Every answer is saved the moment it changes (SQLite is the source
of truth), so closing the tab or refreshing loses nothing: widgets are filled again from the database."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from accreditation import self_assessment, workflow
from accreditation.errors import UserError
from accreditation.ui import common, documents, result_panel
from accreditation.ui.common import ui_text, localised
from accreditation.ui.uploader import file_input
from criteria.schema import Criteria, Indicator
from scoring.answers import AnswerError
from scoring.result import Result

EVIDENCE_TYPES = tuple(workflow.EVIDENCE_TYPES)
MAX_EVIDENCE_MB = workflow.MAX_EVIDENCE_BYTES // (1024 * 1024)
FRESH = "_q_fresh_result"  # the result the last saved answer produced, for the rerun it starts


def _key(assessment_id: int, indicator_id: str) -> str:
    return f"q:{assessment_id}:{indicator_id}"


def _save(assessment_id: int, indicator: Indicator, key: str, criteria: Criteria) -> None:
    value: Any = st.session_state.get(key)
    if indicator.kind == "integer" and value is not None:
        value = int(value)
    if indicator.kind == "text" and isinstance(value, str):
        value = value.strip() or None
    try:
        result = workflow.save_answer(common.db(), common.current_actor(), assessment_id, indicator.id, value, criteria)
    except (UserError, AnswerError) as exc:
        common.flash("error", common.error_text(exc))
    else:  # the rerun this answer starts shows this result instead of parsing it back from the database
        st.session_state[FRESH] = (assessment_id, result)


def _upload(assessment_id: int, indicator_id: str, criteria: Criteria, uploaded) -> None:
    """Save an evidence file (file_input then drops it from memory: a fresh widget on the next run)."""
    try:
        workflow.add_evidence(common.db(), common.current_actor(), assessment_id, indicator_id, uploaded.name,
                              uploaded.getvalue(), criteria)
        common.flash("success", ui_text("q.evidence_saved", name=common.md(uploaded.name)))
    except UserError as exc:
        common.flash("error", common.error_text(exc))


def _remove(assessment_id: int, evidence_id: int, criteria: Criteria) -> None:
    workflow.remove_evidence(common.db(), common.current_actor(), assessment_id, evidence_id, criteria)


def _choice_label(criteria: Criteria, indicator: Indicator, name: str) -> str:
    clist = criteria.choices_for(indicator)
    choice = clist.get(name) if clist else None
    return localised(choice.label) if choice else str(name)


def _answer_text(criteria: Criteria, indicator: Indicator, value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    return "; ".join(_choice_label(criteria, indicator, str(v)) for v in values)


def _widget(indicator: Indicator, criteria: Criteria, assessment_id: int, disabled: bool) -> None:
    key = _key(assessment_id, indicator.id)
    label = f"**{indicator.id}** · {localised(indicator.label)}"
    common_args = dict(key=key, disabled=disabled, on_change=_save,
                       args=(assessment_id, indicator, key, criteria))
    if indicator.kind == "select_one":
        clist = criteria.choices_for(indicator)
        names = [c.name for c in clist.choices if not (c.na and not indicator.na_allowed)]
        st.radio(label, names, format_func=lambda n: _choice_label(criteria, indicator, n), **common_args)
    elif indicator.kind == "select_multiple":
        names = [c.name for c in criteria.choices_for(indicator).choices]
        st.multiselect(label, names, format_func=lambda n: _choice_label(criteria, indicator, n),
                       placeholder=ui_text("q.multi_placeholder"), **common_args)
    elif indicator.kind == "integer":
        st.number_input(label, min_value=0, step=1, **common_args)
    else:
        st.text_area(label, **common_args)


def _evidence(indicator: Indicator, criteria: Criteria, assessment_id: int, disabled: bool) -> None:
    if indicator.evidence == "none":
        return
    hint = localised(indicator.evidence_hint) or "—"
    st.caption(ui_text("q.evidence_required" if indicator.evidence == "required" else "q.evidence_optional", hint=hint))
    for row in workflow.evidence_files(common.db(), assessment_id, indicator.id):
        c1, c2 = st.columns([5, 1])
        c1.write(f":material/attach_file: {common.md(row['filename'])} ({row['size'] // 1024 + 1} KB)")
        if not disabled:
            c2.button(ui_text("q.remove"), key=f"rm:{row['id']}", on_click=_remove, args=(assessment_id, row["id"], criteria))
    if not disabled:  # our uploader: texts in the user's language, our own check of the file's kind
        file_input(ui_text("q.upload_evidence"), key=f"ev-{assessment_id}-{indicator.id}", kinds=EVIDENCE_TYPES,
                   max_mb=MAX_EVIDENCE_MB, on_upload=partial(_upload, assessment_id, indicator.id, criteria))


def _question(indicator: Indicator, criteria: Criteria, assessment_id: int, result: Result, locked: bool,
              stored: dict[str, Any], from_profile: dict[str, str]) -> None:
    outcome = result.indicator(indicator.id)
    with st.container(border=True):
        if indicator.critical:
            st.caption(f":red[:material/gpp_maybe:] {ui_text('q.critical')}")
        if indicator.id in from_profile and outcome.source == "answers":  # asked once, on the profile page
            st.markdown(f"**{indicator.id}** · {localised(indicator.label)}")
            st.info(ui_text("q.from_profile", answer=_answer_text(criteria, indicator, from_profile[indicator.id])))
            st.page_link("accreditation/ui/pages/profile.py", label=ui_text("q.profile_link"),
                         icon=":material/apartment:")
        elif outcome.source != "answers":
            st.markdown(f"**{indicator.id}** · {localised(indicator.label)}")
            source = ui_text(f"q.derived_{outcome.source}")
            st.info(ui_text("q.derived", source=source, answer=_answer_text(criteria, indicator, outcome.answer)))
            conflict = next((c for c in result.conflicts if c.indicator == indicator.id), None)
            if conflict:
                st.warning(ui_text("q.conflict", declared=_answer_text(criteria, indicator, conflict.declared),
                              derived=_answer_text(criteria, indicator, conflict.derived)))
        else:
            key = _key(assessment_id, indicator.id)
            if key not in st.session_state:  # rehydrate from the database (after a refresh or a new session)
                st.session_state[key] = stored.get(indicator.id, [] if indicator.kind == "select_multiple" else None)
            _widget(indicator, criteria, assessment_id, locked)
        if indicator.guidance:
            with st.expander(ui_text("q.guidance")):
                st.write(localised(indicator.guidance))
        if indicator.legal_basis:
            st.caption(ui_text("q.legal_basis", basis=localised(indicator.legal_basis)))
        _evidence(indicator, criteria, assessment_id, locked)


# The section being answered is kept under a key of our own. The picker's value on the wire is its option
# *label* (Streamlit 1.67 selectbox serialises the formatted option, and its id ignores the options when it has a
# key), and the labels carry live counts: a label the browser still holds from an earlier run is no longer an
# option, so Streamlit resets the picker to the first section. Pushing our value into the picker every run makes
# the browser hold this run's label, so the counts shown are current and the section never changes by itself.
SECTION = "q_section"
PICKER = "section"


def _picked() -> None:
    st.session_state[SECTION] = st.session_state[PICKER]


def _move(sections: list[str], step: int) -> None:
    current = st.session_state.get(SECTION, sections[0])
    index = sections.index(current) if current in sections else 0
    st.session_state[SECTION] = sections[max(0, min(len(sections) - 1, index + step))]


def questionnaire_page() -> None:
    actor = common.current_actor()
    database = common.db()
    current = common.criteria()
    st.title(ui_text("q.heading"))
    assessment = workflow.latest(database, actor.organisation_id)
    if assessment is None:
        assessment = workflow.start_draft(database, actor, actor.organisation_id, current)
    criteria = workflow.criteria_for(database, assessment, current)
    locked = assessment["status"] not in workflow.EDITABLE
    st.caption(ui_text("q.version_line", version=assessment["version"],
                  status=workflow.status_label(assessment["status"], common.lang()),
                  criteria=f"{criteria.settings.criteria_id} {criteria.version}"))
    if locked:
        st.warning(ui_text("q.locked", version=assessment["version"],
                      status=workflow.status_label(assessment["status"], common.lang())))
        if assessment.get("decision_comment"):
            st.info(ui_text("docs.decision", comment=common.md(assessment["decision_comment"])))
        if st.button(ui_text("q.new_version"), type="primary"):
            workflow.start_draft(database, actor, actor.organisation_id, current)
            st.rerun()
    org = database["organisations"].get(actor.organisation_id)
    from_profile = {} if locked else self_assessment.profile_answers(criteria, org)
    result = None
    if from_profile:
        result = self_assessment.sync_profile_answers(database, actor, assessment, criteria, org)
        if result is not None:
            assessment = workflow.get(database, assessment["id"])
    fresh = st.session_state.pop(FRESH, None)
    if result is None and fresh is not None and fresh[0] == assessment["id"]:
        result = fresh[1]  # what save_answer stored a moment ago (parsing it back took 25-35 ms with large checks)
    result = result or workflow.stored_result(assessment) or workflow.evaluate(database, assessment["id"], criteria)
    answers = workflow.answer_set(database, assessment["id"])
    stored = answers.values

    # the live score at the top: on a phone the result panel comes after every question
    overall = self_assessment.progress(result)
    st.progress(overall.share, text=result_panel.summary_line(result, criteria))

    sections = [s.id for s in criteria.sections
                if any(i.section == s.id and i.status != "hidden" for i in result.indicators)]
    if st.session_state.get(SECTION) not in sections:
        st.session_state[SECTION] = sections[0]
    st.session_state[PICKER] = st.session_state[SECTION]

    def section_option(sid: str) -> str:
        p = self_assessment.progress(result, sid)
        return ui_text("q.section_option", label=localised(criteria.section(sid).label), answered=p.answered,
                       total=p.asked)

    main, side = st.columns([3, 2], gap="large")
    with main:
        sid = st.selectbox(ui_text("q.section"), sections, key=PICKER, format_func=section_option, on_change=_picked,
                           placeholder=ui_text("q.section_placeholder"))
        section = criteria.section(sid)
        if section.description:
            st.caption(localised(section.description))
        here = self_assessment.progress(result, sid)
        st.progress(here.share, text=ui_text("q.progress_section", answered=here.answered, total=here.asked))
        for indicator in criteria.indicators_in(sid):
            if result.indicator(indicator.id).status == "hidden":
                continue
            _question(indicator, criteria, assessment["id"], result, locked, stored, from_profile)
        b1, b2 = st.columns(2)
        b1.button(ui_text("q.prev"), on_click=_move, args=(sections, -1), disabled=sid == sections[0],
                  width="stretch")
        b2.button(ui_text("q.next"), on_click=_move, args=(sections, 1), disabled=sid == sections[-1],
                  width="stretch")
    with side:
        outlook = _outlook(assessment, criteria, result, answers) if not locked else None
        result_panel.render(result, criteria, outlook=outlook)
        if not locked:
            documents.plan_button(result, criteria, org, assessment)


def _outlook(assessment: dict, criteria: Criteria, result: Result, answers) -> self_assessment.Outlook:
    """The next-tier outlook, kept while the answers stay the same (it scores a few what-ifs: ~10 ms)."""
    import json

    key = (assessment["id"], assessment.get("updated_at"), result.total,
           json.dumps(answers.values, sort_keys=True, ensure_ascii=False, default=str))
    memo = st.session_state.get("_outlook")
    if memo is None or memo[0] != key:
        derived = workflow.derived_answers(common.db(), assessment["id"])
        memo = (key, self_assessment.tier_outlook(criteria, result, answers, derived))
        st.session_state["_outlook"] = memo
    return memo[1]
