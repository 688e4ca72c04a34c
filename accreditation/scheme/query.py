"""The scheme's figures read from the store: one row per company (its latest submitted version), every submission
for the trends, and per-indicator tallies. Internal to `accreditation.scheme`: these frames carry organisation ids
(to count each company once), never names; only the aggregates in `stats` leave the package.

A few statements, whatever the number of companies: the company frame (organisations → latest non-draft version →
current document), the submissions (ids and dates only), the reviews; and what each result says per indicator,
which SQLite extracts from the stored JSON (`json_each`; no result is parsed in Python). A result is 11-58 KB, and
reading 5,000 of them took 1 s of the 1.4 s a dashboard cost, so that extract is remembered per assessment version
(as the portfolio does): a submitted version's result changes only with its status or update time, which the key
holds, so a later request reads only versions not seen before."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import date

import numpy as np
import pandas as pd
from sqlite_utils import Database

from accreditation.store.db import dialect, identity, ids_sql
from criteria.provinces import load_provinces

UNKNOWN = "unknown"  # a profile field the company has not filled in, or a province no unit matches

# Per company: its latest non-draft version submitted before `until`, the tier that counts (the assessor's once
# decided), and its current document (neither superseded nor revoked; an
# older document found through the assessment, as the portfolio does, for rows recorded without an organisation).
COMPANIES_SQL = """
WITH latest AS (
    SELECT organisation_id, id FROM (
        SELECT a.organisation_id, a.id,
               ROW_NUMBER() OVER (PARTITION BY a.organisation_id ORDER BY a.version DESC) AS rn
        FROM assessments a
        WHERE a.status <> 'draft' AND a.submitted_at IS NOT NULL AND a.submitted_at < :until) AS v
    WHERE rn = 1
)
SELECT o.id AS organisation_id, o.province, o.sector, o.size, o.legal_form,
       a.id AS assessment_id, a.status, a.submitted_at, a.updated_at, a.decided_at, a.tier AS self_tier,
       a.verified_tier, a.verified_total,
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

# What each given result says per indicator answered (a derived or adjusted answer included): its section, the
# answer, whether it earned none of its points, whether it triggered its knock-out; and whether the result holds a
# knock-out at all (a row with a NULL indicator when it has no indicator answered).
RESULT_ROWS_SQL = """
SELECT a.id, j.value ->> 'id', j.value ->> 'section', j.value ->> 'answer',
       (j.value ->> 'max_points') > 0 AND (j.value ->> 'points') <= 0,
       COALESCE(j.value ->> 'knockout', 0) = 1,
       COALESCE(json_array_length(a.result, '$.knockouts'), 0) > 0
FROM assessments a LEFT JOIN json_each(a.result, '$.indicators') j ON j.value ->> 'status' = 'answered'
WHERE a.id IN (SELECT value FROM json_each(:ids))
"""
# The same on PostgreSQL: `->>` is always text there, so the answer comes as JSON (decoded in `_extract`).
RESULT_ROWS_SQL_PG = """
SELECT a.id, j.value ->> 'id', j.value ->> 'section', j.value -> 'answer',
       CAST(j.value ->> 'max_points' AS DOUBLE PRECISION) > 0 AND CAST(j.value ->> 'points' AS DOUBLE PRECISION) <= 0,
       COALESCE(j.value ->> 'knockout', '') IN ('true', '1'),
       CASE WHEN jsonb_typeof(CAST(a.result AS jsonb) -> 'knockouts') = 'array'
            THEN jsonb_array_length(CAST(a.result AS jsonb) -> 'knockouts') ELSE 0 END > 0
FROM assessments a LEFT JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(CAST(a.result AS jsonb) -> 'indicators') = 'array'
         THEN CAST(a.result AS jsonb) -> 'indicators' END) AS j(value) ON j.value ->> 'status' = 'answered'
WHERE a.id IN (SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(:ids AS jsonb)) AS value)
"""

# Per indicator, over the given assessments: how many the assessor decided on, and how many were adjusted.
REVIEWS_SQL = """
SELECT indicator_id AS indicator, COUNT(*) AS reviewed, SUM(CASE WHEN decision = 'adjust' THEN 1 ELSE 0 END) AS adjusted
FROM reviews WHERE assessment_id IN ({ids})
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


def _day(values: pd.Series) -> pd.Series:
    """ISO dates or timestamps as their "YYYY-MM-DD" text (compared as text: ISO order is date order); NA if empty."""
    days = values.astype("string").str.slice(0, 10)
    return days.where(days.str.len() == 10)


def companies(db: Database, as_of: date, until: str = "9999") -> pd.DataFrame:
    """One row per company with a version submitted before `until` (an ISO timestamp bound): profile, status,
    tier (None: not eligible), quarter of submission and assurance of its current document on `as_of` (verified /
    self_assessed while in force, else none). Whether its result holds a knock-out comes from `results`."""
    raw = _frame(db, COMPANIES_SQL, {"until": until})
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in (
            "organisation_id", "province", "sector", "size", "legal_form", "assessment_id", "status", "submitted_at",
            "updated_at", "decided_at", "quarter", "tier", "assurance")})
    df = _profile(raw)
    df["assessment_id"] = raw["assessment_id"].astype("int64")
    df["status"] = raw["status"].astype("string")
    df["submitted_at"] = raw["submitted_at"].astype("string")
    df["quarter"] = quarter_of(raw["submitted_at"])
    decided = raw["status"].isin(["approved", "rejected"]) & raw["verified_total"].notna()
    df["tier"] = raw["verified_tier"].where(decided, raw["self_tier"]).astype("object")
    df["tier"] = df["tier"].where(df["tier"].notna(), None)
    df["updated_at"] = raw["updated_at"].astype("object")
    df["decided_at"] = raw["decided_at"].astype("object")
    today = as_of.isoformat()
    in_force = (_day(raw["doc_expires"]) >= today).fillna(False).astype(bool)  # valid through its last day
    for column in ("doc_suspended_at", "doc_revoked_at", "doc_superseded_at"):
        in_force &= ~(_day(raw[column]) <= today).fillna(False).astype(bool)
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


# (indicator, section, answer, not met, knock-out) → a small integer, shared by every remembered result; a result is
# remembered as the array of its answers' codes and whether it holds a knock-out.
_CODES: dict[tuple, int] = {}
_CODE_ROWS: list[tuple] = []
_MEMO: "OrderedDict[tuple, tuple[np.ndarray, bool]]" = OrderedDict()
_MEMO_SIZE = 250_000
_LOCK = threading.Lock()


def _code(key: tuple) -> int:
    code = _CODES.get(key)
    if code is None:
        code = _CODES[key] = len(_CODE_ROWS)
        _CODE_ROWS.append(key)
    return code


def _sqlite_value(text: str | None):
    """A JSON value as SQLite's `->>` gives it: numbers and text as such, true/false as 1/0, arrays and objects
    as compact JSON text."""
    if text is None:
        return None
    value = json.loads(text)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def _extract(db: Database, ids: list[int]) -> dict[int, tuple[np.ndarray, bool]]:
    pg = dialect(db) == "postgresql"
    rows = db.execute(RESULT_ROWS_SQL_PG if pg else RESULT_ROWS_SQL, {"ids": json.dumps(ids)}).fetchall()
    if pg:
        rows = [(aid, indicator, section, _sqlite_value(answer), *rest)
                for aid, indicator, section, answer, *rest in rows]
    codes: dict[int, list[int]] = {i: [] for i in ids}
    knockout: dict[int, bool] = {i: False for i in ids}
    with _LOCK:
        for aid, indicator, section, answer, not_met, ko, any_ko in rows:
            knockout[aid] = bool(any_ko)
            if indicator is not None:
                codes[aid].append(_code((indicator, section, answer if isinstance(answer, (str, int, float))
                                         or answer is None else str(answer), bool(not_met), bool(ko))))
    return {i: (np.asarray(codes[i], dtype=np.int32), knockout[i]) for i in ids}


def results(db: Database, versions: pd.DataFrame) -> dict[int, tuple[np.ndarray, bool]]:
    """For each assessment of `versions` (columns assessment_id, status, updated_at, decided_at): its answers'
    codes and whether its result holds a knock-out; from the memo when this version was read before (a file
    database only: an in-memory one has no name to key on)."""
    path = identity(db) or None
    keys = {int(r[0]): (path, int(r[0]), r[1], r[2], r[3]) for r in versions[
        ["assessment_id", "status", "updated_at", "decided_at"]].itertuples(index=False, name=None)}
    found: dict[int, tuple[np.ndarray, bool]] = {}
    if path:
        with _LOCK:
            for aid, key in keys.items():
                hit = _MEMO.get(key)
                if hit is not None:
                    found[aid] = hit
    missing = [aid for aid in keys if aid not in found]
    if missing:
        fresh = _extract(db, missing)
        found.update(fresh)
        if path:
            with _LOCK:
                _MEMO.update({keys[aid]: value for aid, value in fresh.items()})
                while len(_MEMO) > _MEMO_SIZE:
                    _MEMO.popitem(last=False)
    return found


def indicator_answers(extracted: dict[int, tuple[np.ndarray, bool]], assessment_ids: list[int]) -> pd.DataFrame:
    """(indicator, section, answer) → answered, not_met, knockouts, over the given assessments."""
    arrays = [extracted[int(i)][0] for i in assessment_ids if int(i) in extracted]
    columns = ["indicator", "section", "answer", "answered", "not_met", "knockouts"]
    if not arrays or not sum(len(a) for a in arrays):
        return pd.DataFrame({"indicator": pd.Series(dtype="string"), "section": pd.Series(dtype="string"),
                             "answer": pd.Series(dtype="object"), "answered": pd.Series(dtype="int64"),
                             "not_met": pd.Series(dtype="int64"), "knockouts": pd.Series(dtype="int64")})
    tally = np.bincount(np.concatenate(arrays))
    used = np.flatnonzero(tally)
    with _LOCK:
        keys = [_CODE_ROWS[c] for c in used]
    df = pd.DataFrame(keys, columns=["indicator", "section", "answer", "not_met_flag", "ko_flag"])
    df["answered"] = tally[used].astype("int64")
    df["not_met"] = df["answered"].where(df["not_met_flag"], 0)
    df["knockouts"] = df["answered"].where(df["ko_flag"], 0)
    df = df.groupby(["indicator", "section", "answer"], as_index=False, dropna=False)[
        ["answered", "not_met", "knockouts"]].sum()
    df["indicator"] = df["indicator"].astype("string")
    df["section"] = df["section"].astype("string")
    return df[columns]


def indicator_reviews(db: Database, assessment_ids: list[int]) -> pd.DataFrame:
    """indicator → reviewed, adjusted, over the given assessments."""
    df = _frame(db, REVIEWS_SQL.format(ids=ids_sql(db)), {"ids": json.dumps([int(i) for i in assessment_ids])})
    if df.empty:
        return pd.DataFrame({"indicator": pd.Series(dtype="string"), "reviewed": pd.Series(dtype="int64"),
                             "adjusted": pd.Series(dtype="int64")})
    df["indicator"] = df["indicator"].astype("string")
    for column in ("reviewed", "adjusted"):
        df[column] = pd.to_numeric(df[column], errors="coerce").fillna(0).astype("int64")
    return df
