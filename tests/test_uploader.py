"""accreditation.ui.uploader.file_input: our texts instead of Streamlit's English ones, our own refusal of a wrong
kind (naming the file and the accepted kinds, in the user's language), and the per-widget size limit kept."""

from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from accreditation.ui import uploader

STATIC = Path(streamlit.__file__).parent / "static" / "static" / "js"


def test_the_frontend_hooks_the_style_relies_on_exist_in_the_installed_streamlit():
    bundle = "".join(p.read_text("utf-8", errors="replace") for p in STATIC.glob("*.js"))
    for test_id in (*uploader.TEST_IDS, "stTooltipErrorHoverTarget", "stFileChipDeleteBtn"):
        assert f"`{test_id}`" in bundle, test_id  # a rename would bring the English texts back


@pytest.mark.parametrize("lang, words", [("vi", ["Chọn tệp", "CSV, XLSX · tối đa 10 MB", "Thả tệp vào đây",
                                                 "tệp phải nhỏ hơn 10 MB"]),
                                         ("en", ["Choose a file", "CSV, XLSX · up to 10 MB", "Drop the file here",
                                                 "smaller than 10 MB"])])
def test_the_style_puts_catalog_texts_in_place_of_streamlit_s_and_stays_in_its_widget(lang, words):
    css = uploader.style("roster", lang, ("csv", "xlsx"), 10)
    assert all(w in css for w in words)
    rules = [r for r in css.removeprefix("<style>").removesuffix("</style>").split("}") if r.strip()]
    assert all(r.lstrip().startswith(".st-key-upl-roster ") for r in rules)  # no other widget is touched


def test_a_css_string_cannot_be_closed_by_a_text():
    assert uploader._css_string('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c d"'


@pytest.mark.parametrize("name, ok", [("ds.csv", True), ("DS.XLSX", True), ("ds.docx", False), ("csv", False),
                                      ("", False), ("ds.csv.exe", False)])
def test_the_kind_is_read_from_the_file_name(name, ok):
    assert uploader.accepted(name, ("csv", ".xlsx")) is ok


def picker():
    import streamlit as st

    from accreditation.ui import uploader

    uploader._lang = lambda: st.session_state.get("lang", "vi")
    got = uploader.file_input("Danh sách", key="roster", kinds=("csv", "xlsx"), max_mb=10)
    if got is not None:
        st.write(f"got {got.name} {len(got.getvalue())}")
        if st.session_state.get("clear"):
            uploader.clear("roster")


@pytest.mark.parametrize("lang, message", [
    ("vi", "Tệp **don\\_xin\\.docx** không được nhận: chỉ nhận tệp CSV, XLSX."),
    ("en", "The file **don\\_xin\\.docx** was not accepted: only CSV, XLSX files are."),
])
def test_a_wrong_kind_is_refused_by_name_in_the_user_s_language_and_dropped(lang, message):
    at = AppTest.from_function(picker, default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    assert at.file_uploader[0].proto.max_upload_size_mb == 10  # the browser refuses a bigger file
    assert list(at.file_uploader[0].proto.type) == []  # Streamlit's own (English) refusal is never triggered
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    at.file_uploader[0].upload("don_xin.docx", b"PK\x03\x04 word", docx).run()
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert not [m for m in at.markdown if m.value.startswith("got")]  # the page never gets the file
    assert at.file_uploader[0].key == "roster-1"  # a fresh widget: the file left memory
    at.run()
    assert not at.error  # said once


def test_an_accepted_file_reaches_the_page_and_clear_drops_it():
    at = AppTest.from_function(picker, default_timeout=30).run()
    at.file_uploader[0].upload("ds.csv", b"a,b\n1,2\n", "text/csv").run()
    assert [m.value for m in at.markdown if m.value.startswith("got")] == ["got ds.csv 8"]
    at.session_state["clear"] = True
    at.file_uploader[0].upload("ds.csv", b"a,b\n1,2\n", "text/csv").run()
    at.run()
    assert at.file_uploader[0].key == "roster-1" and not [m for m in at.markdown if m.value.startswith("got")]
