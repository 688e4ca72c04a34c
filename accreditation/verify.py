"""Is this certificate genuine, and is it still valid? One function for the CLI and the public verify page.

Input: a certificate id, a verification URL (or just its query string), or the bytes of a certificate PDF.

- A signed code (URL) is checked against the public key: the signature is over the exact payload bytes, so any
  change to the payload or the signature shows. With the registry at hand, the code must also match the
  registry's entry, and the registry gives the current status (revocation, expiry).
- Without the registry (offline) a valid signature proves the code was issued by the key holder; its expiry date
  is signed too, but a revocation cannot be seen: the result says so.
- A PDF is looked up by the id in its metadata; its SHA-256 must equal the one recorded at issue."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, Field
from sqlite_utils import Database

from accreditation import signing
from accreditation.i18n import t
from accreditation.store import certificates as registry

Status = Literal["valid", "expired", "revoked", "not_genuine", "unknown"]
Reason = Literal[
    "active",  # valid: genuine and active in the registry
    "expired",  # past its expiry date
    "revoked",  # revoked in the registry
    "offline",  # signature valid; the registry could not be consulted
    "offline_no_signature",  # an id or PDF alone cannot be checked without the registry
    "bad_signature",  # the signature does not match (altered, or not made with our key)
    "tampered_payload",  # the signed content was changed
    "malformed",  # not a certificate code we can read
    "unknown_id",  # no such certificate in the registry
    "no_certificate_id",  # a PDF without a certificate id in its metadata
    "hash_mismatch",  # a PDF whose bytes differ from the PDF issued under its id
]
CERT_ID = re.compile(r"VN-CLF-\d{4}-\d{6}", re.IGNORECASE)
_KEYWORDS = re.compile(rb"/Keywords\s*\((.*?)(?<!\\)\)", re.DOTALL)


class Verification(BaseModel):
    status: Status
    reason: Reason
    certificate_id: str | None = None
    signature_checked: bool = False  # a signed code was presented and its signature checked
    signature_valid: bool | None = None
    registry_checked: bool = False
    details: dict[str, Any] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    def message(self, lang: str = "vi") -> str:
        d = self.details
        params = {"id": self.certificate_id or "?", "company": d.get("company_name", ""),
                  "expires": d.get("expires", "?"), "revoked_at": str(d.get("revoked_at", "?"))[:10],
                  "revoked_reason": d.get("revoked_reason", "")}
        return f"{t(f'verify.status.{self.status}', lang)}: {t(f'verify.reason.{self.reason}', lang, **params)}"

    def as_dict(self) -> dict[str, Any]:
        return {**self.model_dump(), "message": {"vi": self.message("vi"), "en": self.message("en")}}


def verify(value: str | bytes, db: Database | None = None, as_of: date | None = None,
           public_key: Ed25519PublicKey | None = None) -> Verification:
    """Verify an id, URL/query string or PDF bytes. `db` None means offline; `public_key` defaults to this
    installation's key. `as_of` (default today) decides expiry."""
    day = as_of or date.today()
    if isinstance(value, (bytes, bytearray)):
        if bytes(value[:5]) == b"%PDF-":
            return verify_pdf(bytes(value), db, day)
        try:
            value = bytes(value).decode("ascii")
        except UnicodeDecodeError:
            return Verification(status="not_genuine", reason="malformed")
    text = value.strip()
    query = _query(text)
    if query is not None:
        if "p" in query or "s" in query:
            return verify_code(query.get("verify", ""), query.get("p", ""), query.get("s", ""), db, day, public_key)
        if "verify" in query:
            text = query["verify"]
    if CERT_ID.fullmatch(text):
        return verify_id(text.upper(), db, day)
    return Verification(status="not_genuine", reason="malformed")


def _query(text: str) -> dict[str, str] | None:
    if "=" not in text:
        return None
    part = urlsplit(text).query if "?" in text else text
    parsed = parse_qs(part, keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def _from_registry(cert: registry.Certificate, day: date, **extra: Any) -> Verification:
    status = cert.status(day)
    return Verification(status="valid" if status == "active" else status, reason=status, certificate_id=cert.id,
                        registry_checked=True, details=cert.public_details(day), **extra)


def verify_id(cert_id: str, db: Database | None, day: date) -> Verification:
    if db is None:
        return Verification(status="unknown", reason="offline_no_signature", certificate_id=cert_id)
    cert = registry.get(db, cert_id)
    if cert is None:
        return Verification(status="unknown", reason="unknown_id", certificate_id=cert_id, registry_checked=True)
    return _from_registry(cert, day)


def verify_code(url_id: str, p: str, s: str, db: Database | None, day: date,
                public_key: Ed25519PublicKey | None = None) -> Verification:
    url_id = url_id.strip().upper()
    try:
        raw = signing.b64url_decode(p)
        payload = json.loads(raw.decode("ascii"))
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            raise ValueError("no id")
    except (ValueError, UnicodeDecodeError):
        return Verification(status="not_genuine", reason="malformed", certificate_id=url_id or None)
    cert_id = payload["id"].upper()
    good = signing.verify_bytes(raw, s, public_key)
    common = {"certificate_id": cert_id, "signature_checked": True, "signature_valid": good}
    cert = registry.get(db, cert_id) if db is not None else None
    if not good:
        if cert is not None and cert.payload.encode("ascii") != raw:
            return Verification(status="not_genuine", reason="tampered_payload", registry_checked=True,
                                details={"claimed": registry.describe_payload(payload)}, **common)
        return Verification(status="not_genuine", reason="bad_signature", registry_checked=db is not None,
                            details={"claimed": registry.describe_payload(payload)}, **common)
    if url_id and url_id != cert_id:  # the visible id was changed, the signed one was not
        return Verification(status="not_genuine", reason="tampered_payload", registry_checked=db is not None,
                            details={"claimed": registry.describe_payload(payload), "url_id": url_id}, **common)
    if db is None:
        expired = _expired(payload, day)
        return Verification(status="expired" if expired else "unknown", reason="expired" if expired else "offline",
                            details=registry.describe_payload(payload), **common)
    if cert is None:
        return Verification(status="unknown", reason="unknown_id", registry_checked=True,
                            details=registry.describe_payload(payload), **common)
    if cert.payload.encode("ascii") != raw:
        return Verification(status="not_genuine", reason="tampered_payload", registry_checked=True,
                            details={"claimed": registry.describe_payload(payload)}, **common)
    return _from_registry(cert, day, signature_checked=True, signature_valid=True)


def _expired(payload: dict[str, Any], day: date) -> bool:
    try:
        return day > date.fromisoformat(str(payload.get("exp")))
    except ValueError:
        return False


def certificate_id_in_pdf(pdf: bytes) -> str | None:
    """The certificate id in a PDF's metadata keywords (our PDFs write the Info dictionary uncompressed)."""
    for match in _KEYWORDS.finditer(pdf):
        found = CERT_ID.search(match.group(1).decode("latin-1"))
        if found:
            return found.group(0).upper()
    return None


def verify_pdf(pdf: bytes, db: Database | None, day: date) -> Verification:
    cert_id = certificate_id_in_pdf(pdf)
    digest = hashlib.sha256(pdf).hexdigest()
    if cert_id is None:
        return Verification(status="not_genuine", reason="no_certificate_id", details={"sha256": digest})
    if db is None:
        return Verification(status="unknown", reason="offline_no_signature", certificate_id=cert_id,
                            details={"sha256": digest})
    cert = registry.get(db, cert_id)
    if cert is None:
        return Verification(status="unknown", reason="unknown_id", certificate_id=cert_id, registry_checked=True,
                            details={"sha256": digest})
    if cert.pdf_sha256 != digest:
        return Verification(status="not_genuine", reason="hash_mismatch", certificate_id=cert_id,
                            registry_checked=True,
                            details={"sha256": digest, "expected_sha256": cert.pdf_sha256,
                                     **cert.public_details(day)})
    result = _from_registry(cert, day)
    return result.model_copy(update={"details": {**result.details, "sha256": digest}})
