"""Answers (+ optional uploaded files) -> Result: the one place that composes an assessment, so the CLI, the
app and the reports all score the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from accreditation.errors import UserError
from accreditation.i18n import catalog_text
from criteria.schema import Criteria
from scoring.engine import assess
from scoring.answers import AnswerSet
from scoring.result import Result


Upload = tuple[bytes, str]  # (file content, file name): the name tells CSV from a workbook


@dataclass(frozen=True)
class Evaluation:
    result: Result
    roster_result: Any = None
    supplier_result: Any = None


def evaluate(criteria: Criteria, answers: AnswerSet, roster: Upload | None = None, suppliers: Upload | None = None,
             as_of: date | None = None, certificate_status: Any = None) -> Evaluation:
    """Score `answers` as of `as_of` (default today), with the roster and supplier checks when their files are
    given as (bytes, filename). Their derived answers take precedence over declared ones, and their findings
    join the remediation plan (roster deadlines from the criteria's priorities). `certificate_status` is the
    supplier check's lookup of award certificates (`accreditation.suppliers.registry_lookup(db, as_of)`).
    A file that cannot be read raises `accreditation.tables.TableError` (a UserError)."""
    day = as_of or date.today()
    derived = []
    roster_result = supplier_result = None
    if roster is not None:
        from accreditation.roster import check_roster  # pandas/pyarrow: imported only when a roster is given

        roster_result = check_roster(roster[0], roster[1], day)
        derived.append(roster_result.derived(criteria.deadline_days()))
    if suppliers is not None:
        from accreditation.suppliers import check_suppliers

        supplier_result = check_suppliers(suppliers[0], suppliers[1], day, certificate_status=certificate_status)
        derived.append(supplier_result.derived())
    return Evaluation(result=assess(criteria, answers, derived), roster_result=roster_result,
                      supplier_result=supplier_result)


def certificate_refusal(result: Result) -> UserError | None:
    """Why no certificate can be issued for `result` (one line in both languages), or None if one can."""
    if not result.complete:
        ids = ", ".join(result.unanswered[:8]) + (" …" if len(result.unanswered) > 8 else "")
        return UserError.from_key("reports.incomplete", count=len(result.unanswered), ids=ids)
    if result.blocked:
        rows = sorted({a.row for a in result.blocking if a.row is not None})
        return UserError.from_key("trust.reason_blocked", count=len(rows), rows=", ".join(map(str, rows)))
    if not result.eligible:
        if result.knockouts:
            key, params = "reports.reason_knockouts", {"ids": ", ".join(result.knockouts)}
        else:
            key, params = "reports.reason_score", {"total": f"{result.total:.1f}"}
        return UserError(catalog_text("reports.not_eligible", "vi", reason=catalog_text(key, "vi", **params)),
                         catalog_text("reports.not_eligible", "en", reason=catalog_text(key, "en", **params)))
    return None
