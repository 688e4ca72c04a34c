"""The generic table importer: encodings, delimiters, headers, dates, workbooks and whole-file errors."""

import csv
import io
import unicodedata
from datetime import date

import pandas as pd
import pytest
from openpyxl import Workbook

from accreditation.tables import TableError, read_table, write_template
from criteria.column_specs import load_table_spec, normalise_header
from criteria.errors import CriteriaLoadError, ErrorCode
from vn_encodings import cp1258

SPEC = load_table_spec("roster")




ROSTER = [
    ["Mã nhân viên", "Họ và tên", "Ngày sinh", "Số giờ mỗi ngày", "Làm thêm giờ", "Mã công việc"],
    ["E1", "Nguyễn Thị Ảnh", "01/02/2010", "7,5", "có", "light_4"],
    ["E2", "Trần Văn Bình", "2008-12-31", "8", "không", "GENERAL"],
]


def as_csv(rows, delim=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


ENCODINGS = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8-sig": lambda s: s.encode("utf-8-sig"),
    "utf-16": lambda s: s.encode("utf-16"),  # Excel "Unicode text": BOM + UTF-16LE
    "utf-16-nobom": lambda s: s.encode("utf-16-le"),
    "cp1258": cp1258,
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("delim", [",", ";", "\t"])
def test_encodings_and_delimiters(encoding, delim):
    table = read_table(ENCODINGS[encoding](as_csv(ROSTER, delim)), "ds.csv", SPEC)
    assert table.delimiter == delim
    assert table.encoding == {"utf-16-nobom": "utf-16"}.get(encoding, encoding)
    f = table.frame
    assert table.rows == 2 and list(f.index) == [1, 2]
    assert f["full_name"].tolist() == ["Nguyễn Thị Ảnh", "Trần Văn Bình"]  # NFC, whatever the code page did
    assert f["date_of_birth"].tolist() == [pd.Timestamp("2010-02-01"), pd.Timestamp("2008-12-31")]
    assert f["hours_per_day"].tolist() == [7.5, 8.0]
    assert f["overtime"].tolist() == [True, False]
    assert f["job_code"].tolist() == ["LIGHT-4", "GENERAL"]
    assert not table.problems


@pytest.mark.parametrize("header", ["Ngày sinh", "ngay sinh", "NGÀY  SINH", "Date of birth", "date_of_birth", "DOB",
                                    "Ngày sinh / Date of birth", "Ngày, tháng, năm sinh", "Ngày sinh (dd/mm/yyyy)",
                                    unicodedata.normalize("NFD", "Ngày sinh")])
def test_header_aliases(header):
    data = as_csv([["employee_id", header], ["E1", "05/06/2011"]]).encode()
    table = read_table(data, "x.csv", SPEC)
    nfc = unicodedata.normalize("NFC", header.strip())  # the text is NFC-normalised before anything else
    assert table.header_map == {"employee_id": "employee_id", nfc: "date_of_birth"}
    assert table.frame.loc[1, "date_of_birth"] == pd.Timestamp("2011-06-05")


def test_normalise_header():
    assert normalise_header("  Số CMND/CCCD/Hộ chiếu ") == "so cmnd cccd ho chieu"
    assert normalise_header("Đồng ý của cha mẹ") == "dong y cua cha me"


def test_form06_title_block_and_headings():
    """Form 06 ("Sổ theo dõi…") starts with a title; its headings map, unknown ones are kept aside."""
    rows = [
        ["SỔ THEO DÕI TÌNH HÌNH SỬ DỤNG LAO ĐỘNG CHƯA THÀNH NIÊN", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["STT", "Mã số nhân viên", "Họ và tên", "Ngày, tháng, năm sinh", "Số CMND/CCCD/Hộ chiếu", "Công việc đang làm"],
        ["1", "E1", "Lê Văn C", "03/04/2009", "001209012345", "Đóng gói"],
    ]
    table = read_table(as_csv(rows).encode("utf-8-sig"), "form06.csv", SPEC)
    assert table.header_row == 3
    assert set(table.header_map.values()) == {"employee_id", "full_name", "date_of_birth", "id_number", "job_title"}
    assert table.ignored_columns == ["STT"]
    assert table.frame.loc[1, "id_number"] == "001209012345"  # text: the leading zeros stay


@pytest.mark.parametrize("cell,expected", [
    ("25/12/2010", date(2010, 12, 25)), ("5/6/2011", date(2011, 6, 5)), ("05.06.2011", date(2011, 6, 5)),
    ("05-06-2011", date(2011, 6, 5)), ("2011-06-05", date(2011, 6, 5)), ("2011-06-05 00:00:00", date(2011, 6, 5)),
    ("29/02/2012", date(2012, 2, 29)), ("40179", date(2010, 1, 1)), ("40179.0", date(2010, 1, 1)),
    (" 01/01/2000 ", date(2000, 1, 1)),
    ("29/02/2011", None), ("31/04/2010", None), ("13/13/2010", None), ("2010", None), ("1/2/10", None),
    ("ngày 1", None), ("00/01/2010", None),
])
def test_dates(cell, expected):
    table = read_table(as_csv([["employee_id", "date_of_birth"], ["E1", cell]]).encode(), "d.csv", SPEC)
    value = table.frame.loc[1, "date_of_birth"]
    if expected is None:
        assert pd.isna(value)
        [p] = table.problems
        assert (p.row, p.column, p.value) == (1, "date_of_birth", cell.strip())
        assert "dd/mm/yyyy" in p.en and "dd/mm/yyyy" in p.vi
    else:
        assert value == pd.Timestamp(expected) and not table.problems


@pytest.mark.parametrize("cell,expected", [
    ("yes", True), ("Có", True), ("CO", True), ("y", True), ("1", True), ("TRUE", True), ("x", True),
    ("no", False), ("Không", False), ("khong", False), ("n", False), ("0", False), ("False", False),
    ("", None), ("maybe", "problem"),
])
def test_yes_no(cell, expected):
    table = read_table(as_csv([["employee_id", "date_of_birth", "night_work"], ["E1", "01/01/2000", cell]]).encode(),
                       "b.csv", SPEC)
    value = table.frame.loc[1, "night_work"]
    if expected == "problem":
        assert pd.isna(value) and table.problems[0].column == "night_work"
    elif expected is None:
        assert pd.isna(value) and not table.problems
    else:
        assert bool(value) is expected


def test_bad_date_in_row_7_is_a_cell_problem_not_an_error():
    rows = [["employee_id", "date_of_birth", "hours_per_day"]]
    rows += [[f"E{i}", "01/01/2000", "8"] for i in range(1, 7)]
    rows += [["E7", "32/01/2000", "tám"]]
    table = read_table(as_csv(rows).encode(), "r.csv", SPEC)
    assert table.rows == 7
    assert [(p.row, p.column, p.value) for p in table.problems] == [
        (7, "date_of_birth", "32/01/2000"), (7, "hours_per_day", "tám")]
    assert table.problems[0].en.startswith("Column Date of birth, row 7:")
    assert table.problems[0].vi.startswith("Cột Ngày sinh, dòng 7:")
    assert str(table.frame["date_of_birth"].dtype).startswith("datetime64")  # one bad cell does not turn it to text


def test_blank_rows_are_dropped_and_row_numbers_kept():
    rows = [["employee_id", "date_of_birth"], ["E1", "01/01/2000"], ["", ""], ["E3", "01/01/2001"]]
    table = read_table(as_csv(rows).encode(), "r.csv", SPEC)
    assert list(table.frame.index) == [1, 3] and table.rows == 2


def test_columns_limit_what_is_read():
    table = read_table(as_csv(ROSTER).encode(), "r.csv", SPEC, columns=["date_of_birth", "job_code"])
    assert "full_name" not in table.frame and {"employee_id", "date_of_birth", "job_code"} <= set(table.frame)


# ------------------------------------------------------------------------------------------ whole-file errors


def message(exc) -> tuple[str, str]:
    return exc.value.vi, exc.value.en


def test_empty_file():
    for data in (b"", b"  \r\n"):
        with pytest.raises(TableError) as exc:
            read_table(data, "empty.csv", SPEC)
        assert message(exc) == ("Tệp empty.csv trống", "empty.csv is empty")


def test_header_only_is_not_an_error():
    table = read_table(b"employee_id,date_of_birth\r\n", "h.csv", SPEC)
    assert table.rows == 0 and table.frame.empty


def test_missing_required_column():
    with pytest.raises(TableError) as exc:
        read_table(as_csv([["Mã nhân viên", "Họ tên"], ["E1", "A"]]).encode(), "ds.csv", SPEC)
    vi, en = message(exc)
    assert en.startswith("ds.csv: required column missing: date_of_birth (Date of birth)")
    assert "date_of_birth (Ngày sinh)" in vi


def test_no_header_at_all():
    with pytest.raises(TableError) as exc:
        read_table(b"a,b\n1,2\n", "x.csv", SPEC)
    assert "employee_id (Employee ID); date_of_birth (Date of birth)" in exc.value.en


@pytest.mark.parametrize("bad,row,cells", [("E3,01/01/2001,8,extra", 3, 4), ("E3,01/01/2001", 3, 2)])
def test_ragged_rows_name_the_row(bad, row, cells):
    text = "employee_id,date_of_birth,hours_per_day\nE1,01/01/2000,8\nE2,01/01/2000,8\n" + bad + "\nE4,01/01/2000,8\n"
    with pytest.raises(TableError) as exc:
        read_table(text.encode(), "r.csv", SPEC)
    assert exc.value.en == (f"r.csv: data row {row} (line {row + 1}) has {cells} cells but the header has 3; "
                            "check for a stray or missing separator in that row")


def test_undecodable_bytes():
    with pytest.raises(TableError) as exc:
        read_table(b"employee_id,date_of_birth\nE1,\x81\x8d\x90\n", "r.csv", SPEC)
    assert "encoding" in exc.value.en


def test_quoted_delimiters_and_newlines_are_not_ragged():
    text = 'employee_id,job_title,date_of_birth\nE1,"May, đóng gói\ncắt chỉ",01/01/2000\n'
    table = read_table(text.encode(), "r.csv", SPEC)
    assert table.frame.loc[1, "job_title"] == "May, đóng gói\ncắt chỉ"


# ---------------------------------------------------------------------------------------------------- XLSX


def xlsx(rows, title="Danh sách", extra_sheets=()) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = title
    for name in extra_sheets:
        book.create_sheet(name, 0).append(["ghi chú"])  # before the data sheet
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_xlsx_typed_cells_serials_and_text_dates():
    data = xlsx([
        ["Mã nhân viên / Employee ID", "Ngày sinh / Date of birth", "Số CCCD/định danh / ID number",
         "Số giờ mỗi ngày / Hours per day", "Làm ban đêm"],
        ["E1", date(2010, 2, 1), "079210000001", 4, "không"],
        ["E2", 40179, 79210000002, 7.5, True],  # a serial and an ID typed as a number (leading zero lost)
        ["E3", "29/02/2012", None, None, None],
        [None, None, None, None, None],
        [12, "30/02/2012", None, "bốn", None],
    ])
    table = read_table(data, "ds.xlsx", SPEC)
    f = table.frame
    assert table.encoding == "xlsx" and table.sheet == "Danh sách" and table.delimiter is None
    assert list(f.index) == [1, 2, 3, 5]
    assert f["date_of_birth"].tolist()[:3] == [pd.Timestamp("2010-02-01"), pd.Timestamp("2010-01-01"),
                                               pd.Timestamp("2012-02-29")]
    assert f["id_number"].tolist()[:2] == ["079210000001", "79210000002"]
    assert f["employee_id"].tolist()[3] == "12"
    assert f["hours_per_day"].tolist()[:2] == [4.0, 7.5]
    assert [(p.row, p.column) for p in table.problems] == [(5, "date_of_birth"), (5, "hours_per_day")]


def test_xlsx_sheet_choice():
    rows = [["employee_id", "date_of_birth"], ["E1", "01/01/2000"]]
    data = xlsx(rows, title="Roster", extra_sheets=["Hướng dẫn"])
    assert read_table(data, "ds.xlsx", SPEC).sheet == "Roster"  # the sheet with the header, not the first one
    assert read_table(data, "ds.xlsx", SPEC, sheet="Roster").rows == 1
    with pytest.raises(TableError) as exc:
        read_table(data, "ds.xlsx", SPEC, sheet="Sheet9")
    assert exc.value.en == "ds.xlsx has no sheet 'Sheet9'; its sheets are: Hướng dẫn, Roster"
    with pytest.raises(TableError) as exc:
        read_table(data, "ds.xlsx", SPEC, sheet="Hướng dẫn")
    assert exc.value.en.startswith("ds.xlsx (sheet 'Hướng dẫn'): required column missing")


def test_xlsx_empty_sheet_and_corrupt_file():
    with pytest.raises(TableError) as exc:
        read_table(xlsx([]), "ds.xlsx", SPEC)
    assert "empty" in exc.value.en
    with pytest.raises(TableError) as exc:
        read_table(b"PK\x03\x04 not really a zip", "ds.xlsx", SPEC)
    assert exc.value.en.startswith("Cannot read ds.xlsx")


def test_sheet_option_on_a_csv():
    with pytest.raises(TableError) as exc:
        read_table(as_csv(ROSTER).encode(), "ds.csv", SPEC, sheet="Roster")
    assert "CSV" in exc.value.en


# ------------------------------------------------------------------------------------------------ templates


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_round_trips(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    write_template(SPEC, path, [["E1", "Nguyễn Văn A", date(2010, 1, 2)] + [None] * (len(SPEC.columns) - 3)])
    table = read_table(path.read_bytes(), path.name, SPEC)
    assert set(table.header_map.values()) == {c.name for c in SPEC.columns}
    assert table.frame.loc[1, "date_of_birth"] == pd.Timestamp("2010-01-02")


def spec_issues(tmp_path, rows: str):
    (tmp_path / "t.csv").write_text("name,kind,required,aliases,label::vi,label::en,description::vi,description::en\n"
                                    + rows, encoding="utf-8")
    with pytest.raises(CriteriaLoadError) as exc:
        load_table_spec("t", tmp_path)
    return exc.value


def test_spec_rejects_an_alias_used_twice(tmp_path):
    err = spec_issues(tmp_path, "a,text,yes,x,A,A,,\nb,date,no,X,B,B,,\n")
    assert [(i.code, i.file, i.row, i.column) for i in err.issues] == [
        (ErrorCode.ALIAS_TAKEN, "columns/t.csv", 3, "aliases")]
    assert err.messages("en") == ["[columns/t.csv, row 3, column `aliases`] the name `X` is already used for `a`"]
    assert err.messages("vi") == ["[columns/t.csv, dòng 3, cột `aliases`] tên gọi `X` đã dùng cho `a`"]


def test_spec_lists_every_problem(tmp_path):
    err = spec_issues(tmp_path, "a,money,yes,,A,A,,\nB b,text,maybe,,B,,,\n")
    assert [(i.code, i.row, i.column) for i in err.issues] == [
        (ErrorCode.BAD_OPTION, 2, "kind"), (ErrorCode.BAD_OPTION, 3, "required"), (ErrorCode.BAD_NAME, 3, "name"),
        (ErrorCode.TEXT_MISSING, 3, "label::en")]
    assert "`money` is not valid; expected one of: text, date, int, number, bool, code" in err.messages("en")[0]


# ------------------------------------------------------------------------------------------- templates


@pytest.mark.parametrize("table", ["roster", "suppliers"])
def test_the_xlsx_template_has_a_code_sheet_and_drop_downs_on_code_and_yes_no_columns(tmp_path, table):
    from openpyxl import load_workbook

    from accreditation.tables import write_template
    from accreditation.tables.code_lists import code_lists
    from criteria.column_specs import load_table_spec
    from criteria.law_tables import default_law
    from criteria.risk_tables import default_risk_data

    spec = load_table_spec(table)
    write_template(spec, tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == [table, "codes", "columns"]
    codes = [[c.value for c in r] for r in book["codes"].iter_rows()]
    assert codes[0] == ["column", "code", "nhãn", "label", "căn cứ", "basis"]
    assert all(all(r) for r in codes[1:])  # every code has both labels and a basis
    if table == "roster":
        law = default_law().codes
        listed = {r[1] for r in codes[1:]}
        assert listed == set(law)  # every job and workplace code of criteria/law/work_codes.csv
        row = next(r for r in codes if r[1] == "LIGHT-1")
        assert row[2:] == [law["LIGHT-1"].label.vi, law["LIGHT-1"].label.en, law["LIGHT-1"].legal_basis.vi,
                           law["LIGHT-1"].legal_basis.en]
    else:
        types = default_risk_data().types
        assert [r[1] for r in codes[1:]] == list(types) and "Rủi ro: Cao" in next(r[4] for r in codes
                                                                                 if r[1] == "household_business")
    headers = [c.value for c in book[table][1]]
    column = {c.name: headers.index(c.template_header) for c in spec.columns}
    validations = {}
    for dv in book[table].data_validations.dataValidation:
        for cells in dv.sqref.ranges:
            validations[cells.min_col - 1] = (dv.type, dv.formula1, cells.min_row, cells.max_row)
    for c in spec.columns:
        if c.kind == "bool":
            assert validations[column[c.name]][:2] == ("list", '"có,không"'), c.name
    for code_list in code_lists(table):
        kind, source, first, last = validations[column[code_list.column]]
        assert kind == "list" and source.startswith("'codes'!$") and first == 2 and last > 10_000
        import re

        letter, top, _, bottom = re.fullmatch(r"'codes'!\$([A-F])\$(\d+):\$([A-F])\$(\d+)", source).groups()
        offered = [r[ord(letter) - ord("A")] for r in codes[int(top) - 1:int(bottom)]]
        assert len(offered) == len(code_list.rows) and all(r[0] == code_list.column
                                                           for r in codes[int(top) - 1:int(bottom)])
    described = {r[0].value: r[5].value for r in book["columns"].iter_rows(min_row=2)}
    assert not any("criteria/" in (d or "") for d in described.values())  # no repository paths


def test_a_filled_xlsx_template_reads_back_with_the_codes_it_offers(tmp_path):
    from openpyxl import load_workbook

    from accreditation.suppliers import check_suppliers, write_templates

    write_templates(tmp_path)
    book = load_workbook(tmp_path / "supplier_template.xlsx")
    offered = [r[2].value for r in book["codes"].iter_rows(min_row=2)]
    sheet = book[book.sheetnames[0]]
    for i, label in enumerate(offered):
        sheet.append([f"NCC {i}", "0100233488" if i == 0 else "", "Hà Nội", "", "ốc vít", 1, label, "", "có"])
    book.save(tmp_path / "filled.xlsx")
    result = check_suppliers((tmp_path / "filled.xlsx").read_bytes(), "filled.xlsx", date(2026, 6, 30))
    assert [e["supplier_type"] for e in result.entries()] == [r[1].value for r in book["codes"].iter_rows(min_row=2)]
