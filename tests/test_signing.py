"""Ed25519 signing of document codes: canonical JSON, key files, signatures that any change breaks, a lost key
that is an error rather than a silent new key, and rotation that keeps the old public keys."""

import json
import os
import shutil
import stat
import unicodedata
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accreditation import signing
from accreditation.errors import UserError
from accreditation.store import certificates as reg
from accreditation.store import open_db


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


PAYLOAD = {"id": "VN-CLF-2026-000001", "tax": "0901234567", "tier": "pioneer", "score": "82.5", "vf": False,
           "note": "Hưng Yên"}


def test_canonical_json_is_sorted_compact_ascii_and_nfc():
    raw = signing.canonical_json(PAYLOAD)
    assert raw.isascii()
    assert raw.startswith(b'{"id":"VN-CLF-2026-000001","note":"H\\u01b0ng Y\\u00ean","score":"82.5"')
    assert b'", "' not in raw and b'": ' not in raw
    nfd = {**PAYLOAD, "note": unicodedata.normalize("NFD", "Hưng Yên")}
    assert signing.canonical_json(nfd) == raw
    assert json.loads(raw) == PAYLOAD


@pytest.mark.parametrize("bad", [{"x": float("nan")}, {"x": float("inf")}])
def test_canonical_json_refuses_non_finite_numbers(bad):
    with pytest.raises(ValueError):
        signing.canonical_json(bad)


def test_sign_and_verify_round_trip():
    sig = signing.sign(PAYLOAD)
    assert len(sig) == 86 and "=" not in sig and sig.isascii()
    assert signing.verify(PAYLOAD, sig)
    assert signing.verify(dict(reversed(list(PAYLOAD.items()))), sig)  # key order does not matter


@pytest.mark.parametrize("change", [{"tier": "champion"}, {"score": "82.6"}, {"vf": True}, {"extra": 1}])
def test_any_change_to_the_payload_breaks_the_signature(change):
    sig = signing.sign(PAYLOAD)
    assert not signing.verify({**PAYLOAD, **change}, sig)


def test_a_changed_or_foreign_signature_fails():
    sig = signing.sign(PAYLOAD)
    flipped = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    assert not signing.verify(PAYLOAD, flipped)
    assert not signing.verify(PAYLOAD, sig[:-2])
    assert not signing.verify(PAYLOAD, "not base64!")
    other = Ed25519PrivateKey.generate()
    foreign = signing.b64url_encode(other.sign(signing.canonical_json(PAYLOAD)))
    assert not signing.verify(PAYLOAD, foreign)
    assert signing.verify(PAYLOAD, foreign, other.public_key())


def test_keys_are_made_on_first_use_outside_the_repo_private_key_owner_only(data_dir):
    signing.sign(PAYLOAD)
    private = data_dir / "keys" / signing.PRIVATE_KEY_FILE
    public = data_dir / "keys" / signing.PUBLIC_KEY_FILE
    assert private.exists() and public.exists()
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    assert public.read_text() == signing.public_key_pem()
    assert (data_dir / "keys" / "public" / f"{signing.key_id()}.pem").read_text() == signing.public_key_pem()
    assert signing.public_key_pem().startswith("-----BEGIN PUBLIC KEY-----")
    assert not list(private.parent.glob(".*.tmp")) and not list(private.parent.glob("public/.*.tmp"))


def test_the_key_persists_across_processes(data_dir):
    sig = signing.sign(PAYLOAD)
    kid = signing.key_id()
    signing._keys.clear()  # as if a new process started
    assert signing.key_id() == kid and len(kid) == 16
    assert signing.verify(PAYLOAD, sig)


def test_a_published_public_key_verifies(data_dir):
    sig = signing.sign(PAYLOAD)
    key = signing.load_public_key(signing.public_key_pem())
    assert signing.verify(PAYLOAD, sig, key)
    with pytest.raises(ValueError):
        signing.load_public_key(b"-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")


@pytest.mark.parametrize("text", ["", "abc$", "a b"])
def test_b64url_decode_rejects_garbage(text):
    with pytest.raises(ValueError):
        signing.b64url_decode(text)


def test_b64url_round_trip_without_padding():
    for n in range(1, 10):
        data = bytes(range(n))
        enc = signing.b64url_encode(data)
        assert "=" not in enc and signing.b64url_decode(enc) == data


# ------------------------------------------------------------------------------------- a lost key, rotation


def issue_one(db):
    draft = reg.CertificateDraft(company_name="Cty", tax_code="3709123455", tier="pioneer", score=80.0,
                                 criteria_id="C", criteria_version="1", issued=date(2026, 12, 5),
                                 expires=date(2027, 12, 4), issuer="self-assessment")
    return reg.issue(db, draft, lambda c: b"%PDF-1.4 " + c.id.encode())[0]


def lose_keys(data_dir):
    shutil.rmtree(data_dir / "keys")
    signing._keys.clear()  # as a new process would start


def test_a_new_key_is_made_only_for_an_empty_registry(data_dir):
    db = open_db(":memory:")
    kid = signing.check_ready(db)
    assert kid == signing.key_id() and (data_dir / "keys" / signing.PRIVATE_KEY_FILE).exists()
    assert signing.check_ready(db) == kid  # and kept


def test_a_missing_key_with_documents_in_the_registry_is_an_error(data_dir):
    db = open_db(":memory:")
    issue_one(db)
    lose_keys(data_dir)
    shutil.rmtree(data_dir / "documents")  # even without the kept PDFs, the registry's rows tell
    with pytest.raises(UserError) as caught:
        signing.check_ready(db)
    folder = str(data_dir / "keys")
    assert folder in caught.value.en and folder in caught.value.vi
    assert "backup" in caught.value.en and "sao lưu" in caught.value.vi
    assert not (data_dir / "keys" / signing.PRIVATE_KEY_FILE).exists()  # no key was made behind the error


def test_a_missing_key_with_issued_pdfs_is_an_error_even_for_a_signer_without_the_registry(data_dir):
    issue_one(open_db(":memory:"))
    lose_keys(data_dir)
    for call in (signing.private_key, lambda: signing.sign(PAYLOAD), lambda: issue_one(open_db(":memory:"))):
        with pytest.raises(UserError):
            call()
    assert not (data_dir / "keys" / signing.PRIVATE_KEY_FILE).exists()


def test_rotation_keeps_the_old_public_key_and_signs_with_the_new_one(data_dir):
    db = open_db(":memory:")
    old_sig, old_kid = signing.sign(PAYLOAD), signing.key_id()
    old_private = (data_dir / "keys" / signing.PRIVATE_KEY_FILE).read_bytes()
    assert signing.rotate(db) == (old_kid, signing.key_id())
    new_kid = signing.key_id()
    assert new_kid != old_kid and (data_dir / "keys" / signing.PRIVATE_KEY_FILE).read_bytes() != old_private
    assert set(signing.published_keys()) == {old_kid, new_kid}
    [old_key] = signing.keys_for(old_kid[:8])
    assert signing.verify(PAYLOAD, old_sig, old_key) and not signing.verify(PAYLOAD, old_sig)
    bundle = signing.published_keys_pem()
    assert bundle.count("BEGIN PUBLIC KEY") == 2 and bundle.startswith(signing.public_key_pem())
    assert signing.published_keys_pem(current_only=True) == signing.public_key_pem()
    signing._keys.clear()
    assert signing.key_id() == new_kid  # the new key persists


def test_rotating_after_losing_the_key_needs_key_lost(data_dir):
    db = open_db(":memory:")
    issue_one(db)
    old_kid = signing.key_id()
    (data_dir / "keys" / signing.PRIVATE_KEY_FILE).unlink()
    signing._keys.clear()
    with pytest.raises(UserError):
        signing.rotate(db)
    old, new = signing.rotate(db, key_lost=True)
    assert old is None and new != old_kid
    assert set(signing.published_keys()) == {old_kid, new}  # the lost key's public half is still published
    assert signing.check_ready(db) == new


def test_public_keys_from_a_bundle_and_by_key_id():
    one, two = Ed25519PrivateKey.generate().public_key(), Ed25519PrivateKey.generate().public_key()
    pem = "# published keys\n" + "".join(signing._public_pem(k).decode() for k in (one, two))
    keys = signing.load_public_keys(pem)
    assert [signing.key_id(k) for k in keys] == [signing.key_id(one), signing.key_id(two)]
    assert signing.keys_for(signing.key_id(two)[:8], keys) == [keys[1]]
    assert signing.keys_for("00000000", keys) == [] and signing.keys_for(42, keys) == []
    for bad in ("", "nothing here", "-----BEGIN PUBLIC KEY-----\nAAAA"):
        with pytest.raises(ValueError):
            signing.load_public_keys(bad)
