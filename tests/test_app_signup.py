"""Self-service account pages in the app (AppTest): the sign-in page's links, registering a company and opening
the confirmation link (signed in at once), the administrator's activation when e-mail is off, a request to join
approved on the company's users page, a forgotten password reset through its link, and changing a password."""

from __future__ import annotations

import re

import pytest
from apptest import app, data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from smtp_server import smtp  # noqa: F401 - fixture

from accreditation import accounts, signup
from accreditation.store.db import open_db

URL = "https://giaithuong.example.vn"


def button(at, label):
    return next(b for b in at.button if b.label == label)


def fill_signup(at, *, tax="0100233488", email="thu@minhphat.vn", password="mat-khau-minh-phat", again=None):
    at.text_input(key="signup_company").input("Công ty TNHH Dệt Minh Phát")
    at.text_input(key="signup_tax").input(tax)
    at.selectbox(key="signup_legal_form").set_value("enterprise")
    at.selectbox(key="signup_province").set_value("Hà Nội")
    at.selectbox(key="signup_sector").set_value("garment")
    at.text_input(key="signup_name").input("Phạm Thu")
    at.text_input(key="signup_email").input(email)
    at.text_input(key="signup_password").input(password)
    at.text_input(key="signup_password2").input(again or password)
    return button(at, "Đăng ký").click().run()


def open_link(link: str, page: str, param: str):
    at = goto(app(), page)
    at.query_params[param] = link.rsplit("=", 1)[1]
    return at.run()


def link_in(mail, param):
    found = re.findall(rf"{re.escape(URL)}/[a-z-]+\?{param}=[A-Za-z0-9_-]{{43}}", mail.body)
    assert len(found) == 1, mail.body
    return found[0]


def test_the_sign_in_page_links_to_registering_and_to_a_forgotten_password(data_dir):
    at = app()
    labels = [p.label for p in at.get("page_link")]
    assert "Chưa có tài khoản? Đăng ký doanh nghiệp" in labels and "Quên mật khẩu?" in labels
    # a wrong password is said on the page, and the links stay
    at.text_input(key="login_email").input("sme@demo.vn")
    at.text_input(key="login_password").input("wrong-password")
    at.button[0].click().run()
    assert at.error and "Quên mật khẩu?" in [p.label for p in at.get("page_link")]


def test_a_company_registers_confirms_its_email_and_is_signed_in(data_dir, smtp):
    at = goto(app(), "signup")
    assert not at.exception and "Đăng ký doanh nghiệp" in texts(at)
    at = fill_signup(at, tax="0100233489")  # a wrong check digit
    assert "sai số kiểm tra" in texts(at) and not at.exception
    at = fill_signup(at, again="something-else")
    assert "Hai mật khẩu không khớp." in texts(at)
    at = fill_signup(at)
    assert not at.exception and not at.error
    assert "Sắp xong: chúng tôi đã gửi một liên kết tới thu@minhphat.vn" in texts(at)
    link = link_in(smtp.wait_for(1)[0], "confirm")
    assert link.startswith(f"{URL}/sign-up?confirm=")

    visitor = open_link(link, "signup", signup.CONFIRM_PARAM)
    assert not visitor.exception, visitor.exception
    assert "E-mail đã được xác nhận và tài khoản của Công ty TNHH Dệt Minh Phát đã được kích hoạt." in texts(visitor)
    assert visitor.session_state["actor"].email == "thu@minhphat.vn"
    assert signup.CONFIRM_PARAM not in visitor.query_params  # the token left the address bar

    again = open_link(link, "signup", signup.CONFIRM_PARAM)
    assert "Liên kết xác nhận này đã được dùng." in texts(again) and not again.exception


def test_without_email_the_administrator_activates_on_the_sign_ups_page(data_dir):
    at = fill_signup(goto(app(), "signup"))
    assert "quản trị viên sẽ kích hoạt tài khoản" in texts(at)
    admin = goto(sign_in("admin@demo.vn"), "registrations")
    assert not admin.exception and "Công ty TNHH Dệt Minh Phát" in texts(admin)
    assert "E-mail đang tắt" in texts(admin)
    admin = button(admin, "Kích hoạt").click().run()
    assert "Đã kích hoạt: Công ty TNHH Dệt Minh Phát." in texts(admin)
    assert "Không có đăng ký nào đang chờ." in texts(admin)
    company = sign_in("thu@minhphat.vn", "mat-khau-minh-phat")
    assert company.session_state["actor"].role == "sme"


def test_a_request_to_join_is_approved_on_the_company_users_page(data_dir):
    at = fill_signup(goto(app(), "signup"), tax="3709123455", email="moi@thuanan.vn")
    assert "Công ty TNHH May mặc Thuận An Xanh đã đăng ký" in texts(at)
    db = open_db(data_dir / "accreditation.db")
    signup.activate(db, accounts.user_for_email(db, "admin@demo.vn"), 1)
    team = goto(sign_in("sme@demo.vn"), "team")
    assert not team.exception and "moi@thuanan.vn" in texts(team)
    team = button(team, "Duyệt").click().run()
    assert "Phạm Thu đã tham gia doanh nghiệp và có thể đăng nhập." in texts(team)
    assert "moi@thuanan.vn" in team.dataframe[0].value["E-mail"].tolist()
    assert sign_in("moi@thuanan.vn", "mat-khau-minh-phat").session_state["actor"].organisation_id == \
        accounts.user_for_email(db, "sme@demo.vn").organisation_id


def test_a_forgotten_password_is_reset_through_the_emailed_link(data_dir, smtp):
    at = goto(app(), "reset_password")
    assert not at.exception
    at.text_input(key="reset_email").input("sme@demo.vn")
    at = button(at, "Gửi liên kết").click().run()
    unknown = goto(app(), "reset_password")
    unknown.text_input(key="reset_email").input("nobody@nowhere.vn")
    unknown = button(unknown, "Gửi liên kết").click().run()
    said = [s.value for s in at.success]
    assert said and [s.value.replace(r"nobody@nowhere\.vn", r"sme@demo\.vn") for s in unknown.success] == said
    link = link_in(smtp.wait_for(1)[0], "reset")
    assert link.startswith(f"{URL}/reset-password?reset=")

    visitor = open_link(link, "reset_password", signup.RESET_PARAM)
    assert "Đặt mật khẩu mới" in texts(visitor)
    visitor.text_input(key="reset_new").input("mat-khau-moi-2026")
    visitor.text_input(key="reset_new2").input("mat-khau-moi-2026")
    visitor = button(visitor, "Lưu mật khẩu mới").click().run()
    assert not visitor.exception and "Mật khẩu đã được đổi" in texts(visitor)
    assert sign_in("sme@demo.vn", "mat-khau-moi-2026").session_state["actor"].email == "sme@demo.vn"
    used = open_link(link, "reset_password", signup.RESET_PARAM)
    assert "đã được dùng" in texts(used)


def test_without_email_the_forgotten_password_page_says_to_ask_the_administrator(data_dir):
    at = goto(app(), "reset_password")
    assert "Hãy nhờ quản trị viên gửi cho bạn liên kết đặt mật khẩu mới." in texts(at) and not at.text_input


@pytest.mark.parametrize("email", ["sme@demo.vn", "brand@demo.vn", "authority@demo.vn"])
def test_every_signed_in_user_changes_their_password_with_the_current_one(data_dir, email):
    at = goto(sign_in(email), "account")
    assert not at.exception and email in texts(at)
    at.text_input(key="account_current").input("wrong-password")
    at.text_input(key="account_new").input("mat-khau-moi-2026")
    at.text_input(key="account_new2").input("mat-khau-moi-2026")
    at = button(at, "Đổi mật khẩu").click().run()
    assert "Mật khẩu hiện tại không đúng." in texts(at)
    at.text_input(key="account_current").input(accounts.DEMO_PASSWORD)
    at.text_input(key="account_new").input("mat-khau-moi-2026")
    at.text_input(key="account_new2").input("mat-khau-moi-2026")
    at = button(at, "Đổi mật khẩu").click().run()
    assert "Mật khẩu đã được đổi" in texts(at) and not at.exception
    assert sign_in(email, "mat-khau-moi-2026").session_state["actor"].email == email


def test_an_invited_supplier_with_another_address_is_told_to_confirm_it(data_dir, smtp):
    from test_app_invitations import (  # the brand's list of three
        links,
        send_list,
        token,
    )

    sent = links(send_list(goto(sign_in("brand@demo.vn"), "invite")))
    smtp.wait_for(3)
    visitor = goto(app(), "invite_accept")
    visitor.query_params["invite"] = token(sent[0])
    visitor.run()
    visitor.text_input(key="invite_email").input("giamdoc@minhphat.vn")
    visitor.text_input(key="invite_user_name").input("Giám đốc")
    visitor.text_input(key="invite_password").input("mat-khau-1")
    visitor.text_input(key="invite_password2").input("mat-khau-1")
    visitor = button(visitor, "Đăng ký và nhận lời mời").click().run()
    assert not visitor.exception and not visitor.error, [e.value for e in visitor.error]
    assert "Lời mời của Demo Apparel Brand Ltd. sẽ được nhận khi tài khoản của bạn được kích hoạt." in texts(visitor)
    confirm = link_in(smtp.wait_for(4)[3], "confirm")
    done = open_link(confirm, "signup", signup.CONFIRM_PARAM)
    assert "Lời mời của Demo Apparel Brand Ltd. đã được nhận" in texts(done)


def test_without_email_the_administrator_makes_a_reset_link_that_works_once(data_dir):
    admin = goto(sign_in("admin@demo.vn"), "registrations")
    db = open_db(data_dir / "accreditation.db")
    sme = accounts.user_for_email(db, "sme@demo.vn")
    admin.selectbox(key="reg_reset_user").set_value(sme.id).run()
    admin = button(admin, "Tạo liên kết đặt lại").click().run()
    assert not admin.exception and "Liên kết đặt lại cho sme@demo.vn" in texts(admin)
    link = admin.code[0].value
    assert re.fullmatch(r"http://localhost:8501/reset-password\?reset=[A-Za-z0-9_-]{43}", link), link
    visitor = open_link(link, "reset_password", signup.RESET_PARAM)
    visitor.text_input(key="reset_new").input("mat-khau-moi-2026")
    visitor.text_input(key="reset_new2").input("mat-khau-moi-2026")
    visitor = button(visitor, "Lưu mật khẩu mới").click().run()
    assert "Mật khẩu đã được đổi" in texts(visitor)
    assert "đã được dùng" in texts(open_link(link, "reset_password", signup.RESET_PARAM))
