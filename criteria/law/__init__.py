"""The legal tables behind the workforce (roster) check, as data: the minor-worker rules (`minor_workers.csv`), the
job and workplace codes (`work_codes.csv`) and the dated fine bands (`fines.csv`). Sources: docs/legal-sources.md.

Each rule carries its own legal basis, messages and dates in force; the predicates live in scoring/workforce.py,
keyed by rule id, and the loader checks that both sides agree. Errors name the file, row and column."""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from criteria.schema import Priority, Text

LAW_DIR = Path(__file__).resolve().parent
Group = Literal["minimum_age", "prohibited_work", "working_time", "paperwork", "hiring", "data"]


class LawTableError(ValueError):
    def __init__(self, file: str, row: int, column: str, problem: str):
        super().__init__(f"{file}, row {row}, column {column}: {problem}")
        self.file, self.row, self.column, self.problem = file, row, column, problem


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(_Frozen):
    id: str
    groups: tuple[Group, ...]
    # unknown: the check cannot be completed for this row; blocks: nor may any statement or certificate be issued
    # until it is (a child under 15 whose work is not classified)
    effect: Literal["violation", "unknown", "blocks", "data"]
    severity: Priority
    ages: str  # who it applies to, for the documentation
    params: dict[str, float]
    legal_basis: Text
    fine_band: str | None
    fine_point: str
    message: Text
    action: Text
    effective_from: date | None
    effective_to: date | None

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to)


class WorkCode(_Frozen):
    code: str
    applies_to: Literal["job", "place", "both"]
    light_13_14: bool  # C09 Appendix II
    under_13: bool  # arts, physical training or sport: LC 145(3)
    overtime_15_17: bool  # C09 Appendix V overtime items verified so far
    prohibited_15_17: bool  # LC 147
    label: Text
    legal_basis: Text
    source: str


class FineBand(_Frozen):
    band: str
    decree: str
    clause: str
    fine_min_vnd: int
    fine_max_vnd: int
    per_worker: bool
    cap_vnd: int | None
    organisation_multiplier: int
    effective_from: date
    effective_to: date | None
    source: str

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class LawTables(_Frozen):
    rules: tuple[Rule, ...]
    codes: dict[str, WorkCode]
    fines: tuple[FineBand, ...]

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def fine(self, band: str, on: date) -> FineBand | None:
        return next((f for f in self.fines if f.band == band and f.in_force(on)), None)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [(n, {k: (v or "").strip() for k, v in r.items() if k}) for n, r in enumerate(csv.DictReader(f), 2)]


def _yes(v: str) -> bool:
    return v.lower() in ("yes", "true", "1", "có")


def _date(v: str) -> date | None:
    return date.fromisoformat(v) if v else None


def _params(v: str) -> dict[str, float]:
    out = {}
    for part in v.split():
        key, _, value = part.partition("=")
        out[key] = float(value)
    return out


def _build(path: Path, n: int, model: type[BaseModel], data: dict) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise LawTableError(path.name, n, ".".join(str(x) for x in err["loc"]), err["msg"]) from None
    except ValueError as exc:
        raise LawTableError(path.name, n, "?", str(exc)) from None


def load_rules(path: Path) -> tuple[Rule, ...]:
    rules = []
    for n, r in _rows(path):
        try:
            data = dict(
                id=r["id"], groups=tuple(r["group"].split("|")), effect=r["effect"], severity=r["severity"],
                ages=r["ages"], params=_params(r["params"]),
                legal_basis=Text(vi=r["legal_basis::vi"], en=r["legal_basis::en"]),
                fine_band=r["fine_band"] or None, fine_point=r["fine_point"],
                message=Text(vi=r["message::vi"], en=r["message::en"]),
                action=Text(vi=r["action::vi"], en=r["action::en"]),
                effective_from=_date(r["effective_from"]), effective_to=_date(r["effective_to"]))
        except (KeyError, ValueError) as exc:
            raise LawTableError(path.name, n, "?", str(exc)) from None
        rules.append(_build(path, n, Rule, data))
    return tuple(rules)  # type: ignore[return-value]


def load_codes(path: Path) -> dict[str, WorkCode]:
    codes: dict[str, WorkCode] = {}
    for n, r in _rows(path):
        c = _build(path, n, WorkCode, dict(
            code=r["code"], applies_to=r["applies_to"], light_13_14=_yes(r["light_13_14"]),
            under_13=_yes(r["under_13"]), overtime_15_17=_yes(r["overtime_15_17"]),
            prohibited_15_17=_yes(r["prohibited_15_17"]), label=Text(vi=r["label::vi"], en=r["label::en"]),
            legal_basis=Text(vi=r["legal_basis::vi"], en=r["legal_basis::en"]), source=r["source"]))
        if c.code in codes:
            raise LawTableError(path.name, n, "code", f"duplicate code {c.code}")
        codes[c.code] = c  # type: ignore[index]
    return codes


def load_fines(path: Path) -> tuple[FineBand, ...]:
    fines = []
    for n, r in _rows(path):
        fines.append(_build(path, n, FineBand, dict(
            band=r["band"], decree=r["decree"], clause=r["clause"], fine_min_vnd=int(r["fine_min_vnd"]),
            fine_max_vnd=int(r["fine_max_vnd"]), per_worker=_yes(r["per_worker"]),
            cap_vnd=int(r["cap_vnd"]) if r["cap_vnd"] else None,
            organisation_multiplier=int(r["organisation_multiplier"]),
            effective_from=_date(r["effective_from"]), effective_to=_date(r["effective_to"]), source=r["source"])))
    return tuple(fines)  # type: ignore[return-value]


def load_law(folder: Path | None = None) -> LawTables:
    folder = folder or LAW_DIR
    rules = load_rules(folder / "minor_workers.csv")
    fines = load_fines(folder / "fines.csv")
    bands = {f.band for f in fines}
    for n, rule in enumerate(rules, 2):
        if rule.fine_band and rule.fine_band not in bands:
            raise LawTableError("minor_workers.csv", n, "fine_band", f"unknown band {rule.fine_band}")
    return LawTables(rules=rules, codes=load_codes(folder / "work_codes.csv"), fines=fines)


@lru_cache(maxsize=1)
def default_law() -> LawTables:
    return load_law()
