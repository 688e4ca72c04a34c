"""The administrator's page: users and criteria."""

import re

import pytest

from apptest import app, data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts
from accreditation.store.db import open_db


def test_admin_creates_a_user_who_can_then_sign_in(data_dir):
    at = goto(sign_in("admin@demo.vn"), "admin")
    assert not at.exception and "Người dùng" in [t.label for t in at.tabs]
    form = {t.label: t for t in at.text_input}
    form["E-mail"].input("new.assessor@vcci.vn")
    form["Họ tên"].input("Phạm Thu Hà")
    form["Tổ chức mới"].input("VCCI Hải Phòng")
    form["Mật khẩu (ít nhất 8 ký tự)"].input("long-password")
    at.selectbox[0].set_value("assessor")
    next(b for b in at.button if b.label == "Tạo tài khoản").click().run()
    assert "Đã tạo tài khoản new.assessor@vcci.vn." in texts(at)
    db = open_db(data_dir / "accreditation.db")
    assert accounts.authenticate(db, "new.assessor@vcci.vn", "long-password").role == "assessor"


def test_a_short_password_is_refused_with_a_message(data_dir):
    at = goto(sign_in("admin@demo.vn"), "admin")
    form = {t.label: t for t in at.text_input}
    form["E-mail"].input("x@y.vn")
    form["Tổ chức mới"].input("Org")
    form["Mật khẩu (ít nhất 8 ký tự)"].input("short")
    next(b for b in at.button if b.label == "Tạo tài khoản").click().run()
    assert "Mật khẩu phải có ít nhất 8 ký tự" in texts(at) and not at.exception


def test_the_criteria_tab_shows_the_version_in_use(data_dir):
    at = goto(sign_in("admin@demo.vn"), "admin")
    assert "Đang dùng: VN-CLF-REF phiên bản 2026.1" in texts(at)


def test_a_lost_signing_key_stops_the_app_with_a_message_instead_of_making_a_new_key(data_dir):
    """A new key would make every genuine document verify as not genuine."""
    import shutil

    from seed import submitted_assessment

    submitted_assessment(data_dir)  # a statement is in the registry
    shutil.rmtree(data_dir / "keys")
    at = app()
    assert not at.exception
    assert at.error and "keys" in at.error[0].value
    assert not (data_dir / "keys" / "certificate-signing-ed25519.pem").exists()


def test_a_broken_data_file_is_listed_on_the_page_not_a_traceback(data_dir, tmp_path, monkeypatch):
    from test_data_files import copy_data, corrupt

    root = copy_data(tmp_path / "criteria")
    corrupt(root, "risk/supplier_types.csv", ",high,", ",severe,")
    monkeypatch.setenv("ACCREDITATION_CRITERIA_DIR", str(root))
    at = app()
    assert not at.exception
    assert at.error and "Bộ tiêu chí không hợp lệ" in at.error[0].value
    assert "supplier_types.csv" in texts(at) and "severe" in texts(at)


# ------------------------------------------------------------------ issue 12: words, dates and the public address


def test_the_admin_page_has_no_english_placeholder_and_dates_read_dd_mm_yyyy(data_dir):
    at = goto(sign_in("admin@demo.vn"), "admin")
    assert [s.placeholder for s in at.selectbox if s.label == "Người dùng"] == ["Chọn người dùng"]
    assert all("Choose" not in (s.placeholder or "") for s in at.selectbox)
    page = texts(at)
    assert re.search(r"hiệu lực từ \d\d/\d\d/\d{4}", page), page
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", page), page


@pytest.mark.parametrize("configured, browser_url, expected", [
    (None, "http://10.1.2.3:8501/admin", "Chưa cấu hình địa chỉ công khai"),
    (None, "https://chungnhan.example.vn/admin", "Chưa cấu hình địa chỉ công khai"),
    (None, "http://localhost:8501/admin", "chỉ máy này mở được"),
    ("https://chungnhan.example.vn", "http://10.1.2.3:8501/admin", "(ACCREDITATION_PUBLIC_URL)"),
])
def test_the_admin_page_says_when_qr_codes_lack_a_configured_public_address(data_dir, monkeypatch, configured,
                                                                            browser_url, expected):
    if configured:
        monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", configured)
    else:
        monkeypatch.delenv("ACCREDITATION_PUBLIC_URL", raising=False)
    at = sign_in("admin@demo.vn")
    at.context = {"url": browser_url}
    at = goto(at, "admin")
    assert not at.exception
    page = texts(at)
    assert expected in page, page
    warned = [w.value for w in at.warning if "ACCREDITATION_PUBLIC_URL" in w.value]
    if expected.startswith("Chưa"):
        assert warned and browser_url.rsplit("/", 1)[0] in warned[0]
    else:
        assert not warned
