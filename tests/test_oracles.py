"""Plain, slow implementations of what the fast code computes, written from the documentation, compared with it on
generated inputs (hypothesis):

- the scoring engine, against the README's "How scoring works": weights, N/A re-weighting, hidden questions,
  knock-outs, derived and reviewed answers, tier floors, remediation;
- the table importer's date parser, against the formats docs/suppliers.md and the importer's messages promise
  (dd/mm/yyyy, yyyy-mm-dd, Excel serial dates);
- the supplier risk levels, against docs/suppliers.md §5 and the levels in criteria/risk/*.csv, one row at a time.

The oracles use Python's own types (Fraction, Decimal, datetime.date, str) and no code of the implementation they
check beyond reading the criteria."""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from criteria.datafiles import default_criteria
from scoring.answers import AnswerError
from scoring.engine import assess
from scoring.result import Action, DerivedAnswers
from tables import md_criteria

ROOT = Path(__file__).resolve().parent.parent
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PRIORITY_ORDER = ("critical", "major", "minor")


# ================================================================================================ scoring engine


class Refused(Exception):
    """The oracle's verdict that the answers are invalid (a refused "not applicable")."""


def published(x: Fraction) -> float:
    """A score as it is published: one decimal, halves rounded up."""
    return float((Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def plain_assess(criteria, declared: dict, derived: list[tuple[str, dict]] = (), blocking: bool = False,
                 reviewed: dict | None = None) -> dict:
    """The README's scoring rules, one question at a time, in exact arithmetic."""
    answers = dict(declared)
    source = {}
    conflicts = []
    for origin, values in derived:  # a derived answer replaces the declared one; a disagreement is a conflict
        for key, value in values.items():
            for ind in criteria.indicators:
                if ind.derived_from == key:
                    if declared.get(ind.id) is not None and declared[ind.id] != value:
                        conflicts.append((ind.id, declared[ind.id], value))
                    answers[ind.id] = value
                    source[ind.id] = origin
    for ind_id, value in (reviewed or {}).items():  # an assessor's adjustment overrides both
        answers[ind_id] = value
        source[ind_id] = "review"

    earned = {s.id: Fraction(0) for s in criteria.sections}
    possible = {s.id: Fraction(0) for s in criteria.sections}
    visible: dict = {}
    knockouts, unanswered, below_best = [], [], []
    for ind in criteria.indicators:
        condition = criteria.conditions.get(ind.id)
        if ind.relevant and not condition(visible):
            continue  # hidden by skip logic: does not count
        value = answers.get(ind.id)
        if value in (None, "", []):
            if ind.weight > 0:  # an unanswered visible question scores 0 and is listed
                possible[ind.section] += Fraction(ind.weight)
                unanswered.append(ind.id)
            continue
        visible[ind.id] = value
        chosen = [criteria.choices_for(ind).get(v) for v in (value if isinstance(value, list) else [value])] \
            if ind.kind.startswith("select") else []
        if any(c.na for c in chosen):
            if not ind.na_allowed:
                raise Refused(ind.id)
            continue  # N/A: out of its section, which is re-weighted over the rest
        if ind.weight <= 0:
            continue
        share = min(sum(Fraction(c.score or 0) for c in chosen), Fraction(100)) / 100
        earned[ind.section] += Fraction(ind.weight) * share
        possible[ind.section] += Fraction(ind.weight)
        knockout = ind.critical and any(c.knockout for c in chosen)
        if knockout:
            knockouts.append(ind.id)
        if share < 1 or knockout:
            below_best.append((ind.id, "critical" if knockout else ind.priority))

    exact = {s.id: 100 * earned[s.id] / possible[s.id] for s in criteria.sections
             if possible[s.id] > 0 and s.weight > 0}
    weights = {s.id: Fraction(s.weight) for s in criteria.sections if s.id in exact}
    total = sum(weights[k] * exact[k] for k in exact) / sum(weights.values()) if exact else Fraction(0)
    sections = {s.id: published(exact[s.id]) if s.id in exact else None for s in criteria.sections}
    tier = None
    if not knockouts and not blocking:
        lowest = min((v for v in sections.values() if v is not None), default=0.0)
        for band in criteria.bands:  # tiers are read off the published figures
            if published(total) >= band.min_total and lowest >= band.min_section:
                tier = band.id
    remediation = sorted(below_best, key=lambda a: PRIORITY_ORDER.index(a[1]))
    return {"total": published(total), "sections": sections, "tier": tier, "eligible": tier is not None,
            "knockouts": knockouts, "unanswered": unanswered, "remediation": remediation, "conflicts": conflicts}


def engine_view(result) -> dict:
    return {"total": result.total, "sections": result.sections, "tier": result.tier, "eligible": result.eligible,
            "knockouts": result.knockouts, "unanswered": result.unanswered,
            "remediation": [(a.indicator, a.priority) for a in result.remediation if a.source in
                            ("answers", "review", "roster", "suppliers") and a.indicator],
            "conflicts": [(c.indicator, c.declared, c.derived) for c in result.conflicts]}


def compare(criteria, declared, derived=(), blocking=False, reviewed=None):
    checks = [DerivedAnswers(source=origin, values=values) for origin, values in derived]
    if blocking:
        checks.append(DerivedAnswers(source="roster", values={}, actions=[Action(
            priority="critical", source="roster", rule="age.unclassified", finding={"vi": "x", "en": "x"},
            action={"vi": "y", "en": "y"}, blocks=True)]))
    try:
        expected = plain_assess(criteria, declared, derived, blocking, reviewed)
    except Refused as refused:
        with pytest.raises(AnswerError) as error:
            assess(criteria, declared, checks, reviewed)
        assert error.value.indicator == refused.args[0]
        return
    assert engine_view(assess(criteria, declared, checks, reviewed)) == expected


def answer_for(draw, criteria, ind, allow_refused_na=True):
    if ind.kind == "integer":
        return draw(st.one_of(st.none(), st.integers(0, 500)))
    if ind.kind == "text":
        return draw(st.one_of(st.none(), st.text(max_size=5)))
    choices = criteria.choices_for(ind).choices
    names = [c.name for c in choices if not c.na]
    na = [c.name for c in choices if c.na and (ind.na_allowed or allow_refused_na)]
    if ind.kind == "select_multiple":
        return draw(st.one_of(st.none(), st.lists(st.sampled_from(names), unique=True, min_size=1),
                              *([st.just([na[0]])] if na else [])))
    return draw(st.one_of(st.none(), st.sampled_from(names + na)))


SHIPPED = default_criteria()
DERIVATIONS = {}
for row in csv.DictReader((ROOT / "criteria" / "derivations.csv").open(encoding="utf-8-sig")):
    if any(ind.derived_from == row["key"] for ind in SHIPPED.indicators):
        DERIVATIONS[row["key"]] = row["values"].split()


@st.composite
def shipped_cases(draw):
    """Any answers to the shipped criteria (a refused N/A now and then), with what the checks derive, a blocking
    finding, and an assessor's adjustments."""
    declared = {}
    for ind in SHIPPED.indicators:
        value = answer_for(draw, SHIPPED, ind, allow_refused_na=draw(st.integers(0, 19)) == 0)
        if value is not None:
            declared[ind.id] = value
    derived = []
    for origin in ("roster", "suppliers"):
        keys = [k for k in DERIVATIONS if k.startswith(origin)]
        picked = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3)) if keys else []
        if picked:
            derived.append((origin, {k: draw(st.sampled_from(DERIVATIONS[k])) for k in picked}))
    scored = [i for i in SHIPPED.indicators if i.weight > 0 and i.kind == "select_one"]
    reviewed = {}
    for ind in draw(st.lists(st.sampled_from(scored), unique=True, max_size=3)):
        reviewed[ind.id] = draw(st.sampled_from([c.name for c in SHIPPED.choices_for(ind).choices
                                                 if not c.na or ind.na_allowed]))
    return declared, derived, draw(st.booleans()) and draw(st.booleans()), reviewed


@QUICK
@given(shipped_cases())
def test_the_engine_scores_the_shipped_criteria_as_the_readme_says(case):
    declared, derived, blocking, reviewed = case
    compare(SHIPPED, declared, derived, blocking, reviewed)


def test_the_engine_oracle_agrees_on_the_examples():
    import json

    from scoring.answers import parse_answers_document

    for name, tier, total in (("strong", "champion", 99.0), ("middling", "committed", 65.2), ("failing", None, 15.3)):
        answers = parse_answers_document(json.loads((ROOT / "examples" / f"{name}.json").read_text("utf-8")), SHIPPED)
        expected = plain_assess(SHIPPED, answers.values)
        assert (expected["tier"], expected["total"]) == (tier, total)
        compare(SHIPPED, answers.values)


def partition(draw, n: int, total: int = 100) -> list[int]:
    """n positive integers adding up to `total`: any, or as equal as they can be."""
    if draw(st.booleans()):
        return [total // n + (1 if i < total % n else 0) for i in range(n)]
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), min_size=n - 1, max_size=n - 1, unique=True)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


@st.composite
def generated_criteria(draw):
    """A small criteria set: a screening section with gate questions, 1-3 scored sections of 1-4 questions with
    any weights, N/A allowed or not, critical questions, multiple choice, skip logic, and two tiers with floors."""
    n_sections = draw(st.integers(1, 3))
    section_weights = partition(draw, n_sections) if n_sections > 1 else [100]
    sections = ["|   | P  | 0  | Hồ sơ | Profile |"]
    indicators = ["|   | G1 | P | select_one yn | 0 |  | yes | none |  | roster.has_minors | minor | C | Q |  |  |  |",
                  "|   | G2 | P | select_one yn | 0 |  | yes | none |  |  | minor | C | Q |  |  |  |"]
    for s, weight in enumerate(section_weights, 1):
        sections.append(f"|   | S{s} | {weight} | Phần {s} | Part {s} |")
        n = draw(st.integers(1, 4))
        for q, w in enumerate(partition(draw, n) if n > 1 else [100], 1):
            kind = draw(st.sampled_from(["select_one ypn", "select_one ko", "select_multiple multi"]))
            critical = "yes" if kind == "select_one ko" and draw(st.booleans()) else ""
            na = "" if kind == "select_one ko" else draw(st.sampled_from(["yes", "no"]))
            relevant = draw(st.sampled_from(["", "", "${G1} = 'yes'", "${G2} = 'no'",
                                             "${G1} = 'yes' and ${G2} = 'yes'"]))
            derived = "roster.minimum_age" if kind == "select_one ko" and draw(st.booleans()) else ""
            priority = draw(st.sampled_from(PRIORITY_ORDER))
            indicators.append(f"|   | S{s}-{q} | S{s} | {kind} | {w} | {critical} | {na} | none | {relevant} "
                              f"| {derived} | {priority} | C | Q | Sửa | Fix | r |")
    # thresholds often equal to a score the choices give, so that "at least" is tested at its edge
    totals = st.one_of(st.sampled_from([15, 35, 40, 45, 50, 60, 75, 90]), st.integers(30, 95))
    floors = st.one_of(st.sampled_from([0, 15, 35, 40, 45, 50, 75]), st.integers(0, 90))
    low_total, high_total = sorted(draw(st.lists(totals, min_size=2, max_size=2, unique=True)))
    low_floor, high_floor = sorted(draw(st.lists(floors, min_size=2, max_size=2)))
    return md_criteria(f"""
| sections |
|   | id | weight | label::vi | label::en |
{chr(10).join(sections)}
| choices |
|   | list_name | name   | label::vi | label::en | score | na  | knockout |
|   | ypn       | yes    | Có        | Yes       | 100   |     |          |
|   | ypn       | partly | Một phần  | Partly    | 50    |     |          |
|   | ypn       | little | Ít        | Little    | 15    |     |          |
|   | ypn       | no     | Không     | No        | 0     |     |          |
|   | ypn       | na     | K.áp dụng | N/A       |       | yes |          |
|   | yn        | yes    | Có        | Yes       |       |     |          |
|   | yn        | no     | Không     | No        |       |     |          |
|   | ko        | none   | Không có  | None      | 100   |     |          |
|   | ko        | found  | Có        | Found     | 0     |     | yes      |
|   | multi     | a      | A         | A         | 40    |     |          |
|   | multi     | b      | B         | B         | 35    |     |          |
|   | multi     | c      | C         | C         | 45    |     |          |
|   | multi     | na     | K.áp dụng | N/A       |       | yes |          |
| indicators |
|   | id | section | type | weight | critical | na_allowed | evidence | relevant | derived_from | priority | label::vi | label::en | remediation::vi | remediation::en | reference |
{chr(10).join(indicators)}
| bands |
|   | id     | min_total    | min_section  | label::vi | label::en |
|   | low    | {low_total}  | {low_floor}  | Thấp      | Low       |
|   | high   | {high_total} | {high_floor} | Cao       | High      |
""")


SAME_ANSWER = {"yes": ("yes", "none", ["a", "b", "c"]), "partly": ("partly", "none", ["a"]),
               "little": ("little", "found", ["b"]), "no": ("no", "found", ["na"])}


@QUICK
@given(generated_criteria(), st.data())
def test_the_engine_scores_any_criteria_as_the_readme_says(criteria, data):
    declared = {}
    same = data.draw(st.sampled_from([None, *SAME_ANSWER]))  # one answer everywhere: scores on the tier edges
    for ind in criteria.indicators:
        if same and ind.weight > 0:
            ypn, ko, multi = SAME_ANSWER[same]
            value = {"ypn": ypn, "ko": ko, "multi": multi}[ind.list_name]
        else:
            value = answer_for(data.draw, criteria, ind)
        if value is not None:
            declared[ind.id] = value
    derived = []
    if data.draw(st.booleans()):
        derived.append(("roster", {"roster.minimum_age": data.draw(st.sampled_from(["none", "found"])),
                                   "roster.has_minors": data.draw(st.sampled_from(["yes", "no"]))}))
    compare(criteria, declared, derived)


# ============================================================================================ importer's dates

EXCEL_DAY_0 = date(1899, 12, 30)
TIME_OF_DAY = re.compile(r"(?P<date>.*?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def plain_date(cell: str | None) -> date | None:
    """One cell, as the formats are documented: day/month/year (separated by / . or -), year-month-day, either
    with a time of day that is ignored; or a 5-digit Excel serial date (day 0 = 1899-12-30), a fraction being the
    time. A year before 1800 or a day that is not in the calendar is no date."""
    if cell is None:
        return None
    if re.fullmatch(r"[0-9]{5}(\.[0-9]+)?", cell):
        days = int(cell.split(".")[0])
        return EXCEL_DAY_0 + timedelta(days=days) if days >= 10000 else None
    parts = re.split(r"[/.\-]", TIME_OF_DAY.fullmatch(cell).group("date"))
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    if len(parts[2]) == 4 and all(1 <= len(p) <= 2 for p in parts[:2]):
        day, month, year = map(int, parts)
    elif len(parts[0]) == 4 and all(1 <= len(p) <= 2 for p in parts[1:]):
        year, month, day = map(int, parts)
    else:
        return None
    if year < 1800:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def any_date(draw) -> str:
    """Day, month and year around the edges: month ends, leap days, month 0 or 13, years near 1800 and 0001."""
    y = draw(st.one_of(st.integers(1900, 2100), st.sampled_from([1, 999, 1700, 1799, 1800, 1900, 2000, 2024, 9999]),
                       st.integers(1, 9999)))
    m = draw(st.one_of(st.integers(1, 12), st.sampled_from([0, 2, 12, 13]), st.integers(0, 99)))
    d = draw(st.one_of(st.integers(1, 28), st.sampled_from([0, 29, 30, 31, 32]), st.integers(0, 99)))
    pad = draw(st.booleans())
    dd, mm = (f"{d:02d}", f"{m:02d}") if pad else (str(d), str(m))
    sep = draw(st.sampled_from(["/", "/", ".", "-"]))
    sep2 = sep if draw(st.integers(0, 9)) else draw(st.sampled_from("/.-"))
    text = f"{dd}{sep}{mm}{sep2}{y:04d}" if draw(st.booleans()) else f"{y:04d}{sep}{mm}{sep2}{dd}"
    if draw(st.integers(0, 4)) == 0:
        text += draw(st.sampled_from([" 00:00", " 8:05", "T10:30:00", " 23:59:59.5", " 99:99"]))
    return text


@st.composite
def date_cells(draw):
    kind = draw(st.integers(0, 9))
    if kind <= 5:
        return any_date(draw)
    if kind <= 7:
        return draw(st.one_of(st.integers(0, 120000).map(str),
                              st.tuples(st.integers(9000, 99999), st.integers(0, 999)).map(lambda t: f"{t[0]}.{t[1]}")))
    return draw(st.one_of(st.none(), st.text(alphabet="0123456789/.- T:", min_size=1, max_size=12).map(str.strip)
                          .filter(bool), st.sampled_from(["2010", "1/2/10", "31/02/2010", "ngày 1", "١/٢/٢٠١٠"])))


@QUICK
@given(st.lists(date_cells(), min_size=1, max_size=30))
def test_the_importer_reads_dates_as_documented(cells):
    from accreditation.tables.cells import _parse_dates

    parsed = _parse_dates(pa.array(cells, pa.string())).to_pylist()
    assert [p.date() if p is not None else None for p in parsed] == [plain_date(c) for c in cells]


def test_the_date_oracle_reads_the_documented_examples():
    assert plain_date("25/12/2010") == plain_date("2010-12-25") == plain_date("25.12.2010 08:30") == date(2010, 12, 25)
    assert plain_date("44927") == date(2023, 1, 1) and plain_date("44927.75") == date(2023, 1, 1)
    assert [plain_date(c) for c in ("31/02/2010", "2010", "1/2/10", "01/02/1700", "13/13/2010", "09999")] == [None] * 6


# ======================================================================================= supplier risk levels

RISK = ROOT / "criteria" / "risk"
RANKS = ("low", "medium", "high", "critical")


def risk_rows(name: str) -> list[dict[str, str]]:
    with (RISK / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


RULE_LEVEL = {r["rule"]: r["level"] for r in risk_rows("rules.csv") if r["effect"] == "raise"}
TYPE_LEVEL = {r["type"]: r["level"] for r in risk_rows("supplier_types.csv")}
GOODS = risk_rows("usdol_goods.csv")
SECTORS = risk_rows("sector_prevalence.csv")
INFORMAL = ("household_business", "home_worker")
COMPANY = ("factory", "labour_agency")
# Old and new tone placement ("hòa"/"hoà", "thủy"/"thuỷ"): both are written; compared in the new placement.
NEW_PLACEMENT = {old: new for old, new in zip(
    ["òa", "óa", "ỏa", "õa", "ọa", "òe", "óe", "ỏe", "õe", "ọe", "ùy", "úy", "ủy", "ũy", "ụy"],
    ["oà", "oá", "oả", "oã", "oạ", "oè", "oé", "oẻ", "oẽ", "oẹ", "uỳ", "uý", "uỷ", "uỹ", "uỵ"])}


def words(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    for old, new in NEW_PLACEMENT.items():
        text = text.replace(old, new)
    return " " + " ".join(re.findall(r"[^\W_]+", text)) + " "


def unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.replace("đ", "d")) if not unicodedata.combining(c))


def mentions(text: str, keywords: str) -> bool:
    """A keyword as whole words: one with diacritics in the accented text, an ASCII one in the text without
    accents (docs/suppliers.md, "Keyword matching")."""
    for keyword in filter(None, keywords.split("|")):
        key = words(keyword)
        if key.strip() and (key in (unaccented(words(text)) if key.isascii() else words(text))):
            return True
    return False


def plain_supplier(row: dict, registry: dict | None) -> dict:
    """docs/suppliers.md §5 for one supplier: every raising reason, the highest level, an active certificate
    lowering it by one."""
    kind, code, typ = row["tax_kind"], row["tax_norm"], row["type_is"]
    personal = kind == "personal_id"
    if typ is None and personal:
        typ = "household_business"
    text = f"{row['products'] or ''} {row['sector'] or ''}"
    goods = [g for g in GOODS if mentions(text, g["keywords::vi"] + "|" + g["keywords::en"])]
    reasons = {f"good:{g['good']}": g["level"] for g in goods}
    reasons.update({f"sector:{s['sector']}": s["level"] for s in SECTORS
                    if mentions(text, s["keywords::vi"] + "|" + s["keywords::en"])})
    if typ is not None and TYPE_LEVEL[typ] != "low":
        reasons[f"type:{typ}"] = TYPE_LEVEL[typ]
    rules = {
        "personal_tax_code": personal,
        "type_tax_mismatch": personal and typ in COMPANY,
        "below_tier1_listed": (row["tier"] or 0) >= 2 and any(g["lower_tier_focus"] == "yes" for g in goods),
        "subcontracting_listed": bool(row["subcontracting"]) and any("yes" in (g["cl"], g["fl"]) for g in goods),
        "informal_listed_good": (typ in INFORMAL or personal) and any(g["cl"] == "yes" for g in goods),
        "missing_tax_code": kind == "missing",
        "invalid_tax_code": kind == "invalid",
        "type_unknown": typ is None,
    }
    reasons.update({f"rule:{rule}": RULE_LEVEL[rule] for rule, holds in rules.items() if holds})
    raised = max((RANKS.index(level) for level in reasons.values()), default=0)
    status = None
    if row["certificate_id"]:
        if registry is None:
            status = "unchecked"
        else:
            state, holder = registry.get(row["certificate_id"], (None, None))
            status = "unknown" if state is None else "other_holder" if holder[:10] != code[:10] else state
    lowered = status == "active" and raised > 0
    # a verified certificate in force caps the residual level at low (criteria/risk/controls.csv); the other
    # controls are not generated here (at most 1 point: no unapproved subcontracting, below the first step)
    return {"level": RANKS[0 if lowered else raised], "raised": sorted(reasons), "certificate": status,
            "lowered": lowered}


TAX_CODES = [  # (as written, kind, normalised)
    ("0100233488", "enterprise", "0100233488"), ("3709123455", "enterprise", "3709123455"),
    ("100112437", "enterprise", "0100112437"), ("0314409058-002", "branch", "0314409058-002"),
    ("079123456789", "personal_id", "079123456789"), ("001190012345", "personal_id", "001190012345"),
    ("0100233480", "invalid", "0100233480"), ("12345", "invalid", "12345"), (None, "missing", ""),
]
TYPES = [  # (as written, the type it names)
    ("nhà máy", "factory"), ("Factory", "factory"), ("xưởng", "workshop"), ("Hộ kinh doanh", "household_business"),
    ("hộ gia đình", "household_business"), ("người làm tại nhà", "home_worker"), ("home worker", "home_worker"),
    ("hợp tác xã", "cooperative"), ("HTX", "cooperative"), ("trang trại", "farm"), ("labour agency", "labour_agency"),
    (None, None), ("tàu vũ trụ", None),
]
KEYWORDS = sorted({k for table in (GOODS, SECTORS) for col in ("keywords::vi", "keywords::en")
                   for row in table for k in row[col].split("|") if k})
NEUTRAL = ["ốc vít", "bao bì", "linh kiện điện tử", "bảo hộ cá nhân", "hàng", "screws", "packaging", "thêu", "cá"]
CERTIFICATES = ["VN-CLF-2026-000001", "VN-CLF-2026-000002", "VN-CLF-2026-000003", "VN-CLF-2026-000004"]
STATES = ["active", "self_assessed", "suspended", "superseded", "expired", "revoked"]


@st.composite
def supplier_lists(draw):
    registry = None
    if draw(st.integers(0, 4)):
        registry = {cid: (draw(st.sampled_from(STATES)), draw(st.sampled_from(TAX_CODES[:6]))[2])
                    for cid in draw(st.lists(st.sampled_from(CERTIFICATES), unique=True, max_size=4))}
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        raw_code, kind, norm = draw(st.sampled_from(TAX_CODES))
        written, typ = draw(st.sampled_from(TYPES))
        pieces = draw(st.lists(st.sampled_from(KEYWORDS + NEUTRAL), max_size=3))
        cases = [draw(st.sampled_from([str, str.upper, str.title])) for _ in pieces]
        separator = draw(st.sampled_from([" ", ", ", " / ", " - ", "; ", " ("]))
        products = separator.join(case(p) for case, p in zip(cases, pieces)) or None
        rows.append({
            "tax_code": raw_code, "tax_kind": kind, "tax_norm": norm, "supplier_type": written, "type_is": typ,
            "products": products, "sector": draw(st.sampled_from([None, None, "nông nghiệp", "xây dựng", "cơ khí"])),
            "tier": draw(st.sampled_from([None, 1, 1, 2, 3])),
            "subcontracting": draw(st.sampled_from([None, True, False])),
            "certificate_id": draw(st.sampled_from([None, None, *CERTIFICATES, "VN-CLF-2025-999999"])),
        })
    return rows, registry


def supplier_frame(rows: list[dict]) -> pd.DataFrame:
    """The typed frame the importer hands to the rules (canonical columns of criteria/columns/suppliers.csv)."""
    n = len(rows)
    return pd.DataFrame({
        "supplier_name": [f"NCC {i}" for i in range(1, n + 1)],
        "tax_code": [r["tax_code"] for r in rows],
        "province": ["Hà Nội"] * n,
        "sector": [r["sector"] for r in rows],
        "products": [r["products"] for r in rows],
        "tier": pd.array([r["tier"] for r in rows], dtype="Int64"),
        "supplier_type": [r["supplier_type"] for r in rows],
        "workers": pd.array([None] * n, dtype="Int64"),
        "has_signed_code_of_conduct": pd.array([None] * n, dtype="boolean"),
        "age_verification_in_place": pd.array([None] * n, dtype="boolean"),
        "last_audit_date": pd.to_datetime([None] * n),
        "subcontracting_allowed": pd.array([r["subcontracting"] for r in rows], dtype="boolean"),
        "certificate_id": [r["certificate_id"] for r in rows],
        "annual_spend_vnd": [np.nan] * n,
    }, index=pd.Index(range(1, n + 1), name="row"))


@QUICK
@given(supplier_lists())
def test_supplier_levels_follow_the_documented_rules_row_by_row(case):
    from criteria.provinces import load_provinces
    from criteria.risk_tables import default_risk_data
    from scoring.supply_chain import assess_suppliers

    rows, registry = case
    lookup = None if registry is None else (lambda cid: registry.get(cid, (None, None)) if cid in registry else None)
    result = assess_suppliers(supplier_frame(rows), date(2026, 6, 30), default_risk_data(), load_provinces(),
                              certificate_status=lookup)
    got = [{"level": e["level"], "raised": sorted(r["id"] for r in e["reasons"] if r.get("effect", "raise") == "raise"),
            "certificate": e["certificate"]["status"] if e["certificate"] else None,
            "lowered": bool(e["certificate"] and e["certificate"]["lowered"])} for e in result.entries("en")]
    assert got == [plain_supplier(r, registry) for r in rows]


def test_the_supplier_oracle_reads_the_documented_cases():
    row = {"tax_kind": "enterprise", "tax_norm": "0100233488", "type_is": "factory", "sector": None, "tier": 1,
           "subcontracting": False, "certificate_id": None}
    assert plain_supplier({**row, "products": "ốc vít"}, None)["level"] == "low"
    assert plain_supplier({**row, "products": "bảo hộ cá nhân"}, None)["level"] == "low"  # 'cá nhân' is no fish
    assert plain_supplier({**row, "products": "thuỷ sản"}, None)["raised"] == ["good:fish"]
    assert plain_supplier({**row, "products": "Coffee beans"}, None)["raised"] == ["good:coffee"]
    household = {**row, "type_is": "household_business", "tier": 2, "products": "thêu áo"}
    assert plain_supplier(household, None) == {
        "level": "critical", "certificate": None, "lowered": False,
        "raised": ["good:garments", "rule:below_tier1_listed", "rule:informal_listed_good", "type:household_business"]}
    with_certificate = {**household, "certificate_id": "C1"}
    assert plain_supplier(with_certificate, {"C1": ("active", "0100233488")})["level"] == "low"  # capped
    assert plain_supplier(with_certificate, {"C1": ("active", "0100112437")})["certificate"] == "other_holder"
    assert plain_supplier(with_certificate, {"C1": ("self_assessed", "0100233488")})["level"] == "critical"
