"""Provinces of Viet Nam after the 2025 reorganisation (Resolution 202/2025/QH15: 63 units became 34 from
1 July 2025), with the old names mapped to their new unit. The data is `criteria/provinces.csv`; this module only
matches names against it.

Matching ignores accents, case, punctuation, tone-mark placement (Hòa/Hoà) and the prefixes "Thành phố", "TP",
"Tỉnh", so "TP. Hồ Chí Minh", "tp hcm", "Ho Chi Minh City" and "Thành phố Hồ Chí Minh" are the same unit.
Reading the shipped file happens once; matching is pure.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PROVINCES_FILE = Path(__file__).resolve().parent.parent / "criteria" / "provinces.csv"

_PREFIX = re.compile(r"^(?:thanh pho|tp|t p|tinh) +")
_SUFFIX = re.compile(r" +(?:city|province)$")


def fold(text: str) -> str:
    """The matching key of a place name: no accents, lower case, no prefix, no spaces."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = _SUFFIX.sub("", _PREFIX.sub("", text))
    return text.replace(" ", "")


def fold_series(s: pd.Series) -> pd.Series:
    """`fold` for a whole column, with pandas string operations."""
    s = s.astype("string").fillna("").str.replace("đ", "d").str.replace("Đ", "D").str.normalize("NFD")
    s = s.str.replace("[\u0300-\u036f]", "", regex=True).str.lower()
    s = s.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    s = s.str.replace(_PREFIX.pattern, "", regex=True).str.replace(_SUFFIX.pattern, "", regex=True)
    return s.str.replace(" ", "", regex=False)


def fold_array(arr: pa.Array) -> pa.Array:
    """`fold_series` on an arrow string array: the same pyarrow kernels, without pandas around each step."""
    arr = pc.replace_substring(pc.replace_substring(pc.fill_null(arr, ""), "đ", "d"), "Đ", "D")
    arr = pc.utf8_lower(pc.replace_substring_regex(pc.utf8_normalize(arr, "NFD"), "[\u0300-\u036f]", ""))
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"[^a-z0-9]+", " "))
    arr = pc.replace_substring_regex(pc.replace_substring_regex(arr, _PREFIX.pattern, ""), _SUFFIX.pattern, "")
    return pc.replace_substring(arr, " ", "")


@dataclass(frozen=True)
class Province:
    name: str  # Vietnamese, with diacritics
    type: str  # city | province (the current units) or former (a pre-2025 unit)
    province: str  # the current unit: itself, or the unit a former one was merged into
    name_en: str

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


class ProvinceTable:
    def __init__(self, rows: list[dict[str, str]]):
        self.units: dict[str, Province] = {}
        self._keys: dict[str, tuple[str, str | None]] = {}  # key -> (current name, former name or None)
        for r in rows:
            p = Province(r["name"].strip(), r["type"].strip(), r["province"].strip(), r["name_en"].strip())
            self.units[p.name] = p
        aliases = {r["name"].strip(): (r.get("aliases") or "").split("|") for r in rows}
        for p in self.units.values():
            target = (p.province, None if p.current else p.name)
            for alias in [p.name, p.name_en, *filter(None, (a.strip() for a in aliases[p.name]))]:
                key = fold(alias)
                if key in self._keys and self._keys[key] != target:
                    raise ValueError(f"provinces.csv: '{alias}' matches both {self._keys[key]} and {target}")
                self._keys[key] = target

    @property
    def current(self) -> list[Province]:
        return [p for p in self.units.values() if p.current]

    @property
    def former(self) -> list[Province]:
        return [p for p in self.units.values() if not p.current]

    def match(self, text: str | None) -> ProvinceMatch | None:
        if text is None:
            return None
        hit = self._keys.get(fold(text))
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
        keys = fold_array(enc.dictionary).to_pylist()
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


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=4)
def load_provinces(path: Path = PROVINCES_FILE) -> ProvinceTable:
    return ProvinceTable(read_rows(path))


def match_province(text: str | None) -> ProvinceMatch | None:
    """The current province a name (current or pre-2025, any spelling) refers to, from the shipped table."""
    return load_provinces().match(text)
