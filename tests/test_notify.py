"""Notifications in the app: who is told of each business event, texts in the reader's language rendered from
what is stored (kind + params), read and unread (one's own only), e-mail switches per kind."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, events, notify, review, sharing, workflow
from accreditation.errors import UserError
from accreditation.store.db import write_tx
from criteria.datafiles import default_criteria
from seed import submitted_assessment

C = default_criteria()


@pytest.fixture
def journey(tmp_path, monkeypatch):
    """The demo company's version 1 submitted, shared with the demo brand; a non-lead assessor of the chamber."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db, sme, assessment = submitted_assessment(tmp_path)
    sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    return db, sme, assessment


def _kinds(db, email):
    user = accounts.user_for_email(db, email)
    return [r["kind"] for r in db["notifications"].rows_where("user_id = ?", [user.id], order_by="id")]


def test_a_submission_tells_every_assessor_outside_the_company_but_not_the_company(journey):
    db, sme, assessment = journey
    assert _kinds(db, "assessor@demo.vn") == ["submitted"] and _kinds(db, "lead@demo.vn") == ["submitted"]
    assert _kinds(db, "sme@demo.vn") == [] and _kinds(db, "brand@demo.vn") == []
    row = next(db["notifications"].rows)
    assert json.loads(row["params"]) == {"company": "Công ty TNHH May mặc Thuận An Xanh", "version": 1}
    assert row["link"] == "http://localhost:8501/queue" and row["entity"] == "assessment"


def test_an_assigned_assessor_alone_hears_of_a_dispute(journey):
    db, sme, assessment = journey
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review.start(db, assessor, assessment["id"])
    review.reject(db, assessor, assessment["id"], "policy not signed", C)
    assert _kinds(db, "sme@demo.vn") == ["suspended", "rejected"]
    assert _kinds(db, "brand@demo.vn") == ["supplier_suspended"]  # its supplier's statement no longer stands
    workflow.dispute(db, sme, assessment["id"], "signed on 2 March", C)
    assert _kinds(db, "assessor@demo.vn") == ["submitted", "dispute_opened"]
    assert _kinds(db, "lead@demo.vn") == ["submitted"]


def test_an_association_the_company_shares_with_hears_what_a_brand_hears(journey):
    db, sme, assessment = journey
    sharing.share(db, sme, sme.organisation_id, invite_code="ASSOC-DEMO")
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review.start(db, assessor, assessment["id"])
    review.reject(db, assessor, assessment["id"], "policy not signed", C)
    assert _kinds(db, "association@demo.vn") == ["supplier_suspended"]
    assert "supplier_expiring" in notify.kinds_for("association")


def test_a_closed_account_and_the_person_who_acted_are_not_told(journey):
    db, sme, assessment = journey
    colleague = accounts.create_user(db, actor=accounts.SYSTEM, email="ke-toan@demo.vn", password="password-x",
                                     role="sme", organisation_id=sme.organisation_id)
    closed = accounts.create_user(db, actor=accounts.SYSTEM, email="old@demo.vn", password="password-x",
                                  role="sme", organisation_id=sme.organisation_id)
    accounts.deactivate_user(db, accounts.SYSTEM, closed)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review.request_changes(db, assessor, assessment["id"], "please upload the policy", C)
    assert _kinds(db, "ke-toan@demo.vn") == ["suspended", "changes_requested"] == _kinds(db, "sme@demo.vn")
    assert not db["notifications"].count_where("user_id = ?", [closed]) and colleague
    assert _kinds(db, "assessor@demo.vn") == ["submitted"]  # the assessor who asked is not told of it


def test_a_revocation_tells_the_company(journey):
    db, sme, assessment = journey
    lead = accounts.user_for_email(db, "lead@demo.vn")
    review.revoke_certificate(db, lead, assessment["certificate_id"], "false declaration")
    assert _kinds(db, "sme@demo.vn") == ["revoked"]


def test_a_revocation_from_the_command_line_tells_the_company_and_is_audited(journey, cli, tmp_path):
    db, sme, assessment = journey
    ran = cli("certificates", "revoke", assessment["certificate_id"], "--reason", "false declaration",
              "--by", "VCCI registry", env={"ACCREDITATION_DATA_DIR": tmp_path})
    assert ran.returncode == 0, ran.stderr
    assert _kinds(db, "sme@demo.vn") == ["revoked"]
    entry = list(db["audit_log"].rows_where("action = 'certificate.revoke'"))[-1]
    assert entry["entity_id"] == assessment["certificate_id"] and "VCCI registry" in entry["after"]


def test_texts_are_rendered_in_the_reader_s_language_from_the_stored_params(journey):
    db, _, _ = journey
    row = next(db["notifications"].rows)
    assert notify.text(row["kind"], row["params"], "vi") == (
        "Hồ sơ mới chờ thẩm định: Công ty TNHH May mặc Thuận An Xanh",
        "Công ty TNHH May mặc Thuận An Xanh đã nộp bản tự đánh giá phiên bản 1. Hồ sơ đang chờ trong danh sách hồ sơ "
        "chờ thẩm định.")
    assert notify.text(row["kind"], row["params"], "en")[0] == "New submission to review: Công ty TNHH May mặc Thuận An Xanh"
    expiring = {"company": "Công ty A", "certificate": "VN-CLF-2026-000001", "verified": False,
                "expires": "2027-01-31", "days": 14}
    assert notify.text("expiring", expiring, "vi")[1].startswith(
        "Bản tự đánh giá VN-CLF-2026-000001 của Công ty A hết hiệu lực sau ngày 31/01/2027 (còn 14 ngày).")
    assert notify.text("supplier_expiring", {**expiring, "verified": True}, "en")[0] == (
        "Supplier Công ty A: Certificate expires in 14 days")


@pytest.mark.parametrize("kind", sorted(notify.KINDS))
def test_every_kind_has_a_title_and_a_sentence_in_both_languages(kind):
    params = {"company": "Công ty A", "version": 2, "certificate": "VN-CLF-2026-000001", "verified": True,
              "expires": "2027-01-31", "days": 60, "count": 3, "due": "2026-11-30", "code": "CL-2026-0001",
              "months": 3, "indicator": "POL-01", "reopened": True}
    for lang in ("vi", "en"):
        title, body = notify.text(kind, params, lang)
        assert title and body and "{" not in title + body and f"notify.{kind}" not in title + body
    assert notify.KINDS[kind].roles and kind in notify.kinds_for(notify.KINDS[kind].roles[0])


def test_reading_marks_one_s_own_and_refuses_someone_else_s(journey):
    db, sme, _ = journey
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    lead = accounts.user_for_email(db, "lead@demo.vn")
    mine = notify.list_for(db, assessor)
    assert len(mine) == 1 and notify.unread_count(db, assessor) == 1
    with pytest.raises(UserError, match="not allowed"):
        notify.mark_read(db, lead, mine[0]["id"])
    with pytest.raises(UserError, match="not allowed"):
        notify.mark_read(db, assessor, 99999)
    notify.mark_read(db, assessor, mine[0]["id"])
    assert notify.unread_count(db, assessor) == 0 and notify.unread_count(db, lead) == 1
    assert notify.mark_all_read(db, lead) == 1 and notify.mark_all_read(db, lead) == 0
    with pytest.raises(UserError, match="not allowed"):
        notify.unread_count(db, None)


def test_email_switches_are_per_user_and_kind_and_on_by_default(journey):
    db, sme, _ = journey
    assert notify.email_prefs(db, sme) == {k: True for k in notify.kinds_for("sme")}
    notify.set_email(db, sme, "approved", False)
    assert notify.email_prefs(db, sme)["approved"] is False and notify.email_prefs(db, sme)["rejected"] is True
    brand = accounts.user_for_email(db, "brand@demo.vn")
    assert set(notify.email_prefs(db, brand)) == {"supplier_suspended", "supplier_actions_overdue", "supplier_expiring"}
    with pytest.raises(ValueError):
        notify.set_email(db, sme, "no-such-kind", True)


def test_notifications_vanish_with_a_fact_that_rolls_back(journey):
    db, sme, assessment = journey
    before = db["notifications"].count
    with pytest.raises(RuntimeError):
        with write_tx(db):
            notify.create(db, [sme.id], "approved", {"company": "A", "version": 1, "certificate": "X"})
            raise RuntimeError("the approval failed half-way")
    assert db["notifications"].count == before


@pytest.mark.parametrize("kind", events.KINDS)
def test_every_business_event_tells_someone(journey, kind):
    db, sme, assessment = journey
    assessment = workflow.get(db, assessment["id"])
    actor = accounts.user_for_email(db, "lead@demo.vn") if kind != "dispute.opened" else sme
    before = db["notifications"].count
    with write_tx(db):
        events.publish(db, events.Event(kind, sme.organisation_id, actor, assessment, comment="x",
                                        certificate_id=assessment["certificate_id"],
                                        extra={"dispute_id": 1, "indicator": None, "reopened": False}))
    assert db["notifications"].count > before
