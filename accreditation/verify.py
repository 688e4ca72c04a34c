"""Is this document genuine, what assurance does it carry, and is it valid today? One function for the CLI and
the public verify page.

Input: a document id, a verification URL (or just its query string), or the bytes of a document PDF. The answer
leads with the assurance, because that is what a brand must know first: a **verified certificate** (an assessor
approved it) or a **self-assessment statement** (nobody checked it); then the status: valid, expired, suspended,
superseded (naming the document that replaced it), revoked, or not genuine.

- A signed code (URL) is checked with the public key its payload names (`kid`), among every key this installation
  has published, so codes signed before a key rotation still verify. With the registry, the code must also equal
  the registry's entry, which gives the status; a code equal to the registry's entry byte for byte is genuine even
  if its key's public half were lost. An id the registry does not know is not genuine.
- Offline (no registry) a valid signature proves who issued the code, its assurance and its dates; a suspension,
  supersession or revocation cannot be seen, so the status is `unknown`, and the message says why.
- A PDF: its QR code is read back (`pdf_qr`) and the id signed in it compared with the id printed on the page, so
  a QR code copied from another document is caught. With the registry its SHA-256 must equal the one recorded at
  issue (no setting that may change later takes part); offline, the QR's signature must be valid and the printed
  id, tax code and dates must be the signed ones."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any, Iterable, Literal
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, Field
from sqlite_utils import Database

from accreditation import sandbox, signing
from accreditation.display import day
from accreditation.i18n import catalog_text
from accreditation.store import certificates as registry

Status = Literal["valid", "expired", "revoked", "suspended", "superseded", "not_genuine", "unknown"]
Assurance = Literal["self_assessed", "verified"]
Tone = Literal["green", "amber", "red"]
Reason = Literal[
    "active",  # valid: genuine and active in the registry
    "expired",  # past its expiry date
    "revoked",  # revoked in the registry
    "suspended",  # suspended in the registry (a later version had a knock-out)
    "superseded",  # replaced by the company's next document
    "offline",  # signature valid; the registry could not be consulted
    "offline_no_signature",  # an id or a PDF without a readable QR code cannot be checked without the registry
    "unknown_key",  # offline: the code names a signing key that is not among the public keys at hand
    "bad_signature",  # the signature does not match (altered, or not made with our key)
    "tampered_payload",  # the signed content was changed
    "malformed",  # not a document code or PDF we can read
    "pdf_too_demanding",  # a PDF the reader could not finish within its time or memory (never called fake)
    "unknown_id",  # no such document in the registry
    "no_certificate_id",  # a PDF without a document id
    "hash_mismatch",  # a PDF whose bytes differ from the PDF issued under its id
    "qr_mismatch",  # a PDF whose QR code does not belong to the document printed on it
]
CERT_ID = re.compile(r"VN-CLF-\d{4}-\d{6}", re.IGNORECASE)
# Reading one of our certificates takes 0.1-0.2 s; the verify page answers within a second whatever it is given.
PDF_SECONDS = 0.8
# The command line reads the user's own file on their own machine: a busy machine must not turn a genuine PDF into
# "cannot confirm", and no one else is waiting on it.
CLI_PDF_SECONDS = 10.0
PDF_MEMORY_MB = 256
PublicKeys = Ed25519PublicKey | Iterable[Ed25519PublicKey] | None


class Verification(BaseModel):
    status: Status
    reason: Reason
    assurance: Assurance | None = None  # None when unknown, and for anything not genuine (a forgery claims anything)
    certificate_id: str | None = None
    successor_id: str | None = None  # superseded: the company's document that replaced this one
    signature_checked: bool = False  # a signed code was presented and its signature checked
    signature_valid: bool | None = None
    registry_checked: bool = False
    details: dict[str, Any] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    def accepted(self, require_verified: bool = False) -> bool:
        """Valid, and verified by an assessor if that is required (`verify --require-verified`)."""
        return self.ok and (not require_verified or self.assurance == "verified")

    @property
    def tone(self) -> Tone:
        """Green only for a valid verified certificate; amber for a valid self-assessment statement (valid, but
        nobody checked it) and for an offline check that cannot decide; red for everything else."""
        if self.ok:
            return "green" if self.assurance == "verified" else "amber"
        return "amber" if self.status == "unknown" else "red"

    def headline(self, lang: str = "vi") -> str:
        """The first words: the assurance for a valid document, else the status. A PDF that is not the issued file
        byte for byte is not called a fake: re-saving or printing to PDF changes the bytes of a genuine copy."""
        if self.ok:
            return catalog_text(f"verify.headline.valid_{self.assurance or 'self_assessed'}", lang)
        if self.reason == "hash_mismatch":
            return catalog_text("verify.headline.copy_not_confirmed", lang)
        return catalog_text(f"verify.status.{self.status}", lang)

    @property
    def issuer_text(self) -> dict[str, str] | None:
        """Who issued the document, in words ({"vi", "en"}): the company itself for a self-assessment statement,
        else the assessing body's name; None when no issuer is known (nothing genuine was found)."""
        issuer = self.details.get("issuer")
        if issuer is None:
            return None
        from accreditation.reports.certificate import issuer_wording

        text = issuer_wording(self.assurance == "verified", str(issuer))
        return {"vi": text.vi, "en": text.en}

    def message(self, lang: str = "vi") -> str:
        d = self.details
        claimed = d.get("claimed") if isinstance(d.get("claimed"), dict) else {}
        params = {
            "id": self.certificate_id or "?", "company": d.get("company_name", ""),
            "expires": day(d.get("expires")), "issuer": (self.issuer_text or {}).get(lang, ""),
            "doc": catalog_text(f"verify.doc.{self.assurance or 'unknown'}", lang),
            "revoked_at": day(d.get("revoked_at")), "revoked_reason": d.get("revoked_reason", ""),
            "suspended_at": day(d.get("suspended_at")), "suspended_reason": d.get("suspended_reason", ""),
            "superseded_at": day(d.get("superseded_at")), "successor": self.successor_id or "?",
            "kid": d.get("key_id", claimed.get("key_id", "?")),
            "qr_id": d.get("qr_id") or "?", "printed": ", ".join(d.get("printed_ids") or []) or "?",
        }
        reason = self.reason
        if reason == "active":
            reason = f"active_{self.assurance or 'self_assessed'}"  # type: ignore[assignment]
        return f"{self.headline(lang)}: {catalog_text(f'verify.reason.{reason}', lang, **params)}"

    def as_dict(self) -> dict[str, Any]:
        return {**self.model_dump(), "tone": self.tone, "issuer_text": self.issuer_text,
                "message": {"vi": self.message("vi"), "en": self.message("en")}}


def verify(value: str | bytes, db: Database | None = None, as_of: date | None = None,
           public_keys: PublicKeys = None, pdf_seconds: float | None = None) -> Verification:
    """Verify an id, URL/query string or PDF bytes. `db` None means offline. `public_keys` (one key or several)
    default to every key this installation has published. `as_of` (default today) decides the status.
    `pdf_seconds` bounds reading a PDF (the public page's default answers within a second)."""
    day = as_of or date.today()
    keys = _key_list(public_keys)
    if isinstance(value, (bytes, bytearray)):
        if b"%PDF-" in bytes(value[:1024]):
            return verify_pdf(bytes(value), db, day, keys, seconds=pdf_seconds)
        try:
            value = bytes(value).decode("ascii")
        except UnicodeDecodeError:
            return Verification(status="not_genuine", reason="malformed")
    text = value.strip()
    query = _query(text)
    if query is not None:
        if "p" in query or "s" in query:
            return verify_code(query.get("verify", ""), query.get("p", ""), query.get("s", ""), db, day, keys)
        if "verify" in query:
            text = query["verify"].strip()
    if CERT_ID.fullmatch(text):
        return verify_id(text.upper(), db, day)
    return Verification(status="not_genuine", reason="malformed")


def _key_list(public_keys: PublicKeys) -> list[Ed25519PublicKey] | None:
    if public_keys is None:
        return None
    if isinstance(public_keys, Ed25519PublicKey):
        return [public_keys]
    return list(public_keys)


def _query(text: str) -> dict[str, str] | None:
    if "=" not in text:
        return None
    part = urlsplit(text).query if "?" in text else text
    parsed = parse_qs(part, keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def _from_registry(db: Database, cert: registry.Certificate, day: date, **extra: Any) -> Verification:
    status = cert.status(day)
    successor = None
    if status == "superseded":
        final = registry.successor(db, cert)
        successor = final.id if final.id != cert.id else cert.superseded_by
    details = {**cert.public_details(day), **extra.pop("details", {})}
    return Verification(status="valid" if status == "active" else status, reason=status, assurance=cert.assurance,
                        certificate_id=cert.id, successor_id=successor, registry_checked=True, details=details,
                        **extra)


def verify_id(cert_id: str, db: Database | None, day: date) -> Verification:
    if db is None:
        return Verification(status="unknown", reason="offline_no_signature", certificate_id=cert_id)
    cert = registry.get(db, cert_id)
    if cert is None:
        return Verification(status="not_genuine", reason="unknown_id", certificate_id=cert_id, registry_checked=True)
    return _from_registry(db, cert, day)


def _decode_payload(p: str) -> tuple[bytes, dict[str, Any]] | None:
    try:
        raw = signing.b64url_decode(p)
        payload = json.loads(raw.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        return None
    return raw, payload


def verify_code(url_id: str, p: str, s: str, db: Database | None, day: date,
                public_keys: list[Ed25519PublicKey] | None = None) -> Verification:
    url_id = url_id.strip().upper()
    decoded = _decode_payload(p)
    if decoded is None:
        return Verification(status="not_genuine", reason="malformed", certificate_id=url_id or None)
    raw, payload = decoded
    cert_id = payload["id"].upper()
    claimed = registry.describe_payload(payload)
    cert = registry.get(db, cert_id) if db is not None else None
    same_as_issued = cert is not None and cert.payload.encode("ascii") == raw
    candidates = signing.keys_for(payload.get("kid"), public_keys)
    good = any(signing.verify_bytes(raw, s, key) for key in candidates) if candidates else None
    common = {"certificate_id": cert_id, "signature_checked": good is not None, "signature_valid": good}
    if url_id and url_id != cert_id:  # the visible id was changed, the signed one was not
        return Verification(status="not_genuine", reason="tampered_payload", registry_checked=db is not None,
                            details={"claimed": claimed, "url_id": url_id}, **common)
    if good is None:  # none of the keys at hand has this key id
        if same_as_issued and cert is not None and cert.signature == s:
            return _from_registry(db, cert, day)  # type: ignore[arg-type]
        if db is None:
            return Verification(status="unknown", reason="unknown_key", details=claimed, **common)
    if not good:
        if db is not None and cert is None:
            return Verification(status="not_genuine", reason="unknown_id", registry_checked=True,
                                details={"claimed": claimed}, **common)
        reason = "tampered_payload" if cert is not None and not same_as_issued else "bad_signature"
        return Verification(status="not_genuine", reason=reason, registry_checked=db is not None,
                            details={"claimed": claimed}, **common)
    if db is None:
        expired = _expired(payload, day)
        return Verification(status="expired" if expired else "unknown", reason="expired" if expired else "offline",
                            assurance="verified" if payload.get("vf") is True else "self_assessed",
                            details=claimed, **common)
    if cert is None:
        return Verification(status="not_genuine", reason="unknown_id", registry_checked=True,
                            details={"claimed": claimed}, **common)
    if not same_as_issued:
        return Verification(status="not_genuine", reason="tampered_payload", registry_checked=True,
                            details={"claimed": claimed}, **common)
    return _from_registry(db, cert, day, signature_checked=True, signature_valid=True)


def _expired(payload: dict[str, Any], day: date) -> bool:
    try:
        return day > date.fromisoformat(str(payload.get("exp")))
    except ValueError:
        return False


# ----------------------------------------------------------------------------------------------------------- PDF


def verify_pdf(pdf: bytes, db: Database | None, day: date,
               public_keys: list[Ed25519PublicKey] | None = None, seconds: float | None = None) -> Verification:
    from accreditation import pdf_qr

    digest = hashlib.sha256(pdf).hexdigest()
    try:  # anyone, signed out, may upload a PDF: its parsing must not hold the server, so a child reads it
        read = sandbox.run(pdf_qr.read_certificate_pdf, pdf, seconds=seconds or PDF_SECONDS, memory_mb=PDF_MEMORY_MB)
    except pdf_qr.UnreadablePdf:
        return Verification(status="not_genuine", reason="malformed", details={"sha256": digest})
    except sandbox.Refused:
        return Verification(status="unknown", reason="pdf_too_demanding", details={"sha256": digest})
    query = _query(read.qr_text) if read.qr_text else None
    code = (query.get("verify", ""), query["p"], query.get("s", "")) if query and "p" in query else None
    decoded = _decode_payload(code[1]) if code else None
    qr_id = decoded[1]["id"].upper() if decoded else None
    printed = list(read.printed_ids)
    printed_id = printed[0] if printed else None
    found = {"sha256": digest, "printed_ids": printed, "qr_id": qr_id}
    if printed_id is None and qr_id is None:
        return Verification(status="not_genuine", reason="no_certificate_id", details=found)
    swapped = qr_id is not None and (not printed or any(i != qr_id for i in printed))
    shown_id = printed_id or qr_id

    if db is not None:
        cert = registry.get(db, shown_id)  # type: ignore[arg-type]
        if cert is not None and cert.pdf_sha256 == digest:
            return _from_registry(db, cert, day, details={"sha256": digest})
        if cert is not None:
            found["expected_sha256"] = cert.pdf_sha256
        if swapped:
            return Verification(status="not_genuine", reason="qr_mismatch", certificate_id=shown_id,
                                registry_checked=True, details=found)
        if cert is None:
            return Verification(status="not_genuine", reason="unknown_id", certificate_id=shown_id,
                                registry_checked=True, details=found)
        return Verification(status="not_genuine", reason="hash_mismatch", certificate_id=cert.id,
                            registry_checked=True, details={**found, **cert.public_details(day)})

    if code is None:  # offline, a PDF without a signed code cannot be decided
        return Verification(status="unknown", reason="offline_no_signature", certificate_id=shown_id,
                            details=found)
    result = verify_code(*code, None, day, public_keys)
    if result.status == "not_genuine" or result.reason == "unknown_key":
        return result.model_copy(update={"details": {**result.details, **found}})
    mismatched = _printed_differs(decoded[1], read.text) if decoded else []
    if swapped or mismatched:
        return Verification(status="not_genuine", reason="qr_mismatch", certificate_id=shown_id,
                            signature_checked=True, signature_valid=True,
                            details={**found, "mismatched": (["id"] if swapped else []) + mismatched})
    return result.model_copy(update={"details": {**result.details, "sha256": digest}})


def _printed_differs(payload: dict[str, Any], text: str) -> list[str]:
    """Which signed facts (tax code, issue and expiry dates) are not printed on the page: a genuine QR code on
    someone else's document."""
    page = " ".join(text.split())
    wanted = {"tax_code": str(payload.get("tax", ""))}
    for key, name in (("iss", "issued"), ("exp", "expires")):
        try:
            day = date.fromisoformat(str(payload.get(key)))
        except ValueError:
            continue
        wanted[name] = f"{day.day:02d}/{day.month:02d}/{day.year}"
    return [name for name, value in wanted.items() if value and value not in page]
