"""The referral letter of a child-labour case, read back with pdftotext: Vietnamese, addressed to the labour agency
of the company's province from the criteria data (copied to its child-protection agency), the case code and the
dates of its steps, the 111 hotline, and never the worker's name or ID number."""

import shutil
import subprocess
from datetime import date

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, cases
from accreditation.errors import UserError
from accreditation.reports import referral
from criteria.datafiles import default_criteria
from seed import draft_with_children

C = default_criteria()
TODAY = date.today()
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())  # words as read, whatever the line breaks


@pytest.fixture
def case(tmp_path, monkeypatch):
    """The case of E-014 (a 14-year-old on the night shift, Phạm Thị Dung on the roster), opened from the roster
    of the demo company (Thành phố Hồ Chí Minh), with some steps recorded."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db, sme, draft_id = draft_with_children(tmp_path)
    prompt = next(p for p in cases.candidates(db, draft_id) if p["employee_ref"] == "E-014")
    opened = cases.open_from_candidate(db, sme, prompt)
    found = date.fromisoformat(opened["found_on"])
    cases.record_step(db, sme, opened["id"], "removed", found, note="chuyển sang ca ngày, giữ nguyên lương")
    cases.record_step(db, sme, opened["id"], "hotline", found)
    cases.record_step(db, sme, opened["id"], "adult_job", found, note="gia đình không có người lớn tìm việc",
                      outcome="not_possible")
    return db, sme, cases.get_case(db, sme, opened["id"])


def test_the_letter_is_vietnamese_addressed_to_the_provinces_agency_and_names_no_child(case, tmp_path):
    db, sme, opened = case
    said = text_of(referral.letter(db, sme, opened["id"], TODAY), tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in said and "Độc lập - Tự do - Hạnh phúc" in said
    assert "Kính gửi: Sở Nội vụ thành phố Hồ Chí Minh" in said
    assert "Đồng gửi: Sở Y tế thành phố Hồ Chí Minh" in said
    assert f"Số: {opened['code']}" in said and opened["code"].startswith(f"CL-{TODAY.year}-")
    assert "Công ty TNHH May mặc Thuận An Xanh" in said and "Bộ luật Lao động số 45/2019/QH14" in said
    found = date.fromisoformat(opened["found_on"]).strftime("%d/%m/%Y")
    assert f"1. Đưa trẻ ra khỏi công việc {found} chuyển sang ca ngày, giữ nguyên lương" in said
    assert f"Tổng đài quốc gia bảo vệ trẻ em 111 (miễn phí): đã báo ngày {found}" in said
    assert "không thực hiện được: gia đình không có người lớn tìm việc" in said
    assert "Theo dõi sau 6 tháng chưa thực hiện (hạn" in said
    assert "45/2025/NĐ-CP" in said  # where the addressee comes from
    # never the worker's name (on the uploaded roster) or date of birth; the employee code is the only reference
    for name in ("Phạm Thị Dung", "Phạm", "Dung", "Lê Văn Cường", "01/01/2012"):
        assert name not in said
    assert "E-014" in said


def test_without_a_known_province_the_letter_keeps_the_labour_codes_wording(case, tmp_path):
    db, sme, opened = case
    db["cases"].update(opened["id"], {"province": ""})
    db["organisations"].update(sme.organisation_id, {"province": "Paris"})  # a profile older than the checks
    said = text_of(referral.letter(db, sme, opened["id"], TODAY), tmp_path)
    assert "Kính gửi: cơ quan chuyên môn về lao động thuộc Ủy ban nhân dân cấp tỉnh" in said
    assert "Đồng gửi" not in said and "Sở Nội vụ" not in said
    assert referral.addressee("Paris") == "cơ quan chuyên môn về lao động thuộc Ủy ban nhân dân cấp tỉnh"
    assert referral.addressee("Bình Dương") == "Sở Nội vụ thành phố Hồ Chí Minh"


def test_only_those_who_may_see_the_case_get_its_letter(case):
    db, sme, opened = case
    brand = accounts.user_for_email(db, "brand@demo.vn")
    with pytest.raises(UserError, match="not allowed"):
        referral.letter(db, brand, opened["id"])
    assert referral.letter(db, accounts.user_for_email(db, "assessor@demo.vn"), opened["id"]).startswith(b"%PDF")
