"""The child-labour case pages in the app: the company is prompted for each child the roster found (nothing opens by
itself), opens a case, is refused a name as the employee code in words, records steps, is refused closure while a
step is missing, and can download the referral letter; the assessor refuses closure (a comment is required) and
agrees; the English page; brands have no case page."""

from datetime import date, timedelta

from apptest import data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, cases
from criteria.datafiles import default_criteria
from seed import draft_with_children, record_case_steps

C = default_criteria()
TODAY = date.today()


_company_with_children = draft_with_children


def _complete_case(db, sme, ref="E-017"):
    """A case found 200 days ago with every step recorded on its day."""
    found = TODAY - timedelta(days=200)
    case = cases.open_case(db, sme, sme.organisation_id, ref, found)
    record_case_steps(db, sme, case["id"], found, note=lambda step: "đã làm")
    return case


def test_the_company_is_prompted_opens_a_case_and_records_steps(data_dir):
    db, sme, _ = _company_with_children(data_dir)
    at = goto(sign_in("sme@demo.vn"), "cases")
    assert not at.exception, at.exception
    assert at.title[0].value == "Trường hợp lao động trẻ em"
    said = texts(at)
    assert "Cần mở trường hợp" in said and "mã nhân viên E-017" in said and "mã nhân viên E-014" in said
    assert "Lê Văn Cường" not in said and "Phạm Thị Dung" not in said  # the page never names a child
    assert db["cases"].count == 0  # prompted, not opened
    assert "REM-05 (sổ theo dõi trường hợp) đang được trả lời là **Không**" in said

    at.text_input(key="case-ref-1-roster:E-014").input("Phạm Thị Dung")
    at = at.button(key="case-open-1-roster:E-014").click().run()
    assert "trông giống họ tên" in texts(at) and db["cases"].count == 0  # refused, in words
    at = at.button(key="case-open-0-roster:E-017").click().run()
    assert not at.exception, at.exception
    code = f"CL-{TODAY.year}-0001"
    assert f"Đã mở trường hợp {code}." in texts(at)
    assert [c["employee_ref"] for c in db["cases"].rows] == ["E-017"]
    said = texts(at)
    assert "mã nhân viên E-017 —" not in said and "mã nhân viên E-014" in said  # one prompt left
    assert f"Mã trường hợp **{code}**".replace("**", "") in said.replace("**", "")
    assert "Sở Nội vụ thành phố Hồ Chí Minh" in said  # the letter's addressee, from the criteria data
    assert [b.label for b in at.get("download_button")] == ["Tải thư chuyển (PDF)"]

    at.selectbox(key="case-step-1").set_value("removed").run()
    at.text_area(key="case-note-1").input("Chuyển sang ca ngày, giữ nguyên lương")
    at = at.button(key="case-save-1").click().run()
    assert "Đã lưu bước: Đưa trẻ ra khỏi công việc." in texts(at)
    rows = {r["step"]: r for r in db["case_steps"].rows}
    assert rows["removed"]["done_on"] == TODAY.isoformat()
    assert rows["removed"]["note"] == "Chuyển sang ca ngày, giữ nguyên lương"

    at.selectbox(key="case-step-1").set_value("adult_job").run()
    at.radio(key="case-outcome-1").set_value("not_possible").run()
    at = at.button(key="case-save-1").click().run()  # no reason given
    assert "Hãy ghi lý do không thực hiện được" in texts(at)

    at = at.button(key="case-request-1").click().run()
    assert "còn thiếu các bước" in texts(at) and cases.get_case(db, sme, 1)["status"] == "open"


def test_the_assessor_refuses_then_agrees_to_close(data_dir):
    db, sme, _ = _company_with_children(data_dir)
    case = _complete_case(db, sme)
    cases.request_closure(db, sme, case["id"], "trẻ đã đi học lại")
    at = goto(sign_in("assessor@demo.vn"), "cases")
    assert not at.exception, at.exception
    said = texts(at)
    assert "Công ty TNHH May mặc Thuận An Xanh" in said and "Chờ thẩm định viên đồng ý đóng" in said
    assert "trẻ đã đi học lại" in said
    at = at.button(key=f"case-refuse-{case['id']}").click().run()
    assert "Hãy ghi lý do từ chối" in texts(at)
    at.text_area(key=f"case-decide-{case['id']}").input("Cần bản sao giấy xác nhận nhập học")
    at = at.button(key=f"case-refuse-{case['id']}").click().run()
    assert "mở lại cho doanh nghiệp" in texts(at) and cases.get_case(db, sme, case["id"])["status"] == "open"

    at = goto(sign_in("sme@demo.vn"), "cases")
    assert "Cần bản sao giấy xác nhận nhập học" in texts(at)
    at = at.button(key=f"case-request-{case['id']}").click().run()
    assert "Đã gửi đề nghị đóng trường hợp" in texts(at)

    at = goto(sign_in("assessor@demo.vn"), "cases")
    at = at.button(key=f"case-agree-{case['id']}").click().run()
    assert f"Đã đóng trường hợp {case['code']}." in texts(at)
    assert cases.get_case(db, sme, case["id"])["status"] == "closed"


def test_the_english_page_and_no_case_page_for_brands(data_dir):
    db, sme, _ = _company_with_children(data_dir)
    at = sign_in("sme@demo.vn")
    at.session_state["lang"] = "en"
    at = goto(at, "cases")
    assert not at.exception, at.exception
    assert at.title[0].value == "Child-labour cases"
    assert "Cases to open" in texts(at) and "employee code E-017" in texts(at)
    from accreditation.permissions import can

    assert not can(accounts.user_for_email(db, "brand@demo.vn"), "page.cases")  # the menu leaves it out
