"""The storage interface's contract, run alike against the local folder and a real S3-compatible server on localhost
(moto's server mode over HTTP); then an evidence upload and an issued document through the workflow land in the
object store when one is configured, and a second app server without the shared signing key refuses to sign."""

from __future__ import annotations

import hashlib
import itertools
import stat
import threading
from datetime import date

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, signing, storage, workflow
from accreditation.errors import UserError
from accreditation.store import certificates as registry
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria
from s3_server import CREDENTIALS, client, free_port, make_bucket, s3_server

pytest.importorskip("moto")

_buckets = itertools.count(1)


@pytest.fixture(scope="module")
def endpoint():
    with s3_server() as url:
        yield url


@pytest.fixture
def s3_env(endpoint, monkeypatch):
    """A fresh bucket on the local server, and the environment variables an installation sets to use it."""
    bucket = f"evidence-{next(_buckets)}"
    make_bucket(endpoint, bucket)
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("ACCREDITATION_STORAGE_URL", f"s3://{bucket}/award/")
    monkeypatch.setenv("ACCREDITATION_S3_ENDPOINT", endpoint)
    return bucket


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    if request.param == "s3":
        request.getfixturevalue("s3_env")
    made = storage.storage()
    assert isinstance(made, storage.S3Store if request.param == "s3" else storage.LocalFolder)
    return made


def key(data: bytes, area: str = "evidence") -> str:
    return f"{area}/{hashlib.sha256(data).hexdigest()}"


# ------------------------------------------------------------------------------------------- the contract


@pytest.mark.parametrize("data", [b"%PDF-1.4 policy", bytes(range(256)) * 64, b""])
def test_bytes_come_back_as_they_were_put(store, data):
    k = key(data)
    assert not store.exists(k) and store.get(k) is None
    store.put(k, data)
    assert store.exists(k)
    assert store.get(k) == data
    store.put(k, data)  # content-addressed: keeping the same file again is harmless
    assert store.get(k) == data


def test_delete_removes_and_deleting_nothing_is_fine(store):
    k = key(b"gone soon")
    store.put(k, b"gone soon")
    store.delete(k)
    assert not store.exists(k) and store.get(k) is None
    store.delete(k)


def test_has_any_looks_at_one_area_only(store):
    assert not store.has_any("documents")
    store.put(key(b"ev"), b"ev")
    assert not store.has_any("documents")
    pdf_key = key(b"%PDF doc", "documents") + ".pdf"
    store.put(pdf_key, b"%PDF doc")
    assert store.has_any("documents") and store.has_any("evidence")
    store.delete(pdf_key)
    assert not store.has_any("documents")


@pytest.mark.parametrize("bad", ["../etc/passwd", "evidence/../keys", "/evidence/x", "evidence/a/b", "evidence/",
                                 "", "evidence", "Evidence/x", "evidence/.hidden", "evidence/x y", "evidence/x\n"])
def test_a_key_that_could_leave_its_area_is_refused(store, bad):
    for call in (lambda: store.put(bad, b"x"), lambda: store.get(bad), lambda: store.exists(bad),
                 lambda: store.delete(bad)):
        with pytest.raises(ValueError):
            call()


def test_sizes_are_bounded_both_ways(store, monkeypatch):
    monkeypatch.setattr(storage, "MAX_OBJECT_BYTES", 1000)
    store.put("evidence/at-limit", b"a" * 1000)
    with pytest.raises(UserError) as info:
        store.put("evidence/too-big", b"a" * 1001)
    assert not store.exists("evidence/too-big")
    monkeypatch.setattr(storage, "MAX_OBJECT_BYTES", 5000)
    store.put("evidence/grown", b"b" * 3000)  # kept under a larger limit (or by another program) ...
    monkeypatch.setattr(storage, "MAX_OBJECT_BYTES", 1000)
    with pytest.raises(UserError) as info:  # ... is not loaded whole into memory under a smaller one
        store.get("evidence/grown")
    assert "evidence/grown" in info.value.en and "evidence/grown" in info.value.vi


def test_many_threads_keeping_the_same_file_at_once(store):
    """Two sessions of one server uploading the same file at the same moment: both succeed, the file is whole."""
    data = bytes(range(256)) * 400
    k = key(data)
    errors: list[BaseException] = []

    def keep():
        try:
            for _ in range(10):
                store.put(k, data)
                assert store.get(k) == data
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=keep) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.get(k) == data


# --------------------------------------------------------------------------------- each place's own rules


def test_the_local_folder_is_where_earlier_versions_kept_files_and_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "abc123").write_bytes(b"kept by an earlier version")
    local = storage.storage()
    assert local.get("evidence/abc123") == b"kept by an earlier version"
    local.put("documents/def456.pdf", b"%PDF-1.4")
    path = tmp_path / "documents" / "def456.pdf"
    assert path.read_bytes() == b"%PDF-1.4"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "documents").iterdir()] == ["def456.pdf"]  # no temporary file left over


def test_objects_live_under_the_prefix_and_prefixes_do_not_see_each_other(store, s3_env, endpoint, monkeypatch):
    if not isinstance(store, storage.S3Store):
        pytest.skip("an object store's own rule")
    store.put("evidence/one", b"1")
    names = [o["Key"] for o in client(endpoint).list_objects_v2(Bucket=s3_env)["Contents"]]
    assert names == ["award/evidence/one"]
    monkeypatch.setenv("ACCREDITATION_STORAGE_URL", f"s3://{s3_env}/other-office")
    other = storage.storage()
    assert other is not store and other.get("evidence/one") is None and not other.has_any("evidence")


def test_an_object_store_that_does_not_answer_is_one_line_in_both_languages(s3_env, endpoint, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_S3_ENDPOINT", f"http://127.0.0.1:{free_port()}")  # nobody listens there
    with pytest.raises(UserError) as info:
        storage.storage().get("evidence/x")
    assert "object store" in info.value.en and "kho đối tượng" in info.value.vi
    monkeypatch.setenv("ACCREDITATION_S3_ENDPOINT", endpoint)  # a live server without the bucket
    monkeypatch.setenv("ACCREDITATION_STORAGE_URL", "s3://no-such-bucket/x")
    with pytest.raises(UserError) as info:
        storage.storage().put("evidence/x", b"x")
    assert "NoSuchBucket" in info.value.en


@pytest.mark.parametrize("url, bucket, prefix", [("s3://award/prod", "award", "prod/"), ("s3://award", "award", ""),
                                                 ("s3://award/a/b/", "award", "a/b/")])
def test_an_s3_address_names_a_bucket_and_a_prefix(url, bucket, prefix, monkeypatch):
    for k, v in CREDENTIALS.items():
        monkeypatch.setenv(k, v)
    made = storage.from_url(url, "http://127.0.0.1:9")
    assert (made.bucket, made.prefix) == (bucket, prefix)


def test_a_file_address_is_a_folder_shared_by_mount(tmp_path):
    made = storage.from_url(f"file://{tmp_path}/shared")
    made.put("evidence/x", b"x")
    assert (tmp_path / "shared" / "evidence" / "x").read_bytes() == b"x"


@pytest.mark.parametrize("url", ["http://minio:9000/bucket", "s3:///prefix-only", "s3://b/p?versionId=1", "bucket",
                                 "file://"])
def test_a_storage_address_that_names_no_store_is_refused_naming_the_variable(url):
    with pytest.raises(UserError) as info:
        storage.from_url(url)
    assert "ACCREDITATION_STORAGE_URL" in info.value.en and "ACCREDITATION_STORAGE_URL" in info.value.vi


# ------------------------------------------------------------------------------ through the application


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "replica-a"))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    database = open_db(tmp_path / "shared.db")
    yield database
    database.close()


def bucket_names(endpoint: str, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in client(endpoint).list_objects_v2(Bucket=bucket).get("Contents", []))


def test_an_evidence_upload_lands_in_the_object_store_and_every_server_reads_it(db, s3_env, endpoint, tmp_path,
                                                                                monkeypatch):
    criteria = default_criteria()
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name="Công ty TNHH Thử")
    uid = accounts.create_user(db, actor=accounts.SYSTEM, email="hr@example.vn", password="long-enough", role="sme",
                               organisation_id=org)
    sme = accounts.get_actor(db, uid)
    draft = workflow.start_draft(db, sme, org, criteria)
    policy = b"%PDF-1.4 child labour policy"
    workflow.add_evidence(db, sme, draft["id"], "POL-01", "chính sách.pdf", policy, criteria)
    digest = hashlib.sha256(policy).hexdigest()
    assert bucket_names(endpoint, s3_env) == [f"award/evidence/{digest}"]
    assert not (tmp_path / "replica-a" / "evidence").exists()  # nothing on this server's own disk
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "replica-b"))  # another app server
    [row] = workflow.evidence_files(db, draft["id"], "POL-01")
    assert workflow.evidence_bytes(row) == policy


def draft_document() -> registry.CertificateDraft:
    issued = date(2026, 12, 5)
    return registry.CertificateDraft(company_name="Công ty TNHH Thử", tax_code="3709123455", tier="pioneer", score=82.5,
                                     criteria_id="VN-CLF-REF", criteria_version="2026.1", issued=issued,
                                     expires=registry.expiry_date(issued, 24), issuer="self-assessment")


def test_an_issued_document_is_kept_in_the_object_store_and_a_server_without_the_key_refuses_to_sign(
        db, s3_env, endpoint, tmp_path, monkeypatch):
    cert, pdf = registry.issue(db, draft_document(), lambda c: b"%PDF-1.4 " + c.id.encode())
    assert bucket_names(endpoint, s3_env) == [f"award/documents/{cert.pdf_sha256}.pdf"]
    assert registry.issued_pdf(registry.get(db, cert.id)) == pdf
    # A second server whose data directory lacks the shared key: documents exist, so it must not make a new key
    # (every genuine code would then look forged), even before it opens the registry.
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "replica-b"))
    with pytest.raises(UserError) as info:
        signing.private_key()
    assert info.value.en == signing.missing_key_error().en
