"""The company-level summary of a supplier check: counts by level, type, tax-code kind and certificate state,
duplicates, old province names, the focus suppliers (high risk or spend-critical) and their controls, and the
derived answers of the supply-chain indicators (SC-01..SC-04, PRO-03; criteria/derivations.csv). `summarise`
builds it as a plain dict (stored and printed as it is); the models below describe and validate its shape."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from criteria.risk_tables import LEVELS, RANK, TYPES, RiskData
from criteria.text import Text
from scoring.tax_codes import KINDS, TaxCodes

FOCUS_SPEND_SHARE = 0.80  # spend-critical: the largest suppliers that together make up 80% of listed spend
MAPPING_COMPLETE = 0.90  # share of suppliers with tier, type, province and products for SC-01 "yes"

_FOCUS_DEFINITION = {
    True: Text("Nhà cung cấp rủi ro cao hoặc nghiêm trọng, và nhà cung cấp trọng yếu về chi tiêu (những nhà "
                    "cung cấp lớn nhất cộng lại chiếm 80% giá trị mua hàng năm trong danh sách)",
                    "High- or critical-risk suppliers, and spend-critical suppliers (the largest suppliers that "
                    "together make up 80% of the annual spend in the list)"),
    False: Text("Nhà cung cấp rủi ro cao hoặc nghiêm trọng (danh sách không có giá trị mua hàng nên không xác "
                     "định được nhà cung cấp trọng yếu về chi tiêu)",
                     "High- or critical-risk suppliers (the list has no spend amounts, so spend-critical suppliers "
                     "cannot be identified)"),
}


def focus_definition(spend_data: bool) -> Text:
    """What the summary's `focus` counts, in both languages: a stored summary keeps only `spend_data`."""
    return _FOCUS_DEFINITION[bool(spend_data)]


def _share(count: int, of: int) -> dict[str, Any]:
    return {"count": int(count), "of": int(of), "share": round(count / of, 4) if of else None}


def _yes_partly_no(count: int, of: int) -> str:
    if of == 0 or count == 0:
        return "no"
    return "yes" if count == of else "partly"


def summarise(t: pd.DataFrame, tax: TaxCodes, goods: np.ndarray, data: RiskData, prov_unknown: np.ndarray,
              cert_states: tuple[str, ...]) -> dict[str, Any]:
    """The summary of the result table `t` (one row per input row; see `scoring.supply_chain`), as
    `SupplierSummary.model_dump()` would give it. `goods`: for each good, the number of distinct suppliers it was
    found for; `cert_states`: the certificate states in the order the counts are listed."""
    u = ~t["duplicate"].to_numpy(dtype=bool)  # distinct suppliers
    rank = t["level_rank"].to_numpy()[u]  # residual: what drives the summary, derived answers and plan
    inherent = t["inherent_rank"].to_numpy()[u]
    high = rank >= RANK["high"]
    # Whether the risky suppliers have controls is asked of the inherently risky ones: asked of the residual level,
    # a supplier that checks ages would leave the question because it checks them, and SC-03 would always be "no".
    needs_controls = inherent >= RANK["high"]
    focus = _focus(t, u, needs_controls)
    typ = t["type"].cat.codes.to_numpy()[u]
    kinds = np.bincount(tax.kind[u], minlength=len(KINDS))
    certs = np.bincount(t["certificate_status"].cat.codes.to_numpy()[u] + 1, minlength=len(cert_states) + 1)[1:]
    by_type = np.bincount(typ + 1, minlength=len(TYPES) + 1)
    tier = t["tier"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)[u]
    max_tier = np.nanmax(tier) if u.any() and not np.isnan(tier).all() else None
    informal = t["informal"].to_numpy(dtype=bool)[u]
    dup_rows = np.flatnonzero(~u)
    return dict(
        rows=len(t), suppliers=int(u.sum()),
        duplicates=[{"row": r, "duplicate_of": f, "key": "tax_code" if k != KINDS.index("missing") else "name_province"}
                    for r, f, k in zip(t["row"].to_numpy()[dup_rows].tolist(),
                                       t["duplicate_of"].to_numpy(dtype=np.int64, na_value=0)[dup_rows].tolist(),
                                       tax.kind[dup_rows].tolist())],
        by_level={lv: int((rank == i).sum()) for i, lv in enumerate(LEVELS)},
        by_inherent={lv: int((inherent == i).sum()) for i, lv in enumerate(LEVELS)},
        by_type={**{ty: int(by_type[i + 1]) for i, ty in enumerate(TYPES)}, "unknown": int(by_type[0])},
        tax_codes={**{k: int(kinds[KINDS.index(k)]) for k in ("enterprise", "branch", "personal_id", "invalid",
                                                              "missing")},
                   "leading_zero_restored": int(tax.restored[u].sum())},
        provinces_mapped=_provinces_mapped(t),
        provinces_unknown=t["row"].to_numpy()[prov_unknown].tolist(),
        listed_goods={g.id: int(goods[j]) for j, g in enumerate(data.goods) if goods[j]},
        informal_units=int(informal.sum()),
        max_tier=int(max_tier) if max_tier is not None else None,
        workers_in_high_risk=int(np.nansum(t["workers"].to_numpy(dtype=float)[u][high])),
        certificates={s: int(certs[i]) for i, s in enumerate(cert_states)},
        focus=focus,
        derived=_derived(t, u, needs_controls, tier, typ, informal))


def _focus(t: pd.DataFrame, u: np.ndarray, high: np.ndarray) -> dict[str, Any]:
    """Spend-critical or high-risk suppliers, and how many of them lack an age check or a recent audit. Spend-critical:
    the largest suppliers that together make up FOCUS_SPEND_SHARE of the listed spend."""
    spend = np.nan_to_num(t["spend"].to_numpy(dtype=float)[u], nan=0.0)
    spend_data = bool((spend > 0).any())
    spend_critical = np.zeros(len(spend), dtype=bool)
    if spend_data:
        order = np.argsort(-spend, kind="stable")
        before = np.concatenate([[0.0], np.cumsum(spend[order])[:-1]]) / spend.sum()
        spend_critical[order[(before < FOCUS_SPEND_SHARE) & (spend[order] > 0)]] = True
    focus = high | spend_critical
    nf = int(focus.sum())
    no_age = ~t["age_verified"].to_numpy(dtype=bool)[u]
    no_audit = ~t["audited"].to_numpy(dtype=bool)[u]
    definition = focus_definition(spend_data)
    return dict(definition={"vi": definition.vi, "en": definition.en}, spend_data=spend_data,
                spend_critical=int(spend_critical.sum()), high_risk=int(high.sum()), suppliers=nf,
                without_age_verification=_share(int((focus & no_age).sum()), nf),
                without_recent_audit=_share(int((focus & no_audit).sum()), nf),
                without_age_verification_or_audit=_share(int((focus & (no_age | no_audit)).sum()), nf))


def _derived(t: pd.DataFrame, u: np.ndarray, high: np.ndarray, tier: np.ndarray, typ: np.ndarray,
             informal: np.ndarray) -> dict[str, str]:
    """The derived answers (criteria/derivations.csv); thresholds in docs/suppliers.md."""
    nu, nh = int(u.sum()), int(high.sum())
    complete = ~np.isnan(tier) & (typ >= 0) & (t["province"].cat.codes.to_numpy()[u] >= 0)
    beyond = bool((np.nan_to_num(tier, nan=0) >= 2).any())
    if nu == 0:
        mapping = "no"
    elif beyond and complete.mean() >= MAPPING_COMPLETE:
        mapping = "yes"
    else:
        mapping = "partly"
    age_ok = t["age_verified"].to_numpy(dtype=bool)[u]
    audit_ok = t["audited"].to_numpy(dtype=bool)[u]
    return {
        "suppliers.mapping": mapping,
        "suppliers.code_of_conduct": _yes_partly_no(int(t["coc"].to_numpy(dtype=bool)[u].sum()), nu),
        "suppliers.age_verification": "na" if nh == 0 else _yes_partly_no(int((high & age_ok).sum()), nh),
        "suppliers.audit": "na" if nh == 0 else _yes_partly_no(int((high & audit_ok).sum()), nh),
        "suppliers.uses_informal": "yes" if bool(informal.any()) else "no",
    }


def _provinces_mapped(t: pd.DataFrame) -> list[dict[str, Any]]:
    """Old province names and the 2025 provinces they became, counted over all rows (duplicates too), sorted by
    (old name, new name)."""
    names = list(t["province"].cat.categories)
    province = t["province"].cat.codes.to_numpy()
    former = t["province_former"].cat.codes.to_numpy()
    has_former = former >= 0
    pairs, counts = np.unique(former[has_former].astype(np.int64) * (len(names) + 1) + province[has_former] + 1,
                              return_counts=True)
    mapped = sorted(((names[p // (len(names) + 1)], names[p % (len(names) + 1) - 1], int(c))
                     for p, c in zip(pairs.tolist(), counts.tolist()) if p % (len(names) + 1)))
    return [{"from": f, "to": c, "rows": k} for f, c, k in mapped]
