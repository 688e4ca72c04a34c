"""Self-service accounts: e-mail confirmations, requests to join a company, password-reset tokens. The shapes are
owned by `accreditation.signup`; this module only creates and migrates the tables.

Only the SHA-256 of a token is stored (a confirmation or a reset link): whoever reads the database cannot use one.
A sign-up keeps the argon2 hash of the chosen password, never the password."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS


@MIGRATIONS(name="signup_0001_create")
def _create(db: Database) -> None:
    # A person who registered and is not an account yet. No user (nor organisation) exists before the e-mail is
    # confirmed (or the administrator activates): an unconfirmed sign-up never holds a tax code or an e-mail.
    db["signups"].create({
        "id": int, "email": str, "name": str, "password_hash": str, "language": str,
        "company_name": str, "tax_code": str, "province": str, "sector": str, "legal_form": str,
        "invitation_id": int,  # registered through an invitation's link: accepted once the account exists
        "kind": str,  # company (a new organisation) | join (a request to join the company of the tax code)
        "status": str,  # unconfirmed | waiting (join: confirmed, awaiting a user of the company) | active |
                        # refused | replaced (a newer sign-up with the same e-mail)
        "token_hash": str, "token_expires_at": str,  # the confirmation link; NULL when e-mail is off
        "organisation_id": int,  # the company to join, or the one created
        "user_id": int,  # the account, once it exists
        "created_at": str, "confirmed_at": str, "confirmed_by": str,  # email | admin
        "decided_at": str, "decided_by": int,
    }, pk="id", not_null={"email", "password_hash", "kind", "status", "created_at"},
        foreign_keys=[("organisation_id", "organisations", "id"), ("user_id", "users", "id"),
                      ("invitation_id", "invitations", "id")])
    db["signups"].create_index(["token_hash"], unique=True)
    db["signups"].create_index(["email", "status"])
    db["signups"].create_index(["organisation_id", "status"])
    db["signups"].create_index(["status"])
    # Forgotten passwords: one row per e-mailed link; used_at set when it sets a password.
    db["password_resets"].create({
        "token_hash": str, "user_id": int, "created_at": str, "expires_at": str, "used_at": str,
    }, pk="token_hash", not_null={"user_id", "created_at", "expires_at"}, foreign_keys=[("user_id", "users", "id")])
    db["password_resets"].create_index(["user_id"])
    # Requests counted for throttling (sign-ups, reset requests, wrong current passwords), by a hash of their key
    # (an e-mail address, a user id): addresses that have no account are not kept in clear.
    db["account_requests"].create({"id": int, "kind": str, "key_hash": str, "created_at": str}, pk="id",
                                  not_null={"kind", "key_hash", "created_at"})
    db["account_requests"].create_index(["kind", "key_hash", "created_at"])
