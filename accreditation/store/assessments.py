"""Assessments (one row per version), their answers, evidence files, the derived results, and the findings of the
roster and supplier checks. Rosters and supplier lists themselves are never stored: only findings, with workers
identified by employee id."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS


@MIGRATIONS(name="assessments_0001_create")
def _create(db: Database) -> None:
    db["assessments"].create({
        "id": int, "organisation_id": int, "version": int, "parent_id": int,
        "criteria_id": str, "criteria_version": str, "criteria_fingerprint": str,
        "status": str, "created_at": str, "created_by": int, "updated_at": str,
        "submitted_at": str, "submitted_by": int, "assigned_to": int, "decided_at": str, "decided_by": int,
        "decision_comment": str,
        "total": float, "tier": str, "eligible": int, "result": str,  # result: the engine's Result as JSON
        "verified_total": float, "verified_tier": str, "certificate_id": str,
    }, pk="id", not_null={"organisation_id", "version", "criteria_version", "status", "created_at"},
        foreign_keys=[("organisation_id", "organisations", "id")])
    db["assessments"].create_index(["organisation_id", "version"], unique=True)
    db["assessments"].create_index(["status"])

    db["answers"].create({
        "assessment_id": int, "indicator_id": str, "value": str, "comment": str, "updated_at": str,
        "updated_by": int,
    }, pk=("assessment_id", "indicator_id"), foreign_keys=[("assessment_id", "assessments", "id")])

    db["evidence"].create({
        "id": int, "assessment_id": int, "indicator_id": str, "sha256": str, "filename": str, "size": int,
        "mime": str, "uploaded_by": int, "uploaded_at": str,
    }, pk="id", foreign_keys=[("assessment_id", "assessments", "id")])
    db["evidence"].create_index(["assessment_id", "indicator_id"])

    # One row per upload of a roster or supplier list: its summary and the answers it derives.
    db["checks"].create({
        "id": int, "assessment_id": int, "kind": str, "filename": str, "file_sha256": str, "as_of": str,
        "rows": int, "summary": str, "derived": str, "created_at": str, "created_by": int,
    }, pk="id", foreign_keys=[("assessment_id", "assessments", "id")])
    db["checks"].create_index(["assessment_id", "kind"])
    db["findings"].create({
        "id": int, "check_id": int, "row": int, "ref": str, "rule": str, "severity": str, "data": str,
    }, pk="id", foreign_keys=[("check_id", "checks", "id")])
    db["findings"].create_index(["check_id"])

    # Assessor adjustments per indicator (accepted or changed score, with a required comment).
    db["reviews"].create({
        "assessment_id": int, "indicator_id": str, "decision": str, "value": str, "comment": str,
        "reviewer_id": int, "at": str,
    }, pk=("assessment_id", "indicator_id"), foreign_keys=[("assessment_id", "assessments", "id")])

    # The exact criteria sheets each assessment was pinned to, by fingerprint (see workflow.criteria_for).
    db["criteria_sets"].create({"fingerprint": str, "criteria_id": str, "version": str, "effective_date": str,
                                "sheets": str, "created_at": str}, pk="fingerprint")

    # Sharing with brands.
    db["shares"].create({
        "id": int, "organisation_id": int, "brand_id": int, "created_at": str, "created_by": int,
        "withdrawn_at": str,
    }, pk="id", foreign_keys=[("organisation_id", "organisations", "id"), ("brand_id", "organisations", "id")])
    db["shares"].create_index(["brand_id"])


@MIGRATIONS(name="assessments_0002_review_trust")
def _review_trust(db: Database) -> None:
    """What an approval rests on: required evidence waived with a reason, the on-site verification, a second
    assessor's sign-off; and the company's disputes of a decision."""
    db["reviews"].add_column("evidence_waiver", str)  # why required evidence may be missing (the assessor's words)
    db["site_visits"].create({
        "assessment_id": int, "visit_date": str, "sites": str, "workers_on_payroll": int, "files_sampled": int,
        "files_checked": int, "workers_interviewed": int, "findings": str, "recorded_by": int, "recorded_at": str,
    }, pk="assessment_id", foreign_keys=[("assessment_id", "assessments", "id")])
    # A lead assessor's sign-off holds for the review as it stood (`digest`); a later change needs a new one.
    db["sign_offs"].create({"id": int, "assessment_id": int, "user_id": int, "digest": str, "comment": str,
                            "at": str}, pk="id", foreign_keys=[("assessment_id", "assessments", "id")])
    db["sign_offs"].create_index(["assessment_id"])
    db["disputes"].create({
        "id": int, "assessment_id": int, "indicator_id": str, "comment": str, "created_by": int, "created_at": str,
        "status": str, "response": str, "responded_by": int, "responded_at": str, "reopened": int,
    }, pk="id", not_null={"assessment_id", "comment", "created_at", "status"},
        foreign_keys=[("assessment_id", "assessments", "id")], defaults={"status": "open", "reopened": 0})
    db["disputes"].create_index(["assessment_id"])
    db["disputes"].create_index(["status"])
