"""Roster and supplier uploads in the app: findings shown and stored, bad files refused with a message."""

from apptest import data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import workflow
from accreditation.store.db import open_db

ROSTER = """employee_id,full_name,date_of_birth,id_number,hire_date,job_title,job_code,workplace_code,hours_per_day,hours_per_week,night_work,overtime,guardian_consent,health_check_date
E-001,Nguyễn Văn An,17/05/1990,001090012345,01/03/2020,Thợ may,GENERAL,GENERAL,8,48,không,có,,15/01/2026
E-002,Lê Thị Bình,02/10/2012,,01/06/2026,Phụ việc,GENERAL,GENERAL,8,48,không,không,,
""".encode("utf-8")

SUPPLIERS = """supplier_name,tax_code,province,sector,products,tier,supplier_type,workers,has_signed_code_of_conduct,age_verification_in_place,last_audit_date,subcontracting_allowed,certificate_id
Xưởng may Hòa Bình,0100233488,Bình Dương,garment,áo sơ mi,2,workshop,25,có,không,,có,
Hộ kinh doanh Lan,001190012345,Hưng Yên,handicraft,giỏ mây,3,household business,4,không,không,,không,
""".encode("utf-8")


def test_a_roster_upload_shows_findings_and_stores_them_without_names(data_dir):
    at = goto(sign_in("sme@demo.vn"), "roster")
    assert not at.exception
    at.file_uploader[0].upload("danh_sach.csv", ROSTER, "text/csv").run()
    assert not at.exception, texts(at)
    assert "Đã kiểm tra danh_sach.csv: 2 dòng" in texts(at)
    assert "Có phát hiện nghiêm trọng" in texts(at)  # a 13-year-old in ordinary work
    db = open_db(data_dir / "accreditation.db")
    assessment = workflow.latest(db, 1)
    check, findings = workflow.latest_check(db, assessment["id"], "roster")
    stored = str(findings) + str(check)
    assert "E-002" in stored and "Lê Thị Bình" not in stored and "001090012345" not in stored
    assert "YW-01" in workflow.get(db, assessment["id"])["result"] and \
        '"knockouts":["YW-01"' in workflow.get(db, assessment["id"])["result"]


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
    db = open_db(data_dir / "accreditation.db")
    check, findings = workflow.latest_check(db, workflow.latest(db, 1)["id"], "suppliers")
    assert [f["severity"] for f in findings] == ["high", "high"] or len(findings) == 2
    assert "001190012345" not in str(findings)  # a household's personal ID number is masked
