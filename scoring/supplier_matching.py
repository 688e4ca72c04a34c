"""What the supply-chain rules read from a supplier list: its columns as typed arrays, its supplier types mapped to
the risk tables' types, and the USDOL goods and NCLS sectors its products and sector name match. Text columns stay
arrow arrays and are matched once per distinct value (products, sectors and types repeat heavily)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from criteria.risk_tables import PUNCT, TYPES, Good, RiskData
from criteria.folding import fold_array, fold_series


def column(frame: pd.DataFrame, name: str, n: int, dtype: str) -> pd.Series:
    """A column as `dtype` ("boolean", "float", "datetime" or "string"); a missing column is all blank."""
    if name in frame.columns:
        s = frame[name]
        if dtype == "boolean":
            return s.astype("boolean")
        if dtype == "float":
            return pd.to_numeric(s, errors="coerce").astype(float)
        if dtype == "datetime":
            return pd.to_datetime(s, errors="coerce")
        return s.astype("string")
    if dtype == "boolean":
        return pd.Series(pd.array([pd.NA] * n, dtype="boolean"), index=frame.index)
    if dtype == "float":
        return pd.Series(np.nan, index=frame.index, dtype=float)
    if dtype == "datetime":
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def text(frame: pd.DataFrame, name: str, n: int) -> pa.Array:
    """A text column as one arrow string array (nulls for blanks); the importer's columns are arrow already."""
    if name not in frame.columns:
        return pa.nulls(n, pa.string())
    s = frame[name]
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        s = s.astype("string[pyarrow]")
    arr = pa.array(s.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string()) if arr.type != pa.string() else arr


def distinct(arr: pa.Array) -> tuple[np.ndarray, list[Any]]:
    """(index of each cell's distinct value, -1 for null; the distinct values)."""
    enc = pc.dictionary_encode(arr)
    codes = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, enc.dictionary.to_pylist()


def map_types(raw: pa.Array, data: RiskData) -> tuple[np.ndarray, np.ndarray]:
    """(index into TYPES or -1, mask of cells filled with something that is no known type)."""
    enc = pc.dictionary_encode(raw)
    codes = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    aliases = data.type_aliases
    known = np.array([TYPES.index(aliases[k]) if k in aliases else -1 for k in fold_array(enc.dictionary).to_pylist()]
                     + [-1], dtype=np.int64)
    filled = np.append(np.asarray(pc.not_equal(pc.utf8_trim_whitespace(enc.dictionary), "")
                                  .to_numpy(zero_copy_only=False), dtype=bool), False)
    typ = known[codes]  # a null cell (code -1) picks the appended -1 / False
    return typ, filled[codes] & (typ < 0)


def match_goods(products: pa.Array, sector: pa.Array,
                data: RiskData) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(goods matched per row, n × len(data.goods); sectors matched per row, n × len(data.sectors); each row's
    distinct (products, sector) pair; goods matched per pair). Matching runs once per distinct pair."""
    p_codes, p_uniques = distinct(products)
    s_codes, s_uniques = distinct(sector)
    width = len(s_uniques) + 1
    pair_codes, pairs = pd.factorize((p_codes + 1) * width + (s_codes + 1))
    p_text, s_text = [""] + p_uniques, [""] + s_uniques
    texts = [p_text[v // width] + " " + s_text[v % width] for v in pairs.tolist()]
    goods_u, sectors_u = match_texts(texts, data.goods, data.sectors)
    return goods_u[pair_codes], sectors_u[pair_codes], pair_codes, goods_u


def match_texts(texts: list[str], *tables: tuple[Good, ...]) -> list[np.ndarray]:
    """For each table of goods: len(texts) × len(table) booleans, which items' keywords occur in each text as whole
    words. The caller passes distinct texts, so matching runs once per distinct text: each text's runs of up to as
    many words as the longest keyword are looked up in the keyword sets (no regex to compile per keyword list)."""
    u = pd.Series(texts, dtype="string")
    acc = u.str.normalize("NFC").str.lower().str.replace(PUNCT, " ", regex=True)
    plain = fold_series(u)
    items = [g for table in tables for g in table]
    longest = max((k.count(" ") + 1 for g in items for k in g.keywords_accented | g.keywords_plain), default=1)
    hits = np.zeros((len(texts), len(items)), dtype=bool)
    for i, (a, p) in enumerate(zip(acc.tolist(), plain.tolist())):
        ga, gp = _runs(a, longest), _runs(p, longest)
        hits[i] = [not (g.keywords_accented.isdisjoint(ga) and g.keywords_plain.isdisjoint(gp)) for g in items]
    out, start = [], 0
    for table in tables:
        out.append(hits[:, start:start + len(table)])
        start += len(table)
    return out


def _runs(text: str, longest: int) -> set[str]:
    """Every run of 1..longest consecutive words of a text whose words are separated by single spaces."""
    words = text.split(" ")
    return {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(i + longest, len(words)) + 1)}
