"""Invitations a brand or a company sends to its suppliers. The shape is owned by `accreditation.invitations`; this
module only creates and migrates the table.

Only the SHA-256 of an invitation's token is stored: whoever reads the database cannot open an invitation."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS


@MIGRATIONS(name="invitations_0001_create")
def _create(db: Database) -> None:
    db["invitations"].create({
        "id": int, "inviter_id": int, "supplier_name": str, "tax_code": str, "email": str,
        "token_hash": str, "expires_at": str, "created_at": str, "created_by": int,
        "accepted_at": str, "accepted_by": int, "organisation_id": int,  # the supplier's organisation, once accepted
        "declined_at": str, "reminded_at": str, "reminders": int,
    }, pk="id", not_null={"inviter_id", "supplier_name", "tax_code", "email", "token_hash", "expires_at",
                          "created_at"},
        foreign_keys=[("inviter_id", "organisations", "id"), ("organisation_id", "organisations", "id")],
        defaults={"reminders": 0})
    # one invitation per supplier (tax code) and inviter; a token hash finds its invitation
    db["invitations"].create_index(["inviter_id", "tax_code"], unique=True)
    db["invitations"].create_index(["token_hash"], unique=True)
    db["invitations"].create_index(["organisation_id"])
