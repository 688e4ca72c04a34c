"""Verification: valid, expired, revoked, and every way a certificate can fail to be genuine."""

import json
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accreditation import signing
from accreditation.reports.certificate import issue_certificate
from accreditation.reports.remediation import render_remediation_plan
from accreditation.store import certificates as reg
from accreditation.store import open_db
from accreditation.store.certificates import CertificateDraft, expiry_date
from accreditation.verify import certificate_id_in_pdf, verify
from criteria import default_criteria
from scoring import assess

ISSUED = date(2026, 12, 5)
TODAY = date(2027, 1, 10)
BASE = "https://clf.example.vn"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", BASE)


@pytest.fixture
def db():
    return open_db(":memory:")


@pytest.fixture
def issued(db):
    draft = CertificateDraft(company_name="Công ty TNHH May mặc Thuận An Xanh", tax_code="3709123455",
                             tier="pioneer", score=82.5, criteria_id="VN-CLF-REF", criteria_version="2026.1",
                             issued=ISSUED, expires=expiry_date(ISSUED, 24), issuer="self-assessment")
    return issue_certificate(db, default_criteria(), draft)


def parts(url):
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    return q["verify"], q["p"], q["s"]


def make_url(cid, p, s):
    return f"{BASE}/?verify={cid}&p={p}&s={s}"


def reencode(payload: dict) -> str:
    return signing.b64url_encode(signing.canonical_json(payload))


# ------------------------------------------------------------------------------------------------ genuine


def test_valid_by_id_url_query_string_and_pdf(db, issued):
    cert, pdf = issued
    url = cert.verification_url()
    for value in (cert.id, cert.id.lower(), url, url.split("?", 1)[1], f"{BASE}/?verify={cert.id}", pdf):
        result = verify(value, db, TODAY)
        assert result.status == "valid" and result.reason == "active", value
        assert result.certificate_id == cert.id and result.registry_checked
        assert result.details["company_name"] == "Công ty TNHH May mặc Thuận An Xanh"
        assert result.details["expires"] == "2028-12-04"
    assert verify(url, db, TODAY).signature_valid is True
    assert verify(pdf, db, TODAY).details["sha256"] == cert.pdf_sha256


def test_messages_in_both_languages(db, issued):
    result = verify(issued[0].id, db, TODAY)
    assert result.message("vi").startswith("HỢP LỆ") and "Công ty TNHH May mặc Thuận An Xanh" in result.message("vi")
    assert result.message("en").startswith("VALID") and "2028-12-04" in result.message("en")
    assert set(result.as_dict()["message"]) == {"vi", "en"}


def test_expired(db, issued):
    cert, pdf = issued
    for value in (cert.id, cert.verification_url(), pdf):
        result = verify(value, db, date(2028, 12, 5))
        assert (result.status, result.reason) == ("expired", "expired")
    assert verify(cert.id, db, date(2028, 12, 4)).status == "valid"


def test_revoked_with_reason(db, issued):
    cert, pdf = issued
    reg.revoke(db, cert.id, "Phát hiện trẻ em 14 tuổi làm việc", "VCCI",
               at=datetime(2027, 1, 5, tzinfo=timezone.utc))
    for value in (cert.id, cert.verification_url(), pdf):
        result = verify(value, db, TODAY)
        assert (result.status, result.reason) == ("revoked", "revoked")
        assert result.details["revoked_reason"] == "Phát hiện trẻ em 14 tuổi làm việc"
    assert "Phát hiện trẻ em 14 tuổi làm việc" in verify(cert.id, db, TODAY).message("en")


# ------------------------------------------------------------------------------------------- not genuine


@pytest.mark.parametrize("change", [{"tier": "champion"}, {"score": "99.0"}, {"exp": "2099-12-31"},
                                   {"tax": "0101234567"}, {"vf": True}])
def test_a_tampered_payload_is_reported_as_such(db, issued, change):
    cert, _ = issued
    cid, p, s = parts(cert.verification_url())
    forged = reencode({**json.loads(signing.b64url_decode(p)), **change})
    result = verify(make_url(cid, forged, s), db, TODAY)
    assert (result.status, result.reason) == ("not_genuine", "tampered_payload")
    assert result.signature_valid is False
    # offline nobody knows the original: the signature simply does not match
    offline = verify(make_url(cid, forged, s), None, TODAY)
    assert (offline.status, offline.reason) == ("not_genuine", "bad_signature")


def test_a_changed_id_in_the_url_is_tampering(db, issued):
    cert, _ = issued
    _, p, s = parts(cert.verification_url())
    result = verify(make_url("VN-CLF-2026-000999", p, s), db, TODAY)
    assert (result.status, result.reason) == ("not_genuine", "tampered_payload")


def test_a_wrong_signature_is_reported_as_such(db, issued):
    cert, _ = issued
    cid, p, s = parts(cert.verification_url())
    foreign = signing.b64url_encode(Ed25519PrivateKey.generate().sign(signing.b64url_decode(p)))
    flipped = s[:20] + ("A" if s[20] != "A" else "B") + s[21:]
    for sig in (foreign, flipped, s[:40], "x"):
        for store in (db, None):
            result = verify(make_url(cid, p, sig), store, TODAY)
            assert (result.status, result.reason) == ("not_genuine", "bad_signature"), (sig, store)


def test_a_code_signed_by_another_key_is_not_genuine_even_if_well_formed(db, issued):
    other = Ed25519PrivateKey.generate()
    payload = {**json.loads(issued[0].payload), "tier": "champion"}
    raw = signing.canonical_json(payload)
    url = make_url(payload["id"], signing.b64url_encode(raw), signing.b64url_encode(other.sign(raw)))
    assert verify(url, None, TODAY).reason == "bad_signature"
    assert verify(url, db, TODAY).reason == "tampered_payload"


def test_an_unknown_id_is_reported_as_such(db, issued):
    result = verify("VN-CLF-2026-999999", db, TODAY)
    assert (result.status, result.reason) == ("unknown", "unknown_id")
    assert "VN-CLF-2026-999999" in result.message("en")
    # a correctly signed code whose id the registry does not hold (e.g. a registry restored from an old backup)
    payload = {**json.loads(issued[0].payload), "id": "VN-CLF-2026-000777"}
    url = make_url("VN-CLF-2026-000777", reencode(payload), signing.sign(payload))
    result = verify(url, db, TODAY)
    assert (result.status, result.reason) == ("unknown", "unknown_id") and result.signature_valid


@pytest.mark.parametrize("alter", [
    lambda pdf: pdf + b"\n% appended",
    lambda pdf: pdf.replace(b"/Creator", b"/Creatoz", 1),
    lambda pdf: pdf[:len(pdf) // 2] + bytes([pdf[len(pdf) // 2] ^ 1]) + pdf[len(pdf) // 2 + 1:],
])
def test_an_altered_pdf_is_a_hash_mismatch(db, issued, alter):
    cert, pdf = issued
    altered = alter(pdf)
    assert altered != pdf and certificate_id_in_pdf(altered) == cert.id
    result = verify(altered, db, TODAY)
    assert (result.status, result.reason) == ("not_genuine", "hash_mismatch")
    assert result.details["expected_sha256"] == cert.pdf_sha256


def test_a_pdf_without_a_certificate_id(db):
    criteria = default_criteria()
    plan = render_remediation_plan(assess(criteria, {}), criteria, {"name": "Công ty A"}, TODAY)
    result = verify(plan, db, TODAY)
    assert (result.status, result.reason) == ("not_genuine", "no_certificate_id")


def test_an_unknown_pdf_id(db, issued):
    _, pdf = issued
    other = open_db(":memory:")
    assert verify(pdf, other, TODAY).reason == "unknown_id"


@pytest.mark.parametrize("value", ["hello", "", "VN-CLF-26-1", f"{BASE}/?p=@@@&s=x", f"{BASE}/?p=bm90IGpzb24&s=x",
                                   f"{BASE}/?p={signing.b64url_encode(b'[1,2]')}&s=x", b"\xff\xfe"])
def test_unreadable_input_is_malformed(db, value):
    result = verify(value, db, TODAY)
    assert (result.status, result.reason) == ("not_genuine", "malformed")


# --------------------------------------------------------------------------------------------------- offline


def test_offline_a_valid_signature_says_the_status_cannot_be_checked(issued):
    cert, pdf = issued
    result = verify(cert.verification_url(), None, TODAY)
    assert (result.status, result.reason) == ("unknown", "offline")
    assert result.signature_valid and not result.registry_checked
    assert "cannot be checked offline" in result.message("en")
    assert "ngoại tuyến" in result.message("vi")
    assert result.details["expires"] == "2028-12-04" and result.details["tier"] == "pioneer"
    assert verify(cert.verification_url(), None, date(2029, 1, 1)).status == "expired"  # the dates are signed
    assert verify(cert.id, None, TODAY).reason == "offline_no_signature"
    assert verify(pdf, None, TODAY).reason == "offline_no_signature"


def test_offline_with_the_published_public_key(issued):
    cert, _ = issued
    published = signing.load_public_key(signing.public_key_pem())
    assert verify(cert.verification_url(), None, TODAY, public_key=published).reason == "offline"
    stranger = Ed25519PrivateKey.generate().public_key()
    assert verify(cert.verification_url(), None, TODAY, public_key=stranger).reason == "bad_signature"
