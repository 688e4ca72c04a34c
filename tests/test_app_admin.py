"""The administrator's page: users and criteria."""

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
    assert "mật khẩu phải có ít nhất 8 ký tự" in texts(at) and not at.exception


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
