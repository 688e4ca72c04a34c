"""Values read the same everywhere: one date format, Viet Nam time, severities in words, critical darkest."""

from datetime import date, datetime, timezone

import pandas as pd
import pytest

from accreditation.display import SEVERITY_COLOURS, SEVERITY_ORDER, day, moment, severity_label, severity_style


@pytest.mark.parametrize("value, shown", [
    (date(2026, 12, 25), "25/12/2026"), ("2026-12-25", "25/12/2026"), (pd.Timestamp("2026-12-25"), "25/12/2026"),
    ("2026-11-30T22:56:18+00:00", "01/12/2026"),  # 05:56 on 1 December in Ha Noi
    (None, "—"), ("", "—"), (pd.NaT, "—"),
])
def test_a_date_reads_dd_mm_yyyy_in_viet_nam(value, shown):
    assert day(value) == shown


def test_a_timestamp_reads_in_viet_nam_time():
    assert moment("2026-11-30T22:56:18+00:00") == "01/12/2026 05:56"
    assert moment(datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)) == "02/01/2026 10:04"
    assert moment(None) == "—"


def test_severities_read_as_words_and_critical_is_darkest():
    assert severity_label("critical", "vi") == "Nghiêm trọng" and severity_label("major", "en") == "Major"
    assert severity_label("unheard", "vi") == "unheard"

    def lightness(hex_colour):
        r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    shades = [lightness(SEVERITY_COLOURS[k][0]) for k in SEVERITY_ORDER]
    assert shades == sorted(shades) and shades[0] < shades[1]  # critical strictly darker than major
    assert severity_style("critical").startswith("background-color: #") and severity_style(None) == ""
