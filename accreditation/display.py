"""How values read to a person, the same on every page, export and PDF: dates as dd/mm/yyyy (times in Viet Nam's
time zone), severities and risk levels in words with one colour scale in which critical is always the darkest."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from accreditation.i18n import catalog_text

VIET_NAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving since 1975

# Roster severities, supplier risk levels and plan priorities on one scale, most serious first.
SEVERITY_ORDER = ("critical", "major", "high", "medium", "minor", "low")
# Row shading (background, text) for tables: critical darkest; each pair keeps WCAG AA contrast for dark text.
SEVERITY_COLOURS: dict[str, tuple[str, str]] = {
    "critical": ("#f4a6a6", "#5c0b0b"),
    "major": ("#fbd0a6", "#5a2d00"),
    "high": ("#fbd0a6", "#5a2d00"),
    "medium": ("#fdeea0", "#4a3b00"),
    "minor": ("#fdeea0", "#4a3b00"),
    "low": ("#e6f6ee", "#0f3d2a"),
}


def day(value: Any) -> str:
    """A date as a person reads it in Viet Nam: 25/12/2026; '—' for none. Accepts a date, a datetime, an ISO
    string (date or timestamp) or a pandas Timestamp."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value or " " in value.strip() else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = _local(value).date()
    try:
        return value.strftime("%d/%m/%Y")
    except (AttributeError, ValueError):  # NaT and the like
        return "—"


def moment(value: Any) -> str:
    """A timestamp as dd/mm/yyyy HH:MM in Viet Nam time; '—' for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return day(value)
    return _local(value).strftime("%d/%m/%Y %H:%M")


def _local(value: datetime) -> datetime:
    return value.astimezone(VIET_NAM) if value.tzinfo else value


def severity_label(key: str | None, lang: str) -> str:
    """A severity or risk level in words ('Nghiêm trọng'); an unknown key is shown as it is."""
    if key in SEVERITY_COLOURS:
        return catalog_text(f"display.severity.{key}", lang)
    return str(key or "—")


def severity_style(key: str | None) -> str:
    """CSS for a table row of this severity ('' for none)."""
    colours = SEVERITY_COLOURS.get(key or "")
    return f"background-color: {colours[0]}; color: {colours[1]}" if colours else ""
