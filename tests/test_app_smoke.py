"""The app starts cleanly on the shipped criteria (pages are built out by the app issue)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def test_app_starts_and_shows_the_scheme_in_vietnamese():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Giải thưởng Doanh nghiệp hướng tới không sử dụng lao động trẻ em"
