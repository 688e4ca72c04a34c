"""The public register of awardees: which companies agreed to be listed, and award rounds. The shapes are owned by
`accreditation.register`; this module only creates and migrates the tables.

Who is *shown* is never stored: it is derived on every read from the consent below and the company's current
document (verified, active), so a revocation, suspension or expiry takes a company off the register at once.
Only a published round is a stored snapshot, on purpose: it is the record of what was announced."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS


@MIGRATIONS(name="register_0001_create")
def _create(db: Database) -> None:
    # One row per company that ever answered: `listed` 1 = agreed to be on the public register, 0 = withdrew.
    db["register_listings"].create({
        "organisation_id": int, "listed": int, "changed_at": str, "changed_by": int, "first_listed_at": str,
    }, pk="organisation_id", not_null={"listed", "changed_at"}, defaults={"listed": 0},
        foreign_keys=[("organisation_id", "organisations", "id")])
    # An award round: opened by the administrator, published once (then frozen).
    db["award_rounds"].create({
        "id": int, "name": str, "year": int, "opens_on": str, "closes_on": str,
        "status": str,  # open | published
        "created_at": str, "created_by": int, "published_at": str, "published_by": int,
    }, pk="id", not_null={"name", "year", "opens_on", "closes_on", "status", "created_at"},
        defaults={"status": "open"})
    db["award_rounds"].create_index(["name"], unique=True)
    # The awardees of a published round as they stood at publication: name, province, sector and tier copied, so
    # a later rename, tier change or withdrawal does not rewrite what was announced.
    db["award_round_entries"].create({
        "round_id": int, "position": int, "organisation_id": int, "company_name": str, "province": str,
        "sector": str, "tier": str, "certificate_id": str, "expires": str,
    }, pk=("round_id", "organisation_id"), not_null={"position", "company_name", "tier", "certificate_id"},
        foreign_keys=[("round_id", "award_rounds", "id"), ("organisation_id", "organisations", "id")])
    db["award_round_entries"].create_index(["round_id", "position"], unique=True)
