"""What the offline workbook and the printed questionnaire share: the columns of a section sheet (found again on
import by their header, in either language), sheet names, choice labels, and conditions put into words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from accreditation.i18n import LANGUAGES, catalog_text
from criteria.conditions import ConditionSyntaxError, tokenize
from criteria.schema import Choice, Criteria, Indicator

# The columns of a section sheet, in order. The answer sits right of the question so a person sees both.
COLUMNS = ("id", "question", "answer", "comment", "when", "choices", "guidance", "legal")
WIDTHS = {"id": 10, "question": 60, "answer": 28, "comment": 30, "when": 34, "choices": 34, "guidance": 60,
          "legal": 34}
README_SHEET = {"vi": "Huong dan", "en": "Read me"}
LISTS_SHEET = "_lists"  # hidden: the drop-down lists
META_SHEET = "_meta"  # hidden: criteria version and language the workbook was made for
HEADER_ROW = 2  # row 1 holds the section's title
FIRST_ROW = 3
MULTI_SEPARATOR = ";"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def t(key: str, lang: str, **params: object) -> str:
    return catalog_text(f"offline.{key}", lang, **params)


def header(column: str, lang: str) -> str:
    return t(f"col_{column}", lang)


def fold(value: Any) -> str:
    """A cell as compared on import: NFC, spaces collapsed, case folded (Excel users retype labels loosely)."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    return " ".join(text.split()).casefold()


def header_lookup() -> dict[str, str]:
    """A header as typed in either language -> column key."""
    return {fold(header(c, lang)): c for c in COLUMNS for lang in LANGUAGES}


def sheet_name(criteria: Criteria, section_id: str, lang: str) -> str:
    """`POL - Chính sách…`: Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    label = _BAD_SHEET_CHARS.sub(" ", criteria.section(section_id).label.get(lang))
    name = f"{section_id} - {label}"
    return name if len(name) <= 31 else name[:30].rstrip() + "…"


def text_in(value: Any, lang: str) -> str:
    """A criteria Text in `lang` (falling back to the other language)."""
    return value.get(lang) if value else ""


def offered(criteria: Criteria, indicator: Indicator) -> list[Choice]:
    """The choices a person may pick, as the questionnaire page offers them (no "not applicable" where refused)."""
    clist = criteria.choices_for(indicator)
    if clist is None:
        return []
    return [c for c in clist.choices if not (c.na and not indicator.na_allowed and indicator.kind == "select_one")]


def choice_label(criteria: Criteria, indicator: Indicator, name: Any, lang: str) -> str:
    clist = criteria.choices_for(indicator)
    choice = clist.get(str(name)) if clist else None
    return text_in(choice.label, lang) if choice else str(name)


def answer_text(criteria: Criteria, indicator: Indicator, value: Any, lang: str) -> Any:
    """A stored answer as the workbook shows it: choice labels (several joined by `; `), numbers as numbers."""
    if value is None or value == "" or value == []:
        return None
    if indicator.kind == "select_one":
        return choice_label(criteria, indicator, value, lang)
    if indicator.kind == "select_multiple":
        values = value if isinstance(value, list) else [value]
        return f"{MULTI_SEPARATOR} ".join(choice_label(criteria, indicator, v, lang) for v in values)
    return value


@dataclass(frozen=True)
class Fixed:
    """An answer the company does not give in the questionnaire: a check's (roster, supplier list, case log) or
    the company profile's."""

    source: str  # roster | suppliers | cases | review | profile
    value: Any


@dataclass
class Prefill:
    """What an export from a draft starts from."""

    values: dict[str, Any] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, Fixed] = field(default_factory=dict)


def derivation_source(indicator: Indicator) -> str:
    return indicator.derived_from.split(".", 1)[0] if indicator.derived_from else ""


def when_text(criteria: Criteria, indicator: Indicator, lang: str, fixed: Fixed | None = None) -> str:
    """The "when to answer" cell: a fixed answer's source, the condition that opens a follow-up question, and
    which upload can answer it."""
    if fixed is not None:
        return t("when_fixed", lang, source=t(f"source_{fixed.source}", lang),
                 answer=answer_text(criteria, indicator, fixed.value, lang) or "—")
    parts = []
    if indicator.relevant:
        parts.append(t("when_only_if", lang, condition=condition_words(criteria, indicator.relevant, lang)))
    source = derivation_source(indicator)
    if source:
        parts.append(t("when_derivable", lang, source=t(f"source_{source}", lang)))
    if indicator.kind == "select_multiple":
        parts.append(t("when_multiple", lang))
    return " ".join(parts)


def condition_words(criteria: Criteria, text: str, lang: str) -> str:
    """`${PRO-01} = 'yes'` -> `PRO-01 = Yes`: question ids, choice labels and words instead of the grammar."""
    try:
        tokens = tokenize(text)
    except ConditionSyntaxError:
        return text
    words = {"and": t("cond_and", lang), "or": t("cond_or", lang), "not": t("cond_not", lang)}
    ops = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}

    def label(ref: str | None, name: str) -> str:
        if ref and criteria.has_indicator(ref):
            return f"“{choice_label(criteria, criteria.indicator(ref), name, lang)}”"
        return f"“{name}”"

    out: list[str] = []
    last_ref: str | None = None
    i = 0
    while i < len(tokens) and tokens[i].kind != "end":
        tok = tokens[i]
        if tok.kind == "word" and tok.value == "selected" and i + 5 < len(tokens) and tokens[i + 2].kind == "ref":
            ref, name = tokens[i + 2].value, tokens[i + 4].value
            out.append(t("cond_selected", lang, question=ref, choice=label(ref, str(name))))
            i += 6
            continue
        if tok.kind == "word" and tok.value == "count-selected" and i + 3 < len(tokens):
            out.append(t("cond_count", lang, question=tokens[i + 2].value))
            i += 4
            continue
        if tok.kind == "ref":
            last_ref = tok.value
            out.append(tok.value)
        elif tok.kind == "string":
            out.append(label(last_ref, tok.value))
        elif tok.kind == "op":
            out.append(ops.get(tok.value, tok.value))
        elif tok.kind == "word":
            out.append(words.get(tok.value, tok.value))
            last_ref = None
        else:
            out.append(str(tok.value))
        i += 1
    return re.sub(r"\( | \)", lambda m: m.group(0).strip(), " ".join(out))
