"""The questionnaire as a person answers it (AppTest): section after section, the section picker stays on the
section being answered and its counts agree with the progress bars."""

from __future__ import annotations

import re

import pytest

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Selectbox

from apptest import data_dir, goto, sign_in, texts  # noqa: F401 - data_dir is a fixture


class BrowserSelectbox(Selectbox):
    """A selectbox that sends what the browser sends: the label it last showed as chosen (picked by the person, or
    pushed by the server with set_value), not a label recomputed from the current value as AppTest does. This is
    how the section picker lost its place in a real browser."""

    held: str

    @property
    def _widget_state(self) -> WidgetState:
        ws = WidgetState()
        ws.id = self.id
        ws.string_value = self.held
        return ws


class Browser:
    """Holds the section picker's label as the browser would between runs."""

    def __init__(self, at):
        self.at = at
        self.held: str | None = None

    def picker(self):
        return self.at.selectbox(key="section")

    def after_run(self) -> None:
        proto = self.picker().proto
        if proto.set_value and proto.raw_value:
            self.held = proto.raw_value  # the server told the browser a new value

    def pick(self, section: str) -> None:
        picker = self.picker()
        label = picker.format_func(section)  # the option the person clicks, as it is shown now
        picker.set_value(section).run()
        self.held = label
        self.after_run()

    def answer(self, radio, value) -> None:
        picker = self.picker()
        if self.held is not None:
            picker.__class__ = BrowserSelectbox
            picker.held = self.held
        radio.set_value(value).run()
        self.after_run()


def section_counts(label: str) -> tuple[int, int]:
    done, total = re.search(r"(\d+)/(\d+)\s*$", label).groups()
    return int(done), int(total)


def test_answering_every_section_in_order_never_moves_the_section(data_dir):
    from criteria.datafiles import default_criteria

    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    browser = Browser(at)
    answered = 0
    for sid in [s.id for s in default_criteria().sections]:
        if at.selectbox(key="section").value != sid:
            browser.pick(sid)
        while True:
            pending = [r for r in at.radio if r.value is None and not r.disabled]
            if not pending:
                break
            radio = pending[0]
            browser.answer(radio, radio.options[-1])
            answered += 1
            assert not at.exception
            picker = at.selectbox(key="section")
            assert picker.value == sid, f"after answering {radio.key} the picker moved to {picker.value}"
            # the label the browser shows is the current one, and it agrees with the section's progress bar
            label = browser.held or picker.options[picker.index]
            done, total = section_counts(label)
            section_bar = at.get("progress")[1].proto.text
            assert f"{done}/{total}" in section_bar, (label, section_bar)
    assert answered >= 30


def _draft_with(data_dir, example: str):
    """The demo company's draft, answered from an example through the library (as autosave would)."""
    from accreditation import accounts, workflow
    from accreditation.store.db import open_db
    from criteria.datafiles import default_criteria
    from seed import example_values

    db = open_db(data_dir / "accreditation.db")
    accounts.ensure_demo_data(db)
    sme = accounts.user_for_email(db, "sme@demo.vn")
    draft = workflow.start_draft(db, sme, sme.organisation_id, default_criteria())
    workflow.save_answers(db, sme, draft["id"], {k: v for k, v in example_values(example).items()
                                                 if k != "PRO-05"}, default_criteria())
    return db, sme, draft


def test_the_sector_comes_from_the_profile_and_is_not_asked_again(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    assert not any(r.key.endswith(":PRO-05") for r in at.radio)
    assert "Lấy từ hồ sơ doanh nghiệp: Dệt may." in texts(at)
    # the profile changes: the draft follows
    at = goto(at, "profile")
    sector = next(s for s in at.selectbox if s.label == "Ngành chính")
    sector.set_value("wood")
    next(b for b in at.button if b.label == "Lưu hồ sơ").click().run()
    at = goto(at, "questionnaire")
    assert "Lấy từ hồ sơ doanh nghiệp: Chế biến gỗ, đồ gỗ nội thất." in texts(at)


def test_every_count_of_answered_questions_agrees(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    top = at.get("progress")[0].proto.text
    answered, total, remaining = map(int, re.search(r"(\d+)/(\d+) câu, còn (\d+) câu", top).groups())
    assert answered + remaining == total
    assert f"Đã trả lời {answered}/{total} câu, còn {remaining} câu chưa trả lời" in texts(at)


def test_the_tier_card_says_what_tiers_mean_and_what_lifts_the_company(data_dir):
    from accreditation import self_assessment, workflow
    from criteria.datafiles import default_criteria

    db, _, draft = _draft_with(data_dir, "middling")
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    assert not at.exception
    criteria = default_criteria()
    for band in criteria.bands:  # what each tier means, from the criteria's bands
        assert band.description.vi in texts(at)
    result = workflow.evaluate(db, draft["id"], criteria)
    outlook = self_assessment.tier_outlook(criteria, result, workflow.answer_set(db, draft["id"]),
                                           workflow.derived_answers(db, draft["id"]))
    assert f"Để đạt hạng {outlook.next.label.vi}" in texts(at)
    for step in outlook.steps:  # the actions that add the most, with the engine's gain
        assert any(step.action.indicator in m.value and f"+{step.gain:g} điểm" in m.value for m in at.markdown)
    assert f"Làm cả {len(outlook.steps)} việc này: {outlook.total_after:g} điểm" in texts(at)


def test_more_actions_are_worded_not_a_markdown_bullet(data_dir):
    _draft_with(data_dir, "failing")
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    assert re.search(r"Còn \d+ việc khác trong kế hoạch khắc phục\.", texts(at))
    assert not any(c.value.lstrip().startswith("+") for c in at.caption)


def test_the_draft_plan_is_offered_from_the_first_answer(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    assert not at.get("download_button")  # nothing answered below the best yet
    at.selectbox(key="section").set_value("POL").run()
    radio = next(r for r in at.radio if r.key.endswith(":POL-01"))
    radio.set_value("no").run()
    assert [b.label for b in at.get("download_button")] == ["Tải kế hoạch khắc phục (PDF, bản nháp)"]
    at = goto(at, "documents")
    assert "Tải kế hoạch khắc phục (PDF, bản nháp)" in [b.label for b in at.get("download_button")]


def test_earlier_versions_do_not_list_the_current_one(data_dir):
    from accreditation import workflow
    from criteria.datafiles import default_criteria
    from seed import submitted_assessment

    db, sme, first = submitted_assessment(data_dir)
    at = goto(sign_in("sme@demo.vn"), "documents")
    assert "Các phiên bản trước" not in texts(at)  # only one version: nothing earlier
    workflow.start_draft(db, sme, sme.organisation_id, default_criteria())
    at = goto(at, "documents")
    assert "Các phiên bản trước" in texts(at)
    assert list(at.dataframe[-1].value["Phiên bản"]) == [first["version"]]


def test_no_streamlit_english_placeholder_on_the_company_pages(data_dir):
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    at_profile = goto(sign_in("sme@demo.vn"), "profile")
    for page in (at, at_profile):
        for widget in list(page.selectbox) + list(page.multiselect):
            assert widget.proto.placeholder, widget.label  # "" means Streamlit's "Choose an option"
            assert "Choose" not in widget.proto.placeholder


@pytest.mark.parametrize("page", ["home", "profile", "questionnaire", "documents"])
def test_the_company_pages_render_in_english_with_answers(data_dir, page):
    _draft_with(data_dir, "failing")
    at = sign_in("sme@demo.vn")
    at.segmented_control(key="lang_switch").set_value("en").run()
    at = goto(at, page)
    assert not at.exception
    assert all("knock-out" in e.value.lower() for e in at.error)  # the example's knock-outs, nothing else
    if page == "questionnaire":
        assert "The company's tier" in texts(at) and "more actions in the remediation plan" in texts(at)
        assert [b.label for b in at.get("download_button")] == ["Download the remediation plan (PDF, draft)"]
