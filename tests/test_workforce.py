"""The minor-worker rules (scoring/workforce.py, scoring/workforce_rules.py + criteria/law/): every rule with a
failing and a passing row, the birthday boundaries, fines by date, the derived answers and the way findings enter the
assessment."""

import csv
import io
import json
from datetime import date

import pytest

from accreditation.tables import read_table
from criteria.column_specs import load_table_spec
from criteria.datafiles import default_criteria
from criteria.law_tables import default_law
from scoring.engine import assess
from scoring.workforce import Finding, _trusted, check_workforce
from scoring.workforce_rules import MASKS

AS_OF = date(2026, 9, 15)
SPEC = load_table_spec("roster")
LAW = default_law()
# A 16-year-old in ordinary work with everything in order: each case changes only what it is about.
BASE = dict(employee_id="E1", full_name="Nguyễn Văn Tèo", date_of_birth="10/01/2010", id_number="", hire_date="15/01/2026",
            job_code="GENERAL", workplace_code="GENERAL", hours_per_day="8", hours_per_week="40", night_work="không",
            overtime="không", guardian_consent="có", health_check_date="01/08/2026", written_contract="",
            authority_consent="", contract_type="", hazardous_trade="")
U13 = dict(date_of_birth="01/01/2014", job_code="LIGHT-1", authority_consent="có", written_contract="có",
           hours_per_day="4", hours_per_week="20")  # 12, performing arts, with consent
U15 = dict(date_of_birth="01/01/2012", job_code="LIGHT-4", written_contract="có", hours_per_day="4",
           hours_per_week="20")  # 14, a traditional craft
ADULT = dict(date_of_birth="01/01/2000", guardian_consent="")


def check(*rows, as_of=AS_OF):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(BASE))
    w.writeheader()
    for r in rows:
        w.writerow({**BASE, **r})
    table = read_table(buf.getvalue().encode(), "roster.csv", SPEC)
    return check_workforce(table.frame, as_of, LAW, table.problems)


def rules(result, row=None):
    return [f.rule for f in result.findings if row is None or f.row == row]


def test_the_base_rows_are_clean():
    for extra in ({}, U13, U15, ADULT):
        assert rules(check(extra)) == [], extra


# rule id -> (a row that breaks it, a row that does not)
CASES = {
    "age.under13_work": ({**U13, "job_code": "GENERAL"}, U13),
    "age.under13_no_consent": ({**U13, "authority_consent": "không"}, U13),
    "age.13_14_not_light": ({**U15, "job_code": "GENERAL"}, U15),
    "place.under13_prohibited": ({**U13, "workplace_code": "PROHIBITED-PLACE-D"}, U13),
    "place.13_14_prohibited": ({**U15, "workplace_code": "PROHIBITED-PLACE-B"}, U15),
    "job.15_17_prohibited": ({"job_code": "PROHIBITED-JOB-D"}, {"job_code": "GENERAL"}),
    "place.15_17_prohibited": ({"workplace_code": "prohibited place a"}, {}),
    "job.unclassified": ({"job_code": ""}, {**ADULT, "job_code": ""}),
    "job.unclassified_under13": ({**U13, "job_code": ""}, U13),
    "job.unclassified_13_14": ({**U15, "job_code": "LIGHT-13"}, U15),
    "place.unclassified": ({"workplace_code": ""}, {**ADULT, "workplace_code": ""}),
    "time.under15_hours": ({**U15, "hours_per_week": "21"}, {**U15, "hours_per_day": "4", "hours_per_week": "20"}),
    "time.15_17_hours": ({"hours_per_day": "8,5"}, {"hours_per_day": "8", "hours_per_week": "40"}),
    "time.under15_night": ({**U15, "night_work": "có"}, U15),
    "time.under15_overtime": ({**U15, "overtime": "yes"}, U15),
    "time.15_17_night": ({"night_work": "1"}, {**ADULT, "night_work": "1"}),
    "time.15_17_overtime": ({"overtime": "có"}, {"overtime": "có", "job_code": "LIGHT-12"}),
    "time.not_recorded": ({"hours_per_week": ""}, {**ADULT, "hours_per_week": ""}),
    "paper.guardian_consent": ({"guardian_consent": "không"}, {**U15, "guardian_consent": "không"}),
    "paper.guardian_consent_u15": ({**U15, "guardian_consent": "không"}, {"guardian_consent": "không"}),
    "paper.contract_u15": ({**U15, "written_contract": ""}, U15),
    "paper.health_u15_missing": ({**U15, "health_check_date": ""}, U15),
    "paper.health_u15_stale": ({**U15, "health_check_date": "14/03/2026"}, {**U15, "health_check_date": "15/03/2026"}),
    "paper.health_15_17_missing": ({"health_check_date": ""}, {**ADULT, "health_check_date": ""}),
    "paper.health_15_17_stale": ({"health_check_date": "01/01/2026"}, {"health_check_date": "15/03/2026"}),
    "age.hired_under13": ({**ADULT, "hire_date": "01/06/2012"}, {**ADULT, "hire_date": "01/01/2015"}),
    "age.hired_13_14": ({**ADULT, "hire_date": "01/06/2014"}, {**ADULT, "hire_date": "01/06/2014", "job_code": "LIGHT-6"}),
    "dob.missing": ({"date_of_birth": ""}, {}),
    "dob.future": ({"date_of_birth": "01/01/2027"}, {}),
    "dob.implausible": ({"date_of_birth": "01/01/1920"}, {**ADULT, "date_of_birth": "01/01/1950"}),
    "id.birth_year_mismatch": ({"id_number": "001211012345"}, {"id_number": "001210012345"}),
    "id.format": ({"id_number": "0012100123"}, {"id_number": "B1234567"}),
    "data.missing_employee_id": ({"employee_id": ""}, {}),
    "data.unknown_code": ({"job_code": "LIGHT-13"}, {"job_code": "light_13".replace("13", "12")}),
    "job.apprentice_hazardous": ({"contract_type": "Học nghề", "hazardous_trade": "có"},
                                 {"contract_type": "Học nghề", "hazardous_trade": "không"}),
    "data.unknown_contract_type": ({"contract_type": "cộng tác viên"}, {"contract_type": "THỬ VIỆC"}),
    "data.bad_date": ({"health_check_date": "31/02/2026"}, {"health_check_date": "28/02/2026", **ADULT}),
    "data.bad_number": ({"hours_per_day": "tám"}, {"hours_per_day": "7,5"}),
    "data.bad_value": ({"night_work": "đôi khi"}, {"night_work": "KHÔNG"}),
}


def test_every_rule_has_a_case_and_a_predicate():
    ids = {r.id for r in LAW.rules}
    assert ids == set(MASKS)
    assert ids - set(CASES) == {"data.duplicate_id_number", "data.duplicate_employee_id"}  # two-row cases below


@pytest.mark.parametrize("rule", CASES)
def test_rule_fails_and_passes(rule):
    failing, passing = CASES[rule]
    found = check(failing)
    assert rule in rules(found), rules(found)
    finding = next(f for f in found.findings if f.rule == rule)
    assert finding.row == 1 and finding.severity == LAW.rule(rule).severity
    assert finding.message.vi and finding.message.en and "?" not in finding.message.en.replace("?)", "")
    assert "{" not in finding.message.vi + finding.message.en
    assert rule not in rules(check(passing))


def test_duplicates_name_the_other_rows_but_not_the_number():
    result = check({"id_number": "079210000001"}, {"employee_id": "E2", "id_number": "79210000001"},
                   {"employee_id": "E2", "id_number": ""}, {"employee_id": "E4", "id_number": "B1234567"})
    dup_id = [f for f in result.findings if f.rule == "data.duplicate_id_number"]
    assert [(f.row, f.severity) for f in dup_id] == [(1, "major"), (2, "major")]  # the lost leading zero is restored
    assert "row(s) 2" in dup_id[0].message.en and "79210000001" not in dup_id[0].message.en
    dup_emp = [f for f in result.findings if f.rule == "data.duplicate_employee_id"]
    assert [(f.row, f.severity) for f in dup_emp] == [(2, "minor"), (3, "minor")]


def test_cccd_century_codes():
    # 0/1: born 1900-1999; 2/3: 2000-2099 (male/female). The 4th digit 4 is not a living worker's century.
    assert "id.birth_year_mismatch" not in rules(check({**ADULT, "id_number": "079300012345",
                                                        "date_of_birth": "01/01/2000"}))
    assert "id.birth_year_mismatch" not in rules(check({**ADULT, "id_number": "079000012345",
                                                        "date_of_birth": "01/01/1900", "hire_date": ""}))
    result = check({**ADULT, "id_number": "079400012345"})
    assert "id.format" in rules(result) and "4th digit is 4" in result.findings[0].message.en


def test_an_altered_birth_date_makes_the_roster_unable_to_vouch():
    """The ID says born 2011 (a 15-year-old), the roster says 2000: the age cannot be trusted."""
    result = check({**ADULT, "id_number": "001211012345"})
    assert rules(result) == ["id.birth_year_mismatch"]
    assert "roster.minimum_age" not in result.values and "roster.has_minors" not in result.values


def test_a_child_under_15_in_unclassified_work_blocks_any_document():
    """The measured case: a 6-year-old and a 12-year-old with a blank job code scored "Champion, 95.8"."""
    from seed import example_values

    six = {**U13, "employee_id": "E6", "date_of_birth": "01/01/2020", "job_code": ""}
    twelve = {**U13, "employee_id": "E12", "job_code": ""}
    fourteen = {**U15, "employee_id": "E14", "job_code": "nhặt chỉ"}  # an unknown code
    result = check(six, twelve, fourteen, ADULT)
    assert result.blocking == [1, 2, 3]
    severities = {f.row: f.severity for f in result.findings if f.blocks}
    assert severities == {1: "critical", 2: "critical", 3: "major"}
    assert "roster.minimum_age" not in result.values  # neither "found" nor "none": undecided
    scored = assess(default_criteria(), example_values("strong"), [result.derived()])
    assert scored.blocked and not scored.eligible and scored.tier is None
    assert {a.row for a in scored.blocking} == {1, 2, 3}
    # classified as ordinary work, the same children are the knock-out they are
    classified = check({**six, "job_code": "GENERAL"}, {**twelve, "job_code": "GENERAL"}, ADULT)
    assert classified.blocking == [] and classified.values["roster.minimum_age"] == "found"
    knocked = assess(default_criteria(), example_values("strong"), [classified.derived()])
    assert knocked.knockouts and not knocked.blocked


@pytest.mark.parametrize("dob,blocks", [
    ("16/09/2013", "critical"),  # turns 13 tomorrow: still under 13
    ("15/09/2013", "major"),  # 13 today: 13-14
    ("15/09/2011", None),  # 15 today: 15-17 rules (job.unclassified, not blocking)
    ("16/09/2011", "major"),  # turns 15 tomorrow: still 14
])
def test_unclassified_work_blocks_by_age_on_the_as_of_day(dob, blocks):
    result = check({**U15, "date_of_birth": dob, "job_code": ""})
    assert [f.severity for f in result.findings if f.blocks] == ([blocks] if blocks else [])


# ----------------------------------------------------------------------------------------- birthdays


@pytest.mark.parametrize("dob,as_of,age,rule", [
    # 13th birthday: under 13 only arts/sport (GENERAL is a knock-out either way, but the rule differs)
    ("15/09/2011", date(2024, 9, 14), 12, "age.under13_work"),
    ("15/09/2011", date(2024, 9, 15), 13, "age.13_14_not_light"),
    ("15/09/2011", date(2024, 9, 16), 13, "age.13_14_not_light"),
    # 15th birthday: ordinary work becomes lawful on the day itself
    ("15/09/2011", date(2026, 9, 14), 14, "age.13_14_not_light"),
    ("15/09/2011", date(2026, 9, 15), 15, None),
    ("15/09/2011", date(2026, 9, 16), 15, None),
    # 29 February in common years: the birthday is reached on 1 March (see docs/roster.md)
    ("29/02/2012", date(2025, 2, 28), 12, "age.under13_work"),
    ("29/02/2012", date(2025, 3, 1), 13, "age.13_14_not_light"),
    ("29/02/2012", date(2027, 2, 28), 14, "age.13_14_not_light"),
    ("29/02/2012", date(2027, 3, 1), 15, None),
    ("29/02/2012", date(2028, 2, 29), 16, None),  # a leap year: the birthday itself
])
def test_birthday_boundaries_13_and_15(dob, as_of, age, rule):
    result = check({"date_of_birth": dob, "hire_date": "", "health_check_date": as_of.strftime("%d/%m/%Y"),
                    "written_contract": "có", "hours_per_day": "4", "hours_per_week": "20"}, as_of=as_of)
    critical = [f for f in result.findings if f.severity == "critical"]
    assert [f.rule for f in critical] == ([rule] if rule else [])
    band = "under_13" if age < 13 else "13_14" if age < 15 else "15_17"
    assert result.age_bands[band] == 1
    if critical:
        assert f"aged {age} " in critical[0].message.en


@pytest.mark.parametrize("dob,as_of,minor", [
    ("15/09/2008", date(2026, 9, 14), True),  # the day before the 18th birthday
    ("15/09/2008", date(2026, 9, 15), False),  # an adult on the birthday itself
    ("15/09/2008", date(2026, 9, 16), False),
    ("29/02/2008", date(2026, 2, 28), True),
    ("29/02/2008", date(2026, 3, 1), False),
])
def test_birthday_boundary_18(dob, as_of, minor):
    result = check({"date_of_birth": dob, "job_code": "PROHIBITED-JOB-E", "hire_date": "",
                    "health_check_date": as_of.strftime("%d/%m/%Y")}, as_of=as_of)
    assert ("job.15_17_prohibited" in rules(result)) is minor
    assert result.values["roster.has_minors"] == ("yes" if minor else "no")


# ---------------------------------------------------------------------------------------- fines and dates


@pytest.mark.parametrize("as_of,decree,low,high", [
    (date(2026, 9, 9), "Decree 12/2022/ND-CP art. 29(3)(b)", 100_000_000, 150_000_000),
    (date(2026, 9, 10), "Decree 283/2026/ND-CP art. 27(3)(b)", 100_000_000, 150_000_000),
    (date(2021, 6, 1), None, None, None),  # before Decree 12/2022: no fine table encoded
])
def test_fines_follow_the_decree_in_force_and_double_for_organisations(as_of, decree, low, high):
    f = next(f for f in check({**U13, "job_code": "GENERAL"}, as_of=as_of).findings if f.rule == "age.under13_work")
    assert (f.fine_min_vnd, f.fine_max_vnd) == (low, high)
    assert (f.fine_basis.en.startswith(decree) and "organisation rate (x2)" in f.fine_basis.en) if decree else \
        f.fine_basis is None


def test_health_check_fine_is_per_worker_and_only_under_decree_283():
    before = next(f for f in check({"health_check_date": ""}, as_of=date(2026, 9, 9)).findings)
    after = next(f for f in check({"health_check_date": ""}, as_of=date(2026, 9, 10)).findings)
    assert before.rule == after.rule == "paper.health_15_17_missing"
    assert before.fine_min_vnd is None  # Decree 12/2022's clause is not encoded (docs/roster.md)
    assert (after.fine_min_vnd, after.fine_max_vnd) == (2_000_000, 6_000_000) and "per worker" in after.fine_basis.en


def test_hired_under_age_is_fined_under_the_decree_in_force_when_it_ended():
    """Turned 15 on 2022-01-02: the violation ended before Decree 12/2022 came into force, so no fine band."""
    result = check({**ADULT, "date_of_birth": "02/01/2007", "hire_date": "01/06/2021"})
    [f] = [f for f in result.findings if f.rule == "age.hired_13_14"]
    assert f.fine_min_vnd is None and "hired on 01/06/2021 aged 14" in f.message.en


def test_rules_not_in_force_are_skipped():
    result = check({**U15, "job_code": "GENERAL"}, as_of=date(2021, 3, 1))
    assert "age.13_14_not_light" not in rules(result) and "age.13_14_not_light" in result.not_in_force


# ---------------------------------------------------------------------------------- derived answers


@pytest.mark.parametrize("rows,values", [
    ([ADULT], {"roster.has_minors": "no", "roster.minimum_age": "none", "roster.prohibited_work": "none",
               "roster.working_time": "na", "roster.paperwork": "na"}),
    ([{}], {"roster.has_minors": "yes", "roster.minimum_age": "none", "roster.prohibited_work": "none",
            "roster.working_time": "yes", "roster.paperwork": "yes"}),
    ([{}, {"employee_id": "E2", "guardian_consent": "không", "overtime": "có"}],
     {"roster.has_minors": "yes", "roster.minimum_age": "none", "roster.prohibited_work": "none",
      "roster.working_time": "partly", "roster.paperwork": "partly"}),
    ([{**U15, "job_code": "GENERAL", "night_work": "có", "written_contract": ""}],
     {"roster.has_minors": "yes", "roster.minimum_age": "found", "roster.prohibited_work": "none",
      "roster.working_time": "no", "roster.paperwork": "no"}),
    ([{**U15, "job_code": "PROHIBITED-JOB-E"}],  # one finding, both answers
     {"roster.has_minors": "yes", "roster.minimum_age": "found", "roster.prohibited_work": "found",
      "roster.working_time": "yes", "roster.paperwork": "yes"}),
    ([{"workplace_code": "PROHIBITED-PLACE-C"}],
     {"roster.has_minors": "yes", "roster.minimum_age": "none", "roster.prohibited_work": "found",
      "roster.working_time": "yes", "roster.paperwork": "yes"}),
    # An adult row without a birth date: the roster cannot vouch for "no minors" or "none found".
    ([ADULT, {**ADULT, "employee_id": "E2", "date_of_birth": ""}], {}),
    # A minor whose job is not classified: minimum age and prohibited work stay open.
    ([{"job_code": ""}], {"roster.has_minors": "yes", "roster.working_time": "yes", "roster.paperwork": "yes"}),
    ([{"hours_per_day": ""}], {"roster.has_minors": "yes", "roster.minimum_age": "none",
                               "roster.prohibited_work": "none", "roster.paperwork": "yes"}),
])
def test_derived_values(rows, values):
    assert check(*rows).values == values


def test_findings_enter_the_assessment_as_knockouts_and_actions():
    criteria = default_criteria()
    result = check({**U13, "job_code": "GENERAL"}, {"employee_id": "E2", "guardian_consent": ""})
    deadlines = {p.id: p.deadline_days for p in criteria.priorities.values()}
    derived = result.derived(deadlines)
    assert derived.source == "roster" and derived.values["roster.minimum_age"] == "found"
    assessed = assess(criteria, {}, derived=[derived])
    assert "YW-01" in assessed.knockouts and not assessed.eligible
    assert assessed.indicator("YW-01").source == "roster"
    roster_actions = [a for a in assessed.remediation if a.source == "roster"]
    assert [(a.rule, a.ref, a.priority, a.child_protection, a.deadline_days) for a in roster_actions][:2] == [
        ("age.under13_work", "row 1, employee E1", "critical", True, 0),
        ("paper.guardian_consent", "row 2, employee E2", "major", False, 30)]
    assert assessed.remediation[0].priority == "critical"
    assert all(a.legal_basis for a in roster_actions)


def test_nothing_personal_leaves_the_check():
    result = check({"id_number": "001210012345", "full_name": "Nguyễn Văn Tèo", "guardian_consent": ""},
                   {"employee_id": "E2", "id_number": "001210012345"})
    out = json.dumps([result.to_json(), result.derived().model_dump()], ensure_ascii=False)
    assert "Tèo" not in out and "001210012345" not in out and "10/01/2010" not in out
    assert rules(result)  # there were findings to leak from


def test_trusted_construction_equals_model_construct():
    f = check({"guardian_consent": ""}).findings[0]
    assert isinstance(f, Finding) and f == Finding.model_validate(f.model_dump())
    fields = dict(f.__dict__)
    assert _trusted(Finding, fields) == Finding.model_construct(**fields)


# ------------------------------------------------------------------------------------------ the tables


def test_work_codes_follow_the_law_in_order():
    codes = list(LAW.codes)
    light = [c for c in codes if c.startswith("LIGHT-")]
    assert light == [f"LIGHT-{n}" for n in range(1, 13)]
    assert LAW.codes["LIGHT-1"].label.vi == "Biểu diễn nghệ thuật" and LAW.codes["LIGHT-2"].under_13
    assert [c for c in codes if c.startswith("PROHIBITED-JOB-")] == [
        f"PROHIBITED-JOB-{x}" for x in ("A", "B", "C", "D", "DD", "E", "G", "H")]
    assert [c for c in codes if c.startswith("PROHIBITED-PLACE-")] == [
        f"PROHIBITED-PLACE-{x}" for x in ("A", "B", "C", "D", "DD")]
    assert {c for c, v in LAW.codes.items() if v.under_13} == {"LIGHT-1", "LIGHT-2"}
    assert all(v.label.vi and v.label.en and v.legal_basis.vi and v.legal_basis.en for v in LAW.codes.values())


def test_fine_bands_hand_over_on_10_september_2026():
    for band in ("minor_register", "minor_conditions", "minor_prohibited"):
        assert LAW.fine(band, date(2026, 9, 9)).decree == "Decree 12/2022/ND-CP"
        assert LAW.fine(band, date(2026, 9, 10)).decree == "Decree 283/2026/ND-CP"
        assert all(f.organisation_multiplier == 2 for f in LAW.fines)


# Under 15, the hours, night work and overtime bans (LC art. 146(1)) and the conditions of employing the child at all
# (LC art. 144(3), 145(1)(a), (c)) are critical, not routine (issue 12)
UNDER_15_CRITICAL = {"time.under15_hours", "time.under15_night", "time.under15_overtime", "paper.contract_u15",
                     "paper.guardian_consent_u15", "paper.health_u15_missing"}


def test_rules_have_bilingual_texts_and_known_severities():
    for r in LAW.rules:
        assert r.message.vi and r.message.en and r.action.vi and r.action.en, r.id
        assert r.severity in ("critical", "major", "minor")
        child_labour = r.effect in ("violation", "blocks") and bool(
            {"minimum_age", "prohibited_work"} & set(r.groups)) and not r.id == "job.unclassified_13_14"
        assert (r.severity == "critical") == (child_labour or r.id in UNDER_15_CRITICAL), r.id
        assert r.title.vi and r.title.en and r.title.vi != r.id, r.id
        if r.effect == "violation":
            assert r.legal_basis.vi and r.legal_basis.en and r.effective_from, r.id


def test_docs_cover_every_rule_and_column():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "roster.md").read_text(encoding="utf-8")
    for r in LAW.rules:
        short = r.id.replace("_missing", "").replace("_stale", "")
        assert f"`{r.id}`" in doc or f"`{short}" in doc or r.id.split(".")[1] in doc, r.id
    for c in SPEC.columns:
        assert f"`{c.name}`" in doc, c.name


# ------------------------------------------------------------------------------------ issue 12: people's words

CODE_TOKEN = r"(GENERAL|LIGHT-\d+|OT-\d+|PROHIBITED-(?:JOB|PLACE)-[A-Z]+)"


def many_findings():
    """Rows that fire most rules, for checks on the wording of every finding."""
    rows = [{**extra, "employee_id": f"NV{n:03d}"} for n, (bad, _) in enumerate(CASES.values()) for extra in (bad,)]
    return check(*rows)


def test_vietnamese_findings_have_no_english_fragments_nor_bare_codes():
    import re

    result = many_findings()
    assert len({f.rule for f in result.findings}) >= 30
    english = [c.name for c in SPEC.columns] + ["row ", "employee ", "Row ", "column ", "criteria/law"]
    for f in result.findings:
        for text in (f.message.vi, f.action.vi, f.title.vi, f.legal_basis.vi):
            if f.rule.startswith("data.bad_") and text == f.message.vi:
                continue  # the importer's own text (accreditation/tables/cells.py names the column by its key)
            for word in english:
                assert word not in text, (f.rule, word, text)
            # a code may only follow its label in parentheses, or stand in a parenthesised list of codes
            for m in re.finditer(CODE_TOKEN, text):
                before = text[:m.start()]
                quoted = before.endswith("“")  # the company's own value, quoted
                assert quoted or before.count("(") > before.count(")"), (f.rule, text)
        assert f.title.vi and f.title.en and f.rule not in f.title.vi


def test_a_prohibited_job_is_named_by_its_label_in_both_languages():
    f = next(f for f in check({"job_code": "PROHIBITED-JOB-D"}).findings if f.rule == "job.15_17_prohibited")
    assert "“Bảo trì, bảo dưỡng thiết bị, máy móc” (PROHIBITED-JOB-D)" in f.message.vi
    assert "“Servicing or maintaining equipment or machinery” (PROHIBITED-JOB-D)" in f.message.en
    assert f.title.vi == "Người 15–17 tuổi làm công việc bị cấm"
    place = next(f for f in check({"workplace_code": "PROHIBITED-PLACE-B"}).findings
                 if f.rule == "place.15_17_prohibited")
    assert "“Công trường xây dựng” (PROHIBITED-PLACE-B)" in place.message.vi


def test_missing_time_columns_and_unknown_codes_are_named_by_their_labels():
    f = next(f for f in check({"night_work": "", "overtime": ""}).findings if f.rule == "time.not_recorded")
    assert "“Làm việc ban đêm (22h-6h)”, “Làm thêm giờ”" in f.message.vi and "night_work" not in f.message.vi
    assert "“Night work (22:00-06:00)”, “Overtime”" in f.message.en
    u = next(f for f in check({"job_code": "XYZ"}).findings if f.rule == "data.unknown_code")
    assert u.message.vi.startswith("Dòng 1, nhân viên E1: Mã công việc “XYZ” không phải mã đã biết")
    assert "Job code “XYZ” is not a known code" in u.message.en


def test_titles_reach_the_actions():
    result = check({**U15, "night_work": "có"})
    action = result.derived({"critical": 7, "major": 30, "minor": 90}).actions[0]
    assert action.title.vi == "Trẻ dưới 15 tuổi làm việc ban đêm" and action.rule == "time.under15_night"


# ------------------------------------------------------- issue 12: a child under 15 at night is not routine


def test_a_14_year_old_on_night_shift_is_critical_and_immediate():
    """The walkthrough's row: 14, night work, 48 h a week, overtime, no guardian consent, no contract."""
    result = check({**U15, "night_work": "có", "hours_per_day": "8", "hours_per_week": "48", "overtime": "có",
                    "guardian_consent": "không", "written_contract": "không"})
    got = {f.rule: (f.severity, f.deadline_days, f.child_protection) for f in result.findings}
    assert got == {
        "time.under15_hours": ("critical", 0, True), "time.under15_night": ("critical", 0, True),
        "time.under15_overtime": ("critical", 0, True),
        "paper.guardian_consent_u15": ("critical", None, False), "paper.contract_u15": ("critical", None, False)}
    actions = result.derived({"critical": 7, "major": 30, "minor": 90}).actions
    deadline = {a.rule: a.deadline_days for a in actions}
    assert deadline["time.under15_night"] == 0 and deadline["paper.contract_u15"] == 7
    for a in actions:  # "at once" in the action <=> due at once
        if "ngay" in a.action.vi.split():
            assert a.deadline_days == 0, a.rule
    assert not result.knockout  # eligibility is decided by the criteria (YW-03/YW-04), not here
    assert all(LAW.rule(r).legal_basis.en.startswith("Labour Code 2019 art. 14") for r in got)


def test_every_stop_at_once_action_is_due_at_once():
    for r in LAW.rules:
        says_now = any(w in r.action.vi for w in ("Dừng ngay", "Chấm dứt ngay", "Chuyển ngay", "Tạm dừng ngay",
                                                   "Giảm ngay", "Xác định ngay"))
        assert says_now == (r.deadline_days == 0), r.id
        if r.deadline_days == 0:
            assert r.severity == "critical", r.id


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 9, 14), {"time.under15_night": ("critical", 0)}),  # 14 the day before the 15th birthday
    (date(2026, 9, 15), {"time.15_17_night": ("major", None)}),  # 15 on the birthday: review against Appendix V
])
def test_night_work_the_day_a_worker_turns_15(as_of, expected):
    row = {**U15, "date_of_birth": "15/09/2011", "night_work": "có", "health_check_date": "01/08/2026"}
    got = {f.rule: (f.severity, f.deadline_days) for f in check(row, as_of=as_of).findings
           if f.rule.startswith("time.")}
    assert got == expected


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 9, 14), {"age.under13_work"}),  # 12: under 13, a craft is not arts or sport
    (date(2026, 9, 15), set()),  # 13 on the birthday: the craft is light work (Appendix II)
])
def test_light_work_the_day_a_child_turns_13(as_of, expected):
    row = {**U15, "date_of_birth": "15/09/2013", "authority_consent": "có"}
    assert {f.rule for f in check(row, as_of=as_of).findings if f.severity == "critical"} - {
        "paper.guardian_consent_u15", "paper.contract_u15", "paper.health_u15_missing"} == expected
    if expected:
        f = next(f for f in check(row, as_of=as_of).findings if f.rule == "age.under13_work")
        assert f.deadline_days == 0 and f.child_protection


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 9, 14), {"time.15_17_night", "time.15_17_overtime"}),  # 17 the day before
    (date(2026, 9, 15), set()),  # 18 on the birthday: an adult
])
def test_night_work_and_overtime_the_day_a_worker_turns_18(as_of, expected):
    row = {"date_of_birth": "15/09/2008", "night_work": "có", "overtime": "có"}
    assert set(rules(check(row, as_of=as_of))) == expected


# ------------------------------------------- issue 14: fines only within the limitation period (D283 art. 3(4)(a))

APPRENTICE_14 = dict(contract_type="Học nghề", hazardous_trade="không")


@pytest.mark.parametrize("as_of, fined", [
    (date(2026, 6, 1), True),  # the violation ended 01/06/2025 (the day before the 15th birthday): one year later
    (date(2026, 6, 2), False),  # a year and a day: the period has run out
])
def test_a_past_violation_is_fined_only_within_one_year_of_its_end(as_of, fined):
    row = {"date_of_birth": "02/06/2010", "hire_date": "01/06/2024", "health_check_date": "01/05/2026"}
    [f] = [f for f in check(row, as_of=as_of).findings if f.rule == "age.hired_13_14"]
    assert f.severity == "major"  # the finding stays either way
    if fined:
        assert (f.fine_min_vnd, f.fine_max_vnd) == (100_000_000, 150_000_000)
        assert f.fine_basis.en.startswith("Decree 12/2022/ND-CP art. 29(3)(a)")  # the decree in force when it ended
        assert "No fine shown" not in f.message.en
    else:
        assert f.fine_min_vnd is None and f.fine_max_vnd is None
        assert "ended on 01/06/2025" in f.message.en and "ran out after 01/06/2026" in f.message.en
        assert "Không nêu mức phạt" in f.message.vi and "Đ.6(1)(a)" in f.message.vi
        assert LAW.fine("minor_prohibited", date(2025, 6, 1)).limitation_years == 1


def test_the_issue_case_a_14_year_old_hired_in_2024_is_16_now():
    result = check({"hire_date": "15/01/2024"})  # born 10/01/2010: 14 at hiring, 16 on 15/09/2026
    [f] = [f for f in result.findings if f.rule == "age.hired_13_14"]
    assert f.fine_min_vnd is None and "09/01/2025" in f.message.en
    [out] = [x for x in result.to_json()["findings"] if x["rule"] == "age.hired_13_14"]
    assert "fine_min_vnd" not in out and out["fine_not_shown"]["en"].startswith("No fine shown")


@pytest.mark.parametrize("as_of, fined", [(date(2025, 2, 28), True), (date(2025, 3, 1), False)])
def test_the_limitation_period_from_29_february_ends_on_28_february(as_of, fined):
    """Born 01/03/2009: 15 on 01/03/2024, so the violation ended on 29/02/2024."""
    row = {**ADULT, "date_of_birth": "01/03/2009", "hire_date": "01/06/2023", "health_check_date": ""}
    [f] = [f for f in check(row, as_of=as_of).findings if f.rule == "age.hired_13_14"]
    assert (f.fine_min_vnd is not None) is fined


@pytest.mark.parametrize("job, extra, ended, fined", [
    # hired at 12 in ordinary work: unlawful until the 15th birthday (01/01/2026), not the 13th
    ("GENERAL", {}, "31/12/2025", True),
    # in light work the same job became lawful at 13: the violation ended on 31/12/2023, barred since 2025
    ("LIGHT-4", {}, "31/12/2023", False),
    # an apprentice LC art. 61(4) allows from 14: it ended the day before the 14th birthday
    ("GENERAL", {**APPRENTICE_14}, "31/12/2024", False),
])
def test_a_child_hired_under_13_was_unlawfully_employed_until_the_work_became_lawful(job, extra, ended, fined):
    row = {"date_of_birth": "01/01/2011", "hire_date": "01/06/2023", "job_code": job, **extra}  # 15 on AS_OF
    [f] = [f for f in check(row).findings if f.rule == "age.hired_under13"]
    assert (f.fine_min_vnd is not None) is fined
    if not fined:
        assert f"ended on {ended}" in f.message.en


def test_every_fine_band_has_its_limitation_period():
    assert all(f.limitation_years == 1 and f.limitation_basis for f in LAW.fines)
    assert {f.limitation_basis for f in LAW.fines if f.decree.startswith("Decree 283")} == {
        "Decree 283/2026/ND-CP art. 3(4)(a)"}


# --------------------------------------------------------- issue 14: apprentices (Labour Code 2019 art. 61(4))

APPRENTICE = dict(contract_type="Học nghề", hazardous_trade="không", job_code="GENERAL", written_contract="có",
                  hours_per_day="4", hours_per_week="20")


@pytest.mark.parametrize("as_of, critical", [
    (date(2026, 9, 14), {"age.13_14_not_light"}),  # 13, the day before the 14th birthday: not yet
    (date(2026, 9, 15), set()),  # 14 on the birthday: an apprentice may train in a trade off the list
])
def test_an_apprentice_may_train_from_the_day_they_turn_14(as_of, critical):
    row = {**APPRENTICE, "date_of_birth": "15/09/2012", "health_check_date": "01/08/2026"}
    assert {f.rule for f in check(row, as_of=as_of).findings if f.severity == "critical"} == critical


@pytest.mark.parametrize("spelling", ["Học nghề", "hoc nghe", "TẬP NGHỀ", "Apprentice", "trainee", "học việc"])
def test_apprentice_spellings(spelling):
    row = {**APPRENTICE, "contract_type": spelling, "date_of_birth": "01/01/2012"}  # 14
    assert rules(check(row)) == []


@pytest.mark.parametrize("change, rule", [
    ({"hazardous_trade": "có"}, "age.13_14_not_light"),  # a listed trade: 18 or more
    ({"hazardous_trade": ""}, "age.13_14_not_light"),  # not declared off the list: the exception is not shown
    ({"job_code": "PROHIBITED-JOB-D"}, "age.13_14_not_light"),  # an art. 147(1) job is no apprenticeship
    ({"contract_type": "Thử việc"}, "age.13_14_not_light"),  # a probationer is an employee
    ({"contract_type": "Thời vụ"}, "age.13_14_not_light"),
    ({"night_work": "có"}, "time.under15_night"),  # the minors' working-time rules still apply
    ({"hours_per_week": "24"}, "time.under15_hours"),
    ({"written_contract": ""}, "paper.contract_u15"),  # and their papers
    ({"guardian_consent": ""}, "paper.guardian_consent_u15"),
])
def test_a_14_year_old_apprentice_still_has_every_other_rule(change, rule):
    row = {**APPRENTICE, "date_of_birth": "01/01/2012", **change}
    assert rules(check(row)) == [rule]


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 9, 14), {"age.13_14_not_light"}),  # 14: the light-work rule reports it
    (date(2026, 9, 15), {"job.apprentice_hazardous"}),  # 15 on the birthday
    (date(2029, 9, 14), {"job.apprentice_hazardous"}),  # 17, the day before the 18th birthday
    (date(2029, 9, 15), set()),  # 18
])
def test_a_heavy_or_hazardous_trade_needs_an_apprentice_of_18(as_of, expected):
    row = {**APPRENTICE, "hazardous_trade": "có", "date_of_birth": "15/09/2011", "hire_date": "",
           "health_check_date": as_of.strftime("%d/%m/%Y")}
    got = {f.rule for f in check(row, as_of=as_of).findings if f.severity == "critical"}
    assert got == expected
    if expected == {"job.apprentice_hazardous"}:
        f = next(f for f in check(row, as_of=as_of).findings if f.rule == "job.apprentice_hazardous")
        assert f.deadline_days == 0 and f.child_protection and "art. 61(4)" in f.legal_basis.en
        assert check(row, as_of=as_of).values["roster.prohibited_work"] == "found"


def test_a_14_year_old_apprentice_in_light_work_in_a_listed_trade_is_reported():
    """Light work is lawful at 14, but an apprenticeship in a heavy or hazardous trade needs 18 (LC art. 61(4))."""
    row = {**APPRENTICE, "hazardous_trade": "có", "job_code": "LIGHT-4", "date_of_birth": "15/09/2011",
           "health_check_date": "14/09/2026"}
    assert {f.rule for f in check(row, as_of=date(2026, 9, 14)).findings if f.severity == "critical"} == {
        "job.apprentice_hazardous"}
    assert not {f.rule for f in check({**row, "hazardous_trade": "không"}, as_of=date(2026, 9, 14)).findings
                if f.severity == "critical"}


def test_arts_and_sport_apprentices_are_exempt_from_the_18_rule():
    row = {**APPRENTICE, "hazardous_trade": "có", "job_code": "LIGHT-2", "hours_per_day": "8",
           "hours_per_week": "40"}  # 16, sport
    assert rules(check(row)) == []


@pytest.mark.parametrize("hired, rule", [
    ("15/01/2025", None),  # hired at 14 as an apprentice: lawful, nothing to report at 16
    ("15/01/2023", "age.hired_13_14"),  # hired at 13: below the apprentices' age too
])
def test_hired_as_an_apprentice(hired, rule):
    row = {**APPRENTICE, "hire_date": hired, "hours_per_day": "8", "hours_per_week": "40"}  # born 10/01/2010
    assert rules(check(row)) == ([rule] if rule else [])


def test_a_time_barred_note_is_stored_as_parameters_and_worded_when_shown():
    from accreditation.checks import roster_finding, roster_texts

    f = next(f for f in check({"hire_date": "15/01/2024"}).findings if f.rule == "age.hired_13_14")
    stored = roster_finding(f, LAW)
    assert "text" not in stored and stored["fine_not_shown"] == {
        "ended": "09/01/2025", "last": "09/01/2026", "as_of": "15/09/2026", "years": "1",
        "basis": "Law 15/2012/QH13 art. 6(1)(a)"}
    assert "fine" not in stored
    for lang in ("vi", "en"):
        assert roster_texts(stored, lang, LAW)["finding"] == getattr(f.message, lang)


@pytest.mark.parametrize("id_number, born", [
    ("001210012345", "10/01/2010"), ("001211012345", "10/01/2010"), ("001010012345", "10/01/2010"),
    ("079300012345", "01/01/2000"), ("079000012345", "01/01/2000"), ("079099012345", "01/01/1999"),
])
def test_the_roster_and_the_tax_codes_read_a_cccd_birth_year_alike(id_number, born):
    """One rule (scoring.tax_codes.birth_year) for the century digit, whichever check reads the number."""
    from scoring.tax_codes import cccd_birth_mismatch

    d, m, y = (int(x) for x in born.split("/"))
    flagged = "id.birth_year_mismatch" in rules(check({"id_number": id_number, "date_of_birth": born}))
    assert flagged is (cccd_birth_mismatch(id_number, date(y, m, d)) in ("century", "year"))


def test_a_time_barred_finding_carries_its_parameters_and_a_fined_one_none():
    """Stored from the finding's own parameters, not read back out of its English sentence."""
    result = check({"hire_date": "15/01/2024"}, {"date_of_birth": "01/01/2012", "job_code": "GENERAL",
                                                 "written_contract": "có", "hours_per_day": "4",
                                                 "hours_per_week": "20"})
    barred = next(f for f in result.findings if f.rule == "age.hired_13_14")
    assert barred.time_barred == {"ended": "09/01/2025", "last": "09/01/2026", "as_of": "15/09/2026", "years": "1",
                                  "basis": "Law 15/2012/QH13 art. 6(1)(a)"}
    fined = next(f for f in result.findings if f.rule == "age.13_14_not_light")
    assert fined.fine_min_vnd is not None and fined.time_barred is None


def test_a_duplicate_shared_by_thousands_names_ten_other_rows_and_says_there_are_more():
    """16,000 copies of one row (480 KB) took 173 s when each row listed all the others before cutting to ten."""
    import numpy as np
    import pandas as pd

    from scoring.workforce import _other_rows

    n = 16_000
    out = _other_rows(np.ones(n, bool), pd.Series(["001090012345"] * n), np.arange(2, n + 2))
    assert out[0] == "3, 4, 5, 6, 7, 8, 9, 10, 11, 12 …"
    assert out[5] == "2, 3, 4, 5, 6, 8, 9, 10, 11, 12 …"  # never itself
    assert out[n - 1] == "2, 3, 4, 5, 6, 7, 8, 9, 10, 11 …"
    small = _other_rows(np.array([True, True, False]), pd.Series(["a", "a", None]), np.arange(2, 5))
    assert small == {0: "3", 1: "2"}  # no ellipsis when nothing is left out
