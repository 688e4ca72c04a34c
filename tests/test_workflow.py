"""Drafts, autosaved answers, evidence, check results, submission and versions, against a real SQLite file."""

import json

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, workflow
from accreditation.errors import UserError
from accreditation.store import audit
from accreditation.store.db import dialect, open_db
from criteria.datafiles import default_criteria
from scoring.result import DerivedAnswers

C = default_criteria()
EXAMPLE = json.loads((__import__("pathlib").Path(__file__).resolve().parent.parent / "examples" / "strong.json")
                     .read_text("utf-8"))


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    database = open_db(tmp_path / "t.db")
    yield database
    database.close()


@pytest.fixture
def sme(db):
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name="Công ty TNHH Thử")
    uid = accounts.create_user(db, actor=accounts.SYSTEM, email="HR@Example.vn ", password="long-enough", role="sme", organisation_id=org)
    return accounts.get_actor(db, uid)


def values(example):
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in example["answers"].items()}


def test_answers_are_saved_one_by_one_and_survive_a_new_connection(db, sme, tmp_path):
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    result = workflow.save_answer(db, sme, draft["id"], "POL-01", "yes", C)
    assert result.indicator("POL-01").status == "answered"
    again = open_db(tmp_path / "t.db")
    assert workflow.answer_set(again, draft["id"]).values == {"POL-01": "yes"}
    assert workflow.get(again, draft["id"])["total"] == result.total
    workflow.save_answer(db, sme, draft["id"], "POL-01", None, C)  # clearing an answer
    assert workflow.answer_set(db, draft["id"]).values == {}


def test_a_bad_answer_is_refused_and_nothing_is_saved(db, sme):
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    with pytest.raises(Exception) as info:
        workflow.save_answer(db, sme, draft["id"], "POL-01", "sometimes", C)
    assert "POL-01" in str(info.value)
    assert workflow.answer_set(db, draft["id"]).values == {}


def test_submit_needs_every_visible_question_then_locks_the_version(db, sme):
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answer(db, sme, draft["id"], "POL-01", "yes", C)
    with pytest.raises(UserError) as info:
        workflow.submit(db, sme, draft["id"], C)
    assert "questions are not answered yet" in info.value.en
    for key, value in values(EXAMPLE).items():
        workflow.save_answer(db, sme, draft["id"], key, value, C)
    submitted = workflow.submit(db, sme, draft["id"], C)
    assert submitted["status"] == "submitted" and submitted["tier"] == "champion"
    with pytest.raises(UserError) as info:
        workflow.save_answer(db, sme, draft["id"], "POL-01", "no", C)
    assert "locked" in info.value.en and "đã khóa" in info.value.vi
    # a later edit starts version 2 with the answers carried over
    v2 = workflow.start_draft(db, sme, sme.organisation_id, C)
    assert (v2["version"], v2["status"], v2["parent_id"]) == (2, "draft", draft["id"])
    assert workflow.answer_set(db, v2["id"]).values == workflow.answer_set(db, draft["id"]).values
    assert workflow.get(db, draft["id"])["status"] == "submitted"


@pytest.mark.parametrize("status, action, allowed", [
    (s, a, (s, a) in workflow.TRANSITIONS) for s in workflow.STATUSES for a in workflow.ACTIONS
])
def test_the_state_machine_allows_only_its_transitions(status, action, allowed):
    if allowed:
        assert workflow.next_status(status, action) == workflow.TRANSITIONS[(status, action)]
    else:
        with pytest.raises(UserError) as info:
            workflow.next_status(status, action)
        assert info.value.en.startswith("cannot ")


def test_check_results_feed_the_score_and_carry_to_the_next_version(db, sme):
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    derived = DerivedAnswers(source="roster", values={"roster.minimum_age": "found", "roster.has_minors": "yes"})
    check = workflow.CheckRecord(kind="roster", filename="roster.csv", file_sha256="ab" * 32, as_of="2026-11-22",
                                 rows=3, summary={"critical": 1}, derived=derived,
                                 findings=[{"row": 2, "ref": "row 2, employee E-2", "rule": "age.under_13",
                                            "severity": "critical"}])
    result = workflow.record_check(db, sme, draft["id"], check, C)
    assert "YW-01" in result.knockouts
    from accreditation import checks

    stored = checks.latest(db, draft["id"], "roster")
    assert stored.rows == 3 and stored.findings[0]["rule"] == "age.under_13"


def test_evidence_is_kept_once_by_hash_and_recorded(db, sme, tmp_path):
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.add_evidence(db, sme, draft["id"], "POL-01", "chính sách.pdf", b"%PDF-1.4 policy", C)
    workflow.add_evidence(db, sme, draft["id"], "POL-02", "copy.pdf", b"%PDF-1.4 policy", C)
    files = workflow.evidence_files(db, draft["id"])
    assert [f["indicator_id"] for f in files] == ["POL-01", "POL-02"] and files[0]["sha256"] == files[1]["sha256"]
    assert len(list((tmp_path / "evidence").iterdir())) == 1
    assert workflow.answer_set(db, draft["id"]).evidence == {"POL-01": ["chính sách.pdf"], "POL-02": ["copy.pdf"]}
    with pytest.raises(UserError):
        workflow.add_evidence(db, sme, draft["id"], "POL-01", "macro.docm", b"x", C)


def test_the_audit_log_cannot_be_edited(db, sme):
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answer(db, sme, draft["id"], "POL-01", "yes", C)
    entries = audit.entries(db, "assessment", draft["id"])
    assert [e["action"] for e in entries] == ["assessment.create", "answer.save"]
    assert entries[1]["actor"] == "hr@example.vn"
    from postgres import INTEGRITY_ERRORS

    with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
        db.execute("UPDATE audit_log SET action = 'x'")
    with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
        db.execute("DELETE FROM audit_log")
    if dialect(db) == "postgresql":
        with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
            db.execute("TRUNCATE audit_log")
    assert [e["action"] for e in audit.entries(db, "assessment", draft["id"])] == ["assessment.create",
                                                                                   "answer.save"]


def test_login_is_throttled_after_repeated_failures(db, sme):
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(UserError, match="wrong e-mail or password"):
            accounts.authenticate(db, "hr@example.vn", "wrong-password")
    with pytest.raises(UserError) as info:
        accounts.authenticate(db, "hr@example.vn", "long-enough")  # even the right password, for a while
    assert "locked" in info.value.en
    with pytest.raises(UserError, match="wrong e-mail or password"):
        accounts.authenticate(db, "nobody@example.vn", "whatever1")


def test_sessions_resume_and_end(db, sme):
    actor = accounts.authenticate(db, " HR@example.vn", "long-enough")
    token = accounts.start_session(db, actor)
    assert accounts.resume_session(db, token) == actor
    assert accounts.resume_session(db, token + "x") is None
    accounts.end_session(db, token)
    assert accounts.resume_session(db, token) is None


def test_demo_data_is_created_once(db):
    created = accounts.ensure_demo_data(db)
    assert {role for role, _, _ in created} == {"sme", "assessor", "brand", "admin", "authority", "association"}
    assert accounts.ensure_demo_data(db) is None
    assert accounts.authenticate(db, "sme@demo.vn", accounts.DEMO_PASSWORD).role == "sme"


# ------------------------------------------------------------------- what a submission does to documents

from datetime import date, timedelta  # noqa: E402

from accreditation import review  # noqa: E402
from accreditation.store import certificates as registry  # noqa: E402
from seed import ADULTS, ROSTER_HEADER, record_checks, submitted_assessment  # noqa: E402

TODAY = date.today()
# the measured case: a 17-year-old servicing machines and a 14-year-old on the night shift
CHILDREN = (ROSTER_HEADER
            + "E-017,Lê Văn Cường,01/01/2009,,01/06/2026,Bảo trì máy,PROHIBITED-JOB-D,GENERAL,8,40,không,không,có,"
              "15/09/2026\n"
            + "E-014,Phạm Thị Dung,01/01/2012,,01/06/2026,Đóng gói,LIGHT-4,GENERAL,4,20,có,không,có,15/09/2026\n"
            ).encode("utf-8")


@pytest.fixture
def company(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return tmp_path


def _new_version(db, sme, roster):
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    record_checks(db, sme, draft["id"], C, roster=roster)
    return workflow.submit(db, sme, draft["id"], C)


def test_an_eligible_submission_issues_a_statement_that_supersedes_the_previous_one(company):
    db, sme, v1 = submitted_assessment(company)
    first = registry.get(db, v1["certificate_id"])
    assert first.assurance == "self_assessed" and first.expires == registry.expiry_date(TODAY, 12)
    v2 = _new_version(db, sme, ADULTS)
    second = registry.get(db, v2["certificate_id"])
    assert second.id != first.id and registry.get(db, first.id).superseded_by == second.id
    assert registry.current(db, second.tax_code).id == second.id


def test_a_knockout_submission_suspends_the_current_document_at_once(company):
    db, sme, v1 = submitted_assessment(company)
    v2 = _new_version(db, sme, CHILDREN)
    assert v2["status"] == "submitted" and v2["certificate_id"] is None
    held = registry.get(db, v1["certificate_id"])
    assert held.status(TODAY) == "suspended" and "YW-02" in held.suspended_reason  # prohibited work
    actions = [e["action"] for e in audit.entries(db, "certificate", held.id)]
    assert actions == ["certificate.suspend"]


def test_a_rejection_holds_until_an_assessor_decides_a_later_version(company):
    """The measured case: rejected for children at work, the company edits its roster and resubmits."""
    db, sme, v1 = submitted_assessment(company, checked=False)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    v2 = _new_version(db, sme, CHILDREN)
    review.start(db, assessor, v2["id"])
    review.reject(db, assessor, v2["id"], "17-year-old on machine maintenance, 14-year-old on night shift", C)
    v3 = _new_version(db, sme, ADULTS)  # the edited roster
    assert workflow.stored_result(v3).eligible  # the self-assessment alone would pass
    assert v3["certificate_id"] is None  # but no statement is issued
    assert workflow.held_by(db, sme.organisation_id, v3["version"])["id"] == v2["id"]
    assert registry.get(db, v1["certificate_id"]).status(TODAY) == "suspended"  # since v2's knock-out
    submit_entry = [e for e in audit.entries(db, "assessment", v3["id"]) if e["action"] == "assessment.submit"][0]
    assert '"held_by_version": 2' in submit_entry["after"]


def test_a_blocked_roster_suspends_too(company):
    db, sme, v1 = submitted_assessment(company)
    unclassified = (ROSTER_HEADER + "E-012,Ngô Văn Em,01/01/2014,,01/06/2026,Phụ việc,,GENERAL,4,20,không,không,có,"
                                    "15/09/2026\n").encode("utf-8")
    v2 = _new_version(db, sme, unclassified)
    assert workflow.stored_result(v2).blocked and v2["certificate_id"] is None
    assert "unclassified work" in registry.get(db, v1["certificate_id"]).suspended_reason


def test_a_submitted_version_refuses_every_change(company):
    db, sme, v1 = submitted_assessment(company)
    for change in (lambda: workflow.save_answer(db, sme, v1["id"], "POL-01", "no", C),
                   lambda: workflow.save_answers(db, sme, v1["id"], {"POL-01": "no"}, C),
                   lambda: workflow.add_evidence(db, sme, v1["id"], "POL-01", "x.pdf", b"%PDF-1.4 x", C),
                   lambda: record_checks(db, sme, v1["id"], C)):
        with pytest.raises(UserError, match="locked"):
            change()
    assert workflow.answer_set(db, v1["id"]).values["POL-01"] == "yes"


def test_a_new_self_assessment_never_replaces_a_verified_certificate_in_force(company):
    from seed import review_everything

    db, sme, v1 = submitted_assessment(company, checked=True)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review_everything(db, assessor, v1["id"], C)
    cert = review.approve(db, assessor, v1["id"], C)
    v2 = _new_version(db, sme, ADULTS)
    assert v2["certificate_id"] is None  # no statement over the verified certificate
    assert registry.current(db, cert.tax_code) == cert and cert.status(TODAY) == "active"
    v3 = _new_version(db, sme, CHILDREN)  # but a knock-out suspends it
    assert registry.get(db, cert.id).status(TODAY) == "suspended"
    assert v3["certificate_id"] is None


def test_a_right_password_within_the_limit_resets_the_count(db, sme):
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(UserError, match="wrong e-mail or password"):
            accounts.authenticate(db, "hr@example.vn", "wrong-password")
    assert accounts.authenticate(db, "hr@example.vn", "long-enough").email == "hr@example.vn"
    for _ in range(accounts.MAX_FAILURES - 1):  # a fresh set of tries
        with pytest.raises(UserError, match="wrong e-mail or password"):
            accounts.authenticate(db, "hr@example.vn", "wrong-password")
    assert accounts.authenticate(db, "hr@example.vn", "long-enough").email == "hr@example.vn"


def test_a_lock_that_has_expired_gives_a_fresh_set_of_tries(db, sme, monkeypatch):
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(UserError, match="wrong e-mail or password"):
            accounts.authenticate(db, "hr@example.vn", "wrong-password")
    later = accounts._now() + timedelta(minutes=accounts.LOCK_MINUTES + 1)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    assert accounts.authenticate(db, "hr@example.vn", "long-enough").email == "hr@example.vn"


def test_a_profile_field_longer_than_its_limit_is_refused_with_its_name_and_nothing_is_saved(db, sme):
    org = sme.organisation_id
    before = db["organisations"].get(org)
    with pytest.raises(UserError) as err:
        accounts.update_organisation(db, sme, org, {"name": "Công ty " * 400_000, "address": "Số 1"})
    assert "Tên" in err.value.vi and "300" in err.value.vi and "Name is longer than 300" in err.value.en
    assert db["organisations"].get(org) == before
    longest = "Công ty TNHH " + "Sản xuất Thương mại Dịch vụ Xuất nhập khẩu " * 6  # 270 characters: accepted
    assert accounts.update_organisation(db, sme, org, {"name": longest})["name"] == longest.strip()
