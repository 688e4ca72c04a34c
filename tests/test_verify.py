"""Verification: the assurance first (verified certificate or self-assessment statement), then every status a
document can have, and every way a document can fail to be genuine (a code, a URL, a PDF, a QR code copied from
another document), online and offline, before and after a key rotation."""

import io
import json
import time
import zlib
from dataclasses import replace
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accreditation import signing
from accreditation.documents import certificate_pdf
from accreditation.pdf_qr import read_certificate_pdf
from accreditation.reports.certificate import CertificateData, issue_certificate, render_certificate
from accreditation.reports.remediation import render_remediation_plan
from accreditation.store import certificates as reg
from accreditation.store import open_db
from accreditation.store.certificates import CertificateDraft, expiry_date
from accreditation import verify as verify_module
from accreditation.verify import verify
from criteria.datafiles import default_criteria
from scoring.engine import assess

ISSUED = date(2026, 12, 5)
TODAY = date(2027, 1, 10)
BASE = "https://clf.example.vn"
COMPANY = "Công ty TNHH May mặc Thuận An Xanh"
ASSESSOR = "Nguyễn Thị Hương — VCCI Hà Nội"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch, request):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", BASE)
    if "within_a_second" not in request.node.name:  # verdicts, not timing: a busy test machine must not decide them
        monkeypatch.setattr(verify_module, "PDF_SECONDS", 10.0)
    return tmp_path / "data"


@pytest.fixture
def db():
    return open_db(":memory:")


def draft(verified=False, tax_code="3709123455", issued=ISSUED, **changes):
    return CertificateDraft(company_name=COMPANY, tax_code=tax_code, tier="pioneer", score=82.5,
                            criteria_id="VN-CLF-REF", criteria_version="2026.1", issued=issued,
                            expires=expiry_date(issued, 24 if verified else 12),
                            issuer=ASSESSOR if verified else "self-assessment", verified=verified, **changes)


def issue(db, **changes):
    return issue_certificate(db, default_criteria(), draft(**changes))


@pytest.fixture
def issued(db):
    """A self-assessment statement, the CLI's document."""
    return issue(db)


def parts(url):
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    return q["verify"], q["p"], q["s"]


def make_url(cid, p, s):
    return f"{BASE}/?verify={cid}&p={p}&s={s}"


def reencode(payload: dict) -> str:
    return signing.b64url_encode(signing.canonical_json(payload))


def every_form(cert, pdf):
    url = cert.verification_url()
    return (cert.id, cert.id.lower(), url, url.split("?", 1)[1], f"{BASE}/?verify={cert.id}", pdf)


# -------------------------------------------------------------------------------------------- assurance first


def test_a_valid_statement_says_self_assessed_not_verified_first_in_amber(db, issued):
    cert, pdf = issued
    for value in every_form(cert, pdf):
        result = verify(value, db, TODAY)
        assert (result.status, result.reason, result.assurance) == ("valid", "active", "self_assessed"), value
        assert result.tone == "amber" and result.certificate_id == cert.id and result.registry_checked
        assert result.message("en").startswith("SELF-ASSESSED, NOT VERIFIED")
        assert result.message("vi").startswith("TỰ ĐÁNH GIÁ, CHƯA ĐƯỢC THẨM ĐỊNH")
        assert "VALID" not in result.message("en") and "HỢP LỆ" not in result.message("vi")
        assert result.accepted() and not result.accepted(require_verified=True)
        assert result.details["company_name"] == COMPANY and result.details["expires"] == "2027-12-04"
    assert verify(cert.verification_url(), db, TODAY).signature_valid is True
    assert verify(pdf, db, TODAY).details["sha256"] == cert.pdf_sha256


def test_a_valid_verified_certificate_is_green_and_names_its_assessor(db):
    cert, pdf = issue(db, verified=True)
    for value in every_form(cert, pdf):
        result = verify(value, db, TODAY)
        assert (result.status, result.assurance, result.tone) == ("valid", "verified", "green"), value
        assert result.message("en").startswith("VALID – VERIFIED CERTIFICATE") and ASSESSOR in result.message("en")
        assert result.message("vi").startswith("HỢP LỆ – GIẤY CHỨNG NHẬN ĐÃ THẨM ĐỊNH")
        assert result.accepted(require_verified=True)


def test_the_json_carries_assurance_status_tone_and_both_messages(db, issued):
    out = verify(issued[0].id, db, TODAY).as_dict()
    assert (out["assurance"], out["status"], out["tone"]) == ("self_assessed", "valid", "amber")
    assert set(out["message"]) == {"vi", "en"}
    assert json.loads(json.dumps(out, default=str))["assurance"] == "self_assessed"


# ------------------------------------------------------------------------------------------------ every status


def test_expired(db, issued):
    cert, pdf = issued
    for value in (cert.id, cert.verification_url(), pdf):
        result = verify(value, db, date(2027, 12, 5))
        assert (result.status, result.reason, result.assurance, result.tone) == \
            ("expired", "expired", "self_assessed", "red")
        assert not result.accepted()
    assert verify(cert.id, db, date(2027, 12, 4)).status == "valid"


def test_revoked_with_reason(db):
    cert, pdf = issue(db, verified=True)
    reg.revoke(db, cert.id, "Phát hiện trẻ em 14 tuổi làm việc", "VCCI",
               at=datetime(2027, 1, 5, tzinfo=timezone.utc))
    for value in (cert.id, cert.verification_url(), pdf):
        result = verify(value, db, TODAY)
        assert (result.status, result.reason, result.assurance, result.tone) == \
            ("revoked", "revoked", "verified", "red")
        assert result.details["revoked_reason"] == "Phát hiện trẻ em 14 tuổi làm việc"
    assert verify(cert.id, db, TODAY).message("en").startswith("REVOKED: verified certificate")
    assert "Phát hiện trẻ em 14 tuổi làm việc" in verify(cert.id, db, TODAY).message("en")


def test_suspended_with_reason(db):
    cert, pdf = issue(db, verified=True)
    reg.suspend_current(db, cert.tax_code, None, "knock-out YW-01 in version 3", "system",
                        at=datetime(2027, 1, 5, tzinfo=timezone.utc))
    for value in (cert.id, cert.verification_url(), pdf):
        result = verify(value, db, TODAY)
        assert (result.status, result.reason, result.assurance, result.tone) == \
            ("suspended", "suspended", "verified", "red")
    message = verify(cert.id, db, TODAY).message("en")
    assert message.startswith("SUSPENDED") and "05/01/2027" in message and "YW-01" in message
    assert verify(cert.id, db, date(2027, 1, 4)).status == "valid"  # from its date on


def test_superseded_names_its_successor(db):
    first, pdf = issue(db)
    second, _ = issue(db)
    third, _ = issue(db, verified=True)
    for value in (first.id, first.verification_url(), pdf):
        result = verify(value, db, TODAY)
        assert (result.status, result.reason, result.assurance, result.tone) == \
            ("superseded", "superseded", "self_assessed", "red")
        assert result.successor_id == third.id  # the company's current document, not the next in line
        assert result.details["superseded_by"] == second.id
    assert third.id in verify(first.id, db, TODAY).message("en")
    assert third.id in verify(first.id, db, TODAY).message("vi")
    assert verify(third.id, db, TODAY).status == "valid"


def test_the_more_serious_status_wins(db):
    cert, _ = issue(db)
    reg.suspend_current(db, cert.tax_code, None, "knock-out", "system")
    issue(db)
    assert verify(cert.id, db, date.today()).status == "superseded"
    reg.revoke(db, cert.id, "fraud", "VCCI")
    assert verify(cert.id, db, date.today()).status == "revoked"


# ------------------------------------------------------------------------------------------- not genuine


@pytest.mark.parametrize("change", [{"tier": "champion"}, {"score": "99.0"}, {"exp": "2099-12-31"},
                                   {"tax": "0101234567"}, {"vf": True}])
def test_a_tampered_payload_is_reported_as_such(db, issued, change):
    cert, _ = issued
    cid, p, s = parts(cert.verification_url())
    forged = reencode({**json.loads(signing.b64url_decode(p)), **change})
    result = verify(make_url(cid, forged, s), db, TODAY)
    assert (result.status, result.reason, result.assurance) == ("not_genuine", "tampered_payload", None)
    assert result.signature_valid is False and result.tone == "red"
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


def test_an_id_the_registry_does_not_know_is_not_genuine(db, issued):
    result = verify("VN-CLF-2026-999999", db, TODAY)
    assert (result.status, result.reason, result.tone) == ("not_genuine", "unknown_id", "red")
    assert "VN-CLF-2026-999999" in result.message("en")
    # a correctly signed code whose id the registry does not hold
    payload = {**json.loads(issued[0].payload), "id": "VN-CLF-2026-000777"}
    url = make_url("VN-CLF-2026-000777", reencode(payload), signing.sign(payload))
    result = verify(url, db, TODAY)
    assert (result.status, result.reason) == ("not_genuine", "unknown_id") and result.signature_valid


@pytest.mark.parametrize("value", ["hello", "", "VN-CLF-26-1", f"{BASE}/?p=@@@&s=x", f"{BASE}/?p=bm90IGpzb24&s=x",
                                   f"{BASE}/?p={signing.b64url_encode(b'[1,2]')}&s=x", b"\xff\xfe"])
def test_unreadable_input_is_malformed(db, value):
    result = verify(value, db, TODAY)
    assert (result.status, result.reason) == ("not_genuine", "malformed")


# ------------------------------------------------------------------------------------------------------- PDFs


@pytest.mark.parametrize("alter", [
    lambda pdf: pdf + b"\n% appended",
    lambda pdf: pdf.replace(b"/Creator", b"/Creatoz", 1),
    lambda pdf: pdf.replace(b"(vn-clf-award", b"(vn-clf-awarx"),
])
def test_an_altered_pdf_is_a_hash_mismatch(db, issued, alter):
    cert, pdf = issued
    altered = alter(pdf)
    assert altered != pdf and read_certificate_pdf(altered).printed_ids == (cert.id,)
    result = verify(altered, db, TODAY)
    assert (result.status, result.reason, result.assurance) == ("not_genuine", "hash_mismatch", None)
    assert result.details["expected_sha256"] == cert.pdf_sha256


def swapped_pdf(victim: reg.Certificate, donor: reg.Certificate) -> bytes:
    """`victim`'s document with the (genuine, signed) QR code of `donor` pasted on it."""
    data = CertificateData.from_certificate(victim, default_criteria())
    return render_certificate(replace(data, verification_url=donor.verification_url()))


def test_a_qr_code_swapped_from_another_document_is_caught(db):
    genuine, _ = issue(db, verified=True)
    other, _ = issue(db, tax_code="0101234567")  # another company's statement
    forged = swapped_pdf(genuine, other)
    read = read_certificate_pdf(forged)
    assert read.printed_ids == (genuine.id,) and f"verify={other.id}&p=" in read.qr_text
    result = verify(forged, db, TODAY)
    assert (result.status, result.reason, result.assurance) == ("not_genuine", "qr_mismatch", None)
    assert result.details["qr_id"] == other.id and result.details["printed_ids"] == [genuine.id]
    assert other.id in result.message("en") and genuine.id in result.message("en")
    # offline the QR's signature is valid, but it belongs to another document
    offline = verify(forged, None, TODAY)
    assert (offline.status, offline.reason) == ("not_genuine", "qr_mismatch")
    assert offline.signature_valid is True


def test_offline_a_genuine_qr_on_a_page_with_other_facts_is_caught():
    """Same id printed, but the tax code or dates on the page are not the signed ones."""
    db = open_db(":memory:")
    cert, _ = issue(db)
    data = CertificateData.from_certificate(cert, default_criteria())
    for change in ({"tax_code": "0101234567"}, {"expires": date(2029, 12, 4)}):
        result = verify(render_certificate(replace(data, **change)), None, TODAY)
        assert (result.status, result.reason) == ("not_genuine", "qr_mismatch"), change
        assert result.details["mismatched"] == [{"tax_code": "tax_code", "expires": "expires"}[next(iter(change))]]


def test_offline_a_genuine_pdf_reports_what_its_signature_proves(issued):
    cert, pdf = issued
    result = verify(pdf, None, TODAY)
    assert (result.status, result.reason, result.assurance, result.tone) == \
        ("unknown", "offline", "self_assessed", "amber")
    assert result.signature_valid and not result.registry_checked
    assert result.details["tax_code"] == "3709123455" and result.details["sha256"] == cert.pdf_sha256
    assert verify(pdf, None, date(2028, 1, 1)).status == "expired"  # the dates are signed


def test_the_stored_pdf_still_verifies_after_the_public_url_changes(db, monkeypatch):
    cert, pdf = issue(db, verified=True)
    monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", "https://new-address.example.org")
    again = certificate_pdf(db, cert.id, default_criteria())
    assert again == pdf and f"{BASE}/?verify={cert.id}&p=" in read_certificate_pdf(again).qr_text
    assert verify(again, db, TODAY).status == "valid"
    assert verify(again, None, TODAY).reason == "offline"


def test_a_pdf_without_a_document_id(db):
    criteria = default_criteria()
    plan = render_remediation_plan(assess(criteria, {}), criteria, {"name": "Công ty A"}, TODAY)
    result = verify(plan, db, TODAY)
    assert (result.status, result.reason) == ("not_genuine", "no_certificate_id")


def test_a_pdf_whose_id_the_registry_does_not_know_is_not_genuine(db, issued):
    _, pdf = issued
    result = verify(pdf, open_db(":memory:"), TODAY)
    assert (result.status, result.reason) == ("not_genuine", "unknown_id")


def bomb_pdf(content: bytes, pages: int = 1) -> bytes:
    """A minimal PDF whose page(s) share one Flate content stream (`content` compressed)."""
    stream = zlib.compress(content, 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 3 0 R >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


@pytest.mark.parametrize("hostile, reason", [
    pytest.param(lambda: bomb_pdf(b"0 0 1 1 re\n" * 5_000_000), "malformed", id="content-bomb-55MB"),
    pytest.param(lambda: bomb_pdf(b"[" * 200_000), "malformed", id="deep-nesting"),
    pytest.param(lambda: bomb_pdf(b"0 0 1 1 re\n", pages=50), "malformed", id="50-pages"),
    pytest.param(lambda: b"%PDF-1.7\n" + b"(" * 3_000_000, "malformed", id="unterminated-string"),
    pytest.param(lambda: b"%PDF-1.7\n/Keywords (" + b"VN-CLF-2026-000001 \\" * 200_000, "malformed",
                 id="old-keywords-trap"),
    pytest.param(lambda: b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "malformed", id="over-10MB"),
    pytest.param(lambda: bomb_pdf(b"0 0 1 1 re\n" * 90_000 + b"f\n"), "malformed", id="90000-rectangles"),
    pytest.param(lambda: bomb_pdf(b"BT (VN-CLF-2026-000001) Tj ET\n" * 30_000), "malformed", id="30000-texts"),
    # within the limits, but each QR-sized path would cost a decode: only the first few are tried
    pytest.param(lambda: bomb_pdf(b"0 0 21 21 re f\n" * 8_000), "no_certificate_id", id="8000-qr-sized-paths"),
])
def test_hostile_pdfs_are_refused_quickly(db, hostile, reason):
    pdf = hostile()
    start = time.perf_counter()
    result = verify(pdf, db, TODAY)
    assert time.perf_counter() - start < 2
    assert (result.status, result.reason) == ("not_genuine", reason)


def test_the_qr_reader_rebuilds_the_symbol_from_the_content_stream(issued):
    cert, pdf = issued
    read = read_certificate_pdf(pdf)
    assert read.qr_text == cert.verification_url()
    assert read.printed_ids == (cert.id,)


# ------------------------------------------------------------------------------------------------- offline, keys


def test_offline_a_valid_signature_says_the_status_cannot_be_checked(issued):
    cert, pdf = issued
    result = verify(cert.verification_url(), None, TODAY)
    assert (result.status, result.reason, result.assurance) == ("unknown", "offline", "self_assessed")
    assert result.signature_valid and not result.registry_checked and not result.accepted()
    assert "cannot be checked offline" in result.message("en") and "ngoại tuyến" in result.message("vi")
    assert result.details["expires"] == "2027-12-04" and result.details["tier"] == "pioneer"
    assert verify(cert.verification_url(), None, date(2029, 1, 1)).status == "expired"  # the dates are signed
    assert verify(cert.id, None, TODAY).reason == "offline_no_signature"


def test_offline_with_the_published_public_keys(issued):
    cert, _ = issued
    published = signing.load_public_keys(signing.published_keys_pem())
    assert verify(cert.verification_url(), None, TODAY, public_keys=published).reason == "offline"
    stranger = Ed25519PrivateKey.generate().public_key()
    result = verify(cert.verification_url(), None, TODAY, public_keys=stranger)
    assert (result.status, result.reason) == ("unknown", "unknown_key")
    assert result.details["key_id"] == signing.key_id()[:8] and signing.key_id()[:8] in result.message("en")


def test_documents_signed_before_a_key_rotation_still_verify(db, data_dir):
    before, before_pdf = issue(db, verified=True)
    old, new = signing.rotate(db)
    assert old == before.key_id and new != old
    after, _ = issue(db, tax_code="0101234567")
    assert after.key_id == new
    signing._keys.clear()  # a new process: it reads the keys from disk
    for cert in (before, after):
        assert verify(cert.verification_url(), db, TODAY).status == "valid"
        assert verify(cert.verification_url(), None, TODAY).reason == "offline"  # by key id from the keyring
    assert verify(before_pdf, None, TODAY).reason == "offline"
    bundle = signing.load_public_keys(signing.published_keys_pem())
    assert {signing.key_id(k) for k in bundle} == {old, new}
    assert verify(before.verification_url(), None, TODAY, public_keys=bundle).reason == "offline"
    only_new = signing.load_public_keys(signing.published_keys_pem(current_only=True))
    assert verify(before.verification_url(), None, TODAY, public_keys=only_new).reason == "unknown_key"


def test_with_the_registry_a_code_equal_to_the_issued_one_is_genuine_even_if_its_public_key_was_lost(db,
                                                                                                     data_dir):
    cert, _ = issue(db)
    signing.rotate(db)
    (data_dir / "keys" / "public" / f"{cert.key_id}.pem").unlink()
    signing._keys.clear()
    assert verify(cert.verification_url(), db, TODAY).status == "valid"
    assert verify(cert.verification_url(), None, TODAY).reason == "unknown_key"
    cid, p, s = parts(cert.verification_url())
    forged = reencode({**json.loads(signing.b64url_decode(p)), "tier": "champion"})
    assert verify(make_url(cid, forged, s), db, TODAY).reason == "tampered_payload"


# ------------------------------------------------------------------------------------------------ public page


def answer(page) -> list:
    """The page's answer, in order: what follows the PDF uploader."""
    elements = list(page.main)
    kinds = [type(e).__name__ for e in elements]
    return elements[kinds.index("FileUploader") + 1:]


def test_the_public_page_leads_with_the_assurance_and_masks_a_personal_id(monkeypatch):
    from apptest import app
    from accreditation.ui import common

    monkeypatch.setenv("ACCREDITATION_DEMO", "0")
    common._database.clear()
    try:
        store = open_db()  # the app's database, in this test's data directory
        statement, _ = issue(store, tax_code="001204012345")
        verified, _ = issue(store, verified=True, tax_code="0101234567")
        page = app({"verify": statement.id})
        first, second, *rest = answer(page)
        assert first.value == ":orange-badge[Tự đánh giá – chưa thẩm định]"  # the first line: the assurance
        assert type(second).__name__ == "Warning" and second.value.startswith("TỰ ĐÁNH GIÁ, CHƯA ĐƯỢC THẨM ĐỊNH")
        assert not page.success and not page.error
        table = page.table[0].value.to_string()
        assert "********2345" in table and "Doanh nghiệp tự đánh giá" in table
        shown = "\n".join(str(getattr(e, "value", "")) for e in page.main) + table
        assert "001204012345" not in shown and "1204012345" not in shown

        first, second, *_ = answer(app({"verify": verified.id}))
        assert first.value == ":green-badge[Đã được thẩm định]"
        assert type(second).__name__ == "Success" and second.value.startswith("HỢP LỆ – GIẤY CHỨNG NHẬN ĐÃ THẨM ĐỊNH")

        reg.revoke(store, verified.id, "gian lận", "VCCI")
        first, second, *_ = answer(app({"verify": verified.id}))
        assert first.value.startswith(":gray-badge[") and type(second).__name__ == "Error"
        assert second.value.startswith("ĐÃ BỊ THU HỒI")

        first, *_ = answer(app({"verify": "VN-CLF-2026-999999"}))
        assert type(first).__name__ == "Error" and first.value.startswith("KHÔNG PHẢI TÀI LIỆU THẬT")
    finally:
        common._database.clear()


# ----------------------------------------------------------------------------------------- issue 12 wording


def test_a_resaved_pdf_is_not_called_a_fake_and_says_how_to_check(db, issued):
    cert, pdf = issued
    result = verify(pdf + b"\n% re-saved", db, TODAY)
    assert (result.status, result.reason, result.tone) == ("not_genuine", "hash_mismatch", "red")  # logic kept
    vi, en = result.message("vi"), result.message("en")
    assert vi.startswith("KHÔNG XÁC NHẬN ĐƯỢC BẢN SAO NÀY: ") and en.startswith("THIS COPY CANNOT BE CONFIRMED: ")
    for text in (vi, en):
        assert "KHÔNG PHẢI" not in text and "NOT GENUINE" not in text
        assert "bị sửa" not in text and "altered" not in text
        assert cert.id in text
    assert "lưu lại hoặc in lại ra PDF" in vi and "quét mã QR" in vi and "không thể xác nhận bản sao này" in vi
    assert "re-saved or printed to PDF" in en and "QR code" in en and "this copy cannot be confirmed" in en
    # other failures keep their status headline
    assert verify("VN-CLF-2026-999999", db, TODAY).message("vi").startswith("KHÔNG PHẢI TÀI LIỆU THẬT")


def test_results_carry_the_issuer_in_words(db):
    cert, _pdf = issue(db)
    statement = verify(cert.id, db, TODAY)
    assert statement.issuer_text == {"vi": "Doanh nghiệp tự đánh giá", "en": "Company self-assessment"}
    assert statement.as_dict()["issuer_text"] == statement.issuer_text
    cert, _pdf = issue(db, verified=True, tax_code="0101234567")
    verified = verify(cert.id, db, TODAY)
    assert verified.issuer_text == {"vi": ASSESSOR, "en": ASSESSOR}
    assert ASSESSOR in verified.message("vi")
    assert verify("VN-CLF-2026-999999", db, TODAY).issuer_text is None


def test_a_pdf_the_reader_cannot_finish_in_time_is_not_called_fake_and_answers_within_a_second(db, issued,
                                                                                            monkeypatch):
    """The reader runs in a child with a time limit (accreditation.sandbox): one that would run on is stopped, and
    the reader is told the file was not checked, never that the document is not genuine."""
    from accreditation import pdf_qr, sandbox

    def slow_sleep(_pdf: bytes) -> None:  # a crafted file that keeps the parser busy
        time.sleep(30)

    monkeypatch.setattr(pdf_qr, "read_certificate_pdf", slow_sleep)
    monkeypatch.setattr(sandbox, "_ctx", lambda: __import__("multiprocessing").get_context("fork"))
    started = time.perf_counter()
    result = verify(issued[1], db, TODAY)
    assert time.perf_counter() - started < 1.0
    assert (result.status, result.reason) == ("unknown", "pdf_too_demanding") and result.tone == "amber"
    assert "ID" in result.message("en") and "QR" in result.message("vi")
