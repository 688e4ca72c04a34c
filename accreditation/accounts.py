"""Local accounts: argon2 password hashes, login throttling, session tokens, and the demo data of a first run."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store.accounts import LEGAL_FORMS, ORG_KINDS, ROLES
from accreditation.store.db import write_tx

HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 12  # absolute: a session ends this long after sign-in, busy or not
IDLE_MINUTES = 60  # a session unused this long ends (a shared office computer left signed in)
_DUMMY_HASH = HASHER.hash("timing-equaliser")  # verified against for unknown e-mails, so both cost the same


@dataclass(frozen=True)
class Actor:
    """Who is acting: what `can()` and the audit log are given."""

    id: int
    email: str
    name: str
    role: str
    organisation_id: int
    language: str = "vi"
    lead: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "email": self.email, "role": self.role, "organisation_id": self.organisation_id,
                "lead": self.lead}


# Who acts when the installation sets itself up (the first-run demo data, command-line set-up): an administrator
# with no account of its own. Pass it explicitly; library functions never fall back to it.
SYSTEM = Actor(id=0, email="system", name="system", role="admin", organisation_id=0)

# The kind of organisation each role belongs to: an assessor works for a chamber, never inside a company it reviews.
ORG_KIND_FOR_ROLE = {"sme": "sme", "assessor": "chamber", "brand": "brand", "admin": "admin",
                     "authority": "authority", "association": "association"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


# The longest a profile field may be (characters): ample for the longest registered Vietnamese company names and
# addresses; a 2.5-million-character name held the database's write lock for 78 s.
FIELD_LIMITS = {"name": 300, "tax_code": 32, "address": 500, "province": 100, "sector": 100, "products": 2000}


def _check_lengths(fields: dict[str, Any]) -> None:
    from accreditation.i18n import catalog_text

    for key, limit in FIELD_LIMITS.items():
        if len(str(fields.get(key) or "")) > limit:
            vi, en = (catalog_text("accounts.field_too_long", lang, limit=limit,
                                   field=catalog_text(f"accounts.field_{key}", lang)) for lang in ("vi", "en"))
            raise UserError(vi, en)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_organisation(db: Database, *, actor: Actor, kind: str, name: str, **fields: Any) -> int:
    require(actor, "users.manage")
    if kind not in ORG_KINDS:
        raise ValueError(f"unknown organisation kind {kind!r}")
    if not name.strip():
        raise UserError.from_key("accounts.org_name_required")
    _check_lengths({**fields, "name": name})
    row = {"kind": kind, "name": name.strip(), "created_at": audit.now(), **fields}
    if kind in ("brand", "association") and not row.get("invite_code"):
        row["invite_code"] = secrets.token_hex(4).upper()
    with write_tx(db):
        org_id = db["organisations"].insert(row).last_pk
        audit.record(db, actor=actor.as_dict(), action="organisation.create", entity="organisation",
                     entity_id=org_id, after={"kind": kind, "name": row["name"]})
    return int(org_id)


def update_organisation(db: Database, actor: Actor, organisation_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Change a company's profile (name, tax code, address, province, sector, size, legal form, products). A tax
    code must be valid; it is stored normalised."""
    from scoring.tax_codes import classify

    require(actor, "organisation.edit", {"organisation_id": organisation_id})
    allowed = {"name", "tax_code", "address", "province", "sector", "size", "products", "legal_form"}
    update = {k: v for k, v in fields.items() if k in allowed}
    if update.get("legal_form") not in (None, *LEGAL_FORMS):
        raise ValueError(f"unknown legal form {update['legal_form']!r}")
    _check_lengths(update)
    if "name" in update:
        update["name"] = (update["name"] or "").strip()
        if not update["name"]:
            raise UserError.from_key("accounts.org_name_required")
    if (update.get("tax_code") or "").strip():
        check = classify(update["tax_code"])
        if not check.valid:
            raise UserError.from_key("accounts.tax_invalid", value=str(update["tax_code"]).strip())
        update["tax_code"] = check.code
    for key in ("address", "products"):
        if key in update:
            update[key] = (update[key] or "").strip()
    with write_tx(db):
        before = db["organisations"].get(organisation_id)
        db["organisations"].update(organisation_id, update)
        audit.record(db, actor=actor.as_dict(), action="organisation.update", entity="organisation",
                     entity_id=organisation_id, before={k: before.get(k) for k in update}, after=update)
    return db["organisations"].get(organisation_id)


def create_user(db: Database, *, actor: Actor, email: str, password: str, role: str, organisation_id: int,
                name: str = "", language: str = "vi", lead: bool = False) -> int:
    require(actor, "users.manage")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    org = db["organisations"].get(organisation_id)
    if org["kind"] != ORG_KIND_FOR_ROLE[role]:
        raise UserError.from_key("accounts.role_org_mismatch", role=role, kind=org["kind"],
                                 expected=ORG_KIND_FOR_ROLE[role])
    if len(password) < 8:
        raise UserError.from_key("errors.password_short")
    email = normalise_email(email)
    if db["users"].count_where("email = ?", [email]):
        raise UserError.from_key("errors.email_taken", email=email)
    with write_tx(db):
        user_id = db["users"].insert({
            "email": email, "name": name or email, "password_hash": HASHER.hash(password), "role": role,
            "organisation_id": organisation_id, "language": language, "lead": int(lead), "active": 1,
            "failed_logins": 0, "created_at": audit.now(),
        }).last_pk
        audit.record(db, actor=actor.as_dict(), action="user.create", entity="user",
                     entity_id=user_id, after={"email": email, "role": role, "organisation_id": organisation_id})
    return int(user_id)


def list_users(db: Database, actor: Actor) -> list[dict[str, Any]]:
    """Every account with its organisation's name, for the administrator (no password hashes)."""
    require(actor, "users.manage")
    return list(db.query(
        "select u.id, u.email, u.name, u.role, u.lead, u.active, o.name as organisation from users u "
        "join organisations o on o.id = u.organisation_id order by u.id"))


def list_organisations(db: Database, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "users.manage")
    return list(db.query("select id, name, kind from organisations order by name"))


def deactivate_user(db: Database, actor: Actor, user_id: int) -> None:
    """Close an account and end its sessions. Administrators cannot close their own."""
    require(actor, "users.manage")
    if user_id == actor.id:
        raise UserError.from_key("accounts.not_yourself")
    with write_tx(db):
        db["users"].update(user_id, {"active": 0})
        db["sessions"].delete_where("user_id = ?", [user_id])
        audit.record(db, actor=actor.as_dict(), action="user.deactivate", entity="user", entity_id=user_id)


def actor_from_row(row: dict[str, Any]) -> Actor:
    return Actor(id=row["id"], email=row["email"], name=row["name"] or row["email"], role=row["role"],
                 organisation_id=row["organisation_id"], language=row["language"] or "vi", lead=bool(row["lead"]))


def get_actor(db: Database, user_id: int) -> Actor | None:
    rows = list(db["users"].rows_where("id = ? and active = 1", [user_id]))
    return actor_from_row(rows[0]) if rows else None


LOGIN_FAILED = UserError.from_key("errors.login_failed")


def authenticate(db: Database, email: str, password: str) -> Actor:
    """The user with these credentials, or UserError. After MAX_FAILURES wrong passwords in a row the account is
    locked for LOCK_MINUTES, whatever password is tried.

    Each attempt first claims one of the MAX_FAILURES tries in a write transaction, before the (slow) password
    check, so attempts made in parallel cannot all read the same count: the sixth of fifty simultaneous wrong
    passwords already finds the account locked. A right password gives the claimed try back."""
    email = normalise_email(email)
    rows = list(db["users"].rows_where("email = ? and active = 1", [email]))
    # On a network, the published demo password opens nothing, whoever has it (it costs as much as a real check,
    # so the time taken tells nothing about which e-mails exist).
    if not rows or (password == DEMO_PASSWORD and not demo_enabled()):
        try:
            HASHER.verify(_DUMMY_HASH, password + "x")
        except VerificationError:
            pass
        raise LOGIN_FAILED
    user_id = rows[0]["id"]
    with write_tx(db):
        user = db["users"].get(user_id)
        locked_until = datetime.fromisoformat(user["locked_until"]) if user["locked_until"] else None
        failures = user["failed_logins"] or 0
        if locked_until is not None and locked_until <= _now():  # an expired lock: a fresh set of tries
            db.execute("UPDATE users SET locked_until = NULL, failed_logins = 0 WHERE id = ?", [user_id])
            locked_until, failures = None, 0
        if locked_until is None and failures >= MAX_FAILURES:  # every try used (some may still be running)
            locked_until = _now() + timedelta(minutes=LOCK_MINUTES)
            db["users"].update(user_id, {"locked_until": locked_until.isoformat()})
            audit.record(db, actor=None, action="user.locked", entity="user", entity_id=user_id)
        elif locked_until is None:
            db.execute("UPDATE users SET failed_logins = coalesce(failed_logins, 0) + 1 WHERE id = ?", [user_id])
    if locked_until is not None and locked_until > _now():
        minutes = max(1, int((locked_until - _now()).total_seconds() // 60) + 1)
        raise UserError.from_key("errors.account_locked", minutes=minutes)
    try:
        HASHER.verify(user["password_hash"], password)
    except (VerificationError, InvalidHashError):
        with write_tx(db):  # the claimed try stays used; the last one locks the account at once
            locked = db.execute(
                "UPDATE users SET locked_until = ? WHERE id = ? AND failed_logins >= ? AND locked_until IS NULL",
                [(_now() + timedelta(minutes=LOCK_MINUTES)).isoformat(), user_id, MAX_FAILURES]).rowcount
            if locked:
                audit.record(db, actor=None, action="user.locked", entity="user", entity_id=user_id)
        raise LOGIN_FAILED from None
    with write_tx(db):
        update: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
        if HASHER.check_needs_rehash(user["password_hash"]):
            update["password_hash"] = HASHER.hash(password)
        db["users"].update(user_id, update)
    return actor_from_row(user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Database, actor: Actor) -> str:
    """A new random session token (only its hash is stored), made at every sign-in so a token known before it
    is worth nothing after. The app keeps it in the session and in an HttpOnly cookie (accreditation.ui.web),
    never in a URL."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with write_tx(db):
        db["sessions"].insert({"token_hash": _token_hash(token), "user_id": actor.id, "created_at": audit.now(),
                               "last_seen": now.isoformat(),
                               "expires_at": (now + timedelta(hours=SESSION_HOURS)).isoformat()})
    return token


def resume_session(db: Database, token: str | None) -> Actor | None:
    """The user of a live session, or None: unknown or ended (signed out elsewhere, password reset), past its
    absolute end (SESSION_HOURS after sign-in), idle for IDLE_MINUTES, or its user deactivated. Checked on every
    rerun, so an open tab ends with its session."""
    if not token:
        return None
    key = _token_hash(token)
    rows = list(db["sessions"].rows_where("token_hash = ?", [key]))
    if not rows:
        return None
    now = _now()
    seen = datetime.fromisoformat(rows[0]["last_seen"] or rows[0]["created_at"])
    if datetime.fromisoformat(rows[0]["expires_at"]) <= now or now - seen > timedelta(minutes=IDLE_MINUTES):
        end_session(db, token)
        return None
    actor = get_actor(db, rows[0]["user_id"])
    if actor is None:
        return None
    if now - seen > timedelta(seconds=60):  # at most one write a minute per session
        with write_tx(db):
            db["sessions"].update(key, {"last_seen": now.isoformat()})
    return actor


def end_session(db: Database, token: str | None) -> None:
    if token:
        with write_tx(db):
            db["sessions"].delete_where("token_hash = ?", [_token_hash(token)])


def set_language(db: Database, actor: Actor, language: str) -> None:
    require(actor, "account.edit", {"user_id": getattr(actor, "id", None)})
    with write_tx(db):
        db["users"].update(actor.id, {"language": language})


def user_for_email(db: Database, email: str) -> Actor | None:
    """For sign-in through an identity provider (st.login): the local user with this e-mail, if any."""
    rows = list(db["users"].rows_where("email = ? and active = 1", [normalise_email(email)]))
    return actor_from_row(rows[0]) if rows else None


# --------------------------------------------------------------------------------------------------- demo data

DEMO_PASSWORD = "demo-2026"
DEMO_USERS = (
    # (e-mail, role, organisation key, name, lead)
    ("sme@demo.vn", "sme", "sme", "Nguyễn Thị Lan (HR)", False),
    ("assessor@demo.vn", "assessor", "chamber", "Trần Văn Minh (VCCI)", True),
    ("lead@demo.vn", "assessor", "chamber", "Lê Thị Hoa (VCCI, trưởng nhóm)", True),  # the second pair of eyes
    ("brand@demo.vn", "brand", "brand", "Le Anh Buyer", False),
    ("admin@demo.vn", "admin", "admin", "Quản trị viên", False),
    ("authority@demo.vn", "authority", "authority", "Cán bộ quản lý lao động", False),
    ("association@demo.vn", "association", "association", "Cán bộ hiệp hội", False),
)


def demo_level() -> str:
    """"all", "accounts" or "none". $ACCREDITATION_DEMO decides (1: all, accounts, 0: none); unset, the demo data
    (accounts with a published password, the administrator among them) exists only while the app serves this
    machine alone: on a network address nobody may sign in with the demo password."""
    from accreditation.settings import serving_locally

    value = os.environ.get("ACCREDITATION_DEMO", "").strip().lower()
    if not value:
        return "all" if serving_locally() else "none"
    return {"0": "none", "false": "none", "no": "none", "accounts": "accounts"}.get(value, "all")


def demo_enabled() -> bool:
    return demo_level() != "none"


def ensure_demo_data(db: Database) -> list[tuple[str, str, str]] | None:
    """On a database without users, create the demo organisations and users. Returns their credentials when it
    created them (to print), else None."""
    if not demo_enabled() or db["users"].count:
        return None
    orgs = {
        "sme": create_organisation(db, actor=SYSTEM, kind="sme", name="Công ty TNHH May mặc Thuận An Xanh", tax_code="3709123455",
                                   address="Đường ĐT743, phường Thuận Giao", province="Thành phố Hồ Chí Minh",
                                   sector="garment", size=850, legal_form="enterprise", products="Áo sơ mi, quần âu xuất khẩu"),
        "chamber": create_organisation(db, actor=SYSTEM, kind="chamber", name="VCCI — Văn phòng giới sử dụng lao động (demo)"),
        "brand": create_organisation(db, actor=SYSTEM, kind="brand", name="Demo Apparel Brand Ltd.", invite_code="BRAND-DEMO"),
        "admin": create_organisation(db, actor=SYSTEM, kind="admin", name="Ban quản lý Giải thưởng (demo)"),
        # no province: a national authority (one with a province sees that province only)
        "authority": create_organisation(db, actor=SYSTEM, kind="authority",
                                         name="Cơ quan quản lý nhà nước về lao động (demo)"),
        "association": create_organisation(db, actor=SYSTEM, kind="association", name="Hiệp hội Dệt May (demo)",
                                           invite_code="ASSOC-DEMO"),
    }
    created = []
    for email, role, org, name, lead in DEMO_USERS:
        create_user(db, actor=SYSTEM, email=email, password=DEMO_PASSWORD, role=role, organisation_id=orgs[org],
                    name=name, lead=lead)
        created.append((role, email, DEMO_PASSWORD))
    return created
