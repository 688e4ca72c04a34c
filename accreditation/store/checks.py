"""Migrations of the stored roster and supplier check records (`checks`, `findings`): their shape is owned by
`accreditation.checks`, which builds, reads and converts them."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS


@MIGRATIONS(name="checks_0001_neutral_records")
def _neutral_records(db: Database) -> None:
    """Records stored before the language-neutral shape: a supplier summary kept per language (`{"vi": …, "en":
    …}`, which the portfolio read as "no supplier at risk") becomes one summary; findings carrying message, reason
    and action texts become rule, reason and action ids with their parameters."""
    from accreditation.checks import convert_stored

    if "checks" in db.table_names():
        convert_stored(db)


@MIGRATIONS(name="checks_0002_supplier_inherent")
def _supplier_inherent(db: Database) -> None:
    """Supplier records stored before the residual level had one level: each finding gets `inherent` (its level,
    or one above when an active certificate had lowered it) and each summary `by_inherent` counted from them."""
    from accreditation.checks import convert_stored

    if "checks" in db.table_names():
        convert_stored(db)
