"""Every test vector of python-stdnum's Vietnamese MST doctest (tests/test_vn_mst.doctest: the numbers its
`validate`, `format` and `is_valid` are tested on) through our checker: we agree on all of them, except where a
documented rule of ours says otherwise (DIFFERENCES, with the reason).

The vectors are vendored in tests/data/stdnum_vn_mst_vectors.csv (numbers and expected results only; source,
commit and licence note at the top of that file), so a clean clone tests them; where the python-stdnum mirror is
present, a test checks that the vendored copy still matches its doctest."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from scoring.tax_codes import classify, classify_series

VECTORS = Path(__file__).parent / "data" / "stdnum_vn_mst_vectors.csv"
MIRROR = Path("/work/.mirror/arthurdejong+python-stdnum/repo")
DOCTEST = "tests/test_vn_mst.doctest"

# number -> why our result differs from python-stdnum's (none today; a difference must name its rule and source).
DIFFERENCES: dict[str, str] = {}


def parse_doctest(text: str) -> list[dict[str, str]]:
    """The vectors of the doctest: (number, function tested, expected result) where `expected` is the returned
    value, or the exception's name, or "valid" for the list of numbers "found online" that must all be valid."""
    out: list[dict[str, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r">>> mst\.(validate|format)\('([^']*)'\)$", lines[i].strip())
        if m:
            result = lines[i + 1].strip()
            if result.startswith("Traceback"):
                j = i + 1
                while not re.match(r"\w+: \.\.\.$", lines[j].strip()):
                    j += 1
                result = lines[j].strip().split(":")[0]
            else:
                result = result.strip("'")
            out.append({"number": m.group(2), "function": m.group(1), "expected": result})
        elif lines[i].strip().startswith(">>> numbers = '''"):
            i += 1
            while lines[i].strip() != "... '''":
                number = lines[i].strip()[3:].strip()
                if number:
                    out.append({"number": number, "function": "is_valid", "expected": "True"})
                i += 1
        i += 1
    return out


def vendored() -> list[dict[str, str]]:
    with VECTORS.open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def our_answer(vector: dict[str, str]) -> str:
    """Our checker's answer in python-stdnum's terms: what `validate`/`format`/`is_valid` would return, or the
    name of the exception for a number we refuse (any of our errors maps to the exception stdnum documents)."""
    tc = classify(vector["number"])
    if vector["function"] == "is_valid":
        return str(tc.kind in ("enterprise", "branch"))
    if vector["function"] == "format":
        return tc.code if tc.kind in ("enterprise", "branch") else "invalid"
    if tc.kind in ("enterprise", "branch"):
        return tc.code.replace("-", "")  # stdnum's compact form has no hyphen; ours shows one
    return {"format": _length_or_format(tc.code), "check_digit": "InvalidChecksum",
            "sequence_zero": "InvalidComponent", "branch_zero": "InvalidComponent"}.get(tc.error, tc.error)


def _length_or_format(code: str) -> str:
    compact = re.sub(r"[ .-]", "", code)
    return "InvalidFormat" if len(compact) in (10, 13) else "InvalidLength"


def test_the_vendored_vectors_are_all_there():
    rows = vendored()
    kinds = {r["function"] for r in rows}
    assert kinds == {"validate", "format", "is_valid"}
    assert sum(r["function"] == "is_valid" for r in rows) >= 150  # the "found online" list
    assert {r["expected"] for r in rows if r["function"] == "validate"} >= {
        "InvalidLength", "InvalidFormat", "InvalidComponent", "InvalidChecksum"}


@pytest.mark.skipif(not MIRROR.exists(), reason="python-stdnum mirror not present")
def test_the_vendored_vectors_match_the_doctest():
    text = subprocess.run(["git", "-C", str(MIRROR), "show", f"HEAD:{DOCTEST}"], capture_output=True, text=True,
                          check=True).stdout
    assert [(r["number"], r["function"], r["expected"]) for r in vendored()] == \
        [(r["number"], r["function"], r["expected"]) for r in parse_doctest(text)]


@pytest.mark.parametrize("vector", vendored(), ids=lambda v: f"{v['function']}:{v['number']}")
def test_we_agree_with_python_stdnum(vector):
    got = our_answer(vector)
    if vector["number"] in DIFFERENCES:
        assert got != vector["expected"], f"no longer differs: {DIFFERENCES[vector['number']]}"
    else:
        assert got == vector["expected"]


def test_the_column_form_agrees_on_the_vectors():
    numbers = [r["number"] for r in vendored()]
    frame = classify_series(pd.Series(numbers, dtype=object))
    assert frame["kind"].tolist() == [classify(n).kind for n in numbers]
    assert frame["code"].tolist() == [classify(n).code for n in numbers]
