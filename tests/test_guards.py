"""Permissions where the data changes: every state-changing library function, called as every kind of user, on
the company's own data and on another's, does exactly what the permissions table says (`can`), and no such
function is left out of this table.

One world is built once (companies at each stage of the journey); each case runs on a fresh copy of it."""

from __future__ import annotations

import inspect
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pytest
from argon2 import PasswordHasher

from accreditation import (accounts, actions, cases, criteria_install, documents, invitations, notify, register, review,
                           sharing, signup, workflow)
from accreditation.offline import export as offline_export
from accreditation.offline import importing as offline_import
from accreditation.errors import UserError
from accreditation.permissions import can
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria
from scoring.engine import assess
from seed import VISIT, example_values, record_case_steps, record_checks, review_everything, second_lead

C = default_criteria()
MODULES = (accounts, workflow, review, sharing, documents, actions, notify, cases, invitations, register, offline_import,
           criteria_install, signup)
# Functions that take an actor but change nothing a permission governs, and why.
EXEMPT = {
    "accounts.start_session": "signs in the user who has just proved their password",
    "review.queue": "reads only; what it lists is filtered by the same conditions as `reviewable`",
}


@dataclass
class World:
    path: Path  # the data directory (database, keys, evidence)
    ids: dict[str, Any]


def _company(db, name: str, tax_code: str, brand_id: int) -> tuple[int, accounts.Actor]:
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name=name, tax_code=tax_code)
    user = accounts.get_actor(db, accounts.create_user(db, actor=accounts.SYSTEM, email=f"hr{org}@x.vn",
                                                       password="password-x", role="sme", organisation_id=org))
    sharing.share(db, user, org, brand_id=brand_id)
    return org, user


def _answered(db, user, org) -> int:
    draft = workflow.start_draft(db, user, org, C)
    workflow.save_answers(db, user, draft["id"], example_values("strong"), C)
    record_checks(db, user, draft["id"], C)
    return draft["id"]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    """Companies at each stage, all sharing with the demo brand: a draft, a submitted version, a version in
    review (assigned to a non-lead assessor, fully reviewed, signed off by two leads), and two rejected versions
    (one with an open dispute)."""
    path = tmp_path_factory.mktemp("guards-world")
    mp = pytest.MonkeyPatch()
    mp.setenv("ACCREDITATION_DATA_DIR", str(path))
    mp.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db = open_db(path / "accreditation.db")
    accounts.ensure_demo_data(db)
    brand = sharing.brand_for_code(db, "BRAND-DEMO")["id"]
    lead = accounts.user_for_email(db, "assessor@demo.vn")
    lead2 = second_lead(db)
    assessor = accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="assessor2@demo.vn", password="password-x", role="assessor",
        organisation_id=lead.organisation_id))
    other_brand = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="brand", name="Other Brand")
    ids: dict[str, Any] = {"brand": brand, "other_brand": other_brand}
    for n, (stage, tax) in enumerate((("draft", "0100112437"), ("submitted", "0100233488"),
                                      ("review", "0101234567"), ("rejected", "0100109106"),
                                      ("disputed", "3709123455"), ("other", "0300588569"))):
        org, user = _company(db, f"Công ty {stage}", tax, brand)
        ids[f"{stage}_org"], ids[f"{stage}_user"] = org, user.id
        if stage == "other":
            break
        aid = _answered(db, user, org)
        ids[stage] = aid
        if stage == "draft":
            ids["evidence"] = workflow.evidence_files(db, aid)[0]["id"] if workflow.evidence_files(db, aid) else \
                _evidence(db, user, aid)
            ids["share"] = sharing.list_shares(db, org)[0]["id"]
            continue
        workflow.submit(db, user, aid, C)
        if stage == "submitted":
            ids["statement"] = workflow.get(db, aid)["certificate_id"]
            continue
        review.start(db, assessor, aid)
        review_everything(db, assessor, aid, C, sign=False)
        review.sign_off(db, lead, aid)
        review.sign_off(db, lead2, aid)
        if stage in ("rejected", "disputed"):
            review.reject(db, assessor, aid, "policy not signed", C)
        if stage == "disputed":
            ids["dispute"] = workflow.dispute(db, user, aid, "signed on 2 March", C)["id"]
    db.close()
    yield World(path, ids)
    mp.undo()


def _evidence(db, user, aid) -> int:
    workflow.add_evidence(db, user, aid, "POL-02", "quy-trinh.pdf", b"%PDF-1.4 procedure", C)
    return workflow.evidence_files(db, aid)[-1]["id"]


FAILING = assess(C, example_values("failing"))  # a result with knock-outs


def _roster_record():
    from accreditation import checks
    from seed import ADULTS

    return checks.roster_record(ADULTS, "roster.csv", date.today(), C)


def _offline_workbook() -> bytes:
    """The questionnaire workbook with one answer picked, as a company fills it offline."""
    import io

    from openpyxl import load_workbook

    from accreditation.offline.layout import COLUMNS, FIRST_ROW

    book = load_workbook(io.BytesIO(offline_export.build_workbook(C)))
    sheet = next(ws for ws in book.worksheets if ws.title.startswith("FAM"))
    row = next(r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == "FAM-01")
    sheet.cell(row, COLUMNS.index("answer") + 1).value = "Có một phần"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _new_criteria_version(tmp: Path) -> bytes:
    from test_criteria_diff import changed_sheets, write_workbook_of

    return write_workbook_of(changed_sheets("2027.1"), tmp / "criteria-2027.1.xlsx").read_bytes()


def _round_with_candidate(db, ids) -> int:
    """An open award round with one candidate: the company in review, approved (a verified certificate) and
    listed on the register."""
    review.approve(db, accounts.user_for_email(db, "assessor2@demo.vn"), ids["review"], C)
    register.set_listed(db, accounts.get_actor(db, ids["review_user"]), ids["review_org"], True)
    year = date.today().year
    return register.open_round(db, accounts.SYSTEM, "Đợt thử", year, date(year, 1, 1), date(year, 12, 31))["id"]


# name -> (action, resource(db, ids), call(db, actor, ids))
Resource = Callable[[Any, dict], Any]


def _assessment(key: str) -> Resource:
    return lambda db, ids: workflow.resource(db, workflow.get(db, ids[key]))


def _org(key: str) -> Resource:
    return lambda db, ids: {"organisation_id": ids[key]}


def _none(db, ids):
    return None


def _actions_of(key: str) -> Resource:
    return lambda db, ids: actions.resource(db, ids[key])


def _first_action(db, ids) -> int:
    return actions.list_actions(db, ids["rejected_org"])[0]["id"]


def _done(db, ids) -> int:
    """The rejected company's first action, marked done with evidence by the company."""
    user = accounts.get_actor(db, ids["rejected_user"])
    aid = _first_action(db, ids)
    actions.add_evidence(db, user, aid, "bang-chung.pdf", b"%PDF-1.4 proof")
    actions.update_status(db, user, aid, "done")
    return aid


def _evidence_of_done(db, ids) -> int:
    return actions.detail(db, _done(db, ids))["evidence"][0]["id"]


def _own(db, ids):
    return "own"


def _lead_notification(db) -> int:
    """A notification of the lead assessor (told of every submission in the world)."""
    lead = accounts.user_for_email(db, "assessor@demo.vn")
    return next(db["notifications"].rows_where("user_id = ?", [lead.id], order_by="id"))["id"]


def _case(db, ids) -> int:
    """The rejected company's child-labour case, found 200 days ago (its assessor: the one who reviewed it)."""
    rows = list(db["cases"].rows_where("organisation_id = ?", [ids["rejected_org"]]))
    if rows:
        return rows[0]["id"]
    user = accounts.get_actor(db, ids["rejected_user"])
    return cases.open_case(db, user, ids["rejected_org"], "NV-007", _days_ago(200))["id"]


def _days_ago(n: int) -> date:
    return date.fromordinal(date.today().toordinal() - n)


def _case_resource(db, ids):
    return cases.resource(db["cases"].get(_case(db, ids)))


def _case_complete(db, ids) -> int:
    """The case with every step recorded by the company on its day."""
    cid, user = _case(db, ids), accounts.get_actor(db, ids["rejected_user"])
    record_case_steps(db, user, cid, _days_ago(200))
    return cid


def _closure_requested(db, ids) -> int:
    cid = _case_complete(db, ids)
    cases.request_closure(db, accounts.get_actor(db, ids["rejected_user"]), cid)
    return cid


def _signup(db, tax_code: str, email: str) -> int:
    """A sign-up waiting for the administrator (e-mail is off in the tests): a new company, or, under a tax code
    already registered, a request to join that company."""
    signup.register(db, signup.Registration(
        company_name="Cơ sở Mây Tre Mới", tax_code=tax_code, province="Hà Nội", sector="garment",
        legal_form="enterprise", name="Người đăng ký", email=email, password="password-new-1"))
    return db.execute("SELECT max(id) FROM signups").fetchone()[0]


def _join_request(db, ids) -> int:
    """A confirmed request to join the submitted company, waiting for one of its users."""
    sid = _signup(db, "0100233488", "moi@x.vn")
    signup.activate(db, accounts.SYSTEM, sid)
    return sid


def _password_of(db, actor) -> str:
    """The world's users have the demo password, the second lead's (tests/seed.py) or "password-x"."""
    stored = db["users"].get(actor.id)["password_hash"]
    for password in (accounts.DEMO_PASSWORD, "password-lead2"):
        try:
            accounts.HASHER.verify(stored, password)
            return password
        except Exception:
            continue
    return "password-x"


def _invitation(db, ids, tax: str = "0100686209") -> tuple[int, str]:
    """An open invitation from the demo brand to the supplier with tax code `tax` (id and token)."""
    brand = accounts.user_for_email(db, "brand@demo.vn")
    row = invitations.SupplierRow(1, "Nhà cung cấp", tax, f"ncc{tax}@x.vn")
    sent = invitations.invite(db, brand, ids["brand"], [row])[0][0]
    return sent.invitation_id, sent.link.split(f"{invitations.PARAM}=", 1)[1]


CASES: dict[str, tuple[str, Resource, Callable]] = {
    # invitations: the demo brand's list; the company "other" (tax code 0300588569) accepts one addressed to it
    "invitations.invite": ("invitation.manage", _org("brand"), lambda db, a, i: invitations.invite(
        db, a, i["brand"], [invitations.SupplierRow(1, "Xưởng mới", "0100686209", "x@x.vn")])),
    "invitations.list_for": ("invitation.manage", _org("brand"), lambda db, a, i: invitations.list_for(
        db, a, i["brand"])),
    "invitations.remind": ("invitation.manage", _org("brand"), lambda db, a, i: invitations.remind(
        db, a, _invitation(db, i)[0])),
    "invitations.accept": ("invitation.accept", _org("other_org"), lambda db, a, i: invitations.accept(
        db, a, _invitation(db, i, "0300588569")[1])),
    "notify.unread_count": ("notification.read", _own, lambda db, a, i: notify.unread_count(db, a)),
    "notify.list_for": ("notification.read", _own, lambda db, a, i: notify.list_for(db, a)),
    "notify.mark_all_read": ("notification.read", _own, lambda db, a, i: notify.mark_all_read(db, a)),
    "notify.mark_read": ("notification.read",
                         lambda db, ids: {"user_id": accounts.user_for_email(db, "assessor@demo.vn").id},
                         lambda db, a, i: notify.mark_read(db, a, _lead_notification(db))),
    "notify.email_prefs": ("account.edit", _own, lambda db, a, i: notify.email_prefs(db, a)),
    "notify.set_email": ("account.edit", _own, lambda db, a, i: notify.set_email(db, a, "approved", False)),
    "accounts.create_organisation": ("users.manage", _none, lambda db, a, i: accounts.create_organisation(
        db, actor=a, kind="sme", name="Công ty mới")),
    "accounts.update_organisation": ("organisation.edit", _org("draft_org"), lambda db, a, i: accounts.update_organisation(
        db, a, i["draft_org"], {"address": "Lô 5, KCN Tân Uyên"})),
    "accounts.create_user": ("users.manage", _none, lambda db, a, i: accounts.create_user(
        db, actor=a, email="new@x.vn", password="password-new", role="sme", organisation_id=i["other_org"])),
    "accounts.list_users": ("users.manage", _none, lambda db, a, i: accounts.list_users(db, a)),
    "accounts.list_organisations": ("users.manage", _none, lambda db, a, i: accounts.list_organisations(db, a)),
    "accounts.deactivate_user": ("users.manage", _none, lambda db, a, i: accounts.deactivate_user(
        db, a, i["other_user"])),
    "accounts.set_language": ("account.edit", lambda db, ids: "own", lambda db, a, i: accounts.set_language(
        db, a, "en")),
    "workflow.start_draft": ("assessment.create", _org("submitted_org"), lambda db, a, i: workflow.start_draft(
        db, a, i["submitted_org"], C)),
    "workflow.save_answer": ("assessment.edit", _assessment("draft"), lambda db, a, i: workflow.save_answer(
        db, a, i["draft"], "FAM-01", "partly", C)),
    "workflow.save_answers": ("assessment.edit", _assessment("draft"), lambda db, a, i: workflow.save_answers(
        db, a, i["draft"], {"FAM-01": "partly"}, C)),
    "workflow.add_evidence": ("assessment.edit", _assessment("draft"), lambda db, a, i: workflow.add_evidence(
        db, a, i["draft"], "POL-03", "dao-tao.pdf", b"%PDF-1.4 training", C)),
    "workflow.remove_evidence": ("assessment.edit", _assessment("draft"), lambda db, a, i: workflow.remove_evidence(
        db, a, i["draft"], i["evidence"], C)),
    "workflow.record_check": ("assessment.edit", _assessment("draft"), lambda db, a, i: workflow.record_check(
        db, a, i["draft"], _roster_record(), C)),
    "workflow.submit": ("assessment.submit", _assessment("draft"), lambda db, a, i: workflow.submit(
        db, a, i["draft"], C)),
    "workflow.transition": ("assessment.review", _assessment("submitted"), lambda db, a, i: workflow.transition(
        db, a, i["submitted"], "start_review")),
    "workflow.suspend_current_document": ("assessment.decide", _assessment("rejected"),
                                          lambda db, a, i: workflow.suspend_current_document(
                                              db, a, workflow.get(db, i["rejected"]), FAILING)),
    "workflow.dispute": ("assessment.dispute", _assessment("rejected"), lambda db, a, i: workflow.dispute(
        db, a, i["rejected"], "the policy was signed", C)),
    "documents.issue_for_assessment": ("assessment.submit", _assessment("draft"),
                                       lambda db, a, i: documents.issue_for_assessment(
                                           db, a, workflow.get(db, i["draft"]), workflow.evaluate(db, i["draft"], C),
                                           C, db["organisations"].get(i["draft_org"]), issued=date.today())),
    "review.start": ("assessment.review", _assessment("submitted"), lambda db, a, i: review.start(
        db, a, i["submitted"])),
    "review.review_indicator": ("assessment.review", _assessment("review"), lambda db, a, i: review.review_indicator(
        db, a, i["review"], "FAM-01", "adjust", "partly", "no written policy seen", C)),
    "review.accept_section": ("assessment.review", _assessment("review"), lambda db, a, i: review.accept_section(
        db, a, i["review"], "POL", C)),
    "review.record_site_visit": ("assessment.review", _assessment("review"),
                                 lambda db, a, i: review.record_site_visit(db, a, i["review"], VISIT)),
    "review.sign_off": ("assessment.sign_off", _assessment("review"), lambda db, a, i: review.sign_off(
        db, a, i["review"])),
    "review.request_changes": ("assessment.decide", _assessment("review"), lambda db, a, i: review.request_changes(
        db, a, i["review"], "upload the signed policy", C)),
    "review.reject": ("assessment.decide", _assessment("review"), lambda db, a, i: review.reject(
        db, a, i["review"], "knock-out on site", C)),
    "review.approve": ("assessment.decide", _assessment("review"), lambda db, a, i: review.approve(
        db, a, i["review"], C)),
    "review.respond_to_dispute": ("assessment.decide", _assessment("disputed"),
                                  lambda db, a, i: review.respond_to_dispute(db, a, i["dispute"], "dismissed")),
    "review.revoke_certificate": ("certificate.revoke", _none, lambda db, a, i: review.revoke_certificate(
        db, a, i["statement"], "false declaration")),
    "sharing.share": ("share.manage", _org("submitted_org"), lambda db, a, i: sharing.share(
        db, a, i["submitted_org"], brand_id=i["other_brand"])),
    "sharing.withdraw": ("share.manage", _org("draft_org"), lambda db, a, i: sharing.withdraw(db, a, i["share"])),
    # tracked corrective actions of the rejected company (its first action, open; `_done` marks it done first)
    "actions.update_status": ("action.update", _actions_of("rejected_org"), lambda db, a, i: actions.update_status(
        db, a, _first_action(db, i), "in_progress")),
    "actions.set_owner": ("action.update", _actions_of("rejected_org"), lambda db, a, i: actions.set_owner(
        db, a, _first_action(db, i), "Chị Lan")),
    "actions.add_evidence": ("action.update", _actions_of("rejected_org"), lambda db, a, i: actions.add_evidence(
        db, a, _first_action(db, i), "bang-chung.pdf", b"%PDF-1.4 proof")),
    "actions.add_comment": ("action.view", _actions_of("rejected_org"), lambda db, a, i: actions.add_comment(
        db, a, _first_action(db, i), "done on 2 March")),
    "actions.verify": ("action.verify", _actions_of("rejected_org"), lambda db, a, i: actions.verify(
        db, a, _done(db, i))),
    "actions.reopen": ("action.verify", _actions_of("rejected_org"), lambda db, a, i: actions.reopen(
        db, a, _done(db, i), "the signed copy is missing")),
    "actions.evidence_file": ("action.view", _actions_of("rejected_org"), lambda db, a, i: actions.evidence_file(
        db, a, _evidence_of_done(db, i))),
    "actions.awaiting_verification": ("page.followup", _none, lambda db, a, i: actions.awaiting_verification(db, a)),
    # child-labour cases of the rejected company (reviewed by the non-lead assessor, who is the case's assessor)
    "cases.open_case": ("case.manage", _org("rejected_org"), lambda db, a, i: cases.open_case(
        db, a, i["rejected_org"], "NV-008", date.today())),
    "cases.open_from_candidate": ("case.manage", _org("rejected_org"), lambda db, a, i: cases.open_from_candidate(
        db, a, {"assessment_id": i["rejected"], "source": "other", "key": "", "found_on": date.today()}, "NV-009")),
    "cases.record_step": ("case.manage", _case_resource, lambda db, a, i: cases.record_step(
        db, a, _case(db, i), "removed", _days_ago(200))),
    "cases.request_closure": ("case.manage", _case_resource, lambda db, a, i: cases.request_closure(
        db, a, _case_complete(db, i))),
    "cases.agree_closure": ("case.close", _case_resource, lambda db, a, i: cases.agree_closure(
        db, a, _closure_requested(db, i))),
    "cases.refuse_closure": ("case.close", _case_resource, lambda db, a, i: cases.refuse_closure(
        db, a, _closure_requested(db, i), "the school letter is missing")),
    "cases.get_case": ("case.view", _case_resource, lambda db, a, i: cases.get_case(db, a, _case(db, i))),
    "cases.list_cases": ("page.cases", _none, lambda db, a, i: cases.list_cases(db, a)),
    "importing.import_into_draft": ("assessment.edit", _assessment("draft"),
                                    lambda db, a, i: offline_import.import_into_draft(
                                        db, a, i["draft"], _offline_workbook(), C, "bang-cau-hoi.xlsx")),
    "criteria_install.install_criteria": ("criteria.manage", _none, lambda db, a, i: criteria_install.install_criteria(
        db, a, _new_criteria_version(Path(tempfile.mkdtemp())))),
    "register.set_listed": ("listing.manage", _org("submitted_org"), lambda db, a, i: register.set_listed(
        db, a, i["submitted_org"], True)),
    "register.open_round": ("round.manage", _none, lambda db, a, i: register.open_round(
        db, a, "Đợt 1", 2026, date(2026, 1, 1), date(2026, 12, 31))),
    "register.publish_round": ("round.manage", _none, lambda db, a, i: register.publish_round(
        db, a, _round_with_candidate(db, i))),
    "register.cancel_round": ("round.manage", _none, lambda db, a, i: register.cancel_round(
        db, a, register.open_round(db, accounts.SYSTEM, "Đợt nhầm", 2026, date(2026, 1, 1), date(2026, 12, 31))["id"])),
    "signup.pending": ("users.manage", _none, lambda db, a, i: signup.pending(db, a)),
    "signup.activate": ("users.manage", _none, lambda db, a, i: signup.activate(
        db, a, _signup(db, "0100777128", "co-so-moi@x.vn"))),
    "signup.discard": ("users.manage", _none, lambda db, a, i: signup.discard(
        db, a, _signup(db, "0100777128", "co-so-moi@x.vn"))),
    "signup.reset_link_for": ("users.manage", _none, lambda db, a, i: signup.reset_link_for(
        db, a, i["submitted_user"])),
    "signup.team": ("membership.approve", _org("submitted_org"), lambda db, a, i: signup.team(
        db, a, i["submitted_org"])),
    "signup.join_requests": ("membership.approve", _org("submitted_org"), lambda db, a, i: signup.join_requests(
        db, a, i["submitted_org"])),
    "signup.decide_join": ("membership.approve", _org("submitted_org"), lambda db, a, i: signup.decide_join(
        db, a, _join_request(db, i), True)),
    "signup.change_password": ("account.edit", _own, lambda db, a, i: signup.change_password(
        db, a, _password_of(db, a) if a else "", "a-new-password-2026")),
}

# Who acts: relative to the company a case is about (`own`), or fixed users of the world.
ACTORS = ("anonymous", "sme_own", "sme_other", "assessor", "lead", "lead2", "brand", "other_brand_user", "admin",
          "authority", "association")


def _actor(db, who: str, ids: dict, target_org: int | None):
    if who == "anonymous":
        return None
    if who == "sme_own":
        uid = ids.get(next((k[:-4] + "_user" for k, v in ids.items() if k.endswith("_org") and v == target_org),
                           "draft_user"))
        return accounts.get_actor(db, uid)
    if who == "sme_other":
        return accounts.get_actor(db, ids["other_user"])
    if who == "other_brand_user":
        found = accounts.user_for_email(db, "ob@x.vn")
        return found or accounts.get_actor(db, accounts.create_user(
            db, actor=accounts.SYSTEM, email="ob@x.vn", password="password-x", role="brand",
            organisation_id=ids["other_brand"]))
    email = {"assessor": "assessor2@demo.vn", "lead": "assessor@demo.vn", "lead2": "lead2@demo.vn",
             "brand": "brand@demo.vn", "admin": "admin@demo.vn", "authority": "authority@demo.vn",
             "association": "association@demo.vn"}[who]
    return accounts.user_for_email(db, email)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_state_changing_function_allows_exactly_what_the_table_says(world, tmp_path, monkeypatch, name, who):
    copy = tmp_path / "data"
    shutil.copytree(world.path, copy)
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(copy))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db = open_db(copy / "accreditation.db")
    action, resource_of, call = CASES[name]
    resource = resource_of(db, world.ids)
    target = resource.get("organisation_id") if isinstance(resource, dict) else None
    actor = _actor(db, who, world.ids, target)
    if resource == "own":
        resource = {"user_id": getattr(actor, "id", None)}
    allowed = can(actor, action, resource)
    if allowed:
        call(db, actor, world.ids)  # must go through: the world is set up so the step is legal
    else:
        with pytest.raises(UserError, match="not allowed"):
            call(db, actor, world.ids)


def test_every_function_that_takes_an_actor_is_in_the_table():
    found = set()
    for module in MODULES:
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or fname.startswith("_"):
                continue
            if "actor" in inspect.signature(fn).parameters:
                found.add(f"{module.__name__.split('.')[-1]}.{fname}")
    assert found - set(EXEMPT) == set(CASES)


def test_every_declared_permission_is_checked_somewhere():
    """A declared permission is either checked or removed (pages are checked by the router)."""
    import re

    from accreditation.permissions import ACTIONS

    root = Path(__file__).resolve().parent.parent / "accreditation"
    source = "\n".join(p.read_text("utf-8") for p in root.rglob("*.py"))
    checked = set(re.findall(r"""(?:require|can)\(\s*[a-z_]+,\s*["']([a-z_.]+)["']""", source))
    checked |= {action for action, _, _ in CASES.values()}
    pages = {a for a in ACTIONS if a.startswith("page.")}
    assert set(ACTIONS) - pages - checked == set()
