"""Integrity when two processes act at once on one database (as two app servers or two browser tabs would): saves
racing a submission, two assessors approving the same assessment, two issuers recording a company's document.
Every test runs on each backend (`backend`: a SQLite file, and a PostgreSQL schema when a test server is set),
since what serialises the writers differs: BEGIN IMMEDIATE in SQLite, the schema's advisory lock in PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, workflow
from accreditation.store import audit
from accreditation.store import certificates as registry
from accreditation.store.db import open_db
from postgres import sqlite_only
from criteria.datafiles import default_criteria
from seed import example_values, record_checks, review_everything, second_lead

ROOT = Path(__file__).resolve().parent.parent
C = default_criteria()
COMPANIES = 6

PRELUDE = f"""
import sys, json
sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / "tests")!r})
from accreditation import accounts, review, workflow
from accreditation.errors import UserError
from accreditation.store.db import open_db
from postgres import sqlite_only
from criteria.datafiles import default_criteria
C = default_criteria()
db = open_db(sys.argv[1])
ids = json.loads(sys.argv[2])
"""

SUBMITTER = PRELUDE + """
import time
for n, aid in enumerate(ids):
    time.sleep(0.02 * (n % 3))
    a = workflow.get(db, aid)
    actor = accounts.get_actor(db, db.execute("select created_by from assessments where id = ?", [aid]).fetchone()[0])
    workflow.submit(db, actor, aid, C)
"""

SAVER = PRELUDE + """
locked = set()
saves = 0
value = "no"
while len(locked) < len(ids):
    for aid in ids:
        if aid in locked:
            continue
        actor = accounts.get_actor(db, db.execute("select created_by from assessments where id = ?", [aid]).fetchone()[0])
        value = "partly" if value == "no" else "no"
        try:
            workflow.save_answer(db, actor, aid, "FAM-01", value, C)
            saves += 1
        except UserError:
            locked.add(aid)
print(saves)
"""

APPROVER = PRELUDE + """
actor = accounts.user_for_email(db, sys.argv[3])
won = []
for aid in ids:
    try:
        won.append(review.approve(db, actor, aid, C).id)
    except UserError:
        pass
print(json.dumps(won))
"""


@pytest.fixture
def shared(tmp_path, monkeypatch, backend):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    path = tmp_path / "shared.db"
    db = open_db(path)
    accounts.ensure_demo_data(db)
    from accreditation import signing

    signing.private_key()  # one signing key, made before the processes start
    return db, path


def _companies(db, n: int) -> list[int]:
    ids = []
    for i in range(n):
        org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name=f"Công ty {i}",
                                           tax_code=["0100112437", "0100233488", "0101234567", "0100109106",
                                                     "3709123455", "0300588569"][i])
        sme = accounts.get_actor(db, accounts.create_user(db, actor=accounts.SYSTEM, email=f"c{i}@x.vn",
                                                          password="password-x", role="sme", organisation_id=org))
        draft = workflow.start_draft(db, sme, org, C)
        workflow.save_answers(db, sme, draft["id"], example_values("strong"), C)
        record_checks(db, sme, draft["id"], C)
        ids.append(draft["id"])
    return ids


def _run(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_a_save_racing_a_submit_is_refused_whole_never_half_applied(shared):
    db, path = shared
    ids = _companies(db, COMPANIES)
    saver = _run(SAVER, str(path), json.dumps(ids))
    submitter = _run(SUBMITTER, str(path), json.dumps(ids))
    assert submitter.wait(timeout=300) == 0, submitter.stderr.read()
    assert saver.wait(timeout=300) == 0, saver.stderr.read()
    assert int(saver.stdout.read()) > 0  # the saver did save while the drafts were open
    fresh = open_db(path)
    for aid in ids:
        entries = audit.entries(fresh, "assessment", aid)
        submitted_at = next(n for n, e in enumerate(entries) if e["action"] == "assessment.submit")
        assert all(e["action"] != "answer.save" for e in entries[submitted_at:]), aid
        stored = workflow.get(fresh, aid)
        # what the version holds is what was scored and locked
        assert workflow.evaluate(fresh, aid, C).total == stored["total"]
        assert json.loads(entries[submitted_at]["after"])["total"] == stored["total"]


def test_two_assessors_approving_at_once_leave_one_current_certificate(shared):
    db, path = shared
    ids = _companies(db, 4)
    from accreditation import review

    lead = accounts.user_for_email(db, "assessor@demo.vn")
    second_lead(db)  # lead2@demo.vn, who approves in the second process
    lead3 = accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="lead3@demo.vn", password="password-3", role="assessor",
        organisation_id=lead.organisation_id, lead=True))
    for aid in ids:
        sme = accounts.get_actor(db, workflow.get(db, aid)["created_by"])
        workflow.submit(db, sme, aid, C)
        review_everything(db, lead, aid, C)  # signed off by the second lead
        review.sign_off(db, lead3, aid)  # and by a third: either of the first two may approve
    before = db["certificates"].count
    a = _run(APPROVER, str(path), json.dumps(ids), "assessor@demo.vn")
    b = _run(APPROVER, str(path), json.dumps(ids), "lead2@demo.vn")
    assert a.wait(timeout=300) == 0, a.stderr.read()
    assert b.wait(timeout=300) == 0, b.stderr.read()
    won = json.loads(a.stdout.read()) + json.loads(b.stdout.read())
    fresh = open_db(path)
    assert len(won) == len(ids) and fresh["certificates"].count == before + len(ids)
    for aid in ids:
        assessment = workflow.get(fresh, aid)
        cert = registry.get(fresh, assessment["certificate_id"])
        assert assessment["status"] == "approved" and cert.verified and cert.id in won
        org = fresh["organisations"].get(assessment["organisation_id"])
        assert registry.current(fresh, org["tax_code"]).id == cert.id


def test_fifty_wrong_passwords_at_once_lock_the_account_after_exactly_five(shared):
    """Each attempt has its own connection (as each app session has): five are checked and refused as wrong, the
    other 45 find the account locked, and so does the right password afterwards."""
    from concurrent.futures import ThreadPoolExecutor

    from accreditation.errors import UserError

    db, path = shared
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name="Xưởng Thử Khóa")
    accounts.create_user(db, actor=accounts.SYSTEM, email="lock@example.vn", password="the-right-one",
                         role="sme", organisation_id=org)

    def attempt(_: int) -> str:
        conn = open_db(path)
        try:
            accounts.authenticate(conn, "lock@example.vn", "a-wrong-one")
        except UserError as exc:
            return "locked" if "locked" in exc.en else "wrong"
        finally:
            conn.close()
        return "signed in"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(attempt, range(50)))
    assert outcomes.count("wrong") == accounts.MAX_FAILURES and outcomes.count("locked") == 50 - accounts.MAX_FAILURES
    with pytest.raises(UserError, match="locked"):
        accounts.authenticate(db, "lock@example.vn", "the-right-one")
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'user.locked'").fetchone()[0] == 1


def test_twenty_people_saving_at_once_lose_no_answer(shared):
    """Twenty sessions, each on its own connection as in the app, save answers at the same time, some into the
    same company's draft (two colleagues): no save fails, and every answer saved is the one stored."""
    from concurrent.futures import ThreadPoolExecutor

    db, path = shared
    drafts = []
    for i in range(10):
        org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name=f"Xưởng {i}")
        people = [accounts.get_actor(db, accounts.create_user(
            db, actor=accounts.SYSTEM, email=f"p{i}-{k}@x.vn", password="password-x", role="sme",
            organisation_id=org)) for k in range(2)]
        drafts.append((people, workflow.start_draft(db, people[0], org, C)["id"]))
    ids = [i.id for i in C.indicators if i.section != "PRO" and i.relevant is None and not i.derived_from
           and i.choices][:12]
    work = [(people[k], draft, ids[k::2]) for people, draft in drafts for k in range(2)]  # 20 sessions

    def session(job) -> int:
        person, draft, mine = job
        conn = open_db(path)
        failed = 0
        try:
            for indicator in mine:
                value = C.indicator(indicator).choices[0].name
                try:
                    workflow.save_answer(conn, person, draft, indicator, value, C)
                except Exception:  # noqa: BLE001 - any failure is a lost save
                    failed += 1
        finally:
            conn.close()
        return failed

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert sum(pool.map(session, work)) == 0
    for _, draft in drafts:
        stored = workflow.answer_set(db, draft).values
        assert {k: v for k, v in stored.items() if k in ids} == {i: C.indicator(i).choices[0].name for i in ids}


ISSUER = """
import sys, time
from datetime import date
sys.path.insert(0, {root!r})
from accreditation.store import open_db
from accreditation.store import certificates as registry
db = open_db(sys.argv[1])
start = float(sys.argv[2])
while time.time() < start:  # both processes start issuing at the same moment
    time.sleep(0.001)
for n in range({n}):
    draft = registry.CertificateDraft(company_name="Công ty 0", tax_code="0100112437", tier="pioneer", score=80.0,
                                      criteria_id="C", criteria_version="1", issued=date(2026, 12, 5),
                                      expires=date(2027, 12, 4), issuer=sys.argv[3], organisation_id=1)
    registry.issue(db, draft, lambda c: c.id.encode())
"""


def test_two_processes_issuing_a_companys_document_at_once_leave_exactly_one_current(shared, backend):
    """The registry's read-then-write (the year's next number, superseding the current document, the new row) under
    two writers at once: every document gets its own number, and the company is left with one current document,
    the last one issued, each earlier one superseded by its successor."""
    import time

    db, path = shared
    n = 12
    script = ISSUER.format(root=str(ROOT), n=n)
    start = str(time.time() + 3)  # both interpreters up and connected before then
    procs = [_run(script, str(path), start, who) for who in ("issuer-a", "issuer-b")]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    fresh = open_db(path)
    rows = fresh.execute_returning_dicts(
        "SELECT id, seq, issuer, superseded_by FROM certificates WHERE subject = ? ORDER BY seq",
        [registry.subject_of("0100112437", 1)])
    assert len(rows) == 2 * n and len({r["id"] for r in rows}) == 2 * n
    assert [r["seq"] for r in rows] == list(range(rows[0]["seq"], rows[0]["seq"] + 2 * n))
    current = [r for r in rows if r["superseded_by"] is None]
    assert len(current) == 1 and current[0]["id"] == rows[-1]["id"]
    assert all(r["superseded_by"] == nxt["id"] for r, nxt in zip(rows, rows[1:]))
    assert {r["issuer"] for r in rows} == {"issuer-a", "issuer-b"}  # both did issue
    assert registry.current(fresh, "0100112437", 1).id == rows[-1]["id"]


@sqlite_only("another process's raw SQLite write lock; PostgreSQL queues writers on an advisory lock")
def test_a_writer_that_waits_too_long_is_told_the_server_is_busy_and_nothing_is_half_saved(tmp_path, monkeypatch):
    """Another process holding the write lock past the busy timeout: the user reads one sentence saying to try
    again (not "unexpected error"), and nothing of the attempt is stored."""
    import sqlite3
    import threading

    from accreditation.errors import UserError
    from accreditation.store import db as store_db

    path = tmp_path / "busy.db"
    open_db(path)
    monkeypatch.setattr(store_db, "BUSY_SECONDS", 0.3)
    mine = store_db.connect(path)
    other = sqlite3.connect(path, isolation_level=None)  # another process, outside this one's writer lock
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(UserError, match="busy") as refused:
            with store_db.write_tx(mine):
                mine.execute("CREATE TABLE should_not_exist (x)")
        assert "try again" in str(refused.value)
    finally:
        other.execute("ROLLBACK")
    assert "should_not_exist" not in mine.table_names()
    # threads of one process queue on the writer lock instead of polling SQLite: 20 writers, none refused
    monkeypatch.setattr(store_db, "BUSY_SECONDS", 30)
    store_db.connect(path).execute("CREATE TABLE n (x)")
    failures: list[Exception] = []

    def write(i: int) -> None:
        conn = store_db.connect(path)
        try:
            with store_db.write_tx(conn):
                conn.execute("INSERT INTO n VALUES (?)", [i])
        except Exception as exc:  # noqa: BLE001 - the test counts them
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and store_db.connect(path).execute("SELECT count(*) FROM n").fetchone()[0] == 20
