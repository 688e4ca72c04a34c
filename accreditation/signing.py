"""Ed25519 signatures for certificate codes, checkable offline with the published public keys.

The current key pair lives in `data_dir()/keys/` (outside the repository; the private key file is readable by its
owner only). Every public key ever used stays in the keyring `keys/public/<key id>.pem`, so documents signed
before a rotation still verify: a payload names its key by `kid` (the key id's first 8 hex digits).

A key is created only for an empty registry. If documents were issued (the keyring or the kept PDFs show it, or
`check_ready(db)` finds rows) and the private key is missing, that is an error: a new key would make every genuine
code look forged. Restore `keys/` from backup, or, knowing what it means, `keys rotate --key-lost`.

What is signed is the canonical JSON of a payload: NFC-normalised strings, sorted keys, separators (",", ":"),
ASCII only (non-ASCII as \\u escapes). Signatures and payloads travel as base64url without padding, so a
verification URL stays ASCII and fits a QR code."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from accreditation.errors import UserError
from accreditation.settings import data_dir

if TYPE_CHECKING:
    from sqlite_utils import Database

PRIVATE_KEY_FILE = "certificate-signing-ed25519.pem"
PUBLIC_KEY_FILE = "certificate-signing-ed25519.pub.pem"  # the current public key, as before the keyring
KEYRING_DIR = "public"  # keys/public/<key id>.pem: every public key ever used
PEM_BEGIN, PEM_END = "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"

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


# ------------------------------------------------------------------------------------------------------ keys


def keyring_dir() -> Path:
    path = key_dir() / KEYRING_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def missing_key_error() -> UserError:
    return UserError.from_key("keys.missing", folder=key_dir())


def _documents_on_disk() -> bool:
    """Issued PDFs kept in the storage (the data directory or the shared object store): documents were signed
    here."""
    from accreditation.storage import storage

    return storage().has_any("documents")


def _registry_has_documents(db: "Database") -> bool:
    from accreditation.store.certificates import TABLE

    return TABLE in db.table_names() and db.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchone() is not None


def check_ready(db: "Database | None" = None) -> str:
    """Refuse to go on without the signing key once documents exist (a new key would make every genuine code look
    forged); on an empty registry make the key. Returns the current key id. Call it at start and before signing
    or verifying."""
    folder = key_dir()
    if not (folder / PRIVATE_KEY_FILE).exists() and db is not None and _registry_has_documents(db):
        raise missing_key_error()
    return key_id(private_key().public_key())


def private_key() -> Ed25519PrivateKey:
    """This installation's current signing key: made on first use for an empty registry, else read."""
    folder = key_dir()
    key = _keys.get(folder)
    if key is None:
        key = _keys[folder] = _load_or_create(folder)
    return key


def _load_or_create(folder: Path) -> Ed25519PrivateKey:
    path = folder / PRIVATE_KEY_FILE
    if not path.exists():
        if _documents_on_disk():
            raise missing_key_error()
        _write_private(path, Ed25519PrivateKey.generate(), replace=False)
    key = _read_private(path)
    _publish(folder, key.public_key())
    return key


def _read_private(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def _write_private(path: Path, key: Ed25519PrivateKey, replace: bool) -> None:
    """Write a private key readable by its owner only, atomically. Without `replace`, a key another process wrote
    first wins (both then use it)."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    tmp = Path(name)
    try:
        os.write(fd, pem)
    finally:
        os.close(fd)
    try:
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # atomic and refuses to overwrite
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def _write_public(path: Path, pem: bytes) -> None:
    if path.exists() and path.read_bytes() == pem:
        return
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.write(fd, pem)
        os.fchmod(fd, 0o644)  # public: anyone may read it
    finally:
        os.close(fd)
    os.replace(name, path)


def _publish(folder: Path, key: Ed25519PublicKey) -> None:
    """Add a public key to the keyring (kept for good) and make it the current public key file."""
    pem = _public_pem(key)
    _write_public(keyring_dir() / f"{key_id(key)}.pem", pem)
    _write_public(folder / PUBLIC_KEY_FILE, pem)


def _public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem() -> str:
    """The current public key (PEM, SubjectPublicKeyInfo)."""
    return _public_pem(public_key()).decode("ascii")


def published_keys() -> dict[str, Ed25519PublicKey]:
    """Every public key this installation has signed with, by key id: the keyring, and the current key. Never
    makes a key (verifying must not)."""
    folder = key_dir()
    if (folder / PRIVATE_KEY_FILE).exists():
        private_key()  # publishes the current key (also one made before the keyring existed)
    found: dict[str, Ed25519PublicKey] = {}
    for path in [*sorted((folder / KEYRING_DIR).glob("*.pem")), folder / PUBLIC_KEY_FILE]:
        try:
            key = load_public_key(path.read_bytes())
        except (OSError, ValueError):
            continue  # a missing or foreign file is no key of ours
        found[key_id(key)] = key
    return found


def published_keys_pem(current_only: bool = False) -> str:
    """The public keys to publish, the current one first: anyone can check codes with them, older ones included."""
    current = key_id(public_key())
    keys = {current: public_key()} if current_only else published_keys()
    order = [current, *sorted(k for k in keys if k != current)]
    return "".join(_public_pem(keys[k]).decode("ascii") for k in order if k in keys)


def load_public_key(pem: bytes | str) -> Ed25519PublicKey:
    """A published public key (PEM); raises ValueError if it is not an Ed25519 public key."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def load_public_keys(pem: bytes | str) -> list[Ed25519PublicKey]:
    """Every public key in a file of one or more PEM blocks (as `keys export-public` writes); raises ValueError
    if there is none or one is not an Ed25519 public key."""
    text = pem.decode("ascii", "replace") if isinstance(pem, bytes) else pem
    keys, start = [], text.find(PEM_BEGIN)
    while start >= 0:
        end = text.find(PEM_END, start)
        if end < 0:
            raise ValueError("unterminated PEM block")
        keys.append(load_public_key(text[start:end + len(PEM_END)] + "\n"))
        start = text.find(PEM_BEGIN, end)
    if not keys:
        raise ValueError("no public key (PEM) found")
    return keys


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short fingerprint of a public key (first 8 bytes of SHA-256 of the raw key, hex)."""
    raw = (key or public_key()).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def keys_for(kid: object, keys: Iterable[Ed25519PublicKey] | None = None) -> list[Ed25519PublicKey]:
    """The public keys whose id starts with a payload's `kid` (8 hex digits), among `keys` (default: this
    installation's published keys). A payload without a kid may be checked against all of them."""
    pool = {key_id(k): k for k in keys} if keys is not None else published_keys()
    if kid is None:
        return list(pool.values())
    if not isinstance(kid, str) or not kid:
        return []
    return [k for i, k in pool.items() if i.startswith(kid.lower())]


def rotate(db: "Database | None" = None, key_lost: bool = False) -> tuple[str | None, str]:
    """Make a new signing key; the old public key stays in the keyring, so documents it signed still verify.
    The old private key is overwritten (a rotation limits what a leaked key can sign). With the private key
    missing while documents exist, only `key_lost` (restoring from backup failed) allows a new one.
    Returns (old key id or None, new key id)."""
    folder = key_dir()
    path = folder / PRIVATE_KEY_FILE
    old = None
    if path.exists():
        current = _read_private(path).public_key()
        _publish(folder, current)
        old = key_id(current)
    elif not key_lost and (_documents_on_disk() or (db is not None and _registry_has_documents(db))):
        raise missing_key_error()
    new = Ed25519PrivateKey.generate()
    _write_private(path, new, replace=True)
    _publish(folder, new.public_key())
    _keys[folder] = new
    return old, key_id(new.public_key())


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
