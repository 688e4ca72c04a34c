"""Real-browser journey of a company that starts on its own (Debian chromium, Playwright, in Vietnamese), with a
real SMTP server on localhost:

1. A craft cooperative registers itself on the sign-up page; the confirmation e-mail arrives at the local SMTP
   server; opening its link activates the account and signs the person in.
2. It downloads the questionnaire workbook from the offline page, answers it in Excel (here openpyxl, picking the
   drop-down labels of examples/strong.json's answers) and uploads it: the answers land in its draft.
3. It submits; an assessor reviews and approves (the library calls the assessor's pages make, which
   tests/test_browser.py walks through in the browser): a verified certificate.
4. On its sharing page it agrees to be listed; anyone, signed out, finds it on the public register of awardees."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from browser_support import ARTIFACTS, free_port, require_browser, streamlit_server
from browser_support import browser  # noqa: F401 - a fixture

require_browser()

from playwright.sync_api import expect  # noqa: E402

from seed import example_values, record_checks, review_everything  # noqa: E402
from smtp_server import Inbox, Server  # noqa: E402

COMPANY = "Hợp tác xã Mây tre đan Phú Hòa"
TAX = "0100109106"
EMAIL = "hoa.phuhoa@example.vn"
PASSWORD = "may-tre-phu-hoa-2026"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-register")
    mail = Server(Inbox()).start()
    port = free_port()
    env = {"ACCREDITATION_PUBLIC_URL": f"http://127.0.0.1:{port}", "ACCREDITATION_DEMO": "accounts",
           "ACCREDITATION_SMTP_HOST": "127.0.0.1", "ACCREDITATION_SMTP_PORT": str(mail.port),
           "ACCREDITATION_SMTP_STARTTLS": "0", "ACCREDITATION_SMTP_SENDER": "giaithuong@vcci.example.vn",
           "ACCREDITATION_SMTP_TIMEOUT": "5"}
    try:
        with streamlit_server(data, env, port) as url:
            yield url, data, mail
    finally:
        mail.stop()


def idle(page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=30_000)


def shot(page, name: str) -> None:
    idle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the selectbox labelled `label`, as a person does: open it, type, click the option."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def success(page, text):
    return page.get_by_test_id("stAlertContentSuccess").filter(has_text=text)


def answered_workbook(data: bytes) -> bytes:
    """The downloaded workbook with strong.json's answers picked from each drop-down; rows the app fills itself
    (from the profile or the uploads: 'Không cần trả lời') are left as they are."""
    from accreditation.offline.layout import COLUMNS, FIRST_ROW, choice_label
    from criteria.datafiles import default_criteria

    criteria = default_criteria()
    answers = example_values("strong")
    col = {name: COLUMNS.index(name) + 1 for name in ("id", "answer", "when")}
    book = load_workbook(io.BytesIO(data))
    filled = 0
    for sheet in book.worksheets:
        for row in range(FIRST_ROW, sheet.max_row + 1):
            key = sheet.cell(row, col["id"]).value
            if key not in answers or str(sheet.cell(row, col["when"]).value or "").startswith("Không cần trả lời"):
                continue
            values = answers[key] if isinstance(answers[key], list) else [answers[key]]
            indicator = criteria.indicator(key)
            sheet.cell(row, col["answer"]).value = "; ".join(
                str(v) if not indicator.list_name else choice_label(criteria, indicator, v, "vi") for v in values)
            filled += 1
    assert filled > 40, filled
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_company_registers_confirms_answers_offline_is_approved_and_appears_on_the_public_register(
        server, browser, tmp_path: Path):
    url, data, mail = server
    desk = browser.new_context(viewport={"width": 1400, "height": 1400}, accept_downloads=True)
    page = desk.new_page()

    # 1. registering, and the e-mailed link
    page.goto(url + "/sign-up", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Đăng ký doanh nghiệp")).to_be_visible(timeout=30_000)
    idle(page)
    page.get_by_label("Tên doanh nghiệp", exact=True).fill(COMPANY)
    page.get_by_label("Mã số thuế", exact=True).fill(TAX)
    pick(page, "Loại hình", "Hợp tác xã")
    pick(page, "Tỉnh, thành phố", "Hà Nội")
    pick(page, "Ngành", "Thủ công mỹ nghệ, làng nghề")
    page.get_by_label("Họ và tên", exact=True).fill("Nguyễn Thị Hoa")
    page.get_by_label("E-mail", exact=True).fill(EMAIL)
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    expect(success(page, "Sắp xong")).to_be_visible(timeout=30_000)
    shot(page, "signup-sent")

    letters = [m for m in mail.wait_for(1, timeout=20) if EMAIL in m.to]
    assert len(letters) == 1 and "Xác nhận e-mail" in letters[0].subject
    link = re.search(rf"{re.escape(url)}/sign-up\?confirm=\S+", letters[0].body).group(0)
    page.goto(link, wait_until="domcontentloaded")
    expect(success(page, "E-mail đã được xác nhận")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Xin chào")).to_be_visible(timeout=30_000)

    # the roster and supplier list, uploaded as on their pages (tests/test_browser.py uploads them in the browser)
    os.environ["ACCREDITATION_DATA_DIR"] = str(data)
    from accreditation import accounts, review, workflow
    from accreditation.store.db import open_db
    from criteria.datafiles import default_criteria

    criteria = default_criteria()
    db = open_db(data / "accreditation.db")
    company = accounts.user_for_email(db, EMAIL)
    draft = workflow.start_draft(db, company, company.organisation_id, criteria)
    record_checks(db, company, draft["id"], criteria)

    # 2. the questionnaire offline
    page.goto(url + "/offline", wait_until="domcontentloaded")
    idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải bảng câu hỏi (Excel)").click()
    workbook = tmp_path / "bang-cau-hoi.xlsx"
    workbook.write_bytes(answered_workbook(Path(download.value.path()).read_bytes()))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(workbook))
    expect(success(page, "Đã nhập bang-cau-hoi.xlsx")).to_be_visible(timeout=30_000)
    shot(page, "offline-imported")
    stored = workflow.answer_set(db, draft["id"]).values
    strong = example_values("strong")
    assert len(stored) > 40 and all(stored[k] == strong[k] for k in stored if k in strong)

    # 3. submitted, reviewed and approved
    workflow.add_evidence(db, company, draft["id"], "POL-01", "chinh-sach.pdf", b"%PDF-1.4 policy", criteria)
    workflow.submit(db, company, draft["id"], criteria)
    assessor = accounts.user_for_email(db, "assessor@demo.vn")
    review_everything(db, assessor, draft["id"], criteria)
    cert = review.approve(db, assessor, draft["id"], criteria)
    assert cert.verified

    # 4. listed, by its own choice
    page.goto(url + "/sharing", wait_until="domcontentloaded")
    idle(page)
    page.get_by_text("Đồng ý hiện doanh nghiệp trong danh sách công khai", exact=True).click()
    expect(page.get_by_text(re.compile("Đang hiện trong danh sách công khai"))).to_be_visible(timeout=30_000)
    shot(page, "register-agreed")

    anyone = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    anyone.goto(url + "/awardees", wait_until="domcontentloaded")
    expect(anyone.get_by_role("heading", name="Danh sách doanh nghiệp đạt giải")).to_be_visible(timeout=30_000)
    expect(anyone.get_by_role("gridcell", name=COMPANY, exact=True, include_hidden=True)).to_have_count(
        1, timeout=30_000)
    shot(anyone, "register-public")
    anyone.context.close()
    desk.close()
