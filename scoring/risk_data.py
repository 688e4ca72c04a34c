"""The supply-chain risk tables of `criteria/risk/` (USDOL goods, NCLS 2018 sector findings, supplier-type levels,
rule texts, actions, sources), read and checked once; errors name the file and row. `scoring.supply_chain` applies
them.

Texts here are `scoring.bilingual.Bilingual` (the interface of `criteria.schema.Text` without pydantic).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from scoring.bilingual import Bilingual
from scoring.provinces import fold

RISK_DIR = Path(__file__).resolve().parent.parent / "criteria" / "risk"
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
RANK = {name: n for n, name in enumerate(LEVELS)}
TYPES: tuple[str, ...] = ("factory", "workshop", "household_business", "home_worker", "cooperative", "farm",
                          "labour_agency")


class RiskDataError(ValueError):
    """A broken risk data file: names the file and row."""


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
    text: Bilingual
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Good:
    id: str
    label: Bilingual
    edition: str
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
    text: Bilingual
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RiskData:
    sources: dict[str, Source]
    levels: dict[str, dict[str, Any]]  # level -> {label: Bilingual, priority, description: Bilingual}
    goods: tuple[Good, ...]
    sectors: tuple[Good, ...]  # same matching as goods; `level` is the level a match raises to
    types: dict[str, dict[str, Any]]  # type -> {label, level, aliases}
    type_aliases: dict[str, str]  # folded alias -> type
    reasons: tuple[ReasonDef, ...]  # every reason a supplier can get, in output order
    actions: tuple[ActionDef, ...]

    def reason(self, rid: str) -> ReasonDef:
        return next(r for r in self.reasons if r.id == rid)


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise RiskDataError(f"{path.name}: file missing")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [(n, {k: (v or "").strip() for k, v in r.items()}) for n, r in enumerate(csv.DictReader(f), 2)]


def _need(path: Path, row: int, cells: dict[str, str], *names: str) -> None:
    for name in names:
        if not cells.get(name):
            raise RiskDataError(f"{path.name}, row {row}: '{name}' is empty")


def _yes(v: str) -> bool:
    return v.strip().lower() in ("yes", "true", "1", "có")


_TONE_SWAP = {  # old-style and new-style tone placement in "oa", "oe", "uy": both spellings are in use
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ",
    "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
_TONE_SWAP.update({v: k for k, v in list(_TONE_SWAP.items())})
_PUNCT = r"[ \t\r\n,;:./\\()\[\]{}\-_+&|\"'!?*#<>=~%@^`]+"


def _keywords(words: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The keywords as the matcher compares them (lower case, punctuation runs as one space): those with diacritics
    are found in the accented text, in both tone placements; plain ASCII ones in the text with its accents removed."""
    accented: set[str] = set()
    plain: set[str] = set()
    for w in words:
        w = re.sub(_PUNCT, " ", unicodedata.normalize("NFC", w).lower()).strip()
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


def _sources(path: Path, row: int, text: str, known: dict[str, Source]) -> tuple[str, ...]:
    ids = tuple(s.strip() for s in text.split("|") if s.strip())
    for s in ids:
        if s not in known:
            raise RiskDataError(f"{path.name}, row {row}: unknown source '{s}' (see sources.csv)")
    return ids


def _level(path: Path, row: int, value: str, allow_empty: bool = False) -> str:
    if value in LEVELS or (allow_empty and value == ""):
        return value
    raise RiskDataError(f"{path.name}, row {row}: level '{value}' is not one of {', '.join(LEVELS)}")


def _text(cells: dict[str, str], name: str) -> Bilingual:
    return Bilingual(vi=cells.get(f"{name}::vi", ""), en=cells.get(f"{name}::en", ""))


def load_risk_data(folder: Path = RISK_DIR) -> RiskData:
    """Read and check the risk tables; errors name the file and row."""
    p = folder / "sources.csv"
    sources = {}
    for row, c in _read(p):
        _need(p, row, c, "id", "title", "url")
        sources[c["id"]] = Source(c["id"], c["title"], c.get("published", ""), c["url"], c.get("status", ""))

    p = folder / "levels.csv"
    levels = {}
    for row, c in _read(p):
        levels[_level(p, row, c["level"])] = {"label": _text(c, "label"), "priority": c.get("priority") or None,
                                              "description": _text(c, "description")}
    if tuple(levels) != LEVELS:
        raise RiskDataError(f"{p.name}: levels must be {', '.join(LEVELS)} in this order")

    def goods_like(name: str, key: str, label: str, reason: Callable[[dict[str, str], Bilingual], Bilingual]
                   ) -> tuple[tuple[Good, ...], list[ReasonDef]]:
        path = folder / name
        out, reasons = [], []
        for row, c in _read(path):
            _need(path, row, c, key, f"{label}::vi", f"{label}::en", "level", "source")
            acc, pla = _keywords(c.get("keywords::vi", "").split("|") + c.get("keywords::en", "").split("|"))
            if not acc and not pla:
                raise RiskDataError(f"{path.name}, row {row}: no keywords")
            srcs = _sources(path, row, c["source"], sources)
            g = Good(c[key], _text(c, label), c.get("edition", ""), _yes(c.get("cl", "")), _yes(c.get("fl", "")),
                     _yes(c.get("fcl", "")), _level(path, row, c["level"]), _yes(c.get("lower_tier_focus", "")),
                     acc, pla, srcs[0])
            out.append(g)
            reasons.append(ReasonDef(f"{key}:{g.id}", "raise", g.level, reason(c, g.label), srcs))
        return tuple(out), reasons

    def good_reason(c: dict[str, str], label: Bilingual) -> Bilingual:
        kinds_vi = [k for k, flag in (("lao động trẻ em", "cl"), ("lao động cưỡng bức", "fl"),
                                      ("lao động trẻ em bị cưỡng bức", "fcl")) if _yes(c.get(flag, ""))]
        kinds_en = [k for k, flag in (("child labour", "cl"), ("forced labour", "fl"),
                                      ("forced child labour", "fcl")) if _yes(c.get(flag, ""))]
        return Bilingual(vi=f"Mặt hàng có trong danh sách của Bộ Lao động Hoa Kỳ ({c.get('edition')}) về "
                       f"{', '.join(kinds_vi)}: {label.vi}.",
                    en=f"Good on the USDOL list ({c.get('edition')} edition) for {', '.join(kinds_en)}: "
                       f"{label.en}.")

    goods, good_reasons = goods_like("usdol_goods.csv", "good", "good", good_reason)
    sectors, sector_reasons = goods_like("sector_prevalence.csv", "sector", "label",
                                         lambda c, _label: _text(c, "finding"))

    p = folder / "supplier_types.csv"
    types: dict[str, dict[str, Any]] = {}
    type_aliases: dict[str, str] = {}
    type_reasons = []
    for row, c in _read(p):
        _need(p, row, c, "type", "label::vi", "label::en", "level")
        t = c["type"]
        if t not in TYPES:
            raise RiskDataError(f"{p.name}, row {row}: type '{t}' is not one of {', '.join(TYPES)}")
        lvl = _level(p, row, c["level"])
        types[t] = {"label": _text(c, "label"), "level": lvl}
        for alias in [t, t.replace("_", " "), c["label::vi"], c["label::en"], *c.get("aliases", "").split("|")]:
            key = fold(alias)
            if key:
                if type_aliases.setdefault(key, t) != t:
                    raise RiskDataError(f"{p.name}, row {row}: alias '{alias}' already names {type_aliases[key]}")
        if lvl != "low":
            _need(p, row, c, "reason::vi", "reason::en", "source")
            type_reasons.append(ReasonDef(f"type:{t}", "raise", lvl, _text(c, "reason"),
                                          _sources(p, row, c["source"], sources)))
    if set(types) != set(TYPES):
        raise RiskDataError(f"{p.name}: missing types {', '.join(sorted(set(TYPES) - set(types)))}")

    p = folder / "rules.csv"
    rules = {}
    for row, c in _read(p):
        _need(p, row, c, "rule", "effect", "reason::vi", "reason::en", "source")
        if c["effect"] not in ("raise", "lower", "none"):
            raise RiskDataError(f"{p.name}, row {row}: effect must be raise, lower or none")
        lvl = _level(p, row, c.get("level", ""), allow_empty=c["effect"] != "raise")
        rules[c["rule"]] = ReasonDef(f"rule:{c['rule']}", c["effect"], lvl, _text(c, "reason"),
                                     _sources(p, row, c["source"], sources))
    missing = set(_RULES) - set(rules)
    if missing:
        raise RiskDataError(f"{p.name}: missing rules {', '.join(sorted(missing))}")

    p = folder / "actions.csv"
    actions = []
    for row, c in _read(p):
        _need(p, row, c, "action", "trigger", "min_level", "action::vi", "action::en", "source")
        if c["trigger"] not in _TRIGGERS:
            raise RiskDataError(f"{p.name}, row {row}: trigger '{c['trigger']}' is not one of {', '.join(_TRIGGERS)}")
        actions.append(ActionDef(c["action"], c["trigger"], _level(p, row, c["min_level"]), _text(c, "action"),
                                 _sources(p, row, c["source"], sources)))

    reasons = (*[rules[r] for r in _RULES if rules[r].effect == "raise"], *type_reasons, *good_reasons,
               *sector_reasons, *[rules[r] for r in _RULES if rules[r].effect != "raise"])
    return RiskData(sources, levels, goods, sectors, types, type_aliases, tuple(reasons), tuple(actions))


_RULES = ("informal_listed_good", "personal_tax_code", "type_tax_mismatch", "below_tier1_listed",
          "subcontracting_listed", "missing_tax_code", "invalid_tax_code", "type_unknown", "certificate_active",
          "certificate_expired", "certificate_revoked", "certificate_other_holder", "certificate_unknown",
          "certificate_unchecked", "certificate_self_assessed", "certificate_suspended", "certificate_superseded")
_TRIGGERS = ("no_age_verification", "no_recent_audit", "no_code_of_conduct", "subcontracting_allowed",
             "informal_unit", "listed_good", "bad_tax_code", "critical")


@lru_cache(maxsize=2)
def default_risk_data() -> RiskData:
    """The shipped risk tables, read once per process."""
    return load_risk_data(RISK_DIR)
