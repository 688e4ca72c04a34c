"""Where evidence files and issued documents are kept: one small interface (bytes in, bytes out, by key), two places.

- A local folder (the default, no setting): `data_dir()/<key>`, e.g. `evidence/<sha256>` and `documents/<sha256>.pdf`,
  each file owner-only (0600) and written whole, exactly where earlier versions kept them.
- An S3-compatible object store, shared by every app server behind a load balancer:
  `ACCREDITATION_STORAGE_URL=s3://bucket/prefix`, the server at `ACCREDITATION_S3_ENDPOINT` (unset: AWS itself),
  credentials and region from the usual `AWS_*` variables.

Keys are content addresses (the SHA-256 of the bytes), so an object is never rewritten with other bytes: a put of a
key that exists is harmless, and no reader can see half an object."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from accreditation.errors import UserError
from accreditation.settings import data_dir, write_private

STORAGE_URL_ENV = "ACCREDITATION_STORAGE_URL"
ENDPOINT_ENV = "ACCREDITATION_S3_ENDPOINT"
# The largest object kept or read back: evidence is refused above 10 MB at upload and an issued PDF is far smaller,
# so a bigger object is a mistake (or someone else's bucket) and is never loaded into memory.
MAX_OBJECT_BYTES = 32 * 1024 * 1024
# area/name: lower-case area, then a name of letters, digits, dots, dashes, underscores (no "..", no "/").
KEY = re.compile(r"[a-z]+/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes | None: ...  # None: no such object
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...  # no such object is not an error
    def has_any(self, area: str) -> bool: ...  # at least one object under "area/"


def check_key(key: str) -> str:
    if not KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")  # a programming error: keys are built from digests
    return key


def _check_size(key: str, size: int) -> None:
    if size > MAX_OBJECT_BYTES:
        raise UserError.from_key("errors.storage_too_large", name=key, mb=MAX_OBJECT_BYTES // (1024 * 1024))


class LocalFolder:
    """Files under a folder (the data directory unless given), read and written by this process's user only."""

    def __init__(self, root: Path | None = None):
        self._root = root

    def root(self) -> Path:
        return self._root if self._root is not None else data_dir()  # read each time: tests change the data dir

    def _path(self, key: str) -> Path:
        area, name = check_key(key).split("/")
        folder = self.root() / area
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder / name

    def put(self, key: str, data: bytes) -> None:
        _check_size(key, len(data))
        write_private(self._path(key), data)

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            with path.open("rb") as f:
                _check_size(key, os.fstat(f.fileno()).st_size)
                return f.read()
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def has_any(self, area: str) -> bool:
        folder = self.root() / area
        return folder.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in folder.iterdir())


class S3Store:
    """Objects in one bucket under a prefix, through boto3 (any S3-compatible server: AWS, MinIO, Ceph, moto)."""

    def __init__(self, bucket: str, prefix: str = "", endpoint: str | None = None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"},
                        # a self-hosted server (MinIO) is reached by path, not by bucket.host names
                        s3={"addressing_style": "path" if endpoint else "auto"})
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        # A session of its own: boto3's default session is not thread-safe to create clients from; a client is.
        self._client = boto3.session.Session().client("s3", endpoint_url=endpoint or None, region_name=region,
                                                      config=config)

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _call(self, method: str, **kwargs):
        """One request; a missing object is None, any other failure one line in the user's language."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as e:
            code = str(e.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                return None
            raise UserError.from_key("errors.storage_unavailable", detail=code or "error") from e
        except BotoCoreError as e:
            raise UserError.from_key("errors.storage_unavailable", detail=type(e).__name__) from e

    def put(self, key: str, data: bytes) -> None:
        _check_size(key, len(data))
        self._call("put_object", Key=self._name(key), Body=data, ContentLength=len(data))

    def get(self, key: str) -> bytes | None:
        answer = self._call("get_object", Key=self._name(key))
        if answer is None:
            return None
        body = answer["Body"]
        try:
            _check_size(key, int(answer.get("ContentLength") or 0))
            data = body.read(MAX_OBJECT_BYTES + 1)
            _check_size(key, len(data))  # a server that did not say the length is still bounded
            return data
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        return self._call("head_object", Key=self._name(key)) is not None

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._name(key))

    def has_any(self, area: str) -> bool:
        answer = self._call("list_objects_v2", Prefix=self.prefix + area + "/", MaxKeys=1)
        return bool(answer and answer.get("KeyCount"))


def from_url(url: str | None, endpoint: str | None = None) -> Storage:
    """The storage a URL names: unset or blank is the local data directory, s3://bucket/prefix an object store."""
    url = (url or "").strip()
    if not url:
        return LocalFolder()
    parts = urlsplit(url)
    if parts.scheme == "s3" and parts.netloc and not parts.query and not parts.fragment:
        return S3Store(parts.netloc, parts.path, (endpoint or "").strip() or None)
    if parts.scheme == "file" and parts.path:
        return LocalFolder(Path(parts.path))
    raise UserError.from_key("errors.storage_url", url=url)


def keep(key: str, data: bytes) -> None:
    """Keep content-addressed bytes unless they are kept already (the same file twice is stored once)."""
    store = storage()
    if not store.exists(key):
        store.put(key, data)


_lock = threading.Lock()
_cached: dict[tuple[str, str], Storage] = {}


def storage() -> Storage:
    """This installation's storage, from the environment (a client is made once per setting and shared)."""
    key = (os.environ.get(STORAGE_URL_ENV, "").strip(), os.environ.get(ENDPOINT_ENV, "").strip())
    found = _cached.get(key)
    if found is None:
        with _lock:
            found = _cached.get(key)
            if found is None:
                found = _cached[key] = from_url(*key)
    return found

