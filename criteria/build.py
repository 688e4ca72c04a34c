"""Building, the second step of loading a criteria set: each sheet's rows become pydantic models (`Parts`), and
every cell pydantic rejects becomes a `LoadIssue` naming the file, row and column. Checks across sheets come after,
in `criteria.validate`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from pydantic import BaseModel, ValidationError

from criteria.errors import ErrorCode, LoadIssue
from criteria.schema import (
    Band,
    Choice,
    ChoiceList,
    Derivation,
    Indicator,
    PriorityLevel,
    Section,
    Settings,
    Text,
)
from criteria.sheets import LANG_NAMES, SHEETS, Row, Sheet, SheetSpec, duplicates, hint, rows

SETTING_KEYS = ("criteria_id", "version", "effective_date", "status", "validity_months", "section_weight_total",
                "indicator_weight_total")
# Optional keys (older criteria files lack them; schema.py gives what they default to).
OPTIONAL_SETTING_KEYS = ("statement_validity_months", "dispute_days", "onsite_tiers", "four_eyes_tiers",
                         "supplier_check_if", "expiry_notice_days", "reassess_without_document_months")
TIER_LIST_SETTINGS = ("onsite_tiers", "four_eyes_tiers")
SETTING_TEXTS = ("scheme_name", "notice")
REQUIRED_SETTING_TEXTS = ("scheme_name",)

# Field ranges used in messages, matching the Field constraints in schema.py.
_RANGES = {"score": (0, 100), "min_total": (0, 100), "min_section": (0, 100), "validity_months": (1, 120),
           "statement_validity_months": (1, 120), "dispute_days": (0, 365), "expiry_notice_days": (1, 365),
           "reassess_without_document_months": (1, 120),
           "deadline_days": (0, 3650), "weight": (0, "∞"), "section_weight_total": (0, "∞"),
           "indicator_weight_total": (0, "∞")}


@dataclass
class Parts:
    """The models of each sheet, with the row each came from (for messages about it later)."""

    settings: Settings | None
    setting_rows: dict[str, int]
    sections: list[tuple[int, Section]]
    lists: dict[str, ChoiceList]
    indicators: list[tuple[int, Indicator]]
    bands: list[tuple[int, Band]]
    priorities: list[tuple[int, PriorityLevel]]
    derivations: dict[str, Derivation]
    labels: dict[str, str] = field(default_factory=dict)  # sheet name -> how messages name it


def build_parts(sheets: dict[str, Sheet], issues: list[LoadIssue]) -> Parts:
    """Every sheet's rows as models; problems within a row go to `issues`."""
    setting_rows: dict[str, int] = {}
    settings = build_settings(sheets["settings"], issues, setting_rows)
    sections = _models(sheets["sections"], SHEETS["sections"], Section, issues)
    duplicates(sheets["sections"].label, "id", [(r, s.id) for r, s in sections], issues)
    lists = build_lists(sheets["choices"], issues)
    indicators = _models(sheets["indicators"], SHEETS["indicators"], Indicator, issues, _split_type)
    duplicates(sheets["indicators"].label, "id", [(r, i.id) for r, i in indicators], issues)
    bands = _models(sheets["bands"], SHEETS["bands"], Band, issues)
    duplicates(sheets["bands"].label, "id", [(r, b.id) for r, b in bands], issues)
    prios = _models(sheets["priorities"], SHEETS["priorities"], PriorityLevel, issues)
    duplicates(sheets["priorities"].label, "id", [(r, p.id) for r, p in prios], issues)
    return Parts(settings, setting_rows, sections, lists, indicators, bands, prios,
                 build_derivations(sheets["derivations"], issues), {n: s.label for n, s in sheets.items()})


# --------------------------------------------------------------------------------------------- pydantic issues


def _pydantic_issues(exc: ValidationError, sheet_label: str, row: int | None, column_of: dict[str, str],
                     raw: dict[str, Any]) -> list[LoadIssue]:
    issues = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else ""
        value = raw.get(name, "")
        code, params = _issue_code(err, name, value)
        issues.append(LoadIssue(code, sheet_label, row, column_of.get(name, name), params))
    return issues


def _issue_code(err: Any, name: str, value: Any) -> tuple[ErrorCode, dict[str, Any]]:
    kind = err["type"]
    if kind == "missing":
        return ErrorCode.VALUE_REQUIRED, {}
    if kind in ("float_parsing", "float_type"):
        return ErrorCode.BAD_NUMBER, {"value": value}
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return ErrorCode.BAD_INTEGER, {"value": value}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = _RANGES.get(name, ("-∞", "∞"))
        return ErrorCode.OUT_OF_RANGE, {"value": value, "low": low, "high": high}
    if kind == "literal_error":
        return ErrorCode.BAD_OPTION, {"value": value, "options": err["ctx"]["expected"]}
    if kind == "bool_parsing":
        return ErrorCode.BAD_OPTION, {"value": value, "options": "yes, no"}
    if kind.startswith("date"):
        return ErrorCode.BAD_DATE, {"value": value}
    if kind == "string_pattern_mismatch":
        return ErrorCode.BAD_ID, {"value": value}
    return ErrorCode.VALUE_INVALID, {"reason": err["msg"]}


def validated(model: type[BaseModel], data: dict[str, Any], sheet_label: str, row: int,
              issues: list[LoadIssue], column_of: dict[str, str] | None = None) -> Any:
    """`model` built from a row's data, or None with each field pydantic rejects recorded as an issue."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues.extend(_pydantic_issues(exc, sheet_label, row, column_of or {}, data))
        return None


# ------------------------------------------------------------------------------------------------------ rows


def _plain(cells: dict[str, str], names: Iterable[str]) -> dict[str, str]:
    """Non-blank plain cells, stripped; blank cells are left out so that model defaults apply."""
    out = {}
    for name in names:
        value = (cells.get(name) or "").strip()
        if value:
            out[name] = value
    return out


def _texts(row: Row, names: Iterable[str], required: Iterable[str]) -> dict[str, Text]:
    required = set(required)
    return {name: Text(vi=vi, en=en) for name in names for vi, en in [row.pair(name, name in required)]}


def _models(sheet: Sheet, spec: SheetSpec, model: type[BaseModel], issues: list[LoadIssue],
            prepare: Callable[[Row, dict[str, Any]], dict[str, Any] | None] | None = None) -> list[tuple[int, Any]]:
    out = []
    for row in rows(sheet, issues):
        data: dict[str, Any] = _plain(row.cells, spec.plain)
        data.update(_texts(row, spec.texts, spec.required_texts))
        if prepare:
            data = prepare(row, data)
            if data is None:
                continue
        obj = validated(model, data, sheet.label, row.number, issues, {"kind": "type", "list_name": "type"})
        if obj is not None:
            out.append((row.number, obj))
    return out


def _split_type(row: Row, data: dict[str, Any]) -> dict[str, Any] | None:
    """`select_one LIST` in the `type` column becomes the indicator's kind and list name."""
    raw = (data.pop("type", "") or "").split()
    if not raw:
        row.issue(ErrorCode.VALUE_REQUIRED, "type")
        return None
    if raw[0] in ("select_one", "select_multiple") and len(raw) == 2:
        data["kind"], data["list_name"] = raw
    elif raw[0] in ("integer", "text") and len(raw) == 1:
        data["kind"] = raw[0]
    else:
        row.issue(ErrorCode.BAD_TYPE, "type", value=" ".join(raw))
        return None
    data["row"] = row.number
    return data


# ---------------------------------------------------------------------------------------------------- sheets


def build_settings(sheet: Sheet, issues: list[LoadIssue], rows_of: dict[str, int]) -> Settings | None:
    """The settings sheet (key, value); `rows_of` receives the row of each key, for messages about it later."""
    start = len(issues)
    values: dict[str, str] = {}
    allowed = [*SETTING_KEYS, *OPTIONAL_SETTING_KEYS, *(f"{t}::{lang}" for t in SETTING_TEXTS for lang in ("vi", "en"))]
    for row in rows(sheet, issues):
        key = row.text("key")
        if not key:
            continue
        if key not in allowed:
            row.issue(ErrorCode.COLUMN_UNKNOWN, "key", column=key, **hint(key, allowed))
        elif key in rows_of:
            row.issue(ErrorCode.DUPLICATE_ID, "key", value=key, first_row=rows_of[key])
        else:
            values[key] = row.text("value")
            rows_of[key] = row.number
    data: dict[str, Any] = {}
    for key in SETTING_KEYS:
        if values.get(key):
            data[key] = values[key]
        else:
            issues.append(LoadIssue(ErrorCode.SETTING_MISSING, sheet.label, rows_of.get(key), "key", {"value": key}))
    for key in OPTIONAL_SETTING_KEYS:
        if values.get(key):
            data[key] = tuple(values[key].split()) if key in TIER_LIST_SETTINGS else values[key]
    for t in SETTING_TEXTS:
        vi, en = values.get(f"{t}::vi", ""), values.get(f"{t}::en", "")
        if t in REQUIRED_SETTING_TEXTS or vi or en:
            for lang, v in (("vi", vi), ("en", en)):
                if not v:
                    issues.append(LoadIssue(ErrorCode.TEXT_MISSING, sheet.label, rows_of.get(f"{t}::{lang}"),
                                            f"{t}::{lang}", {"language": LANG_NAMES[lang]}))
        data[t] = Text(vi=vi, en=en)
    if len(issues) > start:
        return None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():  # each on the row of its key, in the `value` column
            name = str(err["loc"][0])
            code, params = _issue_code(err, name, data.get(name, ""))
            issues.append(LoadIssue(code, sheet.label, rows_of.get(name) or None, "value", params))
        return None


def build_lists(sheet: Sheet, issues: list[LoadIssue]) -> dict[str, ChoiceList]:
    """The choices sheet, grouped into lists; a list either scores every choice but `na`, or none."""
    choices = _models(sheet, SHEETS["choices"], Choice, issues)
    duplicates(sheet.label, "name", [(r, f"{c.list_name}/{c.name}") for r, c in choices], issues)
    grouped: dict[str, list[Choice]] = {}
    first_row: dict[str, int] = {}
    for row, c in choices:
        grouped.setdefault(c.list_name, []).append(c)
        first_row.setdefault(c.list_name, row)
        if c.na and c.score is not None:
            issues.append(LoadIssue(ErrorCode.NA_SCORED, sheet.label, row, "score"))
    for name, items in grouped.items():
        non_na = [c for c in items if not c.na]
        scored = [c for c in non_na if c.score is not None]
        if scored and len(scored) != len(non_na):
            issues.append(LoadIssue(ErrorCode.LIST_MIXED_SCORES, sheet.label, first_row[name], "score",
                                    {"value": name}))
    return {name: ChoiceList(name=name, choices=tuple(items)) for name, items in grouped.items()}


def build_derivations(sheet: Sheet, issues: list[LoadIssue]) -> dict[str, Derivation]:
    """The answers the roster and supplier checks can supply, by key (`roster.minimum_age`)."""
    out: dict[str, Derivation] = {}
    for row in rows(sheet, issues):
        key, values = row.text("key", required=True), row.text("values", required=True).split()
        vi, en = row.pair("label")
        if key in out:
            first = next(n for n, c in sheet.rows if (c.get("key") or "").strip() == key)
            row.issue(ErrorCode.DUPLICATE_ID, "key", value=key, first_row=first)
        elif key:  # kept even if incomplete, so that the indicators using it are not reported as well
            out[key] = Derivation(key=key, values=tuple(values), label=Text(vi=vi, en=en))
    return out
