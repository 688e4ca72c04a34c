"""The supplier-check summary as a validated model (pydantic): built on first use of `SupplierResult.summary`, kept
apart from the builder so that the `suppliers` command never imports pydantic."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from criteria.schema import Text


class Share(BaseModel):
    count: int
    of: int
    share: float | None  # None when `of` is 0


class FocusSummary(BaseModel):
    """Spend-critical or high-risk suppliers and their controls (the issue's "share without age verification or
    audit")."""
    definition: Text
    spend_data: bool  # the list has an annual_spend_vnd column with at least one amount
    spend_critical: int
    high_risk: int
    suppliers: int  # spend-critical or high/critical risk
    without_age_verification: Share
    without_recent_audit: Share
    without_age_verification_or_audit: Share


class SupplierSummary(BaseModel):
    rows: int  # data rows read
    suppliers: int  # distinct suppliers (duplicates not counted)
    duplicates: list[dict[str, Any]]  # {row, duplicate_of, key: "tax_code" | "name_province"}
    by_level: dict[str, int]  # residual level: after the supplier's controls
    by_inherent: dict[str, int] = {}  # inherent level: goods, sector, type, tier, tax code (absent before v3)
    by_type: dict[str, int]
    tax_codes: dict[str, int]  # enterprise, branch, personal_id, invalid, missing, leading_zero_restored
    provinces_mapped: list[dict[str, Any]]  # {from, to, rows}: old names mapped to the 2025 provinces
    provinces_unknown: list[int]  # rows whose province matched no current or former name
    listed_goods: dict[str, int]  # USDOL good -> suppliers
    informal_units: int
    max_tier: int | None
    workers_in_high_risk: int
    certificates: dict[str, int]  # per state of supply_chain.CERT_STATES (active: a verified certificate in force)
    focus: FocusSummary
    derived: dict[str, str]
