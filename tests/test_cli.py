"""The CLI contract: JSON on stdout, one clear line on stderr and a non-zero exit on bad input, never a traceback.
Commands run in process (`accreditation.cli.main`, the `cli` fixture); the smoke tests at the end run the real
entry point, `python -m accreditation`, in a subprocess."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def run(cli):
    return cli


@pytest.fixture
def score(run):
    def score(path):
        p = run("score", path)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    return score


def test_the_three_examples_give_three_different_sensible_outcomes(score):
    strong, middling, failing = (score(EXAMPLES / f"{n}.json") for n in ("strong", "middling", "failing"))
    assert strong["tier"] == "champion" and strong["eligible"] and strong["total"] >= 90
    assert middling["tier"] in ("committed", "pioneer") and 60 <= middling["total"] < 90
    assert failing["tier"] is None and not failing["eligible"] and failing["knockouts"] == ["YW-01"]
    for result in (strong, middling, failing):
        assert set(result) >= {"total", "tier", "eligible", "knockouts", "sections", "remediation"}
        assert 0 <= result["total"] <= 100
        assert all(set(item) >= {"indicator", "priority"} for item in result["remediation"])
    assert failing["remediation"][0] == {"indicator": "YW-01", "priority": "critical", "source": "answers"}
    assert len(failing["remediation"]) > len(middling["remediation"]) > len(strong["remediation"])


def write(tmp_path, name, content):
    p = tmp_path / name
    p.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "error: file not found: "),
        ("{not json", "is not valid JSON (line 1, column 2)"),
        ({"answers": {"XX-99": "yes"}}, "error: question `XX-99` is not in the criteria"),
        ({"answers": {"POL-01": "sometimes"}}, "error: question `POL-01`: `sometimes` is not one of its choices"),
        ({"answers": {"YW-01": "na"}}, "is not one of its choices"),
        ({"criteria_version": "1999.1", "answers": {}}, "answers were given for criteria version 1999.1"),
        ([1, 2], "must be a JSON object with an \"answers\" key"),
        ("[" * 100_000 + "]" * 100_000, "is nested too deeply"),
        ('{"answers": {"PRO-06": ' + "9" * 5000 + "}}", "has a number that is too long"),
        (" " * (5 * 1024 * 1024 + 1), "is larger than 5 MB"),
    ],
)
def test_bad_answers_files_print_one_line_and_exit_non_zero(run, tmp_path, content, message):
    path = tmp_path / "missing.json" if content is None else write(tmp_path, "a.json", content)
    p = run("score", path)
    assert p.returncode == 2 and p.stdout == ""
    assert message in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1989-12-31"])
def test_an_as_of_date_outside_any_real_use_is_refused_in_one_line(run, tmp_path, as_of):
    roster = write(tmp_path, "r.csv", "employee_id,date_of_birth\nE-1,01/01/1990\n")
    p = run("roster", roster, "--as-of", as_of)
    assert p.returncode == 2 and "outside the usable range (1990-01-01 to 2100-12-31)" in p.stderr
    assert "Traceback" not in p.stderr


def test_messages_are_vietnamese_by_default(run, tmp_path):
    p = run("score", tmp_path / "none.json", lang="vi")
    assert p.stderr.startswith("lỗi: không tìm thấy tệp")
    assert run("--lang", "en", "score", tmp_path / "none.json", lang="vi").stderr.startswith("error: file not found")


def test_criteria_validate_accepts_the_shipped_set(run):
    p = run("criteria", "validate")
    assert p.returncode == 0 and p.stdout.startswith("Valid: VN-CLF-REF version 2026.1")


def test_criteria_validate_lists_every_problem_with_file_row_and_column(run, tmp_path):
    folder = tmp_path / "award"
    shutil.copytree(ROOT / "criteria" / "award", folder)
    ind = folder / "indicators.csv"
    text = ind.read_text(encoding="utf-8")
    text = text.replace("POL-02,POL,select_one yes_partly_no", "POL-02,POLX,select_one yes_partly_no", 1)
    text = text.replace("${PRO-01} = 'yes'", "${PRO-01} == 'yes'", 1)
    ind.write_text(text, encoding="utf-8")
    p = run("criteria", "validate", folder)
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert lines[0] == f"2 problem(s) in the data files {folder}:"
    assert any("[indicators.csv, row 8, column `section`] `POLX` is not defined in sections" in ln for ln in lines)
    assert any("column `relevant`] the condition has a syntax error" in ln for ln in lines)


def test_score_with_another_criteria_folder(run, tmp_path):
    folder = tmp_path / "award"
    shutil.copytree(ROOT / "criteria" / "award", folder)
    p = run("score", EXAMPLES / "strong.json", "--criteria", tmp_path / "nowhere")
    assert p.returncode == 2 and "file not found" in p.stderr
    p = run("score", EXAMPLES / "strong.json", "--criteria", folder)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["tier"] == "champion"


def test_criteria_show_json_lists_sections_indicators_choices_and_bands(run):
    p = run("criteria", "show", "--json")
    data = json.loads(p.stdout)
    assert data["settings"]["version"] == "2026.1"
    assert [s["id"] for s in data["sections"]][:2] == ["PRO", "POL"]
    yw01 = next(i for i in data["indicators"] if i["id"] == "YW-01")
    assert yw01["critical"] and yw01["type"] == "select_one none_found"
    assert {c["name"]: (c["score"], c["knockout"]) for c in yw01["choices"]} == {"none": (100, False),
                                                                               "found": (0, True)}
    assert [b["id"] for b in data["bands"]] == ["committed", "pioneer", "champion"]


def test_excel_round_trip_gives_back_the_same_files(run, tmp_path):
    book = tmp_path / "criteria.xlsx"
    assert run("criteria", "export", "--xlsx", book).returncode == 0
    assert run("criteria", "export", "--xlsx", book).returncode == 2  # no silent overwrite
    out = tmp_path / "award"
    p = run("criteria", "import", book, "--out", out)
    assert p.returncode == 0, p.stderr
    for original in sorted((ROOT / "criteria" / "award").glob("*.csv")):
        assert (out / original.name).read_bytes() == original.read_bytes(), original.name


def test_an_edited_workbook_is_validated_before_anything_is_written(run, tmp_path):
    from openpyxl import load_workbook

    book = tmp_path / "criteria.xlsx"
    run("criteria", "export", "--xlsx", book)
    wb = load_workbook(book)
    ws = wb["indicators"]
    weight_col = [c.value for c in ws[1]].index("weight") + 1
    ws.cell(row=8, column=weight_col).value = 99  # POL-02's weight: POL no longer adds up to 100
    wb.save(book)
    out = tmp_path / "award"
    p = run("criteria", "import", book, "--out", out)
    assert p.returncode == 1 and not out.exists()
    assert "[criteria.xlsx, sheet indicators, column `weight`] the weights of section POL add up to 184" in p.stderr


def test_criteria_import_of_something_that_is_not_a_workbook(run, tmp_path):
    fake = write(tmp_path, "fake.xlsx", "hello")
    p = run("criteria", "import", fake, "--out", tmp_path / "out")
    assert p.returncode == 1 and "cannot read the file" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize("command", [
    ["certificate", EXAMPLES / "strong.json", "--out", "x.pdf"],
    ["remediation", EXAMPLES / "failing.json", "--out", "x.pdf"],
    ["certificates", "list"],
    ["roster", ROOT / "tests" / "data" / "roster_libreoffice.csv"],
    ["suppliers", ROOT / "tests" / "data" / "suppliers_example.csv"],
    ["verify", "VN-CLF-2026-000001"],
])
@pytest.mark.parametrize("lang, line", [
    ("en", "error: --as-of '31/12/2026' is not a date; use YYYY-MM-DD, e.g. 2026-09-30"),
    ("vi", "lỗi: --as-of '31/12/2026' không phải ngày; dùng dạng YYYY-MM-DD, ví dụ 2026-09-30"),
])
def test_every_as_of_option_refuses_a_non_iso_date_with_the_same_line(run, tmp_path, command, lang, line):
    p = run(*command, "--as-of", "31/12/2026", lang=lang, cwd=tmp_path)
    assert (p.returncode, p.stderr.strip(), p.stdout) == (2, line, "")
    assert not (tmp_path / "x.pdf").exists()


def test_help_and_usage_errors_are_exit_codes_not_exits(run):
    p = run("--help")
    assert p.returncode == 0 and p.stdout.startswith("usage: python -m accreditation")
    p = run("score")  # the answers file is missing
    assert p.returncode == 2 and p.stdout == "" and "the following arguments are required: ANSWERS.json" in p.stderr
    assert run("no-such-command").returncode == 2


def test_a_bug_is_one_line_and_exit_70_not_a_traceback(run, monkeypatch):
    from accreditation.commands import score

    def broken(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(score, "run", broken)
    p = run("score", EXAMPLES / "strong.json")
    assert p.returncode == 70 and p.stdout == ""
    assert p.stderr.startswith("error: ") and "ZeroDivisionError" in p.stderr and "ACCREDITATION_DEBUG" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


# ------------------------------------------------------------------------- smoke tests: the real entry point


def python_m_accreditation(*args, lang="en", **env):
    environ = {**os.environ, "ACCREDITATION_LANG": lang, "PYTHONPATH": str(ROOT), **env}
    assert "ACCREDITATION_DATA_DIR" in env, "a test's own data directory, never the user's"
    environ.pop("ACCREDITATION_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "accreditation", *map(str, args)], capture_output=True, cwd=ROOT,
                          env=environ, timeout=120)


def test_entry_point_prints_what_main_prints_and_exits_with_its_code(run, tmp_path):
    data = tmp_path / "entry-point-data"
    p = python_m_accreditation("score", "examples/middling.json", ACCREDITATION_DATA_DIR=data)
    assert p.returncode == 0 and p.stderr == b""
    assert json.loads(p.stdout) == json.loads(run("score", EXAMPLES / "middling.json").stdout)
    p = python_m_accreditation("score", "examples/none.json", lang="vi", ACCREDITATION_DATA_DIR=data)
    assert p.returncode == 2 and p.stdout == b""
    assert p.stderr.decode("utf-8") == "lỗi: không tìm thấy tệp examples/none.json\n"
    p = python_m_accreditation("verify", "VN-CLF-2026-999999", ACCREDITATION_DATA_DIR=data)
    assert p.returncode == 1 and p.stdout.startswith(b"CANNOT CONFIRM: the registry is not available")
    assert p.stderr == b""
    p = python_m_accreditation(ACCREDITATION_DATA_DIR=data)
    assert p.returncode == 2 and p.stderr.startswith(b"usage: ") and b"Traceback" not in p.stderr


def test_a_terminal_that_cannot_write_vietnamese_gets_utf8_json_and_one_line_errors(tmp_path):
    """PYTHONIOENCODING=cp1258 stands for a console or pipe in the Vietnamese Windows code page, which has no
    precomposed 'ỗ' or 'ệ': Vietnamese results must not end in 'internal error (UnicodeEncodeError)'. Piped output
    is UTF-8 (JSON's encoding); stderr is escaped."""
    encoding = "cp1258"
    p = python_m_accreditation("--lang", "vi", "roster", ROOT / "tests" / "data" / "roster_libreoffice.xlsx",
                               "--as-of", "2026-09-15", PYTHONIOENCODING=encoding,
                               ACCREDITATION_DATA_DIR=tmp_path / "data")
    assert p.returncode == 0, p.stderr
    findings = json.loads(p.stdout.decode("utf-8"))["findings"]
    assert findings[0]["message"]["vi"].startswith("Dòng 3, nhân viên")
    p = python_m_accreditation("criteria", "validate", lang="vi", PYTHONIOENCODING=encoding,
                               ACCREDITATION_DATA_DIR=tmp_path / "data")
    assert p.returncode == 0 and p.stdout.decode("utf-8").startswith("Hợp lệ: VN-CLF-REF")
    p = python_m_accreditation("score", tmp_path / "none.json", lang="vi", PYTHONIOENCODING=encoding,
                               ACCREDITATION_DATA_DIR=tmp_path / "data")
    assert p.returncode == 2 and p.stdout == b""
    err = p.stderr.decode("ascii", errors="replace")
    assert "none.json" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_first_administrator_is_made_from_the_command_line_and_signs_in(run, monkeypatch, tmp_path):
    from accreditation import accounts
    from accreditation.store.db import open_db

    monkeypatch.setenv("ACCREDITATION_ADMIN_PASSWORD", "a-long-secret-2026")
    p = run("users", "create-admin", "--email", " Quan.Tri@Example.VN ", "--name", "Quản trị")
    assert p.returncode == 0 and "quan.tri@example.vn" in p.stdout, p.stderr
    db = open_db()
    assert accounts.authenticate(db, "quan.tri@example.vn", "a-long-secret-2026").role == "admin"
    monkeypatch.setenv("ACCREDITATION_ADMIN_PASSWORD", accounts.DEMO_PASSWORD)
    p = run("users", "create-admin", "--email", "other@example.vn")
    assert p.returncode == 2 and "published demo password" in p.stderr
    monkeypatch.setenv("ACCREDITATION_ADMIN_PASSWORD", "short")
    assert run("users", "create-admin", "--email", "third@example.vn").returncode == 2
