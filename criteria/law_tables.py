"""The legal tables behind the workforce (roster) check, as data under `criteria/law/`: the minor-worker rules
(`minor_workers.csv`), the job and workplace codes (`work_codes.csv`), the dated fine bands with their limitation
periods (`fines.csv`) and the contract types of the roster (`contract_types.csv`).
Sources: docs/legal-sources.md.

Each rule carries its own legal basis, messages and dates in force; who it applies to is code: one named mask per
rule id in `scoring/workforce_rules.MASKS` (a rule id without a mask is reported by `criteria validate` and stops the
roster check, so a row added here never passes silently unchecked). Every problem in the four files is collected and raised as one `CriteriaLoadError` naming file,
row and column."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from criteria.build import validated
from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.folding import fold
from criteria.paths import law_dir
from criteria.schema import PRIORITIES, Priority, Text
from criteria.sheets import Row, Sheet, SheetSpec, duplicates, read_data_file, rows

Group = Literal["minimum_age", "prohibited_work", "working_time", "paperwork", "hiring", "data"]
Effect = Literal["violation", "unknown", "blocks", "data"]
AppliesTo = Literal["job", "place", "both"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(_Frozen):
    id: str
    groups: tuple[Group, ...]
    # unknown: the check cannot be completed for this row; blocks: nor may any statement or certificate be issued
    # until it is (a child under 15 whose work is not classified)
    effect: Effect
    severity: Priority
    # days to act, from the assessment date; None: the severity's deadline (criteria/award/priorities.csv);
    # 0: at once (the action says stop, suspend or move the worker now)
    deadline_days: int | None = None
    ages: str  # who it applies to, for the documentation
    params: dict[str, float]
    title: Text  # a short name for people; the rule id stays secondary
    legal_basis: Text
    fine_band: str | None
    fine_point: str
    message: Text
    action: Text
    effective_from: date | None
    effective_to: date | None
    row: int | None = None  # in minor_workers.csv, for messages

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to)


class WorkCode(_Frozen):
    code: str
    applies_to: AppliesTo
    light_13_14: bool  # C09 Appendix II
    under_13: bool  # arts, physical training or sport: LC 145(3)
    overtime_15_17: bool  # C09 Appendix V overtime items verified so far
    prohibited_15_17: bool  # LC 147
    label: Text
    legal_basis: Text
    source: str


class ContractType(_Frozen):
    """A value of the roster's `contract_type` column. `apprentice`: học nghề / tập nghề (LC art. 61), which LC
    art. 61(4) allows from 14, or from 18 in a trade on the heavy/hazardous list."""

    type: str
    apprentice: bool
    aliases: tuple[str, ...]  # spellings, compared folded (no accents, lower case, single spaces)
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
    # limitation period for imposing the fine (D283 art. 3(4)(a): 1 year for labour); None: not encoded
    limitation_years: int | None = None
    limitation_basis: str = ""
    effective_from: date
    effective_to: date | None
    source: str

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class LawTables(_Frozen):
    rules: tuple[Rule, ...]
    codes: dict[str, WorkCode]
    fines: tuple[FineBand, ...]
    contract_types: dict[str, ContractType] = {}
    # roster column name -> its label (criteria/columns/roster.csv): messages name a column as the template does
    columns: dict[str, Text] = {}

    def code_phrase(self, code: str | None) -> Text:
        """A job or workplace code as people read it: its label, then the code in parentheses."""
        if not code:
            return Text(vi="chưa phân loại (chưa ghi mã)", en="not classified (no code)")
        known = self.codes.get(code)
        if known is None:
            return Text(vi=f"mã “{code}”", en=f"code “{code}”")
        return Text(vi=f"“{_short(known.label.vi)}” ({code})", en=f"“{_short(known.label.en)}” ({code})")

    def column_label(self, name: str) -> Text:
        label = self.columns.get(name)
        return Text(vi=f"“{label.vi}”", en=f"“{label.en}”") if label else Text(vi=name, en=name)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def contract_type(self, value: Any) -> ContractType | None:
        """The contract type a roster cell names (by its type or any alias, accents and case ignored)."""
        key = fold(value)
        return next((c for c in self.contract_types.values()
                     if key == fold(c.type) or key in {fold(a) for a in c.aliases}), None)

    def fine(self, band: str, on: date) -> FineBand | None:
        return next((f for f in self.fines if f.band == band and f.in_force(on)), None)


def _short(label: str) -> str:
    """A code label without its notes and examples (they follow a parenthesis or a semicolon)."""
    for mark in (" (", ";"):
        label = label.split(mark, 1)[0]
    return label.strip()


RULES = SheetSpec("minor_workers", ("id", "group", "effect", "severity", "deadline_days", "ages", "params", "fine_band",
                                    "fine_point", "effective_from", "effective_to"),
                  ("id", "group", "effect", "severity", "deadline_days", "ages", "params", "fine_band", "fine_point",
                   "effective_from", "effective_to"),
                  ("title", "legal_basis", "message", "action"), ("title", "legal_basis", "message", "action"))
CODES = SheetSpec("work_codes", ("code", "applies_to", "light_13_14", "under_13", "overtime_15_17",
                                 "prohibited_15_17", "source"),
                  ("code", "applies_to", "light_13_14", "under_13", "overtime_15_17", "prohibited_15_17", "source"),
                  ("label", "legal_basis"), ("label", "legal_basis"))
FINES = SheetSpec("fines", ("band", "decree", "clause", "fine_min_vnd", "fine_max_vnd", "per_worker", "cap_vnd",
                            "organisation_multiplier", "limitation_years", "limitation_basis", "effective_from",
                            "effective_to", "source"),
                  ("band", "decree", "clause", "fine_min_vnd", "fine_max_vnd", "per_worker", "cap_vnd",
                   "organisation_multiplier", "limitation_years", "limitation_basis", "effective_from", "effective_to",
                   "source"))
CONTRACTS = SheetSpec("contract_types", ("type", "apprentice", "aliases", "source"),
                      ("type", "apprentice", "aliases", "source"), ("label", "legal_basis"), ("label", "legal_basis"))


def _text(row: Row, name: str, required: bool = True) -> Text:
    vi, en = row.pair(name, required)
    return Text(vi=vi, en=en)


def _params(row: Row) -> dict[str, float]:
    """`max_day=4 max_week=20`: the numbers a rule's predicate reads."""
    out = {}
    for part in row.text("params").split():
        key, _, value = part.partition("=")
        try:
            out[key] = float(value)
        except ValueError:
            row.issue(ErrorCode.BAD_PARAM, "params", value=part)
    return out


def _dates(row: Row, required: bool) -> tuple[date | None, date | None]:
    start, end = row.day("effective_from", required), row.day("effective_to")
    if start and end and start > end:
        row.issue(ErrorCode.BAD_BOUNDS, "effective_to", low=start.isoformat(), high=end.isoformat())
    return start, end


def _rule(row: Row, bands: set[str] | None) -> dict[str, Any]:
    groups = tuple(g.strip() for g in row.text("group", required=True).split("|") if g.strip())
    for g in groups:
        if g not in get_args(Group):
            row.issue(ErrorCode.BAD_OPTION, "group", value=g, options=", ".join(get_args(Group)))
    fine_band = row.text("fine_band") or None
    if fine_band and bands is not None and fine_band not in bands:
        row.issue(ErrorCode.UNKNOWN_REFERENCE, "fine_band", value=fine_band, target="law/fines.csv (band)")
    start, end = _dates(row, required=False)
    return dict(id=row.text("id", required=True), groups=groups, effect=row.option("effect", get_args(Effect)),
                severity=row.option("severity", PRIORITIES),
                deadline_days=row.integer("deadline_days", required=False, low=0), ages=row.text("ages"),
                params=_params(row), title=_text(row, "title"), legal_basis=_text(row, "legal_basis", required=False), fine_band=fine_band, fine_point=row.text("fine_point"),
                message=_text(row, "message"), action=_text(row, "action"), effective_from=start, effective_to=end)


def _code(row: Row) -> dict[str, Any]:
    return dict(code=row.text("code", required=True), applies_to=row.option("applies_to", get_args(AppliesTo)),
                light_13_14=row.yes_no("light_13_14"), under_13=row.yes_no("under_13"),
                overtime_15_17=row.yes_no("overtime_15_17"), prohibited_15_17=row.yes_no("prohibited_15_17"),
                label=_text(row, "label"), legal_basis=_text(row, "legal_basis"), source=row.text("source"))


def _contract(row: Row) -> dict[str, Any]:
    return dict(type=row.text("type", required=True), apprentice=row.yes_no("apprentice"),
                aliases=tuple(a.strip() for a in row.text("aliases").split("|") if a.strip()),
                label=_text(row, "label"), legal_basis=_text(row, "legal_basis"), source=row.text("source"))


def _fine(row: Row) -> dict[str, Any]:
    low, high = row.integer("fine_min_vnd", low=0), row.integer("fine_max_vnd", low=0)
    if low is not None and high is not None and low > high:
        row.issue(ErrorCode.BAD_BOUNDS, "fine_max_vnd", low=low, high=high)
    start, end = _dates(row, required=True)
    return dict(band=row.text("band", required=True), decree=row.text("decree", required=True),
                clause=row.text("clause", required=True), fine_min_vnd=low, fine_max_vnd=high,
                per_worker=row.yes_no("per_worker"), cap_vnd=row.integer("cap_vnd", required=False, low=0),
                organisation_multiplier=row.integer("organisation_multiplier", low=1),
                limitation_years=row.integer("limitation_years", required=False, low=1),
                limitation_basis=row.text("limitation_basis"), effective_from=start,
                effective_to=end, source=row.text("source"))


def _load(folder: Path, spec: SheetSpec, model: type[BaseModel], build: Any, key: str | None,
          issues: list[LoadIssue]) -> tuple[list[tuple[int, Any]], Sheet] | None:
    """The models of one file and the file (None if it cannot be read); a row with a problem is reported, and so
    is a `key` used twice."""
    label = f"law/{spec.name}.csv"
    sheet = read_data_file(folder / f"{spec.name}.csv", spec, label, issues)
    if sheet is None:
        return None
    out = []
    for row in rows(sheet, issues):
        data = build(row)
        if row.ok:
            obj = validated(model, data, label, row.number, issues)
            if obj is not None:
                out.append((row.number, obj))
    if key:
        duplicates(label, key, [(n, getattr(m, key)) for n, m in out], issues)
    return out, sheet


def load_law(folder: Path | None = None) -> LawTables:
    """Read and check the three tables (default: `law/` of the data files); raise every problem at once."""
    folder = folder or law_dir()
    issues: list[LoadIssue] = []
    fines = _load(folder, FINES, FineBand, _fine, None, issues)  # a band has a row per period
    # every band named in fines.csv, even on a row with a problem: that row is reported once, not once per rule
    bands = {(c.get("band") or "").strip() for _, c in fines[1].rows} if fines else None
    rules = _load(folder, RULES, Rule, lambda row: {**_rule(row, bands), "row": row.number}, "id", issues)
    codes = _load(folder, CODES, WorkCode, _code, "code", issues)
    contracts = _load(folder, CONTRACTS, ContractType, _contract, "type", issues)
    if issues or rules is None or codes is None or fines is None or contracts is None:
        raise CriteriaLoadError(issues, str(folder))
    return LawTables(rules=tuple(r for _, r in rules[0]), codes={c.code: c for _, c in codes[0]},
                     fines=tuple(f for _, f in fines[0]), contract_types={c.type: c for _, c in contracts[0]},
                     columns=_column_labels(folder))


def _column_labels(folder: Path) -> dict[str, Text]:
    """The roster columns' labels, from the `columns/` beside `law/` (else the default ones). Their file is
    checked by its own loader; without it, messages fall back to the column names."""
    from criteria.column_specs import load_table_spec

    beside = folder.parent / "columns"
    try:
        spec = load_table_spec("roster", beside if (beside / "roster.csv").exists() else None)
    except (CriteriaLoadError, OSError):
        return {}
    return {c.name: c.label for c in spec.columns if c.label.vi and c.label.en}


@lru_cache(maxsize=4)
def _cached(folder: str) -> LawTables:
    return load_law(Path(folder))


def default_law() -> LawTables:
    """The law tables of the data files, read once per process (per folder)."""
    return _cached(str(law_dir()))
