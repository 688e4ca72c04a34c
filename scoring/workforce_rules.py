"""The minor-worker rules as a table of named masks: `MASKS` maps each rule id of criteria/law/minor_workers.csv to
a vectorised predicate over a `Roster`, the typed columns of one roster read once (ages, ID numbers, codes, hours,
papers). Pure, no I/O; scoring/workforce.py words the flagged rows into findings.

Age is counted in completed years on the as-of date: a worker is 15 on their 15th birthday. Someone born on
29 February turns a year older on 1 March in a non-leap year (the anniversary has not been reached on 28 February;
the stricter rule applies one day longer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.law_tables import LawTables, Rule
from criteria.paths import data_root
from scoring.tax_codes import birth_year

TIME_COLUMNS: tuple[str, ...] = ("hours_per_day", "hours_per_week", "night_work", "overtime")


def _completed_years(on_y: np.ndarray, on_md: np.ndarray, y: np.ndarray, md: np.ndarray) -> np.ndarray:
    """Completed years; md = month*100 + day, so 29 Feb (229) is not reached on 28 Feb (228) of a common year."""
    return on_y - y - (on_md < md)


def _parts(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    valid = s.notna().to_numpy()
    y = s.dt.year.to_numpy(dtype=float, na_value=np.nan)
    md = (s.dt.month * 100 + s.dt.day).to_numpy(dtype=float, na_value=np.nan)
    return y, md, valid


def _np_bool(arr: Any) -> np.ndarray:
    return np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _np_int(arr: Any) -> np.ndarray:
    return pc.cast(arr, pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False)


def _rule(law: LawTables, rule_id: str) -> Rule | None:
    return next((r for r in law.rules if r.id == rule_id), None)


# ------------------------------------------------------------------------------------ the roster, read once


class _Columns:
    """The typed frame as the rules read it: a column the file lacks reads as all blank; `bad` marks the cells
    the importer could not read (they are data findings, not blanks)."""

    def __init__(self, frame: pd.DataFrame, problems: list[Any], position: pd.Series):
        self.frame, self.n = frame, len(frame)
        self.empty = pd.Series([pd.NA] * self.n, index=frame.index, dtype="object")
        self.unreadable: dict[str, np.ndarray] = {}
        for p in problems:
            if p.row in position.index:
                self.unreadable.setdefault(p.column, np.zeros(self.n, bool))[position[p.row]] = True

    def get(self, name: str) -> pd.Series:
        return self.frame[name] if name in self.frame.columns else self.empty

    def dates(self, name: str) -> pd.Series:
        s = self.get(name)
        return s if pd.api.types.is_datetime64_any_dtype(s) else pd.to_datetime(s, errors="coerce")

    def flag(self, name: str) -> np.ndarray:
        """A yes/no column as "is yes"; blank and bad cells are not yes."""
        if name not in self.frame.columns:
            return np.zeros(self.n, bool)
        return self.frame[name].fillna(False).to_numpy(dtype=bool)

    def flag_no(self, name: str) -> np.ndarray:
        """A yes/no column as "is no" (an explicit no; blank and bad cells are not no)."""
        if name not in self.frame.columns:
            return np.zeros(self.n, bool)
        s = self.frame[name]
        return (s.notna() & ~s.fillna(True).astype(bool)).to_numpy(dtype=bool)

    def blank(self, name: str) -> np.ndarray:
        return self.get(name).isna().to_numpy()

    def bad(self, name: str) -> np.ndarray:
        return self.unreadable.get(name, np.zeros(self.n, bool))


@dataclass(frozen=True, slots=True, eq=False)
class Ages:
    """Completed years on the as-of date and at hire (-1 where unknown). `known`: a birth date the check can use
    (present, not in the future, not implausible); the bands count only known ages."""

    dob: pd.Series
    dob_year: np.ndarray  # float, NaN where blank
    has_dob: np.ndarray
    years: np.ndarray
    future: np.ndarray
    too_old: np.ndarray
    hired_before_birth: np.ndarray
    known: np.ndarray
    hire: pd.Series
    at_hire: np.ndarray
    hire_ok: np.ndarray  # a hire date on or before the as-of date, and a known age
    under13: np.ndarray
    from13to14: np.ndarray
    from15to17: np.ndarray
    under15: np.ndarray
    minor: np.ndarray


def _read_ages(c: _Columns, as_of: date, max_age: float) -> Ages:
    on = pd.Timestamp(as_of).to_datetime64()
    dob = c.dates("date_of_birth")
    dob_y, dob_md, has_dob = _parts(dob)
    years = np.where(has_dob, _completed_years(as_of.year, as_of.month * 100 + as_of.day, np.nan_to_num(dob_y),
                                               np.nan_to_num(dob_md)), -1)
    future = has_dob & (dob.to_numpy() > on)
    hire = c.dates("hire_date")
    hire_y, hire_md, has_hire = _parts(hire)
    at_hire = np.where(has_dob & has_hire,
                       _completed_years(np.nan_to_num(hire_y), np.nan_to_num(hire_md),
                                        np.nan_to_num(dob_y), np.nan_to_num(dob_md)), -1)
    hired_before_birth = has_dob & has_hire & (hire.to_numpy() < dob.to_numpy())
    too_old = has_dob & (years >= max_age)
    known = has_dob & ~future & ~too_old & ~hired_before_birth
    under13 = known & (years < 13)
    from13to14 = known & (years >= 13) & (years < 15)
    from15to17 = known & (years >= 15) & (years < 18)
    return Ages(dob, dob_y, has_dob, years, future, too_old, hired_before_birth, known, hire, at_hire,
                has_hire & (hire.to_numpy() <= on) & known, under13, from13to14, from15to17,
                under13 | from13to14, under13 | from13to14 | from15to17)


@dataclass(frozen=True, slots=True, eq=False)
class Ids:
    """Citizen ID numbers (CCCD: 12 digits PPP G YY RRRRRR; G = century and sex, 0/1: 1900s, 2/3: 2000s; no check
    digit). Only the birth year and duplicates are used; the numbers never leave the check."""

    birth_year: np.ndarray  # from a 12-digit CCCD; -1 otherwise
    reason: dict[int, tuple[str, str]]  # row position -> why the format is wrong (vi, en)
    key: pd.Series | None  # normalised number, for duplicates
    duplicate: np.ndarray


def _read_ids(frame: pd.DataFrame) -> Ids:
    """Done on the arrow array: Python-level string ops would cost ~100 ms and tens of MB on 100,000 rows."""
    n = len(frame)
    if "id_number" not in frame.columns:
        return Ids(np.full(n, -1), {}, None, np.zeros(n, bool))
    raw_ids = pa.array(frame["id_number"].astype("str").array) if n else pa.array([], pa.string())
    digits = pc.replace_substring_regex(raw_ids, r"[\s.\-]", "")
    only_digits = _np_bool(pc.match_substring_regex(digits, r"^\d+$"))
    length = pc.utf8_length(digits).fill_null(0).to_numpy(zero_copy_only=False).astype(int)
    pad = only_digits & (length == 11)  # Excel drops the leading zero of a number-typed ID (codes start 0)
    if pad.any():
        digits = pc.if_else(pa.array(pad), pc.utf8_lpad(digits, width=12, padding="0"), digits)
        length = np.where(pad, 12, length)
    is12 = only_digits & (length == 12)
    none = pa.scalar(None, pa.string())
    g = _np_int(pc.if_else(pa.array(is12), pc.utf8_slice_codeunits(digits, 3, 4), none))
    yy = _np_int(pc.if_else(pa.array(is12), pc.utf8_slice_codeunits(digits, 4, 6), none))
    century_ok = is12 & (g <= 3)
    reason: dict[int, tuple[str, str]] = {}
    for i in np.flatnonzero(is12 & ~century_ok):
        reason[i] = (f"chữ số thứ 4 là {int(g[i])}, không phải mã thế kỷ của người đang đi làm (0–3)",
                     f"its 4th digit is {int(g[i])}, not a century code of a working-age person (0–3)")
    for i in np.flatnonzero(only_digits & (length != 12) & (length != 9)):
        reason[i] = (f"có {length[i]} chữ số", f"it has {length[i]} digits")
    key = pd.Series(pd.array(pc.if_else(pa.array(is12), digits, pc.utf8_upper(raw_ids)), dtype="str"),
                    index=frame.index)
    return Ids(np.where(century_ok, birth_year(g, yy), -1), reason, key,
               key.duplicated(keep=False).to_numpy() & key.notna().to_numpy())


@dataclass(frozen=True, slots=True, eq=False)
class Codes:
    """Job and workplace codes against criteria/law/work_codes.csv; `given` but not `known` is an unknown code."""

    job: pd.Series
    place: pd.Series
    job_given: np.ndarray
    place_given: np.ndarray
    job_known: np.ndarray
    place_known: np.ndarray
    light: np.ndarray  # C09 Appendix II: lawful at 13-14
    arts: np.ndarray  # arts, physical training or sport: lawful under 13 with consent (LC 145(3))
    overtime_allowed: np.ndarray  # C09 Appendix V overtime items verified so far
    job_prohibited: np.ndarray  # LC 147(1)
    place_prohibited: np.ndarray  # LC 147(2)


def _read_codes(c: _Columns, law: LawTables) -> Codes:
    codes = law.codes
    job_codes = {k for k, v in codes.items() if v.applies_to in ("job", "both")}
    place_codes = {k for k, v in codes.items() if v.applies_to in ("place", "both")}
    job, place = c.get("job_code"), c.get("workplace_code")

    def job_in(pred: Callable[[Any], bool]) -> np.ndarray:
        return job.isin([k for k in job_codes if pred(codes[k])]).to_numpy(dtype=bool)

    return Codes(job, place, job.notna().to_numpy(), place.notna().to_numpy(),
                 job.isin(list(job_codes)).to_numpy(dtype=bool), place.isin(list(place_codes)).to_numpy(dtype=bool),
                 job_in(lambda v: v.light_13_14), job_in(lambda v: v.under_13), job_in(lambda v: v.overtime_15_17),
                 job_in(lambda v: v.prohibited_15_17),
                 place.isin([k for k in place_codes if codes[k].prohibited_15_17]).to_numpy(dtype=bool))


@dataclass(frozen=True, slots=True, eq=False)
class Time:
    """Normal hours per day and week (NaN where blank or bad), night work and overtime as "is yes"."""

    per_day: np.ndarray
    per_week: np.ndarray
    night: np.ndarray
    overtime: np.ndarray
    missing: dict[str, np.ndarray]  # blank (not unreadable) cells by TIME_COLUMNS
    any_missing: np.ndarray

    def over(self, rule: Rule) -> np.ndarray:
        """Above the rule's daily or weekly limit (either breaks it)."""
        return (np.nan_to_num(self.per_day) > rule.params["max_day"]) | (
            np.nan_to_num(self.per_week) > rule.params["max_week"])


def _read_time(c: _Columns) -> Time:
    def hours(name: str) -> np.ndarray:
        return pd.to_numeric(c.get(name), errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    missing = {name: c.blank(name) & ~c.bad(name) for name in TIME_COLUMNS}
    return Time(hours("hours_per_day"), hours("hours_per_week"), c.flag("night_work"), c.flag("overtime"), missing,
                np.logical_or.reduce([missing[name] for name in TIME_COLUMNS]))


@dataclass(frozen=True, slots=True, eq=False)
class Papers:
    guardian_consent: np.ndarray
    written_contract: np.ndarray
    authority_consent: np.ndarray
    health_check: pd.Series
    health_missing: np.ndarray  # blank, not unreadable

    def health_stale(self, rule: Rule, as_of: date) -> np.ndarray:
        """The last check is older than the rule's months (calendar months) before the as-of date."""
        cutoff = (pd.Timestamp(as_of) - pd.DateOffset(months=int(rule.params.get("months", 6)))).to_datetime64()
        checked = self.health_check.to_numpy()
        return ~pd.isna(checked) & (checked < cutoff)


def _read_papers(c: _Columns) -> Papers:
    return Papers(c.flag("guardian_consent"), c.flag("written_contract"), c.flag("authority_consent"),
                  c.dates("health_check_date"), c.blank("health_check_date") & ~c.bad("health_check_date"))


@dataclass(frozen=True, slots=True, eq=False)
class Contract:
    """The `contract_type` column against criteria/law/contract_types.csv, and whether an apprentice's trade is on
    the heavy/hazardous list (LC art. 61(4): apprentices from 14, from 18 in those trades)."""

    given: np.ndarray
    known: np.ndarray
    apprentice: np.ndarray
    hazardous: np.ndarray  # the trade is on the list (an explicit yes)
    not_hazardous: np.ndarray  # an explicit no: only then may a 14-year-old apprentice train


def _read_contract(c: _Columns, law: LawTables) -> Contract:
    s = c.get("contract_type")
    given = s.notna().to_numpy()
    known = np.zeros(c.n, bool)
    apprentice = np.zeros(c.n, bool)
    if given.any():  # a few distinct spellings: matched once each, not once per row
        kinds = {v: law.contract_type(v) for v in pd.unique(s[given])}
        known = s.isin([v for v, k in kinds.items() if k]).to_numpy(dtype=bool)
        apprentice = s.isin([v for v, k in kinds.items() if k and k.apprentice]).to_numpy(dtype=bool)
    return Contract(given, known, apprentice, c.flag("hazardous_trade"), c.flag_no("hazardous_trade"))


@dataclass(frozen=True, slots=True, eq=False)
class Roster:
    """Everything the rules read, computed once per check. Arrays are aligned on the frame's rows (positions);
    `rows` holds their 1-based data row numbers."""

    as_of: date
    n: int
    rows: np.ndarray
    columns: _Columns
    ages: Ages
    ids: Ids
    codes: Codes
    time: Time
    papers: Papers
    contract: Contract
    employee: pd.Series
    duplicate_employee: np.ndarray
    year_mismatch: np.ndarray  # a CCCD whose birth year disagrees with the date of birth
    certain: np.ndarray  # rows whose age the roster can vouch for
    unreadable: tuple[tuple[int, str, Any], ...]  # (position, data rule id, importer problem), in the given order

    def bad(self, name: str) -> np.ndarray:
        return self.columns.bad(name)

    def apprentice_may_train(self, age: np.ndarray) -> np.ndarray:
        """Apprentices LC art. 61(4) allows at `age` (completed years, per row): 14 or more, in a trade declared not on
        the heavy/hazardous list, on a job that is not an art. 147(1) job."""
        k = self.contract
        return k.apprentice & k.not_hazardous & (age >= 14) & ~self.codes.job_prohibited

    def unreadable_rows(self, kind: str | None = None) -> np.ndarray:
        """Rows with a cell the importer could not read (of the data rule `kind`, or of any kind)."""
        out = np.zeros(self.n, bool)
        out[[i for i, rule_id, _ in self.unreadable if kind is None or rule_id == kind]] = True
        return out


def read_roster(frame: pd.DataFrame, as_of: date, law: LawTables, problems: Iterable[Any] = ()) -> Roster:
    """Read a typed roster (canonical columns, index = 1-based data row) once, for every rule."""
    problems = list(problems)
    n = len(frame)
    position = pd.Series(np.arange(n), index=frame.index)
    c = _Columns(frame, problems, position)
    implausible = _rule(law, "dob.implausible")
    ages = _read_ages(c, as_of, implausible.params.get("max_age", 100) if implausible else 100)
    ids = _read_ids(frame)
    year_mismatch = ages.known & (ids.birth_year > 0) & (
        ids.birth_year != np.nan_to_num(ages.dob_year, nan=-1).astype(int))
    employee = c.get("employee_id")
    kinds = {name: ("data.bad_date" if pd.api.types.is_datetime64_any_dtype(frame[name]) else
                    "data.bad_value" if pd.api.types.is_bool_dtype(frame[name]) else "data.bad_number")
             for name in frame.columns}
    unreadable = tuple((int(position[p.row]), kinds.get(p.column, "data.bad_value"), p)
                       for p in problems if p.row in position.index)
    return Roster(as_of, n, frame.index.to_numpy(dtype=np.int64), c, ages, ids, _read_codes(c, law), _read_time(c),
                  _read_papers(c), _read_contract(c, law), employee, employee.duplicated(keep=False).to_numpy() & employee.notna().to_numpy(),
                  year_mismatch, ages.known & ~year_mismatch, unreadable)


# ------------------------------------------------------------------------------------------------ the rules
# One mask per rule id of criteria/law/minor_workers.csv: which rows break the rule. The rule's row gives its
# limits (params), severity, wording and legal basis; the docstrings say who the rule is about.

Mask = Callable[[Roster, Rule], np.ndarray]


def under13_not_arts_or_sport(r: Roster, rule: Rule) -> np.ndarray:
    """Under 13 in a known job other than arts or sport (a blank or unknown code is job.unclassified_under13)."""
    return r.ages.under13 & r.codes.job_given & r.codes.job_known & ~r.codes.arts


def under13_without_authority_consent(r: Roster, rule: Rule) -> np.ndarray:
    """Under 13 in arts or sport without the provincial labour agency's consent."""
    return r.ages.under13 & r.codes.arts & ~r.papers.authority_consent


def from13to14_not_light_work(r: Roster, rule: Rule) -> np.ndarray:
    """13-14 in a known job that is not on Appendix II (light work), unless a 14-year-old apprentice LC art. 61(4)
    allows (hours and papers are still checked by their own rules)."""
    a = r.ages
    return a.from13to14 & r.codes.job_given & r.codes.job_known & ~r.codes.light & ~r.apprentice_may_train(a.years)


def under13_prohibited_place(r: Roster, rule: Rule) -> np.ndarray:
    """Under 13 at a workplace of LC art. 147(2)."""
    return r.ages.under13 & r.codes.place_prohibited


def from13to14_prohibited_place(r: Roster, rule: Rule) -> np.ndarray:
    """13-14 at a workplace of LC art. 147(2)."""
    return r.ages.from13to14 & r.codes.place_prohibited


def from15to17_prohibited_job(r: Roster, rule: Rule) -> np.ndarray:
    """15-17 on a job of LC art. 147(1) (C09 Appendix III)."""
    return r.ages.from15to17 & r.codes.job_prohibited


def apprentice_under18_hazardous_trade(r: Roster, rule: Rule) -> np.ndarray:
    """An apprentice under 18 in a trade on the heavy/hazardous list, outside arts and sport (LC art. 61(4)). At
    13-14 in work that is not light work the light-work rule reports it already; in light work nothing else would,
    though the trade needs an apprentice of 18."""
    young = r.ages.from15to17 | (r.ages.from13to14 & r.codes.light)
    return young & r.contract.apprentice & r.contract.hazardous & ~r.codes.arts


def contract_type_unknown(r: Roster, rule: Rule) -> np.ndarray:
    """A contract type that is not in criteria/law/contract_types.csv (the row is checked as a labour contract)."""
    return r.contract.given & ~r.contract.known


def from15to17_prohibited_place(r: Roster, rule: Rule) -> np.ndarray:
    """15-17 at a workplace of LC art. 147(2) (C09 Appendix IV)."""
    return r.ages.from15to17 & r.codes.place_prohibited


def from15to17_no_job_code(r: Roster, rule: Rule) -> np.ndarray:
    """15-17 with a blank job code (an unknown or unreadable one is its own data finding)."""
    return r.ages.from15to17 & ~r.codes.job_given & ~r.bad("job_code")


def under13_unclassified(r: Roster, rule: Rule) -> np.ndarray:
    """Under 15 only listed work is lawful: a blank, unknown or unreadable code leaves it undecided."""
    return r.ages.under13 & ~r.codes.job_known


def from13to14_unclassified(r: Roster, rule: Rule) -> np.ndarray:
    """As under13_unclassified, at 13-14."""
    return r.ages.from13to14 & ~r.codes.job_known


def minor_no_place_code(r: Roster, rule: Rule) -> np.ndarray:
    """A minor with a blank workplace code (an unknown or unreadable one is its own data finding)."""
    return r.ages.minor & ~r.codes.place_given & ~r.bad("workplace_code")


def under15_over_hours(r: Roster, rule: Rule) -> np.ndarray:
    """Under 15 above the rule's hours a day or a week (LC art. 146(1))."""
    return r.ages.under15 & r.time.over(rule)


def from15to17_over_hours(r: Roster, rule: Rule) -> np.ndarray:
    """15-17 above the rule's hours a day or a week (LC art. 146(2))."""
    return r.ages.from15to17 & r.time.over(rule)


def under15_at_night(r: Roster, rule: Rule) -> np.ndarray:
    """Under 15 working between 22:00 and 06:00 (LC art. 146(1), 106)."""
    return r.ages.under15 & r.time.night


def under15_overtime(r: Roster, rule: Rule) -> np.ndarray:
    """Under 15 working overtime (LC art. 146(1))."""
    return r.ages.under15 & r.time.overtime


def from15to17_at_night(r: Roster, rule: Rule) -> np.ndarray:
    """Any night work at 15-17: the Appendix V night jobs are unverified, so every case asks for review."""
    return r.ages.from15to17 & r.time.night


def from15to17_overtime_outside_appendix_v(r: Roster, rule: Rule) -> np.ndarray:
    """15-17 working overtime in a job not among the verified C09 Appendix V items."""
    return r.ages.from15to17 & r.time.overtime & ~r.codes.overtime_allowed


def minor_time_not_recorded(r: Roster, rule: Rule) -> np.ndarray:
    """A minor with hours, night work or overtime blank (not unreadable)."""
    return r.ages.minor & r.time.any_missing


def from15to17_without_guardian_consent(r: Roster, rule: Rule) -> np.ndarray:
    """15-17 without a parent's or guardian's consent (LC art. 144(3))."""
    return r.ages.from15to17 & ~r.papers.guardian_consent


def under15_without_guardian_consent(r: Roster, rule: Rule) -> np.ndarray:
    """Under 15 without a parent's or guardian's consent (LC art. 144(3), a condition of employing the child)."""
    return r.ages.under15 & ~r.papers.guardian_consent


def under15_without_contract(r: Roster, rule: Rule) -> np.ndarray:
    """Under 15 without a written contract with the child and their representative (LC art. 145(1)(a))."""
    return r.ages.under15 & ~r.papers.written_contract


def under15_no_health_check(r: Roster, rule: Rule) -> np.ndarray:
    """Under 15 with no health check recorded (LC art. 145(1)(c))."""
    return r.ages.under15 & r.papers.health_missing


def under15_stale_health_check(r: Roster, rule: Rule) -> np.ndarray:
    """Under 15 whose last health check is older than the rule's months (calendar months)."""
    return r.ages.under15 & r.papers.health_stale(rule, r.as_of)


def from15to17_no_health_check(r: Roster, rule: Rule) -> np.ndarray:
    """15-17 with no health check recorded (OSH Law 84/2015 art. 21(1))."""
    return r.ages.from15to17 & r.papers.health_missing


def from15to17_stale_health_check(r: Roster, rule: Rule) -> np.ndarray:
    """15-17 whose last health check is older than the rule's months (calendar months)."""
    return r.ages.from15to17 & r.papers.health_stale(rule, r.as_of)


def hired_under13(r: Roster, rule: Rule) -> np.ndarray:
    """Hired before 13, now 13 or older, in a job that is not arts or sport (assumes the same job since hiring)."""
    a = r.ages
    return a.hire_ok & (a.at_hire >= 0) & (a.at_hire < 13) & (a.years >= 13) & ~r.codes.arts


def hired_13_14(r: Roster, rule: Rule) -> np.ndarray:
    """Hired at 13-14, now 15 or older, in a job that is not light work, unless taken on at 14 as an apprentice LC
    art. 61(4) allows (same assumption: today's job and contract type were those at hiring)."""
    a = r.ages
    return a.hire_ok & (a.at_hire >= 13) & (a.at_hire < 15) & (a.years >= 15) & ~r.codes.light & \
        ~r.apprentice_may_train(a.at_hire)


def no_birth_date(r: Roster, rule: Rule) -> np.ndarray:
    """No date of birth (an unreadable one is data.bad_date): the age cannot be checked."""
    return ~r.ages.has_dob & ~r.bad("date_of_birth")


def birth_date_in_future(r: Roster, rule: Rule) -> np.ndarray:
    """Born after the as-of date."""
    return r.ages.future


def birth_date_implausible(r: Roster, rule: Rule) -> np.ndarray:
    """Aged max_age or more, or hired before birth."""
    a = r.ages
    return a.has_dob & ~a.future & (a.too_old | a.hired_before_birth)


def cccd_birth_year_differs(r: Roster, rule: Rule) -> np.ndarray:
    """A 12-digit CCCD whose birth year differs from the date of birth: possibly an altered date."""
    return r.year_mismatch


def id_number_malformed(r: Roster, rule: Rule) -> np.ndarray:
    """A digits-only ID of a length other than 9 or 12, or a CCCD whose 4th digit is not 0-3."""
    if not r.ids.reason:
        return np.zeros(r.n, bool)
    return np.isin(np.arange(r.n), list(r.ids.reason))


def id_number_on_several_rows(r: Roster, rule: Rule) -> np.ndarray:
    """The same ID number on several rows: one document for several people."""
    return r.ids.duplicate


def employee_id_on_several_rows(r: Roster, rule: Rule) -> np.ndarray:
    """The same employee ID on several rows."""
    return r.duplicate_employee


def no_employee_id(r: Roster, rule: Rule) -> np.ndarray:
    """No employee ID: the finding can name the row only."""
    return r.employee.isna().to_numpy()


def unknown_code(r: Roster, rule: Rule) -> np.ndarray:
    """A job or workplace code not in the code table (one finding per column, see _each_unknown_code)."""
    return (r.codes.job_given & ~r.codes.job_known) | (r.codes.place_given & ~r.codes.place_known)


def unreadable_date(r: Roster, rule: Rule) -> np.ndarray:
    """A date cell the importer could not read (one finding per cell, see _each_unreadable_cell)."""
    return r.unreadable_rows("data.bad_date")


def unreadable_number(r: Roster, rule: Rule) -> np.ndarray:
    """A number cell the importer could not read."""
    return r.unreadable_rows("data.bad_number")


def unreadable_value(r: Roster, rule: Rule) -> np.ndarray:
    """A yes/no or other cell the importer could not read."""
    return r.unreadable_rows("data.bad_value")


MASKS: dict[str, Mask] = {
    "age.under13_work": under13_not_arts_or_sport,
    "age.under13_no_consent": under13_without_authority_consent,
    "age.13_14_not_light": from13to14_not_light_work,
    "place.under13_prohibited": under13_prohibited_place,
    "place.13_14_prohibited": from13to14_prohibited_place,
    "job.15_17_prohibited": from15to17_prohibited_job,
    "place.15_17_prohibited": from15to17_prohibited_place,
    "job.apprentice_hazardous": apprentice_under18_hazardous_trade,
    "job.unclassified": from15to17_no_job_code,
    "job.unclassified_under13": under13_unclassified,
    "job.unclassified_13_14": from13to14_unclassified,
    "place.unclassified": minor_no_place_code,
    "time.under15_hours": under15_over_hours,
    "time.15_17_hours": from15to17_over_hours,
    "time.under15_night": under15_at_night,
    "time.under15_overtime": under15_overtime,
    "time.15_17_night": from15to17_at_night,
    "time.15_17_overtime": from15to17_overtime_outside_appendix_v,
    "time.not_recorded": minor_time_not_recorded,
    "paper.guardian_consent": from15to17_without_guardian_consent,
    "paper.guardian_consent_u15": under15_without_guardian_consent,
    "paper.contract_u15": under15_without_contract,
    "paper.health_u15_missing": under15_no_health_check,
    "paper.health_u15_stale": under15_stale_health_check,
    "paper.health_15_17_missing": from15to17_no_health_check,
    "paper.health_15_17_stale": from15to17_stale_health_check,
    "age.hired_under13": hired_under13,
    "age.hired_13_14": hired_13_14,
    "dob.missing": no_birth_date,
    "dob.future": birth_date_in_future,
    "dob.implausible": birth_date_implausible,
    "id.birth_year_mismatch": cccd_birth_year_differs,
    "id.format": id_number_malformed,
    "data.duplicate_id_number": id_number_on_several_rows,
    "data.duplicate_employee_id": employee_id_on_several_rows,
    "data.missing_employee_id": no_employee_id,
    "data.unknown_code": unknown_code,
    "data.unknown_contract_type": contract_type_unknown,
    "data.bad_date": unreadable_date,
    "data.bad_number": unreadable_number,
    "data.bad_value": unreadable_value,
}


def unimplemented_rules(law: LawTables) -> list[LoadIssue]:
    """A rule of the law table that no mask implements: it would never fire, and a roster would pass it unchecked."""
    return [LoadIssue(ErrorCode.UNKNOWN_REFERENCE, "law/minor_workers.csv", rule.row, "id",
                      {"value": rule.id, "target": "scoring/workforce_rules.py (MASKS)"})
            for rule in law.rules if rule.id not in MASKS]


def flag_rows(r: Roster, law: LawTables) -> dict[str, np.ndarray]:
    """The mask of every rule in force on the as-of date, by rule id, in the law table's order."""
    missing = unimplemented_rules(law)
    if missing:
        raise CriteriaLoadError(missing, str(data_root()))  # as `criteria validate` words it
    return {rule.id: MASKS[rule.id](r, rule) for rule in law.rules if rule.in_force(r.as_of)}
