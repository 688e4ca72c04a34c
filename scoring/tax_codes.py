"""Vietnamese tax codes (mã số thuế, MST) of suppliers: shape, check digit and what kind of taxpayer a code marks.

- Enterprise: 10 digits N1..N10. N1N2 is the province code at registration, N3..N9 a sequence number, N10 the check
  digit: weights (31, 29, 23, 19, 17, 13, 7, 5, 3) over N1..N9, r = sum mod 11, N10 = 10 - r (r = 10 gives 0);
  r = 0 has no valid check digit, so such bodies are never issued and are rejected here. Province `00`, sequence
  `0000000` are rejected too (python-stdnum, stdnum-js, vn-ident agree; see docs/risk-sources.md §3).
- Branch (dependent unit): the parent's 10 digits, `-`, 3 digits 001-999.
- Since 1 July 2025 household businesses and individuals use the 12-digit personal identification number (CCCD) of
  the person or the household's representative as their tax code (Circular 86/2024/TT-BTC). It has no check digit,
  so only its shape is checked. It is personal data: `mask` it in every output and never log it.

Pure: no I/O. `classify` is the scalar form; `classify_series` does the same for a whole column without a Python
loop per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Kind = Literal["enterprise", "branch", "personal_id", "invalid", "missing"]
KINDS: tuple[str, ...] = ("enterprise", "branch", "personal_id", "invalid", "missing")
Error = Literal["", "format", "check_digit", "province_zero", "sequence_zero", "branch_zero"]
ERRORS: tuple[str, ...] = ("", "format", "check_digit", "province_zero", "sequence_zero", "branch_zero")

WEIGHTS = np.array([31, 29, 23, 19, 17, 13, 7, 5, 3], dtype=np.int64)
_SEPARATORS = re.compile(r"[ \t\r\n.]+")
_SHAPE = re.compile(r"([0-9]{10})(?:-([0-9]{3}))?|([0-9]{12})")


def check_digit(body: str) -> str | None:
    """The check digit of a 9-digit body, or None when the body has none (r = 0)."""
    if not re.fullmatch(r"[0-9]{9}", body):
        raise ValueError("the body of a tax code is 9 digits")
    r = int(np.dot(WEIGHTS, [int(c) for c in body])) % 11
    if r == 0:
        return None
    return str((10 - r) % 10)


@dataclass(frozen=True)
class TaxCode:
    raw: str
    code: str  # normalised (separators removed, leading zero restored); "" when missing
    kind: Kind
    error: str = ""  # why an invalid code is invalid
    leading_zero_restored: bool = False

    @property
    def valid(self) -> bool:
        return self.kind in ("enterprise", "branch", "personal_id")

    @property
    def is_personal(self) -> bool:
        """A household business or an individual (a 12-digit personal identification number)."""
        return self.kind == "personal_id"

    @property
    def parent(self) -> str:
        """The enterprise code of a branch (or the code itself)."""
        return self.code[:10] if self.kind in ("enterprise", "branch") else self.code

    def masked(self) -> str:
        """The code as anyone but an assessor may see it (see `hides`)."""
        return mask(self.code) if hides(self.kind, self.code) else self.code


def normalise(raw: object) -> tuple[str, bool]:
    """(code without spaces or dots, whether a leading zero lost by a spreadsheet was restored).

    Excel turns 0100233488 into the number 100233488; a 9-digit code (or 9 + branch) or an 11-digit number is
    restored with its leading zero, which is then checked like any other code."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return "", False
    text = str(raw).strip()
    if re.fullmatch(r"[0-9]+\.0", text):  # a number read as a float
        text = text[:-2]
    text = _SEPARATORS.sub("", text).replace("–", "-").replace("—", "-")
    if re.fullmatch(r"[0-9]{9}(-[0-9]{3})?|[0-9]{11}", text):
        return "0" + text, True
    return text, False


def classify(raw: object) -> TaxCode:
    code, restored = normalise(raw)
    if not code:
        return TaxCode("" if raw is None else str(raw), "", "missing")
    m = _SHAPE.fullmatch(code)
    if not m:
        return TaxCode(str(raw), code, "invalid", "format", restored)
    if m.group(3):
        return TaxCode(str(raw), code, "personal_id", "", restored)
    head, branch = m.group(1), m.group(2)
    if head[:2] == "00" and head[2:9] != "0000000":
        error = "province_zero"
    elif head[2:9] == "0000000":
        error = "sequence_zero"
    elif check_digit(head[:9]) != head[9]:
        error = "check_digit"
    elif branch == "000":
        error = "branch_zero"
    else:
        return TaxCode(str(raw), code, "branch" if branch else "enterprise", "", restored)
    return TaxCode(str(raw), code, "invalid", error, restored)


def is_valid(raw: object) -> bool:
    return classify(raw).valid


MASK = "********"


def hides(kind: str, code: str) -> bool:
    """Whether a code must be masked where people see it: a personal identification number (a household business
    or an individual), and an invalid code long enough to be a mistyped one (11 digits or more, no branch hyphen)."""
    return kind == "personal_id" or (kind == "invalid" and sum(c.isdigit() for c in code) >= 11 and "-" not in code)


def mask(code: str) -> str:
    """All but the last 4 characters hidden behind a fixed-width mask (the length is not told either)."""
    return MASK + code[-4:]


# ------------------------------------------------------------------------------------------------ vectorised


@dataclass(frozen=True)
class TaxCodes:
    """`classify` for a whole column (see `classify_array`): arrow strings and numpy arrays, one item per cell."""

    code: pa.Array  # normalised; "" when missing
    kind: np.ndarray  # int8 index into KINDS
    error: np.ndarray  # int8 index into ERRORS
    restored: np.ndarray  # bool: a leading zero was restored
    display: pa.Array  # the code as it may be shown (`TaxCode.masked`)

    @property
    def personal(self) -> np.ndarray:
        return self.kind == KINDS.index("personal_id")


_CANONICAL = r"^(?:[0-9]{10}(?:-[0-9]{3})?|[0-9]{12})$"
_KIND = {k: np.int8(i) for i, k in enumerate(KINDS)}
_ERROR = {e: np.int8(i) for i, e in enumerate(ERRORS)}


def _as_text(raw: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(raw, pd.Series):
        if not (isinstance(raw.dtype, pd.StringDtype) and raw.dtype.storage == "pyarrow"):
            raw = raw.astype("string[pyarrow]")
        raw = pa.array(raw.array)
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    return raw if raw.type == pa.string() else raw.cast(pa.string())


def _normalise_array(text: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """`normalise` for cells that are not already a clean code (trimmed, nulls as "")."""
    as_float = pc.match_substring_regex(text, r"^[0-9]+\.0$")  # a number read as a float
    text = pc.if_else(as_float, pc.utf8_slice_codeunits(text, 0, -2), text)
    text = pc.replace_substring_regex(pc.replace_substring_regex(text, r"[ \t\r\n.]+", ""), "[–—]", "-")
    restore = pc.match_substring_regex(text, r"^(?:[0-9]{9}(?:-[0-9]{3})?|[0-9]{11})$")
    code = pc.if_else(restore, pc.binary_join_element_wise("0", text, ""), text)
    return code, np.asarray(restore.to_numpy(zero_copy_only=False), dtype=bool)


def classify_array(raw: pd.Series | pa.Array | pa.ChunkedArray) -> TaxCodes:
    """`classify` for a whole column without a Python loop per cell. Most cells of a real list already hold a clean
    code; only the others go through normalisation."""
    text = pc.utf8_trim_whitespace(_as_text(raw).fill_null(""))
    n = len(text)
    clean = np.asarray(pc.match_substring_regex(text, _CANONICAL).to_numpy(zero_copy_only=False), dtype=bool)
    restored = np.zeros(n, dtype=bool)
    shaped = clean.copy()
    code = text
    rest = np.flatnonzero(~clean)
    if len(rest):
        sub, sub_restored = _normalise_array(text.take(pa.array(rest)))
        restored[rest] = sub_restored
        shaped[rest] = np.asarray(pc.match_substring_regex(sub, _CANONICAL).to_numpy(zero_copy_only=False), bool)
        mask = pa.array(~clean)
        code = pc.replace_with_mask(text, mask, sub)
    code = code.cast(pa.string()) if code.type != pa.string() else code
    length = np.asarray(pc.utf8_length(code).to_numpy(zero_copy_only=False))
    missing = length == 0
    personal = shaped & (length == 12)
    ent = np.flatnonzero(shaped & (length != 12))
    kind = np.full(n, _KIND["invalid"], dtype=np.int8)
    error = np.full(n, _ERROR["format"], dtype=np.int8)
    if len(ent):
        kind[ent], error[ent] = _check_enterprise(code, ent, length[ent] == 14)
    kind[personal] = _KIND["personal_id"]
    error[personal] = _ERROR[""]
    kind[missing] = _KIND["missing"]
    error[missing] = _ERROR[""]
    return TaxCodes(code, kind, error, restored & ~missing, _display(code, kind))


def _display(code: pa.Array, kind: np.ndarray) -> pa.Array:
    """`TaxCode.masked` for a whole column: the same rule (`hides`) and the same mask (`mask`)."""
    hidden = kind == _KIND["personal_id"]
    invalid = np.flatnonzero(kind == _KIND["invalid"])
    if len(invalid):
        sub = code.take(pa.array(invalid))
        long_ = pc.and_(pc.greater_equal(pc.count_substring_regex(sub, "[0-9]"), 11),
                        pc.invert(pc.match_substring(sub, "-")))
        hidden[invalid] = np.asarray(long_.to_numpy(zero_copy_only=False), dtype=bool)
    if not hidden.any():
        return code
    masked = pc.binary_join_element_wise(MASK, pc.utf8_slice_codeunits(code, -4), "")
    return pc.if_else(pa.array(hidden), masked, code)


def _check_enterprise(code: pa.Array, ent: np.ndarray, is_branch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(kind, error) of the cells at `ent`, each shaped as 10 digits or 10 digits, `-` and 3: the rules of
    `classify` (province, sequence, check digit, branch) on a digit matrix read straight from the arrow buffer."""
    n = len(code)
    offsets = np.frombuffer(code.buffers()[1], dtype=np.int32)[code.offset:code.offset + n + 1]
    data = np.frombuffer(code.buffers()[2], dtype=np.uint8)
    start = offsets[ent].astype(np.int64)
    digits = data[start[:, None] + np.arange(10)].astype(np.int64) - 48
    r = (digits[:, :9] @ WEIGHTS) % 11
    ok_check = (r != 0) & ((10 - r) % 10 == digits[:, 9])
    seq_zero = (digits[:, 2:9] == 0).all(axis=1)
    prov_zero = (digits[:, 0] == 0) & (digits[:, 1] == 0) & ~seq_zero
    branch_zero = np.zeros(len(ent), dtype=bool)
    branch_zero[is_branch] = (data[start[is_branch, None] + np.arange(11, 14)] == 48).all(axis=1)
    error = np.where(prov_zero, _ERROR["province_zero"], np.where(
        seq_zero, _ERROR["sequence_zero"], np.where(
            ~ok_check, _ERROR["check_digit"], np.where(branch_zero, _ERROR["branch_zero"], _ERROR[""]))))
    kind = np.where(error == _ERROR[""], np.where(is_branch, _KIND["branch"], _KIND["enterprise"]), _KIND["invalid"])
    return kind, error


def classify_series(raw: pd.Series) -> pd.DataFrame:
    """`classify` for a whole column: a frame with `code` (normalised), `kind`, `error`, `restored` and `display`
    (the code as it may be shown: personal ID numbers masked), aligned on `raw`'s index."""
    tc = classify_array(raw)
    return pd.DataFrame({
        "code": pd.Series(pd.arrays.ArrowStringArray(tc.code), index=raw.index, dtype="string"),
        "kind": pd.Categorical.from_codes(tc.kind, categories=KINDS),
        "error": pd.Categorical.from_codes(tc.error, categories=ERRORS),
        "restored": tc.restored,
        "display": pd.Series(pd.arrays.ArrowStringArray(tc.display), index=raw.index, dtype="string"),
    }, index=raw.index)
