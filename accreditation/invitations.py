"""Inviting suppliers: a brand (or a company, for its own suppliers) uploads a list of suppliers (name, tax code,
e-mail) and each gets a link. Through the link the supplier registers its company (organisation and first user,
under the tax code the inviter listed, so that a lookup by tax code finds it) or, already registered, signs in and
accepts; on acceptance its results are shared with the inviter. The inviter sees each supplier's state and can
send a reminder, at most one per `REMIND_DAYS`.

The token in a link is hostile input: its length and alphabet are checked before anything else, only its SHA-256
is stored (compared in constant time), it expires after `VALID_DAYS` and is spent by acceptance. A reminder gives
a fresh token (the old one stops working), because the stored hash cannot give the old link back."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from sqlite_utils import Database

from accreditation import accounts, mailer, notify, settings
from accreditation.accounts import SYSTEM, Actor
from accreditation.errors import UserError
from accreditation.i18n import catalog_text
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store.db import write_tx
from accreditation.tables import read_table, write_template
from criteria.column_specs import TableSpec, load_table_spec

MAX_BYTES = 2 * 1024 * 1024  # a list of a few thousand suppliers is far smaller
MAX_ROWS = 2000
VALID_DAYS = 30
REMIND_DAYS = 7
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters
_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,64}")
_EMAIL = re.compile(r"[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")
PARAM = "invite"  # the query parameter of the acceptance link
PAGE = "accept-invitation"  # url path of the acceptance page (accreditation/ui/app.py REGISTRY)
STATES = ("invited", "registered", "drafting", "submitted", "verified", "suspended", "declined", "expired")
TEMPLATES = Path(__file__).resolve().parent.parent / "criteria" / "templates"
TEMPLATE_NAME = "invitation_template"


def spec() -> TableSpec:
    return load_table_spec("invitations")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def link_for(token: str) -> str:
    return f"{settings.public_url()}/{PAGE}?{PARAM}={token}"


# ------------------------------------------------------------------------------------------------ the list


@dataclass
class SupplierRow:
    row: int
    name: str
    tax_code: str  # normalised
    email: str  # normalised


@dataclass
class SupplierList:
    rows: list[SupplierRow] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # row, column, vi, en


def _problem(filename: str, row: int, column: str, key: str, **params: Any) -> dict[str, Any]:
    col = spec().column(column)
    return {"row": row, "column": column,
            **{lang: catalog_text(key, lang, file=filename, row=row, column=getattr(col.label, lang), **params)
               for lang in ("vi", "en")}}


def _cell(record: Any, column: str) -> str:
    """A text cell, "" when empty (the importer gives a missing value, never the text "nan")."""
    value = record.get(column)
    return "" if value is None or pd.isna(value) else str(value).strip()


def read_list(data: bytes, filename: str) -> SupplierList:
    """A supplier list (CSV or workbook, through the same importer as the roster) checked row by row: a row with
    a problem is left out and named (file, row, column). A whole-file problem raises `UserError`."""
    from scoring.tax_codes import classify

    if len(data) > MAX_BYTES:
        raise UserError.from_key("invitations.too_big", file=filename, mb=MAX_BYTES // (1024 * 1024))
    table = read_table(data, filename, spec())
    if table.rows == 0:
        raise UserError.from_key("invitations.no_rows", file=filename)
    if table.rows > MAX_ROWS:
        raise UserError.from_key("invitations.too_many", file=filename, rows=table.rows, max=MAX_ROWS)
    out = SupplierList()
    seen: dict[str, int] = {}
    for row, rec in table.frame.iterrows():
        row = int(row)
        name, raw_tax, raw_mail = _cell(rec, "supplier_name"), _cell(rec, "tax_code"), _cell(rec, "email")
        problems = []
        if not name:
            problems.append(_problem(filename, row, "supplier_name", "invitations.missing"))
        tax = classify(raw_tax)
        if tax.kind == "missing":
            problems.append(_problem(filename, row, "tax_code", "invitations.missing"))
        elif not tax.valid:
            vi, en = tax.explain()
            problems.append({"row": row, "column": "tax_code",
                             "vi": catalog_text("invitations.bad_tax", "vi", file=filename, row=row,
                                                column=spec().column("tax_code").label.vi, value=tax.masked(),
                                                why=vi),
                             "en": catalog_text("invitations.bad_tax", "en", file=filename, row=row,
                                                column=spec().column("tax_code").label.en, value=tax.masked(),
                                                why=en)})
        elif tax.is_personal:
            # a household's personal ID number cannot register an organisation here; never shown in full
            problems.append(_problem(filename, row, "tax_code", "invitations.personal_id", value=tax.masked()))
        elif tax.code in seen:
            problems.append(_problem(filename, row, "tax_code", "invitations.duplicate", first=seen[tax.code]))
        mail = accounts.normalise_email(raw_mail)
        if not mail:
            problems.append(_problem(filename, row, "email", "invitations.missing"))
        elif len(mail) > 254 or not _EMAIL.fullmatch(mail):
            problems.append(_problem(filename, row, "email", "invitations.bad_email", value=mail[:80]))
        if problems:
            out.problems.extend(problems)
            continue
        seen[tax.code] = row
        out.rows.append(SupplierRow(row, name[:200], tax.code, mail))
    return out


def write_templates(folder: Path = TEMPLATES) -> list[Path]:
    """The invitation list templates, CSV and XLSX, with bilingual headers and one example row."""
    example = [("Công ty TNHH Dệt Minh Phát", "0100233488", "nhansu@minhphat.example.vn")]
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{TEMPLATE_NAME}.csv", folder / f"{TEMPLATE_NAME}.xlsx"]
    for path in paths:
        write_template(spec(), path, example)
    return paths


# ------------------------------------------------------------------------------------------------ inviting


@dataclass(frozen=True)
class Sent:
    invitation_id: int
    name: str
    email: str
    link: str  # shown once, to copy: only its hash is kept


def _inviter(db: Database, organisation_id: int) -> dict[str, Any]:
    row = db.execute("SELECT id, name, kind FROM organisations WHERE id = ?", [organisation_id]).fetchone()
    if row is None or row[2] not in ("brand", "sme"):
        raise UserError.from_key("errors.not_allowed")
    return {"id": row[0], "name": row[1], "kind": row[2]}


def invite(db: Database, actor: Actor, organisation_id: int, suppliers: list[SupplierRow]
           ) -> tuple[list[Sent], list[SupplierRow]]:
    """Invite each supplier not already invited by this organisation. Returns (sent, skipped as already invited).
    One transaction for the whole list; e-mails (when e-mail is on) leave after it commits."""
    require(actor, "invitation.manage", {"organisation_id": organisation_id})
    inviter = _inviter(db, organisation_id)
    sent: list[Sent] = []
    skipped: list[SupplierRow] = []
    own_tax = (db["organisations"].get(organisation_id).get("tax_code") or "")
    with write_tx(db):
        for s in suppliers:
            if s.tax_code == own_tax or db["invitations"].count_where(
                    "inviter_id = ? AND tax_code = ?", [organisation_id, s.tax_code]):
                skipped.append(s)
                continue
            token = secrets.token_urlsafe(TOKEN_BYTES)
            now = _now()
            inv_id = db["invitations"].insert({
                "inviter_id": organisation_id, "supplier_name": s.name, "tax_code": s.tax_code, "email": s.email,
                "token_hash": _hash(token), "expires_at": (now + timedelta(days=VALID_DAYS)).isoformat(),
                "created_at": now.isoformat(), "created_by": actor.id, "reminders": 0}).last_pk
            audit.record(db, actor=actor.as_dict(), action="invitation.create", entity="invitation",
                         entity_id=inv_id, after={"inviter_id": organisation_id, "tax_code": s.tax_code})
            sent.append(Sent(int(inv_id), s.name, s.email, link_for(token)))
            _mail_soon(db, s.email, inviter["name"], link_for(token), reminder=False)
    return sent, skipped


def _mail_soon(db: Database, to: str, inviter: str, link: str, *, reminder: bool) -> None:
    """The invitation by e-mail, when e-mail is on; the inviter always has the link to copy."""
    kind = "reminder" if reminder else "invite"
    # the supplier has no account, so no language yet: Vietnamese first, English below
    subject = catalog_text(f"invitations.mail.{kind}_subject", "vi", inviter=inviter)
    body = "\n\n".join(catalog_text(f"invitations.mail.{kind}_body", lg, inviter=inviter, link=link,
                                    days=VALID_DAYS) for lg in ("vi", "en")) + "\n"
    mailer.send_to_address_soon(db, to, subject, body, "vi")


# ------------------------------------------------------------------------------------------------ the link


def find(db: Database, token: str | None) -> dict[str, Any]:
    """The open invitation of a link's token, or UserError (one message for every kind of bad token, so a guesser
    learns nothing): malformed, unknown, spent, declined or expired."""
    token = (token or "").strip()
    if not _TOKEN.fullmatch(token):
        raise UserError.from_key("invitations.bad_link")
    wanted = _hash(token)
    rows = db.execute_returning_dicts("SELECT * FROM invitations WHERE token_hash = ?", [wanted])
    if not rows or not hmac.compare_digest(rows[0]["token_hash"], wanted):
        raise UserError.from_key("invitations.bad_link")
    inv = rows[0]
    if inv["accepted_at"] or inv["declined_at"]:
        raise UserError.from_key("invitations.used")
    if datetime.fromisoformat(inv["expires_at"]) <= _now():
        raise UserError.from_key("invitations.expired")
    return inv


def describe(db: Database, token: str | None) -> dict[str, Any]:
    """What the acceptance page shows before anything is done: who invites, the supplier as listed."""
    inv = find(db, token)
    inviter = _inviter(db, inv["inviter_id"])
    return {"inviter": inviter["name"], "inviter_kind": inviter["kind"], "supplier_name": inv["supplier_name"],
            "tax_code": inv["tax_code"], "email": inv["email"], "expires_at": inv["expires_at"]}


def _share(db: Database, actor: Actor, inv: dict[str, Any], organisation_id: int) -> None:
    """Share the supplier's results with the inviter (a brand, or a company for its own supply chain, whose
    supplier check then finds the supplier by tax code)."""
    from accreditation import sharing

    if not sharing.active_share(db, organisation_id, inv["inviter_id"]):
        sharing.share(db, actor, organisation_id, buyer_id=inv["inviter_id"])


def _accepted(db: Database, actor: Actor, inv: dict[str, Any], organisation_id: int) -> None:
    db["invitations"].update(inv["id"], {"accepted_at": _now().isoformat(), "accepted_by": actor.id,
                                         "organisation_id": organisation_id})
    _share(db, actor, inv, organisation_id)
    audit.record(db, actor=actor.as_dict(), action="invitation.accept", entity="invitation", entity_id=inv["id"],
                 after={"organisation_id": organisation_id, "inviter_id": inv["inviter_id"]})


def register(db: Database, token: str | None, *, company_name: str, email: str, password: str, name: str = "",
             language: str = "vi") -> Actor:
    """Accept through the link by registering: the company (under the listed tax code) and its first user, and the
    share with the inviter, as one fact. The token is the authority here; nobody is signed in yet."""
    inv = find(db, token)
    if not (company_name or "").strip():
        raise UserError.from_key("accounts.org_name_required")
    taken = db.execute("SELECT 1 FROM organisations WHERE tax_code = ?", [inv["tax_code"]]).fetchone()
    if taken:
        raise UserError.from_key("invitations.registered_already")
    with write_tx(db):
        inv = find(db, token)  # again inside the lock: two clicks cannot both spend it
        org = accounts.create_organisation(db, actor=SYSTEM, kind="sme", name=company_name.strip()[:200],
                                           tax_code=inv["tax_code"])
        user_id = accounts.create_user(db, actor=SYSTEM, email=email, password=password, role="sme",
                                       organisation_id=org, name=(name or "").strip()[:200], language=language)
        actor = accounts.get_actor(db, user_id)
        assert actor is not None
        _accepted(db, actor, inv, org)
    return actor


def accept(db: Database, actor: Actor, token: str | None) -> dict[str, Any]:
    """Accept through the link while signed in as a registered company: its tax code must be the listed one (a
    company without a tax code takes it), and its results are shared with the inviter."""
    require(actor, "invitation.accept", {"organisation_id": getattr(actor, "organisation_id", None)})
    with write_tx(db):
        inv = find(db, token)
        org = db["organisations"].get(actor.organisation_id)
        if org["id"] == inv["inviter_id"]:
            raise UserError.from_key("invitations.own")
        if (org.get("tax_code") or "") not in ("", inv["tax_code"]):
            raise UserError.from_key("invitations.other_company", listed=inv["tax_code"])
        if not org.get("tax_code"):
            if db.execute("SELECT 1 FROM organisations WHERE tax_code = ?", [inv["tax_code"]]).fetchone():
                raise UserError.from_key("invitations.registered_already")
            db["organisations"].update(org["id"], {"tax_code": inv["tax_code"]})
        _accepted(db, actor, inv, org["id"])
    return db["invitations"].get(inv["id"])


def decline(db: Database, token: str | None) -> None:
    """The supplier says no through the link; the inviter sees "declined". The link is spent."""
    with write_tx(db):
        inv = find(db, token)
        db["invitations"].update(inv["id"], {"declined_at": _now().isoformat()})
        audit.record(db, actor=None, action="invitation.decline", entity="invitation", entity_id=inv["id"])


# ------------------------------------------------------------------------------------------------ the inviter's view


def _company_state(db: Database, organisation_id: int, as_of: date) -> str:
    from accreditation.store import certificates as registry

    org = db["organisations"].get(organisation_id)
    cert = registry.current(db, org.get("tax_code"), organisation_id)
    if cert is not None:
        status = cert.status(as_of)
        if status == "suspended":
            return "suspended"
        if status == "active" and cert.verified:
            return "verified"
    statuses = {r[0] for r in db.execute("SELECT DISTINCT status FROM assessments WHERE organisation_id = ?",
                                         [organisation_id]).fetchall()}
    if statuses - {"draft"}:
        return "submitted"
    if statuses:
        return "drafting"
    return "registered"


def state_of(db: Database, inv: dict[str, Any], as_of: date | None = None) -> str:
    if inv["declined_at"]:
        return "declined"
    if inv["organisation_id"]:
        return _company_state(db, inv["organisation_id"], as_of or date.today())
    if datetime.fromisoformat(inv["expires_at"]) <= _now():
        return "expired"
    return "invited"


def list_for(db: Database, actor: Actor, organisation_id: int, as_of: date | None = None) -> list[dict[str, Any]]:
    """The organisation's invitations, newest first, each with its state and whether a reminder may go now."""
    require(actor, "invitation.manage", {"organisation_id": organisation_id})
    rows = db.execute_returning_dicts(
        "SELECT * FROM invitations WHERE inviter_id = ? ORDER BY created_at DESC, id DESC", [organisation_id])
    out = []
    for inv in rows:
        state = state_of(db, inv, as_of)
        out.append({"id": inv["id"], "supplier_name": inv["supplier_name"], "tax_code": inv["tax_code"],
                    "email": inv["email"], "state": state, "created_at": inv["created_at"],
                    "reminded_at": inv["reminded_at"], "reminders": inv["reminders"] or 0,
                    "next_reminder": _next_reminder(inv), "can_remind": state in ("invited", "expired",
                                                                                  "registered", "drafting")})
    return out


def _next_reminder(inv: dict[str, Any]) -> str | None:
    """When the next reminder may go (None: now; the first may go at once)."""
    if not inv["reminded_at"]:
        return None
    return (datetime.fromisoformat(inv["reminded_at"]) + timedelta(days=REMIND_DAYS)).isoformat()


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    out = {s: 0 for s in STATES}
    for r in rows:
        out[r["state"]] += 1
    return out


def remind(db: Database, actor: Actor, invitation_id: int) -> str | None:
    """Remind one supplier: at most once per REMIND_DAYS. Not yet accepted: a fresh link (the old one stops working;
    the expiry starts again), e-mailed when e-mail is on and returned to copy. Accepted but not yet submitted: a
    notification to the company's users. Returns the fresh link, or None when a notification went."""
    with write_tx(db):
        rows = db.execute_returning_dicts("SELECT * FROM invitations WHERE id = ?", [invitation_id])
        if not rows:
            raise UserError.from_key("invitations.not_found")
        inv = rows[0]
        require(actor, "invitation.manage", {"organisation_id": inv["inviter_id"]})
        state = state_of(db, inv)
        if state not in ("invited", "expired", "registered", "drafting"):
            raise UserError(*(catalog_text("invitations.no_reminder", lg,
                                           state=catalog_text(f"invitations.state.{state}", lg)) for lg in ("vi", "en")))
        now = _now()
        if inv["reminded_at"] and datetime.fromisoformat(inv["reminded_at"]) + timedelta(days=REMIND_DAYS) > now:
            nxt = (datetime.fromisoformat(inv["reminded_at"]) + timedelta(days=REMIND_DAYS)).date()
            raise UserError.from_key("invitations.too_soon", days=REMIND_DAYS, date=nxt.strftime("%d/%m/%Y"))
        update: dict[str, Any] = {"reminded_at": now.isoformat(), "reminders": (inv["reminders"] or 0) + 1}
        link = None
        inviter = _inviter(db, inv["inviter_id"])
        if inv["organisation_id"]:
            notify.create(db, notify.company_users(db, inv["organisation_id"]), "invitation_reminder",
                          {"company": inviter["name"]}, entity="invitation", entity_id=inv["id"], exclude=actor.id)
        else:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            update.update(token_hash=_hash(token), expires_at=(now + timedelta(days=VALID_DAYS)).isoformat())
            link = link_for(token)
            _mail_soon(db, inv["email"], inviter["name"], link, reminder=True)
        db["invitations"].update(inv["id"], update)
        audit.record(db, actor=actor.as_dict(), action="invitation.remind", entity="invitation", entity_id=inv["id"],
                     after={"reminders": update["reminders"], "by": "notification" if link is None else "link"})
    return link
