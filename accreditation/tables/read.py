"""The entry point: an uploaded table (bytes and file name) read against a column spec, CSV or workbook by its
first bytes and suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from accreditation import sandbox
from accreditation.tables import limits
from accreditation.tables.decoding import OLE_MAGIC, XLSX_MAGIC
from accreditation.tables.delimited import read_csv
from accreditation.tables.result import ImportedTable, TableError
from accreditation.tables.workbook import read_workbook
from criteria.column_specs import TableSpec


def read_table(data: bytes, filename: str, spec: TableSpec, sheet: str | None = None,
               columns: Iterable[str] | None = None) -> ImportedTable:
    """Decode an uploaded table. `columns` limits which canonical columns are read (required ones always are):
    a caller that does not need names should not load them.

    The reading runs in accreditation.sandbox: a file that would exhaust memory or time (a workbook claiming a
    far-away cell, a zip bomb) is refused with one line instead of aborting the server. Sizes past the limits of
    `accreditation.tables.limits` (docs/limits.md) are refused before or while reading."""
    if len(data) > limits.MAX_BYTES:
        raise TableError.from_key("imports.too_big", file=filename, mb=limits.MAX_BYTES // (1024 * 1024))
    if data.startswith(XLSX_MAGIC):
        problem = limits.zip_problem(data)
        if problem is not None:
            raise TableError.from_key("imports.zip_bomb", file=filename,
                                      mb=limits.MAX_UNZIPPED // (1024 * 1024), ratio=limits.MAX_RATIO)
    try:
        return sandbox.run(_read_table, data, filename, spec, sheet, None if columns is None else list(columns),
                           seconds=READ_SECONDS)
    except sandbox.Refused as refused:
        key = "imports.too_slow" if refused.reason == "time" else "imports.too_demanding"
        raise TableError.from_key(key, file=filename, seconds=int(READ_SECONDS), mb=sandbox.MEMORY_MB) from None


READ_SECONDS = 8.0  # a 100,000-row roster reads in about 2 s; the command line answers within 10 s


def _read_table(data: bytes, filename: str, spec: TableSpec, sheet: str | None,
                columns: Iterable[str] | None) -> ImportedTable:
    limits.quiet_native_errors()
    try:
        return _decode_table(data, filename, spec, sheet, columns)
    except (TableError, MemoryError, RecursionError):  # a verdict, or the sandbox's to give
        raise
    except Exception:  # the parsers' many exception types for a damaged file (pyarrow, calamine, zip, XML, csv)
        raise TableError.from_key("imports.unreadable", file=filename) from None


def _decode_table(data: bytes, filename: str, spec: TableSpec, sheet: str | None,
                  columns: Iterable[str] | None) -> ImportedTable:
    if not data or not data.strip():
        raise TableError.from_key("imports.empty", file=filename)
    wanted = set(columns) if columns is not None else None
    suffix = Path(filename).suffix.lower()
    if data.startswith((XLSX_MAGIC, OLE_MAGIC)) or suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return read_workbook(data, filename, spec, sheet, wanted)
    if sheet is not None:
        raise TableError.from_key("imports.sheet_for_csv", file=filename, sheet=sheet)
    return read_csv(data, filename, spec, wanted)
