"""`python -m accreditation roster` as a user runs it (in process, through `accreditation.cli.main`): encodings,
workbooks (one made by LibreOffice), malformed files, the JSON contract, exit codes and the template."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from vn_encodings import cp1258

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

HEADER = ["Mã nhân viên", "Họ và tên", "Ngày sinh", "Số CCCD", "Mã công việc", "Mã nơi làm việc", "Số giờ mỗi ngày",
          "Số giờ mỗi tuần", "Làm ban đêm", "Làm thêm giờ", "Đồng ý của cha mẹ", "Ngày khám sức khỏe"]
ROWS = [
    ["NV001", "Nguyễn Văn An", "17/05/1990", "001090012345", "GENERAL", "GENERAL", "8", "48", "không", "có", "", ""],
    ["NV002", "Trần Thị Bình", "02/10/2010", "079310001234", "LIGHT-12", "GENERAL", "8", "40", "không", "không", "có",
     "02/08/2026"],
    ["NV003", "Lê Văn Cường", "30/04/2012", "", "GENERAL", "GENERAL", "6", "30", "không", "không", "có", "01/06/2026"],
]
EXPECTED = [(3, "age.13_14_not_light", "critical"), (3, "time.under15_hours", "critical"),
            (3, "paper.contract_u15", "critical")]


@pytest.fixture
def run(cli):
    def run(*args, env_lang=None, cwd=ROOT):
        return cli(*args, lang=env_lang, cwd=cwd)

    return run


@pytest.fixture
def roster(run):
    def roster(tmp_path, data: bytes, name="ds.csv", *extra, as_of="2026-09-15"):
        """Run in the file's folder, so messages name the file as the user typed it."""
        (tmp_path / name).write_bytes(data)
        return run("roster", name, "--as-of", as_of, *extra, cwd=tmp_path)

    return roster


def ok_json(proc):
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def findings(out):
    return [(f["row"], f["rule"], f["severity"]) for f in out["findings"]]


def as_csv(rows, delim=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()




@pytest.mark.parametrize("encoding,delim,encode", [
    ("utf-8", ",", lambda s: s.encode("utf-8")),
    ("utf-8-sig", ";", lambda s: s.encode("utf-8-sig")),
    ("utf-16", "\t", lambda s: s.encode("utf-16")),  # Excel "Unicode text"
    ("cp1258", ",", cp1258),
])
def test_each_encoding_gives_the_same_findings(roster, tmp_path, encoding, delim, encode):
    out = ok_json(roster(tmp_path, encode(as_csv([HEADER, *ROWS], delim))))
    assert out["file"]["encoding"] == encoding and out["file"]["delimiter"] == delim
    assert out["rows"] == 3 and findings(out) == EXPECTED
    assert out["summary"] == {"critical": 3, "major": 0, "minor": 0}
    assert out["derived"]["roster.minimum_age"] == "found"


def test_json_contract(roster, tmp_path):
    out = ok_json(roster(tmp_path, as_csv([HEADER, *ROWS]).encode()))
    f = out["findings"][0]
    assert {"row", "employee_id", "rule", "severity", "legal_basis", "message"} <= set(f)
    assert f["employee_id"] == "NV003" and set(f["legal_basis"]) == set(f["message"]) == {"vi", "en"}
    assert f["fine_min_vnd"] == 100_000_000 and f["fine_basis"]["en"].startswith("Decree 283/2026/ND-CP art. 27(3)(a)")
    assert out["age_bands"] == {"under_13": 0, "13_14": 1, "15_17": 1, "18_plus": 1, "unknown": 0}
    assert out["as_of"] == "2026-09-15" and out["knockout"] is True


def test_no_names_or_id_numbers_in_the_output(roster, tmp_path):
    rows = [HEADER, *ROWS, ["NV004", "Phạm Thị Dung", "01/01/2000", "079310001234", "", "", "", "", "", "", "", ""]]
    proc = roster(tmp_path, as_csv(rows).encode())
    out = ok_json(proc)
    assert any(f["rule"] == "data.duplicate_id_number" for f in out["findings"])
    text = proc.stdout + proc.stderr
    for secret in ("Nguyễn", "Bình", "Cường", "Dung", "001090012345", "079310001234"):
        assert secret not in text


def xlsx_bytes(rows, title="Danh sách") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = title
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_xlsx_written_by_openpyxl_with_real_dates(roster, tmp_path):
    rows = [HEADER] + [[date(int(c[6:]), int(c[3:5]), int(c[:2])) if i in (2, 11) and c else c
                        for i, c in enumerate(r)] for r in ROWS]
    out = ok_json(roster(tmp_path, xlsx_bytes(rows), "ds.xlsx"))
    assert out["file"]["sheet"] == "Danh sách" and findings(out) == EXPECTED


def test_xlsx_made_by_libreoffice(run):
    """tests/data/roster_libreoffice.xlsx: LibreOffice Calc's conversion of roster_libreoffice.csv (typed dates,
    ID numbers as text, bilingual template headers)."""
    path = DATA / "roster_libreoffice.xlsx"
    assert b"LibreOffice" in __import__("zipfile").ZipFile(path).read("docProps/app.xml")
    out = ok_json(run("roster", str(path), "--as-of", "2026-09-15"))
    assert out["rows"] == 4
    assert findings(out) == [(3, "age.13_14_not_light", "critical"), (3, "time.under15_hours", "critical"),
                             (3, "paper.contract_u15", "critical"), (4, "job.15_17_prohibited", "critical"),
                             (4, "time.15_17_night", "major"), (4, "paper.guardian_consent", "major"),
                             (4, "paper.health_15_17_stale", "major")]


# ------------------------------------------------------------------------------------------------ malformed


def test_bad_date_in_row_7_is_a_finding_not_a_failure(roster, tmp_path):
    rows = [HEADER] + [[f"NV{i:03d}", "A", "01/01/1990", "", "GENERAL", "GENERAL", "8", "40", "không", "không", "",
                        ""] for i in range(1, 10)]
    rows[7][2] = "1990-13-01"
    out = ok_json(roster(tmp_path, as_csv(rows).encode()))
    [f] = out["findings"]
    assert (f["row"], f["rule"], f["severity"], f["employee_id"]) == (7, "data.bad_date", "major", "NV007")
    assert f["message"]["en"] == ("Column Date of birth, row 7: '1990-13-01' is not a valid date; "
                                  "expected dd/mm/yyyy, yyyy-mm-dd (e.g. 25/12/2010) or an Excel date")
    assert "roster.minimum_age" not in out["derived"]  # that worker's age is unknown


@pytest.mark.parametrize("name,data,message", [
    ("empty.csv", b"", "error: empty.csv is empty"),
    ("ragged.csv", as_csv([HEADER[:3], ["NV1", "A", "01/01/1990"], ["NV2", "B", "01/01/1990", "x"]]).encode(),
     "error: ragged.csv: data row 2 (line 3) has 4 cells but the header has 3"),
    ("cols.csv", as_csv([["Mã nhân viên", "Họ và tên"], ["NV1", "A"]]).encode(),
     "error: cols.csv: required column missing: date_of_birth (Date of birth)"),
    ("junk.xlsx", b"PK\x03\x04 this is not a workbook", "error: Cannot read junk.xlsx"),
    ("binary.csv", b"Ma,Ngay\n\x81\x8d\x8f\x90\n", "error: Cannot read binary.csv: the text encoding"),
])
def test_malformed_files_say_what_is_wrong(roster, tmp_path, name, data, message):
    proc = roster(tmp_path, data, name)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(message) and proc.stderr.count("\n") == 1, proc.stderr


def test_wrong_sheet(roster, tmp_path):
    data = xlsx_bytes([HEADER, *ROWS], title="Nhân sự")
    proc = roster(tmp_path, data, "ds.xlsx", "--sheet", "Sheet1")
    assert proc.returncode == 2
    assert proc.stderr == "error: ds.xlsx has no sheet 'Sheet1'; its sheets are: Nhân sự\n"
    assert ok_json(roster(tmp_path, data, "ds.xlsx", "--sheet", "Nhân sự"))["rows"] == 3


def test_vietnamese_messages_and_other_user_errors(run, tmp_path):
    proc = run("roster", str(tmp_path / "none.csv"), env_lang="vi")
    assert proc.returncode == 2 and proc.stderr.startswith("lỗi: không tìm thấy tệp")
    path = tmp_path / "ds.csv"
    path.write_text(as_csv([HEADER, *ROWS]), encoding="utf-8")
    proc = run("roster", str(path), "--as-of", "15/09/2026")
    assert proc.returncode == 2 and "--as-of '15/09/2026' is not a date" in proc.stderr
    assert run("roster").returncode == 2


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_template_round_trip(run, tmp_path, suffix):
    out = tmp_path / f"mau.{suffix}"
    assert run("roster", "--template", str(out), "--example").returncode == 0
    checked = ok_json(run("roster", str(out), "--as-of", "2026-09-15"))
    assert checked["rows"] == 2 and len(checked["file"]["columns"]) == 18
    assert run("roster", "--template", str(out)).returncode == 2  # no silent overwrite


def test_shipped_templates_match_the_spec(run, tmp_path):
    """criteria/templates/roster_template.* are what `roster --template` writes (regenerate them if this fails)."""
    for suffix in ("csv", "xlsx"):
        shipped = ROOT / "criteria" / "templates" / f"roster_template.{suffix}"
        out = ok_json(run("roster", str(shipped), "--as-of", "2026-09-15"))
        assert out["rows"] == 0 and len(out["file"]["columns"]) == 18
    fresh = tmp_path / "t.csv"
    run("roster", "--template", str(fresh))
    assert fresh.read_bytes() == (ROOT / "criteria" / "templates" / "roster_template.csv").read_bytes()
