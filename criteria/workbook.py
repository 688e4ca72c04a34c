"""The criteria's sheets as an Excel workbook a scheme officer can edit: one sheet per CSV file, same columns.
Reading a workbook is part of parsing (`criteria.loader.read_sheets`); `criteria.loader.import_workbook` validates
a workbook before any CSV is written."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.sheets import SHEETS, Sheet, cell_text, read_csv_file

HEADER_FILL = "FFDCE6F0"


def write_workbook(folder: Path, out: Path) -> None:
    """Write the sheets of a criteria folder to an .xlsx workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    issues: list[LoadIssue] = []
    sheets: dict[str, Sheet] = {}
    for name in SHEETS:
        sheet = read_csv_file(folder / f"{name}.csv", name, f"{name}.csv", issues)
        if sheet is not None:
            sheets[name] = sheet
    if issues:
        raise CriteriaLoadError(issues, str(folder))
    wb = Workbook()
    wb.remove(wb.active)
    for name in SHEETS:
        sheet = sheets[name]
        ws = wb.create_sheet(name)
        ws.append(sheet.header)
        for _, cells in sheet.rows:
            ws.append([_cell_value(col, cells.get(col, "")) for col in sheet.header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.freeze_panes = "A2"
        for idx, col in enumerate(sheet.header, start=1):
            longest = max([len(col)] + [len(cells.get(col, "")) for _, cells in sheet.rows])
            ws.column_dimensions[ws.cell(1, idx).column_letter].width = min(max(10, longest + 2), 60)
            if longest > 60:
                for row in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                    row[0].alignment = Alignment(wrap_text=True, vertical="top")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)


NUMERIC_COLUMNS = {"weight", "score", "min_total", "min_section", "deadline_days"}
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")


def _cell_value(column: str, text: str) -> object:
    """Weights and scores go to Excel as numbers, so officers can add them up; everything else stays text
    (a version such as `2026.10` must not become 2026.1)."""
    if column in NUMERIC_COLUMNS and _NUMBER.fullmatch(text.strip()):
        return float(text) if "." in text else int(text)
    return text


def read_workbook(path: Path) -> tuple[dict[str, Sheet], list[LoadIssue]]:
    from openpyxl import load_workbook

    issues: list[LoadIssue] = []
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        return {}, [LoadIssue(ErrorCode.FILE_UNREADABLE, path.name, params={"reason": str(exc) or type(exc).__name__})]
    sheets: dict[str, Sheet] = {}
    for name in SHEETS:
        label = f"{path.name}, sheet {name}"
        if name not in wb.sheetnames:
            issues.append(LoadIssue(ErrorCode.FILE_MISSING, label))
            continue
        rows = list(wb[name].iter_rows(values_only=True))
        header = [cell_text(h).strip() for h in rows[0]] if rows else []
        while header and not header[-1]:
            header.pop()
        data = []
        for n, values in enumerate(rows[1:], start=2):
            cells = {header[i]: cell_text(values[i]) for i in range(min(len(header), len(values))) if header[i]}
            if any(v.strip() for v in cells.values()):
                data.append((n, cells))
        sheets[name] = Sheet(name, label, header, data)
    wb.close()
    return sheets, issues


def sheet_to_csv(sheet: Sheet) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(sheet.header)
    for _, cells in sheet.rows:
        writer.writerow([cells.get(col, "") for col in sheet.header])
    return buf.getvalue()
