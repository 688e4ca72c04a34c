"""Child-labour cases: prompted by the roster (never opened automatically), pseudonymous (employee code only), the
child-centred steps with their due dates, closure only with the assessor's agreement, REM-05 answered from the case
log through a real assessment, what brands and reminders read, and an audit trail without worker data."""

import json
from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, cases, review, workflow
from accreditation.errors import UserError
from accreditation.store import audit
from criteria.datafiles import default_criteria
from seed import draft_with_children, example_values, record_case_steps, record_checks

C = default_criteria()
TODAY = date.today()


@pytest.fixture
def world(tmp_path, monkeypatch):
    """The demo company's draft (strong answers, REM-05 declared "yes") with the roster of a 17-year-old servicing
    machines (E-017) and a 14-year-old on the night shift (E-014)."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return draft_with_children(tmp_path)


def _rem05(db, assessment_id):
    return workflow.evaluate(db, assessment_id, C).indicator("REM-05")


def _record_all(db, sme, case_id, removed: date, today: date = TODAY, skip=()):
    record_case_steps(db, sme, case_id, removed, today=today, skip=skip, note=lambda step: f"{step} ok")


# ----------------------------------------------------------------------------------------------- privacy


@pytest.mark.parametrize("ref", ["Nguyễn Văn An", "Tran Thi Dung", "Dung", "079123456789", "079 123 456 789",
                                 "012345678", "0912.345.678", "", "   ", "NV" + "1" * 45])
def test_a_name_or_an_id_number_is_refused_as_employee_code_with_the_reason(ref):
    with pytest.raises(UserError) as err:
        cases.check_employee_ref(ref)
    assert "mã nhân viên" in err.value.vi.lower() or "Mã nhân viên" in err.value.vi
    assert "employee code" in err.value.en


@pytest.mark.parametrize("ref", ["E-014", "NV004", "MSNV 123", "ab12", "12345678"])
def test_employee_codes_are_accepted(ref):
    assert cases.check_employee_ref(f" {ref} ") == ref


def test_a_note_with_an_id_or_phone_number_is_refused(world):
    db, sme, aid = world
    case = cases.open_from_candidate(db, sme, cases.candidates(db, aid)[0])
    with pytest.raises(UserError, match="9 or more digits"):
        cases.record_step(db, sme, case["id"], "family", TODAY, note="mother's phone 0912 345 678")


# ----------------------------------------------------------------------------------- prompts and REM-05


def test_the_roster_prompts_one_case_per_child_and_rem05_follows_the_case_log(world):
    db, sme, aid = world
    prompts = cases.candidates(db, aid)
    assert [(p["employee_ref"], p["rules"]) for p in prompts] == [
        ("E-017", ["job.15_17_prohibited"]), ("E-014", ["time.under15_night"])]
    assert not db["cases"].count  # prompted, never opened automatically
    rem = _rem05(db, aid)  # a child with no case: the case log says "no", over the declared "yes"
    assert (rem.answer, rem.source) == ("no", "cases")
    assert any(c.indicator == "REM-05" and c.declared == "yes" for c in workflow.evaluate(db, aid, C).conflicts)

    first = cases.open_from_candidate(db, sme, prompts[0])
    assert first["code"] == f"CL-{TODAY.year}-0001" and first["employee_ref"] == "E-017"
    assert first["province"] == "Hồ Chí Minh" and first["assessor_id"] is None  # no version reviewed yet
    assert [p["employee_ref"] for p in cases.candidates(db, aid)] == ["E-014"]
    assert _rem05(db, aid).answer == "no"  # one child still without a case
    second = cases.open_from_candidate(db, sme, cases.candidates(db, aid)[0], place="company")
    assert second["code"] == f"CL-{TODAY.year}-0002" and cases.candidates(db, aid) == []
    assert (_rem05(db, aid).answer, _rem05(db, aid).source) == ("yes", "cases")  # nothing due yet

    # time passes: the removal (due the next day) is overdue for both, then recorded late for one
    later = TODAY + timedelta(days=3)
    assert cases.rem05_value(db, aid, later) == "partly"
    for case in (first, second):
        cases.record_step(db, sme, case["id"], "removed", TODAY, today=TODAY)
        for step in ("income", "family", "referral", "hotline"):
            cases.record_step(db, sme, case["id"], step, TODAY, today=TODAY)
    assert cases.rem05_value(db, aid, later) == "yes"
    assert cases.rem05_value(db, aid, TODAY + timedelta(days=31)) == "partly"  # school, adult's job overdue
    for case in (first, second):
        cases.record_step(db, sme, case["id"], "schooling", TODAY, today=TODAY)
        cases.record_step(db, sme, case["id"], "adult_job", TODAY, note="no adult of working age in the family",
                          outcome="not_possible", today=TODAY)
    assert cases.rem05_value(db, aid, TODAY + timedelta(days=31)) == "yes"
    three = cases.add_months(TODAY, 3)
    assert cases.rem05_value(db, aid, three + timedelta(days=14)) == "yes"  # two weeks' grace for a follow-up
    assert cases.rem05_value(db, aid, three + timedelta(days=15)) == "partly"
    # a follow-up recorded after its grace counts as late for good
    cases.record_step(db, sme, first["id"], "followup_3m", three + timedelta(days=20), today=three + timedelta(days=20))
    cases.record_step(db, sme, second["id"], "followup_3m", three, today=three)
    assert cases.rem05_value(db, aid, three + timedelta(days=21)) == "partly"
    states = {s["step"]: s["state"] for s in cases.step_states(
        first, {r["step"]: r for r in db["case_steps"].rows_where("case_id = ?", [first["id"]])}, three)}
    assert states["followup_3m"] == "late" and states["followup_6m"] == "due" and states["adult_job"] == "done"


def test_no_cases_and_nothing_found_leaves_rem05_to_the_company(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    from accreditation.store.db import open_db

    db = open_db(tmp_path / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answers(db, sme, draft["id"], {**example_values("strong"), "REM-05": "na"}, C)
    record_checks(db, sme, draft["id"], C)  # adults only
    assert cases.candidates(db, draft["id"]) == [] and cases.rem05_value(db, draft["id"]) is None
    rem = _rem05(db, draft["id"])
    assert (rem.answer, rem.source) == ("na", "answers")


def test_a_declared_knockout_prompts_a_case_too(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    from accreditation.store.db import open_db

    db = open_db(tmp_path / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answers(db, sme, draft["id"], {**example_values("strong"), "YW-01": "found"}, C)
    prompts = cases.candidates(db, draft["id"])
    assert [(p["source"], p["indicator"], p["employee_ref"]) for p in prompts] == [("answers", "YW-01", None)]
    assert _rem05(db, draft["id"]).answer == "no"
    with pytest.raises(UserError, match="employee code is needed"):
        cases.open_from_candidate(db, sme, prompts[0])  # no roster row: the company gives the code
    case = cases.open_from_candidate(db, sme, prompts[0], employee_ref="NV-099", place="supplier")
    assert (case["source"], case["indicator"], case["place"]) == ("answers", "YW-01", "supplier")
    assert cases.candidates(db, draft["id"]) == [] and _rem05(db, draft["id"]).answer == "yes"


# ------------------------------------------------------------------------------------------ steps, closure


def test_one_case_from_opening_to_closure_with_its_follow_ups(world):
    db, sme, aid = world
    found = TODAY - timedelta(days=200)
    case = cases.open_case(db, sme, sme.organisation_id, "E-017", found, source="roster", rule="job.15_17_prohibited",
                           assessment_id=aid, candidate="roster:E-017")
    cid = case["id"]
    with pytest.raises(UserError, match="already open"):
        cases.open_case(db, sme, sme.organisation_id, "E-017", found)
    with pytest.raises(UserError, match="removed from the work first"):
        cases.record_step(db, sme, cid, "followup_3m", TODAY)
    with pytest.raises(UserError, match="before the date found"):
        cases.record_step(db, sme, cid, "removed", found - timedelta(days=1))
    with pytest.raises(UserError, match="after today"):
        cases.record_step(db, sme, cid, "removed", TODAY + timedelta(days=1))
    with pytest.raises(UserError, match="Only the job offer"):
        cases.record_step(db, sme, cid, "income", found, outcome="not_possible", note="x")
    with pytest.raises(UserError, match="reason"):
        cases.record_step(db, sme, cid, "adult_job", found, outcome="not_possible")
    cases.record_step(db, sme, cid, "removed", found)

    # reminders: the 3-month follow-up is due from its day, until recorded
    three, six = cases.add_months(found, 3), cases.add_months(found, 6)
    assert cases.followups_due(db, three - timedelta(days=1)) == []
    assert [(c["code"], s) for c, s in cases.followups_due(db, three)] == [(case["code"], "followup_3m")]
    assert [s for _, s in cases.followups_due(db, six)] == ["followup_3m", "followup_6m"]
    with pytest.raises(UserError, match="can be recorded from"):
        cases.record_step(db, sme, cid, "followup_6m", three)  # far too early for the 6-month visit
    with pytest.raises(UserError, match="missing steps"):
        cases.request_closure(db, sme, cid)

    _record_all(db, sme, cid, found, skip=("removed",))
    assert cases.followups_due(db, six) == []
    detail = cases.get_case(db, sme, cid)
    assert [s["state"] for s in detail["states"]] == ["done"] * 9 and detail["late"] == 0

    lead = accounts.user_for_email(db, "assessor@demo.vn")
    with pytest.raises(UserError, match="no closure request"):
        cases.agree_closure(db, lead, cid)
    cases.request_closure(db, sme, cid, "the child is back at school")
    assert cases.get_case(db, sme, cid)["status"] == "closure_requested"
    with pytest.raises(UserError, match="reason for refusing"):
        cases.refuse_closure(db, lead, cid, "  ")
    refused = cases.refuse_closure(db, lead, cid, "attach the school's enrolment letter")
    assert refused["status"] == "open" and refused["assessor_comment"] == "attach the school's enrolment letter"
    assert refused["assessor_id"] == lead.id  # the assessor who acted keeps the case
    cases.request_closure(db, sme, cid)
    closed = cases.agree_closure(db, lead, cid, "enrolment letter seen")
    assert closed["status"] == "closed" and closed["closed_by"] == lead.id
    with pytest.raises(UserError, match="closed"):
        cases.record_step(db, sme, cid, "family", TODAY)
    assert cases.followups_due(db, six) == []

    # the audit trail: what happened and when, never the employee code or a note
    trail = audit.entries(db, "case", cid)
    assert [e["action"] for e in trail][:2] == ["case.open", "case.step"]
    assert {"case.request_closure", "case.refuse_closure", "case.close"} <= {e["action"] for e in trail}
    written = " ".join(str(e[k]) for e in trail for k in ("before", "after", "comment"))
    assert "E-017" not in written and "back at school" not in written and "enrolment" not in written, written


def test_brands_see_counts_only(world):
    db, sme, aid = world
    assert cases.brand_summary(db, sme.organisation_id, TODAY) == {"open": 0, "oldest_days": None}
    cases.open_case(db, sme, sme.organisation_id, "E-017", TODAY - timedelta(days=40))
    cases.open_case(db, sme, sme.organisation_id, "E-014", TODAY - timedelta(days=5))
    assert cases.brand_summary(db, sme.organisation_id, TODAY) == {"open": 2, "oldest_days": 40}
    brand = accounts.user_for_email(db, "brand@demo.vn")
    with pytest.raises(UserError, match="not allowed"):
        cases.list_cases(db, brand)
    with pytest.raises(UserError, match="not allowed"):
        cases.get_case(db, brand, 1)


def test_the_case_assessor_is_the_one_of_the_latest_reviewed_version(world):
    db, sme, aid = world
    workflow.submit(db, sme, aid, C)
    lead = accounts.user_for_email(db, "assessor@demo.vn")
    other = accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="a2@demo.vn", password="password-x", role="assessor",
        organisation_id=lead.organisation_id))
    third = accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="a3@demo.vn", password="password-x", role="assessor",
        organisation_id=lead.organisation_id))
    unassigned = cases.open_case(db, sme, sme.organisation_id, "E-014", TODAY)
    assert unassigned["assessor_id"] is None
    assert [c["code"] for c in cases.list_cases(db, third)] == [unassigned["code"]]  # any assessor until taken
    review.start(db, other, aid)
    assigned = cases.open_case(db, sme, sme.organisation_id, "E-017", TODAY)
    assert assigned["assessor_id"] == other.id
    assert [c["code"] for c in cases.list_cases(db, other)] == [assigned["code"], unassigned["code"]]
    assert [c["code"] for c in cases.list_cases(db, third)] == [unassigned["code"]]
    assert len(cases.list_cases(db, lead)) == 2  # a lead assessor sees all
    with pytest.raises(UserError, match="not allowed"):
        cases.get_case(db, third, assigned["id"])
    outsider = accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="hr@other.vn", password="password-x", role="sme",
        organisation_id=accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name="Công ty khác")))
    assert cases.list_cases(db, outsider) == []
    with pytest.raises(UserError, match="not allowed"):
        cases.record_step(db, outsider, assigned["id"], "removed", TODAY)


def test_a_closed_case_is_not_prompted_again_until_a_newer_roster_lists_the_child(world):
    db, sme, aid = world
    found = TODAY - timedelta(days=200)
    for p in cases.candidates(db, aid):
        case = cases.open_case(db, sme, sme.organisation_id, p["employee_ref"], found, source="roster")
        _record_all(db, sme, case["id"], found)
        cases.request_closure(db, sme, case["id"])
        cases.agree_closure(db, accounts.user_for_email(db, "assessor@demo.vn"), case["id"])
    assert cases.candidates(db, aid) == []
    assert db["cases"].count == 2 and cases.rem05_value(db, aid) == "yes"
    # a roster checked after the closures that still lists the children prompts again
    db.execute("UPDATE checks SET as_of = ? WHERE assessment_id = ?", [(TODAY + timedelta(days=1)).isoformat(), aid])
    assert [p["employee_ref"] for p in cases.candidates(db, aid)] == ["E-017", "E-014"]


def test_a_roster_row_without_an_employee_code_is_prompted_until_its_case_is_opened(world):
    db, sme, aid = world
    row = db["findings"].rows_where("row = 4").__next__()  # E-014's row
    data = json.loads(row["data"])
    del data["employee_id"]
    db["findings"].update(row["id"], {"data": json.dumps(data, ensure_ascii=False)})
    cases._CHILDREN.clear()  # a stored check never changes, except here
    prompt = next(p for p in cases.candidates(db, aid) if p["row"] == 4)
    assert prompt["employee_ref"] is None and prompt["key"] == "roster:row 4"
    with pytest.raises(UserError, match="employee code is needed"):
        cases.open_from_candidate(db, sme, prompt)
    cases.open_from_candidate(db, sme, prompt, employee_ref="NV-014")  # the company gives the code
    assert [p["employee_ref"] for p in cases.candidates(db, aid)] == ["E-017"]


def test_one_case_from_opening_to_closure_with_its_follow_ups_driven_by_remind(cli, tmp_path, monkeypatch):
    """The issue's walk: a case opened, the child removed, `remind --as-of` tells the company of the 3-month and
    then the 6-month follow-up (each once), both recorded, closure asked and agreed."""
    import json

    from accreditation.store.db import open_db

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    (tmp_path / "data").mkdir()
    db = open_db(tmp_path / "data" / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    found = TODAY - timedelta(days=200)
    case = cases.open_case(db, sme, sme.organisation_id, "E-014", found, today=found)
    for step in ("removed", "income", "family", "referral", "hotline", "schooling"):
        cases.record_step(db, sme, case["id"], step, found, today=found)
    cases.record_step(db, sme, case["id"], "adult_job", found, note="no adult in the family can work",
                      outcome="not_possible", today=found)
    three, six = cases.add_months(found, 3), cases.add_months(found, 6)

    def remind(day):
        ran = cli("remind", "--as-of", day.isoformat(), "--json")
        assert ran.returncode == 0, ran.stderr
        return json.loads(ran.stdout)["case_followups"]

    assert remind(three - timedelta(days=1)) == 0
    assert remind(three) == 1 and remind(three) == 0  # told once
    cases.record_step(db, sme, case["id"], "followup_3m", three, note="back at school", today=three)
    assert remind(six) == 1 and remind(six + timedelta(days=1)) == 0
    with pytest.raises(UserError, match="missing steps"):
        cases.request_closure(db, sme, case["id"], today=six)
    cases.record_step(db, sme, case["id"], "followup_6m", six, note="still at school", today=six)
    cases.request_closure(db, sme, case["id"], today=six)
    closed = cases.agree_closure(db, accounts.user_for_email(db, "assessor@demo.vn"), case["id"])
    assert closed["status"] == "closed" and remind(six + timedelta(days=30)) == 0
    told = [r for r in db["notifications"].rows_where("kind = 'case_followup'")]
    assert told and all("E-014" not in (r["params"] or "") for r in told)
