"""Supply-chain risk flags: each supplier of a company's list gets an inherent risk level (low, medium, high,
critical: what its goods, sector, type of unit, tier and tax code say) with the reasons that raised it, and a
residual level after its controls (age checks, a recent audit, a signed code, no unapproved subcontracting, a
verified certificate of this award), each reason citing its source, and the actions it calls for. The residual
level is the supplier's `level`: it drives the summary, the derived answers and the plan. The company gets a summary
(`scoring.supplier_summary`) with the derived answers of the supply-chain indicators (SC-01..SC-04, PRO-03).

Everything the rules use is data in `criteria/risk/` (USDOL goods, NCLS 2018 sector findings, supplier-type levels,
rule texts, actions, sources); see docs/suppliers.md for the rules and thresholds. Pure: the caller passes a typed
frame (canonical column names of `criteria/columns/suppliers.csv`), the date of the assessment and, optionally, a
function that tells a certificate's status. Vectorised: no Python loop per supplier on the way to the levels; what
the rules read from the list (typed columns, types, goods and sectors) comes from `scoring.supplier_matching`.

Privacy: a 12-digit tax code is a person's identification number. Outputs carry it masked (last 4 digits only),
and supplier names are never copied into results (a household's name is a person's name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Collection, Literal, Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from criteria.risk_tables import LEVELS, RANK, TYPES, RiskData
from criteria.folding import fold_series
from criteria.provinces import ProvinceTable
from scoring.supplier_matching import column, distinct, map_types, match_goods, text
from scoring.supplier_result import SupplierResult
from scoring.supplier_summary import summarise
from scoring.tax_codes import ERROR_TEXT, ERRORS, KINDS, TaxCodes, classify_array

INFORMAL_TYPES = ("household_business", "home_worker")
COMPANY_TYPES = ("factory", "labour_agency")  # types that cannot hold a personal tax code
AUDIT_MONTHS = 12  # used only when the risk data has no audit control (tests' hand-made tables)
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


@dataclass
class _Suppliers:
    """The list as the rules see it: one value per input row in each array."""

    row: np.ndarray  # data-row numbers as reported
    tax: TaxCodes
    province: pa.Array  # as written
    tier: np.ndarray  # float, NaN when blank
    type: np.ndarray  # index into TYPES, -1 unknown
    type_unrecognised: np.ndarray
    workers: np.ndarray
    coc: np.ndarray
    age_verified: np.ndarray
    subcontracting: np.ndarray
    no_subcontracting: np.ndarray  # the column says no (a blank cell is unknown, not a control)
    audit: pd.Series  # datetime
    certificate: pa.Array  # trimmed ids, null when blank
    spend: np.ndarray


def _read(frame: pd.DataFrame, data: RiskData, rows: Any, as_of: date) -> _Suppliers:
    n = len(frame)
    if rows is None:
        idx = frame.index
        rows = idx.to_numpy() if (pd.api.types.is_integer_dtype(idx) and (n == 0 or idx.min() >= 1)) \
            else np.arange(1, n + 1)
    tax = classify_array(text(frame, "tax_code", n), as_of)  # a CCCD year of birth is judged on `as_of`, not today
    typ, type_unrecognised = map_types(text(frame, "supplier_type", n), data)
    # A 12-digit code with no type given: a household business (the code says so).
    typ = np.where((typ < 0) & tax.personal, TYPES.index("household_business"), typ)
    cert = pc.utf8_trim_whitespace(text(frame, "certificate_id", n))

    def flag(name: str) -> np.ndarray:
        return column(frame, name, n, "boolean").fillna(False).to_numpy(dtype=bool)

    sub = column(frame, "subcontracting_allowed", n, "boolean")

    return _Suppliers(
        row=np.asarray(rows, dtype=np.int64), tax=tax, province=text(frame, "province", n),
        tier=column(frame, "tier", n, "float").to_numpy(dtype=float), type=typ, type_unrecognised=type_unrecognised,
        workers=column(frame, "workers", n, "float").to_numpy(dtype=float), coc=flag("has_signed_code_of_conduct"),
        age_verified=flag("age_verification_in_place"), subcontracting=sub.fillna(False).to_numpy(dtype=bool),
        no_subcontracting=(~sub).fillna(False).to_numpy(dtype=bool),
        audit=column(frame, "last_audit_date", n, "datetime"),
        certificate=pc.if_else(pc.equal(cert, ""), pa.scalar(None, pa.string()), cert),
        spend=column(frame, "annual_spend_vnd", n, "float").to_numpy(dtype=float))


def assess_suppliers(frame: pd.DataFrame, as_of: date, data: RiskData, provinces: ProvinceTable, *,
                     certificate_status: CertificateLookup | None = None,
                     certified_tax_codes: Collection[str] = (), rows: Any = None,
                     problems: list[dict[str, Any]] | None = None) -> SupplierResult:
    """Flag every supplier of `frame` (canonical columns; see COLUMNS, missing optional ones count as blank) against
    the risk tables `data` and the `provinces` table; the caller loads both (this module reads no file).

    `rows`: the data-row numbers to report (default: the frame's index when it is 1-based integers, else 1..n).
    `certificate_status(id)` returns one of `LOOKUP_STATES` or None (not in the register), or a pair (state,
    holder's tax code) so that a certificate of another company is not counted; without it a certificate cannot be
    checked. Only 'active' (a verified certificate in force) is the certificate control; a self-assessment
    statement ('self_assessed'), a suspended or superseded document is not.
    `certified_tax_codes`: the tax codes that hold a verified certificate in force (the caller reads its register);
    a supplier whose code (or, for a branch, its parent's) is among them has the certificate control without
    naming its certificate id.

    Text columns stay arrow arrays and are worked on through their distinct values (products, sectors, types,
    provinces repeat heavily); per-row results are numpy arrays of codes until the result frame is built."""
    n = len(frame)
    s = _read(frame, data, rows, as_of)
    prov_codes, prov_cur_u, prov_old_u, prov_blank_u = provinces.match_distinct(s.province)  # once per name
    prov_unknown = (~prov_blank_u & pd.isna(prov_cur_u))[prov_codes]
    goods, sectors, pair_codes, goods_u = match_goods(text(frame, "products", n), text(frame, "sector", n), data)
    flags = _flags(s, goods, data)
    cs = _certificate_states(s, certificate_status)
    audit_ok, audit_future = _audits(s.audit, as_of, _audit_months(data))
    in_place = {"age_verification": s.age_verified, "audit": audit_ok, "code_of_conduct": s.coc,
                "no_subcontracting": s.no_subcontracting,
                "certificate": (cs == CERT_STATES.index("active")) | _certified(s, certified_tax_codes)}
    reasons, matrix = _reasons(s, flags, goods, sectors, cs, data, in_place)
    raise_rank = np.array([RANK[r.level] if r.effect == "raise" else 0 for r in reasons], dtype=np.int8)
    # Every reason that raised the level is shown, not just the strongest: the supplier sees all its risk factors.
    inherent = (matrix * raise_rank).max(axis=1) if n and len(reasons) else np.zeros(n, np.int8)
    level_rank = _residual(inherent, in_place, data)
    lowered = in_place["certificate"] & (level_rank < inherent)
    first_row = _first_rows(frame, s, prov_cur_u, prov_codes)
    duplicate = first_row != s.row
    triggers = {
        "no_age_verification": ~s.age_verified, "no_recent_audit": ~audit_ok, "no_code_of_conduct": ~s.coc,
        "subcontracting_allowed": s.subcontracting, "informal_unit": flags["informal"], "listed_good": flags["listed"],
        "bad_tax_code": np.isin(s.tax.kind, [KINDS.index("missing"), KINDS.index("invalid")]),
        "critical": level_rank == RANK["critical"],
    }
    amatrix = (np.column_stack([triggers[a.trigger] & (level_rank >= RANK[a.min_level]) for a in data.actions])
               if n and data.actions else np.zeros((n, len(data.actions)), bool))
    reason_set, reason_sets = _sets(matrix)
    action_set, action_sets = _sets(amatrix)
    table = pd.DataFrame({
        **_columns(s, prov_codes, prov_cur_u, prov_old_u, level_rank, duplicate, first_row, cs, lowered),
        "inherent": pd.Categorical.from_codes(inherent.astype(np.int8), categories=LEVELS),
        "inherent_rank": inherent.astype(np.int8),
        "reason_set": reason_set, "action_set": action_set, "informal": flags["informal"], "listed": flags["listed"],
        "coc": s.coc, "age_verified": s.age_verified, "audited": audit_ok, "subcontracting": s.subcontracting,
        "workers": s.workers, "spend": s.spend}, index=frame.index)
    problems = list(problems or []) + _problems(s.row, s.tax, table, s.province, prov_unknown, s.type_unrecognised,
                                                audit_future, s.tier)
    goods_counts = np.bincount(pair_codes[~duplicate], minlength=len(goods_u)) @ goods_u
    summary = summarise(table, s.tax, goods_counts, data, prov_unknown, CERT_STATES)
    return SupplierResult(
        as_of=as_of, table=table, reasons=reasons, reason_sets=reason_sets, actions=list(data.actions),
        action_sets=action_sets,
        sources={x.id: {"title": x.title, "published": x.published, "url": x.url, "status": x.status}
                 for x in data.sources.values()},
        levels={k: v["label"] for k, v in data.levels.items()},
        summary_data=summary, problems=problems)


def _flags(s: _Suppliers, goods: np.ndarray, data: RiskData) -> dict[str, np.ndarray]:
    """Per row: a good listed for child or forced labour, one listed for child labour, one that USDOL names for
    lower tiers; an informal unit (household, home worker, or a personal tax code)."""
    def any_of(pick: list[bool]) -> np.ndarray:
        return (goods & np.array(pick, dtype=bool)).any(axis=1) if len(goods) else np.zeros(0, bool)

    informal_ids = [TYPES.index(t) for t in INFORMAL_TYPES]
    return {"listed": any_of([g.cl or g.fl for g in data.goods]), "listed_cl": any_of([g.cl for g in data.goods]),
            "listed_focus": any_of([g.lower_tier_focus for g in data.goods]),
            "informal": np.isin(s.type, informal_ids) | s.tax.personal}


def _residual(inherent: np.ndarray, in_place: dict[str, np.ndarray], data: RiskData) -> np.ndarray:
    """The level after the controls (criteria/risk/controls.csv, residual_steps.csv): the inherent level lowered by
    the steps the points of the controls in place reach; at least a missing control's floor (never above the
    inherent level); at most an in-place control's cap."""
    n = len(inherent)
    points = np.zeros(n, np.int64)
    for c in data.controls:
        points += c.points * in_place[c.id]
    lowered_by = np.zeros(n, np.int64)
    for at, by in data.steps:
        lowered_by[points >= at] = by
    level = np.maximum(inherent.astype(np.int64) - lowered_by, 0)
    for c in data.controls:
        if c.floor_without:
            level = np.where(in_place[c.id], level, np.maximum(level, np.minimum(inherent, RANK[c.floor_without])))
        if c.cap:
            level = np.where(in_place[c.id], np.minimum(level, RANK[c.cap]), level)
    return level.astype(np.int8)


def _audit_months(data: RiskData) -> int:
    found = [c.period_months for c in data.controls if c.id == "audit" and c.period_months]
    return found[0] if found else AUDIT_MONTHS


def _certified(s: _Suppliers, certified: Collection[str]) -> np.ndarray:
    """Rows whose tax code holds a verified certificate in force: an enterprise or branch by its 10-digit
    enterprise code (a branch shares its parent's), a personal number as a whole."""
    n = len(s.row)
    if not certified or n == 0:
        return np.zeros(n, bool)
    keys = pa.array(sorted({str(c).strip()[:10] if len(str(c).strip()) != 12 else str(c).strip()
                            for c in certified}), pa.string())
    code = pc.if_else(pa.array(s.tax.personal), s.tax.code, pc.utf8_slice_codeunits(s.tax.code, 0, 10))
    found = pc.is_in(code, value_set=keys).fill_null(False)
    ok = np.isin(s.tax.kind, [KINDS.index(k) for k in KINDS if k not in ("missing", "invalid")])
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool) & ok


def _reasons(s: _Suppliers, flags: dict[str, np.ndarray], goods: np.ndarray, sectors: np.ndarray, cs: np.ndarray,
             data: RiskData, in_place: dict[str, np.ndarray]) -> tuple[list[Any], np.ndarray]:
    """The reasons that apply to the list (in `data.reasons` order) and which rows each applies to. A control in
    place is a reason too (`control:<id>`, effect lower): the residual level is shown with what lowered it."""
    personal, kind, typ = s.tax.personal, s.tax.kind, s.type
    cols: dict[str, np.ndarray] = {
        "rule:informal_listed_good": flags["informal"] & flags["listed_cl"],
        "rule:personal_tax_code": personal,
        "rule:type_tax_mismatch": personal & np.isin(typ, [TYPES.index(t) for t in COMPANY_TYPES]),
        "rule:below_tier1_listed": (np.nan_to_num(s.tier, nan=0) >= 2) & flags["listed_focus"],
        "rule:subcontracting_listed": s.subcontracting & flags["listed"],
        "rule:missing_tax_code": kind == KINDS.index("missing"),
        "rule:invalid_tax_code": kind == KINDS.index("invalid"),
        "rule:type_unknown": (typ < 0) & ~personal,
    }
    cols.update({f"type:{t}": typ == i for i, t in enumerate(TYPES)})
    cols.update({f"good:{g.id}": goods[:, j] for j, g in enumerate(data.goods)})
    cols.update({f"sector:{x.id}": sectors[:, j] for j, x in enumerate(data.sectors)})
    cols.update({f"rule:certificate_{x}": cs == i for i, x in enumerate(CERT_STATES)})
    cols.update({f"control:{c.id}": in_place[c.id] for c in data.controls})
    reasons = [r for r in data.reasons if r.id in cols]
    n = len(s.row)
    matrix = np.column_stack([cols[r.id] for r in reasons]) if n else np.zeros((0, len(reasons)), bool)
    return reasons, matrix


def _certificate_states(s: _Suppliers, lookup: CertificateLookup | None) -> np.ndarray:
    """Each row's certificate state as an index into CERT_STATES (-1 without a certificate), looked up once per
    distinct id. A certificate counts only for the company it was issued to (a branch shares its parent's)."""
    cert_codes, cert_ids = distinct(s.certificate)
    cs = np.full(len(s.row), -1, dtype=np.int64)
    if not cert_ids:
        return cs
    status: list[int] = []
    holder: list[str | None] = []
    for i in cert_ids:
        if lookup is None:
            status.append(CERT_STATES.index("unchecked"))
            holder.append(None)
            continue
        found = lookup(str(i))
        st, who = found if isinstance(found, tuple) else (found, None)
        status.append(CERT_STATES.index(st if st in LOOKUP_STATES else "unknown"))
        holder.append(str(who).strip() if who else None)
    has = np.flatnonzero(cert_codes >= 0)
    cs[has] = np.array(status, dtype=np.int64)[cert_codes[has]]
    if any(h is not None for h in holder):
        who = pa.array(holder, pa.string()).take(pa.array(cert_codes[has]))
        own = s.tax.code.take(pa.array(has))
        same = pc.equal(pc.utf8_slice_codeunits(who, 0, 10), pc.utf8_slice_codeunits(own, 0, 10))
        other = np.asarray(pc.and_(pc.is_valid(who), pc.invert(same.fill_null(False)))
                           .to_numpy(zero_copy_only=False), dtype=bool)
        cs[has[other]] = CERT_STATES.index("other_holder")
    return cs


def _first_rows(frame: pd.DataFrame, s: _Suppliers, prov_cur_u: np.ndarray, prov_codes: np.ndarray) -> np.ndarray:
    """The first row of each supplier: same tax code, or, without one, same folded name and province (rows with
    neither are their own). A row whose first row is another is a duplicate."""
    n = len(s.row)
    key, _ = distinct(s.tax.code)
    no_code = np.flatnonzero(np.asarray(pc.equal(s.tax.code, "").to_numpy(zero_copy_only=False), dtype=bool))
    if len(no_code):
        name = column(frame, "supplier_name", n, "string").iloc[no_code]
        raw_prov = pd.Series(s.province.take(pa.array(no_code)).to_pylist(), index=name.index, dtype="string")
        nk = fold_series(name.fillna(""))
        pk = pd.Series(prov_cur_u[prov_codes[no_code]], index=name.index, dtype="string").fillna(
            fold_series(raw_prov.fillna("")))
        named = (nk != "").to_numpy(dtype=bool)
        other_key = np.where(named, ("n:" + nk + "|" + pk).to_numpy(dtype=object),
                             "row:" + pd.Series(s.row[no_code]).astype(str).to_numpy(dtype=object))
        key[no_code] = key.max(initial=-1) + 1 + pd.factorize(other_key)[0]
    first = np.zeros(key.max(initial=-1) + 1, dtype=np.int64)
    first[key[::-1]] = np.arange(n - 1, -1, -1)  # the first row with each key
    return s.row[first[key]] if n else s.row


def _audits(audit: pd.Series, as_of: date, months: int = AUDIT_MONTHS) -> tuple[np.ndarray, np.ndarray]:
    """(audited within `months` up to `as_of`, audit date after `as_of`: not counted)."""
    as_of_ts = pd.Timestamp(as_of)
    ok = ((audit <= as_of_ts) & (audit > as_of_ts - pd.DateOffset(months=months))).fillna(False)
    return ok.to_numpy(dtype=bool), (audit > as_of_ts).fillna(False).to_numpy(dtype=bool)


def _columns(s: _Suppliers, prov_codes: np.ndarray, prov_cur_u: np.ndarray, prov_old_u: np.ndarray,
             level_rank: np.ndarray, duplicate: np.ndarray, first_row: np.ndarray, cs: np.ndarray,
             lowered: np.ndarray) -> dict[str, Any]:
    """The result frame's identifying and level columns, categories instead of repeated strings."""
    prov_names = sorted({p for p in prov_cur_u.tolist() + prov_old_u.tolist() if p is not None})
    prov_index = {p: i for i, p in enumerate(prov_names)}
    prov_cur_code = np.array([prov_index.get(p, -1) for p in prov_cur_u.tolist()] + [-1], dtype=np.int64)
    prov_old_code = np.array([prov_index.get(p, -1) for p in prov_old_u.tolist()] + [-1], dtype=np.int64)
    tier_int = (pd.array(np.where(np.isnan(s.tier), np.nan, s.tier), dtype="Float64").astype("Int64")
                if len(s.row) else pd.array([], dtype="Int64"))
    return {
        "row": s.row,
        "tax_display": _strings(pc.if_else(pc.equal(s.tax.display, ""), pa.scalar(None, pa.string()), s.tax.display)),
        "tax_kind": pd.Categorical.from_codes(s.tax.kind, categories=KINDS),
        "type": pd.Categorical.from_codes(s.type, categories=TYPES),
        "province": pd.Categorical.from_codes(prov_cur_code[prov_codes], categories=prov_names),
        "province_former": pd.Categorical.from_codes(prov_old_code[prov_codes], categories=prov_names),
        "tier": tier_int,
        "level": pd.Categorical.from_codes(level_rank, categories=LEVELS),
        "level_rank": level_rank,
        "duplicate": duplicate,
        "duplicate_of": pd.arrays.IntegerArray(np.where(duplicate, first_row, 0), ~duplicate),
        "certificate_id": _strings(s.certificate),
        "certificate_status": pd.Categorical.from_codes(cs, categories=CERT_STATES),
        "certificate_lowered": lowered,
    }


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
        vi, en = ERROR_TEXT[ERRORS[tax.error[i]]]  # names the part of the number that is wrong
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
