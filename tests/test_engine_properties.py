"""Properties of the engine over the shipped reference criteria, for any answers a company might give."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from criteria.datafiles import default_criteria
from scoring.engine import assess
from scoring.result import DerivedAnswers

C = default_criteria()
SCORED = [i for i in C.indicators if i.weight > 0]


def choices(ind, include_na=True):
    return [ch for ch in C.choices_for(ind).choices if include_na or not ch.na]


def allowed(ind):
    return [ch.name for ch in choices(ind) if not (ch.na and not ind.na_allowed)]


def answer(ind):
    """Any valid answer to one question, or none (left blank); N/A only where allowed."""
    if ind.kind == "integer":
        return st.one_of(st.none(), st.integers(0, 5000))
    if ind.kind == "text":
        return st.one_of(st.none(), st.text(max_size=20))
    if ind.kind == "select_multiple":
        names = [ch.name for ch in choices(ind, include_na=False)]
        return st.one_of(st.none(), st.lists(st.sampled_from(names), unique=True, min_size=1))
    return st.one_of(st.none(), st.sampled_from(allowed(ind)))


def answer_sets():
    """Any valid answers: every question answered, left blank, N/A where allowed, gates either way. The
    strategies are built once (building them for every example cost most of the run)."""
    return ANSWER_SETS


ANSWER_SETS = st.fixed_dictionaries({ind.id: answer(ind) for ind in C.indicators}).map(
    lambda drawn: {k: v for k, v in drawn.items() if v is not None})


def best_answers():
    answers = {}
    for ind in C.indicators:
        if ind.weight > 0:
            answers[ind.id] = max((ch for ch in choices(ind, False)), key=lambda ch: ch.score).name
    answers.update({"PRO-01": "yes", "PRO-02": "yes", "PRO-03": "yes", "PRO-04": "yes"})
    return answers


FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(answer_sets())
def test_total_and_sections_stay_between_0_and_100(answers):
    r = assess(C, answers)
    assert 0.0 <= r.total <= 100.0
    assert all(s is None or 0.0 <= s <= 100.0 for s in r.sections.values())


@FAST
@given(answer_sets(), st.data())
def test_a_better_answer_never_lowers_the_total_or_a_section(answers, data):
    ind = data.draw(st.sampled_from([i for i in SCORED if i.kind == "select_one"]))
    scored = sorted((ch for ch in choices(ind, include_na=False)), key=lambda ch: ch.score)
    low, high = sorted(data.draw(st.lists(st.sampled_from(scored), min_size=2, max_size=2)), key=lambda ch: ch.score)
    worse = assess(C, {**answers, ind.id: low.name})
    better = assess(C, {**answers, ind.id: high.name})
    assert better.total >= worse.total
    for sid, score in worse.sections.items():
        assert score is None or better.sections[sid] >= score


@FAST
@given(answer_sets(), st.data())
def test_any_knockout_makes_the_company_not_eligible(answers, data):
    ind = data.draw(st.sampled_from([i for i in C.indicators if i.critical]))
    knockout = next(ch.name for ch in choices(ind) if ch.knockout)
    r = assess(C, {**answers, ind.id: knockout})
    assert ind.id in r.knockouts and r.tier is None and not r.eligible


@FAST
@given(answer_sets())
def test_a_knockout_from_the_roster_overrides_any_declared_answer(answers):
    roster = DerivedAnswers(source="roster", values={"roster.minimum_age": "found"})
    r = assess(C, answers, [roster])
    assert "YW-01" in r.knockouts and not r.eligible


def test_all_best_answers_reach_the_top_tier():
    r = assess(C, best_answers())
    assert (r.total, r.tier, r.knockouts, r.complete) == (100.0, C.top_band().id, [], True)
    assert all(s == 100.0 for s in r.sections.values() if s is not None)
    assert r.remediation == []
