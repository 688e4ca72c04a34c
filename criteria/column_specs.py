"""The column specs of the tables offices upload (`criteria/columns/<name>.csv`: roster, suppliers): each column's
canonical name, kind, whether it is required, the headers it is known by and its bilingual label. Read and checked
here, every problem collected and raised as one `CriteriaLoadError` naming file, row and column; the importer
(`accreditation.tables`) reads uploads against them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from criteria.folding import fold
from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.paths import columns_dir
from criteria.sheets import SheetSpec, duplicates, read_data_file, rows
from criteria.text import Text

KINDS = ("text", "date", "int", "number", "bool", "code")
NAMES = ("roster", "suppliers")  # the specs the application reads
SPEC = SheetSpec("columns", ("name", "kind", "required", "aliases"), ("name", "kind", "required"),
                 ("label", "description"), ("label",))
_NAME = re.compile(r"[a-z][a-z0-9_]*")


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

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every header this column is known by."""
        return (self.name, self.label.vi, self.label.en, *self.aliases)


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
        """Normalised header -> canonical column name."""
        return _alias_index(self)


def normalise_header(text: Any) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive key: "Ngày  sinh" and "ngay_sinh" -> "ngay sinh"."""
    return fold(str(text or ""))


@lru_cache(maxsize=None)
def _alias_index(spec: TableSpec) -> dict[str, str]:
    index: dict[str, str] = {}
    for col in spec.columns:
        for alias in col.spellings:
            key = normalise_header(alias)
            if key:
                index.setdefault(key, col.name)
    return index


def read_table_spec(name: str, folder: Path | None = None) -> TableSpec:
    """Read and check `columns/<name>.csv` (default folder: the data files'); raise every problem at once."""
    folder = folder or columns_dir()
    label = f"columns/{name}.csv"
    issues: list[LoadIssue] = []
    sheet = read_data_file(folder / f"{name}.csv", SPEC, label, issues)
    if sheet is None:
        raise CriteriaLoadError(issues, str(folder))
    duplicates(label, "name", [(n, (c.get("name") or "").strip()) for n, c in sheet.rows], issues)
    columns: list[ColumnSpec] = []
    seen: dict[str, str] = {}  # normalised header -> column
    for row in rows(sheet, issues):
        col_name, kind, required = row.text("name", required=True), row.option("kind", KINDS), row.yes_no("required")
        if col_name and not _NAME.fullmatch(col_name):
            row.issue(ErrorCode.BAD_NAME, "name", value=col_name)
        aliases = tuple(a.strip() for a in row.text("aliases").split("|") if a.strip())
        (label_vi, label_en), (desc_vi, desc_en) = row.pair("label"), row.pair("description", required=False)
        col = ColumnSpec(col_name, kind or "", bool(required), aliases, Text(vi=label_vi, en=label_en),
                         Text(vi=desc_vi, en=desc_en))
        for column, alias in zip(("name", "label::vi", "label::en", *["aliases"] * len(aliases)), col.spellings):
            key = normalise_header(alias)
            if key and seen.setdefault(key, col_name) != col_name:
                row.issue(ErrorCode.ALIAS_TAKEN, column, value=alias, other=seen[key])
        if row.ok:
            columns.append(col)
    if issues:
        raise CriteriaLoadError(issues, str(folder))
    return TableSpec(name, tuple(columns))


@lru_cache(maxsize=8)
def _cached(name: str, folder: str) -> TableSpec:
    return read_table_spec(name, Path(folder))


def load_table_spec(name: str, folder: Path | None = None) -> TableSpec:
    """`read_table_spec`, once per process (per folder)."""
    return _cached(name, str(folder or columns_dir()))
