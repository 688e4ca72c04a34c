"""Bytes to text: UTF-8 (with or without BOM), UTF-16 "Unicode text" from Excel (with or without BOM), cp1258.
A UTF-8 file already in NFC goes to pyarrow as it is (`utf8_fast_path`), saving a 10 MB decode."""

from __future__ import annotations

import codecs

from accreditation.tables.result import TableError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


def decode(data: bytes, filename: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", filename), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", filename), "utf-16"
    head = data[:4000]
    if head and head.count(0) > len(head) // 4:  # UTF-16 without BOM: every other byte of ASCII text is NUL
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return _strict(data, enc, filename), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # Windows Vietnamese; it stores tones as combining marks, hence the NFC below
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError:
        raise TableError.from_key("imports.encoding", file=filename) from None


def _strict(data: bytes, encoding: str, filename: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise TableError.from_key("imports.encoding", file=filename) from None


def utf8_fast_path(data: bytes) -> tuple[str, int] | None:
    """(decoded head, body offset) when the bytes can go to pyarrow as they are: UTF-8 (BOM or not) with no
    combining marks (U+0300-U+036F start with byte 0xCC or 0xCD), so already NFC. Saves decoding 10 MB twice."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\xcc" in data or b"\xcd" in data:
        return None
    head = data[:4000]
    if head.count(0) > len(head) // 4:
        return None
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data[start:start + 65536], final=False)
    except UnicodeDecodeError:
        return None
    return text, start
