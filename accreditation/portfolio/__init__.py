"""The portfolio of a brand, or of an association (its members that share with it, the same way): `query` reads
it from the store, `view` filters, sorts, labels and counts it, `export` writes the files it downloads."""

from accreditation.portfolio.export import export_csv, export_workbook, export_xlsx, neutralise
from accreditation.portfolio.query import (
    COLUMNS, TOP_RISKS, check_summaries, data_version, portfolio,
)
from accreditation.portfolio.view import (
    ASSURANCES, CERTIFICATE_STATUSES, PEOPLE_COLUMNS, RISK_LEVELS, SORT_KEYS, certified, counts, expiring,
    expiry_buckets, filter_portfolio, for_people, sector_labels, sort_portfolio, tier_labels,
)

__all__ = [
    "ASSURANCES", "CERTIFICATE_STATUSES", "COLUMNS", "PEOPLE_COLUMNS", "RISK_LEVELS", "SORT_KEYS", "TOP_RISKS",
    "certified", "check_summaries", "counts", "data_version", "expiring", "expiry_buckets", "export_csv",
    "export_workbook", "export_xlsx", "filter_portfolio", "for_people", "neutralise", "portfolio", "sector_labels",
    "sort_portfolio", "tier_labels",
]
