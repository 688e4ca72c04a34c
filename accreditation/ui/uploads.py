"""The workforce roster and supplier list pages: templates, upload, findings; and `show_check`, the same findings on
the assessor's review screen. The uploaded file is checked in memory and dropped; the record stored is built by
`accreditation.checks` (workers by employee id, never names or ID numbers) and its texts are rendered here, in the
reader's language, when shown."""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import streamlit as st

from accreditation import checks, workflow
from accreditation.display import day, severity_label, severity_style
from accreditation.errors import UserError
from accreditation.ui import common
from accreditation.ui.common import ui_text
from accreditation.ui.uploader import clear as clear_upload
from accreditation.ui.uploader import file_input
from criteria.schema import Criteria

UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx"]
MAX_MB = 20  # a 100,000-worker roster as CSV is ~11.5 MB
MAX_ROWS_SHOWN = 500  # styling 2,000 rows for the grid took 0.3-0.5 s of every supplier page; 500 take ~0.1 s
LEVELS = checks.LEVELS


def _upload_section(kind: str, write_template: Callable[[Path], None], stages: "Stages") -> checks.StoredCheck | None:
    """What both upload pages start with: heading, templates, the uploader (while the assessment is a draft), and
    the latest stored check (None before any)."""
    st.title(ui_text(f"uploads.{kind}_heading"))
    st.write(ui_text(f"uploads.{kind}_intro"))
    _template_buttons(kind, write_template)
    actor = common.current_actor()
    assessment = workflow.latest(common.db(), actor.organisation_id)
    if assessment is None:
        assessment = workflow.start_draft(common.db(), actor, actor.organisation_id, common.criteria())
    if assessment["status"] in workflow.EDITABLE:
        _uploader(kind, stages)
    else:
        st.warning(ui_text("q.locked", version=assessment["version"],
                      status=workflow.status_label(assessment["status"], common.lang())))
    # suppliers: the findings are read once the levels to show are known, at most a table's worth
    check = checks.latest(common.db(), assessment["id"], kind, findings=kind == "roster", limit=MAX_ROWS_SHOWN)
    if check is None:
        st.info(ui_text("uploads.none_yet"))
        return None
    st.subheader(ui_text("uploads.result_heading", name=common.md(check.filename), as_of=day(check.as_of)))
    return check


def _template_buttons(kind: str, write: Callable[[Path], None]) -> None:
    c1, c2 = st.columns(2)
    for column, suffix, mime in ((c1, "csv", "text/csv"),
                                 (c2, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        def build(suffix: str = suffix) -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"template.{suffix}"
                write(path)
                return path.read_bytes()

        column.download_button(ui_text(f"uploads.template_{suffix}"), data=build, mime=mime,
                               file_name=f"{ui_text(f'uploads.{kind}_file')}.{suffix}", key=f"tpl-{kind}-{suffix}",
                               help=ui_text(f"uploads.template_{suffix}_help"))


def _uploader(kind: str, stages: "Stages") -> None:
    as_of_key = f"{kind}-as-of"
    st.date_input(ui_text("uploads.as_of"), value=date.today(), key=as_of_key, format="DD/MM/YYYY",
                  help=ui_text("uploads.as_of_help"))
    uploaded = file_input(ui_text(f"uploads.{kind}_upload", mb=MAX_MB), key=kind, kinds=UPLOAD_TYPES, max_mb=MAX_MB)
    if uploaded is not None:
        _check_upload(kind, uploaded, st.session_state.get(as_of_key) or date.today(), stages)
    _last_upload(kind)


class Stages:
    """The steps of a check, each shown as it runs: read the file, check the rows, (the page) saves the record."""

    def __init__(self, read: Callable[[bytes, str], Any], check: Callable[..., workflow.CheckRecord]):
        self.read, self.check = read, check


def _seconds(start: float) -> str:
    return f"{time.perf_counter() - start:.1f}".replace(".", "," if common.lang() == "vi" else ".")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "." if common.lang() == "vi" else ",")


def _check_upload(kind: str, uploaded: Any, as_of: date, stages: Stages) -> None:
    """Read, check and save an uploaded file inside a status that names each step and the row count as it goes;
    then drop the file (a fresh widget) and rerun, so the page shows the stored result. Nothing is saved when a
    step refuses the file; the previous result stays."""
    data, name = uploaded.getvalue(), uploaded.name
    clear_upload(kind)  # the next run draws an empty widget: the file leaves memory
    shown = common.md(name)
    steps: list[str] = []
    begin = time.perf_counter()
    with st.status(ui_text("uploads.step.reading", name=shown), expanded=True) as status:
        try:
            start = time.perf_counter()
            table = stages.read(data, name)
            steps.append(ui_text("uploads.step.read", rows=_count(table.rows), seconds=_seconds(start)))
            st.write(steps[-1])
            status.update(label=ui_text("uploads.step.checking", name=shown, rows=_count(table.rows)))
            start = time.perf_counter()
            actor = common.current_actor()
            database = common.db()
            assessment = workflow.latest(database, actor.organisation_id)
            pinned = workflow.criteria_for(database, assessment, common.criteria())
            record = stages.check(table, name, checks.file_hash(data), as_of, pinned)
            del table, data  # the roster frame holds ID numbers: dropped as soon as the check is done
            steps.append(ui_text("uploads.step.checked", rows=_count(record.rows),
                                 findings=_count(len(record.findings)), seconds=_seconds(start)))
            st.write(steps[-1])
            status.update(label=ui_text("uploads.step.saving", name=shown))
            start = time.perf_counter()
            workflow.record_check(database, actor, assessment["id"], record, pinned)
            steps.append(ui_text("uploads.step.saved", seconds=_seconds(start)))
        except UserError as exc:  # unreadable file, missing columns: nothing is saved
            st.session_state[f"{kind}-last"] = ("error", common.error_text(exc), steps)
        else:
            st.session_state[f"{kind}-last"] = (
                "complete", ui_text("uploads.checked", name=shown, rows=_count(record.rows),
                                    findings=_count(len(record.findings)), seconds=_seconds(begin)), steps)
    st.rerun()


def _last_upload(kind: str) -> None:
    """How the last upload went, once, after the rerun that shows its result: the steps with counts and times."""
    last = st.session_state.pop(f"{kind}-last", None)
    if last is None:
        return
    state, label, steps = last
    if state == "error":
        st.error(label)
        return
    with st.status(label, state="complete", expanded=False):
        for line in steps:
            st.write(line)


ROW_HEIGHT = 92  # px: above 4rem Streamlit wraps cell text; four lines of a finding or a reason show whole


def _styled(frame: pd.DataFrame) -> Any:
    """Rows shaded by severity (the hidden `_level` column): critical darkest (display.severity_style)."""
    keys = frame.pop("_level").tolist()
    styles = [severity_style(k) for k in keys]
    return frame.style.apply(lambda col: styles, axis=0)


def _show_table(rows: list[dict[str, Any]], widths: dict[str, Any], total: int | None = None,
                optional: tuple[str, ...] = ()) -> None:
    """Findings as a shaded table of at most MAX_ROWS_SHOWN rows (`total`: how many there are), columns sized by
    `widths` (a Streamlit width or pixels; in a 1-tuple, a column pinned to the left, kept in view while the table
    scrolls sideways), long texts wrapped in tall rows rather than cut; an optional column with nothing in it is
    left out rather than shown empty."""
    table = pd.DataFrame(rows[:MAX_ROWS_SHOWN])
    empty = [c for c in optional if c in table and not table[c].astype(str).str.strip().any()]
    table = table.drop(columns=empty)
    config = {}
    for name, width in widths.items():
        if name not in table:
            continue
        pinned = isinstance(width, tuple)
        size = width[0] if pinned else width
        config[name] = (st.column_config.NumberColumn(name, width=size, format="%d", pinned=pinned)
                        if pd.api.types.is_numeric_dtype(table[name])
                        else st.column_config.TextColumn(name, width=size, pinned=pinned))
    st.dataframe(_styled(table), hide_index=True, width="stretch", column_config=config, row_height=ROW_HEIGHT,
                 height=min(640, 40 + ROW_HEIGHT * len(table)))
    total = len(rows) if total is None else total
    if total > len(table):
        st.caption(ui_text("uploads.truncated", shown=len(table), total=total))


# ------------------------------------------------------------------------------------------------- roster


def _roster_stages() -> Stages:
    return Stages(checks.read_roster, checks.roster_record_from)


def _fine(f: dict[str, Any]) -> str:
    fine = f.get("fine")
    if not fine:
        return ""
    return f"{fine['min']:,}–{fine['max']:,} ₫".replace(",", ".")


def roster_rows(findings: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Roster findings as table rows in `lang`: severity in words, the rule's title, the finding's text and legal
    basis filled. The rule id is for assessors' tools (exports, the CLI's JSON, the PDF in small type), not a page."""
    rows = []
    for f in findings:
        texts = checks.roster_texts(f, lang)
        rows.append({
            "_level": f.get("severity"),
            ui_text("uploads.row"): f.get("row"),
            ui_text("uploads.employee"): f.get("employee_id") or "—",
            ui_text("uploads.severity"): severity_label(f.get("severity"), lang),
            ui_text("uploads.rule_title"): texts.get("title") or texts["finding"],
            ui_text("uploads.finding"): texts["finding"],
            ui_text("uploads.legal_basis"): texts["legal_basis"],
            ui_text("uploads.fine"): _fine(f),
        })
    return rows


def _roster_widths() -> dict[str, Any]:
    return {ui_text("uploads.row"): ("small",), ui_text("uploads.employee"): "small",
            ui_text("uploads.severity"): "small", ui_text("uploads.rule_title"): "medium",
            ui_text("uploads.finding"): "large", ui_text("uploads.legal_basis"): "medium",
            ui_text("uploads.fine"): 150}


def _roster_summary(check: checks.StoredCheck) -> None:
    summary = check.summary
    c = st.columns(5)
    c[0].metric(ui_text("uploads.rows"), summary.get("rows", check.rows))
    c[1].metric(ui_text("uploads.minors"), summary.get("minors", 0))
    for col, sev in zip(c[2:], checks.SEVERITIES):
        col.metric(ui_text(f"uploads.sev_{sev}"), (summary.get("summary") or {}).get(sev, 0))
    if summary.get("knockout"):
        st.error(ui_text("uploads.roster_knockout"))
    blocking = summary.get("blocking_rows") or []
    if blocking:
        st.error(ui_text("checks.blocking", count=len(blocking), rows=", ".join(map(str, blocking))))


def _roster_findings(check: checks.StoredCheck) -> None:
    if not check.findings:
        st.success(ui_text("uploads.roster_clean"))
        return
    _show_table(roster_rows(check.findings[:MAX_ROWS_SHOWN], common.lang()), _roster_widths(),
                total=max(check.total, len(check.findings)),
                optional=(ui_text("uploads.legal_basis"), ui_text("uploads.fine")))


def roster_page() -> None:
    from accreditation.roster import write_roster_template

    check = _upload_section("roster", lambda p: write_roster_template(p, example=True), _roster_stages())
    if check is None:
        return
    _roster_summary(check)
    _roster_findings(check)


# ---------------------------------------------------------------------------------------------- suppliers


def _supplier_stages() -> Stages:
    def check(table: Any, name: str, sha: str, as_of: date, criteria: Criteria) -> workflow.CheckRecord:
        return checks.supplier_record_from(common.db(), table, name, sha, as_of)

    return Stages(checks.read_suppliers, check)


def supplier_rows(findings: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Supplier findings as table rows in `lang`: the row and the supplier's name and tax code (a personal number
    masked) first, then the inherent level and its reasons, the controls and the residual level they leave (the
    level that counts), and the actions, from the risk catalog."""
    rows = []
    for f in findings:
        texts = checks.supplier_texts(f, lang)
        cert = f.get("certificate") or {}
        rows.append({
            "_level": f.get("severity"),
            ui_text("uploads.row"): f.get("row"),
            ui_text("uploads.supplier_name"): f.get("name") or "—",
            ui_text("uploads.tax_code"): f.get("tax_code") or "—",
            ui_text("checks.supplier_type"): texts["supplier_type"] or "—",
            ui_text("uploads.province"): f.get("province") or "—",
            ui_text("uploads.inherent"): severity_label(f.get("inherent") or f["severity"], lang)
            if (f.get("inherent") or f.get("severity")) in LEVELS else texts["inherent"],
            ui_text("uploads.reasons"): texts["reasons"],
            ui_text("uploads.controls"): texts["controls"],
            ui_text("uploads.level"): severity_label(f["severity"], lang) if f.get("severity") in LEVELS
            else texts["level"],
            ui_text("uploads.actions"): texts["actions"],
            ui_text("checks.certificate"): _certificate(cert),
        })
    return rows


def _supplier_widths() -> dict[str, Any]:
    return {ui_text("uploads.row"): ("small",), ui_text("uploads.supplier_name"): "medium",
            ui_text("uploads.tax_code"): 130, ui_text("checks.supplier_type"): 120,
            ui_text("uploads.province"): "small", ui_text("uploads.inherent"): 110,
            ui_text("uploads.reasons"): "large", ui_text("uploads.controls"): "medium",
            ui_text("uploads.level"): (110,),  # pinned: the level that counts, past the wide reasons
            ui_text("uploads.actions"): "large",
            ui_text("checks.certificate"): "medium"}


def _certificate(cert: dict[str, Any]) -> str:
    if not cert.get("id"):
        return ""
    state = cert.get("status") or "unknown"
    return f"{cert['id']} · {ui_text('checks.cert.' + state)}"


def _supplier_summary(check: checks.StoredCheck, chart: bool) -> None:
    summary = check.summary
    by_level = summary.get("by_level") or {}
    if chart:
        cols = st.columns(4)
        for col, level in zip(cols, LEVELS):
            col.metric(ui_text(f"uploads.level_{level}"), by_level.get(level, 0))
        counts = pd.DataFrame({ui_text("uploads.level"): [ui_text(f"uploads.level_{lv}") for lv in LEVELS],
                               ui_text("uploads.suppliers_count"): [by_level.get(lv, 0) for lv in LEVELS]})
        st.bar_chart(counts, x=ui_text("uploads.level"), y=ui_text("uploads.suppliers_count"), height=220,
                     sort=False)  # levels in their order (low → critical), not alphabetically
    else:
        st.caption(ui_text("checks.levels_line", suppliers=summary.get("suppliers", check.rows),
                      levels=" · ".join(f"{ui_text(f'uploads.level_{lv}')} {by_level.get(lv, 0)}" for lv in LEVELS)))
    by_inherent = summary.get("by_inherent")
    if by_inherent:  # absent from lists checked before the residual level
        st.caption(ui_text("uploads.inherent_line", levels=" · ".join(
            f"{ui_text(f'uploads.level_{lv}')} {by_inherent.get(lv, 0)}" for lv in LEVELS)))
    for mapped in summary.get("provinces_mapped", []):
        st.caption(ui_text("uploads.province_mapped", old=mapped["from"], new=mapped["to"], rows=mapped["rows"]))
    if summary.get("duplicates"):
        st.warning(ui_text("uploads.duplicates", count=len(summary["duplicates"])))
    if summary.get("focus"):
        st.caption(checks.focus_definition(summary, common.lang()))


def suppliers_page() -> None:
    from accreditation.suppliers import write_templates

    def template(path: Path) -> None:
        written = write_templates(path.parent)
        source = next(p for p in written if p.suffix == path.suffix)
        path.write_bytes(source.read_bytes())

    check = _upload_section("suppliers", template, _supplier_stages())
    if check is None:
        return
    _supplier_summary(check, chart=True)
    levels = st.multiselect(ui_text("uploads.show_levels"), list(LEVELS), default=["critical", "high"],
                            format_func=lambda lv: ui_text(f"uploads.level_{lv}"), key="supplier_levels",
                            placeholder=ui_text("app.all"))
    chosen = checks.latest(common.db(), check.assessment_id, "suppliers", severities=levels or None,
                           limit=MAX_ROWS_SHOWN, ordered=True)
    if chosen is not None and chosen.findings:
        _show_table(supplier_rows(chosen.findings, common.lang()), _supplier_widths(), total=chosen.total,
                    optional=(ui_text("checks.certificate"),))


# ------------------------------------------------------------------------------------- the review screen


def show_check(database, assessment_id: int, kind: str) -> None:
    """A check as the assessor reviews it: heading, file, summary counts, and every finding (most serious first)
    with its text, severity in words and, for suppliers, reasons and actions; "not uploaded" when there is none."""
    st.markdown(f"**{ui_text(f'checks.heading_{kind}')}**")
    check = checks.latest(database, assessment_id, kind, limit=MAX_ROWS_SHOWN, ordered=True)
    if check is None:
        st.caption(ui_text("checks.none"))
        return
    st.caption(ui_text("checks.line", filename=common.md(check.filename), rows=check.rows, as_of=day(check.as_of),
                       count=check.total))
    if kind == "roster":
        _roster_summary(check)
        _roster_findings(check)
        return
    _supplier_summary(check, chart=False)
    if check.findings:
        _show_table(supplier_rows(check.findings, common.lang()), _supplier_widths(), total=check.total,
                    optional=(ui_text("checks.certificate"),))
