"""Hostile input is just bad input (issue 16): every door that reads a stranger's file answers a malformed one with
success or one clear line, never 'internal error' (exit 70) or a traceback, and the app keeps serving others.

Three layers: the generated corpus (tests/fuzz_corpus.py, one case of every kind per door) through the command
line in process; hypothesis mutating real files at each reader; an upload of every hostile kind through the
roster and supplier pages. `benchmarks/fuzz.py` runs thousands more, each in its own process."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import fuzz_corpus
import pytest
from apptest import data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accreditation.cli import main
from accreditation.tables import ImportedTable, TableError, read_table
from criteria.column_specs import load_table_spec
from criteria.errors import CriteriaLoadError
from criteria.loader import MAX_CONDITION_DEPTH, build_criteria, read_derivations
from criteria.sheets import Sheet

SEED = 16
AS_OF = "2026-06-01"
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


def _corpus() -> list[tuple[str, str, fuzz_corpus.Case]]:
    out = []
    for door in fuzz_corpus.DOORS:
        rng = random.Random(SEED)
        for kind, case in zip(fuzz_corpus.kinds(door), fuzz_corpus.cases(door, rng)):
            out.append((door, kind, case))
    return out


CORPUS = _corpus()


def _commands(door: str, path: Path, out: Path) -> list[list[str]]:
    if door in ("roster", "suppliers"):
        return [[door, str(path), "--as-of", AS_OF]]
    if door == "criteria":
        return [["criteria", "validate", str(path)], ["criteria", "import", str(path), "--out", str(out)]]
    if door == "answers":
        return [["score", str(path)]]
    return [["verify", str(path), "--offline"]]


def assert_clean(code: int, err: str, argv: list[str]) -> None:
    """Success, or a refusal: exit 1 (a negative answer, or the list of criteria problems) or 2 (bad input) with
    one line (criteria problems: a first line and the problems, indented)."""
    assert code in (0, 1, 2), (argv, code, err)
    for sign in ("Traceback", "internal error", "lỗi nội bộ", "stack backtrace", "memory allocation of"):
        assert sign not in err, (argv, err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1, (argv, err)
    if code == 1 and err.strip():
        assert all(line.startswith("  ") for line in err.strip().splitlines()[1:]), (argv, err)


@pytest.mark.parametrize("door,kind,case", CORPUS, ids=[f"{d}-{k}" for d, k, _ in CORPUS])
def test_every_kind_of_malformed_file_gets_an_answer_or_one_line(door, kind, case, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACCREDITATION_DEBUG", raising=False)
    _, name, data = case
    path = tmp_path / name
    path.write_bytes(data)
    for argv in _commands(door, path, tmp_path / "out"):
        code = main(argv)
        assert_clean(code, capsys.readouterr().err, argv)


def test_a_criteria_import_that_is_refused_writes_nothing(tmp_path, capsys):
    rng = random.Random(SEED)
    _, name, data = fuzz_corpus.criteria_deep_relevant(rng, False)
    (tmp_path / name).write_bytes(data)
    assert main(["criteria", "import", str(tmp_path / name), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "relevant" in err and "tieu_chi.xlsx" in err
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------- hypothesis

ROSTER = load_table_spec("roster")
SUPPLIERS = load_table_spec("suppliers")
SPECS = {"roster": ROSTER, "suppliers": SUPPLIERS}
BASES = {door: {"csv": fuzz_corpus.to_csv(fuzz_corpus.table_rows(door)).encode("utf-8"),
                "xlsx": fuzz_corpus.table_xlsx(door)} for door in SPECS}

edits = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255),
                           st.sampled_from(["replace", "insert", "delete", "cut"])), max_size=12)


def mutate(data: bytes, changes: list[tuple[float, int, str]]) -> bytes:
    out = bytearray(data)
    for where, byte, how in changes:
        if not out:
            break
        i = int(where * len(out))
        if how == "replace":
            out[i] = byte
        elif how == "insert":
            out.insert(i, byte)
        elif how == "delete":
            del out[i]
        else:
            del out[i:]
    return bytes(out)


def read_or_refuse(data: bytes, name: str, spec) -> None:
    try:
        result = read_table(data, name, spec)
    except TableError as refused:
        assert name in refused.vi or "tệp" in refused.vi or refused.vi
        assert "\n" not in refused.en
        return
    assert isinstance(result, ImportedTable)


@pytest.mark.parametrize("door", ["roster", "suppliers"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@FUZZ
@given(changes=edits)
def test_a_damaged_table_is_read_or_refused_with_one_line(door, fmt, changes):
    read_or_refuse(mutate(BASES[door][fmt], changes), f"tep.{fmt}", SPECS[door])


cell_text = st.one_of(st.text(max_size=40), st.sampled_from(fuzz_corpus._EXTREME))


@pytest.mark.parametrize("door", ["roster", "suppliers"])
@FUZZ
@given(cells=st.lists(st.lists(cell_text, min_size=1, max_size=20), min_size=1, max_size=8),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258"]),
       delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_any_cells_in_any_encoding_are_read_or_refused_with_one_line(door, cells, encoding, delimiter):
    rows = [fuzz_corpus.table_rows(door)[0]] + cells
    text = fuzz_corpus.to_csv(rows, delimiter)
    read_or_refuse(text.encode(encoding, errors="replace"), "tep.csv", SPECS[door])


TOKENS = ["(", ")", " not ", " and ", " or ", "${PRO-01}", "${PRO-02}", "${NOPE}", " = ", " != ", " < ", "'yes'",
          "'", "1", "-2.5", "selected(", "count-selected(", ",", "${", "}", " "]
DERIVATIONS, _ = read_derivations()


def _criteria_with_relevant(text: str) -> dict[str, Sheet]:
    sheets = {}
    for name, rows in fuzz_corpus.CRITERIA.items():
        header = rows[0]
        data = [(n, dict(zip(header, r))) for n, r in enumerate(rows[1:], start=2)]
        sheets[name] = Sheet(name, f"{name}.csv", list(header), data)
    last = sheets["indicators"].rows[-1][1]
    last["relevant"] = text
    return {**sheets, "derivations": DERIVATIONS}


@FUZZ
@given(parts=st.lists(st.sampled_from(TOKENS), max_size=60), depth=st.integers(0, 3 * MAX_CONDITION_DEPTH))
def test_any_relevant_condition_loads_or_is_named_by_row_and_column(parts, depth):
    text = "(" * depth + "".join(parts) + ")" * depth
    try:
        build_criteria(_criteria_with_relevant(text), "fuzz")
    except CriteriaLoadError as problems:
        assert problems.issues and all(i.file for i in problems.issues)


@pytest.mark.parametrize("text", ["(" * 5000 + "${PRO-01} = 'yes'" + ")" * 5000, "not " * 5000 + "${PRO-01} = 'yes'",
                                  "(" * 100_000])
def test_a_condition_nested_thousands_deep_is_a_criteria_error_on_its_row(text):
    with pytest.raises(CriteriaLoadError) as problems:
        build_criteria(_criteria_with_relevant(text), "fuzz")
    row = len(fuzz_corpus.CRITERIA["indicators"])
    assert any(i.column == "relevant" and i.row == row for i in problems.value.issues), problems.value.messages("en")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
              st.sampled_from(["yes", "no", "na", "garment", "0001-01-01", "9999-12-31"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=30)
ANSWER_IDS = list(fuzz_corpus.ANSWERS["answers"])


@FUZZ
@given(answers=st.dictionaries(st.sampled_from(ANSWER_IDS + ["X-1", ""]), json_values, max_size=12),
       top=st.dictionaries(st.sampled_from(["criteria_version", "company", "answers", "extra"]), json_values,
                           max_size=3))
def test_any_answers_file_is_scored_or_refused_with_one_line(answers, top, tmp_path_factory, capsys):
    doc = {**json.loads(json.dumps(fuzz_corpus.ANSWERS)), **top}
    if "answers" not in top:
        doc["answers"] = {**doc["answers"], **answers}
    path = tmp_path_factory.mktemp("answers") / "tra_loi.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code = main(["score", str(path)])
    assert_clean(code, capsys.readouterr().err, ["score", str(path)])


@FUZZ
@given(text=st.one_of(st.text(max_size=30), st.sampled_from(["0001-01-01", "9999-12-31", "1989-12-31",
                                                             "2101-01-01", "2026-02-30", "+2026-01-01"])))
def test_any_as_of_date_is_taken_or_refused_with_one_line(text, capsys):
    csv_path = Path(fuzz_corpus.ROOT / "tests" / "data" / "roster_libreoffice.csv")
    if text.startswith("-"):
        text = " " + text  # argparse would read it as an option
    code = main(["roster", str(csv_path), "--as-of", text])
    assert_clean(code, capsys.readouterr().err, ["roster", "--as-of", text])


@FUZZ
@given(changes=edits)
def test_a_damaged_pdf_is_judged_never_raised(changes):
    from accreditation.verify import verify

    result = verify(mutate(fuzz_corpus.BASE_PDF, changes), db=None, as_of=date(2026, 6, 1))
    assert result.status in ("not_genuine", "unknown", "valid", "expired", "revoked", "suspended", "superseded")


@FUZZ
@given(changes=edits)
def test_a_damaged_criteria_workbook_is_read_or_its_problems_listed(changes, tmp_path_factory):
    from criteria.workbook import read_workbook

    path = tmp_path_factory.mktemp("wb") / "tieu_chi.xlsx"
    path.write_bytes(mutate(fuzz_corpus.criteria_xlsx(), changes))
    sheets, issues = read_workbook(path)
    assert sheets or issues


# ------------------------------------------------------------------------------------------------------ app

MIME = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xls": "application/vnd.ms-excel", ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


@pytest.mark.parametrize("page,door", [("roster", "roster"), ("suppliers", "suppliers")])
def test_an_upload_of_each_hostile_kind_leaves_the_server_serving_others(data_dir, page, door):
    company = goto(sign_in("sme@demo.vn"), page)
    rng = random.Random(SEED)
    for kind, (_, name, data) in zip(fuzz_corpus.kinds(door), fuzz_corpus.cases(door, rng)):
        if len(data) > 20 * 1024 * 1024:
            continue  # the uploader itself refuses it
        company.file_uploader[0].upload(name, data, MIME.get(Path(name).suffix, "application/octet-stream")).run()
        assert not company.exception, (kind, company.exception)
        shown = texts(company)
        assert "Traceback" not in shown and "lỗi nội bộ" not in shown, kind
    other = goto(sign_in("brand@demo.vn"), "portfolio")  # another session on the same server
    assert not other.exception
