"""Sharing and the brand portfolio in the app (AppTest): the company shares from its sharing page, the brand signs in,
sees the supplier, filters, drills down and downloads; who can reach which page; error paths without tracebacks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from apptest import ROOT, data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from accreditation import accounts, sharing, workflow
from accreditation.store.db import open_db
from accreditation.ui.app import allowed_pages
from test_portfolio import company, submitted


def database(data_dir):
    return open_db(data_dir / "accreditation.db")


def demo_sme_submits(data_dir, answers="strong"):
    """The demo company (created by the app's first run) submits a self-assessment, as the documents page does."""
    sign_in("sme@demo.vn")  # first run: demo data
    db = database(data_dir)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    return db, sme, submitted(db, sme, answers)


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_the_company_shares_with_the_invitation_code_and_the_brand_sees_it(data_dir):
    db, sme, done = demo_sme_submits(data_dir)
    at = goto(sign_in("sme@demo.vn"), "sharing")
    assert at.title[0].value == "Chia sẻ kết quả với nhãn hàng" and not at.exception
    assert "Doanh nghiệp chưa chia sẻ kết quả với nhãn hàng nào." in texts(at)
    at.radio(key="share_mode").set_value("code").run()
    at.text_input(key="share_code").input("brand-demo").run()
    button(at, "Chia sẻ").click().run()
    assert not at.exception
    assert "Đã chia sẻ kết quả với Demo Apparel Brand Ltd." in texts(at) and "Ltd.." not in texts(at)
    assert "**Demo Apparel Brand Ltd.**" in texts(at)  # names are markdown-escaped

    # the brand's journey
    at = sign_in("brand@demo.vn")
    at = goto(at, "portfolio")
    assert not at.exception and not at.error
    assert at.title[0].value == "Danh mục nhà cung cấp"
    assert "**BRAND-DEMO**" in texts(at)  # the code to give to suppliers
    table = at.dataframe[0].value
    assert table["Doanh nghiệp"].tolist() == ["Công ty TNHH May mặc Thuận An Xanh"]
    assert table["Hạng"].tolist() == ["Điển hình"] and table["Tình trạng văn bản"].tolist() == ["Còn hiệu lực"]
    assert table["Mức bảo đảm"].tolist() == ["🟠 Tự đánh giá – chưa thẩm định"]  # amber: not verified
    assert [m.value for m in at.metric][:3] == ["1", "0", "1"]  # a statement is not counted as certified

    # filter: a risk level the supplier does not have, then back
    at.multiselect(key="pf_risk").set_value(["critical"]).run()
    assert "Không có nhà cung cấp nào khớp với bộ lọc." in texts(at) and not at.exception
    at.multiselect(key="pf_risk").set_value([]).run()
    at.text_input(key="pf_search").input("thuận an").run()
    assert len(at.dataframe[0].value) == 1

    # drill-down
    at.selectbox(key="pf_supplier").set_value(done["id"]).run()
    assert not at.exception and not at.error
    page = texts(at)
    assert f"Tự đánh giá – chưa thẩm định {done['certificate_id']}: Còn hiệu lực" in page
    assert "Đây là bản tự đánh giá của doanh nghiệp: chưa có thẩm định viên nào thẩm định." in texts(at)
    assert "Không có vi phạm loại trừ." in page and "Chưa tải danh sách lao động." in page
    assert "Việc cần khắc phục trước" in page

    # downloads: labels and a click (the bytes are tested in test_portfolio.py)
    assert [b.label for b in at.get("download_button")] == ["Tải CSV", "Tải Excel (XLSX)"]
    at.get("download_button")[0].click().run()
    assert not at.exception


def test_the_brand_never_sees_drafts_unshared_companies_or_withdrawn_shares(data_dir):
    db, sme, done = demo_sme_submits(data_dir)
    lonely = company(db, "Công ty Không Chia Sẻ")
    submitted(db, lonely)
    drafty = company(db, "Công ty Chỉ Có Nháp")
    workflow.start_draft(db, drafty, drafty.organisation_id, workflow_criteria())
    sharing.share(db, drafty, drafty.organisation_id, invite_code="BRAND-DEMO")
    row = sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")

    at = goto(sign_in("brand@demo.vn"), "portfolio")
    assert at.dataframe[0].value["Doanh nghiệp"].tolist() == ["Công ty TNHH May mặc Thuận An Xanh"]
    assert "1 doanh nghiệp đã chia sẻ nhưng chưa nộp kết quả" in texts(at)
    assert "Công ty Không Chia Sẻ" not in texts(at) and "Công ty Chỉ Có Nháp" not in texts(at)

    # the company withdraws from its page; the brand's next rerun no longer shows it
    sme_at = goto(sign_in("sme@demo.vn"), "sharing")
    sme_at.button(key=f"withdraw:{row['id']}").click().run()
    sme_at.button(key=f"withdraw-yes:{row['id']}").click().run()  # withdrawing asks once more
    assert "Đã rút lại chia sẻ với Demo Apparel Brand Ltd." in texts(sme_at)
    assert "Doanh nghiệp chưa chia sẻ kết quả với nhãn hàng nào." in texts(sme_at)
    at.run()
    assert not at.dataframe and "Chưa có nhà cung cấp nào chia sẻ kết quả đã nộp" in texts(at)


def workflow_criteria():
    from criteria.datafiles import default_criteria

    return default_criteria()


def test_the_company_picks_a_brand_from_the_list(data_dir):
    sign_in("sme@demo.vn")
    db = database(data_dir)
    brand_id = accounts.user_for_email(db, "brand@demo.vn").organisation_id
    at = goto(sign_in("sme@demo.vn"), "sharing")
    assert "Doanh nghiệp chưa nộp bản tự đánh giá nào" in texts(at)
    at.selectbox(key="share_brand").set_value(brand_id).run()
    button(at, "Chia sẻ").click().run()
    assert "Đã chia sẻ kết quả với Demo Apparel Brand Ltd." in texts(at) and "Ltd.." not in texts(at)
    assert sharing.shared_companies(db, brand_id) == [accounts.user_for_email(db, "sme@demo.vn").organisation_id]
    left = at.selectbox(key="share_brand").options  # the brand left the list; the association stays
    assert not any("Demo Apparel" in o for o in left) and any("Hiệp hội Dệt May" in o for o in left), left


@pytest.mark.parametrize("code, message", [
    ("NOT-A-CODE", "Không có nhãn hàng nào với mã mời \"NOT-A-CODE\""),  # a page message: a capital letter
    ("", "Hãy chọn một nhãn hàng hoặc nhập mã mời"),
])
def test_a_bad_invitation_code_gives_a_message_not_a_traceback(data_dir, code, message):
    at = goto(sign_in("sme@demo.vn"), "sharing")
    at.radio(key="share_mode").set_value("code").run()
    at.text_input(key="share_code").input(code).run()
    button(at, "Chia sẻ").click().run()
    assert message in texts(at) and not at.exception


def test_sharing_twice_says_so(data_dir):
    sign_in("sme@demo.vn")
    db = database(data_dir)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    at = goto(sign_in("sme@demo.vn"), "sharing")
    at.radio(key="share_mode").set_value("code").run()
    at.text_input(key="share_code").input("BRAND-DEMO").run()
    button(at, "Chia sẻ").click().run()
    assert "Doanh nghiệp đã chia sẻ kết quả với Demo Apparel Brand Ltd." in texts(at) and not at.exception


def test_the_brand_page_in_english(data_dir):
    demo_sme_submits(data_dir)
    db = database(data_dir)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    at = sign_in("brand@demo.vn")
    at.segmented_control(key="lang_switch").set_value("en").run()
    at = goto(at, "portfolio")
    assert at.title[0].value == "Supplier portfolio" and not at.exception
    assert at.dataframe[0].value["Document status"].tolist() == ["Active"]
    assert at.dataframe[0].value["Assurance"].tolist() == ["🟠 Self-assessed – not verified"]
    assert "Re-assessment due = the document's expiry date" in texts(at)


# ------------------------------------------------------------------------------------------- who reaches what


def test_the_portfolio_is_not_listed_for_a_company_and_the_brand_cannot_reach_sharing(data_dir):
    sme_at = sign_in("sme@demo.vn")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        goto(sme_at, "portfolio")
    brand_at = sign_in("brand@demo.vn")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        goto(brand_at, "sharing")
    db = database(data_dir)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    brand = accounts.user_for_email(db, "brand@demo.vn")
    sme_urls, brand_urls = [p.url for p in allowed_pages(sme)], [p.url for p in allowed_pages(brand)]
    assert "sharing" in sme_urls and "portfolio" not in sme_urls
    assert "portfolio" in brand_urls and "sharing" not in brand_urls


@pytest.mark.parametrize("page, email", [("sharing", "brand@demo.vn"), ("portfolio", "sme@demo.vn"),
                                         ("portfolio", "assessor@demo.vn")])
def test_a_page_run_by_the_wrong_role_refuses_with_a_message(data_dir, page, email):
    """Defence in depth: even run directly (not through the router), each page asks `can` first."""
    sign_in(email)
    db = database(data_dir)
    actor = accounts.user_for_email(db, email)
    at = AppTest.from_file(str(ROOT / "accreditation" / "ui" / "pages" / f"{page}.py"), default_timeout=30)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Bạn không có quyền thực hiện việc này"]
    assert not at.dataframe and not at.title


def test_an_empty_portfolio_says_so(data_dir):
    at = goto(sign_in("brand@demo.vn"), "portfolio")
    assert "Chưa có nhà cung cấp nào chia sẻ kết quả đã nộp với quý công ty." in texts(at)
    assert not at.exception and not at.error


def test_paging_through_many_suppliers(data_dir):
    sign_in("brand@demo.vn")
    db = database(data_dir)
    brand_id = accounts.user_for_email(db, "brand@demo.vn").organisation_id
    rows = [{"kind": "sme", "name": f"Công ty {i:03d}", "created_at": "2026-01-01T00:00:00+00:00"}
            for i in range(60)]
    db["organisations"].insert_all(rows)
    orgs = [r[0] for r in db.execute("SELECT id FROM organisations WHERE name LIKE 'Công ty 0%'").fetchall()]
    db["assessments"].insert_all({"organisation_id": o, "version": 1, "criteria_version": "2026.1",
                                  "status": "submitted", "created_at": "2026-01-01", "submitted_at": "2026-01-02",
                                  "total": 50.0, "tier": None} for o in orgs)
    db["shares"].insert_all({"organisation_id": o, "brand_id": brand_id, "created_at": "2026-01-01"} for o in orgs)
    at = goto(sign_in("brand@demo.vn"), "portfolio")
    assert len(at.dataframe[0].value) == 50 and "50 trên 60 nhà cung cấp (trang 1/2)." in texts(at)
    at.number_input(key="pf_page").set_value(2).run()
    assert at.dataframe[0].value["Doanh nghiệp"].tolist() == [f"Công ty {i:03d}" for i in range(50, 60)]
    at.selectbox(key="pf_sort").set_value("company").run()
    at.toggle(key="pf_desc").set_value(True).run()
    assert at.dataframe[0].value["Doanh nghiệp"].tolist()[0] == "Công ty 009"
    at.selectbox(key="pf_supplier").select_index(0).run()
    assert not at.exception and not at.error


# ------------------------------------------------------------------------------ end to end: upload → portfolio


def test_a_supplier_list_uploaded_in_the_app_reaches_the_brand_with_the_check_s_own_levels(data_dir):
    """The issue's case: a company with critical and high-risk suppliers showed as "low" risk to its brand. The
    list goes through the suppliers page; the brand's level and drill-down counts are the stored check's."""
    from datetime import date

    from accreditation import checks
    from accreditation.i18n import catalog_text
    from accreditation.suppliers import check_suppliers
    from test_portfolio import C, example, supplier_list

    data = supplier_list({"critical": 2, "high": 3, "medium": 0, "low": 1})
    at = goto(sign_in("sme@demo.vn"), "suppliers")
    at.file_uploader[0].upload("nha_cung_cap.csv", data, "text/csv").run()
    assert not at.exception and not at.error, texts(at)
    db = database(data_dir)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.latest(db, sme.organisation_id)
    check = checks.latest(db, draft["id"], "suppliers")
    assert check.summary["by_level"] == check_suppliers(data, "x.csv", date.today()).summary.by_level == {
        "critical": 2, "high": 3, "medium": 0, "low": 1}
    workflow.save_answers(db, sme, draft["id"], example("strong"), C)
    sharing.share(db, sme, sme.organisation_id, invite_code="BRAND-DEMO")
    done = workflow.submit(db, sme, draft["id"], C)

    at = goto(sign_in("brand@demo.vn"), "portfolio")
    assert not at.exception and not at.error
    level = checks.highest_level(check.summary["by_level"])
    assert level == "critical" and workflow.stored_result(done).knockouts == []  # the level is the suppliers'
    assert at.dataframe[0].value["Mức rủi ro"].tolist() == [catalog_text(f"brand.risk.{level}", "vi")]
    at.selectbox(key="pf_supplier").set_value(done["id"]).run()
    assert not at.exception and not at.error
    page = texts(at)
    by_level = check.summary["by_level"]
    counts = ", ".join(f"{catalog_text(f'brand.risk.{k}', 'vi')} {by_level[k]}" for k in checks.LEVELS if by_level[k])
    assert f"Theo mức rủi ro: {counts}." in page  # Nghiêm trọng 2, Cao 3, Thấp 1
    assert f"Danh sách nhà cung cấp: {check.summary['suppliers']} nhà cung cấp" in page


def test_the_drill_down_shows_a_suspension_with_its_reason_and_a_standing_rejection(data_dir):
    from accreditation import review
    from seed import ROSTER_HEADER, record_checks
    from test_portfolio import C, share

    sign_in("brand@demo.vn")  # first run: demo accounts
    db = database(data_dir)
    suspended = company(db, "Công ty Tạm Đình Chỉ", tax_code="0100109106")
    first = submitted(db, suspended)
    later = workflow.start_draft(db, suspended, suspended.organisation_id, C)
    child = ROSTER_HEADER + "E-009,Lê Văn Nhỏ,02/10/2013,,01/06/2026,Phụ việc,GENERAL,GENERAL,8,40,không,không,có,\n"
    record_checks(db, suspended, later["id"], C, roster=child.encode("utf-8"), suppliers=None)
    knocked = workflow.submit(db, suspended, later["id"], C)
    share(db, suspended)
    rejected = company(db, "Công ty Bị Từ Chối", tax_code="0100233488")
    refused = submitted(db, rejected, "failing")
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review.start(db, assessor, refused["id"])
    review.reject(db, assessor, refused["id"], "Trẻ 14 tuổi vận hành máy.", C)
    again = submitted(db, rejected)
    share(db, rejected)

    at = goto(sign_in("brand@demo.vn"), "portfolio")
    table = at.dataframe[0].value.set_index("Doanh nghiệp")
    assert table.loc["Công ty Tạm Đình Chỉ", "Tình trạng văn bản"] == "🔴 Tạm đình chỉ"
    assert table.loc["Công ty Bị Từ Chối", "Vi phạm loại trừ khi bị từ chối"] == "YW-01"
    assert table.loc["Công ty Bị Từ Chối", "Mức bảo đảm"] == "Chưa có"  # no statement while the rejection holds

    at.selectbox(key="pf_supplier").set_value(knocked["id"]).run()
    assert not at.exception
    day = date.today().strftime("%d/%m/%Y")
    assert f"Tạm đình chỉ từ ngày {day}: phiên bản 2 có vi phạm loại trừ (YW-01)." in texts(at)
    assert f"Tự đánh giá – chưa thẩm định {first['certificate_id']}: Tạm đình chỉ" in texts(at)

    at.selectbox(key="pf_supplier").set_value(again["id"]).run()
    assert not at.exception
    assert f"Bị từ chối ngày {day}; vi phạm loại trừ: YW-01." in texts(at)


# ------------------------------------------------------------------ issue 12: words, charts and formats


def _charts(at) -> list[tuple[dict, Any]]:
    """(vega-lite spec, data) of each chart on the page."""
    import json

    import pyarrow as pa

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    out = []
    for e in walk(at._tree):
        if getattr(e, "type", "") == "vega_lite_chart":
            data = pa.ipc.open_stream(e.proto.datasets[0].data.data).read_pandas()
            out.append((json.loads(e.proto.spec), data))
    return out


def test_the_brand_page_speaks_vietnamese_and_its_charts_show_every_category_with_its_count(data_dir, monkeypatch):
    import re

    from accreditation.display import SEVERITY_COLOURS

    monkeypatch.setenv("ACCREDITATION_DEMO", "1")  # the four demo suppliers, each at another point
    at = goto(sign_in("brand@demo.vn"), "portfolio")
    assert not at.exception
    tiers, risks = _charts(at)[:2]
    for spec, data in (tiers, risks):
        bars, values = spec["layer"]
        assert values["mark"]["type"] == "text"  # the count is written on each bar
        y = bars["encoding"]["y"]
        assert y["axis"]["labelOverlap"] is False and y["axis"]["labelLimit"] == 0  # no label dropped or cut
        assert y["sort"] == data["label"].tolist()  # every category, in order, zero counts included
    assert tiers[1]["label"].tolist() == ["Điển hình", "Tiên phong", "Cam kết", "Chưa đủ điều kiện"]
    assert dict(zip(tiers[1]["label"], tiers[1]["count"])) == {"Điển hình": 2, "Tiên phong": 0, "Cam kết": 1,
                                                               "Chưa đủ điều kiện": 1}
    assert risks[1]["label"].tolist() == ["Nghiêm trọng", "Cao", "Trung bình", "Thấp",
                                          "Chưa có danh sách nhà cung cấp"]
    colour = risks[0]["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"][:4] == ["critical", "high", "medium", "low"]
    assert colour["range"][:4] == [SEVERITY_COLOURS[k][0] for k in ("critical", "high", "medium", "low")]
    # metrics: at most three side by side (six in a row cut "Chứng nhận đã thẩm …" at 1400 px)
    assert _metrics_per_row(at) == [3, 3]
    # the table: risks in words, no rule ids
    table = at.dataframe[0].value
    risks_col = " ".join(table["Rủi ro chính"].fillna(""))
    assert "age." not in risks_col and "(major)" not in risks_col and "(critical)" not in risks_col
    assert "(nghiêm trọng)" in risks_col
    # the drill-down: a Vietnamese placeholder, then words and dd/mm/yyyy
    assert at.selectbox(key="pf_supplier").placeholder == "Chọn một nhà cung cấp"
    db = database(data_dir)
    org = next(db["organisations"].rows_where("name = ?", ["Hợp tác xã Mây tre đan Phú Vinh"]))
    at.selectbox(key="pf_supplier").set_value(workflow.latest(db, org["id"])["id"]).run()
    assert not at.exception
    page = texts(at)
    assert "Bị từ chối ngày" in page and "Nghiêm trọng" in page
    assert "(months)" not in page and "{months}" not in page and "12 tháng sau lần nộp gần nhất" in page
    assert not re.search(r"\bage\.|supplier_risk_|\((critical|major|minor|high)\)", page), page
    assert not re.search(r"\b20\d\d-\d\d-\d\d", page), page  # dd/mm/yyyy only
    assert _metrics_per_row(at) == [3, 3, 2, 2]  # the supplier's scores, tier and document: none cut short


def _metrics_per_row(at) -> list[int]:
    """How many metrics stand side by side in each row of columns that holds metrics."""
    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    rows = []
    for node in walk(at._tree):
        kids = list(getattr(node, "children", {}).values())
        if kids and all(getattr(k, "type", "") == "column" for k in kids):
            metrics = [k for k in kids if any(getattr(e, "type", "") == "metric" for e in walk(k))]
            if metrics:
                rows.append(len(metrics))
    return rows


def test_the_brand_sees_corrective_action_counts_and_never_their_wording(data_dir):
    from accreditation import actions

    db, sme, done = demo_sme_submits(data_dir)
    sharing.share(db, sme, sme.organisation_id, brand_id=sharing.brand_for_code(db, "BRAND-DEMO")["id"])
    at = goto(sign_in("brand@demo.vn"), "portfolio")
    assert at.dataframe[0].value["Hành động khắc phục"].tolist() == ["0/2 đã xác minh"]
    first = actions.list_actions(db, sme.organisation_id)[0]
    actions.add_evidence(db, sme, first["id"], "quy-che.pdf", b"%PDF-1.4 policy")
    actions.update_status(db, sme, first["id"], "done")
    actions.verify(db, accounts.user_for_email(db, "assessor@demo.vn"), first["id"])
    at = goto(at, "portfolio")
    assert at.dataframe[0].value["Hành động khắc phục"].tolist() == ["1/2 đã xác minh"]
    at.selectbox(key="pf_supplier").set_value(done["id"]).run()
    assert not at.exception and not at.error
    page = texts(at)
    assert "2 hành động: 1 đã xác minh, 0 chờ xác minh, 0 đang thực hiện, 1 chưa bắt đầu, 0 quá hạn." in page
    assert "Phòng nhân sự" not in page  # an action's owner or wording is the company's, not the brand's


def test_the_brand_sees_open_child_labour_cases_as_a_count_and_an_age(data_dir):
    from datetime import timedelta

    from accreditation import cases

    db, sme, done = demo_sme_submits(data_dir)
    sharing.share(db, sme, sme.organisation_id, brand_id=sharing.brand_for_code(db, "BRAND-DEMO")["id"])
    at = goto(sign_in("brand@demo.vn"), "portfolio")
    at.selectbox(key="pf_supplier").set_value(done["id"]).run()
    assert "Không có vụ việc lao động trẻ em nào đang mở." in texts(at)
    cases.open_case(db, sme, sme.organisation_id, "E-014", date.today() - timedelta(days=12))
    at = goto(at, "portfolio")
    at.selectbox(key="pf_supplier").set_value(done["id"]).run()
    assert not at.exception and not at.error
    assert "Vụ việc lao động trẻ em đang mở: 1, lâu nhất: 12 ngày." in texts(at)
    assert "E-014" not in texts(at)  # never the employee code


def test_an_association_sees_the_members_that_shared_under_its_own_heading(data_dir):
    db, sme, done = demo_sme_submits(data_dir)
    sharing.share(db, sme, sme.organisation_id, invite_code="ASSOC-DEMO")
    at = goto(sign_in("association@demo.vn"), "portfolio")
    assert not at.exception and at.title[0].value == "Hội viên đã chia sẻ kết quả"
    assert "**ASSOC-DEMO**" in texts(at) and "nhà cung cấp" not in at.markdown[0].value
    assert at.dataframe[0].value["Doanh nghiệp"].tolist() == ["Công ty TNHH May mặc Thuận An Xanh"]
    assert at.metric[0].label == "Hội viên"  # members, not suppliers
