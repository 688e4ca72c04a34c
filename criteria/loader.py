"""Load a criteria set (a folder of CSV sheets, or an Excel workbook with the same sheets) in three steps: parse
(`criteria.sheets`, `criteria.workbook`), build (`criteria.build`) and validate (`criteria.validate`). Every problem
is collected and reported with file, row and column; the set's fingerprint covers every sheet it was built from,
`criteria/derivations.csv` included."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from criteria.build import build_parts
from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.paths import DEFAULT_CRITERIA, award_dir, derivations_file
from criteria.schema import Criteria
from criteria.sheets import DERIVATIONS, SHEETS, Sheet, header_issues, read_csv_file
from criteria.validate import validate_parts
from criteria.workbook import read_workbook, sheet_to_csv

__all__ = ["DEFAULT_CRITERIA", "Sheet", "build_criteria", "fingerprint", "import_workbook", "load_criteria",
           "read_folder", "read_sheets"]


def read_folder(folder: Path) -> tuple[dict[str, Sheet], list[LoadIssue]]:
    sheets: dict[str, Sheet] = {}
    issues: list[LoadIssue] = []
    for name in SHEETS:
        path = folder / f"{name}.csv"
        label = path.name if path.is_file() else f"{folder.name}/{name}.csv"
        sheet = read_csv_file(path, name, label, issues)
        if sheet is not None:
            sheets[name] = sheet
    return sheets, issues


def read_sheets(path: str | Path) -> tuple[dict[str, Sheet], list[LoadIssue], str]:
    """Read a criteria folder or an .xlsx workbook into sheets (the award's own, without derivations)."""
    p = Path(path)
    if p.is_dir():
        sheets, issues = read_folder(p)
        return sheets, issues, str(p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        sheets, issues = read_workbook(p)
        return sheets, issues, str(p)
    if not p.exists():
        return {}, [LoadIssue(ErrorCode.FILE_MISSING, str(p))], str(p)
    return {}, [LoadIssue(ErrorCode.FILE_UNREADABLE, str(p),
                          params={"reason": "expected a folder of CSV files or an .xlsx workbook"})], str(p)


def read_derivations(path: Path | None = None) -> tuple[Sheet | None, list[LoadIssue]]:
    """The derivations sheet (`criteria/derivations.csv`, or the one under $ACCREDITATION_CRITERIA_DIR)."""
    issues: list[LoadIssue] = []
    sheet = read_csv_file(path or derivations_file(), "derivations", "derivations.csv", issues)
    return sheet, issues


def build_criteria(sheets: dict[str, Sheet], source: str = "") -> Criteria:
    """Validate sheets into a Criteria set, or raise CriteriaLoadError listing every problem found.

    Without a `derivations` sheet (a snapshot stored before derivations were, or inline test tables) the current
    derivations file is used, and the fingerprint covers the sheets given, as it did when the snapshot was taken."""
    issues: list[LoadIssue] = []
    parts_of = dict(sheets)
    if "derivations" not in parts_of:
        derivations, issues = read_derivations()
        if derivations is not None:
            parts_of["derivations"] = derivations
    for name, spec in {**SHEETS, "derivations": DERIVATIONS}.items():
        if name in parts_of:
            issues += header_issues(parts_of[name], spec)
        elif name != "derivations":  # a derivations file that cannot be read is reported by read_derivations
            issues.append(LoadIssue(ErrorCode.FILE_MISSING, f"{name}.csv"))
    issues += condition_issues(parts_of)
    if issues:
        raise CriteriaLoadError(issues, source)
    parts = build_parts(parts_of, issues)
    try:
        conditions = validate_parts(parts, issues)
    except (RecursionError, ValueError) as exc:  # a condition the checks above did not foresee
        issues.append(LoadIssue(ErrorCode.VALUE_INVALID, parts_of["indicators"].label, None, "relevant",
                                {"reason": f"a condition cannot be read ({type(exc).__name__}; at most "
                                           f"{MAX_CONDITION_DEPTH} levels of brackets and `not`)"}))
        conditions = {}
    if issues or parts.settings is None:
        raise CriteriaLoadError(issues, source)
    return Criteria(
        settings=parts.settings,
        sections=tuple(s for _, s in parts.sections),
        indicators=tuple(i for _, i in parts.indicators),
        lists=parts.lists,
        bands=tuple(sorted((b for _, b in parts.bands), key=lambda b: (b.min_total, b.min_section))),
        priorities={p.id: p for _, p in parts.priorities},
        conditions=conditions,
        source=source,
        fingerprint=fingerprint(sheets),
        sheets=dict(sheets),
    )


MAX_CONDITION_DEPTH = 32  # brackets and `not`s inside one another; real skip logic uses two or three
_NOT = re.compile(r"(?<![A-Za-z0-9_{-])not(?![A-Za-z0-9_}-])", re.IGNORECASE)


def condition_depth(text: str) -> int:
    """How deeply a `relevant` condition nests: the deepest bracket plus every `not` (each is one level of the
    recursive parser in criteria.conditions). Quoted text is not counted."""
    text = re.sub(r"'[^']*'", "''", text)
    deepest = depth = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest + len(_NOT.findall(text))


MAX_CONDITION_DIGITS = 30  # a number in a condition (a head count, a score) never has more digits
_LONG_NUMBER = re.compile(rf"\d{{{MAX_CONDITION_DIGITS + 1},}}")


def condition_issues(sheets: dict[str, Sheet]) -> list[LoadIssue]:
    """Conditions (`relevant` of the indicators, `supplier_check_if` of the settings) nested deeper than
    MAX_CONDITION_DEPTH or holding a number of more than MAX_CONDITION_DIGITS digits, named by file, row and column
    before anything parses them: deeper nesting exhausts the parser's recursion and a 5,000-digit number its
    integer conversion (a crafted workbook, not skip logic anyone writes)."""
    issues = []
    places = []
    if "indicators" in sheets:
        places += [(sheets["indicators"], row, "relevant", cells.get("relevant") or "")
                   for row, cells in sheets["indicators"].rows]
    if "settings" in sheets:
        places += [(sheets["settings"], row, "value", cells.get("value") or "") for row, cells in sheets["settings"].rows
                   if (cells.get("key") or "").strip() == "supplier_check_if"]
    for sheet, row, column, text in places:
        reasons = []
        if "(" in text or "not" in text.lower():
            depth = condition_depth(text)
            if depth > MAX_CONDITION_DEPTH:
                reasons.append(f"the condition is nested {depth} levels deep (at most {MAX_CONDITION_DEPTH} levels "
                               "of brackets and `not`)")
        if _LONG_NUMBER.search(re.sub(r"'[^']*'", "''", text)):
            reasons.append(f"the condition has a number of more than {MAX_CONDITION_DIGITS} digits")
        issues += [LoadIssue(ErrorCode.VALUE_INVALID, sheet.label, row, column, {"reason": r}) for r in reasons]
    return issues


def fingerprint(sheets: dict[str, Sheet]) -> str:
    """SHA-256 of the sheets' cells, the same whether they came from CSV files or a workbook."""
    canon = {name: [sorted((k, v.strip()) for k, v in cells.items() if k) for _, cells in sheets[name].rows]
             for name in sorted(sheets)}
    blob = json.dumps(canon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def load_criteria(path: str | Path | None = None) -> Criteria:
    """Load and validate a criteria set (default: the award folder of the data files) with the derivations file."""
    sheets, issues, source = read_sheets(path or award_dir())
    derivations, more = read_derivations()
    issues += more
    if issues:
        raise CriteriaLoadError(issues, source)
    assert derivations is not None
    return build_criteria({**sheets, "derivations": derivations}, source)


def import_workbook(path: Path, folder: Path) -> list[Path]:
    """Validate a workbook and, only if it is valid, write its sheets as the CSV files of `folder`."""
    sheets, issues = read_workbook(path)
    if issues:
        raise CriteriaLoadError(issues, str(path))
    build_criteria(sheets, str(path))  # raises CriteriaLoadError listing every problem
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SHEETS:
        target = folder / f"{name}.csv"
        target.write_text(sheet_to_csv(sheets[name]), encoding="utf-8", newline="")
        written.append(target)
    return written
