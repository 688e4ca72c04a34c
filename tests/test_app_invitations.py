"""Invitations in the app (AppTest): the brand uploads a list and sends; a supplier registers through the link
without signing in, or accepts signed in, or declines; bad links and refusals are messages, never tracebacks."""

from __future__ import annotations

import pytest

from apptest import app, data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, invitations, sharing
from accreditation.store.db import open_db
from accreditation.ui.app import allowed_pages

HEAD = "Tên nhà cung cấp / Supplier name,Mã số thuế / Tax code,E-mail / E-mail\n"
LIST = (HEAD + "Công ty Dệt Minh Phát,0100233488,nhansu@minhphat.vn\n"
        "Xưởng Gỗ An Bình,0100112437,hr@anbinh.vn\nCông ty Bao bì Sao Mai,0100109106,lan@saomai.vn\n"
        "Sai Mã,0100233489,x@y.vn\n").encode()


def button(at, label):
    return next(b for b in at.button if b.label == label)


def send_list(at, data=LIST):
    at.file_uploader[0].upload("nha_cung_cap.csv", data, "text/csv").run()
    assert not at.exception
    return button(at, "Gửi lời mời").click().run()


def links(at) -> list[str]:
    return [c.value for c in at.code]


def token(link: str) -> str:
    return link.split(f"{invitations.PARAM}=", 1)[1]


def test_the_brand_uploads_a_list_and_sees_one_link_per_supplier_and_each_state(data_dir):
    at = goto(sign_in("brand@demo.vn"), "invite")
    assert at.title[0].value == "Mời nhà cung cấp" and not at.exception
    assert "Chưa mời nhà cung cấp nào." in texts(at)
    at.file_uploader[0].upload("nha_cung_cap.csv", LIST, "text/csv").run()
    said = texts(at)
    assert "nha_cung_cap.csv, dòng 4, cột Mã số thuế: mã số thuế 0100233489 không hợp lệ" in said  # file, row, column
    assert "3 nhà cung cấp sẵn sàng để mời." in said
    at = button(at, "Gửi lời mời").click().run()
    assert not at.exception and "Đã mời 3 nhà cung cấp." in texts(at)
    assert len(links(at)) == 3 and all(f"/accept-invitation?{invitations.PARAM}=" in link for link in links(at))
    assert "E-mail đang tắt" in texts(at)
    table = at.dataframe[0].value
    assert table["Trạng thái"].tolist() == ["Đã mời"] * 3
    assert set(table["Mã số thuế"]) == {"0100233488", "0100112437", "0100109106"}

    # the same list again: nobody is invited twice
    at = send_list(at)
    assert "Đã mời 0 nhà cung cấp." in texts(at) and "Bỏ qua 3 nhà cung cấp đã được mời trước đó." in texts(at)


def test_a_supplier_registers_through_the_link_and_the_brand_sees_it_registered(data_dir):
    sent = links(send_list(goto(sign_in("brand@demo.vn"), "invite")))
    visitor = app({invitations.PARAM: token(sent[0])})
    visitor = goto(visitor, "invite_accept")
    visitor.query_params[invitations.PARAM] = token(sent[0])
    visitor.run()
    assert not visitor.exception and "Demo Apparel Brand Ltd." in texts(visitor)
    assert visitor.text_input(key="invite_tax").value == "0100233488"
    visitor.text_input(key="invite_user_name").input("Phạm Thu")
    visitor.text_input(key="invite_password").input("mat-khau-1")
    visitor.text_input(key="invite_password2").input("mat-khau-1")
    visitor = button(visitor, "Đăng ký và nhận lời mời").click().run()
    assert not visitor.exception and not visitor.error
    assert "Đã đăng ký và nhận lời mời." in texts(visitor)
    db = open_db(data_dir / "accreditation.db")
    user = accounts.user_for_email(db, "nhansu@minhphat.vn")
    assert user is not None and user.role == "sme"
    assert db["organisations"].get(user.organisation_id)["tax_code"] == "0100233488"
    brand = accounts.user_for_email(db, "brand@demo.vn")
    assert sharing.shared_companies(db, brand.organisation_id) == [user.organisation_id]

    at = goto(sign_in("brand@demo.vn"), "invite")
    states = dict(zip(at.dataframe[0].value["Mã số thuế"], at.dataframe[0].value["Trạng thái"]))
    assert states == {"0100233488": "Đã đăng ký", "0100112437": "Đã mời", "0100109106": "Đã mời"}

    # the spent link says so, without a traceback
    again = app({invitations.PARAM: token(sent[0])})
    again = goto(again, "invite_accept")
    again.query_params[invitations.PARAM] = token(sent[0])
    again.run()
    assert not again.exception and "Lời mời này đã được dùng" in texts(again)


@pytest.mark.parametrize("bad", ["x", "A" * 43, "A" * 5000, "<script>" * 6, "' OR 1=1 --" * 5])
def test_a_hostile_or_unknown_token_is_one_message(data_dir, bad):
    at = app()
    at = goto(at, "invite_accept")
    at.query_params[invitations.PARAM] = bad
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Liên kết mời không hợp lệ. Hãy kiểm tra lại liên kết hoặc xin khách hàng gửi liên kết mới."]


def test_a_registered_company_accepts_signed_in_by_pasting_the_link(data_dir):
    sign_in("sme@demo.vn")
    db = open_db(data_dir / "accreditation.db")
    sme = accounts.user_for_email(db, "sme@demo.vn")
    own_tax = db["organisations"].get(sme.organisation_id)["tax_code"]
    data = (HEAD + f"Thuận An Xanh,{own_tax},sme@demo.vn\n").encode()
    sent = links(send_list(goto(sign_in("brand@demo.vn"), "invite"), data))
    at = goto(sign_in("sme@demo.vn"), "invite_accept")
    at.text_input(key="invite_code").input(sent[0])
    at = button(at, "Mở lời mời").click().run()
    assert not at.error, [e.value for e in at.error]
    at = button(at, "Nhận lời mời và chia sẻ kết quả").click().run()
    assert not at.exception and "Đã nhận lời mời." in texts(at)
    brand = accounts.user_for_email(db, "brand@demo.vn")
    assert sme.organisation_id in sharing.shared_companies(db, brand.organisation_id)


def test_a_supplier_declines_and_the_brand_reminds_the_others_once(data_dir):
    at = send_list(goto(sign_in("brand@demo.vn"), "invite"))
    sent = links(at)
    visitor = goto(app(), "invite_accept")
    visitor.query_params[invitations.PARAM] = token(sent[1])
    visitor.run()
    visitor = button(visitor, "Từ chối lời mời").click().run()
    visitor = button(visitor, "Có, từ chối").click().run()
    assert not visitor.exception and "Đã từ chối lời mời." in texts(visitor)

    at = goto(sign_in("brand@demo.vn"), "invite")
    states = dict(zip(at.dataframe[0].value["Mã số thuế"], at.dataframe[0].value["Trạng thái"]))
    assert states["0100112437"] == "Đã từ chối"
    ids = at.selectbox(key="invite_remind_id").options
    assert len(ids) == 2  # a declined supplier is not reminded
    at.selectbox(key="invite_remind_id").select_index(0).run()
    at = button(at, "Gửi lời nhắc").click().run()
    assert not at.exception and "Đã tạo liên kết mới cho" in texts(at) and len(links(at)) == 1
    at = button(at, "Gửi lời nhắc").click().run()
    assert "Mỗi nhà cung cấp chỉ được nhắc một lần trong 7 ngày" in texts(at)


def test_who_reaches_the_invitation_pages(data_dir):
    app()
    db = open_db(data_dir / "accreditation.db")
    urls = {e: [p.url for p in allowed_pages(accounts.user_for_email(db, e))]
            for e in ("sme@demo.vn", "brand@demo.vn", "assessor@demo.vn", "admin@demo.vn")}
    assert "invite-suppliers" in urls["brand@demo.vn"] and "invite-suppliers" in urls["sme@demo.vn"]
    assert "invite-suppliers" not in urls["assessor@demo.vn"] + urls["admin@demo.vn"]
    assert "accept-invitation" in [p.url for p in allowed_pages(None)]
    assert "accept-invitation" not in urls["brand@demo.vn"] + urls["assessor@demo.vn"]
    at = sign_in("assessor@demo.vn")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        goto(at, "invite")


def test_the_company_invites_its_own_suppliers_in_english(data_dir):
    at = sign_in("sme@demo.vn")
    at.sidebar.segmented_control(key="lang_switch").set_value("en").run()
    at = goto(at, "invite")
    assert at.title[0].value == "Invite suppliers" and not at.exception
    assert "your supplier check finds its certificate by tax code" in texts(at)
    at.file_uploader[0].upload("suppliers.csv", LIST, "text/csv").run()
    assert "suppliers.csv, row 4, column Tax code: tax code 0100233489 is not valid" in texts(at)
    at = button(at, "Send invitations").click().run()
    assert "Invited 3 suppliers." in texts(at)
    assert at.dataframe[0].value["State"].tolist() == ["Invited"] * 3
