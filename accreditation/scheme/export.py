"""The scheme overview for people: every table with its keys as words and its headers in the reader's language,
suppressed cells as a word (never a number), rates as percentages; and the same tables as files (CSV: one tidy
table of every figure; XLSX: a sheet per table after a sheet of notes). The page shows what the files hold."""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd

from accreditation.accounts import Actor
from accreditation.i18n import catalog_text
from accreditation.permissions import require
from accreditation.portfolio.export import export_workbook, neutralise
from accreditation.scheme.query import UNKNOWN
from accreditation.scheme.stats import ASSURANCES, NOT_ELIGIBLE, SIZE_BANDS, Dashboard
from accreditation.store.accounts import LEGAL_FORMS
from criteria.provinces import load_provinces
from criteria.schema import Criteria

RATE_COLUMNS = ("share", "knockout_rate", "rate", "share_full")
# Dimensions whose keys are words of this catalog (scheme.<dimension>.<key>).
WORDED = {"size_band": tuple(b for b, _ in SIZE_BANDS), "assurance": ASSURANCES, "legal_form": LEGAL_FORMS,
          "formality": ("formal", "informal")}


def _t(key: str, lang: str, **params: object) -> str:
    return catalog_text(f"scheme.{key}", lang, **params)


def key_labels(dimension: str, lang: str, criteria: Criteria) -> dict[str, str]:
    """A dimension's keys as words in `lang` (a key without a word stays as it is)."""
    from accreditation.workflow import status_label

    words: dict[str, str] = {UNKNOWN: _t("unknown", lang), "total": _t("total", lang)}
    if dimension == "province":
        words.update({p.name: (p.name_en if lang == "en" else p.name) for p in load_provinces().current})
    elif dimension == "sector" and "sector" in criteria.lists:
        words.update({c.name: c.label.get(lang) for c in criteria.lists["sector"].choices})
    elif dimension == "tier":
        words.update({b.id: b.label.get(lang) for b in criteria.bands})
        words[NOT_ELIGIBLE] = _t("not_eligible", lang)
    elif dimension == "status":
        words.update({s: status_label(s, lang) for s in
                      ("submitted", "in_review", "changes_requested", "approved", "rejected")})
    elif dimension in WORDED:
        words.update({k: _t(f"{dimension}.{k}", lang) for k in WORDED[dimension]})
    return words


def indicator_label(indicator: str, lang: str, criteria: Criteria) -> str:
    """"TRN-01 · Have HR staff … been trained …?": the id first (the criteria's reference), then the question."""
    if criteria.has_indicator(indicator):
        return f"{indicator} · {criteria.indicator(indicator).label.get(lang)}"
    return indicator


def _cell(value: Any, column: str, hidden_word: str) -> Any:
    """A count or a rate as a file and a table show it: a suppressed count as the word, a rate in percent."""
    if column in RATE_COLUMNS:
        return None if value is None or pd.isna(value) else round(float(value) * 100, 1)
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return hidden_word
    return int(value) if hasattr(value, "__int__") and not isinstance(value, str) else value


def _people(df: pd.DataFrame, first: str, labels: dict[str, str] | None, lang: str, hidden_word: str,
            criteria: Criteria, first_header: str | None = None) -> pd.DataFrame:
    """One table: the first column as words, counts with suppressed cells as `hidden_word`, rates in percent,
    headers in `lang`. A rate left empty is one whose count is suppressed or whose group is empty."""
    out = pd.DataFrame(index=df.index)
    for column in df.columns:
        header = first_header if column == first and first_header else _t(f"col.{column}", lang)
        if column == first:
            if column == "indicator":
                out[header] = df[column].map(lambda v: indicator_label(str(v), lang, criteria)).astype("object")
            else:
                out[header] = df[column].map(lambda v: (labels or {}).get(v, v)).astype("object")
        elif column == "section":
            sections = {s.id: s.label.get(lang) for s in criteria.sections}
            out[header] = df[column].map(lambda v, words=sections: words.get(v, v)).astype("object")
        else:
            out[header] = pd.Series([_cell(v, column, hidden_word) for v in df[column].tolist()],
                                    index=df.index, dtype="object")
    return out.reset_index(drop=True)


def _tables(dash: Dashboard, lang: str, criteria: Criteria) -> dict[str, pd.DataFrame]:
    hidden = _t("hidden", lang)
    out: dict[str, pd.DataFrame] = {}
    measures = {m: _t(f"measure.{m}", lang) for m in dash.headline.get("measure", [])}
    out[_t("table.headline", lang)] = _people(dash.headline, "measure", measures, lang, hidden, criteria)
    for dimension, table in dash.breakdowns.items():
        out[_t(f"table.by_{dimension}", lang)] = _people(table, "key", key_labels(dimension, lang, criteria), lang,
                                                         hidden, criteria, _t(f"dim.{dimension}", lang))
    out[_t("table.trends", lang)] = _people(dash.trends, "quarter", {"total": _t("total", lang)}, lang, hidden,
                                            criteria)
    out[_t("table.not_met", lang)] = _people(dash.not_met, "indicator", None, lang, hidden, criteria)
    out[_t("table.adjusted", lang)] = _people(dash.adjusted, "indicator", None, lang, hidden, criteria)
    out[_t("table.training", lang)] = _people(dash.training, "indicator", None, lang, hidden, criteria)
    return out


def for_people(actor: Actor, dash: Dashboard, lang: str, criteria: Criteria) -> dict[str, pd.DataFrame]:
    """Every table of `dash` as the page and the files show it, by its title in `lang`."""
    require(actor, "scheme.view")
    return _tables(dash, lang, criteria)


def notes(actor: Actor, dash: Dashboard, lang: str) -> list[str]:
    """What the figures cover and how small cells are treated, in `lang`: the files' first lines."""
    require(actor, "scheme.view")
    from accreditation.display import day

    scope = (_t("scope_province", lang, province=dash.scope_province) if dash.scope_province
             else _t("scope_national", lang))
    lines = [_t("file_title", lang), scope, _t("as_of", lang, date=day(dash.as_of))]
    first, last = dash.quarters
    if first or last:
        lines.append(_t("period", lang, start=first or "…", end=last or "…"))
    if dash.provinces:
        lines.append(_t("filter_provinces", lang, names=", ".join(dash.provinces)))
    if dash.sectors:
        lines.append(_t("filter_sectors", lang, names=", ".join(dash.sectors)))
    lines.append(_t("latest_note", lang))
    lines.append(_t("suppressed_note", lang, threshold=dash.threshold, word=_t("hidden", lang))
                 if dash.suppressed else _t("unsuppressed_note", lang))
    return lines


def export_csv(actor: Actor, dash: Dashboard, lang: str, criteria: Criteria) -> bytes:
    """Every figure in one tidy table (UTF-8 with a byte-order mark, so Excel reads Vietnamese): table, category,
    measure, value; a suppressed value is the word, never a number. The notes come first, as comment lines."""
    require(actor, "scheme.view")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for line in notes(actor, dash, lang):
        writer.writerow([neutralise("# " + line)])
    writer.writerow([neutralise(_t(f"file.{c}", lang)) for c in ("table", "category", "measure", "value")])
    for title, table in _tables(dash, lang, criteria).items():
        _, *measures = list(table.columns)
        for row in table.itertuples(index=False, name=None):
            for measure, value in zip(measures, row[1:]):
                writer.writerow([neutralise(title), neutralise(str(row[0])), neutralise(measure),
                                 "" if value is None else neutralise(value)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def export_xlsx(actor: Actor, dash: Dashboard, lang: str, criteria: Criteria) -> bytes:
    """A workbook: the notes, then a sheet per table (numbers as numbers, suppressed cells as the word)."""
    require(actor, "scheme.view")
    sheets = {_t("sheet_notes", lang): pd.DataFrame({_t("sheet_notes", lang): notes(actor, dash, lang)})}
    sheets.update(_tables(dash, lang, criteria))
    return export_workbook(sheets)
