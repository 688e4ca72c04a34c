"""Answers (+ optional uploaded files) -> Result: the one place that composes an assessment, so the CLI, the
app and the reports all score the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from accreditation.errors import UserError
from accreditation.i18n import t
from criteria.schema import Criteria
from scoring import assess
from scoring.answers import AnswerSet
from scoring.result import Result


@dataclass(frozen=True)
class Evaluation:
    result: Result
    roster_result: Any = None
    supplier_result: Any = None


def evaluate(criteria: Criteria, answers: AnswerSet, as_of: date) -> Evaluation:
    """Score `answers` as of `as_of`.

    The roster and supplier checks (`accreditation.roster`, `accreditation.suppliers`) are not part of this
    version yet; when they land, their derived answers are passed to `assess` here and nowhere else."""
    return Evaluation(result=assess(criteria, answers))


def certificate_refusal(result: Result) -> UserError | None:
    """Why no certificate can be issued for `result` (one line in both languages), or None if one can."""
    if not result.complete:
        ids = ", ".join(result.unanswered[:8]) + (" …" if len(result.unanswered) > 8 else "")
        return UserError.from_key("reports.incomplete", count=len(result.unanswered), ids=ids)
    if not result.eligible:
        if result.knockouts:
            key, params = "reports.reason_knockouts", {"ids": ", ".join(result.knockouts)}
        else:
            key, params = "reports.reason_score", {"total": f"{result.total:.1f}"}
        return UserError(t("reports.not_eligible", "vi", reason=t(key, "vi", **params)),
                         t("reports.not_eligible", "en", reason=t(key, "en", **params)))
    return None
