"""What the company's pages show beside the Result, computed here so that pages only display: progress counts
(one rule for every count a person reads), answers the company profile already gives, and the way to the next
tier. Scores come from the engine only; nothing here adds points up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from criteria.schema import Band, Criteria, Indicator
from scoring.answers import AnswerSet
from scoring.engine import assess
from scoring.result import Action, DerivedAnswers, Result

PRIORITY_RANK = {"critical": 0, "major": 1, "minor": 2}

# A profile field answers the questions asked on the same choice list (the profile's sector uses the criteria's
# "sector" list). Which questions those are comes from the criteria, so a renamed or added question follows.
PROFILE_LISTS = {"sector": "sector"}
# A question whose `derived_from` is `profile.<field>` (criteria/derivations.csv) is answered by that column of the
# company profile: `profile.size` (the number of people working) and `profile.legal_form`, the screening values
# the micro route's conditions read (docs/reference-criteria.md, "Micro and household businesses").
PROFILE_DERIVATION = "profile."


@dataclass(frozen=True)
class Progress:
    """Questions shown (not hidden by skip logic) and how many have an answer (a derived one or "not applicable"
    counts). Every count on the pages comes from here, so "12/44" and "32 left" always agree."""

    answered: int
    asked: int

    @property
    def remaining(self) -> int:
        return self.asked - self.answered

    @property
    def share(self) -> float:
        return self.answered / self.asked if self.asked else 0.0


def progress(result: Result, section_id: str | None = None) -> Progress:
    shown = [i for i in result.indicators if i.status != "hidden" and (section_id is None or i.section == section_id)]
    return Progress(sum(1 for i in shown if i.status in ("answered", "na")), len(shown))


def profile_questions(criteria: Criteria) -> dict[str, list[Indicator]]:
    """Profile field -> the questions it answers (single choice on the field's list, or `profile.<field>`)."""
    found: dict[str, list[Indicator]] = {}
    for profile_field, list_name in PROFILE_LISTS.items():
        found[profile_field] = [i for i in criteria.indicators
                                if i.kind == "select_one" and i.list_name == list_name and not i.derived_from]
    for indicator in criteria.indicators:
        if indicator.derived_from.startswith(PROFILE_DERIVATION) and indicator.kind in ("select_one", "integer"):
            found.setdefault(indicator.derived_from[len(PROFILE_DERIVATION):], []).append(indicator)
    return found


def profile_answers(criteria: Criteria, org: Mapping[str, Any]) -> dict[str, Any]:
    """The answers the company profile gives: the profile's sector answers the sector question, its number of
    workers and legal form the screening questions, so nobody is asked twice. A profile field left empty, or a
    value the question cannot take (a choice the list does not know, a negative count), answers nothing (the
    question is then asked as usual)."""
    answers: dict[str, Any] = {}
    for profile_field, questions in profile_questions(criteria).items():
        value = org.get(profile_field)
        for indicator in questions:
            if indicator.kind == "integer":
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    answers[indicator.id] = value
                continue
            clist = criteria.choices_for(indicator)
            if value and clist and clist.get(value) is not None:
                answers[indicator.id] = value
    return answers


# --- the next tier -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One remediation action and what fixing it adds to the total, as the engine scores it."""

    action: Action
    gain: float
    clears_knockout: bool = False


@dataclass(frozen=True)
class Outlook:
    """Where the company stands and what lifts it to the next tier."""

    current: Band | None  # None: not eligible (a knock-out, a blocking finding, or below the first band)
    next: Band | None  # None: already at the top band
    total: float
    lowest_section: float | None
    points_short: float  # total points still missing for the next band (0 if the total is already enough)
    sections_short: list[str] = field(default_factory=list)  # sections below the next band's floor
    steps: list[Step] = field(default_factory=list)
    total_after: float | None = None  # with every step done, as the engine scores it
    tier_after: str | None = None
    knockouts: list[str] = field(default_factory=list)
    remaining: int = 0  # questions not answered yet (they count as zero)


def best_answer(criteria: Criteria, indicator: Indicator) -> Any:
    """The answer that earns the most: the top-scoring choice, or every positive choice of a multiple choice."""
    clist = criteria.choices_for(indicator)
    if clist is None:
        return None
    usable = [c for c in clist.choices if not c.na and not c.knockout]
    if not usable:
        return None
    if indicator.kind == "select_multiple":
        return [c.name for c in usable if (c.score or 0) > 0] or None
    return max(usable, key=lambda c: c.score or 0.0).name


def _next_band(criteria: Criteria, tier: str | None) -> Band | None:
    ids = [b.id for b in criteria.bands]
    if tier is None:
        return criteria.bands[0] if criteria.bands else None
    at = ids.index(tier) if tier in ids else -1
    return criteria.bands[at + 1] if at + 1 < len(criteria.bands) else None


def tier_outlook(criteria: Criteria, result: Result, answers: AnswerSet | Mapping[str, Any],
                 derived: Iterable[DerivedAnswers] = (), reviewed: Mapping[str, Any] | None = None,
                 limit: int = 3) -> Outlook:
    """The few remediation actions that add the most to the total (each scored by the engine with that answer
    at its best), knock-outs first; and what the engine gives with all of them done. `answers`, `derived` and
    `reviewed` must be the inputs `result` was scored from."""
    derived = list(derived)
    reviewed = dict(reviewed or {})
    current = criteria.band(result.tier)
    target = _next_band(criteria, result.tier)
    scored = [s for s in result.sections.values() if s is not None]
    lowest = min(scored) if scored else None
    remaining = progress(result).remaining
    if target is None:
        return Outlook(current, None, result.total, lowest, 0.0, knockouts=list(result.knockouts),
                       remaining=remaining)
    short = [sid for sid, s in result.sections.items() if s is not None and s < target.min_section]
    by_id = {i.id: i for i in criteria.indicators}
    steps: list[Step] = []
    seen: set[str] = set()
    for action in result.remediation:
        ind = by_id.get(action.indicator or "")
        if ind is None or ind.id in seen:
            continue
        seen.add(ind.id)
        best = best_answer(criteria, ind)
        if best is None:
            continue
        what_if = assess(criteria, answers, derived, {**reviewed, ind.id: best})
        gain = round(what_if.total - result.total, 1)
        clears = ind.id in result.knockouts and ind.id not in what_if.knockouts
        if gain > 0 or clears:
            steps.append(Step(action, gain, clears))
    steps.sort(key=lambda s: (not s.clears_knockout, -s.gain, PRIORITY_RANK.get(s.action.priority, 9)))
    steps = steps[:limit]
    total_after = tier_after = None
    if steps:
        fixes = {s.action.indicator: best_answer(criteria, by_id[s.action.indicator]) for s in steps}
        after = assess(criteria, answers, derived, {**reviewed, **fixes})
        total_after, tier_after = after.total, after.tier
    return Outlook(current, target, result.total, lowest, max(0.0, round(target.min_total - result.total, 1)),
                   short, steps, total_after, tier_after, list(result.knockouts), remaining)


def sync_profile_answers(db, actor, assessment: Mapping[str, Any], criteria: Criteria,
                         org: Mapping[str, Any]) -> Result | None:
    """Save the answers the profile gives into an editable assessment (the profile wins: it is where the company
    keeps them). The new result, or None when nothing changed."""
    from accreditation import workflow

    if assessment["status"] not in workflow.EDITABLE:
        return None
    stored = workflow.answer_set(db, assessment["id"]).values
    given = profile_answers(criteria, org)
    changed = {k: v for k, v in given.items() if stored.get(k) != v}
    return workflow.save_answers(db, actor, assessment["id"], changed, criteria) if changed else None
