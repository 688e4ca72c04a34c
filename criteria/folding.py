"""Vietnamese text folded for matching: "Thành phố  Hồ Chí Minh" and "thanh-pho ho chi minh" → "thanh pho ho chi
minh". One rule, in two forms that the tests prove equal on any text (tests/test_folding.py): `fold` for one string
and `fold_array` for an arrow column (pyarrow kernels, no Python loop per cell).

The rule: lower case; "đ" as "d"; accents and tone marks off (NFD, combining marks U+0300–U+036F dropped); every run
of characters other than a–z and 0–9 becomes one space; no leading or trailing space."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_MARKS = re.compile("[\u0300-\u036f]")
_OTHER = re.compile("[^a-z0-9]+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    t = unicodedata.normalize("NFD", str(text).lower().replace("đ", "d"))
    return _OTHER.sub(" ", _MARKS.sub("", t)).strip()


def fold_array(arr: Any) -> Any:
    """`fold` for an arrow string array (or chunked array); nulls fold to ""."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = pc.replace_substring(pc.utf8_lower(pc.fill_null(arr.cast(pa.string()), "")), "đ", "d")
    arr = pc.replace_substring_regex(pc.utf8_normalize(arr, "NFD"), _MARKS.pattern, "")
    return pc.utf8_trim(pc.replace_substring_regex(arr, _OTHER.pattern, " "), " ")


def fold_series(s: Any) -> Any:
    """`fold` for a pandas column, as a string column on the same index."""
    import pandas as pd
    import pyarrow as pa

    folded = fold_array(pa.array(s.astype("string[pyarrow]").array))
    return pd.Series(pd.arrays.ArrowStringArray(folded), index=s.index, dtype="string")
