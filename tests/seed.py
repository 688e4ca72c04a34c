"""Assessments as people leave them, made through the library: a company's submitted version (with its roster
and supplier list checked), and an assessor's review ready for approval."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

from accreditation import accounts, review, workflow
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria

ROOT = Path(__file__).resolve().parent.parent
ROSTER_HEADER = ("employee_id,full_name,date_of_birth,id_number,hire_date,job_title,job_code,workplace_code,"
                 "hours_per_day,hours_per_week,night_work,overtime,guardian_consent,health_check_date\n")
ADULTS = (ROSTER_HEADER
          + "E-001,Nguyễn Văn An,17/05/1990,,01/03/2020,Thợ may,GENERAL,GENERAL,8,40,không,không,,15/01/2026\n"
          + "E-002,Trần Thị Bình,02/10/1985,,01/06/2021,Tổ trưởng,GENERAL,GENERAL,8,40,không,không,,15/01/2026\n"
          ).encode("utf-8")
# the measured case: a 17-year-old servicing machines and a 14-year-old on the night shift
CHILDREN = ADULTS + (
    "E-017,Lê Văn Cường,01/01/2009,,01/06/2026,Bảo trì máy,PROHIBITED-JOB-D,GENERAL,8,40,không,không,có,15/09/2026\n"
    "E-014,Phạm Thị Dung,01/01/2012,,01/06/2026,Đóng gói,LIGHT-4,GENERAL,4,20,có,không,có,15/09/2026\n"
).encode("utf-8")
_SUPPLIER_HEADER = (ROOT / "tests" / "data" / "suppliers_example.csv").read_text("utf-8-sig").splitlines()[0]


def clean_suppliers(today: date | None = None) -> bytes:
    """One tier-1 factory with a signed code, age checks and an audit two months ago: the best answers."""
    audited = ((today or date.today()) - timedelta(days=60)).strftime("%d/%m/%Y")
    return (f"{_SUPPLIER_HEADER}\nCông ty Bao Bì Mẫu B,0100112437,TP HCM,Bao bì,Thùng carton,1,Nhà máy,120,có,có,"
            f"{audited},không,,3000000000\n").encode("utf-8")


def example_values(name: str = "strong") -> dict:
    data = json.loads((ROOT / "examples" / f"{name}.json").read_text("utf-8"))
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in data["answers"].items()}


def record_checks(db, actor, assessment_id: int, criteria, roster: bytes | None = ADULTS,
                  suppliers: bytes | None = b"", as_of: date | None = None) -> None:
    """Upload a roster and a supplier list to a draft, as the company's pages do (b"" = the clean list)."""
    from accreditation import checks

    day = as_of or date.today()
    if roster is not None:
        workflow.record_check(db, actor, assessment_id,
                              checks.roster_record(roster, "roster.csv", day, criteria), criteria)
    if suppliers is not None:
        data = suppliers or clean_suppliers(day)
        workflow.record_check(db, actor, assessment_id, checks.supplier_record(db, data, "suppliers.csv", day),
                              criteria)


def draft_with_children(data_dir: Path) -> tuple:
    """The demo company's draft: strong answers, and the roster of children (CHILDREN: a 17-year-old servicing
    machines, E-017; a 14-year-old on the night shift, E-014). Returns (db, the company's user, the draft's id)."""
    db = open_db(data_dir / "accreditation.db")
    accounts.ensure_demo_data(db)
    criteria = default_criteria()
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, criteria)
    workflow.save_answers(db, sme, draft["id"], example_values("strong"), criteria)
    record_checks(db, sme, draft["id"], criteria, roster=CHILDREN)
    return db, sme, draft["id"]


def record_case_steps(db, actor, case_id: int, removed: date, *, today: date | None = None, skip=(),
                      note=lambda step: "") -> None:
    """Every step of a child-labour case on its day: the immediate ones the day of removal, the follow-ups 3 and
    6 months later."""
    from accreditation import cases

    for step in cases.STEP_IDS:
        if step in skip:
            continue
        when = {"followup_3m": cases.add_months(removed, 3), "followup_6m": cases.add_months(removed, 6)}.get(
            step, removed)
        cases.record_step(db, actor, case_id, step, when, note=note(step), today=today)


def submitted_assessment(data_dir: Path, example: str = "strong", checked: bool = False) -> tuple:
    """The demo company's version 1, answered from an example and submitted (a statement is issued when it is
    eligible). `checked`: with a clean roster and supplier list uploaded first."""
    db = open_db(data_dir / "accreditation.db")
    accounts.ensure_demo_data(db)
    criteria = default_criteria()
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, criteria)
    workflow.save_answers(db, sme, draft["id"], example_values(example), criteria)
    workflow.add_evidence(db, sme, draft["id"], "POL-01", "chinh-sach.pdf", b"%PDF-1.4 policy", criteria)
    if checked:
        record_checks(db, sme, draft["id"], criteria)
    workflow.submit(db, sme, draft["id"], criteria)
    return db, sme, workflow.get(db, draft["id"])


def second_lead(db) -> accounts.Actor:
    """Another lead assessor of the demo chamber, for the four-eyes sign-off."""
    found = accounts.user_for_email(db, "lead2@demo.vn")
    if found:
        return found
    chamber = accounts.user_for_email(db, "assessor@demo.vn").organisation_id
    return accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="lead2@demo.vn", password="password-lead2", role="assessor",
        organisation_id=chamber, name="Lê Thị Hoa (VCCI, trưởng nhóm)", lead=True))


VISIT = review.SiteVisit(visit_date=date.today(), sites="Xưởng may số 1, Thuận An", workers_on_payroll=850,
                         files_sampled=40, files_checked=40, workers_interviewed=25,
                         findings="Không phát hiện lao động dưới 18 tuổi; hồ sơ khớp giấy tờ gốc.")


def review_everything(db, assessor, assessment_id: int, criteria, visit: bool = True, sign: bool = True) -> None:
    """An assessor's full review: the desk review (every section accepted, missing required evidence waived with
    a reason), the site visit recorded, and (as another lead) signed off."""
    from accreditation.demo import review_in_full

    review_in_full(db, assessor, assessment_id, criteria, "seen on site, copy kept by the company")
    if visit:
        review.record_site_visit(db, assessor, assessment_id, VISIT)
    if sign:
        review.sign_off(db, second_lead(db), assessment_id, "checked the file")


def file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
