"""Self-service accounts as a library: what a sign-up must give (a tax code with its check digit, a province of the
34, a sector, a legal form), the confirmation link (e-mailed, single use, expires; the administrator activates when
e-mail is off), a registered tax code becoming a request to join that its company decides, forgotten passwords
(a single-use, short-lived link; the same answer for every address; every session ended) and changing a password
(the current one is required). E-mail goes through a real SMTP server on localhost."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from smtp_server import smtp  # noqa: F401 - fixture

from accreditation import accounts, invitations, sharing, signup
from accreditation.errors import UserError
from accreditation.store.db import open_db

URL = "https://giaithuong.example.vn"
DEMO_TAX = "3709123455"  # the demo company's


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    database = open_db(tmp_path / "t.db")
    accounts.ensure_demo_data(database)
    yield database
    database.close()


def form(**changes) -> signup.Registration:
    base = dict(company_name="Công ty TNHH Dệt Minh Phát", tax_code="0100233488", province="Hà Nội",
                sector="garment", legal_form="enterprise", name="Phạm Thu", email="thu@minhphat.vn",
                password="mat-khau-minh-phat", language="vi")
    return signup.Registration(**{**base, **changes})


def link_in(mail, param: str) -> str:
    found = re.findall(rf"{re.escape(URL)}/[a-z-]+\?{param}=[A-Za-z0-9_-]{{43}}", mail.body)
    assert len(found) == 1, mail.body
    return found[0]


def token_of(link: str) -> str:
    return link.rsplit("=", 1)[1]


def later(monkeypatch, **delta) -> None:
    """Step the sign-up module's clock forward."""
    when = datetime.now(timezone.utc) + timedelta(**delta)
    monkeypatch.setattr(signup, "_now", lambda: when)


def signed_in(db, email, password):
    return accounts.authenticate(db, email, password)


# ------------------------------------------------------------------------------------------------ the form


@pytest.mark.parametrize("changes, says", [
    ({"tax_code": "0100233489"}, "check digit"),  # the 10th digit does not match the first 9
    ({"tax_code": "01002334"}, "wrong shape"),
    ({"tax_code": ""}, "Enter the tax code"),
    ({"tax_code": "001090012345"}, "personal ID number is the tax code of a household"),  # not a household
    ({"company_name": "   "}, "name"),
    ({"province": "Atlantis"}, "province"),
    ({"province": ""}, "province"),
    ({"sector": "mining"}, "sector"),
    ({"legal_form": "trust"}, "legal form"),
    ({"name": ""}, "your name"),
    ({"email": "not-an-address"}, "is not an e-mail address"),
    ({"password": "short"}, "at least 8 characters"),
])
def test_a_sign_up_with_a_bad_field_is_refused_with_what_is_wrong_and_nothing_is_kept(db, changes, says):
    with pytest.raises(UserError) as refused:
        signup.register(db, form(**changes))
    assert says.lower() in refused.value.message("en").lower()
    assert refused.value.message("vi") != refused.value.message("en")
    assert db["signups"].count == 0


def test_the_fields_are_kept_normalised_and_a_household_may_give_its_personal_id(db):
    signup.register(db, form(tax_code=" 0100 233 488 ", province="TP. Hồ Chí Minh", email=" Thu@MinhPhat.VN "))
    row = next(db["signups"].rows)
    assert (row["tax_code"], row["province"], row["email"]) == ("0100233488", "Hồ Chí Minh", "thu@minhphat.vn")
    assert row["password_hash"].startswith("$argon2") and "mat-khau" not in str(row)
    signup.register(db, form(tax_code="001090012345", legal_form="household", email="ho@x.vn"))
    assert db["signups"].count == 2


# ------------------------------------------------------------------------------------------------ confirming


def test_a_company_registers_confirms_through_the_emailed_link_once_and_can_then_sign_in(db, smtp):
    shown = signup.register(db, form())
    assert (shown.kind, shown.by) == ("company", "email")
    mail = smtp.wait_for(1)[0]
    assert mail.to == ["thu@minhphat.vn"] and "Xác nhận" in mail.subject
    link = link_in(mail, "confirm")
    assert link.startswith(f"{URL}/sign-up?confirm=")
    assert token_of(link) not in str(list(db["signups"].rows))  # only its hash is kept
    with pytest.raises(UserError):  # nothing exists before the confirmation
        signed_in(db, "thu@minhphat.vn", "mat-khau-minh-phat")
    assert db["organisations"].count_where("tax_code = ?", ["0100233488"]) == 0

    done = signup.confirm_email(db, token_of(link))
    assert done.kind == "company" and done.actor.email == "thu@minhphat.vn" and done.actor.role == "sme"
    org = db["organisations"].get(done.actor.organisation_id)
    assert (org["name"], org["tax_code"], org["province"], org["sector"], org["legal_form"]) == (
        "Công ty TNHH Dệt Minh Phát", "0100233488", "Hà Nội", "garment", "enterprise")
    assert signed_in(db, "thu@minhphat.vn", "mat-khau-minh-phat").id == done.actor.id

    with pytest.raises(UserError, match="already been used"):
        signup.confirm_email(db, token_of(link))
    assert db["users"].count_where("email = ?", ["thu@minhphat.vn"]) == 1


def test_a_confirmation_link_expires_and_then_creates_nothing(db, smtp, monkeypatch):
    signup.register(db, form())
    token = token_of(link_in(smtp.wait_for(1)[0], "confirm"))
    later(monkeypatch, hours=signup.CONFIRM_HOURS, minutes=1)
    with pytest.raises(UserError, match="expired"):
        signup.confirm_email(db, token)
    assert accounts.user_for_email(db, "thu@minhphat.vn") is None
    assert db["organisations"].count_where("tax_code = ?", ["0100233488"]) == 0


def test_registering_again_replaces_the_unconfirmed_sign_up_and_its_link(db, smtp):
    signup.register(db, form())
    first = token_of(link_in(smtp.wait_for(1)[0], "confirm"))
    signup.register(db, form(company_name="Dệt Minh Phát (sửa)"))
    second = token_of(link_in(smtp.wait_for(2)[1], "confirm"))
    with pytest.raises(UserError, match="not valid"):
        signup.confirm_email(db, first)
    assert signup.confirm_email(db, second).company == "Dệt Minh Phát (sửa)"


@pytest.mark.parametrize("bad", ["", "x", "A" * 43, "A" * 5000, "<script>" * 6, "' OR 1=1 --" * 5])
def test_a_hostile_or_unknown_confirmation_token_is_one_message(db, bad):
    with pytest.raises(UserError, match="not valid"):
        signup.confirm_email(db, bad)


def test_an_address_with_an_account_gets_an_email_saying_so_and_the_form_answers_the_same(db, smtp):
    shown = signup.register(db, form(email="sme@demo.vn", tax_code="0100112437"))
    assert (shown.kind, shown.by, shown.email) == ("company", "email", "sme@demo.vn")
    mail = smtp.wait_for(1)[0]
    assert mail.to == ["sme@demo.vn"] and "confirm=" not in mail.body and f"{URL}/reset-password" in mail.body
    assert db["signups"].count == 0


def test_sign_ups_for_one_address_are_throttled(db):
    for _ in range(signup.MAX_PER_HOUR):
        signup.register(db, form())
    with pytest.raises(UserError, match="Too many requests"):
        signup.register(db, form())


def test_without_smtp_the_administrator_activates_and_nobody_else_may(db):
    shown = signup.register(db, form())
    assert shown.by == "admin" and db["signups"].get(1)["token_hash"] is None  # no link that nobody receives
    admin = accounts.user_for_email(db, "admin@demo.vn")
    waiting = signup.pending(db, admin)
    assert [(r["email"], r["by"], r["tax_code"]) for r in waiting] == [("thu@minhphat.vn", "admin", "0100233488")]
    assert "password_hash" not in waiting[0]
    for email in ("sme@demo.vn", "assessor@demo.vn", "brand@demo.vn", "authority@demo.vn"):
        someone = accounts.user_for_email(db, email)
        with pytest.raises(UserError):
            signup.activate(db, someone, waiting[0]["id"])
        with pytest.raises(UserError):
            signup.pending(db, someone)
        with pytest.raises(UserError):
            signup.discard(db, someone, waiting[0]["id"])
    done = signup.activate(db, admin, waiting[0]["id"])
    assert signed_in(db, "thu@minhphat.vn", "mat-khau-minh-phat").id == done.actor.id
    assert signup.pending(db, admin) == []
    with pytest.raises(UserError):
        signup.activate(db, admin, waiting[0]["id"])


def test_the_administrator_removes_a_sign_up_nobody_should_activate(db):
    signup.register(db, form())
    admin = accounts.user_for_email(db, "admin@demo.vn")
    signup.discard(db, admin, 1)
    assert signup.pending(db, admin) == []
    with pytest.raises(UserError):
        signup.activate(db, admin, 1)


def test_a_household_personal_id_is_masked_for_the_administrator(db):
    signup.register(db, form(tax_code="001090012345", legal_form="household"))
    row = signup.pending(db, accounts.user_for_email(db, "admin@demo.vn"))[0]
    assert "001090012345" not in str(row)


# ------------------------------------------------------------------------------------------------ joining


def test_a_registered_tax_code_becomes_a_request_its_company_approves(db, smtp):
    shown = signup.register(db, form(tax_code=DEMO_TAX, company_name="Typed otherwise", email="moi@thuanan.vn"))
    assert shown.kind == "join" and shown.company == "Công ty TNHH May mặc Thuận An Xanh"
    mail = smtp.wait_for(1)[0]
    assert "Thuận An Xanh" in mail.subject
    done = signup.confirm_email(db, token_of(link_in(mail, "confirm")))
    assert done.kind == "join" and done.actor is None
    assert db["organisations"].count_where("tax_code = ?", [DEMO_TAX]) == 1  # no second organisation
    with pytest.raises(UserError):
        signed_in(db, "moi@thuanan.vn", "mat-khau-minh-phat")
    told = smtp.wait_for(2)[1]  # the company's existing user is asked
    assert told.to == ["sme@demo.vn"] and f"{URL}/team" in told.body

    sme = accounts.user_for_email(db, "sme@demo.vn")
    requests = signup.join_requests(db, sme, sme.organisation_id)
    assert [r["email"] for r in requests] == ["moi@thuanan.vn"]
    other = accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="hr@other.vn", password="long-enough", role="sme",
        organisation_id=accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name="Other")))
    for someone in (other, accounts.user_for_email(db, "admin@demo.vn"), accounts.user_for_email(db, "brand@demo.vn"),
                    None):
        with pytest.raises(UserError):
            signup.decide_join(db, someone, requests[0]["id"], approve=True)
        with pytest.raises(UserError):
            signup.join_requests(db, someone, sme.organisation_id)
    joined = signup.decide_join(db, sme, requests[0]["id"], approve=True)
    assert joined.organisation_id == sme.organisation_id
    assert signed_in(db, "moi@thuanan.vn", "mat-khau-minh-phat").id == joined.id
    assert "moi@thuanan.vn" in [u["email"] for u in signup.team(db, sme, sme.organisation_id)]
    assert "Thuận An Xanh" in smtp.wait_for(3)[2].subject and smtp.inbox.mails[2].to == ["moi@thuanan.vn"]
    with pytest.raises(UserError, match="already been decided"):
        signup.decide_join(db, sme, requests[0]["id"], approve=False)


def test_a_refused_request_makes_no_account(db):
    signup.register(db, form(tax_code=DEMO_TAX, email="la@x.vn"))
    admin = accounts.user_for_email(db, "admin@demo.vn")
    assert signup.activate(db, admin, 1).kind == "join"  # e-mail off: the administrator confirms
    sme = accounts.user_for_email(db, "sme@demo.vn")
    assert signup.decide_join(db, sme, 1, approve=False) is None
    assert accounts.user_for_email(db, "la@x.vn") is None
    assert signup.join_requests(db, sme, sme.organisation_id) == []


def test_the_first_confirmed_of_two_sign_ups_for_one_tax_code_makes_the_company_the_second_asks_to_join(db, smtp):
    signup.register(db, form(email="a@minhphat.vn"))
    signup.register(db, form(email="b@minhphat.vn"))
    links = {m.to[0]: token_of(link_in(m, "confirm")) for m in smtp.wait_for(2)}
    assert signup.confirm_email(db, links["b@minhphat.vn"]).kind == "company"
    assert signup.confirm_email(db, links["a@minhphat.vn"]).kind == "join"
    assert db["organisations"].count_where("tax_code = ?", ["0100233488"]) == 1


# ------------------------------------------------------------------------------------------------ invitations


def test_an_invited_supplier_registering_with_another_address_confirms_it_and_then_shares(db, smtp):
    brand = accounts.user_for_email(db, "brand@demo.vn")
    listed = invitations.read_list("Tên,Mã số thuế,E-mail\nDệt Minh Phát,0100233488,nhansu@minhphat.vn\n".encode(),
                                   "ncc.csv")
    sent, _ = invitations.invite(db, brand, brand.organisation_id, listed.rows)
    token = sent[0].link.rsplit("=", 1)[1]
    smtp.wait_for(1)
    shown = signup.register_invited(db, token, company_name="Dệt Minh Phát", email="giamdoc@minhphat.vn",
                                    password="mat-khau-minh-phat", name="Giám đốc", province="Hà Nội",
                                    sector="garment")
    assert isinstance(shown, signup.Registered) and shown.by == "email"
    assert sharing.shared_companies(db, brand.organisation_id) == []  # not before the confirmation
    confirm = link_in(smtp.wait_for(2)[1], "confirm")
    done = signup.confirm_email(db, token_of(confirm))
    assert done.shared_with == "Demo Apparel Brand Ltd."
    assert sharing.shared_companies(db, brand.organisation_id) == [done.actor.organisation_id]
    assert db["organisations"].get(done.actor.organisation_id)["tax_code"] == "0100233488"
    with pytest.raises(UserError, match="used"):  # the invitation is spent
        invitations.find(db, token)


def test_an_invited_supplier_registering_with_the_listed_address_is_active_at_once(db):
    brand = accounts.user_for_email(db, "brand@demo.vn")
    listed = invitations.read_list("Tên,Mã số thuế,E-mail\nDệt Minh Phát,0100233488,nhansu@minhphat.vn\n".encode(),
                                   "ncc.csv")
    sent, _ = invitations.invite(db, brand, brand.organisation_id, listed.rows)
    actor = signup.register_invited(db, sent[0].link.rsplit("=", 1)[1], company_name="Dệt Minh Phát",
                                    email="NhanSu@MinhPhat.vn", password="mat-khau-minh-phat", province="Huế",
                                    sector="wood", legal_form="enterprise")
    assert isinstance(actor, accounts.Actor)
    org = db["organisations"].get(actor.organisation_id)
    assert (org["province"], org["sector"], org["legal_form"]) == ("Huế", "wood", "enterprise")
    assert sharing.shared_companies(db, brand.organisation_id) == [actor.organisation_id]


# ------------------------------------------------------------------------------------------------ passwords


def test_a_forgotten_password_is_reset_once_through_the_emailed_link_and_every_session_ends(db, smtp):
    sme = accounts.user_for_email(db, "sme@demo.vn")
    sessions = [accounts.start_session(db, sme) for _ in range(2)]
    assert signup.request_reset(db, "SME@demo.vn") is None
    mail = smtp.wait_for(1)[0]
    assert mail.to == ["sme@demo.vn"]
    link = link_in(mail, "reset")
    assert link.startswith(f"{URL}/reset-password?reset=")
    assert token_of(link) not in str(list(db["password_resets"].rows))
    signup.check_reset(db, token_of(link))
    with pytest.raises(UserError, match="at least 8"):
        signup.reset_password(db, token_of(link), "short")
    signup.reset_password(db, token_of(link), "mat-khau-moi-2026")
    assert all(accounts.resume_session(db, s) is None for s in sessions)
    assert signed_in(db, "sme@demo.vn", "mat-khau-moi-2026").id == sme.id
    with pytest.raises(UserError):
        signed_in(db, "sme@demo.vn", accounts.DEMO_PASSWORD)
    with pytest.raises(UserError, match="already been used"):
        signup.reset_password(db, token_of(link), "another-password")
    assert signed_in(db, "sme@demo.vn", "mat-khau-moi-2026")


def test_the_answer_to_a_reset_request_does_not_tell_whether_the_address_has_an_account(db, smtp):
    assert signup.request_reset(db, "nobody@nowhere.vn") is None
    assert signup.request_reset(db, "sme@demo.vn") is None
    assert [m.to for m in smtp.wait_for(1)] == [["sme@demo.vn"]]  # only the account's owner learns anything
    assert db["password_resets"].count == 1 and "nobody" not in str(list(db["account_requests"].rows))


def test_a_reset_link_expires_and_a_newer_one_replaces_it(db, smtp, monkeypatch):
    signup.request_reset(db, "sme@demo.vn")
    first = token_of(link_in(smtp.wait_for(1)[0], "reset"))
    signup.request_reset(db, "sme@demo.vn")
    second = token_of(link_in(smtp.wait_for(2)[1], "reset"))
    with pytest.raises(UserError, match="not valid"):
        signup.check_reset(db, first)
    later(monkeypatch, minutes=signup.RESET_MINUTES + 1)
    with pytest.raises(UserError, match="expired"):
        signup.reset_password(db, second, "mat-khau-moi-2026")
    assert signed_in(db, "sme@demo.vn", accounts.DEMO_PASSWORD)


def test_reset_requests_are_throttled_per_address_silently(db, smtp):
    for _ in range(signup.MAX_PER_HOUR + 2):
        assert signup.request_reset(db, "sme@demo.vn") is None
    smtp.wait_for(signup.MAX_PER_HOUR + 2, timeout=1.5)
    assert len(smtp.inbox.mails) == signup.MAX_PER_HOUR


def test_a_reset_for_a_closed_account_sends_nothing(db, smtp):
    admin = accounts.user_for_email(db, "admin@demo.vn")
    accounts.deactivate_user(db, admin, accounts.user_for_email(db, "sme@demo.vn").id)
    signup.request_reset(db, "sme@demo.vn")
    assert smtp.wait_for(1, timeout=1.0) == []


def test_changing_a_password_needs_the_current_one_and_ends_the_other_sessions(db):
    sme = accounts.user_for_email(db, "sme@demo.vn")
    mine, other = accounts.start_session(db, sme), accounts.start_session(db, sme)
    with pytest.raises(UserError, match="current password is wrong"):
        signup.change_password(db, sme, "not-the-password", "mat-khau-moi-2026", keep_session=mine)
    assert signed_in(db, "sme@demo.vn", accounts.DEMO_PASSWORD)
    with pytest.raises(UserError, match="at least 8"):
        signup.change_password(db, sme, accounts.DEMO_PASSWORD, "short", keep_session=mine)
    assert signup.change_password(db, sme, accounts.DEMO_PASSWORD, "mat-khau-moi-2026", keep_session=mine) == 1
    assert accounts.resume_session(db, mine).id == sme.id and accounts.resume_session(db, other) is None
    assert signed_in(db, "sme@demo.vn", "mat-khau-moi-2026")
    with pytest.raises(UserError):
        signup.change_password(db, None, "mat-khau-moi-2026", "x" * 12)


def test_wrong_current_passwords_are_throttled(db):
    sme = accounts.user_for_email(db, "sme@demo.vn")
    for _ in range(signup.MAX_WRONG_CURRENT):
        with pytest.raises(UserError, match="wrong"):
            signup.change_password(db, sme, "guess-guess", "mat-khau-moi-2026")
    with pytest.raises(UserError, match="Too many attempts"):
        signup.change_password(db, sme, accounts.DEMO_PASSWORD, "mat-khau-moi-2026")


def test_the_administrator_alone_makes_a_reset_link_and_it_ends_every_session(db):
    sme = accounts.user_for_email(db, "sme@demo.vn")
    session = accounts.start_session(db, sme)
    for email in ("sme@demo.vn", "brand@demo.vn", "assessor@demo.vn", "authority@demo.vn"):
        with pytest.raises(UserError):
            signup.reset_link_for(db, accounts.user_for_email(db, email), sme.id)
    link = signup.reset_link_for(db, accounts.user_for_email(db, "admin@demo.vn"), sme.id)
    assert link.startswith("http://localhost:8501/reset-password?reset=")
    signup.reset_password(db, token_of(link), "mat-khau-moi-2026")
    assert accounts.resume_session(db, session) is None
    assert signed_in(db, "sme@demo.vn", "mat-khau-moi-2026")


def test_sending_the_link_again_makes_the_previous_one_stop_working(db, smtp):
    signup.register(db, form())
    first = token_of(link_in(smtp.wait_for(1)[0], "confirm"))
    signup.resend_confirmation(db, "Thu@MinhPhat.vn")
    signup.resend_confirmation(db, "nobody@nowhere.vn")  # says nothing, sends nothing
    mails = smtp.wait_for(2)
    assert [m.to for m in mails] == [["thu@minhphat.vn"], ["thu@minhphat.vn"]]
    second = token_of(link_in(mails[1], "confirm"))
    with pytest.raises(UserError, match="not valid"):
        signup.confirm_email(db, first)
    assert signup.confirm_email(db, second).actor.email == "thu@minhphat.vn"
