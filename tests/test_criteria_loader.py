"""Each class of mistake a scheme officer can make in the criteria files is a load error that names the file,
the row and the column, in Vietnamese and English."""

import pytest

from criteria.errors import CriteriaLoadError
from criteria.errors import ErrorCode
from tables import md_criteria

SECTIONS = """
| sections |
|          | id | weight | label::vi | label::en |
|          | P  | 0      | Hồ sơ     | Profile   |
|          | S1 | 100    | Phần 1    | Part 1    |
"""

IND_HEADER = ("|            | id | section | type           | weight | critical | relevant | derived_from "
              "| label::vi | label::en | remediation::vi | remediation::en | reference |")


def indicators(*rows: str) -> str:
    return "| indicators |\n" + IND_HEADER + "\n" + "\n".join(rows)


GOOD = [
    "| | G  | P  | select_one yn  | 0   |     |              |  | Cổng  | Gate | | | |",
    "| | A  | S1 | select_one ypn | 60  |     | ${G} = 'yes' |  | Câu A | Q A  | Sửa A | Fix A | ILO-IOE |",
    "| | B  | S1 | select_one ko  | 40  | yes |              |  | Câu B | Q B  | Sửa B | Fix B | LC 2019 art. 143 |",
]


def load_error(md: str) -> CriteriaLoadError:
    with pytest.raises(CriteriaLoadError) as info:
        md_criteria(md)
    return info.value


def only_issue(md: str):
    err = load_error(md)
    assert len(err.issues) == 1, err.messages("en")
    return err.issues[0]


def test_the_good_table_loads():
    c = md_criteria(SECTIONS + indicators(*GOOD))
    assert [i.id for i in c.indicators] == ["G", "A", "B"]
    assert c.indicator("B").critical and c.conditions["A"].refs == ("G",)


@pytest.mark.parametrize(
    "rows, code, row, column",
    [
        # duplicate id
        (GOOD + ["| | A | S1 | select_one ypn | 0 | | | | Lặp | Dup | | | |"], ErrorCode.DUPLICATE_ID, 5, "id"),
        # unknown section
        ([GOOD[0], GOOD[1].replace("| S1 |", "| S9 |"), GOOD[2]], ErrorCode.UNKNOWN_REFERENCE, 3, "section"),
        # unknown choice list
        ([GOOD[0], GOOD[1].replace("select_one ypn", "select_one nope"), GOOD[2]], ErrorCode.UNKNOWN_REFERENCE, 3,
         "type"),
        # bad type
        ([GOOD[0], GOOD[1].replace("select_one ypn", "select_many ypn"), GOOD[2]], ErrorCode.BAD_TYPE, 3, "type"),
        # missing English text
        ([GOOD[0], GOOD[1].replace("| Q A  |", "|  |"), GOOD[2]], ErrorCode.TEXT_MISSING, 3, "label::en"),
        # missing Vietnamese remediation on a scored question
        ([GOOD[0], GOOD[1].replace("| Sửa A |", "|  |"), GOOD[2]], ErrorCode.TEXT_MISSING, 3, "remediation::vi"),
        # condition on an unknown question
        ([GOOD[0], GOOD[1].replace("${G}", "${Z}"), GOOD[2]], ErrorCode.CONDITION_UNKNOWN_ID, 3, "relevant"),
        # condition with a syntax error
        ([GOOD[0], GOOD[1].replace("${G} = 'yes'", "${G} == 'yes'"), GOOD[2]], ErrorCode.CONDITION_SYNTAX, 3,
         "relevant"),
        # condition on a scored question
        ([GOOD[0], GOOD[1], GOOD[2].replace("|              |", "| ${A} = 'yes' |")], ErrorCode.CONDITION_SCORED, 4,
         "relevant"),
        # condition on a later question
        ([GOOD[0].replace("|              |", "| ${A} = 'yes' |"), GOOD[1], GOOD[2]], ErrorCode.CONDITION_FORWARD, 2,
         "relevant"),
        # critical question without a knock-out answer
        ([GOOD[0], GOOD[1].replace("|     |", "| yes |", 1), GOOD[2]], ErrorCode.CRITICAL_NEEDS_KNOCKOUT, 3,
         "critical"),
        # scored question on an unscored list
        ([GOOD[0], GOOD[1].replace("select_one ypn", "select_one yn"), GOOD[2]], ErrorCode.SCORED_NEEDS_CHOICES, 3,
         "weight"),
        # weight that is not a number
        ([GOOD[0], GOOD[1].replace("| 60  |", "| sixty |"), GOOD[2]], ErrorCode.BAD_NUMBER, 3, "weight"),
        # critical that is neither yes nor no
        ([GOOD[0], GOOD[1], GOOD[2].replace("| yes |", "| maybe |")], ErrorCode.BAD_OPTION, 4, "critical"),
        # unknown derivation
        ([GOOD[0], GOOD[1].replace("| ${G} = 'yes' |  |", "| ${G} = 'yes' | roster.shoe_size |"), GOOD[2]],
         ErrorCode.DERIVED_UNKNOWN, 3, "derived_from"),
        # a derivation whose answers the list cannot hold
        ([GOOD[0], GOOD[1], GOOD[2].replace("|              |  |", "|              | roster.working_time |")],
         ErrorCode.DERIVED_CHOICE, 4, "derived_from"),
        # bad id
        ([GOOD[0], GOOD[1].replace("| A  |", "| 1A |"), GOOD[2]], ErrorCode.BAD_ID, 3, "id"),
    ],
)
def test_indicator_errors_name_file_row_and_column(rows, code, row, column):
    issue = only_issue(SECTIONS + indicators(*rows)) if code != ErrorCode.DERIVED_CHOICE else None
    if issue is None:  # roster.working_time can answer yes/partly/no/na: each missing one is reported
        issues = load_error(SECTIONS + indicators(*rows)).issues
        assert {i.code for i in issues} == {code}
        issue = issues[0]
    assert (issue.code, issue.file, issue.row, issue.column) == (code, "indicators.csv", row, column)
    vi, en = issue.message("vi"), issue.message("en")
    assert vi.startswith(f"[indicators.csv, dòng {row}, cột `{column}`]")
    assert en.startswith(f"[indicators.csv, row {row}, column `{column}`]")
    assert vi != en


def test_weights_that_do_not_add_up_are_reported_with_the_totals():
    rows = [GOOD[0], GOOD[1].replace("| 60  |", "| 50  |"), GOOD[2]]
    issue = only_issue(SECTIONS + indicators(*rows))
    assert issue.code == ErrorCode.WEIGHT_TOTAL and issue.column == "weight"
    assert "add up to 90, but must add up to 100" in issue.message("en")
    assert "tổng trọng số section S1 là 90" in issue.message("vi")


def test_section_weights_must_add_up_as_declared():
    sections = SECTIONS.replace("| S1 | 100    |", "| S1 | 90     |")
    issue = only_issue(sections + indicators(*GOOD))
    assert (issue.code, issue.file) == (ErrorCode.WEIGHT_TOTAL, "sections.csv")


def test_misspelt_column_gets_a_suggestion():
    md = SECTIONS + indicators(*GOOD).replace("| label::en |", "| lable::en |")
    messages = load_error(md).messages("en")
    assert any("unknown column `lable::en`; did you mean `label::en`?" in m for m in messages)
    assert any("required column `label::en` is missing" in m for m in messages)


def test_all_problems_are_reported_at_once():
    rows = [GOOD[0], GOOD[1].replace("| S1 |", "| S9 |").replace("| Q A  |", "|  |"), GOOD[2]]
    codes = {i.code for i in load_error(SECTIONS + indicators(*rows)).issues}
    assert {ErrorCode.UNKNOWN_REFERENCE, ErrorCode.TEXT_MISSING} <= codes


SETTINGS_ROWS = [
    "| | criteria_id | T |", "| | version | 1 |", "| | effective_date | 2026-01-01 |", "| | status | reference |",
    "| | scheme_name::vi | Thử |", "| | scheme_name::en | Test |", "| | validity_months | 24 |",
    "| | section_weight_total | 100 |", "| | indicator_weight_total | 100 |",
]


def settings(*replace: tuple[str, str]) -> str:
    text = "| settings |\n| | key | value |\n" + "\n".join(SETTINGS_ROWS)
    for old, new in replace:
        text = text.replace(old, new)
    return text


CHOICES_HEAD = "| choices |\n| | list_name | name | label::vi | label::en | score | na | knockout |\n"
KO_ROWS = "| | ko | none | Không | None | 100 | | |\n| | ko | found | Có | Found | 0 | | yes |\n| | yn | yes | Có | Yes | | | |\n"


@pytest.mark.parametrize(
    "sheet, code, row, column",
    [
        (CHOICES_HEAD + KO_ROWS + "| | ypn | yes | Có | Yes | 100 | | |\n| | ypn | no | Không | No | 140 | | |",
         ErrorCode.OUT_OF_RANGE, 6, "score"),
        (CHOICES_HEAD + KO_ROWS + "| | ypn | yes | Có | Yes | 100 | | |\n| | ypn | no | Không | No | | | |",
         ErrorCode.LIST_MIXED_SCORES, 5, "score"),
        ("| bands |\n| | id | min_total | min_section | label::vi | label::en |\n| | gold | 80 | 60 | Vàng | |",
         ErrorCode.TEXT_MISSING, 2, "label::en"),
        (settings(("2026-01-01", "2026-13-01")), ErrorCode.BAD_DATE, 4, "value"),
        (settings(("| | scheme_name::en | Test |", "")), ErrorCode.TEXT_MISSING, None, "scheme_name::en"),
        (settings(("| | validity_months | 24 |", "| | validity_months | 0 |")), ErrorCode.OUT_OF_RANGE, 8, "value"),
        (settings(("| | status | reference |", "| | status | draft |")), ErrorCode.BAD_OPTION, 5, "value"),
        (settings(("| | version | 1 |", "| | versoin | 1 |")), ErrorCode.COLUMN_UNKNOWN, 3, "key"),
    ],
)
def test_other_sheets_report_file_row_and_column(sheet, code, row, column):
    issues = load_error(SECTIONS + indicators(*GOOD) + "\n" + sheet).issues
    issue = next(i for i in issues if i.code == code)
    name = sheet.split("|")[1].strip()
    assert (issue.file, issue.row, issue.column) == (f"{name}.csv", row, column)


def test_the_shipped_reference_set_loads():
    from criteria.datafiles import default_criteria

    c = default_criteria()
    assert c.settings.status == "reference"
    assert c.settings.notice.vi and c.settings.notice.en
    assert len(c.indicators) >= 45
    assert {"YW-01", "YW-02"} <= {i.id for i in c.indicators if i.critical}
    assert [b.id for b in c.bands] == ["committed", "pioneer", "champion"]


def test_the_criteria_modules_import_each_other_one_way():
    """parse (sheets, workbook) -> build -> validate -> loader: no module imports one that imports it back."""
    import ast
    from pathlib import Path

    import criteria.paths

    folder = Path(criteria.paths.__file__).parent
    deps = {f.stem: {n.module.split(".")[1] for n in ast.walk(ast.parse(f.read_text(encoding="utf-8")))
                     if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("criteria.")}
            for f in folder.glob("*.py")}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(d == target or (d not in seen and not seen.add(d) and reaches(d, target, seen))
                   for d in deps.get(start, ()))

    assert deps["workbook"] and "loader" not in deps["workbook"]
    assert [m for m in deps if reaches(m, m, set())] == []
