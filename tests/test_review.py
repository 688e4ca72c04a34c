"""The assessor's work on a submitted assessment: reviews, the approval checklist, decisions, disputes."""

from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, review, workflow
from accreditation.errors import UserError
from accreditation.store import audit
from accreditation.store import certificates as registry
from criteria.datafiles import default_criteria
from seed import VISIT, review_everything, second_lead, submitted_assessment

C = default_criteria()
TODAY = date.today()


@pytest.fixture
def fast_hashes(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def setup(tmp_path, fast_hashes):
    """A champion self-assessment with a clean roster and supplier list, submitted; the demo lead assessor and a
    second, non-lead assessor of the same chamber."""
    db, sme, assessment = submitted_assessment(tmp_path, checked=True)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")  # the demo assessor is a lead
    org = db["organisations"].get(assessor.organisation_id)
    other_id = accounts.create_user(db, actor=accounts.SYSTEM, email="a2@demo.vn", password="password-2",
                                    role="assessor", organisation_id=org["id"], name="Assessor Two")
    return db, sme, assessment, assessor, accounts.get_actor(db, other_id)


def _checklist(db, assessment, approver=None):
    return {r.id: r for r in review.approval_checklist(db, assessment["id"], C, approver)}


def test_the_queue_shows_submitted_work_oldest_first(setup):
    db, _, assessment, assessor, _ = setup
    frame = review.queue(db, assessor)
    assert list(frame["id"]) == [assessment["id"]] and frame.loc[0, "days_waiting"] == 0
    assert review.queue(db, assessor, statuses=("approved",)).empty
    assert review.queue(db, assessor, min_days=3).empty


def test_approval_issues_a_verified_certificate_that_supersedes_the_statement(setup):
    db, _, assessment, assessor, _ = setup
    statement = registry.get(db, assessment["certificate_id"])
    assert statement.assurance == "self_assessed" and statement.status(TODAY) == "active"
    review_everything(db, assessor, assessment["id"], C)
    cert = review.approve(db, assessor, assessment["id"], C, "well documented")
    after = workflow.get(db, assessment["id"])
    assert after["status"] == "approved" and after["certificate_id"] == cert.id
    assert cert.verified and "Trần Văn Minh" in cert.issuer and cert.expires == registry.expiry_date(TODAY, 24)
    old = registry.get(db, statement.id)
    assert old.status(TODAY) == "superseded" and old.superseded_by == cert.id
    actions = [e["action"] for e in audit.entries(db, "assessment", assessment["id"])]
    assert actions[-2:] == ["certificate.issue", "assessment.approve"]


def test_an_adjustment_lowers_the_verified_score_and_needs_a_comment(setup):
    db, _, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    with pytest.raises(UserError, match="comment is required"):
        review.review_indicator(db, assessor, assessment["id"], "POL-01", "adjust", "no", " ", C)
    review.review_indicator(db, assessor, assessment["id"], "FAM-01", "adjust", "partly",
                            "no written support policy seen", C)
    assert review.verified_result(db, assessment["id"], C).total < assessment["total"]


def test_what_the_assessor_finds_on_site_overrides_the_uploaded_roster(setup):
    """A roster can be edited before upload; the assessor's finding is what a verified result rests on."""
    db, _, assessment, assessor, _ = setup
    aid = assessment["id"]
    assert workflow.evaluate(db, aid, C).indicator("YW-01").source == "roster"
    review.start(db, assessor, aid)
    review.review_indicator(db, assessor, aid, "YW-01", "adjust", "found", "a 14-year-old seen at a sewing machine",
                            C)
    verified = review.verified_result(db, aid, C)
    assert verified.knockouts == ["YW-01"] and verified.indicator("YW-01").source == "review"
    assert not verified.eligible


def test_accepting_a_section_records_each_indicator_but_leaves_missing_evidence(setup):
    db, _, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    accepted = review.accept_section(db, assessor, assessment["id"], "POL", C)
    missing = set(workflow.evaluate(db, assessment["id"], C).evidence.missing_required)
    in_section = [i.id for i in review.applicable(C, workflow.evaluate(db, assessment["id"], C))
                  if i.section == "POL"]
    assert accepted == [i for i in in_section if i not in missing] and len(accepted) >= 3
    assert set(review.reviews(db, assessment["id"])) == set(accepted)
    entries = [e for e in audit.entries(db, "assessment", assessment["id"]) if e["action"] == "review.indicator"]
    assert len(entries) == len(accepted)  # each indicator is recorded on its own
    assert review.accept_section(db, assessor, assessment["id"], "POL", C) == []  # nothing left to accept


# ------------------------------------------------------------------------------- approval must earn its name


def test_approval_is_refused_straight_from_submitted_with_nothing_reviewed(tmp_path, fast_hashes):
    """The measured case: zero indicators reviewed, no evidence, no roster."""
    db, _, assessment = submitted_assessment(tmp_path, checked=False)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    with pytest.raises(UserError) as info:
        review.approve(db, assessor, assessment["id"], C)
    for words in ("not reviewed yet", "required evidence is missing", "workforce roster", "supplier list",
                  "on-site verification", "sign off"):
        assert words in info.value.en, words
    assert "chưa thể phê duyệt" in info.value.vi
    assert workflow.get(db, assessment["id"])["status"] == "submitted"
    assert registry.get(db, assessment["certificate_id"]).assurance == "self_assessed"


@pytest.mark.parametrize("left_out, words", [
    ("one_indicator", "1 indicators are not reviewed yet"),
    ("evidence", "required evidence is missing"),
    ("site_visit", "needs an on-site verification"),
    ("sign_off", "needs another lead assessor to sign off"),
])
def test_approval_is_refused_for_each_missing_condition(setup, left_out, words):
    db, _, assessment, assessor, _ = setup
    aid = assessment["id"]
    review.start(db, assessor, aid)
    missing = workflow.evaluate(db, aid, C).evidence.missing_required
    for section in C.sections:
        review.accept_section(db, assessor, aid, section.id, C)
    for n, indicator in enumerate(missing):
        waiver = "" if left_out == "evidence" and n == 0 else "seen on site"  # accepted, evidence not waived
        review.review_indicator(db, assessor, aid, indicator, "accept", None, "", C, evidence_waiver=waiver)
    if left_out == "one_indicator":
        db.execute("DELETE FROM reviews WHERE assessment_id = ? AND indicator_id = 'POL-03'", [aid])
    if left_out != "site_visit":
        review.record_site_visit(db, assessor, aid, VISIT)
    if left_out != "sign_off":
        review.sign_off(db, second_lead(db), aid)
    blocking = [r.id for r in review.approval_checklist(db, aid, C, assessor) if r.blocks]
    assert len(blocking) == 1
    with pytest.raises(UserError) as info:
        review.approve(db, assessor, aid, C)
    assert words in info.value.en
    assert workflow.get(db, aid)["status"] == "in_review"


def test_a_roster_check_is_required_and_a_supplier_check_when_subcontractors_are_declared(tmp_path, fast_hashes):
    from seed import record_checks

    db, sme, _ = submitted_assessment(tmp_path, checked=False)
    v2 = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answer(db, sme, v2["id"], "PRO-03", "yes", C)  # subcontractors or households declared
    checks = _checklist(db, v2)
    assert checks["roster"].blocks and checks["suppliers"].blocks
    record_checks(db, sme, v2["id"], C, roster=None)  # the supplier list (its data say: no households)
    checks = _checklist(db, v2)
    assert checks["roster"].blocks and checks["suppliers"].met and not checks["suppliers"].blocks
    record_checks(db, sme, v2["id"], C, suppliers=None)
    assert not _checklist(db, v2)["roster"].blocks
    workflow.save_answer(db, sme, v2["id"], "PRO-03", "no", C)
    db.execute("DELETE FROM findings WHERE check_id IN (SELECT id FROM checks WHERE assessment_id = ? AND kind = "
               "'suppliers')", [v2["id"]])
    db.execute("DELETE FROM checks WHERE assessment_id = ? AND kind = 'suppliers'", [v2["id"]])
    assert not _checklist(db, v2)["suppliers"].needed  # no subcontractors declared: no supplier list needed


def test_the_on_site_visit_is_checked_for_sense(setup):
    db, _, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    bad = review.SiteVisit(visit_date=TODAY + timedelta(days=1), sites=" ", workers_on_payroll=10, files_sampled=12,
                           files_checked=13, workers_interviewed=0, findings="")
    with pytest.raises(UserError) as info:
        review.record_site_visit(db, assessor, assessment["id"], bad)
    for words in ("in the future", "name the sites", "between 1 and 10", "between 1 and 12",
                  "interviewed privately", "record the findings"):
        assert words in info.value.en, words
    assert review.site_visit(db, assessment["id"]) is None
    review.record_site_visit(db, assessor, assessment["id"], VISIT)
    assert review.site_visit(db, assessment["id"])["workers_interviewed"] == 25


def test_a_sign_off_holds_for_the_review_as_it_stood(setup):
    db, _, assessment, assessor, other = setup
    aid = assessment["id"]
    review_everything(db, assessor, aid, C)
    assert not _checklist(db, assessment, assessor)["sign_off"].blocks
    review.review_indicator(db, assessor, aid, "FAM-02", "adjust", "partly", "crèche agreement expired", C)
    assert _checklist(db, assessment, assessor)["sign_off"].blocks  # the review changed after the sign-off
    with pytest.raises(UserError, match="not allowed"):
        review.sign_off(db, other, aid)  # not a lead
    with pytest.raises(UserError, match="cannot sign it off"):
        review.sign_off(db, assessor, aid)  # the reviewing assessor
    review.sign_off(db, second_lead(db), aid, "adjustment agreed")
    assert not _checklist(db, assessment, assessor)["sign_off"].blocks


def test_the_sign_off_must_come_from_someone_other_than_the_approver(setup):
    db, _, assessment, assessor, _ = setup
    lead2 = second_lead(db)
    review.start(db, lead2, assessment["id"])  # the second lead reviews and would approve
    review_everything(db, lead2, assessment["id"], C, sign=False)
    review.sign_off(db, assessor, assessment["id"])
    with pytest.raises(UserError, match="sign off"):
        review.approve(db, assessor, assessment["id"], C)  # the only sign-off is the approver's own
    assert review.approve(db, lead2, assessment["id"], C).verified


def test_a_failure_in_the_middle_of_approving_leaves_no_trace(setup, monkeypatch):
    db, _, assessment, assessor, _ = setup
    aid = assessment["id"]
    review_everything(db, assessor, aid, C)
    certificates_before = db["certificates"].count
    log_before = db["audit_log"].count

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(workflow, "transition", crash)  # after the certificate is issued, before the status
    with pytest.raises(RuntimeError):
        review.approve(db, assessor, aid, C)
    assert db["certificates"].count == certificates_before
    assert db["audit_log"].count == log_before
    after = workflow.get(db, aid)
    assert after["status"] == "in_review" and after["certificate_id"] == assessment["certificate_id"]
    assert registry.get(db, assessment["certificate_id"]).status(TODAY) == "active"


def test_an_assessor_cannot_decide_on_work_assigned_to_someone_else(setup):
    db, _, assessment, assessor, other = setup
    review.start(db, other, assessment["id"])  # the second assessor takes it
    review_everything(db, other, assessment["id"], C)
    third = accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="a3@demo.vn", password="password-3", role="assessor",
        organisation_id=assessor.organisation_id))
    with pytest.raises(UserError, match="not allowed"):
        review.approve(db, third, assessment["id"], C)
    assert review.approve(db, other, assessment["id"], C).verified


def test_an_assessor_never_decides_on_their_own_organisation(setup):
    db, _, assessment, _, _ = setup
    with pytest.raises(UserError, match="kind chamber"):  # an assessor account cannot live in a company
        accounts.create_user(db, actor=accounts.SYSTEM, email="insider@demo.vn", password="password-4",
                             role="assessor", organisation_id=assessment["organisation_id"], lead=True)
    # and should one exist (an old database), the permission refuses it
    uid = db["users"].insert({"email": "insider@demo.vn", "name": "x", "password_hash": "x", "role": "assessor",
                              "organisation_id": assessment["organisation_id"], "lead": 1, "active": 1,
                              "created_at": "2026-01-01"}).last_pk
    insider = accounts.get_actor(db, uid)
    assert review.queue(db, insider).empty
    for step in (lambda: review.start(db, insider, assessment["id"]),
                 lambda: review.approve(db, insider, assessment["id"], C),
                 lambda: review.reject(db, insider, assessment["id"], "x", C)):
        with pytest.raises(UserError, match="not allowed"):
            step()


def test_illegal_transitions_are_refused_with_a_message(setup):
    db, _, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    review.reject(db, assessor, assessment["id"], "no", C)
    with pytest.raises(UserError, match="cannot approve an assessment that is \"Rejected\""):
        review.approve(db, assessor, assessment["id"], C)


def test_only_a_lead_assessor_or_an_admin_may_revoke(setup):
    db, _, assessment, assessor, other = setup
    review_everything(db, assessor, assessment["id"], C)
    cert = review.approve(db, assessor, assessment["id"], C)
    with pytest.raises(UserError, match="not allowed"):
        review.revoke_certificate(db, other, cert.id, "fraud")
    revoked = review.revoke_certificate(db, assessor, cert.id, "forged ID documents found")
    assert revoked.revoked_reason == "forged ID documents found"
    assert [e["action"] for e in audit.entries(db, "certificate", cert.id)] == ["certificate.revoke"]


# ------------------------------------------------------------------------- rejection, suspension, disputes


def test_rejection_keeps_the_verified_result_and_suspends_the_version_s_statement(setup):
    db, _, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    review.review_indicator(db, assessor, assessment["id"], "YW-02", "adjust", "found", "minor seen welding", C)
    with pytest.raises(UserError, match="not eligible"):
        review.approve(db, assessor, assessment["id"], C)
    review.reject(db, assessor, assessment["id"], "Knock-out found on site", C)
    after = workflow.get(db, assessment["id"])
    assert after["status"] == "rejected" and after["verified_tier"] is None
    assert workflow.stored_result(after).knockouts == ["YW-02"]
    statement = registry.get(db, assessment["certificate_id"])
    assert statement.status(TODAY) == "suspended" and "rejected version 1" in statement.suspended_reason


def test_changes_requested_reach_the_company_who_resubmits_a_new_version(setup):
    db, sme, assessment, assessor, _ = setup
    with pytest.raises(UserError, match="comment is required"):
        review.request_changes(db, assessor, assessment["id"], "")
    review.request_changes(db, assessor, assessment["id"], "Please upload the signed policy", C)
    after = workflow.get(db, assessment["id"])
    assert after["status"] == "changes_requested" and after["decision_comment"] == "Please upload the signed policy"
    assert registry.get(db, assessment["certificate_id"]).status(TODAY) == "suspended"
    v2 = workflow.start_draft(db, sme, sme.organisation_id, C)
    assert v2["version"] == 2 and v2["status"] == "draft"


def test_a_dispute_reaches_the_queue_and_an_upheld_one_reopens_the_review(setup):
    db, sme, assessment, assessor, _ = setup
    aid = assessment["id"]
    with pytest.raises(UserError, match="not allowed"):
        workflow.dispute(db, sme, aid, "why?", C)  # nothing decided yet
    review.start(db, assessor, aid)
    review.reject(db, assessor, aid, "policy not signed", C)
    with pytest.raises(UserError, match="say what"):
        workflow.dispute(db, sme, aid, "  ", C)
    found = workflow.dispute(db, sme, aid, "The policy was signed on 2 March; copy attached to POL-01.", C,
                             indicator_id="POL-01")
    with pytest.raises(UserError, match="already waiting"):
        workflow.dispute(db, sme, aid, "again", C)
    queue = review.queue(db, assessor, disputed=True)
    assert list(queue["id"]) == [aid] and queue.loc[0, "disputes"] == 1
    answered = review.respond_to_dispute(db, assessor, found["id"], "Signed copy found; reopening.", reopen=True)
    assert answered["status"] == "answered" and answered["reopened"] == 1
    assert workflow.get(db, aid)["status"] == "in_review"
    assert review.queue(db, assessor, disputed=True).empty


def test_a_dispute_comes_within_the_period_the_criteria_set(setup):
    db, sme, assessment, assessor, _ = setup
    review.start(db, assessor, assessment["id"])
    review.reject(db, assessor, assessment["id"], "no", C)
    decided = workflow.get(db, assessment["id"])
    late = date.today() + timedelta(days=C.settings.dispute_days + 1)
    with pytest.raises(UserError, match=f"within {C.settings.dispute_days} days"):
        workflow.dispute(db, sme, assessment["id"], "too late?", C, today=late)
    on_time = date.today() + timedelta(days=C.settings.dispute_days)
    assert workflow.dispute(db, sme, assessment["id"], "last day", C, today=on_time)["status"] == "open"
    assert workflow.dispute_deadline(decided, C) == on_time
