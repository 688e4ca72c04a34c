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

from scoring.provinces import ProvinceTable, fold_series, load_provinces
from scoring.risk_data import _PUNCT, LEVELS, RANK, TYPES, Good, RiskData, default_risk_data
from scoring.risk_data import RISK_DIR, RiskDataError, load_risk_data  # noqa: F401  (re-exported for callers)
from scoring.supplier_result import SupplierResult
from scoring.tax_codes import classify_series

INFORMAL_TYPES = ("household_business", "home_worker")
COMPANY_TYPES = ("factory", "labour_agency")  # types that cannot hold a personal tax code
FOCUS_SPEND_SHARE = 0.80  # spend-critical: the largest suppliers that together make up 80% of listed spend
AUDIT_MONTHS = 12
MAPPING_COMPLETE = 0.90  # share of suppliers with tier, type, province and products for SC-01 "yes"
CertificateStatus = Literal["active", "expired", "revoked"]
CertificateLookup = Callable[[str], "Optional[str] | tuple[Optional[str], Optional[str]]"]
CERT_STATES = ("active", "expired", "revoked", "other_holder", "unknown", "unchecked")

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


def _match_texts(texts: pd.Series, items: tuple[Good, ...]) -> np.ndarray:
    """n × len(items) booleans: which items' keywords occur in each text. Matching runs once per distinct text."""
    codes, uniques = pd.factorize(texts.fillna(""), sort=False)
    u = pd.Series(uniques, dtype="string").str.normalize("NFC").str.lower()
    acc = " " + u.str.replace(_PUNCT, " ", regex=True) + " "
    plain = (acc.str.replace("đ", "d", regex=False).str.normalize("NFD")
             .str.replace("[\u0300-\u036f]", "", regex=True))
    out = np.zeros((len(uniques), len(items)), dtype=bool)
    for j, g in enumerate(items):
        hit = np.zeros(len(uniques), dtype=bool)
        if g.pattern_accented:
            hit |= acc.str.contains(g.pattern_accented, regex=True).fillna(False).to_numpy(dtype=bool)
        if g.pattern_plain:
            hit |= plain.str.contains(g.pattern_plain, regex=True).fillna(False).to_numpy(dtype=bool)
        out[:, j] = hit
    if len(texts) == 0:
        return np.zeros((0, len(items)), dtype=bool)
    return out[codes]


def _map_types(raw: pd.Series, data: RiskData) -> tuple[pd.Series, np.ndarray]:
    """(canonical type or NA, mask of cells filled with something that is no known type)."""
    codes, uniques = pd.factorize(raw.fillna(""), sort=False)
    mapped = fold_series(pd.Series(uniques, dtype="string")).map(data.type_aliases)
    arr = mapped.astype(object).where(mapped.notna(), None).to_numpy(dtype=object)
    typ = pd.Series(arr[codes] if len(arr) else np.array([], dtype=object), index=raw.index, dtype="string")
    unknown = (raw.fillna("").str.strip() != "").to_numpy(dtype=bool) & typ.isna().to_numpy(dtype=bool)
    return typ, unknown


def assess_suppliers(frame: pd.DataFrame, as_of: date, data: RiskData | None = None,
                     certificate_status: CertificateLookup | None = None,
                     provinces: ProvinceTable | None = None, rows: Any = None,
                     problems: list[dict[str, Any]] | None = None) -> SupplierResult:
    """Flag every supplier of `frame` (canonical columns; see COLUMNS, missing optional ones count as blank).

    `rows`: the data-row numbers to report (default: the frame's index when it is 1-based integers, else 1..n).
    `certificate_status(id)` returns 'active', 'expired', 'revoked' or None (not in the register), or a pair
    (status, holder's tax code) so that a certificate of another company is not counted; without it a certificate
    cannot be checked and does not lower the risk. Only 'active' (verified and in date) lowers the level, by one."""
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

    name = _column(frame, "supplier_name", n, "string")
    tax = classify_series(_column(frame, "tax_code", n, "string"))
    prov_raw = _column(frame, "province", n, "string")
    products = _column(frame, "products", n, "string").fillna("")
    sector = _column(frame, "sector", n, "string").fillna("")
    tier = _column(frame, "tier", n, "float")
    typ, type_unrecognised = _map_types(_column(frame, "supplier_type", n, "string"), data)
    workers = _column(frame, "workers", n, "float")
    coc = _column(frame, "has_signed_code_of_conduct", n, "boolean").fillna(False).to_numpy(dtype=bool)
    agev = _column(frame, "age_verification_in_place", n, "boolean").fillna(False).to_numpy(dtype=bool)
    subc = _column(frame, "subcontracting_allowed", n, "boolean").fillna(False).to_numpy(dtype=bool)
    audit = _column(frame, "last_audit_date", n, "datetime")
    cert = _column(frame, "certificate_id", n, "string").str.strip().replace("", pd.NA)
    spend = _column(frame, "annual_spend_vnd", n, "float")

    kind = tax["kind"].to_numpy(dtype=object)
    personal = kind == "personal_id"
    # A 12-digit code with no type given: a household business (the code says so).
    typ = typ.where(~(typ.isna() & personal), "household_business")
    type_arr = typ.fillna("").to_numpy(dtype=object)

    # --- provinces
    prov = provinces.match_series(prov_raw)
    prov_unknown = (~prov["blank"].to_numpy()) & prov["province"].isna().to_numpy()

    # --- matches
    text = (products + " " + sector)
    goods = _match_texts(text, data.goods)
    sectors = _match_texts(text, data.sectors)
    goods_cl = np.array([g.cl for g in data.goods], dtype=bool)
    goods_any = np.array([g.cl or g.fl for g in data.goods], dtype=bool)
    goods_focus = np.array([g.lower_tier_focus for g in data.goods], dtype=bool)
    listed = (goods & goods_any).any(axis=1) if n else np.zeros(0, bool)
    listed_cl = (goods & goods_cl).any(axis=1) if n else np.zeros(0, bool)
    listed_focus = (goods & goods_focus).any(axis=1) if n else np.zeros(0, bool)
    informal = np.isin(type_arr, INFORMAL_TYPES) | personal
    tier_np = tier.to_numpy(dtype=float)
    below_tier1 = np.nan_to_num(tier_np, nan=0) >= 2

    # --- the reason matrix, in data.reasons order
    cols: dict[str, np.ndarray] = {
        "rule:informal_listed_good": informal & listed_cl,
        "rule:personal_tax_code": personal,
        "rule:type_tax_mismatch": personal & np.isin(type_arr, COMPANY_TYPES),
        "rule:below_tier1_listed": below_tier1 & listed_focus,
        "rule:subcontracting_listed": subc & listed,
        "rule:missing_tax_code": kind == "missing",
        "rule:invalid_tax_code": kind == "invalid",
        "rule:type_unknown": (type_arr == "") & ~personal,
    }
    for t_ in TYPES:
        cols[f"type:{t_}"] = type_arr == t_
    for j, g in enumerate(data.goods):
        cols[f"good:{g.id}"] = goods[:, j]
    for j, s in enumerate(data.sectors):
        cols[f"sector:{s.id}"] = sectors[:, j]

    # --- certificates: looked up once per distinct id
    cert_status = pd.Series(pd.NA, index=frame.index, dtype="string")
    has_cert = cert.notna().to_numpy(dtype=bool)
    if has_cert.any():
        ids = pd.unique(cert[has_cert])
        status: dict[str, str] = {}
        holder: dict[str, str] = {}
        for i in ids:
            if certificate_status is None:
                status[i] = "unchecked"
                continue
            found = certificate_status(str(i))
            st, who = found if isinstance(found, tuple) else (found, None)
            status[i] = st if st in ("active", "expired", "revoked") else "unknown"
            if who:
                holder[i] = str(who).strip()
        cert_status = cert.copy()
        cert_status[has_cert] = cert[has_cert].map(status)
        if holder:  # a certificate counts only for the company it was issued to (a branch shares its parent's)
            who = pd.Series(pd.NA, index=frame.index, dtype="string")
            who[has_cert] = cert[has_cert].map(holder).astype("string")
            own = tax["code"].astype("string")
            same = (who.str.slice(0, 10) == own.str.slice(0, 10)).fillna(False)
            cert_status = cert_status.where(who.isna() | same, "other_holder")
    cs = cert_status.fillna("").to_numpy(dtype=object)
    for s in CERT_STATES:
        cols[f"rule:certificate_{s}"] = cs == s

    reasons = [r for r in data.reasons if r.id in cols]
    matrix = np.column_stack([cols[r.id] for r in reasons]) if n else np.zeros((0, len(reasons)), bool)
    raise_rank = np.array([RANK[r.level] if r.effect == "raise" else 0 for r in reasons], dtype=np.int8)
    raised = (matrix * raise_rank).max(axis=1) if n and len(reasons) else np.zeros(n, np.int8)
    # Every reason that raised the level is shown, not just the strongest: the supplier sees all its risk factors.
    lowered = cs == "active"
    level_rank = np.where(lowered, np.maximum(raised - 1, 0), raised).astype(np.int8)
    level = np.asarray(LEVELS, dtype=object)[level_rank]

    # --- duplicates: on the tax code, or on name + province when there is none
    code = tax["code"].fillna("")
    has_code = (code != "").to_numpy(dtype=bool)
    key = pd.Series("t:" + code.to_numpy(dtype=object), index=frame.index, dtype=object)
    if (~has_code).any():
        nk = fold_series(name[~has_code].fillna(""))
        pk = prov["province"][~has_code].fillna(fold_series(prov_raw[~has_code].fillna("")))
        named = (nk != "").to_numpy(dtype=bool)
        key[~has_code] = np.where(named, ("n:" + nk + "|" + pk).to_numpy(dtype=object),
                                  "row:" + pd.Series(rownum[~has_code]).astype(str).to_numpy(dtype=object))
    codes, _ = pd.factorize(key.to_numpy(dtype=object))
    new = np.ones(n, dtype=bool)  # factorize numbers keys in order of first appearance
    if n > 1:
        new[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    first_row = rownum[np.flatnonzero(new)][codes] if n else rownum
    duplicate = first_row != rownum

    # --- controls
    audit_ok = ((audit <= as_of_ts) & (audit > as_of_ts - pd.DateOffset(months=AUDIT_MONTHS))).fillna(False)
    audit_ok = audit_ok.to_numpy(dtype=bool)
    audit_future = (audit > as_of_ts).fillna(False).to_numpy(dtype=bool)

    # --- actions
    triggers = {
        "no_age_verification": ~agev, "no_recent_audit": ~audit_ok, "no_code_of_conduct": ~coc,
        "subcontracting_allowed": subc, "informal_unit": informal, "listed_good": listed,
        "bad_tax_code": np.isin(kind, ("missing", "invalid")), "critical": level_rank == RANK["critical"],
    }
    amatrix = (np.column_stack([triggers[a.trigger] & (level_rank >= RANK[a.min_level]) for a in data.actions])
               if n and data.actions else np.zeros((n, len(data.actions)), bool))

    reason_set, reason_sets = _sets(matrix)
    action_set, action_sets = _sets(amatrix)

    table = pd.DataFrame({
        "row": rownum,
        "tax_display": _mask_invalid(tax),
        "tax_kind": tax["kind"].to_numpy(dtype=object),
        "type": typ.to_numpy(dtype=object),
        "province": prov["province"].to_numpy(dtype=object),
        "province_former": prov["former"].to_numpy(dtype=object),
        "tier": pd.array(np.where(np.isnan(tier_np), np.nan, tier_np), dtype="Float64").astype("Int64")
        if n else pd.array([], dtype="Int64"),
        "level": level,
        "level_rank": level_rank,
        "duplicate": duplicate,
        "duplicate_of": pd.array(np.where(duplicate, first_row, 0), dtype="Int64"),
        "certificate_id": cert.to_numpy(dtype=object),
        "certificate_status": cert_status.to_numpy(dtype=object),
        "certificate_lowered": lowered & (raised > 0),
        "reason_set": reason_set,
        "action_set": action_set,
        "informal": informal,
        "listed": listed,
        "coc": coc,
        "age_verified": agev,
        "audited": audit_ok,
        "subcontracting": subc,
        "workers": workers.to_numpy(dtype=float),
        "spend": spend.to_numpy(dtype=float),
    }, index=frame.index)
    table["duplicate_of"] = table["duplicate_of"].where(table["duplicate"], pd.NA)

    problems.extend(_problems(table, tax, prov_raw, prov_unknown, type_unrecognised, audit_future, tier_np))
    summary = _summary(table, tax, goods, data, prov_raw, prov_unknown, n)
    return SupplierResult(
        as_of=as_of, table=table, reasons=reasons, reason_sets=reason_sets, actions=list(data.actions),
        action_sets=action_sets,
        sources={s.id: {"title": s.title, "published": s.published, "url": s.url, "status": s.status}
                 for s in data.sources.values()},
        levels={k: v["label"] for k, v in data.levels.items()},
        summary_data=summary, problems=problems)


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
    return codes.astype(np.int64), [np.flatnonzero(matrix[i]).tolist() for i in first]


def _mask_invalid(tax: pd.DataFrame) -> np.ndarray:
    """The display form of each code: personal numbers masked, and so are invalid codes long enough to be a
    mistyped personal number (11 digits or more, no branch hyphen)."""
    disp = tax["display"].astype("string").replace("", pd.NA).to_numpy(dtype=object, na_value=None)
    bad = np.flatnonzero((tax["kind"] == "invalid").to_numpy(dtype=bool))
    if len(bad):
        code = tax["code"].astype("string").iloc[bad]
        long_ = ((code.str.count(r"[0-9]") >= 11) & ~code.str.contains("-", regex=False)).to_numpy(dtype=bool)
        disp[bad[long_]] = ("*" * 8 + code.str.slice(-4))[long_].to_numpy(dtype=object)
    return disp


_TAX_PROBLEM = {
    "format": ("mã số thuế không đúng dạng (10 số, 10-3 số hoặc 12 số)",
               "the tax code has the wrong shape (10 digits, 10-3 digits or 12 digits)"),
    "check_digit": ("mã số thuế sai số kiểm tra", "the tax code's check digit is wrong"),
    "province_zero": ("mã số thuế có mã tỉnh 00", "the tax code's province part is 00"),
    "sequence_zero": ("mã số thuế có số thứ tự 0000000", "the tax code's sequence number is 0000000"),
    "branch_zero": ("mã chi nhánh 000 không hợp lệ", "branch number 000 is not valid"),
}


def _problems(t: pd.DataFrame, tax: pd.DataFrame, prov_raw: pd.Series, prov_unknown: np.ndarray,
              type_unrecognised: np.ndarray, audit_future: np.ndarray, tier: np.ndarray) -> list[dict[str, Any]]:
    """Data the rules could not use, one line each (rows with problems only; no values of personal data)."""
    out: list[dict[str, Any]] = []
    rows = t["row"].to_numpy()
    err = tax["error"].fillna("").to_numpy(dtype=object)
    disp = t["tax_display"].to_numpy(dtype=object)
    for i in np.flatnonzero(t["tax_kind"].to_numpy(dtype=object) == "invalid"):
        vi, en = _TAX_PROBLEM.get(err[i], _TAX_PROBLEM["format"])
        out.append({"row": int(rows[i]), "column": "tax_code", "vi": f"{vi}: {disp[i]}", "en": f"{en}: {disp[i]}"})
    for i in np.flatnonzero(tax["restored"].to_numpy(dtype=bool) & (t["tax_kind"] != "invalid").to_numpy()):
        out.append({"row": int(rows[i]), "column": "tax_code",
                    "vi": f"đã thêm số 0 bị mất ở đầu mã số thuế (ô dạng số trong Excel?): {disp[i]}",
                    "en": f"restored the leading zero the spreadsheet dropped from the tax code: {disp[i]}"})
    pr = prov_raw.to_numpy(dtype=object)
    for i in np.flatnonzero(prov_unknown):
        out.append({"row": int(rows[i]), "column": "province",
                    "vi": f"không nhận ra tỉnh/thành phố '{pr[i]}'", "en": f"unknown province '{pr[i]}'"})
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


def _share(count: int, of: int) -> dict[str, Any]:
    return {"count": int(count), "of": int(of), "share": round(count / of, 4) if of else None}


def _yes_partly_no(count: int, of: int) -> str:
    if of == 0 or count == 0:
        return "no"
    return "yes" if count == of else "partly"


def _summary(t: pd.DataFrame, tax: pd.DataFrame, goods: np.ndarray, data: RiskData, prov_raw: pd.Series,
             prov_unknown: np.ndarray, n: int) -> dict[str, Any]:
    """The company-level summary, as `scoring.supplier_summary.SupplierSummary.model_dump()` would give it."""
    u = ~t["duplicate"].to_numpy(dtype=bool)  # distinct suppliers
    d = t[u]
    nu = int(u.sum())
    rank = d["level_rank"].to_numpy()
    high = rank >= RANK["high"]

    # spend-critical: the largest suppliers that together make up FOCUS_SPEND_SHARE of the listed spend
    spend = np.nan_to_num(d["spend"].to_numpy(dtype=float), nan=0.0)
    spend_data = bool((spend > 0).any())
    spend_critical = np.zeros(nu, dtype=bool)
    if spend_data:
        order = np.argsort(-spend, kind="stable")
        before = np.concatenate([[0.0], np.cumsum(spend[order])[:-1]]) / spend.sum()
        pick = order[(before < FOCUS_SPEND_SHARE) & (spend[order] > 0)]
        spend_critical[pick] = True
    focus = high | spend_critical
    nf = int(focus.sum())
    no_age = ~d["age_verified"].to_numpy(dtype=bool)
    no_audit = ~d["audited"].to_numpy(dtype=bool)

    # derived answers (criteria/derivations.csv); thresholds in docs/suppliers.md
    tier = d["tier"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    complete = (~np.isnan(tier) & d["type"].notna().to_numpy() & d["province"].notna().to_numpy())
    beyond = bool((np.nan_to_num(tier, nan=0) >= 2).any())
    if nu == 0:
        mapping = "no"
    elif beyond and complete.mean() >= MAPPING_COMPLETE:
        mapping = "yes"
    else:
        mapping = "partly"
    nh = int(high.sum())
    derived = {
        "suppliers.mapping": mapping,
        "suppliers.code_of_conduct": _yes_partly_no(int(d["coc"].sum()), nu),
        "suppliers.age_verification": "na" if nh == 0 else _yes_partly_no(int((high & ~no_age).sum()), nh),
        "suppliers.audit": "na" if nh == 0 else _yes_partly_no(int((high & ~no_audit).sum()), nh),
        "suppliers.uses_informal": "yes" if bool(d["informal"].any()) else "no",
    }

    mapped = (t[t["province_former"].notna()].groupby(["province_former", "province"]).size()
              .reset_index(name="rows"))
    goods_u = goods[u] if n else goods
    tk = tax["kind"][u].value_counts()
    certs = d["certificate_status"].value_counts()
    max_tier = np.nanmax(tier) if nu and not np.isnan(tier).all() else None
    w = d["workers"].to_numpy(dtype=float)
    return dict(
        rows=n, suppliers=nu,
        duplicates=[{"row": int(r), "duplicate_of": int(f), "key": "tax_code" if k != "missing" else "name_province"}
                    for r, f, k in zip(t.loc[~u, "row"].tolist(), t.loc[~u, "duplicate_of"].tolist(),
                                       t.loc[~u, "tax_kind"].tolist())],
        by_level={lv: int((rank == i).sum()) for i, lv in enumerate(LEVELS)},
        by_type={**{ty: int((d["type"] == ty).sum()) for ty in TYPES}, "unknown": int(d["type"].isna().sum())},
        tax_codes={**{k: int(tk.get(k, 0)) for k in ("enterprise", "branch", "personal_id", "invalid", "missing")},
                   "leading_zero_restored": int(tax["restored"][u].sum())},
        provinces_mapped=[{"from": r["province_former"], "to": r["province"], "rows": int(r["rows"])}
                          for r in mapped.to_dict("records")],
        provinces_unknown=[int(r) for r in t["row"].to_numpy()[prov_unknown]],
        listed_goods={g.id: int(goods_u[:, j].sum()) for j, g in enumerate(data.goods) if goods_u[:, j].any()},
        informal_units=int(d["informal"].sum()),
        max_tier=int(max_tier) if max_tier is not None else None,
        workers_in_high_risk=int(np.nansum(w[high])),
        certificates={s: int(certs.get(s, 0)) for s in CERT_STATES},
        focus=dict(
            definition=dict(
                vi=("Nhà cung cấp rủi ro cao hoặc nghiêm trọng, và nhà cung cấp trọng yếu về chi tiêu (những nhà "
                    "cung cấp lớn nhất cộng lại chiếm 80% giá trị mua hàng năm trong danh sách)"
                    if spend_data else "Nhà cung cấp rủi ro cao hoặc nghiêm trọng (danh sách không có giá trị "
                                       "mua hàng nên không xác định được nhà cung cấp trọng yếu về chi tiêu)"),
                en=("High- or critical-risk suppliers, and spend-critical suppliers (the largest suppliers that "
                    "together make up 80% of the annual spend in the list)"
                    if spend_data else "High- or critical-risk suppliers (the list has no spend amounts, so "
                                       "spend-critical suppliers cannot be identified)")),
            spend_data=spend_data, spend_critical=int(spend_critical.sum()), high_risk=nh, suppliers=nf,
            without_age_verification=_share(int((focus & no_age).sum()), nf),
            without_recent_audit=_share(int((focus & no_audit).sum()), nf),
            without_age_verification_or_audit=_share(int((focus & (no_age | no_audit)).sum()), nf)),
        derived=derived)
