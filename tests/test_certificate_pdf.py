"""The certificate PDF, read back with real PDF readers (pypdf, pdftotext) and its QR code decoded from a rendered
page (pdftoppm + zxing-cpp)."""

import io
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from accreditation.reports.certificate import PAGE_H, PAGE_W, CertificateData, _fit_paragraph, render_certificate
from accreditation.reports.fonts import BOLD
from criteria import default_criteria

NAME = "Công ty TNHH Dệt may Hưng Yên – Đồ gỗ Mỹ nghệ Phù Cừ (ữ ặ ỹ ở Ượ)"
LONG_NAME = ("Công ty Cổ phần Tập đoàn Dệt may Thương mại và Dịch vụ Xuất nhập khẩu Hưng Yên Thịnh Vượng Phát "
             "Triển Bền Vững Vì Trẻ Em Việt Nam Chi nhánh Khu công nghiệp Phố Nối A tỉnh Hưng Yên số một trăm")


def require_tool(name: str) -> str:
    """The path of an external tool; skip when it is missing, unless CI_REQUIRE_TOOLS is set (then fail)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI_REQUIRE_TOOLS"):
            pytest.fail(f"{name} is required (CI_REQUIRE_TOOLS is set); install poppler-utils")
        pytest.skip(f"{name} not installed (apt-get install poppler-utils)")
    return path


def pdftotext(pdf: bytes, tmp_path) -> str:
    require_tool("pdftotext")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def decode_qr(pdf: bytes, tmp_path, dpi: int = 100) -> list[str]:
    """Rasterise the first page with pdftoppm and decode every QR code on it with zxing-cpp."""
    require_tool("pdftoppm")
    import zxingcpp
    from PIL import Image

    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", "1", str(path),
                    str(tmp_path / "page")], check=True)
    return [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def data(**changes) -> CertificateData:
    c = default_criteria()
    base = CertificateData(
        certificate_id="VN-CLF-2026-000123", scheme_name=c.settings.scheme_name, company_name=NAME,
        tax_code="0901234567", address="Thôn Đoàn Thượng, xã Phù Cừ", province="Hưng Yên", tier_id="pioneer",
        tier_label=c.band("pioneer").label, score=82.5, criteria_id="VN-CLF-REF", criteria_version=c.version,
        issued=date(2026, 12, 5), expires=date(2028, 12, 4), issuer="self-assessment", verified=False,
        verification_url="http://localhost:8501/?verify=VN-CLF-2026-000123&p=eyJpZCI6MX0&s=abc",
        lookup_url="http://localhost:8501/?verify=VN-CLF-2026-000123",
    )
    return replace(base, **changes)


def test_vietnamese_text_comes_back_exactly_from_pypdf_and_pdftotext(tmp_path):
    pdf = render_certificate(data())
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert [float(v) for v in reader.pages[0].mediabox[2:]] == pytest.approx([PAGE_W, PAGE_H])
    text = squash(reader.pages[0].extract_text())
    for expected in (NAME, "Giải thưởng Doanh nghiệp hướng tới không sử dụng lao động trẻ em", "TIÊN PHONG",
                     "Pioneer", "0901234567", "Thôn Đoàn Thượng, xã Phù Cừ, Hưng Yên", "VN-CLF-2026-000123",
                     "VN-CLF-REF 2026.1", "05/12/2026", "04/12/2028", "82.5 / 100", "GIẤY CHỨNG NHẬN"):
        assert expected in text, expected
    assert NAME in squash(pdftotext(pdf, tmp_path))


def test_status_wording_self_assessed_or_verified():
    text = PdfReader(io.BytesIO(render_certificate(data()))).pages[0].extract_text()
    assert "Tự đánh giá – chưa được thẩm định" in text and "Self-assessed – not verified" in text
    verified = render_certificate(data(verified=True, issuer="VCCI Hà Nội – Nguyễn Thị Hương"))
    text = squash(PdfReader(io.BytesIO(verified)).pages[0].extract_text())
    assert "Đã được thẩm định bởi VCCI Hà Nội – Nguyễn Thị Hương" in text
    assert "Verified by VCCI Hà Nội – Nguyễn Thị Hương" in text
    assert "chưa được thẩm định" not in text


def test_metadata_title_subject_keywords_and_language():
    reader = PdfReader(io.BytesIO(render_certificate(data())))
    meta = reader.metadata
    assert "VN-CLF-2026-000123" in meta.title and NAME in meta.title
    assert "VN-CLF-2026-000123" in meta["/Keywords"]
    assert "VN-CLF-REF 2026.1" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "vi-VN"


def test_text_is_nfc_normalised_whatever_the_input():
    nfd = unicodedata.normalize("NFD", NAME)
    assert nfd != NAME
    pdf = render_certificate(data(company_name=nfd, address=unicodedata.normalize("NFD", "Thôn Đoàn Thượng")))
    assert NAME in squash(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert pdf == render_certificate(data(company_name=NAME, address="Thôn Đoàn Thượng"))


def test_same_input_gives_identical_bytes_and_a_different_id_does_not():
    assert render_certificate(data()) == render_certificate(data())
    assert render_certificate(data()) != render_certificate(data(certificate_id="VN-CLF-2026-000124"))


def test_a_200_character_name_shrinks_to_fit_and_comes_back_whole(tmp_path):
    name = (LONG_NAME + " Phù Cừ Đồng Kỵ Bát Tràng")[:200]
    assert len(name) == 200
    fitted = _fit_paragraph(name, BOLD, None, PAGE_W - 160, 62, 26)
    _, height = fitted.wrap(PAGE_W - 160, 62)
    assert height <= 62 and fitted.style.fontSize < 26
    pdf = render_certificate(data(company_name=name))
    assert name in squash(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert name in squash(pdftotext(pdf, tmp_path))
    # every piece of text starts inside the page's inner border
    xs = []
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: xs.append(tm[4] * cm[0] + cm[4]) if text.strip() else None)
    assert xs and min(xs) >= 30 and max(xs) <= PAGE_W - 30


def test_a_name_without_spaces_still_fits_the_width():
    word = "ĐồgỗMỹnghệ" * 12
    p = _fit_paragraph(word, BOLD, None, PAGE_W - 160, 62, 26)
    assert p.minWidth() <= PAGE_W - 160 or p.style.fontSize == 7.0


def test_the_qr_code_decodes_to_the_ascii_verification_url(tmp_path):
    url = ("http://localhost:8501/?verify=VN-CLF-2026-000123&p=" + "eyJpZCI6IlZOLUNMRi0yMDI2LTAwMDEyMyJ9" * 6
           + "&s=" + "A" * 86)
    pdf = render_certificate(data(verification_url=url))
    assert decode_qr(pdf, tmp_path, dpi=72) == [url]
    assert decode_qr(pdf, tmp_path, dpi=150) == [url]


def test_the_qr_encoder_matches_reportlabs_codewords_and_refuses_non_ascii():
    from reportlab.graphics.barcode import qrencoder

    from accreditation.reports.qr import codewords, qr_matrix

    for text in ("x", "http://localhost:8501/?verify=VN-CLF-2026-000001", "A" * 500):
        q = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        q.addData(text)
        q.version = q.calculate_version()
        assert codewords(q) == qrencoder.QRCode.createData(q.version, q.errorCorrectLevel, q.dataList)
    with pytest.raises(ValueError):
        qr_matrix("Hưng Yên")
