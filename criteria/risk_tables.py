"""The supply-chain risk tables under `criteria/risk/` (USDOL goods, NCLS 2018 sector findings, supplier-type levels,
rule texts, actions, supplier controls and the steps they lower the residual level by, sources), read and checked once; every problem in any of them is collected and raised as one
`CriteriaLoadError` naming file, row and column. `scoring.supply_chain` applies them.

Texts here are `criteria.text.Text`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from criteria.errors import CriteriaLoadError, ErrorCode, LoadIssue
from criteria.paths import risk_dir
from criteria.sheets import Row, Sheet, SheetSpec, duplicates, read_data_file, rows
from criteria.text import Text
from criteria.folding import fold

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
RANK = {name: n for n, name in enumerate(LEVELS)}
TYPES: tuple[str, ...] = ("factory", "workshop", "household_business", "home_worker", "cooperative", "farm",
                          "labour_agency")
RULES = ("informal_listed_good", "personal_tax_code", "type_tax_mismatch", "below_tier1_listed",
         "subcontracting_listed", "missing_tax_code", "invalid_tax_code", "type_unknown", "certificate_active",
         "certificate_expired", "certificate_revoked", "certificate_other_holder", "certificate_unknown",
         "certificate_unchecked", "certificate_self_assessed", "certificate_suspended", "certificate_superseded")
TRIGGERS = ("no_age_verification", "no_recent_audit", "no_code_of_conduct", "subcontracting_allowed",
            "informal_unit", "listed_good", "bad_tax_code", "critical")
EFFECTS = ("raise", "lower", "none")
# What a supplier does about its inherent risk (controls.csv): each is a reason `control:<id>` when in place.
CONTROLS = ("age_verification", "audit", "code_of_conduct", "no_subcontracting", "certificate")
PUNCT = r"[ \t\r\n,;:./\\()\[\]{}\-_+&|\"'!?*#<>=~%@^`]+"  # runs of these count as one space in keyword matching


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    published: str
    url: str
    status: str

    def cite(self) -> str:
        return f"{self.title} ({self.published}). {self.url}"


@dataclass(frozen=True)
class ReasonDef:
    id: str  # "type:workshop", "good:garments", "sector:…", "rule:…"
    effect: str  # raise | lower | none
    level: str  # the level it raises to ("" when it does not raise)
    text: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Good:
    id: str
    label: Text
    edition: str
    as_of: str  # the date of the list state the flags are copied from
    cl: bool
    fl: bool
    fcl: bool
    level: str
    lower_tier_focus: bool
    keywords_accented: frozenset[str]  # whole words, found in the lower-case text (both tone placements)
    keywords_plain: frozenset[str]  # ASCII keywords, found in the accent-free text
    source: str


@dataclass(frozen=True)
class ActionDef:
    id: str
    trigger: str
    min_level: str
    text: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ControlDef:
    id: str
    points: int  # added up over the controls in place; `RiskData.steps` turns the total into levels lowered
    floor_without: str  # without this control the residual stays at least this level (or the inherent one if lower)
    cap: str  # with this control the residual is at most this level
    period_months: int | None  # audit: how recent an audit must be to count


@dataclass(frozen=True)
class RiskData:
    sources: dict[str, Source]
    levels: dict[str, dict[str, Any]]  # level -> {label: Text, priority, description: Text}
    goods: tuple[Good, ...]
    sectors: tuple[Good, ...]  # same matching as goods; `level` is the level a match raises to
    types: dict[str, dict[str, Any]]  # type -> {label, level, aliases}
    type_aliases: dict[str, str]  # folded alias -> type
    reasons: tuple[ReasonDef, ...]  # every reason a supplier can get, in output order
    actions: tuple[ActionDef, ...]
    controls: tuple[ControlDef, ...] = ()  # in CONTROLS order
    steps: tuple[tuple[int, int], ...] = ()  # (points at least, levels lowered), ascending

    def control(self, cid: str) -> ControlDef:
        return next(c for c in self.controls if c.id == cid)

    def reason(self, rid: str) -> ReasonDef:
        return next(r for r in self.reasons if r.id == rid)


SPECS = {
    "sources": SheetSpec("sources", ("id", "title", "published", "url", "read", "status"), ("id", "title", "url")),
    "levels": SheetSpec("levels", ("level", "rank", "priority"), ("level",), ("label", "description"), ("label",)),
    "usdol_goods": SheetSpec("usdol_goods", ("good", "edition", "as_of", "cl", "fl", "fcl", "level", "lower_tier_focus",
                                             "source", "note"), ("good", "level", "source"), ("good", "keywords"),
                             ("good",)),
    "sector_prevalence": SheetSpec("sector_prevalence", ("sector", "figure", "level", "source", "as_of"),
                                   ("sector", "level", "source"), ("label", "keywords", "finding"),
                                   ("label", "finding")),
    "supplier_types": SheetSpec("supplier_types", ("type", "aliases", "level", "source", "note"), ("type", "level"),
                                ("label", "reason"), ("label",)),
    "rules": SheetSpec("rules", ("rule", "effect", "level", "source"), ("rule", "effect", "source"), ("reason",),
                       ("reason",)),
    "actions": SheetSpec("actions", ("action", "trigger", "min_level", "source"),
                         ("action", "trigger", "min_level", "source"), ("action",), ("action",)),
    "controls": SheetSpec("controls", ("control", "points", "floor_without", "cap", "period_months", "source", "note"),
                          ("control", "points", "source"), ("reason",), ("reason",)),
    "residual_steps": SheetSpec("residual_steps", ("points", "lowered_by", "note"), ("points", "lowered_by")),
}

_TONE_SWAP = {  # old-style and new-style tone placement in "oa", "oe", "uy": both spellings are in use
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ",
    "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
_TONE_SWAP.update({v: k for k, v in list(_TONE_SWAP.items())})


def keywords(words: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The keywords as the matcher compares them (lower case, punctuation runs as one space): those with diacritics
    are found in the accented text, in both tone placements; plain ASCII ones in the text with its accents removed."""
    accented: set[str] = set()
    plain: set[str] = set()
    for w in words:
        w = re.sub(PUNCT, " ", unicodedata.normalize("NFC", w).lower()).strip()
        if not w:
            continue
        if w.isascii():
            plain.add(w)
        else:
            accented.add(w)
            for a, b in _TONE_SWAP.items():
                if a in w:
                    accented.add(w.replace(a, b))
    return frozenset(accented), frozenset(plain)


def _text(row: Row, name: str, required: bool = True) -> Text:
    vi, en = row.pair(name, required)
    return Text(vi=vi, en=en)


class _Reader:
    """Reads the files of one folder into rows, recording issues; remembers the sources for references."""

    def __init__(self, folder: Path, issues: list[LoadIssue]):
        self.folder, self.issues = folder, issues
        self.sources: dict[str, Source] = {}
        self.source_ids: set[str] = set()  # every id in sources.csv, even on a row with a problem (reported once)
        self.sources_read = False  # without sources.csv, references are not checked (each would be "unknown")

    def rows(self, name: str, key: str) -> list[Row]:
        spec = SPECS[name]
        sheet: Sheet | None = read_data_file(self.folder / f"{name}.csv", spec, f"risk/{name}.csv", self.issues)
        if sheet is None:
            return []
        self.sources_read = self.sources_read or name == "sources"
        duplicates(sheet.label, key, [(n, (c.get(key) or "").strip()) for n, c in sheet.rows], self.issues)
        return list(rows(sheet, self.issues))

    def refs(self, row: Row) -> tuple[str, ...]:
        if not self.sources_read:
            return tuple(s.strip() for s in row.text("source").split("|") if s.strip()) or ("",)
        return row.ids("source", self.source_ids, "risk/sources.csv (id)")


def _read_sources(r: _Reader) -> None:
    for row in r.rows("sources", "id"):
        id_, title, url = row.text("id", True), row.text("title", True), row.text("url", True)
        r.source_ids.add(id_)
        if row.ok:
            r.sources[id_] = Source(id_, title, row.text("published"), url, row.text("status"))


def _read_levels(r: _Reader) -> dict[str, dict[str, Any]]:
    start = len(r.issues)
    levels = {}
    for row in r.rows("levels", "level"):
        level = row.option("level", LEVELS)
        if level is not None:
            levels[level] = {"label": _text(row, "label"), "priority": row.text("priority") or None,
                             "description": _text(row, "description", required=False)}
    if len(r.issues) == start and tuple(levels) != LEVELS:
        r.issues.append(LoadIssue(ErrorCode.BAD_ORDER, "risk/levels.csv", None, "level",
                                  {"options": ", ".join(LEVELS)}))
    return levels


def _read_goods(r: _Reader, name: str, key: str, label: str, reason: Callable[[Row, Text], Text]
                ) -> tuple[tuple[Good, ...], list[ReasonDef]]:
    """USDOL goods and NCLS sectors: matched by keywords, each raising a supplier to its level."""
    out, reasons = [], []
    for row in r.rows(name, key):
        gid, text = row.text(key, True), _text(row, label)
        accented, plain = keywords(row.text("keywords::vi").split("|") + row.text("keywords::en").split("|"))
        if not accented and not plain:
            row.issue(ErrorCode.KEYWORDS_MISSING, "keywords::vi")
        flags = [row.yes_no(flag) for flag in ("cl", "fl", "fcl", "lower_tier_focus")]
        level, srcs = row.option("level", LEVELS), r.refs(row)
        if not row.ok:
            continue
        cl, fl, fcl, lower = (bool(f) for f in flags)
        if name == "usdol_goods":
            row.day("as_of", required=True)  # each flag is dated by the list it is copied from
        good = Good(gid, text, row.text("edition"), row.text("as_of"), cl, fl, fcl, level or "", lower, accented, plain, srcs[0])
        out.append(good)
        reasons.append(ReasonDef(f"{key}:{gid}", "raise", good.level, reason(row, text), srcs))
    return tuple(out), reasons


def _good_reason(row: Row, label: Text) -> Text:
    flags = [(flag, row.yes_no(flag)) for flag in ("cl", "fl", "fcl")]
    kinds_vi = [k for k, (_, on) in zip(("lao động trẻ em", "lao động cưỡng bức", "lao động trẻ em bị cưỡng bức"),
                                        flags) if on]
    kinds_en = [k for k, (_, on) in zip(("child labour", "forced labour", "forced child labour"), flags) if on]
    edition = row.text("edition")
    return Text(vi=f"Mặt hàng có trong danh sách của Bộ Lao động Hoa Kỳ ({edition}) về "
                        f"{', '.join(kinds_vi)}: {label.vi}.",
                     en=f"Good on the USDOL list ({edition} edition) for {', '.join(kinds_en)}: {label.en}.")


def _read_types(r: _Reader) -> tuple[dict[str, dict[str, Any]], dict[str, str], list[ReasonDef]]:
    """Supplier types, the names each is known by (folded), and the reason each non-low type raises."""
    start = len(r.issues)
    types: dict[str, dict[str, Any]] = {}
    aliases: dict[str, str] = {}
    reasons = []
    for row in r.rows("supplier_types", "type"):
        t, label, level = row.option("type", TYPES), _text(row, "label"), row.option("level", LEVELS)
        if t is None or level is None:
            continue
        types[t] = {"label": label, "level": level}
        for alias in [t, t.replace("_", " "), label.vi, label.en, *row.text("aliases").split("|")]:
            key = fold(alias)
            if key and aliases.setdefault(key, t) != t:
                row.issue(ErrorCode.ALIAS_TAKEN, "aliases", value=alias.strip(), other=aliases[key])
        if level != "low":
            reason = _text(row, "reason")
            srcs = r.refs(row)
            reasons.append(ReasonDef(f"type:{t}", "raise", level, reason, srcs))
    if len(r.issues) == start and set(types) != set(TYPES):
        r.issues.append(LoadIssue(ErrorCode.ROWS_MISSING, "risk/supplier_types.csv", None, "type",
                                  {"values": ", ".join(t for t in TYPES if t not in types)}))
    return types, aliases, reasons


def _read_rules(r: _Reader) -> dict[str, ReasonDef]:
    start = len(r.issues)
    rules = {}
    for row in r.rows("rules", "rule"):
        rule, effect = row.option("rule", RULES), row.option("effect", EFFECTS)
        level = row.option("level", LEVELS, required=effect == "raise")
        text, srcs = _text(row, "reason"), r.refs(row)
        if row.ok and rule and effect and level is not None:
            rules[rule] = ReasonDef(f"rule:{rule}", effect, level, text, srcs)
    if len(r.issues) == start and set(rules) != set(RULES):
        r.issues.append(LoadIssue(ErrorCode.ROWS_MISSING, "risk/rules.csv", None, "rule",
                                  {"values": ", ".join(x for x in RULES if x not in rules)}))
    return rules


def _read_actions(r: _Reader) -> list[ActionDef]:
    actions = []
    for row in r.rows("actions", "action"):
        aid, trigger = row.text("action", True), row.option("trigger", TRIGGERS)
        level, text, srcs = row.option("min_level", LEVELS), _text(row, "action"), r.refs(row)
        if row.ok and trigger and level:
            actions.append(ActionDef(aid, trigger, level, text, srcs))
    return actions


def _read_controls(r: _Reader) -> tuple[tuple[ControlDef, ...], list[ReasonDef]]:
    start = len(r.issues)
    controls: dict[str, ControlDef] = {}
    reasons: dict[str, ReasonDef] = {}
    for row in r.rows("controls", "control"):
        cid, points = row.option("control", CONTROLS), row.integer("points", low=0)
        floor = row.option("floor_without", LEVELS, required=False)
        cap = row.option("cap", LEVELS, required=False)
        period = row.integer("period_months", required=cid == "audit", low=1)
        text, srcs = _text(row, "reason"), r.refs(row)
        if row.ok and cid and points is not None:
            controls[cid] = ControlDef(cid, points, floor or "", cap or "", period)
            reasons[cid] = ReasonDef(f"control:{cid}", "lower", "", text, srcs)
    if len(r.issues) == start and set(controls) != set(CONTROLS):
        r.issues.append(LoadIssue(ErrorCode.ROWS_MISSING, "risk/controls.csv", None, "control",
                                  {"values": ", ".join(x for x in CONTROLS if x not in controls)}))
    return tuple(controls[c] for c in CONTROLS if c in controls), [reasons[c] for c in CONTROLS if c in reasons]


def _read_steps(r: _Reader) -> tuple[tuple[int, int], ...]:
    """Points → levels lowered; both must grow from row to row (more controls never lower less)."""
    steps: list[tuple[int, int]] = []
    for row in r.rows("residual_steps", "points"):
        at, by = row.integer("points", low=1), row.integer("lowered_by", low=1)
        if not row.ok or at is None or by is None:
            continue
        if steps and (at <= steps[-1][0] or by <= steps[-1][1]):
            row.issue(ErrorCode.BAD_ORDER, "lowered_by", options="points and lowered_by both increasing")
            continue
        steps.append((at, by))
    return tuple(steps)


def load_risk_data(folder: Path | None = None) -> RiskData:
    """Read and check the risk tables (default: `risk/` of the data files); raise every problem at once."""
    folder = folder or risk_dir()
    issues: list[LoadIssue] = []
    r = _Reader(folder, issues)
    _read_sources(r)
    levels = _read_levels(r)
    goods, good_reasons = _read_goods(r, "usdol_goods", "good", "good", _good_reason)
    sectors, sector_reasons = _read_goods(r, "sector_prevalence", "sector", "label",
                                          lambda row, _label: _text(row, "finding"))
    types, aliases, type_reasons = _read_types(r)
    rules = _read_rules(r)
    actions = _read_actions(r)
    controls, control_reasons = _read_controls(r)
    steps = _read_steps(r)
    if issues:
        raise CriteriaLoadError(issues, str(folder))
    reasons = (*[rules[x] for x in RULES if rules[x].effect == "raise"], *type_reasons, *good_reasons,
               *sector_reasons, *[rules[x] for x in RULES if rules[x].effect != "raise"], *control_reasons)
    return RiskData(r.sources, levels, goods, sectors, types, aliases, tuple(reasons), tuple(actions), controls,
                    steps)


@lru_cache(maxsize=4)
def _cached(folder: str) -> RiskData:
    return load_risk_data(Path(folder))


def default_risk_data() -> RiskData:
    """The risk tables of the data files, read once per process (per folder)."""
    return _cached(str(risk_dir()))
