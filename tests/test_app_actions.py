"""The corrective-action pages in the app: the company starts an action, is refused "done" without evidence, marks
it done with it, comments; the assessor reopens (a comment is required) and verifies; filters and counts."""

from apptest import app, data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, actions
from seed import submitted_assessment

PDF = b"%PDF-1.4 leave policy"


def _button(at, key: str):
    return at.button(key=key)


def _first(db, org):
    return actions.list_actions(db, org)[0]


def test_the_company_starts_an_action_and_marks_it_done_with_evidence(data_dir):
    db, sme, _ = submitted_assessment(data_dir)
    first = _first(db, sme.organisation_id)
    at = goto(sign_in("sme@demo.vn"), "actions")
    assert not at.exception, at.exception
    assert at.title[0].value == "Hành động khắc phục"
    said = texts(at)
    assert "Phòng nhân sự" in said and "Việc cần làm" in said and "Cần cải thiện" in said
    assert [m.label for m in at.metric][:3] == ["Tổng số", "Quá hạn", "Chưa bắt đầu"]
    assert at.metric[0].value == "2" and at.metric[2].value == "2"
    assert at.selectbox(key="act_pick").value == first["id"]

    at = _button(at, f"act-start-{first['id']}").click().run()
    assert actions.get(db, first["id"])["status"] == "in_progress"
    assert "Đã chuyển sang đang thực hiện." in texts(at)
    at = _button(at, f"act-done-{first['id']}").click().run()  # no evidence: refused, in words
    assert "tải lên ít nhất một tài liệu chứng minh" in texts(at)
    assert actions.get(db, first["id"])["status"] == "in_progress"

    actions.add_evidence(db, sme, first["id"], "quy-che.pdf", PDF)  # AppTest cannot upload; the page lists it
    at = goto(at, "actions")
    assert "quy-che.pdf" in texts(at)
    at = _button(at, f"act-done-{first['id']}").click().run()
    assert actions.get(db, first["id"])["status"] == "done"
    assert "đang chờ chuyên gia thẩm định xác minh" in texts(at)

    form_area = next(t for t in at.text_area if t.label == "Ý kiến")
    form_area.input("Đã ký quy chế ngày 2/3")
    at = next(b for b in at.button if b.label == "Gửi ý kiến").click().run()
    assert [e["comment"] for e in actions.detail(db, first["id"])["events"] if e["kind"] == "comment"] == [
        "Đã ký quy chế ngày 2/3"]

    at.multiselect(key="act_filter").set_value(["done"]).run()
    assert not at.exception
    pick = at.selectbox(key="act_pick")
    assert len(pick.options) == 1 and pick.value == first["id"]
    at.multiselect(key="act_filter").set_value(["verified"]).run()
    assert "Không có hành động nào ở tình trạng đã chọn." in texts(at)


def test_the_assessor_reopens_with_a_comment_and_verifies(data_dir):
    db, sme, _ = submitted_assessment(data_dir)
    first = _first(db, sme.organisation_id)
    actions.add_evidence(db, sme, first["id"], "quy-che.pdf", PDF)
    actions.update_status(db, sme, first["id"], "done")
    at = goto(sign_in("assessor@demo.vn"), "followup")
    assert not at.exception, at.exception
    assert at.title[0].value == "Xác minh hành động khắc phục"
    said = texts(at)
    assert "Công ty TNHH May mặc Thuận An Xanh" in said and "quy-che.pdf" in said
    assert at.get("download_button")  # the evidence can be downloaded

    at = _button(at, f"fu-reopen-{first['id']}").click().run()
    assert "vì sao mở lại" in texts(at) and actions.get(db, first["id"])["status"] == "done"
    at.text_area(key=f"fu-comment-{first['id']}").input("Thiếu chữ ký giám đốc")
    at = _button(at, f"fu-reopen-{first['id']}").click().run()
    assert actions.get(db, first["id"])["status"] == "open"
    assert "Đã mở lại hành động" in texts(at) and "Không có hành động nào đang chờ xác minh." in texts(at)

    actions.add_evidence(db, sme, first["id"], "quy-che-ky.pdf", PDF + b" signed")
    actions.update_status(db, sme, first["id"], "done")
    at = goto(at, "followup")
    at = _button(at, f"fu-verify-{first['id']}").click().run()
    assert actions.get(db, first["id"])["status"] == "verified"
    assert "Đã xác minh hành động." in texts(at)

    # the company sees it verified, with the assessor's comment in its history
    at = goto(sign_in("sme@demo.vn"), "actions")
    assert at.selectbox(key="act_pick").value != first["id"]  # verified: listed last, the open one first
    at.selectbox(key="act_pick").set_value(first["id"]).run()
    assert "Chuyên gia thẩm định đã xác minh hoàn thành" in texts(at)
    assert "Thiếu chữ ký giám đốc" in texts(at)


def test_a_company_without_actions_and_the_english_page(data_dir):
    from accreditation.store.db import open_db

    db = open_db(data_dir / "accreditation.db")
    accounts.ensure_demo_data(db)
    at = goto(sign_in("sme@demo.vn"), "actions")
    assert not at.exception and "Chưa có hành động khắc phục nào" in texts(at)
    db.close()
    db, sme, _ = submitted_assessment(data_dir)
    at = sign_in("sme@demo.vn")
    at.session_state["lang"] = "en"
    at = goto(at, "actions")
    assert at.title[0].value == "Corrective actions" and "HR department" in texts(at)
