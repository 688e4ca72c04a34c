"""Real-browser journey of an invitation (Debian chromium driven by Playwright), in Vietnamese: the brand uploads a
list of three suppliers and sends the invitations; the first supplier opens its link without an account, registers
its company and so shares its results; the second declines; the brand sees the three states (registered, declined,
invited)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, free_port, require_browser, streamlit_server
from browser_support import browser  # noqa: F401 - a fixture

require_browser()

from playwright.sync_api import expect  # noqa: E402

LIST = ("Tên nhà cung cấp / Supplier name,Mã số thuế / Tax code,E-mail / E-mail\n"
        "Công ty Dệt Minh Phát,0100233488,nhansu@minhphat.vn\n"
        "Xưởng Gỗ An Bình,0100112437,hr@anbinh.vn\n"
        "Công ty Bao bì Sao Mai,0100109106,lan@saomai.vn\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from accreditation import demo
    from accreditation.store.db import open_db

    data = tmp_path_factory.mktemp("browser-invitations")
    with pytest.MonkeyPatch.context() as mp:  # the demo's signing key and documents go with its database
        mp.setenv("ACCREDITATION_DATA_DIR", str(data))
        db = open_db(data / "accreditation.db")
        demo.ensure_demo_data(db)
        db.close()
    port = free_port()
    with streamlit_server(data, {"ACCREDITATION_PUBLIC_URL": f"http://127.0.0.1:{port}"}, port) as url:
        yield url, data


def idle(page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=30_000)


def new_page(browser):
    return browser.new_context(viewport={"width": 1400, "height": 1400}).new_page()


def shot(page, name: str) -> None:
    idle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def success(page, text):
    return page.get_by_test_id("stAlertContentSuccess").filter(has_text=text)


def test_the_brand_invites_three_one_registers_one_declines_and_the_brand_sees_three_states(server, browser,
                                                                                          tmp_path: Path):
    url, _ = server
    brand = new_page(browser)
    brand.goto(url, wait_until="domcontentloaded")
    expect(brand.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=30_000)
    brand.get_by_label("E-mail").fill("brand@demo.vn")
    brand.get_by_label("Mật khẩu").fill("demo-2026")
    brand.get_by_role("button", name="Đăng nhập").click()
    expect(brand.get_by_role("heading", name="Xin chào")).to_be_visible(timeout=30_000)
    brand.get_by_test_id("stSidebarNav").get_by_text("Mời nhà cung cấp", exact=True).click()
    expect(brand.get_by_role("heading", name="Mời nhà cung cấp")).to_be_visible(timeout=30_000)
    idle(brand)

    listed = tmp_path / "nha_cung_cap.csv"
    listed.write_bytes(LIST.encode("utf-8"))
    brand.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(listed))
    expect(brand.get_by_text("3 nhà cung cấp sẵn sàng để mời.")).to_be_visible(timeout=30_000)
    idle(brand)
    brand.get_by_role("button", name="Gửi lời mời").click()
    expect(success(brand, "Đã mời 3 nhà cung cấp.")).to_be_visible(timeout=30_000)
    expect(brand.get_by_test_id("stCode")).to_have_count(3, timeout=30_000)
    shot(brand, "invite-sent")
    links = [t.strip() for t in brand.get_by_test_id("stCode").all_inner_texts()]
    assert len(links) == 3 and all(re.fullmatch(rf"{re.escape(url)}/accept-invitation\?invite=[\w-]{{43}}", link)
                                   for link in links), links

    # the first supplier: no account yet; it registers through the link (and so shares with the brand)
    first = new_page(browser)
    first.goto(links[0], wait_until="domcontentloaded")
    expect(first.get_by_role("heading", name="Nhận lời mời")).to_be_visible(timeout=30_000)
    expect(first.get_by_text("Demo Apparel Brand Ltd.")).to_be_visible()
    idle(first)
    first.get_by_label("Họ và tên người dùng").fill("Phạm Thu")
    first.get_by_label("Mật khẩu (ít nhất 8 ký tự)", exact=True).fill("mat-khau-minh-phat")
    first.get_by_label("Nhập lại mật khẩu", exact=True).fill("mat-khau-minh-phat")
    first.get_by_role("button", name="Đăng ký và nhận lời mời").click()
    expect(success(first, "Đã đăng ký và nhận lời mời.")).to_be_visible(timeout=30_000)
    expect(first.get_by_test_id("stSidebarNav").get_by_text("Tự đánh giá", exact=True)).to_be_visible()
    shot(first, "invite-registered")

    # the second supplier declines
    second = new_page(browser)
    second.goto(links[1], wait_until="domcontentloaded")
    expect(second.get_by_role("heading", name="Nhận lời mời")).to_be_visible(timeout=30_000)
    idle(second)
    second.get_by_role("button", name="Từ chối lời mời").click()
    second.get_by_role("button", name="Có, từ chối").click()
    expect(success(second, "Đã từ chối lời mời.")).to_be_visible(timeout=30_000)

    # the brand, back on its page, sees the three states
    brand.get_by_test_id("stSidebarNav").get_by_text("Danh mục nhà cung cấp", exact=True).click()
    idle(brand)
    brand.get_by_test_id("stSidebarNav").get_by_text("Mời nhà cung cấp", exact=True).click()
    expect(brand.get_by_text(re.compile(r"^Đã mời 1 · đã đăng ký 1 · .* · từ chối 1 · hết hạn 0$"))).to_be_visible(
        timeout=30_000)
    shot(brand, "invite-states")
    # the registered supplier shares with the brand: it is in the portfolio's list of sharing companies
    from accreditation import sharing
    from accreditation.store.db import open_db

    db = open_db(server[1] / "accreditation.db")
    brand_id = sharing.brand_for_code(db, "BRAND-DEMO")["id"]
    names = [db["organisations"].get(o)["name"] for o in sharing.shared_companies(db, brand_id)]
    assert "Công ty Dệt Minh Phát" in names  # beside the demo suppliers
    assert not {"Xưởng Gỗ An Bình", "Công ty Bao bì Sao Mai"} & set(names)
    for page in (brand, first, second):
        page.context.close()
