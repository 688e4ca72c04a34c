"""The scheme overview: statistics for the administrator and the authorities (`stats`), read from the store
(`query`), with small cells suppressed for authorities (`suppression`), and as files (`export`)."""

from accreditation.scheme.stats import (
    ASSURANCES, DIMENSIONS, FORMALITY, HEADLINES, NOT_ELIGIBLE, SIZE_BANDS, Dashboard, dashboard, is_suppressed,
    provinces_for, quarters, scope_of, size_band,
)
from accreditation.scheme.suppression import THRESHOLD

__all__ = ["ASSURANCES", "DIMENSIONS", "FORMALITY", "HEADLINES", "NOT_ELIGIBLE", "SIZE_BANDS", "THRESHOLD",
           "Dashboard", "dashboard", "is_suppressed", "provinces_for", "quarters", "scope_of", "size_band"]
