"""Roster and supplier uploads in the app: findings shown (texts filled, severity in words) and stored in the
library's language-neutral shape, bad files refused with a message; the same findings on the review screen."""

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from apptest import data_dir, goto, plain, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, checks, workflow
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria

ROSTER = """employee_id,full_name,date_of_birth,id_number,hire_date,job_title,job_code,workplace_code,hours_per_day,hours_per_week,night_work,overtime,guardian_consent,health_check_date
E-001,Nguyễn Văn An,17/05/1990,001090012345,01/03/2020,Thợ may,GENERAL,GENERAL,8,48,không,có,,15/01/2026
E-002,Lê Thị Bình,02/10/2012,,01/06/2026,Phụ việc,GENERAL,GENERAL,8,48,không,không,,
""".encode("utf-8")
# E-002's age on the day the page checks the roster (today): 13 or 14 until October 2027
TODAY = date.today()
AGE = TODAY.year - 2012 - ((TODAY.month, TODAY.day) < (10, 2))

SUPPLIERS = """supplier_name,tax_code,province,sector,products,tier,supplier_type,workers,has_signed_code_of_conduct,age_verification_in_place,last_audit_date,subcontracting_allowed,certificate_id
Xưởng may Hòa Bình,0100233488,Bình Dương,garment,áo sơ mi,2,workshop,25,có,không,,có,
Hộ kinh doanh Lan,001190012345,Hưng Yên,handicraft,giỏ mây,3,household business,4,không,không,,không,
""".encode("utf-8")


def shown(at) -> str:
    """What the page says, with the labels of its statuses (the upload's steps)."""
    return "\n".join([texts(at), *(plain(s.label) for s in at.status)])


def test_a_roster_upload_shows_findings_and_stores_them_without_names(data_dir):
    at = goto(sign_in("sme@demo.vn"), "roster")
    assert not at.exception
    at.file_uploader[0].upload("danh_sach.csv", ROSTER, "text/csv").run()
    assert not at.exception, texts(at)
    findings = len(at.dataframe[0].value)
    assert f"Đã kiểm tra danh_sach.csv: 2 dòng, {findings} phát hiện" in shown(at)  # a status, then its steps
    assert "Đã đọc tệp: 2 dòng" in texts(at) and f"Đã kiểm tra 2 dòng: {findings} phát hiện" in texts(at)
    assert "Có phát hiện nghiêm trọng" in texts(at)  # a 13-year-old in ordinary work
    table = at.dataframe[0].value
    assert "Nghiêm trọng" in set(table["Mức độ"]) <= {"Nghiêm trọng", "Quan trọng", "Nhẹ"}  # severity in words
    assert table["Phát hiện"].str.startswith(f"Dòng 2, nhân viên E-002: {AGE} tuổi").all()  # texts filled
    assert table["Căn cứ pháp lý"].str.len().min() > 0
    db = open_db(data_dir / "accreditation.db")
    assessment = workflow.latest(db, 1)
    check = checks.latest(db, assessment["id"], "roster")
    stored = json.dumps(check.findings, ensure_ascii=False) + json.dumps(check.summary, ensure_ascii=False)
    assert "E-002" in stored and "Lê Thị Bình" not in stored and "001090012345" not in stored
    assert "Dòng" not in stored and "message" not in stored  # ids and parameters, no texts
    assert check.findings[0]["rule"] == "age.13_14_not_light" and check.findings[0]["params"]["age"] == str(AGE)
    assert "YW-01" in workflow.get(db, assessment["id"])["result"] and \
        '"knockouts":["YW-01"' in workflow.get(db, assessment["id"])["result"]


def test_the_roster_page_names_the_rows_that_block_any_document(data_dir):
    blocked = ROSTER + "E-003,Trần Văn Cò,01/03/2018,,01/06/2026,Phụ việc,,GENERAL,4,20,không,không,có,\n".encode()
    at = goto(sign_in("sme@demo.vn"), "roster")
    at.file_uploader[0].upload("danh_sach.csv", blocked, "text/csv").run()
    assert not at.exception
    assert ("Dòng 3 (1 người): trẻ dưới 15 tuổi làm công việc chưa được phân loại. Không cấp bản tự đánh giá hay "
            "giấy chứng nhận") in texts(at)
    db = open_db(data_dir / "accreditation.db")
    assert checks.latest(db, workflow.latest(db, 1)["id"], "roster").summary["blocking_rows"] == [3]


def test_an_unreadable_roster_is_refused_and_the_previous_result_stays(data_dir):
    at = goto(sign_in("sme@demo.vn"), "roster")
    at.file_uploader[0].upload("danh_sach.csv", ROSTER, "text/csv").run()
    at.file_uploader[0].upload("trong.csv", b"", "text/csv").run()
    assert at.error and not at.exception
    assert "Kết quả kiểm tra danh_sach.csv" in texts(at)


def test_a_supplier_upload_shows_levels_and_the_province_mapping(data_dir):
    at = goto(sign_in("sme@demo.vn"), "suppliers")
    at.file_uploader[0].upload("ncc.csv", SUPPLIERS, "text/csv").run()
    assert not at.exception and not at.error, texts(at)
    assert "Tên tỉnh cũ Bình Dương được chuyển thành Hồ Chí Minh" in texts(at)
    table = at.dataframe[0].value
    assert table["Rủi ro còn lại"].tolist() == ["Cao", "Cao"]  # residual: no control in place
    assert table["Rủi ro vốn có"].tolist() == ["Cao", "Cao"]
    assert "(rủi ro vốn có): Nghiêm trọng 0 · Cao 2" in texts(at)  # inherent counts under the residual ones
    assert table["Lý do"].str.contains("Nhà cung cấp cấp 2 trở xuống làm hàng trong danh sách").iloc[0]
    assert table["Việc cần làm"].str.len().min() > 0 and "Chứng nhận" not in table  # no empty column
    db = open_db(data_dir / "accreditation.db")
    check = checks.latest(db, workflow.latest(db, 1)["id"], "suppliers")
    assert [f["severity"] for f in check.findings] == ["high", "high"]
    assert check.summary["by_level"] == {"low": 0, "medium": 0, "high": 2, "critical": 0}  # one summary, top level
    assert "vi" not in check.summary and check.findings[0]["reasons"][0] == "rule:below_tier1_listed"
    assert "001190012345" not in json.dumps(check.findings)  # a household's personal ID number is masked


def review_screen():
    """What the assessor's review screen shows of an assessment's checks (the id is in the session)."""
    import streamlit as st

    from accreditation.ui import common, uploads

    st.session_state.setdefault("lang", st.session_state.get("review_lang", "vi"))
    for kind in ("roster", "suppliers"):
        uploads.show_check(common.db(), st.session_state["review_id"], kind)


@pytest.mark.parametrize("lang, finding, level, reason", [
    ("vi", f"Dòng 2, nhân viên E-002: {AGE} tuổi", "Cao", "Nhà cung cấp cấp 2 trở xuống"),
    ("en", f"Row 2, employee E-002: aged {AGE}", "High", "Below tier 1 for a listed good"),
])
def test_the_review_screen_shows_both_checks_with_their_texts_in_the_reader_s_language(data_dir, lang, finding,
                                                                                        level, reason):
    at = goto(sign_in("sme@demo.vn"), "roster")
    at.file_uploader[0].upload("danh_sach.csv", ROSTER, "text/csv").run()
    at = goto(at, "suppliers")
    at.file_uploader[0].upload("ncc.csv", SUPPLIERS, "text/csv").run()
    assessment_id = workflow.latest(open_db(data_dir / "accreditation.db"), 1)["id"]
    screen = AppTest.from_function(review_screen, default_timeout=30)
    screen.session_state["review_id"] = assessment_id
    screen.session_state["review_lang"] = lang
    screen.run()
    assert not screen.exception and len(screen.dataframe) == 2
    roster, suppliers = (d.value for d in screen.dataframe)
    for table in (roster, suppliers):
        assert all(table[c].astype(str).str.strip().ne("").any() for c in table.columns), table  # no empty column
    assert roster.iloc[:, 4].str.startswith(finding).all() and set(suppliers.iloc[:, 5]) == {level}
    assert suppliers.iloc[:, 6].str.contains(reason).iloc[0]
    assert list(suppliers.iloc[:, 1]) == ["Xưởng may Hòa Bình", "Hộ kinh doanh Lan"]  # named beside the row
    assert list(suppliers.iloc[:, 2]) == ["0100233488", "********2345"]  # a personal number masked
    assert roster.iloc[:, 3].str.len().min() > 0 and roster.iloc[:, -1].str.contains(".", regex=False).all()


def test_the_review_screen_says_when_a_check_is_missing(data_dir):
    sign_in("sme@demo.vn")
    db = open_db(data_dir / "accreditation.db")
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, default_criteria())
    screen = AppTest.from_function(review_screen, default_timeout=30)
    screen.session_state["review_id"] = draft["id"]
    screen.run()
    assert not screen.exception and not screen.dataframe
    assert [c.value for c in screen.caption] == ["Phiên bản này chưa tải lên."] * 2
