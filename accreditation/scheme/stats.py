"""The scheme overview for the administrator and the authorities: how many companies take part and where they
stand, from each company's latest submitted (never draft) version. Aggregates only: no function here returns a
company's name, answers, findings or workers, and every one checks `scheme.view` itself.

For an authority the small cells are suppressed (`accreditation.scheme.suppression`, docs/scheme.md), and an
authority whose organisation has a province sees that province only. The administrator sees every figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import pandas as pd
from sqlite_utils import Database

from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.permissions import NOT_DRAFT, require
from accreditation.scheme import query, suppression
from accreditation.scheme.query import UNKNOWN
from accreditation.store.accounts import LEGAL_FORMS
from criteria.provinces import load_provinces
from criteria.schema import Criteria

# Size bands by workers (organisations.size), on the thresholds of Decree 80/2021/ND-CP art. 5 (SME support law
# 04/2017/QH14) for agriculture, forestry, fishery, industry and construction, the sectors the criteria list:
# micro up to 10 workers, small up to 100, medium up to 200; above that a company is not an SME ("large"). The
# decree counts workers on social insurance, averaged over the year, and adds a revenue or capital test; the
# profile holds the headcount alone, so the band is the headcount's (docs/scheme.md). Trade and services use 10, 50
# and 100 workers: the criteria's "other" sector is banded as industry too.
SIZE_BANDS: tuple[tuple[str, int | None], ...] = (("micro", 10), ("small", 100), ("medium", 200), ("large", None))
SIZE_KEYS = tuple(b for b, _ in SIZE_BANDS) + (UNKNOWN,)
# Formal: a registered legal entity (an enterprise, a cooperative); informal: a cooperative group (no legal
# personality) or a household business, the informal end of supply chains the scheme wants to reach.
FORMALITY = {"enterprise": "formal", "cooperative": "formal", "cooperative_group": "informal",
             "household": "informal"}
ASSURANCES = ("verified", "self_assessed", "none")
NOT_ELIGIBLE = "not_eligible"
DIMENSIONS = ("province", "sector", "size_band", "tier", "assurance", "status", "legal_form", "formality")
HEADLINES = ("registered", "assessed", "verified", "self_assessed", "with_knockout")
TRAINING_SECTION = "TRN"


@dataclass(frozen=True)
class Dashboard:
    """What the page shows and the files hold. Counts are nullable integers: <NA> is a suppressed cell (never
    anything else); a rate or share is NaN when its count is suppressed or its group is empty.

    - `headline`: measure, value, rate (of the companies assessed).
    - `breakdowns[dimension]`: key, companies, share, with_knockout, knockout_rate; row "total" last.
    - `trends`: quarter, submitted, first_time, approved, rejected; row "total" last.
    - `not_met` / `adjusted`: indicator, section, answered (reviewed), not_met (adjusted), rate, knockouts.
    - `training`: indicator, answered, full, partial, none, share_full.
    """

    suppressed: bool  # the small-cell rule applies (an authority)
    threshold: int
    scope_province: str | None  # an authority's province; None: the whole country
    as_of: date
    provinces: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    quarters: tuple[str | None, str | None] = (None, None)
    headline: pd.DataFrame = field(default_factory=pd.DataFrame)
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    trends: pd.DataFrame = field(default_factory=pd.DataFrame)
    not_met: pd.DataFrame = field(default_factory=pd.DataFrame)
    adjusted: pd.DataFrame = field(default_factory=pd.DataFrame)
    training: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in the order the page and the files show them."""
        return {"headline": self.headline, **{f"by_{d}": t for d, t in self.breakdowns.items()},
                "trends": self.trends, "not_met": self.not_met, "adjusted": self.adjusted,
                "training": self.training}


# ------------------------------------------------------------------------------------------------ who sees what


def scope_of(db: Database, actor: Actor) -> str | None:
    """The province an authority is limited to (one of the 34 units), or None for the administrator and a
    national authority. A province that matches no unit scopes to itself, so it shows nothing rather than all."""
    require(actor, "scheme.view")
    if actor.role != "authority":
        return None
    rows = db.execute("SELECT province FROM organisations WHERE id = ?", [actor.organisation_id]).fetchall()
    raw = (rows[0][0] or "").strip() if rows else ""
    if not raw:
        return None
    hit = load_provinces().match(raw)
    return hit.name if hit else raw


def is_suppressed(actor: Actor) -> bool:
    """Whether the small-cell rule applies to what `actor` sees (everyone but the administrator)."""
    require(actor, "scheme.view")
    return actor.role != "admin"


def quarters(db: Database, actor: Actor) -> list[str]:
    """The quarters with a submission, oldest first (the quarter range's choices). Quarters alone: no counts."""
    require(actor, "scheme.view")
    subs = query.submissions(db)
    if subs.empty:
        return []
    return sorted(subs["quarter"].dropna().unique().tolist())


def provinces_for(db: Database, actor: Actor) -> list[str]:
    """The province choices: the 34 units in the file's order, or the authority's own province."""
    scope = scope_of(db, actor)
    return [scope] if scope else [p.name for p in load_provinces().current]


# --------------------------------------------------------------------------------------------------- the figures


def _quarter_bounds(start: str | None, end: str | None) -> tuple[str, str]:
    """("2026-Q1", "2026-Q2") → ("2026-01-01", "2026-07-01"): the ISO bounds submitted_at is compared with."""
    def first_day(q: str, after: bool) -> str:
        try:
            year, n = int(q[:4]), int(q.split("Q")[1])
            if not 1 <= n <= 4:
                raise ValueError(q)
        except (ValueError, IndexError):
            raise UserError.from_key("scheme.bad_quarter", quarter=q) from None
        if after:
            year, n = (year + 1, 1) if n == 4 else (year, n + 1)
        return f"{year:04d}-{3 * (n - 1) + 1:02d}-01"

    low = first_day(start, False) if start else ""
    high = first_day(end, True) if end else "9999"
    if low and high != "9999" and low >= high:
        raise UserError.from_key("scheme.bad_range", start=start, end=end)
    return low, high


def _in(frame: pd.DataFrame, scope: str | None, provinces: Iterable[str], sectors: Iterable[str]) -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    if scope:
        keep &= frame["province"] == scope
    if provinces:
        keep &= frame["province"].isin(list(provinces))
    if sectors:
        keep &= frame["sector"].isin(list(sectors))
    return keep.fillna(False).astype(bool)


def size_band(size: pd.Series) -> pd.Series:
    """Workers → band key (SIZE_BANDS); UNKNOWN without a headcount."""
    out = pd.Series(UNKNOWN, index=size.index, dtype="object")
    known = size.notna() & (size > 0)
    upper_prev = 0
    for band, upper in SIZE_BANDS:
        hit = known & (size > upper_prev) if upper is None else known & (size > upper_prev) & (size <= upper)
        out[hit.fillna(False).astype(bool)] = band
        upper_prev = upper or upper_prev
    return out.astype("string")


def _orders(criteria: Criteria, scope: str | None) -> dict[str, list[str]]:
    """Every key of every dimension, in reading order (zero rows too: a province with no company is a figure)."""
    provinces = [scope] if scope else [p.name for p in load_provinces().current]
    sectors = [c.name for c in criteria.lists["sector"].choices] if "sector" in criteria.lists else []
    return {
        "province": provinces + [UNKNOWN] if not scope else provinces,
        "sector": sectors + [UNKNOWN],
        "size_band": list(SIZE_KEYS),
        "tier": [b.id for b in reversed(criteria.bands)] + [NOT_ELIGIBLE],
        "assurance": list(ASSURANCES),
        "status": list(NOT_DRAFT),
        "legal_form": list(LEGAL_FORMS) + [UNKNOWN],
        "formality": ["formal", "informal", UNKNOWN],
    }


def _rate(k, n) -> pd.Series:
    """k / n, row by row (positions, not labels), as floats; NaN when either is missing (suppressed) or n is 0."""
    k = pd.Series(pd.array(list(k), dtype="Float64"))
    n = pd.Series(pd.array(list(n), dtype="Float64"))
    return (k / n.where(n > 0)).astype("float64")


def _breakdown(companies: pd.DataFrame, column: str, order: list[str], hide: bool) -> pd.DataFrame:
    """Companies and knock-outs per key of `column`, with a total row; suppressed when `hide`."""
    values = companies[column].astype("object")
    keys = order + sorted(k for k in values.dropna().unique().tolist() if k not in order)
    n = values.value_counts().reindex(keys, fill_value=0).astype("int64")
    k = values[companies["knockout"].astype(bool)].value_counts().reindex(keys, fill_value=0).astype("int64")
    N, K = int(n.sum()), int(k.sum())
    n_hidden = pd.Series(False, index=n.index)
    k_hidden = pd.Series(False, index=k.index)
    N_hidden = K_hidden = False
    if hide:
        n_hidden, N_hidden = suppression.protect(n, N)
        k_hidden = suppression.primary(k, of=n) | n_hidden
        K_hidden = suppression.small(K) or suppression.small(N - K) or N_hidden
        if not K_hidden:
            k_hidden, K_hidden = suppression.secondary(k, k_hidden, K)
    n_all = pd.concat([n, pd.Series({"total": N})])
    k_all = pd.concat([k, pd.Series({"total": K})])
    n_mask = pd.concat([n_hidden, pd.Series({"total": N_hidden})])
    k_mask = pd.concat([k_hidden, pd.Series({"total": K_hidden})])
    companies_col = suppression.masked(n_all, n_mask)
    knock = suppression.masked(k_all, k_mask)
    total = companies_col.iloc[-1]
    out = pd.DataFrame({
        "key": pd.Series(list(n_all.index), dtype="string"),
        "companies": companies_col.to_numpy(),
        "share": _rate(companies_col, [total] * len(companies_col)).to_numpy(),
        "with_knockout": knock.to_numpy(),
        "knockout_rate": _rate(knock, companies_col).to_numpy(),
    })
    out["companies"] = out["companies"].astype("Int64")
    out["with_knockout"] = out["with_knockout"].astype("Int64")
    return out


def _trends(subs: pd.DataFrame, span: list[str], hide: bool) -> pd.DataFrame:
    """Per quarter of `span`: companies that submitted, of which for the first time, and versions approved and
    rejected (in the quarter they were decided)."""
    submitted = subs.drop_duplicates(["organisation_id", "quarter"])["quarter"].value_counts()
    first = subs.sort_values("version", kind="stable").drop_duplicates("organisation_id")["quarter"].value_counts()
    approved = subs[subs["status"] == "approved"]["decided_quarter"].value_counts()
    rejected = subs[subs["status"] == "rejected"]["decided_quarter"].value_counts()
    out = pd.DataFrame({"quarter": pd.Series(span + ["total"], dtype="string")})
    for name, counts in (("submitted", submitted), ("first_time", first), ("approved", approved),
                         ("rejected", rejected)):
        cells = counts.reindex(span, fill_value=0).astype("int64")
        total = int(cells.sum())
        hidden, total_hidden = (suppression.protect(cells, total) if hide
                                else (pd.Series(False, index=cells.index), False))
        out[name] = suppression.masked(pd.concat([cells, pd.Series({"total": total})]),
                                       pd.concat([hidden, pd.Series({"total": total_hidden})])).to_numpy()
        out[name] = out[name].astype("Int64")
    return out


def _span(first: str | None, last: str | None) -> list[str]:
    """Every quarter from `first` to `last`, both included."""
    if not first or not last:
        return []
    out, (year, n) = [], (int(first[:4]), int(first[-1]))
    while f"{year:04d}-Q{n}" <= last:
        out.append(f"{year:04d}-Q{n}")
        year, n = (year + 1, 1) if n == 4 else (year, n + 1)
    return out


def _k_of_n(n: pd.Series, k: pd.Series, hide: bool) -> tuple[pd.Series, pd.Series]:
    """Masked (n, k) for rows with no total: n small hidden; k small, or its complement small, hidden."""
    if not hide:
        return n.astype("Int64"), k.astype("Int64")
    n_hidden = suppression.primary(n)
    k_hidden = suppression.primary(k, of=n) | n_hidden
    return suppression.masked(n, n_hidden), suppression.masked(k, k_hidden)


def _ranked(df: pd.DataFrame, by: str, order: list[str]) -> pd.DataFrame:
    """Highest `by` first; rows whose figure is suppressed go last in the criteria's order, never by their hidden
    value (an order is a figure too)."""
    position = df["indicator"].map({ind: i for i, ind in enumerate(order)}).fillna(len(order))
    df = df.assign(_pos=position)
    hidden = df[by].isna()
    shown = df[~hidden].sort_values([by, "_pos"], ascending=[False, True], kind="stable")
    rest = df[hidden].sort_values("_pos", kind="stable")
    return pd.concat([shown, rest]).drop(columns="_pos").reset_index(drop=True)


def _not_met(answers: pd.DataFrame, criteria: Criteria, hide: bool) -> pd.DataFrame:
    scored = [i.id for i in criteria.indicators if i.scored]
    tally = answers[answers["indicator"].isin(scored)].groupby(["indicator", "section"], as_index=False)[
        ["answered", "not_met", "knockouts"]].sum()
    n, k = _k_of_n(tally["answered"], tally["not_met"], hide)
    _, ko = _k_of_n(tally["answered"], tally["knockouts"], hide)
    out = pd.DataFrame({"indicator": tally["indicator"].astype("string"), "section": tally["section"].astype("string"),
                        "answered": n, "not_met": k, "rate": _rate(k, n).to_numpy(), "knockouts": ko})
    return _ranked(out, "rate", [i.id for i in criteria.indicators])


def _adjusted(reviews: pd.DataFrame, criteria: Criteria, hide: bool) -> pd.DataFrame:
    section = {i.id: i.section for i in criteria.indicators}
    reviews = reviews[reviews["reviewed"] > 0].reset_index(drop=True)
    n, k = _k_of_n(reviews["reviewed"], reviews["adjusted"], hide)
    out = pd.DataFrame({"indicator": reviews["indicator"].astype("string"),
                        "section": reviews["indicator"].map(section).astype("string"),
                        "reviewed": n, "adjusted": k, "rate": _rate(k, n).to_numpy()})
    return _ranked(out, "rate", [i.id for i in criteria.indicators])


def _training(answers: pd.DataFrame, criteria: Criteria, hide: bool) -> pd.DataFrame:
    """Per training indicator: how many answered, fully / partly / not at all (by the answer's score: 100, between,
    0), and the share done fully."""
    rows = []
    for ind in criteria.indicators:
        if ind.section != TRAINING_SECTION or not ind.list_name or ind.list_name not in criteria.lists:
            continue
        scores = {c.name: c.score for c in criteria.lists[ind.list_name].choices if not c.na}
        mine = answers[answers["indicator"] == ind.id]
        level = mine["answer"].map(lambda a, sc=scores: None if sc.get(a) is None else
                                   "full" if sc[a] >= 100 else "none" if sc[a] <= 0 else "partial")
        cells = pd.Series({lv: int(mine.loc[level == lv, "answered"].sum()) for lv in ("full", "partial", "none")})
        rows.append((ind.id, int(cells.sum()), cells))
    out = []
    for indicator, n, cells in rows:
        if hide:
            hidden, n_hidden = suppression.protect(cells, n)
            n_hidden = n_hidden or suppression.small(n)
            hidden |= n_hidden
        else:
            hidden, n_hidden = pd.Series(False, index=cells.index), False
        shown = suppression.masked(cells, hidden)
        answered = pd.NA if n_hidden else n
        full = shown["full"]
        share = (float(full) / n) if (full is not pd.NA and answered is not pd.NA and n) else float("nan")
        out.append({"indicator": indicator, "answered": answered, "full": full, "partial": shown["partial"],
                    "none": shown["none"], "share_full": share})
    df = pd.DataFrame(out, columns=["indicator", "answered", "full", "partial", "none", "share_full"])
    for column in ("answered", "full", "partial", "none"):
        df[column] = df[column].astype("Int64")
    df["indicator"] = df["indicator"].astype("string")
    df["share_full"] = df["share_full"].astype("float64")
    return df


def _headline(registered: int, breakdowns: dict[str, pd.DataFrame], hide: bool) -> pd.DataFrame:
    """The figures at the top, read from the breakdowns' cells (so a figure suppressed there is suppressed here):
    registered companies, companies assessed, verified and self-assessed in force, with a knock-out."""
    assurance = breakdowns["assurance"].set_index("key")
    assessed = assurance.loc["total", "companies"]
    knock = assurance.loc["total", "with_knockout"]
    # registered - assessed is a group of its own (companies without a submission in the period)
    registered_shown = (pd.NA if hide and (suppression.small(registered)
                                           or (assessed is not pd.NA and suppression.small(registered - assessed)))
                        else registered)
    values = {"registered": registered_shown, "assessed": assessed, "verified": assurance.loc["verified", "companies"],
              "self_assessed": assurance.loc["self_assessed", "companies"], "with_knockout": knock}
    df = pd.DataFrame({"measure": pd.Series(list(values), dtype="string"),
                       "value": pd.Series(list(values.values()), dtype="Int64")})
    of = pd.Series([pd.NA, pd.NA, assessed, assessed, assessed], dtype="Int64")
    df["rate"] = _rate(df["value"], of).to_numpy()
    return df


def dashboard(db: Database, actor: Actor, *, provinces: Iterable[str] = (), sectors: Iterable[str] = (),
              quarter_from: str | None = None, quarter_to: str | None = None, as_of: date | None = None,
              criteria: Criteria | None = None) -> Dashboard:
    """The scheme's figures for `actor` (the administrator or an authority), over the companies whose latest
    version submitted by the end of `quarter_to` was submitted from `quarter_from` on, in the given provinces and
    sectors (empty: all). An authority sees its province only, and small cells suppressed."""
    require(actor, "scheme.view")
    if criteria is None:
        from criteria.datafiles import default_criteria

        criteria = default_criteria()
    as_of = as_of or date.today()
    scope = scope_of(db, actor)
    hide = is_suppressed(actor)
    provinces, sectors = tuple(provinces or ()), tuple(sectors or ())
    low, high = _quarter_bounds(quarter_from, quarter_to)

    companies = query.companies(db, as_of, until=high)
    if low:
        companies = companies[companies["submitted_at"] >= low]
    companies = companies[_in(companies, scope, provinces, sectors)].reset_index(drop=True)
    extracted = query.results(db, companies)
    companies["knockout"] = [extracted[int(i)][1] for i in companies["assessment_id"]]
    companies["size_band"] = size_band(companies["size"])
    companies["tier"] = companies["tier"].map(lambda t: t if isinstance(t, str) and t else NOT_ELIGIBLE)
    companies["formality"] = companies["legal_form"].map(lambda v: FORMALITY.get(v, UNKNOWN))

    orders = _orders(criteria, scope)
    breakdowns = {d: _breakdown(companies, d, orders[d], hide) for d in DIMENSIONS}

    orgs = query.organisations(db)
    orgs = orgs[_in(orgs, scope, provinces, sectors) & (orgs["created_at"] < high)]
    headline = _headline(len(orgs), breakdowns, hide)

    subs = query.submissions(db)
    subs = subs[subs["organisation_id"].isin(orgs["organisation_id"])]
    seen = sorted(set(subs["quarter"].dropna()) | set(subs["decided_quarter"].dropna()))
    first = quarter_from or (seen[0] if seen else None)
    last = quarter_to or (seen[-1] if seen else None)
    span = _span(first, last)
    trends = _trends(subs, span, hide)

    ids = companies["assessment_id"].astype("int64").tolist()
    answers = query.indicator_answers(extracted, ids)
    return Dashboard(
        suppressed=hide, threshold=suppression.THRESHOLD, scope_province=scope, as_of=as_of, provinces=provinces,
        sectors=sectors, quarters=(quarter_from, quarter_to), headline=headline, breakdowns=breakdowns,
        trends=trends, not_met=_not_met(answers, criteria, hide),
        adjusted=_adjusted(query.indicator_reviews(db, ids), criteria, hide),
        training=_training(answers, criteria, hide))
