"""Demo data for a first run, so that every role sees a working app at once: the demo accounts (accounts.py) and
four supplier companies of the demo brand, each at another point of the journey. The demo company itself
(sme@demo.vn) is left with nothing submitted, so its journey starts from the beginning.

ACCREDITATION_DEMO=1 (default): all of it; =accounts: the accounts only; =0: nothing."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

from sqlite_utils import Database

from accreditation import accounts, documents, review, sharing, workflow
from criteria import default_criteria
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
    value = os.environ.get("ACCREDITATION_DEMO", "1").strip().lower()
    return {"0": "none", "false": "none", "no": "none", "accounts": "accounts"}.get(value, "all")


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


def _suppliers(db: Database) -> list[tuple[str, str, str]]:
    criteria = default_criteria()
    brand = sharing.brand_for_code(db, "BRAND-DEMO")
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    today = date.today()
    created = []
    for login, name, nine, province, sector, products, size, example, outcome, age in SUPPLIERS:
        org_id = accounts.create_organisation(db, kind="sme", name=name, tax_code=_tax_code(nine), province=province,
                                              sector=sector, products=products, size=size)
        email = f"{login}@demo.vn"
        user = accounts.get_actor(db, accounts.create_user(db, email=email, password=accounts.DEMO_PASSWORD,
                                                           role="sme", organisation_id=org_id, name=name))
        created.append(("sme", email, accounts.DEMO_PASSWORD))
        draft = workflow.start_draft(db, user, org_id, criteria)
        workflow.save_answers(db, user, draft["id"], _answers(example), criteria)
        submitted = workflow.submit(db, user, draft["id"], criteria)
        result = workflow.stored_result(submitted)
        issued = today - timedelta(days=age or 0)
        if result.eligible:
            documents.issue_for_assessment(db, user, submitted, result, criteria, db["organisations"].get(org_id),
                                           issued=issued)
        sharing.share(db, user, org_id, brand_id=brand["id"])
        if outcome == "approved":
            review.start(db, assessor, draft["id"])
            review.approve(db, assessor, draft["id"], criteria, "Hồ sơ đầy đủ, minh chứng phù hợp.", issued=issued)
        elif outcome == "rejected":
            review.start(db, assessor, draft["id"])
            review.reject(db, assessor, draft["id"], "Có trẻ 14 tuổi vận hành máy; thực hiện kế hoạch khắc phục.",
                          criteria)
    return created
