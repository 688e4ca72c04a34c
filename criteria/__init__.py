"""The award's criteria as data: the reference set under `criteria/award/`, its schema, loader and conditions.

Names are loaded on first use (PEP 562), so that a command which does not need the loader does not pay for it."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "CriteriaLoadError": "criteria.errors", "ErrorCode": "criteria.errors", "LoadIssue": "criteria.errors",
    "DEFAULT_CRITERIA": "criteria.loader", "default_criteria": "criteria.loader", "load_criteria": "criteria.loader",
    "load_derivations": "criteria.loader",
    "Criteria": "criteria.schema", "Indicator": "criteria.schema", "Text": "criteria.schema",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue  # noqa: F401
    from criteria.loader import DEFAULT_CRITERIA, default_criteria, load_criteria, load_derivations  # noqa: F401
    from criteria.schema import Criteria, Indicator, Text  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'criteria' has no attribute {name!r}")
