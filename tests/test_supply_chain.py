"""The supply-chain rules, row by row: each supplier below gets the level and the raising reasons in its row.
Columns are the canonical ones of criteria/columns/suppliers.csv; blank cells are blank."""

import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from criteria.datafiles import default_criteria
from scoring.engine import assess
from criteria.errors import CriteriaLoadError
from criteria.provinces import load_provinces
from criteria.risk_tables import default_risk_data, load_risk_data
from scoring.supply_chain import assess_suppliers

AS_OF = date(2026, 6, 30)
COLS = ("tax_code", "supplier_type", "products", "sector", "tier", "subcontracting_allowed", "certificate_id")

# One row per rule. `reasons`: the raising reasons, in output order ("-" for none). `level` is the residual level;
# without a control it is the inherent level, and a verified certificate in force caps it at low (controls.csv).
RULES = """
| case                       | tax_code       | supplier_type       | products         | sector      | tier | subcontracting_allowed | certificate_id | level    | reasons |
| factory, nothing listed    | 0100233488     | nhà máy             | ốc vít           | cơ khí      | 1    | không                  |                | low      | - |
| branch code                | 0314409058-002 | factory             | bao bì carton    |             | 1    |                        |                | low      | - |
| workshop type              | 0100112437     | xưởng               | ốc vít           |             | 1    |                        |                | medium   | type:workshop |
| cooperative type           | 0100112437     | hợp tác xã          | ốc vít           |             | 1    |                        |                | medium   | type:cooperative |
| farm type + farming sector | 0100112437     | trang trại          | rau              | nông nghiệp | 1    |                        |                | medium   | type:farm sector:agriculture_forestry_fishery |
| labour agency              | 0100112437     | labour agency       | cung ứng nhân sự |             | 1    |                        |                | medium   | type:labour_agency |
| household business type    | 0100112437     | hộ kinh doanh       | đóng gói         |             | 1    |                        |                | high     | type:household_business |
| home worker                | 0100112437     | người làm tại nhà   | đóng gói         |             | 1    |                        |                | high     | type:home_worker |
| personal 12-digit code     | 079123456789   |                     | đóng gói         |             | 1    |                        |                | high     | rule:personal_tax_code type:household_business |
| company with personal code | 079123456789   | nhà máy             | đóng gói         |             | 1    |                        |                | high     | rule:personal_tax_code rule:type_tax_mismatch |
| CL good, factory           | 0100233488     | nhà máy             | hạt điều nhân    |             | 1    |                        |                | medium   | good:cashews |
| CL good, English, plain    | 0100233488     | factory             | Coffee beans     |             | 1    |                        |                | medium   | good:coffee |
| unaccented Vietnamese      | 0100233488     | factory             | ca phe nhan      |             | 1    |                        |                | medium   | good:coffee |
| garments (CL+FL+FCL)       | 0100233488     | nhà máy             | áo sơ mi         |             | 1    |                        |                | high     | good:garments |
| tone placement (thuỷ)      | 0100233488     | nhà máy             | thuỷ sản đông lạnh|            | 1    |                        |                | medium   | good:fish |
| 'cá nhân' is not fish      | 0100233488     | nhà máy             | bảo hộ cá nhân   |             | 1    |                        |                | low      | - |
| downstream cotton (FL)     | 0100233488     | nhà máy             | xơ bông          |             | 1    |                        |                | medium   | good:cotton_downstream |
| construction sector        | 0100233488     | nhà máy             | bê tông          | xây dựng    | 1    |                        |                | medium   | sector:industry_construction |
| tier 2, focus good         | 0100233488     | nhà máy             | đồ gỗ nội thất   |             | 2    |                        |                | high     | rule:below_tier1_listed good:furniture good:timber |
| tier 2, not a focus good   | 0100233488     | nhà máy             | cà phê           |             | 2    |                        |                | medium   | good:coffee |
| subcontracting, listed     | 0100233488     | nhà máy             | giày thể thao    |             | 1    | có                     |                | high     | rule:subcontracting_listed good:footwear |
| subcontracting, not listed | 0100233488     | nhà máy             | ốc vít           |             | 1    | có                     |                | low      | - |
| household + CL good        | 0100112437     | hộ kinh doanh       | thêu áo          |             | 2    |                        |                | critical | rule:informal_listed_good rule:below_tier1_listed type:household_business good:garments |
| personal code + CL good    | 079123456789   |                     | hạt điều         |             | 1    |                        |                | critical | rule:informal_listed_good rule:personal_tax_code type:household_business good:cashews |
| home worker + FL-only good | 0100112437     | home worker         | cotton           |             | 1    |                        |                | high     | type:home_worker good:cotton_downstream |
| missing tax code           |                | nhà máy             | ốc vít           |             | 1    |                        |                | medium   | rule:missing_tax_code |
| invalid tax code           | 0100233480     | nhà máy             | ốc vít           |             | 1    |                        |                | medium   | rule:invalid_tax_code |
| type blank                 | 0100233488     |                     | ốc vít           |             | 1    |                        |                | medium   | rule:type_unknown |
| type not recognised        | 0100233488     | spaceship           | ốc vít           |             | 1    |                        |                | medium   | rule:type_unknown |
| active certificate lowers  | 0100233488     | nhà máy             | áo sơ mi         |             | 1    |                        | VN-CLF-2026-000001 | low    | good:garments |
| ... but not below low      | 0100233488     | nhà máy             | ốc vít           |             | 1    |                        | VN-CLF-2026-000001 | low    | - |
| critical -> low            | 0100233488     | hộ kinh doanh       | áo               |             | 1    |                        | VN-CLF-2026-000001 | low    | rule:informal_listed_good type:household_business good:garments |
| expired does not lower     | 0100233488     | nhà máy             | áo sơ mi         |             | 1    |                        | VN-CLF-2024-000002 | high   | good:garments |
| revoked does not lower     | 0100233488     | nhà máy             | áo sơ mi         |             | 1    |                        | VN-CLF-2025-000003 | high   | good:garments |
| unknown does not lower     | 0100233488     | nhà máy             | áo sơ mi         |             | 1    |                        | VN-CLF-2025-999999 | high   | good:garments |
| other holder does not lower| 0100112437     | nhà máy             | áo sơ mi         |             | 1    |                        | VN-CLF-2026-000001 | high   | good:garments |
| statement does not lower   | 0100233488     | nhà máy             | áo sơ mi         |             | 1    |                        | VN-CLF-2026-000004 | high   | good:garments |
| suspended does not lower   | 0100233488     | nhà máy             | áo sơ mi         |             | 1    |                        | VN-CLF-2026-000005 | high   | good:garments |
| superseded does not lower  | 0100233488     | nhà máy             | áo sơ mi         |             | 1    |                        | VN-CLF-2026-000006 | high   | good:garments |
"""

# What accreditation.suppliers.registry_lookup answers: only "active" is a verified certificate in force.
REGISTRY = {"VN-CLF-2026-000001": ("active", "0100233488"), "VN-CLF-2024-000002": ("expired", "0100233488"),
            "VN-CLF-2025-000003": ("revoked", "0100233488"), "VN-CLF-2026-000004": ("self_assessed", "0100233488"),
            "VN-CLF-2026-000005": ("suspended", "0100233488"), "VN-CLF-2026-000006": ("superseded", "0100233488")}
CERT_NOTES = {"VN-CLF-2026-000001": "rule:certificate_active", "VN-CLF-2024-000002": "rule:certificate_expired",
              "VN-CLF-2025-000003": "rule:certificate_revoked", "VN-CLF-2025-999999": "rule:certificate_unknown",
              "VN-CLF-2026-000004": "rule:certificate_self_assessed",
              "VN-CLF-2026-000005": "rule:certificate_suspended",
              "VN-CLF-2026-000006": "rule:certificate_superseded"}


def table(md: str) -> list[dict[str, str]]:
    lines = [ln.strip() for ln in md.strip().splitlines() if ln.strip().startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    return [dict(zip(header, [c.strip() for c in ln.strip("|").split("|")])) for ln in lines[1:]]


def frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """A typed frame as the importer gives it: 1-based row index, booleans, integers, dates."""
    yes = {"có": True, "yes": True, "không": False, "no": False}
    df = pd.DataFrame({
        "supplier_name": [r.get("supplier_name", f"NCC {i}") for i, r in enumerate(rows, 1)],
        "tax_code": [r.get("tax_code") or None for r in rows],
        "province": [r.get("province", "Hà Nội") or None for r in rows],
        "sector": [r.get("sector") or None for r in rows],
        "products": [r.get("products") or None for r in rows],
        "tier": pd.array([int(r["tier"]) if r.get("tier") else None for r in rows], dtype="Int64"),
        "supplier_type": [r.get("supplier_type") or None for r in rows],
        "workers": pd.array([int(r["workers"]) if r.get("workers") else None for r in rows], dtype="Int64"),
        "has_signed_code_of_conduct": pd.array([yes.get(r.get("coc", "")) for r in rows], dtype="boolean"),
        "age_verification_in_place": pd.array([yes.get(r.get("age", "")) for r in rows], dtype="boolean"),
        "last_audit_date": pd.to_datetime([r.get("audit") or None for r in rows], format="%d/%m/%Y"),
        "subcontracting_allowed": pd.array([yes.get(r.get("subcontracting_allowed", "")) for r in rows],
                                           dtype="boolean"),
        "certificate_id": [r.get("certificate_id") or None for r in rows],
        "annual_spend_vnd": [float(r["spend"]) if r.get("spend") else np.nan for r in rows],
    }, index=pd.Index(range(1, len(rows) + 1), name="row"))
    return df


def run(rows, data=None, **kw):
    kw.setdefault("certificate_status", REGISTRY.get)
    return assess_suppliers(frame(rows), AS_OF, data or default_risk_data(), load_provinces(), **kw)


CASES = table(RULES)


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_rule_table(case):
    result = run([case])
    entry = result.entries("en")[0]
    raised = [r["id"] for r in entry["reasons"] if r["effect"] == "raise"]
    assert entry["level"] == case["level"]
    assert raised == ([] if case["reasons"] == "-" else case["reasons"].split())
    for r in entry["reasons"]:
        assert r["source"] and all(s in result.sources for s in r["source"])  # every reason cites its source
        assert r["text"]
    notes = [r["id"] for r in entry["reasons"] if r["effect"] != "raise" and not r["id"].startswith("control:")]
    cert = case["certificate_id"]
    if cert:
        expected = CERT_NOTES[cert] if case["case"] != "other holder does not lower" else \
            "rule:certificate_other_holder"
        assert notes == [expected]
        active = expected == "rule:certificate_active"
        assert entry["certificate"]["lowered"] == (active and entry["inherent"] != "low")
        assert ("control:certificate" in [r["id"] for r in entry["controls"]]) == active
    else:
        assert notes == [] and entry["certificate"] is None
        assert entry["inherent"] == entry["level"]  # no control that lowers: residual = inherent


def test_the_whole_table_at_once_gives_the_same_levels():
    result = run(CASES)
    assert [e["level"] for e in result.entries()] == [c["level"] for c in CASES]


def test_without_a_registry_a_certificate_is_unchecked():
    result = run([{"tax_code": "0100233488", "supplier_type": "nhà máy", "products": "áo", "tier": "1",
                   "certificate_id": "VN-CLF-2026-000001"}], certificate_status=None)
    e = result.entries("en")[0]
    assert e["level"] == "high" and e["certificate"] == {"id": "VN-CLF-2026-000001", "status": "unchecked",
                                                          "lowered": False}
    assert result.summary.certificates["unchecked"] == 1


def test_each_certificate_state_is_counted_and_only_a_verified_certificate_in_force_lowers():
    states = {"A-1": "active", "S-1": "self_assessed", "P-1": "suspended", "X-1": "superseded"}
    rows = [{"tax_code": code, "supplier_type": "nhà máy", "products": "áo sơ mi", "tier": "1",
             "certificate_id": cid} for code, cid in zip(("0100233488", "0100112437", "0100109106", "3709123455"),
                                                         states)]
    result = run(rows, certificate_status=lambda cid: (states[cid], None))
    assert [(e["level"], e["certificate"]["status"], e["certificate"]["lowered"]) for e in result.entries()] == [
        ("low", "active", True), ("high", "self_assessed", False), ("high", "suspended", False),
        ("high", "superseded", False)]
    assert {k: v for k, v in result.summary.certificates.items() if v} == {
        "active": 1, "self_assessed": 1, "suspended": 1, "superseded": 1}


def test_a_plain_status_lookup_is_accepted():
    result = run([{"tax_code": "0100233488", "supplier_type": "nhà máy", "products": "áo", "tier": "1",
                   "certificate_id": "X-1"}], certificate_status=lambda cid: "active")
    assert result.entries()[0]["level"] == "low"


def test_actions_follow_the_data():
    rows = [
        {"tax_code": "0100112437", "supplier_type": "hộ kinh doanh", "products": "áo", "tier": "2",
         "subcontracting_allowed": "có"},
        {"tax_code": "0100233488", "supplier_type": "nhà máy", "products": "ốc vít", "tier": "1", "coc": "có"},
        {"tax_code": "", "supplier_type": "nhà máy", "products": "ốc vít", "tier": "1", "coc": "có"},
    ]
    e = run(rows).entries("en")
    assert [a["id"] for a in e[0]["actions"]] == ["verify_ages", "visit", "sign_code", "map_subcontractors",
                                                  "household_book", "trace_goods", "urgent_visit"]
    assert e[1]["actions"] == []  # low risk, code signed: nothing to do
    assert [a["id"] for a in e[2]["actions"]] == ["verify_ages", "fix_tax_code"]
    assert all(a["text"] for a in e[0]["actions"])
    assert "trẻ" in run(rows).entries("vi")[0]["actions"][-1]["text"]


def test_personal_numbers_never_appear_in_outputs():
    rows = [{"tax_code": "079123456789", "supplier_type": "hộ kinh doanh", "products": "áo", "tier": "1"},
            {"tax_code": "0791234567890", "supplier_type": "hộ kinh doanh", "products": "áo", "tier": "1"}]
    result = run(rows)
    text = json.dumps(result.entries("vi", texts=False)) + str(result.problems) + result.summary.model_dump_json()
    d = result.derived()
    text += "".join(a.model_dump_json() for a in d.actions)
    assert "079123456789" not in text and "0791234567890" not in text and "12345678" not in text
    assert result.entries()[0]["tax_code"] == "********6789"
    assert d.actions[0].ref == "row 1, tax code ********6789"


def test_names_are_not_copied_into_results():
    rows = [{"supplier_name": "Nguyễn Thị Hoa", "tax_code": "079123456789", "supplier_type": "người làm tại nhà",
             "products": "thêu", "tier": "2"}]
    result = run(rows)
    assert "Hoa" not in json.dumps(result.entries("vi", texts=False), ensure_ascii=False)
    assert "Hoa" not in result.summary.model_dump_json()


def test_duplicates_are_reported_not_double_counted():
    rows = [
        {"tax_code": "0100233488", "supplier_type": "nhà máy", "products": "áo", "tier": "1"},
        {"tax_code": "0100 233 488", "supplier_type": "nhà máy", "products": "áo", "tier": "1"},  # same code
        {"tax_code": "0314409058-002", "supplier_type": "nhà máy", "products": "áo", "tier": "1"},  # a branch: own
        {"tax_code": "0314409058-003", "supplier_type": "nhà máy", "products": "áo", "tier": "1"},
        {"supplier_name": "Xưởng Ba", "tax_code": "", "province": "Bình Dương", "supplier_type": "xưởng",
         "products": "áo", "tier": "2"},
        {"supplier_name": "xuong ba", "tax_code": "", "province": "TP HCM", "supplier_type": "xưởng",
         "products": "áo", "tier": "2"},  # same name, same (new) province, no code
        {"supplier_name": "Xưởng Ba", "tax_code": "", "province": "Hà Nội", "supplier_type": "xưởng",
         "products": "áo", "tier": "2"},  # same name elsewhere: another workshop
    ]
    result = run(rows)
    s = result.summary
    assert s.rows == 7 and s.suppliers == 5
    assert s.duplicates == [{"row": 2, "duplicate_of": 1, "key": "tax_code"},
                            {"row": 6, "duplicate_of": 5, "key": "name_province"}]
    assert sum(s.by_level.values()) == 5
    assert [e["duplicate_of"] for e in result.entries()] == [None, 1, None, None, None, 5, None]
    named = [a.ref for a in result.derived().actions]  # the duplicates add no remediation lines
    assert sorted(int(r) for ref in named for r in re.findall(r"\d+", ref.split(", tax code")[0])) == [1, 3, 4, 5, 7]


def test_old_province_names_are_mapped_and_shown():
    rows = [{"tax_code": "0100233488", "province": "Bình Dương", "supplier_type": "nhà máy", "products": "ốc vít",
             "tier": "1"},
            {"tax_code": "0100112437", "province": "Atlantis", "supplier_type": "nhà máy", "products": "ốc vít",
             "tier": "1"}]
    result = run(rows)
    e = result.entries()
    assert e[0]["province"] == "Hồ Chí Minh" and e[0]["province_former"] == "Bình Dương"
    assert result.summary.provinces_mapped == [{"from": "Bình Dương", "to": "Hồ Chí Minh", "rows": 1}]
    assert result.summary.provinces_unknown == [2]
    assert any(p["row"] == 2 and p["column"] == "province" for p in result.problems)


NASTY = 'a"q\\b\x01Đồng\x1fKỵ'  # quotes, backslashes, control characters, Vietnamese


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_cli_json_escapes_what_the_list_holds(lang):
    """Free text from the list reaches the JSON in an invalid tax code, a certificate id and an unknown province
    (messages): each comes back exactly through a JSON parser, control characters escaped, not blanked."""
    from accreditation.suppliers import result_json

    rows = [{"supplier_name": NASTY, "tax_code": NASTY, "province": NASTY, "supplier_type": "nhà máy",
             "products": "áo", "tier": "1", "certificate_id": NASTY},
            {"tax_code": "0100233488", "supplier_type": "nhà máy", "products": "ốc vít", "tier": "1"}]
    result = run(rows, certificate_status=None)
    text = result_json(result, lang)
    doc = json.loads(text)
    first = doc["suppliers"][0]
    assert first["tax_code"] == NASTY and first["certificate"] == {"id": NASTY, "status": "unchecked",
                                                                   "lowered": False}
    assert first["tax_code_kind"] == "invalid" and first["province"] is None
    assert any(NASTY in p["message"] for p in doc["problems"] if p["column"] == "province")
    assert "\\u0001" in text and "\\u001f" in text and "\x01" not in text  # escaped, not blanked
    assert "Đồng" in text  # UTF-8, not \\u escapes
    assert doc["suppliers"][1]["tax_code"] == "0100233488" and len(doc["suppliers"]) == 2
    assert doc["suppliers"] == json.loads(json.dumps(result.entries(lang, texts=False)))  # what the API gives
    assert NASTY not in [e.get("supplier_name") for e in doc["suppliers"]]  # names are never copied


@pytest.mark.parametrize("per_write", [1, 2, 2_000])
def test_a_json_line_per_supplier_and_per_problem(per_write, monkeypatch):
    from accreditation import suppliers

    monkeypatch.setattr(suppliers, "LINES_PER_WRITE", per_write)  # lines are written in slices
    rows = [{"tax_code": "0100233480", "supplier_type": "x", "products": "a\nb", "tier": "1"},
            {"tax_code": "0100233488", "supplier_type": "nhà máy", "products": "ốc vít", "tier": "1"},
            {"tax_code": "0100112437", "supplier_type": "hộ kinh doanh", "products": "áo", "tier": "2"}]
    result = run(rows)
    text = suppliers.result_json(result, "en")
    assert json.loads(text)["suppliers"] == json.loads(json.dumps(result.entries("en", texts=False)))
    lines = text.splitlines()
    listed = lines[lines.index('  "suppliers": [') + 1:-2]
    assert [json.loads(line.rstrip(","))["row"] for line in listed] == [1, 2, 3]
    problems = lines[lines.index('  "problems": [') + 1:lines.index('  "problems": [') + 3]
    assert all(json.loads(line.rstrip(","))["row"] == 1 for line in problems)


# --- company level ------------------------------------------------------------------------------------------

def supplier(level_kind: str, **kw) -> dict[str, str]:
    base = {"low": {"supplier_type": "nhà máy", "products": "ốc vít"},
            "high": {"supplier_type": "nhà máy", "products": "áo sơ mi"},
            "critical": {"supplier_type": "hộ kinh doanh", "products": "thêu áo"}}[level_kind]
    return {"tax_code": "", "tier": "1", **base, **kw}


def codes(rows):
    valid = ["0100233488", "0100112437", "0100047516", "0100109106", "0314409058", "0312687878", "2000102580"]
    for r, c in zip(rows, valid):
        r.setdefault("tax_code", c)
        if not r["tax_code"]:
            r["tax_code"] = c
    return rows


@pytest.mark.parametrize("rows,expected", [
    # SC-01 mapping: beyond tier 1 and >= 90% complete -> yes; only tier 1 -> partly
    ([supplier("low"), supplier("low", tier="2")], {"suppliers.mapping": "yes"}),
    ([supplier("low"), supplier("low")], {"suppliers.mapping": "partly"}),
    ([supplier("low", tier="2"), supplier("low", province="")], {"suppliers.mapping": "partly"}),  # 50% complete
    # SC-02 code of conduct: all / some / none
    ([supplier("low", coc="có"), supplier("low", coc="có")], {"suppliers.code_of_conduct": "yes"}),
    ([supplier("low", coc="có"), supplier("low")], {"suppliers.code_of_conduct": "partly"}),
    ([supplier("low"), supplier("low", coc="không")], {"suppliers.code_of_conduct": "no"}),
    # SC-03 / SC-04 over high and critical suppliers only; none -> na
    ([supplier("low"), supplier("low")], {"suppliers.age_verification": "na", "suppliers.audit": "na"}),
    ([supplier("high", age="có", audit="01/01/2026"), supplier("low")],
     {"suppliers.age_verification": "yes", "suppliers.audit": "yes"}),
    ([supplier("high", age="có", audit="01/01/2025"), supplier("critical")],
     {"suppliers.age_verification": "partly", "suppliers.audit": "no"}),  # audit older than 12 months
    ([supplier("high", audit="30/06/2025"), supplier("high", audit="01/07/2025")],
     {"suppliers.audit": "partly"}),  # 12 months back to the day
    ([supplier("high", audit="01/07/2026")], {"suppliers.audit": "no"}),  # after the as-of date
    # PRO-03 informal units
    ([supplier("critical")], {"suppliers.uses_informal": "yes"}),
    ([supplier("low")], {"suppliers.uses_informal": "no"}),
])
def test_derived_answers(rows, expected):
    values = run(codes(rows)).summary.derived
    for key, value in expected.items():
        assert values[key] == value, key


def test_focus_share_without_spend_data():
    rows = codes([supplier("high", age="có", audit="01/03/2026"), supplier("high", age="có"), supplier("critical"),
                  supplier("low")])
    f = run(rows).summary.focus
    assert not f.spend_data and f.spend_critical == 0 and f.high_risk == 3 and f.suppliers == 3
    assert (f.without_age_verification.count, f.without_recent_audit.count) == (1, 2)
    assert f.without_age_verification_or_audit.count == 2 and f.without_age_verification_or_audit.share == 0.6667


def test_spend_critical_suppliers_make_up_80_percent_of_spend():
    rows = codes([supplier("low", spend="600"), supplier("low", spend="250", age="có", audit="01/01/2026"),
                  supplier("low", spend="100"), supplier("low", spend="50"), supplier("high", spend="0")])
    f = run(rows).summary.focus
    # 600 (60%) then 250 (85% reached): those two are spend-critical; plus the high-risk one
    assert f.spend_data and f.spend_critical == 2 and f.high_risk == 1 and f.suppliers == 3
    assert f.without_age_verification_or_audit.count == 2


def test_summary_counts():
    rows = codes([supplier("low"), supplier("high"), supplier("critical", workers="5"),
                  supplier("critical", tax_code="079123456789", workers="3")])
    s = run(rows).summary
    assert s.by_level == {"low": 1, "medium": 0, "high": 1, "critical": 2}
    assert s.tax_codes["personal_id"] == 1 and s.informal_units == 2 and s.workers_in_high_risk == 8
    assert s.listed_goods == {"garments": 3}


def test_derived_answers_feed_the_engine():
    rows = codes([supplier("critical", tier="2"), supplier("high", age="có", audit="01/01/2026", coc="có")])
    result = run(rows)
    d = result.derived()
    assert d.source == "suppliers"
    assert d.values == {"suppliers.mapping": "yes", "suppliers.code_of_conduct": "partly",
                        "suppliers.age_verification": "partly", "suppliers.audit": "partly",
                        "suppliers.uses_informal": "yes"}
    # the controlled garment factory is low residual: only the household is in the plan
    assert [a.priority for a in d.actions] == ["critical"]
    assert d.actions[0].ref == "row 1, tax code 0100233488" and d.actions[0].source == "suppliers"
    assert d.actions[0].finding.vi and d.actions[0].finding.en and d.actions[0].action.en
    res = assess(default_criteria(), {}, derived=[d])
    for ind, value in [("SC-01", "yes"), ("SC-02", "partly"), ("SC-03", "partly"), ("SC-04", "partly"),
                       ("PRO-03", "yes")]:
        got = res.indicator(ind)
        assert got.answer == value and got.source == "suppliers", ind
    assert sum(a.source == "suppliers" for a in res.remediation) == 1
    assert res.remediation[0].priority == "critical"


def test_no_high_risk_supplier_gives_not_applicable_in_the_engine():
    d = run(codes([supplier("low", tier="2", coc="có")])).derived()
    res = assess(default_criteria(), {}, derived=[d])
    assert res.indicator("SC-03").status == "na" and res.indicator("SC-04").status == "na"
    assert d.actions == []


def test_missing_optional_columns_count_as_blank():
    df = frame([supplier("high", tax_code="0100233488")])[["supplier_name", "tax_code", "province", "products",
                                                           "tier", "supplier_type"]]
    result = assess_suppliers(df, AS_OF, default_risk_data(), load_provinces())
    assert result.entries()[0]["level"] == "high"
    assert result.summary.derived["suppliers.code_of_conduct"] == "no"


def test_empty_frame():
    result = assess_suppliers(frame([]), AS_OF, default_risk_data(), load_provinces())
    assert result.summary.suppliers == 0 and result.entries() == []
    assert result.summary.derived["suppliers.mapping"] == "no"
    assert result.summary.derived["suppliers.age_verification"] == "na"


def test_problems_name_row_and_column():
    rows = [{"tax_code": "0100233480", "supplier_type": "x", "products": "a", "tier": "0", "audit": "01/01/2027"}]
    probs = run(rows).problems
    assert {(p["row"], p["column"]) for p in probs} == {(1, "tax_code"), (1, "supplier_type"), (1, "tier"),
                                                        (1, "last_audit_date")}
    assert all(p["vi"] and p["en"] for p in probs)


# --- the data files ----------------------------------------------------------------------------------------

def test_shipped_risk_data_is_consistent():
    data = default_risk_data()
    goods = {g.id: g for g in data.goods}
    assert len([g for g in data.goods if g.edition == "2024" and g.id != "cotton_downstream"]) == 16  # 16 + 1
    assert {g for g, v in goods.items() if v.fl} == {"garments", "cotton_downstream"}
    assert goods["garments"].level == "high"
    assert all(r.sources for r in data.reasons)
    assert data.types["household_business"]["level"] == "high" and data.types["home_worker"]["level"] == "high"


def test_a_broken_data_file_names_file_row_and_column(tmp_path):
    import shutil

    from criteria.paths import risk_dir

    for f in risk_dir().glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    p = tmp_path / "supplier_types.csv"
    p.write_text(p.read_text("utf-8").replace(",high,", ",severe,", 1), "utf-8")
    g = tmp_path / "usdol_goods.csv"
    g.write_text(g.read_text("utf-8").replace("usdol-tvpra|", "nowhere|", 1), "utf-8")
    with pytest.raises(CriteriaLoadError) as err:
        load_risk_data(tmp_path)
    messages = err.value.messages("en")  # both files' problems at once
    assert any(m.startswith("[risk/supplier_types.csv, row 4, column `level`] `severe` is not valid") for m in messages)
    assert any(m.startswith("[risk/usdol_goods.csv, row 2, column `source`] `nowhere` is not defined") for m in messages)


def test_remediation_actions_are_one_per_level_and_set_of_actions_naming_their_rows():
    rows = codes([supplier("high") for _ in range(7)]) + [supplier("high", tax_code="", supplier_name=f"Xưởng {i}")
                                                          for i in range(30)]
    result = run(rows)
    actions = result.derived().actions
    assert len(actions) < 5  # not one per supplier: 37 suppliers
    many = max(actions, key=lambda a: len(a.ref))  # the 30 without a tax code share their actions
    assert many.ref.startswith("rows ") and many.ref.endswith(" more") and "(" in many.finding.vi
    named = {int(r) for a in actions for r in re.findall(r"\d+", a.ref.split(" and ")[0].split(", tax")[0])}
    more = sum(int(m) for a in actions for m in re.findall(r"and (\d+) more", a.ref))
    assert len(named) + more == 37


@pytest.mark.parametrize("as_of, kind", [(date(2026, 6, 30), "personal_id"), (date(2025, 6, 30), "invalid")])
def test_a_personal_number_is_judged_on_the_check_date_not_today(as_of, kind):
    """079 2 26 …: born in 2026, a possible holder on a 2026 check, not yet born on a 2025 one."""
    rows = [{"tax_code": "079226123456", "supplier_type": "household_business"}]
    result = assess_suppliers(frame(rows), as_of, default_risk_data(), load_provinces())
    assert result.records()[0]["tax_code_kind"] == kind
