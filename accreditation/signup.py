"""Self-service accounts: a company registers itself, confirms its e-mail through a link, and becomes an account;
a person whose company (tax code) is registered already asks to join it, and a user of that company decides; a
forgotten password is reset through an e-mailed link; a signed-in user changes their password.

Nothing exists before the e-mail is confirmed: a sign-up is a row of `signups` (the chosen password already
hashed), and only confirmation (or, when the installation has no SMTP server, the administrator's activation)
creates the organisation and the user, so an unconfirmed sign-up never holds a tax code or an e-mail address.

Links carry a random token (`secrets.token_urlsafe(32)`); only its SHA-256 is stored, it expires
(`CONFIRM_HOURS`, `RESET_MINUTES`) and is spent by its use. Requests that send e-mail are throttled per address
(`MAX_PER_HOUR`), silently for password resets, whose reply never tells whether the address has an account."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from accreditation import accounts, mailer, settings
from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.i18n import catalog_text, normalise_language
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store.accounts import LEGAL_FORMS
from accreditation.store.db import write_tx

CONFIRM_HOURS = 24  # an e-mail is often read the next morning
RESET_MINUTES = 60
MAX_PER_HOUR = 3  # sign-ups and reset requests per e-mail address and hour
MAX_WRONG_CURRENT = 5  # wrong current passwords when changing it, per user and 15 minutes
WRONG_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 8
TOKEN_BYTES = 32  # 43 characters
_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,64}")
_EMAIL = re.compile(r"[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")
SIGNUP_PAGE, CONFIRM_PARAM = "sign-up", "confirm"  # url paths of accreditation/ui/app.py REGISTRY
RESET_PAGE, RESET_PARAM = "reset-password", "reset"


def _now() -> datetime:
    """The clock (tests replace it to step past an expiry)."""
    return datetime.now(timezone.utc)


def _stamp(when: datetime | None = None) -> str:
    return (when or _now()).isoformat(timespec="seconds")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def confirm_link(token: str) -> str:
    return f"{settings.public_url()}/{SIGNUP_PAGE}?{CONFIRM_PARAM}={token}"


def reset_link(token: str) -> str:
    return f"{settings.public_url()}/{RESET_PAGE}?{RESET_PARAM}={token}"


def token_from(text: str | None, param: str) -> str:
    """A pasted link or a bare token: the token is what follows `param=` (up to the next parameter)."""
    text = (text or "").strip()[:500]
    if f"{param}=" in text:
        text = text.split(f"{param}=", 1)[1].split("&", 1)[0]
    return text


def _throttled(db: Database, kind: str, key: str, limit: int, window: timedelta) -> bool:
    """Count this request; True when `limit` requests of this kind and key were already made within `window`.
    Call inside a write transaction, so parallel requests cannot all read the same count."""
    key_hash = hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()
    now = _now()
    db.execute("DELETE FROM account_requests WHERE created_at < ?", [_stamp(now - timedelta(days=1))])
    count = db.execute("SELECT count(*) FROM account_requests WHERE kind = ? AND key_hash = ? AND created_at > ?",
                       [kind, key_hash, _stamp(now - window)]).fetchone()[0]
    if count >= limit:
        return True
    db["account_requests"].insert({"kind": kind, "key_hash": key_hash, "created_at": _stamp(now)})
    return False


def _mail(db: Database, to: str, kind: str, language: str, **params: Any) -> None:
    """One message of `signup.mail.<kind>` after the current transaction commits (nothing when e-mail is off)."""
    language = normalise_language(language)
    subject = catalog_text(f"signup.mail.{kind}_subject", language, **params)
    body = catalog_text(f"signup.mail.{kind}_body", language, **params).strip() + "\n\n—\n" + catalog_text(
        "signup.mail.footer", language) + "\n"
    mailer.send_to_address_soon(db, to, subject, body, language)


# ------------------------------------------------------------------------------------------------ registering


@dataclass(frozen=True)
class Registration:
    """What the sign-up form asks."""

    company_name: str
    tax_code: str
    province: str
    sector: str
    legal_form: str
    name: str
    email: str
    password: str
    language: str = "vi"


@dataclass(frozen=True)
class Registered:
    """What the page tells the person: how the account becomes active, and whether it is a request to join."""

    kind: str  # company | join
    by: str  # email (a confirmation link was sent) | admin (e-mail is off: the administrator activates)
    company: str  # the company's name (for a join: as registered, not as typed)
    email: str


def sectors() -> list[str]:
    """The sector codes a company may choose (the criteria's sector list, as on the profile page)."""
    from criteria.datafiles import default_criteria

    c = default_criteria()
    return [ch.name for ch in c.lists["sector"].choices] if "sector" in c.lists else []


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UserError.from_key("errors.password_short")


def check_email(email: str) -> str:
    """The address normalised, or UserError when it is not one."""
    mail = accounts.normalise_email(email or "")
    if not mail:
        raise UserError.from_key("signup.email_required")
    if len(mail) > 254 or not _EMAIL.fullmatch(mail):
        raise UserError.from_key("signup.email_invalid", value=mail[:80])
    return mail


def validate(form: Registration) -> dict[str, Any]:
    """The sign-up's fields checked and normalised (tax code, province as its current unit), or the first problem
    as UserError. A household business may give the 12-digit personal ID number it uses as tax code since 1 July
    2025; any other company gives a 10-digit (or branch) code whose check digit must match."""
    from criteria.provinces import match_province
    from scoring.tax_codes import classify

    company = " ".join((form.company_name or "").split())[:200]
    if not company:
        raise UserError.from_key("accounts.org_name_required")
    if form.legal_form not in LEGAL_FORMS:
        raise UserError.from_key("signup.legal_form_required")
    tax = classify(form.tax_code)
    if tax.kind == "missing":
        raise UserError.from_key("signup.tax_required")
    if not tax.valid:
        vi, en = tax.explain()
        raise UserError(catalog_text("signup.tax_invalid", "vi", value=tax.masked(), why=vi),
                        catalog_text("signup.tax_invalid", "en", value=tax.masked(), why=en))
    if tax.is_personal and form.legal_form != "household":
        raise UserError.from_key("signup.personal_id")
    match = match_province(form.province) if (form.province or "").strip() else None
    if match is None:
        raise UserError.from_key("signup.province_required")
    if form.sector not in sectors():
        raise UserError.from_key("signup.sector_required")
    name = " ".join((form.name or "").split())[:200]
    if not name:
        raise UserError.from_key("signup.name_required")
    email = check_email(form.email)
    _check_password(form.password)
    return {"company_name": company, "tax_code": tax.code, "province": match.name, "sector": form.sector,
            "legal_form": form.legal_form, "name": name, "email": email,
            "language": normalise_language(form.language)}


def _company_of(db: Database, tax_code: str) -> dict[str, Any] | None:
    rows = db.execute_returning_dicts("SELECT id, name FROM organisations WHERE kind = 'sme' AND tax_code = ? "
                                      "ORDER BY id LIMIT 1", [tax_code])
    return rows[0] if rows else None


def _create_signup(db: Database, fields: dict[str, Any], password: str, invitation_id: int | None = None
                   ) -> Registered:
    """The sign-up row and its confirmation e-mail (or, e-mail off, a row for the administrator), in the caller's
    write transaction. An address that has an account already gets an e-mail saying so instead, and the page
    reads the same: the form does not tell who has an account."""
    email = fields["email"]
    if _throttled(db, "signup", email, MAX_PER_HOUR, timedelta(hours=1)):
        raise UserError.from_key("signup.too_many", minutes=60)
    company = _company_of(db, fields["tax_code"])
    kind = "join" if company else "company"
    by = "email" if mailer.enabled() else "admin"
    shown = Registered(kind=kind, by=by, company=company["name"] if company else fields["company_name"],
                       email=email)
    if db["users"].count_where("email = ?", [email]):
        _mail(db, email, "exists", fields["language"], reset=f"{settings.public_url()}/{RESET_PAGE}",
              login=settings.public_url())
        return shown
    # a newer sign-up with the same address replaces an unconfirmed one (a lost e-mail, a typo corrected)
    db.execute("UPDATE signups SET status = 'replaced' WHERE email = ? AND status = 'unconfirmed'", [email])
    token = secrets.token_urlsafe(TOKEN_BYTES) if by == "email" else None
    now = _now()
    signup_id = db["signups"].insert({
        **fields, "password_hash": accounts.HASHER.hash(password), "invitation_id": invitation_id, "kind": kind,
        "status": "unconfirmed", "token_hash": _hash(token) if token else None,
        "token_expires_at": _stamp(now + timedelta(hours=CONFIRM_HOURS)) if token else None,
        "organisation_id": company["id"] if company else None, "created_at": _stamp(now)}).last_pk
    audit.record(db, actor=None, action="signup.create", entity="signup", entity_id=signup_id,
                 after={"kind": kind, "by": by, "organisation_id": company["id"] if company else None,
                        "invitation_id": invitation_id})
    if token:
        _mail(db, email, "confirm_join" if kind == "join" else "confirm", fields["language"],
              link=confirm_link(token), hours=CONFIRM_HOURS, company=shown.company)
    return shown


def register(db: Database, form: Registration) -> Registered:
    """A company registers itself (nobody is signed in). A tax code already registered makes it a request to join
    that company instead of a second organisation. The account starts inactive: a confirmation link is e-mailed,
    or, when e-mail is off, the administrator activates (`activate`)."""
    fields = validate(form)
    with write_tx(db):
        return _create_signup(db, fields, form.password)


def register_invited(db: Database, token: str | None, *, company_name: str, email: str, password: str,
                     name: str = "", language: str = "vi", province: str | None = None, sector: str | None = None,
                     legal_form: str | None = None) -> Actor | Registered:
    """Registering through an invitation's link, under the tax code the inviter listed. The link reached the
    address the inviter listed, so registering with that address is confirmed by the link itself: the account is
    active at once and the invitation accepted (`invitations.register`), an Actor is returned. Another address is
    confirmed like any sign-up (Registered); the invitation is accepted when the account comes to exist."""
    from accreditation import invitations

    inv = invitations.find(db, token)
    mail = check_email(email)
    extra = {"province": None, "sector": None, "legal_form": None}
    if province:
        from criteria.provinces import match_province

        match = match_province(province)
        extra["province"] = match.name if match else None
    if sector in sectors():
        extra["sector"] = sector
    if legal_form in LEGAL_FORMS:
        extra["legal_form"] = legal_form
    if mail == accounts.normalise_email(inv["email"]):
        with write_tx(db):  # one fact: the company, its user, the share and the profile details given
            actor = invitations.register(db, token, company_name=company_name, email=mail, password=password,
                                         name=name, language=language)
            details = {k: v for k, v in extra.items() if v}
            if details:
                accounts.update_organisation(db, actor, actor.organisation_id, details)
        return actor
    if not (company_name or "").strip():
        raise UserError.from_key("accounts.org_name_required")
    _check_password(password)
    if _company_of(db, inv["tax_code"]) is not None:
        raise UserError.from_key("invitations.registered_already")
    fields = {"company_name": " ".join(company_name.split())[:200], "tax_code": inv["tax_code"], **extra,
              "name": " ".join((name or "").split())[:200] or mail, "email": mail,
              "language": normalise_language(language)}
    with write_tx(db):
        return _create_signup(db, fields, password, invitation_id=inv["id"])


# ------------------------------------------------------------------------------------------------ confirming


@dataclass(frozen=True)
class Activated:
    """What confirming (or the administrator's activation) did: an account exists (`actor`), or a request to join
    now waits for the company's users (`actor` None)."""

    kind: str  # company | join
    company: str
    actor: Actor | None
    shared_with: str | None = None  # the inviter, when the sign-up came through an invitation that was accepted


def _signup_by_token(db: Database, token: str | None) -> dict[str, Any]:
    token = (token or "").strip()
    if not _TOKEN.fullmatch(token):
        raise UserError.from_key("signup.bad_link")
    rows = db.execute_returning_dicts("SELECT * FROM signups WHERE token_hash = ?", [_hash(token)])
    if not rows or rows[0]["status"] in ("replaced", "refused"):
        raise UserError.from_key("signup.bad_link")
    row = rows[0]
    if row["status"] != "unconfirmed":
        raise UserError.from_key("signup.link_used")
    if datetime.fromisoformat(row["token_expires_at"]) <= _now():
        raise UserError.from_key("signup.link_expired", hours=CONFIRM_HOURS)
    return row


def _insert_user(db: Database, signup: dict[str, Any], organisation_id: int) -> Actor:
    """The account of a sign-up, active, with the password it chose (already hashed: `accounts.create_user` takes
    a password in clear, so the row is written here with the same fields)."""
    user_id = db["users"].insert({
        "email": signup["email"], "name": signup["name"] or signup["email"], "password_hash": signup["password_hash"],
        "role": "sme", "organisation_id": organisation_id, "language": signup["language"] or "vi", "lead": 0,
        "active": 1, "failed_logins": 0, "created_at": audit.now()}).last_pk
    actor = accounts.get_actor(db, int(user_id))
    assert actor is not None
    audit.record(db, actor=actor.as_dict(), action="user.create", entity="user", entity_id=user_id,
                 after={"email": signup["email"], "role": "sme", "organisation_id": organisation_id,
                        "signup_id": signup["id"]})
    return actor


def _accept_invitation(db: Database, actor: Actor, signup: dict[str, Any]) -> str | None:
    """Accept the invitation a sign-up came through, if it is still open and for this tax code; the inviter's
    name, else None."""
    from accreditation import invitations

    if not signup["invitation_id"]:
        return None
    rows = db.execute_returning_dicts("SELECT * FROM invitations WHERE id = ?", [signup["invitation_id"]])
    if not rows:
        return None
    inv = rows[0]
    if (inv["accepted_at"] or inv["declined_at"] or inv["tax_code"] != signup["tax_code"]
            or datetime.fromisoformat(inv["expires_at"]) <= _now()):
        return None
    invitations._accepted(db, actor, inv, actor.organisation_id)  # the invitations module owns acceptance
    return db["organisations"].get(inv["inviter_id"])["name"]


def _activate(db: Database, signup_id: int, how: str, actor: Actor | None) -> Activated:
    """Make a confirmed sign-up real, in the caller's write transaction: a new company and its first user, or a
    request to join that now waits for the company's users (the tax code may have been registered meanwhile)."""
    signup = db["signups"].get(signup_id)
    if db["users"].count_where("email = ?", [signup["email"]]):
        db["signups"].update(signup_id, {"status": "replaced"})
        raise UserError.from_key("signup.email_taken_now")
    company = _company_of(db, signup["tax_code"])
    now = _stamp()
    done = {"confirmed_at": now, "confirmed_by": how}
    who = actor.as_dict() if actor else None
    if company is not None:
        db["signups"].update(signup_id, {**done, "kind": "join", "status": "waiting", "organisation_id": company["id"]})
        audit.record(db, actor=who, action="signup.confirm", entity="signup", entity_id=signup_id,
                     after={"kind": "join", "by": how, "organisation_id": company["id"]})
        for user in db.execute_returning_dicts("SELECT email, language FROM users WHERE organisation_id = ? AND "
                                               "active = 1 AND role = 'sme' ORDER BY id", [company["id"]]):
            _mail(db, user["email"], "join_request", user["language"] or "vi", company=company["name"],
                  link=f"{settings.public_url()}/team")
        return Activated("join", company["name"], None)
    org_id = int(db["organisations"].insert({
        "kind": "sme", "name": signup["company_name"], "tax_code": signup["tax_code"], "province": signup["province"],
        "sector": signup["sector"], "legal_form": signup["legal_form"], "created_at": audit.now()}).last_pk)
    user = _insert_user(db, signup, org_id)
    audit.record(db, actor=user.as_dict(), action="organisation.create", entity="organisation", entity_id=org_id,
                 after={"kind": "sme", "name": signup["company_name"], "signup_id": signup_id})
    db["signups"].update(signup_id, {**done, "kind": "company", "status": "active", "organisation_id": org_id,
                                     "user_id": user.id})
    audit.record(db, actor=who or user.as_dict(), action="signup.confirm", entity="signup", entity_id=signup_id,
                 after={"kind": "company", "by": how, "organisation_id": org_id})
    inviter = _accept_invitation(db, user, signup)
    return Activated("company", signup["company_name"], user, inviter)


def confirm_email(db: Database, token: str | None) -> Activated:
    """The confirmation link was opened: the account exists from now on (or the request to join goes to the
    company). The link works once and for CONFIRM_HOURS."""
    with write_tx(db):
        signup = _signup_by_token(db, token)  # inside the lock: two clicks cannot both spend it
        return _activate(db, signup["id"], "email", None)


def resend_confirmation(db: Database, email: str, language: str = "vi") -> None:
    """A fresh confirmation link for an unconfirmed sign-up of this address (the old link stops working). Says
    nothing about whether there is one; throttled with the sign-ups."""
    mail = accounts.normalise_email(email or "")
    if not mail or not mailer.enabled():
        return
    with write_tx(db):
        if _throttled(db, "signup", mail, MAX_PER_HOUR, timedelta(hours=1)):
            return
        rows = db.execute_returning_dicts("SELECT * FROM signups WHERE email = ? AND status = 'unconfirmed' "
                                          "ORDER BY id DESC LIMIT 1", [mail])
        if not rows:
            return
        token = secrets.token_urlsafe(TOKEN_BYTES)
        db["signups"].update(rows[0]["id"], {
            "token_hash": _hash(token), "token_expires_at": _stamp(_now() + timedelta(hours=CONFIRM_HOURS))})
        company = _company_of(db, rows[0]["tax_code"])
        _mail(db, mail, "confirm_join" if company else "confirm", language or rows[0]["language"],
              link=confirm_link(token), hours=CONFIRM_HOURS,
              company=company["name"] if company else rows[0]["company_name"])


# ------------------------------------------------------------------------------------------------ the administrator


def pending(db: Database, actor: Actor) -> list[dict[str, Any]]:
    """Sign-ups not confirmed yet, oldest first, for the administrator: those waiting for activation (e-mail off
    when they registered) and those whose link was sent (`by` email; `expired` once it has). No password hash."""
    require(actor, "users.manage")
    rows = db.execute_returning_dicts(
        """SELECT s.id, s.email, s.name, s.company_name, s.tax_code, s.province, s.sector, s.legal_form, s.kind,
                  s.created_at, s.token_expires_at, s.invitation_id, o.name AS joins
           FROM signups s LEFT JOIN organisations o ON o.id = s.organisation_id
           WHERE s.status = 'unconfirmed' ORDER BY s.id""")
    from scoring.tax_codes import classify

    now = _now()
    for row in rows:
        expires = row.pop("token_expires_at")
        row["by"] = "email" if expires else "admin"
        row["expired"] = bool(expires) and datetime.fromisoformat(expires) <= now
        row["tax_code"] = classify(row["tax_code"]).masked()  # a household's personal ID number is never shown
    return rows


def activate(db: Database, actor: Actor, signup_id: int) -> Activated:
    """The administrator activates a sign-up in place of its e-mail confirmation (an installation without SMTP, or
    a link that never arrived). A request to join still goes to the company's users."""
    require(actor, "users.manage")
    with write_tx(db):
        row = db.execute_returning_dicts("SELECT * FROM signups WHERE id = ?", [signup_id])
        if not row or row[0]["status"] != "unconfirmed":
            raise UserError.from_key("signup.not_pending")
        done = _activate(db, signup_id, "admin", actor)
        _mail(db, row[0]["email"], "activated_join" if done.kind == "join" else "activated", row[0]["language"],
              company=done.company, login=settings.public_url())
    return done


def discard(db: Database, actor: Actor, signup_id: int) -> None:
    """The administrator removes a sign-up nobody should activate (spam, a duplicate)."""
    require(actor, "users.manage")
    with write_tx(db):
        row = db.execute_returning_dicts("SELECT status FROM signups WHERE id = ?", [signup_id])
        if not row or row[0]["status"] != "unconfirmed":
            raise UserError.from_key("signup.not_pending")
        db["signups"].update(signup_id, {"status": "refused", "decided_at": _stamp(), "decided_by": actor.id})
        audit.record(db, actor=actor.as_dict(), action="signup.discard", entity="signup", entity_id=signup_id)


# ------------------------------------------------------------------------------------------------ the company


def team(db: Database, actor: Actor, organisation_id: int) -> list[dict[str, Any]]:
    """The company's users (no password hashes), for a user of that company."""
    require(actor, "membership.approve", {"organisation_id": organisation_id})
    return db.execute_returning_dicts("SELECT id, name, email, active, created_at FROM users WHERE organisation_id "
                                      "= ? ORDER BY active DESC, id", [organisation_id])


def join_requests(db: Database, actor: Actor, organisation_id: int) -> list[dict[str, Any]]:
    """Confirmed requests to join the company, waiting for one of its users, oldest first."""
    require(actor, "membership.approve", {"organisation_id": organisation_id})
    return db.execute_returning_dicts("SELECT id, name, email, confirmed_at, created_at FROM signups WHERE "
                                      "organisation_id = ? AND status = 'waiting' ORDER BY id", [organisation_id])


def decide_join(db: Database, actor: Actor, signup_id: int, approve: bool) -> Actor | None:
    """A user of the company approves a request to join it (the person's account is created, active) or refuses it
    (nothing is created). The person is told by e-mail. Returns the new account when approved."""
    with write_tx(db):
        rows = db.execute_returning_dicts("SELECT * FROM signups WHERE id = ?", [signup_id])
        require(actor, "membership.approve", {"organisation_id": rows[0]["organisation_id"] if rows else None})
        signup = rows[0]
        if signup["status"] != "waiting":
            raise UserError.from_key("signup.not_waiting")
        company = db["organisations"].get(signup["organisation_id"])["name"]
        decided = {"decided_at": _stamp(), "decided_by": actor.id}
        if not approve:
            db["signups"].update(signup_id, {**decided, "status": "refused"})
            audit.record(db, actor=actor.as_dict(), action="membership.refuse", entity="signup", entity_id=signup_id,
                         after={"organisation_id": signup["organisation_id"]})
            _mail(db, signup["email"], "refused", signup["language"], company=company)
            return None
        if db["users"].count_where("email = ?", [signup["email"]]):
            db["signups"].update(signup_id, {**decided, "status": "replaced"})
            raise UserError.from_key("signup.email_taken_now")
        user = _insert_user(db, signup, signup["organisation_id"])
        db["signups"].update(signup_id, {**decided, "status": "active", "user_id": user.id})
        audit.record(db, actor=actor.as_dict(), action="membership.approve", entity="signup", entity_id=signup_id,
                     after={"organisation_id": signup["organisation_id"], "user_id": user.id})
        _mail(db, signup["email"], "approved", signup["language"], company=company, login=settings.public_url())
    return user


# ------------------------------------------------------------------------------------------------ passwords


def request_reset(db: Database, email: str, language: str = "vi") -> None:
    """Someone forgot their password: when the address has an active account, a reset link valid RESET_MINUTES
    is e-mailed (earlier unused links stop working). Returns nothing and raises nothing for an unknown address or
    too many requests, so the page's answer is the same whoever asks."""
    mail = accounts.normalise_email(email or "")
    if not mail or not mailer.enabled():
        return
    with write_tx(db):
        if _throttled(db, "reset", mail, MAX_PER_HOUR, timedelta(hours=1)):
            return
        users = db.execute_returning_dicts("SELECT id, language FROM users WHERE email = ? AND active = 1", [mail])
        if not users:
            return
        user = users[0]
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = _now()
        db.execute("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL", [user["id"]])
        db["password_resets"].insert({"token_hash": _hash(token), "user_id": user["id"], "created_at": _stamp(now),
                                      "expires_at": _stamp(now + timedelta(minutes=RESET_MINUTES))})
        audit.record(db, actor=None, action="password.reset_request", entity="user", entity_id=user["id"])
        _mail(db, mail, "reset", user["language"] or language, link=reset_link(token), minutes=RESET_MINUTES)


def reset_link_for(db: Database, actor: Actor, user_id: int) -> str:
    """The administrator makes a reset link for a user, to pass on by another channel (an installation without
    e-mail, a mailbox that lost it). Shown once: only its hash is kept; it works like an e-mailed one."""
    require(actor, "users.manage")
    with write_tx(db):
        users = db.execute_returning_dicts("SELECT id FROM users WHERE id = ? AND active = 1", [user_id])
        if not users:
            raise UserError.from_key("signup.no_such_user")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = _now()
        db.execute("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL", [user_id])
        db["password_resets"].insert({"token_hash": _hash(token), "user_id": user_id, "created_at": _stamp(now),
                                      "expires_at": _stamp(now + timedelta(minutes=RESET_MINUTES))})
        audit.record(db, actor=actor.as_dict(), action="password.reset_link", entity="user", entity_id=user_id)
    return reset_link(token)


def _reset_row(db: Database, token: str | None) -> dict[str, Any]:
    token = (token or "").strip()
    if not _TOKEN.fullmatch(token):
        raise UserError.from_key("signup.reset_bad_link")
    rows = db.execute_returning_dicts(
        "SELECT r.*, u.active FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = ?",
        [_hash(token)])
    if not rows or not rows[0]["active"]:
        raise UserError.from_key("signup.reset_bad_link")
    if rows[0]["used_at"]:
        raise UserError.from_key("signup.reset_used")
    if datetime.fromisoformat(rows[0]["expires_at"]) <= _now():
        raise UserError.from_key("signup.reset_expired", minutes=RESET_MINUTES)
    return rows[0]


def check_reset(db: Database, token: str | None) -> None:
    """UserError when a reset link cannot be used (before the person types a new password)."""
    _reset_row(db, token)


def reset_password(db: Database, token: str | None, password: str) -> None:
    """Set a new password through a reset link: the link is spent, every session of the user ends (whoever held
    one is signed out) and a lock from wrong passwords is lifted."""
    _check_password(password)
    new_hash = accounts.HASHER.hash(password)
    with write_tx(db):
        row = _reset_row(db, token)  # inside the lock: the link sets one password
        user_id = row["user_id"]
        db.execute("UPDATE password_resets SET used_at = ? WHERE token_hash = ?", [_stamp(), row["token_hash"]])
        db.execute("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL", [user_id])
        db["users"].update(user_id, {"password_hash": new_hash, "failed_logins": 0, "locked_until": None})
        ended = db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id]).rowcount
        audit.record(db, actor=None, action="password.reset", entity="user", entity_id=user_id,
                     after={"sessions_ended": ended})


def change_password(db: Database, actor: Actor, current: str, new: str, keep_session: str | None = None) -> int:
    """A signed-in user changes their password; the current one is required. Other sessions end (a stolen one
    stops working); `keep_session` (this browser's token) stays. Returns how many sessions ended. After
    MAX_WRONG_CURRENT wrong current passwords in WRONG_WINDOW, refused for a while."""
    require(actor, "account.edit", {"user_id": getattr(actor, "id", None)})
    _check_password(new)
    with write_tx(db):
        if _throttled(db, "change", str(actor.id), MAX_WRONG_CURRENT, WRONG_WINDOW):
            raise UserError.from_key("signup.too_many_wrong", minutes=int(WRONG_WINDOW.total_seconds() // 60))
    row = db["users"].get(actor.id)
    try:
        accounts.HASHER.verify(row["password_hash"], current or "")
    except (VerificationError, InvalidHashError):
        raise UserError.from_key("signup.current_wrong") from None
    if current == new:
        raise UserError.from_key("signup.same_password")
    new_hash = accounts.HASHER.hash(new)
    keep = hashlib.sha256(keep_session.encode()).hexdigest() if keep_session else ""  # as sessions store it
    with write_tx(db):
        db["users"].update(actor.id, {"password_hash": new_hash})
        db.execute("DELETE FROM account_requests WHERE kind = 'change' AND key_hash = ?",
                   [hashlib.sha256(f"change:{actor.id}".encode()).hexdigest()])
        ended = db.execute("DELETE FROM sessions WHERE user_id = ? AND token_hash != ?", [actor.id, keep]).rowcount
        db.execute("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL", [actor.id])
        audit.record(db, actor=actor.as_dict(), action="password.change", entity="user", entity_id=actor.id,
                     after={"sessions_ended": ended})
    return ended
