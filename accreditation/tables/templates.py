"""Empty tables for offices to fill: bilingual headers from the column spec, as CSV or XLSX. The XLSX has drop-downs
on its code and yes/no columns and a `codes` sheet listing each code with its Vietnamese and English label and its
legal basis (accreditation.tables.code_lists), so nobody needs a file from the repository to fill it in."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from criteria.column_specs import TableSpec

DATA_ROWS = 20_000  # rows the drop-downs cover below the header
CODES_SHEET = "codes"
CODES_HEADER = ("column", "code", "nhãn", "label", "căn cứ", "basis")


def write_template(spec: TableSpec, path: Path, example_rows: Iterable[Iterable[Any]] = ()) -> None:
    """An empty table with bilingual headers, as CSV (UTF-8 with BOM, so Excel opens the accents right) or XLSX
    (with drop-downs, a `codes` sheet and a `columns` sheet that explains each column)."""
    rows = [list(r) for r in example_rows]
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(spec, path, rows)
        return
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.template_header for c in spec.columns])
    for r in rows:
        w.writerow(["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, date) else v) for v in r])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def _write_xlsx(spec: TableSpec, path: Path, rows: list[list[Any]]) -> None:
    import xlsxwriter

    from accreditation.tables.code_lists import YES_NO, code_lists

    lists = {c.column: c for c in code_lists(spec.name)}
    headers = [c.template_header for c in spec.columns]
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    ws = book.add_worksheet(spec.name)
    codes = book.add_worksheet(CODES_SHEET)
    doc = book.add_worksheet("columns")

    # the codes sheet: one block of rows per code column; a drop-down refers to its block
    codes.write_row(0, 0, CODES_HEADER, bold)
    codes.freeze_panes(1, 0)
    for col, width in zip("ABCDEF", (16, 22, 40, 40, 50, 50)):
        codes.set_column(f"{col}:{col}", width, wrap)
    blocks: dict[str, tuple[int, int]] = {}
    at = 1
    for name, code_list in lists.items():
        for code, vi, en, basis_vi, basis_en in code_list.rows:
            codes.write_row(at, 0, (name, code, vi, en, basis_vi, basis_en))
            at += 1
        blocks[name] = (at - len(code_list.rows), at - 1)

    ws.write_row(0, 0, headers, bold)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if isinstance(value, (date, datetime)):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif value is not None and value != "":
                ws.write(r, c, value)
    for i, col in enumerate(spec.columns):
        ws.set_column(i, i, max(14, min(40, len(headers[i]) + 2)), day if col.kind == "date" else None)
        if col.name in blocks:
            first, last = blocks[col.name]
            offer = "B" if lists[col.name].offer == "code" else "C"
            ws.data_validation(1, i, DATA_ROWS, i, {
                "validate": "list", "source": f"='{CODES_SHEET}'!${offer}${first + 1}:${offer}${last + 1}",
                "error_type": "warning", "error_title": "Mã / Code",
                "error_message": "Chọn trong danh sách (trang codes). / Pick from the list (sheet codes).",
                "input_title": col.label.vi[:32], "input_message": f"Xem trang {CODES_SHEET} / see sheet {CODES_SHEET}"})
        elif col.kind == "bool":
            ws.data_validation(1, i, DATA_ROWS, i, {
                "validate": "list", "source": list(YES_NO), "error_type": "information",
                "error_title": "Có / không", "error_message": "có / không (yes / no)"})
    ws.freeze_panes(1, 0)
    ws.activate()

    doc.write_row(0, 0, ["column", "kind", "required", "header", "mô tả", "description"], bold)
    for r, col in enumerate(spec.columns, start=1):
        vi, en = col.description.vi, col.description.en
        if col.name in blocks:  # the spec's description may name a repository file; the list is in this workbook
            vi = f"Chọn trong danh sách; mỗi mã, nhãn và căn cứ ở trang {CODES_SHEET}."
            en = f"Pick from the list; each code, its label and basis are on sheet {CODES_SHEET}."
        doc.write_row(r, 0, [col.name, col.kind, "yes" if col.required else "no", col.template_header, vi, en])
    doc.set_column("A:D", 20)
    doc.set_column("E:F", 60, wrap)
    book.close()
