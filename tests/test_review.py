"""The assessor's decisions on a submitted assessment."""

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, review, workflow
from accreditation.errors import UserError
from accreditation.store import audit
from accreditation.store import certificates as registry
from criteria import default_criteria
from seed import submitted_assessment

C = default_criteria()


@pytest.fixture
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db, sme, assessment = submitted_assessment(tmp_path)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")  # the demo assessor is a lead
    org = db["organisations"].get(assessor.organisation_id)
    other_id = accounts.create_user(db, email="a2@demo.vn", password="password-2", role="assessor",
                                    organisation_id=org["id"], name="Assessor Two")
    return db, sme, assessment, assessor, accounts.get_actor(db, other_id)


def test_the_queue_shows_submitted_work_oldest_first(setup):
    db, _, assessment, assessor, _ = setup
    frame = review.queue(db, assessor)
    assert list(frame["id"]) == [assessment["id"]] and frame.loc[0, "days_waiting"] == 0
    assert review.queue(db, assessor, statuses=("approved",)).empty
    assert review.queue(db, assessor, min_days=3).empty


def test_approval_issues_a_verified_certificate_and_supersedes_the_self_assessed_one(setup):
    db, _, assessment, assessor, _ = setup
    self_assessed = assessment["certificate_id"]
    review.start(db, assessor, assessment["id"])
    review.review_indicator(db, assessor, assessment["id"], "FAM-01", "adjust", "partly",
                            "no written support policy seen", C)
    cert = review.approve(db, assessor, assessment["id"], C, "well documented")
    after = workflow.get(db, assessment["id"])
    assert after["status"] == "approved" and after["certificate_id"] == cert.id
    assert cert.verified and "Trần Văn Minh" in cert.issuer
    assert after["verified_total"] < assessment["total"]  # the adjustment lowered the score
    assert registry.get(db, self_assessed).revoked_reason.startswith("superseded by the verified certificate")
    actions = [e["action"] for e in audit.entries(db, "assessment", assessment["id"])]
    assert actions[-3:] == ["review.indicator", "certificate.issue", "assessment.approve"]


def test_an_adjustment_needs_a_comment(setup):
    db, _, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    with pytest.raises(UserError, match="comment is required"):
        review.review_indicator(db, assessor, assessment["id"], "POL-01", "adjust", "no", " ", C)


def test_changes_requested_reach_the_company_who_resubmits_a_new_version(setup):
    db, sme, assessment, assessor, _ = setup
    with pytest.raises(UserError, match="comment is required"):
        review.request_changes(db, assessor, assessment["id"], "")
    review.request_changes(db, assessor, assessment["id"], "Please upload the signed policy")
    after = workflow.get(db, assessment["id"])
    assert after["status"] == "changes_requested" and after["decision_comment"] == "Please upload the signed policy"
    v2 = workflow.start_draft(db, sme, sme.organisation_id, C)
    assert v2["version"] == 2 and v2["status"] == "draft"


def test_rejection_keeps_the_verified_result_for_the_remediation_plan(setup):
    db, _, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    review.review_indicator(db, assessor, assessment["id"], "YW-02", "adjust", "found", "minor seen welding", C)
    with pytest.raises(UserError, match="not eligible"):
        review.approve(db, assessor, assessment["id"], C)
    review.reject(db, assessor, assessment["id"], "Knock-out found on site", C)
    after = workflow.get(db, assessment["id"])
    assert after["status"] == "rejected" and after["verified_tier"] is None
    assert workflow.stored_result(after).knockouts == ["YW-02"]


def test_an_assessor_cannot_decide_on_work_assigned_to_someone_else(setup):
    db, _, assessment, assessor, other = setup
    review.start(db, other, assessment["id"])  # the second assessor takes it
    with pytest.raises(UserError, match="not allowed"):
        review.approve(db, _non_lead(db, assessor), assessment["id"], C)
    cert = review.approve(db, other, assessment["id"], C)
    assert cert.verified


def _non_lead(db, assessor):
    """A third assessor, not lead, not assigned."""
    uid = accounts.create_user(db, email="a3@demo.vn", password="password-3", role="assessor",
                               organisation_id=assessor.organisation_id)
    return accounts.get_actor(db, uid)


def test_illegal_transitions_are_refused_with_a_message(setup):
    db, _, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    review.reject(db, assessor, assessment["id"], "no", C)
    with pytest.raises(UserError, match="cannot approve an assessment that is \"Rejected\""):
        review.approve(db, assessor, assessment["id"], C)


def test_only_a_lead_assessor_or_an_admin_may_revoke(setup):
    db, _, assessment, assessor, other = setup
    review.start(db, assessor, assessment["id"])
    cert = review.approve(db, assessor, assessment["id"], C)
    with pytest.raises(UserError, match="not allowed"):
        review.revoke_certificate(db, other, cert.id, "fraud")
    revoked = review.revoke_certificate(db, assessor, cert.id, "forged ID documents found")
    assert revoked.revoked_reason == "forged ID documents found"
