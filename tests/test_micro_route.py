"""The lighter route for micro and household businesses lives in the criteria data: the company profile's number of
workers and legal form answer the screening questions PRO-06 and PRO-07, and a facility a micro business cannot be
expected to have (a lactation room: Decree 145/2020 art. 80(5) requires one only from 1,000 women workers) is not
asked below the threshold written in its `relevant` condition. See docs/reference-criteria.md, "Micro and household
businesses"."""

from __future__ import annotations

import shutil

import pytest

from accreditation.self_assessment import best_answer, profile_answers
from apptest import data_dir, goto, sign_in  # noqa: F401 - data_dir is a fixture
from criteria.datafiles import default_criteria
from criteria.errors import CriteriaLoadError
from criteria.loader import load_criteria
from criteria.paths import award_dir
from scoring.engine import assess
from tables import md_criteria

MICRO_MAX = 10  # the threshold in FAM-02's condition (Decree 80/2021/ND-CP art. 5(1): micro = at most 10 workers)


@pytest.fixture(scope="module")
def criteria():
    return default_criteria()


def all_best(criteria, screening: dict) -> dict:
    """The screening answers given, no minors, and every other question answered at its best where it is asked."""
    answers = {"PRO-01": "no", "PRO-03": "no", "PRO-04": "no", "PRO-05": "handicraft", **screening}
    for ind in criteria.indicators:
        if ind.weight > 0 and ind.id not in answers:
            answers[ind.id] = best_answer(criteria, ind)
    return answers


def asked(result, indicator_id: str) -> bool:
    return result.indicator(indicator_id).status != "hidden"


def test_the_profile_answers_the_screening_questions(criteria):
    assert profile_answers(criteria, {"size": 5, "legal_form": "household", "sector": "handicraft"}) == {
        "PRO-05": "handicraft", "PRO-06": 5, "PRO-07": "household"}
    # a profile without them, or with values the questions cannot take, answers nothing: the question is asked
    assert profile_answers(criteria, {"size": None, "legal_form": None}) == {}
    assert profile_answers(criteria, {"size": -3, "legal_form": "company"}) == {}
    assert profile_answers(criteria, {"size": 0, "legal_form": "cooperative_group"}) == {
        "PRO-06": 0, "PRO-07": "cooperative_group"}


def test_a_five_person_household_is_not_asked_for_a_lactation_room_and_reaches_champion(criteria):
    screening = profile_answers(criteria, {"size": 5, "legal_form": "household"})
    answers = all_best(criteria, screening)
    del answers["FAM-02"]
    result = assess(criteria, answers)
    assert not asked(result, "FAM-02")
    assert result.tier == "champion" and result.complete
    assert result.sections["FAM"] == 100.0
    # childcare support is still asked: every employer owes help towards childcare fees (Labour Code 2019 art.
    # 136(4), Decree 145/2020 art. 82), and an allowance in money or kind is within reach of a 5-person workshop
    assert asked(result, "FAM-03")


def test_without_the_route_the_missing_room_keeps_a_workshop_from_champion(criteria):
    """The issue's case: no room (it cannot have one) and no childcare support. The family-friendly section is 70
    when the room is asked, below champion's floor of 75; for a micro business the room is not asked and the
    same answers give 82.4."""
    answers = all_best(criteria, {"PRO-07": "household"})
    answers.update({"FAM-02": "no", "FAM-03": "no"})
    larger = assess(criteria, {**answers, "PRO-06": 300})
    assert asked(larger, "FAM-02") and larger.sections["FAM"] == 70.0 and larger.tier == "pioneer"
    micro = assess(criteria, {**answers, "PRO-06": 5})
    assert not asked(micro, "FAM-02") and micro.sections["FAM"] == 82.4 and micro.tier == "champion"


def test_a_300_person_enterprise_is_still_asked(criteria):
    screening = profile_answers(criteria, {"size": 300, "legal_form": "enterprise"})
    result = assess(criteria, all_best(criteria, screening))
    assert asked(result, "FAM-02") and asked(result, "FAM-03")
    assert result.indicator("FAM-02").max_points == 15


@pytest.mark.parametrize("workers, is_asked", [
    (0, False),  # the owner alone
    (MICRO_MAX - 1, False),
    (MICRO_MAX, False),  # "at most 10" is micro
    (MICRO_MAX + 1, True),
    (None, True),  # the number not given yet: everything is asked
])
def test_the_boundary(criteria, workers, is_asked):
    answers = {"PRO-01": "no"} if workers is None else {"PRO-01": "no", "PRO-06": workers}
    assert asked(assess(criteria, answers), "FAM-02") is is_asked


@pytest.mark.parametrize("legal_form", ["enterprise", "cooperative", "cooperative_group", "household"])
def test_the_legal_form_alone_changes_nothing(criteria, legal_form):
    """The Labour Code binds every employer alike, a household that hires included (art. 3(2)): the route follows
    the number of workers, not the legal form."""
    for workers, is_asked in ((5, False), (50, True)):
        result = assess(criteria, {"PRO-06": workers, "PRO-07": legal_form})
        assert asked(result, "FAM-02") is is_asked


def test_a_section_whose_questions_all_drop_out_does_not_block_the_top_band():
    criteria = md_criteria("""
| sections |
|          | id | weight | label::vi | label::en |
|          | P  | 0      | Hồ sơ     | Profile   |
|          | S1 | 80     | Phần 1    | Part 1    |
|          | S2 | 20     | Phần 2    | Part 2    |
| indicators |
|            | id | section | type           | weight | relevant                | label::vi | label::en | remediation::vi | remediation::en | reference |
|            | N  | P       | integer        | 0      |                         | Số người  | Workers   |                 |                 |           |
|            | A  | S1      | select_one ypn | 100    |                         | Câu A     | Q A       | Sửa A           | Fix A           | ILO-IOE   |
|            | R  | S2      | select_one ypn | 100    | not (${N} <= 10)        | Phòng     | Room      | Sửa R           | Fix R           | Decree    |
""")
    micro = assess(criteria, {"N": 5, "A": "yes"})
    assert micro.sections["S2"] is None and micro.total == 100.0 and micro.tier == "gold"
    larger = assess(criteria, {"N": 11, "A": "yes", "R": "no"})
    assert larger.sections["S2"] == 0.0 and larger.tier == "bronze"  # S2 below gold's floor of 60


@pytest.fixture
def award_copy(tmp_path):
    target = tmp_path / "award"
    shutil.copytree(award_dir(), target)
    return target


def row_of(folder, indicator_id: str) -> int:
    lines = (folder / "indicators.csv").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(f"{indicator_id},"))


@pytest.mark.parametrize("threshold, en, vi", [
    ("'ten'", "`ten` is not a whole number", "`ten` không phải là số nguyên"),
    ("10.5", "`10.5` is not a whole number", "`10.5` không phải là số nguyên"),
    ("-1", "`-1` is outside the allowed range (0 to ∞)", "`-1` nằm ngoài khoảng cho phép (0 đến ∞)"),
])
def test_a_bad_threshold_is_a_load_error_naming_file_row_and_column(award_copy, threshold, en, vi):
    file = award_copy / "indicators.csv"
    text = file.read_text(encoding="utf-8")
    assert "not (${PRO-06} <= 10)" in text
    file.write_text(text.replace("not (${PRO-06} <= 10)", f"not (${{PRO-06}} <= {threshold})"), encoding="utf-8")
    with pytest.raises(CriteriaLoadError) as info:
        load_criteria(award_copy)
    row = row_of(award_copy, "FAM-02")
    assert info.value.messages("en") == [f"[indicators.csv, row {row}, column `relevant`] {en}"]
    assert info.value.messages("vi") == [f"[indicators.csv, dòng {row}, cột `relevant`] {vi}"]


def test_a_misspelt_legal_form_in_a_condition_is_a_load_error(award_copy):
    file = award_copy / "indicators.csv"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("not (${PRO-06} <= 10)", "${PRO-07} != 'houshold'"), encoding="utf-8")
    with pytest.raises(CriteriaLoadError) as info:
        load_criteria(award_copy)
    assert info.value.messages("en") == [
        f"[indicators.csv, row {row_of(award_copy, 'FAM-02')}, column `relevant`] `houshold` is not valid; "
        "expected one of: enterprise, cooperative, cooperative_group, household"]


# --------------------------------------------------------------------------------------------- the profile page


def test_the_profile_page_saves_the_legal_form_and_the_draft_follows(data_dir):
    from accreditation import workflow
    from accreditation.store.db import open_db

    at = goto(sign_in("sme@demo.vn"), "questionnaire")  # a draft exists
    at = goto(at, "profile")
    next(s for s in at.selectbox if s.label == "Loại hình").select("household")
    next(n for n in at.number_input if n.label == "Số lao động").set_value(5)
    next(b for b in at.button if b.label == "Lưu hồ sơ").click().run()
    assert not at.exception and not at.error
    db = open_db(data_dir / "accreditation.db")
    org = db["organisations"].get(1)
    assert (org["legal_form"], org["size"]) == ("household", 5)
    draft = workflow.latest(db, org["id"])
    answers = workflow.answer_set(db, draft["id"]).values
    assert (answers["PRO-06"], answers["PRO-07"]) == (5, "household")
    result = workflow.evaluate(db, draft["id"], default_criteria())
    assert result.indicator("FAM-02").status == "hidden"
    # shown again when the page is opened
    at = goto(at, "profile")
    assert next(s for s in at.selectbox if s.label == "Loại hình").value == "household"
