"""The README stays true: every CLI command is documented, every linked file and picture exists, and every main
page has a current screenshot (the browser journey writes them with UPDATE_DOCS_SCREENSHOTS=1)."""

import re
from pathlib import Path

import pytest

from accreditation.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"`{re.escape(command)}[ `\\|]", README), f"README does not document `{command}`"


@pytest.mark.parametrize("link", sorted(set(re.findall(r"\]\(((?:docs|examples|criteria)/[^)#]+)\)", README))))
def test_every_linked_file_exists(link):
    assert (ROOT / link).exists(), link


def test_the_readme_shows_the_two_quick_start_commands():
    assert "pip install -r requirements.txt && streamlit run streamlit_app.py" in README
    assert "pip install -r requirements-dev.txt && python -m pytest" in README


def test_every_screenshot_the_browser_journey_takes_is_in_docs():
    names = re.findall(r'shot\((?:page|public), "([a-z-]+)"\)', (ROOT / "tests" / "test_browser.py").read_text())
    assert len(names) >= 7
    for name in names:
        assert (ROOT / "docs" / "screenshots" / f"{name}.png").exists(), name
