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


# What a criteria workbook may be (docs/limits.md). The reference set is a 40 KB workbook of about 100 rows a sheet.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000  # per sheet, header included
MAX_COLUMNS = 100
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell
READ_SECONDS = 8.0
READ_MEMORY_MB = 512


def read_workbook(path: Path) -> tuple[dict[str, Sheet], list[LoadIssue]]:
    """The criteria sheets of an .xlsx workbook, or the issues that stop it from being read.

    Parsing runs in `accreditation.sandbox` (a child process with a time and memory limit): the workbook is
    uploaded by a scheme officer on the admin page or given to `criteria import|validate|install`, and a hostile
    one (a zip bomb, an XML entity bomb, a million rows) must cost one line, not the server. openpyxl parses the
    XML through defusedxml, which refuses entity declarations."""
    def unreadable(reason: str) -> tuple[dict[str, Sheet], list[LoadIssue]]:
        return {}, [LoadIssue(ErrorCode.FILE_UNREADABLE, path.name, params={"reason": reason})]

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return unreadable(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except OSError as exc:
        return unreadable(exc.strerror or type(exc).__name__)
    from accreditation import sandbox
    from accreditation.tables.limits import MAX_RATIO, MAX_UNZIPPED, zip_problem

    if zip_problem(data) is not None:
        return unreadable(f"it unpacks to more than {MAX_UNZIPPED // (1024 * 1024)} MB or a part of it is "
                          f"compressed more than {MAX_RATIO} times")
    try:
        return sandbox.run(read_workbook_bytes, data, path.name, seconds=READ_SECONDS, memory_mb=READ_MEMORY_MB)
    except sandbox.Refused as refused:
        if refused.reason == "time":
            return unreadable(f"reading it took more than {int(READ_SECONDS)} seconds")
        return unreadable(f"reading it needs more than {READ_MEMORY_MB} MB of memory")


def read_workbook_bytes(data: bytes, name: str) -> tuple[dict[str, Sheet], list[LoadIssue]]:
    """`read_workbook` without the sandbox (call it through one)."""
    from accreditation.tables.limits import quiet_native_errors

    quiet_native_errors()
    try:
        return _read_sheets(data, name)
    except (MemoryError, RecursionError):  # the sandbox's to report
        raise
    except Exception as exc:  # openpyxl, zipfile and the XML layer raise many kinds for a damaged workbook
        return {}, [LoadIssue(ErrorCode.FILE_UNREADABLE, name, params={"reason": _reason(exc)})]


def _reason(exc: Exception) -> str:
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - a requirement
        DefusedXmlException = ()  # type: ignore[assignment,misc]
    if isinstance(exc, DefusedXmlException):
        return "its XML declares entities (an XML bomb or a reference to another file), which are refused"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def _read_sheets(data: bytes, name: str) -> tuple[dict[str, Sheet], list[LoadIssue]]:
    from openpyxl import load_workbook

    issues: list[LoadIssue] = []
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets: dict[str, Sheet] = {}
    for sheet_name in SHEETS:
        label = f"{name}, sheet {sheet_name}"
        if sheet_name not in wb.sheetnames:
            issues.append(LoadIssue(ErrorCode.FILE_MISSING, label))
            continue
        # bounded: a sheet claiming the whole grid is read as far as the limits, plus one to tell it is over
        rows = list(wb[sheet_name].iter_rows(values_only=True, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1))
        if len(rows) > MAX_ROWS:
            issues.append(LoadIssue(ErrorCode.VALUE_INVALID, label, MAX_ROWS + 1, None,
                                    {"reason": f"more than {MAX_ROWS:,} rows"}))
            continue
        header = [cell_text(h).strip() for h in rows[0]] if rows else []
        while header and not header[-1]:
            header.pop()
        if len(header) > MAX_COLUMNS:
            issues.append(LoadIssue(ErrorCode.VALUE_INVALID, label, 1, None,
                                    {"reason": f"more than {MAX_COLUMNS} columns"}))
            continue
        data_rows = []
        too_long = False
        for n, values in enumerate(rows[1:], start=2):
            cells = {header[i]: cell_text(values[i]) for i in range(min(len(header), len(values))) if header[i]}
            for column, text in cells.items():
                if len(text) > MAX_CELL_CHARS:
                    issues.append(LoadIssue(ErrorCode.VALUE_INVALID, label, n, column,
                                            {"reason": f"{len(text):,} characters (at most {MAX_CELL_CHARS:,})"}))
                    too_long = True
            if any(v.strip() for v in cells.values()):
                data_rows.append((n, cells))
        if not too_long:
            sheets[sheet_name] = Sheet(sheet_name, label, header, data_rows)
    wb.close()
    return sheets, issues


def sheet_to_csv(sheet: Sheet) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(sheet.header)
    for _, cells in sheet.rows:
        writer.writerow([cells.get(col, "") for col in sheet.header])
    return buf.getvalue()
