"""Sharing with brands: by brand or invitation code, refusals (unknown code, twice, withdrawing what is not shared,
someone else's company), withdrawal, the audit trail, and what the permission rules then allow the brand."""

from __future__ import annotations

import pytest

from accreditation import accounts, sharing, workflow
from accreditation.errors import UserError
from accreditation.permissions import can
from accreditation.store import audit
from test_portfolio import C, brand, company, db, submitted  # noqa: F401 - db and brand are fixtures


@pytest.fixture
def sme(db):
    return accounts.user_for_email(db, "sme@demo.vn")


def test_the_list_holds_brands_and_associations_only_and_never_their_codes(db):
    accounts.create_organisation(db, actor=accounts.SYSTEM, kind="brand", name="An Phát Retail", invite_code="AP-2026")
    listed = sharing.brands(db)
    assert [(b["name"], b["kind"]) for b in listed] == [
        ("An Phát Retail", "brand"), ("Demo Apparel Brand Ltd.", "brand"), ("Hiệp hội Dệt May (demo)", "association")]
    assert all(set(b) == {"id", "name", "kind"} for b in listed)  # no invitation code, no chamber, no company


def test_share_by_brand_and_withdraw_with_audit_entries(db, sme, brand):
    row = sharing.share(db, sme, sme.organisation_id, brand_id=brand.organisation_id)
    assert (row["organisation_id"], row["brand_id"], row["withdrawn_at"]) == (
        sme.organisation_id, brand.organisation_id, None)
    assert [s["brand_name"] for s in sharing.list_shares(db, sme.organisation_id)] == ["Demo Apparel Brand Ltd."]
    assert sharing.shared_companies(db, brand.organisation_id) == [sme.organisation_id]
    gone = sharing.withdraw(db, sme, row["id"])
    assert gone["withdrawn_at"]
    assert sharing.list_shares(db, sme.organisation_id) == []
    assert len(sharing.list_shares(db, sme.organisation_id, include_withdrawn=True)) == 1
    assert sharing.shared_companies(db, brand.organisation_id) == []
    log = audit.entries(db, "share", row["id"])
    assert [e["action"] for e in log] == ["share.create", "share.withdraw"]
    assert all(e["actor"] == "sme@demo.vn" for e in log)


@pytest.mark.parametrize("code", ["BRAND-DEMO", " brand-demo ", "Brand - Demo".replace(" ", "")])
def test_share_by_invitation_code_ignores_case_and_spaces(db, sme, brand, code):
    row = sharing.share(db, sme, sme.organisation_id, invite_code=code)
    assert row["brand_id"] == brand.organisation_id


@pytest.mark.parametrize("code", ["NOPE-123", "BRAND-DEM"])
def test_an_unknown_invitation_code_is_refused_in_both_languages(db, sme, code):
    with pytest.raises(UserError) as info:
        sharing.share(db, sme, sme.organisation_id, invite_code=code)
    assert code in info.value.vi and "mã mời" in info.value.vi and "invitation code" in info.value.en
    assert db["shares"].count == 0


def test_a_company_code_is_not_a_brand_code(db, sme):
    accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name="Không phải nhãn hàng", invite_code="SME-CODE")
    with pytest.raises(UserError):
        sharing.share(db, sme, sme.organisation_id, invite_code="SME-CODE")


def test_sharing_twice_is_refused_however_the_brand_is_named(db, sme, brand):
    sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    with pytest.raises(UserError) as info:
        sharing.share(db, sme, sme.organisation_id, brand_id=brand.organisation_id)
    assert "đã chia sẻ" in info.value.vi and "already shares" in info.value.en
    assert db["shares"].count == 1


def test_after_withdrawing_the_company_can_share_again(db, sme, brand):
    first = sharing.share(db, sme, sme.organisation_id, brand_id=brand.organisation_id)
    sharing.withdraw(db, sme, first["id"])
    again = sharing.share(db, sme, sme.organisation_id, brand_id=brand.organisation_id)
    assert again["id"] != first["id"] and sharing.shared_companies(db, brand.organisation_id) == [sme.organisation_id]


def test_withdrawing_what_is_not_shared_is_refused(db, sme, brand):
    with pytest.raises(UserError):
        sharing.withdraw(db, sme, 999)
    row = sharing.share(db, sme, sme.organisation_id, brand_id=brand.organisation_id)
    sharing.withdraw(db, sme, row["id"])
    with pytest.raises(UserError) as info:
        sharing.withdraw(db, sme, row["id"])
    assert "không có chia sẻ" in info.value.vi and "no active share" in info.value.en


def test_neither_a_brand_nor_code_or_both_is_refused(db, sme, brand):
    with pytest.raises(UserError):
        sharing.share(db, sme, sme.organisation_id)
    with pytest.raises(UserError):
        sharing.share(db, sme, sme.organisation_id, brand_id=brand.organisation_id, invite_code="BRAND-DEMO")


def test_sharing_with_an_organisation_that_is_not_a_brand_is_refused(db, sme):
    with pytest.raises(UserError):
        sharing.share(db, sme, sme.organisation_id, brand_id=sme.organisation_id)


def test_only_the_company_itself_manages_its_shares(db, sme, brand):
    other = company(db, "Công ty Khác")
    with pytest.raises(UserError) as info:
        sharing.share(db, other, sme.organisation_id, invite_code="BRAND-DEMO")  # someone else's company
    assert "không có quyền" in info.value.vi
    with pytest.raises(UserError):
        sharing.share(db, brand, brand.organisation_id, invite_code="BRAND-DEMO")  # a brand shares nothing
    row = sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    for outsider in (other, brand):
        with pytest.raises(UserError):
            sharing.withdraw(db, outsider, row["id"])
    assert sharing.shared_companies(db, brand.organisation_id) == [sme.organisation_id]


def test_the_brand_may_view_a_submitted_result_only_while_it_is_shared(db, sme, brand):
    done = submitted(db, sme)
    assert not can(brand, "assessment.view", workflow.resource(db, done))
    row = sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    assert can(brand, "assessment.view", workflow.resource(db, done))
    draft = workflow.start_draft(db, sme, sme.organisation_id, C)
    assert not can(brand, "assessment.view", workflow.resource(db, draft))  # never a draft
    sharing.withdraw(db, sme, row["id"])
    assert not can(brand, "assessment.view", workflow.resource(db, done))
