"""The workforce roster and supplier list pages: templates, upload, findings. The uploaded file is checked in
memory and dropped; only the findings are stored (workers by employee id, never names or ID numbers)."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import streamlit as st

from accreditation import workflow
from accreditation.errors import UserError
from accreditation.ui import common
from accreditation.ui.common import tr

UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx"]
MAX_MB = 10
SEVERITY_COLOUR = {"critical": "#fde2e1", "major": "#feebc8", "minor": "#fefcbf", "high": "#feebc8",
                   "medium": "#fefcbf", "low": "#e6fffa"}
LEVELS = ("critical", "high", "medium", "low")


def _upload_section(kind: str, write_template: Callable[[Path], None],
                    check: Callable[[bytes, str, date], workflow.CheckRecord]
                    ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """What both upload pages start with: heading, templates, the uploader (while the assessment is a draft), and
    the latest stored check with its findings (None before any)."""
    st.title(tr(f"uploads.{kind}_heading"))
    st.write(tr(f"uploads.{kind}_intro"))
    _template_buttons(kind, write_template)
    actor = common.current_actor()
    assessment = workflow.latest(common.db(), actor.organisation_id)
    if assessment is None:
        assessment = workflow.start_draft(common.db(), actor, actor.organisation_id, common.criteria())
    if assessment["status"] in workflow.EDITABLE:
        _uploader(kind, check)
    else:
        st.warning(tr("q.locked", version=assessment["version"],
                      status=workflow.status_label(assessment["status"], common.lang())))
    latest = workflow.latest_check(common.db(), assessment["id"], kind)
    if latest is None:
        st.info(tr("uploads.none_yet"))
        return None
    st.subheader(tr("uploads.result_heading", name=common.md(latest[0]["filename"]), as_of=latest[0]["as_of"]))
    return latest


def _template_buttons(kind: str, write: Callable[[Path], None]) -> None:
    c1, c2 = st.columns(2)
    for column, suffix, mime in ((c1, "csv", "text/csv"),
                                 (c2, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        def build(suffix: str = suffix) -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"template.{suffix}"
                write(path)
                return path.read_bytes()

        column.download_button(tr(f"uploads.template_{suffix}"), data=build, mime=mime,
                               file_name=f"{tr(f'uploads.{kind}_file')}.{suffix}", key=f"tpl-{kind}-{suffix}")


def _process(kind: str, key: str, as_of_key: str, check: Callable[[bytes, str, date], workflow.CheckRecord]) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    actor = common.current_actor()
    assessment = workflow.latest(common.db(), actor.organisation_id)
    try:
        data = uploaded.getvalue()
        record = check(data, uploaded.name, st.session_state.get(as_of_key) or date.today())
        workflow.record_check(common.db(), actor, assessment["id"], record,
                              workflow.criteria_for(common.db(), assessment, common.criteria()))
        common.flash("success", tr("uploads.checked", name=common.md(uploaded.name), rows=record.rows,
                                   findings=len(record.findings)))
    except UserError as exc:  # unreadable file, missing columns: nothing is saved, the previous result stays
        common.flash("error", exc.message(common.lang()))
    finally:
        counter = f"{kind}-upload-counter"
        st.session_state[counter] = st.session_state.get(counter, 0) + 1  # a new key drops the file from memory


def _uploader(kind: str, check: Callable[[bytes, str, date], workflow.CheckRecord]) -> None:
    as_of_key = f"{kind}-as-of"
    st.date_input(tr("uploads.as_of"), value=date.today(), key=as_of_key, format="DD/MM/YYYY",
                  help=tr("uploads.as_of_help"))
    key = f"{kind}-upload-{st.session_state.get(f'{kind}-upload-counter', 0)}"
    st.file_uploader(tr(f"uploads.{kind}_upload", mb=MAX_MB), type=UPLOAD_TYPES, key=key,
                     max_upload_size=MAX_MB, on_change=_process, args=(kind, key, as_of_key, check))


def _styled(frame: pd.DataFrame) -> Any:
    """Rows coloured by severity (the hidden `_level` column), for st.dataframe."""
    keys = frame.pop("_level")

    def colour(row: pd.Series) -> list[str]:
        return [f"background-color: {SEVERITY_COLOUR.get(keys[row.name], '')}"] * len(row)

    return frame.style.apply(colour, axis=1)


# ------------------------------------------------------------------------------------------------- roster


def _roster_record(data: bytes, filename: str, as_of: date) -> workflow.CheckRecord:
    from accreditation.roster import check_roster

    result = check_roster(data, filename, as_of)
    criteria = common.criteria()
    derived = result.derived(criteria.deadline_days())
    body = result.to_json()
    findings = [{**f, "ref": f"row {f['row']}, employee {f.get('employee_id') or '?'}"} for f in body["findings"]]
    summary = {k: body[k] for k in ("rows", "minors", "knockout", "summary", "age_bands", "not_in_force")}
    return workflow.CheckRecord(kind="roster", filename=Path(filename).name,
                                file_sha256=hashlib.sha256(data).hexdigest(), as_of=as_of.isoformat(),
                                rows=result.rows, summary=summary, derived=derived, findings=findings)


def roster_page() -> None:
    from accreditation.roster import write_roster_template

    latest = _upload_section("roster", lambda p: write_roster_template(p, example=True), _roster_record)
    if latest is None:
        return
    check, findings = latest
    summary = check["summary"]
    c = st.columns(5)
    c[0].metric(tr("uploads.rows"), summary.get("rows", check["rows"]))
    c[1].metric(tr("uploads.minors"), summary.get("minors", 0))
    for col, sev in zip(c[2:], ("critical", "major", "minor")):
        col.metric(tr(f"uploads.sev_{sev}"), summary.get("summary", {}).get(sev, 0))
    if summary.get("knockout"):
        st.error(tr("uploads.roster_knockout"))
    if not findings:
        st.success(tr("uploads.roster_clean"))
        return
    lang = common.lang()
    table = pd.DataFrame([{
        "_level": f["severity"],
        tr("uploads.row"): f["row"],
        tr("uploads.employee"): f.get("employee_id") or "",
        tr("uploads.severity"): tr(f"uploads.sev_{f['severity']}"),
        tr("uploads.finding"): (f.get("message") or {}).get(lang, ""),
        tr("uploads.legal_basis"): (f.get("legal_basis") or {}).get(lang, ""),
        tr("uploads.fine"): _fine(f),
    } for f in findings])
    st.dataframe(_styled(table), hide_index=True, width="stretch",
                 height=min(600, 38 + 35 * len(table)))


def _fine(f: dict[str, Any]) -> str:
    if f.get("fine_min_vnd") is None:
        return ""
    return f"{f['fine_min_vnd']:,}–{f['fine_max_vnd']:,} ₫".replace(",", ".")


# ---------------------------------------------------------------------------------------------- suppliers


def _supplier_record(data: bytes, filename: str, as_of: date) -> workflow.CheckRecord:
    from accreditation.suppliers import check_suppliers, registry_lookup

    result = check_suppliers(data, filename, as_of, certificate_status=registry_lookup(common.db(), as_of))
    entries = result.entries("vi")
    entries_en = result.entries("en")
    findings = []
    for vi, en in zip(entries, entries_en):
        findings.append({
            "row": vi["row"], "ref": f"row {vi['row']}, tax code {vi.get('tax_code') or '—'}", "rule": vi["level"],
            "severity": vi["level"], "tax_code": vi.get("tax_code"), "province": vi.get("province"),
            "province_former": vi.get("province_former"), "supplier_type": vi.get("supplier_type"),
            "tier": vi.get("tier"), "duplicate_of": vi.get("duplicate_of"),
            "reasons": {"vi": [r["text"] for r in vi.get("reasons", []) if r.get("effect") == "raise"],
                        "en": [r["text"] for r in en.get("reasons", []) if r.get("effect") == "raise"]},
            "actions": {"vi": [a["text"] for a in vi.get("actions", [])],
                        "en": [a["text"] for a in en.get("actions", [])]},
        })
    summary = {"vi": result.summary_dict("vi"), "en": result.summary_dict("en")}
    return workflow.CheckRecord(kind="suppliers", filename=Path(filename).name,
                                file_sha256=hashlib.sha256(data).hexdigest(), as_of=as_of.isoformat(),
                                rows=len(entries), summary=summary, derived=result.derived(), findings=findings)


def suppliers_page() -> None:
    from accreditation.suppliers import write_templates

    def template(path: Path) -> None:
        written = write_templates(path.parent)
        source = next(p for p in written if p.suffix == path.suffix)
        path.write_bytes(source.read_bytes())

    latest = _upload_section("suppliers", template, _supplier_record)
    if latest is None:
        return
    check, findings = latest
    lang = common.lang()
    summary = check["summary"].get(lang) or check["summary"].get("vi") or {}
    by_level = summary.get("by_level", {})
    cols = st.columns(4)
    for col, level in zip(cols, LEVELS):
        col.metric(tr(f"uploads.level_{level}"), by_level.get(level, 0))
    counts = pd.DataFrame({tr("uploads.level"): [tr(f"uploads.level_{lv}") for lv in LEVELS],
                           tr("uploads.suppliers_count"): [by_level.get(lv, 0) for lv in LEVELS]})
    st.bar_chart(counts, x=tr("uploads.level"), y=tr("uploads.suppliers_count"), height=220)
    for mapped in summary.get("provinces_mapped", []):
        st.caption(tr("uploads.province_mapped", old=mapped["from"], new=mapped["to"], rows=mapped["rows"]))
    if summary.get("duplicates"):
        st.warning(tr("uploads.duplicates", count=len(summary["duplicates"])))
    focus = summary.get("focus", {})
    if focus:
        st.caption(focus.get("definition", ""))
    levels = st.multiselect(tr("uploads.show_levels"), list(LEVELS), default=["critical", "high"],
                            format_func=lambda lv: tr(f"uploads.level_{lv}"), key="supplier_levels",
                            placeholder=tr("app.all"))
    rows = [f for f in findings if f["severity"] in levels]
    if not rows:
        return
    table = pd.DataFrame([{
        "_level": f["severity"],
        tr("uploads.row"): f["row"],
        tr("uploads.tax_code"): f.get("tax_code") or "",
        tr("uploads.province"): f.get("province") or "",
        tr("uploads.level"): tr(f"uploads.level_{f['severity']}"),
        tr("uploads.reasons"): " ".join((f.get("reasons") or {}).get(lang, [])),
        tr("uploads.actions"): " ".join((f.get("actions") or {}).get(lang, [])),
    } for f in rows[:2000]])
    st.dataframe(_styled(table), hide_index=True, width="stretch",
                 height=min(600, 38 + 35 * len(table)))
    if len(rows) > 2000:
        st.caption(tr("uploads.truncated", shown=2000, total=len(rows)))

