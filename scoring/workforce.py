"""The workforce (roster) check against Vietnamese law on minor workers. Pure: a typed DataFrame in, a
`RosterResult` out, no I/O. Every rule is a vectorised mask over the whole roster (100,000 rows take tens of
milliseconds); Python only loops over the rows a rule flags, to word their findings.

The rules' ids, severities, legal bases, messages, limits, dates in force and fine bands are data
(criteria/law/minor_workers.csv); this module holds one predicate per rule id. Age is counted in completed years on
the as-of date: a worker is 15 on their 15th birthday. Someone born on 29 February turns a year older on 1 March in
a non-leap year (the anniversary has not been reached on 28 February; the stricter rule applies one day longer).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict

from criteria.law import LawTables, Rule
from criteria.schema import Priority, Text
from scoring.result import Action, DerivedAnswers

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
    fine_min_vnd: int | None = None  # organisation rate (individual rate x multiplier)
    fine_max_vnd: int | None = None
    fine_basis: Text | None = None
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
        return self.summary.get("critical", 0) > 0

    @property
    def blocking(self) -> list[int]:
        """Rows that block any statement or certificate until resolved (a child under 15 in unclassified work)."""
        return sorted({f.row for f in self.findings if f.blocks})

    def derived(self, deadlines: Mapping[str, int] | None = None) -> DerivedAnswers:
        """The answers and remediation actions this roster gives the assessment (engine's derived-answer path).
        `deadlines` maps a priority to days, e.g. `criteria.deadline_days()`."""
        deadlines = deadlines or {}
        actions = [
            Action(priority=f.severity, source="roster", rule=f.rule, ref=f.ref, row=f.row, finding=f.message,
                   action=f.action,
                   legal_basis=f.legal_basis, deadline_days=deadlines.get(f.severity),
                   fine_min_vnd=f.fine_min_vnd, fine_max_vnd=f.fine_max_vnd,
                   child_protection=f.severity == "critical" and bool(
                       {"minimum_age", "prohibited_work"} & set(f.groups)), blocks=f.blocks)
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
                 "legal_basis": _pair(f.legal_basis), "message": _pair(f.message), "action": _pair(f.action),
                 **({"fine_min_vnd": f.fine_min_vnd, "fine_max_vnd": f.fine_max_vnd,
                     "fine_basis": _pair(f.fine_basis)} if f.fine_min_vnd is not None else {})}
                for f in self.findings
            ],
            "not_in_force": self.not_in_force,
        }


# --------------------------------------------------------------------------------------------------- helpers


def _pair(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"vi": text.vi, "en": text.en}  # model_dump() is 5x slower per call


class _Params(dict):
    """Template parameters; `{hours}` takes `hours_vi` or `hours_en` when the text differs by language."""

    lang = "en"

    def __missing__(self, key: str) -> str:
        return str(self.get(f"{key}_{self.lang}", "?"))


def _num(x: float) -> str:
    return "?" if pd.isna(x) else f"{x:g}"


def _completed_years(on_y: np.ndarray, on_md: np.ndarray, y: np.ndarray, md: np.ndarray) -> np.ndarray:
    """Completed years; md = month*100 + day, so 29 Feb (229) is not reached on 28 Feb (228) of a common year."""
    return on_y - y - (on_md < md)


def _parts(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    valid = s.notna().to_numpy()
    y = s.dt.year.to_numpy(dtype=float, na_value=np.nan)
    md = (s.dt.month * 100 + s.dt.day).to_numpy(dtype=float, na_value=np.nan)
    return y, md, valid


def _trusted(cls: type[BaseModel], fields: dict[str, Any]) -> Any:
    """`cls.model_construct(**fields)` without its per-call overhead, for values this module built itself: a
    100,000-row roster can yield thousands of findings. tests/test_workforce.py checks it equals model_construct."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _np_bool(arr: Any) -> np.ndarray:
    return np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _np_int(arr: Any) -> np.ndarray:
    return pc.cast(arr, pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False)


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


def position_of_problem(problems: list[Any], position: pd.Series) -> set[int]:
    return {int(position[p.row]) for p in problems if p.row in position.index}


def _birthday(dob: pd.Timestamp, years: int) -> date:
    """The date a person born on `dob` turns `years` (29 Feb -> 1 Mar in a common year, as in the age rule)."""
    try:
        return dob.date().replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 3, 1)


# ------------------------------------------------------------------------------------------------ the check


def check_workforce(frame: pd.DataFrame, as_of: date, law: LawTables, problems: Iterable[Any] = ()) -> RosterResult:
    """Check a typed roster (canonical columns, index = 1-based data row) on `as_of`. `problems` are the cells the
    importer could not read (objects with row, column, value, vi, en); they become data findings."""
    n = len(frame)
    rows = frame.index.to_numpy(dtype=np.int64)
    empty = pd.Series([pd.NA] * n, index=frame.index, dtype="object")

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else empty

    def flag(name: str) -> np.ndarray:  # a yes/no column as "is yes"; blank and bad cells are not yes
        s = col(name)
        return s.fillna(False).to_numpy(dtype=bool) if name in frame.columns else np.zeros(n, bool)

    def isna(name: str) -> np.ndarray:
        return col(name).isna().to_numpy()

    problems = list(problems)
    bad_cells: dict[str, np.ndarray] = {}
    position = pd.Series(np.arange(n), index=frame.index)
    for p in problems:
        if p.row in position.index:
            bad_cells.setdefault(p.column, np.zeros(n, bool))[position[p.row]] = True

    def bad(name: str) -> np.ndarray:
        return bad_cells.get(name, np.zeros(n, bool))

    on = pd.Timestamp(as_of)
    on_y, on_md = as_of.year, as_of.month * 100 + as_of.day
    dob = col("date_of_birth")
    if not pd.api.types.is_datetime64_any_dtype(dob):
        dob = pd.to_datetime(dob, errors="coerce")
    dob_y, dob_md, has_dob = _parts(dob)
    age = np.where(has_dob, _completed_years(on_y, on_md, np.nan_to_num(dob_y), np.nan_to_num(dob_md)), -1)
    future = has_dob & (dob.to_numpy() > on.to_datetime64())

    hire = col("hire_date")
    if not pd.api.types.is_datetime64_any_dtype(hire):
        hire = pd.to_datetime(hire, errors="coerce")
    hire_y, hire_md, has_hire = _parts(hire)
    age_at_hire = np.where(has_dob & has_hire,
                           _completed_years(np.nan_to_num(hire_y), np.nan_to_num(hire_md),
                                            np.nan_to_num(dob_y), np.nan_to_num(dob_md)), -1)
    hired_before_birth = has_dob & has_hire & (hire.to_numpy() < dob.to_numpy())

    rule_implausible = _rule(law, "dob.implausible")
    max_age = rule_implausible.params.get("max_age", 100) if rule_implausible else 100
    too_old = has_dob & (age >= max_age)
    known = has_dob & ~future & ~too_old & ~hired_before_birth

    # --- CCCD: 12 digits PPP G YY RRRRRR; G = century and sex (0/1: 1900s, 2/3: 2000s); no check digit.
    # Done on the arrow array: Python-level string ops would cost ~100 ms and tens of MB on 100,000 rows.
    cccd_year = np.full(n, -1)
    id_reason: dict[int, tuple[str, str]] = {}
    dup_id = np.zeros(n, bool)
    id_key = None
    if "id_number" in frame.columns:
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
        cccd_year = np.where(century_ok, 1900 + 100 * (g // 2) + yy, -1)
        for i in np.flatnonzero(is12 & ~century_ok):
            id_reason[i] = (f"chữ số thứ 4 là {int(g[i])}, không phải mã thế kỷ của người đang đi làm (0–3)",
                            f"its 4th digit is {int(g[i])}, not a century code of a working-age person (0–3)")
        for i in np.flatnonzero(only_digits & (length != 12) & (length != 9)):
            id_reason[i] = (f"có {length[i]} chữ số", f"it has {length[i]} digits")
        id_key = pd.Series(pd.array(pc.if_else(pa.array(is12), digits, pc.utf8_upper(raw_ids)), dtype="str"),
                           index=frame.index)
        dup_id = id_key.duplicated(keep=False).to_numpy() & id_key.notna().to_numpy()
    year_mismatch = known & (cccd_year > 0) & (cccd_year != np.nan_to_num(dob_y, nan=-1).astype(int))
    certain = known & ~year_mismatch  # rows whose age the roster can vouch for

    under13 = known & (age < 13)
    age13_14 = known & (age >= 13) & (age < 15)
    age15_17 = known & (age >= 15) & (age < 18)
    under15 = under13 | age13_14
    minor = under15 | age15_17

    # --- codes
    codes = law.codes
    job_codes = {c for c, v in codes.items() if v.applies_to in ("job", "both")}
    place_codes = {c for c, v in codes.items() if v.applies_to in ("place", "both")}
    job = col("job_code")
    place = col("workplace_code")
    job_given = job.notna().to_numpy()
    place_given = place.notna().to_numpy()

    def job_in(pred) -> np.ndarray:
        return job.isin([c for c in job_codes if pred(codes[c])]).to_numpy(dtype=bool)

    job_known = job.isin(list(job_codes)).to_numpy(dtype=bool)
    place_known = place.isin(list(place_codes)).to_numpy(dtype=bool)
    job_light = job_in(lambda c: c.light_13_14)
    job_arts = job_in(lambda c: c.under_13)
    job_ot = job_in(lambda c: c.overtime_15_17)
    job_prohibited = job_in(lambda c: c.prohibited_15_17)
    place_prohibited = place.isin([c for c in place_codes if codes[c].prohibited_15_17]).to_numpy(dtype=bool)

    hpd = pd.to_numeric(col("hours_per_day"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    hpw = pd.to_numeric(col("hours_per_week"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    night = flag("night_work")
    overtime = flag("overtime")
    hc = col("health_check_date")
    if not pd.api.types.is_datetime64_any_dtype(hc):
        hc = pd.to_datetime(hc, errors="coerce")
    hc_np = hc.to_numpy()
    hc_missing = isna("health_check_date") & ~bad("health_check_date")

    def hours_over(rule: Rule) -> np.ndarray:
        return (np.nan_to_num(hpd) > rule.params["max_day"]) | (np.nan_to_num(hpw) > rule.params["max_week"])

    def stale(rule: Rule) -> np.ndarray:
        cutoff = (on - pd.DateOffset(months=int(rule.params.get("months", 6)))).to_datetime64()
        return ~pd.isna(hc_np) & (hc_np < cutoff)

    time_cols = ("hours_per_day", "hours_per_week", "night_work", "overtime")
    time_missing = {c: isna(c) & ~bad(c) for c in time_cols}
    any_time_missing = np.logical_or.reduce([time_missing[c] for c in time_cols])

    hire_ok = has_hire & (hire.to_numpy() <= on.to_datetime64()) & known

    emp = col("employee_id")
    dup_emp = emp.duplicated(keep=False).to_numpy() & emp.notna().to_numpy()

    masks = {
        "age.under13_work": under13 & job_given & job_known & ~job_arts,
        "age.under13_no_consent": under13 & job_arts & ~flag("authority_consent"),
        "age.13_14_not_light": age13_14 & job_given & job_known & ~job_light,
        "place.under13_prohibited": under13 & place_prohibited,
        "place.13_14_prohibited": age13_14 & place_prohibited,
        "job.15_17_prohibited": age15_17 & job_prohibited,
        "place.15_17_prohibited": age15_17 & place_prohibited,
        "job.unclassified": age15_17 & ~job_given & ~bad("job_code"),
        # under 15, only listed work is lawful: blank, unknown or unreadable codes all leave it undecided
        "job.unclassified_under13": under13 & ~job_known,
        "job.unclassified_13_14": age13_14 & ~job_known,
        "place.unclassified": minor & ~place_given & ~bad("workplace_code"),
        "time.under15_hours": lambda r: under15 & hours_over(r),
        "time.15_17_hours": lambda r: age15_17 & hours_over(r),
        "time.under15_night": under15 & night,
        "time.under15_overtime": under15 & overtime,
        "time.15_17_night": age15_17 & night,
        "time.15_17_overtime": age15_17 & overtime & ~job_ot,
        "time.not_recorded": minor & any_time_missing,
        "paper.guardian_consent": minor & ~flag("guardian_consent"),
        "paper.contract_u15": under15 & ~flag("written_contract"),
        "paper.health_u15_missing": under15 & hc_missing,
        "paper.health_u15_stale": lambda r: under15 & stale(r),
        "paper.health_15_17_missing": age15_17 & hc_missing,
        "paper.health_15_17_stale": lambda r: age15_17 & stale(r),
        "age.hired_under13": hire_ok & (age_at_hire >= 0) & (age_at_hire < 13) & (age >= 13) & ~job_arts,
        "age.hired_13_14": hire_ok & (age_at_hire >= 13) & (age_at_hire < 15) & (age >= 15) & ~job_light,
        "dob.missing": ~has_dob & ~bad("date_of_birth"),
        "dob.future": future,
        "dob.implausible": has_dob & ~future & (too_old | hired_before_birth),
        "id.birth_year_mismatch": year_mismatch,
        "id.format": np.isin(np.arange(n), list(id_reason)) if id_reason else np.zeros(n, bool),
        "data.duplicate_id_number": dup_id,
        "data.duplicate_employee_id": dup_emp,
        "data.missing_employee_id": emp.isna().to_numpy(),
    }

    # ------------------------------------------------------------------ wording (only the flagged rows)
    union = np.zeros(n, bool)
    for m in masks.values():
        if not callable(m):
            union |= m
    union |= (job_given & ~job_known) | (place_given & ~place_known) | np.isin(np.arange(n), list(position_of_problem(
        problems, position)))
    for rid in ("time.under15_hours", "time.15_17_hours", "paper.health_u15_stale", "paper.health_15_17_stale"):
        r = _rule(law, rid)
        if r is not None:
            union |= masks[rid](r)
    picked = np.flatnonzero(union)
    emp_values = _values_at(emp, picked)
    job_values = _values_at(job, picked)
    place_values = _values_at(place, picked)
    dob_values = _dates_at(dob, picked)
    hire_values = _dates_at(hire, picked)
    hc_values = _dates_at(hc, picked)
    as_of_text = as_of.strftime("%d/%m/%Y")

    def others(mask_dup: np.ndarray, key: pd.Series) -> dict[int, str]:
        out: dict[int, str] = {}
        idx = np.flatnonzero(mask_dup)
        if not len(idx):
            return out
        groups: dict[Any, list[int]] = {}
        for i, k in zip(idx, key.iloc[idx].to_numpy(dtype=object)):
            groups.setdefault(k, []).append(i)
        for members in groups.values():
            for i in members:
                rest = [str(rows[j]) for j in members if j != i]
                out[i] = ", ".join(rest[:10]) + (" …" if len(rest) > 10 else "")
        return out

    dup_others: dict[str, dict[int, str]] = {}
    rule_params = {r.id: {k: _num(v) for k, v in r.params.items()} for r in law.rules}

    def params(i: int, rule: Rule) -> _Params:
        p = _Params(rule_params[rule.id])
        p.update(row=int(rows[i]), employee_id=emp_values.get(i) or "?", age=int(age[i]) if age[i] >= 0 else "?",
                 job_code=job_values.get(i) or "—", workplace_code=place_values.get(i) or "—", as_of=as_of_text,
                 dob=dob_values.get(i, ""))
        rid = rule.id
        if rid.endswith("_hours"):
            p["hours_vi"] = f"{_num(hpd[i])} giờ/ngày, {_num(hpw[i])} giờ/tuần"
            p["hours_en"] = f"{_num(hpd[i])} h/day, {_num(hpw[i])} h/week"
        elif rid.endswith("_stale"):
            p["check_date"] = hc_values.get(i, "")
        elif rid.startswith("age.hired"):
            p["hire_date"] = hire_values.get(i, "")
            p["age_at_hire"] = int(age_at_hire[i])
        elif rid == "time.not_recorded":
            missing = [c for c in time_cols if time_missing[c][i]]
            p["missing_vi"] = ", ".join(missing)
            p["missing_en"] = ", ".join(missing)
        elif rid == "dob.implausible":
            if too_old[i]:
                p["reason_vi"], p["reason_en"] = f"{int(age[i])} tuổi", f"aged {int(age[i])}"
            else:
                p["reason_vi"] = f"sau ngày vào làm {hire_values.get(i, '')}"
                p["reason_en"] = f"after the hire date {hire_values.get(i, '')}"
        elif rid == "id.birth_year_mismatch":
            p["cccd_year"], p["dob_year"] = int(cccd_year[i]), int(dob_y[i])
        elif rid == "id.format":
            p["reason_vi"], p["reason_en"] = id_reason[i]
        elif rid == "data.duplicate_id_number":
            if rid not in dup_others:
                dup_others[rid] = others(dup_id, id_key)
            p["other_rows"] = dup_others[rid][i]
        elif rid == "data.duplicate_employee_id":
            if rid not in dup_others:
                dup_others[rid] = others(dup_emp, emp)
            p["other_rows"] = dup_others[rid][i]
        return p

    findings: list[tuple[int, int, int, Finding]] = []  # (row, severity rank, rule order, finding)
    not_in_force: list[str] = []
    flagged: dict[str, np.ndarray] = {}

    fine_cache: dict[tuple[str, Any], tuple[Any, Any, Any]] = {}
    bands: dict[tuple[str, date], Any] = {}

    def add(order: int, rule: Rule, i: int, p: _Params) -> None:
        texts = []
        for lang, template in (("vi", rule.message.vi), ("en", rule.message.en)):
            p.lang = lang
            texts.append(template.format_map(p))
        fine_min = fine_max = None
        fine_basis = None
        if rule.fine_band:
            when = as_of
            if rule.id.startswith("age.hired"):  # a past violation: the decree in force when it ended (D283 art. 67)
                years = 13 if rule.id == "age.hired_under13" else 15
                when = min(as_of, _birthday(dob.iloc[i], years) - timedelta(days=1))
            band = bands.get((rule.fine_band, when), False)
            if band is False:
                band = bands[(rule.fine_band, when)] = law.fine(rule.fine_band, when)
            cached = fine_cache.get((rule.id, band.decree if band else None))
            if cached is not None:
                fine_min, fine_max, fine_basis = cached
            elif band is not None:
                k = band.organisation_multiplier
                fine_min, fine_max = band.fine_min_vnd * k, band.fine_max_vnd * k
                clause = f"{band.clause}{rule.fine_point}"
                per_vi = ", mỗi người lao động" if band.per_worker else ""
                per_en = ", per worker" if band.per_worker else ""
                decree_vi = band.decree.replace("Decree ", "Nghị định ").replace("ND-CP", "NĐ-CP")
                fine_basis = Text(vi=f"{decree_vi} {clause.replace('art. ', 'Đ.')}{per_vi}; mức cho tổ chức (x{k})",
                                  en=f"{band.decree} {clause}{per_en}; organisation rate (x{k})")
                fine_cache[(rule.id, band.decree)] = (fine_min, fine_max, fine_basis)
        f = _trusted(Finding, dict(row=int(rows[i]), employee_id=emp_values.get(i), rule=rule.id,
                                   severity=rule.severity, groups=rule.groups, legal_basis=rule.legal_basis,
                                   message=_trusted(Text, dict(vi=texts[0], en=texts[1])), action=rule.action,
                                   fine_min_vnd=fine_min, fine_max_vnd=fine_max, fine_basis=fine_basis,
                                   blocks=rule.effect == "blocks"))
        findings.append((int(rows[i]), _RANK[rule.severity], order, f))

    order = {r.id: n for n, r in enumerate(law.rules)}
    for rule in law.rules:
        if not rule.in_force(as_of):
            not_in_force.append(rule.id)
            continue
        m = masks.get(rule.id)
        if m is None:
            continue  # data.* rules fed by importer problems and codes, below
        mask = m(rule) if callable(m) else m
        flagged[rule.id] = mask
        for i in np.flatnonzero(mask):
            add(order[rule.id], rule, int(i), params(int(i), rule))

    # Unknown codes and unreadable cells: data findings that name the row, column and value.
    unknown_rule = _rule(law, "data.unknown_code")
    unknown_rows = np.zeros(n, bool)
    if unknown_rule is not None:
        for name, values, given, known_codes in (("job_code", job_values, job_given, job_known),
                                                 ("workplace_code", place_values, place_given, place_known)):
            bad_code = given & ~known_codes
            unknown_rows |= bad_code
            for i in np.flatnonzero(bad_code):
                p = params(int(i), unknown_rule)
                p.update(column=name, value=values.get(int(i)))
                add(order[unknown_rule.id], unknown_rule, int(i), p)
    kinds = {c: ("data.bad_date" if pd.api.types.is_datetime64_any_dtype(frame[c]) else
                 "data.bad_value" if pd.api.types.is_bool_dtype(frame[c]) else "data.bad_number")
             for c in frame.columns}
    bad_rows = np.zeros(n, bool)
    for prob in problems:
        rule = _rule(law, kinds.get(prob.column, "data.bad_value"))
        if rule is None or prob.row not in position.index:
            continue
        i = int(position[prob.row])
        bad_rows[i] = True
        p = params(i, rule)
        for lang, text in (("vi", prob.vi), ("en", prob.en)):
            p[f"problem_{lang}"] = text
        add(order[rule.id], rule, i, p)

    findings.sort(key=lambda x: x[:3])
    result_findings = [f for *_, f in findings]
    summary = {s: 0 for s in SEVERITIES}
    for f in result_findings:
        summary[f.severity] += 1

    # ------------------------------------------------------------------ derived answers (roster.* keys)
    uncertain = ~certain  # missing, bad, future or implausible birth date, or a CCCD that disagrees
    n_minor = int(minor.sum())
    values: dict[str, str] = {}
    if n_minor:
        values["roster.has_minors"] = "yes"
    elif not uncertain.any():
        values["roster.has_minors"] = "no"
    scope = minor | uncertain  # rows that could be a minor

    def rows_with(group: str, severities: tuple[str, ...] = SEVERITIES, effect: str = "violation") -> np.ndarray:
        effects = ("unknown", "blocks") if effect == "unknown" else (effect,)  # a blocked row is undecided too
        out = np.zeros(n, bool)
        for r in law.rules:
            if group in r.groups and r.effect in effects and r.severity in severities and r.id in flagged:
                out |= flagged[r.id]
        return out

    # A child under 15 on an art. 147 job is reported once (outside the permitted work) but is also prohibited work.
    also_prohibited = rows_with("minimum_age", ("critical",)) & job_prohibited
    for group, key in (("minimum_age", "roster.minimum_age"), ("prohibited_work", "roster.prohibited_work")):
        if rows_with(group, ("critical",)).any() or (group == "prohibited_work" and also_prohibited.any()):
            values[key] = "found"
        elif not uncertain.any() and not ((rows_with(group, effect="unknown") | unknown_rows | bad_rows)
                                          & scope).any():
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

    bands = dict(zip(AGE_BANDS, (int(under13.sum()), int(age13_14.sum()), int(age15_17.sum()),
                                 int((known & (age >= 18)).sum()), int((~known).sum()))))
    return RosterResult.model_construct(as_of=as_of, rows=n, minors=n_minor, findings=result_findings,
                                        summary=summary, age_bands=bands, values=values,
                                        not_in_force=not_in_force)


def _rule(law: LawTables, rule_id: str) -> Rule | None:
    return next((r for r in law.rules if r.id == rule_id), None)


RULE_IDS_WITH_PREDICATES = frozenset({
    "age.under13_work", "age.under13_no_consent", "age.13_14_not_light", "place.under13_prohibited",
    "place.13_14_prohibited", "job.15_17_prohibited", "place.15_17_prohibited", "job.unclassified",
    "job.unclassified_under13", "job.unclassified_13_14",
    "place.unclassified", "time.under15_hours", "time.15_17_hours", "time.under15_night", "time.under15_overtime",
    "time.15_17_night", "time.15_17_overtime", "time.not_recorded", "paper.guardian_consent", "paper.contract_u15",
    "paper.health_u15_missing", "paper.health_u15_stale", "paper.health_15_17_missing", "paper.health_15_17_stale",
    "age.hired_under13", "age.hired_13_14", "dob.missing", "dob.future", "dob.implausible",
    "id.birth_year_mismatch", "id.format", "data.duplicate_id_number", "data.duplicate_employee_id",
    "data.missing_employee_id", "data.unknown_code", "data.bad_date", "data.bad_number", "data.bad_value",
})
