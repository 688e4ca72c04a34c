"""One yes/no vocabulary for criteria files and uploaded tables alike."""

import pyarrow as pa
import pytest

from accreditation.tables.cells import _parse_bools
from criteria.schema import parse_yes_no
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
