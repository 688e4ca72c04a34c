"""Pure evaluation: questionnaire scoring, and (from the roster and supplier checks) derived answers.

Names are loaded on first use (PEP 562), so that a command which does not score does not import the engine."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "AnswerError": "scoring.answers", "AnswerSet": "scoring.answers", "parse_answers_document": "scoring.answers",
    "assess": "scoring.engine", "validate_answers": "scoring.engine",
    "Action": "scoring.result", "DerivedAnswers": "scoring.result", "IndicatorResult": "scoring.result",
    "Result": "scoring.result",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from scoring.answers import AnswerError, AnswerSet, parse_answers_document  # noqa: F401
    from scoring.engine import assess, validate_answers  # noqa: F401
    from scoring.result import Action, DerivedAnswers, IndicatorResult, Result  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'scoring' has no attribute {name!r}")
