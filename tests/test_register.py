"""The public register of awardees and award rounds as data: who is listed (agreed AND a verified certificate in
force: never a statement, a suspended, revoked or expired one), opting out, search and filters, the CSV, rounds
(candidates, publication freezes the list) and who may change what."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher

from accreditation import accounts, register
from accreditation.errors import UserError
from accreditation.store import audit
from accreditation.store import certificates as registry
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria

C = default_criteria()
TODAY = date.today()
SCORES = {"committed": 65.0, "pioneer": 82.0, "champion": 94.0}


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ACCREDITATION_PUBLIC_URL", raising=False)
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    database = open_db(tmp_path / "t.db")
    accounts.ensure_demo_data(database)
    yield database
    database.close()


def admin(db):
    return accounts.user_for_email(db, "admin@demo.vn")


def company(db, name: str, sector: str = "garment", province: str = "Hà Nội") -> accounts.Actor:
    """A company with one user; returns the user."""
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name=name, sector=sector,
                                       province=province)
    uid = accounts.create_user(db, actor=accounts.SYSTEM, email=f"hr{org}@example.vn", password="long-enough",
                               role="sme", organisation_id=org)
    return accounts.get_actor(db, uid)


def certify(db, user: accounts.Actor, tier: str = "champion", *, verified: bool = True, issued: date = TODAY,
            months: int = 24, province: str | None = None, name: str | None = None) -> registry.Certificate:
    """Record a document in the registry as an approval (verified) or a submission (statement) does."""
    org = db["organisations"].get(user.organisation_id)
    draft = registry.CertificateDraft(
        company_name=name or org["name"], tax_code="", tier=tier, score=SCORES[tier], criteria_id="VN-CLF-REF",
        criteria_version=C.version, issued=issued, expires=registry.expiry_date(issued, months),
        issuer="Assessor — VCCI" if verified else "self-assessment", verified=verified,
        province=province if province is not None else org["province"], organisation_id=user.organisation_id)
    cert, _ = registry.issue(db, draft, lambda c: b"%PDF-1.4 " + c.id.encode())
    return cert


def listed_company(db, name: str, tier: str = "champion", **fields) -> accounts.Actor:
    """A company with a verified certificate that agreed to be listed."""
    user = company(db, name, **{k: v for k, v in fields.items() if k in ("sector", "province")})
    certify(db, user, tier, **{k: v for k, v in fields.items() if k not in ("sector", "province")})
    register.set_listed(db, user, user.organisation_id, True)
    return user


def names(found) -> list[str]:
    return [e.company_name for e in found]


def refused(vi_text: str):
    """pytest.raises for a UserError whose Vietnamese message contains `vi_text`."""
    return pytest.raises(UserError, check=lambda exc: vi_text in exc.vi)


# ------------------------------------------------------------------------------------------- who is listed


def test_only_companies_that_agreed_and_hold_a_verified_certificate_in_force_are_listed(db):
    listed = listed_company(db, "Công ty Đạt Giải")
    silent = company(db, "Công ty Không Đồng Ý")
    certify(db, silent)  # verified, but never agreed
    statement = company(db, "Công ty Tự Đánh Giá")
    certify(db, statement, verified=False)  # a self-assessment statement is not an award
    suspended = listed_company(db, "Công ty Bị Đình Chỉ")
    registry.suspend_current(db, None, suspended.organisation_id, "a knock-out in version 2", "system")
    revoked = listed_company(db, "Công ty Bị Thu Hồi")
    registry.revoke(db, registry.current(db, None, revoked.organisation_id).id, "false declaration", "admin")
    expired = listed_company(db, "Công ty Hết Hạn", issued=TODAY - timedelta(days=800))
    never = company(db, "Công ty Chưa Có Gì")
    for user in (statement, never):
        register.set_listed(db, user, user.organisation_id, True)

    assert names(register.entries(db)) == ["Công ty Đạt Giải"]
    reasons = {u.organisation_id: register.listing_status(db, u.organisation_id)
               for u in (listed, silent, statement, suspended, revoked, expired, never)}
    assert [(s.opted_in, s.reason, s.shown) for s in reasons.values()] == [
        (True, "listed", True), (False, "listed", False), (True, "self_assessed", False),
        (True, "suspended", False), (True, "revoked", False), (True, "expired", False),
        (True, "no_certificate", False)]


def test_an_entry_says_only_what_the_company_agreed_to_show_and_links_to_the_verify_page(db, monkeypatch):
    from accreditation.verify import verify

    monkeypatch.setenv("ACCREDITATION_PUBLIC_URL", "https://award.example.vn")
    user = listed_company(db, "Công ty TNHH Gốm Bát Tràng", tier="pioneer", sector="handicraft",
                          province="Hà Nội")
    cert = registry.current(db, None, user.organisation_id)
    [entry] = register.entries(db)
    assert entry == register.Entry(user.organisation_id, "Công ty TNHH Gốm Bát Tràng", "Hà Nội", "handicraft",
                                   "pioneer", cert.issued, cert.expires, cert.id,
                                   f"https://award.example.vn/?verify={cert.id}")
    checked = verify(entry.verify_url, db)  # the link a reader follows says: valid, verified
    assert checked.ok and checked.assurance == "verified"


def test_a_province_is_shown_as_the_unit_it_belongs_to_since_2025(db):
    listed_company(db, "Công ty Bình Dương", province="Bình Dương")  # merged into Ho Chi Minh City
    assert [e.province for e in register.entries(db)] == ["Hồ Chí Minh"]


def test_the_company_approved_by_an_assessor_appears_once_it_agrees(tmp_path, monkeypatch):
    """The real path: submit (a statement: not listed), approve (a verified certificate: listed)."""
    from accreditation import review
    from seed import review_everything, submitted_assessment

    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db, sme, v1 = submitted_assessment(tmp_path, checked=True)
    register.set_listed(db, sme, sme.organisation_id, True)
    assert register.entries(db) == []
    assert register.listing_status(db, sme.organisation_id).reason == "self_assessed"

    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review_everything(db, assessor, v1["id"], C)
    cert = review.approve(db, assessor, v1["id"], C)
    [entry] = register.entries(db)
    assert (entry.company_name, entry.province, entry.sector, entry.tier, entry.certificate_id) == (
        "Công ty TNHH May mặc Thuận An Xanh", "Hồ Chí Minh", "garment", cert.tier, cert.id)


def test_opting_out_removes_the_company_at_once_and_each_change_is_audited(db):
    user = listed_company(db, "Công ty Rút Lại")
    assert names(register.entries(db)) == ["Công ty Rút Lại"]
    assert register.set_listed(db, user, user.organisation_id, False) is False
    assert register.entries(db) == [] and not register.is_listed(db, user.organisation_id)
    register.set_listed(db, user, user.organisation_id, False)  # again: nothing changes, nothing recorded
    register.set_listed(db, user, user.organisation_id, True)
    assert names(register.entries(db)) == ["Công ty Rút Lại"]
    trail = audit.entries(db, "organisation", user.organisation_id)
    assert [e["action"] for e in trail if e["action"].startswith("listing.")] == [
        "listing.opt_in", "listing.opt_out", "listing.opt_in"]


def test_a_certificate_is_listed_through_its_last_day_and_not_after(db):
    listed_company(db, "Công ty Sắp Hết Hạn")
    last = register.entries(db)[0].expires
    assert names(register.entries(db, as_of=last)) == ["Công ty Sắp Hết Hạn"]
    assert register.entries(db, as_of=last + timedelta(days=1)) == []


def test_a_new_verified_certificate_replaces_the_old_one_on_the_register(db):
    user = listed_company(db, "Công ty Tái Chứng Nhận", tier="pioneer")
    newer = certify(db, user, "champion")
    [entry] = register.entries(db)
    assert (entry.tier, entry.certificate_id) == ("champion", newer.id)


# ------------------------------------------------------------------------------------- search and filters

@pytest.fixture
def several(db):
    listed_company(db, "Công ty TNHH May mặc Thuận An Xanh", "champion", sector="garment",
                   province="Thành phố Hồ Chí Minh")
    listed_company(db, "Xưởng Gỗ Mỹ nghệ Đồng Kỵ", "pioneer", sector="wood", province="Bắc Ninh")
    listed_company(db, "Hợp tác xã Mây tre đan Phú Vinh", "committed", sector="handicraft", province="Hà Nội")
    return register.entries(db)


@pytest.mark.parametrize("text, filters, expected", [
    ("", {}, ["Công ty TNHH May mặc Thuận An Xanh", "Hợp tác xã Mây tre đan Phú Vinh", "Xưởng Gỗ Mỹ nghệ Đồng Kỵ"]),
    ("thuan an", {}, ["Công ty TNHH May mặc Thuận An Xanh"]),  # no accents typed
    ("ĐỒNG KỴ", {}, ["Xưởng Gỗ Mỹ nghệ Đồng Kỵ"]),
    ("dong ky", {}, ["Xưởng Gỗ Mỹ nghệ Đồng Kỵ"]),  # đ typed as d
    ("nowhere", {}, []),
    ("", {"provinces": ["Bắc Ninh"]}, ["Xưởng Gỗ Mỹ nghệ Đồng Kỵ"]),
    ("", {"sectors": ["handicraft", "garment"]}, ["Công ty TNHH May mặc Thuận An Xanh",
                                                  "Hợp tác xã Mây tre đan Phú Vinh"]),
    ("", {"tiers": ["champion", "pioneer"]}, ["Công ty TNHH May mặc Thuận An Xanh", "Xưởng Gỗ Mỹ nghệ Đồng Kỵ"]),
    ("cong ty", {"tiers": ["pioneer"]}, []),  # every filter applies
])
def test_search_ignores_accents_and_case_and_filters_combine(several, text, filters, expected):
    assert names(register.search(several, text, **filters)) == expected


def test_search_finds_a_certificate_id(several):
    wanted = several[1]
    assert register.search(several, wanted.certificate_id.lower()) == [wanted]


def test_the_csv_lists_what_the_page_shows_with_labels_and_dates_people_read(db, several):
    rows = list(csv.reader(io.StringIO(register.register_csv(several, "vi", C).decode("utf-8"))))
    assert rows[0][0].startswith("\ufeff")  # Excel reads Vietnamese with the byte-order mark
    assert [rows[0][0].lstrip("\ufeff"), *rows[0][1:]] == [
        "Doanh nghiệp", "Tỉnh, thành phố", "Ngành", "Hạng", "Hiệu lực đến", "Mã giấy chứng nhận",
        "Đường dẫn kiểm tra"]
    first = several[0]
    assert rows[1] == ["Công ty TNHH May mặc Thuận An Xanh", "Hồ Chí Minh", "Dệt may", "Điển hình",
                       first.expires.strftime("%d/%m/%Y"), first.certificate_id, first.verify_url]
    assert len(rows) == 4
    english = list(csv.reader(io.StringIO(register.register_csv(several[:1], "en", C).decode("utf-8-sig"))))
    assert english[0][0] == "Company" and english[1][3] == "Champion"


def test_a_name_a_spreadsheet_would_run_is_neutralised_in_the_csv(db):
    listed_company(db, "=HYPERLINK(\"http://evil.example\")")
    rows = list(csv.reader(io.StringIO(register.register_csv(register.entries(db), "vi", C).decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(\"http://evil.example\")"


# -------------------------------------------------------------------------------------------- award rounds


def open_2026(db, name: str = "Đợt 1 năm 2026", closes: date | None = None) -> dict:
    return register.open_round(db, admin(db), name, TODAY.year, date(TODAY.year, 1, 1),
                               closes or TODAY + timedelta(days=30))


def test_a_round_lists_the_pioneers_and_champions_best_first(db, several):
    found = register.candidates(db, open_2026(db)["id"])
    assert [(e.company_name, e.tier) for e in found] == [
        ("Công ty TNHH May mặc Thuận An Xanh", "champion"), ("Xưởng Gỗ Mỹ nghệ Đồng Kỵ", "pioneer")]


def test_publication_freezes_the_round_while_the_live_register_moves_on(db, several):
    first = open_2026(db)
    published = register.publish_round(db, admin(db), first["id"])
    assert published["status"] == "published" and published["published_at"]
    frozen = register.round_entries(db, first["id"])
    snapshot = [(r["position"], r["company_name"], r["province"], r["sector"], r["tier"]) for r in frozen]
    assert snapshot == [(1, "Công ty TNHH May mặc Thuận An Xanh", "Hồ Chí Minh", "garment", "champion"),
                        (2, "Xưởng Gỗ Mỹ nghệ Đồng Kỵ", "Bắc Ninh", "wood", "pioneer")]

    # afterwards: the champion withdraws, the pioneer's certificate is revoked, a new champion arrives
    champion = several[0].organisation_id
    user = accounts.get_actor(db, db.execute("SELECT id FROM users WHERE organisation_id = ?",
                                             [champion]).fetchone()[0])
    register.set_listed(db, user, champion, False)
    pioneer = next(e for e in several if e.tier == "pioneer")
    registry.revoke(db, pioneer.certificate_id, "false declaration", "admin")
    listed_company(db, "Công ty Mới Đạt Giải", "champion")
    db["organisations"].update(champion, {"name": "Tên mới"})

    assert names(register.entries(db)) == ["Công ty Mới Đạt Giải", "Hợp tác xã Mây tre đan Phú Vinh"]  # live
    assert register.round_entries(db, first["id"]) == frozen  # history stays as announced
    with refused("đã được công bố"):
        register.publish_round(db, admin(db), first["id"])
    assert register.round_entries(db, first["id"]) == frozen
    assert [e["action"] for e in audit.entries(db, "award_round", first["id"])] == ["round.open", "round.publish"]


def test_a_certificate_issued_after_the_round_closed_belongs_to_the_next_round(db):
    round_ = open_2026(db, closes=TODAY - timedelta(days=10))
    listed_company(db, "Công ty Cũ", issued=TODAY - timedelta(days=20))
    listed_company(db, "Công ty Mới", issued=TODAY)
    assert names(register.candidates(db, round_["id"])) == ["Công ty Cũ"]


def test_a_certificate_that_expires_before_the_round_opens_is_not_a_candidate(db):
    listed_company(db, "Công ty Còn Lâu", months=24)
    listed_company(db, "Công ty Sắp Hết", months=2)
    opens = TODAY + timedelta(days=90)  # the 2-month certificate has lapsed by then
    round_ = register.open_round(db, admin(db), "Đợt sau", opens.year, opens, opens + timedelta(days=180))
    assert names(register.candidates(db, round_["id"])) == ["Công ty Còn Lâu"]
    assert names(register.entries(db)) == ["Công ty Còn Lâu", "Công ty Sắp Hết"]  # both on the register today


def test_a_round_without_candidates_is_not_published(db):
    listed_company(db, "Công ty Cam Kết", "committed")  # listed, but not a pioneer or champion
    round_ = open_2026(db)
    with refused("chưa có doanh nghiệp nào đủ điều kiện"):
        register.publish_round(db, admin(db), round_["id"])
    assert register.get_round(db, round_["id"])["status"] == "open"
    assert register.round_entries(db, round_["id"]) == []


def test_an_open_round_can_be_deleted_and_its_name_used_again_a_published_one_never(db, several):
    mistyped = open_2026(db)
    assert register.cancel_round(db, admin(db), mistyped["id"])["name"] == "Đợt 1 năm 2026"
    assert register.rounds(db) == []
    assert [e["action"] for e in audit.entries(db, "award_round", mistyped["id"])] == ["round.open", "round.cancel"]
    again = open_2026(db)  # the name is free again
    register.publish_round(db, admin(db), again["id"])
    with refused("đã được công bố"):
        register.cancel_round(db, admin(db), again["id"])
    assert len(register.round_entries(db, again["id"])) == 2


@pytest.mark.parametrize("name, year, opens, closes, message", [
    ("  ", 2026, date(2026, 1, 1), date(2026, 12, 31), "hãy đặt tên"),
    ("Đợt 2", 2026, date(2026, 6, 1), date(2026, 5, 31), "ngày kết thúc"),
    ("Đợt 2", 1850, date(2026, 1, 1), date(2026, 12, 31), "năm 1850"),
    ("đợt 1 NĂM 2026", 2026, date(2026, 1, 1), date(2026, 12, 31), "đã có đợt"),  # the same name, other case
])
def test_a_round_with_bad_details_is_refused_with_a_message(db, name, year, opens, closes, message):
    open_2026(db)
    with refused(message):
        register.open_round(db, admin(db), name, year, opens, closes)
    assert len(register.rounds(db)) == 1


# ------------------------------------------------------------------------------------------------ guards


@pytest.mark.parametrize("email", ["assessor@demo.vn", "brand@demo.vn", "admin@demo.vn", "authority@demo.vn",
                                   "association@demo.vn", "other"])
def test_only_the_company_itself_may_list_or_unlist_it(db, email):
    user = listed_company(db, "Công ty Của Mình")
    actor = company(db, "Công ty Khác") if email == "other" else accounts.user_for_email(db, email)
    for wanted in (False, True):
        with pytest.raises(UserError):
            register.set_listed(db, actor, user.organisation_id, wanted)
    assert register.is_listed(db, user.organisation_id)


@pytest.mark.parametrize("email", ["sme@demo.vn", "assessor@demo.vn", "brand@demo.vn", "authority@demo.vn",
                                   "association@demo.vn"])
def test_only_the_administrator_opens_publishes_and_deletes_rounds(db, email, several):
    actor = accounts.user_for_email(db, email)
    with pytest.raises(UserError):
        register.open_round(db, actor, "Đợt lạ", 2026, date(2026, 1, 1), date(2026, 12, 31))
    round_ = open_2026(db)
    with pytest.raises(UserError):
        register.publish_round(db, actor, round_["id"])
    with pytest.raises(UserError):
        register.cancel_round(db, actor, round_["id"])
    assert [r["status"] for r in register.rounds(db)] == ["open"]
