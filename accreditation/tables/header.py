"""Finding the header row (a title block, such as Form 06's, may sit above it) and mapping each header cell to a
canonical column through the spec's aliases; bilingual headers ("Ngày sinh / Date of birth") match by either part."""

from __future__ import annotations

import re
from dataclasses import dataclass

from accreditation.i18n import catalog_text
from accreditation.tables.limits import MAX_COLUMNS
from accreditation.tables.result import TableError
from criteria.column_specs import TableSpec, normalise_header

HEADER_SCAN_ROWS = 20  # a title block (Form 06 has one) may sit above the header


@dataclass
class Header:
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
    # Text headers such as "Ngày sinh / Date of birth" or "Ngày sinh (dd/mm/yyyy)"
    for part in re.split(r"[/()\[\]\n|]+", str(cell)):
        k = normalise_header(part)
        if k in index:
            return index[k]
    return None


def find_header(rows: list[list[str]], spec: TableSpec) -> Header | None:
    index = spec.alias_index()
    best: Header | None = None
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
            best, best_score = Header(i, [str(c) for c in cells], mapping, duplicates, unmatched), score
    return best


def check_required(header: Header | None, spec: TableSpec, filename: str, sheet: str | None = None) -> Header:
    found = set(header.mapping.values()) if header else set()
    missing = [c for c in spec.required if c.name not in found]
    if header is None or not header.mapping or missing:
        cols = missing or list(spec.required)
        raise TableError(
            catalog_text("imports.missing_columns", "vi", file=filename, where=_where(sheet, "vi"),
              columns="; ".join(f"{c.name} ({c.label.vi})" for c in cols)),
            catalog_text("imports.missing_columns", "en", file=filename, where=_where(sheet, "en"),
              columns="; ".join(f"{c.name} ({c.label.en})" for c in cols)),
        )
    return header


def check_width(header: Header, filename: str) -> Header:
    """A header of more than MAX_COLUMNS cells (blank ones at its end do not count) is not a table of ours."""
    width = len(header.cells)
    while width and not header.cells[width - 1].strip():
        width -= 1
    if width > MAX_COLUMNS:
        raise TableError.from_key("imports.too_many_columns", file=filename, columns=f"{width:,}",
                                  max=f"{MAX_COLUMNS:,}")
    return header


def _where(sheet: str | None, lang: str) -> str:
    return catalog_text("imports.in_sheet", lang, sheet=sheet) if sheet is not None else ""
