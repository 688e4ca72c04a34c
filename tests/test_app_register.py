"""The register of awardees in the app (AppTest): anyone, signed out, opens it, searches and filters; the company
agrees on its sharing page and appears (and leaves when it withdraws); the administrator opens and publishes a round
that the public page then shows; who reaches which page; refusals as messages, not tracebacks."""

from __future__ import annotations

from apptest import PAGES, app, data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, register
from accreditation.store.db import open_db
from accreditation.ui.app import allowed_pages
from test_register import company, certify, listed_company


def database(data_dir):
    return open_db(data_dir / "accreditation.db")


def public_register(query: dict | None = None):
    """The register page as someone who is not signed in opens it (its URL, /awardees)."""
    return app(query).switch_page(f"{PAGES}/register.py").run()


def button(at, label):
    return next(b for b in at.button if b.label == label)


def three_companies(db) -> None:
    listed_company(db, "Công ty TNHH May mặc Thuận An Xanh 2", "champion", sector="garment",
                   province="TP. Hồ Chí Minh")
    listed_company(db, "Xưởng Gỗ Mỹ nghệ Đồng Kỵ 2", "pioneer", sector="wood", province="Bắc Ninh")
    certify(db, company(db, "Công ty Chưa Đồng Ý"))  # verified, never agreed
    statement = company(db, "Công ty Chỉ Tự Đánh Giá")
    certify(db, statement, verified=False)
    register.set_listed(db, statement, statement.organisation_id, True)


def test_someone_signed_out_opens_the_register_searches_and_filters(data_dir):
    app()  # first run: the database and the demo accounts
    three_companies(database(data_dir))
    at = public_register()
    assert not at.exception and at.title[0].value == "Danh sách doanh nghiệp đạt giải"
    table = at.dataframe[0].value
    assert table["Doanh nghiệp"].tolist() == ["Công ty TNHH May mặc Thuận An Xanh 2", "Xưởng Gỗ Mỹ nghệ Đồng Kỵ 2"]
    assert table["Hạng"].tolist() == ["Điển hình", "Tiên phong"]
    assert table["Tỉnh, thành phố"].tolist() == ["Hồ Chí Minh", "Bắc Ninh"]
    assert "Công ty Chưa Đồng Ý" not in texts(at) and "2 trên 2 doanh nghiệp." in texts(at)

    at.multiselect(key="reg_tier").set_value(["pioneer"]).run()
    assert at.dataframe[0].value["Doanh nghiệp"].tolist() == ["Xưởng Gỗ Mỹ nghệ Đồng Kỵ 2"]
    assert "1 trên 2 doanh nghiệp." in texts(at)
    at.multiselect(key="reg_tier").set_value([]).run()
    at.text_input(key="reg_search").input("thuan an").run()  # without accents
    assert at.dataframe[0].value["Doanh nghiệp"].tolist() == ["Công ty TNHH May mặc Thuận An Xanh 2"]
    at.multiselect(key="reg_province").set_value(["Bắc Ninh"]).run()
    assert not at.dataframe and "Không có doanh nghiệp nào khớp với tìm kiếm và bộ lọc." in texts(at)
    assert not at.exception and not at.error
    # the CSV's bytes are tested in test_register.py; here the button is there and clicks without error
    at.text_input(key="reg_search").input("").run()
    at.multiselect(key="reg_province").set_value([]).run()
    assert [b.label for b in at.get("download_button")] == ["Tải CSV"]


def test_the_register_in_english_and_empty(data_dir):
    at = public_register({"lang": "en"})
    assert not at.exception and at.title[0].value == "Register of awardees"
    assert "No company is listed yet." in texts(at) and not at.dataframe


def test_the_company_agrees_on_its_sharing_page_and_appears_then_withdraws(data_dir):
    from accreditation import review
    from criteria.datafiles import default_criteria
    from seed import review_everything, submitted_assessment

    db, sme, v1 = submitted_assessment(data_dir, checked=True)
    review_everything(db, accounts.user_for_email(db, "assessor@demo.vn"), v1["id"], default_criteria())
    review.approve(db, accounts.user_for_email(db, "assessor@demo.vn"), v1["id"], default_criteria())

    at = goto(sign_in("sme@demo.vn"), "sharing")
    assert not at.exception
    page = texts(at)
    assert "Chia sẻ với một nhãn hàng hoặc hiệp hội" in page  # associations receive shares too
    assert "Danh sách công khai doanh nghiệp đạt giải" in page and "Không hiện mã số thuế, điểm" in page
    assert "Nếu đồng ý, doanh nghiệp sẽ hiện ngay: hạng Điển hình" in page
    assert at.toggle(key="listing_toggle").value is False

    at.toggle(key="listing_toggle").set_value(True).run()
    assert not at.exception and at.toggle(key="listing_toggle").value is True
    assert "Doanh nghiệp đã đồng ý hiện trong danh sách công khai." in texts(at)
    assert "Đang hiện trong danh sách công khai: hạng Điển hình" in texts(at)
    assert public_register().dataframe[0].value["Doanh nghiệp"].tolist() == ["Công ty TNHH May mặc Thuận An Xanh"]

    at.toggle(key="listing_toggle").set_value(False).run()
    assert "Đã gỡ doanh nghiệp khỏi danh sách công khai." in texts(at)
    assert not register.is_listed(db, sme.organisation_id)
    assert "Chưa có doanh nghiệp nào trong danh sách." in texts(public_register())


def test_a_company_with_a_self_assessment_only_is_told_it_is_not_shown_yet(data_dir):
    from seed import submitted_assessment

    submitted_assessment(data_dir)  # a statement, not verified
    at = goto(sign_in("sme@demo.vn"), "sharing")
    at.toggle(key="listing_toggle").set_value(True).run()
    assert "Chưa hiện: văn bản hiện tại là bản tự đánh giá, chưa được thẩm định." in texts(at)
    assert not at.exception and "Chưa có doanh nghiệp nào trong danh sách." in texts(public_register())


def test_the_administrator_opens_and_publishes_a_round_that_the_public_page_shows(data_dir):
    sign_in("admin@demo.vn")
    db = database(data_dir)
    three_companies(db)
    at = goto(sign_in("admin@demo.vn"), "awards")
    assert not at.exception and at.title[0].value == "Đợt xét giải thưởng" and "Chưa có đợt nào." in texts(at)
    at.text_input(key="round_name").input("Đợt 1 năm 2026").run()
    button(at, "Mở đợt").click().run()
    assert not at.exception and "Đã mở đợt Đợt 1 năm 2026." in texts(at)
    assert "Ứng viên nếu công bố hôm nay: 2 doanh nghiệp." in texts(at)
    [round_] = register.rounds(db)

    at.button(key=f"publish:{round_['id']}").click().run()  # publishing asks once more
    assert "Sau khi công bố, danh sách không thay đổi được." in texts(at)
    at.button(key=f"publish-yes:{round_['id']}").click().run()
    assert not at.exception and "Đã công bố Đợt 1 năm 2026: 2 doanh nghiệp." in texts(at)
    assert register.get_round(db, round_["id"])["status"] == "published"
    assert f"publish:{round_['id']}" not in [b.key for b in at.button]

    public = public_register()
    assert "Đợt 1 năm 2026: các doanh nghiệp Tiên phong và Điển hình" in texts(public)
    assert public.dataframe[1].value["Doanh nghiệp"].tolist() == ["Công ty TNHH May mặc Thuận An Xanh 2",
                                                                  "Xưởng Gỗ Mỹ nghệ Đồng Kỵ 2"]


def test_a_round_without_a_name_gives_a_message_not_a_traceback(data_dir):
    at = goto(sign_in("admin@demo.vn"), "awards")
    button(at, "Mở đợt").click().run()
    assert "Hãy đặt tên cho đợt xét giải thưởng" in texts(at) and not at.exception
    assert "Chưa có đợt nào." in texts(at)


def test_the_administrator_deletes_a_mistyped_round_after_a_confirmation(data_dir):
    at = goto(sign_in("admin@demo.vn"), "awards")
    at.text_input(key="round_name").input("Đợt 1 năm 2062").run()
    button(at, "Mở đợt").click().run()
    [round_] = register.rounds(database(data_dir))
    assert at.button(key=f"publish:{round_['id']}").disabled  # nobody to publish yet
    at.button(key=f"cancel:{round_['id']}").click().run()
    assert "Xoá đợt Đợt 1 năm 2062? Đợt chưa công bố nên không có gì công khai bị mất." in texts(at)
    at.button(key=f"cancel-yes:{round_['id']}").click().run()
    assert "Đã xoá đợt Đợt 1 năm 2062." in texts(at) and "Chưa có đợt nào." in texts(at) and not at.exception
    assert register.rounds(database(data_dir)) == []


def test_who_reaches_the_register_and_the_award_rounds():
    def urls(actor):
        return {p.url for p in allowed_pages(actor)}

    assert "awardees" in urls(None) and "award-rounds" not in urls(None)
    for role in ("sme", "assessor", "brand", "authority", "association"):
        actor = accounts.Actor(id=1, email="x", name="x", role=role, organisation_id=1)
        assert "awardees" in urls(actor) and "award-rounds" not in urls(actor), role
    assert {"awardees", "award-rounds"} <= urls(accounts.Actor(id=1, email="x", name="x", role="admin",
                                                                organisation_id=1))


def test_the_sharing_page_in_english_names_brands_and_associations_and_the_register(data_dir):
    at = sign_in("sme@demo.vn")
    at.segmented_control(key="lang_switch").set_value("en").run()
    at = goto(at, "sharing")
    page = texts(at)
    assert not at.exception and "Share with a brand or association" in page
    assert "Public register of awardees" in page and "It never shows the tax code" in page
    labels = {s.label: s for s in at.selectbox}
    shown = [labels["Brand or association"].format_func(o) for o in labels["Brand or association"].options]
    assert "Demo Apparel Brand Ltd. (brand)" in shown and "Hiệp hội Dệt May (demo) (association)" in shown
    at.toggle(key="listing_toggle").set_value(True).run()
    assert "Not shown yet: the company has no verified certificate." in texts(at)
