"""`criteria/provinces.csv`: the 34 provincial units since 1 July 2025 and the 29 former ones merged into them
(Resolution 202/2025/QH15), with the spellings offices use. Read and checked here, every problem collected and
raised as one `CriteriaLoadError` naming file, row and column; `scoring.provinces` matches names against it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.paths import provinces_file
from criteria.sheets import Row, SheetSpec, duplicates, read_data_file, rows
from scoring.provinces import Province, ProvinceMatch, ProvinceTable, fold, match_key, spellings

SPEC = SheetSpec("provinces", ("name", "type", "province", "name_en", "aliases", "source", "note"),
                 ("name", "type", "province", "name_en"))
TYPES = ("city", "province", "former")
LABEL = "provinces.csv"


def _unit(row: Row) -> Province | None:
    name, kind = row.text("name", required=True), row.option("type", TYPES)
    province, name_en = row.text("province", required=True), row.text("name_en", required=True)
    aliases = tuple(a.strip() for a in row.text("aliases").split("|") if a.strip())
    if not row.ok or kind is None:
        return None
    if kind != "former" and province != name:  # a current unit is its own province
        row.issue(ErrorCode.BAD_OPTION, "province", value=province, options=name)
        return None
    return Province(name, kind, province, name_en, aliases)


def _check_references(units: list[tuple[int, Province]], current: set[str], issues: list[LoadIssue]) -> None:
    """A former unit names a current one; no spelling of one unit is a spelling of another."""
    taken: dict[str, tuple[tuple[str, str | None], str]] = {}  # folded spelling -> (what it matches, unit)
    for row, p in units:
        if not p.current and p.province not in current:
            issues.append(LoadIssue(ErrorCode.UNKNOWN_REFERENCE, LABEL, row, "province",
                                    {"value": p.province, "target": "provinces.csv (city, province)"}))
        for column, spelling in zip(("name", "name_en", *["aliases"] * len(p.aliases)), spellings(p)):
            key = fold(spelling)
            if not key:
                continue
            target, owner = taken.setdefault(key, (match_key(p), p.name))
            if target != match_key(p):
                issues.append(LoadIssue(ErrorCode.ALIAS_TAKEN, LABEL, row, column, {"value": spelling, "other": owner}))


def read_provinces(path: Path | None = None) -> ProvinceTable:
    """Read and check the provinces file (default: the one of the data files); raise every problem at once."""
    path = path or provinces_file()
    issues: list[LoadIssue] = []
    sheet = read_data_file(path, SPEC, LABEL, issues)
    units: list[tuple[int, Province]] = []
    if sheet is not None:
        duplicates(LABEL, "name", [(n, (c.get("name") or "").strip()) for n, c in sheet.rows], issues)
        for row in rows(sheet, issues):
            unit = _unit(row)
            if unit is not None:
                units.append((row.number, unit))
        # current units: every row typed city or province, even one with a problem (reported once, not per reference)
        current = {(c.get("name") or "").strip() for _, c in sheet.rows if (c.get("type") or "").strip() in TYPES[:2]}
        _check_references(units, current, issues)
    if issues or sheet is None:
        raise CriteriaLoadError(issues, str(path))
    return ProvinceTable(p for _, p in units)


@lru_cache(maxsize=4)
def _cached(path: str) -> ProvinceTable:
    return read_provinces(Path(path))


def load_provinces(path: Path | None = None) -> ProvinceTable:
    """The province table, read once per process (per file); default: the one of the data files."""
    return _cached(str(path or provinces_file()))


def match_province(text: str | None) -> ProvinceMatch | None:
    """The current province a name (current or pre-2025, any spelling) refers to, from the data files' table."""
    return load_provinces().match(text)
