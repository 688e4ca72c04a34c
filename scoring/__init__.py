"""Pure evaluation: questionnaire scoring, and (from the roster and supplier checks) derived answers."""

from scoring.answers import AnswerError, AnswerSet, parse_answers_document
from scoring.engine import assess, validate_answers
from scoring.result import Action, DerivedAnswers, IndicatorResult, Result

__all__ = [
    "Action",
    "AnswerError",
    "AnswerSet",
    "DerivedAnswers",
    "IndicatorResult",
    "Result",
    "assess",
    "parse_answers_document",
    "validate_answers",
]
