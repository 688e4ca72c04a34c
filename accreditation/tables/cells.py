"""Typing the cells of each column by its kind, vectorised with pyarrow (C++), because rosters reach 100,000 rows:
dates as dd/mm/yyyy, yyyy-mm-dd or Excel serials, numbers with a decimal comma, yes/no in Vietnamese and English,
codes normalised. A cell that does not parse becomes a `CellProblem` naming row and column; `finish` builds the
frame. Nothing here logs cell values: they are personal data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from accreditation.i18n import catalog_text
from accreditation.tables.header import Header
from accreditation.tables.limits import MAX_CELL_CHARS, MAX_ROWS
from accreditation.tables.result import CellProblem, ImportedTable, TableError
from criteria.column_specs import ColumnSpec, TableSpec
from criteria.yes_no import NO_WORDS, YES_WORDS

DATE_FORMATS = "dd/mm/yyyy, yyyy-mm-dd"
_EXCEL_EPOCH_TO_UNIX = 25569  # days from 1899-12-30 (Excel's day 0) to 1970-01-01
_SERIAL_MIN, _SERIAL_MAX = 10000, 100000  # 1927-05-18 .. 2173: a bare 4-digit year is not taken for a serial


def _null_if_empty(arr: pa.Array) -> pa.Array:
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _bad_mask(raw: pa.Array, parsed: pa.Array) -> np.ndarray:
    """Cells with text that did not parse."""
    return np.asarray(pc.and_(pc.is_valid(raw), pc.is_null(parsed)).fill_null(False).to_numpy(zero_copy_only=False))


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm), vectorised."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


_DMY = r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_YMD = r"^(?P<y>\d{4})[/.\-](?P<m>\d{1,2})[/.\-](?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_SERIAL = r"^(?P<n>\d{5})(?:\.\d+)?$"


def _ints(struct: pa.Array, name: str) -> np.ndarray:
    return np.asarray(pc.cast(pc.struct_field(struct, name), pa.int64()).fill_null(0).to_numpy(), dtype=np.int64)


def _parse_dates(arr: pa.Array) -> pa.Array:
    """dd/mm/yyyy (also with . or -), yyyy-mm-dd, and Excel serials; anything else (31/02, 2010, 1/2/10) is null.

    Fast path: pyarrow's strptime for the usual zero-padded dd/mm/yyyy, checked against the day and month digits
    because strptime rolls 31/02 over into March. The rest goes through the regex path."""
    n = len(arr)
    days = np.zeros(n, np.int64)
    valid = np.zeros(n, bool)
    ts = pc.strptime(arr, format="%d/%m/%Y", unit="s", error_is_null=True)
    canon = pc.and_(pc.is_valid(ts), pc.equal(pc.binary_length(arr), 10)).fill_null(False)
    if pc.any(canon).as_py():
        sure = pa.scalar(None, pa.string())
        day_txt = pc.if_else(canon, pc.utf8_slice_codeunits(arr, 0, 2), sure)
        month_txt = pc.if_else(canon, pc.utf8_slice_codeunits(arr, 3, 5), sure)
        try:
            same = pc.and_(pc.equal(pc.day(ts), pc.cast(day_txt, pa.int64())),
                           pc.equal(pc.month(ts), pc.cast(month_txt, pa.int64())))
            same = pc.and_(same, pc.greater_equal(pc.year(ts), 1800))  # as the regex path: 01/01/0001 is a typo
            valid = np.asarray(same.fill_null(False).to_numpy(zero_copy_only=False))
            secs = pc.cast(ts, pa.int64()).fill_null(0).to_numpy()
            days = np.where(valid, secs // 86400, 0)
        except pa.ArrowInvalid:  # odd text that strptime accepted; let the regex path judge it
            valid = np.zeros(n, bool)
    rest = np.flatnonzero(~valid & np.asarray(pc.is_valid(arr).to_numpy(zero_copy_only=False)))
    if len(rest):
        sub_days, sub_valid = _parse_dates_slow(pc.take(arr, pa.array(rest)))
        days[rest] = sub_days
        valid[rest] = sub_valid
    return pa.array(days.astype("datetime64[D]").astype("datetime64[s]"), mask=~valid)


def _parse_dates_slow(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    n = len(arr)
    y = np.zeros(n, np.int64)
    m = np.zeros(n, np.int64)
    d = np.zeros(n, np.int64)
    days = np.zeros(n, np.int64)
    ok = np.zeros(n, bool)
    serial = np.zeros(n, bool)
    for pattern in (_DMY, _YMD):
        hit = pc.extract_regex(arr, pattern)
        mask = np.asarray(pc.is_valid(hit).to_numpy(zero_copy_only=False)) & ~ok
        if mask.any():
            y = np.where(mask, _ints(hit, "y"), y)
            m = np.where(mask, _ints(hit, "m"), m)
            d = np.where(mask, _ints(hit, "d"), d)
            ok |= mask
    hit = pc.extract_regex(arr, _SERIAL)
    smask = np.asarray(pc.is_valid(hit).to_numpy(zero_copy_only=False)) & ~ok
    if smask.any():
        num = _ints(hit, "n")
        smask &= (num >= _SERIAL_MIN) & (num < _SERIAL_MAX)
        days = np.where(smask, num - _EXCEL_EPOCH_TO_UNIX, days)
        serial = smask
    # Validate the calendar: 31/02 or month 13 is a bad cell, not a silently shifted date.
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    month_len = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(m, 0, 12)] + (leap & (m == 2))
    ok &= (m >= 1) & (m <= 12) & (d >= 1) & (d <= month_len) & (y >= 1800)
    civil = _days_from_civil(y, np.clip(m, 1, 12), d)
    days = np.where(ok, civil, days)
    return days, ok | serial


_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$"


def _parse_numbers(arr: pa.Array) -> pa.Array:
    try:  # fast path: every cell is a plain number
        num = pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        arr = pc.replace_substring(arr, ",", ".")  # decimal comma, as Vietnamese Excel writes it
        valid = pc.match_substring_regex(arr, _NUMBER)
        num = pc.cast(pc.if_else(valid, arr, pa.scalar(None, pa.string())), pa.float64())
    # "nan", "inf" and 1e309 parse as floats; no hours or head count is one (a bad cell)
    return pc.if_else(pc.is_finite(num), num, pa.scalar(None, pa.float64()))


_INT_LIMIT = 2.0 ** 53  # whole numbers a float holds exactly; 1e20 is not a number of hours or workers


def _parse_ints(arr: pa.Array) -> pa.Array:
    num = _parse_numbers(arr)
    whole = pc.and_(pc.equal(num, pc.floor(num)), pc.less_equal(pc.abs(num), _INT_LIMIT))
    return pc.cast(pc.if_else(whole, num, pa.scalar(None, pa.float64())), pa.int64())


_TRUE = pa.array(sorted(YES_WORDS))
_FALSE = pa.array(sorted(NO_WORDS))


def _parse_bools(arr: pa.Array) -> pa.Array:
    enc = pc.dictionary_encode(arr)  # few distinct values: map the dictionary, then take
    return pc.take(_parse_bool_words(enc.dictionary), enc.indices)


def _parse_bool_words(arr: pa.Array) -> pa.Array:
    low = pc.utf8_lower(arr)
    is_true = pc.is_in(low, value_set=_TRUE)
    is_false = pc.is_in(low, value_set=_FALSE)
    return pc.if_else(is_true, True, pc.if_else(is_false, pa.scalar(False), pa.scalar(None, pa.bool_())))


def normalise_code(arr: pa.Array) -> pa.Array:
    """"light_1", "Light 1", "PROHIBITED-JOB-đ" -> "LIGHT-1", "PROHIBITED-JOB-DD". A code column has few distinct
    values, so the work is done on its dictionary."""
    enc = pc.dictionary_encode(arr).combine_chunks() if isinstance(arr, pa.ChunkedArray) else pc.dictionary_encode(arr)
    words = pc.utf8_upper(pc.replace_substring(pc.replace_substring(enc.dictionary, "đ", "dd"), "Đ", "DD"))
    words = pc.replace_substring_regex(words, r"[\s_\-]+", "-")
    return pc.take(words, enc.indices)


def _problem_texts(kind: str, column: ColumnSpec, value: str, row: int) -> tuple[str, str]:
    key = {"date": "imports.bad_date", "number": "imports.bad_number", "int": "imports.bad_int",
           "bool": "imports.bad_bool"}[kind]
    params = dict(row=row, value=value, formats=DATE_FORMATS)
    # the column as the template heads it in each language (the file may use either header)
    return (catalog_text(key, "vi", column=column.label.vi, **params),
            catalog_text(key, "en", column=column.label.en, **params))


def _type_columns(raw: dict[str, pa.Array], spec: TableSpec, rownums: np.ndarray
                  ) -> tuple[dict[str, Any], list[CellProblem]]:
    out: dict[str, Any] = {}
    problems: list[CellProblem] = []
    for name, arr in raw.items():
        col = spec.column(name)
        if col.kind == "text":
            out[name] = arr
            continue
        if col.kind == "code":
            out[name] = normalise_code(arr)
            continue
        parsed = {"date": _parse_dates, "number": _parse_numbers, "int": _parse_ints, "bool": _parse_bools}[col.kind](arr)
        bad = _bad_mask(arr, parsed)
        if bad.any():
            values = arr.to_pylist()
            for i in np.flatnonzero(bad):
                row = int(rownums[i])
                vi, en = _problem_texts(col.kind, col, values[i], row)
                problems.append(CellProblem(row, name, values[i], vi, en))
        out[name] = parsed
    return out, problems


def _to_frame(typed: dict[str, Any], spec: TableSpec, rownums: np.ndarray) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for name, arr in typed.items():
        kind = spec.column(name).kind
        if kind == "date":
            data[name] = pd.Series(arr.to_numpy(zero_copy_only=False), dtype="datetime64[s]")
        elif kind == "bool":
            data[name] = pd.array(arr.to_pylist() if arr.null_count else arr.to_numpy(zero_copy_only=False),
                                  dtype="boolean")
        elif kind == "number":
            data[name] = arr.to_numpy(zero_copy_only=False).astype(float)
        elif kind == "int":
            data[name] = pd.array(arr.to_pylist(), dtype="Int64")
        else:
            data[name] = arr.to_pandas()  # pandas 3: the arrow-backed "str" dtype, no copy to Python objects
    frame = pd.DataFrame({k: (v.values if isinstance(v, pd.Series) else v) for k, v in data.items()})
    frame.index = pd.Index(rownums, name="row")
    return frame


def _check_cell_lengths(raw: dict[str, pa.Array], spec: TableSpec, filename: str) -> None:
    """A cell longer than MAX_CELL_CHARS (Excel's own limit) is refused, naming its row and column: no name, job
    or code is that long, and such a cell would be stored and shown as it is."""
    for name, arr in raw.items():
        lengths = pc.utf8_length(arr)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_CELL_CHARS:
            row = int(np.flatnonzero(np.asarray(pc.greater(lengths, MAX_CELL_CHARS).fill_null(False)))[0]) + 1
            column = spec.column(name).label
            raise TableError(*(catalog_text("imports.cell_too_long", lang, file=filename, row=row,
                                            column=getattr(column, lang), chars=f"{longest:,}",
                                            max=f"{MAX_CELL_CHARS:,}") for lang in ("vi", "en")))


def finish(raw: dict[str, pa.Array], spec: TableSpec, header: Header, filename: str, encoding: str,
            delimiter: str | None, sheet: str | None, header_row: int) -> ImportedTable:
    n = len(next(iter(raw.values()))) if raw else 0
    if n > MAX_ROWS:
        raise TableError.from_key("imports.too_many_rows", file=filename, max=f"{MAX_ROWS:,}")
    _check_cell_lengths(raw, spec, filename)
    rownums = np.arange(1, n + 1)
    raw = {k: _null_if_empty(v) for k, v in raw.items()}
    if raw and n:  # drop rows with nothing in any read column (Excel leaves such rows at the end)
        filled = None
        for arr in raw.values():
            filled = pc.is_valid(arr) if filled is None else pc.or_(filled, pc.is_valid(arr))
        keep = np.asarray(filled.to_numpy(zero_copy_only=False))
        if not keep.all():
            mask = pa.array(keep)
            raw = {k: pc.filter(v, mask) for k, v in raw.items()}
            rownums = rownums[keep]
    typed, problems = _type_columns(raw, spec, rownums)
    frame = _to_frame(typed, spec, rownums)
    header_map = {header.cells[pos].strip(): name for pos, name in header.mapping.items()}
    return ImportedTable(frame, len(frame), problems, header_map, encoding, delimiter, sheet, header_row,
                         header.unmatched + header.duplicates)
