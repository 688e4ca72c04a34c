"""Demo data for a first run, so that every role sees a working app at once: the demo accounts (accounts.py) and
four supplier companies of the demo brand, each at another point of the journey. The demo company itself
(sme@demo.vn) is left with nothing submitted, so its journey starts from the beginning.

ACCREDITATION_DEMO=1: all of it; =accounts: the accounts only; =0: nothing. Unset: all of it while the app serves
this machine only (localhost), nothing on a network address (accounts.demo_level)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlite_utils import Database

from accreditation import accounts, register, review, sharing, workflow
from criteria.datafiles import default_criteria
from scoring.tax_codes import check_digit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# (login, company, 9 digits of its tax code, province, sector, products, workers, example answers, outcome,
#  days since the certificate was issued)
SUPPLIERS = (
    ("dongky", "Xưởng Gỗ Mỹ nghệ Đồng Kỵ", "230456781", "Bắc Ninh", "wood", "Đồ gỗ mỹ nghệ", 120, "strong",
     "approved", 40),
    ("vanlam", "Công ty TNHH Thêu ren Văn Lâm", "090345672", "Hưng Yên", "handicraft", "Khăn thêu, ren", 65,
     "strong", "approved", 700),  # its certificate expires within the month: re-assessment due
    ("phuthinh", "Công ty CP Da giày Phú Thịnh", "360567893", "Đồng Nai", "footwear", "Giày da", 430, "middling",
     "submitted", None),  # waiting in the assessor's queue
    ("phuvinh", "Hợp tác xã Mây tre đan Phú Vinh", "010678914", "Hà Nội", "handicraft", "Giỏ mây, khay tre", 25,
     "failing", "rejected", None),  # a knock-out: rejected with a remediation plan
)


def level() -> str:
    return accounts.demo_level()


def _tax_code(nine: str) -> str:
    body = nine
    while check_digit(body) is None:  # a remainder of 0 has no valid check digit: take the next number
        body = f"{int(body) + 1:09d}"
    return body + check_digit(body)


def _answers(example: str) -> dict:
    data = json.loads((EXAMPLES / f"{example}.json").read_text("utf-8"))
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in data["answers"].items()}


def ensure_demo_data(db: Database) -> list[tuple[str, str, str]] | None:
    """On a database without users, create the demo data (see the module docstring). Returns the credentials of
    the accounts it created, to print; None when there was nothing to do."""
    if level() == "none":
        return None
    created = accounts.ensure_demo_data(db)
    if created and level() == "all":
        created += _suppliers(db)
    return created


def _roster(workers: int, seed: int, child: bool = False) -> bytes:
    """A roster of adults (ids, birth and hire dates, ordinary work): no names, as the check needs none. `child`:
    the last row is a 14-year-old operating a machine (ordinary work, not on the light-work list: a knock-out)."""
    lines = ["employee_id,date_of_birth,hire_date,job_code,workplace_code,hours_per_day,hours_per_week,night_work,"
             "overtime"]
    if child:
        workers -= 1
        born = date.today().replace(year=date.today().year - 14, day=1)
        lines.append(f"NV9999,{born:%d/%m/%Y},{date.today().replace(day=1):%d/%m/%Y},GENERAL,GENERAL,8,48,không,"
                     "không")
    for n in range(1, workers + 1):
        born = date(1970 + (n * 7 + seed) % 33, 1 + (n * 5) % 12, 1 + (n * 11) % 28)
        hired = date(2015 + (n * 3 + seed) % 10, 1 + (n * 7) % 12, 1 + (n * 13) % 28)
        lines.append(f"NV{n:04d},{born:%d/%m/%Y},{hired:%d/%m/%Y},GENERAL,GENERAL,8,48,không,không")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _supplier_list(today: date) -> bytes:
    """One tier-1 factory with a signed code of conduct, age checks and an audit two months ago."""
    audited = (today - timedelta(days=60)).strftime("%d/%m/%Y")
    return ("Tên nhà cung cấp,Mã số thuế,Tỉnh/thành phố,Ngành,Sản phẩm/công đoạn,Cấp,Loại nhà cung cấp,Số lao động,"
            "Đã ký bộ quy tắc ứng xử,Có kiểm tra tuổi,Ngày đánh giá/thăm gần nhất,Được phép gia công lại\n"
            f"Công ty Bao bì Sông Công,0100112437,Thái Nguyên,Bao bì,Thùng carton,1,Nhà máy,120,có,có,{audited},"
            "không\n").encode("utf-8")


def _suppliers(db: Database) -> list[tuple[str, str, str]]:
    from accreditation import checks

    criteria = default_criteria()
    brand = sharing.brand_for_code(db, "BRAND-DEMO")
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    second = accounts.user_for_email(db, "lead@demo.vn")
    today = date.today()
    created = []
    for n, (login, name, nine, province, sector, products, size, example, outcome, age) in enumerate(SUPPLIERS):
        org_id = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name=name,
                                              tax_code=_tax_code(nine), province=province, sector=sector,
                                              products=products, size=size)
        email = f"{login}@demo.vn"
        user = accounts.get_actor(db, accounts.create_user(db, actor=accounts.SYSTEM, email=email,
                                                           password=accounts.DEMO_PASSWORD, role="sme",
                                                           organisation_id=org_id, name=name))
        created.append(("sme", email, accounts.DEMO_PASSWORD))
        issued = today - timedelta(days=age or 0)
        draft = workflow.start_draft(db, user, org_id, criteria)
        workflow.save_answers(db, user, draft["id"], _answers(example), criteria)
        roster = _roster(size, n, child=outcome == "rejected")
        workflow.record_check(db, user, draft["id"], checks.roster_record(roster, "danh-sach-lao-dong.csv", issued,
                                                                          criteria), criteria)
        workflow.record_check(db, user, draft["id"], checks.supplier_record(db, _supplier_list(issued),
                                                                            "nha-cung-cap.csv", issued), criteria)
        workflow.submit(db, user, draft["id"], criteria, issued=issued)
        sharing.share(db, user, org_id, brand_id=brand["id"])
        if outcome == "approved":
            _approve(db, assessor, second, draft["id"], criteria, size, issued)
            register.set_listed(db, user, org_id, True)  # so the public register of awardees is not empty
        elif outcome == "rejected":
            review.start(db, assessor, draft["id"])
            review.reject(db, assessor, draft["id"], "Có trẻ 14 tuổi vận hành máy; thực hiện kế hoạch khắc phục.",
                          criteria)
    return created


def review_in_full(db: Database, assessor: accounts.Actor, assessment_id: int, criteria, waiver: str) -> None:
    """An assessor's desk review of a submitted version with nothing to adjust: started, every section accepted,
    each piece of missing required evidence waived with `waiver` as the reason."""
    if workflow.get(db, assessment_id)["status"] == "submitted":
        review.start(db, assessor, assessment_id)
    for section in criteria.sections:
        review.accept_section(db, assessor, assessment_id, section.id, criteria)
    for indicator in workflow.evaluate(db, assessment_id, criteria).evidence.missing_required:
        review.review_indicator(db, assessor, assessment_id, indicator, "accept", None, "", criteria,
                                evidence_waiver=waiver)


def _approve(db: Database, assessor: accounts.Actor, second: accounts.Actor, assessment_id: int, criteria,
             workers: int, issued: date) -> None:
    """A review as the scheme asks for it: the desk review, the site visit, a second lead's sign-off, then the
    approval."""
    review_in_full(db, assessor, assessment_id, criteria, "Đã xem bản gốc tại cơ sở; doanh nghiệp lưu giữ.")
    review.record_site_visit(db, assessor, assessment_id, review.SiteVisit(
        visit_date=date.today(), sites="Xưởng sản xuất chính", workers_on_payroll=workers,
        files_sampled=min(workers, 20), files_checked=min(workers, 20), workers_interviewed=min(workers, 10),
        findings="Không phát hiện người lao động dưới 18 tuổi; hồ sơ khớp giấy tờ gốc."))
    review.sign_off(db, second, assessment_id, "Đồng ý với kết quả thẩm định.")
    review.approve(db, assessor, assessment_id, criteria, "Hồ sơ đầy đủ, minh chứng phù hợp.", issued=issued)
