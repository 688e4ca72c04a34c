"""The questionnaire of a criteria version as an Excel workbook to answer offline: a read-me sheet, one sheet per
section with a row per question and a drop-down of the choice labels in the answer column, and two hidden sheets
(the drop-down lists, and the version and language the workbook was made for)."""

from __future__ import annotations

import io
from datetime import date

from accreditation.offline.layout import (
    COLUMNS,
    FIRST_ROW,
    HEADER_ROW,
    LISTS_SHEET,
    META_SHEET,
    README_SHEET,
    WIDTHS,
    Prefill,
    answer_text,
    header,
    offered,
    sheet_name,
    t,
    text_in,
    when_text,
)
from criteria.schema import Criteria, Indicator

HEADER_FILL = "FFDCE6F0"
ANSWER_FILL = "FFFFF8DC"  # the cells to fill: light yellow, as forms in Excel usually mark them
FIXED_FILL = "FFE7E7E7"  # answered by an upload or the profile: grey, not asked
MAX_LIST_CELLS = 200  # a choice list longer than this is written out but not offered as a drop-down


def build_workbook(criteria: Criteria, lang: str = "vi", prefill: Prefill | None = None,
                   company: str = "", today: date | None = None) -> bytes:
    """The workbook as XLSX bytes, in `lang`, filled with `prefill`'s answers when exporting from a draft."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    prefill = prefill or Prefill()
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET[lang]
    _readme(readme, criteria, lang, company, today or date.today())

    lists = wb.create_sheet(LISTS_SHEET)
    list_ranges: dict[tuple[str, bool], str] = {}
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def list_range(indicator: Indicator) -> str | None:
        choices = offered(criteria, indicator)
        if not choices or indicator.kind != "select_one" or len(choices) > MAX_LIST_CELLS:
            return None
        key = (indicator.list_name or "", indicator.na_allowed)
        if key not in list_ranges:
            col = len(list_ranges) + 1
            lists.cell(1, col, f"{key[0]}{'' if key[1] else ' (no n/a)'}")
            for n, choice in enumerate(choices, start=2):
                lists.cell(n, col, text_in(choice.label, lang))
            letter = lists.cell(1, col).column_letter
            list_ranges[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(choices) + 1}"
        return list_ranges[key]

    for section in criteria.sections:
        indicators = criteria.indicators_in(section.id)
        if not indicators:
            continue
        ws = wb.create_sheet(sheet_name(criteria, section.id, lang))
        title = text_in(section.label, lang)
        if section.description:
            title += " — " + text_in(section.description, lang)
        ws.cell(1, 1, f"{section.id}: {title}").font = Font(bold=True, size=13)
        for col, key in enumerate(COLUMNS, start=1):
            cell = ws.cell(HEADER_ROW, col, header(key, lang))
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            ws.column_dimensions[cell.column_letter].width = WIDTHS[key]
        ws.freeze_panes = ws.cell(FIRST_ROW, COLUMNS.index("answer") + 1)
        validations: dict[str, DataValidation] = {}
        answer_col = COLUMNS.index("answer") + 1
        for row, ind in enumerate(indicators, start=FIRST_ROW):
            fixed = prefill.fixed.get(ind.id)
            value = fixed.value if fixed else prefill.values.get(ind.id)
            cells = {
                "id": ind.id,
                "question": text_in(ind.label, lang) + (f" ({t('critical', lang)})" if ind.critical else ""),
                "answer": answer_text(criteria, ind, value, lang),
                "comment": prefill.comments.get(ind.id),
                "when": when_text(criteria, ind, lang, fixed),
                "choices": "\n".join(text_in(c.label, lang) for c in offered(criteria, ind))
                           or t(f"kind_{ind.kind}", lang),
                "guidance": text_in(ind.guidance, lang),
                "legal": text_in(ind.legal_basis, lang),
            }
            for col, key in enumerate(COLUMNS, start=1):
                cell = ws.cell(row, col, cells[key] if cells[key] not in ("", None) else None)
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text a person typed is text, never a formula (openpyxl reads "=" as one)
                cell.alignment = wrap
            answer = ws.cell(row, answer_col)
            answer.fill = PatternFill("solid", fgColor=FIXED_FILL if fixed else ANSWER_FILL)
            if fixed:
                continue
            source = list_range(ind)
            if source is None and ind.kind == "integer":
                source = "integer"
            if source is None:
                continue
            if source not in validations:
                if source == "integer":
                    dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
                else:
                    dv = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
                dv.error = t("dv_error", lang)
                dv.errorTitle = t("dv_error_title", lang)
                dv.showErrorMessage = True
                ws.add_data_validation(dv)
                validations[source] = dv
            validations[source].add(answer.coordinate)
    lists.sheet_state = "hidden"
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))  # after the sections
    meta = wb.create_sheet(META_SHEET)
    for row in (("criteria_id", criteria.settings.criteria_id), ("criteria_version", criteria.version),
                ("fingerprint", criteria.fingerprint), ("lang", lang), ("format", "offline-questionnaire/1")):
        meta.append(row)
    meta.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _readme(ws, criteria: Criteria, lang: str, company: str, today: date) -> None:
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = 110
    lines = [(t("readme_title", lang, scheme=text_in(criteria.settings.scheme_name, lang)), True),
             (t("readme_version", lang, version=criteria.version, criteria=criteria.settings.criteria_id,
                day=today.strftime("%d/%m/%Y")), False)]
    if company:
        lines.append((t("readme_company", lang, company=company), False))
    lines.append(("", False))
    lines += [(t(f"readme_{n}", lang, answer=header("answer", lang), comment=header("comment", lang),
                 when=header("when", lang), id=header("id", lang)), False) for n in range(1, 8)]
    lines.append(("", False))
    lines.append((t("readme_sections", lang), True))
    for section in criteria.sections:
        if criteria.indicators_in(section.id):
            lines.append((f"{sheet_name(criteria, section.id, lang)}: "
                          f"{len(criteria.indicators_in(section.id))} {t('questions', lang)}", False))
    for n, (text, strong) in enumerate(lines, start=1):
        cell = ws.cell(n, 1, text or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if strong:
            cell.font = Font(bold=True, size=14 if n == 1 else 11)
