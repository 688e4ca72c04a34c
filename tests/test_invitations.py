"""Inviting suppliers as a library: the list (importer, file/row/column problems, limits), the link (hash only,
hostile tokens, expiry, single use), registering or accepting (the listed tax code, the share), each state the
inviter sees, reminders (once per period, a fresh link, a notification, an e-mail) and the cascade."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from accreditation import accounts, invitations as inv, sharing, workflow
from accreditation.errors import UserError
from accreditation.store.db import write_tx
from accreditation.tables import TableError
from smtp_server import smtp  # noqa: F401 - fixture
from test_portfolio import C, approve, brand, checked_draft, company, db, submitted  # noqa: F401 - fixtures

HEAD = "Tên nhà cung cấp / Supplier name,Mã số thuế / Tax code,E-mail / E-mail\n"
THREE = [("Công ty Dệt Minh Phát", "0100233488", "nhansu@minhphat.vn"),
         ("Xưởng Gỗ An Bình", "0100112437", "hr@anbinh.vn"),
         ("Công ty Bao bì Sao Mai", "0100109106", "lan@saomai.vn")]


def csv(rows, head=HEAD) -> bytes:
    return (head + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8")


def send(db, actor, rows=THREE):
    listed = inv.read_list(csv(rows), "ncc.csv")
    assert not listed.problems
    sent, _ = inv.invite(db, actor, actor.organisation_id, listed.rows)
    return {s.name: s.link.split(f"{inv.PARAM}=", 1)[1] for s in sent}


def states(db, actor) -> dict[str, str]:
    return {r["tax_code"]: r["state"] for r in inv.list_for(db, actor, actor.organisation_id)}


# ------------------------------------------------------------------------------------------------ the list


def test_a_list_in_english_headers_utf16_and_xlsx_reads_the_same(tmp_path):
    english = csv(THREE, head="Supplier name,Tax code,Email\n")
    utf16 = csv(THREE).decode().replace(",", "\t").encode("utf-16")
    inv.write_templates(tmp_path)
    template = inv.read_list((tmp_path / "invitation_template.xlsx").read_bytes(), "mau.xlsx")
    assert [(r.name, r.tax_code) for r in template.rows] == [("Công ty TNHH Dệt Minh Phát", "0100233488")]
    for data, name in ((csv(THREE), "a.csv"), (english, "b.csv"), (utf16, "c.txt.csv")):
        listed = inv.read_list(data, name)
        assert [(r.name, r.tax_code, r.email) for r in listed.rows] == THREE and not listed.problems


def test_each_bad_row_is_named_by_file_row_and_column_in_both_languages():
    rows = [THREE[0], ("", "0100112437", "a@b.vn"), ("X", "0100233489", "x@y.vn"), ("Y", "001090012345", "y@y.vn"),
            ("Z", "0100233488", "z@z.vn"), ("W", "0100109106", "not-an-address"), ("V", "0100686209", "")]
    listed = inv.read_list(csv(rows), "ncc.csv")
    assert [r.row for r in listed.rows] == [1]
    by_row = {(p["row"], p["column"]): p for p in listed.problems}
    assert set(by_row) == {(2, "supplier_name"), (3, "tax_code"), (4, "tax_code"), (5, "tax_code"), (6, "email"),
                           (7, "email")}
    assert by_row[(2, "supplier_name")]["vi"] == "ncc.csv, dòng 2, cột Tên nhà cung cấp: ô trống."
    assert by_row[(2, "supplier_name")]["en"] == "ncc.csv, row 2, column Supplier name: the cell is empty."
    assert by_row[(3, "tax_code")]["en"].startswith("ncc.csv, row 3, column Tax code: tax code 0100233489 is not")
    assert "001090012345" not in by_row[(4, "tax_code")]["vi"] and "số định danh cá nhân" in by_row[(4, "tax_code")]["vi"]
    assert by_row[(5, "tax_code")]["en"].endswith("this tax code is already on row 1.")
    assert "not an e-mail address" in by_row[(6, "email")]["en"]


def test_limits_and_whole_file_problems(monkeypatch):
    with pytest.raises(UserError, match="larger than 2 MB"):
        inv.read_list(b"x" * (inv.MAX_BYTES + 1), "big.csv")
    monkeypatch.setattr(inv, "MAX_ROWS", 2)
    with pytest.raises(UserError) as e:
        inv.read_list(csv(THREE), "ncc.csv")
    assert e.value.message("en") == ("ncc.csv: 3 rows, more than the limit of 2 rows per upload. Split the list "
                                     "into several files.")
    with pytest.raises(UserError, match="no supplier row"):
        inv.read_list(HEAD.encode(), "empty.csv")
    with pytest.raises(TableError):
        inv.read_list(b"Name,Phone\nA,0900\n", "wrong.csv")  # the tax code and e-mail columns are missing


# ------------------------------------------------------------------------------------------------ the link


def test_only_the_hash_of_a_token_is_stored(db, brand):
    tokens = send(db, brand)
    dump = "\n".join(db.conn.iterdump())
    for token in tokens.values():
        assert token not in dump
        assert hashlib.sha256(token.encode()).hexdigest() in dump
        assert len(token) == 43


@pytest.mark.parametrize("bad", [None, "", "short", "A" * 39, "A" * 65, "A" * 100_000, "é" * 43, "a b" * 15,
                                 "../../etc/passwd" * 3, "' OR '1'='1" * 4])
def test_a_malformed_or_unknown_token_is_one_message(db, bad):
    with pytest.raises(UserError) as e:
        inv.find(db, bad)
    assert e.value.message("en").startswith("This invitation link is not valid.")


def test_an_unknown_well_formed_token_and_an_expired_one(db, brand):
    with pytest.raises(UserError, match="not valid"):
        inv.find(db, "A" * 43)
    token = send(db, brand)["Xưởng Gỗ An Bình"]
    with write_tx(db):
        db.execute("UPDATE invitations SET expires_at = ?", [(datetime.now(timezone.utc) - timedelta(seconds=1))
                                                             .isoformat()])
    with pytest.raises(UserError) as e:
        inv.register(db, token, company_name="An Bình", email="hr@anbinh.vn", password="long-enough")
    assert e.value.message("vi").startswith("Lời mời đã hết hạn.")
    assert states(db, brand)["0100112437"] == "expired"


# ------------------------------------------------------------------------------------------------ accepting


def test_registering_through_the_link_makes_the_company_under_the_listed_tax_code_and_shares(db, brand):
    token = send(db, brand)["Công ty Dệt Minh Phát"]
    assert inv.describe(db, token)["inviter"] == "Demo Apparel Brand Ltd."
    user = inv.register(db, token, company_name="  Dệt Minh Phát  ", email="NhanSu@MinhPhat.vn",
                        password="long-enough", name="Phạm Thu")
    org = db["organisations"].get(user.organisation_id)
    assert (org["kind"], org["name"], org["tax_code"]) == ("sme", "Dệt Minh Phát", "0100233488")
    assert (user.role, user.email) == ("sme", "nhansu@minhphat.vn")
    assert accounts.authenticate(db, "nhansu@minhphat.vn", "long-enough").id == user.id
    assert sharing.shared_companies(db, brand.organisation_id) == [user.organisation_id]
    with pytest.raises(UserError, match="used already"):  # single use
        inv.register(db, token, company_name="Again", email="b@minhphat.vn", password="long-enough")
    actions = [r["action"] for r in db["audit_log"].rows_where(order_by="id")][-3:]
    assert "invitation.accept" in actions and "share.create" in actions


def test_a_failed_registration_leaves_nothing_and_the_link_still_works(db, brand):
    token = send(db, brand)["Công ty Dệt Minh Phát"]
    orgs = db["organisations"].count
    with pytest.raises(UserError, match="8"):
        inv.register(db, token, company_name="Minh Phát", email="a@minhphat.vn", password="short")
    with pytest.raises(UserError, match="already"):
        inv.register(db, token, company_name="Minh Phát", email="sme@demo.vn", password="long-enough")
    assert db["organisations"].count == orgs and states(db, brand)["0100233488"] == "invited"
    inv.register(db, token, company_name="Minh Phát", email="a@minhphat.vn", password="long-enough")


def test_a_registered_tax_code_must_sign_in_and_a_signed_in_company_accepts_only_its_own(db, brand):
    demo = accounts.user_for_email(db, "sme@demo.vn")
    demo_tax = db["organisations"].get(demo.organisation_id)["tax_code"]
    tokens = send(db, brand, [("Thuận An Xanh", demo_tax, "sme@demo.vn"), THREE[0]])
    with pytest.raises(UserError, match="registered already"):
        inv.register(db, tokens["Thuận An Xanh"], company_name="X", email="x@x.vn", password="long-enough")
    with pytest.raises(UserError) as e:
        inv.accept(db, demo, tokens["Công ty Dệt Minh Phát"])
    assert e.value.message("en") == "This invitation is for the company with tax code 0100233488, not yours."
    with pytest.raises(UserError, match="not allowed"):
        inv.accept(db, brand, tokens["Thuận An Xanh"])
    inv.accept(db, demo, tokens["Thuận An Xanh"])
    assert demo.organisation_id in sharing.shared_companies(db, brand.organisation_id)
    assert states(db, brand)[demo_tax] == "registered"


def test_a_company_without_a_tax_code_takes_the_listed_one(db, brand):
    sme = company(db, "Xưởng Chưa Có MST")
    token = send(db, brand)["Xưởng Gỗ An Bình"]
    inv.accept(db, sme, token)
    assert db["organisations"].get(sme.organisation_id)["tax_code"] == "0100112437"


def test_declining_spends_the_link(db, brand):
    token = send(db, brand)["Công ty Bao bì Sao Mai"]
    inv.decline(db, token)
    assert states(db, brand)["0100109106"] == "declined"
    with pytest.raises(UserError, match="used already"):
        inv.decline(db, token)


# ------------------------------------------------------------------------------------------------ states


def test_each_state_the_inviter_sees(db, brand):
    tokens = send(db, brand, THREE + [("Nhà máy Đông Á", "0100686209", "a@donga.vn"),
                                      ("Nhà máy Hải Hà", "0300588569", "b@haiha.vn"),
                                      ("Xưởng Nam Việt", "1003001003", "c@namviet.vn")])
    users = {}
    for name in ("Công ty Dệt Minh Phát", "Xưởng Gỗ An Bình", "Công ty Bao bì Sao Mai", "Nhà máy Đông Á"):
        users[name] = inv.register(db, tokens[name], company_name=name, email=f"u{len(users)}@x.vn",
                                   password="long-enough")
    inv.decline(db, tokens["Nhà máy Hải Hà"])
    workflow.start_draft(db, users["Xưởng Gỗ An Bình"], users["Xưởng Gỗ An Bình"].organisation_id, C)
    submitted(db, users["Công ty Bao bì Sao Mai"])
    verified = users["Nhà máy Đông Á"]
    draft = checked_draft(db, verified)
    workflow.submit(db, verified, draft["id"], C)
    approve(db, verified, draft["id"])
    seen = states(db, brand)
    assert seen == {"0100233488": "registered", "0100112437": "drafting", "0100109106": "submitted",
                    "0100686209": "verified", "0300588569": "declined", "1003001003": "invited"}
    counts = inv.counts(inv.list_for(db, brand, brand.organisation_id))
    assert counts["invited"] == counts["verified"] == counts["declined"] == 1 and counts["suspended"] == 0

    from accreditation.store import certificates as registry

    registry.suspend_current(db, "0100686209", verified.organisation_id, "knock-out", "test")
    assert states(db, brand)["0100686209"] == "suspended"


# ------------------------------------------------------------------------------------------------ reminders


def test_a_reminder_gives_a_fresh_link_once_per_period(db, brand):
    old = send(db, brand)["Xưởng Gỗ An Bình"]
    row = next(r for r in inv.list_for(db, brand, brand.organisation_id) if r["tax_code"] == "0100112437")
    link = inv.remind(db, brand, row["id"])
    new = link.split(f"{inv.PARAM}=", 1)[1]
    assert new != old
    with pytest.raises(UserError, match="not valid"):
        inv.find(db, old)  # the old link stops working
    assert inv.find(db, new)["tax_code"] == "0100112437"
    with pytest.raises(UserError) as e:
        inv.remind(db, brand, row["id"])
    assert e.value.message("en").startswith("A supplier can be reminded once every 7 days")
    with write_tx(db):  # eight days later
        db.execute("UPDATE invitations SET reminded_at = ? WHERE id = ?",
                   [(datetime.now(timezone.utc) - timedelta(days=8)).isoformat(), row["id"]])
    assert inv.remind(db, brand, row["id"]) and inv.list_for(db, brand, brand.organisation_id)[1]["reminders"] == 2
    other = accounts.get_actor(db, accounts.create_user(
        db, actor=accounts.SYSTEM, email="ob@x.vn", password="long-enough", role="brand",
        organisation_id=accounts.create_organisation(db, actor=accounts.SYSTEM, kind="brand", name="Other")))
    with pytest.raises(UserError, match="not allowed"):
        inv.remind(db, other, row["id"])


def test_a_registered_supplier_is_reminded_in_the_app_and_a_submitted_one_is_not(db, brand):
    tokens = send(db, brand)
    user = inv.register(db, tokens["Công ty Dệt Minh Phát"], company_name="Minh Phát", email="u@x.vn",
                        password="long-enough")
    rows = {r["tax_code"]: r for r in inv.list_for(db, brand, brand.organisation_id)}
    assert inv.remind(db, brand, rows["0100233488"]["id"]) is None
    note = list(db["notifications"].rows_where("user_id = ?", [user.id]))
    assert [n["kind"] for n in note] == ["invitation_reminder"]
    from accreditation import notify

    assert notify.text("invitation_reminder", note[0]["params"], "en")[0] == "Reminder from Demo Apparel Brand Ltd."
    submitted(db, user)
    with write_tx(db):
        db.execute("UPDATE invitations SET reminded_at = NULL")
    with pytest.raises(UserError, match="Submitted"):
        inv.remind(db, brand, rows["0100233488"]["id"])


def test_with_e_mail_on_the_invitation_and_the_reminder_are_mailed(db, brand, smtp):
    tokens = send(db, brand, [THREE[0]])
    mails = smtp.wait_for(1)
    assert mails[0].to == ["nhansu@minhphat.vn"] and "Demo Apparel Brand Ltd." in mails[0].subject
    assert f"https://giaithuong.example.vn/accept-invitation?{inv.PARAM}={tokens['Công ty Dệt Minh Phát']}" in \
        mails[0].body
    assert "valid for 30 days" in mails[0].body and "hiệu lực 30 ngày" in mails[0].body
    link = inv.remind(db, brand, inv.list_for(db, brand, brand.organisation_id)[0]["id"])
    mails = smtp.wait_for(2)
    assert link in mails[1].body and mails[1].subject.startswith("Nhắc lại")


# ------------------------------------------------------------------------------------------------ the cascade


def test_a_company_invites_its_own_supplier_who_registers_under_the_listed_tax_code(db):
    buyer = accounts.user_for_email(db, "sme@demo.vn")
    token = send(db, buyer, [THREE[1]])["Xưởng Gỗ An Bình"]
    supplier = inv.register(db, token, company_name="Gỗ An Bình", email="hr@anbinh.vn", password="long-enough")
    assert db["organisations"].get(supplier.organisation_id)["tax_code"] == "0100112437"
    share = db.execute("SELECT brand_id FROM shares WHERE organisation_id = ? AND withdrawn_at IS NULL",
                       [supplier.organisation_id]).fetchall()
    assert share == [(buyer.organisation_id,)]
    assert states(db, buyer) == {"0100112437": "registered"}
    own_tax = db["organisations"].get(buyer.organisation_id)["tax_code"]
    row = inv.SupplierRow(1, "Chính mình", own_tax, "self@x.vn")
    assert inv.invite(db, buyer, buyer.organisation_id, [row]) == ([], [row])  # its own tax code: never invited


def test_a_company_cannot_accept_its_own_invitation(db):
    buyer = company(db, "Công ty chưa có MST")
    token = send(db, buyer, [THREE[2]])["Công ty Bao bì Sao Mai"]
    with pytest.raises(UserError, match="its own invitation"):
        inv.accept(db, buyer, token)


def test_the_cascade_an_invited_supplier_s_verified_certificate_lowers_its_residual_risk_in_the_buyer_s_check(db):
    """The buyer lists its supplier by tax code; the supplier registers through the link under that code, is
    verified, and the buyer's next supplier check finds the certificate by tax code alone (no certificate id)."""
    from datetime import date

    from accreditation.suppliers import check_suppliers, registry_lookup

    listed = ("supplier_name,tax_code,province,products,tier,supplier_type\n"
              "Xưởng Gỗ An Bình,0100112437,Hà Nội,áo sơ mi,1,nhà máy\n").encode()

    def level() -> tuple[str, str]:
        entry = check_suppliers(listed, "ncc.csv", date.today(),
                                certificate_status=registry_lookup(db, date.today())).entries("en")[0]
        return entry["inherent"], entry["level"]

    buyer = accounts.user_for_email(db, "sme@demo.vn")
    before = level()
    assert before[1] in ("high", "critical")
    token = send(db, buyer, [THREE[1]])["Xưởng Gỗ An Bình"]
    supplier = inv.register(db, token, company_name="Gỗ An Bình", email="hr@anbinh.vn", password="long-enough")
    draft = checked_draft(db, supplier)
    workflow.submit(db, supplier, draft["id"], C)
    assert level() == before  # a self-assessment statement lowers nothing
    approve(db, supplier, draft["id"])
    assert states(db, buyer) == {"0100112437": "verified"}
    assert level() == (before[0], "low")
