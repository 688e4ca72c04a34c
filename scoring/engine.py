"""The scoring engine: answers (declared and derived) -> indicator points -> section scores -> total, tier or
knock-outs, remediation. Pure: no I/O. The criteria are compiled once into a flat plan for speed.

`assess` runs one step per idea: `_merge` (declared answers, overridden by the checks' derived answers, overridden
by an assessor's review), `_walk` (the plan, question by question), `_scores`, `_tier` and `_remediation`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from criteria.schema import Criteria, Indicator, Text
from scoring.answers import AnswerSet, bad_choice, bad_type, not_applicable_refused, unknown_indicator
from scoring.result import (
    Action,
    Conflict,
    DerivedAnswers,
    IndicatorResult,
    Result,
)

PRIORITY_RANK = {"critical": 0, "major": 1, "minor": 2}
_ONE, _MULTI, _INT, _TEXT = 0, 1, 2, 3
_KINDS = {"select_one": _ONE, "select_multiple": _MULTI, "integer": _INT, "text": _TEXT}


@dataclass(frozen=True, slots=True)
class _Step:
    ind: Indicator
    id: str
    section: int
    kind: int
    weight: float
    critical: bool
    na_allowed: bool
    evidence: str
    relevant: Callable[[Mapping[str, Any]], bool] | None
    choices: dict[str, tuple[float | None, bool, bool]]  # name -> (score, na, knockout)
    single: dict[str, tuple[float | None, bool]]  # select_one fast path: name -> (ratio or None for N/A, knockout)


@dataclass(frozen=True, slots=True)
class _Plan:
    steps: tuple[_Step, ...]
    ids: frozenset[str]
    section_ids: tuple[str, ...]
    section_weights: tuple[float, ...]
    derived: dict[str, tuple[str, ...]]  # derivation key -> indicator ids
    choice_labels: dict[tuple[str, str], Text]
    hidden: dict[str, IndicatorResult]  # results that do not depend on the answer, shared (they are frozen)
    unanswered: dict[str, IndicatorResult]
    answered: dict[tuple, IndicatorResult]  # (id, answer, source, evidence) -> result; filled on first use
    actions: dict[tuple[str, tuple[str, ...], bool], Action]  # filled on first use; Actions are frozen


def _compile(criteria: Criteria) -> _Plan:
    section_ids = tuple(s.id for s in criteria.sections)
    index = {sid: n for n, sid in enumerate(section_ids)}
    steps = []
    derived: dict[str, list[str]] = {}
    labels: dict[tuple[str, str], Text] = {}
    for ind in criteria.indicators:
        clist = criteria.choices_for(ind)
        choices = {c.name: (c.score, c.na, c.knockout) for c in clist.choices} if clist else {}
        if clist:
            for c in clist.choices:
                labels[(ind.id, c.name)] = c.label
        cond = criteria.conditions.get(ind.id)
        single = {}
        if ind.kind == "select_one":  # N/A where refused is left out, so it takes the checked slow path
            single = {name: (None if na else (score or 0.0) / 100.0, bool(ko and ind.critical))
                      for name, (score, na, ko) in choices.items() if not (na and not ind.na_allowed)}
        steps.append(_Step(ind, ind.id, index[ind.section], _KINDS[ind.kind], ind.weight, ind.critical,
                           ind.na_allowed, ind.evidence, cond.predicate if cond else None, choices, single))
        if ind.derived_from:
            derived.setdefault(ind.derived_from, []).append(ind.id)
    hidden = {s.id: IndicatorResult(id=s.id, section=section_ids[s.section], status="hidden") for s in steps}
    unanswered = {s.id: IndicatorResult(id=s.id, section=section_ids[s.section], status="unanswered",
                                        max_points=s.weight) for s in steps}
    return _Plan(tuple(steps), frozenset(s.id for s in steps), section_ids,
                 tuple(s.weight for s in criteria.sections), {k: tuple(v) for k, v in derived.items()}, labels,
                 hidden, unanswered, {}, {})


def plan_for(criteria: Criteria) -> _Plan:
    plan = criteria._plan
    if plan is None:
        plan = _compile(criteria)
        criteria._plan = plan  # a private attribute: allowed on the frozen model
    return plan


def _round(x: float) -> float:
    return round(x + 1e-9, 1)


def _ratio(step: _Step, value: Any) -> tuple[float | None, bool]:
    """(share of the weight earned or None for not applicable, knockout) for a select answer; raises AnswerError."""
    choices = step.choices
    if step.kind == _ONE:
        if isinstance(value, list) or value not in choices:
            raise bad_choice(step.id, value, list(choices))
        score, na, knockout = choices[value]
        if na:
            if not step.na_allowed:
                raise not_applicable_refused(step.id)
            return None, False
        return (score or 0.0) / 100.0, knockout and step.critical
    if not isinstance(value, list):
        value = [value]
    total = 0.0
    knockout = False
    for v in value:
        if v not in choices:
            raise bad_choice(step.id, v, list(choices))
        score, na, ko = choices[v]
        if na:
            if len(value) > 1:
                raise bad_type(step.id, value, "\"không áp dụng\" đứng một mình", "\"not applicable\" on its own")
            if not step.na_allowed:
                raise not_applicable_refused(step.id)
            return None, False
        total += score or 0.0
        knockout = knockout or (ko and step.critical)
    return min(total, 100.0) / 100.0, knockout


def _check_plain(step: _Step, value: Any) -> None:
    if step.kind == _INT:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0:
            raise bad_type(step.id, value, "một số nguyên không âm", "a whole number of 0 or more")
    elif step.kind == _TEXT and not isinstance(value, str):
        raise bad_type(step.id, value, "một đoạn văn bản", "text")
    elif step.kind in (_ONE, _MULTI):
        _ratio(step, value)


def assess(criteria: Criteria, answers: AnswerSet | Mapping[str, Any],
           derived: Iterable[DerivedAnswers] = (), reviewed: Mapping[str, Any] | None = None) -> Result:
    """Score one assessment. `answers` is an AnswerSet or a plain {indicator id: value} mapping; `derived` are the
    answers supplied by the roster and supplier checks, which take precedence over declared ones; `reviewed` are
    an assessor's adjustments, which take precedence over both (what was seen on site beats an uploaded file)."""
    plan = plan_for(criteria)
    merged = _merge(plan, answers, derived, reviewed)
    walk = _walk(plan, merged)
    sections, total = _scores(plan, walk.num, walk.den)
    blocked = any(a.blocks for a in merged.actions)
    tier = None if walk.knockouts or blocked else _tier(criteria, sections, total)
    return Result.model_validate({  # one validation pass for the whole result
        "criteria_id": criteria.settings.criteria_id,
        "criteria_version": criteria.settings.version,
        "criteria_fingerprint": criteria.fingerprint,
        "total": total,
        "tier": tier,
        "eligible": tier is not None,
        "knockouts": walk.knockouts,
        "blocked": blocked,
        "sections": sections,
        "indicators": walk.results,
        "remediation": _remediation(criteria, plan, walk.below_best, merged.actions),
        "unanswered": walk.unanswered,
        "complete": not walk.unanswered,
        "evidence": {"evidenced": walk.evidenced, "derived": walk.derived, "self_declared": walk.declared,
                     "missing_required": walk.missing_required},
        "conflicts": merged.conflicts,
    })


@dataclass(slots=True)
class _Merged:
    """The answers to score: declared, overridden by the checks' derived answers, overridden by the review."""

    values: dict[str, Any]
    provenance: dict[str, str]  # indicator id -> source, where not the company's own answer
    evidence: Mapping[str, list[str]]
    conflicts: list[Conflict]
    actions: list[Action]  # the checks' remediation actions


def _merge(plan: _Plan, answers: AnswerSet | Mapping[str, Any], derived: Iterable[DerivedAnswers],
           reviewed: Mapping[str, Any] | None) -> _Merged:
    if isinstance(answers, AnswerSet):
        declared, evidence = answers.values, answers.evidence
    else:
        declared, evidence = answers, {}
    for key in declared:
        if key not in plan.ids:
            raise unknown_indicator(key)
    merged = _Merged(dict(declared), {}, evidence, [], [])
    values, provenance = merged.values, merged.provenance
    for d in derived:
        merged.actions.extend(d.actions)
        for key, value in d.values.items():
            for ind_id in plan.derived.get(key, ()):
                before = declared.get(ind_id)
                if before is not None and before != value:
                    merged.conflicts.append(Conflict(indicator=ind_id, declared=before, derived=value,
                                                     source=d.source))
                values[ind_id] = value
                provenance[ind_id] = d.source
    for ind_id, value in (reviewed or {}).items():
        if ind_id not in plan.ids:
            raise unknown_indicator(ind_id)
        values[ind_id] = value
        provenance[ind_id] = "review"
    return merged


@dataclass(slots=True)
class _Walk:
    """What walking the plan gathers: indicator results, section sums and what falls short."""

    results: list[IndicatorResult]
    num: list[float]  # points earned per section
    den: list[float]  # points applicable per section
    knockouts: list[str]
    unanswered: list[str]
    below_best: list[tuple[_Step, Any, bool]]  # (step, answer, knockout): each becomes a remediation action
    evidenced: int
    derived: int
    declared: int
    missing_required: list[str]


def _walk(plan: _Plan, merged: _Merged) -> _Walk:
    """Score each question in criteria order: a hidden one (its condition is false on the answers so far) is
    skipped, an unanswered one counts against its section. The hot loop of the engine: names are bound locally."""
    nsec = len(plan.section_ids)
    num = [0.0] * nsec
    den = [0.0] * nsec
    visible: dict[str, Any] = {}
    results: list[Any] = []
    knockouts: list[str] = []
    unanswered: list[str] = []
    below_best: list[tuple[_Step, Any, bool]] = []
    n_evidenced = n_derived = n_declared = 0
    missing_required: list[str] = []
    cache = plan.answered
    evidence = merged.evidence
    hidden, not_answered, get_value, get_source = plan.hidden, plan.unanswered, merged.values.get, \
        merged.provenance.get
    add = results.append

    for step in plan.steps:
        sid = step.id
        relevant = step.relevant
        if relevant is not None and not relevant(visible):
            add(hidden[sid])
            continue
        value = get_value(sid)
        weight = step.weight
        if value is None or value == "" or value == []:
            if weight > 0:
                den[step.section] += weight
                unanswered.append(sid)
            add(not_answered[sid])
            continue
        visible[sid] = value
        source = get_source(sid, "answers")
        if weight <= 0:
            _check_plain(step, value)
            add(_answered(cache, plan, step, value, source, "not_expected", None))
            continue
        is_text = value.__class__ is str
        fast = step.single.get(value) if is_text else None
        ratio, knockout = fast if fast is not None else _ratio(step, value)
        if ratio is None:
            add(_answered(cache, plan, step, value, source, "not_expected", None, "na"))
            continue
        num[step.section] += weight * ratio
        den[step.section] += weight
        if knockout:
            knockouts.append(sid)
        if ratio < 1.0 or knockout:
            below_best.append((step, value, knockout))
        if source != "answers":
            ev_status = "derived"
            n_derived += 1
        elif step.evidence == "none":
            ev_status = "not_expected"
        elif evidence.get(sid):
            ev_status = "evidenced"
            n_evidenced += 1
        else:
            ev_status = "missing" if step.evidence == "required" else "self_declared"
            n_declared += 1
            if ev_status == "missing":
                missing_required.append(sid)
        hit = cache.get((sid, value, source, ev_status, "answered")) if is_text else None
        add(hit if hit is not None else _answered(cache, plan, step, value, source, ev_status, (ratio, knockout)))
    return _Walk(results, num, den, knockouts, unanswered, below_best, n_evidenced, n_derived, n_declared,
                 missing_required)


def _scores(plan: _Plan, num: list[float], den: list[float]) -> tuple[dict[str, float | None], float]:
    """Section scores (None: nothing applicable) and the total, weighted by section over the scored sections."""
    sections: dict[str, float | None] = {}
    weighted = 0.0
    weight_sum = 0.0
    for n, sid in enumerate(plan.section_ids):
        if den[n] > 0 and plan.section_weights[n] > 0:
            score = 100.0 * num[n] / den[n]
            sections[sid] = _round(score)
            weighted += plan.section_weights[n] * score
            weight_sum += plan.section_weights[n]
        else:
            sections[sid] = None
    return sections, _round(weighted / weight_sum) if weight_sum else 0.0


def _tier(criteria: Criteria, sections: Mapping[str, float | None], total: float) -> str | None:
    """The highest band whose total and lowest-section floors are both met (no knock-out, nothing blocking)."""
    scored = [s for s in sections.values() if s is not None]
    lowest = min(scored) if scored else 0.0
    tier = None
    for band in criteria.bands:  # ascending
        if total >= band.min_total and lowest >= band.min_section:
            tier = band.id
    return tier


def _remediation(criteria: Criteria, plan: _Plan, below_best: list[tuple[_Step, Any, bool]],
                 check_actions: list[Action]) -> list[Action]:
    """One action per answer below the best, then the checks' actions; by priority (a stable sort: criteria order,
    then the checks' order)."""
    remediation = []
    for step, value, knockout in below_best:
        key = (step.id, tuple(value) if isinstance(value, list) else (value,), knockout)
        action = plan.actions.get(key)
        if action is None:
            action = plan.actions[key] = _indicator_action(criteria, plan, step, value, knockout)
        remediation.append(action)
    remediation.extend(check_actions)
    remediation.sort(key=lambda a: PRIORITY_RANK[a.priority])
    return remediation


def _answered(cache: dict, plan: _Plan, step: _Step, value: Any, source: str, evidence: str,
              scored: tuple[float, bool] | None, status: str = "answered") -> IndicatorResult:
    """The result of an answered question. Choice answers repeat, so their (frozen) results are shared."""
    key = None
    if step.kind in (_ONE, _MULTI):
        key = (step.id, tuple(value) if isinstance(value, list) else value, source, evidence, status)
        hit = cache.get(key)
        if hit is not None:
            return hit
    ratio, knockout = scored if scored else (0.0, False)
    result = IndicatorResult(id=step.id, section=plan.section_ids[step.section], status=status, answer=value,
                             source=source, points=step.weight * ratio if scored else 0.0,
                             max_points=step.weight if scored else 0.0, knockout=knockout, evidence=evidence)
    if key is not None:
        cache[key] = result
    return result


def _indicator_action(criteria: Criteria, plan: _Plan, step: _Step, value: Any, knockout: bool) -> Action:
    ind = step.ind
    priority = "critical" if knockout else ind.priority
    answers = value if isinstance(value, list) else [value]
    labels = [plan.choice_labels.get((ind.id, v), Text(vi=str(v), en=str(v))) for v in answers]
    finding = Text(vi=f"{ind.label.vi} — Trả lời: {'; '.join(t.vi for t in labels)}",
                   en=f"{ind.label.en} — Answer: {'; '.join(t.en for t in labels)}")
    level = criteria.priorities.get(priority)
    return Action(priority=priority, source="answers", indicator=ind.id, finding=finding, action=ind.remediation,
                  legal_basis=ind.legal_basis, responsible=ind.responsible, evidence=ind.evidence_hint,
                  deadline_days=level.deadline_days if level else None)


def validate_answers(criteria: Criteria, answers: AnswerSet | Mapping[str, Any]) -> None:
    """Check every given answer against its question (type and choices), visible or not; raise AnswerError."""
    plan = plan_for(criteria)
    values = answers.values if isinstance(answers, AnswerSet) else answers
    by_id = {s.id: s for s in plan.steps}
    for key, value in values.items():
        step = by_id.get(key)
        if step is None:
            raise unknown_indicator(key)
        if value is None or value == "" or value == []:
            continue
        _check_plain(step, value)
