"""The assessor's side: the queue of submitted assessments, per-indicator review (accept, or adjust with a
comment; a whole section accepted at once), the on-site verification, a second assessor's sign-off, decisions
(request changes, reject, approve → verified certificate), answers to the company's disputes, and revocation.

An approval earns its name: `approval_checklist` lists what it rests on and `approve` refuses while any of it is
missing. Every step checks its permission where the data changes (`require`), re-reads the status under the write
lock, and goes to the audit log in the same transaction; approving is one transaction from the certificate to the
audit entries, so a failure between the steps leaves no trace."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlite_utils import Database

from accreditation import checks, documents, events, workflow
from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.i18n import catalog_text
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store import certificates as registry
from accreditation.store.db import write_tx
from accreditation.reports.remediation import AssessorReview, ReviewNote
from criteria.schema import Criteria, Indicator, Text
from scoring.engine import assess, validate_answers
from scoring.result import Result

QUEUE_STATUSES = ("submitted", "in_review", "changes_requested", "approved", "rejected")


def queue(db: Database, actor: Actor, *, statuses: tuple[str, ...] = ("submitted", "in_review"),
          sector: str | None = None, province: str | None = None, min_days: int | None = None,
          today: date | None = None, disputed: bool = False) -> pd.DataFrame:
    """Submitted assessments this assessor may see (one SQL query), oldest first; never the assessor's own
    organisation's. `disputed`: every version with an open dispute, whatever its status."""
    today = today or date.today()
    where = ["o.id <> ?"]
    params: list[Any] = [actor.organisation_id]
    if disputed:
        where.append("exists (select 1 from disputes d where d.assessment_id = a.id and d.status = 'open')")
    else:
        where.append("a.status in (%s)" % ",".join("?" * len(statuses)))
        params += list(statuses)
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
               a.eligible, a.submitted_at, a.assigned_to, u.name as assessor,
               (select count(*) from disputes d where d.assessment_id = a.id and d.status = 'open') as disputes
        from assessments a join organisations o on o.id = a.organisation_id
        left join users u on u.id = a.assigned_to
        where {' and '.join(where)}
        order by a.submitted_at"""
    frame = pd.DataFrame([dict(r) for r in db.query(sql, params)],
                         columns=["id", "company", "tax_code", "province", "sector", "version", "status", "total",
                                  "tier", "eligible", "submitted_at", "assigned_to", "assessor", "disputes"])
    submitted = pd.to_datetime(frame["submitted_at"], utc=True, errors="coerce").dt.date
    frame["days_waiting"] = [(today - d).days if isinstance(d, date) else None for d in submitted]
    if min_days is not None:
        frame = frame[frame["days_waiting"] >= min_days]
    return frame.reset_index(drop=True)


# ------------------------------------------------------------------------------------ indicator reviews


def reviews(db: Database, assessment_id: int) -> dict[str, dict[str, Any]]:
    return {r["indicator_id"]: r for r in db["reviews"].rows_where("assessment_id = ?", [assessment_id])}


def applicable(criteria: Criteria, result: Result) -> list[Indicator]:
    """The indicators an assessor must decide on: scored and shown (answered, derived or N/A)."""
    return [criteria.indicator(i.id) for i in result.indicators
            if i.status in ("answered", "na") and criteria.indicator(i.id).scored]


def _in_review(db: Database, actor: Actor, assessment_id: int) -> dict[str, Any]:
    """Read the assessment under the write lock and check that this assessor may review it now."""
    assessment = workflow.get(db, assessment_id)
    require(actor, "assessment.review", workflow.resource(db, assessment))
    if assessment["status"] != "in_review":
        raise UserError.from_key("trust.start_review_first")
    return assessment


def _record_review(db: Database, actor: Actor, assessment_id: int, indicator_id: str, decision: str,
                   value: Any, comment: str, evidence_waiver: str, before: dict[str, Any] | None) -> None:
    row = {"assessment_id": assessment_id, "indicator_id": indicator_id, "decision": decision,
           "value": json.dumps(value, ensure_ascii=False) if decision == "adjust" else None,
           "comment": comment or None, "evidence_waiver": evidence_waiver or None, "reviewer_id": actor.id,
           "at": audit.now()}
    db["reviews"].upsert(row, pk=("assessment_id", "indicator_id"))
    audit.record(db, actor=actor.as_dict(), action="review.indicator", entity="assessment",
                 entity_id=assessment_id, before=before, after=row, comment=comment)


def review_indicator(db: Database, actor: Actor, assessment_id: int, indicator_id: str, decision: str,
                     value: Any, comment: str, criteria: Criteria, evidence_waiver: str = "") -> None:
    """Accept the company's answer, or adjust it to another answer (with a comment). An adjustment also
    overrides an answer derived from the roster or supplier list: what the assessor saw on site beats an uploaded
    file. `evidence_waiver`: why required evidence may be missing, in the assessor's words."""
    if decision not in ("accept", "adjust"):
        raise ValueError(decision)
    comment, evidence_waiver = comment.strip(), (evidence_waiver or "").strip()
    with write_tx(db):
        _in_review(db, actor, assessment_id)
        outcome = workflow.evaluate(db, assessment_id, criteria).indicator(indicator_id) \
            if criteria.has_indicator(indicator_id) else None
        if outcome is None or outcome.status not in ("answered", "na") or not criteria.indicator(indicator_id).scored:
            raise UserError.from_key("trust.not_applicable", id=indicator_id)
        if decision == "adjust":
            if not comment:
                raise UserError.from_key("errors.adjust_comment", id=indicator_id)
            validate_answers(criteria, {indicator_id: value})
        _record_review(db, actor, assessment_id, indicator_id, decision, value, comment, evidence_waiver,
                       reviews(db, assessment_id).get(indicator_id))


def accept_section(db: Database, actor: Actor, assessment_id: int, section_id: str, criteria: Criteria) -> list[str]:
    """Accept every indicator of a section that has no decision yet (each recorded on its own, with its own audit
    entry). Required evidence that is missing is not waived by this: those indicators are left for a decision of
    their own. Returns the indicators accepted."""
    with write_tx(db):
        _in_review(db, actor, assessment_id)
        result = workflow.evaluate(db, assessment_id, criteria)
        done = reviews(db, assessment_id)
        missing = set(result.evidence.missing_required)
        accepted = []
        for ind in applicable(criteria, result):
            if ind.section == section_id and ind.id not in done and ind.id not in missing:
                _record_review(db, actor, assessment_id, ind.id, "accept", None, "", "", None)
                accepted.append(ind.id)
    return accepted


def adjustments(db: Database, assessment_id: int) -> dict[str, Any]:
    """The assessor's adjusted answers, by indicator."""
    return {i: json.loads(r["value"]) for i, r in reviews(db, assessment_id).items() if r["decision"] == "adjust"}


def verified_result(db: Database, assessment_id: int, criteria: Criteria) -> Result:
    """The result with the assessor's adjustments (over declared and derived answers alike): the score a
    verified certificate carries."""
    return assess(criteria, workflow.answer_set(db, assessment_id), workflow.derived_answers(db, assessment_id),
                  reviewed=adjustments(db, assessment_id))


# --------------------------------------------------------------------------------- on-site verification


@dataclass(frozen=True)
class SiteVisit:
    """What an assessor records after visiting the company: when and where, how many workers are on the payroll,
    how many worker files were sampled and how many of those checked against original identity documents, how
    many workers were interviewed privately, and what was found."""

    visit_date: date
    sites: str
    workers_on_payroll: int
    files_sampled: int
    files_checked: int
    workers_interviewed: int
    findings: str

    def problems(self, earliest: date, today: date) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        if self.visit_date > today:
            out.append(("trust.visit_future", {"date": self.visit_date.strftime("%d/%m/%Y")}))
        if self.visit_date < earliest:
            out.append(("trust.visit_too_early", {"date": earliest.strftime("%d/%m/%Y")}))
        if not self.sites.strip():
            out.append(("trust.visit_sites", {}))
        if self.workers_on_payroll < 1:
            out.append(("trust.visit_payroll", {}))
        if not 1 <= self.files_sampled <= max(self.workers_on_payroll, 1):
            out.append(("trust.visit_sampled", {"payroll": self.workers_on_payroll}))
        if not 1 <= self.files_checked <= self.files_sampled:
            out.append(("trust.visit_checked", {"sampled": self.files_sampled}))
        if not 1 <= self.workers_interviewed <= max(self.workers_on_payroll, 1):
            out.append(("trust.visit_interviewed", {"payroll": self.workers_on_payroll}))
        if not self.findings.strip():
            out.append(("trust.visit_findings", {}))
        return out


def _problems_error(problems: list[tuple[str, dict[str, Any]]]) -> UserError:
    return UserError("; ".join(catalog_text(k, "vi", **p) for k, p in problems), "; ".join(catalog_text(k, "en", **p) for k, p in problems))


def record_site_visit(db: Database, actor: Actor, assessment_id: int, visit: SiteVisit,
                      today: date | None = None) -> dict[str, Any]:
    """Record (or correct) the on-site verification of an assessment in review."""
    with write_tx(db):
        assessment = _in_review(db, actor, assessment_id)
        earliest = datetime.fromisoformat(assessment["created_at"]).date()
        problems = visit.problems(earliest, today or date.today())
        if problems:
            raise _problems_error(problems)
        row = {"assessment_id": assessment_id, "visit_date": visit.visit_date.isoformat(),
               "sites": visit.sites.strip(), "workers_on_payroll": visit.workers_on_payroll,
               "files_sampled": visit.files_sampled, "files_checked": visit.files_checked,
               "workers_interviewed": visit.workers_interviewed, "findings": visit.findings.strip(),
               "recorded_by": actor.id, "recorded_at": audit.now()}
        before = site_visit(db, assessment_id)
        db["site_visits"].upsert(row, pk="assessment_id")
        audit.record(db, actor=actor.as_dict(), action="review.site_visit", entity="assessment",
                     entity_id=assessment_id, before=before, after=row)
    return row


def site_visit(db: Database, assessment_id: int) -> dict[str, Any] | None:
    rows = list(db["site_visits"].rows_where("assessment_id = ?", [assessment_id]))
    return rows[0] if rows else None


# ------------------------------------------------------------------------------------------- sign-off


def review_digest(db: Database, assessment_id: int) -> str:
    """A fingerprint of the review as it stands (decisions, adjusted values, waivers, the site visit): a sign-off
    holds for exactly this; any later change needs a new one."""
    rows = sorted((r["indicator_id"], r["decision"], r["value"], r["evidence_waiver"])
                  for r in reviews(db, assessment_id).values())
    visit = site_visit(db, assessment_id)
    if visit:
        visit = {k: v for k, v in visit.items() if k not in ("recorded_by", "recorded_at")}
    blob = json.dumps({"reviews": rows, "visit": visit}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def sign_off(db: Database, actor: Actor, assessment_id: int, comment: str = "") -> dict[str, Any]:
    """A lead assessor who is not the one reviewing confirms the review as it stands (four eyes)."""
    with write_tx(db):
        assessment = workflow.get(db, assessment_id)
        require(actor, "assessment.sign_off", workflow.resource(db, assessment))
        if assessment["status"] != "in_review":
            raise UserError.from_key("trust.start_review_first")
        if actor.id == assessment.get("assigned_to"):
            raise UserError.from_key("trust.sign_off_self")
        row = {"assessment_id": assessment_id, "user_id": actor.id, "digest": review_digest(db, assessment_id),
               "comment": comment.strip() or None, "at": audit.now()}
        sign_id = db["sign_offs"].insert(row).last_pk
        audit.record(db, actor=actor.as_dict(), action="review.sign_off", entity="assessment",
                     entity_id=assessment_id, after={**row, "id": sign_id}, comment=comment)
    return db["sign_offs"].get(sign_id)


def sign_offs(db: Database, assessment_id: int) -> list[dict[str, Any]]:
    return list(db["sign_offs"].rows_where("assessment_id = ?", [assessment_id], order_by="id"))


# ------------------------------------------------------------------------------------ approval checklist


@dataclass(frozen=True)
class Requirement:
    """One thing an approval rests on. `needed` False: the criteria do not ask for it in this case."""

    id: str  # reviewed | evidence | roster | suppliers | site_visit | sign_off | eligible
    needed: bool
    met: bool
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> bool:
        return self.needed and not self.met

    def message(self, lang: str) -> str:
        state = "met" if self.met else ("missing" if self.needed else "not_needed")
        return catalog_text(f"trust.req.{self.id}.{state}", lang, **self.params)


def _ids(ids: list[str]) -> str:
    return ", ".join(ids[:12]) + (" …" if len(ids) > 12 else "")


def approval_checklist(db: Database, assessment_id: int, criteria: Criteria,
                       approver: Actor | None = None) -> list[Requirement]:
    """What an approval of this assessment rests on, each requirement met or not, in the order an assessor works."""
    result = verified_result(db, assessment_id, criteria)
    done = reviews(db, assessment_id)
    todo = [i.id for i in applicable(criteria, result) if i.id not in done]
    waived = {k for k, r in done.items() if r.get("evidence_waiver")}
    missing_evidence = [i for i in workflow.evaluate(db, assessment_id, criteria).evidence.missing_required
                        if i not in waived]
    roster = checks.latest(db, assessment_id, "roster", findings=False) is not None
    suppliers = checks.latest(db, assessment_id, "suppliers", findings=False) is not None
    condition = criteria.settings.supplier_check_if
    shown = {i.id: i.answer for i in result.indicators if i.status != "hidden"}
    suppliers_needed = bool(condition) and _condition(condition)(shown)
    tier = result.tier
    visit = site_visit(db, assessment_id)
    digest = review_digest(db, assessment_id)
    leads = [s for s in sign_offs(db, assessment_id) if s["digest"] == digest
             and (approver is None or s["user_id"] != approver.id)]
    label = _tier_label(criteria, tier)
    return [
        Requirement("reviewed", True, not todo, {"count": len(todo), "ids": _ids(todo)}),
        Requirement("evidence", True, not missing_evidence, {"count": len(missing_evidence),
                                                              "ids": _ids(missing_evidence)}),
        Requirement("roster", True, roster),
        Requirement("suppliers", suppliers_needed, suppliers, {"condition": condition}),
        Requirement("site_visit", tier in criteria.settings.onsite_tiers, visit is not None, {"tier": label}),
        Requirement("sign_off", tier in criteria.settings.four_eyes_tiers, bool(leads), {"tier": label}),
        Requirement("eligible", True, result.eligible and result.complete,
                    {"reason": _ineligible_reason(result)}),
    ]


def _tier_label(criteria: Criteria, tier: str | None) -> str:
    band = criteria.band(tier)
    return f"{band.label.vi} / {band.label.en}" if band else "—"


def _ineligible_reason(result: Result) -> str:
    if result.knockouts:
        return ", ".join(result.knockouts)
    if result.blocked:
        return "roster"
    return f"{result.total:g}"


def _condition(text: str):
    from criteria.conditions import parse_condition

    return parse_condition(text)


def refusal(checklist: list[Requirement]) -> UserError | None:
    """Why approval is refused (every missing requirement, one sentence each), or None."""
    missing = [r for r in checklist if r.blocks]
    if not missing:
        return None
    return UserError(catalog_text("trust.approve_refused", "vi", reasons="; ".join(r.message("vi") for r in missing)),
                     catalog_text("trust.approve_refused", "en", reasons="; ".join(r.message("en") for r in missing)))


# --------------------------------------------------------------------------------------------- decisions


def start(db: Database, actor: Actor, assessment_id: int) -> dict[str, Any]:
    return workflow.transition(db, actor, assessment_id, "start_review")


def _suspend_statement(db: Database, actor: Actor, assessment: dict[str, Any], reason_key: str) -> None:
    """A refused version's own self-assessment statement no longer stands: it is suspended with the decision."""
    cert_id = assessment.get("certificate_id")
    cert = registry.get(db, cert_id) if cert_id else None
    if cert is None or cert.verified or cert.superseded_by or cert.revoked_at or cert.suspended_at:
        return
    reason = {lang: catalog_text(reason_key, lang, version=assessment["version"]) for lang in ("vi", "en")}
    org = db["organisations"].get(assessment["organisation_id"])
    if registry.suspend_current(db, org.get("tax_code"), org["id"], f"{reason['vi']} / {reason['en']}",
                                actor.email):
        audit.record(db, actor=actor.as_dict(), action="certificate.suspend", entity="certificate",
                     entity_id=cert.id, after={"assessment": assessment["id"], "reason": reason["en"]})
        events.publish(db, events.Event("certificate.suspended", assessment["organisation_id"], actor, assessment,
                                        comment=f"{reason['vi']} / {reason['en']}", certificate_id=cert.id))


def request_changes(db: Database, actor: Actor, assessment_id: int, comment: str,
                    criteria: Criteria | None = None) -> dict[str, Any]:
    """Send the version back: its statement stops standing, and no statement is issued for a later version until
    an assessor has decided that one."""
    with write_tx(db):
        after = workflow.transition(db, actor, assessment_id, "request_changes", comment)
        _suspend_statement(db, actor, after, "trust.suspended_changes")
        result = verified_result(db, assessment_id, criteria) if criteria is not None else None
        if result is not None:
            workflow.suspend_current_document(db, actor, after, result)
        events.publish(db, events.Event("assessment.changes_requested", after["organisation_id"], actor, after, result,
                                        comment=comment))
    return workflow.get(db, assessment_id)


def reject(db: Database, actor: Actor, assessment_id: int, comment: str, criteria: Criteria) -> dict[str, Any]:
    """Not awarded: the company gets the remediation plan of the verified result; its statement for this version
    stops standing, a knock-out suspends its current document, and the rejection holds for later versions."""
    with write_tx(db):
        result = verified_result(db, assessment_id, criteria)
        after = workflow.transition(db, actor, assessment_id, "reject", comment,
                                    {"verified_total": result.total, "verified_tier": result.tier,
                                     "result": result.model_dump_json()})
        _suspend_statement(db, actor, after, "trust.suspended_rejected")
        workflow.suspend_current_document(db, actor, after, result)
        events.publish(db, events.Event("assessment.rejected", after["organisation_id"], actor, after, result,
                                        comment=comment))
    return workflow.get(db, assessment_id)


def approve(db: Database, actor: Actor, assessment_id: int, criteria: Criteria, comment: str = "",
            issued: date | None = None) -> registry.Certificate:
    """Approve and issue the verified certificate, in one transaction: the certificate recorded (superseding the
    company's previous document, a suspended one included), the status changed, the audit entries written.
    Refused, naming every missing piece, unless `approval_checklist` is met."""
    with write_tx(db):
        assessment = workflow.get(db, assessment_id)
        require(actor, "assessment.decide", workflow.resource(db, assessment))
        workflow.next_status(assessment["status"], "approve")  # refuse early, before issuing anything
        problem = refusal(approval_checklist(db, assessment_id, criteria, approver=actor))
        if problem:
            raise problem
        result = verified_result(db, assessment_id, criteria)
        org = db["organisations"].get(assessment["organisation_id"])
        issuer_org = db["organisations"].get(actor.organisation_id)["name"]
        cert = documents.issue_for_assessment(db, actor, assessment, result, criteria, org,
                                              issued=issued or date.today(), verified=True,
                                              issuer=f"{actor.name} — {issuer_org}")
        after = workflow.transition(db, actor, assessment_id, "approve", comment,
                                    {"verified_total": result.total, "verified_tier": result.tier,
                                     "certificate_id": cert.id, "result": result.model_dump_json()})
        events.publish(db, events.Event("assessment.approved", after["organisation_id"], actor, after, result,
                                        comment=comment, certificate_id=cert.id))
    return cert


def respond_to_dispute(db: Database, actor: Actor, dispute_id: int, response: str,
                       reopen: bool = False) -> dict[str, Any]:
    """Answer a company's dispute; `reopen` (a refused version only, and only while the company has not started a
    newer one) sends the version back into review with this assessor."""
    response = response.strip()
    with write_tx(db):
        rows = list(db["disputes"].rows_where("id = ?", [dispute_id]))
        if not rows or rows[0]["status"] != "open":
            raise UserError.from_key("trust.no_open_dispute")
        found = rows[0]
        assessment = workflow.get(db, found["assessment_id"])
        require(actor, "assessment.decide", workflow.resource(db, assessment))
        if not response:
            raise UserError.from_key("trust.dispute_needs_response")
        if reopen:
            newer = workflow.latest(db, assessment["organisation_id"])
            if newer["id"] != assessment["id"]:
                raise UserError.from_key("trust.reopen_newer", version=newer["version"])
            workflow.transition(db, actor, assessment["id"], "reopen", response)
        db["disputes"].update(dispute_id, {"status": "answered", "response": response, "responded_by": actor.id,
                                           "responded_at": audit.now(), "reopened": int(reopen)})
        audit.record(db, actor=actor.as_dict(), action="dispute.respond", entity="assessment",
                     entity_id=assessment["id"], after={"dispute": dispute_id, "reopened": reopen},
                     comment=response)
        events.publish(db, events.Event("dispute.answered", assessment["organisation_id"], actor, assessment,
                                        comment=response, extra={"dispute_id": dispute_id, "reopened": reopen}))
    return db["disputes"].get(dispute_id)


def _answer_text(criteria: Criteria, indicator: Indicator, value: Any) -> Text:
    clist = criteria.choices_for(indicator)
    values = value if isinstance(value, list) else [value]
    if value is None:
        return Text(vi="—", en="—")
    labels = [clist.get(str(v)).label if clist and clist.get(str(v)) else Text(vi=str(v), en=str(v)) for v in values]
    return Text(vi="; ".join(t.vi for t in labels), en="; ".join(t.en for t in labels))


def assessor_review(db: Database, assessment: dict[str, Any], criteria: Criteria) -> AssessorReview | None:
    """What the company is told about the assessor's review of a decided version: the decision, its comment, each
    indicator the assessor adjusted or commented on, and until when it may be disputed."""
    if assessment["status"] not in ("approved", "rejected", "changes_requested"):
        return None
    declared = workflow.evaluate(db, assessment["id"], criteria)
    done = reviews(db, assessment["id"])
    notes = []
    for ind in criteria.indicators:
        r = done.get(ind.id)
        if r is None or (r["decision"] == "accept" and not r["comment"]):
            continue
        adjusted = _answer_text(criteria, ind, json.loads(r["value"])) if r["decision"] == "adjust" else None
        notes.append(ReviewNote(indicator=ind.id, label=ind.label,
                                declared=_answer_text(criteria, ind, declared.indicator(ind.id).answer),
                                adjusted=adjusted, comment=r["comment"] or ""))
    vi, en = (workflow.status_label(assessment["status"], lang) for lang in ("vi", "en"))
    decided = datetime.fromisoformat(assessment["decided_at"]).date() if assessment.get("decided_at") else None
    return AssessorReview(decision=Text(vi=vi, en=en), decided=decided, comment=assessment.get("decision_comment") or "",
                          notes=tuple(notes), dispute_until=workflow.dispute_deadline(assessment, criteria))


def revoke_certificate(db: Database, actor: Actor, certificate_id: str, reason: str) -> registry.Certificate:
    """Revoke a document for good (fraud, a false declaration), with the reason anyone who verifies it will see."""
    require(actor, "certificate.revoke")
    with write_tx(db):
        cert = registry.revoke(db, certificate_id, reason, actor.email)
        audit.record(db, actor=actor.as_dict(), action="certificate.revoke", entity="certificate",
                     entity_id=certificate_id, after={"revoked_at": cert.revoked_at, "reason": reason})
        events.publish(db, events.Event("certificate.revoked", cert.organisation_id, actor, comment=reason,
                                        certificate_id=cert.id))
    return cert
