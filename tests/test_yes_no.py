"""One yes/no vocabulary for criteria files and uploaded tables alike."""

from datetime import date, datetime

import pyarrow as pa
import pytest

from accreditation.tables.cells import _parse_bools
from criteria.schema import parse_yes_no
from criteria.sheets import cell_text
from criteria.yes_no import NO_WORDS, YES_WORDS, yes_no


@pytest.mark.parametrize("word", sorted(YES_WORDS | NO_WORDS))
def test_a_word_means_the_same_in_a_criteria_file_and_in_an_uploaded_table(word):
    expected = word in YES_WORDS
    for spelling in (word, word.upper(), f"  {word.title()} "):
        assert yes_no(spelling) is expected
        assert parse_yes_no(spelling) is expected
        assert _parse_bools(pa.array([spelling.strip()])).to_pylist() == [expected]


def test_anything_else_is_neither():
    assert yes_no("đôi khi") is None and yes_no("") is None and yes_no(None) is None
    assert parse_yes_no("") is False  # a blank criteria cell is "no"; a blank roster cell stays unknown
    assert _parse_bools(pa.array(["đôi khi", None])).to_pylist() == [None, None]


@pytest.mark.parametrize("cell, text", [
    (True, "yes"), (False, "no"), (None, ""), (3.0, "3"), (2.5, "2.5"), (7, "7"),
    (datetime(2010, 1, 5), "2010-01-05"), (datetime(2010, 1, 5, 13, 30), "2010-01-05"), (date(2026, 9, 10), "2026-09-10"),
])
def test_a_workbook_cell_reads_as_the_same_text_for_the_criteria_and_for_an_upload(cell, text):
    """Both readers (criteria workbooks, rosters and supplier lists) take cells through criteria.sheets.cell_text:
    a boolean cell is a yes/no word both vocabularies accept, a date cell its ISO date."""
    assert cell_text(cell) == text
    if isinstance(cell, bool):
        assert yes_no(cell_text(cell)) is cell and parse_yes_no(cell_text(cell)) is cell
