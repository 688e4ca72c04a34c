"""Reading a filled offline workbook back, and importing its answers into a company's draft.

The file is untrusted: it is checked as a zip before openpyxl opens it (size, number of parts, their unpacked size,
no DTD in any XML part), opened read-only, and only the first rows and columns of each sheet are read. Any problem
with the file as a whole raises one UserError and nothing changes.

Rows are judged one by one. A valid answer is imported; a row with a problem is not, and is reported with its
sheet, row and column. An empty answer cell never clears an answer already saved (the workbook may have been
downloaded before that answer was given): to remove an answer, use the questionnaire page."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from accreditation.errors import UserError
from accreditation.i18n import catalog_text
from accreditation.offline.layout import (
    LISTS_SHEET,
    META_SHEET,
    MULTI_SEPARATOR,
    README_SHEET,
    Fixed,
    Prefill,
    fold,
    header,
    header_lookup,
    offered,
    t,
    text_in,
)
from criteria.schema import Criteria, Indicator
from scoring.answers import AnswerError

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024  # the filled questionnaire is ~30 KB
MAX_UNPACKED = 20 * 1024 * 1024  # openpyxl holds the shared strings in memory
MAX_PARTS = 300
MAX_SHEETS = 40
MAX_ROWS = 1000  # per sheet; a section has a few dozen questions
MAX_COLUMNS = 30
MAX_TEXT = 4000  # characters of one answer or comment
HEADER_SCAN = 6


@dataclass(frozen=True)
class Problem:
    """One row not imported (or a sheet skipped), where it is, and why, in both languages."""

    sheet: str
    row: int  # 0: the sheet as a whole
    column: str  # the column letter, "" for a whole row or sheet
    column_key: str  # one of layout.COLUMNS, or ""
    indicator: str
    vi: str
    en: str

    def reason(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi

    def where(self, lang: str = "vi") -> str:
        if not self.row:
            return catalog_text("offline.where_sheet", lang, sheet=self.sheet)
        if not self.column:
            return catalog_text("offline.where_row", lang, sheet=self.sheet, row=self.row)
        return catalog_text("offline.where_cell", lang, sheet=self.sheet, row=self.row, column=self.column,
                            name=header(self.column_key, lang) if self.column_key else self.column)

    def message(self, lang: str = "vi") -> str:
        return f"{self.where(lang)}: {self.reason(lang)}"


def _problem(sheet: str, row: int, column: str, column_key: str, indicator: str, key: str,
             **params: object) -> Problem:
    return Problem(sheet, row, column, column_key, indicator, catalog_text(f"offline.{key}", "vi", **params),
                   catalog_text(f"offline.{key}", "en", **params))


@dataclass
class Reading:
    """What a workbook says: the valid answers (choice names, as the answers JSON holds them) and the problems."""

    values: dict[str, Any] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    where: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # answered id -> (sheet, row, column)
    version: str | None = None  # the criteria version the workbook was made for
    rows_read: int = 0
    sheets: list[str] = field(default_factory=list)  # in the file's order, for sorting problems

    def answers_document(self, criteria: Criteria) -> dict[str, Any]:
        """The answers in the JSON shape of examples/*.json, which `score` reads."""
        answers: dict[str, Any] = {}
        for key, value in self.values.items():
            comment = self.comments.get(key)
            answers[key] = {"value": value, "comment": comment} if comment else value
        return {"criteria_version": criteria.version, "answers": answers}


# ------------------------------------------------------------------------------------------------ the file


def _refuse(key: str, **params: object) -> UserError:
    return UserError.from_key(f"offline.{key}", **params)


def check_container(data: bytes, filename: str = "") -> None:
    """Refuse what is not a plain XLSX within our limits, before any XML parser sees it."""
    name = filename or "?"
    if len(data) > MAX_BYTES:
        raise _refuse("file_too_big", file=name, mb=MAX_BYTES // (1024 * 1024))
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse("not_xlsx", file=name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = z.infolist()
            names = {p.filename for p in parts}
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED:
                raise _refuse("file_too_big", file=name, mb=MAX_BYTES // (1024 * 1024))
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _refuse("not_xlsx", file=name)
            for part in parts:
                if part.filename.endswith((".xml", ".rels", ".vml")):
                    with z.open(part) as f:
                        head = f.read(4096).upper()
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise _refuse("unsafe", file=name)
    except UserError:
        raise
    except Exception:  # a damaged zip: bad CRC, truncated, encrypted parts
        raise _refuse("unreadable", file=name) from None


def read_answers(data: bytes, criteria: Criteria, filename: str = "") -> Reading:
    """Read a filled workbook; raise UserError if the file as a whole cannot be used (then nothing is imported)."""
    check_container(data, filename)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise _refuse("unreadable", file=filename or "?") from None
    try:
        return _read(wb, criteria, filename or "?")
    except UserError:
        raise
    except Exception:  # a part that does not parse; logged, in case it is our bug rather than the file's
        log.warning("offline workbook %r could not be read", filename, exc_info=True)
        raise _refuse("unreadable", file=filename or "?") from None
    finally:
        wb.close()


def _rows(ws, sheet: str) -> list[tuple[Any, ...]]:
    rows = list(ws.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True))
    if len(rows) > MAX_ROWS and any(v not in (None, "") for v in rows[MAX_ROWS]):
        raise _refuse("sheet_too_big", sheet=sheet, rows=MAX_ROWS)
    return rows[:MAX_ROWS]


def _read(wb, criteria: Criteria, filename: str) -> Reading:
    names = list(wb.sheetnames)
    if len(names) > MAX_SHEETS:
        raise _refuse("too_many_sheets", file=filename, count=MAX_SHEETS)
    reading = Reading()
    if META_SHEET in names:
        meta = {str(r[0]): r[1] for r in _rows(wb[META_SHEET], META_SHEET)[:20] if r and r[0] and len(r) > 1}
        reading.version = str(meta["criteria_version"]) if meta.get("criteria_version") else None
    lookup = header_lookup()
    questionnaire_sheets = 0
    skipped: list[str] = []
    reading.sheets = names
    for name in names:
        if name in (LISTS_SHEET, META_SHEET) or name in README_SHEET.values():
            continue
        rows = _rows(wb[name], name)
        found = _find_header(rows, lookup)
        if found is None:
            if any(any(v not in (None, "") for v in r) for r in rows):
                skipped.append(name)
            continue
        questionnaire_sheets += 1
        index, columns = found
        for offset, row in enumerate(rows[index + 1:], start=index + 2):
            _read_row(reading, criteria, name, offset, row, columns)
    if not questionnaire_sheets:
        raise _refuse("no_questionnaire", file=filename)
    reading.problems[:0] = [_problem(name, 0, "", "", "", "sheet_skipped") for name in skipped]
    return reading


def _find_header(rows: list[tuple[Any, ...]], lookup: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SCAN]):
        columns: dict[str, int] = {}
        for pos, value in enumerate(row):
            key = lookup.get(fold(value))
            if key and key not in columns:
                columns[key] = pos
        if "id" in columns and "answer" in columns:
            return index, columns
    return None


def _letter(pos: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(pos + 1)


def _cell(row: tuple[Any, ...], pos: int | None) -> Any:
    if pos is None or pos >= len(row):
        return None
    value = row[pos]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_row(reading: Reading, criteria: Criteria, sheet: str, number: int, row: tuple[Any, ...],
              columns: dict[str, int]) -> None:
    raw_id, answer = _cell(row, columns["id"]), _cell(row, columns["answer"])
    comment = _cell(row, columns.get("comment"))
    id_col, ans_col = _letter(columns["id"]), _letter(columns["answer"])
    if raw_id is None:
        if answer is not None:
            reading.problems.append(_problem(sheet, number, id_col, "id", "", "missing_id"))
        return
    reading.rows_read += 1
    ind_id = str(raw_id).strip().upper() if criteria.has_indicator(str(raw_id).strip().upper()) else str(raw_id).strip()
    if not criteria.has_indicator(ind_id):
        if answer is not None:
            reading.problems.append(_problem(sheet, number, id_col, "id", ind_id, "unknown_id", id=str(raw_id)[:40]))
        return
    if comment is not None:
        reading.comments.setdefault(ind_id, str(comment)[:MAX_TEXT])
    if answer is None:
        return
    if ind_id in reading.where:
        first = reading.where[ind_id]
        reading.problems.append(_problem(sheet, number, id_col, "id", ind_id, "duplicate_id", id=ind_id,
                                         first_sheet=first[0], first_row=first[1]))
        return
    reading.where[ind_id] = (sheet, number, ans_col)
    indicator = criteria.indicator(ind_id)
    try:
        value = _value(criteria, indicator, answer)
        from scoring.engine import validate_answers

        validate_answers(criteria, {ind_id: value})
    except _Bad as bad:
        reading.problems.append(Problem(sheet, number, ans_col, "answer", ind_id, bad.vi, bad.en))
        return
    except AnswerError as exc:
        reading.problems.append(Problem(sheet, number, ans_col, "answer", ind_id, exc.vi, exc.en))
        return
    reading.values[ind_id] = value


class _Bad(Exception):
    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.vi = catalog_text(f"offline.{key}", "vi", **params)
        self.en = catalog_text(f"offline.{key}", "en", **params)


def _choice(criteria: Criteria, indicator: Indicator, value: Any) -> str:
    """A choice's name from its code or its label in either language."""
    wanted = fold(value)
    clist = criteria.choices_for(indicator)
    choices = clist.choices if clist else ()
    for test in (lambda c: fold(c.name), lambda c: fold(c.label.vi), lambda c: fold(c.label.en)):
        for choice in choices:
            if test(choice) == wanted:
                return choice.name
    labels = offered(criteria, indicator)
    raise _Bad("bad_choice", value=str(value)[:80], choices_vi=", ".join(f"“{text_in(c.label, 'vi')}”" for c in labels),
               choices_en=", ".join(f"“{text_in(c.label, 'en')}”" for c in labels))


def _value(criteria: Criteria, indicator: Indicator, answer: Any) -> Any:
    if isinstance(answer, str) and len(answer) > MAX_TEXT:
        raise _Bad("too_long", chars=MAX_TEXT)
    if indicator.kind == "select_one":
        return _choice(criteria, indicator, answer)
    if indicator.kind == "select_multiple":
        parts = [p.strip() for p in re.split(rf"[{MULTI_SEPARATOR}\n]", str(answer)) if p.strip()]
        names: list[str] = []
        for part in parts:
            name = _choice(criteria, indicator, part)
            if name not in names:
                names.append(name)
        return names
    if indicator.kind == "integer":
        if isinstance(answer, bool):
            raise _Bad("not_whole_number", value=str(answer))
        if isinstance(answer, (int, float)):
            number = answer
        else:
            try:
                number = float(str(answer).replace(" ", "").replace(",", "."))
            except ValueError:
                raise _Bad("not_whole_number", value=str(answer)[:80]) from None
        if number != int(number) or number < 0:
            raise _Bad("not_whole_number", value=str(answer)[:80])
        return int(number)
    return str(answer)


# --------------------------------------------------------------------------------------------- into a draft


@dataclass
class Outcome:
    """What an import did: answers saved (new or changed), answers the same as saved, rows not imported."""

    saved: dict[str, Any]
    unchanged: int
    problems: list[Problem]
    comments: int  # comments in the file (kept there; the app has no place for them yet)
    version: str | None
    criteria_version: str

    @property
    def version_differs(self) -> bool:
        return self.version is not None and self.version != self.criteria_version


def draft_prefill(db, assessment: dict[str, Any], criteria: Criteria) -> Prefill:
    """A draft's answers, and the answers it does not ask for (from the checks' uploads and the profile), as the
    questionnaire page shows them."""
    from accreditation import self_assessment, workflow

    answers = workflow.answer_set(db, assessment["id"])
    result = workflow.evaluate(db, assessment["id"], criteria)
    fixed = {i.id: Fixed(i.source, i.answer) for i in result.indicators
             if i.source != "answers" and i.answer is not None}
    if assessment["status"] in workflow.EDITABLE:
        org = db["organisations"].get(assessment["organisation_id"])
        for key, value in self_assessment.profile_answers(criteria, org).items():
            fixed.setdefault(key, Fixed("profile", value))
    return Prefill(dict(answers.values), dict(answers.comments), fixed)


def import_into_draft(db, actor, assessment_id: int, data: bytes, current: Criteria, filename: str = "") -> Outcome:
    """Import a filled workbook into a draft through the questionnaire's save path (`workflow.save_answers`: the
    `assessment.edit` permission, one transaction, one audit entry). A file that cannot be read raises UserError
    and changes nothing; rows with a problem are left out and reported; answers the file leaves empty stay."""
    from accreditation import workflow
    from accreditation.permissions import require

    assessment = workflow.get(db, assessment_id)
    if assessment["status"] not in workflow.EDITABLE and actor is not None and \
            actor.organisation_id == assessment["organisation_id"]:  # the company's own: say why, not "not allowed"
        raise _refuse("locked", version=assessment["version"])
    require(actor, "assessment.edit", workflow.resource(db, assessment))
    criteria = workflow.criteria_for(db, assessment, current)
    reading = read_answers(data, criteria, filename)
    prefill = draft_prefill(db, assessment, criteria)
    problems = list(reading.problems)
    values: dict[str, Any] = {}
    for key, value in reading.values.items():
        fixed = prefill.fixed.get(key)
        if fixed is not None:
            if fixed.value != value:
                sheet, row, column = reading.where[key]
                source_vi, source_en = t(f"source_{fixed.source}", "vi"), t(f"source_{fixed.source}", "en")
                problems.append(Problem(sheet, row, column, "answer", key,
                                        t("fixed_answer", "vi", source=source_vi),
                                        t("fixed_answer", "en", source=source_en)))
            continue
        values[key] = value
    changed = {k: v for k, v in values.items() if prefill.values.get(k) != v}
    if changed:
        workflow.save_answers(db, actor, assessment_id, changed, criteria)
    order = {name: n for n, name in enumerate(reading.sheets)}
    problems.sort(key=lambda p: (order.get(p.sheet, len(order)), p.row))
    return Outcome(changed, len(values) - len(changed), problems, len(reading.comments), reading.version,
                   criteria.version)
