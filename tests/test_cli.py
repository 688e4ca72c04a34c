"""The CLI contract, through a real subprocess: JSON on stdout, one clear line on stderr and a non-zero exit on
bad input, never a traceback."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(*args, lang="en", cwd=ROOT):
    env = {**os.environ, "ACCREDITATION_LANG": lang, "PYTHONPATH": str(ROOT)}
    env.pop("ACCREDITATION_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "accreditation", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def score(path):
    p = run("score", path)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_the_three_examples_give_three_different_sensible_outcomes():
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
    ],
)
def test_bad_answers_files_print_one_line_and_exit_non_zero(tmp_path, content, message):
    path = tmp_path / "missing.json" if content is None else write(tmp_path, "a.json", content)
    p = run("score", path)
    assert p.returncode == 2 and p.stdout == ""
    assert message in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr


def test_messages_are_vietnamese_by_default(tmp_path):
    p = run("score", tmp_path / "none.json", lang="vi")
    assert p.stderr.startswith("lỗi: không tìm thấy tệp")
    assert run("--lang", "en", "score", tmp_path / "none.json", lang="vi").stderr.startswith("error: file not found")


def test_criteria_validate_accepts_the_shipped_set():
    p = run("criteria", "validate")
    assert p.returncode == 0 and p.stdout.startswith("Valid: VN-CLF-REF version 2026.1")


def test_criteria_validate_lists_every_problem_with_file_row_and_column(tmp_path):
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
    assert lines[0] == f"2 problems in criteria {folder}:"
    assert any("[indicators.csv, row 8, column `section`] `POLX` is not defined in sections" in ln for ln in lines)
    assert any("column `relevant`] the condition has a syntax error" in ln for ln in lines)


def test_score_with_another_criteria_folder(tmp_path):
    folder = tmp_path / "award"
    shutil.copytree(ROOT / "criteria" / "award", folder)
    p = run("score", EXAMPLES / "strong.json", "--criteria", tmp_path / "nowhere")
    assert p.returncode == 2 and "file not found" in p.stderr
    assert score_with(folder)["tier"] == "champion"


def score_with(folder):
    p = run("score", EXAMPLES / "strong.json", "--criteria", folder)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_criteria_show_json_lists_sections_indicators_choices_and_bands():
    p = run("criteria", "show", "--json")
    data = json.loads(p.stdout)
    assert data["settings"]["version"] == "2026.1"
    assert [s["id"] for s in data["sections"]][:2] == ["PRO", "POL"]
    yw01 = next(i for i in data["indicators"] if i["id"] == "YW-01")
    assert yw01["critical"] and yw01["type"] == "select_one none_found"
    assert {c["name"]: (c["score"], c["knockout"]) for c in yw01["choices"]} == {"none": (100, False),
                                                                               "found": (0, True)}
    assert [b["id"] for b in data["bands"]] == ["committed", "pioneer", "champion"]


def test_excel_round_trip_gives_back_the_same_files(tmp_path):
    book = tmp_path / "criteria.xlsx"
    assert run("criteria", "export", "--xlsx", book).returncode == 0
    assert run("criteria", "export", "--xlsx", book).returncode == 2  # no silent overwrite
    out = tmp_path / "award"
    p = run("criteria", "import", book, "--out", out)
    assert p.returncode == 0, p.stderr
    for original in sorted((ROOT / "criteria" / "award").glob("*.csv")):
        assert (out / original.name).read_bytes() == original.read_bytes(), original.name


def test_an_edited_workbook_is_validated_before_anything_is_written(tmp_path):
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


def test_criteria_import_of_something_that_is_not_a_workbook(tmp_path):
    fake = write(tmp_path, "fake.xlsx", "hello")
    p = run("criteria", "import", fake, "--out", tmp_path / "out")
    assert p.returncode == 1 and "cannot read the file" in p.stderr and "Traceback" not in p.stderr
