"""The questionnaire as a person answers it (AppTest): section after section, the section picker stays on the
section being answered and its counts agree with the progress bars."""

from __future__ import annotations

import re

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
    at = goto(sign_in("sme@demo.vn"), "questionnaire")
    browser = Browser(at)
    sections = list(at.selectbox(key="section").options)
    ids = [s.id for s in __import__("criteria.datafiles", fromlist=["x"]).default_criteria().sections]
    answered = 0
    for sid in ids:
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
    assert answered >= 30 and sections
