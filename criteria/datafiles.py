"""Every data file under `criteria/` at once: the award criteria (with derivations.csv), the law tables (with the
CCCD province codes), the risk tables, the column specs and the provinces. `check_data_files` runs each loader and
gathers all their issues, so that `criteria validate`, the roster and supplier commands and the app's pages report
the same full list, each naming file, row and column."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from criteria.cccd_codes import load_cccd_codes
from criteria.column_specs import NAMES, load_table_spec
from criteria.errors import CriteriaLoadError, LoadIssue
from criteria.law_tables import default_law
from criteria.loader import load_criteria
from criteria.paths import award_dir, data_root
from criteria.provinces import load_agencies, load_provinces
from criteria.risk_tables import default_risk_data
from criteria.schema import Criteria


def check_data_files(award: str | Path | None = None) -> tuple[Criteria | None, list[LoadIssue]]:
    """Load every data file (the award set from `award` if given); the criteria, if they loaded, and every issue."""
    issues: list[LoadIssue] = []

    def attempt(load: Callable[[], Any]) -> Any:
        try:
            return load()
        except CriteriaLoadError as exc:
            issues.extend(exc.issues)
            return None

    criteria = attempt(lambda: load_criteria(award or award_dir()))
    attempt(default_law)
    attempt(default_risk_data)
    for name in NAMES:
        attempt(lambda: load_table_spec(name))  # noqa: B023 - called at once
    attempt(load_provinces)
    attempt(load_agencies)  # law/agencies.csv: where a child-labour case is referred, per province
    attempt(load_cccd_codes)  # law/cccd_provinces.csv: the province codes that open a personal ID number
    return criteria, issues


def require_data_files(award: str | Path | None = None) -> Criteria:
    """The criteria, once every data file has loaded; otherwise one CriteriaLoadError listing every problem."""
    criteria, issues = check_data_files(award)
    if issues or criteria is None:
        raise CriteriaLoadError(issues, str(award or data_root()))
    return criteria


@lru_cache(maxsize=4)
def _default(root: str) -> Criteria:  # root: the cache key; the loaders read it again
    return require_data_files()


def default_criteria() -> Criteria:
    """The award criteria of the data files, loaded once per process after every other data file has loaded too:
    a page or command that starts here reports a broken data file of any kind with the full list."""
    return _default(str(data_root()))
