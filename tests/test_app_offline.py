"""The "Answer offline" page (AppTest): the company downloads the workbook and the PDF, uploads a filled workbook and
reads what was imported and which rows were not, by sheet, row and column."""

from __future__ import annotations

import io

from apptest import data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from openpyxl import load_workbook

from accreditation import offline, workflow
from accreditation.offline.layout import COLUMNS, FIRST_ROW
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria

C = default_criteria()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filled(answers: dict[str, str]) -> tuple[bytes, dict[str, tuple[str, int]]]:
    """The Vietnamese workbook with labels typed in the answer column; where each question is."""
    wb = load_workbook(io.BytesIO(offline.build_workbook(C, "vi")))
    where = {}
    for ws in wb.worksheets:
        for row in range(FIRST_ROW, ws.max_row + 1):
            key = ws.cell(row, 1).value
            if key in answers:
                ws.cell(row, COLUMNS.index("answer") + 1).value = answers[key]
            where[key] = (ws.title, row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), where


def test_the_page_offers_both_downloads_and_the_upload(data_dir):
    at = goto(sign_in("sme@demo.vn"), "offline")
    assert not at.exception
    assert "Trả lời ngoại tuyến" in texts(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Tải bảng câu hỏi (Excel)", "Tải bản in (PDF)"]
    assert at.get("file_uploader")[0].proto.label == "Tải lên bảng câu hỏi đã điền (Excel .xlsx, tối đa 5 MB)"
    db = open_db(data_dir / "accreditation.db")
    assert workflow.latest(db, 1)["status"] == "draft"  # a company without a draft gets one, as on the questionnaire


def test_an_upload_imports_the_answers_and_lists_the_rows_not_imported(data_dir):
    at = goto(sign_in("sme@demo.vn"), "offline")
    data, where = filled({"POL-01": "Có, đầy đủ", "POL-03": "Chưa", "POL-02": "Có lẽ"})
    at.file_uploader[0].upload("bang-cau-hoi.xlsx", data, XLSX).run()
    assert not at.exception, texts(at)
    assert "Đã nhập bang-cau-hoi.xlsx: 2 câu trả lời mới hoặc đã đổi, 0 câu giống câu đã lưu." in texts(at)
    assert "1 dòng chưa nhập được" in texts(at)
    table = at.dataframe[0].value
    sheet, row = where["POL-02"]
    assert list(table.iloc[0][:4]) == [sheet, row, "C", "POL-02"]
    assert table.iloc[0]["Vấn đề"].startswith("“Có lẽ” không phải là lựa chọn của câu này")
    db = open_db(data_dir / "accreditation.db")
    values = workflow.answer_set(db, workflow.latest(db, 1)["id"]).values
    assert values["POL-01"] == "yes" and values["POL-03"] == "no" and "POL-02" not in values


def test_a_file_that_is_not_the_workbook_is_refused_and_nothing_changes(data_dir):
    at = goto(sign_in("sme@demo.vn"), "offline")
    data, _ = filled({"POL-01": "Có, đầy đủ"})
    at.file_uploader[0].upload("bang-cau-hoi.xlsx", data, XLSX).run()
    at.file_uploader[0].upload("hong.xlsx", b"PK\x03\x04 not really a zip", XLSX).run()
    assert not at.exception
    assert "Không nhập được hong.xlsx" in texts(at) and "Không có gì thay đổi" in texts(at)
    db = open_db(data_dir / "accreditation.db")
    assert workflow.answer_set(db, workflow.latest(db, 1)["id"]).values["POL-01"] == "yes"


def test_the_page_in_english(data_dir):
    at = sign_in("sme@demo.vn")
    at.session_state["lang"] = "en"
    at = goto(at, "offline")
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["Download the questionnaire (Excel)",
                                                                   "Download the printable version (PDF)"]
    assert at.get("file_uploader")[0].proto.label == "Upload the filled questionnaire (Excel .xlsx, up to 5 MB)"


def test_a_submitted_version_can_be_downloaded_but_takes_no_upload(data_dir):
    from seed import submitted_assessment

    submitted_assessment(data_dir)
    at = goto(sign_in("sme@demo.vn"), "offline")
    assert not at.exception
    assert len(at.get("download_button")) == 2
    assert not at.get("file_uploader")
    assert "Phiên bản 1 đã nộp" in texts(at) and "Tạo phiên bản mới trên trang Tự đánh giá" in texts(at)
