"""Scoring rules, stated as small inline criteria tables with the scores a user should see."""

import subprocess
import sys
from pathlib import Path

import pytest

from criteria.schema import Text
from scoring.answers import AnswerError, AnswerSet
from scoring.engine import assess
from scoring.result import Action, DerivedAnswers
from tables import md_criteria

CRITERIA = md_criteria("""
| sections |
|          | id | weight | label::vi | label::en |
|          | P  | 0      | Hồ sơ     | Profile   |
|          | S1 | 60     | Phần 1    | Part 1    |
|          | S2 | 40     | Phần 2    | Part 2    |
| choices |
|         | list_name | name   | label::vi | label::en | score | na  | knockout |
|         | ypn       | yes    | Có        | Yes       | 100   |     |          |
|         | ypn       | partly | Một phần  | Partly    | 50    |     |          |
|         | ypn       | no     | Không     | No        | 0     |     |          |
|         | ypn       | na     | K.áp dụng | N/A       |       | yes |          |
|         | yn        | yes    | Có        | Yes       |       |     |          |
|         | yn        | no     | Không     | No        |       |     |          |
|         | ko        | none   | Không có  | None      | 100   |     |          |
|         | ko        | found  | Có        | Found     | 0     |     | yes      |
|         | multi     | a      | A         | A         | 40    |     |          |
|         | multi     | b      | B         | B         | 40    |     |          |
|         | multi     | c      | C         | C         | 40    |     |          |
| indicators |
|   | id | section | type               | weight | critical | na_allowed | evidence | relevant      | derived_from        | priority | label::vi | label::en | remediation::vi | remediation::en | reference |
|   | G  | P       | select_one yn      | 0      |          |            | none     |               | roster.has_minors   | minor    | Cổng      | Gate      |                 |                 |           |
|   | N  | P       | integer            | 0      |          |            | none     |               |                     | minor    | Số        | Count     |                 |                 |           |
|   | A  | S1      | select_one ypn     | 50     |          |            | required |               |                     | major    | Câu A     | Q A       | Sửa A           | Fix A           | r         |
|   | K  | S1      | select_one ko      | 30     | yes      | no         | none     |               | roster.minimum_age  | critical | Câu K     | Q K       | Sửa K           | Fix K           | r         |
|   | M  | S1      | select_multiple multi | 20  |          |            | optional |               |                     | minor    | Câu M     | Q M       | Sửa M           | Fix M           | r         |
|   | B  | S2      | select_one ypn     | 50     |          | no         | none     | ${G} = 'yes'  |                     | major    | Câu B     | Q B       | Sửa B           | Fix B           | r         |
|   | C  | S2      | select_one ypn     | 50     |          |            | none     | ${N} > 10     |                     | minor    | Câu C     | Q C       | Sửa C           | Fix C           | r         |
""")

BEST = {"G": "yes", "N": 20, "A": "yes", "K": "none", "M": ["a", "b", "c"], "B": "yes", "C": "yes"}


def score(answers, derived=()):
    return assess(CRITERIA, answers, derived)


@pytest.mark.parametrize(
    "changes, total, s1, s2, tier",
    [
        ({}, 100.0, 100.0, 100.0, "gold"),
        # partly = half the weight: S1 = 50*0.5 + 30 + 20 = 75; total = 0.6*75 + 0.4*100
        ({"A": "partly"}, 85.0, 75.0, 100.0, "gold"),
        # select_multiple adds up, capped at 100: two of three = 80 -> 16 of 20
        ({"M": ["a", "b"]}, 97.6, 96.0, 100.0, "gold"),
        # N/A leaves the section: S2 = C alone
        ({"C": "na"}, 100.0, 100.0, 100.0, "gold"),
        ({"C": "na", "B": "partly"}, 80.0, 100.0, 50.0, "bronze"),  # S2 = 50 is under gold's floor of 60
        # a hidden question does not count: C hidden when N <= 10
        ({"N": 5, "B": "partly"}, 80.0, 100.0, 50.0, "bronze"),
        # every S2 question hidden or N/A: S2 has no score, the total is S1 alone
        ({"G": "no", "N": 0}, 100.0, 100.0, None, "gold"),
        # an unanswered visible question scores 0
        ({"A": None}, 70.0, 50.0, 100.0, "bronze"),
        # the top band needs every section above its floor, not just the total
        ({"B": "no", "C": "partly"}, 70.0, 100.0, 25.0, "bronze"),
        ({"A": "no", "M": ["a"]}, 62.8, 38.0, 100.0, "bronze"),
        ({"A": "no", "M": [], "B": "no", "C": "no"}, 18.0, 30.0, 0.0, None),  # below the lowest band
    ],
)
def test_scores(changes, total, s1, s2, tier):
    answers = {**BEST, **changes}
    answers = {k: v for k, v in answers.items() if v is not None}
    r = score(answers)
    assert (r.total, r.sections["S1"], r.sections["S2"], r.tier) == (total, s1, s2, tier)
    assert r.sections["P"] is None and r.eligible is (tier is not None)


def test_a_knockout_answer_makes_the_company_not_eligible_whatever_else_it_scores():
    r = score({**BEST, "K": "found"})
    assert r.knockouts == ["K"] and r.tier is None and not r.eligible
    assert r.total == 82.0  # the score is still shown
    assert r.remediation[0].indicator == "K" and r.remediation[0].priority == "critical"


def test_remediation_lists_each_question_below_its_best_answer_by_priority():
    r = score({**BEST, "A": "partly", "M": ["a"], "C": "no"})
    assert [(a.indicator, a.priority) for a in r.remediation] == [("A", "major"), ("M", "minor"), ("C", "minor")]
    a = r.remediation[0]
    assert a.action == Text(vi="Sửa A", en="Fix A") and a.deadline_days == 30
    assert a.finding.vi == "Câu A — Trả lời: Một phần" and a.finding.en == "Q A — Answer: Partly"


def test_unanswered_questions_are_listed_and_the_assessment_is_incomplete():
    r = score({"G": "no", "N": 0, "K": "none"})
    assert r.unanswered == ["A", "M"] and not r.complete
    assert r.indicator("B").status == "hidden" and r.indicator("A").status == "unanswered"


def test_evidence_tells_self_declared_from_backed_answers():
    r = assess(CRITERIA, AnswerSet(values=dict(BEST), evidence={"M": ["training.pdf"]}))
    assert r.indicator("A").evidence == "missing" and r.evidence.missing_required == ["A"]
    assert r.indicator("M").evidence == "evidenced" and r.indicator("B").evidence == "not_expected"
    assert (r.evidence.evidenced, r.evidence.self_declared) == (1, 1)


def test_derived_answers_take_precedence_and_record_the_conflict():
    roster = DerivedAnswers(source="roster", values={"roster.minimum_age": "found", "roster.has_minors": "no"},
                            actions=[Action(priority="critical", source="roster", rule="age.under_13", ref="row 4",
                                            finding=Text(vi="f", en="f"), action=Text(vi="a", en="a"),
                                            child_protection=True)])
    r = score(dict(BEST), [roster])
    assert r.knockouts == ["K"] and not r.eligible
    assert r.indicator("K").source == "roster" and r.indicator("K").evidence == "derived"
    assert r.indicator("B").status == "hidden"  # the derived gate answer hides B
    assert {(c.indicator, c.declared, c.derived) for c in r.conflicts} == {("K", "none", "found"), ("G", "yes", "no")}
    assert [(a.source, a.priority) for a in r.remediation][:2] == [("answers", "critical"), ("roster", "critical")]


@pytest.mark.parametrize(
    "answers, words",
    [
        ({"Z": "yes"}, "question `Z` is not in the criteria"),
        ({"A": "maybe"}, "question `A`: `maybe` is not one of its choices; expected one of: yes, partly, no, na"),
        ({"K": "na"}, "not one of its choices"),  # the list has no N/A choice at all
        ({"B": "na"}, "question `B` cannot be answered \"not applicable\""),
        ({"M": ["a", "z"]}, "`z` is not one of its choices"),
        ({"N": "many"}, "expected a whole number of 0 or more"),
        ({"N": -1}, "expected a whole number of 0 or more"),
    ],
)
def test_bad_answers_are_refused_with_the_question_named(answers, words):
    with pytest.raises(AnswerError) as info:
        score({**BEST, **answers})
    assert words in info.value.message("en")
    assert info.value.message("vi") != info.value.message("en")


def test_scoring_is_repeatable_and_shares_nothing_mutable_between_calls():
    first = score({**BEST, "A": "partly"})
    score({**BEST, "A": "no", "M": ["a"]})
    assert score({**BEST, "A": "partly"}) == first


def test_the_supplier_check_does_not_load_the_engine_or_pydantic():
    """`suppliers FILE.csv` is a command people wait on: it imports neither the engine nor pydantic (~0.25 s of
    start-up) nor the workbook, database or PDF libraries it does not use. The `scoring` package re-exports nothing
    so that importing one of its modules stays this cheap."""
    heavy = ("pydantic", "criteria.schema", "scoring.engine", "scoring.workforce", "openpyxl", "sqlite_utils",
             "reportlab", "streamlit")
    code = ("import sys, accreditation.cli, accreditation.commands.suppliers, accreditation.suppliers; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
