"""The README stays true: every CLI command is documented, its example commands print what it says they print,
every linked file and picture exists, and every main page has a current screenshot (the browser journey writes them
with UPDATE_DOCS_SCREENSHOTS=1)."""

import json
import re
import shlex
import shutil
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


QUICK_START = ("python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt && "
               "python -m accreditation.serve",
               "python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements-dev.txt && python -m pytest")


def test_the_readme_shows_the_two_quick_start_commands():
    """Each makes and uses its own virtual environment: a fresh Debian or Ubuntu refuses pip into the system Python
    (PEP 668). `accreditation.serve` prints the demo accounts before any browser connects (test_demo.py)."""
    blocks = re.findall(r"```bash\n(.*?)\n```", README.split("## Quick start", 1)[1].split("\n## ", 1)[0], flags=re.S)
    assert blocks == list(QUICK_START)


def test_the_quick_start_modules_exist():
    import importlib.util

    assert importlib.util.find_spec("accreditation.serve") is not None
    assert (ROOT / "requirements.txt").exists() and (ROOT / "requirements-dev.txt").exists()


def test_every_screenshot_the_browser_journey_takes_is_in_docs():
    names = re.findall(r'shot\(\w+, "([a-z-]+)"\)', (ROOT / "tests" / "test_browser.py").read_text())
    assert len(names) >= 7
    for name in names:
        assert (ROOT / "docs" / "screenshots" / f"{name}.png").exists(), name


# ---------------------------------------------------------------------------- the README's console examples


def console_lines(text: str) -> list[tuple[str, str]]:
    """(command, claim) for each `$ ...  # claim` line of the README's ```console blocks, in order."""
    lines = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                command, _, claim = line[2:].partition("  #")
                lines.append((command.strip(), claim.strip()))
    return lines


def check_claim(claim: str, code: int, out: str) -> None:
    """Every part of a comment is a checked claim: a tier, a total, a number of actions, a knock-out, a JSON field,
    an exit code with the words printed, a file written, or else words the command prints."""
    expected_code = 0
    for part in (claim.split(", ") if claim else []):
        if m := re.fullmatch(r"exit (\d+): (.+)", part):
            expected_code = int(m.group(1))
            assert m.group(2).lower() in out.lower(), (part, out)
        elif part in ("champion", "pioneer", "committed"):
            assert json.loads(out)["tier"] == part
        elif re.fullmatch(r"\d+\.\d", part):
            assert json.loads(out)["total"] == float(part)
        elif m := re.fullmatch(r"(\d+) actions to take", part):
            assert len(json.loads(out)["remediation"]) == int(m.group(1))
        elif m := re.fullmatch(r"not eligible: knock-out ([A-Z]+-\d+(?: [A-Z]+-\d+)*)", part):
            result = json.loads(out)
            assert not result["eligible"] and result["tier"] is None
            assert result["knockouts"] == m.group(1).split()
        elif m := re.fullmatch(r'"(\w+)": "([^"]*)"', part):
            assert json.loads(out)[m.group(1)] == m.group(2), part
        elif m := re.fullmatch(r"writes the \w+ (\S+)", part):
            assert Path(m.group(1)).is_file() and m.group(1) in out, part
        else:
            assert part.lower() in out.lower(), (part, out)
    assert code == expected_code, (claim, code, out)


def test_the_readme_console_examples_print_what_their_comments_say(cli, tmp_path, monkeypatch):
    lines = console_lines(README)
    assert sum(cmd.startswith("python -m accreditation ") for cmd, _ in lines) >= 7
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)  # a fresh folder and data directory, as for someone trying the commands
    env = {}
    for command, claim in lines:
        words = shlex.split(command)
        if words[0] == "export":
            key, _, value = words[1].partition("=")
            env[key] = value
            continue
        assert words[:3] == ["python", "-m", "accreditation"], command
        ran = cli(*words[3:], env=env)
        check_claim(claim, ran.returncode, ran.stdout + ran.stderr)


@pytest.mark.parametrize("claim, code, out", [
    ("champion, 99.0", 0, '{"tier": "pioneer", "total": 99.0}'),
    ("champion, 99.0", 0, '{"tier": "champion", "total": 98.9}'),
    ("30 actions to take", 0, '{"remediation": [' + ", ".join(["{}"] * 32) + "]}"),
    ("not eligible: knock-out YW-01", 0, '{"eligible": false, "tier": null, "knockouts": ["YW-02"]}'),
    ('"status": "valid"', 0, '{"status": "expired"}'),
    ("exit 1: not verified", 0, "SELF-ASSESSED, NOT VERIFIED"),
    ("exit 1: not verified", 1, "VALID"),
    ("", 2, ""),
    ("self-assessment statement", 0, "Issued verified certificate"),
])
def test_a_wrong_figure_in_a_readme_comment_fails(claim, code, out):
    with pytest.raises(AssertionError):
        check_claim(claim, code, out)
