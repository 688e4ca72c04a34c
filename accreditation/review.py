"""The assessor's side: the queue of submitted assessments, per-indicator review (accept, or adjust with a
comment), the verified result, decisions (request changes, reject, approve → verified certificate) and revocation.
Every step asks `permissions.can` and goes to the audit log."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
from sqlite_utils import Database

from accreditation import documents, workflow
from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store import certificates as registry
from accreditation.store.db import write_tx
from criteria.schema import Criteria
from scoring import AnswerSet, Result, assess, validate_answers

QUEUE_STATUSES = ("submitted", "in_review", "changes_requested", "approved", "rejected")


def queue(db: Database, actor: Actor, *, statuses: tuple[str, ...] = ("submitted", "in_review"),
          sector: str | None = None, province: str | None = None, min_days: int | None = None,
          today: date | None = None) -> pd.DataFrame:
    """Submitted assessments this assessor may see (one SQL query), newest version per company, oldest first."""
    today = today or date.today()
    where = ["a.status in (%s)" % ",".join("?" * len(statuses))]
    params: list[Any] = list(statuses)
    if not actor.lead:  # assigned to them or not yet assigned (permissions: "reviewable")
        where.append("(a.assigned_to is null or a.assigned_to = ?)")
        params.append(actor.id)
    if sector:
        where.append("o.sector = ?")
        params.append(sector)
    if province:
        where.append("o.province = ?")
        params.append(province)
    sql = f"""
        select a.id, o.name as company, o.tax_code, o.province, o.sector, a.version, a.status, a.total, a.tier,
               a.eligible, a.submitted_at, a.assigned_to, u.name as assessor
        from assessments a join organisations o on o.id = a.organisation_id
        left join users u on u.id = a.assigned_to
        where {' and '.join(where)}
        order by a.submitted_at"""
    frame = pd.DataFrame([dict(r) for r in db.query(sql, params)],
                         columns=["id", "company", "tax_code", "province", "sector", "version", "status", "total",
                                  "tier", "eligible", "submitted_at", "assigned_to", "assessor"])
    submitted = pd.to_datetime(frame["submitted_at"], utc=True, errors="coerce").dt.date
    frame["days_waiting"] = [(today - d).days if isinstance(d, date) else None for d in submitted]
    if min_days is not None:
        frame = frame[frame["days_waiting"] >= min_days]
    return frame.reset_index(drop=True)


def reviews(db: Database, assessment_id: int) -> dict[str, dict[str, Any]]:
    return {r["indicator_id"]: r for r in db["reviews"].rows_where("assessment_id = ?", [assessment_id])}


def review_indicator(db: Database, actor: Actor, assessment_id: int, indicator_id: str, decision: str,
                     value: Any, comment: str, criteria: Criteria) -> None:
    """Accept the company's answer, or adjust it to another answer; an adjustment needs a comment."""
    assessment = workflow.get(db, assessment_id)
    require(actor, "assessment.review", workflow.resource(db, assessment))
    if assessment["status"] != "in_review":
        raise UserError("hãy bắt đầu thẩm định trước khi đánh giá từng tiêu chí",
                        "start the review before reviewing indicators")
    if decision not in ("accept", "adjust"):
        raise ValueError(decision)
    if decision == "adjust":
        if not comment.strip():
            raise UserError(f"{indicator_id}: cần ghi nhận xét khi điều chỉnh điểm",
                            f"{indicator_id}: a comment is required to adjust the score")
        validate_answers(criteria, {indicator_id: value})
    before = reviews(db, assessment_id).get(indicator_id)
    row = {"assessment_id": assessment_id, "indicator_id": indicator_id, "decision": decision,
           "value": json.dumps(value, ensure_ascii=False) if decision == "adjust" else None,
           "comment": comment.strip() or None, "reviewer_id": actor.id, "at": audit.now()}
    with write_tx(db):
        db["reviews"].upsert(row, pk=("assessment_id", "indicator_id"))
        audit.record(db, actor=actor.as_dict(), action="review.indicator", entity="assessment",
                     entity_id=assessment_id, before=before, after=row, comment=comment)


def verified_answers(db: Database, assessment_id: int) -> AnswerSet:
    answers = workflow.answer_set(db, assessment_id)
    for indicator_id, review in reviews(db, assessment_id).items():
        if review["decision"] == "adjust":
            answers.values[indicator_id] = json.loads(review["value"])
    return answers


def verified_result(db: Database, assessment_id: int, criteria: Criteria) -> Result:
    """The result with the assessor's adjustments: the score a verified certificate carries."""
    return assess(criteria, verified_answers(db, assessment_id), workflow.derived_answers(db, assessment_id))


def start(db: Database, actor: Actor, assessment_id: int) -> dict[str, Any]:
    assessment = workflow.get(db, assessment_id)
    require(actor, "assessment.review", workflow.resource(db, assessment))
    return workflow.transition(db, actor, assessment_id, "start_review")


def request_changes(db: Database, actor: Actor, assessment_id: int, comment: str) -> dict[str, Any]:
    assessment = workflow.get(db, assessment_id)
    require(actor, "assessment.decide", workflow.resource(db, assessment))
    return workflow.transition(db, actor, assessment_id, "request_changes", comment)


def reject(db: Database, actor: Actor, assessment_id: int, comment: str, criteria: Criteria) -> dict[str, Any]:
    """Not awarded: the company gets the remediation plan of the verified result."""
    assessment = workflow.get(db, assessment_id)
    require(actor, "assessment.decide", workflow.resource(db, assessment))
    result = verified_result(db, assessment_id, criteria)
    return workflow.transition(db, actor, assessment_id, "reject", comment,
                               {"verified_total": result.total, "verified_tier": result.tier,
                                "result": result.model_dump_json()})


def approve(db: Database, actor: Actor, assessment_id: int, criteria: Criteria, comment: str = "",
            issued: date | None = None) -> registry.Certificate:
    """Approve and issue the verified certificate (assessor named, registry entry, signed QR). A self-assessed
    certificate of the same assessment is revoked as superseded."""
    assessment = workflow.get(db, assessment_id)
    require(actor, "assessment.decide", workflow.resource(db, assessment))
    workflow.next_status(assessment["status"], "approve")  # refuse early, before issuing anything
    result = verified_result(db, assessment_id, criteria)
    if not result.eligible or not result.complete:
        raise UserError("kết quả sau thẩm định không đủ điều kiện cấp giấy chứng nhận; hãy từ chối hoặc yêu cầu "
                        "bổ sung", "the verified result is not eligible for a certificate; reject it or request "
                        "changes")
    org = db["organisations"].get(assessment["organisation_id"])
    issuer_org = db["organisations"].get(actor.organisation_id)["name"]
    previous = assessment.get("certificate_id")
    cert = documents.issue_for_assessment(db, actor, assessment, result, criteria, org,
                                          issued=issued or date.today(), verified=True,
                                          issuer=f"{actor.name} — {issuer_org}")
    workflow.transition(db, actor, assessment_id, "approve", comment,
                        {"verified_total": result.total, "verified_tier": result.tier, "certificate_id": cert.id,
                         "result": result.model_dump_json()})
    if previous:
        superseded = registry.get(db, previous)
        if superseded and not superseded.revoked_at:
            registry.revoke(db, previous, f"superseded by the verified certificate {cert.id}", actor.email)
    return cert


def revoke_certificate(db: Database, actor: Actor, certificate_id: str, reason: str) -> registry.Certificate:
    require(actor, "certificate.revoke")
    cert = registry.revoke(db, certificate_id, reason, actor.email)
    with write_tx(db):
        audit.record(db, actor=actor.as_dict(), action="certificate.revoke", entity="certificate",
                     entity_id=certificate_id, after={"revoked_at": cert.revoked_at, "reason": reason})
    return cert

