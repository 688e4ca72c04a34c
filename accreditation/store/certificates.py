"""The certificate registry: every certificate issued, its signed code, the SHA-256 of its PDF, and revocations.

A certificate's status on a date is derived, not stored: revoked (revoked on or before that date), expired (the
date is after `expires`), else active. Ids are sequential per year of issue: `VN-CLF-2026-000123`."""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Literal
from urllib.parse import quote

from sqlite_utils import Database

from accreditation import signing
from accreditation.errors import UserError
from accreditation.store.db import MIGRATIONS, write_tx

ID_PREFIX = "VN-CLF"
ID_RE = re.compile(r"^VN-CLF-(\d{4})-(\d{6})$")
PAYLOAD_FORMAT = 1
Status = Literal["active", "expired", "revoked"]
TABLE = "certificates"


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


@dataclass(frozen=True)
class CertificateDraft:
    """What a new certificate says; the registry adds the id, signature and PDF hash."""

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


@dataclass(frozen=True)
class Certificate:
    """A certificate as recorded in the registry."""

    id: str
    company_name: str
    tax_code: str
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

    def status(self, as_of: date) -> Status:
        if self.revoked_at and date.fromisoformat(self.revoked_at[:10]) <= as_of:
            return "revoked"
        if as_of > self.expires:
            return "expired"
        return "active"

    def verification_url(self, base: str | None = None) -> str:
        return verification_url(self.id, self.payload, self.signature, base)

    def lookup_url(self, base: str | None = None) -> str:
        """The short address of the public verify page for this id (printed under the QR code)."""
        from accreditation.settings import public_url

        return f"{base or public_url()}/?verify={self.id}"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Certificate":
        text = {k: row[k] or "" for k in ("address", "province", "criteria_id", "criteria_fingerprint", "key_id")}
        return cls(**{**row, **text, "issued": date.fromisoformat(row["issued"]),
                      "expires": date.fromisoformat(row["expires"]), "verified": bool(row["verified"])})

    def public_details(self, as_of: date) -> dict[str, Any]:
        """What a verifier may see: the certificate's facts and status, no internal fields."""
        out = {
            "id": self.id, "status": self.status(as_of), "company_name": self.company_name,
            "tax_code": self.tax_code, "province": self.province, "tier": self.tier, "score": self.score,
            "criteria_id": self.criteria_id, "criteria_version": self.criteria_version,
            "issued": self.issued.isoformat(), "expires": self.expires.isoformat(), "verified": self.verified,
            "issuer": self.issuer,
        }
        if self.revoked_at:
            out |= {"revoked_at": self.revoked_at, "revoked_reason": self.revoked_reason}
        return out


# Short keys keep the QR code small (a smaller code prints larger modules and encodes faster).
PAYLOAD_KEYS = {"v": "format", "id": "id", "tax": "tax_code", "tier": "tier", "score": "score", "iss": "issued",
                "exp": "expires", "crit": "criteria", "vf": "verified", "kid": "key_id"}


def payload_for(cert_id: str, draft: CertificateDraft, key_id: str) -> dict[str, Any]:
    """The signed content of a certificate code: id, tax code, tier, score, issue and expiry dates, criteria,
    whether an assessor verified it, and which key signed it. No floats in signed JSON: the score is a string."""
    return {
        "v": PAYLOAD_FORMAT,
        "id": cert_id,
        "tax": draft.tax_code,
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


def issue(db: Database, draft: CertificateDraft,
          render: Callable[[Certificate], bytes]) -> tuple[Certificate, bytes]:
    """Record a new certificate: allocate the next id for its year, sign its payload, render its PDF with `render`
    (a pure function of the certificate) and store the PDF's SHA-256, all in one write transaction, so a failed
    render leaves no registry entry and two issuers never get the same id."""
    year = draft.issued.year
    kid = signing.key_id()
    with write_tx(db):
        row = db.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {TABLE} WHERE year = ?", [year]).fetchone()
        seq = row[0] + 1
        if seq > 999_999:
            raise UserError.from_key("reports.registry_full", year=year)
        cert_id = f"{ID_PREFIX}-{year}-{seq:06d}"
        payload = payload_for(cert_id, draft, kid)
        payload_json = signing.canonical_json(payload).decode("ascii")
        cert = Certificate(
            id=cert_id, company_name=draft.company_name, tax_code=draft.tax_code, address=draft.address,
            province=draft.province, tier=draft.tier, score=float(draft.score), criteria_id=draft.criteria_id,
            criteria_version=draft.criteria_version, criteria_fingerprint=draft.criteria_fingerprint,
            issued=draft.issued, expires=draft.expires, verified=bool(draft.verified), issuer=draft.issuer,
            payload=payload_json, signature=signing.sign(payload), key_id=kid, pdf_sha256="",
            recorded_at=_now(),
        )
        pdf = render(cert)
        cert = _replace(cert, pdf_sha256=hashlib.sha256(pdf).hexdigest())
        db[TABLE].insert(_to_row(cert, year, seq))
    return cert, pdf


def _replace(cert: Certificate, **changes: Any) -> Certificate:
    from dataclasses import replace

    return replace(cert, **changes)


def _to_row(cert: Certificate, year: int, seq: int) -> dict[str, Any]:
    return {
        "id": cert.id, "year": year, "seq": seq, "company_name": cert.company_name, "tax_code": cert.tax_code,
        "address": cert.address, "province": cert.province, "tier": cert.tier, "score": cert.score,
        "criteria_id": cert.criteria_id, "criteria_version": cert.criteria_version,
        "criteria_fingerprint": cert.criteria_fingerprint, "issued": cert.issued.isoformat(),
        "expires": cert.expires.isoformat(), "verified": int(cert.verified), "issuer": cert.issuer,
        "payload": cert.payload, "signature": cert.signature, "key_id": cert.key_id, "pdf_sha256": cert.pdf_sha256,
        "recorded_at": cert.recorded_at, "revoked_at": None, "revoked_reason": None, "revoked_by": None,
    }


_COLUMNS = ("id, company_name, tax_code, address, province, tier, score, criteria_id, criteria_version, "
            "criteria_fingerprint, issued, expires, verified, issuer, payload, signature, key_id, pdf_sha256, "
            "recorded_at, revoked_at, revoked_reason, revoked_by")


def _rows(db: Database, where: str = "", params: list[Any] | tuple = ()) -> list[Certificate]:
    sql = f"SELECT {_COLUMNS} FROM {TABLE} {where}"
    return [Certificate.from_row(r) for r in db.query(sql, params)]


def get(db: Database, cert_id: str) -> Certificate | None:
    found = _rows(db, "WHERE id = ?", [cert_id.strip().upper()])
    return found[0] if found else None


def list_certificates(db: Database, *, tax_code: str | None = None, status: Status | None = None,
                      as_of: date | None = None) -> list[Certificate]:
    """Certificates, newest first; optionally one company's (tax code) and/or those with a status on `as_of`."""
    if tax_code:
        certs = _rows(db, "WHERE tax_code = ? ORDER BY year DESC, seq DESC", [tax_code])
    else:
        certs = _rows(db, "ORDER BY year DESC, seq DESC")
    if status:
        day = as_of or date.today()
        certs = [c for c in certs if c.status(day) == status]
    return certs


def revoke(db: Database, cert_id: str, reason: str, by: str, at: datetime | None = None) -> Certificate:
    """Revoke a certificate, with a reason and who did it. Revoking twice is refused (the first reason stands)."""
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
    return _replace(cert, revoked_at=when, revoked_reason=reason, revoked_by=by)


def decode_payload(payload_json: str) -> dict[str, Any]:
    return json.loads(payload_json)
