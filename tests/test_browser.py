"""Real-browser journeys (Debian chromium driven by Playwright, no browser download), against `streamlit run`.

1. The company: sign in with the demo account, answer a section, upload a roster, submit, download the PDF and
   read it back; share with the demo brand.
2. The assessor approves; the brand sees the verified certificate; the public page verifies it, signed out.

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

ROSTER = """employee_id,full_name,date_of_birth,id_number,hire_date,job_title,job_code,workplace_code,hours_per_day,hours_per_week,night_work,overtime,guardian_consent,health_check_date
E-001,Nguyễn Văn An,17/05/1990,,01/03/2020,Thợ may,GENERAL,GENERAL,8,40,không,không,,15/01/2026
E-002,Trần Thị Bình,02/10/1985,,01/06/2021,Tổ trưởng,GENERAL,GENERAL,8,40,không,không,,15/01/2026
""".encode("utf-8")


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
    """The first run's demo data, and the demo company has answered every section but the first one."""
    os.environ["ACCREDITATION_DATA_DIR"] = str(data)
    from accreditation import accounts, demo, workflow
    from accreditation.store.db import open_db
    from criteria import default_criteria

    db = open_db(data / "accreditation.db")
    demo.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    criteria = default_criteria()
    draft = workflow.start_draft(db, sme, sme.organisation_id, criteria)
    for key, value in example_values("strong").items():
        if not key.startswith("PRO-"):
            workflow.save_answer(db, sme, draft["id"], key, value, criteria)
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


def test_company_assessor_brand_and_public_journey(server, browser, tmp_path):
    url, data = server
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1500})
    page = context.new_page()

    # --- the company
    sign_in(page, url, "sme@demo.vn")
    shot(page, "home")
    go(page, "Tự đánh giá")
    expect(page.get_by_role("heading", name="Tự đánh giá")).to_be_visible()
    for qid, answer in (("PRO-01", "Có"), ("PRO-02", "Không"), ("PRO-03", "Có"), ("PRO-04", "Có"),
                        ("PRO-05", "Dệt may")):
        question(page, qid).get_by_text(answer, exact=True).click()
        idle(page)
    expect(page.get_by_text("Nhóm này: 5/5 câu")).to_be_visible()
    shot(page, "questionnaire")

    go(page, "Danh sách lao động")
    roster = tmp_path / "danh-sach-lao-dong.csv"
    roster.write_bytes(ROSTER)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(roster))
    expect(page.get_by_text("Đã kiểm tra danh-sach-lao-dong.csv: 2 dòng")).to_be_visible(timeout=30_000)
    shot(page, "roster")

    go(page, "Kết quả và tài liệu")
    page.get_by_text("Tôi xác nhận các câu trả lời là đúng sự thật").click()
    idle(page)
    page.get_by_role("button", name="Nộp bản tự đánh giá").click()
    expect(page.get_by_text("Đã nộp phiên bản 1.")).to_be_visible(timeout=30_000)
    idle(page)  # the button must belong to the finished rerun, not the one being replaced
    download = download_pdf(page, "Tải giấy chứng nhận (PDF)")
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert "Công ty TNHH May mặc Thuận An Xanh" in text
    assert "Tự đánh giá" in text
    certificate_id = download.suggested_filename.removesuffix(".pdf")
    shot(page, "results")

    go(page, "Chia sẻ với nhãn hàng")
    page.get_by_test_id("stRadio").get_by_text("mã mời nhãn hàng gửi", exact=True).click()
    idle(page)
    page.get_by_role("textbox", name="Mã mời").fill("BRAND-DEMO")
    page.get_by_role("button", name="Chia sẻ", exact=True).click()
    expect(page.get_by_text("Đã chia sẻ kết quả với Demo Apparel Brand Ltd.")).to_be_visible(timeout=30_000)
    sign_out(page)

    # --- the assessor
    sign_in(page, url, "assessor@demo.vn")
    go(page, "Hồ sơ chờ thẩm định")
    shot(page, "queue")
    choose(page, "Mở hồ sơ", "Công ty TNHH May mặc Thuận An Xanh")
    page.get_by_role("button", name="Mở để thẩm định").click()
    expect(page.get_by_role("heading", name="Thẩm định hồ sơ")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Bắt đầu thẩm định (nhận hồ sơ)").click()
    expect(page.get_by_role("button", name="Bắt đầu thẩm định (nhận hồ sơ)")).to_have_count(0, timeout=30_000)
    idle(page)
    page.get_by_role("button", name="Xác nhận quyết định").click()
    approved = page.get_by_text("Đã phê duyệt và cấp giấy chứng nhận")
    expect(approved).to_be_visible(timeout=60_000)
    verified_id = approved.inner_text().split()[-1].rstrip(".")
    assert verified_id.startswith("VN-CLF-") and verified_id != certificate_id
    shot(page, "review")
    sign_out(page)

    # --- the brand
    sign_in(page, url, "brand@demo.vn")
    go(page, "Danh mục nhà cung cấp")
    # the grid draws on a canvas; its accessible cells carry the text
    cells = page.get_by_role("gridcell", include_hidden=True)
    expect(cells.filter(has_text="Công ty TNHH May mặc Thuận An Xanh").first).to_have_count(1, timeout=30_000)
    shot(page, "portfolio")
    choose(page, "Chọn nhà cung cấp (trên trang hiện tại)", "Công ty TNHH May mặc Thuận An Xanh")  # the drill-down
    expect(page.get_by_text(verified_id).first).to_be_visible(timeout=30_000)
    sign_out(page)

    # --- anyone, signed out, from the QR link
    public = browser.new_context().new_page()
    public.goto(f"{url}/?verify={verified_id}", wait_until="domcontentloaded")
    expect(public.get_by_role("heading", name="Kiểm tra giấy chứng nhận")).to_be_visible(timeout=30_000)
    expect(public.get_by_text("Công ty TNHH May mặc Thuận An Xanh")).to_be_visible(timeout=30_000)
    expect(public.get_by_text("Đã được thẩm định")).to_be_visible()
    shot(public, "verify")
    # the superseded self-assessed certificate shows as revoked
    public.goto(f"{url}/?verify={certificate_id}", wait_until="domcontentloaded")
    expect(public.get_by_text("Ngày thu hồi")).to_be_visible(timeout=30_000)
    context.close()
