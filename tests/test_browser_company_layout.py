"""What only a browser shows on the company's pages (Chromium via Playwright, against `streamlit run`):
- on a phone (390x844) the pages are one labelled "Menu" button away, and the menu closes once a page is chosen;
  the live score and tier are at the top of the questionnaire;
- at 1400 px the tier is never cut short ("Chưa đủ…") where it is shown.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

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
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"]

if not os.environ.get("CI_REQUIRE_TOOLS"):
    pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    if os.environ.get("CI_REQUIRE_TOOLS"):
        raise RuntimeError("chromium is required in CI (apt-get install chromium)")
    pytest.skip("chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    data = tmp_path_factory.mktemp("layout-data")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ACCREDITATION_DATA_DIR": str(data), "ACCREDITATION_DEMO": "accounts"}
    log = open(data / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{address}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError("streamlit did not start: " + (data / "server.log").read_text())
    yield address
    proc.terminate()
    proc.wait(10)
    log.close()


def _settled(page) -> None:
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=30_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)


def _signed_in(browser, url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500,
                                  has_touch=width < 500)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_label("E-mail").fill("sme@demo.vn", timeout=30_000)
    page.get_by_label("Mật khẩu").fill("demo-2026")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible(timeout=30_000)
    _settled(page)
    return context, page


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_on_a_phone_the_menu_is_labelled_and_closes_after_a_choice(url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = _signed_in(browser, url, 390, 844)
    menu = page.get_by_role("button", name=re.compile(r"^Menu"))
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["y"] < 200 and box["width"] > 300  # at the top, as wide as the page
    menu.click()
    panel = page.get_by_test_id("stPopoverBody")
    expect(panel).to_be_visible()
    page.screenshot(path=ARTIFACTS / "phone-menu.png")
    panel.get_by_role("link", name="Tự đánh giá").click()
    expect(page.get_by_role("heading", name="Tự đánh giá")).to_be_visible(timeout=30_000)
    _settled(page)
    expect(page.get_by_test_id("stPopoverBody")).to_have_count(0)  # closed: the page is not covered
    # the live score and tier, at the top of the questionnaire (the result panel comes after every question)
    top = page.get_by_test_id("stProgress").first
    expect(top).to_contain_text(re.compile(r"điểm · Hạng: .+ · đã trả lời \d+/\d+ câu, còn \d+ câu"))
    assert top.bounding_box()["y"] < 844
    page.screenshot(path=ARTIFACTS / "phone-questionnaire.png")
    context.close()


def test_on_a_wide_screen_the_sidebar_keeps_the_menu_and_the_tier_is_not_cut(url, browser):
    context, page = _signed_in(browser, url, 1400, 900)
    expect(page.get_by_role("button", name=re.compile(r"^Menu"))).to_have_count(0)  # hidden above phone width
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Tự đánh giá").click()
    expect(page.get_by_role("heading", name="Kết quả hiện tại")).to_be_visible(timeout=30_000)
    _settled(page)
    tier = page.locator('[data-testid="stMarkdownContainer"] strong').filter(
        has_text=re.compile(r"Chưa đủ điều kiện$")).first  # the tier line (icon + text)
    expect(tier).to_be_visible()
    # all of it is drawn: nothing overflows its box, and no ellipsis style on it or its container
    cut = tier.evaluate("""e => { const p = e.closest('[data-testid="stMarkdownContainer"]');
        return [e, p].some(x => x.scrollWidth > x.clientWidth + 1 || getComputedStyle(x).textOverflow === 'ellipsis'); }""")
    assert not cut
    page.screenshot(path=ARTIFACTS / "wide-questionnaire.png")
    context.close()
