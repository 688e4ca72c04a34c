"""Codes turned into words for people, for the brand and assessor pages and the portfolio files: a check's rule id
("age.hired_13_14", "supplier_risk_critical") becomes its title in the reader's language, a priority or severity
key its word (display.severity_label), and a name that ends a sentence loses its own full stop ("Ltd." + "." is
not "Ltd.."), and where a check's finding was made ("dòng 4, nhân viên NV004") in each language."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from accreditation.display import severity_label
from accreditation.i18n import catalog_text
from criteria.text import Text

if TYPE_CHECKING:
    from scoring.result import Action

_ITEM = re.compile(r"^(?P<id>.+?) \((?P<priority>[a-z_]+)\)$")


def name_in_sentence(name: object) -> str:
    """A name placed before a sentence's own full stop: "Demo Apparel Brand Ltd." → "Demo Apparel Brand Ltd"."""
    return str(name or "").rstrip().rstrip(".")


@lru_cache(maxsize=None)
def _law_titles() -> dict[str, tuple[str, str]]:
    # pages reach here only after every data file has loaded (criteria.datafiles.default_criteria)
    from criteria.law_tables import default_law

    return {r.id: (r.title.vi, r.title.en) for r in default_law().rules}


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


_REFS = (  # the English `Action.ref` of the checks (scoring/workforce.py, scoring/supplier_result.py)
    (re.compile(r"^row (\d+), employee (.+)$"), "plan.at_row_employee", ("row", "employee")),
    (re.compile(r"^row (\d+), tax code (.+)$"), "plan.at_row_tax_code", ("row", "tax_code")),
    (re.compile(r"^row (\d+), no tax code$"), "plan.at_row_no_tax_code", ("row",)),
    (re.compile(r"^row (\d+)$"), "plan.at_row", ("row",)),
    (re.compile(r"^rows ([\d, ]+) and ([\d,]+) more$"), "plan.at_rows_more", ("rows", "more")),
    (re.compile(r"^rows ([\d, ]+)$"), "plan.at_rows", ("rows",)),
)


def where_text(action: Action) -> Text | None:
    """Where an action's finding was made, in each language ("dòng 4, nhân viên NV004" / "row 4, employee
    NV004"): `Action.ref` is English, for the JSON. None without a ref; an unknown form is shown as it is."""
    if not action.ref:
        return None
    ref = unicodedata.normalize("NFC", action.ref)
    for pattern, key, names in _REFS:
        m = pattern.match(ref)
        if m:
            values = dict(zip(names, m.groups()))
            if "more" in values:  # "1,234" in English is "1.234" in Vietnamese
                t = _both(key, **values)
                return Text(vi=_both(key, **{**values, "more": values["more"].replace(",", ".")}).vi, en=t.en)
            return _both(key, **values)
    return Text(vi=ref, en=ref)


def _both(key: str, **params: object) -> Text:
    return Text(vi=unicodedata.normalize("NFC", catalog_text(key, "vi", **params)),
                en=unicodedata.normalize("NFC", catalog_text(key, "en", **params)))
