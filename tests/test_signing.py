"""Ed25519 signing of certificate codes: canonical JSON, key files, signatures that any change breaks."""

import json
import os
import stat
import unicodedata

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accreditation import signing


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
    assert signing.public_key_pem().startswith("-----BEGIN PUBLIC KEY-----")
    assert not list(private.parent.glob(".*.tmp"))


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
