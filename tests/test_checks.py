"""The stored check records (accreditation/checks.py): one language-neutral shape built by the library, read back by
one reader and rendered in either language; the migration that converts records stored by the old upload pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from accreditation import checks, workflow
from accreditation import portfolio as pf
from accreditation.roster import check_roster
from accreditation.store.db import MIGRATIONS, _register_migrations, connect, migrate, write_tx
from accreditation.suppliers import check_suppliers
from criteria.datafiles import default_criteria
from criteria.law_tables import default_law
from test_portfolio import company, db  # noqa: F401 - db is a fixture
from test_workforce import CASES, check as workforce_check

C = default_criteria()
AS_OF = date(2026, 9, 15)
SUPPLIERS = (Path(__file__).resolve().parent / "data" / "suppliers_example.csv").read_bytes()
ROSTER = """employee_id,full_name,date_of_birth,id_number,hire_date,job_title,job_code,workplace_code,hours_per_day,hours_per_week,night_work,overtime,guardian_consent,health_check_date
E-001,Nguyễn Văn An,17/05/1990,001090012345,01/03/2020,Thợ may,GENERAL,GENERAL,8,48,không,có,,15/01/2026
E-002,Lê Thị Bình,02/10/2012,079312001234,01/06/2026,Phụ việc,GENERAL,GENERAL,5,25,có,không,,
E-003,Trần Văn Cò,01/03/2018,,01/06/2026,Phụ việc,,GENERAL,4,20,không,không,có,01/08/2026
E-004,Phạm Thị Dung,01/01/1920,,01/06/2026,Thợ may,GENERAL,GENERAL,8,40,không,không,,31/02/2026
""".encode("utf-8")
NAMES = ("Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cò", "Phạm Thị Dung")
ID_NUMBERS = ("001090012345", "079312001234")


def stored(db, sme, record: workflow.CheckRecord) -> checks.StoredCheck:
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.record_check(db, sme, draft["id"], record, C)
    return checks.latest(db, draft["id"], record.kind)


# ------------------------------------------------------------------------------------------------ round trips


def test_a_roster_record_round_trips_and_renders_the_law_tables_texts(db):
    result = check_roster(ROSTER, "ds.csv", AS_OF)
    record = checks.from_roster(result, "ds.csv", "ab" * 32, C)
    got = stored(db, company(db, "Công ty Lao Động"), record)
    assert got.summary == {"rows": 4, "minors": 2, "knockout": True, "summary": result.summary,
                           "age_bands": result.age_bands, "not_in_force": result.not_in_force,
                           "blocking_rows": [3]}  # an 8-year-old with no job code blocks any document
    assert got.findings == record.findings and len(got.findings) == len(result.findings)
    text = json.dumps(got.summary, ensure_ascii=False) + json.dumps(got.findings, ensure_ascii=False)
    assert not any(n in text for n in NAMES) and not any(i in text for i in ID_NUMBERS)
    assert "message" not in text and "Dòng" not in text and "Row " not in text  # no texts stored
    law = default_law()
    for finding, original in zip(got.findings, result.findings):
        assert (finding["row"], finding["employee_id"], finding["rule"]) == (original.row, original.employee_id,
                                                                              original.rule)
        for lang in ("vi", "en"):
            texts = checks.roster_texts(finding, lang)
            assert texts["finding"] == original.message.get(lang)
            assert texts["legal_basis"] == law.rule(original.rule).legal_basis.get(lang)
    fined = next(f for f in got.findings if f["rule"] == "age.13_14_not_light")
    assert fined["fine"]["decree"] and fined["fine"]["min"] < fined["fine"]["max"]


def test_every_law_rule_s_message_is_rebuilt_exactly_from_its_stored_parameters():
    tricky = {"employee_id": "A: 5 tuổi, (x)", "date_of_birth": "01/01/2014", "job_code": ""}  # separators inside
    result = workforce_check(*[row for row, _ in CASES.values()], tricky)
    law = default_law()
    assert {f.rule for f in result.findings} >= set(CASES)
    for f in result.findings:
        finding = json.loads(json.dumps(checks.roster_finding(f, law)))
        assert "text" not in finding, f.rule
        for lang in ("vi", "en"):
            assert checks.roster_texts(finding, lang)["finding"] == f.message.get(lang), (f.rule, lang)


def test_a_supplier_record_round_trips_in_one_shape_with_ids_not_texts(db):
    result = check_suppliers(SUPPLIERS, "ncc.csv", AS_OF)
    record = checks.from_suppliers(result, "ncc.csv", "cd" * 32)
    got = stored(db, company(db, "Công ty Nhà Cung Cấp"), record)
    # residual levels: the two garment rows and the bad-code workshop have controls in place
    assert got.summary["by_level"] == result.summary.by_level == {"low": 3, "medium": 0, "high": 1, "critical": 1}
    assert got.summary["by_inherent"] == {"low": 1, "medium": 1, "high": 2, "critical": 1}
    assert "vi" not in got.summary and "definition" not in got.summary["focus"]
    assert got.findings == record.findings and [f["row"] for f in got.findings] == [1, 2, 3, 4, 5, 6]
    assert "079123456789" not in json.dumps(got.findings) and got.findings[3]["tax_code"] == "********6789"
    for finding, entry_vi, entry_en in zip(got.findings, result.entries("vi"), result.entries("en")):
        assert finding["severity"] == entry_vi["level"] and finding["rule"] == f"supplier_risk_{entry_vi['level']}"
        assert finding["inherent"] == entry_vi["inherent"]
        assert finding["reasons"] == [r["id"] for r in entry_vi["reasons"] + entry_vi["controls"]]
        assert finding["actions"] == [a["id"] for a in entry_vi["actions"]]
        for lang, entry in (("vi", entry_vi), ("en", entry_en)):
            texts = checks.supplier_texts(finding, lang)
            raised = [r["text"] for r in entry["reasons"] if r["effect"] == "raise"]
            assert all(t in texts["reasons"] for t in raised) and texts["reasons"]
            assert texts["actions"] == (" ".join(a["text"] for a in entry["actions"]) or "—")
            assert texts["level"] == result.levels[entry["level"]].get(lang)
            assert texts["inherent"] == result.levels[entry["inherent"]].get(lang)
            controls = [r["text"] for r in entry["controls"]]
            assert texts["controls"] == (" ".join(controls) or "—")
            assert not any(t in texts["reasons"] for t in controls)
    assert checks.focus_definition(got.summary, "en").startswith("High- or critical-risk suppliers, and spend")
    assert checks.counts(got) == {"suppliers": 5, "as_of": AS_OF.isoformat(), "level": "critical",
                                  "by_level": {"critical": 1, "high": 1, "medium": 0, "low": 3},
                                  "informal_units": 1}


@pytest.mark.parametrize("by_level, level", [
    ({"critical": 0, "high": 2, "medium": 5, "low": 10}, "high"),
    ({"critical": 0, "high": 0, "medium": 0, "low": 3}, "low"),
    ({"critical": 0, "high": 0, "medium": 0, "low": 0}, "low"),
    ([1, 0, 0, 0], "critical"),
    (None, None),
])
def test_the_highest_level_with_a_supplier_in_it(by_level, level):
    assert checks.highest_level(by_level) == level


# ------------------------------------------------------------------------------------------------- migration


def old_supplier_record(result) -> tuple[dict, list[dict]]:
    """What the supplier page stored before: the summary per language, reason and action texts per language."""
    findings = []
    for vi, en in zip(result.entries("vi"), result.entries("en")):
        findings.append({
            "row": vi["row"], "ref": f"row {vi['row']}, tax code {vi.get('tax_code') or '—'}", "rule": vi["level"],
            "severity": vi["level"], "tax_code": vi.get("tax_code"), "province": vi.get("province"),
            "province_former": vi.get("province_former"), "supplier_type": vi.get("supplier_type"),
            "tier": vi.get("tier"), "duplicate_of": vi.get("duplicate_of"),
            "reasons": {"vi": [r["text"] for r in vi.get("reasons", []) if r.get("effect") == "raise"],
                        "en": [r["text"] for r in en.get("reasons", []) if r.get("effect") == "raise"]},
            "actions": {"vi": [a["text"] for a in vi.get("actions", [])],
                        "en": [a["text"] for a in en.get("actions", [])]},
        })
    return {"vi": result.summary_dict("vi"), "en": result.summary_dict("en")}, findings


def old_roster_record(result) -> tuple[dict, list[dict]]:
    """What the roster page stored before: the CLI's JSON findings, with their texts in both languages."""
    body = result.to_json()
    findings = [{**f, "ref": f"row {f['row']}, employee {f.get('employee_id') or '?'}"} for f in body["findings"]]
    return {k: body[k] for k in ("rows", "minors", "knockout", "summary", "age_bands", "not_in_force")}, findings


@pytest.fixture
def old_db(tmp_path, monkeypatch):
    """A database as it was before `checks_0001_neutral_records`, with one company and one assessment."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    database = connect(tmp_path / "old.db")
    _register_migrations()
    with write_tx(database):
        MIGRATIONS.apply(database, stop_before="checks_0001_neutral_records")
    assert "checks_0001_neutral_records" in {m.name for m in MIGRATIONS.pending(database)}
    with write_tx(database):
        org = database["organisations"].insert({"kind": "sme", "name": "Công ty Cũ",
                                                "created_at": "2026-01-01T00:00:00+00:00"}).last_pk
        database["assessments"].insert({"id": 1, "organisation_id": org, "version": 1, "criteria_version": "2026.1",
                                        "status": "submitted", "created_at": "2026-01-01T00:00:00+00:00"})
    yield database
    database.close()


def insert_check(db, kind: str, summary: dict, findings: list[dict]) -> int:
    with write_tx(db):
        check_id = db["checks"].insert({"assessment_id": 1, "kind": kind, "filename": f"{kind}.csv",
                                        "as_of": AS_OF.isoformat(), "rows": len(findings),
                                        "summary": json.dumps(summary, ensure_ascii=False),
                                        "created_at": "2026-09-15T00:00:00+00:00"}).last_pk
        db["findings"].insert_all({"check_id": check_id, "row": f.get("row"), "ref": f.get("ref"),
                                   "rule": f.get("rule"), "severity": f.get("severity"),
                                   "data": json.dumps(f, ensure_ascii=False)} for f in findings)
    return check_id


def _critical(db):
    """The stored summary's count of critical suppliers (None before the migration: the old shape has none)."""
    by_level = json.loads(db.execute("SELECT summary FROM checks").fetchone()[0]).get("by_level")
    return by_level.get("critical") if isinstance(by_level, dict) else None


def test_the_migration_converts_old_per_language_supplier_records(old_db):
    result = check_suppliers(SUPPLIERS, "ncc.csv", AS_OF)
    summary, findings = old_supplier_record(result)
    findings[0]["reasons"]["vi"].append("Lý do cũ không còn trong danh mục.")
    findings[0]["reasons"]["en"].append("An old reason no longer in the catalog.")
    insert_check(old_db, "suppliers", summary, findings)
    assert _critical(old_db) is None
    migrate(old_db)
    assert not MIGRATIONS.pending(old_db)
    got = checks.latest(old_db, 1, "suppliers")
    new = checks.from_suppliers(result, "ncc.csv", "x")
    assert got.summary == new.summary  # one summary, no texts
    assert _critical(old_db) == 1
    raised = {e["row"]: [r["id"] for r in e["reasons"] if r["effect"] == "raise"] for e in result.entries()}
    for old, conv, fresh in zip(findings, got.findings, new.findings):
        assert (conv["row"], conv["severity"], conv["rule"], conv["tax_code"]) == (
            fresh["row"], fresh["severity"], fresh["rule"], fresh["tax_code"])
        assert conv["reasons"] == raised[conv["row"]] and conv["actions"] == fresh["actions"]
        assert "ref" not in conv
    assert got.findings[0]["text"] == {"vi": "Lý do cũ không còn trong danh mục.",
                                       "en": "An old reason no longer in the catalog."}
    assert "An old reason no longer in the catalog." in checks.supplier_texts(got.findings[0], "en")["reasons"]
    rules = [r[0] for r in old_db.execute("SELECT rule FROM findings ORDER BY id").fetchall()]
    assert rules == [f["rule"] for f in new.findings]


def test_the_migration_converts_old_roster_findings_with_texts(old_db):
    result = check_roster(ROSTER, "ds.csv", AS_OF)
    summary, findings = old_roster_record(result)
    findings.append({"row": 9, "employee_id": "E-009", "rule": "age.retired_rule", "severity": "critical",
                     "message": {"vi": "Quy tắc cũ.", "en": "A retired rule."}, "ref": "row 9, employee E-009"})
    insert_check(old_db, "roster", summary, findings)
    migrate(old_db)
    got = checks.latest(old_db, 1, "roster")
    new = checks.from_roster(result, "ds.csv", "x", C)
    assert got.summary == {**new.summary, "blocking_rows": []}  # old records did not say which rows block
    assert got.findings[:-1] == new.findings
    assert got.findings[-1] == {"row": 9, "employee_id": "E-009", "rule": "age.retired_rule",
                                "severity": "critical", "text": {"vi": "Quy tắc cũ.", "en": "A retired rule."}}
    assert checks.roster_texts(got.findings[-1], "en")["finding"] == "A retired rule."
    migrate(old_db)  # nothing pending: applied once
    assert checks.convert_stored(old_db) == 0  # and converting again changes nothing


def test_the_portfolio_reads_the_level_of_a_migrated_record(old_db):
    result = check_suppliers(SUPPLIERS, "ncc.csv", AS_OF)
    insert_check(old_db, "suppliers", *old_supplier_record(result))
    migrate(old_db)
    brand_org = old_db["organisations"].insert({"kind": "brand", "name": "B", "invite_code": "B-1",
                                                "created_at": "2026-01-01T00:00:00+00:00"}).last_pk
    old_db["shares"].insert({"organisation_id": 1, "brand_id": brand_org, "created_at": "2026-01-02"})
    row = pf.portfolio(old_db, brand_org, AS_OF).iloc[0]
    assert row["risk_level"] == "critical"  # the old per-language summary read as "low" before
    assert pf.check_summaries(old_db, 1)["suppliers"]["by_level"] == result.summary.by_level


def test_supplier_findings_carry_the_name_on_their_row_and_brands_never_see_it(db):
    record = checks.supplier_record(db, SUPPLIERS, "ncc.csv", AS_OF)
    got = stored(db, company(db, "Công ty Tên Nhà Cung Cấp"), record)
    names = [f.get("name") for f in got.findings]
    assert all(names) and len(set(names)) == len(names)  # the example list names every row
    assert names[0] in SUPPLIERS.decode("utf-8")
    assert not any(n in json.dumps(checks.counts(got), ensure_ascii=False) for n in names)


def test_a_page_reads_only_the_findings_it_shows_most_serious_first(db):
    record = checks.supplier_record(db, SUPPLIERS, "ncc.csv", AS_OF)
    got = stored(db, company(db, "Công ty Đọc Ít"), record)
    top = checks.latest(db, got.assessment_id, "suppliers", limit=2, ordered=True)
    assert [f["severity"] for f in top.findings] == ["critical", "high"] and top.total == 6
    high = checks.latest(db, got.assessment_id, "suppliers", severities=["high", "medium"], ordered=True)
    wanted = sorted((f for f in record.findings if f["severity"] in ("high", "medium")),
                    key=lambda f: (f["severity"] != "high", f["row"]))
    assert high.findings == wanted and high.total == len(wanted)
    assert [f["row"] for f in high.findings[:2]] == sorted(f["row"] for f in high.findings[:2])
    assert checks.latest(db, got.assessment_id, "suppliers", severities=[]).findings == []


@pytest.fixture
def pre_residual_db(tmp_path, monkeypatch):
    """A database as it was before `checks_0002_supplier_inherent` (neutral records, one supplier level)."""
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    database = connect(tmp_path / "v2.db")
    _register_migrations()
    with write_tx(database):
        MIGRATIONS.apply(database, stop_before="checks_0002_supplier_inherent")
    with write_tx(database):
        org = database["organisations"].insert({"kind": "sme", "name": "Công ty Cũ",
                                                "created_at": "2026-01-01T00:00:00+00:00"}).last_pk
        database["assessments"].insert({"id": 1, "organisation_id": org, "version": 1, "criteria_version": "2026.1",
                                        "status": "submitted", "created_at": "2026-01-01T00:00:00+00:00"})
    yield database
    database.close()


def test_a_supplier_record_stored_before_the_residual_level_still_reads(pre_residual_db):
    """One level per supplier, no `inherent`, no `by_inherent`: the level was inherent, lowered by one only by an
    active certificate; the migration gives each finding its inherent level and the summary its counts."""
    result = check_suppliers(SUPPLIERS, "ncc.csv", AS_OF)
    record = checks.from_suppliers(result, "ncc.csv", "x")
    summary = {k: v for k, v in record.summary.items() if k != "by_inherent"}
    summary["by_level"] = {"low": 1, "medium": 1, "high": 2, "critical": 1}  # as the old rules counted
    old = [{k: v for k, v in f.items() if k != "inherent"} for f in record.findings]
    for f, level in zip(old, ["medium", "low", "high", "critical", "high", "medium"]):  # the old levels
        f["reasons"] = [r for r in f["reasons"] if not r.startswith("control:")]
        f["severity"], f["rule"] = level, f"supplier_risk_{level}"
    old[0]["certificate"] = {"id": "VN-CLF-2026-000001", "status": "active", "lowered": True}
    insert_check(pre_residual_db, "suppliers", summary, old)
    migrate(pre_residual_db)
    got = checks.latest(pre_residual_db, 1, "suppliers")
    assert [f["inherent"] for f in got.findings] == ["high", "low", "high", "critical", "high", "medium"]
    assert got.summary["by_inherent"] == {"low": 1, "medium": 1, "high": 2, "critical": 1}  # row 5 is a duplicate
    assert got.summary["by_level"] == summary["by_level"]
    texts = checks.supplier_texts(got.findings[0], "en")
    assert (texts["inherent"], texts["level"], texts["controls"]) == ("High", "Medium", "—")
    assert checks.convert_stored(pre_residual_db) == 0  # converting again changes nothing
