"""The brand's portfolio read from the store: every company that shares its results with the brand, with its latest
submitted result, its document (assurance and status), the last rejection still standing, and its re-assessment
date, as one pandas DataFrame (columns: `COLUMNS`). An association's portfolio is the same query on its own
organisation id: its members share with it as suppliers share with a brand (`accreditation.sharing`).

One SQL query builds the whole portfolio (shares → organisations → latest non-draft assessment → document →
last standing rejection → supplier-list check), so 10,000 suppliers cost one pass over the database, not 10,000
look-ups. What a brand may see is exactly what `permissions.can(brand, "assessment.view", …)` allows: active shares,
never a draft, never a company that does not share. Worker data is not in the store at all; personal 12-digit tax
codes are masked.

The company's document is its current one in the registry (neither superseded nor revoked; found by the
organisation it was issued to), or its newest when none is current (revoked). Documents recorded without an
organisation are found through the assessment, as before. Its **assurance** (a verified certificate or a
self-assessment statement) is a column of its own, apart from its **status** on `as_of`, derived as the registry
does (`Certificate.status`): revoked, superseded, suspended, expired, else active.

A rejection holds until a later version is approved: the newest rejected version after the last approved one is
shown (`rejected_on`, `rejection_knockouts`). The supplier risk level comes from the stored supplier check's summary
(`accreditation.checks`, read in SQL at `checks.LEVEL_PATHS`).

Re-assessment is due when the document expires (revoked or suspended: at once), or, for a company without a
document, the criteria setting `reassess_without_document_months` after its last submission."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from accreditation import checks
from accreditation.store.db import dialect, identity, ids_sql, json_compact, json_paths_sql
from criteria.schema import Settings
from scoring.tax_codes import classify_series

TOP_RISKS = 3
RISK_RANK = {"not_checked": -1, "low": 0, "medium": 1, "high": 2, "critical": 3}

# The portfolio in one statement. `latest` picks, per shared organisation, the latest non-draft assessment using only
# the columns stored before the large `result` JSON (reading a column after it would walk the JSON's overflow pages
# for every version); the final join reads each latest row once. The document is the organisation's current one,
# else its newest (one index search per company: cheaper than ranking every document). `rejections` is the newest
# rejected version with no approved one after it (few rows: the status index first); its knock-outs come from its
# result (the assessor's) through the same memo as the latest versions' (usually it is the latest version).
# Knock-outs and top risks live inside the `result` JSON (11-58 KB per assessment): reading it for 10,000 suppliers
# costs more than the rest of the query together, and a submitted result does not change, so those fields are
# extracted once per assessment version (`RESULT_FIELDS_SQL`) and remembered (`_RESULT_MEMO`).
_RESULT_PATHS = ["$.knockouts"] + [f"$.remediation[{i}].{k}" for i in range(TOP_RISKS)
                                    for k in ("priority", "indicator", "rule")]
_PORTFOLIO_SQL = """
WITH shared AS (
    SELECT organisation_id, MIN(created_at) AS shared_at
    FROM shares WHERE brand_id = :brand AND withdrawn_at IS NULL GROUP BY organisation_id
), latest AS (
    SELECT organisation_id, id FROM (
        SELECT a.organisation_id, a.id,
               ROW_NUMBER() OVER (PARTITION BY a.organisation_id ORDER BY a.version DESC) AS rn
        FROM assessments a JOIN shared s ON s.organisation_id = a.organisation_id
        WHERE a.status <> 'draft') AS v
    WHERE rn = 1
), rejections AS (
    SELECT organisation_id, id, version FROM (
        SELECT a.organisation_id, a.id, a.version,
               ROW_NUMBER() OVER (PARTITION BY a.organisation_id ORDER BY a.version DESC) AS rn
        FROM assessments a JOIN shared s ON s.organisation_id = a.organisation_id
        WHERE a.status = 'rejected' AND NOT EXISTS (
            SELECT 1 FROM assessments p WHERE p.organisation_id = a.organisation_id AND p.version > a.version
                                          AND p.status = 'approved')) AS rv
    WHERE rn = 1
), supplier_checks AS (
    SELECT ch.assessment_id, ch.summary,
           ROW_NUMBER() OVER (PARTITION BY ch.assessment_id ORDER BY ch.id DESC) AS rn
    FROM checks ch JOIN latest l ON l.id = ch.assessment_id
    WHERE ch.kind = 'suppliers'
)
SELECT o.id AS organisation_id, o.name AS company, o.tax_code AS tax_code_raw, o.province, o.sector, o.size,
       s.shared_at, a.id AS assessment_id, a.version, a.status, a.total AS self_score, a.tier AS self_tier,
       a.submitted_at, a.decided_at, a.criteria_version, a.updated_at,
       a.verified_total AS verified_score, a.verified_tier,
       {supplier_levels} AS supplier_levels,
       c.id AS certificate_id, c.issued AS certificate_issued, c.expires AS certificate_expires,
       c.revoked_at AS certificate_revoked_at, c.superseded_at AS certificate_superseded_at,
       c.suspended_at AS certificate_suspended_at, c.verified AS certificate_verified,
       r.id AS rejected_id, r.status AS rejected_status, r.decided_at AS rejected_at,
       r.updated_at AS rejected_updated_at, r.total AS rejected_total
FROM shared s
JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN latest l ON l.organisation_id = o.id
LEFT JOIN assessments a ON a.id = l.id
LEFT JOIN certificates c ON c.id = COALESCE((
    SELECT d.id FROM certificates d WHERE d.organisation_id = o.id
    ORDER BY (d.superseded_by IS NULL AND d.revoked_at IS NULL) DESC, d.year DESC, d.seq DESC LIMIT 1),
    a.certificate_id, (
    SELECT p.certificate_id FROM assessments p
    WHERE p.organisation_id = o.id AND p.version < a.version AND p.status <> 'draft'
      AND p.certificate_id IS NOT NULL
    ORDER BY p.version DESC LIMIT 1))
LEFT JOIN rejections rj ON rj.organisation_id = o.id
LEFT JOIN assessments r ON r.id = rj.id
LEFT JOIN supplier_checks sc ON sc.assessment_id = l.id AND sc.rn = 1
ORDER BY o.name COLLATE NOCASE, o.id
"""

_RESULT_FIELDS_SQL = """
SELECT id, {result_bits} AS result_bits
FROM assessments WHERE id IN ({ids})
"""


def portfolio_sql(db: Database) -> str:
    """The portfolio's one query, in the dialect of `db` (the JSON extraction differs)."""
    return _PORTFOLIO_SQL.format(supplier_levels=json_paths_sql(db, "sc.summary", checks.LEVEL_PATHS))


def result_fields_sql(db: Database) -> str:
    return _RESULT_FIELDS_SQL.format(result_bits=json_paths_sql(db, "result", _RESULT_PATHS), ids=ids_sql(db, "?"))


PORTFOLIO_SQL = _PORTFOLIO_SQL.format(supplier_levels=json_paths_sql(None, "sc.summary", checks.LEVEL_PATHS))
RESULT_FIELDS_SQL = result_fields_sql(None)
_RESULT_MEMO: "OrderedDict[tuple, tuple[str, int, str]]" = OrderedDict()
_RESULT_MEMO_SIZE = 250_000
_MEMO_LOCK = threading.Lock()

COLUMNS = (
    "organisation_id", "assessment_id", "company", "tax_code", "province", "sector", "size", "status", "version",
    "submitted", "decided", "verified", "tier", "score", "self_score", "self_tier", "verified_score",
    "verified_tier", "knockouts", "knockout_count", "top_risks", "risk_level", "risk_rank", "certificate_id",
    "assurance", "certificate_status", "certificate_expires", "days_to_expiry", "reassessment_due",
    "reassessment_basis", "reassessment_overdue", "rejected_on", "rejection_knockouts", "shared_since",
    "criteria_version",
)


def _day(values: pd.Series) -> pd.Series:
    """ISO timestamps or dates (text) → datetime64 days; empty → NaT."""
    return pd.to_datetime(values.astype("string").str.slice(0, 10), format="%Y-%m-%d", errors="coerce")


def _shown_tax_codes(raw: pd.Series) -> pd.Series:
    """Tax codes as they may be shown: a personal 12-digit identification number (a household business) masked.
    Only codes that could be personal numbers (11-12 digits, a leading zero lost) go through the full check."""
    codes = raw.astype("string")
    digits = codes.str.replace(r"\D", "", regex=True).str.len()
    maybe = digits.isin([11, 12]).fillna(False).astype(bool)
    if maybe.any():
        codes = codes.copy()
        codes[maybe] = classify_series(raw[maybe])["display"].astype("string")
    return codes


def _result_bits(texts: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(knock-out ids, how many, top risks as "YW-01 (critical), POL-01 (major)") from the extracted result fields,
    vectorised: the text is
    `[[ids…],priority,indicator,rule,priority,…]` and ids never hold commas or quotes (criteria ID pattern)."""
    text = texts.astype("string")
    parts = text.str.extract(r"^\[\[([^\]]*)\],?(.*)\]$")
    knock = parts[0].str.replace('"', "", regex=False).str.replace(",", ", ", regex=False).fillna("")
    count = (parts[0].fillna("").str.count('"') // 2).astype("int64")
    tokens = parts[1].fillna("").str.replace('"', "", regex=False).str.split(",", expand=True)
    risks = pd.Series("", index=texts.index, dtype="string")
    for i in range(TOP_RISKS):
        if tokens.shape[1] < 3 * i + 3:
            break
        priority, indicator, rule = (tokens[3 * i + k].astype("string").replace("null", pd.NA) for k in range(3))
        item = indicator.fillna(rule).fillna("?") + " (" + priority.fillna("") + ")"
        item = item.where(priority.notna() & (priority != ""))
        sep = pd.Series(", ", index=texts.index, dtype="string").where(risks != "", "")
        risks = (risks + (sep + item).fillna("")).where(item.notna(), risks)
    return knock.astype("string"), count, risks


def _result_fields(db: Database, raw: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Knock-outs, their number and the top risks of each row's assessment: from the memo when this version of the
    assessment was read before (same database file, id, status, decision and update times, total), else extracted
    in one query for the missing ones. An in-memory database is never memoised (its path is not unique)."""
    path = identity(db) or None
    keys = list(zip(raw["assessment_id"].astype("int64").tolist(), raw["status"].tolist(),
                    raw["decided_at"].tolist(), raw["updated_at"].tolist(), raw["self_score"].tolist()))
    keys = [(path, *k) for k in keys]
    with _MEMO_LOCK:
        found = {k: _RESULT_MEMO.get(k) for k in keys} if path else {}
    missing = [k for k in keys if found.get(k) is None]
    if missing:
        ids = [k[1] for k in missing]
        got = pd.DataFrame(db.execute(result_fields_sql(db), [json.dumps(ids)]).fetchall(),
                           columns=["id", "bits"], dtype="object")
        if dialect(db) == "postgresql":
            got["bits"] = [json_compact(t) for t in got["bits"].tolist()]
        bits = dict(zip(got["id"].tolist(), got["bits"].tolist()))
        texts = pd.Series([bits.get(i) for i in ids], dtype="object")
        knock, count, risks = _result_bits(texts)
        fresh = dict(zip(missing, zip(knock.tolist(), count.tolist(), risks.tolist())))
        found.update(fresh)
        if path:
            with _MEMO_LOCK:
                _RESULT_MEMO.update(fresh)
                while len(_RESULT_MEMO) > _RESULT_MEMO_SIZE:
                    _RESULT_MEMO.popitem(last=False)
    values = [found[k] for k in keys]
    return (pd.Series([v[0] for v in values], dtype="string"), pd.Series([v[1] for v in values], dtype="int64"),
            pd.Series([v[2] for v in values], dtype="string"))


def _supplier_levels(texts: pd.Series) -> pd.Series:
    """The highest supplier risk level of each row (`checks.highest_level`), from the summary's level counts as SQL
    extracts them (`[critical,high,medium,low]`), worked out once per distinct value; None without a supplier check,
    or when the summary holds no level counts (never read as "low")."""
    codes, uniques = pd.factorize(texts.to_numpy(dtype=object), use_na_sentinel=True)
    levels = []
    for text in uniques.tolist():
        counts = json.loads(text) if isinstance(text, str) and text else []
        levels.append(None if all(c is None for c in counts) else checks.highest_level(counts))
    return pd.Series(np.array(levels + [None], dtype=object)[codes], index=texts.index, dtype="object")


def portfolio(db: Database, brand_org_id: int, as_of: date, settings: Settings | None = None) -> pd.DataFrame:
    """The brand's suppliers with a submitted result, one row each (columns: `COLUMNS`). Companies that share but
    have not submitted anything yet are not rows; their number is in `df.attrs["awaiting"]`. `settings`: the
    criteria settings the app runs on (`reassess_without_document_months`); default: the shipped criteria's."""
    if settings is None:
        from criteria.datafiles import default_criteria

        settings = default_criteria().settings
    cursor = db.execute(portfolio_sql(db), {"brand": brand_org_id})
    raw = pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description], dtype="object")
    if raw.empty:
        out = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
        out.attrs["awaiting"] = 0
        return out
    awaiting = int(raw["assessment_id"].isna().sum())
    raw = raw[raw["assessment_id"].notna()].reset_index(drop=True)
    today = pd.Timestamp(as_of)
    df = _result_columns(db, raw)
    _document_columns(df, raw, today)
    _reassessment_columns(df, raw, today, settings.reassess_without_document_months)
    _rejection_columns(db, df, raw)
    df["shared_since"] = _day(raw["shared_at"])
    df["criteria_version"] = raw["criteria_version"].astype("string")
    df = df[list(COLUMNS)]
    df.attrs["awaiting"] = awaiting
    return df


def _result_columns(db: Database, raw: pd.DataFrame) -> pd.DataFrame:
    """The company and its latest submitted result: scores and tiers (the assessor's once decided), knock-outs,
    top risks and the risk level (critical with a knock-out, else the supplier check's highest)."""
    df = pd.DataFrame({
        "organisation_id": raw["organisation_id"].astype("int64"),
        "assessment_id": raw["assessment_id"].astype("int64"),
        "company": raw["company"].astype("string"),
        "tax_code": _shown_tax_codes(raw["tax_code_raw"]),
        "province": raw["province"].astype("string"),
        "sector": raw["sector"].astype("string"),
        "size": pd.to_numeric(raw["size"], errors="coerce").astype("Int64"),
        "status": raw["status"].astype("string"),
        "version": raw["version"].astype("int64"),
        "submitted": _day(raw["submitted_at"]),
        "decided": _day(raw["decided_at"]),
    })
    verified = raw["verified_score"].notna() & raw["status"].isin(["approved", "rejected"])  # an assessor decided
    df["verified"] = verified.astype(bool)
    df["self_score"] = pd.to_numeric(raw["self_score"], errors="coerce").astype("float64")
    df["self_tier"] = raw["self_tier"].astype("string")
    df["verified_score"] = pd.to_numeric(raw["verified_score"], errors="coerce").astype("float64")
    df["verified_tier"] = raw["verified_tier"].astype("string")
    df["score"] = df["verified_score"].where(verified, df["self_score"])
    df["tier"] = df["verified_tier"].where(verified, df["self_tier"])
    df["knockouts"], df["knockout_count"], df["top_risks"] = _result_fields(db, raw)
    level = _supplier_levels(raw["supplier_levels"])
    level = level.where(df["knockout_count"] == 0, "critical").fillna("not_checked")
    df["risk_level"] = level.astype("string")
    df["risk_rank"] = level.map(RISK_RANK).astype("int64")
    return df


def _document_status(raw: pd.DataFrame, today: pd.Timestamp) -> pd.Series:
    """The document's status on `today` as the registry derives it (Certificate.status), most serious last so
    that it wins; "none" without a document."""
    has_cert = raw["certificate_id"].notna()
    status = pd.Series("none", index=raw.index, dtype="object")
    status[has_cert] = "active"
    status[has_cert & (today > _day(raw["certificate_expires"]))] = "expired"
    for name, column in (("suspended", "certificate_suspended_at"), ("superseded", "certificate_superseded_at"),
                         ("revoked", "certificate_revoked_at")):
        when = _day(raw[column])
        status[has_cert & when.notna() & (when <= today)] = name
    return status


def _document_columns(df: pd.DataFrame, raw: pd.DataFrame, today: pd.Timestamp) -> None:
    """The document: its id, assurance (verified / self-assessed / none), status and expiry."""
    has_cert = raw["certificate_id"].notna()
    verified_doc = pd.to_numeric(raw["certificate_verified"], errors="coerce").fillna(0).astype(bool)
    assurance = pd.Series("none", index=raw.index, dtype="object")
    assurance[has_cert] = "self_assessed"
    assurance[has_cert & verified_doc] = "verified"
    expires = _day(raw["certificate_expires"])
    df["certificate_id"] = raw["certificate_id"].astype("string")
    df["assurance"] = assurance.astype("string")
    df["certificate_status"] = _document_status(raw, today).astype("string")
    df["certificate_expires"] = expires
    df["days_to_expiry"] = (expires - today).dt.days.astype("Int64")


def _reassessment_columns(df: pd.DataFrame, raw: pd.DataFrame, today: pd.Timestamp, months: int) -> None:
    """Re-assessment: the document's expiry (revoked or suspended: the date it happened); without one, `months`
    after the last submission."""
    has_cert = raw["certificate_id"].notna()
    status = df["certificate_status"]
    due = df["certificate_expires"].where(has_cert, df["submitted"] + pd.DateOffset(months=months))
    due = _day(raw["certificate_suspended_at"]).where(status == "suspended", due)
    due = _day(raw["certificate_revoked_at"]).where(status == "revoked", due)
    df["reassessment_due"] = due
    df["reassessment_basis"] = pd.Series(["certificate" if h else "submission" for h in has_cert], dtype="string")
    df["reassessment_overdue"] = (due < today).fillna(False).astype(bool)


def _rejection_columns(db: Database, df: pd.DataFrame, raw: pd.DataFrame) -> None:
    """A rejection holds until a later version is approved: its date and its knock-outs (the assessor's result)."""
    df["rejected_on"] = _day(raw["rejected_at"])
    rejection = pd.Series(pd.NA, index=raw.index, dtype="string")
    held = raw["rejected_id"].notna().to_numpy()
    if held.any():
        of = raw.loc[held, ["rejected_id", "rejected_status", "rejected_at", "rejected_updated_at", "rejected_total"]]
        of.columns = ["assessment_id", "status", "decided_at", "updated_at", "self_score"]
        rejection[held] = _result_fields(db, of.reset_index(drop=True))[0].to_numpy()
    df["rejection_knockouts"] = rejection


# Audited actions that only ever change drafts (or nothing a brand sees): they leave the portfolio as it was.
DRAFT_ONLY_ACTIONS = ("answer.save", "evidence.add", "evidence.remove", "check.roster", "check.suppliers",
                      "assessment.create", "review.indicator", "user.create", "user.locked")


def data_version(db: Database, brand_org_id: int) -> tuple:
    """Changes whenever the brand's portfolio may have changed: the newest audited change that is not draft-only
    (submissions, decisions, certificates, shares, company profiles), the registry's size, revocations and
    suspensions (also when made outside the app), and the brand's active shares. Cheap enough to ask on every rerun;
    SMEs autosaving their drafts do not move it."""
    marks = ", ".join("?" for _ in DRAFT_ONLY_ACTIONS)
    row = db.execute(
        f"""SELECT (SELECT id FROM audit_log WHERE action NOT IN ({marks}) ORDER BY id DESC LIMIT 1),
                   (SELECT COUNT(*) FROM certificates),
                   (SELECT COUNT(*) FROM certificates WHERE revoked_at IS NOT NULL),
                   (SELECT COUNT(*) FROM certificates WHERE suspended_at IS NOT NULL),
                   (SELECT COUNT(*) FROM shares WHERE brand_id = ? AND withdrawn_at IS NULL),
                   (SELECT MAX(id) FROM shares WHERE brand_id = ?)""",
        [*DRAFT_ONLY_ACTIONS, brand_org_id, brand_org_id]).fetchone()
    return (identity(db), *row)


def check_summaries(db: Database, assessment_id: int) -> dict[str, dict[str, Any] | None]:
    """The latest roster and supplier-list checks of an assessment, reduced to counts a brand may see
    (`checks.counts`): never the findings rows (they name employees by id and suppliers by tax code)."""
    out: dict[str, dict[str, Any] | None] = {}
    for kind in checks.KINDS:
        check = checks.latest(db, assessment_id, kind, findings=False)
        out[kind] = None if check is None else checks.counts(check)
    return out
