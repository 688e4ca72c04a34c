"""The provinces of Viet Nam after the 2025 reorganisation (Resolution 202/2025/QH15: 63 units became 34 from
1 July 2025), from `criteria/provinces.csv`: the 34 current units and the 29 former ones merged into them, with the
spellings offices use. Read and checked here (every problem collected and raised as one `CriteriaLoadError` naming
file, row and column), and matched here: the table finds the unit any spelling refers to.

Matching ignores accents, case, punctuation, tone-mark placement (Hòa/Hoà) and the prefixes "Thành phố", "TP",
"Tỉnh", so "TP. Hồ Chí Minh", "tp hcm", "Ho Chi Minh City" and "Thành phố Hồ Chí Minh" are the same unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.folding import fold, fold_array
from criteria.paths import law_dir, provinces_file
from criteria.sheets import Row, SheetSpec, duplicates, read_data_file, rows

_PREFIX = re.compile(r"^(?:thanh pho|tp|t p|tinh) +")
_SUFFIX = re.compile(r" +(?:city|province)$")


def place_key(text: str) -> str:
    """The matching key of a place name: folded (`criteria.folding.fold`), without "tỉnh"/"thành phố"/"city"/
    "province" and without spaces, so "TP. Hồ Chí Minh" and "Ho Chi Minh City" meet."""
    return _SUFFIX.sub("", _PREFIX.sub("", fold(text))).replace(" ", "")


def place_keys(arr: pa.Array) -> pa.Array:
    """`place_key` for an arrow string array."""
    arr = pc.replace_substring_regex(pc.replace_substring_regex(fold_array(arr), _PREFIX.pattern, ""),
                                     _SUFFIX.pattern, "")
    return pc.replace_substring(arr, " ", "")


@dataclass(frozen=True)
class Province:
    name: str  # Vietnamese, with diacritics
    type: str  # city | province (the current units) or former (a pre-2025 unit)
    province: str  # the current unit: itself, or the unit a former one was merged into
    name_en: str
    aliases: tuple[str, ...] = ()  # other spellings offices use

    @property
    def current(self) -> bool:
        return self.type != "former"

    @property
    def full_name(self) -> str:
        if self.type == "city":
            return f"Thành phố {self.name}"
        if self.type == "province":
            return f"Tỉnh {self.name}"
        return self.name


@dataclass(frozen=True)
class ProvinceMatch:
    province: Province  # the current unit
    former: Province | None  # the pre-2025 unit named in the input, if any

    @property
    def name(self) -> str:
        return self.province.name

    def note(self) -> tuple[str, str] | None:
        """(vi, en) text telling the user an old name was mapped; None for a current name."""
        if self.former is None:
            return None
        return (f"{self.former.name} (cũ) → {self.province.full_name} (từ 01/7/2025)",
                f"{self.former.name_en} (former) → {self.province.name_en} (from 1 Jul 2025)")


def match_key(province: Province) -> tuple[str, str | None]:
    """What a name of this unit matches: (the current unit, the former unit named or None)."""
    return province.province, None if province.current else province.name


def spellings(province: Province) -> list[str]:
    """Every name a unit is matched by."""
    return [province.name, province.name_en, *province.aliases]


class ProvinceTable:
    """The units, indexed by the folded form of each of their names. The loader has checked that no two units share
    a folded name; if they did, the first would win."""

    def __init__(self, units: Iterable[Province]):
        self.units: dict[str, Province] = {p.name: p for p in units}
        self._keys: dict[str, tuple[str, str | None]] = {}  # key -> (current name, former name or None)
        for p in self.units.values():
            for alias in spellings(p):
                if place_key(alias):
                    self._keys.setdefault(place_key(alias), match_key(p))

    @property
    def current(self) -> list[Province]:
        return [p for p in self.units.values() if p.current]

    @property
    def former(self) -> list[Province]:
        return [p for p in self.units.values() if not p.current]

    def match(self, text: str | None) -> ProvinceMatch | None:
        if text is None:
            return None
        hit = self._keys.get(place_key(text))
        if hit is None:
            return None
        current, former = hit
        return ProvinceMatch(self.units[current], self.units[former] if former else None)

    def match_distinct(self, raw: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Match each distinct cell once: (index of each cell's distinct value; for each distinct value the current
        name or None, the former name given or None, and whether it is blank). Nulls count as blank."""
        if isinstance(raw, pa.ChunkedArray):
            raw = raw.combine_chunks()
        enc = pc.dictionary_encode(pc.fill_null(raw, ""))
        codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        keys = place_keys(enc.dictionary).to_pylist()
        cur = np.array([self._keys.get(k, (None, None))[0] for k in keys], dtype=object)
        old = np.array([self._keys.get(k, (None, None))[1] for k in keys], dtype=object)
        return codes, cur, old, np.array([k == "" for k in keys], dtype=bool)

    def match_series(self, s: pd.Series) -> pd.DataFrame:
        """For each cell: `province` (current name, or NA if unknown or blank), `former` (the old name given, or NA)
        and `blank`."""
        codes, cur, old, blank = self.match_distinct(pa.array(s.astype("string[pyarrow]").array))
        return pd.DataFrame({"province": pd.Series(cur[codes], index=s.index, dtype="string"),
                             "former": pd.Series(old[codes], index=s.index, dtype="string"),
                             "blank": blank[codes]}, index=s.index)


# ----------------------------------------------------------------------------------------------- reading

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
            key = place_key(spelling)
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


def provinces_if_valid() -> ProvinceTable | None:
    """The data files' province table, or None when provinces.csv has problems: its own loader reports them, so a
    file whose names are checked against it (law/agencies.csv, law/cccd_provinces.csv) skips that check rather than
    repeating them."""
    try:
        return load_provinces()
    except CriteriaLoadError:
        return None


def match_province(text: str | None) -> ProvinceMatch | None:
    """The current province a name (current or pre-2025, any spelling) refers to, from the data files' table."""
    return load_provinces().match(text)


# ---------------------------------------------------------------------------------------- provincial agencies

AGENCY_SPEC = SheetSpec("agencies", ("province", "effective_from", "source"), ("province", "effective_from", "source"),
                        ("labour", "child", "legal_basis"), ("labour", "child", "legal_basis"))
AGENCY_LABEL = "law/agencies.csv"


@dataclass(frozen=True)
class Agencies:
    """Where a company of a province sends a child-labour referral (law/agencies.csv): the provincial People's
    Committee's labour agency, and its child-protection agency (copied)."""

    province: str  # the current unit
    labour: tuple[str, str]  # (vi, en)
    child: tuple[str, str]
    effective_from: date
    legal_basis: tuple[str, str]


# The Labour Code's own words, used where no agency of the province is on file for the day (LC 2019 art. 145(3)).
NEUTRAL_LABOUR = ("cơ quan chuyên môn về lao động thuộc Ủy ban nhân dân cấp tỉnh",
                  "the labour agency of the provincial People's Committee")


def read_agencies(path: Path | None = None, provinces: ProvinceTable | None = None) -> dict[str, Agencies]:
    """Read and check the agencies file: one row per current province (every one of them), names in both
    languages, the day they apply from and the legal basis; raise every problem at once."""
    path = path or law_dir() / "agencies.csv"
    provinces = provinces if provinces is not None else provinces_if_valid()
    issues: list[LoadIssue] = []
    sheet = read_data_file(path, AGENCY_SPEC, AGENCY_LABEL, issues)
    out: dict[str, Agencies] = {}
    if sheet is not None:
        named = {(c.get("province") or "").strip() for _, c in sheet.rows}
        current = {p.name for p in provinces.current} if provinces is not None else named
        duplicates(AGENCY_LABEL, "province", [(n, (c.get("province") or "").strip()) for n, c in sheet.rows], issues)
        for row in rows(sheet, issues):
            name = row.text("province", required=True)
            labour, child, basis = row.pair("labour"), row.pair("child"), row.pair("legal_basis")
            since = row.day("effective_from", required=True)
            row.text("source", required=True)
            if name and name not in current:
                row.issue(ErrorCode.UNKNOWN_REFERENCE, "province", value=name, target="provinces.csv (city, province)")
            elif row.ok and since is not None and name not in out:
                out[name] = Agencies(name, labour, child, since, basis)
        missing = sorted(current - named)
        if missing:
            issues.append(LoadIssue(ErrorCode.ROWS_MISSING, AGENCY_LABEL, None, "province",
                                    {"values": ", ".join(missing)}))
    if issues or sheet is None:
        raise CriteriaLoadError(issues, str(path))
    return out


@lru_cache(maxsize=4)
def _agencies_cached(path: str) -> dict[str, Agencies]:
    return read_agencies(Path(path))


def load_agencies(path: Path | None = None) -> dict[str, Agencies]:
    """The agencies table, read once per process (per file); default: the one of the data files."""
    return _agencies_cached(str(path or law_dir() / "agencies.csv"))


def agencies_for(province: str | None, on: date) -> Agencies | None:
    """The agencies of the province a name refers to (current or pre-2025, any spelling) on a day; None when the
    name is unknown or no row applies that day (the letter then uses the Labour Code's neutral wording)."""
    matched = match_province(province)
    if matched is None:
        return None
    found = load_agencies().get(matched.name)
    return found if found is not None and on >= found.effective_from else None
