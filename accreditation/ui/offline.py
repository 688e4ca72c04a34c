"""Answering offline: download the questionnaire as a workbook (filled with the draft's answers) or a printable
PDF, and upload a filled workbook; the import's summary and every row not imported (sheet, row, column) are shown.
The import itself is `accreditation.offline.import_into_draft`; this page only displays."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from accreditation import offline, workflow
from accreditation.errors import UserError
from accreditation.reports import questionnaire as questionnaire_pdf
from accreditation.ui import common
from accreditation.ui.common import ui_text
from accreditation.ui.uploader import file_input
from scoring.answers import AnswerError

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_MB = offline.importing.MAX_BYTES // (1024 * 1024)
OUTCOME = "_offline_outcome"  # what the last upload did, shown until the next one


def _upload(assessment_id: int, uploaded: Any) -> None:
    """The uploader's callback (before the rerun); the file leaves memory right after."""
    try:
        outcome = offline.import_into_draft(common.db(), common.current_actor(), assessment_id, uploaded.getvalue(),
                                            common.criteria(), uploaded.name)
    except (UserError, AnswerError) as exc:
        st.session_state[OUTCOME] = (uploaded.name, None, common.error_text(exc))
    except Exception:
        log.exception("offline import failed")
        st.session_state[OUTCOME] = (uploaded.name, None, ui_text("app.unexpected_error"))
    else:
        st.session_state[OUTCOME] = (uploaded.name, outcome, None)
        st.session_state.pop("_outlook", None)  # the questionnaire page's memo of the next-tier outlook


def _show_outcome() -> None:
    kept = st.session_state.get(OUTCOME)
    if kept is None:
        return
    name, outcome, refusal = kept
    lang = common.lang()
    if refusal is not None:
        st.error(ui_text("offline.refused", file=common.md(name), reason=refusal))
        return
    if outcome.saved or outcome.unchanged:
        st.success(ui_text("offline.imported", file=common.md(name), saved=len(outcome.saved),
                           unchanged=outcome.unchanged))
    else:
        st.warning(ui_text("offline.nothing_imported", file=common.md(name)))
    if outcome.version_differs:
        st.info(ui_text("offline.version_differs", file_version=outcome.version, version=outcome.criteria_version))
    if outcome.problems:
        st.warning(ui_text("offline.problems", count=len(outcome.problems)))
        st.dataframe([{ui_text("offline.col_sheet"): p.sheet, ui_text("offline.col_row"): p.row or None,
                       ui_text("offline.col_column"): p.column, ui_text("offline.col_id"): p.indicator,
                       ui_text("offline.col_problem"): common.page_message(p.reason(lang))}
                      for p in outcome.problems], hide_index=True, width="stretch")
    if outcome.comments:
        st.caption(ui_text("offline.comments_kept", count=outcome.comments))
    st.page_link("accreditation/ui/pages/questionnaire.py", label=ui_text("offline.to_questionnaire"),
                 icon=":material/checklist:")


def offline_page() -> None:
    actor = common.current_actor()
    database = common.db()
    current = common.criteria()
    lang = common.lang()
    st.title(ui_text("offline.heading"))
    st.write(ui_text("offline.intro"))
    assessment = workflow.latest(database, actor.organisation_id)
    if assessment is None:
        assessment = workflow.start_draft(database, actor, actor.organisation_id, current)
    criteria = workflow.criteria_for(database, assessment, current)
    status = workflow.status_label(assessment["status"], lang)
    st.caption(ui_text("offline.version_line", version=assessment["version"], status=status,
                       criteria=f"{criteria.settings.criteria_id} {criteria.version}"))
    org = database["organisations"].get(actor.organisation_id)

    def workbook() -> bytes:  # built when the button is pressed, from the answers saved at that moment
        fresh = workflow.get(database, assessment["id"])
        prefill = offline.draft_prefill(database, fresh, criteria)
        return offline.build_workbook(criteria, lang, prefill, company=org.get("name") or "")

    stem = f"{ui_text('offline.file_stem')}-{criteria.version}"
    c1, c2 = st.columns(2)
    c1.download_button(ui_text("offline.download_xlsx"), data=workbook, file_name=f"{stem}.xlsx", mime=XLSX,
                       key="offline-xlsx", type="primary", help=ui_text("offline.download_help"),
                       icon=":material/download:", width="stretch")
    c2.download_button(ui_text("offline.download_pdf"), data=lambda: questionnaire_pdf.render(criteria, lang),
                       file_name=f"{stem}.pdf", mime="application/pdf", key="offline-pdf",
                       icon=":material/print:", width="stretch")
    st.divider()
    if assessment["status"] not in workflow.EDITABLE:
        st.warning(ui_text("offline.locked_page", version=assessment["version"], status=status))
        return
    file_input(ui_text("offline.upload", mb=MAX_MB), key="offline-upload", kinds=("xlsx",), max_mb=MAX_MB,
               on_upload=lambda uploaded: _upload(assessment["id"], uploaded))
    _show_outcome()
