"""Codes turned into words for people, for the brand and assessor pages and the portfolio files: a check's rule id
("age.hired_13_14", "supplier_risk_critical") becomes its title in the reader's language, a priority or severity
key its word (display.severity_label), and a name that ends a sentence loses its own full stop ("Ltd." + "." is
not "Ltd..")."""

from __future__ import annotations

import re
from functools import lru_cache

from accreditation.display import severity_label
from accreditation.i18n import catalog_text

_ITEM = re.compile(r"^(?P<id>.+?) \((?P<priority>[a-z_]+)\)$")


def name_in_sentence(name: object) -> str:
    """A name placed before a sentence's own full stop: "Demo Apparel Brand Ltd." → "Demo Apparel Brand Ltd"."""
    return str(name or "").rstrip().rstrip(".")


@lru_cache(maxsize=None)
def _law_titles() -> dict[str, tuple[str, str]]:
    try:
        from criteria.law_tables import default_law

        return {r.id: (r.title.vi, r.title.en) for r in default_law().rules}
    except Exception:  # broken law tables are reported by the app's start; here the id is shown as it is
        return {}


def rule_title(rule: str | None, lang: str) -> str:
    """A check's rule in words: a roster rule's title from the law tables, a supplier rule by its risk level; an
    id nobody knows is shown as it is."""
    if not rule:
        return ""
    if rule.startswith("supplier_risk_"):
        level = rule.removeprefix("supplier_risk_")
        return catalog_text("brand.rule.supplier_risk", lang, level=severity_label(level, lang).lower())
    titles = _law_titles().get(rule)
    if titles:
        return titles[1] if lang == "en" else titles[0]
    return rule


def risk_item(code: str, priority: str | None, lang: str) -> str:
    """One risk as "POL-02 (quan trọng)" or "Trẻ 13-14 tuổi … (nghiêm trọng)": an indicator keeps its criteria id,
    a check's rule is named in words."""
    label = code if re.fullmatch(r"[A-Z]+-\d+", code) else rule_title(code, lang)
    return f"{label} ({severity_label(priority, lang).lower()})" if priority else label


def risk_list(text: str | None, lang: str) -> str:
    """A stored top-risk list ("YW-01 (critical), age.13_14_not_light (critical)") in words, each risk once."""
    if not text:
        return ""
    seen: list[str] = []
    for part in text.split(", "):
        m = _ITEM.match(part.strip())
        item = risk_item(m["id"], m["priority"], lang) if m else part.strip()
        if item and item not in seen:
            seen.append(item)
    return ", ".join(seen)
