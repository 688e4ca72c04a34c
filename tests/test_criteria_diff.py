"""The difference a scheme officer reads before installing a criteria version: indicators added, removed, reworded
(per language) and changed in scoring, and the other parts, in Vietnamese and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from criteria.datafiles import default_criteria
from criteria.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    Change,
    diff_criteria,
    render,
    render_text,
)
from criteria.loader import build_criteria
from criteria.sheets import SHEETS, Sheet

NEW_LABEL = "Does the company have a written child labour policy signed by its director?"


def copy_sheets(criteria) -> dict[str, Sheet]:
    return {n: Sheet(s.name, s.label, list(s.header), [(r, dict(c)) for r, c in s.rows])
            for n, s in criteria.sheets.items()}


def set_setting(sheets: dict[str, Sheet], key: str, value: str) -> None:
    for _, cells in sheets["settings"].rows:
        if cells["key"] == key:
            cells["value"] = value


def changed_sheets(version: str = "2027.1", base=None) -> dict[str, Sheet]:
    """The shipped criteria with POL-01 reworded in English, TRN-07 added (unscored), FAM-07 removed and its weight
    moved to FAM-06 (10 → 20), under a new version number."""
    sheets = copy_sheets(base or default_criteria())
    ind = sheets["indicators"]
    rows = {cells["id"]: cells for _, cells in ind.rows}
    rows["POL-01"]["label::en"] = NEW_LABEL
    rows["FAM-06"]["weight"] = "20"
    ind.rows = [(r, c) for r, c in ind.rows if c["id"] != "FAM-07"]
    added = {**rows["TRN-06"], "id": "TRN-07", "weight": "0", "label::vi": "Doanh nghiệp có tập huấn cho tổ trưởng "
             "không?", "label::en": "Does the company train its team leaders?"}
    ind.rows.append((ind.rows[-1][0] + 1, added))
    set_setting(sheets, "version", version)
    return sheets


def write_workbook_of(sheets: dict[str, Sheet], out: Path) -> Path:
    """The sheets as the workbook an officer would upload."""
    from criteria.workbook import sheet_to_csv, write_workbook

    folder = out.parent / f"{out.stem}-csv"
    folder.mkdir(parents=True, exist_ok=True)
    for name in SHEETS:
        (folder / f"{name}.csv").write_text(sheet_to_csv(sheets[name]), encoding="utf-8", newline="")
    write_workbook(folder, out)
    return out


@pytest.fixture(scope="module")
def changed():
    old = default_criteria()
    return old, build_criteria(changed_sheets())


def test_the_changed_copy_reads_as_one_added_one_removed_one_reworded_one_reweighted(changed):
    old, new = changed
    diff = diff_criteria(old, new)
    assert [e.id for e in diff.added] == ["TRN-07"]
    assert [e.id for e in diff.removed] == ["FAM-07"]
    assert [e.id for e in diff.reworded] == ["POL-01"]
    assert diff.reworded[0].changes == (Change("label", old.indicator("POL-01").label.en, NEW_LABEL, "en"),)
    assert [(e.id, e.changes) for e in diff.rescored] == [("FAM-06", (Change("weight", 10.0, 20.0),))]
    settings = diff.of("settings")
    assert [c.column for c in settings[0].changes] == ["version"]
    assert diff.summary() == {"added": 1, "removed": 1, "reworded": 1, "rescored": 1, "other": 1}


def test_identical_sets_have_no_difference():
    c = default_criteria()
    diff = diff_criteria(c, c)
    assert diff.empty
    assert render(diff, "en") == ("The two criteria sets are the same.", [])


@pytest.mark.parametrize("lang, heading, summary", [
    ("vi", "Câu hỏi thêm mới", "Từ phiên bản 2026.1 sang 2027.1: 1 câu hỏi thêm, 1 bỏ, 1 sửa lời, 1 đổi cách chấm"),
    ("en", "Indicators added", ("From version 2026.1 to 2027.1: indicators added 1, removed 1, reworded 1, "
                                "changed in scoring 1")),
])
def test_the_difference_is_rendered_in_the_reader_s_language(changed, lang, heading, summary):
    old, new = changed
    text = render_text(diff_criteria(old, new), lang)
    assert text.startswith(summary)
    assert heading in text
    assert f"TRN-07 — {new.indicator('TRN-07').label.get(lang)}" in text  # the added question, in that language
    assert f"FAM-07 — {old.indicator('FAM-07').label.get(lang)}" in text  # the removed one, under its old label
    assert "weight: 10 → 20" in text
    assert f"label::en: {old.indicator('POL-01').label.en} → {NEW_LABEL}" in text


def test_a_knock_out_choice_shows_on_the_list_and_on_every_question_that_uses_it():
    old = default_criteria()
    sheets = copy_sheets(old)
    for _, cells in sheets["choices"].rows:
        if (cells["list_name"], cells["name"]) == ("frequency", "never"):
            cells["knockout"] = "yes"
    set_setting(sheets, "version", "2027.1")
    diff = diff_criteria(old, build_criteria(sheets))
    assert [(e.id, e.status, [c.column for c in e.changes]) for e in diff.of("choices")] == [
        ("frequency/never", CHANGED, ["knockout"])]
    users = sorted(i.id for i in old.indicators if i.list_name == "frequency")
    assert sorted(e.id for e in diff.rescored) == users
    line = next(c for c in diff.rescored[0].changes if c.field == "choices")
    assert "never (0, knock-out)" in line.new and "never (0, knock-out)" not in line.old


def test_a_changed_condition_or_evidence_rule_is_a_scoring_change_and_dates_read_dd_mm_yyyy():
    old = default_criteria()
    sheets = copy_sheets(old)
    rows = {cells["id"]: cells for _, cells in sheets["indicators"].rows}
    rows["REC-05"]["relevant"] = "${PRO-04} = 'no'"
    rows["POL-02"]["na_allowed"] = "yes"
    set_setting(sheets, "version", "2027.1")
    set_setting(sheets, "effective_date", "2027-07-01")
    diff = diff_criteria(old, build_criteria(sheets))
    assert {e.id: [c.column for c in e.changes] for e in diff.rescored} == {"POL-02": ["na_allowed"],
                                                                            "REC-05": ["relevant"]}
    text = render_text(diff, "vi")
    assert "na_allowed: không → có" in text
    assert f"effective_date: {old.settings.effective_date:%d/%m/%Y} → 01/07/2027" in text


def test_a_sheet_added_to_the_format_later_is_compared_on_its_cells():
    """Another column or sheet (e.g. applicability by company size) shows up without a change here."""
    old = default_criteria()
    extra = Sheet("applicability", "applicability.csv", ["indicator", "max_workers"],
                  [(2, {"indicator": "FAM-02", "max_workers": "10"})])
    new = old.model_copy(update={"sheets": {**old.sheets, "applicability": extra}})
    diff = diff_criteria(old, new)
    assert [(e.part, e.id, e.status) for e in diff.entries] == [("applicability", "FAM-02", ADDED)]
    changed = Sheet("applicability", "applicability.csv", ["indicator", "max_workers"],
                    [(2, {"indicator": "FAM-02", "max_workers": "5"})])
    newer = old.model_copy(update={"sheets": {**old.sheets, "applicability": changed}})
    diff = diff_criteria(new, newer)
    assert [(e.id, e.changes) for e in diff.of("applicability")] == [("FAM-02", (Change("max_workers", "10", "5"),))]
    assert [e.status for e in diff_criteria(newer, old).entries] == [REMOVED]
