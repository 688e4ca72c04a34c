"""Installing a criteria version with an effective date: from the admin page (upload, validation, the difference,
the install button) and through the library; drafts in progress keep the version they started on, new drafts take
the new one once it is in effect; refusals say why; only an administrator installs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from apptest import data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture
from test_criteria_diff import changed_sheets, set_setting, write_workbook_of

from accreditation import accounts, criteria_install, workflow
from accreditation.errors import UserError
from accreditation.store import audit
from accreditation.store.db import open_db
from criteria.datafiles import default_criteria
from criteria.errors import CriteriaLoadError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shipped():
    return default_criteria()


def today() -> date:
    """A day on which the shipped version is in effect (the tests run on or after its date)."""
    return max(date.today(), shipped().settings.effective_date)


def workbook(tmp_path, version: str = "2027.1", effective: date | None = None, **edits) -> bytes:
    sheets = changed_sheets(version)
    if effective is not None:
        set_setting(sheets, "effective_date", effective.isoformat())
    for key, value in edits.items():
        set_setting(sheets, key, value)
    return write_workbook_of(sheets, tmp_path / f"criteria-{version}.xlsx").read_bytes()


def company_with_draft(data_dir):
    """The demo company, with a draft in progress on the shipped criteria and an answer saved."""
    db = open_db(data_dir / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, shipped())
    workflow.save_answer(db, sme, draft["id"], "FAM-07", "yes", shipped())
    return db, sme, draft


def another_company(db, name: str = "Hợp tác xã Mây tre Phú Vinh", email: str = "htx@phuvinh.vn") -> accounts.Actor:
    """A company with no assessment yet: its first draft starts on the version current that day."""
    org = accounts.create_organisation(db, actor=accounts.SYSTEM, kind="sme", name=name)
    user = accounts.create_user(db, actor=accounts.SYSTEM, email=email, password="long-password", role="sme",
                                organisation_id=org)
    return accounts.get_actor(db, user)


# ----------------------------------------------------------------------------------------- through the page


def field(widgets, label: str):
    return next(w for w in widgets if w.label.startswith(label))


def test_an_admin_installs_a_changed_workbook_from_the_page_and_a_draft_in_progress_stays_pinned(data_dir,
                                                                                                   tmp_path):
    db, _, draft = company_with_draft(data_dir)
    data = workbook(tmp_path, effective=shipped().settings.effective_date)

    at = goto(sign_in("admin@demo.vn"), "admin")
    at.file_uploader[0].upload("criteria-2027.1.xlsx", data, XLSX).run()
    page = texts(at)
    assert not at.exception
    assert "Hợp lệ: VN-CLF-REF phiên bản 2027.1" in page
    assert "Khác biệt so với phiên bản hiện hành 2026.1" in page
    assert "1 câu hỏi thêm, 1 bỏ, 1 sửa lời, 1 đổi cách chấm" in page
    assert "TRN-07" in page and "FAM-07" in page and "weight: 10 → 20" in page
    install = next(b for b in at.button if b.label == "Cài phiên bản 2027.1")
    assert install.disabled  # not before the officer confirms having read the differences
    field(at.date_input, "Ngày hiệu lực").set_value(today()).run()
    field(at.checkbox, "Tôi đã xem các khác biệt").check().run()
    next(b for b in at.button if b.label == "Cài phiên bản 2027.1").click().run()
    assert not at.exception
    page = texts(at)
    assert f"Đã cài phiên bản 2027.1, hiệu lực từ {today():%d/%m/%Y}" in page
    assert "Phiên bản 2027.1 là phiên bản hiện hành từ hôm nay." in page
    assert "Đang dùng: VN-CLF-REF phiên bản 2027.1" in page

    db = open_db(data_dir / "accreditation.db")
    current = criteria_install.current_criteria(db)
    assert current.version == "2027.1" and current.has_indicator("TRN-07") and not current.has_indicator("FAM-07")
    # the draft in progress keeps the version it started on, with its question and its answer
    kept = workflow.get(db, draft["id"])
    assert (kept["status"], kept["criteria_version"]) == ("draft", "2026.1")
    pinned = workflow.criteria_for(db, kept, current)
    assert pinned.version == "2026.1" and pinned.has_indicator("FAM-07") and not pinned.has_indicator("TRN-07")
    assert workflow.answer_set(db, draft["id"]).values["FAM-07"] == "yes"
    # ... and the company's questionnaire still shows it
    q = goto(sign_in("sme@demo.vn"), "questionnaire")
    assert not q.exception and "bộ tiêu chí VN-CLF-REF 2026.1" in texts(q)
    # a new draft starts on the version now in effect
    other = another_company(db)
    new = workflow.start_draft(db, other, other.organisation_id, criteria_install.current_criteria(db))
    assert new["criteria_version"] == "2027.1"
    assert workflow.criteria_for(db, new, current).has_indicator("TRN-07")
    # audited: who installed which version
    [entry] = [e for e in audit.entries(db, "criteria_set") if e["action"] == "criteria.install"]
    assert entry["actor"] == "admin@demo.vn" and '"version": "2027.1"' in entry["after"]


def test_a_version_scheduled_from_the_page_waits_for_its_date(data_dir, tmp_path):
    tomorrow = date.today() + timedelta(days=1)
    data = workbook(tmp_path, effective=max(tomorrow, shipped().settings.effective_date + timedelta(days=1)))
    when = max(tomorrow, shipped().settings.effective_date + timedelta(days=1))
    at = goto(sign_in("admin@demo.vn"), "admin")
    at.file_uploader[0].upload("criteria-2027.1.xlsx", data, XLSX).run()
    field(at.checkbox, "Tôi đã xem các khác biệt").check().run()
    next(b for b in at.button if b.label == "Cài phiên bản 2027.1").click().run()
    assert not at.exception
    page = texts(at)
    assert (f"Phiên bản 2027.1 sẽ là phiên bản hiện hành từ {when:%d/%m/%Y}; đến lúc đó, phiên bản 2026.1 vẫn "
            "được dùng.") in page
    assert "Đang dùng: VN-CLF-REF phiên bản 2026.1" in page
    db = open_db(data_dir / "accreditation.db")
    assert criteria_install.current_criteria(db, when - timedelta(days=1)).version == "2026.1"
    assert criteria_install.current_criteria(db, when).version == "2027.1"
    states = {r["version"]: r["state"] for r in criteria_install.versions_overview(db)}
    assert states == {"2027.1": "scheduled", "2026.1": "current"}


def test_an_english_reading_admin_reads_the_difference_in_english(data_dir, tmp_path):
    db = open_db(data_dir / "accreditation.db")
    accounts.ensure_demo_data(db)
    db["users"].update(accounts.user_for_email(db, "admin@demo.vn").id, {"language": "en"})
    at = goto(sign_in("admin@demo.vn"), "admin")
    at.file_uploader[0].upload("criteria-2027.1.xlsx", workbook(tmp_path), XLSX).run()
    page = texts(at)
    assert not at.exception
    assert "Differences from the current version 2026.1" in page
    assert "indicators added 1, removed 1, reworded 1, changed in scoring 1" in page
    assert "Indicators reworded (scoring unchanged)" in page and "label::en:" in page
    assert "Câu hỏi" not in page
    assert [b.label for b in at.button if b.label.startswith("Install version")] == ["Install version 2027.1"]


def test_the_page_refuses_the_current_version_again_with_a_message_and_no_button(data_dir):
    at = goto(sign_in("admin@demo.vn"), "admin")
    at.file_uploader[0].upload("criteria.xlsx", criteria_install.workbook_bytes(shipped()), XLSX).run()
    assert not at.exception
    assert "Phiên bản 2026.1 với đúng nội dung này đã được cài" in texts(at)
    assert not [b for b in at.button if b.label.startswith("Cài phiên bản")]


def test_the_page_lists_every_problem_of_an_invalid_workbook(data_dir, tmp_path):
    sheets = changed_sheets()
    rows = {cells["id"]: cells for _, cells in sheets["indicators"].rows}
    rows["FAM-06"]["weight"] = "25"  # the section adds up to 105
    data = write_workbook_of(sheets, tmp_path / "bad.xlsx").read_bytes()
    at = goto(sign_in("admin@demo.vn"), "admin")
    at.file_uploader[0].upload("bad.xlsx", data, XLSX).run()
    assert not at.exception
    assert "Tệp có 1 lỗi" in texts(at) and "FAM" in texts(at)
    assert not [b for b in at.button if b.label.startswith("Cài phiên bản")]


# ------------------------------------------------------------------------------------------ through the library


@pytest.mark.parametrize("email", ["sme@demo.vn", "assessor@demo.vn", "brand@demo.vn", "authority@demo.vn",
                                   "association@demo.vn"])
def test_only_an_administrator_installs(data_dir, tmp_path, email):
    db, _, _ = company_with_draft(data_dir)
    actor = accounts.user_for_email(db, email)
    with pytest.raises(UserError):
        criteria_install.install_criteria(db, actor, workbook(tmp_path), today=today())
    assert criteria_install.installed_versions(db) == []


@pytest.mark.parametrize("version, effective, expected", [
    ("2026.1", None, "Số phiên bản 2026.1 đã được dùng"),
    ("2027.1", "day before", "sớm hơn ngày hiệu lực"),
])
def test_a_used_version_number_or_an_earlier_date_is_refused(data_dir, tmp_path, version, effective, expected):
    db, _, _ = company_with_draft(data_dir)
    admin = accounts.user_for_email(db, "admin@demo.vn")
    when = shipped().settings.effective_date - timedelta(days=1) if effective else None
    with pytest.raises(UserError) as refused:
        criteria_install.install_criteria(db, admin, workbook(tmp_path, version), when, today=today())
    assert expected in refused.value.message("vi")
    assert criteria_install.installed_versions(db) == []


def test_installing_twice_or_before_a_scheduled_version_is_refused(data_dir, tmp_path):
    db, _, _ = company_with_draft(data_dir)
    admin = accounts.user_for_email(db, "admin@demo.vn")
    later = today() + timedelta(days=30)
    criteria_install.install_criteria(db, admin, workbook(tmp_path), later, today=today())
    with pytest.raises(UserError) as again:
        criteria_install.install_criteria(db, admin, workbook(tmp_path), later, today=today())
    assert "2027.1" in again.value.message("en") and "already installed" in again.value.message("en")
    with pytest.raises(UserError) as early:
        criteria_install.install_criteria(db, admin, workbook(tmp_path, "2027.2"), later - timedelta(days=1),
                                          today=today())
    assert f"Choose {later:%d/%m/%Y} or later" in early.value.message("en")
    assert [i.version for i in criteria_install.installed_versions(db)] == ["2027.1"]


def test_an_invalid_workbook_installs_nothing(data_dir, tmp_path):
    db, _, _ = company_with_draft(data_dir)
    admin = accounts.user_for_email(db, "admin@demo.vn")
    with pytest.raises(CriteriaLoadError):
        criteria_install.install_criteria(db, admin, b"not a workbook", today=today())
    assert criteria_install.installed_versions(db) == []


def test_a_new_version_reaches_new_drafts_only_from_its_effective_date(data_dir, tmp_path):
    db, _, draft = company_with_draft(data_dir)
    admin = accounts.user_for_email(db, "admin@demo.vn")
    when = today() + timedelta(days=10)
    installed = criteria_install.install_criteria(db, admin, workbook(tmp_path), when, today=today())
    assert installed.settings.effective_date == when  # the date chosen is the version's own
    other = another_company(db)
    before = workflow.start_draft(db, other, other.organisation_id, criteria_install.current_criteria(db, today()))
    assert before["criteria_version"] == "2026.1"
    third = another_company(db, "Hộ kinh doanh Gốm Bát Tràng", "gom@battrang.vn")
    after = workflow.start_draft(db, third, third.organisation_id, criteria_install.current_criteria(db, when))
    assert after["criteria_version"] == "2027.1"
    # the one in progress still reads its own version, on any day
    assert workflow.criteria_for(db, workflow.get(db, draft["id"]),
                                 criteria_install.current_criteria(db, when)).version == "2026.1"



# ------------------------------------------------------------------------------------------------ the command


def test_the_command_prints_the_difference_and_installs_like_the_page(cli, tmp_path):
    book = tmp_path / "criteria-2027.1.xlsx"
    book.write_bytes(workbook(tmp_path, effective=today() + timedelta(days=5)))
    dry = cli("criteria", "install", book, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "indicators added 1, removed 1, reworded 1, changed in scoring 1" in dry.stdout
    db = open_db(tmp_path / "data" / "accreditation.db")
    assert criteria_install.installed_versions(db) == []
    done = cli("criteria", "install", book)
    assert done.returncode == 0, done.stderr
    assert f"becomes the current version on {today() + timedelta(days=5):%d/%m/%Y}" in done.stdout
    assert [i.version for i in criteria_install.installed_versions(db)] == ["2027.1"]
    again = cli("criteria", "install", book)
    assert again.returncode == 2 and "already installed" in again.stderr
    bad = cli("criteria", "install", book, "--effective", "1/7/2027")
    assert bad.returncode == 2 and "--effective '1/7/2027' is not a date" in bad.stderr
