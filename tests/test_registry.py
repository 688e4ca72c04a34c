"""The certificate registry: migrations, sequential ids, status on a date, revocation, hashes."""

import hashlib
import threading
from datetime import date, datetime, timezone

import pytest
from postgres import INTEGRITY_ERRORS, sqlite_only

from accreditation.errors import UserError
from accreditation.store import db as store_db
from accreditation.store.db import dialect
from accreditation.store import open_db
from accreditation.store import certificates as reg
from accreditation.store.certificates import CertificateDraft, add_months, expiry_date


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def db():
    return open_db(":memory:")


def draft(issued=date(2026, 12, 5), **changes):
    base = dict(company_name="Công ty TNHH May mặc Thuận An Xanh", tax_code="3709123455", tier="pioneer",
                score=82.5, criteria_id="VN-CLF-REF", criteria_version="2026.1", issued=issued,
                expires=expiry_date(issued, 24), issuer="self-assessment", province="Bình Dương")
    return CertificateDraft(**{**base, **changes})


def fake_pdf(cert):
    return f"%PDF-1.4 {cert.id}".encode()


def test_open_db_applies_the_migrations_once(tmp_path):
    path = tmp_path / "a.db"
    db = open_db(path)
    assert dialect(db) == "postgresql" or db.journal_mode == "wal"
    assert "certificates" in db.table_names()
    applied = [r["name"] for r in db.query("SELECT name FROM _sqlite_migrations WHERE migration_set = 'accreditation'")]
    assert "certificates_0001_create" in applied
    assert not store_db.MIGRATIONS.pending(open_db(path))
    assert store_db.default_path().name == "accreditation.db"


def test_ids_are_sequential_per_year(db):
    ids = [reg.issue(db, draft(), fake_pdf)[0].id for _ in range(3)]
    assert ids == ["VN-CLF-2026-000001", "VN-CLF-2026-000002", "VN-CLF-2026-000003"]
    assert reg.issue(db, draft(issued=date(2027, 1, 2)), fake_pdf)[0].id == "VN-CLF-2027-000001"
    assert reg.issue(db, draft(), fake_pdf)[0].id == "VN-CLF-2026-000004"


def test_the_record_keeps_everything_and_the_pdf_hash(db):
    cert, pdf = reg.issue(db, draft(), fake_pdf)
    assert cert.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    again = reg.get(db, cert.id)
    assert again == cert
    assert again.company_name == "Công ty TNHH May mặc Thuận An Xanh" and again.score == 82.5
    assert again.issued == date(2026, 12, 5) and again.expires == date(2028, 12, 4)
    assert again.issuer == "self-assessment" and again.verified is False
    assert reg.get(db, cert.id.lower()) == cert
    assert reg.get(db, "VN-CLF-2026-999999") is None


def test_a_failed_render_records_nothing_and_uses_no_number(db):
    def boom(cert):
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        reg.issue(db, draft(), boom)
    assert reg.list_certificates(db) == []
    assert reg.issue(db, draft(), fake_pdf)[0].id == "VN-CLF-2026-000001"


def test_status_on_a_date(db):
    cert, _ = reg.issue(db, draft(), fake_pdf)
    assert cert.status(date(2026, 12, 5)) == "active"
    assert cert.status(date(2028, 12, 4)) == "active"  # the last day of validity
    assert cert.status(date(2028, 12, 5)) == "expired"
    revoked = reg.revoke(db, cert.id, "Phát hiện trẻ em 14 tuổi làm việc", "VCCI",
                         at=datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc))
    assert revoked.status(date(2027, 2, 28)) == "active"
    assert revoked.status(date(2027, 3, 1)) == "revoked"
    assert revoked.status(date(2030, 1, 1)) == "revoked"  # revoked wins over expired
    stored = reg.get(db, cert.id)
    assert stored.revoked_reason == "Phát hiện trẻ em 14 tuổi làm việc" and stored.revoked_by == "VCCI"


def test_revocation_needs_a_reason_a_known_id_and_happens_once(db):
    cert, _ = reg.issue(db, draft(), fake_pdf)
    with pytest.raises(UserError, match="reason"):
        reg.revoke(db, cert.id, "  ", "VCCI")
    with pytest.raises(UserError, match="not in the registry"):
        reg.revoke(db, "VN-CLF-2026-999999", "x", "VCCI")
    reg.revoke(db, cert.id, "first", "VCCI")
    with pytest.raises(UserError, match="already revoked"):
        reg.revoke(db, cert.id, "second", "VCCI")
    assert reg.get(db, cert.id).revoked_reason == "first"


def test_list_filters_by_company_and_status(db):
    a, _ = reg.issue(db, draft(), fake_pdf)
    b, _ = reg.issue(db, draft(tax_code="0101234567"), fake_pdf)
    c, _ = reg.issue(db, draft(tax_code="0100109106", issued=date(2020, 1, 1)), fake_pdf)
    reg.revoke(db, b.id, "why", "me")
    assert [x.id for x in reg.list_certificates(db)] == [b.id, a.id, c.id]
    assert [x.id for x in reg.list_certificates(db, tax_code="3709123455")] == [a.id]
    day = date(2027, 1, 1)
    assert [x.id for x in reg.list_certificates(db, status="expired", as_of=day)] == [c.id]
    assert [x.id for x in reg.list_certificates(db, status="revoked", as_of=day)] == [b.id]
    assert [x.id for x in reg.list_certificates(db, status="active", as_of=day)] == [a.id]


def test_a_new_document_supersedes_the_company_s_previous_one(db):
    first, _ = reg.issue(db, draft(), fake_pdf)
    second, _ = reg.issue(db, draft(tier="committed", score=64.0, tax_code="3709-123-455"), fake_pdf)
    old = reg.get(db, first.id)
    assert old.superseded_by == second.id and old.status(date.today()) == "superseded"
    assert old.status(date(2026, 11, 30)) == "active"  # before it was superseded, it held
    assert reg.current(db, "3709123455") == second
    assert reg.successor(db, old) == second
    assert [c.id for c in reg.list_certificates(db, tax_code="3709123455")] == [second.id, first.id]


def test_the_database_refuses_a_second_current_document(db):
    first, _ = reg.issue(db, draft(), fake_pdf)
    row = {k: v for k, v in db["certificates"].get(first.id).items()}
    row.update(id="VN-CLF-2026-000099", seq=99)
    with pytest.raises(INTEGRITY_ERRORS, match="UNIQUE|duplicate key.*certificates_one_current_per_subject"):
        db["certificates"].insert(row)


def test_suspension_keeps_the_document_current_until_a_new_one_replaces_it(db):
    cert, _ = reg.issue(db, draft(), fake_pdf)
    suspended = reg.suspend_current(db, "3709123455", None, "knock-out in version 2: YW-01", "system")
    assert suspended.id == cert.id and suspended.status(date.today()) == "suspended"
    assert reg.suspend_current(db, "3709123455", None, "again", "system") is None  # the first reason stands
    assert reg.get(db, cert.id).suspended_reason == "knock-out in version 2: YW-01"
    assert reg.get(db, cert.id).public_details(date.today())["suspended_reason"].startswith("knock-out")
    new, _ = reg.issue(db, draft(verified=True, issuer="VCCI"), fake_pdf)
    assert reg.get(db, cert.id).status(date.today()) == "superseded"
    assert new.status(date.today()) == "active" and new.assurance == "verified"


def test_revoked_wins_over_superseded_and_suspended(db):
    cert, _ = reg.issue(db, draft(), fake_pdf)
    reg.suspend_current(db, "3709123455", None, "knock-out", "system")
    reg.revoke(db, cert.id, "fraud", "VCCI")
    reg.issue(db, draft(), fake_pdf)
    assert reg.get(db, cert.id).status(date.today()) == "revoked"


def test_a_personal_id_is_masked_wherever_a_verifier_sees_it(db):
    cert, _ = reg.issue(db, draft(tax_code="001204012345"), fake_pdf)
    assert cert.tax_code == "001204012345"  # the registry keeps it for assessors
    assert reg.decode_payload(cert.payload)["tax"] == "********2345"
    assert cert.public_details(date.today())["tax_code"] == "********2345"
    assert "001204012345" not in cert.verification_url()


def test_the_issued_pdf_is_kept_and_its_address_fixed_at_issue(db, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", "https://clf.example.vn/")
    cert, pdf = reg.issue(db, draft(), fake_pdf)
    monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", "https://elsewhere.example")
    stored = reg.get(db, cert.id)
    assert stored.base_url == "https://clf.example.vn"
    assert stored.verification_url().startswith("https://clf.example.vn/?verify=")
    assert reg.issued_pdf(stored) == pdf


@sqlite_only("builds a SQLite file as an older version wrote it")
def test_legacy_rows_get_one_current_document_per_company(tmp_path):
    """A registry written before documents superseded each other: the newest per company stays current."""
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    db = Database(path)
    from accreditation.store.db import MIGRATIONS, _register_migrations

    _register_migrations()
    old = [m for m in MIGRATIONS._migrations if m.name == "certificates_0001_create"][0]
    old.fn(db)
    db.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, "
               "applied_at TEXT)")
    db["_sqlite_migrations"].insert({"migration_set": "accreditation", "name": "certificates_0001_create",
                                     "applied_at": "2026-11-01"})
    base = {"company_name": "X", "tier": "pioneer", "score": 80.0, "criteria_version": "1", "issued": "2026-01-01",
            "expires": "2028-01-01", "verified": 0, "issuer": "self-assessment", "payload": "{}", "signature": "s",
            "pdf_sha256": "h", "recorded_at": "2026-01-01T00:00:00+00:00"}
    for seq, tax in ((1, "3709123455"), (2, "3709123455"), (3, "0101234567")):
        db["certificates"].insert({**base, "id": f"VN-CLF-2026-{seq:06d}", "year": 2026, "seq": seq,
                                   "tax_code": tax})
    db.conn.close()
    migrated = open_db(path)
    assert reg.get(migrated, "VN-CLF-2026-000001").superseded_by == "VN-CLF-2026-000002"
    assert reg.current(migrated, "3709123455").id == "VN-CLF-2026-000002"
    assert reg.current(migrated, "0101234567").id == "VN-CLF-2026-000003"


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 12, 5), 24, date(2028, 12, 4)),
    (date(2026, 1, 31), 1, date(2026, 2, 27)),
    (date(2028, 2, 29), 12, date(2029, 2, 27)),
    (date(2026, 1, 1), 12, date(2026, 12, 31)),
])
def test_expiry_is_the_day_before_the_same_date_later(start, months, expected):
    assert expiry_date(start, months) == expected


def test_add_months_crosses_years():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_concurrent_issuers_never_share_an_id(tmp_path):
    path = tmp_path / "shared.db"
    open_db(path)
    ids, errors = [], []

    def work():
        try:
            db = open_db(path)
            for _ in range(10):
                ids.append(reg.issue(db, draft(), fake_pdf)[0].id)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(ids) == 30 and len(set(ids)) == 30


def test_payload_is_compact_and_signed(db):
    from accreditation import signing

    cert, _ = reg.issue(db, draft(), fake_pdf)
    payload = reg.decode_payload(cert.payload)
    assert payload["id"] == cert.id and payload["tax"] == "3709123455" and payload["score"] == "82.5"
    assert payload["iss"] == "2026-12-05" and payload["exp"] == "2028-12-04" and payload["vf"] is False
    assert payload["crit"] == "VN-CLF-REF 2026.1"
    assert signing.verify_bytes(cert.payload.encode(), cert.signature)
    url = cert.verification_url("https://clf.example.vn")
    assert url.isascii() and url.startswith(f"https://clf.example.vn/?verify={cert.id}&p=")
    assert reg.describe_payload(payload)["expires"] == "2028-12-04"


ISSUER_SCRIPT = """
import sys
from datetime import date
sys.path.insert(0, {root!r})
from accreditation.store import open_db
from accreditation.store import certificates as reg
db = open_db({path!r})
for n in range(15):
    draft = reg.CertificateDraft(company_name="Cty", tax_code="3709123455", tier="pioneer", score=80.0,
                                 criteria_id="C", criteria_version="1", issued=date(2026, 12, 5),
                                 expires=date(2027, 12, 4), issuer="x")
    reg.issue(db, draft, lambda c: c.id.encode())
"""


def test_two_processes_issuing_at_once_leave_one_current_document(tmp_path, data_dir, backend):
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    path = str(tmp_path / "race.db")
    open_db(path)
    from accreditation import signing

    signing.private_key()  # one key for both processes
    script = ISSUER_SCRIPT.format(root=root, path=path)
    procs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    db = open_db(path)
    current = db.execute("SELECT id FROM certificates WHERE superseded_by IS NULL AND revoked_at IS NULL").fetchall()
    assert len(current) == 1 and db["certificates"].count == 30
    newest = db.execute("SELECT id FROM certificates ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert current[0][0] == newest
