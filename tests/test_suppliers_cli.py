"""`python -m accreditation suppliers FILE` as a user runs it (in process, through `accreditation.cli.main`): JSON
with one entry per supplier and the company summary; bad files give one clear line on stderr and exit 2, never a
traceback."""

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "suppliers_example.csv"
TEMPLATES = ROOT / "criteria" / "templates"


@pytest.fixture
def run(cli):
    def run(*args, lang="en"):
        return cli("suppliers", *args, lang=lang, cwd=ROOT)

    return run


@pytest.fixture
def ok(run):
    def ok(*args, **kw) -> dict:
        p = run(*args, **kw)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    return ok


@pytest.fixture
def fails(run):
    def fails(*args, lang="en") -> str:
        p = run(*args, lang=lang)
        assert p.returncode == 2, (p.returncode, p.stdout[:300], p.stderr)
        assert p.stdout == ""
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
        return lines[0]

    return fails


def test_example_list(ok):
    d = ok(EXAMPLE, "--as-of", "2026-06-30")
    assert d["as_of"] == "2026-06-30"
    assert [e["row"] for e in d["suppliers"]] == [1, 2, 3, 4, 5, 6]
    levels = {e["row"]: e["level"] for e in d["suppliers"]}
    # residual levels: rows 1/5 (garments, high) and 6 (medium) have age checks and other controls in place
    assert levels == {1: "low", 2: "low", 3: "high", 4: "critical", 5: "low", 6: "low"}
    assert {e["row"]: e["inherent"] for e in d["suppliers"]} == {1: "high", 2: "low", 3: "high", 4: "critical",
                                                                  5: "high", 6: "medium"}
    for e in d["suppliers"]:
        assert set(e) >= {"row", "tax_code", "level", "reasons", "actions"}
        for r in e["reasons"]:
            assert r["source"] and all(s in d["sources"] for s in r["source"]) and r["id"] in d["reasons"]
        assert all(a in d["actions"] for a in e["actions"])
        assert all(c.startswith("control:") and d["reasons"][c]["source"] for c in e["controls"])  # ids, catalog
    assert d["suppliers"][0]["controls"] == ["control:age_verification", "control:audit", "control:code_of_conduct"]
    s = d["summary"]
    assert s["suppliers"] == 5 and s["duplicates"] == [{"row": 5, "duplicate_of": 1, "key": "tax_code"}]
    assert s["by_level"] == {"low": 3, "medium": 0, "high": 1, "critical": 1}
    assert s["by_inherent"] == {"low": 1, "medium": 1, "high": 2, "critical": 1}
    assert {"from": "Bắc Giang", "to": "Bắc Ninh", "rows": 1} in s["provinces_mapped"]
    assert s["derived"]["suppliers.uses_informal"] == "yes"
    assert s["derived"]["suppliers.mapping"] == "partly"  # tiers 2-3 listed, but 1 of 5 has an unknown province
    assert s["focus"]["spend_data"] is True
    assert any(p["row"] == 6 and p["column"] == "tax_code" for p in d["problems"])
    assert "079123456789" not in json.dumps(d) and d["suppliers"][3]["tax_code"] == "********6789"
    assert "Mẫu" not in json.dumps(d, ensure_ascii=False)  # supplier names are not printed


def test_vietnamese_is_the_default_language(ok):
    d = ok(EXAMPLE, "--as-of", "2026-06-30", lang="vi")
    assert d["levels"]["critical"] == "Nghiêm trọng"
    assert "Bộ Lao động Hoa Kỳ" in d["reasons"]["good:garments"]["text"]
    assert d["problems"][0]["message"].startswith("mã số thuế")


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_xlsx_utf16_and_english_headers_give_the_same_levels(ok, tmp_path):
    text = EXAMPLE.read_text("utf-8-sig")
    lines = [ln.split(",") for ln in text.strip().splitlines()]
    english = ["supplier_name", "tax_code", "province", "sector", "products", "tier", "supplier_type", "workers",
               "has_signed_code_of_conduct", "age_verification_in_place", "last_audit_date",
               "subcontracting_allowed", "certificate_id", "annual_spend_vnd"]
    xlsx = tmp_path / "ncc.xlsx"
    rows = []
    for cells in lines[1:]:
        cells = list(cells)
        cells[5] = int(cells[5])  # numbers and dates as Excel stores them
        if cells[1] == "0100112437":
            cells[1] = 100112437  # a tax code typed as a number loses its leading zero
        if cells[10]:
            cells[10] = date(*reversed([int(x) for x in cells[10].split("/")]))
        rows.append(cells)
    write_xlsx(xlsx, lines[0], rows)
    utf16 = tmp_path / "ncc.txt"
    utf16.write_bytes("\n".join("\t".join(c) for c in [english] + lines[1:]).encode("utf-16"))
    base = ok(EXAMPLE, "--as-of", "2026-06-30")
    for path in (xlsx, utf16):
        d = ok(path, "--as-of", "2026-06-30")
        assert [e["level"] for e in d["suppliers"]] == [e["level"] for e in base["suppliers"]], path
        assert [e["tax_code"] for e in d["suppliers"]] == [e["tax_code"] for e in base["suppliers"]], path
    d = ok(xlsx, "--as-of", "2026-06-30")
    assert any("leading zero" in p["message"] for p in d["problems"])


def test_templates_are_current_and_read_back(ok, tmp_path):
    from accreditation.suppliers import write_templates
    from openpyxl import load_workbook

    write_templates(tmp_path)
    assert (tmp_path / "supplier_template.csv").read_bytes() == (TEMPLATES / "supplier_template.csv").read_bytes()
    shipped = load_workbook(TEMPLATES / "supplier_template.xlsx")
    fresh = load_workbook(tmp_path / "supplier_template.xlsx")
    for name in fresh.sheetnames:
        assert [[c.value for c in r] for r in shipped[name].iter_rows()] == \
            [[c.value for c in r] for r in fresh[name].iter_rows()]
    header = (TEMPLATES / "supplier_template.csv").read_text("utf-8-sig").splitlines()[0]
    assert "Mã số thuế / Tax code" in header and "Loại nhà cung cấp / Supplier type" in header
    # a filled-in template is read: one row added under the headers
    filled = tmp_path / "filled.csv"
    filled.write_text(header + "\nA,0100233488,Hà Nội,,ốc vít,1,nhà máy,,,,,,,\n", "utf-8-sig")
    assert ok(filled, "--as-of", "2026-06-30")["suppliers"][0]["level"] == "low"
    xl = tmp_path / "filled.xlsx"
    write_xlsx(xl, header.split(","), [["A", "0100233488", "Hà Nội", "", "áo", 1, "nhà máy"]])
    assert ok(xl, "--as-of", "2026-06-30")["suppliers"][0]["level"] == "high"


def test_certificates_are_checked_against_the_registry(ok, tmp_path):
    db_path = tmp_path / "reg.db"
    from accreditation.store.db import open_db

    db = open_db(db_path)  # an empty registry: the id is unknown
    db.conn.close()
    f = tmp_path / "c.csv"
    header = EXAMPLE.read_text("utf-8-sig").splitlines()[0]
    f.write_text(header + "\nA,0100233488,Hà Nội,,áo,1,nhà máy,,,,,,VN-CLF-2026-000001,\n", "utf-8-sig")
    d = ok(f, "--as-of", "2026-06-30", "--registry", db_path)
    assert d["suppliers"][0]["certificate"] == {"id": "VN-CLF-2026-000001", "status": "unknown", "lowered": False}
    d = ok(f, "--as-of", "2026-06-30")
    assert d["suppliers"][0]["certificate"]["status"] == "unchecked"


def test_registry_states_follow_the_holders_current_document(ok, tmp_path, monkeypatch):
    """A statement counts as self-assessed, a superseded id leads to the holder's current document, a suspended
    certificate does not lower the risk; only a verified certificate in force does."""
    from accreditation.store import certificates as registry
    from accreditation.store.db import open_db

    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    db = open_db(tmp_path / "reg.db")
    issued = date(2026, 6, 1)

    def issue(tax_code: str, verified: bool) -> str:
        draft = registry.CertificateDraft(
            company_name="NCC", tax_code=tax_code, tier="pioneer", score=82.5, criteria_id="VN-CLF-REF",
            criteria_version="2026.1", issued=issued, expires=registry.expiry_date(issued, 12), verified=verified,
            issuer="VCCI" if verified else "self-assessment")
        return registry.issue(db, draft, lambda cert: f"%PDF-1.4 {cert.id}".encode())[0].id

    statement = issue("0100233488", verified=False)
    replaced = issue("0100109106", verified=False)
    issue("0100109106", verified=True)  # supersedes `replaced`
    suspended = issue("3709123455", verified=True)
    registry.suspend_current(db, "3709123455", None, "knock-out in version 2: YW-01", "system",
                             at=datetime(2026, 6, 15, tzinfo=timezone.utc))
    db.conn.close()
    f = tmp_path / "c.csv"
    header = EXAMPLE.read_text("utf-8-sig").splitlines()[0]
    f.write_text(header + "".join(f"\nA{i},{code},Hà Nội,,áo,1,nhà máy,,,,,,{cid}," for i, (code, cid) in enumerate(
        (("0100233488", statement), ("0100109106", replaced), ("3709123455", suspended)))) + "\n", "utf-8-sig")
    d = ok(f, "--as-of", "2026-06-30", "--registry", tmp_path / "reg.db")
    got = [(e["level"], e["certificate"]["status"], e["certificate"]["lowered"]) for e in d["suppliers"]]
    assert got == [("high", "self_assessed", False), ("low", "active", True), ("high", "suspended", False)]
    assert d["summary"]["certificates"]["self_assessed"] == 1 and d["summary"]["certificates"]["active"] == 1


BAD = [
    ("missing file", None, "file not found"),
    ("empty.csv", b"", "empty"),
    ("header_only.csv", "Tên nhà cung cấp,Mã số thuế,Tỉnh,Sản phẩm,Cấp,Loại nhà cung cấp\n".encode("utf-8"),
     "no supplier rows"),
    ("no_columns.csv", "a,b,c\n1,2,3\n".encode("utf-8"), "required column missing"),
    ("missing_tax_column.csv", "Tên nhà cung cấp,Tỉnh,Sản phẩm,Cấp,Loại nhà cung cấp\nA,Hà Nội,áo,1,xưởng\n"
     .encode("utf-8"), "tax_code"),
    ("ragged.csv", "Tên nhà cung cấp,Mã số thuế,Tỉnh,Sản phẩm,Cấp,Loại nhà cung cấp\nA,0100233488,Hà Nội,áo,1,xưởng,"
     "x,y\n".encode("utf-8"), "data row 1"),
    ("binary.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "cannot read"),
    ("garbage.csv", bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d]) * 50, None),
]


@pytest.mark.parametrize("name,content,message", BAD, ids=[b[0] for b in BAD])
def test_bad_files(fails, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    line = fails(path, "--as-of", "2026-06-30")
    assert line.startswith("error: ")
    if message:
        assert message in line.lower(), line  # catalog messages start with a capital


def test_bad_file_message_in_vietnamese(fails, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", "utf-8")
    assert fails(path, lang="vi").startswith("lỗi: ")


def test_bad_as_of_date(fails):
    assert "YYYY-MM-DD" in fails(EXAMPLE, "--as-of", "30/06/2026")


def test_missing_registry_file(fails, tmp_path):
    assert "not found" in fails(EXAMPLE, "--registry", tmp_path / "none.db")


def test_wrong_sheet(fails, tmp_path):
    xl = tmp_path / "a.xlsx"
    write_xlsx(xl, ["supplier_name"], [["x"]])
    assert "no sheet" in fails(xl, "--sheet", "Suppliers")


def test_bad_cells_are_problems_not_failures(ok, tmp_path):
    header = EXAMPLE.read_text("utf-8-sig").splitlines()[0]
    f = tmp_path / "cells.csv"
    f.write_text(header + "\nA,0100233488,Hà Nội,,ốc vít,một,nhà máy,nhiều,hmm,,31/02/2026,,,\n", "utf-8-sig")
    d = ok(f, "--as-of", "2026-06-30")
    cols = {p["column"] for p in d["problems"]}
    assert {"tier", "workers", "has_signed_code_of_conduct", "last_audit_date"} <= cols
    assert d["suppliers"][0]["tier"] is None


def test_command_is_listed_in_help(cli):
    p = cli("--help")
    assert p.returncode == 0 and "suppliers" in p.stdout


@pytest.mark.parametrize("content", [b"", b"not a database at all", "sqlite"])
def test_a_registry_that_is_not_ours_is_refused_and_left_untouched(cli, tmp_path, content):
    import sqlite3

    other = tmp_path / "other.db"
    if content == "sqlite":  # someone else's SQLite file
        sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.commit()
    else:
        other.write_bytes(content)
    before = other.read_bytes()
    f = tmp_path / "c.csv"
    f.write_text(EXAMPLE.read_text("utf-8-sig").splitlines()[0] + "\nA,0100233488,Hà Nội,,áo,1,nhà máy,,,,,,,\n",
                 "utf-8-sig")
    p = cli("suppliers", f, "--as-of", "2026-06-30", "--registry", other)
    assert p.returncode == 2 and "is not this app's certificate registry" in p.stderr
    assert other.read_bytes() == before  # no schema written into it
