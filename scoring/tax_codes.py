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
        return mask(self.code) if self.kind == "personal_id" else self.code


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


def mask(code: str) -> str:
    """A personal identification number with all but its last 4 digits hidden."""
    return "*" * max(len(code) - 4, 0) + code[-4:]


# ------------------------------------------------------------------------------------------------ vectorised


def classify_series(raw: pd.Series) -> pd.DataFrame:
    """`classify` for a whole column: a frame with `code` (normalised), `kind`, `error`, `restored` and `display`
    (the code as it may be shown: personal ID numbers masked), aligned on `raw`'s index."""
    text = raw.astype("string").fillna("").str.strip()
    as_float = text.str.fullmatch(r"[0-9]+\.0").fillna(False).astype(bool)  # a number read as a float
    text = text.where(~as_float, text.str.slice(0, -2))
    text = text.str.replace(r"[ \t\r\n.]+", "", regex=True).str.replace(r"[–—]", "-", regex=True)
    restore = text.str.fullmatch(r"[0-9]{9}(?:-[0-9]{3})?|[0-9]{11}").fillna(False).astype(bool)
    code = text.where(~restore, "0" + text)

    n = len(code)
    kind = np.full(n, "invalid", dtype=object)
    error = np.full(n, "format", dtype=object)
    missing = (code == "").to_numpy(dtype=bool)
    personal = code.str.fullmatch(r"[0-9]{12}").fillna(False).to_numpy(dtype=bool)
    ent = code.str.fullmatch(r"[0-9]{10}(?:-[0-9]{3})?").fillna(False).to_numpy(dtype=bool)

    if ent.any():
        heads = code[ent].str.slice(0, 10)
        digits = (np.frombuffer("".join(heads.tolist()).encode("ascii"), dtype=np.uint8)
                  .reshape(-1, 10).astype(np.int64) - 48)
        r = (digits[:, :9] @ WEIGHTS) % 11
        expected = (10 - r) % 10
        ok_check = (r != 0) & (expected == digits[:, 9])
        seq_zero = (digits[:, 2:9] == 0).all(axis=1)
        prov_zero = (digits[:, 0] == 0) & (digits[:, 1] == 0) & ~seq_zero
        branch = code[ent].str.slice(11, 14).to_numpy(dtype=object)
        is_branch = code[ent].str.len().to_numpy() == 14
        branch_zero = is_branch & (branch == "000")
        e = np.where(prov_zero, "province_zero", np.where(
            seq_zero, "sequence_zero", np.where(
                ~ok_check, "check_digit", np.where(branch_zero, "branch_zero", ""))))
        k = np.where(e == "", np.where(is_branch, "branch", "enterprise"), "invalid")
        kind[ent] = k
        error[ent] = e
    kind[personal] = "personal_id"
    error[personal] = ""
    kind[missing] = "missing"
    error[missing] = ""

    code_s = pd.Series(pd.array(code.array), index=raw.index).astype("string")
    kind_cat = pd.Categorical(kind, categories=KINDS)
    personal_s = pd.Series(personal, index=raw.index)
    display = code_s.where(~personal_s, "********" + code_s.str.slice(8, 12))
    return pd.DataFrame({
        "code": code_s,
        "kind": kind_cat,
        "error": pd.Categorical(error, categories=ERRORS),
        "restored": restore.to_numpy(dtype=bool) & ~missing,
        "display": display,
    }, index=raw.index)
