"""Reading a workbook (XLSX, XLS, ODS) with calamine: the sheet asked for, or the first whose header has the
required columns; cells become text as a CSV would hold them, then go through the same typing as a CSV."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa

from accreditation.tables.cells import finish
from accreditation.tables.header import HEADER_SCAN_ROWS, Header, check_required, check_width, find_header
from accreditation.tables.limits import MAX_ROWS
from accreditation.tables.result import ImportedTable, TableError
from criteria.column_specs import TableSpec
from criteria.sheets import cell_text


def read_workbook(data: bytes, filename: str, spec: TableSpec, sheet: str | None,
                   wanted: set[str] | None) -> ImportedTable:
    from python_calamine import CalamineWorkbook  # imported here: CSV runs should not pay for it

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several types for corrupt or password-protected files
        raise TableError.from_key("imports.unreadable", file=filename) from None
    names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        raise TableError.from_key("imports.no_sheet", file=filename, sheet=sheet, sheets=", ".join(names))
    candidates = [sheet] if sheet is not None else names
    chosen: tuple[str, list[list[Any]], Header | None] | None = None
    for name in candidates:
        # at most one row past the limit, so that a sheet of a million rows is refused without reading it all
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS + MAX_ROWS + 1)
        h = find_header([[cell_text(c) for c in r] for r in rows[:HEADER_SCAN_ROWS]], spec)
        ok = h is not None and all(c.name in h.mapping.values() for c in spec.required)
        if chosen is None or (ok and not (chosen[2] is not None and all(
                c.name in chosen[2].mapping.values() for c in spec.required))):
            chosen = (name, rows, h)
        if ok:
            break
    if chosen is None:
        raise TableError.from_key("imports.empty", file=filename)
    name, rows, h = chosen
    if not any(any(c not in (None, "") for c in r) for r in rows):
        raise TableError.from_key("imports.empty_sheet", file=filename, sheet=name)
    header = check_width(check_required(h, spec, filename, name), filename)
    body = rows[header.index + 1:]
    if len(body) > MAX_ROWS:
        raise TableError.from_key("imports.too_many_rows", file=filename, max=f"{MAX_ROWS:,}")
    raw: dict[str, pa.Array] = {}
    for pos, col in header.mapping.items():
        if wanted is not None and col not in wanted and not spec.column(col).required:
            continue
        raw[col] = pa.array([cell_text(r[pos]) or None if pos < len(r) else None for r in body], pa.string())
    if not raw:
        raw = {}
    return finish(raw, spec, header, filename, "xlsx", None, name, header.index + 1)
