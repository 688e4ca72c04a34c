"""Every data file under criteria/ follows one loading convention: a corrupted file of each kind (award, law, risk,
columns, provinces, derivations) is reported with file, row and column, in both languages, by `criteria validate`
and with the same list by `suppliers` and `roster` (exit 1, never "internal error"). The data folder is a copy
named by $ACCREDITATION_CRITERIA_DIR. Also: the fingerprint covers derivations.csv, and an assessment's snapshot
stores exactly the sheets fingerprinted."""

import json
import shutil
from pathlib import Path

import pytest

from accreditation import workflow
from accreditation.store.db import open_db
from criteria.datafiles import check_data_files
from criteria.errors import CriteriaLoadError, ErrorCode
from criteria.loader import load_criteria
from criteria.paths import PACKAGE_DIR

DATA = Path(__file__).resolve().parent / "data"
SUPPLIERS = DATA / "suppliers_example.csv"
ROSTER = DATA / "roster_libreoffice.csv"

# kind: (file, the text replaced, its replacement, row, column, the English message, the Vietnamese one)
BROKEN = {
    "award": ("award/indicators.csv", "POL-02,POL,", "POL-02,POLX,", "indicators.csv", 8, "section",
              "`POLX` is not defined in sections", "`POLX` không có trong sections"),
    "law": ("law/fines.csv", ",art. 29(1),1000000,", ",art. 29(1),1 triệu,", "law/fines.csv", 2, "fine_min_vnd",
            "`1 triệu` is not a whole number", "`1 triệu` không phải là số nguyên"),
    "risk": ("risk/supplier_types.csv", ",high,", ",severe,", "risk/supplier_types.csv", 4, "level",
             "`severe` is not valid; expected one of: low, medium, high, critical",
             "`severe` không hợp lệ, cần một trong: low, medium, high, critical"),
    "columns": ("columns/suppliers.csv", "tax_code,text,", "tax_code,txt,", "columns/suppliers.csv", 3, "kind",
                "`txt` is not valid; expected one of: text, date, int, number, bool, code",
                "`txt` không hợp lệ, cần một trong: text, date, int, number, bool, code"),
    "provinces": ("provinces.csv", "Huế,city,", "Huế,town,", "provinces.csv", 3, "type",
                  "`town` is not valid; expected one of: city, province, former",
                  "`town` không hợp lệ, cần một trong: city, province, former"),
    "derivations": ("derivations.csv", "roster.has_minors,yes no,", "roster.has_minors,,", "derivations.csv", 2,
                    "values", "the cell is empty; a value is required", "ô trống, cần có giá trị"),
}


def copy_data(target: Path) -> Path:
    """A copy of every data file (no code), to corrupt."""
    for name in ("award", "law", "risk", "columns"):
        shutil.copytree(PACKAGE_DIR / name, target / name, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for name in ("provinces.csv", "derivations.csv"):
        shutil.copy(PACKAGE_DIR / name, target / name)
    return target


def corrupt(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {path}: update the test"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def data(tmp_path, monkeypatch):
    root = copy_data(tmp_path / "criteria")
    monkeypatch.setenv("ACCREDITATION_CRITERIA_DIR", str(root))
    return root


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_corrupted_file_of_each_kind_is_reported_by_validate_suppliers_and_roster(cli, data, kind):
    path, old, new, file, row, column, en, vi = BROKEN[kind]
    corrupt(data, path, old, new)
    for lang, where in (("en", f"[{file}, row {row}, column `{column}`] {en}"),
                        ("vi", f"[{file}, dòng {row}, cột `{column}`] {vi}")):
        validate = cli("criteria", "validate", lang=lang)
        assert validate.returncode == 1 and validate.stdout == ""
        lines = validate.stderr.splitlines()
        assert str(data) in lines[0] and lines[1:] == [f"  {where}"], validate.stderr
        for command in (("suppliers", SUPPLIERS), ("roster", ROSTER, "--as-of", "2026-09-15")):
            ran = cli(*command, lang=lang)
            assert (ran.returncode, ran.stdout, ran.stderr) == (1, "", validate.stderr), command


def test_a_law_rule_the_code_does_not_check_is_refused_not_skipped(cli, data):
    """A rule id added to minor_workers.csv without its mask in scoring/workforce_rules.py would never fire: validate
    names it and the roster check stops (exit 1) instead of passing every roster on it."""
    corrupt(data, "law/minor_workers.csv", "\nage.under13_work,", "\nage.under12_work,")
    validate = cli("criteria", "validate")
    assert validate.returncode == 1 and validate.stderr.splitlines()[1:] == [
        "  [law/minor_workers.csv, row 2, column `id`] `age.under12_work` is not defined in "
        "scoring/workforce_rules.py (MASKS)"]
    roster = cli("roster", ROSTER, "--as-of", "2026-09-15")
    assert (roster.returncode, roster.stdout, roster.stderr) == (1, "", validate.stderr)


def test_every_problem_of_every_file_is_listed_at_once(cli, data):
    for kind in ("law", "risk", "provinces"):
        corrupt(data, *BROKEN[kind][:3])
    corrupt(data, "risk/actions.csv", ",award-criteria", ",nowhere")  # a second problem in the risk tables
    ran = cli("criteria", "validate")
    assert ran.returncode == 1
    files = [line.strip().split(",")[0] for line in ran.stderr.splitlines()[1:]]
    assert files == ["[law/fines.csv", "[risk/supplier_types.csv", "[risk/actions.csv", "[provinces.csv"]
    assert ran.stderr.splitlines()[0].startswith("4 ")


def test_the_shipped_data_files_are_valid(cli):
    criteria, issues = check_data_files()
    assert criteria is not None and issues == []
    ran = cli("criteria", "validate")
    assert ran.returncode == 0 and ran.stdout.startswith("Valid: VN-CLF-REF")


@pytest.mark.parametrize("path, old, new, code, row, column", [
    ("law/minor_workers.csv", "age.under13_work,minimum_age,", "age.under13_work,minimum_age|sleep,",
     ErrorCode.BAD_OPTION, 2, "group"),
    ("law/minor_workers.csv", ",minor_prohibited,(b),", ",minor_nowhere,(b),", ErrorCode.UNKNOWN_REFERENCE, 2,
     "fine_band"),
    ("law/minor_workers.csv", ",Trẻ dưới 13 tuổi làm công việc không được phép,", ",,", ErrorCode.TEXT_MISSING, 2,
     "title::vi"),
    ("law/minor_workers.csv", "age.under13_work,minimum_age,violation,critical,0,",
     "age.under13_work,minimum_age,violation,critical,soon,", ErrorCode.BAD_INTEGER, 2, "deadline_days"),
    ("law/work_codes.csv", "LIGHT-1,job,yes,", "LIGHT-1,job,maybe,", ErrorCode.BAD_OPTION, 3, "light_13_14"),
    ("law/work_codes.csv", "LIGHT-1,job,", "GENERAL,job,", ErrorCode.DUPLICATE_ID, 3, "code"),
    ("law/fines.csv", ",2022-01-17,2026-09-09,", ",2022-01-17,2021-09-09,", ErrorCode.BAD_BOUNDS, 2,
     "effective_to"),
    ("risk/levels.csv", "low,0,", "lowest,0,", ErrorCode.BAD_OPTION, 2, "level"),
    ("risk/usdol_goods.csv", "usdol-tvpra|", "nowhere|", ErrorCode.UNKNOWN_REFERENCE, 2, "source"),
    ("risk/supplier_types.csv", "workshop,Xưởng,Workshop,workshop|", "workshop,Xưởng,Workshop,factory|",
     ErrorCode.ALIAS_TAKEN, 3, "aliases"),
    ("risk/rules.csv", "personal_tax_code,raise,", "personal_tax_code,shout,", ErrorCode.BAD_OPTION, 2, "effect"),
    ("columns/roster.csv", "full_name,text,", "full name,text,", ErrorCode.BAD_NAME, 3, "name"),
    ("provinces.csv", "Huế,city,Huế,Hue,", "Huế,city,Huế,Hue,Hà Nội|", ErrorCode.ALIAS_TAKEN, 3, "aliases"),
    ("derivations.csv", "roster.minimum_age,", "roster.has_minors,", ErrorCode.DUPLICATE_ID, 3, "key"),
])
def test_each_file_names_file_row_and_column(data, path, old, new, code, row, column):
    corrupt(data, path, old, new)
    _, issues = check_data_files()
    assert [(i.code, i.row, i.column) for i in issues if i.code == code] == [(code, row, column)], issues


def test_a_missing_file_or_column_is_named(data):
    (data / "risk" / "actions.csv").unlink()
    corrupt(data, "law/work_codes.csv", "code,applies_to,", "kode,applies_to,")
    messages = [i.message("en") for i in check_data_files()[1]]
    assert "[risk/actions.csv] the file is missing (it is required)" in messages
    assert "[law/work_codes.csv, row 1, column `code`] required column `code` is missing" in messages
    assert any(m.startswith("[law/work_codes.csv, row 1, column `kode`] unknown column `kode`; did you mean `code`?")
               for m in messages)


# ------------------------------------------------------------------------------------ fingerprint and snapshot


def test_the_fingerprint_covers_derivations(data):
    before = load_criteria()
    assert set(before.sheets) == {"settings", "sections", "indicators", "choices", "bands", "priorities",
                                  "derivations"}
    corrupt(data, "derivations.csv", "The workforce roster lists workers under 18", "The roster lists minors")
    assert load_criteria().fingerprint != before.fingerprint


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "t.db")
    yield database
    database.close()


def stored(db, fingerprint: str) -> dict:
    return json.loads(next(db["criteria_sets"].rows_where("fingerprint = ?", [fingerprint]))["sheets"])


def test_the_snapshot_stores_exactly_the_sheets_fingerprinted_and_not_the_files_as_they_are_now(data, db):
    criteria = load_criteria()
    corrupt(data, "derivations.csv", "The workforce roster lists workers under 18", "Changed after loading")
    workflow._snapshot(db, criteria)
    sheets = stored(db, criteria.fingerprint)
    assert set(sheets) == set(criteria.sheets)
    assert "Changed after loading" not in json.dumps(sheets, ensure_ascii=False)
    rebuilt = workflow._criteria_from_snapshot(json.dumps(sheets, ensure_ascii=False), "snapshot")
    assert rebuilt.fingerprint == criteria.fingerprint
    assert rebuilt.model_dump() == criteria.model_dump(exclude={"source"}) | {"source": "snapshot"}


def test_a_snapshot_stored_before_derivations_were_still_loads_under_its_fingerprint(data, db):
    criteria = load_criteria()
    old = {name: {"header": s.header, "rows": s.rows} for name, s in criteria.sheets.items() if name != "derivations"}
    rebuilt = workflow._criteria_from_snapshot(json.dumps(old, ensure_ascii=False), "snapshot 2026.1")
    from criteria.loader import fingerprint

    assert rebuilt.fingerprint == fingerprint({n: s for n, s in criteria.sheets.items() if n != "derivations"})
    assert rebuilt.indicators == criteria.indicators


def test_a_broken_data_file_is_one_error_with_every_issue(data):
    corrupt(data, *BROKEN["derivations"][:3])
    corrupt(data, *BROKEN["award"][:3])
    with pytest.raises(CriteriaLoadError) as err:
        load_criteria()
    assert [i.file for i in err.value.issues] == ["derivations.csv", "indicators.csv"]
