"""E-mail through a real SMTP server on localhost (aiosmtpd): each business event's message reaches the right
people in their language with a link to the app's public address; a refusing, slow or stopped server loses nothing
and never holds up the click; STARTTLS with a login; nothing about workers ever leaves by e-mail."""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, mailer, notify, review, sharing, workflow
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria
from seed import ADULTS, CHILDREN, example_values, record_checks, review_everything, second_lead, submitted_assessment
from smtp_server import Inbox, Server, self_signed, smtp  # noqa: F401 - smtp is a fixture

C = default_criteria()
URL = "https://giaithuong.example.vn"


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return tmp_path


def _people(db):
    """The demo people: the company (Vietnamese), the assessor who reviews (English), the other lead (Vietnamese),
    the brand the company shares with (English)."""
    sme = accounts.user_for_email(db, "sme@demo.vn")
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    accounts.set_language(db, assessor, "en")
    brand = accounts.user_for_email(db, "brand@demo.vn")
    accounts.set_language(db, brand, "en")
    sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    return sme, accounts.get_actor(db, assessor.id), accounts.user_for_email(db, "lead@demo.vn")


def _new_version(db, sme, example="strong", roster=None):
    """A new version answered from an example and submitted; `roster`: with that roster and a clean supplier list
    checked (what an approval needs)."""
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answers(db, sme, draft["id"], example_values(example), C)
    if roster is not None:
        record_checks(db, sme, draft["id"], C, roster=roster)
    workflow.submit(db, sme, draft["id"], C)
    return draft["id"]


def _one(mails, address):
    found = [m for m in mails if m.to == [address]]
    assert len(found) == 1, [(m.to, m.subject) for m in mails]
    return found[0]


def test_with_no_server_configured_email_is_off_and_notifications_stay_in_the_app(data, monkeypatch):
    monkeypatch.delenv("ACCREDITATION_SMTP_HOST", raising=False)
    assert mailer.config() is None and not mailer.enabled()
    db, sme, assessment = submitted_assessment(data)
    rows = list(db["notifications"].rows)
    assert rows and {r["email_status"] for r in rows} == {"off"}
    assert mailer.send_pending(db).sent == 0


def test_every_event_mails_the_right_people_in_their_language_with_a_link(data, smtp):
    db = open_db(data / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme, assessor, lead = _people(db)
    lead2 = second_lead(db)
    company = db["organisations"].get(sme.organisation_id)["name"]

    # submitted: to every assessor outside the company, each in their language
    v1 = _new_version(db, sme)
    mails = smtp.wait_for(3)
    en = _one(mails, "assessor@demo.vn")
    assert en.language == "en" and en.subject == f"New submission to review: {company}"
    assert f"{URL}/queue" in en.body and "version 1" in en.body and en.body.startswith("Hello Trần Văn Minh")
    vi = _one(mails, "lead@demo.vn")
    assert vi.language == "vi" and f"Hồ sơ mới chờ thẩm định: {company}" in vi.subject
    assert "đã nộp bản tự đánh giá phiên bản 1" in vi.body and f"{URL}/queue" in vi.body
    assert not smtp.inbox.to("sme@demo.vn")  # who did it is not told
    assert en.sender == "Child Labour Free Business <giaithuong@vcci.example.vn>"
    assert vi.sender == "Doanh nghiệp hướng tới không sử dụng lao động trẻ em <giaithuong@vcci.example.vn>"

    # changes requested: the company; its statement is suspended: the company and (as a supplier's) the brand
    smtp.inbox.mails.clear()
    review.request_changes(db, assessor, v1, "Vui lòng tải lên chính sách đã ký", C)
    mails = smtp.wait_for(3)
    to_company = sorted(m.subject for m in smtp.inbox.to("sme@demo.vn"))
    assert to_company == ["Cần bổ sung hồ sơ: phiên bản 1",
                          f"Văn bản {workflow.get(db, v1)['certificate_id']} bị tạm đình chỉ"]
    assert all(f"{URL}/results" in m.body for m in smtp.inbox.to("sme@demo.vn"))
    assert "chính sách đã ký" not in "".join(m.body for m in mails)  # comments are read in the app
    brand = _one(mails, "brand@demo.vn")
    assert brand.subject.endswith(f"Supplier {company}: document suspended") and f"{URL}/portfolio" in brand.body

    # approved: the company, with the certificate's id
    v2 = _new_version(db, sme, roster=ADULTS)
    review_everything(db, assessor, v2, C)
    smtp.wait_for(3)
    smtp.inbox.mails.clear()
    cert = review.approve(db, assessor, v2, C)
    approved = _one(smtp.wait_for(1), "sme@demo.vn")
    assert approved.subject.endswith("Đã được công nhận: phiên bản 2") and cert.id in approved.body

    # revoked: the company
    smtp.inbox.mails.clear()
    review.revoke_certificate(db, lead2, cert.id, "khai báo sai")
    revoked = _one(smtp.wait_for(1), "sme@demo.vn")
    assert revoked.subject.endswith(f"Văn bản {cert.id} bị thu hồi") and "khai báo sai" not in revoked.body

    # rejected, disputed (to the assessor who decided), answered (to the company)
    v3 = _new_version(db, sme)
    review.start(db, assessor, v3)
    smtp.wait_for(3)
    smtp.inbox.mails.clear()
    review.reject(db, assessor, v3, "Chưa đủ minh chứng", C)
    rejected = [m for m in smtp.wait_for(2) if "Không được công nhận" in m.subject]
    assert [m.to for m in rejected] == [["sme@demo.vn"]]
    smtp.inbox.mails.clear()
    dispute = workflow.dispute(db, sme, v3, "Đã ký ngày 2/3", C, indicator_id="POL-01")
    opened = _one(smtp.wait_for(1), "assessor@demo.vn")  # assigned: only the assessor who reviewed it
    assert opened.subject.endswith(f"New dispute: {company}") and "(indicator POL-01)" in opened.body
    assert len(smtp.inbox.mails) == 1
    smtp.inbox.mails.clear()
    review.respond_to_dispute(db, assessor, dispute["id"], "Giữ nguyên")
    answered = _one(smtp.wait_for(1), "sme@demo.vn")
    assert "Khiếu nại về phiên bản 3 đã được trả lời" in answered.subject
    assert "Quyết định được giữ nguyên" in answered.body
    assert {r["email_status"] for r in db["notifications"].rows} == {"sent"}


def test_a_dispute_on_unassigned_work_goes_to_the_lead_assessors(data, smtp):
    db = open_db(data / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme, assessor, _ = _people(db)
    plain = accounts.create_user(db, actor=accounts.SYSTEM, email="a2@demo.vn", password="password-2",
                                 role="assessor", organisation_id=assessor.organisation_id)
    v1 = _new_version(db, sme)
    review.reject(db, assessor, v1, "Chưa đủ minh chứng", C)  # decided without starting: still unassigned
    db["assessments"].update(v1, {"assigned_to": None})
    smtp.wait_for(4)
    smtp.inbox.mails.clear()
    workflow.dispute(db, sme, v1, "Đã ký", C)
    mails = smtp.wait_for(2)
    assert sorted(m.to[0] for m in mails) == ["assessor@demo.vn", "lead@demo.vn"]
    assert not db["notifications"].count_where("user_id = ? and kind = 'dispute_opened'", [plain])


def test_a_refused_message_stays_pending_with_its_error_and_is_sent_on_the_next_try(data, smtp):
    smtp.inbox.refuse = "451 4.3.0 Mailbox temporarily unavailable"
    db, sme, assessment = submitted_assessment(data)
    mailer.wait()
    rows = list(db["notifications"].rows)
    assert len(rows) == 2 and not smtp.inbox.mails
    assert {r["email_status"] for r in rows} == {"pending"} and {r["email_attempts"] for r in rows} == {1}
    assert all(r["email_error"].startswith("451 4.3.0") for r in rows)
    smtp.inbox.refuse = None
    assert mailer.send_pending(db).sent == 2
    assert sorted(m.to[0] for m in smtp.inbox.mails) == ["assessor@demo.vn", "lead@demo.vn"]
    assert {r["email_status"] for r in db["notifications"].rows} == {"sent"}
    assert mailer.send_pending(db).sent == 0  # never twice


def test_a_stopped_server_neither_holds_up_the_click_nor_loses_the_notification(data, smtp):
    smtp.stop()
    db, sme, assessment = submitted_assessment(data)
    mailer.wait()
    rows = list(db["notifications"].rows)
    assert {r["email_status"] for r in rows} == {"pending"} and all(r["email_error"] for r in rows)
    smtp.start()
    assert mailer.send_pending(db).sent == 2 and len(smtp.inbox.mails) == 2


def test_a_slow_server_does_not_hold_up_the_click(data, smtp):
    smtp.inbox.delay = 2.0
    db = open_db(data / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answers(db, sme, draft["id"], example_values("strong"), C)
    started = time.monotonic()
    workflow.submit(db, sme, draft["id"], C)
    assert time.monotonic() - started < 1.5  # the e-mail leaves from a background thread
    assert len(smtp.wait_for(2)) == 2


def test_after_the_last_attempt_a_message_is_failed_and_stays_in_the_app(data, smtp):
    smtp.inbox.refuse = "451 4.3.0 try later"
    db, sme, assessment = submitted_assessment(data)
    mailer.wait()
    for _ in range(mailer.MAX_ATTEMPTS - 2):
        assert mailer.send_pending(db).pending == 2
    assert mailer.send_pending(db).failed == 2
    assert mailer.counts(db) == {"pending": 0, "failed": 2, "sent": 0}
    assert mailer.send_pending(db).failed == 0  # given up: not tried again
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    assert notify.unread_count(db, assessor) == 1


def test_a_kind_turned_off_is_not_mailed_but_still_shown(data, smtp):
    db = open_db(data / "accreditation.db")
    accounts.ensure_demo_data(db)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    notify.set_email(db, assessor, "submitted", False)
    assert notify.email_prefs(db, assessor)["submitted"] is False
    submitted_assessment(data)
    assert [m.to for m in smtp.wait_for(1)] == [["lead@demo.vn"]]
    assert notify.unread_count(db, assessor) == 1


def test_no_worker_name_or_id_number_ever_leaves_by_email(data, smtp):
    """A roster with a 14-year-old on the night shift: the submission suspends nothing yet (no document), but the
    assessors are told; later decisions too. No message names a worker."""
    db = open_db(data / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme, assessor, _ = _people(db)
    v1 = _new_version(db, sme, roster=CHILDREN)
    review.reject(db, assessor, v1, "Phạm Thị Dung 14 tuổi làm ca đêm", C)
    mails = smtp.wait_for(3)
    text = "\n".join(m.message.as_string() + m.body for m in mails)
    for name in ("Phạm Thị Dung", "Lê Văn Cường", "Nguyễn Văn An", "E-014", "E-017"):
        assert name not in text


def test_starttls_and_login_with_a_self_signed_certificate(data, smtp, tmp_path, monkeypatch):
    pytest.importorskip("cryptography", reason="makes the test's self-signed certificate")
    import ssl

    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    secure = Server(Inbox(), tls_context=context, users={"app@vcci.example.vn": "app-password-2026"}).start()
    try:
        monkeypatch.setenv("ACCREDITATION_SMTP_PORT", str(secure.port))
        monkeypatch.setenv("ACCREDITATION_SMTP_STARTTLS", "1")
        monkeypatch.setenv("ACCREDITATION_SMTP_CAFILE", str(cert))
        monkeypatch.setenv("ACCREDITATION_SMTP_USER", "app@vcci.example.vn")
        monkeypatch.setenv("ACCREDITATION_SMTP_PASSWORD", "app-password-2026")
        assert mailer.config().describe() == f"127.0.0.1:{secure.port} (STARTTLS)"
        db, _, _ = submitted_assessment(data)
        mails = secure.wait_for(2)
        assert len(mails) == 2 and all(m.tls and m.login == "app@vcci.example.vn" for m in mails)
        assert not smtp.inbox.mails
        # a wrong password: refused, kept pending with the server's reason
        monkeypatch.setenv("ACCREDITATION_SMTP_PASSWORD", "sai-mật-khẩu")
        sme = accounts.user_for_email(db, "sme@demo.vn")
        notify.create(db, [sme.id], "approved", {"company": "Công ty A", "version": 1, "certificate": "VN-CLF-X"})
        mailer.wait()
    finally:
        secure.stop()
    pending = [r for r in db["notifications"].rows if r["email_status"] == "pending"]
    assert pending and all(r["email_error"].startswith("535") for r in pending)


def test_two_senders_at_once_send_each_message_once(data, smtp):
    """The app's background sender and `remind` retrying at the same moment: each claims what it sends."""
    import threading

    from accreditation.store.db import connect, identity

    smtp.stop()
    db, _, _ = submitted_assessment(data)  # two pending: the server was down
    mailer.wait()
    smtp.start()
    smtp.inbox.delay = 0.5
    path = identity(db)
    outcomes = []
    threads = [threading.Thread(target=lambda: outcomes.append(mailer.send_pending(connect(path))))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(o.sent for o in outcomes) == 2 and len(smtp.inbox.mails) == 2


def test_a_sender_with_its_own_display_name_is_kept(data, smtp, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_SMTP_SENDER", "VCCI Giải thưởng <giaithuong@vcci.example.vn>")
    submitted_assessment(data)
    assert {m.sender for m in smtp.wait_for(2)} == {"VCCI Giải thưởng <giaithuong@vcci.example.vn>"}


@pytest.mark.parametrize("env, expected", [
    ({}, None),
    ({"ACCREDITATION_SMTP_HOST": "mail.vcci.vn"}, ("mail.vcci.vn:587 (STARTTLS)", "no-reply@mail.vcci.vn")),
    ({"ACCREDITATION_SMTP_HOST": "mail.vcci.vn", "ACCREDITATION_SMTP_PORT": "465"}, ("mail.vcci.vn:465 (TLS)", None)),
    ({"ACCREDITATION_SMTP_HOST": "relay", "ACCREDITATION_SMTP_STARTTLS": "0"}, ("relay:25 (no TLS)", None)),
    ({"ACCREDITATION_SMTP_HOST": "relay", "ACCREDITATION_SMTP_PORT": "x"}, ("relay:587 (STARTTLS)", None)),
    ({"ACCREDITATION_SMTP_HOST": "m", "ACCREDITATION_SMTP_USER": "app@vcci.vn"}, ("m:587 (STARTTLS)", "app@vcci.vn")),
])
def test_the_server_is_read_from_the_environment(monkeypatch, env, expected):
    for name in ("HOST", "PORT", "STARTTLS", "USER", "PASSWORD", "SENDER", "CAFILE", "TIMEOUT"):
        monkeypatch.delenv(f"ACCREDITATION_SMTP_{name}", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cfg = mailer.config()
    if expected is None:
        assert cfg is None
        return
    assert cfg.describe() == expected[0]
    if expected[1]:
        assert cfg.sender == expected[1]


def test_an_in_memory_database_sends_after_commit_on_its_own_connection(smtp):
    """Threads cannot share an in-memory database: its e-mail leaves at once after the commit instead."""
    from accreditation.store.db import open_db, write_tx

    db = open_db(":memory:")
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name="Công ty B")
    user = accounts.create_user(db, actor=accounts.SYSTEM, email="hr@b.vn", password="password-x", role="sme",
                                organisation_id=org, language="en")
    with write_tx(db):
        notify.create(db, [user], "approved", {"company": "Công ty B", "version": 1, "certificate": "VN-CLF-X"})
        assert not smtp.inbox.mails  # not inside the transaction
    assert [m.to for m in smtp.inbox.mails] == [["hr@b.vn"]] and smtp.inbox.mails[0].subject == "Awarded: version 1"
