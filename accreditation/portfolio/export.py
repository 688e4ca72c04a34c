"""The portfolio as files a brand downloads: CSV (UTF-8 with a byte-order mark) and XLSX (XlsxWriter). Text that a
spreadsheet could run as a formula is neutralised in both."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime
from typing import Any

import pandas as pd
import xlsxwriter

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_EPOCH = pd.Timestamp(1899, 12, 30)  # day 0 of Excel's 1900 date system (its 1900 leap-year bug included)


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet could run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    """A plain Python value for a file: NaN/NA → None, timestamps → dates, numpy scalars → int/float."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _records(df: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    header = [neutralise(str(c)) for c in df.columns]
    rows = [[neutralise(_cell(v)) for v in row] for row in df.itertuples(index=False, name=None)]
    return header, rows


def export_csv(df: pd.DataFrame, lang: str = "vi") -> bytes:
    """UTF-8 with a byte-order mark (Excel opens Vietnamese correctly), comma-separated, formula cells
    neutralised. Written for people: dates as dd/mm/yyyy (display.day), booleans as yes/no in `lang`, empty for
    missing values."""
    from accreditation.display import day
    from accreditation.i18n import catalog_text

    words = {True: catalog_text("brand.yes", lang), False: catalog_text("brand.no", lang)}
    header, rows = _records(df)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (words[v] if isinstance(v, bool)
                                                else day(v) if isinstance(v, (date, datetime)) else v)
                         for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ------------------------------------------------------------------------------------------------------ XLSX
# XlsxWriter rather than a hand-written SpreadsheetML package: it escapes control characters instead of dropping
# them, and is what spreadsheet programs are tested against. Cells are written a column at a time with the writer
# that fits the column's type, so most cells skip a per-value type check; dates go in as Excel day numbers with a
# date format, which is what write_datetime stores too.


def _excel_days(s: pd.Series) -> list[float | None]:
    if s.dt.tz is not None:
        s = s.dt.tz_localize(None)
    days = (s - _EXCEL_EPOCH) / pd.Timedelta(days=1)
    return [None if v != v else v for v in days.tolist()]


def _numbers(s: pd.Series) -> list[int | float | None]:
    values = s.astype("object").where(s.notna(), None).tolist()
    return [v if v is None or isinstance(v, int) or math.isfinite(v) else None for v in values]


def _write_column(ws: Any, col: int, s: pd.Series, day: Any) -> None:
    """Write one column from row 1 on; missing values stay empty cells."""
    if pd.api.types.is_bool_dtype(s):
        write, values, fmt = ws.write_boolean, s.astype("object").where(s.notna(), None).tolist(), None
    elif pd.api.types.is_numeric_dtype(s):
        write, values, fmt = ws.write_number, _numbers(s), None
    elif pd.api.types.is_datetime64_any_dtype(s):
        write, values, fmt = ws.write_number, _excel_days(s), day
    elif isinstance(s.dtype, pd.StringDtype):
        write, values, fmt = ws.write_string, [neutralise(v) if isinstance(v, str) else None for v in s.tolist()], None
    else:
        for row, value in enumerate(s.tolist(), start=1):
            _write_value(ws, row, col, _cell(value), day)
        return
    for row, value in enumerate(values, start=1):
        if value is not None:
            write(row, col, value, fmt)


def _write_value(ws: Any, row: int, col: int, value: Any, day: Any) -> None:
    """One cell of a column of mixed or text values."""
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        if math.isfinite(value):
            ws.write_number(row, col, value)
    elif isinstance(value, (date, datetime)):
        ws.write_datetime(row, col, value, day)
    else:
        ws.write_string(row, col, neutralise(str(value)))


def export_xlsx(df: pd.DataFrame, sheet: str = "Portfolio") -> bytes:
    """One worksheet: a bold frozen header row, numbers as numbers, dates as dates (dd/mm/yyyy), booleans as
    booleans, text cells that could be formulas neutralised (and never written as formulas)."""
    return export_workbook({sheet: df})


def _sheet_name(title: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (no []:*?/\\, at most 31 characters), unique in the workbook."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip(" '")[:31] or "Sheet1"
    base, n = name, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def export_workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A worksheet per frame, written as `export_xlsx` writes one (the scheme overview's tables use it too)."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    taken: set[str] = set()
    for sheet, df in sheets.items():
        ws = workbook.add_worksheet(_sheet_name(sheet, taken))
        ws.freeze_panes(1, 0)
        for col, title in enumerate(df.columns):
            ws.write_string(0, col, neutralise(str(title)), bold)
        for col in range(df.shape[1]):
            _write_column(ws, col, df.iloc[:, col], day)
    workbook.close()
    return out.getvalue()
