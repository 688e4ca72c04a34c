"""Supply-chain risk flags: each supplier of a company's list gets a risk level (low, medium, high, critical), the
reasons that raised it, each citing its source, and the actions it calls for; the company gets a summary and the
derived answers of the supply-chain indicators (SC-01..SC-04, PRO-03).

Everything the rules use is data in `criteria/risk/` (USDOL goods, NCLS 2018 sector findings, supplier-type levels,
rule texts, actions, sources); see docs/suppliers.md for the rules and thresholds. Pure: the caller passes a typed
frame (canonical column names of `criteria/columns/suppliers.csv`), the date of the assessment and, optionally, a
function that tells a certificate's status. Vectorised: no Python loop per supplier on the way to the levels.

Privacy: a 12-digit tax code is a person's identification number. Outputs carry it masked (last 4 digits only),
and supplier names are never copied into results (a household's name is a person's name).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Literal, Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from criteria.provinces import load_provinces
from scoring.provinces import ProvinceTable, fold_array, fold_series
from criteria.risk_tables import LEVELS, RANK, TYPES, Good, RiskData, default_risk_data
from criteria.risk_tables import PUNCT as _PUNCT
from criteria.risk_tables import load_risk_data  # noqa: F401  (re-exported for callers)
from scoring.bilingual import Bilingual
from scoring.supplier_result import SupplierResult
from scoring.tax_codes import ERRORS, KINDS, TaxCodes, classify_array

INFORMAL_TYPES = ("household_business", "home_worker")
COMPANY_TYPES = ("factory", "labour_agency")  # types that cannot hold a personal tax code
FOCUS_SPEND_SHARE = 0.80  # spend-critical: the largest suppliers that together make up 80% of listed spend
AUDIT_MONTHS = 12
MAPPING_COMPLETE = 0.90  # share of suppliers with tier, type, province and products for SC-01 "yes"
CertificateStatus = Literal["active", "self_assessed", "suspended", "superseded", "expired", "revoked"]
CertificateLookup = Callable[[str], "Optional[str] | tuple[Optional[str], Optional[str]]"]
# What a lookup may answer; only "active" (a verified certificate in force) lowers the risk.
LOOKUP_STATES = ("active", "self_assessed", "suspended", "superseded", "expired", "revoked")
# New states go at the end: the summary's `certificates` counts keep their order in the CLI's JSON.
CERT_STATES = ("active", "expired", "revoked", "other_holder", "unknown", "unchecked", "self_assessed", "suspended",
               "superseded")

COLUMNS = ("supplier_name", "tax_code", "province", "sector", "products", "tier", "supplier_type", "workers",
           "has_signed_code_of_conduct", "age_verification_in_place", "last_audit_date", "subcontracting_allowed",
           "certificate_id", "annual_spend_vnd")


# ---------------------------------------------------------------------------------------------------- rules


def _column(frame: pd.DataFrame, name: str, n: int, dtype: str) -> pd.Series:
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


def _text(frame: pd.DataFrame, name: str, n: int) -> pa.Array:
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


def _distinct(arr: pa.Array) -> tuple[np.ndarray, list[Any]]:
    """(index of each cell's distinct value, -1 for null; the distinct values)."""
    enc = pc.dictionary_encode(arr)
    codes = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, enc.dictionary.to_pylist()


def _match_texts(texts: list[str], *tables: tuple[Good, ...]) -> list[np.ndarray]:
    """For each table of goods: len(texts) × len(table) booleans, which items' keywords occur in each text as whole
    words. The caller passes distinct texts, so matching runs once per distinct text: each text's runs of up to as
    many words as the longest keyword are looked up in the keyword sets (no regex to compile per keyword list)."""
    u = pd.Series(texts, dtype="string").str.normalize("NFC").str.lower()
    acc = u.str.replace(_PUNCT, " ", regex=True)
    plain = (acc.str.replace("đ", "d", regex=False).str.normalize("NFD")
             .str.replace("[\u0300-\u036f]", "", regex=True))
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


def _map_types(raw: pa.Array, data: RiskData) -> tuple[np.ndarray, np.ndarray]:
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


def assess_suppliers(frame: pd.DataFrame, as_of: date, data: RiskData | None = None,
                     certificate_status: CertificateLookup | None = None,
                     provinces: ProvinceTable | None = None, rows: Any = None,
                     problems: list[dict[str, Any]] | None = None) -> SupplierResult:
    """Flag every supplier of `frame` (canonical columns; see COLUMNS, missing optional ones count as blank).

    `rows`: the data-row numbers to report (default: the frame's index when it is 1-based integers, else 1..n).
    `certificate_status(id)` returns one of `LOOKUP_STATES` or None (not in the register), or a pair (state,
    holder's tax code) so that a certificate of another company is not counted; without it a certificate cannot be
    checked and does not lower the risk. Only 'active' (a verified certificate in force) lowers the level, by one;
    a self-assessment statement ('self_assessed'), a suspended or superseded document does not.

    Text columns stay arrow arrays and are worked on through their distinct values (products, sectors, types,
    provinces repeat heavily); per-row results are numpy arrays of codes until the result frame is built."""
    data = data or default_risk_data()
    provinces = provinces or load_provinces()
    n = len(frame)
    if rows is None:
        idx = frame.index
        rows = idx.to_numpy() if (pd.api.types.is_integer_dtype(idx) and (n == 0 or idx.min() >= 1)) \
            else np.arange(1, n + 1)
    rownum = np.asarray(rows, dtype=np.int64)
    as_of_ts = pd.Timestamp(as_of)
    problems = list(problems or [])

    tax = classify_array(_text(frame, "tax_code", n))
    prov_raw = _text(frame, "province", n)
    tier_np = _column(frame, "tier", n, "float").to_numpy(dtype=float)
    typ, type_unrecognised = _map_types(_text(frame, "supplier_type", n), data)
    workers = _column(frame, "workers", n, "float").to_numpy(dtype=float)
    coc = _column(frame, "has_signed_code_of_conduct", n, "boolean").fillna(False).to_numpy(dtype=bool)
    agev = _column(frame, "age_verification_in_place", n, "boolean").fillna(False).to_numpy(dtype=bool)
    subc = _column(frame, "subcontracting_allowed", n, "boolean").fillna(False).to_numpy(dtype=bool)
    audit = _column(frame, "last_audit_date", n, "datetime")
    cert = pc.utf8_trim_whitespace(_text(frame, "certificate_id", n))
    cert = pc.if_else(pc.equal(cert, ""), pa.scalar(None, pa.string()), cert)
    spend = _column(frame, "annual_spend_vnd", n, "float").to_numpy(dtype=float)

    kind = tax.kind
    personal = tax.personal
    # A 12-digit code with no type given: a household business (the code says so).
    typ = np.where((typ < 0) & personal, TYPES.index("household_business"), typ)

    # --- provinces: matched once per distinct name
    prov_codes, prov_cur_u, prov_old_u, prov_blank_u = provinces.match_distinct(prov_raw)
    prov_unknown = (~prov_blank_u & pd.isna(prov_cur_u))[prov_codes]

    # --- matches: once per distinct (products, sector) pair
    p_codes, p_uniques = _distinct(_text(frame, "products", n))
    s_codes, s_uniques = _distinct(_text(frame, "sector", n))
    pair_codes, pairs = pd.factorize((p_codes + 1) * (len(s_uniques) + 1) + (s_codes + 1))
    p_text, s_text = [""] + p_uniques, [""] + s_uniques
    texts = [p_text[v // (len(s_uniques) + 1)] + " " + s_text[v % (len(s_uniques) + 1)] for v in pairs.tolist()]
    goods_u, sectors_u = _match_texts(texts, data.goods, data.sectors)
    goods, sectors = goods_u[pair_codes], sectors_u[pair_codes]
    goods_cl = np.array([g.cl for g in data.goods], dtype=bool)
    goods_any = np.array([g.cl or g.fl for g in data.goods], dtype=bool)
    goods_focus = np.array([g.lower_tier_focus for g in data.goods], dtype=bool)
    listed = (goods & goods_any).any(axis=1) if n else np.zeros(0, bool)
    listed_cl = (goods & goods_cl).any(axis=1) if n else np.zeros(0, bool)
    listed_focus = (goods & goods_focus).any(axis=1) if n else np.zeros(0, bool)
    type_ids = {t_: TYPES.index(t_) for t_ in TYPES}
    informal = np.isin(typ, [type_ids[t_] for t_ in INFORMAL_TYPES]) | personal
    below_tier1 = np.nan_to_num(tier_np, nan=0) >= 2

    # --- the reason matrix, in data.reasons order
    cols: dict[str, np.ndarray] = {
        "rule:informal_listed_good": informal & listed_cl,
        "rule:personal_tax_code": personal,
        "rule:type_tax_mismatch": personal & np.isin(typ, [type_ids[t_] for t_ in COMPANY_TYPES]),
        "rule:below_tier1_listed": below_tier1 & listed_focus,
        "rule:subcontracting_listed": subc & listed,
        "rule:missing_tax_code": kind == KINDS.index("missing"),
        "rule:invalid_tax_code": kind == KINDS.index("invalid"),
        "rule:type_unknown": (typ < 0) & ~personal,
    }
    for t_, i in type_ids.items():
        cols[f"type:{t_}"] = typ == i
    for j, g in enumerate(data.goods):
        cols[f"good:{g.id}"] = goods[:, j]
    for j, s in enumerate(data.sectors):
        cols[f"sector:{s.id}"] = sectors[:, j]

    # --- certificates: looked up once per distinct id
    cert_codes, cert_ids = _distinct(cert)
    cs = np.full(n, -1, dtype=np.int64)  # index into CERT_STATES, -1 without a certificate
    if cert_ids:
        status: list[int] = []
        holder: list[str | None] = []
        for i in cert_ids:
            if certificate_status is None:
                status.append(CERT_STATES.index("unchecked"))
                holder.append(None)
                continue
            found = certificate_status(str(i))
            st, who = found if isinstance(found, tuple) else (found, None)
            status.append(CERT_STATES.index(st if st in LOOKUP_STATES else "unknown"))
            holder.append(str(who).strip() if who else None)
        has = np.flatnonzero(cert_codes >= 0)
        cs[has] = np.array(status, dtype=np.int64)[cert_codes[has]]
        # a certificate counts only for the company it was issued to (a branch shares its parent's)
        if any(h is not None for h in holder):
            who = pa.array(holder, pa.string()).take(pa.array(cert_codes[has]))
            own = tax.code.take(pa.array(has))
            same = pc.equal(pc.utf8_slice_codeunits(who, 0, 10), pc.utf8_slice_codeunits(own, 0, 10))
            other = np.asarray(pc.and_(pc.is_valid(who), pc.invert(same.fill_null(False)))
                               .to_numpy(zero_copy_only=False), dtype=bool)
            cs[has[other]] = CERT_STATES.index("other_holder")
    for i, s in enumerate(CERT_STATES):
        cols[f"rule:certificate_{s}"] = cs == i

    reasons = [r for r in data.reasons if r.id in cols]
    matrix = np.column_stack([cols[r.id] for r in reasons]) if n else np.zeros((0, len(reasons)), bool)
    raise_rank = np.array([RANK[r.level] if r.effect == "raise" else 0 for r in reasons], dtype=np.int8)
    raised = (matrix * raise_rank).max(axis=1) if n and len(reasons) else np.zeros(n, np.int8)
    # Every reason that raised the level is shown, not just the strongest: the supplier sees all its risk factors.
    lowered = cs == CERT_STATES.index("active")
    level_rank = np.where(lowered, np.maximum(raised - 1, 0), raised).astype(np.int8)

    # --- duplicates: on the tax code, or on name + province when there is none
    key, _ = _distinct(tax.code)
    no_code = np.flatnonzero(np.asarray(pc.equal(tax.code, "").to_numpy(zero_copy_only=False), dtype=bool))
    if len(no_code):
        name = _column(frame, "supplier_name", n, "string").iloc[no_code]
        raw_prov = pd.Series(prov_raw.take(pa.array(no_code)).to_pylist(), index=name.index, dtype="string")
        nk = fold_series(name.fillna(""))
        pk = pd.Series(prov_cur_u[prov_codes[no_code]], index=name.index, dtype="string").fillna(
            fold_series(raw_prov.fillna("")))
        named = (nk != "").to_numpy(dtype=bool)
        other_key = np.where(named, ("n:" + nk + "|" + pk).to_numpy(dtype=object),
                             "row:" + pd.Series(rownum[no_code]).astype(str).to_numpy(dtype=object))
        key[no_code] = key.max(initial=-1) + 1 + pd.factorize(other_key)[0]
    first = np.zeros(key.max(initial=-1) + 1, dtype=np.int64)
    first[key[::-1]] = np.arange(n - 1, -1, -1)  # the first row with each key
    first_row = rownum[first[key]] if n else rownum
    duplicate = first_row != rownum

    # --- controls
    audit_ok = ((audit <= as_of_ts) & (audit > as_of_ts - pd.DateOffset(months=AUDIT_MONTHS))).fillna(False)
    audit_ok = audit_ok.to_numpy(dtype=bool)
    audit_future = (audit > as_of_ts).fillna(False).to_numpy(dtype=bool)

    # --- actions
    triggers = {
        "no_age_verification": ~agev, "no_recent_audit": ~audit_ok, "no_code_of_conduct": ~coc,
        "subcontracting_allowed": subc, "informal_unit": informal, "listed_good": listed,
        "bad_tax_code": np.isin(kind, [KINDS.index("missing"), KINDS.index("invalid")]),
        "critical": level_rank == RANK["critical"],
    }
    amatrix = (np.column_stack([triggers[a.trigger] & (level_rank >= RANK[a.min_level]) for a in data.actions])
               if n and data.actions else np.zeros((n, len(data.actions)), bool))

    reason_set, reason_sets = _sets(matrix)
    action_set, action_sets = _sets(amatrix)

    prov_names = sorted({p for p in prov_cur_u.tolist() + prov_old_u.tolist() if p is not None})
    prov_index = {p: i for i, p in enumerate(prov_names)}
    prov_cur_code = np.array([prov_index.get(p, -1) for p in prov_cur_u.tolist()] + [-1], dtype=np.int64)
    prov_old_code = np.array([prov_index.get(p, -1) for p in prov_old_u.tolist()] + [-1], dtype=np.int64)
    tier_int = (pd.array(np.where(np.isnan(tier_np), np.nan, tier_np), dtype="Float64").astype("Int64")
                if n else pd.array([], dtype="Int64"))
    table = pd.DataFrame({
        "row": rownum,
        "tax_display": _strings(_mask_invalid(tax)),
        "tax_kind": pd.Categorical.from_codes(kind, categories=KINDS),
        "type": pd.Categorical.from_codes(typ, categories=TYPES),
        "province": pd.Categorical.from_codes(prov_cur_code[prov_codes], categories=prov_names),
        "province_former": pd.Categorical.from_codes(prov_old_code[prov_codes], categories=prov_names),
        "tier": tier_int,
        "level": pd.Categorical.from_codes(level_rank, categories=LEVELS),
        "level_rank": level_rank,
        "duplicate": duplicate,
        "duplicate_of": pd.arrays.IntegerArray(np.where(duplicate, first_row, 0), ~duplicate),
        "certificate_id": _strings(cert),
        "certificate_status": pd.Categorical.from_codes(cs, categories=CERT_STATES),
        "certificate_lowered": lowered & (raised > 0),
        "reason_set": reason_set,
        "action_set": action_set,
        "informal": informal,
        "listed": listed,
        "coc": coc,
        "age_verified": agev,
        "audited": audit_ok,
        "subcontracting": subc,
        "workers": workers,
        "spend": spend,
    }, index=frame.index)

    problems.extend(_problems(rownum, tax, table, prov_raw, prov_unknown, type_unrecognised, audit_future, tier_np))
    summary = _summary(table, tax, np.bincount(pair_codes[~duplicate], minlength=len(pairs)) @ goods_u, data,
                       prov_unknown, n)
    return SupplierResult(
        as_of=as_of, table=table, reasons=reasons, reason_sets=reason_sets, actions=list(data.actions),
        action_sets=action_sets,
        sources={s.id: {"title": s.title, "published": s.published, "url": s.url, "status": s.status}
                 for s in data.sources.values()},
        levels={k: v["label"] for k, v in data.levels.items()},
        summary_data=summary, problems=problems)


def _strings(arr: pa.Array) -> pd.arrays.ArrowStringArray:
    """An arrow string array as a pandas string column, without copying it into Python objects."""
    return pd.arrays.ArrowStringArray(arr)


def _sets(matrix: np.ndarray) -> tuple[np.ndarray, list[list[int]]]:
    """Index each row's combination of true columns: (combination id per row, column ids per combination).
    Rows are packed into 64-bit words and hashed (pd.factorize), which is much faster than np.unique(axis=0)."""
    n, k = matrix.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64), []
    packed = np.packbits(matrix, axis=1, bitorder="little")
    width = -(-packed.shape[1] // 8) * 8
    if width != packed.shape[1]:
        packed = np.pad(packed, ((0, 0), (0, width - packed.shape[1])))
    words = np.ascontiguousarray(packed).view(np.uint64)
    codes, _ = pd.factorize(words[:, 0])
    for j in range(1, words.shape[1]):  # more than 64 reasons: combine word by word
        codes, _ = pd.MultiIndex.from_arrays([codes, words[:, j]]).factorize()
    first = np.zeros(codes.max() + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)  # the first row of each combination
    which, cols = np.nonzero(matrix[first])
    ends = np.cumsum(np.bincount(which, minlength=len(first))).tolist()
    flat = cols.tolist()
    return codes.astype(np.int64), [flat[a:b] for a, b in zip([0] + ends[:-1], ends)]


def _mask_invalid(tax: TaxCodes) -> pa.Array:
    """The display form of each code (null when missing): personal numbers masked, and so are invalid codes long
    enough to be a mistyped personal number (11 digits or more, no branch hyphen)."""
    disp = tax.display
    bad = np.flatnonzero(tax.kind == KINDS.index("invalid"))
    if len(bad):
        code = tax.code.take(pa.array(bad))
        long_ = pc.and_(pc.greater_equal(pc.count_substring_regex(code, "[0-9]"), 11),
                        pc.invert(pc.match_substring(code, "-")))
        pick = np.asarray(long_.to_numpy(zero_copy_only=False), dtype=bool)
        if pick.any():
            masked = pc.binary_join_element_wise("*" * 8, pc.utf8_slice_codeunits(code.filter(pa.array(pick)), -4),
                                                 "")
            mask = np.zeros(len(disp), dtype=bool)
            mask[bad[pick]] = True
            disp = pc.replace_with_mask(disp, pa.array(mask), masked)
    return pc.if_else(pc.equal(disp, ""), pa.scalar(None, pa.string()), disp)


_TAX_PROBLEM = {
    "format": ("mã số thuế không đúng dạng (10 số, 10-3 số hoặc 12 số)",
               "the tax code has the wrong shape (10 digits, 10-3 digits or 12 digits)"),
    "check_digit": ("mã số thuế sai số kiểm tra", "the tax code's check digit is wrong"),
    "province_zero": ("mã số thuế có mã tỉnh 00", "the tax code's province part is 00"),
    "sequence_zero": ("mã số thuế có số thứ tự 0000000", "the tax code's sequence number is 0000000"),
    "branch_zero": ("mã chi nhánh 000 không hợp lệ", "branch number 000 is not valid"),
}


def _problems(rows: np.ndarray, tax: TaxCodes, t: pd.DataFrame, prov_raw: pa.Array, prov_unknown: np.ndarray,
              type_unrecognised: np.ndarray, audit_future: np.ndarray, tier: np.ndarray) -> list[dict[str, Any]]:
    """Data the rules could not use, one line each (rows with problems only; no values of personal data)."""
    out: list[dict[str, Any]] = []
    invalid = tax.kind == KINDS.index("invalid")
    disp = t["tax_display"].array

    def shown(pick: np.ndarray) -> list[Any]:
        return disp.take(pick).tolist() if len(pick) else []

    bad = np.flatnonzero(invalid)
    for i, d in zip(bad.tolist(), shown(bad)):
        vi, en = _TAX_PROBLEM.get(ERRORS[tax.error[i]], _TAX_PROBLEM["format"])
        out.append({"row": int(rows[i]), "column": "tax_code", "vi": f"{vi}: {d}", "en": f"{en}: {d}"})
    fixed = np.flatnonzero(tax.restored & ~invalid)
    for i, d in zip(fixed.tolist(), shown(fixed)):
        out.append({"row": int(rows[i]), "column": "tax_code",
                    "vi": f"đã thêm số 0 bị mất ở đầu mã số thuế (ô dạng số trong Excel?): {d}",
                    "en": f"restored the leading zero the spreadsheet dropped from the tax code: {d}"})
    unknown = np.flatnonzero(prov_unknown)
    for i, pr in zip(unknown.tolist(), prov_raw.take(pa.array(unknown, pa.int64())).to_pylist()):
        out.append({"row": int(rows[i]), "column": "province",
                    "vi": f"không nhận ra tỉnh/thành phố '{pr}'", "en": f"unknown province '{pr}'"})
    for i in np.flatnonzero(type_unrecognised):
        out.append({"row": int(rows[i]), "column": "supplier_type",
                    "vi": "không nhận ra loại nhà cung cấp (dùng: nhà máy, xưởng, hộ kinh doanh, người làm tại nhà, "
                          "hợp tác xã, trang trại, công ty cung ứng lao động)",
                    "en": "unknown supplier type (use: factory, workshop, household business, home worker, "
                          "cooperative, farm, labour agency)"})
    for i in np.flatnonzero(audit_future):
        out.append({"row": int(rows[i]), "column": "last_audit_date",
                    "vi": "ngày đánh giá sau ngày đánh giá rủi ro: không được tính",
                    "en": "audit date after the assessment date: not counted"})
    for i in np.flatnonzero(~np.isnan(tier) & (tier < 1)):
        out.append({"row": int(rows[i]), "column": "tier", "vi": "cấp phải từ 1 trở lên",
                    "en": "tier must be 1 or more"})
    out.sort(key=lambda p: p["row"])
    return out


_FOCUS_DEFINITION = {
    True: Bilingual("Nhà cung cấp rủi ro cao hoặc nghiêm trọng, và nhà cung cấp trọng yếu về chi tiêu (những nhà "
                    "cung cấp lớn nhất cộng lại chiếm 80% giá trị mua hàng năm trong danh sách)",
                    "High- or critical-risk suppliers, and spend-critical suppliers (the largest suppliers that "
                    "together make up 80% of the annual spend in the list)"),
    False: Bilingual("Nhà cung cấp rủi ro cao hoặc nghiêm trọng (danh sách không có giá trị mua hàng nên không xác "
                     "định được nhà cung cấp trọng yếu về chi tiêu)",
                     "High- or critical-risk suppliers (the list has no spend amounts, so spend-critical suppliers "
                     "cannot be identified)"),
}


def focus_definition(spend_data: bool) -> Bilingual:
    """What the summary's `focus` counts, in both languages: a stored summary keeps only `spend_data`."""
    return _FOCUS_DEFINITION[bool(spend_data)]


def _share(count: int, of: int) -> dict[str, Any]:
    return {"count": int(count), "of": int(of), "share": round(count / of, 4) if of else None}


def _yes_partly_no(count: int, of: int) -> str:
    if of == 0 or count == 0:
        return "no"
    return "yes" if count == of else "partly"


def _summary(t: pd.DataFrame, tax: TaxCodes, goods: np.ndarray, data: RiskData, prov_unknown: np.ndarray,
             n: int) -> dict[str, Any]:
    """The company-level summary, as `scoring.supplier_summary.SupplierSummary.model_dump()` would give it.
    `goods`: for each good, the number of distinct suppliers it was found for."""
    dup = t["duplicate"].to_numpy(dtype=bool)
    u = ~dup  # distinct suppliers
    nu = int(u.sum())
    rank = t["level_rank"].to_numpy()[u]
    high = rank >= RANK["high"]

    # spend-critical: the largest suppliers that together make up FOCUS_SPEND_SHARE of the listed spend
    spend = np.nan_to_num(t["spend"].to_numpy(dtype=float)[u], nan=0.0)
    spend_data = bool((spend > 0).any())
    spend_critical = np.zeros(nu, dtype=bool)
    if spend_data:
        order = np.argsort(-spend, kind="stable")
        before = np.concatenate([[0.0], np.cumsum(spend[order])[:-1]]) / spend.sum()
        pick = order[(before < FOCUS_SPEND_SHARE) & (spend[order] > 0)]
        spend_critical[pick] = True
    focus = high | spend_critical
    nf = int(focus.sum())
    no_age = ~t["age_verified"].to_numpy(dtype=bool)[u]
    no_audit = ~t["audited"].to_numpy(dtype=bool)[u]

    # derived answers (criteria/derivations.csv); thresholds in docs/suppliers.md
    tier = t["tier"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)[u]
    typ = t["type"].cat.codes.to_numpy()[u]
    province = t["province"].cat.codes.to_numpy()
    complete = ~np.isnan(tier) & (typ >= 0) & (province[u] >= 0)
    beyond = bool((np.nan_to_num(tier, nan=0) >= 2).any())
    if nu == 0:
        mapping = "no"
    elif beyond and complete.mean() >= MAPPING_COMPLETE:
        mapping = "yes"
    else:
        mapping = "partly"
    nh = int(high.sum())
    informal = t["informal"].to_numpy(dtype=bool)[u]
    derived = {
        "suppliers.mapping": mapping,
        "suppliers.code_of_conduct": _yes_partly_no(int(t["coc"].to_numpy(dtype=bool)[u].sum()), nu),
        "suppliers.age_verification": "na" if nh == 0 else _yes_partly_no(int((high & ~no_age).sum()), nh),
        "suppliers.audit": "na" if nh == 0 else _yes_partly_no(int((high & ~no_audit).sum()), nh),
        "suppliers.uses_informal": "yes" if bool(informal.any()) else "no",
    }

    # old province names, counted over all rows (duplicates too), sorted by (old name, new name)
    names = list(t["province"].cat.categories)
    former = t["province_former"].cat.codes.to_numpy()
    has_former = former >= 0
    pairs, counts = np.unique(former[has_former].astype(np.int64) * (len(names) + 1) + province[has_former] + 1,
                              return_counts=True)
    mapped = sorted(((names[p // (len(names) + 1)], names[p % (len(names) + 1) - 1], int(c))
                     for p, c in zip(pairs.tolist(), counts.tolist()) if p % (len(names) + 1)))
    kinds = np.bincount(tax.kind[u], minlength=len(KINDS))
    certs = np.bincount(t["certificate_status"].cat.codes.to_numpy()[u] + 1, minlength=len(CERT_STATES) + 1)[1:]
    by_type = np.bincount(typ + 1, minlength=len(TYPES) + 1)
    max_tier = np.nanmax(tier) if nu and not np.isnan(tier).all() else None
    w = t["workers"].to_numpy(dtype=float)[u]
    dup_rows = np.flatnonzero(dup)
    definition = focus_definition(spend_data)
    return dict(
        rows=n, suppliers=nu,
        duplicates=[{"row": r, "duplicate_of": f, "key": "tax_code" if k != KINDS.index("missing") else "name_province"}
                    for r, f, k in zip(t["row"].to_numpy()[dup_rows].tolist(),
                                       t["duplicate_of"].to_numpy(dtype=np.int64, na_value=0)[dup_rows].tolist(),
                                       tax.kind[dup_rows].tolist())],
        by_level={lv: int((rank == i).sum()) for i, lv in enumerate(LEVELS)},
        by_type={**{ty: int(by_type[i + 1]) for i, ty in enumerate(TYPES)}, "unknown": int(by_type[0])},
        tax_codes={**{k: int(kinds[KINDS.index(k)]) for k in ("enterprise", "branch", "personal_id", "invalid",
                                                              "missing")},
                   "leading_zero_restored": int(tax.restored[u].sum())},
        provinces_mapped=[{"from": f, "to": c, "rows": k} for f, c, k in mapped],
        provinces_unknown=t["row"].to_numpy()[prov_unknown].tolist(),
        listed_goods={g.id: int(goods[j]) for j, g in enumerate(data.goods) if goods[j]},
        informal_units=int(informal.sum()),
        max_tier=int(max_tier) if max_tier is not None else None,
        workers_in_high_risk=int(np.nansum(w[high])),
        certificates={s: int(certs[i]) for i, s in enumerate(CERT_STATES)},
        focus=dict(
            definition={"vi": definition.vi, "en": definition.en},
            spend_data=spend_data, spend_critical=int(spend_critical.sum()), high_risk=nh, suppliers=nf,
            without_age_verification=_share(int((focus & no_age).sum()), nf),
            without_recent_audit=_share(int((focus & no_audit).sum()), nf),
            without_age_verification_or_audit=_share(int((focus & (no_age | no_audit)).sum()), nf)),
        derived=derived)
