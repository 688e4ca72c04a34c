"""The workforce (roster) check against Vietnamese law on minor workers. Pure: a typed DataFrame in, a
`RosterResult` out, no I/O.

The rules' ids, severities, legal bases, messages, limits, dates in force and fine bands are data
(criteria/law/minor_workers.csv); scoring/workforce_rules.py holds one named mask per rule id (`MASKS`). The check
runs in four steps: the roster's columns are read once into a typed `Roster`; each rule in force is a vectorised
mask over it (100,000 rows take tens of milliseconds); only the flagged rows are worded into findings, with their
fines (Python loops over those rows alone); the findings and masks give the summary and the derived answers.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from criteria.law_tables import LawTables, Rule
from criteria.schema import Priority, Text
from scoring.result import Action, DerivedAnswers
from scoring.workforce_rules import TIME_COLUMNS, Ages, Roster, flag_rows, read_roster

SEVERITIES: tuple[str, ...] = ("critical", "major", "minor")
AGE_BANDS: tuple[str, ...] = ("under_13", "13_14", "15_17", "18_plus", "unknown")
_RANK = {s: n for n, s in enumerate(SEVERITIES)}


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    row: int  # 1-based data row of the uploaded file
    employee_id: str | None
    rule: str
    severity: Priority
    groups: tuple[str, ...]
    legal_basis: Text
    message: Text
    action: Text
    title: Text = Text()  # the rule's short name; pages and the plan show it first, the rule id after it
    deadline_days: int | None = None  # the rule's own deadline (0: at once); None: the severity's
    child_protection: bool = False  # a child in unlawful work: the plan opens with the protection protocol
    fine_min_vnd: int | None = None  # organisation rate (individual rate x multiplier)
    fine_max_vnd: int | None = None
    fine_basis: Text | None = None  # with no fine amount: why no fine is shown (the limitation period ran out)
    time_barred: dict[str, str] | None = None  # then the note's parameters (barred_params): stored without text
    blocks: bool = False  # no statement or certificate until this row is resolved (law effect "blocks")

    @property
    def ref(self) -> str:
        return f"row {self.row}, employee {self.employee_id}" if self.employee_id else f"row {self.row}"


class RosterResult(BaseModel):
    """What the roster check returns: findings and counts, never the roster itself (no names, no ID numbers)."""

    as_of: date
    rows: int
    minors: int
    findings: list[Finding]
    summary: dict[str, int]  # findings by severity
    age_bands: dict[str, int]
    values: dict[str, str]  # roster.* derivations; a key is left out when the roster cannot answer it
    not_in_force: list[str] = []  # rules skipped because the as-of date is outside their dates in force

    @property
    def knockout(self) -> bool:
        """A child below the minimum age or in prohibited work: the roster answers YW-01/YW-02 "found", which
        knocks the company out. Other critical findings (a child under 15 at night, say) must be fixed at once
        but do not decide eligibility here; the criteria do (YW-03, YW-04)."""
        return any(f.severity == "critical" and {"minimum_age", "prohibited_work"} & set(f.groups)
                   for f in self.findings)

    @property
    def blocking(self) -> list[int]:
        """Rows that block any statement or certificate until resolved (a child under 15 in unclassified work)."""
        return sorted({f.row for f in self.findings if f.blocks})

    def derived(self, deadlines: Mapping[str, int] | None = None) -> DerivedAnswers:
        """The answers and remediation actions this roster gives the assessment (engine's derived-answer path).
        `deadlines` maps a priority to days, e.g. `criteria.deadline_days()`."""
        deadlines = deadlines or {}
        actions = [
            Action(priority=f.severity, source="roster", rule=f.rule, title=f.title, ref=f.ref, row=f.row,
                   finding=f.message, action=f.action, legal_basis=f.legal_basis,
                   deadline_days=f.deadline_days if f.deadline_days is not None else deadlines.get(f.severity),
                   fine_min_vnd=f.fine_min_vnd, fine_max_vnd=f.fine_max_vnd,
                   child_protection=f.child_protection, blocks=f.blocks)
            for f in sorted(self.findings, key=lambda f: (_RANK[f.severity], f.row))
        ]
        return DerivedAnswers(source="roster", values=dict(self.values), actions=actions)

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON contract."""
        return {
            "as_of": self.as_of.isoformat(),
            "rows": self.rows,
            "minors": self.minors,
            "knockout": self.knockout,
            "blocking_rows": self.blocking,
            "summary": self.summary,
            "age_bands": self.age_bands,
            "derived": self.values,
            "findings": [
                {"row": f.row, "employee_id": f.employee_id, "rule": f.rule, "severity": f.severity,
                 **({"blocks": True} if f.blocks else {}),
                 "legal_basis": _text_dict(f.legal_basis), "message": _text_dict(f.message), "action": _text_dict(f.action),
                 **({"fine_min_vnd": f.fine_min_vnd, "fine_max_vnd": f.fine_max_vnd,
                     "fine_basis": _text_dict(f.fine_basis)} if f.fine_min_vnd is not None else
                    {"fine_not_shown": _text_dict(f.fine_basis)} if f.fine_basis is not None else {})}
                for f in self.findings
            ],
            "not_in_force": self.not_in_force,
        }


# --------------------------------------------------------------------------------------------------- helpers


def _text_dict(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"vi": text.vi, "en": text.en}  # model_dump() is 5x slower per call


def _num(x: float) -> str:
    return "?" if pd.isna(x) else f"{x:g}"


def _trusted(cls: type[BaseModel], fields: dict[str, Any]) -> Any:
    """`cls.model_construct(**fields)` without its per-call overhead, for values this module built itself: a
    100,000-row roster can yield thousands of findings. tests/test_workforce.py checks it equals model_construct."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _values_at(s: pd.Series, idx: np.ndarray) -> dict[int, Any]:
    """Cell values of the flagged rows only (converting whole string columns to Python objects is slow)."""
    if not len(idx) or s.name is None:
        return {}
    return {int(i): v for i, v in zip(idx, s.iloc[idx].to_numpy(dtype=object, na_value=None)) if v is not None}


def _dates_at(s: pd.Series, idx: np.ndarray) -> dict[int, str]:
    if not len(idx) or s.name is None:
        return {}
    text = np.datetime_as_string(s.iloc[idx].to_numpy(dtype="datetime64[D]"), unit="D")
    return {int(i): f"{t[8:10]}/{t[5:7]}/{t[:4]}" for i, t in zip(idx, text) if t != "NaT"}


def _birthday(dob: pd.Timestamp, years: int) -> date:
    """The date a person born on `dob` turns `years` (29 Feb -> 1 Mar in a common year, as in the age rule)."""
    try:
        return dob.date().replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 3, 1)


# ---------------------------------------------------------------------------------------------- the wording


class _Params(dict):
    """Template parameters; `{hours}` takes `hours_vi` or `hours_en` when the text differs by language."""

    lang = "en"

    def __missing__(self, key: str) -> str:
        return str(self.get(f"{key}_{self.lang}", "?"))


class _Wording:
    """Template parameters of findings. Cell values are read once, for the flagged rows only."""

    def __init__(self, r: Roster, law: LawTables, picked: np.ndarray):
        self.r = r
        self.employee = _values_at(r.employee, picked)
        self.job = _values_at(r.codes.job, picked)
        self.place = _values_at(r.codes.place, picked)
        self.dob = _dates_at(r.ages.dob, picked)
        self.hire = _dates_at(r.ages.hire, picked)
        self.health_check = _dates_at(r.papers.health_check, picked)
        self.contract = _values_at(r.columns.get("contract_type"), picked)
        self.as_of = r.as_of.strftime("%d/%m/%Y")
        self.law = law
        self._phrases: dict[Any, dict[str, str]] = {}
        self.rule_params = {rule.id: {k: _num(v) for k, v in rule.params.items()} for rule in law.rules}
        self._other_rows: dict[str, dict[int, str]] = {}

    def params(self, i: int, rule: Rule, extra: Mapping[str, Any]) -> _Params:
        r = self.r
        p = _Params(self.rule_params[rule.id])
        p.update(row=int(r.rows[i]), employee_id=self.employee.get(i) or "?",
                 age=int(r.ages.years[i]) if r.ages.years[i] >= 0 else "?", as_of=self.as_of, dob=self.dob.get(i, ""))
        # `{job_code}` and `{workplace_code}` read as the code's label with the code after it, in each language
        p.update(self.phrase("job_code", self.job.get(i)))
        p.update(self.phrase("workplace_code", self.place.get(i)))
        detail = _DETAILS.get(rule.id)
        if detail is not None:
            p.update(detail(self, i))
        p.update(extra)
        return p

    def phrase(self, key: str, code: Any) -> dict[str, str]:
        """`key_vi`/`key_en` of a code (cached: thousands of findings share a few codes)."""
        hit = self._phrases.get((key, code))
        if hit is None:
            t = self.law.code_phrase(code)
            hit = self._phrases[(key, code)] = {f"{key}_vi": t.vi, f"{key}_en": t.en}
        return hit

    def other_rows(self, which: str, i: int) -> str:
        """The other rows sharing row i's ID number (`which` = "id") or employee ID, at most 10."""
        if which not in self._other_rows:
            r = self.r
            mask, key = (r.ids.duplicate, r.ids.key) if which == "id" else (r.duplicate_employee, r.employee)
            self._other_rows[which] = _other_rows(mask, key, r.rows)
        return self._other_rows[which][i]


def _other_rows(duplicate: np.ndarray, key: pd.Series, rows: np.ndarray) -> dict[int, str]:
    idx = np.flatnonzero(duplicate)
    groups: dict[Any, list[int]] = {}
    for i, k in zip(idx, key.iloc[idx].to_numpy(dtype=object)):
        groups.setdefault(k, []).append(i)
    out: dict[int, str] = {}
    for members in groups.values():
        head = [(j, str(rows[j])) for j in members[:11]]  # ten others at most: linear in a group of thousands
        more = len(members) - 1 > 10
        for i in members:
            rest = [row for j, row in head if j != i][:10]
            out[i] = ", ".join(rest) + (" …" if more else "")
    return out


def _hours(w: _Wording, i: int) -> dict[str, Any]:
    day, week = _num(w.r.time.per_day[i]), _num(w.r.time.per_week[i])
    return {"hours_vi": f"{day} giờ/ngày, {week} giờ/tuần", "hours_en": f"{day} h/day, {week} h/week"}


def _check_date(w: _Wording, i: int) -> dict[str, Any]:
    return {"check_date": w.health_check.get(i, "")}


def _hiring(w: _Wording, i: int) -> dict[str, Any]:
    return {"hire_date": w.hire.get(i, ""), "age_at_hire": int(w.r.ages.at_hire[i])}


def _time_missing(w: _Wording, i: int) -> dict[str, Any]:
    labels = [w.law.column_label(c) for c in TIME_COLUMNS if w.r.time.missing[c][i]]
    return {"missing_vi": ", ".join(t.vi for t in labels), "missing_en": ", ".join(t.en for t in labels)}


def _implausible(w: _Wording, i: int) -> dict[str, Any]:
    if w.r.ages.too_old[i]:
        years = int(w.r.ages.years[i])
        return {"reason_vi": f"{years} tuổi", "reason_en": f"aged {years}"}
    hired = w.hire.get(i, "")
    return {"reason_vi": f"sau ngày vào làm {hired}", "reason_en": f"after the hire date {hired}"}


def _birth_years(w: _Wording, i: int) -> dict[str, Any]:
    return {"cccd_year": int(w.r.ids.birth_year[i]), "dob_year": int(w.r.ages.dob_year[i])}


def _id_reason(w: _Wording, i: int) -> dict[str, Any]:
    vi, en = w.r.ids.reason[i]
    return {"reason_vi": vi, "reason_en": en}


# Template fields a rule's message needs beyond the common ones (row, employee_id, age, codes, dates).
_DETAILS: dict[str, Callable[[_Wording, int], dict[str, Any]]] = {
    "time.under15_hours": _hours,
    "time.15_17_hours": _hours,
    "paper.health_u15_stale": _check_date,
    "paper.health_15_17_stale": _check_date,
    "age.hired_under13": _hiring,
    "age.hired_13_14": _hiring,
    "time.not_recorded": _time_missing,
    "dob.implausible": _implausible,
    "id.birth_year_mismatch": _birth_years,
    "id.format": _id_reason,
    "data.duplicate_id_number": lambda w, i: {"other_rows": w.other_rows("id", i)},
    "data.duplicate_employee_id": lambda w, i: {"other_rows": w.other_rows("employee", i)},
    "data.unknown_contract_type": lambda w, i: {"value": w.contract.get(i, "")},
}

Cells = Iterator[tuple[int, Mapping[str, Any]]]  # (row position, extra template fields), one per finding


def _each_row(w: _Wording, rule: Rule, mask: np.ndarray) -> Cells:
    for i in np.flatnonzero(mask):
        yield int(i), {}


def _each_unknown_code(w: _Wording, rule: Rule, mask: np.ndarray) -> Cells:
    """One finding per unknown code: a row may have both an unknown job and an unknown workplace."""
    codes = w.r.codes
    for name, values, unknown in (("job_code", w.job, codes.job_given & ~codes.job_known),
                                  ("workplace_code", w.place, codes.place_given & ~codes.place_known)):
        for i in np.flatnonzero(unknown):
            label = w.law.columns.get(name) or Text(vi=name, en=name)
            yield int(i), {"column_vi": label.vi, "column_en": label.en, "value": values.get(int(i))}


def _each_unreadable_cell(w: _Wording, rule: Rule, mask: np.ndarray) -> Cells:
    """One finding per unreadable cell, worded with the importer's own explanation."""
    for i, rule_id, problem in w.r.unreadable:
        if rule_id == rule.id:
            yield i, {"problem_vi": problem.vi, "problem_en": problem.en}


_CELLS: dict[str, Callable[[_Wording, Rule, np.ndarray], Cells]] = {
    "data.unknown_code": _each_unknown_code,
    "data.bad_date": _each_unreadable_cell,
    "data.bad_number": _each_unreadable_cell,
    "data.bad_value": _each_unreadable_cell,
}


def _message(rule: Rule, p: _Params) -> Text:
    texts = []
    for lang, template in (("vi", rule.message.vi), ("en", rule.message.en)):
        p.lang = lang
        texts.append(template.format_map(p))
    return Text(vi=texts[0], en=texts[1])


# -------------------------------------------------------------------------------------------------- fines

# organisation minimum, maximum, basis; and for a time-barred fine (no amounts) the note's parameters
Fine = tuple[int | None, int | None, Text | None, dict[str, str] | None]
_NO_FINE: Fine = (None, None, None, None)


class _Fines:
    """The fine of a finding: the rule's band in the decree in force on the as-of date, or, for a past violation
    (hired under age), on the day it ended (D283 art. 67), unless the limitation period after that day has run out
    (D283 art. 3(4)(a)). Thousands of findings share a few bands: cached."""

    def __init__(self, law: LawTables, r: Roster):
        self.law, self.r = law, r
        self._bands: dict[tuple[str, date], Any] = {}
        self._fines: dict[tuple[str, str], Fine] = {}
        self._apprentice14: np.ndarray | None = None

    def __call__(self, rule: Rule, i: int) -> Fine:
        if not rule.fine_band:
            return _NO_FINE
        when = self.r.as_of
        ended = None
        if rule.id.startswith("age.hired"):
            ended = _birthday(self.r.ages.dob.iloc[i], self._lawful_from(rule, i)) - timedelta(days=1)  # last unlawful
            when = min(when, ended)
        band = self._bands.get((rule.fine_band, when), False)
        if band is False:
            band = self._bands[(rule.fine_band, when)] = self.law.fine(rule.fine_band, when)
        if band is None:
            return _NO_FINE
        if ended is not None and band.limitation_years and self.r.as_of > _add_years(ended, band.limitation_years):
            return _time_barred(band, ended, self.r.as_of)
        fine = self._fines.get((rule.id, band.decree))
        if fine is None:
            fine = self._fines[(rule.id, band.decree)] = _organisation_fine(rule, band)
        return fine

    def _lawful_from(self, rule: Rule, i: int) -> int:
        """The age at which the same work became lawful, so the violation ended the day before: 13 for light work
        (LC art. 143(3)), 14 for an apprentice LC art. 61(4) allows, else 15 (LC art. 143(3), 145). A child hired
        under 13 in work that is not light stayed unlawfully employed until 15, not 13: counted from 13, the
        limitation period would run out while the violation was still going on (same assumption as the masks:
        today's job and contract type were those of the whole time)."""
        if rule.id == "age.hired_under13" and self.r.codes.light[i]:
            return 13
        if self._apprentice14 is None:
            self._apprentice14 = self.r.apprentice_may_train(np.full(self.r.n, 14))
        return 14 if self._apprentice14[i] else 15


def _add_years(day: date, years: int) -> date:
    """The same day `years` later; 28 Feb when that year has no 29 Feb (a period in years ends on the corresponding
    day, or on the month's last day when it has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


def _vi_citation(en: str) -> str:
    return (en.replace("Decree ", "Nghị định ").replace("ND-CP", "NĐ-CP").replace("Law ", "Luật ")
            .replace("art. ", "Đ."))


def _time_barred(band: Any, ended: date, as_of: date) -> Fine:
    """No fine once the limitation period after the violation ended has run out (D283 art. 3(4)(a): one year for
    labour violations); the finding stays and says why no fine is shown."""
    params = barred_params(band, ended, as_of)
    return (None, None, time_barred_note(params), params)


def barred_params(band: Any, ended: date, as_of: date) -> dict[str, str]:
    """What a time-barred fine's note is filled with (stored with a finding: no text, no language)."""
    return {"ended": f"{ended:%d/%m/%Y}", "last": f"{_add_years(ended, band.limitation_years):%d/%m/%Y}",
            "as_of": f"{as_of:%d/%m/%Y}", "years": str(band.limitation_years),
            "basis": band.limitation_basis or band.decree}


def time_barred_note(p: Mapping[str, str]) -> Text:
    """The sentence a finding ends with when its fine is time-barred (see barred_params)."""
    return Text(
        vi=f"Không nêu mức phạt: hành vi đã chấm dứt ngày {p['ended']}, thời hiệu xử phạt {p['years']} năm "
           f"({_vi_citation(p['basis'])}) đã hết sau ngày {p['last']}, trước ngày kiểm tra {p['as_of']}; phát hiện "
           f"vẫn giữ nguyên và vẫn phải khắc phục.",
        en=f"No fine shown: the violation ended on {p['ended']}, and the {p['years']}-year limitation period for "
           f"fines ({p['basis']}) ran out after {p['last']}, before the check date {p['as_of']}; the finding stands "
           f"and must still be remedied.")


def _organisation_fine(rule: Rule, band: Any) -> Fine:
    """The band at the organisation rate (the individual rate times the multiplier), with its basis in words."""
    k = band.organisation_multiplier
    clause = f"{band.clause}{rule.fine_point}"
    per_vi = ", mỗi người lao động" if band.per_worker else ""
    per_en = ", per worker" if band.per_worker else ""
    decree_vi = band.decree.replace("Decree ", "Nghị định ").replace("ND-CP", "NĐ-CP")
    return (band.fine_min_vnd * k, band.fine_max_vnd * k,
            Text(vi=f"{decree_vi} {clause.replace('art. ', 'Đ.')}{per_vi}; mức cho tổ chức (x{k})",
                 en=f"{band.decree} {clause}{per_en}; organisation rate (x{k})"), None)


# ------------------------------------------------------------------------------------------------ findings


def word_findings(r: Roster, law: LawTables, flagged: Mapping[str, np.ndarray]) -> list[Finding]:
    """The findings of the flagged rows, by row, then severity, then the law table's order."""
    picked = np.flatnonzero(np.logical_or.reduce(list(flagged.values()))) if flagged else np.zeros(0, np.int64)
    words = _Wording(r, law, picked)
    fines = _Fines(law, r)
    order = {rule.id: n for n, rule in enumerate(law.rules)}
    protects = {rule.id: child_protection(rule) for rule in law.rules}
    keyed: list[tuple[int, int, int, Finding]] = []
    for rule in law.rules:
        mask = flagged.get(rule.id)
        if mask is None:
            continue
        for i, extra in _CELLS.get(rule.id, _each_row)(words, rule, mask):
            fine_min, fine_max, fine_basis, barred = fines(rule, i)
            message = _message(rule, words.params(i, rule, extra))
            if barred:  # time-barred: the finding says why there is no fine
                message = Text(vi=f"{message.vi} {fine_basis.vi}", en=f"{message.en} {fine_basis.en}")
            row = int(r.rows[i])
            keyed.append((row, _RANK[rule.severity], order[rule.id], _trusted(Finding, dict(
                row=row, employee_id=words.employee.get(i), rule=rule.id, severity=rule.severity,
                groups=rule.groups, legal_basis=rule.legal_basis, message=message,
                action=rule.action, title=rule.title, deadline_days=rule.deadline_days,
                child_protection=protects[rule.id], fine_min_vnd=fine_min, fine_max_vnd=fine_max,
                fine_basis=fine_basis, time_barred=barred, blocks=rule.effect == "blocks"))))
    keyed.sort(key=lambda x: x[:3])
    return [f for *_, f in keyed]


_UNDER_15 = ("<13", "13-14", "<15")


def child_protection(rule: Rule) -> bool:
    """A critical finding about the child's work itself: below the minimum age, prohibited work, or a child under
    15 working at night, overtime or beyond the legal hours (LC art. 146(1)). Missing papers are not."""
    if rule.severity != "critical":
        return False
    return bool({"minimum_age", "prohibited_work"} & set(rule.groups)) or (
        "working_time" in rule.groups and rule.ages in _UNDER_15)


def summarise(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings by severity."""
    summary = {s: 0 for s in SEVERITIES}
    for f in findings:
        summary[f.severity] += 1
    return summary


def age_bands(a: Ages) -> dict[str, int]:
    return dict(zip(AGE_BANDS, (int(a.under13.sum()), int(a.from13to14.sum()), int(a.from15to17.sum()),
                                int((a.known & (a.years >= 18)).sum()), int((~a.known).sum()))))


# ----------------------------------------------------------------------------------------- derived answers


def derive_answers(r: Roster, law: LawTables, flagged: Mapping[str, np.ndarray]) -> dict[str, str]:
    """The roster.* answers (criteria/derivations.csv). A key is left out when the roster cannot vouch for it:
    a row whose age is uncertain could be a minor, and an undecided row leaves its question open."""
    minor = r.ages.minor
    uncertain = ~r.certain  # missing, bad, future or implausible birth date, or a CCCD that disagrees
    n_minor = int(minor.sum())
    values: dict[str, str] = {}
    if n_minor:
        values["roster.has_minors"] = "yes"
    elif not uncertain.any():
        values["roster.has_minors"] = "no"
    scope = minor | uncertain  # rows that could be a minor

    def rows_with(group: str, severities: tuple[str, ...] = SEVERITIES, effect: str = "violation") -> np.ndarray:
        effects = ("unknown", "blocks") if effect == "unknown" else (effect,)  # a blocked row is undecided too
        out = np.zeros(r.n, bool)
        for rule in law.rules:
            if group in rule.groups and rule.effect in effects and rule.severity in severities and rule.id in flagged:
                out |= flagged[rule.id]
        return out

    undecided = (r.codes.job_given & ~r.codes.job_known) | (r.codes.place_given & ~r.codes.place_known) | \
        r.unreadable_rows()
    # A child under 15 on an art. 147 job is reported once (outside the permitted work) but is also prohibited work.
    also_prohibited = rows_with("minimum_age", ("critical",)) & r.codes.job_prohibited
    for group, key in (("minimum_age", "roster.minimum_age"), ("prohibited_work", "roster.prohibited_work")):
        if rows_with(group, ("critical",)).any() or (group == "prohibited_work" and also_prohibited.any()):
            values[key] = "found"
        elif not uncertain.any() and not ((rows_with(group, effect="unknown") | undecided) & scope).any():
            values[key] = "none"
    for group, key in (("working_time", "roster.working_time"), ("paperwork", "roster.paperwork")):
        if not n_minor:
            if not uncertain.any():
                values[key] = "na"
            continue
        violated = int((rows_with(group) & minor).sum())
        unknown = (rows_with(group, effect="unknown") & minor).any()
        if violated == n_minor:
            values[key] = "no"
        elif violated:
            values[key] = "partly"
        elif not unknown and not uncertain.any():
            values[key] = "yes"
    return values


# ------------------------------------------------------------------------------------------------ the check


def check_workforce(frame: pd.DataFrame, as_of: date, law: LawTables, problems: Iterable[Any] = ()) -> RosterResult:
    """Check a typed roster (canonical columns, index = 1-based data row) on `as_of`. `problems` are the cells the
    importer could not read (objects with row, column, value, vi, en); they become data findings."""
    r = read_roster(frame, as_of, law, problems)
    flagged = flag_rows(r, law)
    findings = word_findings(r, law, flagged)
    return RosterResult.model_construct(
        as_of=as_of, rows=r.n, minors=int(r.ages.minor.sum()), findings=findings, summary=summarise(findings),
        age_bands=age_bands(r.ages), values=derive_answers(r, law, flagged),
        not_in_force=[rule.id for rule in law.rules if not rule.in_force(as_of)])
