"""Organisations and users. Passwords are argon2 hashes; repeated failures lock an account for a while."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS

ROLES = ("sme", "assessor", "brand", "admin", "authority", "association")
ORG_KINDS = ("sme", "chamber", "brand", "admin", "authority", "association")
# A company's legal form: the scheme reaches beyond registered enterprises to cooperatives, cooperative groups and
# household businesses (the informal end of supply chains). None: not said yet.
LEGAL_FORMS = ("enterprise", "cooperative", "cooperative_group", "household")


@MIGRATIONS(name="accounts_0001_create")
def _create(db: Database) -> None:
    db["organisations"].create({
        "id": int, "kind": str, "name": str, "tax_code": str, "address": str, "province": str, "sector": str,
        "size": int, "products": str, "invite_code": str, "created_at": str,
    }, pk="id", not_null={"kind", "name", "created_at"})
    db["organisations"].create_index(["invite_code"], unique=True)
    db["users"].create({
        "id": int, "email": str, "name": str, "password_hash": str, "role": str, "organisation_id": int,
        "language": str, "lead": int, "active": int, "failed_logins": int, "locked_until": str, "created_at": str,
    }, pk="id", not_null={"email", "role", "organisation_id", "created_at"},
        defaults={"language": "vi", "lead": 0, "active": 1, "failed_logins": 0},
        foreign_keys=[("organisation_id", "organisations", "id")])
    db["users"].create_index(["email"], unique=True)
    db["sessions"].create({"token_hash": str, "user_id": int, "created_at": str, "expires_at": str},
                          pk="token_hash", foreign_keys=[("user_id", "users", "id")])


@MIGRATIONS(name="accounts_0002_legal_form")
def _legal_form(db: Database) -> None:
    db["organisations"].add_column("legal_form", str)


@MIGRATIONS(name="accounts_0003_session_last_seen")
def _session_last_seen(db: Database) -> None:
    db["sessions"].add_column("last_seen", str)  # for the idle time-out
