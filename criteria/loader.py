"""Read a criteria set (a folder of CSV sheets, or an Excel workbook with the same sheets), validate it, and
return a `Criteria` model. Every problem is collected and reported with file, row and column."""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from criteria.conditions import ConditionSyntaxError, parse_condition
from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.schema import (
    Band,
    Choice,
    ChoiceList,
    Criteria,
    Derivation,
    Indicator,
    PriorityLevel,
    Section,
    Settings,
    Text,
)

from criteria.paths import DEFAULT_CRITERIA, DERIVATIONS_FILE
LANG_NAMES = {"vi": "tiếng Việt (::vi)", "en": "English (::en)"}


@dataclass(frozen=True)
class SheetSpec:
    name: str
    plain: tuple[str, ...]  # plain columns, in order
    required: tuple[str, ...]  # plain columns that must be present in the header
    texts: tuple[str, ...]  # bilingual columns: x::vi and x::en
    required_texts: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        cols = list(self.plain)
        for t in self.texts:
            cols += [f"{t}::vi", f"{t}::en"]
        return cols


SHEETS: dict[str, SheetSpec] = {
    "settings": SheetSpec("settings", ("key", "value"), ("key", "value"), (), ()),
    "sections": SheetSpec("sections", ("id", "weight"), ("id", "weight"), ("label", "description"), ("label",)),
    "indicators": SheetSpec(
        "indicators",
        ("id", "section", "type", "reference", "weight", "critical", "na_allowed", "evidence", "relevant",
         "derived_from", "priority"),
        ("id", "section", "type", "weight"),
        ("label", "guidance", "legal_basis", "evidence_hint", "remediation", "responsible"),
        ("label",),
    ),
    "choices": SheetSpec("choices", ("list_name", "name", "score", "na", "knockout"), ("list_name", "name"),
                         ("label",), ("label",)),
    "bands": SheetSpec("bands", ("id", "min_total", "min_section"), ("id", "min_total", "min_section"),
                       ("label", "description"), ("label",)),
    "priorities": SheetSpec("priorities", ("id", "deadline_days"), ("id", "deadline_days"),
                            ("label", "deadline"), ("label", "deadline")),
}

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
class Sheet:
    name: str
    label: str  # how messages name it: "indicators.csv" or "book.xlsx, sheet indicators"
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as a spreadsheet shows it, cells)


# --------------------------------------------------------------------------------------------------- reading


def read_csv_sheet(path: Path, name: str) -> Sheet:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    lines = list(reader)
    header = [h.strip() for h in lines[0]] if lines else []
    rows = []
    for n, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        rows.append((n, {header[i]: cells[i] for i in range(min(len(header), len(cells))) if header[i]}))
    return Sheet(name, path.name, header, rows)


def read_folder(folder: Path) -> tuple[dict[str, Sheet], list[LoadIssue]]:
    sheets: dict[str, Sheet] = {}
    issues: list[LoadIssue] = []
    for name in SHEETS:
        path = folder / f"{name}.csv"
        if not path.exists():
            issues.append(LoadIssue(ErrorCode.FILE_MISSING, f"{folder.name}/{name}.csv"))
            continue
        try:
            sheets[name] = read_csv_sheet(path, name)
        except (UnicodeDecodeError, csv.Error) as exc:
            issues.append(LoadIssue(ErrorCode.FILE_UNREADABLE, path.name, params={"reason": str(exc)}))
    return sheets, issues


def read_sheets(path: str | Path) -> tuple[dict[str, Sheet], list[LoadIssue], str]:
    """Read a criteria folder or an .xlsx workbook into sheets."""
    p = Path(path)
    if p.is_dir():
        sheets, issues = read_folder(p)
        return sheets, issues, str(p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from criteria.workbook import read_workbook

        sheets, issues = read_workbook(p)
        return sheets, issues, str(p)
    if not p.exists():
        return {}, [LoadIssue(ErrorCode.FILE_MISSING, str(p))], str(p)
    return {}, [LoadIssue(ErrorCode.FILE_UNREADABLE, str(p),
                          params={"reason": "expected a folder of CSV files or an .xlsx workbook"})], str(p)


# --------------------------------------------------------------------------------------------------- helpers


def _header_issues(sheet: Sheet, spec: SheetSpec) -> list[LoadIssue]:
    issues = []
    known = spec.columns
    for col in spec.required:
        if col not in sheet.header:
            issues.append(LoadIssue(ErrorCode.COLUMN_MISSING, sheet.label, 1, col, {"column": col}))
    for t in spec.required_texts:
        for lang in ("vi", "en"):
            col = f"{t}::{lang}"
            if col not in sheet.header:
                issues.append(LoadIssue(ErrorCode.COLUMN_MISSING, sheet.label, 1, col, {"column": col}))
    for col in sheet.header:
        if col and col not in known:
            close = difflib.get_close_matches(col, known, n=1)
            hint_vi = f"; có phải ý bạn là `{close[0]}`?" if close else ""
            hint_en = f"; did you mean `{close[0]}`?" if close else ""
            issues.append(LoadIssue(ErrorCode.COLUMN_UNKNOWN, sheet.label, 1, col,
                                    {"column": col, "hint_vi": hint_vi, "hint_en": hint_en}))
    return issues


def _texts(sheet: Sheet, row: int, cells: dict[str, str], names: Iterable[str], required: Iterable[str],
           issues: list[LoadIssue]) -> dict[str, Text]:
    out = {}
    required = set(required)
    for name in names:
        vi = (cells.get(f"{name}::vi") or "").strip()
        en = (cells.get(f"{name}::en") or "").strip()
        if name in required or vi or en:
            for lang, value in (("vi", vi), ("en", en)):
                if not value:
                    issues.append(LoadIssue(ErrorCode.TEXT_MISSING, sheet.label, row, f"{name}::{lang}",
                                            {"language": LANG_NAMES[lang]}))
        out[name] = Text(vi=vi, en=en)
    return out


def _pydantic_issues(exc: ValidationError, sheet_label: str, row: int, column_of: dict[str, str],
                     raw: dict[str, Any]) -> list[LoadIssue]:
    issues = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        column = column_of.get(field, field)
        value = raw.get(field, "")
        kind = err["type"]
        if kind == "missing":
            code, params = ErrorCode.VALUE_REQUIRED, {}
        elif kind in ("float_parsing", "float_type"):
            code, params = ErrorCode.BAD_NUMBER, {"value": value}
        elif kind in ("int_parsing", "int_from_float", "int_type"):
            code, params = ErrorCode.BAD_INTEGER, {"value": value}
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            low, high = _RANGES.get(field, ("-∞", "∞"))
            code, params = ErrorCode.OUT_OF_RANGE, {"value": value, "low": low, "high": high}
        elif kind == "literal_error":
            code, params = ErrorCode.BAD_OPTION, {"value": value, "options": err["ctx"]["expected"]}
        elif kind == "bool_parsing":
            code, params = ErrorCode.BAD_OPTION, {"value": value, "options": "yes, no"}
        elif kind.startswith("date"):
            code, params = ErrorCode.BAD_DATE, {"value": value}
        elif kind == "string_pattern_mismatch":
            code, params = ErrorCode.BAD_ID, {"value": value}
        else:
            code, params = ErrorCode.VALUE_INVALID, {"reason": err["msg"]}
        issues.append(LoadIssue(code, sheet_label, row, column, params))
    return issues


def _plain(cells: dict[str, str], names: Iterable[str]) -> dict[str, str]:
    """Non-blank plain cells, stripped; blank cells are left out so that model defaults apply."""
    out = {}
    for name in names:
        value = (cells.get(name) or "").strip()
        if value:
            out[name] = value
    return out


def _validate(model: type[BaseModel], data: dict[str, Any], sheet_label: str, row: int,
              issues: list[LoadIssue], column_of: dict[str, str] | None = None) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues.extend(_pydantic_issues(exc, sheet_label, row, column_of or {}, data))
        return None


def _duplicates(sheet: Sheet, key_column: str, keys: list[tuple[int, str]], issues: list[LoadIssue]) -> None:
    first: dict[str, int] = {}
    for row, key in keys:
        if key in first:
            issues.append(LoadIssue(ErrorCode.DUPLICATE_ID, sheet.label, row, key_column,
                                    {"value": key, "first_row": first[key]}))
        else:
            first[key] = row


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def _fmt(x: float) -> str:
    return f"{x:g}"


# --------------------------------------------------------------------------------------------------- sheets


def _load_settings(sheet: Sheet, issues: list[LoadIssue], rows: dict[str, int]) -> Settings | None:
    """The settings sheet; `rows` receives the row of each key, for messages about it later."""
    values: dict[str, str] = {}
    allowed = list(SETTING_KEYS) + list(OPTIONAL_SETTING_KEYS) + [f"{t}::{lang}" for t in SETTING_TEXTS for lang in ("vi", "en")]
    for row, cells in sheet.rows:
        key = (cells.get("key") or "").strip()
        if not key:
            continue
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            issues.append(LoadIssue(ErrorCode.COLUMN_UNKNOWN, sheet.label, row, "key", {
                "column": key, "hint_vi": f"; có phải ý bạn là `{close[0]}`?" if close else "",
                "hint_en": f"; did you mean `{close[0]}`?" if close else ""}))
            continue
        if key in rows:
            issues.append(LoadIssue(ErrorCode.DUPLICATE_ID, sheet.label, row, "key",
                                    {"value": key, "first_row": rows[key]}))
            continue
        values[key] = (cells.get("value") or "").strip()
        rows[key] = row
    data: dict[str, Any] = {}
    for key in SETTING_KEYS:
        if values.get(key):
            data[key] = values[key]
        else:
            issues.append(LoadIssue(ErrorCode.SETTING_MISSING, sheet.label, rows.get(key), "key", {"value": key}))
    for key in OPTIONAL_SETTING_KEYS:
        if values.get(key):
            data[key] = tuple(values[key].split()) if key in TIER_LIST_SETTINGS else values[key]
    for t in SETTING_TEXTS:
        vi, en = values.get(f"{t}::vi", ""), values.get(f"{t}::en", "")
        if t in REQUIRED_SETTING_TEXTS or vi or en:
            for lang, v in (("vi", vi), ("en", en)):
                if not v:
                    issues.append(LoadIssue(ErrorCode.TEXT_MISSING, sheet.label, rows.get(f"{t}::{lang}"),
                                            f"{t}::{lang}", {"language": LANG_NAMES[lang]}))
        data[t] = Text(vi=vi, en=en)
    if any(i.file == sheet.label for i in issues):
        return None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0])
            sub = _pydantic_issues(ValidationError.from_exception_data("Settings", [err]), sheet.label,
                                   rows.get(field, 0) or None, {}, data)
            issues.extend(LoadIssue(i.code, i.file, i.row, "value", i.params) for i in sub)
        return None


def _load_rows(sheet: Sheet, spec: SheetSpec, model: type[BaseModel], issues: list[LoadIssue],
               extra: Any = None) -> list[tuple[int, Any]]:
    out = []
    for row, cells in sheet.rows:
        data: dict[str, Any] = _plain(cells, spec.plain)
        data.update(_texts(sheet, row, cells, spec.texts, spec.required_texts, issues))
        if extra:
            data = extra(row, data)
            if data is None:
                continue
        obj = _validate(model, data, sheet.label, row, issues, {"kind": "type", "list_name": "type"})
        if obj is not None:
            out.append((row, obj))
    return out


def load_derivations(path: Path = DERIVATIONS_FILE) -> dict[str, Derivation]:
    """The answers that the roster and supplier checks can supply (`derived_from` keys)."""
    sheet = read_csv_sheet(path, "derivations")
    out = {}
    for _row, cells in sheet.rows:
        key = cells["key"].strip()
        out[key] = Derivation(key=key, values=tuple(cells["values"].split()),
                              label=Text(vi=cells["label::vi"].strip(), en=cells["label::en"].strip()))
    return out


# --------------------------------------------------------------------------------------------------- building


def build_criteria(sheets: dict[str, Sheet], source: str = "") -> Criteria:
    """Validate sheets into a Criteria set, or raise CriteriaLoadError listing every problem found."""
    issues: list[LoadIssue] = []
    for name, spec in SHEETS.items():
        if name in sheets:
            issues += _header_issues(sheets[name], spec)
    if issues or len(sheets) < len(SHEETS):
        raise CriteriaLoadError(issues)

    setting_rows: dict[str, int] = {}
    settings = _load_settings(sheets["settings"], issues, setting_rows)

    sec_sheet = sheets["sections"]
    sections = _load_rows(sec_sheet, SHEETS["sections"], Section, issues)
    _duplicates(sec_sheet, "id", [(r, s.id) for r, s in sections], issues)
    section_ids = {s.id for _, s in sections}

    ch_sheet = sheets["choices"]
    choices = _load_rows(ch_sheet, SHEETS["choices"], Choice, issues)
    _duplicates(ch_sheet, "name", [(r, f"{c.list_name}/{c.name}") for r, c in choices], issues)
    lists: dict[str, ChoiceList] = {}
    list_rows: dict[str, int] = {}
    grouped: dict[str, list[Choice]] = {}
    for row, c in choices:
        grouped.setdefault(c.list_name, []).append(c)
        list_rows.setdefault(c.list_name, row)
        if c.na and c.score is not None:
            issues.append(LoadIssue(ErrorCode.VALUE_INVALID, ch_sheet.label, row, "score",
                                    {"reason": "the `na` choice carries no score / lựa chọn `na` không có điểm"}))
    for name, items in grouped.items():
        non_na = [c for c in items if not c.na]
        scored = [c for c in non_na if c.score is not None]
        if scored and len(scored) != len(non_na):
            issues.append(LoadIssue(ErrorCode.LIST_MIXED_SCORES, ch_sheet.label, list_rows[name], "score",
                                    {"value": name}))
        lists[name] = ChoiceList(name=name, choices=tuple(items))

    ind_sheet = sheets["indicators"]

    def split_type(row: int, data: dict[str, Any]) -> dict[str, Any] | None:
        raw = (data.pop("type", "") or "").split()
        if not raw:
            issues.append(LoadIssue(ErrorCode.VALUE_REQUIRED, ind_sheet.label, row, "type"))
            return None
        if raw[0] in ("select_one", "select_multiple") and len(raw) == 2:
            data["kind"], data["list_name"] = raw
        elif raw[0] in ("integer", "text") and len(raw) == 1:
            data["kind"] = raw[0]
        else:
            issues.append(LoadIssue(ErrorCode.BAD_TYPE, ind_sheet.label, row, "type", {"value": " ".join(raw)}))
            return None
        data["row"] = row
        return data

    indicators = _load_rows(ind_sheet, SHEETS["indicators"], Indicator, issues, split_type)
    _duplicates(ind_sheet, "id", [(r, i.id) for r, i in indicators], issues)
    order = {i.id: n for n, (_, i) in enumerate(indicators)}
    by_id = {i.id: i for _, i in indicators}
    derivations = load_derivations()
    conditions = {}
    for row, ind in indicators:
        label = ind_sheet.label
        if ind.section not in section_ids:
            issues.append(LoadIssue(ErrorCode.UNKNOWN_REFERENCE, label, row, "section",
                                    {"value": ind.section, "target": "sections"}))
        clist = lists.get(ind.list_name) if ind.list_name else None
        if ind.list_name and clist is None:
            issues.append(LoadIssue(ErrorCode.UNKNOWN_REFERENCE, label, row, "type",
                                    {"value": ind.list_name, "target": "choices (list_name)"}))
        if ind.scored and (clist is None or not clist.scored):
            if clist is not None or ind.kind in ("integer", "text"):
                issues.append(LoadIssue(ErrorCode.SCORED_NEEDS_CHOICES, label, row, "weight"))
        if ind.critical and clist is not None and not clist.has_knockout:
            issues.append(LoadIssue(ErrorCode.CRITICAL_NEEDS_KNOCKOUT, label, row, "critical"))
        if ind.scored:
            for lang in ("vi", "en"):
                if not ind.remediation:  # one missing translation is already reported by _texts
                    issues.append(LoadIssue(ErrorCode.TEXT_MISSING, label, row, f"remediation::{lang}",
                                            {"language": LANG_NAMES[lang]}))
            if not ind.reference:
                issues.append(LoadIssue(ErrorCode.VALUE_REQUIRED, label, row, "reference"))
        if ind.relevant:
            try:
                cond = parse_condition(ind.relevant)
            except ConditionSyntaxError as exc:
                issues.append(LoadIssue(ErrorCode.CONDITION_SYNTAX, label, row, "relevant",
                                        {"position": exc.position + 1, "reason": exc.message}))
            else:
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
                    issues.append(LoadIssue(code, label, row, "relevant", {"value": ref}))
                if ok:
                    conditions[ind.id] = cond
        if ind.derived_from:
            deriv = derivations.get(ind.derived_from)
            if deriv is None:
                issues.append(LoadIssue(ErrorCode.DERIVED_UNKNOWN, label, row, "derived_from",
                                        {"value": ind.derived_from, "options": ", ".join(derivations)}))
            elif clist is not None:
                for value in deriv.values:
                    if clist.get(value) is None:
                        issues.append(LoadIssue(ErrorCode.DERIVED_CHOICE, label, row, "derived_from", {
                            "derivation": deriv.key, "value": value, "list": clist.name}))

    # Weights: sections add up to the declared total; so do the scored indicators of each weighted section.
    # Skipped when a row of indicators.csv is already wrong, since the totals would only echo that mistake.
    if settings is not None and not any(i.file == ind_sheet.label for i in issues):
        total = sum(s.weight for _, s in sections)
        if sections and not _close(total, settings.section_weight_total):
            issues.append(LoadIssue(ErrorCode.WEIGHT_TOTAL, sec_sheet.label, None, "weight", {
                "scope": "sections", "total": _fmt(total), "expected": _fmt(settings.section_weight_total)}))
        for row, sec in sections:
            ind_total = sum(i.weight for _, i in indicators if i.section == sec.id)
            if sec.weight > 0 and not _close(ind_total, settings.indicator_weight_total):
                issues.append(LoadIssue(ErrorCode.WEIGHT_TOTAL, ind_sheet.label, None, "weight", {
                    "scope": f"section {sec.id}", "total": _fmt(ind_total),
                    "expected": _fmt(settings.indicator_weight_total)}))
            if sec.weight == 0 and ind_total > 0:
                issues.append(LoadIssue(ErrorCode.WEIGHT_TOTAL, ind_sheet.label, None, "weight", {
                    "scope": f"section {sec.id}", "total": _fmt(ind_total), "expected": 0}))

    band_sheet = sheets["bands"]
    bands = _load_rows(band_sheet, SHEETS["bands"], Band, issues)
    _duplicates(band_sheet, "id", [(r, b.id) for r, b in bands], issues)
    if not bands and not any(i.file == band_sheet.label for i in issues):
        issues.append(LoadIssue(ErrorCode.VALUE_REQUIRED, band_sheet.label, 2, "id"))

    pr_sheet = sheets["priorities"]
    prios = _load_rows(pr_sheet, SHEETS["priorities"], PriorityLevel, issues)
    _duplicates(pr_sheet, "id", [(r, p.id) for r, p in prios], issues)
    have = {p.id for _, p in prios}
    for needed in ("critical", "major", "minor"):
        if needed not in have and not any(i.file == pr_sheet.label for i in issues):
            issues.append(LoadIssue(ErrorCode.UNKNOWN_REFERENCE, pr_sheet.label, None, "id",
                                    {"value": needed, "target": "priorities"}))

    if settings is not None:
        _check_setting_references(settings, sheets["settings"].label, setting_rows, {b.id for _, b in bands},
                                  by_id, issues)

    if issues or settings is None:
        raise CriteriaLoadError(issues)

    return Criteria(
        settings=settings,
        sections=tuple(s for _, s in sections),
        indicators=tuple(i for _, i in indicators),
        lists=lists,
        bands=tuple(sorted((b for _, b in bands), key=lambda b: (b.min_total, b.min_section))),
        priorities={p.id: p for _, p in prios},
        conditions=conditions,
        source=source,
        fingerprint=fingerprint(sheets),
    )


def _check_setting_references(settings: Settings, label: str, rows: dict[str, int], band_ids: set[str],
                              indicators: dict[str, Indicator], issues: list[LoadIssue]) -> None:
    """Tiers named in the settings are bands; the supplier-check condition parses and names known questions."""
    for key in TIER_LIST_SETTINGS:
        for tier in getattr(settings, key):
            if tier not in band_ids:
                issues.append(LoadIssue(ErrorCode.UNKNOWN_REFERENCE, label, rows.get(key), "value",
                                        {"value": tier, "target": "bands (id)"}))
    if settings.supplier_check_if:
        try:
            cond = parse_condition(settings.supplier_check_if)
        except ConditionSyntaxError as exc:
            issues.append(LoadIssue(ErrorCode.CONDITION_SYNTAX, label, rows.get("supplier_check_if"), "value",
                                    {"position": exc.position + 1, "reason": exc.message}))
            return
        for ref in cond.refs:
            if ref not in indicators:
                issues.append(LoadIssue(ErrorCode.CONDITION_UNKNOWN_ID, label, rows.get("supplier_check_if"),
                                        "value", {"value": ref}))


def fingerprint(sheets: dict[str, Sheet]) -> str:
    """SHA-256 of the sheets' cells, the same whether they came from CSV files or a workbook."""
    canon = {name: [sorted((k, v.strip()) for k, v in cells.items() if k) for _, cells in sheets[name].rows]
             for name in sorted(sheets)}
    blob = json.dumps(canon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def load_criteria(path: str | Path | None = None) -> Criteria:
    """Load and validate a criteria set (default: the shipped reference set)."""
    sheets, issues, source = read_sheets(path or DEFAULT_CRITERIA)
    if issues:
        raise CriteriaLoadError(issues, source)
    try:
        return build_criteria(sheets, source)
    except CriteriaLoadError as exc:
        exc.source = source
        raise


_default_cache: dict[str, Criteria] = {}


def default_criteria() -> Criteria:
    """The shipped reference set, loaded once per process."""
    key = str(DEFAULT_CRITERIA)
    if key not in _default_cache:
        _default_cache[key] = load_criteria(DEFAULT_CRITERIA)
    return _default_cache[key]

