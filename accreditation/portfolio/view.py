"""The portfolio as a brand looks at it: filters, sorting, the documents due soon, labels and headers in the
reader's language, and the counts behind the charts. Pure functions of the frame that `query.portfolio` builds."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

import pandas as pd

from accreditation.i18n import catalog_text
from accreditation.wording import risk_list
from criteria.schema import Criteria

RISK_LEVELS = ("critical", "high", "medium", "low", "not_checked")  # most severe first
CERTIFICATE_STATUSES = ("active", "suspended", "expired", "superseded", "revoked", "none")
ASSURANCES = ("verified", "self_assessed", "none")
PRIORITIES = ("critical", "major", "minor")
EXPIRY_BUCKETS = 3  # the expiry chart splits the notice window into this many equal spans


def filter_portfolio(df: pd.DataFrame, *, tiers: Iterable[str | None] | None = None,
                     risk_levels: Iterable[str] | None = None, certificate_statuses: Iterable[str] | None = None,
                     assurances: Iterable[str] | None = None, rejected_only: bool = False,
                     provinces: Iterable[str] | None = None, sectors: Iterable[str] | None = None,
                     search: str = "", knockouts_only: bool = False, due_within_days: int | None = None,
                     as_of: date | None = None) -> pd.DataFrame:
    """The rows matching every filter given (an empty or None filter keeps everything). `tiers` may hold None for
    "not eligible". `search` matches the company name or tax code, ignoring case (Vietnamese included)."""
    keep = pd.Series(True, index=df.index)
    if tiers:
        wanted = set(tiers)
        keep &= df["tier"].isin([t for t in wanted if t]) | (df["tier"].isna() & (None in wanted))
    for column, wanted in (("risk_level", risk_levels), ("certificate_status", certificate_statuses),
                           ("assurance", assurances), ("province", provinces), ("sector", sectors)):
        if wanted:
            keep &= df[column].isin(list(wanted))
    if rejected_only:
        keep &= df["rejected_on"].notna()
    if knockouts_only:
        keep &= df["knockout_count"] > 0
    if due_within_days is not None:
        limit = pd.Timestamp(as_of or date.today()) + pd.Timedelta(days=due_within_days)
        keep &= (df["reassessment_due"] <= limit).fillna(False)
    needle = search.strip().casefold()
    if needle:
        hay = df["company"].fillna("").str.casefold() + " " + df["tax_code"].fillna("")
        keep &= hay.str.contains(needle, regex=False)
    return df[keep.fillna(False).astype(bool)]


SORT_KEYS = ("company", "score", "tier", "risk_level", "certificate_expires", "reassessment_due", "submitted",
             "province")


def sort_portfolio(df: pd.DataFrame, by: str = "company", descending: bool = False,
                   tier_order: Iterable[str] = ()) -> pd.DataFrame:
    """Sort by one of `SORT_KEYS`; tiers by their band order (`tier_order`, lowest first), risk by severity,
    names ignoring case. Missing values go last; the company name breaks ties."""
    if by not in SORT_KEYS:
        raise ValueError(f"unknown sort key {by!r}")
    if df.empty:
        return df
    if by == "tier":
        order = {t: i for i, t in enumerate(tier_order)}
        key = df["tier"].map(order).astype("float64")
    elif by == "risk_level":
        key = df["risk_rank"].astype("float64").where(df["risk_level"] != "not_checked")
    elif by in ("company", "province"):
        key = df[by].fillna("").str.casefold()
    else:
        key = df[by]
    name = df["company"].fillna("").str.casefold()
    frame = pd.DataFrame({"k": key, "n": name}, index=df.index)
    frame = frame.sort_values(["k", "n"], ascending=[not descending, True], na_position="last", kind="stable")
    return df.loc[frame.index]


def certified(df: pd.DataFrame) -> pd.Series:
    """Rows whose document is a verified certificate in force: the only ones that count as certified (a
    self-assessment statement never does)."""
    return (df["certificate_status"] == "active") & (df["assurance"] == "verified")


def expiring(df: pd.DataFrame, days: int) -> pd.DataFrame:
    """Documents in force (verified certificates and self-assessment statements) that expire within `days`
    (inclusive; the criteria setting `expiry_notice_days`): either way the company is due for re-assessment."""
    d = df["days_to_expiry"]
    return df[(df["certificate_status"] == "active") & d.notna() & (d >= 0) & (d <= days)]


def expiry_buckets(df: pd.DataFrame, days: int) -> pd.DataFrame:
    """Documents in force expiring within `days`, counted in `EXPIRY_BUCKETS` equal spans of the window
    (90 days: 0–30, 31–60, 61–90). Columns: key ("0-30"…), first and last day of each span, count."""
    d = expiring(df, days)["days_to_expiry"].astype("int64")
    ends = [round(days * (i + 1) / EXPIRY_BUCKETS) for i in range(EXPIRY_BUCKETS)]
    starts = [0] + [e + 1 for e in ends[:-1]]
    spans = [(lo, hi) for lo, hi in zip(starts, ends) if lo <= hi]  # a window shorter than the buckets: fewer spans
    return pd.DataFrame({"key": [f"{lo}-{hi}" for lo, hi in spans], "first": [lo for lo, _ in spans],
                         "last": [hi for _, hi in spans],
                         "count": [int(((d >= lo) & (d <= hi)).sum()) for lo, hi in spans]})


def counts(df: pd.DataFrame, column: str, order: Iterable[Any]) -> pd.DataFrame:
    """How many rows have each value of `column`, in `order` (values not in `order` after it); for the charts."""
    order = list(order)
    values = df[column].astype("object").where(df[column].notna(), None)
    tally = values.value_counts(dropna=False)
    keys = order + [k for k in tally.index if k not in order]
    return pd.DataFrame({"key": pd.Series(keys, dtype="object"), "count": [int(tally.get(k, 0)) if k is not None
                                                 else int(values.isna().sum()) for k in keys]})


# ------------------------------------------------------------------------------------- for people and files

PEOPLE_COLUMNS = ("company", "tax_code", "province", "sector", "status", "submitted", "tier", "score", "verified",
                  "self_score", "verified_score", "knockouts", "top_risks", "top_risk_ids", "risk_level",
                  "certificate_id",
                  "assurance", "certificate_status", "certificate_expires", "reassessment_due",
                  "reassessment_basis", "rejected_on", "rejection_knockouts", "shared_since")


def tier_labels(criteria: Criteria, lang: str) -> dict[str | None, str]:
    """Band id → label, and None → "not eligible"."""
    labels: dict[str | None, str] = {b.id: b.label.get(lang) for b in criteria.bands}
    labels[None] = catalog_text("result.not_eligible", lang)
    return labels


def sector_labels(criteria: Criteria, lang: str) -> dict[str, str]:
    lst = criteria.lists.get("sector")
    return {c.name: c.label.get(lang) for c in lst.choices} if lst else {}


def _labelled(s: pd.Series, col: str, lang: str, criteria: Criteria) -> pd.Series:
    """One column's codes as words in `lang`."""
    from accreditation.workflow import status_label

    if col == "tier":
        tiers = tier_labels(criteria, lang)
        return s.astype("object").where(s.notna(), None).map(lambda v: tiers.get(v, v))
    if col == "sector":
        sectors = sector_labels(criteria, lang)
        return s.map(lambda v: sectors.get(v, v) if isinstance(v, str) else v)
    if col == "status":
        return s.map(lambda v: status_label(v, lang) if isinstance(v, str) else v)
    keys = {"risk_level": "brand.risk", "certificate_status": "brand.cert", "assurance": "brand.assurance"}
    if col in keys:
        return s.map(lambda v: catalog_text(f"{keys[col]}.{v}", lang) if isinstance(v, str) else v)
    if col == "top_risks":  # words; the ids stay in "top_risk_ids" (files only)
        uniques = {v: risk_list(v, lang) for v in s.dropna().unique().tolist()}  # few distinct lists
        return s.astype("object").map(lambda v: uniques.get(v, v) if isinstance(v, str) else v).astype("string")
    if col == "reassessment_basis":
        months = criteria.settings.reassess_without_document_months
        return s.map(lambda v: (catalog_text(f"brand.basis.{v}", lang, months=months)
                                + (" *" if v == "submission" else "")) if isinstance(v, str) else v)
    return s


def for_people(df: pd.DataFrame, lang: str, criteria: Criteria,
               columns: Iterable[str] = PEOPLE_COLUMNS) -> pd.DataFrame:
    """The portfolio with labels instead of codes and headers in `lang`: what the table shows and the files hold.
    A re-assessment date that comes from the submission (no certificate) is marked with "*" in the basis column."""
    out = pd.DataFrame(index=df.index)
    for col in columns:
        source = df["top_risks"] if col == "top_risk_ids" else df[col]
        out[catalog_text(f"brand.col.{col}", lang)] = _labelled(source, col, lang, criteria)
    return out
