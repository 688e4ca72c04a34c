"""The document registry: every self-assessment statement and verified certificate issued, its signed code, the
SHA-256 of its PDF (and the PDF itself), and what happened to it since: superseded, suspended or revoked.

Two documents a brand must never confuse: a **self-assessment statement** (`verified` 0: no assessor has looked at
it) and a **verified certificate** (`verified` 1: issued on an assessor's approval). A company has at most one
*current* document (neither superseded nor revoked): issuing a new one supersedes the previous one in the same
transaction, and a partial unique index on `subject` makes the database refuse a second current one even when two
processes race.

A document's status on a date is derived, not stored, most serious first: revoked, superseded, suspended (a later
version has a knock-out), expired, else active. Ids are sequential per year of issue: `VN-CLF-2026-000123`."""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from typing import Any, Callable, Literal
from urllib.parse import quote

from sqlite_utils import Database

from accreditation import signing
from accreditation.errors import UserError
from accreditation.storage import keep, storage
from accreditation.store.db import MIGRATIONS, write_tx

ID_PREFIX = "VN-CLF"
ID_RE = re.compile(r"^VN-CLF-(\d{4})-(\d{6})$")
PAYLOAD_FORMAT = 1
Status = Literal["active", "expired", "revoked", "suspended", "superseded"]
STATUSES: tuple[str, ...] = ("active", "expired", "suspended", "superseded", "revoked")
Assurance = Literal["self_assessed", "verified"]
TABLE = "certificates"
ONE_CURRENT_INDEX = "certificates_one_current_per_subject"


@MIGRATIONS(name="certificates_0001_create")
def _create_certificates(db: Database) -> None:
    db[TABLE].create(
        {
            "id": str,
            "year": int,
            "seq": int,
            "company_name": str,
            "tax_code": str,
            "address": str,
            "province": str,
            "tier": str,
            "score": float,
            "criteria_id": str,
            "criteria_version": str,
            "criteria_fingerprint": str,
            "issued": str,  # ISO date
            "expires": str,  # ISO date, the last day of validity
            "verified": int,  # 0: self-assessed; 1: approved by an assessor
            "issuer": str,
            "payload": str,  # the canonical JSON that was signed
            "signature": str,  # base64url Ed25519 signature over `payload`
            "key_id": str,
            "pdf_sha256": str,
            "recorded_at": str,  # UTC timestamp of the registry write
            "revoked_at": str,  # UTC timestamp, NULL while not revoked
            "revoked_reason": str,
            "revoked_by": str,
        },
        pk="id",
        not_null={"year", "seq", "company_name", "tax_code", "tier", "score", "criteria_version", "issued",
                  "expires", "verified", "issuer", "payload", "signature", "pdf_sha256"},
    )
    db[TABLE].create_index(["year", "seq"], unique=True)
    db[TABLE].create_index(["tax_code"])


@MIGRATIONS(name="certificates_0002_current_documents")
def _current_documents(db: Database) -> None:
    """Who a document is about (`subject`: the tax code's digits, or the organisation), where it came from, the
    address its QR code points to, and what happened to it since. Rows issued before this migration: the newest
    non-revoked document per subject stays current, the older ones become superseded by it."""
    table = db[TABLE]
    for column, kind in (("subject", str), ("organisation_id", int), ("assessment_id", int), ("base_url", str),
                         ("superseded_by", str), ("superseded_at", str), ("suspended_at", str),
                         ("suspended_reason", str), ("suspended_by", str)):
        table.add_column(column, kind)
    rows = db.execute(f"SELECT id, tax_code, revoked_at, recorded_at FROM {TABLE} ORDER BY year, seq").fetchall()
    newest: dict[str, tuple[str, str]] = {}
    for cert_id, tax_code, revoked_at, recorded_at in rows:
        subject = subject_of(tax_code, None)
        db.execute(f"UPDATE {TABLE} SET subject = ? WHERE id = ?", [subject, cert_id])
        if not revoked_at:
            newest[subject] = (cert_id, recorded_at)
    for cert_id, tax_code, revoked_at, _ in rows:
        subject = subject_of(tax_code, None)
        keep, when = newest.get(subject, (cert_id, None))
        if not revoked_at and cert_id != keep:
            db.execute(f"UPDATE {TABLE} SET superseded_by = ?, superseded_at = ? WHERE id = ?", [keep, when, cert_id])
    if "assessments" in db.table_names():  # documents issued by the app name their assessment
        db.execute(f"""UPDATE {TABLE} SET
                         assessment_id = (SELECT a.id FROM assessments a WHERE a.certificate_id = {TABLE}.id),
                         organisation_id = (SELECT a.organisation_id FROM assessments a
                                            WHERE a.certificate_id = {TABLE}.id)""")
    db.execute(f"CREATE UNIQUE INDEX {ONE_CURRENT_INDEX} ON {TABLE}(subject) "
               "WHERE superseded_by IS NULL AND revoked_at IS NULL")
    table.create_index(["organisation_id"])


def subject_of(tax_code: str | None, organisation_id: int | None) -> str:
    """Whom a document is about, for "one current document per company": the tax code's digits (so `0100112437-001`
    and `0100112437001` are one company), else the organisation."""
    digits = re.sub(r"\D", "", tax_code or "")
    if digits:
        return digits
    if organisation_id is None:
        raise ValueError("a document needs a tax code or an organisation")
    return f"org:{organisation_id}"


@dataclass(frozen=True)
class CertificateDraft:
    """What a new document says; the registry adds the id, signature and PDF hash."""

    company_name: str
    tax_code: str
    tier: str
    score: float
    criteria_id: str
    criteria_version: str
    issued: date
    expires: date
    issuer: str
    verified: bool = False
    address: str = ""
    province: str = ""
    criteria_fingerprint: str = ""
    organisation_id: int | None = None
    assessment_id: int | None = None


@dataclass(frozen=True)
class Certificate:
    """A document as recorded in the registry: a self-assessment statement or a verified certificate."""

    id: str
    company_name: str
    tax_code: str  # in full: the registry is for assessors; what verifiers see is masked (`shown_tax_code`)
    address: str
    province: str
    tier: str
    score: float
    criteria_id: str
    criteria_version: str
    criteria_fingerprint: str
    issued: date
    expires: date
    verified: bool
    issuer: str
    payload: str
    signature: str
    key_id: str
    pdf_sha256: str
    recorded_at: str
    revoked_at: str | None = None
    revoked_reason: str | None = None
    revoked_by: str | None = None
    subject: str = ""
    organisation_id: int | None = None
    assessment_id: int | None = None
    base_url: str = ""  # the public address its QR code points to, fixed at issue
    superseded_by: str | None = None
    superseded_at: str | None = None
    suspended_at: str | None = None
    suspended_reason: str | None = None
    suspended_by: str | None = None

    @property
    def assurance(self) -> Assurance:
        return "verified" if self.verified else "self_assessed"

    @property
    def shown_tax_code(self) -> str:
        """The tax code as anyone but an assessor may see it: a personal 12-digit ID (a household business) masked."""
        return shown_tax_code(self.tax_code)

    def status(self, as_of: date) -> Status:
        """Most serious first: revoked, superseded, suspended (each from its date on), expired, else active."""
        for status, when in (("revoked", self.revoked_at), ("superseded", self.superseded_at),
                             ("suspended", self.suspended_at)):
            if when and date.fromisoformat(when[:10]) <= as_of:
                return status  # type: ignore[return-value]
        if as_of > self.expires:
            return "expired"
        return "active"

    def verification_url(self, base: str | None = None) -> str:
        return verification_url(self.id, self.payload, self.signature, base or self.base_url or None)

    def lookup_url(self, base: str | None = None) -> str:
        """The short address of the public verify page for this id (printed under the QR code)."""
        from accreditation.settings import public_url

        return f"{base or self.base_url or public_url()}/?verify={self.id}"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Certificate":
        text = {k: row[k] or "" for k in ("address", "province", "criteria_id", "criteria_fingerprint", "key_id",
                                          "subject", "base_url")}
        return cls(**{**row, **text, "issued": date.fromisoformat(row["issued"]),
                      "expires": date.fromisoformat(row["expires"]), "verified": bool(row["verified"])})

    def public_details(self, as_of: date) -> dict[str, Any]:
        """What a verifier may see: the document's facts, assurance and status; a personal ID number masked."""
        out = {
            "id": self.id, "assurance": self.assurance, "status": self.status(as_of),
            "company_name": self.company_name, "tax_code": self.shown_tax_code, "province": self.province,
            "tier": self.tier, "score": self.score, "criteria_id": self.criteria_id,
            "criteria_version": self.criteria_version, "issued": self.issued.isoformat(),
            "expires": self.expires.isoformat(), "verified": self.verified, "issuer": self.issuer,
        }
        if self.superseded_by:
            out |= {"superseded_by": self.superseded_by, "superseded_at": self.superseded_at}
        if self.suspended_at:
            out |= {"suspended_at": self.suspended_at, "suspended_reason": self.suspended_reason}
        if self.revoked_at:
            out |= {"revoked_at": self.revoked_at, "revoked_reason": self.revoked_reason}
        return out


def shown_tax_code(tax_code: str) -> str:
    from scoring.tax_codes import classify

    return classify(tax_code).masked() if tax_code else tax_code


# Short keys keep the QR code small (a smaller code prints larger modules and encodes faster).
PAYLOAD_KEYS = {"v": "format", "id": "id", "tax": "tax_code", "tier": "tier", "score": "score", "iss": "issued",
                "exp": "expires", "crit": "criteria", "vf": "verified", "kid": "key_id"}


def payload_for(cert_id: str, draft: CertificateDraft, key_id: str) -> dict[str, Any]:
    """The signed content of a document's code: id, tax code (a personal ID masked: the code travels in a QR
    image), tier, score, issue and expiry dates, criteria, whether an assessor verified it, and which key signed
    it. No floats in signed JSON: the score is a string."""
    return {
        "v": PAYLOAD_FORMAT,
        "id": cert_id,
        "tax": shown_tax_code(draft.tax_code),
        "tier": draft.tier,
        "score": f"{draft.score:.1f}",
        "iss": draft.issued.isoformat(),
        "exp": draft.expires.isoformat(),
        "crit": f"{draft.criteria_id} {draft.criteria_version}".strip(),
        "vf": bool(draft.verified),
        "kid": key_id[:8],
    }


def describe_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A signed payload with its keys spelt out, for people."""
    return {PAYLOAD_KEYS.get(k, k): v for k, v in payload.items()}


def verification_url(cert_id: str, payload_json: str, signature: str, base: str | None = None) -> str:
    """`<public url>/?verify=<id>&p=<base64url canonical payload>&s=<base64url signature>`: ASCII only."""
    from accreditation.settings import public_url

    p = signing.b64url_encode(payload_json.encode("ascii"))
    return f"{base or public_url()}/?verify={quote(cert_id, safe='-')}&p={p}&s={signature}"


def add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def expiry_date(issued: date, validity_months: int) -> date:
    """The last day of validity: the day before the same date `validity_months` later."""
    return date.fromordinal(add_months(issued, validity_months).toordinal() - 1)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ------------------------------------------------------------------------------------------------ issuing


def pdf_key(digest: str) -> str:
    """Where an issued PDF is kept (see accreditation.storage): by its SHA-256."""
    return f"documents/{digest}.pdf"


def _keep_pdf(pdf: bytes, digest: str) -> None:
    """The issued PDF, by its SHA-256: what a company downloads later is these bytes, so a genuine PDF never fails
    its hash check after a font, library, criteria label or address change."""
    keep(pdf_key(digest), pdf)


def issued_pdf(cert: Certificate) -> bytes | None:
    """The PDF as issued, or None if this installation no longer has it."""
    return storage().get(pdf_key(cert.pdf_sha256))


def issue(db: Database, draft: CertificateDraft, render: Callable[[Certificate], bytes],
          base_url: str | None = None) -> tuple[Certificate, bytes]:
    """Record a new document and make it the company's current one: allocate the next id for its year, sign its
    payload, render its PDF with `render` (a pure function of the document), keep the PDF and its SHA-256, and
    supersede the company's previous document, all in one write transaction: a failed render leaves no entry, two
    issuers never get the same id, and however many issue at once, one current document remains."""
    from accreditation.settings import public_url

    year = draft.issued.year
    kid = signing.key_id()
    subject = subject_of(draft.tax_code, draft.organisation_id)
    with write_tx(db):
        row = db.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {TABLE} WHERE year = ?", [year]).fetchone()
        seq = row[0] + 1
        if seq > 999_999:
            raise UserError.from_key("reports.registry_full", year=year)
        cert_id = f"{ID_PREFIX}-{year}-{seq:06d}"
        payload = payload_for(cert_id, draft, kid)
        payload_json = signing.canonical_json(payload).decode("ascii")
        recorded = _now()
        cert = Certificate(
            id=cert_id, company_name=draft.company_name, tax_code=draft.tax_code, address=draft.address,
            province=draft.province, tier=draft.tier, score=float(draft.score), criteria_id=draft.criteria_id,
            criteria_version=draft.criteria_version, criteria_fingerprint=draft.criteria_fingerprint,
            issued=draft.issued, expires=draft.expires, verified=bool(draft.verified), issuer=draft.issuer,
            payload=payload_json, signature=signing.sign(payload), key_id=kid, pdf_sha256="", recorded_at=recorded,
            subject=subject, organisation_id=draft.organisation_id, assessment_id=draft.assessment_id,
            base_url=(base_url or public_url()).rstrip("/"),
        )
        pdf = render(cert)
        cert = replace(cert, pdf_sha256=hashlib.sha256(pdf).hexdigest())
        _keep_pdf(pdf, cert.pdf_sha256)
        db.execute(f"UPDATE {TABLE} SET superseded_by = ?, superseded_at = ? "
                   "WHERE subject = ? AND superseded_by IS NULL AND revoked_at IS NULL", [cert_id, recorded, subject])
        db[TABLE].insert(_to_row(cert, year, seq))
    return cert, pdf


def _to_row(cert: Certificate, year: int, seq: int) -> dict[str, Any]:
    return {
        "id": cert.id, "year": year, "seq": seq, "company_name": cert.company_name, "tax_code": cert.tax_code,
        "address": cert.address, "province": cert.province, "tier": cert.tier, "score": cert.score,
        "criteria_id": cert.criteria_id, "criteria_version": cert.criteria_version,
        "criteria_fingerprint": cert.criteria_fingerprint, "issued": cert.issued.isoformat(),
        "expires": cert.expires.isoformat(), "verified": int(cert.verified), "issuer": cert.issuer,
        "payload": cert.payload, "signature": cert.signature, "key_id": cert.key_id, "pdf_sha256": cert.pdf_sha256,
        "recorded_at": cert.recorded_at, "revoked_at": None, "revoked_reason": None, "revoked_by": None,
        "subject": cert.subject, "organisation_id": cert.organisation_id, "assessment_id": cert.assessment_id,
        "base_url": cert.base_url,
    }


_COLUMNS = ("id, company_name, tax_code, address, province, tier, score, criteria_id, criteria_version, "
            "criteria_fingerprint, issued, expires, verified, issuer, payload, signature, key_id, pdf_sha256, "
            "recorded_at, revoked_at, revoked_reason, revoked_by, subject, organisation_id, assessment_id, "
            "base_url, superseded_by, superseded_at, suspended_at, suspended_reason, suspended_by")


def _rows(db: Database, where: str = "", params: list[Any] | tuple = ()) -> list[Certificate]:
    sql = f"SELECT {_COLUMNS} FROM {TABLE} {where}"
    return [Certificate.from_row(r) for r in db.query(sql, params)]


def get(db: Database, cert_id: str) -> Certificate | None:
    found = _rows(db, "WHERE id = ?", [cert_id.strip().upper()])
    return found[0] if found else None


def current(db: Database, tax_code: str | None, organisation_id: int | None = None) -> Certificate | None:
    """The company's current document (neither superseded nor revoked; it may be suspended or expired), or None."""
    found = _rows(db, "WHERE subject = ? AND superseded_by IS NULL AND revoked_at IS NULL",
                  [subject_of(tax_code, organisation_id)])
    return found[0] if found else None


def successor(db: Database, cert: Certificate) -> Certificate:
    """The document that finally replaced `cert` (itself if it was never superseded)."""
    seen = {cert.id}
    while cert.superseded_by:
        nxt = get(db, cert.superseded_by)
        if nxt is None or nxt.id in seen:
            break
        seen.add(nxt.id)
        cert = nxt
    return cert


def list_certificates(db: Database, *, tax_code: str | None = None, status: Status | None = None,
                      as_of: date | None = None) -> list[Certificate]:
    """Documents, newest first; optionally one company's (tax code) and/or those with a status on `as_of`."""
    if tax_code:
        certs = _rows(db, "WHERE subject = ? ORDER BY year DESC, seq DESC", [subject_of(tax_code, None)])
    else:
        certs = _rows(db, "ORDER BY year DESC, seq DESC")
    if status:
        day = as_of or date.today()
        certs = [c for c in certs if c.status(day) == status]
    return certs


def revoke(db: Database, cert_id: str, reason: str, by: str, at: datetime | None = None) -> Certificate:
    """Revoke a document, with a reason and who did it. Revoking twice is refused (the first reason stands)."""
    reason = reason.strip()
    if not reason:
        raise UserError.from_key("reports.revoke_needs_reason")
    with write_tx(db):
        cert = get(db, cert_id)
        if cert is None:
            raise UserError.from_key("reports.unknown_certificate", id=cert_id)
        if cert.revoked_at:
            raise UserError.from_key("reports.already_revoked", id=cert.id, at=cert.revoked_at[:10])
        when = (at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        db.execute(f"UPDATE {TABLE} SET revoked_at = ?, revoked_reason = ?, revoked_by = ? WHERE id = ?",
                   [when, reason, by, cert.id])
    return replace(cert, revoked_at=when, revoked_reason=reason, revoked_by=by)


def suspend_current(db: Database, tax_code: str | None, organisation_id: int | None, reason: str, by: str,
                    at: datetime | None = None) -> Certificate | None:
    """Suspend the company's current document (a later version has a knock-out), unless it is already suspended.
    Only a new document, issued on an assessor's approval, takes its place. Returns the document suspended now."""
    with write_tx(db):
        cert = current(db, tax_code, organisation_id)
        if cert is None or cert.suspended_at:
            return None
        when = (at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        db.execute(f"UPDATE {TABLE} SET suspended_at = ?, suspended_reason = ?, suspended_by = ? WHERE id = ?",
                   [when, reason, by, cert.id])
    return replace(cert, suspended_at=when, suspended_reason=reason, suspended_by=by)


def decode_payload(payload_json: str) -> dict[str, Any]:
    return json.loads(payload_json)
