"""The notifications page, the unread count in the sidebar and the e-mail state on the admin page (AppTest)."""

from __future__ import annotations

import pytest

from apptest import data_dir, goto, plain, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, notify, review
from criteria.datafiles import default_criteria
from seed import submitted_assessment

C = default_criteria()


@pytest.fixture
def told(data_dir, monkeypatch):
    """Version 1 submitted (the assessors are told), then sent back (the company is told twice: the changes asked
    for and its statement suspended). No e-mail server."""
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    db, sme, assessment = submitted_assessment(data_dir)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review.request_changes(db, assessor, assessment["id"], "Vui lòng tải lên chính sách đã ký", C)
    return db, sme


def _sidebar(at) -> list[str]:
    return [plain(str(getattr(e, "label", None) or getattr(e.proto, "label", ""))) for e in at.sidebar.get("page_link")]


def test_the_company_reads_its_notifications_in_vietnamese_and_marks_them_read(told):
    db, sme = told
    at = goto(sign_in("sme@demo.vn"), "notifications")
    assert not at.exception
    page = texts(at)
    assert "Cần bổ sung hồ sơ: phiên bản 1" in page and "bị tạm đình chỉ" in page and "2 chưa đọc" in page
    assert "Thẩm định viên đề nghị Công ty TNHH May mặc Thuận An Xanh bổ sung" in page
    assert "Thông báo: 2 chưa đọc" in _sidebar(at)
    assert "Mở trang liên quan" in [plain(e.proto.label) for e in at.get("page_link")]
    first = next(b for b in at.button if b.label == "Đánh dấu đã đọc")
    first.click().run()
    assert not at.exception and "1 chưa đọc" in texts(at) and "Thông báo: 1 chưa đọc" in _sidebar(at)
    next(b for b in at.button if b.label == "Đánh dấu tất cả đã đọc").click().run()
    assert "Đã đánh dấu 1 thông báo là đã đọc." in texts(at) and "0 chưa đọc" in texts(at)
    assert not [s for s in _sidebar(at) if s.startswith("Thông báo:")]  # nothing unread: no count in the sidebar
    assert notify.unread_count(db, sme) == 0


def test_an_english_assessor_reads_english_and_no_switches_without_an_email_server(told):
    db, _ = told
    accounts.set_language(db, accounts.user_for_email(db, "assessor@demo.vn"), "en")
    at = goto(sign_in("assessor@demo.vn"), "notifications")
    page = texts(at)
    assert "New submission to review: Công ty TNHH May mặc Thuận An Xanh" in page and "1 unread" in page
    assert "no e-mail server configured" in page and not at.toggle


def test_the_email_switches_turn_one_kind_off(told, monkeypatch):
    db, sme = told
    monkeypatch.setenv("ACCREDITATION_SMTP_HOST", "127.0.0.1")  # configured; nothing is sent by switching
    at = goto(sign_in("sme@demo.vn"), "notifications")
    labels = [t.label for t in at.toggle]
    assert "Được công nhận" in labels and "Hành động khắc phục quá hạn" in labels and "Hồ sơ mới được nộp" not in labels
    assert all(t.value for t in at.toggle)
    next(t for t in at.toggle if t.label == "Được công nhận").set_value(False).run()
    assert not at.exception and "Đã lưu lựa chọn thư điện tử." in texts(at)
    assert notify.email_prefs(db, sme)["approved"] is False
    assert next(t for t in at.toggle if t.label == "Được công nhận").value is False


def test_a_page_with_nothing_yet_says_so(data_dir, monkeypatch):
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    at = goto(sign_in("brand@demo.vn"), "notifications")
    assert not at.exception and "Chưa có thông báo nào." in texts(at)


def test_the_admin_page_says_email_is_off(data_dir, monkeypatch):
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    at = goto(sign_in("admin@demo.vn"), "admin")
    assert "Thư điện tử đang tắt: chưa đặt ACCREDITATION_SMTP_HOST" in texts(at)


def test_the_admin_page_names_the_server_and_the_messages_given_up(told, monkeypatch):
    db, sme = told
    monkeypatch.setenv("ACCREDITATION_SMTP_HOST", "mail.vcci.example.vn")
    monkeypatch.setenv("ACCREDITATION_SMTP_SENDER", "giaithuong@vcci.example.vn")
    db.execute("UPDATE notifications SET email_status = 'failed', email_attempts = 5, "
               "email_error = '550 5.1.1 mailbox unknown' WHERE id = 1")
    db.execute("UPDATE notifications SET email_status = 'pending' WHERE id = 2")
    db.conn.commit()
    at = goto(sign_in("admin@demo.vn"), "admin")
    page = texts(at)
    assert "Gửi thư qua mail.vcci.example.vn:587 (STARTTLS), người gửi giaithuong@vcci.example.vn." in page
    assert "1 thư đang chờ gửi lại" in page
    assert "1 thư không gửi được sau 5 lần thử" in page and "550 5.1.1 mailbox unknown" in page


def test_a_phone_sees_the_unread_count_on_its_menu_button_and_beside_the_page(told):
    """A phone hides the sidebar, and the count with it: the menu button and the page's entry carry it."""
    at = goto(sign_in("sme@demo.vn"), "notifications")
    labels = [plain(e.proto.popover.label) for e in at.get("popover")]
    assert any(label.endswith("· 🔔 2") for label in labels), labels
    links = [plain(str(e.proto.label)) for e in at.main.get("page_link")]
    assert "Thông báo (2)" in links
