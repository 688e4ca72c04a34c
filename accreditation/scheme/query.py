"""The scheme's figures read from the store: one row per company (its latest submitted version), every submission
for the trends, and per-indicator tallies. Internal to `accreditation.scheme`: these frames carry organisation ids
(to count each company once), never names; only the aggregates in `stats` leave the package.

Three statements, whatever the number of companies: the company frame (organisations → latest non-draft version →
current document), the submissions (id and dates only), and the indicator tallies, which SQLite works out from the
stored results' JSON (`json_each`) for the companies the filters kept, so no result is parsed in Python."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from sqlite_utils import Database

from criteria.provinces import load_provinces

UNKNOWN = "unknown"  # a profile field the company has not filled in, or a province no unit matches

# Per company: its latest non-draft version submitted before `until`, the tier that counts (the assessor's once
# decided), whether its result holds a knock-out, and its current document (neither superseded nor revoked; an
# older document found through the assessment, as the portfolio does, for rows recorded without an organisation).
COMPANIES_SQL = """
WITH latest AS (
    SELECT organisation_id, id FROM (
        SELECT a.organisation_id, a.id,
               ROW_NUMBER() OVER (PARTITION BY a.organisation_id ORDER BY a.version DESC) AS rn
        FROM assessments a
        WHERE a.status <> 'draft' AND a.submitted_at IS NOT NULL AND a.submitted_at < :until)
    WHERE rn = 1
)
SELECT o.id AS organisation_id, o.province, o.sector, o.size, o.legal_form,
       a.id AS assessment_id, a.status, a.submitted_at, a.tier AS self_tier, a.verified_tier, a.verified_total,
       COALESCE(json_array_length(a.result, '$.knockouts'), 0) AS knockouts,
       c.verified AS doc_verified, c.expires AS doc_expires, c.suspended_at AS doc_suspended_at,
       c.revoked_at AS doc_revoked_at, c.superseded_at AS doc_superseded_at
FROM latest l
JOIN organisations o ON o.id = l.organisation_id
JOIN assessments a ON a.id = l.id
LEFT JOIN certificates c ON c.id = COALESCE((
    SELECT d.id FROM certificates d WHERE d.organisation_id = o.id AND d.superseded_by IS NULL
                                      AND d.revoked_at IS NULL
    ORDER BY d.year DESC, d.seq DESC LIMIT 1), a.certificate_id)
WHERE o.kind = 'sme'
"""

# Every company profile (for the registered count and to place each submission in a province and sector).
ORGANISATIONS_SQL = """
SELECT id AS organisation_id, province, sector, size, legal_form, created_at FROM organisations WHERE kind = 'sme'
"""

# Every non-draft version: when it was submitted and decided, for the trends by quarter.
SUBMISSIONS_SQL = """
SELECT a.organisation_id, a.version, a.status, a.submitted_at, a.decided_at
FROM assessments a JOIN organisations o ON o.id = a.organisation_id
WHERE o.kind = 'sme' AND a.status <> 'draft' AND a.submitted_at IS NOT NULL
"""

# Per indicator, over the given assessments: how many answered it (a derived or adjusted answer included), how many
# earned none of its points, how many triggered its knock-out, and the answers given (for the training figures).
INDICATORS_SQL = """
SELECT j.value ->> 'id' AS indicator, j.value ->> 'section' AS section, j.value ->> 'answer' AS answer,
       COUNT(*) AS answered,
       SUM((j.value ->> 'max_points') > 0 AND (j.value ->> 'points') <= 0) AS not_met,
       SUM(COALESCE(j.value ->> 'knockout', 0) = 1) AS knockouts
FROM assessments a, json_each(a.result, '$.indicators') j
WHERE a.id IN (SELECT value FROM json_each(:ids)) AND j.value ->> 'status' = 'answered'
GROUP BY 1, 2, 3
"""

# Per indicator, over the given assessments: how many the assessor decided on, and how many were adjusted.
REVIEWS_SQL = """
SELECT indicator_id AS indicator, COUNT(*) AS reviewed, SUM(decision = 'adjust') AS adjusted
FROM reviews WHERE assessment_id IN (SELECT value FROM json_each(:ids))
GROUP BY 1
"""


def _frame(db: Database, sql: str, params: dict | None = None) -> pd.DataFrame:
    cursor = db.execute(sql, params or {})
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description], dtype="object")


def _provinces(raw: pd.Series) -> pd.Series:
    """Each stored province (any spelling, a pre-2025 unit included) as one of the 34 current units; UNKNOWN when
    blank or matched by none."""
    if raw.empty:
        return pd.Series([], dtype="string", index=raw.index)
    return load_provinces().match_series(raw.astype("string")).loc[:, "province"].fillna(UNKNOWN)


def _text(raw: pd.Series) -> pd.Series:
    s = raw.astype("string").str.strip()
    return s.where(s.notna() & (s != ""), UNKNOWN).astype("string")


def _profile(raw: pd.DataFrame) -> pd.DataFrame:
    """The profile columns every frame shares: province (a current unit), sector, size, legal form."""
    return pd.DataFrame({
        "organisation_id": raw["organisation_id"].astype("int64"),
        "province": _provinces(raw["province"]),
        "sector": _text(raw["sector"]),
        "size": pd.to_numeric(raw["size"], errors="coerce").astype("Int64"),
        "legal_form": _text(raw["legal_form"]),
    }, index=raw.index)


def quarter_of(timestamps: pd.Series) -> pd.Series:
    """ISO timestamps → "2026-Q3" (UTC, as stored); NA when missing."""
    days = pd.to_datetime(timestamps.astype("string").str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    return (days.dt.year.astype("Int64").astype("string") + "-Q"
            + days.dt.quarter.astype("Int64").astype("string")).astype("string")


def _on(value: object) -> pd.Series:
    return pd.to_datetime(pd.Series([value]).astype("string").str.slice(0, 10), format="%Y-%m-%d",
                          errors="coerce").iloc[0]


def companies(db: Database, as_of: date, until: str = "9999") -> pd.DataFrame:
    """One row per company with a version submitted before `until` (an ISO timestamp bound): profile, status,
    tier (None: not eligible), knock-out, quarter of submission and assurance of its current document on
    `as_of` (verified / self_assessed while in force, else none)."""
    raw = _frame(db, COMPANIES_SQL, {"until": until})
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in (
            "organisation_id", "province", "sector", "size", "legal_form", "assessment_id", "status", "submitted_at",
            "quarter", "tier", "knockout", "assurance")})
    df = _profile(raw)
    df["assessment_id"] = raw["assessment_id"].astype("int64")
    df["status"] = raw["status"].astype("string")
    df["submitted_at"] = raw["submitted_at"].astype("string")
    df["quarter"] = quarter_of(raw["submitted_at"])
    decided = raw["status"].isin(["approved", "rejected"]) & raw["verified_total"].notna()
    df["tier"] = raw["verified_tier"].where(decided, raw["self_tier"]).astype("object")
    df["tier"] = df["tier"].where(df["tier"].notna(), None)
    df["knockout"] = pd.to_numeric(raw["knockouts"], errors="coerce").fillna(0).astype("int64") > 0
    today = pd.Timestamp(as_of)
    in_force = raw["doc_expires"].notna()
    in_force &= raw["doc_expires"].map(lambda v: _on(v) >= today if v else False).astype(bool)
    for column in ("doc_suspended_at", "doc_revoked_at", "doc_superseded_at"):
        in_force &= ~raw[column].map(lambda v: bool(v) and _on(v) <= today).astype(bool)
    verified = pd.to_numeric(raw["doc_verified"], errors="coerce").fillna(0).astype(bool)
    assurance = pd.Series("none", index=raw.index, dtype="object")
    assurance[in_force] = "self_assessed"
    assurance[in_force & verified] = "verified"
    df["assurance"] = assurance.astype("string")
    return df


def organisations(db: Database) -> pd.DataFrame:
    """Every company's profile (no name), with the day it was registered."""
    raw = _frame(db, ORGANISATIONS_SQL)
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in (
            "organisation_id", "province", "sector", "size", "legal_form", "created_at")})
    df = _profile(raw)
    df["created_at"] = raw["created_at"].astype("string")
    return df


def submissions(db: Database) -> pd.DataFrame:
    """Every non-draft version: company, version, status, quarter submitted and quarter decided."""
    raw = _frame(db, SUBMISSIONS_SQL)
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in (
            "organisation_id", "version", "status", "quarter", "decided_quarter")})
    return pd.DataFrame({
        "organisation_id": raw["organisation_id"].astype("int64"),
        "version": raw["version"].astype("int64"),
        "status": raw["status"].astype("string"),
        "quarter": quarter_of(raw["submitted_at"]),
        "decided_quarter": quarter_of(raw["decided_at"]),
    })


def indicator_answers(db: Database, assessment_ids: list[int]) -> pd.DataFrame:
    """(indicator, section, answer) → answered, not_met, knockouts, over the given assessments."""
    df = _frame(db, INDICATORS_SQL, {"ids": json.dumps([int(i) for i in assessment_ids])})
    if df.empty:
        return pd.DataFrame({"indicator": pd.Series(dtype="string"), "section": pd.Series(dtype="string"),
                             "answer": pd.Series(dtype="object"), "answered": pd.Series(dtype="int64"),
                             "not_met": pd.Series(dtype="int64"), "knockouts": pd.Series(dtype="int64")})
    for column in ("answered", "not_met", "knockouts"):
        df[column] = pd.to_numeric(df[column], errors="coerce").fillna(0).astype("int64")
    df["indicator"] = df["indicator"].astype("string")
    df["section"] = df["section"].astype("string")
    return df


def indicator_reviews(db: Database, assessment_ids: list[int]) -> pd.DataFrame:
    """indicator → reviewed, adjusted, over the given assessments."""
    df = _frame(db, REVIEWS_SQL, {"ids": json.dumps([int(i) for i in assessment_ids])})
    if df.empty:
        return pd.DataFrame({"indicator": pd.Series(dtype="string"), "reviewed": pd.Series(dtype="int64"),
                             "adjusted": pd.Series(dtype="int64")})
    df["indicator"] = df["indicator"].astype("string")
    for column in ("reviewed", "adjusted"):
        df[column] = pd.to_numeric(df[column], errors="coerce").fillna(0).astype("int64")
    return df
