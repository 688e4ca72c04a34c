"""What changes between two criteria sets, as a scheme officer reads it before installing a new version: indicators
added, removed, reworded (a text changed, per language) or changed in what they score (weight, critical, type,
choices, knock-outs, the condition that shows them...), and changes to sections, choice lists, bands, priorities and
settings.

Pure: two loaded `Criteria` in, a `CriteriaDiff` of plain values out; `render` turns it into lines in vi or en. The
comparison walks each model's fields (`model_dump`), so a column added to the criteria files later shows up here
without a change; a sheet this module does not know is compared row by row on its cells. Field names are shown as
the workbook's column names (`weight`, `label::vi`), the words a scheme officer edits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any

from criteria.schema import Criteria
from criteria.text import Text

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
LANGS = ("vi", "en")
# Parts compared model by model; any other sheet of `Criteria.sheets` is compared on its cells.
PARTS = ("settings", "sections", "indicators", "choices", "bands", "priorities")
KNOWN_SHEETS = set(PARTS) | {"derivations"}  # derivations.csv is not part of a workbook
_SKIP = {"row"}  # where a row sits in its file is no change


@dataclass(frozen=True)
class Change:
    """One field of one item: `lang` is "vi" or "en" for a bilingual text, else ""; None means absent."""

    field: str
    old: Any = None
    new: Any = None
    lang: str = ""

    @property
    def column(self) -> str:
        """The field as the workbook names its column."""
        return f"{self.field}::{self.lang}" if self.lang else self.field

    @property
    def is_text(self) -> bool:
        return bool(self.lang)


@dataclass(frozen=True)
class Entry:
    """An item (an indicator, a section, a choice...) that was added, removed or changed."""

    part: str  # "indicators", "sections", "choices", "bands", "priorities", "settings" or another sheet's name
    id: str  # for a choice: "list/name"
    status: str  # ADDED, REMOVED or CHANGED
    label: Text = Text()
    changes: tuple[Change, ...] = ()

    @property
    def reworded(self) -> bool:
        """Changed in its texts only: what it asks or explains, not what it scores."""
        return self.status == CHANGED and all(c.is_text for c in self.changes)


@dataclass(frozen=True)
class CriteriaDiff:
    old_version: str
    new_version: str
    entries: tuple[Entry, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.entries

    def of(self, part: str, status: str | None = None) -> list[Entry]:
        return [e for e in self.entries if e.part == part and (status is None or e.status == status)]

    @property
    def added(self) -> list[Entry]:
        return self.of("indicators", ADDED)

    @property
    def removed(self) -> list[Entry]:
        return self.of("indicators", REMOVED)

    @property
    def reworded(self) -> list[Entry]:
        return [e for e in self.of("indicators", CHANGED) if e.reworded]

    @property
    def rescored(self) -> list[Entry]:
        """Indicators changed in something other than their texts (weight, critical, type, condition...)."""
        return [e for e in self.of("indicators", CHANGED) if not e.reworded]

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "reworded": len(self.reworded),
                "rescored": len(self.rescored), "other": len([e for e in self.entries if e.part != "indicators"])}


# ------------------------------------------------------------------------------------------------ comparing


def diff_criteria(old: Criteria, new: Criteria) -> CriteriaDiff:
    """Every difference from `old` to `new`, in the order of the new files (removed items after the others)."""
    entries: list[Entry] = []
    entries += _settings(old, new)
    entries += _items("sections", _keyed(old.sections), _keyed(new.sections))
    entries += _items("indicators", _keyed(old.indicators), _keyed(new.indicators), _indicator_plain(old),
                      _indicator_plain(new))
    entries += _items("choices", _choices(old), _choices(new))
    entries += _items("bands", _keyed(old.bands), _keyed(new.bands))
    entries += _items("priorities", dict(old.priorities), dict(new.priorities))
    for name in sorted((set(old.sheets) | set(new.sheets)) - KNOWN_SHEETS):
        entries += _sheet(name, old.sheets.get(name), new.sheets.get(name))
    return CriteriaDiff(old.version, new.version, tuple(entries))


def _keyed(items: Iterable[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _choices(c: Criteria) -> dict[str, Any]:
    return {f"{lst.name}/{ch.name}": ch for lst in c.lists.values() for ch in lst.choices}


def _plain(model: Any) -> dict[str, Any]:
    return {k: v for k, v in model.model_dump(mode="json").items() if k not in _SKIP}


def _is_text(value: Any) -> bool:
    return isinstance(value, dict) and set(value) <= set(LANGS)


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out: list[Change] = []
    for name in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(name), new.get(name)
        if _is_text(a) or _is_text(b):
            for lang in LANGS:
                ta, tb = (a or {}).get(lang, ""), (b or {}).get(lang, "")
                if ta != tb:
                    out.append(Change(name, ta or None, tb or None, lang))
        elif a != b:
            out.append(Change(name, a, b))
    return out


def _label(model: Any) -> Text:
    label = getattr(model, "label", None)
    return label if isinstance(label, Text) else Text()


def _indicator_plain(c: Criteria) -> Any:
    """An indicator's fields as the workbook holds them (`type` = kind and list), with its choices summed up in
    one value, so that a changed score or knock-out of its list shows on the indicator too."""
    def plain(indicator: Any) -> dict[str, Any]:
        data = _plain(indicator)
        kind, list_name = data.pop("kind", ""), data.pop("list_name", None)
        out = {"type": f"{kind} {list_name}" if list_name else kind, **data}
        choices = c.choices_for(indicator)
        if choices is not None:
            out["choices"] = [_choice_text(ch) for ch in choices.choices]
        return out
    return plain


def _choice_text(choice: Any) -> str:
    """`no (0, knock-out)`: a choice's name with its score and flags."""
    marks = [] if choice.score is None else [f"{choice.score:g}"]
    marks += ["N/A"] * bool(choice.na) + ["knock-out"] * bool(choice.knockout)
    return f"{choice.name} ({', '.join(marks)})" if marks else choice.name


def _items(part: str, old: dict[str, Any], new: dict[str, Any], plain_old: Any = None,
           plain_new: Any = None) -> list[Entry]:
    plain_old, plain_new = plain_old or _plain, plain_new or _plain
    entries = []
    for key, item in new.items():
        if key not in old:
            entries.append(Entry(part, key, ADDED, _label(item)))
            continue
        changes = _field_changes(plain_old(old[key]), plain_new(item))
        if changes:
            entries.append(Entry(part, key, CHANGED, _label(item), tuple(changes)))
    entries += [Entry(part, key, REMOVED, _label(item)) for key, item in old.items() if key not in new]
    return entries


def _settings(old: Criteria, new: Criteria) -> list[Entry]:
    changes = _field_changes(_plain(old.settings), _plain(new.settings))
    return [Entry("settings", "settings", CHANGED, Text(), tuple(changes))] if changes else []


def _sheet(name: str, old: Any, new: Any) -> list[Entry]:
    """A sheet this module does not model (added to the format later), compared on its cells, keyed by its first
    column."""
    def rows(sheet: Any) -> dict[str, dict[str, str]]:
        if sheet is None or not sheet.header:
            return {}
        key = sheet.header[0]
        return {(cells.get(key) or "").strip(): {k: (v or "").strip() for k, v in cells.items()}
                for _, cells in sheet.rows}

    a, b = rows(old), rows(new)
    entries = [Entry(name, k, ADDED) for k in b if k not in a]
    for k in b:
        if k in a:
            changes = [Change(col, a[k].get(col) or None, b[k].get(col) or None)
                       for col in [*b[k], *(c for c in a[k] if c not in b[k])] if a[k].get(col) != b[k].get(col)]
            if changes:
                entries.append(Entry(name, k, CHANGED, Text(), tuple(changes)))
    entries += [Entry(name, k, REMOVED) for k in a if k not in b]
    return entries


# ------------------------------------------------------------------------------------------------ rendering

_WORDS = {
    "settings": ("Thiết lập", "Settings"),
    "sections": ("Nhóm tiêu chí", "Sections"),
    "choices": ("Lựa chọn trả lời", "Answer choices"),
    "bands": ("Hạng", "Tiers"),
    "priorities": ("Mức ưu tiên khắc phục", "Remediation priorities"),
    "ind_added": ("Câu hỏi thêm mới", "Indicators added"),
    "ind_removed": ("Câu hỏi bỏ đi", "Indicators removed"),
    "ind_reworded": ("Câu hỏi sửa lời (không đổi cách chấm)", "Indicators reworded (scoring unchanged)"),
    "ind_rescored": ("Câu hỏi đổi cách chấm (trọng số, loại trừ, lựa chọn, điều kiện...)",
                     "Indicators changed in scoring (weight, knock-out, choices, condition...)"),
    "added": ("thêm mới", "added"),
    "removed": ("bỏ đi", "removed"),
    "changed": ("thay đổi", "changed"),
    "none": ("(trống)", "(blank)"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "same": ("Hai bộ tiêu chí giống nhau.", "The two criteria sets are the same."),
    "summary": ("Từ phiên bản {old} sang {new}: {added} câu hỏi thêm, {removed} bỏ, {reworded} sửa lời, "
                "{rescored} đổi cách chấm; {other} thay đổi khác.",
                "From version {old} to {new}: indicators added {added}, removed {removed}, reworded {reworded}, "
                "changed in scoring {rescored}; other changes {other}."),
}


_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _word(key: str, lang: str) -> str:
    vi, en = _WORDS[key]
    return en if lang == "en" else vi


def _value(value: Any, lang: str) -> str:
    if value is None or value == "" or value == []:
        return _word("none", lang)
    if isinstance(value, bool):
        return _word("yes" if value else "no", lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if _is_text(value):
        return Text(**value).get(lang)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"  # dates as they are read in Viet Nam, in both languages
    return str(value)


def change_line(change: Change, lang: str) -> str:
    """`weight`: 5 → 8"""
    return f"{change.column}: {_value(change.old, lang)} → {_value(change.new, lang)}"


def entry_title(entry: Entry, lang: str) -> str:
    label = entry.label.get(lang)
    return f"{entry.id} — {label}" if label else entry.id


@dataclass(frozen=True)
class Block:
    """A heading and, under it, the items; each item a title with the lines of its changes (plain text: the page
    escapes it for markdown, as criteria texts carry `$`, `*` and `_`)."""

    title: str
    items: tuple[tuple[str, tuple[str, ...]], ...]


def render(diff: CriteriaDiff, lang: str = "vi") -> tuple[str, list[Block]]:
    """A summary line and the blocks of a diff, in `lang`."""
    if diff.empty:
        return _word("same", lang), []
    summary = _WORDS["summary"][1 if lang == "en" else 0].format(old=diff.old_version, new=diff.new_version,
                                                                  **diff.summary())
    blocks: list[Block] = []

    def add(title: str, entries: list[Entry], with_status: bool = False) -> None:
        if entries:
            blocks.append(Block(title, tuple(
                ((f"{entry_title(e, lang)} ({_word(e.status, lang)})" if with_status else entry_title(e, lang)),
                 tuple(change_line(c, lang) for c in e.changes)) for e in entries)))

    add(_word("settings", lang), diff.of("settings"))
    if blocks:  # settings are one item: show their changes without a title line of their own
        blocks[0] = Block(blocks[0].title, (("", blocks[0].items[0][1]),))
    add(_word("ind_added", lang), diff.added)
    add(_word("ind_removed", lang), diff.removed)
    add(_word("ind_rescored", lang), diff.rescored)
    add(_word("ind_reworded", lang), diff.reworded)
    for part in PARTS[1:]:
        if part != "indicators":
            add(_word(part, lang), diff.of(part), with_status=True)
    for part in sorted({e.part for e in diff.entries} - set(PARTS)):
        add(part, diff.of(part), with_status=True)
    return summary, blocks


def render_text(diff: CriteriaDiff, lang: str = "vi") -> str:
    """The diff as plain text (the CLI, logs and tests)."""
    summary, blocks = render(diff, lang)
    lines = [summary]
    for block in blocks:
        lines += ["", block.title]
        for title, changes in block.items:
            if title:
                lines.append(f"- {title}")
            lines += [f"    {c}" for c in changes] if title else [f"- {c}" for c in changes]
    return "\n".join(lines)
