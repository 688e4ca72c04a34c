"""Tax codes: the MST check digit (docs/risk-sources.md §3 test vectors), branch form, 12-digit personal numbers
(CCCD structure: docs/legal-sources.md §10), and the vectorised form agreeing with the scalar one."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criteria.cccd_codes import load_cccd_codes, province_of
from scoring.tax_codes import (BIRTH_MISMATCH_TEXT, BIRTH_MISMATCHES, ERROR_TEXT, ERRORS, MAX_AGE, birth_year,
                               cccd_birth_mismatch, cccd_birth_mismatch_array, check_digit, classify, classify_series,
                               mask)

CASES = [
    # code,              kind,          error
    ("0100047516",       "enterprise",  ""),              # the circular's worked example (vn-ident)
    ("0100233488",       "enterprise",  ""),              # python-stdnum doctest
    ("0100112437",       "enterprise",  ""),
    ("0100109106",       "enterprise",  ""),              # r = 4 -> 6
    ("0314409058-002",   "branch",      ""),
    ("0312687878-001",   "branch",      ""),
    ("2000102580-005",   "branch",      ""),
    ("0100233480",       "invalid",     "check_digit"),
    ("0100000008",       "invalid",     "sequence_zero"),
    ("0314409058-000",   "invalid",     "branch_zero"),
    ("0000000000",       "invalid",     "sequence_zero"),
    ("0012345672",       "enterprise",  ""),              # a 00 prefix: no text excludes it (legal-sources §10)
    ("0012345678",       "invalid",     "check_digit"),
    ("0100233488-01",    "invalid",     "format"),
    ("010023348",        "invalid",     "format"),        # 9 digits starting with 0: no spreadsheet dropped a 0
    ("01002334888",      "invalid",     "format"),        # 11 digits starting with 0: a typo, not a lost 0
    ("79090123456",      "personal_id", ""),              # 11 digits: a 12-digit number that lost its 0
    ("79123456789",      "invalid",     "ambiguous"),     # ... or 7 + a valid tax code 9123456789: cannot tell
    ("abc",              "invalid",     "format"),
    ("079123456789",     "personal_id", ""),
    ("",                 "missing",     ""),
]


@pytest.mark.parametrize("code,kind,error", CASES)
def test_classify(code, kind, error):
    tc = classify(code)
    assert (tc.kind, tc.error) == (kind, error)


def test_check_digit_rule():
    assert check_digit("010004751") == "6"
    assert check_digit("010023348") == "8"
    # r = 10 gives check digit 0; r = 0 gives none (such bodies are never issued)
    bodies = [f"01{n:07d}" for n in range(1, 2000)]
    r0 = [b for b in bodies if sum(w * int(c) for w, c in zip((31, 29, 23, 19, 17, 13, 7, 5, 3), b)) % 11 == 0]
    r10 = [b for b in bodies if sum(w * int(c) for w, c in zip((31, 29, 23, 19, 17, 13, 7, 5, 3), b)) % 11 == 10]
    assert r0 and r10
    assert all(check_digit(b) is None for b in r0)
    assert all(check_digit(b) == "0" for b in r10)
    for b in r0:  # no tenth digit makes such a body valid
        assert all(classify(b + str(d)).kind == "invalid" for d in range(10))
    assert classify(r10[0] + "0").kind == "enterprise"


def test_separators_and_spreadsheet_numbers():
    assert classify("0100 233 488").code == "0100233488"
    assert classify("0100.233.488").kind == "enterprise"
    assert classify(100233488).kind == "enterprise" and classify(100233488).leading_zero_restored
    assert classify("100233488.0").code == "0100233488"
    assert classify(None).kind == "missing"


def test_personal_numbers_are_masked():
    tc = classify("079123456789")
    assert tc.is_personal and tc.masked() == "********6789"
    assert mask("079123456789") == "********6789"
    assert classify("0100233488").masked() == "0100233488"
    assert classify("0314409058-002").parent == "0314409058"


def test_a_mistyped_personal_number_is_masked_too():
    """11 or more digits that are no valid code may be a personal number with a typo: never shown in full."""
    # 13 digits get a branch hyphen, but the first 10 are no valid code: still masked
    assert classify("0791234567890").masked() == "********-890"
    assert classify("0791234567-890").masked() == "********-890"
    assert classify("07912345678").masked() == "********5678"  # 11 digits starting with 0: a typo
    assert classify("0100233488-12").masked() == "0100233488-12"  # a branch typo keeps its hyphen: not personal
    assert mask("79123456789") == "********6789"  # fixed width: the mask does not tell the length


def test_series_agrees_with_scalar():
    raw = [c for c, _, _ in CASES] + [None, "0100 233 488", "100233488", "100233488.0", "79123456789", "79090123456"]
    frame = classify_series(pd.Series(raw, dtype=object))
    for i, value in enumerate(raw):
        tc = classify(value)
        assert frame["kind"].iloc[i] == tc.kind, value
        assert frame["error"].iloc[i] == tc.error, value
        assert frame["code"].iloc[i] == tc.code, value
        assert bool(frame["restored"].iloc[i]) == tc.leading_zero_restored, value
        assert frame["display"].iloc[i] == tc.masked(), value
    assert "079123456789" not in frame["display"].tolist()


# Cells as they arrive: digits of every length around the real ones, with spaces, dots, dashes (also en/em dash),
# a trailing ".0" from a float, letters; many with a valid check digit so every branch of the rules is reached.
_piece = st.sampled_from(list("0123456789") + [" ", ".", "-", "–", "—", ".0", "\t", "a", "X"])


@st.composite
def cells(draw):
    if draw(st.booleans()):
        body = draw(st.text("0123456789", min_size=9, max_size=9))
        head = body + (check_digit(body) or "0")
        return head + draw(st.sampled_from(["", "-001", "-000", "-12", " ", ".0", "-1234"]))
    return "".join(draw(st.lists(_piece, max_size=16)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(cells(), st.none()), min_size=1, max_size=30))
def test_the_vectorised_form_agrees_with_the_scalar_one_on_any_cells(raw):
    frame = classify_series(pd.Series(raw, dtype=object))
    for i, value in enumerate(raw):
        tc = classify(value)
        got = (frame["kind"].iloc[i], frame["error"].iloc[i], frame["code"].iloc[i],
               bool(frame["restored"].iloc[i]), frame["display"].iloc[i])
        assert got == (tc.kind, tc.error, tc.code, tc.leading_zero_restored, tc.masked()), value


# ------------------------------------------------------------------------------------------------ branches


@pytest.mark.parametrize("written", ["0100112437-011", "0100112437011", "0100112437 011", "0100112437 - 011",
                                     "0100112437–011", "01.00.112.437-011", "0100112437011.0"])
def test_a_branch_is_accepted_however_it_is_separated_and_shown_in_one_form(written):
    """Circular 105/2020/TT-BTC art. 5(1) writes a dependent unit's code N1..N10-N11N12N13; python-stdnum accepts it
    with a hyphen, a space or nothing."""
    tc = classify(written)
    assert (tc.kind, tc.code, tc.parent, tc.leading_zero_restored) == ("branch", "0100112437-011", "0100112437", False)


@pytest.mark.parametrize("written", ["0100112437-000", "0100112437000", "0100112437 000"])
def test_branch_000_is_refused_in_every_form(written):
    """N11N12N13 runs from 001 to 999 (Circular 105/2020/TT-BTC art. 5(1))."""
    assert (classify(written).kind, classify(written).error) == ("invalid", "branch_zero")


def test_a_branch_that_lost_its_leading_zero_is_restored():
    assert classify("100112437-011").code == "0100112437-011"
    assert classify("100112437-011").leading_zero_restored


# ----------------------------------------------------------------------------------- CCCD (personal ID numbers)

AS_OF = date(2026, 12, 1)


def test_the_code_list_is_the_63_codes_of_circular_07_2016():
    """Appendix I of Circular 07/2016/TT-BCA: 63 provinces, 001 Hà Nội to 096 Cà Mau, with gaps; every unit is a
    current or former province of criteria/provinces.csv."""
    codes = load_cccd_codes()
    assert len(codes) == 63 and min(codes) == "001" and max(codes) == "096"
    assert {"001", "031", "048", "079", "092"} <= set(codes) and not {"000", "003", "097"} & set(codes)
    assert (codes["079"].name, province_of("079")) == ("Hồ Chí Minh", "Hồ Chí Minh")
    assert province_of("074") == "Hồ Chí Minh"  # Bình Dương, merged on 1 Jul 2025
    assert all(province_of(c) for c in codes)
    assert province_of("000") is None


@pytest.mark.parametrize("number,error", [
    ("000000000000", "cccd_province"),   # no province 000: the issue's example
    ("003123456789", "cccd_province"),   # a gap in the list
    ("097123456789", "cccd_province"),   # after Cà Mau (096)
    ("079423456789", "cccd_century"),    # 4/5: born 2100-2199
    ("079923456789", "cccd_century"),
    ("079327123456", "cccd_year"),       # female, born 2027: after the as-of date
    ("079005123456", "cccd_year"),       # male, born 1905: more than MAX_AGE years before
    ("079090123456", ""),                # male, born 1990
    ("001301123456", ""),                # female, born 2001
    ("096226123456", ""),                # male, born 2026
])
def test_a_personal_id_number_is_checked_part_by_part(number, error):
    tc = classify(number, as_of=AS_OF)
    assert (tc.kind, tc.error) == ("invalid" if error else "personal_id", error)
    frame = classify_series(pd.Series([number]), as_of=AS_OF)
    assert (frame["kind"][0], frame["error"][0]) == (tc.kind, tc.error)


def test_century_digit_and_year_of_birth():
    """Circular 07/2016/TT-BCA Appendix III: 0/1 = 20th century male/female, 2/3 = 21st, 4/5 = 22nd, …"""
    assert [birth_year(g, 5) for g in range(10)] == [1905, 1905, 2005, 2005, 2105, 2105, 2205, 2205, 2305, 2305]
    assert MAX_AGE == 120


def test_a_valid_tax_code_with_a_stray_digit_is_no_personal_number():
    """The issue's example: 10 valid digits plus one. Before or after the code, never a household business: an
    11-digit cell whose first or last 10 digits are a valid code is ambiguous (docs/legal-sources.md §11). Inside
    the code, only a number whose every CCCD part is plausible passes (nothing can tell it apart)."""
    valid = ["0100233488", "0314409058", "2000102580", "8037630690", "4000107409", "5200327611"]
    for code in valid:
        for pos in range(11):
            for d in "0123456789":
                typo = code[:pos] + d + code[pos:]
                tc = classify(typo, as_of=AS_OF)
                if pos in (0, 10):
                    assert tc.kind == "invalid", typo
                elif tc.kind == "personal_id":
                    assert typo[0] != "0" and tc.leading_zero_restored and not tc.error, typo
    assert classify("01002334881", as_of=AS_OF).error == "format"  # starts with 0: no lost zero
    assert classify("20001025801", as_of=AS_OF).error == "ambiguous"
    assert classify("80376306901", as_of=AS_OF).error == "ambiguous"
    assert classify("10106142205", as_of=AS_OF).error == "ambiguous"  # 1 + 0106142205
    assert classify("803763069011", as_of=AS_OF).error == "cccd_province"  # 12 digits: 803 is no province
    vi, en = classify("20001025801").explain()
    assert "văn bản" in vi and "as text" in en


def test_messages_say_which_part_is_wrong_in_both_languages():
    assert set(ERROR_TEXT) == set(ERRORS) - {""}
    assert all(vi and en and vi != en for vi, en in ERROR_TEXT.values())
    vi, en = classify("000000000000").explain()
    assert "3 chữ số đầu" in vi and "first 3 digits" in en and vi.startswith("mã số thuế") and vi.endswith(": 000")
    vi, en = classify("079923456789").explain()
    assert "chữ số thứ 4" in vi and "4th digit" in en and en.endswith(": 9")
    vi, en = classify("079327123456", as_of=AS_OF).explain()
    assert "5–6" in vi and "5–6" in en and "27" not in vi + en  # the year of birth is not quoted
    assert classify("0100233488").explain() == ("", "")
    assert "số kiểm tra" in classify("0100233480").explain()[0]


def test_a_bad_personal_number_stays_masked():
    assert classify("079923456789").masked() == "********6789"
    assert classify("000000000000").masked() == "********0000"


def test_date_of_birth_against_the_number():
    """The 4th digit's century and digits 5-6 must match a known date of birth; the 4th digit's parity, a known sex."""
    assert cccd_birth_mismatch("079090123456", date(1990, 6, 1)) == ""
    assert cccd_birth_mismatch("079090123456", date(2090, 6, 1)) == "century"
    assert cccd_birth_mismatch("079090123456", date(1991, 6, 1)) == "year"
    assert cccd_birth_mismatch("079090123456", date(1990, 6, 1), female=True) == "sex"
    assert cccd_birth_mismatch("079390123456", date(2090, 6, 1), female=True) == ""
    assert cccd_birth_mismatch("79090123456", date(1990, 6, 1)) == ""  # lost 0 restored first
    assert cccd_birth_mismatch("B1234567", date(1990, 6, 1)) == ""  # a passport: nothing to compare
    assert set(BIRTH_MISMATCH_TEXT) == set(BIRTH_MISMATCHES) - {""}
    numbers = pd.Series(["079090123456", "079090123456", "079290123456", None, "079 090 123 456", "C1234567"])
    years = np.array([1990, 1991, 1990, 1990, np.nan, 1990])
    got = cccd_birth_mismatch_array(numbers, years)
    assert [BIRTH_MISMATCHES[i] for i in got] == ["", "year", "century", "", "", ""]
    assert got.tolist() == [BIRTH_MISMATCHES.index(cccd_birth_mismatch(n, date(int(y), 1, 1)))
                            if n and y == y else 0 for n, y in zip(numbers, years)]


def test_a_broken_code_list_is_reported_with_file_row_and_column(tmp_path, monkeypatch):
    """criteria/law/cccd_provinces.csv is checked like every data file: `criteria validate` lists its problems."""
    import shutil

    from criteria.cccd_codes import read_cccd_codes
    from criteria.datafiles import check_data_files
    from criteria.errors import CriteriaLoadError
    from criteria.paths import PACKAGE_DIR

    root = tmp_path / "criteria"
    shutil.copytree(PACKAGE_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = root / "law" / "cccd_provinces.csv"
    text = path.read_text("utf-8")
    path.write_text(text.replace("079,Hồ Chí Minh", "79,Hồ Chí Minh").replace("096,Cà Mau", "001,Atlantis"), "utf-8")
    with pytest.raises(CriteriaLoadError) as err:
        read_cccd_codes(path)
    found = {(i.row, i.column) for i in err.value.issues}
    assert {c for _, c in found} == {"code", "name"} and len(err.value.issues) == 3  # 79, 001 twice, Atlantis
    monkeypatch.setenv("ACCREDITATION_CRITERIA_DIR", str(root))
    _, issues = check_data_files()
    assert any(i.file == "law/cccd_provinces.csv" for i in issues)
