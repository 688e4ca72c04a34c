"""The province codes that open a 12-digit personal identification number (số định danh cá nhân, the CCCD number):
the code of the province where the birth was registered, from `criteria/law/cccd_provinces.csv` (Circular
07/2016/TT-BCA, Appendix I: 63 codes, 001 Hà Nội to 096 Cà Mau, with gaps; docs/legal-sources.md §10).

The codes are those of the 63 units before the 2025 reorganisation; a number keeps them for life, so each row names
the former unit, and `province_of` tells the current one through `criteria/provinces.csv`. Read and checked like
every data file (all problems raised together as one `CriteriaLoadError` naming file, row and column)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.paths import law_dir
from criteria.provinces import match_province, provinces_if_valid
from criteria.sheets import SheetSpec, duplicates, read_data_file, rows

SPEC = SheetSpec("cccd_provinces", ("code", "name", "source"), ("code", "name", "source"))
LABEL = "law/cccd_provinces.csv"


def cccd_codes_file() -> Path:
    return law_dir() / "cccd_provinces.csv"


@dataclass(frozen=True)
class CccdProvince:
    code: str  # three digits
    name: str  # the unit as named in the circular (a pre-2025 unit)
    source: str


def read_cccd_codes(path: Path | None = None) -> dict[str, CccdProvince]:
    """Code -> unit, from the file (default: the one of the data files); every problem raised at once."""
    path = path or cccd_codes_file()
    issues: list[LoadIssue] = []
    sheet = read_data_file(path, SPEC, LABEL, issues)
    out: dict[str, CccdProvince] = {}
    provinces = provinces_if_valid()
    if sheet is not None:
        duplicates(LABEL, "code", [(n, (c.get("code") or "").strip()) for n, c in sheet.rows], issues)
        for row in rows(sheet, issues):
            code, name, source = (row.text("code", required=True), row.text("name", required=True),
                                  row.text("source", required=True))
            if code and not re.fullmatch(r"[0-9]{3}", code):
                row.issue(ErrorCode.BAD_OPTION, "code", value=code, options="000–999")
                continue
            if row.ok and provinces is not None and provinces.match(name) is None:  # a current or former unit
                row.issue(ErrorCode.UNKNOWN_REFERENCE, "name", value=name, target="provinces.csv")
            elif row.ok:
                out.setdefault(code, CccdProvince(code, name, source))
    if issues or sheet is None:
        raise CriteriaLoadError(issues, str(path))
    return out


@lru_cache(maxsize=4)
def _cached(path: str) -> dict[str, CccdProvince]:
    return read_cccd_codes(Path(path))


def load_cccd_codes(path: Path | None = None) -> dict[str, CccdProvince]:
    """The code list, read once per process (per file)."""
    return _cached(str(path or cccd_codes_file()))


def province_of(code: str) -> str | None:
    """The current province (since 1 Jul 2025) of a birth-registration code, or None for a code not on the list."""
    unit = load_cccd_codes().get(code)
    match = match_province(unit.name) if unit else None
    return match.name if match else None
