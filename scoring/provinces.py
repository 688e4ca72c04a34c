"""Provinces of Viet Nam after the 2025 reorganisation (Resolution 202/2025/QH15: 63 units became 34 from
1 July 2025), with the old names mapped to their new unit. The data is `criteria/provinces.csv`, read and checked by
`criteria.provinces`; this module only matches names against the units it loaded.

Matching ignores accents, case, punctuation, tone-mark placement (Hòa/Hoà) and the prefixes "Thành phố", "TP",
"Tỉnh", so "TP. Hồ Chí Minh", "tp hcm", "Ho Chi Minh City" and "Thành phố Hồ Chí Minh" are the same unit.
Matching is pure: no file is read here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
                if fold(alias):
                    self._keys.setdefault(fold(alias), match_key(p))

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
