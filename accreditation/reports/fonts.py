"""Fonts, colours and text helpers shared by the PDF builders.

DejaVu Sans (+ Bold) ship in `assets/fonts/` because reportlab's built-in fonts lack most Vietnamese letters.
reportlab embeds TrueType fonts as subsets without GPOS, so combining accents cannot be placed: every string is
NFC-normalised (precomposed letters) before it is drawn."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

if TYPE_CHECKING:  # the schema (pydantic) is imported only when a text is built
    from criteria.schema import Text

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

INK = HexColor("#1f2a30")
MUTED = HexColor("#5b6770")
GREEN = HexColor("#1b5e3b")
GREEN_LIGHT = HexColor("#e8f1ec")
GOLD = HexColor("#b38b2d")
AMBER = HexColor("#9a5b00")
AMBER_LIGHT = HexColor("#fdf3e1")
RED = HexColor("#a4262c")
RED_LIGHT = HexColor("#fbeaea")
GRID = HexColor("#c9d1d6")
HEADER_BG = HexColor("#e9eef1")


def _priority_colours() -> dict[str, tuple[Color, Color]]:
    """(bar, shading) per plan priority from the one scale of accreditation/display.py: critical darkest."""
    from accreditation.display import SEVERITY_COLOURS

    return {p: (HexColor(SEVERITY_COLOURS[p][1]), HexColor(SEVERITY_COLOURS[p][0]))
            for p in ("critical", "major", "minor")}


PRIORITY_COLOURS: dict[str, tuple[Color, Color]] = _priority_colours()

_registered = False


def register_fonts() -> None:
    """Register DejaVu Sans and its bold once per process (about 40 ms)."""
    global _registered
    if _registered:
        return
    # Binary (Flate-only) streams instead of reportlab's default ASCII85 on top: pure-Python base85 encoding took
    # a quarter of a remediation plan's time, and 8-bit PDFs are the norm. Process-wide reportlab setting.
    rl_config.useA85 = 0
    pdfmetrics.registerFont(TTFont(REGULAR, FONT_DIR / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    _registered = True


def nfc(text: object) -> str:
    """Any value as NFC text (precomposed Vietnamese letters), surrounding whitespace removed."""
    return unicodedata.normalize("NFC", "" if text is None else str(text)).strip()


def para(text: object) -> str:
    """NFC text escaped for a reportlab Paragraph (which parses a small XML markup)."""
    return escape(nfc(text))


def vn_date(d: date) -> str:
    """dd/mm/yyyy, as dates are written in Viet Nam."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def vnd(amount: int) -> str:
    """An amount in dong with dots between thousands, as written in Viet Nam: 1.500.000 ₫."""
    return f"{amount:,}".replace(",", ".") + " ₫"


def catalog_pair(key: str, **params: object) -> "Text":
    """A catalog text in both languages (the PDFs are bilingual: Vietnamese first, English below)."""
    from accreditation.i18n import catalog_text
    from criteria.schema import Text

    return Text(vi=nfc(catalog_text(key, "vi", **params)), en=nfc(catalog_text(key, "en", **params)))
