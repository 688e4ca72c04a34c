"""Ed25519 signatures for certificate codes, checkable offline with the published public key.

The key pair is made on first use in `data_dir()/keys/` (outside the repository; the private key file is
readable by its owner only). What is signed is the canonical JSON of a payload: NFC-normalised strings, sorted
keys, separators (",", ":"), ASCII only (non-ASCII as \\u escapes). Signatures and payloads travel as base64url
without padding, so a verification URL stays ASCII and fits a QR code."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from accreditation.settings import data_dir

PRIVATE_KEY_FILE = "certificate-signing-ed25519.pem"
PUBLIC_KEY_FILE = "certificate-signing-ed25519.pub.pem"

_keys: dict[Path, Ed25519PrivateKey] = {}


def key_dir() -> Path:
    path = data_dir() / "keys"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nfc(v) for v in value]
    return value


def canonical_json(payload: dict[str, Any]) -> bytes:
    """The exact bytes that are signed. Floats are avoided by convention (scores travel as strings)."""
    return json.dumps(_nfc(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raises ValueError on anything else."""
    text = text.strip()
    if not text or any(c not in _B64URL for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")


def private_key() -> Ed25519PrivateKey:
    """This installation's signing key, generated on first use."""
    folder = key_dir()
    key = _keys.get(folder)
    if key is None:
        key = _keys[folder] = _load_or_create(folder)
    return key


def _load_or_create(folder: Path) -> Ed25519PrivateKey:
    path = folder / PRIVATE_KEY_FILE
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        fd, name = tempfile.mkstemp(prefix=f".{PRIVATE_KEY_FILE}.", suffix=".tmp", dir=folder)  # mode 0600
        tmp = Path(name)
        try:
            os.write(fd, pem)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic and refuses to overwrite: if another process won the race, use its key
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    public = folder / PUBLIC_KEY_FILE
    pem = _public_pem(key.public_key())
    if not public.exists() or public.read_bytes() != pem:
        public.write_bytes(pem)
    return key


def _public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem() -> str:
    """The public key to publish (PEM, SubjectPublicKeyInfo): anyone can check certificate codes with it."""
    return _public_pem(public_key()).decode("ascii")


def load_public_key(pem: bytes | str) -> Ed25519PublicKey:
    """A published public key (PEM); raises ValueError if it is not an Ed25519 public key."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short fingerprint of a public key (first 8 bytes of SHA-256 of the raw key, hex)."""
    raw = (key or public_key()).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(payload: dict[str, Any]) -> str:
    """The signature over the canonical JSON of `payload`, base64url without padding (86 characters)."""
    return b64url_encode(private_key().sign(canonical_json(payload)))


def verify_bytes(message: bytes, signature: str, key: Ed25519PublicKey | None = None) -> bool:
    """True if `signature` (base64url) is this key's signature over exactly `message`."""
    try:
        raw = b64url_decode(signature)
    except ValueError:
        return False
    if len(raw) != 64:
        return False
    try:
        (key or public_key()).verify(raw, message)
    except InvalidSignature:
        return False
    return True


def verify(payload: dict[str, Any], signature: str, key: Ed25519PublicKey | None = None) -> bool:
    return verify_bytes(canonical_json(payload), signature, key)
