"""`python -m accreditation …`: a thin shell over the library. Each module in `accreditation/commands/` that
defines `register(subparsers, parent)` adds its commands. Errors print one line in the user's language."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from typing import TYPE_CHECKING

from accreditation import commands
from accreditation.errors import UserError
from accreditation.i18n import LANGUAGES, env_language, catalog_text
from criteria.errors import CriteriaLoadError
from scoring.answers import AnswerError

if TYPE_CHECKING:
    from criteria.schema import Criteria


def build_parser() -> argparse.ArgumentParser:
    lang_help = "language of messages (default: vi, or $ACCREDITATION_LANG)"
    parser = argparse.ArgumentParser(prog="python -m accreditation", description=catalog_text("cli.description", "en"))
    parser.add_argument("--lang", choices=LANGUAGES, default=env_language(), help=lang_help)
    # Subcommands accept --lang too; SUPPRESS keeps them from resetting a --lang given before the command.
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=lang_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub, parent)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (0 ok, 1 a negative answer or invalid criteria, 2 bad input, 70 a
    bug, 130 interrupted); it never calls `sys.exit`, so tests run it in process. Environment, working directory and
    standard streams are the caller's."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return exc.code if isinstance(exc.code, int) else 2
    lang = args.lang
    try:
        return int(args.func(args) or 0)
    except CriteriaLoadError as exc:
        print(catalog_text("cli.criteria_problems", lang, count=len(exc.issues), source=exc.source), file=sys.stderr)
        for line in exc.messages(lang):
            print(f"  {one_line(line)}", file=sys.stderr)
        return 1
    except (UserError, AnswerError) as exc:
        print(f"{_prefix(lang)}{one_line(exc.message(lang))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except (RecursionError, MemoryError):  # input nested or sized past what a reader's own limits foresaw
        print(f"{_prefix(lang)}{catalog_text('cli.too_demanding', lang)}", file=sys.stderr)
        return 2
    except Exception as exc:  # the last line of defence: one line, no traceback, unless debugging
        if os.environ.get("ACCREDITATION_DEBUG"):
            raise
        print(f"{_prefix(lang)}{catalog_text('cli.internal_error', lang, kind=type(exc).__name__)}", file=sys.stderr)
        return 70


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7f]}
_CONTROL.update({0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t", 0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\x85"})


def one_line(text: str) -> str:
    """A message as one line: control characters of values it quotes (a file name, an --as-of value, a cell) are
    shown escaped, so a crafted value can neither break the message nor forge a line of its own."""
    return text.translate(_CONTROL)


def _prefix(lang: str) -> str:
    return "lỗi: " if lang == "vi" else "error: "


def configure_streams() -> None:
    """For the process entry point. Vietnamese text must not crash a command on a terminal or pipe whose encoding
    cannot write it (a Windows code page, PYTHONIOENCODING=ascii): output that goes to a pipe or a file is UTF-8,
    as JSON must be (RFC 8259); a terminal keeps its encoding and shows what it cannot write as backslash escapes."""
    out = sys.stdout
    if out is None or _is_utf8(out) or not hasattr(out, "reconfigure"):
        return
    if out.isatty():
        out.reconfigure(errors="backslashreplace")
    else:
        out.reconfigure(encoding="utf-8")


# ---------------------------------------------------------------------------------------- shared by commands


AS_OF_RANGE = (date(1990, 1, 1), date(2100, 12, 31))
MAX_JSON_BYTES = 5 * 1024 * 1024  # an answers file of the reference criteria is about 10 KB


def as_of_option(value: str | None) -> date:
    """Every command's `--as-of YYYY-MM-DD` (default: today), with one message for a value that is not a date."""
    if value is None or value == "":
        return date.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UserError.from_key("cli.bad_as_of", value=value) from None
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:  # ages and deadlines are computed from it: keep it real
        raise UserError.from_key("cli.as_of_range", value=value, first=AS_OF_RANGE[0].isoformat(),
                                 last=AS_OF_RANGE[1].isoformat())
    return day


def read_bytes(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise UserError.from_key("cli.file_missing", path=path)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise UserError.from_key("cli.file_unreadable", path=path, reason=exc.strerror or str(exc)) from None


def read_json(path: str) -> Any:
    """An answers or settings file: at most MAX_JSON_BYTES; nesting deeper than Python's recursion limit and
    numbers of more than 4,300 digits are refused with a message, not a traceback."""
    raw = read_bytes(path)
    if len(raw) > MAX_JSON_BYTES:
        raise UserError.from_key("cli.json_too_big", path=path, mb=MAX_JSON_BYTES // (1024 * 1024))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # before ValueError below, of which it is a kind
        raise UserError.from_key("cli.file_unreadable", path=path, reason=f"not UTF-8 ({exc.reason})") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise UserError.from_key("cli.json_too_deep", path=path) from None
    except json.JSONDecodeError as exc:
        raise UserError.from_key("cli.bad_json", path=path, line=exc.lineno, column=exc.colno, reason=exc.msg) from None
    except ValueError:  # an integer longer than int_max_str_digits
        raise UserError.from_key("cli.json_number", path=path) from None


def criteria_from(path: str | None) -> "Criteria":
    from criteria.loader import load_criteria

    if path and not Path(path).exists():
        raise UserError.from_key("cli.file_missing", path=path)
    return load_criteria(path)


def print_json(data: Any) -> None:
    """Indented JSON; non-ASCII characters as they are, or as JSON `\\u` escapes where stdout is not UTF-8."""
    sys.stdout.write(json.dumps(data, ensure_ascii=not _is_utf8(sys.stdout), indent=2, default=str) + "\n")


def _is_utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "") == "utf8"
