"""What only a browser shows on the company's pages (Chromium via Playwright, against `streamlit run`):
- on a phone (390x844) the pages are one labelled "Menu" button away, and the menu closes once a page is chosen;
  the live score and tier are at the top of the questionnaire;
- at 1400 px the tier is never cut short ("Chưa đủ…") where it is shown.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from browser_support import ARTIFACTS, ROOT, require_browser, streamlit_server
from browser_support import browser  # noqa: F401 - a fixture

require_browser()

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    with streamlit_server(tmp_path_factory.mktemp("layout-data"), {"ACCREDITATION_DEMO": "accounts"}) as address:
        yield address


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


# ------------------------------------------------------------ the whole company journey on a phone, in Vietnamese

# What must never show in Vietnamese mode: Streamlit's own English, and product codes a person cannot read.
ENGLISH = ("Upload", "Choose an option", "Browse files", "per file", "Drag and drop", "files are not allowed",
           "Error:", "row ", "employee ", "self-assessment", "Ltd..")
SEVERITY_KEYS = re.compile(r"\b(critical|major|minor|high|medium|low)\b")

# The text a person sees: rendered text nodes (not hidden, not shrunk to nothing), the CSS-generated texts that
# replace Streamlit's own, and the cells of data grids (drawn on a canvas; read from their accessible table).
SEEN_TEXT = """() => {
  const out = [];
  const root = document.querySelector('[data-testid=stApp]');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim() || !el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || parseFloat(cs.fontSize) === 0) continue;
    out.push(node.textContent);
  }
  for (const el of root.querySelectorAll('*')) {
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(el, pseudo).content;
      if (c && c.startsWith('"')) out.push(JSON.parse(c));
    }
  }
  for (const cell of root.querySelectorAll('[role=gridcell], [role=columnheader]')) out.push(cell.textContent);
  return out.join('\\n');
}"""


def _idle(page) -> None:
    """The rerun an action started has finished (it leaves 'notRunning' within a few ms of the action)."""
    try:
        page.wait_for_selector("[data-testid=stApp]:not([data-test-script-state=notRunning])", timeout=300)
    except PlaywrightTimeout:
        pass
    _settled(page)


def _english_in(text: str, forbidden_ids: set[str]) -> list[str]:
    found = [w for w in ENGLISH if w in text]
    found += sorted({m.group(0) for m in SEVERITY_KEYS.finditer(text)})
    found += sorted(i for i in forbidden_ids if i in text)
    return found


def _phone_shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.querySelectorAll('[data-testid=stMain]').forEach(e => e.scrollTo(0, 0))")
    path = ARTIFACTS / f"phone-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        shutil.copy(path, ROOT / "docs" / "screenshots" / path.name)


def _menu_to(page, title: str) -> None:
    page.get_by_role("button", name=re.compile(r"^Menu")).click()
    page.get_by_test_id("stPopoverBody").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_test_id("stPopoverBody")).to_have_count(0, timeout=30_000)
    # the new page's run has begun once the menu names it; then wait for that run to finish
    expect(page.get_by_role("button", name=f"Menu · {title}")).to_be_visible(timeout=30_000)
    _idle(page)


def test_a_company_answers_every_section_in_order_on_a_phone_and_reads_only_vietnamese(url, browser, tmp_path):
    """The whole company journey at 390x844 in Vietnamese: every page is free of English and codes (a list of
    Streamlit's and the product's strings, every rule id, severity keys); every question of every section answered
    in order, and after each answer the picker still shows the section being answered, with the count the
    section's own progress bar gives; the roster (a 14-year-old on the night shift) and the supplier list
    uploaded; a phone screenshot of each page."""
    from criteria.datafiles import default_criteria
    from criteria.law_tables import default_law
    from criteria.risk_tables import default_risk_data
    from seed import CHILDREN, clean_suppliers, example_values

    criteria, strong = default_criteria(), example_values("strong")
    ids = {r.id for r in default_law().rules} | {r.id for r in default_risk_data().reasons}
    context, page = _signed_in(browser, url, 390, 844)
    problems: dict[str, list[str]] = {}

    def look(name: str) -> str:
        grids = page.get_by_test_id("stDataFrame")
        for i in range(grids.count()):  # a grid offers its cells to the accessibility tree when in view
            grids.nth(i).scroll_into_view_if_needed()
        seen = page.evaluate(SEEN_TEXT)
        found = _english_in(seen, ids)
        if found:
            problems[name] = found
        _phone_shot(page, name)
        return seen

    look("home")
    _menu_to(page, "Hồ sơ doanh nghiệp")
    look("profile")
    _menu_to(page, "Tự đánh giá")
    expect(page.get_by_role("heading", name="Tự đánh giá")).to_be_visible()
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Nhóm tiêu chí").get_by_role("combobox")
    # which questions the page must show comes from the engine, given the answers so far (skip logic)
    from accreditation.self_assessment import profile_questions
    from scoring.engine import assess

    from_profile = {i.id for questions in profile_questions(criteria).values() for i in questions}
    given = {qid: strong[qid] for qid in from_profile if qid in strong}
    answered = 0
    for s in criteria.sections:
        if all(assess(criteria, given).indicator(i.id).status == "hidden" for i in criteria.indicators_in(s.id)):
            continue  # the picker lists only sections with questions
        expect(picker).to_have_value(re.compile(rf"^{re.escape(s.label.vi)} — "), timeout=30_000)
        for indicator in criteria.indicators_in(s.id):
            if indicator.id in from_profile or assess(criteria, given).indicator(indicator.id).status == "hidden":
                continue
            group = page.get_by_role("radiogroup", name=re.compile(rf"\b{re.escape(indicator.id)}\b"))
            expect(group).to_be_visible(timeout=30_000)
            choice = criteria.choices_for(indicator).get(strong[indicator.id])
            bar = page.get_by_test_id("stProgress").filter(has_text="Nhóm này")
            before = bar.inner_text()
            group.get_by_text(choice.label.vi, exact=True).click()
            expect(bar).not_to_have_text(before, timeout=30_000)  # the answer is saved and the page redrawn
            _idle(page)
            given[indicator.id] = strong[indicator.id]
            answered += 1
            here = picker.input_value()
            assert here.startswith(s.label.vi), f"after answering {indicator.id} the picker shows {here!r}"
            count = re.search(r" — (\d+)/(\d+)", here).groups()
            shown = bar.inner_text()
            assert re.search(r"đã trả lời (\d+)/(\d+) câu", shown).groups() == count, (indicator.id, here, shown)
            assert group.get_by_role("radio", name=choice.label.vi, exact=True).is_checked()
        if s.id == "PRO":
            look("questionnaire")
        next_button = page.get_by_role("button", name="Nhóm sau →")
        if next_button.is_enabled():
            before = picker.input_value()
            next_button.click()
            expect(picker).not_to_have_value(before, timeout=30_000)  # the next section is on the page
            _idle(page)
    assert answered >= 40
    expect(page.get_by_test_id("stProgress").first).to_contain_text(re.compile(r"còn 0 câu"))

    roster, suppliers = tmp_path / "danh-sach-lao-dong.csv", tmp_path / "nha-cung-cap.csv"
    roster.write_bytes(CHILDREN)
    suppliers.write_bytes(clean_suppliers())
    for title, name, path in (("Danh sách lao động", "roster", roster), ("Nhà cung cấp", "suppliers", suppliers)):
        _menu_to(page, title)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
        expect(page.get_by_test_id("stExpander").filter(has_text=f"Đã kiểm tra {path.name}")).to_be_visible(
            timeout=60_000)
        _idle(page)
        if name == "roster":
            expect(page.get_by_test_id("stDataFrame")).to_have_count(1, timeout=30_000)  # the findings
        seen = look(name)
        if name == "roster":  # the 14-year-old at night is critical, in words
            assert "Nghiêm trọng" in seen, seen[-2000:]
    for title, name in (("Kết quả và tài liệu", "results"), ("Chia sẻ với nhãn hàng", "sharing")):
        _menu_to(page, title)
        look(name)
    context.close()
    assert not problems, problems
