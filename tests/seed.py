"""A submitted assessment for the demo company, as the SME would leave it (through the library)."""

from __future__ import annotations

import json
from pathlib import Path

from accreditation import accounts, documents, workflow
from accreditation.store.db import open_db
from criteria import default_criteria

ROOT = Path(__file__).resolve().parent.parent


def example_values(name: str = "strong") -> dict:
    data = json.loads((ROOT / "examples" / f"{name}.json").read_text("utf-8"))
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in data["answers"].items()}


def submitted_assessment(data_dir: Path, example: str = "strong") -> tuple:
    db = open_db(data_dir / "accreditation.db")
    accounts.ensure_demo_data(db)
    criteria = default_criteria()
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, criteria)
    for key, value in example_values(example).items():
        workflow.save_answer(db, sme, draft["id"], key, value, criteria)
    workflow.add_evidence(db, sme, draft["id"], "POL-01", "chinh-sach.pdf", b"%PDF-1.4 policy", criteria)
    result = workflow.evaluate(db, draft["id"], criteria)
    submitted = workflow.submit(db, sme, draft["id"], criteria)
    if result.eligible:
        documents.issue_for_assessment(db, sme, submitted, result, criteria,
                                       db["organisations"].get(sme.organisation_id),
                                       issued=__import__("datetime").date.today())
    return db, sme, workflow.get(db, draft["id"])
