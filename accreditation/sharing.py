"""A company shares its results with a brand or an association, and can withdraw them.

A share is per organisation, not per assessment: while it is active, the brand sees the company's latest submitted
(never draft) result. An association (a union, the cooperative alliance, a business association) is shared with
exactly as a brand is, and sees its sharing members in the same portfolio; "brand" below stands for either. The
company picks the organisation from the list, or types the invitation code it was given. Every write runs in one `BEGIN IMMEDIATE` transaction with its audit-log entry, so two
clicks cannot create two shares."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store.db import write_tx


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


# The kinds of organisation a company can share its results with.
SHARE_KINDS = ("brand", "association")
_KINDS_SQL = "kind IN ('brand', 'association')"


def brands(db: Database) -> list[dict[str, Any]]:
    """The brands and associations a company can share with (id, name and kind only: never their invitation
    codes)."""
    return db.execute_returning_dicts(
        f"SELECT id, name, kind FROM organisations WHERE {_KINDS_SQL} ORDER BY name COLLATE NOCASE, id")


def brand_for_code(db: Database, code: str) -> dict[str, Any]:
    """The brand or association with this invitation code (case and spaces do not matter), or UserError."""
    wanted = normalise_code(code or "")
    if wanted:
        rows = db.execute_returning_dicts(
            f"SELECT id, name, kind FROM organisations WHERE {_KINDS_SQL} AND upper(invite_code) = ?", [wanted])
        if rows:
            return rows[0]
    raise UserError.from_key("errors.no_brand_code", code=(code or "").strip())


def _brand(db: Database, brand_id: int) -> dict[str, Any]:
    rows = db.execute_returning_dicts(f"SELECT id, name, kind FROM organisations WHERE id = ? AND {_KINDS_SQL}",
                                      [brand_id])
    if not rows:
        raise UserError.from_key("errors.no_brand", id=brand_id)
    return rows[0]


def _buyer(db: Database, buyer_id: int) -> dict[str, Any]:
    """An organisation that invited the company: a brand, or a company inviting its own supplier (the cascade)."""
    rows = db.execute_returning_dicts("SELECT id, name FROM organisations WHERE id = ? AND kind IN ('brand', 'sme')",
                                      [buyer_id])
    if not rows:
        raise UserError.from_key("errors.no_brand", id=buyer_id)
    return rows[0]


def active_share(db: Database, organisation_id: int, brand_id: int) -> dict[str, Any] | None:
    rows = db.execute_returning_dicts(
        "SELECT * FROM shares WHERE organisation_id = ? AND brand_id = ? AND withdrawn_at IS NULL",
        [organisation_id, brand_id])
    return rows[0] if rows else None


def share(db: Database, actor: Actor, organisation_id: int, *, brand_id: int | None = None,
          invite_code: str | None = None, buyer_id: int | None = None) -> dict[str, Any]:
    """Share `organisation_id`'s results with a brand or an association, named by id or by invitation code; or, accepting an
    invitation (accreditation.invitations), with the organisation that invited it (`buyer_id`: a brand or a
    company). Returns the share."""
    require(actor, "share.manage", {"organisation_id": organisation_id})
    if sum((brand_id is not None, bool((invite_code or "").strip()), buyer_id is not None)) != 1:
        raise UserError.from_key("errors.brand_or_code")
    brand = (_brand(db, brand_id) if brand_id is not None else _buyer(db, buyer_id) if buyer_id is not None
             else brand_for_code(db, invite_code or ""))
    with write_tx(db):
        if active_share(db, organisation_id, brand["id"]):
            raise UserError.from_key("errors.already_shared", brand=brand["name"])
        share_id = db["shares"].insert({
            "organisation_id": organisation_id, "brand_id": brand["id"], "created_at": audit.now(),
            "created_by": actor.id, "withdrawn_at": None}).last_pk
        audit.record(db, actor=actor.as_dict(), action="share.create", entity="share", entity_id=share_id,
                     after={"organisation_id": organisation_id, "brand_id": brand["id"],
                            "by": "brand" if brand_id is not None else "invitation" if buyer_id is not None
                            else "invite_code"})
    return db["shares"].get(share_id)


def withdraw(db: Database, actor: Actor, share_id: int) -> dict[str, Any]:
    """Stop sharing: from now on the brand sees nothing of the company. The share row stays, marked withdrawn."""
    with write_tx(db):
        rows = db.execute_returning_dicts("SELECT * FROM shares WHERE id = ?", [share_id])
        if rows:
            require(actor, "share.manage", {"organisation_id": rows[0]["organisation_id"]})
        if not rows or rows[0]["withdrawn_at"]:
            raise UserError.from_key("errors.no_share")
        when = audit.now()
        db["shares"].update(share_id, {"withdrawn_at": when})
        audit.record(db, actor=actor.as_dict(), action="share.withdraw", entity="share", entity_id=share_id,
                     before={"withdrawn_at": None}, after={"withdrawn_at": when,
                                                           "organisation_id": rows[0]["organisation_id"],
                                                           "brand_id": rows[0]["brand_id"]})
    return db["shares"].get(share_id)


def list_shares(db: Database, organisation_id: int, include_withdrawn: bool = False) -> list[dict[str, Any]]:
    """The company's shares with the brand's (or association's) name and kind, newest first."""
    where = "" if include_withdrawn else "AND s.withdrawn_at IS NULL"
    return db.execute_returning_dicts(
        f"""SELECT s.id, s.brand_id, o.name AS brand_name, o.kind AS brand_kind, s.created_at, s.withdrawn_at
            FROM shares s JOIN organisations o ON o.id = s.brand_id
            WHERE s.organisation_id = ? {where} ORDER BY s.created_at DESC, s.id DESC""", [organisation_id])


def shared_companies(db: Database, brand_id: int) -> list[int]:
    """The organisations that currently share with `brand_id` (a brand or an association)."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT organisation_id FROM shares WHERE brand_id = ? AND withdrawn_at IS NULL ORDER BY 1",
        [brand_id]).fetchall()]
