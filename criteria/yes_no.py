"""The one yes/no vocabulary: what a person may type for yes or no, in a criteria file, a law or risk table, a
roster or a supplier list (Vietnamese with or without accents, English, 1/0, x for a ticked box)."""

from __future__ import annotations

YES_WORDS = frozenset({"yes", "y", "true", "1", "1.0", "x", "có", "co", "c", "đúng", "dung"})
NO_WORDS = frozenset({"no", "n", "false", "0", "0.0", "không", "khong", "k", "sai"})


def yes_no(value: object) -> bool | None:
    """True for a yes word, False for a no word, None for anything else (a blank included: the caller decides
    what a blank means)."""
    text = str(value).strip().lower() if value is not None else ""
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    return None
