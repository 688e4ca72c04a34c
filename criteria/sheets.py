"""Parsing, the first step of loading any data file under `criteria/`: a CSV file (or a workbook sheet) becomes a
`Sheet` of text cells with spreadsheet row numbers, and its header is checked against a `SheetSpec`. `Row` reads
typed cells from a sheet and records a `LoadIssue` for each bad one instead of raising, so that a loader reports
every problem of every file at once."""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from criteria.errors import ErrorCode, LoadIssue
from criteria.yes_no import yes_no

LANG_NAMES = {"vi": "tiếng Việt (::vi)", "en": "English (::en)"}


def cell_text(value: object) -> str:
    """A spreadsheet cell as a CSV file would hold it, for every workbook this project reads (criteria, rosters,
    supplier lists): blank as "", integral numbers without `.0`, a date or date-time as its ISO date (Excel stores
    dates as date-times; no column here means a time of day), a boolean as yes/no (words of criteria.yes_no)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    plain: tuple[str, ...]  # plain columns, in order
    required: tuple[str, ...]  # plain columns that must be present in the header
    texts: tuple[str, ...] = ()  # bilingual columns: x::vi and x::en
    required_texts: tuple[str, ...] = ()  # bilingual columns that must be present

    @property
    def columns(self) -> list[str]:
        cols = list(self.plain)
        for t in self.texts:
            cols += [f"{t}::vi", f"{t}::en"]
        return cols


# The award's sheets (`criteria/award/<name>.csv`, or the sheets of a workbook).
SHEETS: dict[str, SheetSpec] = {
    "settings": SheetSpec("settings", ("key", "value"), ("key", "value")),
    "sections": SheetSpec("sections", ("id", "weight"), ("id", "weight"), ("label", "description"), ("label",)),
    "indicators": SheetSpec(
        "indicators",
        ("id", "section", "type", "reference", "weight", "critical", "na_allowed", "evidence", "relevant",
         "derived_from", "priority"),
        ("id", "section", "type", "weight"),
        ("label", "guidance", "legal_basis", "evidence_hint", "remediation", "responsible"),
        ("label",),
    ),
    "choices": SheetSpec("choices", ("list_name", "name", "score", "na", "knockout"), ("list_name", "name"),
                         ("label",), ("label",)),
    "bands": SheetSpec("bands", ("id", "min_total", "min_section"), ("id", "min_total", "min_section"),
                       ("label", "description"), ("label",)),
    "priorities": SheetSpec("priorities", ("id", "deadline_days"), ("id", "deadline_days"),
                            ("label", "deadline"), ("label", "deadline")),
}
# criteria/derivations.csv: the answers the roster and supplier checks supply; part of every set, not edited with it
DERIVATIONS = SheetSpec("derivations", ("key", "values"), ("key", "values"), ("label",), ("label",))


@dataclass
class Sheet:
    name: str
    label: str  # how messages name it: "indicators.csv", "risk/levels.csv" or "book.xlsx, sheet indicators"
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as a spreadsheet shows it, cells)


def read_csv_sheet(path: Path, name: str, label: str | None = None) -> Sheet:
    """A CSV file as a sheet (UTF-8, with or without BOM); blank lines are skipped, row numbers kept."""
    text = path.read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip() for h in lines[0]] if lines else []
    rows = []
    for n, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        rows.append((n, {header[i]: cells[i] for i in range(min(len(header), len(cells))) if header[i]}))
    return Sheet(name, label or path.name, header, rows)


def read_csv_file(path: Path, name: str, label: str, issues: list[LoadIssue]) -> Sheet | None:
    """`read_csv_sheet`, with a missing or unreadable file recorded as an issue (then None)."""
    if not path.is_file():
        issues.append(LoadIssue(ErrorCode.FILE_MISSING, label))
        return None
    try:
        return read_csv_sheet(path, name, label)
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        issues.append(LoadIssue(ErrorCode.FILE_UNREADABLE, label, params={"reason": str(exc)}))
        return None


def header_issues(sheet: Sheet, spec: SheetSpec) -> list[LoadIssue]:
    """Required columns that are missing and columns nobody reads (with a suggestion for a misspelling)."""
    issues = []
    known = spec.columns
    needed = list(spec.required) + [f"{t}::{lang}" for t in spec.required_texts for lang in ("vi", "en")]
    for col in needed:
        if col not in sheet.header:
            issues.append(LoadIssue(ErrorCode.COLUMN_MISSING, sheet.label, 1, col, {"column": col}))
    for col in sheet.header:
        if col and col not in known:
            issues.append(LoadIssue(ErrorCode.COLUMN_UNKNOWN, sheet.label, 1, col, {"column": col, **hint(col, known)}))
    return issues


def hint(word: str, known: Iterable[str]) -> dict[str, str]:
    """The `did you mean` part of a message about an unknown name, in both languages."""
    close = difflib.get_close_matches(word, list(known), n=1)
    return {"hint_vi": f"; có phải ý bạn là `{close[0]}`?" if close else "",
            "hint_en": f"; did you mean `{close[0]}`?" if close else ""}


def read_data_file(path: Path, spec: SheetSpec, label: str, issues: list[LoadIssue]) -> Sheet | None:
    """A data file whose header matches `spec`, or None with the reasons recorded."""
    sheet = read_csv_file(path, spec.name, label, issues)
    if sheet is None:
        return None
    found = header_issues(sheet, spec)
    issues.extend(found)
    return None if found else sheet


def duplicates(label: str, column: str, keys: Iterable[tuple[int, str]], issues: list[LoadIssue]) -> None:
    """Each key used again, reported on the row that repeats it with the row that used it first."""
    first: dict[str, int] = {}
    for row, key in keys:
        if not key:  # a blank key is reported where it is read
            continue
        if key in first:
            issues.append(LoadIssue(ErrorCode.DUPLICATE_ID, label, row, column, {"value": key, "first_row": first[key]}))
        else:
            first[key] = row


class Row:
    """Typed access to one row of a sheet; a bad cell becomes an issue and its getter returns None."""

    def __init__(self, sheet: Sheet, number: int, cells: dict[str, str], issues: list[LoadIssue]):
        self.sheet, self.number, self.cells, self.issues = sheet, number, cells, issues
        self._start = len(issues)

    @property
    def ok(self) -> bool:
        """No issue was recorded for this row so far."""
        return len(self.issues) == self._start

    def issue(self, code: ErrorCode, column: str | None, /, **params: object) -> None:
        self.issues.append(LoadIssue(code, self.sheet.label, self.number, column, dict(params)))

    def text(self, column: str, required: bool = False) -> str:
        value = (self.cells.get(column) or "").strip()
        if required and not value:
            self.issue(ErrorCode.VALUE_REQUIRED, column)
        return value

    def pair(self, name: str, required: bool = True) -> tuple[str, str]:
        """The `name::vi` and `name::en` cells; both are needed when one is given or `required`."""
        vi, en = self.text(f"{name}::vi"), self.text(f"{name}::en")
        if required or vi or en:
            for lang, value in (("vi", vi), ("en", en)):
                if not value:
                    self.issue(ErrorCode.TEXT_MISSING, f"{name}::{lang}", language=LANG_NAMES[lang])
        return vi, en

    def option(self, column: str, options: Iterable[str], required: bool = True) -> str | None:
        value = self.text(column)
        options = tuple(options)
        if not value and not required:
            return ""
        if value not in options:
            if value:
                self.issue(ErrorCode.BAD_OPTION, column, value=value, options=", ".join(options))
            else:
                self.issue(ErrorCode.VALUE_REQUIRED, column)
            return None
        return value

    def yes_no(self, column: str) -> bool | None:
        """A yes/no cell (`criteria.yes_no`); in the data files a blank cell is "no"."""
        value = self.text(column)
        answer = yes_no(value) if value else False
        if answer is None:
            self.issue(ErrorCode.BAD_OPTION, column, value=value, options="yes, no")
        return answer

    def integer(self, column: str, required: bool = True, low: int | None = None) -> int | None:
        value = self.text(column, required)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.issue(ErrorCode.BAD_INTEGER, column, value=value)
            return None
        if low is not None and number < low:
            self.issue(ErrorCode.OUT_OF_RANGE, column, value=value, low=low, high="∞")
            return None
        return number

    def day(self, column: str, required: bool = False) -> date | None:
        value = self.text(column, required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.issue(ErrorCode.BAD_DATE, column, value=value)
            return None

    def ids(self, column: str, known: Iterable[str], target: str, required: bool = True) -> tuple[str, ...]:
        """A `|`-separated list of ids, each of which must be in `known`."""
        ids = tuple(s.strip() for s in self.text(column, required).split("|") if s.strip())
        known = set(known)
        for value in ids:
            if value not in known:
                self.issue(ErrorCode.UNKNOWN_REFERENCE, column, value=value, target=target)
        return ids


def rows(sheet: Sheet, issues: list[LoadIssue]) -> Iterable[Row]:
    for number, cells in sheet.rows:
        yield Row(sheet, number, cells, issues)
