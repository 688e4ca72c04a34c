"""Tax codes: the MST check digit (docs/risk-sources.md §3 test vectors), branch form, 12-digit personal numbers,
and the vectorised form agreeing with the scalar one."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.tax_codes import check_digit, classify, classify_series, mask

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
    ("0012345678",       "invalid",     "province_zero"),
    ("0100233488-01",    "invalid",     "format"),
    ("010023348",        "invalid",     "province_zero"), # 9 digits: a 0 is put back (0010023348), then checked
    ("01002334888",      "personal_id", ""),              # 11 digits: a 12-digit number that lost its 0
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
    assert classify("0791234567890").masked() == "********7890"  # 13 digits
    assert classify("07912345678").masked() == "********5678"  # 11 digits: a lost leading zero, a personal number
    assert classify("0100233488-12").masked() == "0100233488-12"  # a branch typo keeps its hyphen: not personal
    assert mask("79123456789") == "********6789"  # fixed width: the mask does not tell the length


def test_series_agrees_with_scalar():
    raw = [c for c, _, _ in CASES] + [None, "0100 233 488", "100233488", "100233488.0", "79123456789"]
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
