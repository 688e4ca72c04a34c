"""Provinces after Resolution 202/2025/QH15: 34 current units, every one of the 29 absorbed pre-2025 names mapped
to its new unit, and the spellings offices use."""

import pandas as pd
import pytest

from criteria.provinces import load_provinces, match_province
from criteria.provinces import place_key

# Every merged old province -> its new unit (docs/risk-sources.md §4, merged units table).
MERGED = {
    "Hà Giang": "Tuyên Quang", "Yên Bái": "Lào Cai", "Bắc Kạn": "Thái Nguyên", "Vĩnh Phúc": "Phú Thọ",
    "Hòa Bình": "Phú Thọ", "Bắc Giang": "Bắc Ninh", "Thái Bình": "Hưng Yên", "Hải Dương": "Hải Phòng",
    "Hà Nam": "Ninh Bình", "Nam Định": "Ninh Bình", "Quảng Bình": "Quảng Trị", "Quảng Nam": "Đà Nẵng",
    "Kon Tum": "Quảng Ngãi", "Bình Định": "Gia Lai", "Ninh Thuận": "Khánh Hòa", "Đắk Nông": "Lâm Đồng",
    "Bình Thuận": "Lâm Đồng", "Phú Yên": "Đắk Lắk", "Bình Dương": "Hồ Chí Minh", "Bà Rịa–Vũng Tàu": "Hồ Chí Minh",
    "Bình Phước": "Đồng Nai", "Long An": "Tây Ninh", "Sóc Trăng": "Cần Thơ", "Hậu Giang": "Cần Thơ",
    "Bến Tre": "Vĩnh Long", "Trà Vinh": "Vĩnh Long", "Tiền Giang": "Đồng Tháp", "Bạc Liêu": "Cà Mau",
    "Kiên Giang": "An Giang",
}
CITIES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
NOT_MERGED = {"Hà Nội", "Huế", "Cao Bằng", "Điện Biên", "Hà Tĩnh", "Lai Châu", "Lạng Sơn", "Nghệ An", "Quảng Ninh",
              "Thanh Hóa", "Sơn La"}


def test_34_units_6_cities_28_provinces():
    table = load_provinces()
    current = table.current
    assert len(current) == 34
    assert {p.name for p in current if p.type == "city"} == CITIES
    assert sum(p.type == "province" for p in current) == 28
    assert len(table.former) == 29 and len(current) + len(table.former) == 63
    assert NOT_MERGED <= {p.name for p in current}
    assert set(MERGED.values()) | NOT_MERGED == {p.name for p in current}  # 23 merged + 11 not merged


@pytest.mark.parametrize("old,new", sorted(MERGED.items()))
def test_every_merged_province_maps_to_its_new_unit(old, new):
    m = match_province(old)
    assert m is not None and m.name == new and m.former is not None and m.former.name == old
    vi, en = m.note()
    assert old in vi and "01/7/2025" in vi and "1 Jul 2025" in en
    # the same without accents, in capitals, with a prefix
    assert match_province(place_key(old)).name == new
    assert match_province("Tỉnh " + old.upper()).name == new


@pytest.mark.parametrize("text", ["TP HCM", "TP. Hồ Chí Minh", "Hồ Chí Minh", "Thành phố Hồ Chí Minh", "HCM",
                                  "tphcm", "TP.HCM", "ho chi minh city", "Sài Gòn", "THÀNH PHỐ HỒ CHÍ MINH"])
def test_ho_chi_minh_city_spellings(text):
    m = match_province(text)
    assert m is not None and m.name == "Hồ Chí Minh" and m.former is None


@pytest.mark.parametrize("text,name", [
    ("Hoà Bình", "Phú Thọ"), ("Thanh Hoá", "Thanh Hóa"), ("Khánh Hoà", "Khánh Hòa"), ("Daklak", "Đắk Lắk"),
    ("Đắc Lắc", "Đắk Lắk"), ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"), ("BR-VT", "Hồ Chí Minh"), ("Ha Noi", "Hà Nội"),
    ("Thừa Thiên Huế", "Huế"), ("  cần   thơ ", "Cần Thơ"), ("Tỉnh Long An", "Tây Ninh"),
])
def test_spellings(text, name):
    assert match_province(text).name == name


@pytest.mark.parametrize("text", ["", None, "Paris", "Hà", "Bình"])
def test_unknown(text):
    assert match_province(text) is None


def test_no_two_names_fold_to_the_same_key():
    # the table refuses to load if an alias names two units; the real one loads
    table = load_provinces()
    assert len({place_key(p.name) for p in table.units.values()}) == 63


def test_series_matches_like_the_scalar():
    values = ["TP HCM", "Bình Dương", None, "", "Paris", "Hoà Bình", "Nghệ An"]
    frame = load_provinces().match_series(pd.Series(values, dtype=object))
    assert frame["province"].tolist()[:2] == ["Hồ Chí Minh", "Hồ Chí Minh"]
    assert frame["former"].iloc[1] == "Bình Dương" and pd.isna(frame["former"].iloc[0])
    assert frame["blank"].tolist() == [False, False, True, True, False, False, False]
    assert pd.isna(frame["province"].iloc[4])
    assert frame["province"].iloc[5] == "Phú Thọ" and frame["province"].iloc[6] == "Nghệ An"


# --------------------------------------------------------------------- provincial agencies (law/agencies.csv)

def test_every_current_province_has_its_labour_and_child_protection_agency():
    from datetime import date

    from criteria.provinces import agencies_for, load_agencies

    table = load_agencies()
    assert set(table) == {p.name for p in load_provinces().current}
    hcm = agencies_for("Bình Dương", date(2026, 12, 1))  # a former name finds the unit it was merged into
    assert hcm.labour == ("Sở Nội vụ thành phố Hồ Chí Minh", "Department of Home Affairs of Ho Chi Minh City")
    assert hcm.child[0] == "Sở Y tế thành phố Hồ Chí Minh"
    assert agencies_for("Cao Bằng", date(2026, 1, 1)).labour[0] == "Sở Nội vụ tỉnh Cao Bằng"
    assert "45/2025/NĐ-CP" in hcm.legal_basis[0] and "283/2026/NĐ-CP" in hcm.legal_basis[1]
    # before the 34 units existed, and for a name that is no province: none on file (the letter uses the Labour
    # Code's neutral wording)
    assert agencies_for("Hà Nội", date(2025, 6, 30)) is None and agencies_for("Paris", date(2026, 1, 1)) is None


@pytest.mark.parametrize("old,new,column,message", [
    ("Cao Bằng,Sở Nội vụ", "Cao Bang Town,Sở Nội vụ", "province", "is not defined in provinces.csv"),
    (",2025-07-01,", ",1/7/2025,", "effective_from", "is not a date"),
])
def test_a_broken_agencies_file_is_reported_with_row_and_column(tmp_path, old, new, column, message):
    from criteria.errors import CriteriaLoadError
    from criteria.paths import PACKAGE_DIR
    from criteria.provinces import read_agencies

    text = (PACKAGE_DIR / "law" / "agencies.csv").read_text("utf-8")
    assert old in text
    path = tmp_path / "agencies.csv"
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(CriteriaLoadError) as err:
        read_agencies(path)
    issue = err.value.issues[0]
    assert issue.file == "law/agencies.csv" and issue.column == column and message in issue.message("en")
    if column == "province":  # the renamed province is missing too
        assert "Cao Bằng" in err.value.issues[-1].message("en")


def test_criteria_validate_reports_a_broken_agencies_file(tmp_path, monkeypatch):
    import shutil

    from criteria.datafiles import check_data_files
    from criteria.paths import PACKAGE_DIR

    for name in ("award", "law", "risk", "columns"):
        shutil.copytree(PACKAGE_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for name in ("provinces.csv", "derivations.csv"):
        shutil.copy(PACKAGE_DIR / name, tmp_path / name)
    path = tmp_path / "law" / "agencies.csv"
    path.write_text("\n".join(line for line in path.read_text("utf-8").splitlines()
                              if not line.startswith("Huế,")) + "\n", "utf-8")
    monkeypatch.setenv("ACCREDITATION_CRITERIA_DIR", str(tmp_path))
    _, issues = check_data_files()
    assert [(i.file, i.column) for i in issues] == [("law/agencies.csv", "province")]
    assert "Huế" in issues[0].message("en") and "thiếu dòng" in issues[0].message("vi")
