"""A file that would take the server down is refused as bad input: readers run in accreditation.sandbox, a child
process with a memory ceiling and a time limit, and the server goes on answering everyone else."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from apptest import data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import sandbox
from accreditation.errors import UserError
from accreditation.tables import TableError, read_table
from criteria.column_specs import load_table_spec

ROSTER = load_table_spec("roster")


def far_cell_workbook() -> bytes:
    """1.4 KB on disk; calamine would build a dense 1,048,576 × 16,384 range (512 GiB) and abort the process."""
    book = openpyxl.Workbook()
    book.active["A1"] = "Mã nhân viên"
    book.active["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_claiming_a_far_away_cell_is_refused_with_one_line_in_both_languages():
    started = time.perf_counter()
    with pytest.raises(TableError) as refused:
        read_table(far_cell_workbook(), "danh_sach.xlsx", ROSTER)
    assert time.perf_counter() - started < 10
    assert "danh_sach.xlsx" in refused.value.vi and "bộ nhớ" in refused.value.vi
    assert "memory" in refused.value.en
    # this process (the server) is still here and reads the next file
    assert read_table(b"employee_id,date_of_birth\nE-1,01/01/1990\n", "ok.csv", ROSTER).rows == 1


def test_a_reader_that_runs_too_long_is_stopped():
    started = time.perf_counter()
    with pytest.raises(sandbox.Refused) as refused:
        sandbox.run(time.sleep, 30, seconds=0.5)
    assert refused.value.reason == "time" and time.perf_counter() - started < 5


def test_a_reader_that_asks_for_too_much_memory_is_stopped():
    with pytest.raises(sandbox.Refused) as refused:
        sandbox.run(bytearray, 8 * 1024**3, memory_mb=256)
    assert refused.value.reason == "memory"


def test_the_reader_s_own_verdict_comes_back_whole():
    with pytest.raises(TableError) as bad:
        read_table(b"PK\x03\x04 not really a workbook", "hong.xlsx", ROSTER)
    assert "hong.xlsx" in bad.value.vi and "hong.xlsx" in bad.value.en
    with pytest.raises(ValueError):
        sandbox.run(int, "not a number")
    assert isinstance(bad.value, UserError)


def test_the_far_cell_workbook_through_the_roster_page_leaves_the_server_serving_others(data_dir):
    company = goto(sign_in("sme@demo.vn"), "roster")
    company.file_uploader[0].upload("danh_sach.xlsx", far_cell_workbook(),
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert not company.exception
    assert any("danh_sach.xlsx" in e.value and "bộ nhớ" in e.value for e in company.error), texts(company)
    other = goto(sign_in("brand@demo.vn"), "portfolio")  # another session on the same server
    assert not other.exception
