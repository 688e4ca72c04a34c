"""The assessor's journey in the app: queue → review → approve; and what each role may not reach."""

from apptest import app, data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import workflow
from seed import submitted_assessment


def _button(at, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def _decide(at, choice: str, comment: str = ""):
    decision = next(r for r in at.radio if r.label == "Quyết định" and len(r.options) == 3)
    decision.set_value(choice)
    if comment:
        at.text_area[-1].input(comment)
    return _button(at, "Xác nhận quyết định").click().run()


def test_assessor_reviews_section_by_section_records_the_visit_and_a_second_lead_signs_off(data_dir):
    from accreditation import review
    from criteria.datafiles import default_criteria

    db, sme, assessment = submitted_assessment(data_dir, checked=True)
    aid = assessment["id"]
    at = sign_in("assessor@demo.vn")
    at = goto(at, "queue")
    assert not at.exception
    assert "1 hồ sơ" in texts(at)
    at.selectbox(key="queue_choice").set_value(aid).run()
    _button(at, "Mở để thẩm định").click().run()
    assert at.title[0].value == "Thẩm định hồ sơ" and not at.exception
    at = goto(at, "review")  # AppTest does not keep a switch_page made by the script for the next run
    assert "Công ty TNHH May mặc Thuận An Xanh" in texts(at)
    _button(at, "Bắt đầu thẩm định").click().run()
    assert workflow.get(db, aid)["status"] == "in_review"
    # approving now is refused, naming what is missing
    at = _decide(at, "approve")
    assert "Chưa thể phê duyệt" in texts(at) and "chưa thẩm định" in texts(at)
    assert workflow.get(db, aid)["status"] == "in_review"
    # accept every section in a few clicks
    for section in default_criteria().sections:
        found = [b for b in at.button if b.key == f"accept-{section.id}"]
        if found:
            at = found[0].click().run()
            assert not at.exception, at.exception
    left = [i.id for i in review.applicable(default_criteria(), workflow.evaluate(db, aid, default_criteria()))
            if i.id not in review.reviews(db, aid)]
    assert left == workflow.evaluate(db, aid, default_criteria()).evidence.missing_required  # only those
    # waive one missing piece of evidence through its own form
    first = left[0]
    at.text_input(key=f"rv-w-{first}").input("Đã xem bản gốc tại cơ sở ngày 28/11")
    at.button(key=f"rv-save-{first}").click().run()
    assert review.reviews(db, aid)[first]["evidence_waiver"].startswith("Đã xem bản gốc")
    for indicator in left[1:]:
        review.review_indicator(db, sme_assessor(db), aid, indicator, "accept", None, "", default_criteria(),
                                evidence_waiver="seen on site")
    # the on-site verification
    at = goto(at, "review")
    visit = {"visit_date": None, "sites": "Xưởng may số 1", "payroll": 850, "interviewed": 25, "sampled": 40,
             "checked": 40, "findings": "Không phát hiện lao động dưới 18 tuổi."}
    at.text_input[[t.label for t in at.text_input].index("Địa điểm đã khảo sát")].input(visit["sites"])
    for label, value in (("Số lao động trong bảng lương", 850), ("Số lao động được phỏng vấn riêng", 25),
                         ("Số hồ sơ lao động chọn kiểm tra", 40), ("Trong đó, số hồ sơ đối chiếu với giấy tờ gốc", 40)):
        next(n for n in at.number_input if n.label == label).set_value(value)
    next(t for t in at.text_area if t.label == "Kết quả khảo sát").input(visit["findings"])
    at.button(key="visit_save").click().run()
    assert not at.exception and review.site_visit(db, aid)["workers_interviewed"] == 25
    # the second lead signs off
    lead = sign_in("lead@demo.vn")
    lead.session_state["review_id"] = aid
    lead = goto(lead, "review")
    lead.button(key="sign_off_button").click().run()
    assert review.sign_offs(db, aid)
    # now approval goes through
    at = goto(at, "review")
    at = _decide(at, "approve")
    assert not at.exception, at.exception
    after = workflow.get(db, aid)
    assert after["status"] == "approved" and after["certificate_id"]
    assert f"Đã phê duyệt và cấp giấy chứng nhận {after['certificate_id']}." in texts(at)
    # the company sees the approval and its verified certificate
    at = goto(sign_in("sme@demo.vn"), "documents")
    assert "Đã phê duyệt" in texts(at) and "Giấy chứng nhận đã thẩm định" in texts(at)
    assert [b.label for b in at.get("download_button")][0] == "Tải giấy chứng nhận đã thẩm định (PDF)"


def sme_assessor(db):
    from accreditation import accounts

    return accounts.user_for_email(db, "assessor@demo.vn")


def test_the_company_reads_the_adjustments_and_disputes_the_rejection(data_dir):
    from accreditation import review
    from criteria.datafiles import default_criteria

    db, sme, assessment = submitted_assessment(data_dir, checked=True)
    assessor = sme_assessor(db)
    review.start(db, assessor, assessment["id"])
    review.review_indicator(db, assessor, assessment["id"], "FAM-01", "adjust", "no",
                            "Không thấy chính sách hỗ trợ bằng văn bản", default_criteria())
    review.reject(db, assessor, assessment["id"], "Chính sách chưa được ký", default_criteria())
    at = goto(sign_in("sme@demo.vn"), "documents")
    assert "Không thấy chính sách hỗ trợ bằng văn bản" in str([d.value for d in at.dataframe])
    assert "tạm đình chỉ" in texts(at)  # the version's own statement no longer stands
    next(t for t in at.text_area if t.label.startswith("Doanh nghiệp không đồng ý")).input(
        "Chính sách đã ký ngày 2/3, bản sao ở POL-01.")
    next(b for b in at.button if b.label == "Gửi khiếu nại").click().run()
    assert workflow.disputes(db, assessment["id"])[0]["status"] == "open"
    at = goto(sign_in("assessor@demo.vn"), "queue")
    at.toggle(key="queue_disputed").set_value(True).run()
    assert "1 hồ sơ" in texts(at)


def test_a_change_request_needs_a_comment_and_the_company_sees_it(data_dir):
    db, sme, assessment = submitted_assessment(data_dir)
    at = sign_in("assessor@demo.vn")
    at.session_state["review_id"] = assessment["id"]
    at = goto(at, "review")
    next(b for b in at.button if b.label.startswith("Bắt đầu thẩm định")).click().run()
    at = _decide(at, "request_changes")
    assert "Cần ghi nhận xét cho quyết định này" in texts(at)
    _decide(at, "request_changes", "Hãy tải lên chính sách có chữ ký")
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
            for email in ("sme@demo.vn", "assessor@demo.vn", "brand@demo.vn", "admin@demo.vn", "authority@demo.vn",
                          "association@demo.vn")}
    assert urls["sme@demo.vn"][:3] == ["home", "profile", "self-assessment"] and "verify" in urls["sme@demo.vn"]
    assert "queue" in urls["assessor@demo.vn"] and "self-assessment" not in urls["assessor@demo.vn"]
    assert "queue" not in urls["sme@demo.vn"] and "review" not in urls["brand@demo.vn"]
    # the scheme's partners: statistics for an authority, shared results for an association, nothing of a company's
    assert "scheme" in urls["authority@demo.vn"] and "scheme" in urls["admin@demo.vn"]
    assert not {"portfolio", "review", "queue", "self-assessment", "cases"} & set(urls["authority@demo.vn"])
    assert "portfolio" in urls["association@demo.vn"] and "scheme" not in urls["association@demo.vn"]
    assert [p.url for p in allowed_pages(None)] == ["login", "sign-up", "reset-password", "accept-invitation",
                                                   "verify", "awardees"]


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
    assert not at.success and at.warning[0].value.startswith("TỰ ĐÁNH GIÁ, CHƯA ĐƯỢC THẨM ĐỊNH")  # amber, never green
    assert "Công ty TNHH May mặc Thuận An Xanh" in str([t.value for t in at.table])


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


# ------------------------------------------------------------------ issue 12: dates, messages, layout


def _in_columns(at) -> list[str]:
    """The types of the elements that stand inside a column."""
    def walk(node, inside=False):
        kind = getattr(node, "type", "")
        yield node, inside
        for child in getattr(node, "children", {}).values():
            yield from walk(child, inside or kind == "column")

    return [getattr(n, "type", "") for n, inside in walk(at._tree) if inside]


def test_the_review_screen_shows_dates_as_dd_mm_yyyy_and_the_checks_full_width(data_dir, monkeypatch):
    import re

    monkeypatch.setenv("ACCREDITATION_DEMO", "1")
    at = sign_in("lead@demo.vn")
    from accreditation.store.db import open_db

    db = open_db(data_dir / "accreditation.db")
    org = next(db["organisations"].rows_where("name = ?", ["Xưởng Gỗ Mỹ nghệ Đồng Kỵ"]))
    at.session_state["review_id"] = workflow.latest(db, org["id"])["id"]  # approved, visited and signed off
    at = goto(at, "review")
    assert not at.exception
    page = texts(at)
    assert not re.search(r"\b20\d\d-\d\d-\d\d", page), page  # signed-off and visit dates as dd/mm/yyyy
    assert "dataframe" not in _in_columns(at)  # the findings tables are not squeezed into the left column
    # revoking without a reason: a page message, no command-line option
    form_button = next(b for b in at.button if b.label == "Thu hồi giấy chứng nhận")
    next(c for c in at.checkbox if "thu hồi" in c.label.lower()).check()
    form_button.click().run()
    assert "Hãy ghi lý do thu hồi." in texts(at) and "--reason" not in texts(at) and not at.exception


def test_the_public_check_names_the_issuer_in_words_and_dates_as_dd_mm_yyyy(data_dir):
    import re

    from accreditation.store import certificates as registry

    db, sme, assessment = submitted_assessment(data_dir)
    cert = registry.get(db, assessment["certificate_id"])
    at = app({"verify": cert.id})
    assert not at.exception
    rows = {r["Thông tin"] if "Thông tin" in r else list(r.values())[0]: list(r.values())[1]
            for t in at.table for r in t.value.to_dict("records")}
    shown = " ".join(map(str, rows.values()))
    assert "self-assessment" not in shown and "Doanh nghiệp tự đánh giá" in shown
    assert not re.search(r"\b20\d\d-\d\d-\d\d", shown), shown
    assert re.search(r"\b\d\d/\d\d/20\d\d\b", shown), shown


def test_the_public_check_stops_a_client_that_walks_through_the_registry(data_dir, monkeypatch):
    """Ids are sequential: listing every document with its status and revocation reason is refused past a person's
    use; the same document again (a rerun) does not count."""
    from accreditation.ui import verify_page

    monkeypatch.setattr(verify_page, "LOOKUPS_PER_HOUR", 3)
    monkeypatch.setattr(verify_page, "_lookups", {})
    at = goto(app(), "verify")
    for n in range(1, 4):
        at.text_input(key="verify_input").input(f"VN-CLF-2026-{n:06d}").run()
        assert f"VN-CLF-2026-{n:06d}" in texts(at) and "thử lại sau" not in texts(at)
    at.text_input(key="verify_input").input("VN-CLF-2026-000002").run()  # seen already: still answered
    assert "thử lại sau" not in texts(at)
    at.text_input(key="verify_input").input("VN-CLF-2026-000004").run()
    assert "Bạn đã kiểm tra 3 tài liệu khác nhau trong một giờ qua" in texts(at)
    assert not at.exception


def test_the_public_check_shows_what_an_address_carries_as_text_never_as_links_or_images(data_dir):
    """A crafted QR address whose content is markdown (a 'Renew' link, an image from another site) is shown as
    the characters it is."""
    import json
    import re

    from accreditation import signing

    evil = "[Gia hạn / Renew](https://evil.example/pay) ![x](https://evil.example/pixel.png)"
    payload = signing.b64url_encode(json.dumps({"id": evil, "tax": evil, "name": evil}).encode())
    at = app({"verify": evil, "p": payload, "s": "AAAA"})
    assert not at.exception
    bodies = [e.proto.body for e in at.get("markdown")] + [e.proto.body for e in at.get("alert")]
    assert "evil.example" in at.text_input(key="verify_input").value  # shown as text, in the box
    assert not any(re.search(r"(?<!\\)\]\(https?://", b) for b in bodies), bodies
    assert not any("<img" in e.proto.body for e in at.get("html"))
