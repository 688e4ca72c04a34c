"""Real-browser journeys (Debian chromium driven by Playwright, no browser download), against `streamlit run`.

The whole trust journey, in Vietnamese:
1. The company answers a section, uploads a roster with children at work and its supplier list, submits (no
   statement: a knock-out), and shares with the demo brand; the assessor rejects.
2. The company starts a new version, uploads an edited roster and submits: still no statement (the rejection holds);
   the brand sees the rejection.
3. The assessor accepts the indicators section by section and records the on-site verification; a second lead
   signs off; the assessor approves: a verified certificate, which the company downloads and reads back.
4. Anyone, signed out, opens its QR link: green, verified.

A full-page screenshot of each main page is kept in test-artifacts/screenshots/ (with UPDATE_DOCS_SCREENSHOTS=1
they also replace the README's pictures in docs/screenshots/)."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-quic"]

if not os.environ.get("CI_REQUIRE_TOOLS"):  # in CI a missing tool is a failure, not a skip
    pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    if os.environ.get("CI_REQUIRE_TOOLS"):
        raise RuntimeError("chromium is required in CI (apt-get install chromium)")
    pytest.skip("chromium is not installed", allow_module_level=True)

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from seed import example_values  # noqa: E402

from seed import ADULTS, clean_suppliers  # noqa: E402

# the measured case: a 17-year-old servicing machines and a 14-year-old on the night shift
CHILDREN = ADULTS + (
    "E-017,Lê Văn Cường,01/01/2009,,01/06/2026,Bảo trì máy,PROHIBITED-JOB-D,GENERAL,8,40,không,không,có,15/09/2026\n"
    "E-014,Phạm Thị Dung,01/01/2012,,01/06/2026,Đóng gói,LIGHT-4,GENERAL,4,20,có,không,có,15/09/2026\n"
).encode("utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-data")
    _seed(data)
    port = _free_port()
    env = {**os.environ, "ACCREDITATION_DATA_DIR": str(data), "ACCREDITATION_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    log = open(data / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError("streamlit did not start: " + (data / "server.log").read_text())
    yield url, data
    proc.terminate()
    proc.wait(10)
    log.close()


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


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def shot(page, name: str) -> None:
    idle(page)
    page.evaluate("document.querySelectorAll('[data-testid=stMain], section.main').forEach(e => e.scrollTo(0, 0))")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS_SHOTS / f"{name}.png")


def idle(page) -> None:
    """Wait until the app has finished its rerun (the 'Running…' widget is gone)."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)


def sign_in(page, url: str, email: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=30_000)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill("demo-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xin chào")).to_be_visible(timeout=30_000)


def go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    idle(page)


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=30_000)


def download_pdf(page, label: str, tries: int = 3):
    """Click a download button until the download starts: on a loaded machine a click can land on a button that
    a rerun is replacing, and then nothing happens."""
    for attempt in range(tries):
        try:
            with page.expect_download(timeout=20_000) as download:
                page.get_by_role("button", name=label).click()
            return download.value
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            idle(page)


def question(page, qid: str):
    """The radio group of one question (its accessible name starts with the question id)."""
    return page.get_by_role("radiogroup", name=re.compile(rf"\b{re.escape(qid)}\b"))


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label`."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).get_by_role("combobox")
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option", name=option).first.click()
    idle(page)


def upload(page, path: Path, done: str) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_text(done).first).to_be_visible(timeout=60_000)
    idle(page)


def submit(page) -> None:
    go(page, "Kết quả và tài liệu")
    page.get_by_text("Tôi xác nhận các câu trả lời là đúng sự thật").click()
    idle(page)
    page.get_by_role("button", name="Nộp bản tự đánh giá").click()
    expect(page.get_by_text(re.compile(r"Đã nộp phiên bản \d+\.")).first).to_be_visible(timeout=30_000)
    idle(page)


def open_review(page, company: str) -> None:
    go(page, "Hồ sơ chờ thẩm định")
    choose(page, "Mở hồ sơ", company)
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


COMPANY = "Công ty TNHH May mặc Thuận An Xanh"


def test_reject_resubmit_review_sign_off_and_verify(server, browser, tmp_path):
    from criteria.datafiles import default_criteria

    url, data = server
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1500})
    page = context.new_page()
    children, adults, suppliers = (tmp_path / "danh-sach-lao-dong.csv", tmp_path / "danh-sach-da-sua.csv",
                                   tmp_path / "nha-cung-cap.csv")
    children.write_bytes(CHILDREN)
    adults.write_bytes(ADULTS)
    suppliers.write_bytes(clean_suppliers())

    # --- the company: version 1, with children at work
    sign_in(page, url, "sme@demo.vn")
    shot(page, "home")
    go(page, "Tự đánh giá")
    expect(page.get_by_role("heading", name="Tự đánh giá")).to_be_visible()
    for qid, answer in (("PRO-01", "Có"), ("PRO-02", "Không"), ("PRO-03", "Có"), ("PRO-04", "Có"),
                        ("PRO-05", "Dệt may")):
        question(page, qid).get_by_text(answer, exact=True).click()
        idle(page)
    shot(page, "questionnaire")
    go(page, "Danh sách lao động")
    upload(page, children, "Đã kiểm tra danh-sach-lao-dong.csv: 4 dòng")
    shot(page, "roster")
    go(page, "Nhà cung cấp")
    upload(page, suppliers, "Đã kiểm tra nha-cung-cap.csv: 1 dòng")
    submit(page)
    expect(page.get_by_role("button", name="Tải bản tự đánh giá (PDF)")).to_have_count(0)  # a knock-out: none
    go(page, "Chia sẻ với nhãn hàng")
    page.get_by_test_id("stRadio").get_by_text("mã mời nhãn hàng gửi", exact=True).click()
    idle(page)
    page.get_by_role("textbox", name="Mã mời").fill("BRAND-DEMO")
    page.get_by_role("button", name="Chia sẻ", exact=True).click()
    expect(page.get_by_text("Đã chia sẻ kết quả với Demo Apparel Brand Ltd.")).to_be_visible(timeout=30_000)
    sign_out(page)

    # --- the assessor rejects it
    sign_in(page, url, "assessor@demo.vn")
    open_review(page, COMPANY)
    start_review(page)
    decide(page, "Không đạt, kèm kế hoạch khắc phục (bắt buộc nhận xét)",
           "Trẻ 17 tuổi bảo trì máy, trẻ 14 tuổi làm ca đêm.")
    expect(page.get_by_text("Đã ghi nhận: không đạt.")).to_be_visible(timeout=30_000)
    sign_out(page)

    # --- the company edits its roster and submits version 2: the rejection holds
    sign_in(page, url, "sme@demo.vn")
    go(page, "Tự đánh giá")
    page.get_by_role("button", name="Tạo phiên bản mới để sửa").click()
    idle(page)
    go(page, "Danh sách lao động")
    upload(page, adults, "Đã kiểm tra danh-sach-da-sua.csv: 2 dòng")
    submit(page)
    expect(page.get_by_text("Chưa cấp bản tự đánh giá cho phiên bản này").first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Tải bản tự đánh giá (PDF)")).to_have_count(0)
    shot(page, "results")
    sign_out(page)

    # --- the brand sees the rejection
    sign_in(page, url, "brand@demo.vn")
    go(page, "Danh mục nhà cung cấp")
    cells = page.get_by_role("gridcell", include_hidden=True)
    expect(cells.filter(has_text=COMPANY).first).to_have_count(1, timeout=30_000)
    choose(page, "Chọn nhà cung cấp (trên trang hiện tại)", COMPANY)
    expect(page.get_by_text(re.compile("Bị từ chối ngày")).first).to_be_visible(timeout=30_000)
    shot(page, "portfolio")
    sign_out(page)

    # --- the assessor reviews version 2 section by section and records the visit
    sign_in(page, url, "assessor@demo.vn")
    open_review(page, COMPANY)
    start_review(page)
    for section in default_criteria().sections:
        expander = page.get_by_test_id("stExpander").filter(has_text=section.label.vi)
        if not expander.count():
            continue
        expander.first.locator("summary").first.click()
        button = expander.first.get_by_role("button", name=re.compile(r"^Chấp nhận \d+ tiêu chí còn lại"))
        if button.count():
            button.click()
            expect(page.get_by_text(re.compile(r"Đã chấp nhận \d+ tiêu chí\.")).first).to_be_visible(timeout=30_000)
            idle(page)
    visit = page.get_by_test_id("stExpander").filter(has_text="Khảo sát tại cơ sở")
    visit.locator("summary").first.click()
    visit.get_by_label("Địa điểm đã khảo sát").fill("Xưởng may số 1, phường Thuận Giao")
    for label, value in (("Số lao động trong bảng lương", "2"), ("Số lao động được phỏng vấn riêng", "2"),
                         ("Số hồ sơ lao động chọn kiểm tra", "2"),
                         ("Trong đó, số hồ sơ đối chiếu với giấy tờ gốc", "2")):
        visit.get_by_label(label).fill(value)
    visit.get_by_label("Kết quả khảo sát").fill("Không còn người dưới 18 tuổi làm việc; hai trẻ đã được hỗ trợ.")
    visit.get_by_role("button", name="Lưu kết quả khảo sát").click()
    expect(page.get_by_text("Đã lưu kết quả khảo sát.")).to_be_visible(timeout=30_000)
    idle(page)
    shot(page, "review")
    sign_out(page)

    # --- a second lead signs off
    sign_in(page, url, "lead@demo.vn")
    open_review(page, COMPANY)
    page.get_by_role("button", name="Xác nhận kết quả thẩm định (người thứ hai)").click()
    expect(page.get_by_text("Đã xác nhận kết quả thẩm định.")).to_be_visible(timeout=30_000)
    sign_out(page)

    # --- the assessor approves: a verified certificate
    sign_in(page, url, "assessor@demo.vn")
    open_review(page, COMPANY)
    decide(page, "Phê duyệt và cấp giấy chứng nhận đã thẩm định")
    approved = page.get_by_text("Đã phê duyệt và cấp giấy chứng nhận")
    expect(approved).to_be_visible(timeout=60_000)
    verified_id = approved.inner_text().split()[-1].rstrip(".")
    assert verified_id.startswith("VN-CLF-")
    sign_out(page)

    # --- the company downloads it and reads it back
    sign_in(page, url, "sme@demo.vn")
    go(page, "Kết quả và tài liệu")
    download = download_pdf(page, "Tải giấy chứng nhận đã thẩm định (PDF)")
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert COMPANY in text and verified_id in text
    assert "CHƯA ĐƯỢC THẨM ĐỊNH" not in text.upper()
    sign_out(page)

    # --- anyone, signed out, from the QR link: green and verified
    public = browser.new_context().new_page()
    public.goto(f"{url}/?verify={verified_id}", wait_until="domcontentloaded")
    expect(public.get_by_role("heading", name="Kiểm tra giấy chứng nhận")).to_be_visible(timeout=30_000)
    expect(public.get_by_test_id("stAlertContentSuccess").filter(
        has_text="HỢP LỆ – GIẤY CHỨNG NHẬN ĐÃ THẨM ĐỊNH")).to_be_visible(timeout=30_000)
    expect(public.get_by_text(COMPANY).first).to_be_visible()
    shot(public, "verify")
    context.close()
