"""accreditation.self_assessment: progress counts, answers the profile gives, and the way to the next tier (every
score from the engine); accreditation.ui.common.page_message: how a library message reads on a page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accreditation.self_assessment import (
    best_answer,
    profile_answers,
    progress,
    tier_outlook,
)
from accreditation.ui.common import page_message
from criteria.datafiles import default_criteria
from scoring.engine import assess

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name: str) -> dict:
    data = json.loads((EXAMPLES / f"{name}.json").read_text("utf-8"))
    return {k: v["value"] if isinstance(v, dict) else v for k, v in data["answers"].items()}


@pytest.fixture(scope="module")
def criteria():
    return default_criteria()


def test_progress_counts_every_shown_question_and_what_is_left_agrees(criteria):
    result = assess(criteria, {})
    p = progress(result)
    shown = [i for i in result.indicators if i.status != "hidden"]
    assert (p.answered, p.asked, p.remaining) == (0, len(shown), len(shown))
    result = assess(criteria, {"PRO-01": "no", "POL-01": "yes"})
    p = progress(result)
    assert p.answered == 2 and p.answered + p.remaining == p.asked
    assert progress(result, "POL").answered == 1


@pytest.mark.parametrize("sector, expected", [
    ("garment", {"PRO-05": "garment"}),
    ("wood", {"PRO-05": "wood"}),
    (None, {}),  # no sector in the profile: the question is asked as usual
    ("", {}),
    ("spaceships", {}),  # not a choice of the list: asked as usual
])
def test_the_profile_sector_answers_the_sector_question(criteria, sector, expected):
    assert profile_answers(criteria, {"sector": sector}) == expected


def test_best_answer_is_the_top_scoring_choice(criteria):
    indicator = next(i for i in criteria.indicators if i.id == "YW-01")
    best = best_answer(criteria, indicator)
    clist = criteria.choices_for(indicator)
    assert clist.get(best).score == max(c.score or 0 for c in clist.choices if not c.na)
    assert not clist.get(best).knockout


def test_the_outlook_ranks_actions_by_what_the_engine_adds(criteria):
    answers = example("middling")
    result = assess(criteria, answers)
    outlook = tier_outlook(criteria, result, answers)
    assert outlook.current.id == result.tier and outlook.next is not None
    assert outlook.points_short == pytest.approx(max(0, outlook.next.min_total - result.total), abs=0.05)
    assert 0 < len(outlook.steps) <= 3
    gains = [s.gain for s in outlook.steps]
    assert gains == sorted(gains, reverse=True)
    for step in outlook.steps:  # each gain is the engine's, with that answer at its best
        ind = next(i for i in criteria.indicators if i.id == step.action.indicator)
        fixed = assess(criteria, {**answers, ind.id: best_answer(criteria, ind)})
        assert step.gain == pytest.approx(fixed.total - result.total, abs=0.05)
    assert outlook.total_after > result.total


def test_a_knockout_comes_first_in_the_outlook(criteria):
    answers = example("failing")
    result = assess(criteria, answers)
    assert result.knockouts
    outlook = tier_outlook(criteria, result, answers)
    assert outlook.current is None and outlook.next.id == criteria.bands[0].id
    assert outlook.steps[0].clears_knockout and outlook.steps[0].action.indicator in result.knockouts


def test_at_the_top_band_there_is_no_next_tier(criteria):
    answers = example("strong")
    result = assess(criteria, answers)
    outlook = tier_outlook(criteria, result, answers)
    assert result.tier == criteria.bands[-1].id and outlook.next is None and not outlook.steps


@pytest.mark.parametrize("message, shown", [
    ("e-mail hoặc mật khẩu không đúng", "E-mail hoặc mật khẩu không đúng"),
    ("đã có tài khoản với e-mail a@b.vn", "Đã có tài khoản với e-mail a@b.vn"),
    ("cần ghi lý do thu hồi (--reason)", "Cần ghi lý do thu hồi"),
    ("give a reason for the revocation (--reason)", "Give a reason for the revocation"),
    ("policy.pdf: tệp rỗng", "policy.pdf: tệp rỗng"),  # a file name leads: left as typed
    ("Already a sentence.", "Already a sentence."),
    ("`PRO-01`: bad", "`PRO-01`: bad"),
])
def test_a_page_message_starts_with_a_capital_and_names_no_cli_option(message, shown):
    assert page_message(message) == shown


def test_the_section_chart_is_a_plain_spec_with_every_scored_section_and_the_floors(criteria):
    from accreditation.ui.result_panel import section_chart_spec

    result = assess(criteria, example("middling"))
    spec = section_chart_spec(result, criteria)
    bars, floors = spec["layer"]
    assert [r["score"] for r in bars["data"]["values"]] == [s for s in result.sections.values() if s is not None]
    assert sorted(f["floor"] for f in floors["data"]["values"]) == sorted(
        b.min_section for b in criteria.bands if b.min_section > 0)
    nothing = result.model_copy(update={"sections": {k: None for k in result.sections}})
    assert section_chart_spec(nothing, criteria) is None  # no section applicable yet: no chart
