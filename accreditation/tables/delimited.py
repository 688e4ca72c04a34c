"""Reading a delimited text file (CSV; comma, semicolon, tab or pipe) with pyarrow: the delimiter is the one under
which the header makes most sense; a row with another number of cells than the header is named by row and line."""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from accreditation.tables.cells import finish
from accreditation.tables.decoding import decode, utf8_fast_path
from accreditation.tables.header import HEADER_SCAN_ROWS, Header, check_required, check_width, find_header
from accreditation.tables.limits import MAX_CELL_CHARS, MAX_ROWS
from accreditation.tables.result import ImportedTable, TableError
from criteria.column_specs import TableSpec

_DELIMITERS = (",", ";", "\t", "|")


def read_csv(data: bytes, filename: str, spec: TableSpec, wanted: set[str] | None) -> ImportedTable:
    fast = utf8_fast_path(data)
    text: str | None = None
    if fast is not None:
        head, offset = fast
        encoding = "utf-8-sig" if offset else "utf-8"
    else:
        text, encoding = decode(data, filename)
        if not unicodedata.is_normalized("NFC", text):  # cp1258 and Mac files use combining tone marks
            text = unicodedata.normalize("NFC", text)
        head = text[:65536]
    if not head.strip():
        raise TableError.from_key("imports.empty", file=filename)
    head_lines = head.splitlines()[:HEADER_SCAN_ROWS]
    best: tuple[tuple[int, int], str, Header] | None = None
    for delim in _DELIMITERS:  # the delimiter is the one under which the header makes most sense
        if delim not in head[:8192] and delim != ",":
            continue
        h = find_header(list(csv.reader(head_lines, delimiter=delim)), spec)
        if h is not None:
            score = (len(h.mapping), len(h.cells))
            if best is None or score > best[0]:
                best = (score, delim, h)
    header = check_width(check_required(best[2] if best else None, spec, filename), filename)
    delimiter = best[1]  # type: ignore[index]
    names = [f"c{i}" for i in range(len(header.cells))]
    include = [f"c{pos}" for pos, name in header.mapping.items() if wanted is None or name in wanted or
               spec.column(name).required]
    ragged: list[int] = []

    def on_invalid(row: Any) -> str:
        ragged.append(row.actual_columns)
        return "skip"

    def parse(body: Any) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=header.index + 1, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid,
                                              newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in include},
                                                 include_columns=include, strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False),
        )

    try:
        if text is None:
            try:
                table = parse(pa.py_buffer(data)[fast[1]:])  # type: ignore[index]  # zero-copy
            except pa.ArrowInvalid:  # invalid UTF-8 further down: take the slow, decoding path
                text, encoding = decode(data, filename)
                text = unicodedata.normalize("NFC", text)
                ragged.clear()
                table = parse(pa.py_buffer(text.encode("utf-8")))
        else:
            table = parse(pa.py_buffer(text.encode("utf-8")))
    except pa.ArrowInvalid:
        _raise_ragged(text if text is not None else decode(data, filename)[0], delimiter, header, filename)
        raise TableError.from_key("imports.unreadable", file=filename) from None
    if ragged:
        _raise_ragged(text if text is not None else decode(data, filename)[0], delimiter, header, filename)
    if table.num_rows > MAX_ROWS:
        raise TableError.from_key("imports.too_many_rows", file=filename, max=f"{MAX_ROWS:,}")
    raw = {header.mapping[int(c[1:])]: table.column(c).combine_chunks() for c in include}
    del table
    return finish(raw, spec, header, filename, encoding, delimiter, None, header.index + 1)


def _raise_ragged(text: str, delimiter: str, header: Header, filename: str) -> None:
    """Find the first row whose cell count differs from the header's (slow path, only on error)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    expected = len(header.cells)
    data_row = 0
    try:
        for i, cells in enumerate(reader):
            if i <= header.index or not cells:
                continue
            data_row += 1
            if len(cells) != expected:
                raise TableError.from_key("imports.ragged", file=filename, row=data_row, line=reader.line_num,
                                          cells=len(cells), expected=expected)
    except csv.Error:  # a cell longer than the csv module's field limit (131,072), or a quote never closed
        raise TableError.from_key("imports.line_too_long", file=filename, row=data_row + 1,
                                  max=f"{MAX_CELL_CHARS:,}") from None
