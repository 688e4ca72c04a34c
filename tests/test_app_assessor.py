"""The assessor's journey in the app: queue → review → approve; and what each role may not reach."""

from apptest import app, data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import workflow
from seed import submitted_assessment


def test_assessor_opens_the_queue_reviews_and_approves(data_dir):
    db, sme, assessment = submitted_assessment(data_dir)
    at = sign_in("assessor@demo.vn")
    at = goto(at, "queue")
    assert not at.exception
    assert "1 hồ sơ" in texts(at)
    at.selectbox(key="queue_choice").set_value(assessment["id"]).run()
    next(b for b in at.button if b.label == "Mở để thẩm định").click().run()
    assert at.title[0].value == "Thẩm định hồ sơ" and not at.exception
    at = goto(at, "review")  # AppTest does not keep a switch_page made by the script for the next run
    assert "Công ty TNHH May mặc Thuận An Xanh" in texts(at)
    next(b for b in at.button if b.label.startswith("Bắt đầu thẩm định")).click().run()
    assert workflow.get(db, assessment["id"])["status"] == "in_review"
    # the decision form: approve
    decision = next(r for r in at.radio if r.label == "Quyết định" and len(r.options) == 3)
    decision.set_value("approve")
    next(b for b in at.button if b.label == "Xác nhận quyết định").click().run()
    assert not at.exception, at.exception
    after = workflow.get(db, assessment["id"])
    assert after["status"] == "approved" and after["certificate_id"]
    assert f"Đã phê duyệt và cấp giấy chứng nhận {after['certificate_id']}." in texts(at)
    # the company sees the approval and its verified certificate
    at = goto(sign_in("sme@demo.vn"), "documents")
    assert "Đã phê duyệt" in texts(at)
    assert [b.label for b in at.get("download_button")][0] == "Tải giấy chứng nhận (PDF)"


def test_a_change_request_needs_a_comment_and_the_company_sees_it(data_dir):
    db, sme, assessment = submitted_assessment(data_dir)
    at = sign_in("assessor@demo.vn")
    at.session_state["review_id"] = assessment["id"]
    at = goto(at, "review")
    next(b for b in at.button if b.label.startswith("Bắt đầu thẩm định")).click().run()
    decision = next(r for r in at.radio if r.label == "Quyết định" and len(r.options) == 3)
    decision.set_value("request_changes")
    next(b for b in at.button if b.label == "Xác nhận quyết định").click().run()
    assert "cần ghi nhận xét cho quyết định này" in texts(at)
    decision = next(r for r in at.radio if r.label == "Quyết định" and len(r.options) == 3)
    decision.set_value("request_changes")
    at.text_area[0].input("Hãy tải lên chính sách có chữ ký")
    next(b for b in at.button if b.label == "Xác nhận quyết định").click().run()
    assert workflow.get(db, assessment["id"])["status"] == "changes_requested"
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    assert "Hãy tải lên chính sách có chữ ký" in texts(at)


def test_each_role_is_offered_only_its_own_pages(data_dir):
    from accreditation.accounts import user_for_email
    from accreditation.store.db import open_db
    from accreditation.ui.app import allowed_pages

    app()  # first run creates the demo data
    db = open_db(data_dir / "accreditation.db")
    urls = {email: [p.url for p in allowed_pages(user_for_email(db, email))]
            for email in ("sme@demo.vn", "assessor@demo.vn", "brand@demo.vn", "admin@demo.vn")}
    assert urls["sme@demo.vn"][:3] == ["home", "profile", "self-assessment"] and "verify" in urls["sme@demo.vn"]
    assert "queue" in urls["assessor@demo.vn"] and "self-assessment" not in urls["assessor@demo.vn"]
    assert "queue" not in urls["sme@demo.vn"] and "review" not in urls["brand@demo.vn"]
    assert [p.url for p in allowed_pages(None)] == ["login", "verify"]


def test_a_page_a_role_may_not_see_cannot_be_reached_by_url(data_dir):
    import pytest

    at = sign_in("sme@demo.vn")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        goto(at, "queue")
    at = sign_in("assessor@demo.vn")
    with pytest.raises(ValueError):
        goto(at, "questionnaire")


def test_anyone_verifies_a_certificate_from_its_qr_link_without_signing_in(data_dir):
    from accreditation.store import certificates as registry

    db, sme, assessment = submitted_assessment(data_dir)
    cert = registry.get(db, assessment["certificate_id"])
    query = dict(p.split("=", 1) for p in cert.verification_url().split("?", 1)[1].split("&"))
    at = app(query)
    assert at.title[0].value == "Kiểm tra giấy chứng nhận" and not at.exception
    assert at.success and "Công ty TNHH May mặc Thuận An Xanh" in str([t.value for t in at.table])


def test_a_sign_in_through_the_identity_provider_maps_the_email_to_the_local_user_and_role(data_dir):
    from streamlit.testing.v1 import AppTest

    from apptest import APP, plain

    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"email": "Assessor@demo.vn", "is_logged_in": True}  # what st.login leaves in st.user
    at.run()
    assert plain(at.title[0].value) == "Xin chào, Trần Văn Minh (VCCI)"
    stranger = AppTest.from_file(APP, default_timeout=30)
    stranger.user = {"email": "nobody@example.org", "is_logged_in": True}
    stranger.run()
    assert stranger.title[0].value == "Đăng nhập"  # no local account: no access
