"""`remind --as-of DATE`: what has become due is told exactly once however often it runs (overdue corrective actions,
documents 60 and 14 days before they expire, case follow-ups at 3 and 6 months), to the company, its brands and
the case's assessor; e-mail that a server refused earlier is sent by the next run."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, mailer, reminders, sharing
from accreditation.store import certificates as registry
from seed import submitted_assessment
from smtp_server import smtp  # noqa: F401 - a fixture


@pytest.fixture
def world(tmp_path, monkeypatch):
    """The demo company's version 1 submitted (its statement issued today, two minor actions due in three
    months), shared with the demo brand."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    (tmp_path / "data").mkdir()
    db, sme, assessment = submitted_assessment(tmp_path / "data")
    sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    return db, sme, registry.get(db, assessment["certificate_id"])


def _told(db, email, kind=None):
    user = accounts.user_for_email(db, email)
    rows = db["notifications"].rows_where("user_id = ?" + (" and kind = ?" if kind else ""),
                                          [user.id, kind] if kind else [user.id], order_by="id")
    return [(r["kind"], json.loads(r["params"])) for r in rows]


def test_a_document_is_reminded_of_60_and_14_days_before_it_expires_each_once(world, monkeypatch):
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    db, sme, cert = world
    expires = cert.expires
    for days in (61, 60, 60, 59, 15):
        reminders.run(db, expires - timedelta(days=days))
    told = _told(db, "sme@demo.vn", "expiring")
    assert [p["days"] for _, p in told] == [60]
    assert told[0][1] == {"company": cert.company_name, "certificate": cert.id, "verified": False,
                          "expires": expires.isoformat(), "days": 60}
    assert [p["days"] for _, p in _told(db, "brand@demo.vn", "supplier_expiring")] == [60]
    summary = reminders.run(db, expires - timedelta(days=14))
    assert summary.expiring == 1 and summary.email is None
    assert reminders.run(db, expires - timedelta(days=14)).expiring == 0
    reminders.run(db, expires - timedelta(days=3))
    assert [p["days"] for _, p in _told(db, "sme@demo.vn", "expiring")] == [60, 14]
    reminders.run(db, expires + timedelta(days=1))  # expired: nothing more
    assert len(_told(db, "sme@demo.vn", "expiring")) == 2


def test_a_first_run_late_reminds_once_at_the_nearest_threshold(world, monkeypatch):
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    db, sme, cert = world
    reminders.run(db, cert.expires - timedelta(days=10))
    reminders.run(db, cert.expires - timedelta(days=5))
    assert [p["days"] for _, p in _told(db, "sme@demo.vn", "expiring")] == [10]


def test_a_suspended_or_superseded_document_is_not_reminded_of(world, monkeypatch):
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    db, sme, cert = world
    registry.suspend_current(db, cert.tax_code, cert.organisation_id, "knock-out", "test")
    assert reminders.run(db, cert.expires - timedelta(days=14)).expiring == 0


def test_overdue_actions_are_told_once_to_the_company_and_its_brands(world, monkeypatch):
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    db, sme, cert = world
    due = max(date.fromisoformat(r["due_date"]) for r in db["tracked_actions"].rows)
    assert reminders.run(db, due).overdue == 0  # due today is not overdue yet
    summary = reminders.run(db, due + timedelta(days=1))
    assert summary.overdue == 2
    (kind, params), = _told(db, "sme@demo.vn", "action_overdue")
    assert params == {"company": cert.company_name, "count": 2, "due": due.isoformat()}
    assert len(_told(db, "brand@demo.vn", "supplier_actions_overdue")) == 1
    assert reminders.run(db, due + timedelta(days=2)).overdue == 0
    assert len(_told(db, "sme@demo.vn", "action_overdue")) == 1


def test_remind_on_the_command_line_sends_each_email_once_and_retries_what_was_refused(world, smtp, cli):
    db, sme, cert = world
    day = (cert.expires - timedelta(days=60)).isoformat()
    smtp.inbox.refuse = "451 4.3.0 try again later"
    ran = cli("remind", "--as-of", day)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [  # the actions were due three months after submission: overdue too
        f"Reminders for {(cert.expires - timedelta(days=60)).strftime('%d/%m/%Y')}: overdue actions 2, expiring "
        "documents 1, case follow-ups 0; new notifications 4.",
        "E-mail: sent 0, waiting to be retried 4, given up after 5 attempts 0."]
    assert not smtp.inbox.mails and mailer.counts(db)["pending"] == 4
    smtp.inbox.refuse = None
    ran = cli("remind", "--as-of", day, "--json")
    assert json.loads(ran.stdout) == {"as_of": day, "overdue_actions": 0, "expiring_documents": 0,
                                      "case_followups": 0, "notifications": 0,
                                      "email": {"sent": 4, "pending": 0, "failed": 0, "off": 0}}
    assert sorted(m.to[0] for m in smtp.inbox.mails) == ["brand@demo.vn"] * 2 + ["sme@demo.vn"] * 2
    company = next(m for m in smtp.inbox.mails if m.to == ["sme@demo.vn"] and "60" in m.subject)
    assert company.language == "vi" and company.subject.endswith(f"Bản tự đánh giá {cert.id} hết hạn sau 60 ngày")
    assert "https://giaithuong.example.vn/results" in company.body
    overdue = next(m for m in smtp.inbox.mails if m.to == ["sme@demo.vn"] and m is not company)
    assert "2 hành động khắc phục đã quá hạn" in overdue.subject and "/actions" in overdue.body
    brand = [m for m in smtp.inbox.mails if m.to == ["brand@demo.vn"]]
    assert all("Nhà cung cấp" in m.subject and "/portfolio" in m.body for m in brand)
    again = cli("remind", "--as-of", day, "--json")
    assert json.loads(again.stdout)["email"]["sent"] == 0 and len(smtp.inbox.mails) == 4


def test_remind_says_when_email_is_off_and_refuses_a_bad_date(world, cli, monkeypatch):
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    ran = cli("remind")
    assert ran.returncode == 0 and "E-mail is off" in ran.stdout
    vi = cli("remind", "--as-of", "2026-13-01", lang="vi")
    assert vi.returncode == 2 and "2026-13-01" in vi.stderr and "Traceback" not in vi.stderr


def test_case_follow_ups_at_3_and_6_months_are_told_once_to_the_company_and_the_case_assessor(world, monkeypatch):
    from accreditation import cases, review

    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    db, sme, cert = world
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review.start(db, assessor, db["assessments"].get(1)["id"])  # the case's assessor: who reviews the company
    found = date.today()
    case = cases.open_case(db, sme, sme.organisation_id, "E-014", found)
    cases.record_step(db, sme, case["id"], "removed", found)
    three, six = cases.add_months(found, 3), cases.add_months(found, 6)
    assert reminders.run(db, three - timedelta(days=1)).followups == 0
    assert reminders.run(db, three).followups == 1
    assert reminders.run(db, three + timedelta(days=5)).followups == 0  # once, even while not yet recorded
    for email in ("sme@demo.vn", "assessor@demo.vn"):
        (_, params), = _told(db, email, "case_followup")
        assert params == {"company": cert.company_name, "code": case["code"], "months": 3}
    assert not _told(db, "brand@demo.vn", "case_followup") and not _told(db, "lead@demo.vn", "case_followup")
    assert reminders.run(db, six).followups == 1  # the 6-month one; the 3-month one was told already
    assert [p["months"] for _, p in _told(db, "sme@demo.vn", "case_followup")] == [3, 6]
    text = "".join(json.dumps(p, ensure_ascii=False) for _, p in _told(db, "sme@demo.vn"))
    assert "E-014" not in text  # the case code, never the employee's


def test_two_runs_at_the_same_time_tell_each_reminder_once(world, monkeypatch):
    """Cron and an administrator's manual run, each with its own connection, on the same day."""
    import threading

    from accreditation.store.db import connect, identity

    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    db, sme, cert = world
    path = identity(db)
    day = cert.expires - timedelta(days=14)  # the actions are overdue by then too
    results = []

    def run():
        results.append(reminders.run(connect(path), day))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted((r.expiring, r.overdue) for r in results) == [(0, 0), (1, 2)]
    assert len(_told(db, "sme@demo.vn", "expiring")) == 1 and len(_told(db, "sme@demo.vn", "action_overdue")) == 1


def test_a_case_follow_up_is_mailed_to_the_company_and_the_case_assessor_each_in_their_language(world, smtp):
    from accreditation import cases, review

    db, sme, cert = world
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    accounts.set_language(db, assessor, "en")
    review.start(db, assessor, 1)
    found = date.today()
    case = cases.open_case(db, sme, sme.organisation_id, "E-014", found)
    cases.record_step(db, sme, case["id"], "removed", found)
    mailer.wait()
    smtp.inbox.mails.clear()
    summary = reminders.run(db, cases.add_months(found, 3))
    assert summary.followups == 1
    followups = [m for m in smtp.inbox.mails if case["code"] in m.subject]
    assert sorted((m.to[0], m.language) for m in followups) == [("assessor@demo.vn", "en"), ("sme@demo.vn", "vi")]
    en = next(m for m in followups if m.language == "en")
    assert en.subject.endswith(f"3-month follow-up due: case {case['code']}")
    assert "https://giaithuong.example.vn/cases" in en.body and "E-014" not in en.body
