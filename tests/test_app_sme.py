"""The SME journey in the app, page by page (AppTest): sign in, answer with skip logic, autosave across a refresh,
language switch, evidence, submit and documents, and the error paths."""

from datetime import timedelta

import pytest

from apptest import app, data_dir, reopen, goto, plain, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, workflow
from accreditation.store.db import open_db


def q(at, indicator_id):
    return next(w for w in at.radio if w.key.endswith(f":{indicator_id}"))


def answer(at, indicator_id, value):
    q(at, indicator_id).set_value(value).run()
    assert not at.exception
    return at


def test_sign_in_with_a_wrong_password_says_so_and_stays_on_the_login_page(data_dir):
    at = sign_in("sme@demo.vn", "not-the-password")
    assert "E-mail hoặc mật khẩu không đúng" in texts(at)  # a page message starts with a capital letter
    assert at.title[0].value == "Đăng nhập" and not at.exception


def test_the_demo_company_signs_in_and_sees_its_home_page(data_dir):
    at = sign_in("sme@demo.vn")
    assert plain(at.title[0].value) == "Xin chào, Nguyễn Thị Lan (HR)"
    assert "Công ty TNHH May mặc Thuận An Xanh" in texts(at)
    assert "s" not in at.query_params  # no session token in the address: it is copied with every link
    cookie = [h.proto.body for h in at.get("html") if "/session/begin?code=" in h.proto.body]
    assert len(cookie) == 1  # the HttpOnly cookie is set by an image from our own address, once


def test_answers_autosave_and_come_back_after_a_refresh(data_dir, monkeypatch):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    answer(at, "PRO-01", "no")
    fresh = reopen(at, monkeypatch, "questionnaire")  # a refresh: a brand-new session with only the cookie
    assert q(fresh, "PRO-01").value == "no"
    db = open_db(data_dir / "accreditation.db")
    assessment = workflow.latest(db, 1)
    # PRO-05 (sector), PRO-06 (number of workers) and PRO-07 (legal form) come from the company profile, not asked
    assert workflow.answer_set(db, assessment["id"]).values == {"PRO-01": "no", "PRO-05": "garment", "PRO-06": 850,
                                                                "PRO-07": "enterprise"}


def test_skip_logic_shows_follow_up_questions_only_when_relevant(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    keys = lambda: {w.key.rsplit(":", 1)[1] for w in at.radio}  # noqa: E731
    assert "PRO-02" not in keys()  # asked only when the company employs under-18s
    answer(at, "PRO-01", "yes")
    assert "PRO-02" in keys()
    at.selectbox(key="section").set_value("YW").run()
    assert {"YW-03", "YW-04"} <= keys()
    at.selectbox(key="section").set_value("PRO").run()
    answer(at, "PRO-01", "no")
    at.selectbox(key="section").set_value("YW").run()
    assert "YW-03" not in keys() and {"YW-01", "YW-02"} <= keys()


def test_a_knockout_answer_shows_at_once_in_the_result_panel(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    at.selectbox(key="section").set_value("YW").run()
    answer(at, "YW-01", "found")
    assert "Vi phạm loại trừ: YW-01" in texts(at)
    # the tier is a line of text that wraps, not a metric (which cut it to "Chưa đủ…" at 1400 px)
    assert [m.label for m in at.metric] == ["Tổng điểm"]
    assert "**:gray[:material/workspace_premium: Chưa đủ điều kiện]**" in texts(at)


def test_the_language_switch_persists_for_the_user(data_dir, monkeypatch):
    at = sign_in("sme@demo.vn")
    at.segmented_control(key="lang_switch").set_value("en").run()
    assert plain(at.title[0].value) == "Hello, Nguyễn Thị Lan (HR)"
    at = goto(at, "questionnaire")
    assert at.title[0].value == "Self-assessment" and "Does the company" in q(at, "PRO-01").label
    fresh = reopen(at, monkeypatch)
    assert fresh.title[0].value.startswith("Hello")  # the choice is kept on the account


def test_evidence_upload_is_saved_and_listed(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    at.selectbox(key="section").set_value("POL").run()
    uploader = next(u for u in at.file_uploader if "-POL-01-" in u.key)
    uploader.upload("chinh-sach.pdf", b"%PDF-1.4 policy text", "application/pdf").run()
    assert not at.exception
    assert "chinh-sach.pdf" in texts(at)
    assert len(list((data_dir / "evidence").iterdir())) == 1


def test_a_wrong_file_type_for_evidence_is_refused_with_a_message(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    at.selectbox(key="section").set_value("POL").run()
    uploader = next(u for u in at.file_uploader if "-POL-01-" in u.key)
    uploader.upload("policy.pdf", b"", "application/pdf").run()
    assert "tệp rỗng" in texts(at) and not at.exception
    uploader = next(u for u in at.file_uploader if "-POL-01-" in u.key)
    uploader.upload("chinh-sach.docx", b"PK\x03\x04", "application/msword").run()
    assert "chinh-sach.docx" in texts(at) and "PDF, PNG, JPG" in texts(at) and not at.exception
    assert "not allowed" not in texts(at)


def test_submit_needs_every_answer_then_offers_the_documents(data_dir):
    import json
    from pathlib import Path

    at = goto(goto(sign_in("sme@demo.vn"), "questionnaire"), "documents")  # opening the questionnaire starts a draft
    at.checkbox[0].check().run()
    submit = next(b for b in at.button if b.label == "Nộp bản tự đánh giá")
    submit.click().run()
    assert "câu hỏi chưa trả lời" in texts(at)
    # answer everything as the strong example does (through the library, as autosave would)
    from accreditation import accounts
    from criteria.datafiles import default_criteria

    db = open_db(data_dir / "accreditation.db")
    actor = accounts.user_for_email(db, "sme@demo.vn")
    assessment = workflow.latest(db, actor.organisation_id)
    example = json.loads((Path(__file__).resolve().parent.parent / "examples/strong.json").read_text("utf-8"))
    for key, value in example["answers"].items():
        workflow.save_answer(db, actor, assessment["id"], key, value["value"] if isinstance(value, dict) else value,
                             default_criteria())
    at = goto(at, "documents")
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Nộp bản tự đánh giá").click().run()
    assert not at.exception
    assert "Đã nộp phiên bản 1." in texts(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Tải bản tự đánh giá (PDF)", "Tải kế hoạch khắc phục (PDF)"]
    assert "Bản tự đánh giá (chưa được thẩm định)" in texts(at)
    assert workflow.latest(db, actor.organisation_id)["certificate_id"].startswith("VN-CLF-")
    # the questionnaire is locked now; a new version can be started
    at = goto(at, "questionnaire")
    assert "không sửa được nữa" in texts(at)
    assert q(at, "PRO-01").disabled


@pytest.mark.parametrize("page", ["home", "profile", "questionnaire", "documents"])
def test_every_company_page_renders_without_error(data_dir, page):
    at = goto(sign_in("sme@demo.vn"), page)
    assert not at.exception and not at.error


def test_the_profile_refuses_an_invalid_tax_code(data_dir):
    at = goto(sign_in("sme@demo.vn"), "profile")
    next(t for t in at.text_input if t.label == "Mã số thuế").input("0100000001")
    next(b for b in at.button if b.label == "Lưu hồ sơ").click().run()
    assert "Mã số thuế `0100000001` không hợp lệ" in texts(at)
    db = open_db(data_dir / "accreditation.db")
    assert db["organisations"].get(1)["tax_code"] == "3709123455"  # nothing saved


def _verified(data_dir, issued_days_ago: int):
    """The demo company with a verified certificate issued `issued_days_ago` days ago."""
    from datetime import date, timedelta

    from accreditation import accounts, review
    from criteria.datafiles import default_criteria
    from seed import review_everything, submitted_assessment

    db, sme, assessment = submitted_assessment(data_dir, checked=True)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review_everything(db, assessor, assessment["id"], default_criteria())
    cert = review.approve(db, assessor, assessment["id"], default_criteria(),
                          issued=date.today() - timedelta(days=issued_days_ago))
    return db, cert


@pytest.mark.parametrize("issued_days_ago, expected", [
    (10, "còn hiệu lực đến"),
    (730 - 30, "hãy tự đánh giá lại và nộp"),  # 24-month validity: about 30 days left
    (800, "đã hết hiệu lực"),
])
def test_home_page_warns_before_a_certificate_expires(data_dir, issued_days_ago, expected):
    _verified(data_dir, issued_days_ago)
    at = sign_in("sme@demo.vn")
    assert expected in texts(at)


def test_home_page_says_a_statement_is_not_verified(data_dir):
    from seed import submitted_assessment

    submitted_assessment(data_dir)
    assert "Bản tự đánh giá (chưa được thẩm định)" in texts(sign_in("sme@demo.vn"))


def test_the_documents_page_says_when_the_certificate_has_expired(data_dir):
    _, cert = _verified(data_dir, 800)
    at = goto(sign_in("sme@demo.vn"), "documents")
    assert f"Giấy chứng nhận đã thẩm định {cert.id}: đã hết hiệu lực" in texts(at)


def test_a_session_token_in_a_pasted_address_signs_nobody_in(data_dir):
    at = sign_in("sme@demo.vn")
    stranger = app({"s": at.session_state["token"]})  # the old ?s= link, opened in another browser
    assert stranger.title[0].value == "Đăng nhập" and "s" not in stranger.query_params


def test_signing_out_ends_the_session_in_every_open_tab(data_dir, monkeypatch):
    first = sign_in("sme@demo.vn")
    second = reopen(first, monkeypatch, "questionnaire")  # another tab of the same browser
    assert second.title[0].value == "Tự đánh giá"
    first.sidebar.button(key="sign_out").click().run()
    assert first.title[0].value == "Đăng nhập"
    assert any("/session/end" in h.proto.body for h in first.get("html"))  # the cookie is cleared too
    second.run()  # the open tab's next click
    assert second.title[0].value == "Đăng nhập" and "Phiên đăng nhập đã kết thúc" in texts(second)
    assert app().title[0].value == "Đăng nhập"  # the old cookie (still sent by `reopen`'s patch) opens nothing


def test_a_deactivated_account_is_signed_out_of_its_open_tab(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    db = open_db(data_dir / "accreditation.db")
    admin = accounts.authenticate(db, "admin@demo.vn", accounts.DEMO_PASSWORD)
    user = next(u for u in accounts.list_users(db, admin) if u["email"] == "sme@demo.vn")
    accounts.deactivate_user(db, admin, user["id"])
    at.run()
    assert at.title[0].value == "Đăng nhập"


def test_an_idle_session_ends(data_dir, monkeypatch):
    at = sign_in("sme@demo.vn")
    later = accounts._now() + timedelta(minutes=accounts.IDLE_MINUTES + 1)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    at.run()
    assert at.title[0].value == "Đăng nhập" and "Phiên đăng nhập đã kết thúc" in texts(at)
