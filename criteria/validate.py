"""Validation, the third step of loading a criteria set: checks across sheets (an indicator's section, list,
condition and derivation; weights that add up; the tiers and priorities the rules need; the tiers and questions the
settings name). Each problem is a `LoadIssue` with file, row and column; conditions that parse are returned."""

from __future__ import annotations

from criteria.build import TIER_LIST_SETTINGS, Parts
from criteria.conditions import Condition, ConditionSyntaxError, Token, parse_condition, tokenize
from criteria.errors import ErrorCode, LoadIssue
from criteria.schema import ChoiceList, Indicator
from criteria.sheets import LANG_NAMES


def validate_parts(parts: Parts, issues: list[LoadIssue]) -> dict[str, Condition]:
    """Check the built sheets against each other; the parsed condition of each indicator that has one."""
    conditions = check_indicators(parts, issues)
    check_weights(parts, issues)
    check_bands_and_priorities(parts, issues)
    check_settings(parts, issues)
    return conditions


def check_indicators(parts: Parts, issues: list[LoadIssue]) -> dict[str, Condition]:
    label = parts.labels["indicators"]
    section_ids = {s.id for _, s in parts.sections}
    conditions = {}
    for row, ind in parts.indicators:
        here = _Here(issues, label, row)
        if ind.section not in section_ids:
            here.add(ErrorCode.UNKNOWN_REFERENCE, "section", value=ind.section, target="sections")
        clist = parts.lists.get(ind.list_name) if ind.list_name else None
        if ind.list_name and clist is None:
            here.add(ErrorCode.UNKNOWN_REFERENCE, "type", value=ind.list_name, target="choices (list_name)")
        _check_scoring(ind, clist, here)
        if ind.relevant:
            cond = _condition(ind, parts, here)
            if cond is not None:
                conditions[ind.id] = cond
        if ind.derived_from:
            _check_derivation(ind, clist, parts, here)
    return conditions


class _Here:
    """Issues about one row of one sheet."""

    def __init__(self, issues: list[LoadIssue], label: str, row: int | None):
        self.issues, self.label, self.row = issues, label, row

    def add(self, code: ErrorCode, column: str, /, **params: object) -> None:
        self.issues.append(LoadIssue(code, self.label, self.row, column, dict(params)))


def _check_scoring(ind: Indicator, clist: ChoiceList | None, here: _Here) -> None:
    """A scored question answers from a scored list; a critical one can knock out; both say how to fix them."""
    if ind.scored and (clist is None or not clist.scored):
        if clist is not None or ind.kind in ("integer", "text"):
            here.add(ErrorCode.SCORED_NEEDS_CHOICES, "weight")
    if ind.critical and clist is not None and not clist.has_knockout:
        here.add(ErrorCode.CRITICAL_NEEDS_KNOCKOUT, "critical")
    if ind.scored:
        if not ind.remediation:  # one missing translation is already reported when the row is built
            for lang in ("vi", "en"):
                here.add(ErrorCode.TEXT_MISSING, f"remediation::{lang}", language=LANG_NAMES[lang])
        if not ind.reference:
            here.add(ErrorCode.VALUE_REQUIRED, "reference")


def _condition(ind: Indicator, parts: Parts, here: _Here) -> Condition | None:
    """The indicator's condition, if it parses and names earlier, unscored questions only."""
    try:
        cond = parse_condition(ind.relevant)
    except ConditionSyntaxError as exc:
        here.add(ErrorCode.CONDITION_SYNTAX, "relevant", position=exc.position + 1, reason=exc.message)
        return None
    order = {i.id: n for n, (_, i) in enumerate(parts.indicators)}
    by_id = {i.id: i for _, i in parts.indicators}
    ok = True
    for ref in cond.refs:
        target = by_id.get(ref)
        if target is None:
            code = ErrorCode.CONDITION_UNKNOWN_ID
        elif order[ref] >= order[ind.id]:
            code = ErrorCode.CONDITION_FORWARD
        elif target.scored:
            code = ErrorCode.CONDITION_SCORED
        else:
            continue
        ok = False
        here.add(code, "relevant", value=ref)
    if ok:
        ok = _check_values(ind.relevant, by_id, parts, here, "relevant")
    return cond if ok else None


def _check_values(text: str, by_id: dict[str, Indicator], parts: Parts, here: _Here, column: str) -> bool:
    """What a condition compares a question with must be an answer that question can have: a whole number of 0 or
    more for a count (`${PRO-06} <= 10`, a size threshold), one of its choices for a choice question. Otherwise the
    condition would silently never (or always) hold, e.g. a threshold typed as `'ten'` or a misspelt choice."""
    tokens = tokenize(text)  # the condition parsed, so this cannot raise
    ok = True
    for n in range(len(tokens)):
        for ref, const in _compared(tokens, n):
            target = by_id.get(ref)
            if target is None or const.kind not in ("string", "number"):
                continue
            value = const.value
            if target.kind == "integer":
                number = _whole(value)
                if number is None:
                    here.add(ErrorCode.BAD_INTEGER, column, value=value)
                    ok = False
                elif number < 0:
                    here.add(ErrorCode.OUT_OF_RANGE, column, value=value, low=0, high="∞")
                    ok = False
            elif target.list_name and target.list_name in parts.lists:
                clist = parts.lists[target.list_name]
                if clist.get(str(value)) is None:
                    here.add(ErrorCode.BAD_OPTION, column, value=value,
                             options=", ".join(c.name for c in clist.choices))
                    ok = False
    return ok


def _compared(tokens: list[Token], n: int) -> list[tuple[str, Token]]:
    """(question, constant) pairs the token at `n` starts: `${q} OP c`, `c OP ${q}` or `selected(${q}, 'c')`."""
    tok = tokens[n]
    after = tokens[n + 1:n + 3]
    if tok.kind == "ref" and len(after) == 2 and after[0].kind == "op":
        return [(tok.value, after[1])]
    if tok.kind in ("string", "number") and len(after) == 2 and after[0].kind == "op" and after[1].kind == "ref":
        return [(after[1].value, tok)]
    if tok.kind == "word" and tok.value == "selected" and len(tokens) > n + 4 and tokens[n + 2].kind == "ref":
        return [(tokens[n + 2].value, tokens[n + 4])]
    return []


def _whole(value: object) -> int | None:
    """A condition's constant as a whole number, or None (`'ten'`, `10.5`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):  # `10.5` (and `10.0`: a count is written as a whole number)
        return None
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _check_derivation(ind: Indicator, clist: ChoiceList | None, parts: Parts, here: _Here) -> None:
    deriv = parts.derivations.get(ind.derived_from)
    if deriv is None:
        here.add(ErrorCode.DERIVED_UNKNOWN, "derived_from", value=ind.derived_from,
                 options=", ".join(parts.derivations))
    elif clist is not None:
        for value in deriv.values:
            if clist.get(value) is None:
                here.add(ErrorCode.DERIVED_CHOICE, "derived_from", derivation=deriv.key, value=value,
                         list=clist.name)


def check_weights(parts: Parts, issues: list[LoadIssue]) -> None:
    """Sections add up to the declared total; so do the scored indicators of each weighted section. Skipped when a
    row of indicators.csv is already wrong, since the totals would only echo that mistake."""
    settings, ind_label = parts.settings, parts.labels["indicators"]
    if settings is None or any(i.file == ind_label for i in issues):
        return
    total = sum(s.weight for _, s in parts.sections)
    if parts.sections and not _close(total, settings.section_weight_total):
        issues.append(LoadIssue(ErrorCode.WEIGHT_TOTAL, parts.labels["sections"], None, "weight", {
            "scope": "sections", "total": _fmt(total), "expected": _fmt(settings.section_weight_total)}))
    for _, sec in parts.sections:
        ind_total = sum(i.weight for _, i in parts.indicators if i.section == sec.id)
        expected = settings.indicator_weight_total if sec.weight > 0 else 0
        if (sec.weight > 0 and not _close(ind_total, expected)) or (sec.weight == 0 and ind_total > 0):
            issues.append(LoadIssue(ErrorCode.WEIGHT_TOTAL, ind_label, None, "weight", {
                "scope": f"section {sec.id}", "total": _fmt(ind_total), "expected": _fmt(expected)}))


def check_bands_and_priorities(parts: Parts, issues: list[LoadIssue]) -> None:
    """At least one tier; the three priorities the remediation plan uses."""
    band_label, prio_label = parts.labels["bands"], parts.labels["priorities"]
    if not parts.bands and not any(i.file == band_label for i in issues):
        issues.append(LoadIssue(ErrorCode.VALUE_REQUIRED, band_label, 2, "id"))
    have = {p.id for _, p in parts.priorities}
    if any(i.file == prio_label for i in issues):
        return
    for needed in ("critical", "major", "minor"):
        if needed not in have:
            issues.append(LoadIssue(ErrorCode.UNKNOWN_REFERENCE, prio_label, None, "id",
                                    {"value": needed, "target": "priorities"}))


def check_settings(parts: Parts, issues: list[LoadIssue]) -> None:
    """Tiers named in the settings are bands; the supplier-check condition parses and names known questions."""
    settings, rows = parts.settings, parts.setting_rows
    if settings is None:
        return
    here = lambda key: _Here(issues, parts.labels["settings"], rows.get(key))  # noqa: E731
    band_ids = {b.id for _, b in parts.bands}
    for key in TIER_LIST_SETTINGS:
        for tier in getattr(settings, key):
            if tier not in band_ids:
                here(key).add(ErrorCode.UNKNOWN_REFERENCE, "value", value=tier, target="bands (id)")
    if settings.supplier_check_if:
        try:
            cond = parse_condition(settings.supplier_check_if)
        except ConditionSyntaxError as exc:
            here("supplier_check_if").add(ErrorCode.CONDITION_SYNTAX, "value", position=exc.position + 1,
                                          reason=exc.message)
            return
        by_id = {i.id: i for _, i in parts.indicators}
        unknown = [ref for ref in cond.refs if ref not in by_id]
        for ref in unknown:
            here("supplier_check_if").add(ErrorCode.CONDITION_UNKNOWN_ID, "value", value=ref)
        if not unknown:
            _check_values(settings.supplier_check_if, by_id, parts, here("supplier_check_if"), "value")


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def _fmt(x: float) -> str:
    return f"{x:g}"
