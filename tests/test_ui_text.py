"""Text users type is shown as text: it cannot add links, images or formatting to a page."""

import pytest

from accreditation.ui.common import md
from apptest import plain


@pytest.mark.parametrize("typed", [
    "![pixel](http://tracker.example/p.png)",
    "[bấm vào đây](http://example.com)",
    "**Công ty** _A_ `code` # heading",
    "Cty <b>TNHH</b> | a | b |",
])
def test_user_text_is_escaped_for_markdown_and_reads_the_same(typed):
    escaped = md(typed)
    assert "](" not in escaped.replace("\\]\\(", "") and "**" not in escaped
    assert plain(escaped) == typed


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_text_is_empty(missing):
    assert md(missing) == ""
