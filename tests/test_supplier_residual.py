"""Inherent and residual supplier risk (issue 14, point 1) and the USDOL flags as of the 2024 list.

Inherent: what the goods, sector, type of unit, tier and tax code say. Residual: after the supplier's controls, with
the points and steps of criteria/risk/controls.csv and residual_steps.csv."""

import shutil
from datetime import date

import pytest

from criteria.errors import CriteriaLoadError
from criteria.paths import risk_dir
from criteria.risk_tables import CONTROLS, default_risk_data, load_risk_data
from tests.test_supply_chain import REGISTRY, run

GARMENT_FACTORY = {"tax_code": "0100233488", "supplier_type": "nhà máy", "products": "áo sơ mi", "tier": "1"}
HOUSEHOLD_GARMENTS = {"tax_code": "0100112437", "supplier_type": "hộ kinh doanh", "products": "may gia công quần",
                      "tier": "2"}
RECENT, OLD = "01/01/2026", "01/01/2025"  # as of 30/06/2026: 6 and 18 months back


def one(row, **kw):
    return run([row], **kw).entries("en")[0]


def ids(entry, prefix):
    return [r["id"] for r in entry["reasons"] + entry["controls"] if r["id"].startswith(prefix)]


# --- USDOL flags as of the 2024 list ---------------------------------------------------------------------------

def test_garments_left_the_eo13126_list_on_5_sep_2024():
    """EO 13126 list (forced or indentured child labour): garments from Viet Nam removed 5 Sep 2024 (Federal
    Register 2024-18767); still on the TVPRA list for child labour and forced labour."""
    data = default_risk_data()
    g = {x.id: x for x in data.goods}["garments"]
    assert (g.cl, g.fl, g.fcl) == (True, True, False)
    assert g.as_of == "2024-09-05" and g.edition == "2024"
    assert "eo13126-2024" in data.reason("good:garments").sources
    assert "forced child labour" not in data.reason("good:garments").text.en


def test_every_flag_is_dated_and_sourced_by_the_2024_list():
    """17 Viet Nam goods in 2024 (VOA): the 16 child-labour goods of 2016-2022 and the downstream cotton entry."""
    data = default_risk_data()
    assert len(data.goods) == 17 and all(g.as_of == "2024-09-05" and g.edition == "2024" for g in data.goods)
    assert all(g.cl for g in data.goods if g.id != "cotton_downstream")
    assert not any(g.fcl for g in data.goods)  # no Viet Nam good is on the EO 13126 list after 5 Sep 2024
    cotton = {x.id: x for x in data.goods}["cotton_downstream"]
    assert (cotton.cl, cotton.fl) == (False, True) and "China" in cotton.label.en and "apparel" in cotton.label.en
    for g in data.goods:
        assert all(s in data.sources for s in data.reason(f"good:{g.id}").sources)


# --- the issue's "done when" -----------------------------------------------------------------------------------

def test_a_controlled_tier1_garment_factory_is_low_or_medium():
    e = one({**GARMENT_FACTORY, "coc": "có", "age": "có", "audit": RECENT})
    assert e["inherent"] == "high" and e["level"] in ("low", "medium")
    assert ids(e, "control:") == ["control:age_verification", "control:audit", "control:code_of_conduct"]
    assert ids(e, "good:") == ["good:garments"]  # the inherent reason is still shown with its source


def test_a_household_garment_unit_without_age_checks_is_high_or_critical():
    # even with every other control in place
    e = one({**HOUSEHOLD_GARMENTS, "coc": "có", "audit": RECENT, "subcontracting_allowed": "không"})
    assert e["inherent"] == "critical" and e["level"] in ("high", "critical")
    assert one(HOUSEHOLD_GARMENTS)["level"] == "critical"


def test_a_factory_with_an_active_verified_certificate_is_low():
    e = one({**GARMENT_FACTORY, "certificate_id": "VN-CLF-2026-000001"})
    assert e["inherent"] == "high" and e["level"] == "low" and e["certificate"]["lowered"]
    assert "control:certificate" in ids(e, "control:")


def test_a_certificate_is_found_by_tax_code_without_its_id():
    e = one(GARMENT_FACTORY, certified_tax_codes={"0100233488"})
    assert e["level"] == "low" and ids(e, "control:") == ["control:certificate"]
    branch = one({**GARMENT_FACTORY, "tax_code": "0100233488-002"}, certified_tax_codes={"0100233488"})
    assert branch["level"] == "low"  # a branch shares its parent's certificate
    other = one({**GARMENT_FACTORY, "tax_code": "0100112437"}, certified_tax_codes={"0100233488"})
    assert other["level"] == "high" and ids(other, "control:") == []


@pytest.mark.parametrize("state", ["self_assessed", "expired", "revoked", "suspended", "superseded"])
def test_only_a_verified_certificate_in_force_is_a_control(state):
    cid = next(k for k, v in REGISTRY.items() if v[0] == state)
    assert one({**GARMENT_FACTORY, "certificate_id": cid})["level"] == "high"


# --- each control's effect (garment factory: inherent high; 2 points lower one level, 4 points two) -------------

@pytest.mark.parametrize("controls,level", [
    ({}, "high"),
    ({"age": "có"}, "medium"),  # age checks: 2 points
    ({"audit": RECENT}, "high"),  # an audit alone: 2 points, but without age checks the floor is high
    ({"age": "có", "audit": RECENT}, "low"),  # 4 points: two levels
    ({"age": "có", "audit": OLD}, "medium"),  # an audit older than the period does not count
    ({"age": "có", "audit": "01/07/2026"}, "medium"),  # nor one after the as-of date
    ({"age": "có", "coc": "có"}, "medium"),  # code of conduct: 1 point, 3 in all
    ({"age": "có", "coc": "có", "subcontracting_allowed": "không"}, "low"),  # no subcontracting: 1 point, 4
    ({"age": "có", "coc": "có", "subcontracting_allowed": ""}, "medium"),  # a blank cell is not a control
    ({"coc": "có", "subcontracting_allowed": "không", "audit": RECENT}, "high"),  # 4 points, no age checks
])
def test_each_control_lowers_the_residual_level(controls, level):
    e = one({**GARMENT_FACTORY, **controls})
    assert e["inherent"] == "high" and e["level"] == level


def test_controls_never_raise_and_a_low_supplier_stays_low():
    e = one({"tax_code": "0100233488", "supplier_type": "nhà máy", "products": "ốc vít", "tier": "1", "age": "có"})
    assert e["inherent"] == e["level"] == "low"


def test_the_residual_level_drives_the_summary_and_the_plan():
    rows = [{**GARMENT_FACTORY, "coc": "có", "age": "có", "audit": RECENT},
            {**HOUSEHOLD_GARMENTS}]
    result = run(rows)
    s = result.summary_data
    assert s["by_inherent"] == {"low": 0, "medium": 0, "high": 1, "critical": 1}
    assert s["by_level"] == {"low": 1, "medium": 0, "high": 0, "critical": 1}
    assert [a.rule for a in result.derived().actions] == ["supplier_risk_critical"]
    rec = result.records()[0]
    assert rec["severity"] == "low" and rec["inherent"] == "high" and "control:age_verification" in rec["reasons"]


def test_the_audit_period_is_data(tmp_path):
    for f in risk_dir().glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    p = tmp_path / "controls.csv"
    p.write_text(p.read_text("utf-8").replace(",,12,", ",,3,"), "utf-8")
    data = load_risk_data(tmp_path)
    assert data.control("audit").period_months == 3
    e = run([{**GARMENT_FACTORY, "age": "có", "audit": RECENT}], data=data).entries()[0]
    assert e["level"] == "medium"  # six months back is outside a 3-month period


@pytest.mark.parametrize("file,old,new,where", [
    ("controls.csv", "age_verification,2,", "age_verification,two,", "[risk/controls.csv, row 2, column `points`]"),
    ("controls.csv", ",,12,", ",,,", "[risk/controls.csv, row 3, column `period_months`]"),
    ("controls.csv", "age_verification,2,high,", "age_verification,2,severe,",
     "[risk/controls.csv, row 2, column `floor_without`]"),
    ("controls.csv", "code_of_conduct,", "code_of_silence,", "[risk/controls.csv, row 4, column `control`]"),
    ("residual_steps.csv", "4,2,", "4,1,", "[risk/residual_steps.csv, row 3, column `lowered_by`]"),
    ("usdol_goods.csv", "2024-09-05", "5/9/2024", "[risk/usdol_goods.csv, row 2, column `as_of`]"),
])
def test_a_broken_controls_file_names_file_row_and_column(tmp_path, file, old, new, where):
    for f in risk_dir().glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    p = tmp_path / file
    p.write_text(p.read_text("utf-8").replace(old, new, 1), "utf-8")
    with pytest.raises(CriteriaLoadError) as err:
        load_risk_data(tmp_path)
    assert any(m.startswith(where) for m in err.value.messages("en")), err.value.messages("en")


def test_every_control_has_a_row_and_cites_its_source():
    data = default_risk_data()
    assert tuple(c.id for c in data.controls) == CONTROLS
    for c in CONTROLS:
        r = data.reason(f"control:{c}")
        assert r.effect == "lower" and r.text.vi and r.text.en and all(s in data.sources for s in r.sources)


def test_the_app_finds_a_suppliers_certificate_in_its_registry_by_tax_code(tmp_path, monkeypatch):
    """The accreditation layer reads its registry once and hands the rules the certified tax codes."""
    from accreditation.store import certificates as registry
    from accreditation.store.db import open_db
    from accreditation.suppliers import check_suppliers, registry_lookup

    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path / "data"))
    db = open_db(tmp_path / "reg.db")
    issued = date(2026, 6, 1)
    for tax_code, verified in (("0100233488", True), ("0100112437", False)):
        registry.issue(db, registry.CertificateDraft(
            company_name="NCC", tax_code=tax_code, tier="pioneer", score=82.5, criteria_id="VN-CLF-REF",
            criteria_version="2026.1", issued=issued, expires=registry.expiry_date(issued, 12), verified=verified,
            issuer="VCCI" if verified else "self-assessment"), lambda cert: f"%PDF-1.4 {cert.id}".encode())
    lookup = registry_lookup(db, date(2026, 6, 30))
    assert lookup.certified_tax_codes == {"0100233488"}  # a self-assessment statement is not a certificate
    csv = ("supplier_name,tax_code,province,products,tier,supplier_type\n"
           "A,0100233488,Hà Nội,áo sơ mi,1,nhà máy\nB,0100112437,Hà Nội,áo sơ mi,1,nhà máy\n").encode()
    got = check_suppliers(csv, "ncc.csv", date(2026, 6, 30), certificate_status=lookup).entries("en")
    assert [(e["inherent"], e["level"]) for e in got] == [("high", "low"), ("high", "high")]
    assert registry_lookup(db, date(2027, 7, 1)).certified_tax_codes == frozenset()  # expired by then
