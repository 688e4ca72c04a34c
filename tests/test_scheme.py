"""The scheme overview as data (accreditation.scheme): what the administrator sees, what an authority sees (small cells
suppressed, nothing recoverable by subtraction, its province only, never a company's name or answers), the figures
against an oracle that reads the stored results in Python, the files, the guards; and an association's portfolio
(members that share with it, as with a brand)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from accreditation import accounts, review, scheme, sharing, workflow
from accreditation import portfolio as pf
from accreditation.errors import UserError
from accreditation.permissions import can
from accreditation.scheme import export, suppression
from test_portfolio import C, TODAY, company, db, submitted  # noqa: F401 - db is a fixture

# ------------------------------------------------------------------------------------------- the suppression rule


@pytest.mark.parametrize("counts, of, hidden", [
    ([0, 1, 4, 5, 12], None, [False, True, True, False, False]),  # 1-4 hidden, zero shown
    # 7-6 = 1 company without: hidden too; 0 of 3 says all 3 have none
    ([6, 2, 0, 7, 0], [7, 20, 3, 7, 9], [True, True, True, False, False]),
])
def test_primary_hides_counts_of_one_to_four_companies_and_their_complements(counts, of, hidden):
    got = suppression.primary(pd.Series(counts), of=None if of is None else pd.Series(of))
    assert got.tolist() == hidden


@pytest.mark.parametrize("counts, total, hidden, total_hidden", [
    ([3, 10, 12], 25, [True, True, False], False),  # one hidden cell: the smallest other one goes too
    ([1, 1, 20, 30], 52, [True, True, True, False], False),  # 1 + 1 = 2 recoverable: hide on until it is 22
    ([3, 0, 0], 3, [True, False, False], True),  # a small total is hidden itself
    ([5, 6, 7], 18, [False, False, False], False),  # nothing small, nothing hidden
    ([2, 9, 0], 11, [True, True, False], False),
])
def test_nothing_hidden_can_be_recovered_from_the_total(counts, total, hidden, total_hidden):
    got, got_total = suppression.protect(pd.Series(counts), total)
    assert (got.tolist(), got_total) == (hidden, total_hidden)
    if not got_total and got.any():
        remainder = total - sum(c for c, h in zip(counts, got) if not h)
        assert got.sum() >= 2 and not suppression.small(remainder)


@pytest.mark.parametrize("workers, band", [(None, "unknown"), (0, "unknown"), (1, "micro"), (10, "micro"),
                                           (11, "small"), (100, "small"), (101, "medium"), (200, "medium"),
                                           (201, "large"), (850, "large")])
def test_size_bands_follow_decree_80_2021(workers, band):
    assert scheme.size_band(pd.Series([workers], dtype="Int64")).tolist() == [band]


# ------------------------------------------------------------------------------------------------- a seeded set

HCMC = "Hồ Chí Minh"


@pytest.fixture
def seeded(db):
    """Eleven companies: in Ho Chi Minh City 9 garment makers (7 strong answers, 2 failing with a knock-out; one of
    them registered under Bình Dương, merged into the city in 2025, and the spellings vary), in Hà Nội 2 wood
    workshops (middling); and one company that has not submitted. Returns {name: actor}."""
    made = {}
    spellings = ["TP. Hồ Chí Minh", "tp hcm", "Ho Chi Minh City", "Thành phố Hồ Chí Minh"]
    for i in range(8):
        name = f"Công ty May Sài Gòn {i}"
        made[name] = company(db, name, province=spellings[i % 4], sector="garment", size=50 + 40 * i,
                             legal_form="enterprise", tax_code=f"03{i:08d}")
        submitted(db, made[name], "failing" if i in (3, 6) else "strong")
    made["Công ty May Bình Dương"] = company(db, "Công ty May Bình Dương", province="Bình Dương", sector="garment",
                                             size=300, legal_form="enterprise")
    submitted(db, made["Công ty May Bình Dương"], "strong")
    for i in range(2):
        name = f"Hộ Gỗ Đồng Kỵ {i}"
        made[name] = company(db, name, province="Hà Nội", sector="wood", size=6, legal_form="household")
        submitted(db, made[name], "middling")
    made["Công ty Chưa Nộp"] = company(db, "Công ty Chưa Nộp", province="Hà Nội", sector="wood")
    return made


@pytest.fixture
def admin(db):
    return accounts.user_for_email(db, "admin@demo.vn")


@pytest.fixture
def authority(db):
    return accounts.user_for_email(db, "authority@demo.vn")  # national: the demo organisation has no province


def provincial(db, province: str) -> accounts.Actor:
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="authority", name=f"Sở {province}",
                                       province=province)
    uid = accounts.create_user(db, actor=accounts.SYSTEM, email=f"so{org}@gov.vn", password="long-enough",
                               role="authority", organisation_id=org)
    return accounts.get_actor(db, uid)


def row(table: pd.DataFrame, key: str) -> dict:
    """One row by its first column, each value as its column holds it (<NA> stays <NA>)."""
    hit = table[table.columns[0]] == key
    assert hit.sum() == 1, key
    return {c: table.loc[hit, c].iloc[0] for c in table.columns}


def counts(dash: scheme.Dashboard) -> list:
    """Every count cell of every table (rates left out)."""
    out = []
    for table in dash.tables().values():
        for column in table.columns:
            if str(table[column].dtype) == "Int64":
                out += table[column].tolist()
    return out


def test_the_administrator_sees_every_figure_unsuppressed(db, seeded, admin):
    dash = scheme.dashboard(db, admin)
    assert not dash.suppressed and dash.scope_province is None
    assert all(v is not pd.NA for v in counts(dash))
    head = dash.headline.set_index("measure")["value"].to_dict()
    assert head == {"registered": 13, "assessed": 11, "verified": 0, "self_assessed": 9, "with_knockout": 2}
    # 13 registered: the 12 seeded and the demo company; the former Bình Dương counts in Ho Chi Minh City
    by_province = dash.breakdowns["province"]
    assert row(by_province, HCMC)["companies"] == 9 and row(by_province, "Hà Nội")["companies"] == 2
    assert "Bình Dương" not in by_province["key"].tolist() and row(by_province, "total")["companies"] == 11
    assert len(by_province) == 34 + 2  # the 34 units, "unknown", total
    assert row(dash.breakdowns["legal_form"], "household")["companies"] == 2
    assert row(dash.breakdowns["formality"], "informal")["companies"] == 2
    sizes = {k: row(dash.breakdowns["size_band"], k)["companies"] for k in ("micro", "small", "medium", "large")}
    assert sizes == {"micro": 2, "small": 2, "medium": 2, "large": 5}  # 6; 50, 90; 130, 170; 210-330 and 300


def test_knock_out_rates_on_the_seeded_set(db, seeded, admin):
    dash = scheme.dashboard(db, admin)
    total = row(dash.breakdowns["province"], "total")
    assert (total["companies"], total["with_knockout"]) == (11, 2)
    assert total["knockout_rate"] == pytest.approx(2 / 11)
    city = row(dash.breakdowns["province"], HCMC)
    assert (city["with_knockout"], city["knockout_rate"]) == (2, pytest.approx(2 / 9))
    assert row(dash.breakdowns["sector"], "wood")["knockout_rate"] == 0
    assert row(dash.breakdowns["tier"], "not_eligible")["with_knockout"] == 2
    assert dash.headline.set_index("measure").loc["with_knockout", "rate"] == pytest.approx(2 / 11)


def test_indicator_figures_match_the_stored_results(db, seeded, admin):
    """Oracle: each company's latest submitted result, parsed in Python."""
    dash = scheme.dashboard(db, admin)
    results = [workflow.stored_result(workflow.latest(db, a.organisation_id)) for a in seeded.values()
               if workflow.latest(db, a.organisation_id)]
    expected_not_met: dict[str, int] = {}
    expected_full: dict[str, int] = {}
    for result in results:
        for ind in result.indicators:
            if ind.status == "answered" and ind.max_points > 0 and ind.points <= 0:
                expected_not_met[ind.id] = expected_not_met.get(ind.id, 0) + 1
            if ind.section == "TRN" and ind.status == "answered" and ind.answer in ("yes", "annually"):
                expected_full[ind.id] = expected_full.get(ind.id, 0) + 1
    got = {r["indicator"]: r["not_met"] for r in dash.not_met.to_dict("records") if r["not_met"]}
    assert got == expected_not_met
    rates = dash.not_met["rate"].tolist()
    assert rates == sorted(rates, reverse=True)  # ranked
    training = dash.training.set_index("indicator")
    assert {i: training.loc[i, "full"] for i in training.index if training.loc[i, "full"]} == expected_full
    assert training.loc["TRN-01", "answered"] == 11
    assert training.loc["TRN-01", "share_full"] == pytest.approx(expected_full["TRN-01"] / 11)


def test_indicators_adjusted_by_assessors_come_from_the_review(db, seeded, admin):
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    latest = workflow.latest(db, seeded["Công ty May Sài Gòn 0"].organisation_id)
    review.start(db, assessor, latest["id"])
    review.review_indicator(db, assessor, latest["id"], "POL-01", "adjust", "partly", "Chưa có chữ ký lãnh đạo.", C)
    review.review_indicator(db, assessor, latest["id"], "POL-02", "accept", None, "", C)
    adjusted = scheme.dashboard(db, admin).adjusted.set_index("indicator")
    assert adjusted.loc["POL-01", ["reviewed", "adjusted"]].tolist() == [1, 1]
    assert adjusted.loc["POL-02", ["reviewed", "adjusted"]].tolist() == [1, 0]
    assert adjusted.index[0] == "POL-01"  # most often adjusted first


def test_an_authority_never_sees_a_cell_of_fewer_than_five_companies(db, seeded, authority):
    dash = scheme.dashboard(db, authority)
    assert dash.suppressed
    assert all(v is pd.NA or v == 0 or v >= suppression.THRESHOLD for v in counts(dash))
    by_province = dash.breakdowns["province"]
    # Hà Nội's 2 are hidden, and so is the city's 9: 11 minus the city would give Hà Nội back
    assert row(by_province, "Hà Nội")["companies"] is pd.NA and row(by_province, HCMC)["companies"] is pd.NA
    assert row(by_province, "total")["companies"] == 11
    assert row(by_province, "total")["with_knockout"] is pd.NA  # 2 companies
    assert pd.isna(row(by_province, HCMC)["knockout_rate"])
    head = dash.headline.set_index("measure")["value"]
    assert head["assessed"] == 11 and head["with_knockout"] is pd.NA
    assert head["registered"] is pd.NA  # 13 - 11 = 2 companies without a submission
    trn = dash.training.set_index("indicator")
    assert trn.loc["TRN-01", "answered"] == 11


def test_no_hidden_cell_can_be_worked_out_from_a_total(db, seeded, authority):
    dash = scheme.dashboard(db, authority)
    tables = [(t, c) for t in dash.breakdowns.values() for c in ("companies", "with_knockout")]
    tables += [(dash.trends, c) for c in ("submitted", "first_time", "approved", "rejected")]
    for table, column in tables:
        cells, total = table[column].iloc[:-1], table[column].iloc[-1]
        if total is pd.NA or not cells.isna().any():
            continue
        assert cells.isna().sum() >= 2, (table.columns[0], column)
        assert not suppression.small(total - cells.dropna().sum()), (table.columns[0], column)


def test_a_provincial_authority_sees_its_province_only(db, seeded):
    city = provincial(db, "TP.HCM")
    dash = scheme.dashboard(db, city)
    assert dash.scope_province == HCMC
    assert dash.breakdowns["province"]["key"].tolist() == [HCMC, "total"]
    assert row(dash.breakdowns["province"], "total")["companies"] == 9
    assert row(dash.breakdowns["sector"], "garment")["companies"] == 9
    assert row(dash.breakdowns["sector"], "wood")["companies"] == 0  # Hà Nội's workshops are not counted
    assert scheme.provinces_for(db, city) == [HCMC]
    # asking for another province gives nothing, not that province
    other = scheme.dashboard(db, city, provinces=["Hà Nội"])
    assert row(other.breakdowns["province"], "total")["companies"] == 0
    hanoi = scheme.dashboard(db, provincial(db, "Hà Nội"))
    assert row(hanoi.breakdowns["province"], "total")["companies"] is pd.NA  # 2: too few to show at all


def names_and_codes(seeded, db) -> list[str]:
    out = []
    for name, actor in seeded.items():
        org = db["organisations"].get(actor.organisation_id)
        out += [name, actor.email] + ([org["tax_code"]] if org.get("tax_code") else [])
    return out


def test_an_authority_receives_aggregates_only_never_a_name(db, seeded, authority):
    city = provincial(db, "Hồ Chí Minh")
    secrets = names_and_codes(seeded, db)
    for actor in (authority, city):
        dash = scheme.dashboard(db, actor)
        for title, table in dash.tables().items():
            assert not {"organisation_id", "assessment_id", "company", "tax_code", "name"} & set(table.columns)
            text = table.to_csv()
            assert not [s for s in secrets if s in text], title
        files = export.export_csv(actor, dash, "vi", C).decode("utf-8-sig")
        book = openpyxl.load_workbook(io.BytesIO(export.export_xlsx(actor, dash, "en", C)))
        cells = " ".join(str(v) for ws in book for r in ws.iter_rows(values_only=True) for v in r)
        assert not [s for s in secrets if s in files or s in cells]


def test_the_quarter_range_counts_the_latest_submission_in_it(db, seeded, admin):
    # two Hà Nội workshops submitted a year earlier
    for name in ("Hộ Gỗ Đồng Kỵ 0", "Hộ Gỗ Đồng Kỵ 1"):
        latest = workflow.latest(db, seeded[name].organisation_id)
        db["assessments"].update(latest["id"], {"submitted_at": f"{TODAY.year - 1}-02-10T08:00:00+00:00"})
    this = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"
    earlier = f"{TODAY.year - 1}-Q1"
    assert scheme.quarters(db, admin) == [earlier, this]
    everything = scheme.dashboard(db, admin)
    assert everything.trends["quarter"].iloc[0] == earlier and everything.trends["quarter"].iloc[-2] == this
    trends = everything.trends.set_index("quarter")
    assert (trends.loc[earlier, "submitted"], trends.loc[this, "submitted"], trends.loc["total", "first_time"]) == (
        2, 9, 11)
    only_then = scheme.dashboard(db, admin, quarter_from=earlier, quarter_to=earlier)
    assert row(only_then.breakdowns["province"], "total")["companies"] == 2
    only_now = scheme.dashboard(db, admin, quarter_from=this, quarter_to=this)
    assert row(only_now.breakdowns["province"], "total")["companies"] == 9
    with pytest.raises(UserError):
        scheme.dashboard(db, admin, quarter_from=this, quarter_to=earlier)
    with pytest.raises(UserError):
        scheme.dashboard(db, admin, quarter_from="2026-Q5")


def test_a_draft_never_counts_only_the_latest_submitted_version(db, seeded, admin):
    actor = seeded["Công ty May Sài Gòn 0"]
    draft = workflow.start_draft(db, actor, actor.organisation_id, C)
    workflow.save_answer(db, actor, draft["id"], "YW-01", "found", C)  # a knock-out, in a draft only
    dash = scheme.dashboard(db, admin)
    assert row(dash.breakdowns["province"], "total")["with_knockout"] == 2


def test_the_files_hold_the_page_s_figures_with_suppressed_cells_as_words(db, seeded, authority, admin):
    dash = scheme.dashboard(db, authority)
    text = export.export_csv(authority, dash, "vi", C).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0].startswith("# Giải thưởng")
    assert any("dưới 5 doanh nghiệp" in line[0] for line in lines if line)
    header = lines.index(["Bảng", "Nhóm", "Số liệu", "Giá trị"])
    body = lines[header + 1:]
    hanoi = [r for r in body if r[0] == "Doanh nghiệp theo tỉnh, thành phố" and r[1] == "Hà Nội"
             and r[2] == "Doanh nghiệp"]
    assert hanoi == [["Doanh nghiệp theo tỉnh, thành phố", "Hà Nội", "Doanh nghiệp", "ẩn"]]
    book = openpyxl.load_workbook(io.BytesIO(export.export_xlsx(admin, scheme.dashboard(db, admin), "en", C)))
    assert book.sheetnames[:3] == ["Notes", "Summary", "Companies by province"]
    sheet = [r for r in book["Companies by province"].iter_rows(values_only=True)]
    assert sheet[0] == ("Province or city", "Companies", "Share of companies (%)", "With a knock-out",
                        "Knock-out rate (%)")
    assert ("Ho Chi Minh City", 9, 81.8, 2, 22.2) in sheet


@pytest.mark.parametrize("email", ["sme@demo.vn", "assessor@demo.vn", "brand@demo.vn", "association@demo.vn"])
def test_only_the_administrator_and_authorities_get_the_figures(db, admin, email):
    actor = accounts.user_for_email(db, email)
    dash = scheme.dashboard(db, admin)
    for call in (lambda: scheme.dashboard(db, actor), lambda: scheme.quarters(db, actor),
                 lambda: scheme.scope_of(db, actor), lambda: scheme.provinces_for(db, actor),
                 lambda: scheme.is_suppressed(actor), lambda: export.for_people(actor, dash, "vi", C),
                 lambda: export.notes(actor, dash, "vi"), lambda: export.export_csv(actor, dash, "vi", C),
                 lambda: export.export_xlsx(actor, dash, "vi", C)):
        with pytest.raises(UserError):
            call()


# ------------------------------------------------------------------------------------------------- associations


def test_an_association_sees_the_members_that_share_with_it_and_no_other(db):
    association = accounts.user_for_email(db, "association@demo.vn")
    assert "Hiệp hội Dệt May (demo)" in [b["name"] for b in sharing.brands(db)]
    member = company(db, "Công ty Dệt Hội Viên", province="Nam Định", sector="garment")
    submitted(db, member)
    sharing.share(db, member, member.organisation_id, invite_code="assoc-demo")
    listed = company(db, "Công ty Dệt Chọn Từ Danh Sách")
    submitted(db, listed)
    sharing.share(db, listed, listed.organisation_id, brand_id=association.organisation_id)
    outsider = company(db, "Công ty Dệt Không Chia Sẻ")
    submitted(db, outsider)
    sharing.share(db, outsider, outsider.organisation_id, invite_code="BRAND-DEMO")  # a brand, not the association

    df = pf.portfolio(db, association.organisation_id, TODAY)
    assert sorted(df["company"].tolist()) == ["Công ty Dệt Chọn Từ Danh Sách", "Công ty Dệt Hội Viên"]
    for assessment_id in df["assessment_id"]:
        assert can(association, "assessment.view", workflow.resource(db, workflow.get(db, int(assessment_id))))
    hidden = workflow.latest(db, outsider.organisation_id)
    assert not can(association, "assessment.view", workflow.resource(db, hidden))
    shares = sharing.list_shares(db, member.organisation_id)
    assert [(s["brand_name"], s["brand_kind"]) for s in shares] == [("Hiệp hội Dệt May (demo)", "association")]


def test_a_company_cannot_share_with_an_organisation_that_is_neither_a_brand_nor_an_association(db):
    sme = accounts.user_for_email(db, "sme@demo.vn")
    authority_org = accounts.user_for_email(db, "authority@demo.vn").organisation_id
    with pytest.raises(UserError):
        sharing.share(db, sme, sme.organisation_id, brand_id=authority_org)
    assert authority_org not in [b["id"] for b in sharing.brands(db)]
