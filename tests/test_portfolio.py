"""The brand portfolio as data: who is in it (shared, submitted, never drafts), certificate status and re-assessment
dates on an as-of date, risk levels, filters and sorting, and the CSV/XLSX exports with formula neutralisation.

The helpers at the top (`company`, `submitted`) are shared with test_sharing.py and test_app_brand.py."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from argon2 import PasswordHasher

from accreditation import accounts, checks, sharing, workflow
from accreditation import portfolio as pf
from accreditation.permissions import can
from accreditation.store import certificates as registry
from accreditation.store.db import open_db, write_tx
from criteria.datafiles import default_criteria

C = default_criteria()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = date.today()


def example(name: str) -> dict:
    doc = json.loads((EXAMPLES / f"{name}.json").read_text("utf-8"))
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in doc["answers"].items()}


def company(db, name: str, **fields) -> accounts.Actor:
    """A company with one HR user; returns the user."""
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name=name, **fields)
    email = f"hr{org}@example.vn"
    uid = accounts.create_user(db, actor=accounts.SYSTEM, email=email, password="long-enough", role="sme",
                               organisation_id=org)
    return accounts.get_actor(db, uid)


# A supplier list row that the rules rate at each level (the tax code is filled in per row).
LEVEL_ROWS = {"low": "Nhà máy {n},{code},Hà Nội,Cơ khí,Ốc vít,1,Nhà máy,50,có,có,,không,,",
              "medium": "Xưởng {n},{code},Hà Nội,Cơ khí,Ốc vít,1,Xưởng,12,có,có,,không,,",
              "high": "Hộ {n},{code},Hà Nội,Thủ công,Đóng gói,1,Hộ kinh doanh,3,không,không,,không,,",
              "critical": "Hộ may {n},{code},Hà Nội,Dệt may,Thêu áo,2,Hộ kinh doanh,3,không,không,,không,,"}


def supplier_list(levels: dict[str, int]) -> bytes:
    """A supplier list (the template's columns) with `levels[level]` distinct suppliers at each level."""
    from scoring.tax_codes import check_digit

    header = (EXAMPLES.parent / "tests" / "data" / "suppliers_example.csv").read_text("utf-8-sig").splitlines()[0]
    lines, body = [header], 100_000_000
    for level, count in levels.items():
        for n in range(count):
            while check_digit(f"{body:09d}") is None:
                body += 1
            code = f"{body:09d}" + check_digit(f"{body:09d}")
            body += 1
            lines.append(LEVEL_ROWS[level].format(n=f"{level} {n}", code=code))
    return ("\n".join(lines) + "\n").encode("utf-8")


def submitted(db, actor: accounts.Actor, answers: str = "strong", issued: date | None = None,
              supplier_levels: dict | None = None) -> dict:
    """Answer as an example does, optionally upload a supplier list with suppliers at the given levels (built and
    stored by the same library as the suppliers page), and submit: the library issues the self-assessment
    statement when eligible, dated `issued`."""
    draft = workflow.start_draft(db, actor, actor.organisation_id, C)
    workflow.save_answers(db, actor, draft["id"], example(answers), C)
    if supplier_levels is not None:
        record = checks.supplier_record(db, supplier_list(supplier_levels), "ncc.csv", TODAY)
        workflow.record_check(db, actor, draft["id"], record, C)
    done = workflow.submit(db, actor, draft["id"], C, issued=issued or TODAY)
    return workflow.get(db, done["id"])


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCREDITATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    database = open_db(tmp_path / "t.db")
    accounts.ensure_demo_data(database)
    yield database
    database.close()


@pytest.fixture
def brand(db):
    return accounts.user_for_email(db, "brand@demo.vn")


def share(db, actor, code="BRAND-DEMO"):
    return sharing.share(db, actor, actor.organisation_id, invite_code=code)


# ------------------------------------------------------------------------------------------------ who is in it


def test_the_brand_sees_shared_submitted_companies_only(db, brand):
    shared = company(db, "Công ty Chia Sẻ", province="Đồng Nai", sector="garment")
    submitted(db, shared)
    share(db, shared)
    unshared = company(db, "Công ty Không Chia Sẻ")
    submitted(db, unshared)
    draft_only = company(db, "Công ty Mới Nháp")
    workflow.start_draft(db, draft_only, draft_only.organisation_id, C)
    share(db, draft_only)
    other_brand = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="brand", name="Other Brand",
                                               invite_code="OTHER-1")
    elsewhere = company(db, "Công ty Nhãn Khác")
    submitted(db, elsewhere)
    sharing.share(db, elsewhere, elsewhere.organisation_id, brand_id=other_brand)

    df = pf.portfolio(db, brand.organisation_id, TODAY)
    assert df["company"].tolist() == ["Công ty Chia Sẻ"]
    assert df.attrs["awaiting"] == 1  # shared, nothing submitted yet: counted, not shown
    assert list(df.columns) == list(pf.COLUMNS)
    row = df.iloc[0]
    assert (row["status"], row["tier"], row["score"], row["verified"]) == ("submitted", "champion", 99.0, False)
    assert row["province"] == "Đồng Nai" and row["certificate_status"] == "active"


def test_a_newer_draft_never_shows_the_brand_keeps_seeing_the_submitted_version(db, brand):
    sme = company(db, "Công ty Phiên Bản")
    first = submitted(db, sme)
    share(db, sme)
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answer(db, sme, draft["id"], "YW-01", "found", C)  # a knock-out in the draft
    df = pf.portfolio(db, brand.organisation_id, TODAY)
    assert df["assessment_id"].tolist() == [first["id"]]
    assert df.iloc[0]["knockout_count"] == 0 and df.iloc[0]["version"] == 1


def test_a_withdrawn_share_disappears_from_the_portfolio(db, brand):
    sme = company(db, "Công ty Rút Lại")
    submitted(db, sme)
    row = share(db, sme)
    assert len(pf.portfolio(db, brand.organisation_id, TODAY)) == 1
    sharing.withdraw(db, sme, row["id"])
    df = pf.portfolio(db, brand.organisation_id, TODAY)
    assert df.empty and df.attrs["awaiting"] == 0


def test_every_row_is_one_the_permission_rules_let_the_brand_view(db, brand):
    for i, answers in enumerate(("strong", "middling", "failing")):
        sme = company(db, f"Công ty {i}")
        submitted(db, sme, answers)
        share(db, sme)
    hidden = company(db, "Công ty Ẩn")
    submitted(db, hidden)
    df = pf.portfolio(db, brand.organisation_id, TODAY)
    assert len(df) == 3
    for assessment_id in df["assessment_id"]:
        assert can(brand, "assessment.view", workflow.resource(db, workflow.get(db, int(assessment_id))))
    hidden_latest = workflow.latest(db, hidden.organisation_id)
    assert not can(brand, "assessment.view", workflow.resource(db, hidden_latest))


# ---------------------------------------------------------------------------------- certificates and due dates


def test_a_statement_is_shown_as_self_assessed_and_follows_the_registry_on_the_as_of_date(db, brand):
    sme = company(db, "Công ty Hết Hạn")
    issued = TODAY - timedelta(days=40)
    done = submitted(db, sme, issued=issued)
    share(db, sme)
    expires = registry.expiry_date(issued, C.settings.statement_validity_months)
    cert = registry.get(db, done["certificate_id"])
    assert cert.expires == expires and not cert.verified
    for as_of, status in ((TODAY, "active"), (expires, "active"), (expires + timedelta(days=1), "expired")):
        df = pf.portfolio(db, brand.organisation_id, as_of)
        row = df.iloc[0]
        assert row["certificate_status"] == status == cert.status(as_of)
        assert row["assurance"] == "self_assessed" and not pf.certified(df).any()  # never counted as certified
        assert row["certificate_expires"].date() == expires
        assert row["reassessment_due"].date() == expires and row["reassessment_basis"] == "certificate"
        assert row["reassessment_overdue"] == (status == "expired")
    registry.revoke(db, cert.id, "thử thu hồi", by="test")
    row = pf.portfolio(db, brand.organisation_id, TODAY).iloc[0]
    assert row["certificate_status"] == "revoked" == registry.get(db, cert.id).status(TODAY)
    assert row["certificate_id"] == cert.id  # no current document: the newest one, revoked
    assert row["reassessment_due"].date() == TODAY  # a revoked document: re-assess now


def approve(db, sme, assessment_id: int) -> registry.Certificate:
    """An assessor's full review of a submitted version (checks uploaded first), then approval."""
    from accreditation import review
    from seed import review_everything

    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review_everything(db, assessor, assessment_id, C)
    return review.approve(db, assessor, assessment_id, C, "Đạt.")


def checked_draft(db, sme, answers: str = "strong") -> dict:
    """A draft answered as an example, with a clean roster and supplier list uploaded (as an approval needs)."""
    from seed import record_checks

    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answers(db, sme, draft["id"], example(answers), C)
    workflow.add_evidence(db, sme, draft["id"], "POL-01", "chinh-sach.pdf", b"%PDF-1.4 policy", C)
    record_checks(db, sme, draft["id"], C)
    return draft


def test_only_a_verified_certificate_counts_as_certified_and_a_knockout_suspends_it(db, brand):
    sme = company(db, "Công ty Thẩm Định", tax_code="0100109106")
    draft = checked_draft(db, sme)
    statement = workflow.submit(db, sme, draft["id"], C)["certificate_id"]
    share(db, sme)
    df = pf.portfolio(db, brand.organisation_id, TODAY)
    assert (df.iloc[0]["assurance"], df.iloc[0]["certificate_status"]) == ("self_assessed", "active")
    assert pf.certified(df).sum() == 0
    cert = approve(db, sme, draft["id"])
    df = pf.portfolio(db, brand.organisation_id, TODAY)
    row = df.iloc[0]
    assert (row["certificate_id"], row["assurance"], row["certificate_status"]) == (cert.id, "verified", "active")
    assert pf.certified(df).sum() == 1 and registry.get(db, statement).status(TODAY) == "superseded"
    assert pd.isna(row["rejected_on"])

    # a later version with a knock-out (a 13-year-old on the roster) suspends the certificate at once
    from seed import ROSTER_HEADER, record_checks

    later = workflow.start_draft(db, sme, sme.organisation_id, C)
    child = ROSTER_HEADER + f"E-009,Lê Văn Nhỏ,02/10/{TODAY.year - 14},,01/06/{TODAY.year},Phụ việc,GENERAL,GENERAL,8,40,không,không,có,\n"
    record_checks(db, sme, later["id"], C, roster=child.encode("utf-8"), suppliers=None)
    workflow.submit(db, sme, later["id"], C)
    df = pf.portfolio(db, brand.organisation_id, TODAY)
    row = df.iloc[0]
    assert (row["certificate_id"], row["assurance"], row["certificate_status"]) == (cert.id, "verified",
                                                                                    "suspended")
    assert row["knockouts"] == "YW-01" and row["risk_level"] == "critical"
    assert row["reassessment_due"].date() == TODAY and pf.certified(df).sum() == 0
    assert pf.filter_portfolio(df, certificate_statuses=["suspended"])["company"].tolist() == ["Công ty Thẩm Định"]


def test_a_rejection_holds_until_a_later_version_is_approved(db, brand):
    from accreditation import review

    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    sme = company(db, "Công ty Bị Từ Chối", tax_code="0100233488")
    first = submitted(db, sme, "failing")
    share(db, sme)
    review.start(db, assessor, first["id"])
    review.reject(db, assessor, first["id"], "Trẻ 14 tuổi vận hành máy.", C)
    rejected_on = date.fromisoformat(workflow.get(db, first["id"])["decided_at"][:10])

    second = checked_draft(db, sme)  # edited and resubmitted: no statement while the rejection holds
    workflow.submit(db, sme, second["id"], C)
    row = pf.portfolio(db, brand.organisation_id, TODAY).iloc[0]
    assert (row["assessment_id"], row["status"], row["knockout_count"]) == (second["id"], "submitted", 0)
    assert row["rejected_on"].date() == rejected_on and row["rejection_knockouts"] == "YW-01"
    assert (row["assurance"], row["certificate_status"]) == ("none", "none")
    shown = pf.for_people(pf.portfolio(db, brand.organisation_id, TODAY), "en", C)
    assert shown.iloc[0]["Rejected on"].date() == rejected_on and shown.iloc[0]["Knock-outs at rejection"] == "YW-01"
    assert pf.filter_portfolio(pf.portfolio(db, brand.organisation_id, TODAY), rejected_only=True).shape[0] == 1

    approve(db, sme, second["id"])
    row = pf.portfolio(db, brand.organisation_id, TODAY).iloc[0]
    assert pd.isna(row["rejected_on"]) and pd.isna(row["rejection_knockouts"])
    assert (row["assurance"], row["certificate_status"]) == ("verified", "active")


def test_without_a_certificate_reassessment_is_due_twelve_months_after_the_submission(db, brand):
    sme = company(db, "Công ty Chưa Đạt")
    done = submitted(db, sme, "failing")
    share(db, sme)
    row = pf.portfolio(db, brand.organisation_id, TODAY).iloc[0]
    submitted_on = date.fromisoformat(done["submitted_at"][:10])
    assert row["certificate_status"] == "none" and pd.isna(row["certificate_expires"])
    assert row["assurance"] == "none"
    assert row["reassessment_due"].date() == registry.add_months(submitted_on, 12)
    assert row["reassessment_basis"] == "submission"
    # the months are the criteria setting, not a constant of the portfolio
    six = C.settings.model_copy(update={"reassess_without_document_months": 6})
    row = pf.portfolio(db, brand.organisation_id, TODAY, six).iloc[0]
    assert row["reassessment_due"].date() == registry.add_months(submitted_on, 6)


def test_a_later_version_with_a_knockout_suspends_the_statement_it_does_not_hide_it(db, brand):
    sme = company(db, "Công ty Hai Phiên Bản")
    first = submitted(db, sme)
    share(db, sme)
    second = submitted(db, sme, "failing")
    row = pf.portfolio(db, brand.organisation_id, TODAY).iloc[0]
    assert row["assessment_id"] == second["id"] and row["tier"] is pd.NA
    assert row["certificate_id"] == first["certificate_id"] and row["certificate_status"] == "suspended"


def test_a_document_recorded_without_its_organisation_is_found_through_the_assessment(db, brand):
    sme = company(db, "Công ty Cũ")
    done = submitted(db, sme)
    share(db, sme)
    with write_tx(db):
        db.execute("UPDATE certificates SET organisation_id = NULL WHERE id = ?", [done["certificate_id"]])
    row = pf.portfolio(db, brand.organisation_id, TODAY).iloc[0]
    assert (row["certificate_id"], row["assurance"]) == (done["certificate_id"], "self_assessed")


# ------------------------------------------------------------------------------------------ risk and privacy


def test_knockouts_top_risks_and_risk_levels(db, brand):
    failing = company(db, "A Failing")
    submitted(db, failing, "failing")
    share(db, failing)
    checked = company(db, "B Checked")
    submitted(db, checked, supplier_levels={"critical": 0, "high": 2, "medium": 5, "low": 10})
    share(db, checked)
    critical = company(db, "C Critical Suppliers")
    submitted(db, critical, supplier_levels={"critical": 2, "high": 3, "medium": 0, "low": 1})
    share(db, critical)
    plain = company(db, "D Plain")
    submitted(db, plain)
    share(db, plain)
    df = pf.portfolio(db, brand.organisation_id, TODAY).set_index("company")
    assert df.loc["A Failing", "knockouts"] == "YW-01" and df.loc["A Failing", "knockout_count"] == 1
    assert df.loc["A Failing", "top_risks"].startswith("YW-01 (critical), POL-01 (major)")
    assert df.loc["A Failing", "top_risks"].count(",") == pf.TOP_RISKS - 1
    assert df.loc["A Failing", "risk_level"] == "critical"  # a knock-out makes the risk critical
    assert df.loc["B Checked", "risk_level"] == "high"  # the highest level in its own supplier list
    assert df.loc["C Critical Suppliers", "risk_level"] == "critical"  # the case: it read "low"
    assert df.loc["D Plain", "risk_level"] == "not_checked"
    for name in ("B Checked", "C Critical Suppliers"):  # the level is the stored check's own
        stored = checks.latest(db, int(df.loc[name, "assessment_id"]), "suppliers")
        assert df.loc[name, "risk_level"] == checks.highest_level(stored.summary["by_level"])


@pytest.mark.parametrize("extracted, level", [
    ("[0,2,5,10]", "high"), ("[1,0,0,0]", "critical"), ("[0,0,0,3]", "low"), ("[0,0,0,0]", "low"),
    ("[0,0,7,null]", "medium"),
    ("[null,null,null,null]", None),  # a summary without level counts is unreadable, never "low"
    (None, None),  # no supplier check
])
def test_the_supplier_level_read_in_sql_is_the_check_s_highest_level(extracted, level):
    from accreditation.portfolio.query import _supplier_levels

    got = _supplier_levels(pd.Series([extracted], dtype="object")).iloc[0]
    assert (None if pd.isna(got) else got) == level
    if level is not None:
        assert checks.highest_level(json.loads(extracted)) == level


def test_a_personal_tax_code_is_masked(db, brand):
    household = company(db, "Hộ kinh doanh Bà Tư", tax_code="001085012345")
    submitted(db, household)
    share(db, household)
    df = pf.portfolio(db, brand.organisation_id, TODAY)
    assert df.iloc[0]["tax_code"] == "********2345"
    exported = pf.export_csv(pf.for_people(df, "vi", C)).decode("utf-8-sig")
    assert "001085012345" not in exported and "********2345" in exported


def test_the_drill_down_summaries_hold_counts_only(db):
    sme = company(db, "Công ty Kiểm Tra")
    done = submitted(db, sme, supplier_levels={"critical": 1, "high": 0, "medium": 0, "low": 3})
    summaries = pf.check_summaries(db, done["id"])
    assert summaries["roster"] is None
    assert summaries["suppliers"] == {"suppliers": 4, "as_of": TODAY.isoformat(), "level": "critical",
                                      "by_level": {"critical": 1, "high": 0, "medium": 0, "low": 3},
                                      "informal_units": 1}


# --------------------------------------------------------------------------------------- filters and sorting

FRAME = pd.DataFrame({
    "company": pd.Series(["Công ty Thuận An", "Xưởng Đá", "ANH EM", "Bình Minh"], dtype="string"),
    "tax_code": pd.Series(["3709123455", "0100109106", None, "0312345678"], dtype="string"),
    "tier": pd.Series(["champion", None, "committed", "pioneer"], dtype="string"),
    "score": [95.0, 20.0, 65.0, None],
    "risk_level": pd.Series(["low", "critical", "not_checked", "high"], dtype="string"),
    "risk_rank": [0, 3, -1, 2],
    "certificate_status": pd.Series(["active", "none", "expired", "revoked"], dtype="string"),
    "province": pd.Series(["Đồng Nai", "Tây Ninh", "Đồng Nai", None], dtype="string"),
    "sector": pd.Series(["garment", "furniture", "garment", "seafood"], dtype="string"),
    "knockout_count": [0, 1, 0, 0],
    "reassessment_due": pd.to_datetime(["2027-01-01", "2026-01-01", None, "2026-12-01"]),
    "certificate_expires": pd.to_datetime(["2027-01-01", None, "2025-01-01", "2026-12-01"]),
    "submitted": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]),
})


@pytest.mark.parametrize("kwargs, expected", [
    ({}, ["Công ty Thuận An", "Xưởng Đá", "ANH EM", "Bình Minh"]),
    ({"tiers": ["champion", "pioneer"]}, ["Công ty Thuận An", "Bình Minh"]),
    ({"tiers": [None]}, ["Xưởng Đá"]),  # not eligible
    ({"risk_levels": ["critical", "high"]}, ["Xưởng Đá", "Bình Minh"]),
    ({"certificate_statuses": ["expired", "revoked"]}, ["ANH EM", "Bình Minh"]),
    ({"provinces": ["Đồng Nai"], "sectors": ["garment"]}, ["Công ty Thuận An", "ANH EM"]),
    ({"search": "THUẬN an"}, ["Công ty Thuận An"]),  # case-folded, Vietnamese included
    ({"search": "anh em"}, ["ANH EM"]),
    ({"search": "0100109"}, ["Xưởng Đá"]),
    ({"knockouts_only": True}, ["Xưởng Đá"]),
    ({"due_within_days": 30, "as_of": date(2026, 11, 15)}, ["Xưởng Đá", "Bình Minh"]),
    ({"tiers": ["champion"], "risk_levels": ["critical"]}, []),
])
def test_filters(kwargs, expected):
    assert pf.filter_portfolio(FRAME, **kwargs)["company"].tolist() == expected


@pytest.mark.parametrize("by, descending, expected", [
    ("company", False, ["ANH EM", "Bình Minh", "Công ty Thuận An", "Xưởng Đá"]),
    ("score", True, ["Công ty Thuận An", "ANH EM", "Xưởng Đá", "Bình Minh"]),  # missing last
    ("tier", True, ["Công ty Thuận An", "Bình Minh", "ANH EM", "Xưởng Đá"]),  # band order, not eligible last
    ("risk_level", True, ["Xưởng Đá", "Bình Minh", "Công ty Thuận An", "ANH EM"]),  # not checked last
    ("certificate_expires", False, ["ANH EM", "Bình Minh", "Công ty Thuận An", "Xưởng Đá"]),
])
def test_sorting(by, descending, expected):
    out = pf.sort_portfolio(FRAME, by, descending, tier_order=[b.id for b in C.bands])
    assert out["company"].tolist() == expected


def test_sorting_refuses_an_unknown_key():
    with pytest.raises(ValueError):
        pf.sort_portfolio(FRAME, "tax_code")


def test_chart_counts_and_expiry_buckets():
    assert pf.counts(FRAME, "risk_level", pf.RISK_LEVELS)["count"].tolist() == [1, 1, 0, 1, 1]
    tiers = pf.counts(FRAME, "tier", ["champion", "pioneer", "committed", None])
    assert tiers["key"].tolist() == ["champion", "pioneer", "committed", None]  # None: not eligible
    assert tiers["count"].tolist() == [1, 1, 1, 1]
    frame = pd.DataFrame({"certificate_status": ["active"] * 5 + ["revoked"],
                          "days_to_expiry": pd.array([0, 30, 31, 90, 91, 10], dtype="Int64")})
    buckets = pf.expiry_buckets(frame, 90)
    assert buckets["key"].tolist() == ["0-30", "31-60", "61-90"]
    assert buckets["count"].tolist() == [2, 1, 1]  # 91 days out and the revoked one are not counted
    assert len(pf.expiring(frame, 90)) == 4


@pytest.mark.parametrize("days, spans, count, expiring", [
    (90, [(0, 30), (31, 60), (61, 90)], [2, 1, 1], 4),
    (60, [(0, 20), (21, 40), (41, 60)], [1, 2, 0], 3),  # the buckets follow the window
    (30, [(0, 10), (11, 20), (21, 30)], [1, 0, 1], 2),
    (2, [(0, 1), (2, 2)], [1, 0], 1),  # a window shorter than three spans: fewer, never empty ones
])
def test_the_expiry_window_is_the_criteria_setting_and_the_buckets_follow_it(days, spans, count, expiring):
    frame = pd.DataFrame({"certificate_status": ["active"] * 5 + ["revoked"],
                          "days_to_expiry": pd.array([0, 30, 31, 75, 91, 10], dtype="Int64")})
    buckets = pf.expiry_buckets(frame, days)
    assert list(zip(buckets["first"], buckets["last"])) == spans
    assert buckets["count"].tolist() == count and len(pf.expiring(frame, days)) == expiring
    assert C.settings.expiry_notice_days == 90  # what the page passes: the shipped criteria's setting


# --------------------------------------------------------------------------------------------------- exports

NASTY = ["=HYPERLINK(\"http://x\",\"y\")", "+84 912", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "Bình thường"]


def nasty_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": pd.Series(NASTY, dtype="string"),
        "score": [1.5, -2.0, 0.0, 100.0, None, 3.0, 7.25],
        "count": pd.array([1, -3, 0, 2, None, 5, 6], dtype="Int64"),
        "when": pd.to_datetime(["2026-01-02"] * 6 + [None]),
        "ok": [True, False, True, False, True, False, True],
    })


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("", ""), (-1.5, -1.5), (3, 3), (None, None),
])
def test_neutralise(value, expected):
    assert pf.neutralise(value) == expected


def test_csv_export_neutralises_formulas_and_keeps_numbers():
    data = pf.export_csv(nasty_frame())
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with a BOM correctly
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["name", "score", "count", "when", "ok"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in NASTY[:-1]] + ["Bình thường"]
    assert [r[1] for r in rows[1:]] == ["1.5", "-2.0", "0.0", "100.0", "", "3.0", "7.25"]
    assert rows[2][2] == "-3" and rows[5][2] == ""
    assert rows[1][3] == "02/01/2026" and rows[7][3] == "" and rows[1][4] == "có"  # for people: dd/mm/yyyy, words
    assert pf.export_csv(nasty_frame(), "en").decode("utf-8-sig").splitlines()[1].endswith(",yes")


def test_xlsx_export_neutralises_formulas_and_keeps_numbers_and_dates():
    from openpyxl.utils.escape import unescape

    wb = openpyxl.load_workbook(io.BytesIO(pf.export_xlsx(nasty_frame())))
    ws = wb.active
    cells = list(ws.iter_rows(values_only=False))
    assert [c.value for c in cells[0]] == ["name", "score", "count", "when", "ok"]
    assert all(c.data_type != "f" for row in cells for c in row)  # no formula anywhere
    names = [unescape(row[0].value) for row in cells[1:]]  # the CR is stored as the standard's _x000D_
    assert names == ["'" + v for v in NASTY[:-1]] + ["Bình thường"]
    assert [row[1].value for row in cells[1:]] == [1.5, -2, 0, 100, None, 3, 7.25]
    assert cells[2][2].value == -3 and isinstance(cells[2][2].value, int)
    assert cells[1][3].value.date() == date(2026, 1, 2) and cells[7][3].value is None
    assert cells[1][4].value is True
    assert ws.freeze_panes == "A2" and all(c.font.b for c in cells[0])  # a bold, frozen header
    assert cells[1][3].number_format == "dd/mm/yyyy"


def test_xlsx_readers_agree_cell_by_cell():
    """openpyxl and calamine (the app's own upload reader), neither of them LibreOffice, read the same values:
    text with quotes, backslashes, Vietnamese and a control character, numbers, dates, booleans, empty cells.
    A control character is stored as the standard's `_xHHHH_` escape, which calamine (and Excel) decode and
    openpyxl leaves to its own `unescape`."""
    from openpyxl.utils.escape import unescape
    from python_calamine import CalamineWorkbook

    frame = nasty_frame()
    frame["name"] = frame["name"].str.cat(["", 'a "q" \\ b', "Đồng Kỵ", "x\x01y", "", "", ""])
    data = pf.export_xlsx(frame)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    by_openpyxl = [[unescape(c.value) if isinstance(c.value, str) else c.value for c in row]
                   for row in ws.iter_rows()]
    by_calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(
        skip_empty_area=False)

    def same(a, b) -> bool:
        if isinstance(a, datetime):  # calamine gives a date for a whole day
            return isinstance(b, date) and pd.Timestamp(a) == pd.Timestamp(b)
        if a is None:
            return b in ("", None)
        if isinstance(a, bool) or isinstance(a, str):
            return type(a) is type(b) and a == b
        return isinstance(b, (int, float)) and not isinstance(b, bool) and float(a) == float(b)

    assert len(by_openpyxl) == len(by_calamine) == len(frame) + 1
    for r, (mine, theirs) in enumerate(zip(by_openpyxl, by_calamine)):
        assert len(theirs) == len(mine) and all(same(a, b) for a, b in zip(mine, theirs)), (r, mine, theirs)
    names = [row[0] for row in by_calamine[1:]]
    assert names[1:4] == ["'+84 912" + 'a "q" \\ b', "'-2+3Đồng Kỵ", "'@SUM(A1)x\x01y"]
    assert names[5] == "'\rCR"  # the carriage return kept, not read back as a line feed


def test_the_exported_portfolio_is_in_the_users_language_and_a_company_name_cannot_inject(db, brand):
    sme = company(db, "=cmd|' /C calc'!A0")
    submitted(db, sme)
    share(db, sme)
    df = pf.portfolio(db, brand.organisation_id, TODAY)
    vi = list(csv.reader(io.StringIO(pf.export_csv(pf.for_people(df, "vi", C)).decode("utf-8-sig"))))
    en = list(csv.reader(io.StringIO(pf.export_csv(pf.for_people(df, "en", C)).decode("utf-8-sig"))))
    assert vi[0][:3] == ["Doanh nghiệp", "Mã số thuế", "Tỉnh, thành phố"]
    assert en[0][:3] == ["Company", "Tax code", "Province or city"]
    assert vi[1][0] == "'=cmd|' /C calc'!A0"
    record = dict(zip(en[0], en[1]))
    assert record["Tier"] == "Champion" and record["Document status"] == "Active"
    assert record["Assurance"] == "Self-assessed – not verified"  # a statement, never shown as a certificate
    assert record["Rejected on"] == "" and record["Knock-outs at rejection"] == ""
    assert {"Mức bảo đảm", "Bị từ chối ngày", "Vi phạm loại trừ khi bị từ chối"} <= set(vi[0])
    assert dict(zip(vi[0], vi[1]))["Mức bảo đảm"] == "Tự đánh giá – chưa thẩm định"
    assert record["Status"] == "Submitted, awaiting review" and record["Score"] == "99.0"
    assert record["Main risks"] == "FAM-06 (minor), FAM-07 (minor)"
    assert dict(zip(vi[0], vi[1]))["Rủi ro chính"] == "FAM-06 (nhẹ), FAM-07 (nhẹ)"  # display.severity_label
    assert record["Top risk ids"] == "FAM-06 (minor), FAM-07 (minor)"  # the ids stay, as a secondary column
    assert all(not re.search(r"\b20\d\d-\d\d-\d\d", cell) for row in vi + en for cell in row)  # dd/mm/yyyy
    ws = openpyxl.load_workbook(io.BytesIO(pf.export_xlsx(pf.for_people(df, "en", C)))).active
    assert ws["A2"].value == "'=cmd|' /C calc'!A0" and ws["A2"].data_type == "s"


@pytest.mark.parametrize("stored, lang, shown", [
    ("YW-01 (critical), age.13_14_not_light (critical), POL-01 (major)", "vi",
     "YW-01 (nghiêm trọng), Trẻ 13–14 tuổi làm công việc ngoài danh mục công việc nhẹ (nghiêm trọng), "
     "POL-01 (quan trọng)"),
    ("SC-01 (major), age.hired_13_14 (major), age.hired_13_14 (major)", "en",
     "SC-01 (major), {hired} (major)"),  # the same rule twice (two workers) is one risk
    ("supplier_risk_critical (critical)", "vi", "Nhà cung cấp rủi ro nghiêm trọng (nghiêm trọng)"),
    ("supplier_risk_high (major)", "en", "Supplier at high risk (major)"),
    ("unknown.rule (minor)", "en", "unknown.rule (minor)"),
])
def test_top_risks_read_as_words_in_the_users_language(stored, lang, shown):
    from accreditation.wording import risk_list, rule_title

    assert risk_list(stored, lang) == shown.format(hired=rule_title("age.hired_13_14", "en"))
    assert "age." not in rule_title("age.hired_13_14", lang) and rule_title("age.hired_13_14", lang)


# ------------------------------------------------------------------------------------------------ caching key


def test_the_data_version_moves_with_what_the_brand_sees_not_with_draft_autosaves(db, brand):
    sme = company(db, "Công ty Phiên Bản Dữ Liệu")
    before = pf.data_version(db, brand.organisation_id)
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    workflow.save_answer(db, sme, draft["id"], "POL-01", "yes", C)
    assert pf.data_version(db, brand.organisation_id) == before  # drafts change nothing a brand sees
    share(db, sme)
    after_share = pf.data_version(db, brand.organisation_id)
    assert after_share != before
    for key, value in example("strong").items():
        workflow.save_answer(db, sme, draft["id"], key, value, C)
    done = workflow.submit(db, sme, draft["id"], C)  # issues the statement
    assert pf.data_version(db, brand.organisation_id) != after_share
    for change in ("suspended_at", "revoked_at"):  # written outside the app's audited path: still moves it
        moved = pf.data_version(db, brand.organisation_id)
        with write_tx(db):
            db.execute(f"UPDATE certificates SET {change} = ? WHERE id = ?", [f"{TODAY}T00:00:00+00:00",
                                                                               done["certificate_id"]])
        assert pf.data_version(db, brand.organisation_id) != moved


def test_result_fields_are_remembered_per_assessment_version_and_refreshed_when_it_changes(db, brand):
    sme = company(db, "Công ty Ghi Nhớ")
    done = submitted(db, sme)
    share(db, sme)
    first = pf.portfolio(db, brand.organisation_id, TODAY)
    assert first.iloc[0]["knockout_count"] == 0
    assert pf.portfolio(db, brand.organisation_id, TODAY).equals(first)  # the second read comes from the memo
    failing = pf_result("failing")
    with write_tx(db):  # an assessor's decision rewrites the stored result (as review.reject does)
        db["assessments"].update(done["id"], {"status": "rejected", "decided_at": "2099-01-01T00:00:00+00:00",
                                              "result": failing, "verified_total": 14.5, "verified_tier": None})
    row = pf.portfolio(db, brand.organisation_id, TODAY).iloc[0]
    assert (row["knockouts"], row["verified"], row["score"]) == ("YW-01", True, 14.5)


def pf_result(name: str) -> str:
    from scoring.answers import AnswerSet
    from scoring.engine import assess

    return assess(C, AnswerSet(values=example(name)), []).model_dump_json()
