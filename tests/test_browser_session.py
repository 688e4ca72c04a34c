"""The session in a real browser (Debian chromium, Playwright) against `streamlit run`: it lives in an HttpOnly
cookie, never in the address; a refresh keeps it, an address pasted into another browser does not carry it, and
signing out ends it in every tab. The app's pages refuse to be framed by another site."""

from __future__ import annotations

import urllib.request

import pytest

from browser_support import free_port, require_browser, streamlit_server
from browser_support import browser  # noqa: F401 - a fixture

require_browser()

from playwright.sync_api import expect  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-session")
    port = free_port()
    with streamlit_server(data, {"ACCREDITATION_PUBLIC_URL": f"http://127.0.0.1:{port}",
                                 "ACCREDITATION_DEMO": "accounts"}, port) as url:
        yield url


def idle(page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=30_000)


def signed_in(page) -> None:
    expect(page.get_by_role("heading", name="Xin chào")).to_be_visible(timeout=30_000)


def on_login(page) -> None:
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible(timeout=30_000)


def test_the_session_is_an_httponly_cookie_that_survives_a_refresh_but_not_a_pasted_address(server, browser):
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = desk.new_page()
    page.goto(server, wait_until="domcontentloaded")
    on_login(page)
    idle(page)
    page.get_by_label("E-mail").fill("sme@demo.vn")
    page.get_by_label("Mật khẩu").fill("demo-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    signed_in(page)
    idle(page)
    page.wait_for_timeout(500)  # the image that sets the cookie
    cookie = next(c for c in desk.cookies() if c["name"] == "vnclf_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] not in page.url and "s=" not in page.url
    assert page.evaluate("document.cookie").find("vnclf_session") == -1  # script on the page cannot read it

    page.reload(wait_until="domcontentloaded")  # a refresh keeps the session
    signed_in(page)
    second_tab = desk.new_page()  # so does a new tab of the same browser
    second_tab.goto(server + "/self-assessment", wait_until="domcontentloaded")
    expect(second_tab.get_by_role("heading", name="Tự đánh giá")).to_be_visible(timeout=30_000)

    elsewhere = browser.new_context().new_page()  # the address pasted into another browser
    elsewhere.goto(page.url, wait_until="domcontentloaded")
    on_login(elsewhere)

    idle(page)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Đăng xuất").click()
    on_login(page)
    idle(second_tab)
    second_tab.get_by_test_id("stSidebarNav").get_by_text("Hồ sơ doanh nghiệp", exact=True).click()
    on_login(second_tab)  # the open tab's next click finds the session ended
    page.reload(wait_until="domcontentloaded")
    on_login(page)
    elsewhere.context.close()
    desk.close()


def test_no_other_site_may_frame_the_app(server):
    with urllib.request.urlopen(server + "/") as answer:
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
