"""The two documents' PDFs (self-assessment statement, verified certificate), read back with real PDF readers (pypdf,
pdftotext) and their QR code decoded from a rendered page (pdftoppm + zxing-cpp)."""

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
from pypdf.generic import ContentStream

from accreditation.reports.certificate import (
    PAGE_H, PAGE_W, CertificateData, _fit_paragraph, issue_certificate, render_certificate,
)
from accreditation.reports.fonts import AMBER, BOLD, GOLD, GREEN
from accreditation.store import certificates as reg
from accreditation.store import open_db
from criteria.datafiles import default_criteria

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
                     "VN-CLF-REF 2026.1", "05/12/2026", "04/12/2028", "82.5 / 100"):
        assert expected in text, expected
    assert NAME in squash(pdftotext(pdf, tmp_path))


ASSESSOR = "VCCI Hà Nội – Nguyễn Thị Hương"
STATEMENT_TITLE = ("BẢN TỰ ĐÁNH GIÁ — CHƯA ĐƯỢC THẨM ĐỊNH", "Self-assessment statement — not verified by an assessor")
CERTIFICATE_TITLE = ("GIẤY CHỨNG NHẬN ĐÃ THẨM ĐỊNH", "VERIFIED CERTIFICATE")


def placed_text(pdf: bytes) -> list[tuple[float, str]]:
    """Each piece of text on the page with its height (points from the bottom)."""
    found = []
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: found.append((tm[5] * cm[3] + cm[5], text.strip()))
        if text.strip() else None)
    return found


def colours(pdf: bytes) -> set[tuple[float, float, float]]:
    """Every RGB fill and stroke colour the page sets, rounded to 2 decimals."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    return {tuple(round(float(v), 2) for v in operands) for operands, op in
            ContentStream(page.get_contents(), reader).operations if op in (b"rg", b"RG")}


def rgb(colour) -> tuple[float, float, float]:
    return tuple(round(v, 2) for v in colour.rgb())


def test_the_statement_says_in_its_title_area_in_both_languages_that_no_assessor_verified_it(tmp_path):
    pdf = render_certificate(data())
    text = squash(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    title_area = [t for y, t in placed_text(pdf) if y > PAGE_H - 160]
    for line in STATEMENT_TITLE:
        assert line in title_area, (line, title_area)
    assert "CHƯA THẨM ĐỊNH" in text and "NOT VERIFIED" in text and "not a certificate" in text
    assert "Doanh nghiệp tự đánh giá / Company self-assessment" in text
    for word in (*CERTIFICATE_TITLE, "Verified by", "Đã được thẩm định", "This certifies"):
        assert word not in text, word
    assert STATEMENT_TITLE[0] in squash(pdftotext(pdf, tmp_path))
    assert rgb(AMBER) in colours(pdf) and not {rgb(GREEN), rgb(GOLD)} & colours(pdf)


def test_the_verified_certificate_is_green_and_gold_and_names_its_assessor():
    pdf = render_certificate(data(verified=True, issuer=ASSESSOR))
    text = squash(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    title_area = [t for y, t in placed_text(pdf) if y > PAGE_H - 160]
    assert all(line in title_area for line in CERTIFICATE_TITLE), title_area
    assert f"Đã được thẩm định bởi {ASSESSOR}" in text and f"Verified by {ASSESSOR}" in text
    assert "Đơn vị cấp / Issued by" in text
    for word in ("chưa được thẩm định", "CHƯA THẨM ĐỊNH", "not verified", "NOT VERIFIED", "Self-assessment"):
        assert word not in text, word
    assert {rgb(GREEN), rgb(GOLD)} <= colours(pdf) and rgb(AMBER) not in colours(pdf)


def test_metadata_name_the_kind_of_document():
    reader = PdfReader(io.BytesIO(render_certificate(data())))
    meta = reader.metadata
    assert meta.title.startswith("Bản tự đánh giá, chưa được thẩm định VN-CLF-2026-000123")
    assert NAME in meta.title and "Self-assessment statement, not verified" in meta.title
    assert "VN-CLF-2026-000123" in meta["/Keywords"] and "self_assessed" in meta["/Keywords"]
    assert "VN-CLF-REF 2026.1" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "vi-VN"
    meta = PdfReader(io.BytesIO(render_certificate(data(verified=True, issuer=ASSESSOR)))).metadata
    assert meta.title.startswith("Giấy chứng nhận đã thẩm định VN-CLF-2026-000123")
    assert "Verified certificate" in meta.title and "verified" in meta["/Keywords"].split(", ")
    assert "self_assessed" not in meta["/Keywords"] and "not verified" not in meta.title


def test_a_personal_id_is_printed_masked(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    draft = reg.CertificateDraft(company_name="Hộ kinh doanh Nguyễn Văn Bình", tax_code="001204012345",
                                 tier="pioneer", score=80.0, criteria_id="VN-CLF-REF", criteria_version="2026.1",
                                 issued=date(2026, 12, 5), expires=date(2027, 12, 4), issuer="self-assessment")
    cert, pdf = issue_certificate(open_db(":memory:"), default_criteria(), draft)
    assert cert.tax_code == "001204012345"  # the registry keeps it for assessors
    reader = PdfReader(io.BytesIO(pdf))
    text = squash(reader.pages[0].extract_text())
    assert "Mã số thuế / Tax code: ********2345" in text
    everything = text + str(dict(reader.metadata)) + squash(pdftotext(pdf, tmp_path))
    assert "001204012345" not in everything and "1204012345" not in everything


def test_text_is_nfc_normalised_whatever_the_input():
    nfd = unicodedata.normalize("NFD", NAME)
    assert nfd != NAME
    pdf = render_certificate(data(company_name=nfd, address=unicodedata.normalize("NFD", "Thôn Đoàn Thượng")))
    assert NAME in squash(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert pdf == render_certificate(data(company_name=NAME, address="Thôn Đoàn Thượng"))


@pytest.mark.parametrize("verified", [False, True])
def test_same_input_gives_identical_bytes_and_a_different_id_does_not(verified):
    assert render_certificate(data(verified=verified)) == render_certificate(data(verified=verified))
    assert render_certificate(data(verified=verified)) != render_certificate(
        data(verified=verified, certificate_id="VN-CLF-2026-000124"))
    assert render_certificate(data()) != render_certificate(data(verified=True))


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


@pytest.mark.parametrize("text", [
    "x", "http://localhost:8501/?verify=VN-CLF-2026-000001", "A" * 500, "0123456789" * 30,
    "http://localhost:8501/?verify=VN-CLF-2026-000123&p=" + "eyJhIjoxfQ_-" * 20 + "&s=" + "a" * 86,
])
def test_the_qr_symbol_decodes_and_its_drawn_rectangles_are_exactly_its_modules(text):
    from accreditation.pdf_qr import _matrix, decode_modules
    from accreditation.reports.qr import qr_matrix, run_rectangles

    modules = qr_matrix(text)
    n = len(modules)
    assert modules.shape == (n, n) and 21 <= n <= 177 and (n - 17) % 4 == 0  # a QR symbol's size
    assert decode_modules(modules) == text
    rects = [tuple(float(v) for v in line.split()[:4]) for line in run_rectangles(modules).splitlines()]
    assert all(line.endswith(" 1 re") for line in run_rectangles(modules).splitlines())
    assert (_matrix(rects) == modules).all()  # what the verifier rebuilds from the page
    assert (qr_matrix(text) == modules).all()  # deterministic


def test_qr_payloads_must_be_ascii():
    from accreditation.reports.qr import qr_matrix

    with pytest.raises(ValueError):
        qr_matrix("Hưng Yên")
