"""What reading an uploaded table gives: the typed frame with how it was read (`ImportedTable`), the cells that
did not parse (`CellProblem`, the caller decides what they mean), or a whole-file `TableError`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from accreditation.errors import UserError
from accreditation.i18n import catalog_text


class TableError(UserError):
    """A whole-file problem: unreadable, empty, wrong sheet, missing required column, ragged rows."""

    @classmethod
    def from_key(cls, key: str, **params: object) -> "TableError":
        return cls(catalog_text(key, "vi", **params), catalog_text(key, "en", **params))


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
