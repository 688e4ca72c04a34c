"""Real-browser journeys (Debian chromium driven by Playwright, no browser download), against `streamlit run`.

The whole trust journey, in Vietnamese:
1. The company answers a section, uploads a roster with children at work and its supplier list, submits (no
   statement: a knock-out), and shares with the demo brand; the assessor rejects.
2. The company starts a new version, uploads an edited roster and submits: still no statement (the rejection holds);
   the brand sees the rejection.
3. The assessor accepts the indicators section by section and records the on-site verification; a second lead
   signs off; the assessor approves: a verified certificate, which the company downloads and reads back.
4. The company marks a corrective action done with evidence, the assessor verifies it, and the brand's count of
   verified actions goes up.
5. Anyone, signed out, opens its QR link: green, verified.

Each person works in a browser context of their own, signed in once at the start (the four sign-ins run side by
side) and kept for the whole journey, as colleagues at their own desks; each page reruns when its person next clicks,
so it shows what the others did meanwhile. The company signs out at the end. Locators are exact and scoped: the
message of an action is looked for in its own alert, a case or supplier is picked by its whole option label, a
section by its expander's own summary.

A full-page screenshot of each main page is kept in test-artifacts/screenshots/ (with UPDATE_DOCS_SCREENSHOTS=1
they also replace the README's pictures in docs/screenshots/)."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, ROOT, free_port, require_browser, streamlit_server
from browser_support import browser  # noqa: F401 - a fixture

require_browser()
DOCS_SHOTS = ROOT / "docs" / "screenshots"

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from seed import example_values  # noqa: E402

from seed import ADULTS, CHILDREN, clean_suppliers  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-data")
    _seed(data)
    port = free_port()
    with streamlit_server(data, {"ACCREDITATION_PUBLIC_URL": f"http://127.0.0.1:{port}"}, port) as url:
        yield url, data


def _seed(data: Path) -> None:
    """The first run's demo data; the demo company has answered every section but the first one and attached a
    file to every indicator whose evidence the criteria require."""
    os.environ["ACCREDITATION_DATA_DIR"] = str(data)
    from accreditation import accounts, demo, workflow
    from accreditation.store.db import open_db
    from criteria.datafiles import default_criteria

    db = open_db(data / "accreditation.db")
    demo.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    criteria = default_criteria()
    draft = workflow.start_draft(db, sme, sme.organisation_id, criteria)
    workflow.save_answers(db, sme, draft["id"], {k: v for k, v in example_values("strong").items()
                                                 if not k.startswith("PRO-")}, criteria)
    for indicator in criteria.indicators:
        if indicator.evidence == "required":
            workflow.add_evidence(db, sme, draft["id"], indicator.id, f"{indicator.id}.pdf",
                                  f"%PDF-1.4 {indicator.id}".encode(), criteria)
    db.close()


def shot(page, name: str) -> None:
    idle(page, rerun=False)
    page.evaluate("document.querySelectorAll('[data-testid=stMain], section.main').forEach(e => e.scrollTo(0, 0))")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS_SHOTS / f"{name}.png")


def idle(page, rerun: bool = True) -> None:
    """Wait until the app has finished the rerun the last action started. Streamlit marks its root with the
    script's state: an action's rerun leaves 'notRunning' within a few milliseconds (given up to 300 ms to start;
    `rerun=False` when nothing was clicked), and the page is settled when it is back and 'Running…' is gone. The
    waits watch the page as it changes (no polling interval to add to each step)."""
    if rerun:
        try:
            page.wait_for_selector("[data-testid=stApp]:not([data-test-script-state=notRunning])", timeout=300)
        except PlaywrightTimeout:
            pass  # done already, or the action did not rerun the script
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=30_000)


def success(page, text: str | re.Pattern):
    """The green message (st.success) that says an action was done."""
    return page.get_by_test_id("stAlertContentSuccess").filter(has_text=text)


def open_signed_in(browser, url: str, emails: list[str]) -> list:
    """One browser context per person, each signed in once for the whole journey (as colleagues at their own
    desks): the sign-ins run side by side; each page is then driven in turn."""
    pages = [browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1500}).new_page()
             for _ in emails]
    for page in pages:
        page.goto(url, wait_until="domcontentloaded")
    for page, email in zip(pages, emails):
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=30_000)
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Mật khẩu").fill("demo-2026")
        page.get_by_role("button", name="Đăng nhập").click()
    for page in pages:
        expect(page.get_by_role("heading", name="Xin chào")).to_be_visible(timeout=30_000)
        idle(page, rerun=False)
    return pages


def go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    idle(page)


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=30_000)


def download_pdf(page, label: str, title: str, tries: int = 3):
    """Click a download button on page `title` until the download starts. On a loaded machine a click can land on
    a button that a rerun is replacing, or leave it waiting (disabled) for a file that never comes; then the page is
    opened afresh (via another page), which gives a new button."""
    for attempt in range(tries):
        try:
            with page.expect_download(timeout=20_000) as download:
                page.get_by_role("button", name=label).click(timeout=20_000)
            return download.value
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            go(page, "Tự đánh giá")
            go(page, title)


def question(page, qid: str):
    """The radio group of one question (its accessible name starts with the question id)."""
    return page.get_by_role("radiogroup", name=re.compile(rf"\b{re.escape(qid)}\b"))


def choose(page, label: str, option: re.Pattern) -> None:
    """Pick the one option whose whole label matches `option` in the selectbox labelled `label`."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).get_by_role("combobox")
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option", name=option).click()
    idle(page)


def upload(page, path: Path, done: str) -> None:
    """Upload a file and wait for the finished check: a completed status whose label starts with `done`."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_test_id("stExpander").filter(has_text=done)).to_be_visible(timeout=60_000)
    idle(page, rerun=False)


def submit(page) -> None:
    go(page, "Kết quả và tài liệu")
    page.get_by_text("Tôi xác nhận các câu trả lời là đúng sự thật").click()
    idle(page)
    page.get_by_role("button", name="Nộp bản tự đánh giá").click()
    expect(page.get_by_text(re.compile(r"^Đã nộp phiên bản \d+\.$"))).to_be_visible(timeout=30_000)
    idle(page, rerun=False)


def open_review(page, company: str) -> None:
    go(page, "Hồ sơ chờ thẩm định")
    choose(page, "Mở hồ sơ", re.compile(rf"^#\d+ · {re.escape(company)}$"))  # one case per company in the queue
    page.get_by_role("button", name="Mở để thẩm định").click()
    expect(page.get_by_role("heading", name="Thẩm định hồ sơ")).to_be_visible(timeout=30_000)
    idle(page)


def start_review(page) -> None:
    page.get_by_role("button", name="Bắt đầu thẩm định (nhận hồ sơ)").click()
    expect(page.get_by_role("button", name="Bắt đầu thẩm định (nhận hồ sơ)")).to_have_count(0, timeout=30_000)
    idle(page)


def decide(page, option: str, comment: str = "") -> None:
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Xác nhận quyết định"))
    form.get_by_text(option, exact=True).click()
    if comment:
        form.get_by_role("textbox").fill(comment)
    form.get_by_role("button", name="Xác nhận quyết định").click()
    idle(page)


def section(page, label: str):
    """The review screen's expander of one section: its summary reads 'label — n/m …' (nothing else starts so)."""
    title = page.get_by_text(re.compile(rf"^{re.escape(label)}( — .*)?$"), exact=False)
    return page.get_by_test_id("stExpander").filter(has=title)


COMPANY = "Công ty TNHH May mặc Thuận An Xanh"


def test_reject_resubmit_review_sign_off_and_verify(server, browser, tmp_path):
    from criteria.datafiles import default_criteria

    url, data = server
    children, adults, suppliers = (tmp_path / "danh-sach-lao-dong.csv", tmp_path / "danh-sach-da-sua.csv",
                                   tmp_path / "nha-cung-cap.csv")
    children.write_bytes(CHILDREN)
    adults.write_bytes(ADULTS)
    suppliers.write_bytes(clean_suppliers())
    company, assessor, brand, lead = open_signed_in(
        browser, url, ["sme@demo.vn", "assessor@demo.vn", "brand@demo.vn", "lead@demo.vn"])

    # --- the company: version 1, with children at work
    shot(company, "home")
    go(company, "Tự đánh giá")
    expect(company.get_by_role("heading", name="Tự đánh giá")).to_be_visible()
    for qid, answer in (("PRO-01", "Có"), ("PRO-02", "Không"), ("PRO-03", "Có"), ("PRO-04", "Có")):
        question(company, qid).get_by_text(answer, exact=True).click()
        idle(company)
    expect(company.get_by_text("Lấy từ hồ sơ doanh nghiệp: Dệt may.")).to_be_visible()  # PRO-05: not asked twice
    shot(company, "questionnaire")
    go(company, "Danh sách lao động")
    upload(company, children, "Đã kiểm tra danh-sach-lao-dong.csv: 4 dòng")
    shot(company, "roster")
    go(company, "Nhà cung cấp")
    upload(company, suppliers, "Đã kiểm tra nha-cung-cap.csv: 1 dòng")
    submit(company)
    expect(company.get_by_role("button", name="Tải bản tự đánh giá (PDF)")).to_have_count(0)  # a knock-out: none
    go(company, "Chia sẻ với nhãn hàng")
    company.get_by_test_id("stRadio").get_by_text("mã mời nhãn hàng gửi", exact=True).click()
    idle(company)
    company.get_by_role("textbox", name="Mã mời").fill("BRAND-DEMO")
    company.get_by_role("button", name="Chia sẻ", exact=True).click()
    expect(success(company, "Đã chia sẻ kết quả với Demo Apparel Brand Ltd.")).to_be_visible(timeout=30_000)

    # --- the assessor rejects it
    open_review(assessor, COMPANY)
    start_review(assessor)
    decide(assessor, "Không đạt, kèm kế hoạch khắc phục (bắt buộc nhận xét)",
           "Trẻ 17 tuổi bảo trì máy, trẻ 14 tuổi làm ca đêm.")
    expect(assessor.get_by_test_id("stAlertContentInfo").filter(has_text="Đã ghi nhận: không đạt.")).to_be_visible(
        timeout=30_000)

    # --- the company edits its roster and submits version 2: the rejection holds
    go(company, "Tự đánh giá")
    company.get_by_role("button", name="Tạo phiên bản mới để sửa").click()
    idle(company)
    go(company, "Danh sách lao động")
    upload(company, adults, "Đã kiểm tra danh-sach-da-sua.csv: 2 dòng")
    submit(company)
    expect(company.get_by_test_id("stAlertContentWarning").filter(
        has_text="Chưa cấp bản tự đánh giá cho phiên bản này")).to_be_visible(timeout=30_000)
    expect(company.get_by_role("button", name="Tải bản tự đánh giá (PDF)")).to_have_count(0)
    shot(company, "results")

    # --- the brand sees the rejection
    go(brand, "Danh mục nhà cung cấp")
    expect(brand.get_by_role("gridcell", name=COMPANY, exact=True, include_hidden=True)).to_have_count(
        1, timeout=30_000)
    choose(brand, "Chọn nhà cung cấp (trên trang hiện tại)", re.compile(rf"^{re.escape(COMPANY)} · \d{{10}}$"))
    expect(brand.get_by_test_id("stAlertContentError").filter(has_text=re.compile("^Bị từ chối ngày"))).to_be_visible(
        timeout=30_000)
    shot(brand, "portfolio")

    # --- the assessor reviews version 2 section by section and records the visit
    open_review(assessor, COMPANY)
    start_review(assessor)
    accepted = []
    for s in default_criteria().sections:
        expander = section(assessor, s.label.vi)
        if not expander.count():
            continue  # nothing in it applies
        expect(expander).to_have_count(1)
        summary = expander.locator(":scope > details > summary")  # its own, not an evidence preview's
        count = re.search(r"đã xem (\d+)/(\d+)", summary.inner_text())  # no count: nothing to review
        done, total = map(int, count.groups()) if count else (0, 0)
        if done == total:
            continue
        summary.click()
        button = expander.get_by_role("button", name=f"Chấp nhận {total - done} tiêu chí còn lại của nhóm này")
        expect(button).to_be_visible(timeout=30_000)
        button.click()
        idle(assessor)
        expect(success(assessor, f"Đã chấp nhận {total - done} tiêu chí.")).to_be_visible(timeout=30_000)
        expect(section(assessor, s.label.vi).locator(":scope > details > summary")).to_contain_text(
            f"đã xem {total}/{total}")
        accepted.append(s.id)
    assert accepted == [s.id for s in default_criteria().sections if s.weight > 0]  # every scored section, in turn
    visit = assessor.get_by_test_id("stExpander").filter(
        has=assessor.locator("summary", has_text="Khảo sát tại cơ sở"))
    visit.locator(":scope > details > summary").click()
    visit.get_by_label("Địa điểm đã khảo sát").fill("Xưởng may số 1, phường Thuận Giao")
    for label, value in (("Số lao động trong bảng lương", "2"), ("Số lao động được phỏng vấn riêng", "2"),
                         ("Số hồ sơ lao động chọn kiểm tra", "2"),
                         ("Trong đó, số hồ sơ đối chiếu với giấy tờ gốc", "2")):
        visit.get_by_label(label).fill(value)
    visit.get_by_label("Kết quả khảo sát").fill("Không còn người dưới 18 tuổi làm việc; hai trẻ đã được hỗ trợ.")
    visit.get_by_role("button", name="Lưu kết quả khảo sát").click()
    idle(assessor)
    expect(success(assessor, "Đã lưu kết quả khảo sát.")).to_be_visible(timeout=30_000)
    shot(assessor, "review")

    # --- a second lead signs off
    open_review(lead, COMPANY)
    lead.get_by_role("button", name="Xác nhận kết quả thẩm định (người thứ hai)").click()
    idle(lead)
    expect(success(lead, "Đã xác nhận kết quả thẩm định.")).to_be_visible(timeout=30_000)

    # --- the assessor, still on the review, approves: a verified certificate (approval checks the sign-off then)
    decide(assessor, "Phê duyệt và cấp giấy chứng nhận đã thẩm định")
    approved = success(assessor, re.compile(r"^Đã phê duyệt và cấp giấy chứng nhận VN-CLF-\d{4}-\d{6}\.$"))
    expect(approved).to_be_visible(timeout=60_000)
    verified_id = approved.inner_text().split()[-1].rstrip(".")

    # --- the company downloads it and reads it back, then signs out
    go(company, "Kết quả và tài liệu")
    download = download_pdf(company, "Tải giấy chứng nhận đã thẩm định (PDF)", "Kết quả và tài liệu")
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert COMPANY in text and verified_id in text
    assert "CHƯA ĐƯỢC THẨM ĐỊNH" not in text.upper()

    # --- corrective actions: the company marks one done with evidence, the assessor verifies, the brand sees it
    go(brand, "Danh mục nhà cung cấp")
    choose(brand, "Chọn nhà cung cấp (trên trang hiện tại)", re.compile(rf"^{re.escape(COMPANY)} · \d{{10}}$"))
    expect(brand.get_by_text(re.compile(r"^\d+ hành động: 0 đã xác minh,"))).to_be_visible(timeout=30_000)
    proof = tmp_path / "bien-ban-khac-phuc.pdf"
    proof.write_bytes(b"%PDF-1.4 minutes of the remediation")
    go(company, "Hành động khắc phục")
    expect(company.get_by_role("heading", name="Hành động khắc phục")).to_be_visible(timeout=30_000)
    company.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(proof))
    expect(success(company, "Đã lưu tài liệu chứng minh bien-ban-khac-phuc.pdf.")).to_be_visible(timeout=30_000)
    idle(company, rerun=False)
    company.get_by_role("button", name="Đánh dấu đã hoàn thành").click()
    expect(success(company, re.compile("^Đã đánh dấu hoàn thành"))).to_be_visible(timeout=30_000)
    shot(company, "actions")
    go(assessor, "Xác minh khắc phục")
    shot(assessor, "follow-up")
    with assessor.expect_download(timeout=30_000) as evidence:  # the company's file, as uploaded
        assessor.get_by_role("button", name="Tải xuống").click()
    assert evidence.value.suggested_filename == proof.name
    assert Path(evidence.value.path()).read_bytes() == proof.read_bytes()
    assessor.get_by_role("button", name="Xác minh đã hoàn thành").click()
    expect(success(assessor, "Đã xác minh hành động.")).to_be_visible(timeout=30_000)
    go(brand, "Danh mục nhà cung cấp")
    choose(brand, "Chọn nhà cung cấp (trên trang hiện tại)", re.compile(rf"^{re.escape(COMPANY)} · \d{{10}}$"))
    expect(brand.get_by_text(re.compile(r"^\d+ hành động: 1 đã xác minh,"))).to_be_visible(timeout=30_000)
    sign_out(company)

    # --- anyone, signed out, from the QR link: green and verified
    public = browser.new_context().new_page()
    public.goto(f"{url}/?verify={verified_id}", wait_until="domcontentloaded")
    expect(public.get_by_role("heading", name="Kiểm tra giấy chứng nhận")).to_be_visible(timeout=30_000)
    expect(public.get_by_test_id("stAlertContentSuccess").filter(
        has_text="HỢP LỆ – GIẤY CHỨNG NHẬN ĐÃ THẨM ĐỊNH")).to_be_visible(timeout=30_000)
    expect(public.get_by_role("heading", name=verified_id, exact=True)).to_be_visible()
    expect(public.get_by_test_id("stTable").get_by_role("cell", name=COMPANY, exact=True)).to_have_count(1)
    shot(public, "verify")
