"""One folding rule for matching Vietnamese names, in a scalar and a vectorised form that agree on any text."""

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criteria.folding import fold, fold_array


@pytest.mark.parametrize("text, folded", [
    ("Thành phố  Hồ Chí Minh", "thanh pho ho chi minh"),
    ("ĐỒNG NAI", "dong nai"),
    ("Bà Rịa–Vũng Tàu", "ba ria vung tau"),
    ("ngay_sinh", "ngay sinh"),
    ("Ngày sinh (dd/mm/yyyy)", "ngay sinh dd mm yyyy"),
    ("  thuỷ / thủy  ", "thuy thuy"),  # both tone placements
    ("", ""),
])
def test_fold(text, folded):
    assert fold(text) == folded


VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(VIETNAMESE + VIETNAMESE.upper() + " -_/.,()0123456789\t"),
                          st.text()), max_size=20))
def test_the_column_form_agrees_with_the_scalar_one(texts):
    got = fold_array(pa.array(texts, pa.string())).to_pylist()
    assert got == [fold(t or "") for t in texts]
