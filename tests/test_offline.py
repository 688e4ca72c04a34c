"""The questionnaire offline: the workbook a company downloads (a sheet per section, drop-downs, follow-up questions
marked with the answer that opens them, answers prefilled, uploads' answers not asked), read back by question id
with every problem named by sheet, row and column, imported into the draft without losing what was saved; hostile
files refused with one message; the printable PDF; the CLI. And the issue's round trip: middling.json's answers
through the workbook score what `score examples/middling.json` scores."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from openpyxl import load_workbook
from seed import ADULTS, example_values, record_checks
from tables import md_criteria

from accreditation import accounts, offline, workflow
from accreditation.errors import UserError
from accreditation.offline.layout import (
    COLUMNS,
    FIRST_ROW,
    HEADER_ROW,
    choice_label,
    sheet_name,
)
from accreditation.reports import questionnaire as questionnaire_pdf
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria
from scoring.answers import parse_answers_document
from scoring.engine import assess

ROOT = Path(__file__).resolve().parent.parent
C = default_criteria()
ANSWER = COLUMNS.index("answer") + 1  # column C
ANSWER_LETTER = "C"
ID = COLUMNS.index("id") + 1
MIDDLING = json.loads((ROOT / "examples" / "middling.json").read_text("utf-8"))


# ------------------------------------------------------------------------------------------------ helpers


def book(data: bytes):
    return load_workbook(io.BytesIO(data))


def saved(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows_by_id(wb) -> dict[str, tuple]:
    """Question id -> (worksheet, row) over the section sheets."""
    found = {}
    for ws in wb.worksheets:
        for row in range(FIRST_ROW, ws.max_row + 1):
            value = ws.cell(row, ID).value
            if value and C.has_indicator(value):
                found[value] = (ws, row)
    return found


def fill(data: bytes, answers: dict, lang: str) -> bytes:
    """Pick each answer's label in the answer column, as a person does from the drop-down."""
    wb = book(data)
    where = rows_by_id(wb)
    for key, value in answers.items():
        ws, row = where[key]
        ind = C.indicator(key)
        values = value if isinstance(value, list) else [value]
        ws.cell(row, ANSWER).value = "; ".join(choice_label(C, ind, v, lang) for v in values)
    return saved(wb)


def values_of(document: dict) -> dict:
    return {k: v["value"] if isinstance(v, dict) else v for k, v in document["answers"].items()}


def scored(result) -> dict:
    """What `score` reports that answers decide (evidence files cannot travel in a workbook)."""
    summary = result.summary()
    summary.pop("evidence", None)
    return summary


@pytest.fixture
def draft(tmp_path, monkeypatch):
    """The demo company's empty draft, its profile giving no sector (so the sector question is asked)."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db = open_db(tmp_path / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    db["organisations"].update(sme.organisation_id, {"sector": None})
    assessment = workflow.start_draft(db, sme, sme.organisation_id, C)
    return db, sme, assessment["id"]


# ------------------------------------------------------------------------------------- the round trip


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_middling_answers_through_the_workbook_score_what_score_says(lang, cli, tmp_path):
    """Export, fill with middling.json's answers as labels, import: the same result as `score` on the JSON."""
    workbook = fill(offline.build_workbook(C, lang), values_of(MIDDLING), lang)
    reading = offline.read_answers(workbook, C, "middling.xlsx")
    assert reading.problems == []
    assert reading.values == values_of(MIDDLING)
    # the scoring the CLI's `score` runs (accreditation/commands/score.py)
    expected = assess(C, parse_answers_document(MIDDLING, C))
    got = assess(C, parse_answers_document(reading.answers_document(C), C))
    assert scored(got) == scored(expected)
    assert got.total > 0 and got.tier is not None  # middling: a tier, not an empty questionnaire's zero
    # and through the commands themselves: import writes the JSON that score reads
    path = tmp_path / "middling.xlsx"
    path.write_bytes(workbook)
    ran = cli("questionnaire", "import", path, "--answers-out", tmp_path / "answers.json")
    assert ran.returncode == 0, ran.stderr
    from_workbook = json.loads(cli("score", tmp_path / "answers.json").stdout)
    from_example = json.loads(cli("score", ROOT / "examples" / "middling.json").stdout)
    for key in ("total", "tier", "eligible", "knockouts", "sections"):
        assert from_workbook[key] == from_example[key], key


def test_the_round_trip_through_the_draft_scores_the_same(draft):
    db, sme, assessment_id = draft
    workbook = fill(offline.build_workbook(C, "vi"), values_of(MIDDLING), "vi")
    outcome = offline.import_into_draft(db, sme, assessment_id, workbook, C, "middling.xlsx")
    assert outcome.problems == [] and outcome.saved == values_of(MIDDLING)
    result = workflow.evaluate(db, assessment_id, C)
    expected = assess(C, parse_answers_document(MIDDLING, C))
    assert (result.total, result.tier, result.sections) == (expected.total, expected.tier, expected.sections)
    assert workflow.answer_set(db, assessment_id).values == values_of(MIDDLING)
    # the same file again: nothing new
    again = offline.import_into_draft(db, sme, assessment_id, workbook, C, "middling.xlsx")
    assert again.saved == {} and again.unchanged == len(values_of(MIDDLING))


# ------------------------------------------------------------------------------------------- the workbook


def test_a_sheet_per_section_with_a_drop_down_of_the_labels_in_the_answer_column():
    wb = book(offline.build_workbook(C, "vi"))
    sections = [s for s in C.sections if C.indicators_in(s.id)]
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"][1:] == \
        [sheet_name(C, s.id, "vi") for s in sections]
    ws = wb[sheet_name(C, "POL", "vi")]
    assert [c.value for c in ws[HEADER_ROW]][:4] == ["Mã câu hỏi", "Câu hỏi", "Trả lời", "Ghi chú của doanh nghiệp"]
    row = next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, ID).value == "POL-02")
    validation = next(dv for dv in ws.data_validations.dataValidation if f"C{row}" in str(dv.sqref))
    assert validation.type == "list"
    lists = wb["_lists"]
    col, first, last = validation.formula1.split("!")[1].replace("$", "").split(":")[0][0], \
        int(validation.formula1.split("$")[2].split(":")[0]), int(validation.formula1.rsplit("$", 1)[1])
    assert [lists[f"{col}{n}"].value for n in range(first, last + 1)] == \
        [c.label.vi for c in C.choices_for(C.indicator("POL-02")).choices]
    assert wb["_lists"].sheet_state == "hidden"


def test_follow_up_questions_say_which_answer_opens_them():
    for lang, expected in (("vi", "Chỉ trả lời nếu PRO-01 = “Có”."), ("en", "Answer only if PRO-01 = “Yes”.")):
        wb = book(offline.build_workbook(C, lang))
        ws, row = rows_by_id(wb)["PRO-02"]
        assert ws.cell(row, COLUMNS.index("when") + 1).value == expected
        ws, row = rows_by_id(wb)["YW-08"]
        assert "PRO-02 = " in ws.cell(row, COLUMNS.index("when") + 1).value


def test_not_applicable_is_offered_only_where_the_question_allows_it():
    wb = book(offline.build_workbook(C, "en"))
    ws, row = rows_by_id(wb)["PRO-01"]
    assert "Not applicable" not in ws.cell(row, COLUMNS.index("choices") + 1).value
    ws, row = rows_by_id(wb)["REC-05"]
    assert "Not applicable" in ws.cell(row, COLUMNS.index("choices") + 1).value


def test_an_export_from_a_draft_holds_its_answers_and_marks_what_uploads_answer(draft):
    db, sme, assessment_id = draft
    workflow.save_answers(db, sme, assessment_id, {"POL-02": "partly", "PRO-04": "no"}, C)
    record_checks(db, sme, assessment_id, C, roster=ADULTS, suppliers=None)
    prefill = offline.draft_prefill(db, workflow.get(db, assessment_id), C)
    wb = book(offline.build_workbook(C, "vi", prefill))
    where = rows_by_id(wb)
    ws, row = where["POL-02"]
    assert ws.cell(row, ANSWER).value == "Có một phần"
    ws, row = where["PRO-01"]  # the roster says: no worker under 18
    assert ws.cell(row, ANSWER).value == "Không"
    assert ws.cell(row, COLUMNS.index("when") + 1).value.startswith(
        "Không cần trả lời: lấy từ danh sách lao động đã tải lên")
    assert not any(f"C{row}" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    # answering it in the file anyway does not override the roster
    ws.cell(row, ANSWER).value = "Có"
    outcome = offline.import_into_draft(db, sme, assessment_id, saved(wb), C, "q.xlsx")
    assert [(p.indicator, p.column) for p in outcome.problems] == [("PRO-01", ANSWER_LETTER)]
    assert "danh sách lao động" in outcome.problems[0].reason("vi")
    assert "PRO-01" not in workflow.answer_set(db, assessment_id).values


# ------------------------------------------------------------------------------------- problems, by place


def test_each_problem_names_its_sheet_row_and_column():
    wb = book(offline.build_workbook(C, "vi"))
    where = rows_by_id(wb)
    ws, pol02 = where["POL-02"]
    ws.cell(pol02, ANSWER).value = "Có lẽ"  # not a choice
    _, pol03 = where["POL-03"]
    ws.cell(pol03, ID).value = None  # the id deleted, an answer left
    ws.cell(pol03, ANSWER).value = "Có"
    _, pol04 = where["POL-04"]
    ws.cell(pol04, ID).value = "POL-99"
    ws.cell(pol04, ANSWER).value = "Có"
    ws.cell(ws.max_row + 1, ID).value = "POL-05"  # the same question twice
    ws.cell(ws.max_row, ANSWER).value = "Có"
    _, pol05 = where["POL-05"]
    ws.cell(pol05, ANSWER).value = "Chưa"
    ws.cell(where["POL-01"][1], ANSWER).value = "Yes, fully"  # the English label: accepted
    ws.cell(where["POL-06"][1], ANSWER).value = "less_often"  # the choice code: accepted
    extra = wb.create_sheet("Ghi chép")  # a sheet of the person's own
    extra["A1"] = "nhắc: hỏi chị Hoa"
    reading = offline.read_answers(saved(wb), C, "q.xlsx")
    sheet = ws.title
    messages = [p.message("vi") for p in reading.problems]
    assert messages[0] == ("Trang tính “Ghi chép”: không có cột “Mã câu hỏi” và “Trả lời”; trang tính này không "
                           "phải của bảng câu hỏi nên bị bỏ qua")
    assert messages[1].startswith(f"Trang tính “{sheet}”, dòng {pol02}, cột C (Trả lời): “Có lẽ” không phải là "
                                  "lựa chọn của câu này; cần một trong: “Có, đầy đủ”, “Có một phần”, “Chưa”")
    assert messages[2].startswith(f"Trang tính “{sheet}”, dòng {pol03}, cột A (Mã câu hỏi): dòng có câu trả lời "
                                  "nhưng thiếu mã câu hỏi")
    assert messages[3].startswith(f"Trang tính “{sheet}”, dòng {pol04}, cột A (Mã câu hỏi): mã câu hỏi “POL-99”")
    assert messages[4].startswith(f"Trang tính “{sheet}”, dòng {ws.max_row}, cột A (Mã câu hỏi): câu hỏi POL-05 đã "
                                  f"có ở trang tính “{sheet}”, dòng {pol05}")
    assert len(messages) == 5
    assert reading.problems[1].message("en").startswith(
        f"Sheet “{sheet}”, row {pol02}, column C (Answer): “Có lẽ” is not one of this question's choices; "
        "expected one of: “Yes, fully”, “Partly”, “No”")
    assert reading.values == {"POL-01": "yes", "POL-05": "no", "POL-06": "less_often"}


def test_not_applicable_where_refused_is_reported_on_its_cell():
    wb = book(offline.build_workbook(C, "en"))
    ws, row = rows_by_id(wb)["YW-01"]
    ws.cell(row, ANSWER).value = "Not applicable"
    reading = offline.read_answers(saved(wb), C, "q.xlsx")
    assert [(p.sheet, p.row, p.column, p.indicator) for p in reading.problems] == [(ws.title, row, "C", "YW-01")]
    assert reading.values == {}


def test_a_bad_row_leaves_the_saved_answer_and_an_empty_cell_clears_nothing(draft):
    """Only valid rows are imported: what was saved before is never lost to a mistake in the file."""
    db, sme, assessment_id = draft
    before = example_values("strong")
    workflow.save_answers(db, sme, assessment_id, before, C)
    wb = book(offline.build_workbook(C, "vi"))  # downloaded empty, before the answers were given
    where = rows_by_id(wb)
    ws, row = where["POL-02"]
    ws.cell(row, ANSWER).value = "Hình như có"  # a typo: reported, the saved answer stays
    ws, row = where["POL-03"]
    ws.cell(row, ANSWER).value = "Chưa"  # a real change
    outcome = offline.import_into_draft(db, sme, assessment_id, saved(wb), C, "q.xlsx")
    assert outcome.saved == {"POL-03": "no"}
    assert [p.indicator for p in outcome.problems] == ["POL-02"]
    assert workflow.answer_set(db, assessment_id).values == {**before, "POL-03": "no"}


@pytest.mark.parametrize("make, message", [
    (lambda good: b"employee_id,full_name\nE-1,An\n", "is not an Excel .xlsx file"),
    (lambda good: b"", "is not an Excel .xlsx file"),
    (lambda good: good[: len(good) // 2], "is not an Excel .xlsx file"),  # cut off: no zip directory
    (lambda good: _zip({"hello.txt": b"hi"}), "is not an Excel .xlsx file"),
    (lambda good: _with_part(good, "xl/worksheets/sheet2.xml", _LAUGHS), "DTD"),
    (lambda good: _with_part(good, "xl/worksheets/sheet2.xml", b"<worksheet><sheetData><row>"), "cannot be read"),
    (lambda good: good + b"\0" * (6 * 1024 * 1024), "too large"),
    (lambda good: _huge_sheet(), "more than 1000 rows"),
    (lambda good: _roster_workbook(), "has no sheet of the questionnaire"),
])
def test_a_hostile_or_broken_file_is_refused_whole_with_one_message(draft, make, message):
    db, sme, assessment_id = draft
    workflow.save_answers(db, sme, assessment_id, example_values("strong"), C)
    before = workflow.answer_set(db, assessment_id).values
    audit_rows = db["audit_log"].count if "audit_log" in db.table_names() else None
    good = fill(offline.build_workbook(C, "vi"), {"POL-03": "no"}, "vi")
    with pytest.raises(UserError) as refused:
        offline.import_into_draft(db, sme, assessment_id, make(good), C, "bad.xlsx")
    assert message in refused.value.message("en") and "Nothing was changed" in refused.value.message("en")
    assert "bad.xlsx" in refused.value.message("en") or "sheet" in refused.value.message("en")
    assert "Không có gì thay đổi" in refused.value.message("vi")
    assert workflow.answer_set(db, assessment_id).values == before
    if audit_rows is not None:
        assert db["audit_log"].count == audit_rows


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _with_part(xlsx: bytes, name: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[name] = data
    return _zip(parts)


_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
           b"<worksheet><sheetData><row><c><v>&lol2;</v></c></row></sheetData></worksheet>")


def _huge_sheet() -> bytes:
    wb = book(offline.build_workbook(C, "vi"))
    ws = wb[sheet_name(C, "POL", "vi")]
    for n in range(FIRST_ROW, 1200):
        ws.cell(n, ID).value = f"X-{n}"
    return saved(wb)


def _roster_workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["employee_id", "full_name", "date_of_birth"])
    wb.active.append(["E-1", "An", "01/01/1990"])
    return saved(wb)


def test_a_submitted_version_takes_no_import(draft):
    db, sme, assessment_id = draft
    workflow.save_answers(db, sme, assessment_id, example_values("strong"), C)
    workflow.submit(db, sme, assessment_id, C)
    with pytest.raises(UserError, match="submitted"):
        offline.import_into_draft(db, sme, assessment_id, offline.build_workbook(C, "en"), C, "q.xlsx")


@pytest.mark.parametrize("email", ["assessor@demo.vn", "brand@demo.vn", "admin@demo.vn", "authority@demo.vn",
                                   "association@demo.vn"])
def test_only_the_company_imports_into_its_draft(draft, email):
    db, sme, assessment_id = draft
    other = accounts.user_for_email(db, email)
    workbook = fill(offline.build_workbook(C, "vi"), {"POL-03": "no"}, "vi")
    with pytest.raises(UserError):
        offline.import_into_draft(db, other, assessment_id, workbook, C, "q.xlsx")
    assert workflow.answer_set(db, assessment_id).values == {}


# ------------------------------------------------------------------------------------------- the PDF and CLI


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("lang, words", [
    ("vi", ["Bảng câu hỏi tự đánh giá", "PRO-01 · Doanh nghiệp có đang sử dụng người lao động dưới 18 tuổi không?",
            "☐ Có ☐ Không", "Chỉ trả lời nếu PRO-01 = “Có”.", "Hướng dẫn:", "Căn cứ pháp lý:"]),
    ("en", ["Self-assessment questionnaire", "☐ Yes, fully ☐ Partly ☐ No ☐ Not applicable",
            "Answer only if PRO-01 = “Yes”."]),
])
def test_the_printable_questionnaire_has_every_question_with_boxes_to_tick(tmp_path, lang, words):
    path = tmp_path / "q.pdf"
    path.write_bytes(questionnaire_pdf.render(C, lang))
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    text = " ".join(out.stdout.decode("utf-8").split())
    for word in words:
        assert word in text
    assert all(f"{i.id} ·" in text for i in C.indicators)


def test_the_cli_exports_a_workbook_and_a_pdf_and_reports_bad_rows(cli, tmp_path):
    ran = cli("questionnaire", "export", "--out", tmp_path / "q.xlsx", "--lang", "en")
    assert ran.returncode == 0 and json.loads(ran.stdout)["questions"] == len(C.indicators)
    assert cli("questionnaire", "export", "--out", tmp_path / "q.pdf").returncode == 0
    assert (tmp_path / "q.pdf").read_bytes().startswith(b"%PDF")
    ran = cli("questionnaire", "export", "--out", tmp_path / "q.xlsx")
    assert ran.returncode == 2 and "already exists" in ran.stderr
    wb = book((tmp_path / "q.xlsx").read_bytes())
    ws, row = rows_by_id(wb)["POL-02"]
    ws.cell(row, ANSWER).value = "Maybe"
    ws2, row2 = rows_by_id(wb)["POL-03"]
    ws2.cell(row2, ANSWER).value = "Partly"
    (tmp_path / "filled.xlsx").write_bytes(saved(wb))
    ran = cli("questionnaire", "import", tmp_path / "filled.xlsx", "--answers-out", tmp_path / "a.json")
    assert ran.returncode == 1
    assert f"Sheet “{ws.title}”, row {row}, column C (Answer): “Maybe” is not one of" in ran.stderr
    assert json.loads((tmp_path / "a.json").read_text("utf-8"))["answers"] == {"POL-03": "partly"}
    ran = cli("questionnaire", "import", ROOT / "examples" / "middling.json", "--answers-out", tmp_path / "b.json")
    assert ran.returncode == 2 and "is not an Excel .xlsx file" in ran.stderr and "Traceback" not in ran.stderr


# --------------------------------------------------------------- other kinds of question (inline criteria)


KINDS = md_criteria("""
| sections |
|          | id | weight | label::vi | label::en |
|          | P  | 0      | Hồ sơ     | Profile   |
|          | S1 | 100    | Phần 1    | Part 1    |
| choices |
|         | list_name | name   | label::vi | label::en | score | na  | knockout |
|         | yn        | yes    | Có        | Yes       |       |     |          |
|         | yn        | no     | Không     | No        |       |     |          |
|         | multi     | a      | Ăn        | Eat       | 40    |     |          |
|         | multi     | b      | Bơi       | Swim      | 40    |     |          |
|         | multi     | c      | Chạy      | Run       | 40    |     |          |
| indicators |
|   | id | section | type                  | weight | na_allowed | evidence | relevant                              | priority | label::vi | label::en | remediation::vi | remediation::en | reference |
|   | G  | P       | select_one yn         | 0      |            | none     |                                       | minor    | Cổng      | Gate      |                 |                 |           |
|   | N  | P       | integer               | 0      |            | none     |                                       | minor    | Số        | Count     |                 |                 |           |
|   | T  | P       | text                  | 0      |            | none     | ${N} > 10                             | minor    | Ghi       | Note      |                 |                 |           |
|   | M  | S1      | select_multiple multi | 100    |            | none     | selected(${G}, 'yes') or not (${N} < 5) | minor | Câu M     | Q M       | Sửa M           | Fix M           | r         |
""")


def test_numbers_several_choices_and_text_travel_and_conditions_read_as_words():
    wb = book(offline.build_workbook(KINDS, "en"))
    ws = wb[sheet_name(KINDS, "P", "en")]
    when = COLUMNS.index("when") + 1
    assert ws.cell(FIRST_ROW + 2, when).value == "Answer only if N > 10."
    ws_m = wb[sheet_name(KINDS, "S1", "en")]
    assert ws_m.cell(FIRST_ROW, when).value.startswith("Answer only if G includes “Yes” or not (N < 5).")
    assert "separated by semicolons" in ws_m.cell(FIRST_ROW, when).value
    number = next(dv for dv in ws.data_validations.dataValidation if f"C{FIRST_ROW + 1}" in str(dv.sqref))
    assert number.type == "whole"
    ws.cell(FIRST_ROW + 1, ANSWER).value = 12
    ws.cell(FIRST_ROW + 2, ANSWER).value = "  two shifts, no night work  "
    ws_m.cell(FIRST_ROW, ANSWER).value = "Swim; ăn;c"  # labels in either language, codes, loose spacing
    reading = offline.read_answers(saved(wb), KINDS, "q.xlsx")
    assert reading.problems == []
    assert reading.values == {"N": 12, "T": "two shifts, no night work", "M": ["b", "a", "c"]}
    ws.cell(FIRST_ROW + 1, ANSWER).value = "2.5"
    ws_m.cell(FIRST_ROW, ANSWER).value = "Swim; Fly"
    reading = offline.read_answers(saved(wb), KINDS, "q.xlsx")
    assert [(p.indicator, p.column) for p in reading.problems] == [("N", "C"), ("M", "C")]
    assert reading.problems[0].reason("en").startswith("“2.5” is not a whole number")
    assert reading.problems[1].reason("en").startswith("“Fly” is not one of this question's choices")


def test_a_comment_that_looks_like_a_formula_comes_back_as_text(draft):
    db, _, assessment_id = draft
    db["answers"].insert({"assessment_id": assessment_id, "indicator_id": "POL-01", "value": '"yes"',
                          "comment": '=HYPERLINK("http://example.com","x")'})
    wb = book(offline.build_workbook(C, "en", offline.draft_prefill(db, workflow.get(db, assessment_id), C)))
    ws, row = rows_by_id(wb)["POL-01"]
    cell = ws.cell(row, COLUMNS.index("comment") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
