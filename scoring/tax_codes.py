"""Vietnamese tax codes (mã số thuế, MST) of suppliers: shape, check digit and what kind of taxpayer a code marks.

- Enterprise: 10 digits N1..N10 (Circular 105/2020/TT-BTC art. 5(1), kept by Circular 86/2024/TT-BTC): N1N2 a
  number range given out by the tax authority, N3..N9 a sequence 0000001-9999999, N10 the check digit: weights
  (31, 29, 23, 19, 17, 13, 7, 5, 3) over N1..N9, r = sum mod 11, N10 = 10 - r (r = 10 gives 0); r = 0 has no valid
  check digit, so such bodies are never issued and are rejected here. Sequence 0000000 is rejected (outside the
  circular's range; python-stdnum does the same: it rejects digits 3-9 all zero). A `00` prefix is accepted: the
  circular lists no ranges, so its text does not exclude 00 (python-stdnum accepts it, stdnum-js rejects it;
  docs/legal-sources.md §10).
- Branch (dependent unit): the parent's 10 digits, `-`, 3 digits 001-999. Written with the hyphen, a space or
  nothing (`0100112437011`), it is shown in one form, `0100112437-011`.
- Since 1 July 2025 household businesses and individuals use the 12-digit personal identification number (CCCD) of
  the person or the household's representative as their tax code (Circular 86/2024/TT-BTC art. 38(2)). It has no
  check digit; its parts are checked (Decree 137/2015/ND-CP art. 13, Circular 07/2016/TT-BCA): a birth-registration
  province code on the list of `criteria/law/cccd_provinces.csv`, a century-and-sex digit of a living person (0-3) and a
  year of birth neither in the future nor more than MAX_AGE years back. It is personal data: `mask` it in every
  output and never log it.
- A spreadsheet drops leading zeros: a 9- or 11-digit cell not starting with 0 gets its 0 back. An 11-digit cell
  whose first or last 10 digits are a valid tax code is `ambiguous` (a stray digit, or a lost 0: it cannot tell).

Pure apart from the code list, a legal constant read once per process (`criteria.cccd_codes`). `classify` is the
scalar form; `classify_series` does the same for a whole column without a Python loop per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Kind = Literal["enterprise", "branch", "personal_id", "invalid", "missing"]
KINDS: tuple[str, ...] = ("enterprise", "branch", "personal_id", "invalid", "missing")
Error = Literal["", "format", "check_digit", "sequence_zero", "branch_zero", "cccd_province", "cccd_century",
                "cccd_year", "ambiguous"]
ERRORS: tuple[str, ...] = ("", "format", "check_digit", "sequence_zero", "branch_zero", "cccd_province",
                           "cccd_century", "cccd_year", "ambiguous")
# What is wrong, naming the part of the number (vi, en); `explain` adds the digits that are not personal.
ERROR_TEXT: dict[str, tuple[str, str]] = {
    "format": ("mã số thuế không đúng dạng (10 số, 10 số-3 số hoặc 12 số định danh cá nhân)",
               "the tax code has the wrong shape (10 digits, 10-3 digits or a 12-digit personal ID number)"),
    "check_digit": ("mã số thuế sai số kiểm tra: chữ số thứ 10 không khớp 9 chữ số đầu",
                    "the tax code's check digit is wrong: its 10th digit does not match the first 9"),
    "sequence_zero": ("mã số thuế có chữ số 3–9 (số thứ tự) là 0000000, ngoài khoảng 0000001–9999999",
                      "the tax code's digits 3–9 (sequence number) are 0000000, outside 0000001–9999999"),
    "branch_zero": ("mã số thuế có 3 số cuối (mã đơn vị phụ thuộc) là 000, ngoài khoảng 001–999",
                    "the tax code's last 3 digits (dependent-unit number) are 000, outside 001–999"),
    "cccd_province": ("mã số thuế 12 số (số định danh cá nhân) có 3 chữ số đầu không phải mã tỉnh nơi đăng ký "
                      "khai sinh (Thông tư 07/2016/TT-BCA, Phụ lục I)",
                      "the 12-digit tax code (personal ID number): its first 3 digits are not a birth-registration "
                      "province code (Circular 07/2016/TT-BCA, Appendix I)"),
    "cccd_century": ("mã số thuế 12 số (số định danh cá nhân) có chữ số thứ 4 (thế kỷ và giới tính) không thuộc "
                     "người đang sống (0–3: sinh 1900–2099)",
                     "the 12-digit tax code (personal ID number): its 4th digit (century and sex) is not that of a "
                     "living person (0–3: born 1900–2099)"),
    "cccd_year": ("mã số thuế 12 số (số định danh cá nhân) có chữ số 5–6 (năm sinh) cho năm sinh không thể có",
                  "the 12-digit tax code (personal ID number): its digits 5–6 (year of birth) give an impossible "
                  "year of birth"),
    "ambiguous": ("mã số thuế 11 chữ số: có thể là mã số thuế 10 số thừa một chữ số ở đầu hoặc cuối, hoặc số định "
                  "danh cá nhân bị mất số 0 đầu; hãy nhập lại ô này dưới dạng văn bản",
                  "the tax code has 11 digits: a 10-digit tax code with a stray first or last digit, or a personal ID "
                  "number that lost its leading 0; enter the cell again as text"),
}

WEIGHTS = np.array([31, 29, 23, 19, 17, 13, 7, 5, 3], dtype=np.int64)
MAX_AGE = 120  # a bound of plausibility chosen here, not law: a holder born earlier is taken as a typing error
_SEPARATORS = re.compile(r"[ \t\r\n.]+")
_SHAPE = re.compile(r"([0-9]{10})(?:-([0-9]{3}))?|([0-9]{12})")
# A leading zero a spreadsheet dropped: only a cell that does not start with 0 can have lost one.
_RESTORE = r"[1-9][0-9]{8}(?:-[0-9]{3})?|[1-9][0-9]{10}"


def check_digit(body: str) -> str | None:
    """The check digit of a 9-digit body, or None when the body has none (r = 0)."""
    if not re.fullmatch(r"[0-9]{9}", body):
        raise ValueError("the body of a tax code is 9 digits")
    r = int(np.dot(WEIGHTS, [int(c) for c in body])) % 11
    if r == 0:
        return None
    return str((10 - r) % 10)


@lru_cache(maxsize=1)
def _province_table() -> np.ndarray:
    """bool[1000]: whether a 3-digit number is on the CCCD province code list (the list is data in criteria/, read
    once per process); the one lookup of `classify` and `classify_array`."""
    from criteria.cccd_codes import load_cccd_codes

    table = np.zeros(1000, dtype=bool)
    table[[int(c) for c in load_cccd_codes()]] = True
    return table


def birth_year(g: int, yy: int) -> int:
    """The year of birth a CCCD encodes: its 4th digit `g` gives the century (0/1: 1900s, 2/3: 2000s, 4/5: 2100s,
    ...; even male, odd female) and digits 5-6 `yy` the year within it. Scalars or numpy arrays alike: the one
    place this rule is written (tax codes here, the roster's citizen IDs in scoring.workforce_rules)."""
    return 1900 + 100 * (g // 2) + yy


@dataclass(frozen=True)
class TaxCode:
    raw: str
    code: str  # normalised (separators removed, branch hyphenated, leading zero restored); "" when missing
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
        return mask(self.code) if hides(self.kind, self.code, self.error) else self.code

    def explain(self) -> tuple[str, str]:
        """(vi, en) what is wrong with an invalid code, naming the part; ("", "") for a valid or missing one. Only
        the parts that say nothing about a person are quoted (the province code, the century digit)."""
        if self.kind != "invalid":
            return "", ""
        vi, en = ERROR_TEXT[self.error]
        if self.error == "cccd_province":
            return f"{vi}: {self.code[:3]}", f"{en}: {self.code[:3]}"
        if self.error == "cccd_century":
            return f"{vi}: {self.code[3]}", f"{en}: {self.code[3]}"
        return vi, en


def normalise(raw: object) -> tuple[str, bool]:
    """(code without spaces or dots, a branch as 10 digits-3 digits, whether a leading zero lost by a spreadsheet was
    restored).

    Excel turns 0100233488 into the number 100233488; a 9-digit code (or 9 + branch) or an 11-digit number that
    does not start with 0 is restored with its leading zero, which is then checked like any other code. A 13-digit
    branch written without its hyphen, or with a space, gets the hyphen (python-stdnum's `format` does the same)."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return "", False
    text = str(raw).strip()
    if re.fullmatch(r"[0-9]+\.0", text):  # a number read as a float
        text = text[:-2]
    text = _SEPARATORS.sub("", text).replace("–", "-").replace("—", "-")
    if re.fullmatch(r"[0-9]{13}", text):
        text = f"{text[:10]}-{text[10:]}"
    if re.fullmatch(_RESTORE, text):
        return "0" + text, True
    return text, False


def _cccd_error(code: str, as_of: date | None) -> str:
    """Why a 12-digit number is not a personal identification number ("" when its parts are plausible)."""
    if not _province_table()[int(code[:3])]:
        return "cccd_province"
    g = int(code[3])
    if g > 3:
        return "cccd_century"
    year, today = birth_year(g, int(code[4:6])), (as_of or date.today()).year
    if year > today or year < today - MAX_AGE:
        return "cccd_year"
    return ""


def _valid_head(ten: str) -> bool:
    """Whether 10 digits are a valid enterprise code (sequence not zero, check digit right)."""
    return ten[2:9] != "0000000" and check_digit(ten[:9]) == ten[9]


def classify(raw: object, as_of: date | None = None) -> TaxCode:
    """The kind of a tax code and, for an invalid one, why. `as_of` (default: today) bounds a CCCD's year of birth."""
    code, restored = normalise(raw)
    if not code:
        return TaxCode("" if raw is None else str(raw), "", "missing")
    m = _SHAPE.fullmatch(code)
    if not m:
        return TaxCode(str(raw), code, "invalid", "format", restored)
    if m.group(3):
        # 11 digits given: a valid tax code with a digit before or after it cannot be told from a lost 0
        ambiguous = restored and (_valid_head(code[1:11]) or _valid_head(code[2:12]))
        error = "ambiguous" if ambiguous else _cccd_error(code, as_of)
        return TaxCode(str(raw), code, "invalid" if error else "personal_id", error, restored)
    head, branch = m.group(1), m.group(2)
    if head[2:9] == "0000000":
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


# ------------------------------------------------------------------------------------------ date of birth

BIRTH_MISMATCHES: tuple[str, ...] = ("", "century", "year", "sex")
BIRTH_MISMATCH_TEXT: dict[str, tuple[str, str]] = {
    "century": ("chữ số thứ 4 của số định danh cá nhân (thế kỷ sinh) không khớp thế kỷ của ngày sinh",
                "the 4th digit of the personal ID number (century of birth) does not match the date of birth's"),
    "year": ("chữ số 5–6 của số định danh cá nhân (2 số cuối năm sinh) không khớp năm của ngày sinh",
             "digits 5–6 of the personal ID number (last two digits of the year of birth) do not match the date "
             "of birth"),
    "sex": ("chữ số thứ 4 của số định danh cá nhân (giới tính: chẵn nam, lẻ nữ) không khớp giới tính đã khai",
            "the 4th digit of the personal ID number (sex: even male, odd female) does not match the sex given"),
}


def cccd_birth_mismatch(number: object, born: date, female: bool | None = None) -> str:
    """Which part of a 12-digit personal ID number disagrees with a known date of birth (and sex, when given):
    "century" (4th digit), "year" (digits 5-6), "sex" (4th digit's parity), or "" when they agree or the number is
    no 12-digit number. Text for each in BIRTH_MISMATCH_TEXT (vi, en).

    The same rule (`birth_year`, Circular 07/2016/TT-BCA Appendix III) as the roster's citizen-ID check, which
    reads the digits it has already parsed through `birth_year` rather than parsing the column again here."""
    code, _ = normalise(number)
    if not re.fullmatch(r"[0-9]{12}", code):
        return ""
    g = int(code[3])
    if birth_year(g, 0) != born.year - born.year % 100:
        return "century"
    if int(code[4:6]) != born.year % 100:
        return "year"
    if female is not None and bool(g % 2) != female:
        return "sex"
    return ""


def cccd_birth_mismatch_array(numbers: pd.Series | pa.Array, born_year: np.ndarray) -> np.ndarray:
    """`cccd_birth_mismatch` for a column without a Python loop per row: int8 index into BIRTH_MISMATCHES per row;
    0 where the number is no 12-digit number (after `normalise`) or the year of birth is unknown (NaN or < 0)."""
    tc = classify_array(numbers)
    out = np.zeros(len(born_year), dtype=np.int8)
    year = np.asarray(born_year, dtype=float)
    length = np.asarray(pc.utf8_length(tc.code).to_numpy(zero_copy_only=False))
    digits_only = np.asarray(pc.match_substring_regex(tc.code, r"^[0-9]{12}$").to_numpy(zero_copy_only=False), bool)
    at = np.flatnonzero(digits_only & (length == 12) & ~np.isnan(year) & (year >= 0))
    if len(at):
        digits, _, _ = _digits(tc.code, at, 6)
        y = year[at].astype(np.int64)
        century = birth_year(digits[:, 3], 0) != y - y % 100
        yy = digits[:, 4] * 10 + digits[:, 5] != y % 100
        out[at] = np.where(century, 1, np.where(yy, 2, 0))
    return out


MASK = "********"


def hides(kind: str, code: str, error: str = "") -> bool:
    """Whether a code must be masked where people see it: a personal identification number (a household business
    or an individual), and an invalid code long enough to be a mistyped one (11 digits or more, unless it has a
    branch hyphen and its first 10 digits are a valid enterprise code: 13 bare digits get a hyphen too)."""
    return kind == "personal_id" or (kind == "invalid" and sum(c.isdigit() for c in code) >= 11 and (
        "-" not in code or error in _HEAD_ERRORS))


_HEAD_ERRORS = ("check_digit", "sequence_zero")  # errors of the first 10 digits


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
    text = pc.replace_substring_regex(text, r"^([0-9]{10})([0-9]{3})$", r"\1-\2")  # a branch without its hyphen
    restore = pc.match_substring_regex(text, f"^(?:{_RESTORE})$")
    code = pc.if_else(restore, pc.binary_join_element_wise("0", text, ""), text)
    return code, np.asarray(restore.to_numpy(zero_copy_only=False), dtype=bool)


def classify_array(raw: pd.Series | pa.Array | pa.ChunkedArray, as_of: date | None = None) -> TaxCodes:
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
    pid = np.flatnonzero(personal)
    if len(pid):
        error[pid] = _check_personal(code, pid, (as_of or date.today()).year, restored[pid])
        kind[pid] = np.where(error[pid] == _ERROR[""], _KIND["personal_id"], _KIND["invalid"])
    kind[missing] = _KIND["missing"]
    error[missing] = _ERROR[""]
    return TaxCodes(code, kind, error, restored & ~missing, _display(code, kind, error))


def _display(code: pa.Array, kind: np.ndarray, error: np.ndarray) -> pa.Array:
    """`TaxCode.masked` for a whole column: the same rule (`hides`) and the same mask (`mask`)."""
    hidden = kind == _KIND["personal_id"]
    invalid = np.flatnonzero(kind == _KIND["invalid"])
    if len(invalid):
        sub = code.take(pa.array(invalid))
        no_hyphen = np.asarray(pc.invert(pc.match_substring(sub, "-")).to_numpy(zero_copy_only=False), dtype=bool)
        head_error = np.isin(error[invalid], [_ERROR[e] for e in _HEAD_ERRORS])
        long_ = np.asarray(pc.greater_equal(pc.count_substring_regex(sub, "[0-9]"), 11).to_numpy(
            zero_copy_only=False), dtype=bool)
        hidden[invalid] = long_ & (no_hyphen | head_error)
    if not hidden.any():
        return code
    masked = pc.binary_join_element_wise(MASK, pc.utf8_slice_codeunits(code, -4), "")
    return pc.if_else(pa.array(hidden), masked, code)


def _digits(code: pa.Array, at: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(digit matrix of the first `width` characters, byte buffer, start offsets) of the cells at `at`, read
    straight from the arrow buffers."""
    n = len(code)
    offsets = np.frombuffer(code.buffers()[1], dtype=np.int32)[code.offset:code.offset + n + 1]
    data = np.frombuffer(code.buffers()[2], dtype=np.uint8)
    start = offsets[at].astype(np.int64)
    return data[start[:, None] + np.arange(width)].astype(np.int64) - 48, data, start


def _valid_heads(digits: np.ndarray) -> np.ndarray:
    """`_valid_head` of each row of a 10-column digit matrix."""
    r = (digits[:, :9] @ WEIGHTS) % 11
    return (r != 0) & ((10 - r) % 10 == digits[:, 9]) & ~(digits[:, 2:9] == 0).all(axis=1)


def _check_personal(code: pa.Array, pid: np.ndarray, year: int, restored: np.ndarray) -> np.ndarray:
    """The error of each 12-digit cell at `pid`: the rules of `classify` and `_cccd_error` on a digit matrix."""
    digits, _, _ = _digits(code, pid, 12)
    province = digits[:, 0] * 100 + digits[:, 1] * 10 + digits[:, 2]
    g = digits[:, 3]
    born = birth_year(g, digits[:, 4] * 10 + digits[:, 5])
    ambiguous = restored & (_valid_heads(digits[:, 1:11]) | _valid_heads(digits[:, 2:12]))
    return np.where(ambiguous, _ERROR["ambiguous"], np.where(
        ~_province_table()[province], _ERROR["cccd_province"], np.where(
            g > 3, _ERROR["cccd_century"], np.where(
                (born > year) | (born < year - MAX_AGE), _ERROR["cccd_year"], _ERROR[""])))).astype(np.int8)


def _check_enterprise(code: pa.Array, ent: np.ndarray, is_branch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(kind, error) of the cells at `ent`, each shaped as 10 digits or 10 digits, `-` and 3: the rules of
    `classify` (sequence, check digit, branch) on a digit matrix read straight from the arrow buffer."""
    digits, data, start = _digits(code, ent, 10)
    r = (digits[:, :9] @ WEIGHTS) % 11
    ok_check = (r != 0) & ((10 - r) % 10 == digits[:, 9])
    seq_zero = (digits[:, 2:9] == 0).all(axis=1)
    branch_zero = np.zeros(len(ent), dtype=bool)
    branch_zero[is_branch] = (data[start[is_branch, None] + np.arange(11, 14)] == 48).all(axis=1)
    error = np.where(seq_zero, _ERROR["sequence_zero"], np.where(
        ~ok_check, _ERROR["check_digit"], np.where(branch_zero, _ERROR["branch_zero"], _ERROR[""])))
    kind = np.where(error == _ERROR[""], np.where(is_branch, _KIND["branch"], _KIND["enterprise"]), _KIND["invalid"])
    return kind, error


def classify_series(raw: pd.Series, as_of: date | None = None) -> pd.DataFrame:
    """`classify` for a whole column: a frame with `code` (normalised), `kind`, `error`, `restored` and `display`
    (the code as it may be shown: personal ID numbers masked), aligned on `raw`'s index."""
    tc = classify_array(raw, as_of)
    return pd.DataFrame({
        "code": pd.Series(pd.arrays.ArrowStringArray(tc.code), index=raw.index, dtype="string"),
        "kind": pd.Categorical.from_codes(tc.kind, categories=KINDS),
        "error": pd.Categorical.from_codes(tc.error, categories=ERRORS),
        "restored": tc.restored,
        "display": pd.Series(pd.arrays.ArrowStringArray(tc.display), index=raw.index, dtype="string"),
    }, index=raw.index)
