"""Tracked corrective actions: made from each submitted or decided version's plan, carried over until the assessor
verifies them, reopened when found again; statuses, evidence, comments, due dates, overdue and progress counts, and
who may change what."""

from datetime import date, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, actions, review, sharing, workflow
from accreditation.errors import UserError
from accreditation.store import audit
from criteria.datafiles import default_criteria
from seed import example_values, submitted_assessment

C = default_criteria()
PDF = b"%PDF-1.4 leave policy signed"


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """The demo company's version 1 (the strong example: two minor actions, FAM-06 and FAM-07) submitted."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db, sme, v1 = submitted_assessment(tmp_path)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    return db, sme, v1, assessor


def _by_indicator(db, org):
    return {r["indicator"]: r for r in actions.list_actions(db, org)}


def _submit_new_version(db, sme, changes=None):
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    if changes:
        workflow.save_answers(db, sme, draft["id"], changes, C)
    workflow.submit(db, sme, draft["id"], C)
    return workflow.get(db, draft["id"])


def _submitted_day(assessment):
    return datetime.fromisoformat(assessment["submitted_at"]).date()


def test_one_action_from_open_to_verified_across_two_versions(setup):
    db, sme, v1, assessor = setup
    rows = _by_indicator(db, sme.organisation_id)
    assert set(rows) == {"FAM-06", "FAM-07"}
    fam6 = rows["FAM-06"]
    # found in v1 on submit: open, due 90 days (minor) after the submission, owner as the plan words it
    assert fam6["status"] == "open" and fam6["first_assessment_id"] == v1["id"]
    assert fam6["due_date"] == (_submitted_day(v1) + timedelta(days=90)).isoformat()
    assert actions.owner_text(fam6, "vi") == "Phòng nhân sự" and actions.owner_text(fam6, "en") == "HR department"
    assert fam6["key"] == "answers|FAM-06||"

    actions.update_status(db, sme, fam6["id"], "in_progress")
    with pytest.raises(UserError, match="evidence"):
        actions.update_status(db, sme, fam6["id"], "done")  # no evidence yet
    actions.add_evidence(db, sme, fam6["id"], "quy-che-nghi-phep.pdf", PDF)
    done = actions.update_status(db, sme, fam6["id"], "done", "policy signed on 2 March")
    assert done["status"] == "done" and done["done_by"] == sme.id

    # version 2 answers FAM-07 well and leaves FAM-06 as it was: both are still tracked, FAM-06 still done
    v2 = _submit_new_version(db, sme, {"FAM-07": "yes"})
    rows = _by_indicator(db, sme.organisation_id)
    assert rows["FAM-06"]["id"] == fam6["id"] and rows["FAM-06"]["status"] == "done"
    assert rows["FAM-06"]["last_assessment_id"] == v2["id"]
    assert rows["FAM-07"]["last_assessment_id"] == v1["id"] and rows["FAM-07"]["status"] == "open"

    # the assessor sees it waiting, verifies it
    waiting = actions.awaiting_verification(db, assessor)
    assert [r["id"] for r in waiting] == [fam6["id"]] and waiting[0]["company"]
    row, data = actions.evidence_file(db, assessor, actions.detail(db, fam6["id"])["evidence"][0]["id"])
    assert data == PDF and row["filename"] == "quy-che-nghi-phep.pdf"
    verified = actions.verify(db, assessor, fam6["id"], "signed policy seen")
    assert verified["status"] == "verified" and verified["verified_by"] == assessor.id
    assert actions.awaiting_verification(db, assessor) == []

    history = actions.detail(db, fam6["id"])["events"]
    assert [e["kind"] for e in history] == ["created", "status", "evidence", "status", "verified"]
    assert [(e["from_status"], e["to_status"]) for e in history if e["kind"] == "status"] == [
        ("open", "in_progress"), ("in_progress", "done")]
    assert {e["action"] for e in audit.entries(db, "tracked_action", fam6["id"])} == {
        "action.status", "action.evidence", "action.verify"}
    assert any(e["action"] == "action.sync" for e in audit.entries(db, "assessment", v1["id"]))


def test_a_problem_found_again_after_verification_reopens(setup):
    db, sme, _, assessor = setup
    fam6 = _by_indicator(db, sme.organisation_id)["FAM-06"]
    actions.add_evidence(db, sme, fam6["id"], "a.png", b"\x89PNG\r\n\x1a\n image")
    actions.update_status(db, sme, fam6["id"], "done")
    actions.verify(db, assessor, fam6["id"])
    v2 = _submit_new_version(db, sme)  # FAM-06 still answered "partly"
    again = actions.get(db, fam6["id"])
    assert again["status"] == "open" and again["found_again_at"]
    assert again["due_date"] == (_submitted_day(v2) + timedelta(days=90)).isoformat()
    assert actions.detail(db, fam6["id"])["events"][-1]["kind"] == "found_again"
    # the evidence that closed it before does not close it again
    with pytest.raises(UserError, match="evidence"):
        actions.update_status(db, sme, fam6["id"], "done")


def test_the_assessor_reopens_with_a_required_comment(setup):
    db, sme, _, assessor = setup
    fam7 = _by_indicator(db, sme.organisation_id)["FAM-07"]
    actions.add_evidence(db, sme, fam7["id"], "ho-tro.jpg", b"\xff\xd8\xff jpeg")
    actions.update_status(db, sme, fam7["id"], "done")
    with pytest.raises(UserError, match="why"):
        actions.reopen(db, assessor, fam7["id"], "   ")
    late = date.fromisoformat(fam7["due_date"]) + timedelta(days=5)
    reopened = actions.reopen(db, assessor, fam7["id"], "the list of workers supported is missing", today=late)
    assert reopened["status"] == "open" and reopened["done_at"] is None
    assert reopened["due_date"] == (late + timedelta(days=90)).isoformat()  # the old date had passed
    last = actions.detail(db, fam7["id"])["events"][-1]
    assert (last["kind"], last["from_status"], last["to_status"]) == ("reopened", "done", "open")
    assert last["comment"] == "the list of workers supported is missing"
    with pytest.raises(UserError, match="evidence"):
        actions.update_status(db, sme, fam7["id"], "done")
    actions.add_comment(db, sme, fam7["id"], "list attached now")
    actions.add_evidence(db, sme, fam7["id"], "danh-sach.pdf", b"%PDF-1.4 list")
    assert actions.update_status(db, sme, fam7["id"], "done")["status"] == "done"


def test_overdue_as_of_a_date_and_progress_counts(setup):
    db, sme, v1, _ = setup
    org = sme.organisation_id
    rows = _by_indicator(db, org)
    due = date.fromisoformat(rows["FAM-06"]["due_date"])
    actions.update_status(db, sme, rows["FAM-07"]["id"], "in_progress")
    assert actions.overdue(db, due) == []  # due today is not overdue yet
    late = due + timedelta(days=1)
    assert {r["indicator"] for r in actions.overdue(db, late)} == {"FAM-06", "FAM-07"}
    assert actions.shown_status(actions.get(db, rows["FAM-06"]["id"]), late) == "overdue"
    assert actions.progress(db, org, due) == {"overdue": 0, "open": 1, "in_progress": 1, "done": 0,
                                              "verified": 0, "total": 2}
    assert actions.progress(db, org, late)["overdue"] == 2
    assert [r["indicator"] for r in actions.list_actions(db, org, late, statuses=("overdue",))] == ["FAM-06",
                                                                                                    "FAM-07"]
    actions.add_evidence(db, sme, rows["FAM-06"]["id"], "a.pdf", PDF)
    actions.update_status(db, sme, rows["FAM-06"]["id"], "done")
    assert actions.progress(db, org, late) == {"overdue": 1, "open": 0, "in_progress": 0, "done": 1,
                                               "verified": 0, "total": 2}
    assert actions.progress(db, 999_999, late)["total"] == 0
    assert actions.progress_many(db, [org], late)[org]["done"] == 1


def test_decisions_add_the_assessors_actions_with_their_priority(setup):
    """An assessor's adjustment adds an action to the verified result; the decision tracks it."""
    db, sme, v1, assessor = setup
    review.start(db, assessor, v1["id"])
    review.review_indicator(db, assessor, v1["id"], "POL-01", "adjust", "no", "no signed policy on site", C)
    review.request_changes(db, assessor, v1["id"], "sign the policy", C)
    rows = _by_indicator(db, sme.organisation_id)
    assert "POL-01" in rows and rows["POL-01"]["status"] == "open"
    level = C.priorities[rows["POL-01"]["priority"]]
    decided = datetime.fromisoformat(workflow.get(db, v1["id"])["decided_at"]).date()
    assert rows["POL-01"]["due_date"] == (decided + timedelta(days=level.deadline_days)).isoformat()


def test_who_may_change_what(setup, tmp_path):
    db, sme, _, assessor = setup
    aid = _by_indicator(db, sme.organisation_id)["FAM-06"]["id"]
    brand = accounts.user_for_email(db, "brand@demo.vn")
    sharing.share(db, sme, sme.organisation_id, brand_id=brand.organisation_id)
    other_org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name="Công ty khác")
    other = accounts.get_actor(db, accounts.create_user(db, actor=accounts.SYSTEM, email="o@x.vn",
                                                        password="password-o", role="sme",
                                                        organisation_id=other_org))
    for who in (other, brand, assessor, None):
        with pytest.raises(UserError, match="not allowed"):
            actions.update_status(db, who, aid, "in_progress")
        with pytest.raises(UserError, match="not allowed"):
            actions.add_evidence(db, who, aid, "a.pdf", PDF)
        with pytest.raises(UserError, match="not allowed"):
            actions.set_owner(db, who, aid, "Chị Lan")
    actions.add_evidence(db, sme, aid, "a.pdf", PDF)
    actions.update_status(db, sme, aid, "done")
    for who in (sme, other, brand, None):
        with pytest.raises(UserError, match="not allowed"):
            actions.verify(db, who, aid)
        with pytest.raises(UserError, match="not allowed"):
            actions.reopen(db, who, aid, "no")
    for who in (other, brand):
        with pytest.raises(UserError, match="not allowed"):
            actions.add_comment(db, who, aid, "hello")
        with pytest.raises(UserError, match="not allowed"):
            actions.awaiting_verification(db, who)
    # the company may not verify its own work, nor skip back from verified
    actions.verify(db, assessor, aid)
    with pytest.raises(UserError, match="cannot go"):
        actions.update_status(db, sme, aid, "in_progress")
    with pytest.raises(UserError, match="verified"):
        actions.add_evidence(db, sme, aid, "b.pdf", b"%PDF-1.4 b")
    assert not list(db["action_evidence"].rows_where("filename = 'b.pdf'"))


@pytest.mark.parametrize("name, data, message", [
    ("policy.docx", b"PK\x03\x04", "PDF"),
    ("bieu-do.png", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "not PNG"),
    ("scan.pdf", b"\x89PNG\r\n\x1a\n a picture", "not PDF"),
    ("empty.pdf", b"", "empty"),
    ("big.pdf", b"0" * (10 * 1024 * 1024 + 1), "10 MB"),
])
def test_bad_evidence_is_refused_with_a_message(setup, name, data, message):
    db, sme, _, _ = setup
    aid = _by_indicator(db, sme.organisation_id)["FAM-06"]["id"]
    with pytest.raises(UserError) as err:
        actions.add_evidence(db, sme, aid, name, data)
    assert message in err.value.en
    assert actions.detail(db, aid)["evidence"] == []


def test_owner_and_comments_are_checked(setup):
    db, sme, _, _ = setup
    aid = _by_indicator(db, sme.organisation_id)["FAM-06"]["id"]
    row = actions.set_owner(db, sme, aid, "  Chị Lan, trưởng phòng nhân sự ")
    assert row["owner"] == "Chị Lan, trưởng phòng nhân sự" and actions.owner_text(row, "en") == row["owner"]
    assert actions.owner_text(actions.set_owner(db, sme, aid, ""), "en") == "HR department"
    with pytest.raises(UserError, match="at most"):
        actions.set_owner(db, sme, aid, "x" * 201)
    with pytest.raises(UserError, match="comment"):
        actions.add_comment(db, sme, aid, "  ")
    with pytest.raises(UserError, match="at most"):
        actions.add_comment(db, sme, aid, "x" * 2001)
    with pytest.raises(UserError, match="no corrective action"):
        actions.add_comment(db, sme, 999_999, "hello")
    with pytest.raises(UserError, match="not a valid status"):
        actions.update_status(db, sme, aid, "finished")


def test_each_action_of_a_plan_is_tracked_once(tmp_path, monkeypatch):
    """Another plan (FAM-06/07 answered well): one tracked action per distinct problem of the plan."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    values = example_values("strong") | {"FAM-06": "yes", "FAM-07": "yes"}
    from accreditation.store.db import open_db

    db = open_db(tmp_path / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answers(db, sme, draft["id"], values, C)
    workflow.add_evidence(db, sme, draft["id"], "POL-01", "p.pdf", b"%PDF-1.4 p", C)
    result = workflow.evaluate(db, draft["id"], C)
    workflow.submit(db, sme, draft["id"], C)
    assert len(actions.list_actions(db, sme.organisation_id)) == len({actions.action_key(a)
                                                                      for a in result.remediation})


def test_the_pdf_plan_prints_the_tracked_state_of_each_action(setup, tmp_path):
    from accreditation import documents
    from test_certificate_pdf import pdftotext

    db, sme, v1, _ = setup
    fam6 = _by_indicator(db, sme.organisation_id)["FAM-06"]
    actions.set_owner(db, sme, fam6["id"], "Chị Lan")
    actions.update_status(db, sme, fam6["id"], "in_progress")
    tracking = actions.plan_tracking(db, sme.organisation_id, date.today())
    assert tracking[fam6["key"]].status == "in_progress" and tracking[fam6["key"]].owner == "Chị Lan"
    org = db["organisations"].get(sme.organisation_id)
    pdf = documents.remediation_pdf(workflow.stored_result(v1), C, org, date.today(), tracking=tracking)
    text = " ".join(pdftotext(pdf, tmp_path).split())
    assert "Đang thực hiện" in text and "Chưa bắt đầu" in text and "Phụ trách: Chị Lan" in text
    due = date.fromisoformat(fam6["due_date"]).strftime("%d/%m/%Y")
    assert f"Hạn: {due}" in text


@pytest.mark.parametrize("ref, stable", [
    ("row 12, employee E-014", "employee E-014"),
    ("row 4, tax code 0100233488", "tax code 0100233488"),
    ("rows 4, 9, 12 and 1,234 more", ""),
    ("row 7", "row 7"),
    (None, ""),
])
def test_where_a_finding_was_made_without_what_moves_between_uploads(ref, stable):
    assert actions.stable_ref(ref) == stable


def test_a_child_found_on_another_row_of_the_next_roster_is_the_same_action(tmp_path, monkeypatch):
    from accreditation.store.db import open_db
    from seed import ADULTS, CHILDREN, ROSTER_HEADER, record_checks

    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db = open_db(tmp_path / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answers(db, sme, draft["id"], example_values("strong"), C)
    workflow.add_evidence(db, sme, draft["id"], "POL-01", "p.pdf", b"%PDF-1.4 p", C)
    record_checks(db, sme, draft["id"], C, roster=CHILDREN)
    workflow.submit(db, sme, draft["id"], C)
    roster = {r["key"]: r for r in actions.list_actions(db, sme.organisation_id) if r["source"] == "roster"}
    assert roster and all("employee E-01" in k for k in roster)
    # version 2: the first adult left, so every child is one row higher up
    shifted = CHILDREN.decode("utf-8").replace(ADULTS.decode("utf-8").splitlines()[1] + "\n", "")
    assert shifted.startswith(ROSTER_HEADER) and shifted != CHILDREN.decode("utf-8")
    v2 = workflow.start_draft(db, sme, sme.organisation_id, C)
    record_checks(db, sme, v2["id"], C, roster=shifted.encode("utf-8"))
    workflow.submit(db, sme, v2["id"], C)
    again = {r["key"]: r for r in actions.list_actions(db, sme.organisation_id) if r["source"] == "roster"}
    assert set(again) == set(roster)
    assert all(r["last_assessment_id"] == v2["id"] for r in again.values())
    assert {r["row"] for r in again.values()} != {r["row"] for r in roster.values()}  # the rows did move
