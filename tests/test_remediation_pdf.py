"""The remediation plan PDF, read back with pypdf and pdftotext."""

import io
import json
import re
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from accreditation.reports.remediation import fine_exposure, render_remediation_plan
from criteria.datafiles import default_criteria
from criteria.schema import Text
from scoring.answers import parse_answers_document
from scoring.engine import assess
from scoring.result import Action
from test_certificate_pdf import pdftotext

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = date(2026, 12, 5)
COMPANY = {"name": "Cơ sở Mây tre đan Phú Vinh – Đồ gỗ Mỹ nghệ Đồng Kỵ", "tax_code": "0108765438",
           "address": "Thôn Phú Vinh, xã Phú Nghĩa", "province": "Hà Nội"}


def example(name):
    criteria = default_criteria()
    answers = parse_answers_document(json.loads((EXAMPLES / f"{name}.json").read_text("utf-8")), criteria)
    return assess(criteria, answers), criteria, answers.company


def pages(pdf):
    return [re.sub(r"[ \t]+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(text):
    return re.sub(r"\s+", " ", text)


def child_action(**changes):
    base = dict(priority="critical", source="roster", rule="minimum_age", ref="row 12, employee E-014",
                finding=Text(vi="Người lao động 13 tuổi làm việc trong xưởng nhuộm",
                             en="A 13-year-old worker in the dyeing workshop"),
                action=Text(vi="Áp dụng quy trình bảo vệ trẻ em", en="Apply the child protection protocol"),
                legal_basis=Text(vi="Bộ luật Lao động 2019, Điều 143", en="Labour Code 2019, art. 143"),
                responsible=Text(vi="Giám đốc", en="Director"), evidence=Text(vi="Biên bản", en="Minutes"),
                deadline_days=0, fine_min_vnd=50_000_000, fine_max_vnd=75_000_000, child_protection=True)
    return Action(**{**base, **changes})


def numbered_actions(n, criteria):
    out = []
    for i in range(n):
        priority = ("critical", "major", "minor")[i % 3]
        out.append(Action(priority=priority, source="answers", indicator=f"IND-{i:02d}",
                          finding=Text(vi=f"Phát hiện số {i + 1}: thiếu hồ sơ độ tuổi", en=f"Finding no. {i + 1}"),
                          action=Text(vi=f"Việc số {i + 1}: lập sổ theo dõi", en=f"Action no. {i + 1}"),
                          responsible=Text(vi="Phòng nhân sự", en="HR department"),
                          evidence=Text(vi="Sổ theo dõi", en="Register"),
                          legal_basis=Text(vi="Điều 146", en="art. 146"),
                          deadline_days=criteria.priorities[priority].deadline_days))
    return out


def test_company_name_and_diacritics_come_back_exactly(tmp_path):
    result, criteria, _ = example("middling")
    pdf = render_remediation_plan(result, criteria, COMPANY, AS_OF)
    text = pages(pdf)
    assert COMPANY["name"] in text[0]
    assert COMPANY["name"] in flat(pdftotext(pdf, tmp_path))
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert COMPANY["name"] in meta.title and "VN-CLF-REF 2026.1" in meta["/Keywords"]
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "vi-VN"


def test_summary_comes_first_with_score_tier_and_counts():
    result, criteria, company = example("middling")
    first = flat(pages(render_remediation_plan(result, criteria, company, AS_OF))[0])
    assert "KẾ HOẠCH KHẮC PHỤC" in first and "REMEDIATION PLAN" in first
    assert f"{result.total:.1f} / 100" in first
    band = criteria.band(result.tier)
    assert band.label.vi in first and band.label.en in first
    assert first.index("KẾ HOẠCH KHẮC PHỤC") < first.index("Tóm tắt")
    assert "BẢO VỆ TRẺ EM" not in first


def test_not_eligible_knockouts_and_the_child_protocol_first():
    result, criteria, company = example("failing")
    first = flat(pages(render_remediation_plan(result, criteria, company, AS_OF))[0])
    assert "Chưa đủ điều kiện nhận chứng nhận" in first and "Not eligible for a certificate" in first
    assert "YW-01" in first
    # a declared knock-out is a child in unlawful work: the protocol opens the plan, before the summary
    assert first.index("BẢO VỆ TRẺ EM – LÀM NGAY") < first.index("Tóm tắt")
    for words in ("KHÔNG sa thải", "do NOT dismiss", "Tiếp tục trả lương", "Keep paying", "cha mẹ", "parents",
                  "111", "labour agency of the provincial People's Committee", "trở lại trường học",
                  "vocational training", "Theo dõi", "Follow up"):
        assert words in first, words


def test_roster_findings_open_the_protocol_and_name_workers_by_employee_id_only():
    criteria = default_criteria()
    result = assess(criteria, {})
    result = result.model_copy(update={"remediation": [child_action(), *result.remediation]})
    pdf = render_remediation_plan(result, criteria, COMPANY, AS_OF)
    text = flat(" ".join(pages(pdf)))
    assert text.index("BẢO VỆ TRẺ EM") < text.index("Tóm tắt")
    assert "Vị trí: dòng 12, nhân viên E-014" in text and "Where: row 12, employee E-014" in text
    assert "50.000.000 ₫ – 75.000.000 ₫" in text  # fine exposure in the summary and the row
    assert "Ngay lập tức" in text and "Hạn: 05/12/2026" in text  # deadline 0 days: due on the assessment date


def test_deadlines_come_from_the_criteria_priorities():
    criteria = default_criteria()
    result = assess(criteria, {}).model_copy(update={"remediation": numbered_actions(3, criteria)})
    text = flat(" ".join(pages(render_remediation_plan(result, criteria, COMPANY, AS_OF))))
    for pid, due in (("critical", "12/12/2026"), ("major", "04/01/2027"), ("minor", "05/03/2027")):
        level = criteria.priorities[pid]
        assert level.deadline.vi in text and level.deadline.en in text
        assert f"Hạn: {due}" in text and f"Due: {due}" in text


def test_eighty_actions_span_pages_with_numbering_and_repeated_headers():
    criteria = default_criteria()
    result = assess(criteria, {}).model_copy(update={"remediation": numbered_actions(80, criteria)})
    pdf = render_remediation_plan(result, criteria, COMPANY, AS_OF)
    texts = pages(pdf)
    n = len(texts)
    assert n >= 3
    for i, page in enumerate(texts, 1):
        assert f"Trang {i}/{n}" in page and f"Page {i}/{n}" in page
    table_pages = [p for p in texts if "Phát hiện số" in p]
    assert len(table_pages) >= 2
    for page in table_pages:  # the header row repeats on every page of the table
        assert "Việc cần làm" in page and "Required action" in page and "Legal basis" in page
    everything = flat(" ".join(texts))
    for i in range(1, 81):
        assert f"Phát hiện số {i}:" in everything and f"Việc số {i}:" in everything
    assert "80: 27 nghiêm trọng, 27 quan trọng, 26 cần cải thiện" in everything


def test_identical_input_gives_identical_bytes():
    result, criteria, company = example("failing")
    assert render_remediation_plan(result, criteria, company, AS_OF) == \
        render_remediation_plan(result, criteria, company, AS_OF)
    assert render_remediation_plan(result, criteria, company, AS_OF) != \
        render_remediation_plan(result, criteria, company, date(2026, 12, 6))


def test_nothing_to_do():
    criteria = default_criteria()
    result = assess(criteria, {}).model_copy(update={"remediation": []})
    text = flat(pages(render_remediation_plan(result, criteria, {}, AS_OF))[0])
    assert "Không có việc cần khắc phục" in text and "Nothing to remediate" in text


def test_fine_exposure_sums_ranges():
    assert fine_exposure([]) is None
    a = child_action()
    b = child_action(fine_min_vnd=1_000_000, fine_max_vnd=None)
    assert fine_exposure([a, b]) == (51_000_000, 76_000_000)


def test_the_plan_prints_the_assessor_s_review_and_the_dispute_deadline():
    from accreditation.reports.remediation import AssessorReview, ReviewNote

    result, criteria, _ = example("middling")
    fam = criteria.indicator("FAM-01")
    review = AssessorReview(
        decision=Text(vi="Không đạt", en="Rejected"), decided=date(2026, 12, 3), comment="Chính sách chưa được ký",
        notes=(ReviewNote(indicator="FAM-01", label=fam.label, declared=Text(vi="Có", en="Yes"),
                          adjusted=Text(vi="Không", en="No"), comment="Không thấy văn bản hỗ trợ"),),
        dispute_until=date(2026, 12, 17))
    text = flat(" ".join(pages(render_remediation_plan(result, criteria, COMPANY, AS_OF, review))))
    for words in ("Kết quả thẩm định", "The assessor's review", "Không đạt", "03/12/2026", "Chính sách chưa được ký",
                  "FAM-01", "Không thấy văn bản hỗ trợ", "17/12/2026"):
        assert words in text, words
    plain = flat(" ".join(pages(render_remediation_plan(result, criteria, COMPANY, AS_OF))))
    assert "The assessor's review" not in plain


def test_a_draft_plan_says_so_on_every_page_and_a_submitted_one_does_not():
    criteria = default_criteria()
    result = assess(criteria, {}).model_copy(update={"remediation": numbered_actions(40, criteria)})
    texts = pages(render_remediation_plan(result, criteria, COMPANY, AS_OF, draft=True))
    assert len(texts) >= 2
    for page in texts:
        assert "BẢN NHÁP — chưa nộp" in page and "DRAFT — not submitted" in page
    final = render_remediation_plan(result, criteria, COMPANY, AS_OF)
    assert not any("BẢN NHÁP" in p or "DRAFT" in p for p in pages(final))
    assert "BẢN NHÁP" in PdfReader(io.BytesIO(render_remediation_plan(
        result, criteria, COMPANY, AS_OF, draft=True))).metadata.title


def test_the_app_s_plan_builder_passes_draft_on():
    from accreditation import documents
    criteria = default_criteria()
    result = assess(criteria, {})
    pdf = documents.remediation_pdf(result, criteria, {"name": "Công ty A"}, AS_OF, draft=True)
    assert all("BẢN NHÁP — chưa nộp" in p for p in pages(pdf))


# ------------------------------------------------------------------------------------------- issue 12 (PDF plan)

DATA = Path(__file__).resolve().parent / "data"
ROSTER_CSV = ("employee_id,date_of_birth,job_code,workplace_code,hours_per_day,hours_per_week,night_work,overtime,"
              "guardian_consent,health_check_date,written_contract\n"
              "NV004,01/01/2012,LIGHT-4,GENERAL,8,48,có,có,không,01/08/2026,không\n"
              "NV005,01/01/2010,PROHIBITED-JOB-D,GENERAL,8,40,không,không,có,01/08/2026,\n")


def checked_plan():
    from accreditation.roster import check_roster
    from accreditation.suppliers import check_suppliers

    criteria = default_criteria()
    roster = check_roster(ROSTER_CSV.encode(), "ds.csv", AS_OF).derived(criteria.deadline_days())
    suppliers = check_suppliers((DATA / "suppliers_example.csv").read_bytes(), "ncc.csv", AS_OF).derived()
    result = assess(criteria, {}, derived=[roster, suppliers])
    return result, criteria


def test_the_plan_leads_with_titles_and_words_places_and_jobs_in_each_language():
    result, criteria = checked_plan()
    text = flat(" ".join(pages(render_remediation_plan(result, criteria, COMPANY, AS_OF))))
    for title in ("Trẻ dưới 15 tuổi làm việc ban đêm", "Child under 15 working at night",
                  "Người 15–17 tuổi làm công việc bị cấm"):
        assert title in text
    # the title comes before the rule id, which is secondary
    assert text.index("Trẻ dưới 15 tuổi làm việc ban đêm") < text.index("time.under15_night")
    assert "“Bảo trì, bảo dưỡng thiết bị, máy móc” (PROHIBITED-JOB-D)" in text
    assert "mã PROHIBITED" not in text and "cột night_work" not in text


def test_a_child_under_15_at_night_is_critical_and_due_at_once_in_the_plan():
    result, criteria = checked_plan()
    night = next(a for a in result.remediation if a.rule == "time.under15_night")
    assert (night.priority, night.deadline_days, night.child_protection) == ("critical", 0, True)
    text = flat(" ".join(pages(render_remediation_plan(result, criteria, COMPANY, AS_OF))))
    assert "BẢO VỆ TRẺ EM – LÀM NGAY" in text and "Ngay lập tức" in text and "Hạn: 05/12/2026" in text


def test_critical_rows_are_shaded_darker_than_major_and_minor_ones():
    from accreditation.reports.fonts import PRIORITY_COLOURS

    def luminance(c):
        return 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue

    shade = {p: luminance(PRIORITY_COLOURS[p][1]) for p in ("critical", "major", "minor")}
    assert shade["critical"] < shade["major"] < shade["minor"]


def test_supplier_rows_cite_numbered_references_in_people_s_terms():
    result, criteria = checked_plan()
    supplier_actions = [a for a in result.remediation if a.source == "suppliers"]
    assert supplier_actions
    pdf = render_remediation_plan(result, criteria, COMPANY, AS_OF)
    texts = pages(pdf)
    text = flat(" ".join(texts))
    for dev in ("countries_2016.xml", "at commits", "app data", "criteria/award", ".csv"):
        assert dev not in text, dev
    assert not re.search(r"\b[0-9a-f]{8}\b", text)  # no commit hashes
    assert "Nguồn tham khảo" in text and "References" in text
    refs = text[text.index("Nguồn tham khảo"):]
    assert "[1] USDOL ILAB, List of Goods Produced by Child Labor or Forced Labor" in refs
    assert "(2022). https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods" in refs
    assert "Nguồn / Sources: [1]" in text
    # each source is cited once, in the references, not on every supplier row
    assert text.count("List of Goods Produced by Child Labor or Forced Labor (TVPRA)") == 1
    # no English place words inside the Vietnamese line of a supplier row
    assert "Vị trí: dòng " in text and "Vị trí: row" not in text


def test_where_text_words_each_ref_in_each_language():
    from accreditation.wording import where_text

    def at(ref):
        t = where_text(child_action(ref=ref))
        return t.vi, t.en

    assert at("row 4, employee NV004") == ("dòng 4, nhân viên NV004", "row 4, employee NV004")
    assert at("row 7, tax code 0101234567") == ("dòng 7, mã số thuế 0101234567", "row 7, tax code 0101234567")
    assert at("row 9, no tax code") == ("dòng 9, chưa có mã số thuế", "row 9, no tax code")
    assert at("rows 4, 9, 12") == ("các dòng 4, 9, 12", "rows 4, 9, 12")
    assert at("rows 1, 2 and 1,234 more") == ("các dòng 1, 2 và 1.234 dòng khác", "rows 1, 2 and 1,234 more")
    assert where_text(child_action(ref=None)) is None


def test_the_plan_prints_each_actions_tracked_state_when_given(tmp_path):
    """With the company's tracked actions, a status column: status, due date and the owner the company named; an
    action not tracked shows a dash. Without them the plan is as before (no status column)."""
    from accreditation.actions import action_key
    from accreditation.reports.remediation import TrackedState

    criteria = default_criteria()
    actions = numbered_actions(3, criteria)
    result = assess(criteria, {}).model_copy(update={"remediation": actions})
    tracking = {action_key(actions[0]): TrackedState("verified", date(2026, 12, 12), "Chị Lan, phòng nhân sự"),
                action_key(actions[1]): TrackedState("overdue", date(2026, 12, 1))}
    text = flat(pdftotext(render_remediation_plan(result, criteria, COMPANY, AS_OF, tracking=tracking), tmp_path))
    assert "Tình trạng" in text and "Status" in text
    assert "Đã xác minh" in text and "Verified" in text and "Hạn: 12/12/2026" in text
    assert "Phụ trách: Chị Lan, phòng nhân sự" in text
    assert "Quá hạn" in text and "Overdue" in text and "Hạn: 01/12/2026" in text
    plain = flat(pdftotext(render_remediation_plan(result, criteria, COMPANY, AS_OF), tmp_path))
    assert "Quá hạn" not in plain and "Đã xác minh" not in plain and "Phụ trách:" not in plain
