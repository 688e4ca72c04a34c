"""The award's criteria as data: the reference set under `criteria/award/`, its schema, loader and conditions."""

from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.loader import DEFAULT_CRITERIA, default_criteria, load_criteria, load_derivations
from criteria.schema import Criteria, Indicator, Text

__all__ = [
    "Criteria",
    "CriteriaLoadError",
    "DEFAULT_CRITERIA",
    "ErrorCode",
    "Indicator",
    "LoadIssue",
    "Text",
    "default_criteria",
    "load_criteria",
    "load_derivations",
]
