"""The documents a company takes away, built from what is stored: its certificate (re-rendered byte for byte from
the registry entry) and its remediation plan. Pure of the UI, so pages and tests use the same bytes."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from sqlite_utils import Database

from accreditation.accounts import Actor
from accreditation.permissions import require
from accreditation.reports.certificate import CertificateData, issue_certificate, render_certificate
from accreditation.reports.remediation import AssessorReview, render_remediation_plan
from accreditation.store import audit
from accreditation.store import certificates as registry
from accreditation.store.db import write_tx
from criteria.schema import Criteria
from scoring.result import Result


def company_of(org: dict[str, Any]) -> dict[str, Any]:
    return {k: org.get(k) or "" for k in ("name", "tax_code", "address", "province", "sector")}


def certificate_draft(result: Result, criteria: Criteria, company: Mapping[str, Any], issued: date,
                      issuer: str = "self-assessment", verified: bool = False,
                      assessment_id: int | None = None) -> registry.CertificateDraft:
    """What a document for `result` says about `company` (an organisation row or an answers file's company): a
    verified certificate (`validity_months`) or a self-assessment statement (`statement_validity_months`; the
    company's next submission supersedes it sooner)."""
    def field(name: str) -> str:
        return str(company.get(name) or "").strip()

    months = criteria.settings.validity_months if verified else criteria.settings.statement_validity_months
    return registry.CertificateDraft(
        company_name=field("name"), tax_code=field("tax_code"), address=field("address"), province=field("province"),
        tier=str(result.tier), score=result.total, criteria_id=result.criteria_id,
        criteria_version=result.criteria_version, criteria_fingerprint=result.criteria_fingerprint, issued=issued,
        expires=registry.expiry_date(issued, months), issuer=issuer, verified=verified,
        organisation_id=company.get("id") if isinstance(company.get("id"), int) else None,
        assessment_id=assessment_id)


def issue_for_assessment(db: Database, actor: Actor, assessment: dict[str, Any], result: Result,
                         criteria: Criteria, org: dict[str, Any], issued: date, verified: bool = False,
                         issuer: str = "self-assessment") -> registry.Certificate:
    """Record a document for an eligible assessment, make it the company's current one and link it to the
    assessment, in one transaction (inside the caller's: submitting issues a statement, approving a certificate,
    and each asks for the permission of the step it belongs to)."""
    from accreditation import workflow

    current = workflow.get(db, assessment["id"])
    require(actor, "assessment.decide" if verified else "assessment.submit", workflow.resource(db, current))
    draft = certificate_draft(result, criteria, org, issued, issuer, verified, assessment_id=assessment["id"])
    with write_tx(db):
        cert, _pdf = issue_certificate(db, criteria, draft)
        db["assessments"].update(assessment["id"], {"certificate_id": cert.id})
        audit.record(db, actor=actor.as_dict(), action="certificate.issue", entity="assessment",
                     entity_id=assessment["id"], after={"certificate": cert.id, "verified": verified,
                                                        "tier": cert.tier, "score": cert.score})
    return cert


def certificate_pdf(db: Database, certificate_id: str, criteria: Criteria) -> bytes:
    """The document's PDF as issued (the bytes whose SHA-256 the registry holds); re-rendered from the registry
    entry only if this installation lost the file."""
    cert = registry.get(db, certificate_id)
    return registry.issued_pdf(cert) or render_certificate(CertificateData.from_certificate(cert, criteria))


def remediation_pdf(result: Result, criteria: Criteria, org: dict[str, Any], as_of: date,
                    review: AssessorReview | None = None, *, draft: bool = False,
                    tracking: dict[str, Any] | None = None) -> bytes:
    """The plan's PDF bytes; `draft=True` while the answers are not submitted (every page is marked so);
    `tracking`: each action's tracked state (`actions.plan_tracking`), printed in a status column."""
    return render_remediation_plan(result, criteria, company_of(org), as_of, review, draft=draft, tracking=tracking)
