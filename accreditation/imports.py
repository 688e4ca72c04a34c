"""Read tables that offices upload (rosters, supplier lists) into typed pandas frames.

Generic on purpose: a table is described by a column spec (`criteria/columns/<name>.csv`), and this module knows
only how to decode bytes, find the header, map headers to canonical names and type the cells. It accepts what
Vietnamese offices produce: UTF-8 (with or without BOM), UTF-16 "Unicode text" from Excel, cp1258; comma, semicolon,
tab or pipe; dates as dd/mm/yyyy, yyyy-mm-dd or Excel serials; XLSX/XLS/ODS workbooks.

A bad cell is a `CellProblem` (the caller decides what it means); a bad file raises `TableError`.
The parsing is vectorised with pyarrow (C++), because rosters reach 100,000 rows and the check must stay close to
the cost of a bare `pandas.read_csv`. Nothing here logs cell values: they are personal data.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from accreditation.errors import UserError
from accreditation.i18n import t
from scoring.bilingual import Bilingual as Text  # no pydantic: the CLI checks must start fast

COLUMNS_DIR = Path(__file__).resolve().parent.parent / "criteria" / "columns"
KINDS = ("text", "date", "int", "number", "bool", "code")
HEADER_SCAN_ROWS = 20  # a title block (Form 06 has one) may sit above the header
TRUE_WORDS = ("yes", "y", "true", "1", "1.0", "có", "co", "x", "đúng", "dung", "c")
FALSE_WORDS = ("no", "n", "false", "0", "0.0", "không", "khong", "k", "sai")
DATE_FORMATS = "dd/mm/yyyy, yyyy-mm-dd"
_EXCEL_EPOCH_TO_UNIX = 25569  # days from 1899-12-30 (Excel's day 0) to 1970-01-01
_SERIAL_MIN, _SERIAL_MAX = 10000, 100000  # 1927-05-18 .. 2173: a bare 4-digit year is not taken for a serial

# ------------------------------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # "text" | "date" | "int" | "number" | "bool" | "code"
    required: bool
    aliases: tuple[str, ...]
    label: Text
    description: Text = Text()

    @property
    def template_header(self) -> str:
        """The bilingual header used in templates; it maps back through the label aliases."""
        return f"{self.label.vi} / {self.label.en}" if self.label.vi and self.label.en else self.name


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)

    def alias_index(self) -> dict[str, str]:
        return _alias_index(self)


def normalise_header(text: Any) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive key: "Ngày  sinh" and "ngay_sinh" -> "ngay sinh"."""
    return _normalise_header(str(text or ""))


@lru_cache(maxsize=4096)
def _normalise_header(text: str) -> str:
    s = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return " ".join(re.split(r"[^0-9a-z]+", s)).strip()


@lru_cache(maxsize=None)
def _alias_index(spec: TableSpec) -> dict[str, str]:
    index: dict[str, str] = {}
    for col in spec.columns:
        for alias in (col.name, col.label.vi, col.label.en, *col.aliases):
            key = normalise_header(alias)
            if key:
                index.setdefault(key, col.name)
    return index


def _spec_error(path: Path, row: int, vi: str, en: str) -> "TableError":
    return TableError(f"{path.name}, dòng {row}: {vi}", f"{path.name}, row {row}: {en}")


def load_table_spec(name: str, folder: Path | None = None) -> TableSpec:
    """Read `criteria/columns/<name>.csv`. Errors name the file and row."""
    path = (folder or COLUMNS_DIR) / f"{name}.csv"
    if not path.is_file():
        raise TableError(f"không có mô tả cột {path}", f"no column spec {path}")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    columns: list[ColumnSpec] = []
    seen: dict[str, str] = {}
    for n, r in enumerate(rows, start=2):
        col_name = (r.get("name") or "").strip()
        kind = (r.get("kind") or "").strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", col_name):
            raise _spec_error(path, n, f"tên cột không hợp lệ '{col_name}'", f"bad column name '{col_name}'")
        if kind not in KINDS:
            raise _spec_error(path, n, f"kiểu '{kind}' không hợp lệ (dùng {', '.join(KINDS)})",
                              f"kind '{kind}' is not one of {', '.join(KINDS)}")
        aliases = tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip())
        col = ColumnSpec(col_name, kind, (r.get("required") or "").strip().lower() in ("yes", "true", "1", "có"),
                         aliases, Text(vi=r.get("label::vi") or "", en=r.get("label::en") or ""),
                         Text(vi=r.get("description::vi") or "", en=r.get("description::en") or ""))
        for alias in (col.name, col.label.vi, col.label.en, *aliases):
            key = normalise_header(alias)
            if key and seen.setdefault(key, col_name) != col_name:
                raise _spec_error(path, n, f"tên gọi '{alias}' đã dùng cho cột {seen[key]}",
                                  f"alias '{alias}' is already used by column {seen[key]}")
        columns.append(col)
    return TableSpec(name, tuple(columns))


# --------------------------------------------------------------------------------------------- the result


class TableError(UserError):
    """A whole-file problem: unreadable, empty, wrong sheet, missing required column, ragged rows."""

    @classmethod
    def from_key(cls, key: str, **params: object) -> "TableError":
        return cls(t(key, "vi", **params), t(key, "en", **params))


@dataclass
class CellProblem:
    row: int  # 1-based data row
    column: str  # canonical column name
    value: str
    vi: str
    en: str


@dataclass
class ImportedTable:
    frame: pd.DataFrame  # canonical column names; index = 1-based data row number
    rows: int
    problems: list[CellProblem]
    header_map: dict[str, str]  # header as written in the file -> canonical name
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1258" or "xlsx"
    delimiter: str | None  # None for workbooks
    sheet: str | None = None
    header_row: int = 1  # line (CSV) or row (workbook) of the header, 1-based
    ignored_columns: list[str] = field(default_factory=list)  # headers that matched nothing (or a duplicate)


# ------------------------------------------------------------------------------------------------ decoding

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", filename), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", filename), "utf-16"
    head = data[:4000]
    if head and head.count(0) > len(head) // 4:  # UTF-16 without BOM: every other byte of ASCII text is NUL
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return _strict(data, enc, filename), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # Windows Vietnamese; it stores tones as combining marks, hence the NFC below
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError:
        raise TableError.from_key("imports.encoding", file=filename) from None


def _strict(data: bytes, encoding: str, filename: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise TableError.from_key("imports.encoding", file=filename) from None


# ----------------------------------------------------------------------------------------- header finding


@dataclass
class _Header:
    index: int  # 0-based row of the header among the rows scanned
    cells: list[str]
    mapping: dict[int, str]  # position -> canonical name (first match wins)
    duplicates: list[str]
    unmatched: list[str]


def _match(cell: str, index: dict[str, str]) -> str | None:
    key = normalise_header(cell)
    if not key:
        return None
    if key in index:
        return index[key]
    # Bilingual headers such as "Ngày sinh / Date of birth" or "Ngày sinh (dd/mm/yyyy)"
    for part in re.split(r"[/()\[\]\n|]+", str(cell)):
        k = normalise_header(part)
        if k in index:
            return index[k]
    return None


def _find_header(rows: list[list[str]], spec: TableSpec) -> _Header | None:
    index = spec.alias_index()
    best: _Header | None = None
    best_score = 0
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping: dict[int, str] = {}
        duplicates: list[str] = []
        unmatched: list[str] = []
        taken: set[str] = set()
        for pos, cell in enumerate(cells):
            name = _match(cell, index)
            if name is None:
                if str(cell).strip():
                    unmatched.append(str(cell).strip())
            elif name in taken:
                duplicates.append(str(cell).strip())
            else:
                taken.add(name)
                mapping[pos] = name
        score = len(mapping) + 2 * sum(1 for c in spec.required if c.name in taken)
        if score > best_score:
            best, best_score = _Header(i, [str(c) for c in cells], mapping, duplicates, unmatched), score
    return best


def _check_required(header: _Header | None, spec: TableSpec, filename: str, sheet: str | None = None) -> _Header:
    found = set(header.mapping.values()) if header else set()
    missing = [c for c in spec.required if c.name not in found]
    if header is None or not header.mapping or missing:
        cols = missing or list(spec.required)
        raise TableError(
            t("imports.missing_columns", "vi", file=filename, where=_where(sheet, "vi"),
              columns="; ".join(f"{c.name} ({c.label.vi})" for c in cols)),
            t("imports.missing_columns", "en", file=filename, where=_where(sheet, "en"),
              columns="; ".join(f"{c.name} ({c.label.en})" for c in cols)),
        )
    return header


def _where(sheet: str | None, lang: str) -> str:
    return t("imports.in_sheet", lang, sheet=sheet) if sheet is not None else ""


# -------------------------------------------------------------------------------------------------- typing


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
        return pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    arr = pc.replace_substring(arr, ",", ".")  # decimal comma, as Vietnamese Excel writes it
    valid = pc.match_substring_regex(arr, _NUMBER)
    return pc.cast(pc.if_else(valid, arr, pa.scalar(None, pa.string())), pa.float64())


def _parse_ints(arr: pa.Array) -> pa.Array:
    num = _parse_numbers(arr)
    whole = pc.equal(num, pc.floor(num))
    return pc.cast(pc.if_else(whole, num, pa.scalar(None, pa.float64())), pa.int64())


_TRUE = pa.array(TRUE_WORDS)
_FALSE = pa.array(FALSE_WORDS)


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
    return (t(key, "vi", column=f"{column.name} ({column.label.vi})", **params),
            t(key, "en", column=f"{column.name} ({column.label.en})", **params))


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


def _finish(raw: dict[str, pa.Array], spec: TableSpec, header: _Header, filename: str, encoding: str,
            delimiter: str | None, sheet: str | None, header_row: int) -> ImportedTable:
    n = len(next(iter(raw.values()))) if raw else 0
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


# ------------------------------------------------------------------------------------------------------ CSV

_DELIMITERS = (",", ";", "\t", "|")


def _utf8_fast_path(data: bytes) -> tuple[str, int] | None:
    """(decoded head, body offset) when the bytes can go to pyarrow as they are: UTF-8 (BOM or not) with no
    combining marks (U+0300-U+036F start with byte 0xCC or 0xCD), so already NFC. Saves decoding 10 MB twice."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\xcc" in data or b"\xcd" in data:
        return None
    head = data[:4000]
    if head.count(0) > len(head) // 4:
        return None
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data[start:start + 65536], final=False)
    except UnicodeDecodeError:
        return None
    return text, start


def _read_csv(data: bytes, filename: str, spec: TableSpec, wanted: set[str] | None) -> ImportedTable:
    fast = _utf8_fast_path(data)
    text: str | None = None
    if fast is not None:
        head, offset = fast
        encoding = "utf-8-sig" if offset else "utf-8"
    else:
        text, encoding = _decode(data, filename)
        if not unicodedata.is_normalized("NFC", text):  # cp1258 and Mac files use combining tone marks
            text = unicodedata.normalize("NFC", text)
        head = text[:65536]
    if not head.strip():
        raise TableError.from_key("imports.empty", file=filename)
    head_lines = head.splitlines()[:HEADER_SCAN_ROWS]
    best: tuple[tuple[int, int], str, _Header] | None = None
    for delim in _DELIMITERS:  # the delimiter is the one under which the header makes most sense
        if delim not in head[:8192] and delim != ",":
            continue
        h = _find_header(list(csv.reader(head_lines, delimiter=delim)), spec)
        if h is not None:
            score = (len(h.mapping), len(h.cells))
            if best is None or score > best[0]:
                best = (score, delim, h)
    header = _check_required(best[2] if best else None, spec, filename)
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
                text, encoding = _decode(data, filename)
                text = unicodedata.normalize("NFC", text)
                ragged.clear()
                table = parse(pa.py_buffer(text.encode("utf-8")))
        else:
            table = parse(pa.py_buffer(text.encode("utf-8")))
    except pa.ArrowInvalid:
        _raise_ragged(text if text is not None else _decode(data, filename)[0], delimiter, header, filename)
        raise TableError.from_key("imports.unreadable", file=filename) from None
    if ragged:
        _raise_ragged(text if text is not None else _decode(data, filename)[0], delimiter, header, filename)
    raw = {header.mapping[int(c[1:])]: table.column(c).combine_chunks() for c in include}
    del table
    return _finish(raw, spec, header, filename, encoding, delimiter, None, header.index + 1)


def _raise_ragged(text: str, delimiter: str, header: _Header, filename: str) -> None:
    """Find the first row whose cell count differs from the header's (slow path, only on error)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    expected = len(header.cells)
    data_row = 0
    for i, cells in enumerate(reader):
        if i <= header.index or not cells:
            continue
        data_row += 1
        if len(cells) != expected:
            raise TableError.from_key("imports.ragged", file=filename, row=data_row, line=reader.line_num,
                                      cells=len(cells), expected=expected)


# -------------------------------------------------------------------------------------------------- Workbook


def _cell_text(v: Any) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def _read_workbook(data: bytes, filename: str, spec: TableSpec, sheet: str | None,
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
    chosen: tuple[str, list[list[Any]], _Header | None] | None = None
    for name in candidates:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        h = _find_header([[_cell_text(c) or "" for c in r] for r in rows[:HEADER_SCAN_ROWS]], spec)
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
    header = _check_required(h, spec, filename, name)
    body = rows[header.index + 1:]
    raw: dict[str, pa.Array] = {}
    for pos, col in header.mapping.items():
        if wanted is not None and col not in wanted and not spec.column(col).required:
            continue
        raw[col] = pa.array([_cell_text(r[pos]) if pos < len(r) else None for r in body], pa.string())
    if not raw:
        raw = {}
    return _finish(raw, spec, header, filename, "xlsx", None, name, header.index + 1)


# ------------------------------------------------------------------------------------------------ entry point


def read_table(data: bytes, filename: str, spec: TableSpec, sheet: str | None = None,
               columns: Iterable[str] | None = None) -> ImportedTable:
    """Decode an uploaded table. `columns` limits which canonical columns are read (required ones always are):
    a caller that does not need names should not load them."""
    if not data or not data.strip():
        raise TableError.from_key("imports.empty", file=filename)
    wanted = set(columns) if columns is not None else None
    suffix = Path(filename).suffix.lower()
    if data.startswith((_XLSX_MAGIC, _OLE_MAGIC)) or suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _read_workbook(data, filename, spec, sheet, wanted)
    if sheet is not None:
        raise TableError.from_key("imports.sheet_for_csv", file=filename, sheet=sheet)
    return _read_csv(data, filename, spec, wanted)


# ------------------------------------------------------------------------------------------------ templates


def write_template(spec: TableSpec, path: Path, example_rows: Iterable[Iterable[Any]] = ()) -> None:
    """An empty table with bilingual headers, as CSV (UTF-8 with BOM, so Excel opens the accents right) or XLSX
    (with a second sheet that explains each column)."""
    headers = [c.template_header for c in spec.columns]
    rows = [list(r) for r in example_rows]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        ws = book.active
        ws.title = spec.name
        ws.append(headers)
        for r in rows:
            ws.append(r)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, col in enumerate(spec.columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(14, min(40, len(headers[i - 1]) + 2))
            if col.kind == "date":
                for r in range(2, len(rows) + 2):
                    ws.cell(r, i).number_format = "DD/MM/YYYY"
        ws.freeze_panes = "A2"
        doc = book.create_sheet("columns")
        doc.append(["column", "kind", "required", "header", "mô tả", "description"])
        for col in spec.columns:
            doc.append([col.name, col.kind, "yes" if col.required else "no", col.template_header,
                        col.description.vi, col.description.en])
        book.save(path)
        return
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, date) else v) for v in r])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
