"""The scheme overview page in the app (AppTest), as the administrator and as an authority: it renders without an
error, the authority reads the suppression note and sees small figures as "ẩn", never a company's name; filters
narrow the figures. And an association's portfolio page lists the member that shared with it."""

from __future__ import annotations

from apptest import data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, sharing
from accreditation.store.db import open_db
from accreditation.ui.app import allowed_pages
from test_portfolio import company, submitted

NAMES = ("Công ty May Bến Thành", "Hộ Thêu Văn Lâm")


def seed(data_dir, garment: int = 6, household: int = 2):
    """After the app's first run (the demo accounts): `garment` companies in Ho Chi Minh City with strong answers,
    `household` embroidery households in Hưng Yên with failing ones (a knock-out)."""
    sign_in("admin@demo.vn")
    db = open_db(data_dir / "accreditation.db")
    for i in range(garment):
        submitted(db, company(db, f"{NAMES[0]} {i}", province="TP. Hồ Chí Minh", sector="garment", size=120,
                              legal_form="enterprise"))
    for i in range(household):
        submitted(db, company(db, f"{NAMES[1]} {i}", province="Hưng Yên", sector="handicraft", size=4,
                              legal_form="household"), "failing")
    return db


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at, first_column: str):
    """The first table on the page whose first column is `first_column`, indexed by it."""
    found = next(df.value for df in at.dataframe if df.value.columns[0] == first_column)
    return found.set_index(first_column)


def test_the_administrator_sees_every_figure(data_dir):
    seed(data_dir)
    at = goto(sign_in("admin@demo.vn"), "scheme")
    assert not at.exception and not at.error
    assert at.title[0].value == "Toàn cảnh chương trình"
    shown = metrics(at)
    assert shown["Doanh nghiệp đã đánh giá"] == "8" and shown["Có vi phạm loại trừ"] == "2"
    assert "Góc nhìn quản trị viên: mọi số liệu đều hiển thị" in texts(at)
    assert table(at, "Tỉnh, thành phố").loc["Hưng Yên", "Doanh nghiệp"] == "2"
    assert [t.label for t in at.tabs][:3] == ["Doanh nghiệp", "Vi phạm loại trừ", "Chỉ tiêu"]


def test_an_authority_sees_small_figures_suppressed_and_no_company(data_dir):
    seed(data_dir)
    at = goto(sign_in("authority@demo.vn"), "scheme")
    assert not at.exception and not at.error
    assert "mọi số liệu đếm dưới 5 doanh nghiệp được hiển thị là \"ẩn\"" in texts(at)
    shown = metrics(at)
    assert shown["Doanh nghiệp đã đánh giá"] == "8"
    assert shown["Có vi phạm loại trừ"] == "ẩn"  # 2 companies
    by_province = table(at, "Tỉnh, thành phố")
    assert by_province.loc["Hưng Yên", "Doanh nghiệp"] == "ẩn"
    assert by_province.loc["Hồ Chí Minh", "Doanh nghiệp"] == "ẩn"  # 8 - 6 would give Hưng Yên's 2 back
    assert by_province.loc["Tổng", "Doanh nghiệp"] == "8"
    everything = texts(at) + " ".join(df.value.to_csv() for df in at.dataframe)
    assert not [n for n in NAMES if n in everything]


def test_filters_narrow_the_figures(data_dir):
    seed(data_dir)
    at = goto(sign_in("admin@demo.vn"), "scheme")
    at.multiselect(key="sc_sector").set_value(["handicraft"]).run()
    assert not at.exception
    assert metrics(at)["Doanh nghiệp đã đánh giá"] == "2"
    at.multiselect(key="sc_sector").set_value([]).run()
    at.multiselect(key="sc_province").set_value(["Hồ Chí Minh"]).run()
    assert metrics(at)["Doanh nghiệp đã đánh giá"] == "6" and metrics(at)["Có vi phạm loại trừ"] == "0"


def test_a_provincial_authority_has_its_province_only(data_dir):
    db = seed(data_dir)
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="authority", name="Sở Nội vụ Hưng Yên",
                                       province="Hưng Yên")
    accounts.create_user(db, actor=accounts.SYSTEM, email="so@hungyen.gov.vn", password="long-enough",
                         role="authority", organisation_id=org)
    at = goto(sign_in("so@hungyen.gov.vn", "long-enough"), "scheme")
    assert not at.exception
    assert "Chỉ số liệu của Hưng Yên" in texts(at)
    assert metrics(at)["Doanh nghiệp đã đánh giá"] == "ẩn"  # two households: too few to show at all


def test_the_page_is_for_the_administrator_and_authorities_only():
    class Who:
        lead = False
        organisation_id = 1

        def __init__(self, role):
            self.role = role

    for role, expected in (("admin", True), ("authority", True), ("sme", False), ("brand", False),
                           ("association", False), ("assessor", False)):
        assert ("scheme" in [p.file for p in allowed_pages(Who(role))]) is expected, role


def test_an_association_sees_its_sharing_member_in_its_portfolio(data_dir):
    db = seed(data_dir, garment=0, household=0)
    member = company(db, "Công ty Dệt Hội Viên", province="Nam Định", sector="garment")
    submitted(db, member)
    sharing.share(db, member, member.organisation_id, invite_code="ASSOC-DEMO")
    outsider = company(db, "Công ty Dệt Ngoài Hội")
    submitted(db, outsider)
    at = goto(sign_in("association@demo.vn"), "portfolio")
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert table["Doanh nghiệp"].tolist() == ["Công ty Dệt Hội Viên"]
    assert "Công ty Dệt Ngoài Hội" not in texts(at)
