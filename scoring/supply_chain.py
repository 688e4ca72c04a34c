"""Supply-chain risk flags: each supplier of a company's list gets a risk level (low, medium, high, critical), the
reasons that raised it, each citing its source, and the actions it calls for; the company gets a summary and the
derived answers of the supply-chain indicators (SC-01..SC-04, PRO-03).

Everything the rules use is data in `criteria/risk/` (USDOL goods, NCLS 2018 sector findings, supplier-type levels,
rule texts, actions, sources); see docs/suppliers.md for the rules and thresholds. Pure: the caller passes a typed
frame (canonical column names of `criteria/columns/suppliers.csv`), the date of the assessment and, optionally, a
function that tells a certificate's status. Vectorised: no Python loop per supplier on the way to the levels.

Privacy: a 12-digit tax code is a person's identification number. Outputs carry it masked (last 4 digits only),
and supplier names are never copied into results (a household's name is a person's name).
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Literal, Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field

from criteria.schema import Text
from scoring.provinces import ProvinceTable, fold, fold_series, load_provinces
from scoring.result import Action, DerivedAnswers
from scoring.tax_codes import classify_series

RISK_DIR = Path(__file__).resolve().parent.parent / "criteria" / "risk"
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
RANK = {name: n for n, name in enumerate(LEVELS)}
TYPES: tuple[str, ...] = ("factory", "workshop", "household_business", "home_worker", "cooperative", "farm",
                          "labour_agency")
INFORMAL_TYPES = ("household_business", "home_worker")
COMPANY_TYPES = ("factory", "labour_agency")  # types that cannot hold a personal tax code
FOCUS_SPEND_SHARE = 0.80  # spend-critical: the largest suppliers that together make up 80% of listed spend
AUDIT_MONTHS = 12
MAPPING_COMPLETE = 0.90  # share of suppliers with tier, type, province and products for SC-01 "yes"
CertificateStatus = Literal["active", "expired", "revoked"]
CertificateLookup = Callable[[str], "Optional[str] | tuple[Optional[str], Optional[str]]"]
CERT_STATES = ("active", "expired", "revoked", "other_holder", "unknown", "unchecked")

COLUMNS = ("supplier_name", "tax_code", "province", "sector", "products", "tier", "supplier_type", "workers",
           "has_signed_code_of_conduct", "age_verification_in_place", "last_audit_date", "subcontracting_allowed",
           "certificate_id", "annual_spend_vnd")


# --------------------------------------------------------------------------------------------- risk data


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
    text: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Good:
    id: str
    label: Text
    edition: str
    cl: bool
    fl: bool
    fcl: bool
    level: str
    lower_tier_focus: bool
    pattern_accented: str  # regex over the padded lower-case text ("" = none)
    pattern_plain: str  # regex over the padded accent-free text
    source: str


@dataclass(frozen=True)
class ActionDef:
    id: str
    trigger: str
    min_level: str
    text: Text
    sources: tuple[str, ...]


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


def _plain(text: str) -> str:
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


_TONE_SWAP = {  # old-style and new-style tone placement in "oa", "oe", "uy": both spellings are in use
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ",
    "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
_TONE_SWAP.update({v: k for k, v in list(_TONE_SWAP.items())})
_PUNCT = r"[ \t\r\n,;:./\\()\[\]{}\-_+&|\"'!?*#<>=~%@^`]+"


def _keyword_patterns(words: list[str]) -> tuple[str, str]:
    """Two regexes that find any keyword as whole words in the padded text: keywords with diacritics are matched
    against the accented text (both tone placements), plain ASCII ones against the accent-free text."""
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

    def rx(ws: set[str]) -> str:
        return f" (?:{'|'.join(re.escape(w) for w in sorted(ws, key=len, reverse=True))}) " if ws else ""

    return rx(accented), rx(plain)


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


def _text(cells: dict[str, str], name: str) -> Text:
    return Text(vi=cells.get(f"{name}::vi", ""), en=cells.get(f"{name}::en", ""))


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

    def goods_like(name: str, key: str, label: str, reason: Callable[[dict[str, str], Text], Text]
                   ) -> tuple[tuple[Good, ...], list[ReasonDef]]:
        path = folder / name
        out, reasons = [], []
        for row, c in _read(path):
            _need(path, row, c, key, f"{label}::vi", f"{label}::en", "level", "source")
            acc, pla = _keyword_patterns(c.get("keywords::vi", "").split("|") + c.get("keywords::en", "").split("|"))
            if not acc and not pla:
                raise RiskDataError(f"{path.name}, row {row}: no keywords")
            srcs = _sources(path, row, c["source"], sources)
            g = Good(c[key], _text(c, label), c.get("edition", ""), _yes(c.get("cl", "")), _yes(c.get("fl", "")),
                     _yes(c.get("fcl", "")), _level(path, row, c["level"]), _yes(c.get("lower_tier_focus", "")),
                     acc, pla, srcs[0])
            out.append(g)
            reasons.append(ReasonDef(f"{key}:{g.id}", "raise", g.level, reason(c, g.label), srcs))
        return tuple(out), reasons

    def good_reason(c: dict[str, str], label: Text) -> Text:
        kinds_vi = [k for k, flag in (("lao động trẻ em", "cl"), ("lao động cưỡng bức", "fl"),
                                      ("lao động trẻ em bị cưỡng bức", "fcl")) if _yes(c.get(flag, ""))]
        kinds_en = [k for k, flag in (("child labour", "cl"), ("forced labour", "fl"),
                                      ("forced child labour", "fcl")) if _yes(c.get(flag, ""))]
        return Text(vi=f"Mặt hàng có trong danh sách của Bộ Lao động Hoa Kỳ ({c.get('edition')}) về "
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
            key = _fold_one(alias)
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
          "certificate_unchecked")
_TRIGGERS = ("no_age_verification", "no_recent_audit", "no_code_of_conduct", "subcontracting_allowed",
             "informal_unit", "listed_good", "bad_tax_code", "critical")


@lru_cache(maxsize=2)
def default_risk_data() -> RiskData:
    """The shipped risk tables, read once per process."""
    return load_risk_data(RISK_DIR)


def _fold_one(text: str) -> str:
    return fold(text)


# ------------------------------------------------------------------------------------------------ results


class Reason(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    effect: str
    level: str
    text: Text
    sources: tuple[str, ...]


class ActionText(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    text: Text
    sources: tuple[str, ...]


class Share(BaseModel):
    count: int
    of: int
    share: float | None  # None when `of` is 0


class FocusSummary(BaseModel):
    """Spend-critical or high-risk suppliers and their controls (the issue's "share without age verification or
    audit")."""
    definition: Text
    spend_data: bool  # the list has an annual_spend_vnd column with at least one amount
    spend_critical: int
    high_risk: int
    suppliers: int  # spend-critical or high/critical risk
    without_age_verification: Share
    without_recent_audit: Share
    without_age_verification_or_audit: Share


class SupplierSummary(BaseModel):
    rows: int  # data rows read
    suppliers: int  # distinct suppliers (duplicates not counted)
    duplicates: list[dict[str, Any]]  # {row, duplicate_of, key: "tax_code" | "name_province"}
    by_level: dict[str, int]
    by_type: dict[str, int]
    tax_codes: dict[str, int]  # enterprise, branch, personal_id, invalid, missing, leading_zero_restored
    provinces_mapped: list[dict[str, Any]]  # {from, to, rows}: old names mapped to the 2025 provinces
    provinces_unknown: list[int]  # rows whose province matched no current or former name
    listed_goods: dict[str, int]  # USDOL good -> suppliers
    informal_units: int
    max_tier: int | None
    workers_in_high_risk: int
    certificates: dict[str, int]  # active, expired, revoked, other_holder, unknown, unchecked
    focus: FocusSummary
    derived: dict[str, str]


class SupplierResult(BaseModel):
    """Per-supplier results (as a frame: 50,000 suppliers must not cost 50,000 models) plus the summary."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    as_of: date
    table: Any = Field(exclude=True)  # pandas DataFrame, one row per input row; see `entries`
    reasons: list[Reason]  # catalog: `table.reason_set` indexes `reason_sets`
    reason_sets: list[list[int]]
    actions: list[ActionText]
    action_sets: list[list[int]]
    sources: dict[str, dict[str, str]]
    levels: dict[str, Text]
    summary: SupplierSummary
    problems: list[dict[str, Any]]  # {row, column, vi, en}: data the rules could not use

    # ---- per-supplier output

    def _set_json(self, lang: str, texts: bool) -> tuple[list[str], list[str]]:
        def reason(r: Reason) -> dict[str, Any]:
            return {"id": r.id, **({"effect": r.effect} if texts or r.effect != "raise" else {}),
                    **({"level": r.level} if r.level else {}), **({"text": r.text.get(lang)} if texts else {}),
                    "source": list(r.sources)}

        def action(a: ActionText) -> Any:
            return {"id": a.id, "text": a.text.get(lang)} if texts else a.id

        rfrag = [json.dumps(reason(r), ensure_ascii=False, separators=(",", ":")) for r in self.reasons]
        afrag = [json.dumps(action(a), ensure_ascii=False, separators=(",", ":")) for a in self.actions]
        rs = ["[" + ",".join([rfrag[i] for i in ids]) + "]" for ids in self.reason_sets]
        acts = ["[" + ",".join([afrag[i] for i in ids]) + "]" for ids in self.action_sets]
        return rs, acts

    def catalog(self, lang: str = "vi") -> dict[str, Any]:
        """The texts and sources the compact entries refer to by id."""
        return {
            "levels": {k: v.get(lang) for k, v in self.levels.items()},
            "reasons": {r.id: {"effect": r.effect, **({"level": r.level} if r.level else {}),
                               "text": r.text.get(lang), "source": list(r.sources)} for r in self.reasons},
            "actions": {a.id: {"text": a.text.get(lang), "source": list(a.sources)} for a in self.actions},
            "sources": {k: {"title": v["title"], "published": v["published"], "url": v["url"]}
                        for k, v in self.sources.items()},
        }

    def cite(self, source_id: str) -> str:
        """A source as one line: title (date). URL."""
        s = self.sources[source_id]
        return f"{s['title']} ({s['published']}). {s['url']}" if s.get("published") else f"{s['title']}. {s['url']}"

    def entries_json(self, lang: str = "vi", texts: bool = False) -> pd.Series:
        """One compact JSON object per input row, built with column operations (no loop over suppliers):
        row, tax_code (masked if personal), tax_code_kind, supplier_type, province, province_former, tier, level,
        duplicate_of, certificate, reasons (id, effect, level, source ids), actions (ids). With `texts`, reasons
        and actions carry their text too (for a page that shows a few suppliers); otherwise see `catalog`."""
        t = self.table
        rs, acts = self._set_json(lang, texts)
        reasons = pa.array(rs, pa.string()).take(pa.array(t["reason_set"].to_numpy()))
        actions = pa.array(acts, pa.string()).take(pa.array(t["action_set"].to_numpy()))
        parts = ['{"row":', t["row"].astype("string"),
                 ',"tax_code":', _json_str(t["tax_display"]),
                 ',"tax_code_kind":"', t["tax_kind"].astype("string"),
                 '","supplier_type":', _json_cat(t["type"]),
                 ',"province":', _json_cat(t["province"]),
                 ',"province_former":', _json_cat(t["province_former"]),
                 ',"tier":', t["tier"].astype("string").fillna("null"),
                 ',"level":"', t["level"].astype("string"),
                 '","duplicate_of":', t["duplicate_of"].astype("string").fillna("null"),
                 ',"certificate":', _certificate_json(t),
                 ',"reasons":', reasons, ',"actions":', actions, "}"]
        arrays = [pa.scalar(p, pa.string()) if isinstance(p, str) else p if isinstance(p, pa.Array) else
                  pa.array(p.astype("string"), pa.string()) for p in parts]
        joined = pc.binary_join_element_wise(*arrays, pa.scalar("", pa.string()))  # one pass, in C++
        return pd.Series(pd.arrays.ArrowStringArray(joined) if len(t) else pd.array([], dtype="string"),
                         index=t.index, dtype="string")

    def entries_buffer(self, lang: str = "vi", sep: str = ",\n") -> memoryview | None:
        """All compact entries joined by `sep`, as UTF-8 bytes (joined in C++; None when there are none)."""
        arr = pa.array(self.entries_json(lang), pa.string())
        if len(arr) == 0:
            return None
        lists = pa.ListArray.from_arrays(pa.array([0, len(arr)], pa.int32()), arr)
        return memoryview(pc.binary_join(lists, sep)[0].as_buffer())

    def entries(self, lang: str = "vi", texts: bool = True) -> list[dict[str, Any]]:
        return [json.loads(s) for s in self.entries_json(lang, texts)]

    def entry(self, row: int, lang: str = "vi") -> dict[str, Any]:
        """The entry of one data row (1-based, as in the file)."""
        t = self.table
        pos = int(np.flatnonzero(t["row"].to_numpy() == row)[0])
        return json.loads(self.entries_json(lang, texts=True).iloc[pos])

    # ---- into the assessment

    def derived(self) -> DerivedAnswers:
        """The supply-chain answers for the engine, and one remediation action per high or critical supplier
        (critical priority for critical suppliers, major for high)."""
        t = self.table
        pick = t[(~t["duplicate"]) & t["level"].isin(["high", "critical"])]
        actions: list[Action] = []
        cache: dict[tuple[str, int, int], tuple[Text, Text, Text]] = {}
        responsible = Text(vi="Bộ phận mua hàng", en="Purchasing")
        evidence = Text(vi="Xác nhận kiểm tra tuổi của nhà cung cấp; báo cáo thăm hoặc đánh giá có ngày.",
                        en="The supplier's age-check confirmation; a dated visit or audit report.")
        for row, code, kind, level, rset, aset in zip(pick["row"].tolist(), pick["tax_display"].tolist(),
                                                      pick["tax_kind"].tolist(), pick["level"].tolist(),
                                                      pick["reason_set"].tolist(), pick["action_set"].tolist()):
            key = (level, rset, aset)
            if key not in cache:
                cache[key] = self._action_texts(level, rset, aset)
            finding, action, basis = cache[key]
            ref = f"row {row}, tax code {code}" if kind != "missing" else f"row {row}, no tax code"
            actions.append(Action(priority="critical" if level == "critical" else "major", source="suppliers",
                                  rule=f"supplier_risk_{level}", ref=ref, finding=finding, action=action,
                                  legal_basis=basis, responsible=responsible, evidence=evidence,
                                  child_protection=False))
        return DerivedAnswers(source="suppliers", values=dict(self.summary.derived), actions=actions)

    def _action_texts(self, level: str, rset: int, aset: int) -> tuple[Text, Text, Text]:
        label = self.levels[level]
        rs = [self.reasons[i] for i in self.reason_sets[rset] if self.reasons[i].effect == "raise"]
        acts = [self.actions[i] for i in self.action_sets[aset]]
        srcs = list(dict.fromkeys(s for r in rs for s in r.sources))
        finding = Text(vi=f"Nhà cung cấp rủi ro {label.vi.lower()}: " + " ".join(r.text.vi for r in rs),
                       en=f"{label.en} risk supplier: " + " ".join(r.text.en for r in rs))
        action = Text(vi=" ".join(a.text.vi for a in acts), en=" ".join(a.text.en for a in acts))
        basis = Text(vi="; ".join(self.sources[s]["title"] for s in srcs),
                     en="; ".join(self.sources[s]["title"] for s in srcs))
        return finding, action, basis

    def summary_dict(self, lang: str = "vi") -> dict[str, Any]:
        d = self.summary.model_dump()
        d["focus"]["definition"] = self.summary.focus.definition.get(lang)
        return d


def _json_str(s: pd.Series) -> pd.Series:
    """JSON string literals for a string column, vectorised (null -> null)."""
    s = s.astype("string")
    esc = (s.str.replace("\\", "\\\\", regex=False).str.replace('"', '\\"', regex=False)
           .str.replace(r"[\x00-\x1f]", " ", regex=True))
    return ('"' + esc + '"').fillna("null")


def _json_cat(s: pd.Series) -> pa.Array:
    """JSON literals for a column with few distinct values: each distinct value is encoded once."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    enc = pa.array([json.dumps(u, ensure_ascii=False) for u in uniques] + ["null"], pa.string())
    return enc.take(pa.array(np.where(codes < 0, len(uniques), codes)))


def _certificate_json(t: pd.DataFrame) -> pd.Series:
    has = t["certificate_status"].notna()
    out = pd.Series("null", index=t.index, dtype="string")
    if has.any():
        sub = t[has]
        out[has] = ('{"id":' + _json_str(sub["certificate_id"]) + ',"status":"'
                    + sub["certificate_status"].astype("string") + '","lowered":'
                    + sub["certificate_lowered"].map({True: "true", False: "false"}).astype("string") + "}")
    return out


# ---------------------------------------------------------------------------------------------------- rules


def _column(frame: pd.DataFrame, name: str, n: int, dtype: str) -> pd.Series:
    if name in frame.columns:
        s = frame[name]
        if dtype == "boolean":
            return s.astype("boolean")
        if dtype == "float":
            return pd.to_numeric(s, errors="coerce").astype(float)
        if dtype == "datetime":
            return pd.to_datetime(s, errors="coerce")
        return s.astype("string")
    if dtype == "boolean":
        return pd.Series(pd.array([pd.NA] * n, dtype="boolean"), index=frame.index)
    if dtype == "float":
        return pd.Series(np.nan, index=frame.index, dtype=float)
    if dtype == "datetime":
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def _match_texts(texts: pd.Series, items: tuple[Good, ...]) -> np.ndarray:
    """n × len(items) booleans: which items' keywords occur in each text. Matching runs once per distinct text."""
    codes, uniques = pd.factorize(texts.fillna(""), sort=False)
    u = pd.Series(uniques, dtype="string").str.normalize("NFC").str.lower()
    acc = " " + u.str.replace(_PUNCT, " ", regex=True) + " "
    plain = (acc.str.replace("đ", "d", regex=False).str.normalize("NFD")
             .str.replace("[\u0300-\u036f]", "", regex=True))
    out = np.zeros((len(uniques), len(items)), dtype=bool)
    for j, g in enumerate(items):
        hit = np.zeros(len(uniques), dtype=bool)
        if g.pattern_accented:
            hit |= acc.str.contains(g.pattern_accented, regex=True).fillna(False).to_numpy(dtype=bool)
        if g.pattern_plain:
            hit |= plain.str.contains(g.pattern_plain, regex=True).fillna(False).to_numpy(dtype=bool)
        out[:, j] = hit
    if len(texts) == 0:
        return np.zeros((0, len(items)), dtype=bool)
    return out[codes]


def _map_types(raw: pd.Series, data: RiskData) -> tuple[pd.Series, np.ndarray]:
    """(canonical type or NA, mask of cells filled with something that is no known type)."""
    codes, uniques = pd.factorize(raw.fillna(""), sort=False)
    mapped = fold_series(pd.Series(uniques, dtype="string")).map(data.type_aliases)
    arr = mapped.astype(object).where(mapped.notna(), None).to_numpy(dtype=object)
    typ = pd.Series(arr[codes] if len(arr) else np.array([], dtype=object), index=raw.index, dtype="string")
    unknown = (raw.fillna("").str.strip() != "").to_numpy(dtype=bool) & typ.isna().to_numpy(dtype=bool)
    return typ, unknown


def assess_suppliers(frame: pd.DataFrame, as_of: date, data: RiskData | None = None,
                     certificate_status: CertificateLookup | None = None,
                     provinces: ProvinceTable | None = None, rows: Any = None,
                     problems: list[dict[str, Any]] | None = None) -> SupplierResult:
    """Flag every supplier of `frame` (canonical columns; see COLUMNS, missing optional ones count as blank).

    `rows`: the data-row numbers to report (default: the frame's index when it is 1-based integers, else 1..n).
    `certificate_status(id)` returns 'active', 'expired', 'revoked' or None (not in the register), or a pair
    (status, holder's tax code) so that a certificate of another company is not counted; without it a certificate
    cannot be checked and does not lower the risk. Only 'active' (verified and in date) lowers the level, by one."""
    data = data or default_risk_data()
    provinces = provinces or load_provinces()
    n = len(frame)
    if rows is None:
        idx = frame.index
        rows = idx.to_numpy() if (pd.api.types.is_integer_dtype(idx) and (n == 0 or idx.min() >= 1)) \
            else np.arange(1, n + 1)
    rownum = np.asarray(rows, dtype=np.int64)
    as_of_ts = pd.Timestamp(as_of)
    problems = list(problems or [])

    name = _column(frame, "supplier_name", n, "string")
    tax = classify_series(_column(frame, "tax_code", n, "string"))
    prov_raw = _column(frame, "province", n, "string")
    products = _column(frame, "products", n, "string").fillna("")
    sector = _column(frame, "sector", n, "string").fillna("")
    tier = _column(frame, "tier", n, "float")
    typ, type_unrecognised = _map_types(_column(frame, "supplier_type", n, "string"), data)
    workers = _column(frame, "workers", n, "float")
    coc = _column(frame, "has_signed_code_of_conduct", n, "boolean").fillna(False).to_numpy(dtype=bool)
    agev = _column(frame, "age_verification_in_place", n, "boolean").fillna(False).to_numpy(dtype=bool)
    subc = _column(frame, "subcontracting_allowed", n, "boolean").fillna(False).to_numpy(dtype=bool)
    audit = _column(frame, "last_audit_date", n, "datetime")
    cert = _column(frame, "certificate_id", n, "string").str.strip().replace("", pd.NA)
    spend = _column(frame, "annual_spend_vnd", n, "float")

    kind = tax["kind"].to_numpy(dtype=object)
    personal = kind == "personal_id"
    # A 12-digit code with no type given: a household business (the code says so).
    typ = typ.where(~(typ.isna() & personal), "household_business")
    type_arr = typ.fillna("").to_numpy(dtype=object)

    # --- provinces
    prov = provinces.match_series(prov_raw)
    prov_unknown = (~prov["blank"].to_numpy()) & prov["province"].isna().to_numpy()

    # --- matches
    text = (products + " " + sector)
    goods = _match_texts(text, data.goods)
    sectors = _match_texts(text, data.sectors)
    goods_cl = np.array([g.cl for g in data.goods], dtype=bool)
    goods_any = np.array([g.cl or g.fl for g in data.goods], dtype=bool)
    goods_focus = np.array([g.lower_tier_focus for g in data.goods], dtype=bool)
    listed = (goods & goods_any).any(axis=1) if n else np.zeros(0, bool)
    listed_cl = (goods & goods_cl).any(axis=1) if n else np.zeros(0, bool)
    listed_focus = (goods & goods_focus).any(axis=1) if n else np.zeros(0, bool)
    informal = np.isin(type_arr, INFORMAL_TYPES) | personal
    tier_np = tier.to_numpy(dtype=float)
    below_tier1 = np.nan_to_num(tier_np, nan=0) >= 2

    # --- the reason matrix, in data.reasons order
    cols: dict[str, np.ndarray] = {
        "rule:informal_listed_good": informal & listed_cl,
        "rule:personal_tax_code": personal,
        "rule:type_tax_mismatch": personal & np.isin(type_arr, COMPANY_TYPES),
        "rule:below_tier1_listed": below_tier1 & listed_focus,
        "rule:subcontracting_listed": subc & listed,
        "rule:missing_tax_code": kind == "missing",
        "rule:invalid_tax_code": kind == "invalid",
        "rule:type_unknown": (type_arr == "") & ~personal,
    }
    for t_ in TYPES:
        cols[f"type:{t_}"] = type_arr == t_
    for j, g in enumerate(data.goods):
        cols[f"good:{g.id}"] = goods[:, j]
    for j, s in enumerate(data.sectors):
        cols[f"sector:{s.id}"] = sectors[:, j]

    # --- certificates: looked up once per distinct id
    cert_status = pd.Series(pd.NA, index=frame.index, dtype="string")
    has_cert = cert.notna().to_numpy(dtype=bool)
    if has_cert.any():
        ids = pd.unique(cert[has_cert])
        status: dict[str, str] = {}
        holder: dict[str, str] = {}
        for i in ids:
            if certificate_status is None:
                status[i] = "unchecked"
                continue
            found = certificate_status(str(i))
            st, who = found if isinstance(found, tuple) else (found, None)
            status[i] = st if st in ("active", "expired", "revoked") else "unknown"
            if who:
                holder[i] = str(who).strip()
        cert_status = cert.copy()
        cert_status[has_cert] = cert[has_cert].map(status)
        if holder:  # a certificate counts only for the company it was issued to (a branch shares its parent's)
            who = pd.Series(pd.NA, index=frame.index, dtype="string")
            who[has_cert] = cert[has_cert].map(holder).astype("string")
            own = tax["code"].astype("string")
            same = (who.str.slice(0, 10) == own.str.slice(0, 10)).fillna(False)
            cert_status = cert_status.where(who.isna() | same, "other_holder")
    cs = cert_status.fillna("").to_numpy(dtype=object)
    for s in CERT_STATES:
        cols[f"rule:certificate_{s}"] = cs == s

    reasons = [r for r in data.reasons if r.id in cols]
    matrix = np.column_stack([cols[r.id] for r in reasons]) if n else np.zeros((0, len(reasons)), bool)
    raise_rank = np.array([RANK[r.level] if r.effect == "raise" else 0 for r in reasons], dtype=np.int8)
    raised = (matrix * raise_rank).max(axis=1) if n and len(reasons) else np.zeros(n, np.int8)
    # Every reason that raised the level is shown, not just the strongest: the supplier sees all its risk factors.
    lowered = cs == "active"
    level_rank = np.where(lowered, np.maximum(raised - 1, 0), raised).astype(np.int8)
    level = np.asarray(LEVELS, dtype=object)[level_rank]

    # --- duplicates: on the tax code, or on name + province when there is none
    code = tax["code"].fillna("")
    has_code = (code != "").to_numpy(dtype=bool)
    key = pd.Series("t:" + code.to_numpy(dtype=object), index=frame.index, dtype=object)
    if (~has_code).any():
        nk = fold_series(name[~has_code].fillna(""))
        pk = prov["province"][~has_code].fillna(fold_series(prov_raw[~has_code].fillna("")))
        named = (nk != "").to_numpy(dtype=bool)
        key[~has_code] = np.where(named, ("n:" + nk + "|" + pk).to_numpy(dtype=object),
                                  "row:" + pd.Series(rownum[~has_code]).astype(str).to_numpy(dtype=object))
    codes, _ = pd.factorize(key.to_numpy(dtype=object))
    new = np.ones(n, dtype=bool)  # factorize numbers keys in order of first appearance
    if n > 1:
        new[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    first_row = rownum[np.flatnonzero(new)][codes] if n else rownum
    duplicate = first_row != rownum

    # --- controls
    audit_ok = ((audit <= as_of_ts) & (audit > as_of_ts - pd.DateOffset(months=AUDIT_MONTHS))).fillna(False)
    audit_ok = audit_ok.to_numpy(dtype=bool)
    audit_future = (audit > as_of_ts).fillna(False).to_numpy(dtype=bool)

    # --- actions
    triggers = {
        "no_age_verification": ~agev, "no_recent_audit": ~audit_ok, "no_code_of_conduct": ~coc,
        "subcontracting_allowed": subc, "informal_unit": informal, "listed_good": listed,
        "bad_tax_code": np.isin(kind, ("missing", "invalid")), "critical": level_rank == RANK["critical"],
    }
    amatrix = (np.column_stack([triggers[a.trigger] & (level_rank >= RANK[a.min_level]) for a in data.actions])
               if n and data.actions else np.zeros((n, len(data.actions)), bool))

    reason_set, reason_sets = _sets(matrix)
    action_set, action_sets = _sets(amatrix)

    table = pd.DataFrame({
        "row": rownum,
        "tax_display": _mask_invalid(tax),
        "tax_kind": tax["kind"].to_numpy(dtype=object),
        "type": typ.to_numpy(dtype=object),
        "province": prov["province"].to_numpy(dtype=object),
        "province_former": prov["former"].to_numpy(dtype=object),
        "tier": pd.array(np.where(np.isnan(tier_np), np.nan, tier_np), dtype="Float64").astype("Int64")
        if n else pd.array([], dtype="Int64"),
        "level": level,
        "level_rank": level_rank,
        "duplicate": duplicate,
        "duplicate_of": pd.array(np.where(duplicate, first_row, 0), dtype="Int64"),
        "certificate_id": cert.to_numpy(dtype=object),
        "certificate_status": cert_status.to_numpy(dtype=object),
        "certificate_lowered": lowered & (raised > 0),
        "reason_set": reason_set,
        "action_set": action_set,
        "informal": informal,
        "listed": listed,
        "coc": coc,
        "age_verified": agev,
        "audited": audit_ok,
        "subcontracting": subc,
        "workers": workers.to_numpy(dtype=float),
        "spend": spend.to_numpy(dtype=float),
    }, index=frame.index)
    table["duplicate_of"] = table["duplicate_of"].where(table["duplicate"], pd.NA)

    problems.extend(_problems(table, tax, prov_raw, prov_unknown, type_unrecognised, audit_future, tier_np))
    summary = _summary(table, tax, goods, data, prov_raw, prov_unknown, n)
    return SupplierResult.model_construct(  # built here from checked parts: no need to validate 50,000 rows again
        as_of=as_of, table=table,
        reasons=[Reason(id=r.id, effect=r.effect, level=r.level, text=r.text, sources=r.sources) for r in reasons],
        reason_sets=reason_sets,
        actions=[ActionText(id=a.id, text=a.text, sources=a.sources) for a in data.actions],
        action_sets=action_sets,
        sources={s.id: {"title": s.title, "published": s.published, "url": s.url, "status": s.status}
                 for s in data.sources.values()},
        levels={k: v["label"] for k, v in data.levels.items()},
        summary=summary, problems=problems)


def _sets(matrix: np.ndarray) -> tuple[np.ndarray, list[list[int]]]:
    """Index each row's combination of true columns: (combination id per row, column ids per combination).
    Rows are packed into 64-bit words and hashed (pd.factorize), which is much faster than np.unique(axis=0)."""
    n, k = matrix.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64), []
    packed = np.packbits(matrix, axis=1, bitorder="little")
    width = -(-packed.shape[1] // 8) * 8
    if width != packed.shape[1]:
        packed = np.pad(packed, ((0, 0), (0, width - packed.shape[1])))
    words = np.ascontiguousarray(packed).view(np.uint64)
    codes, _ = pd.factorize(words[:, 0])
    for j in range(1, words.shape[1]):  # more than 64 reasons: combine word by word
        codes, _ = pd.MultiIndex.from_arrays([codes, words[:, j]]).factorize()
    first = np.zeros(codes.max() + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)  # the first row of each combination
    return codes.astype(np.int64), [np.flatnonzero(matrix[i]).tolist() for i in first]


def _mask_invalid(tax: pd.DataFrame) -> np.ndarray:
    """The display form of each code: personal numbers masked, and so are invalid codes long enough to be a
    mistyped personal number (11 digits or more, no branch hyphen)."""
    disp = tax["display"].astype("string").replace("", pd.NA).to_numpy(dtype=object, na_value=None)
    bad = np.flatnonzero((tax["kind"] == "invalid").to_numpy(dtype=bool))
    if len(bad):
        code = tax["code"].astype("string").iloc[bad]
        long_ = ((code.str.count(r"[0-9]") >= 11) & ~code.str.contains("-", regex=False)).to_numpy(dtype=bool)
        disp[bad[long_]] = ("*" * 8 + code.str.slice(-4))[long_].to_numpy(dtype=object)
    return disp


_TAX_PROBLEM = {
    "format": ("mã số thuế không đúng dạng (10 số, 10-3 số hoặc 12 số)",
               "the tax code has the wrong shape (10 digits, 10-3 digits or 12 digits)"),
    "check_digit": ("mã số thuế sai số kiểm tra", "the tax code's check digit is wrong"),
    "province_zero": ("mã số thuế có mã tỉnh 00", "the tax code's province part is 00"),
    "sequence_zero": ("mã số thuế có số thứ tự 0000000", "the tax code's sequence number is 0000000"),
    "branch_zero": ("mã chi nhánh 000 không hợp lệ", "branch number 000 is not valid"),
}


def _problems(t: pd.DataFrame, tax: pd.DataFrame, prov_raw: pd.Series, prov_unknown: np.ndarray,
              type_unrecognised: np.ndarray, audit_future: np.ndarray, tier: np.ndarray) -> list[dict[str, Any]]:
    """Data the rules could not use, one line each (rows with problems only; no values of personal data)."""
    out: list[dict[str, Any]] = []
    rows = t["row"].to_numpy()
    err = tax["error"].fillna("").to_numpy(dtype=object)
    disp = t["tax_display"].to_numpy(dtype=object)
    for i in np.flatnonzero(t["tax_kind"].to_numpy(dtype=object) == "invalid"):
        vi, en = _TAX_PROBLEM.get(err[i], _TAX_PROBLEM["format"])
        out.append({"row": int(rows[i]), "column": "tax_code", "vi": f"{vi}: {disp[i]}", "en": f"{en}: {disp[i]}"})
    for i in np.flatnonzero(tax["restored"].to_numpy(dtype=bool) & (t["tax_kind"] != "invalid").to_numpy()):
        out.append({"row": int(rows[i]), "column": "tax_code",
                    "vi": f"đã thêm số 0 bị mất ở đầu mã số thuế (ô dạng số trong Excel?): {disp[i]}",
                    "en": f"restored the leading zero the spreadsheet dropped from the tax code: {disp[i]}"})
    pr = prov_raw.to_numpy(dtype=object)
    for i in np.flatnonzero(prov_unknown):
        out.append({"row": int(rows[i]), "column": "province",
                    "vi": f"không nhận ra tỉnh/thành phố '{pr[i]}'", "en": f"unknown province '{pr[i]}'"})
    for i in np.flatnonzero(type_unrecognised):
        out.append({"row": int(rows[i]), "column": "supplier_type",
                    "vi": "không nhận ra loại nhà cung cấp (dùng: nhà máy, xưởng, hộ kinh doanh, người làm tại nhà, "
                          "hợp tác xã, trang trại, công ty cung ứng lao động)",
                    "en": "unknown supplier type (use: factory, workshop, household business, home worker, "
                          "cooperative, farm, labour agency)"})
    for i in np.flatnonzero(audit_future):
        out.append({"row": int(rows[i]), "column": "last_audit_date",
                    "vi": "ngày đánh giá sau ngày đánh giá rủi ro: không được tính",
                    "en": "audit date after the assessment date: not counted"})
    for i in np.flatnonzero(~np.isnan(tier) & (tier < 1)):
        out.append({"row": int(rows[i]), "column": "tier", "vi": "cấp phải từ 1 trở lên",
                    "en": "tier must be 1 or more"})
    out.sort(key=lambda p: p["row"])
    return out


def _share(count: int, of: int) -> Share:
    return Share(count=int(count), of=int(of), share=round(count / of, 4) if of else None)


def _yes_partly_no(count: int, of: int) -> str:
    if of == 0 or count == 0:
        return "no"
    return "yes" if count == of else "partly"


def _summary(t: pd.DataFrame, tax: pd.DataFrame, goods: np.ndarray, data: RiskData, prov_raw: pd.Series,
             prov_unknown: np.ndarray, n: int) -> SupplierSummary:
    u = ~t["duplicate"].to_numpy(dtype=bool)  # distinct suppliers
    d = t[u]
    nu = int(u.sum())
    rank = d["level_rank"].to_numpy()
    high = rank >= RANK["high"]

    # spend-critical: the largest suppliers that together make up FOCUS_SPEND_SHARE of the listed spend
    spend = np.nan_to_num(d["spend"].to_numpy(dtype=float), nan=0.0)
    spend_data = bool((spend > 0).any())
    spend_critical = np.zeros(nu, dtype=bool)
    if spend_data:
        order = np.argsort(-spend, kind="stable")
        before = np.concatenate([[0.0], np.cumsum(spend[order])[:-1]]) / spend.sum()
        pick = order[(before < FOCUS_SPEND_SHARE) & (spend[order] > 0)]
        spend_critical[pick] = True
    focus = high | spend_critical
    nf = int(focus.sum())
    no_age = ~d["age_verified"].to_numpy(dtype=bool)
    no_audit = ~d["audited"].to_numpy(dtype=bool)

    # derived answers (criteria/derivations.csv); thresholds in docs/suppliers.md
    tier = d["tier"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    complete = (~np.isnan(tier) & d["type"].notna().to_numpy() & d["province"].notna().to_numpy())
    beyond = bool((np.nan_to_num(tier, nan=0) >= 2).any())
    if nu == 0:
        mapping = "no"
    elif beyond and complete.mean() >= MAPPING_COMPLETE:
        mapping = "yes"
    else:
        mapping = "partly"
    nh = int(high.sum())
    derived = {
        "suppliers.mapping": mapping,
        "suppliers.code_of_conduct": _yes_partly_no(int(d["coc"].sum()), nu),
        "suppliers.age_verification": "na" if nh == 0 else _yes_partly_no(int((high & ~no_age).sum()), nh),
        "suppliers.audit": "na" if nh == 0 else _yes_partly_no(int((high & ~no_audit).sum()), nh),
        "suppliers.uses_informal": "yes" if bool(d["informal"].any()) else "no",
    }

    mapped = (t[t["province_former"].notna()].groupby(["province_former", "province"]).size()
              .reset_index(name="rows"))
    goods_u = goods[u] if n else goods
    tk = tax["kind"][u].value_counts()
    certs = d["certificate_status"].value_counts()
    max_tier = np.nanmax(tier) if nu and not np.isnan(tier).all() else None
    w = d["workers"].to_numpy(dtype=float)
    return SupplierSummary(
        rows=n, suppliers=nu,
        duplicates=[{"row": int(r), "duplicate_of": int(f), "key": "tax_code" if k != "missing" else "name_province"}
                    for r, f, k in zip(t.loc[~u, "row"].tolist(), t.loc[~u, "duplicate_of"].tolist(),
                                       t.loc[~u, "tax_kind"].tolist())],
        by_level={lv: int((rank == i).sum()) for i, lv in enumerate(LEVELS)},
        by_type={**{ty: int((d["type"] == ty).sum()) for ty in TYPES}, "unknown": int(d["type"].isna().sum())},
        tax_codes={**{k: int(tk.get(k, 0)) for k in ("enterprise", "branch", "personal_id", "invalid", "missing")},
                   "leading_zero_restored": int(tax["restored"][u].sum())},
        provinces_mapped=[{"from": r["province_former"], "to": r["province"], "rows": int(r["rows"])}
                          for r in mapped.to_dict("records")],
        provinces_unknown=[int(r) for r in t["row"].to_numpy()[prov_unknown]],
        listed_goods={g.id: int(goods_u[:, j].sum()) for j, g in enumerate(data.goods) if goods_u[:, j].any()},
        informal_units=int(d["informal"].sum()),
        max_tier=int(max_tier) if max_tier is not None else None,
        workers_in_high_risk=int(np.nansum(w[high])),
        certificates={s: int(certs.get(s, 0)) for s in CERT_STATES},
        focus=FocusSummary(
            definition=Text(
                vi=("Nhà cung cấp rủi ro cao hoặc nghiêm trọng, và nhà cung cấp trọng yếu về chi tiêu (những nhà "
                    "cung cấp lớn nhất cộng lại chiếm 80% giá trị mua hàng năm trong danh sách)"
                    if spend_data else "Nhà cung cấp rủi ro cao hoặc nghiêm trọng (danh sách không có giá trị "
                                       "mua hàng nên không xác định được nhà cung cấp trọng yếu về chi tiêu)"),
                en=("High- or critical-risk suppliers, and spend-critical suppliers (the largest suppliers that "
                    "together make up 80% of the annual spend in the list)"
                    if spend_data else "High- or critical-risk suppliers (the list has no spend amounts, so "
                                       "spend-critical suppliers cannot be identified)")),
            spend_data=spend_data, spend_critical=int(spend_critical.sum()), high_risk=nh, suppliers=nf,
            without_age_verification=_share(int((focus & no_age).sum()), nf),
            without_recent_audit=_share(int((focus & no_audit).sum()), nf),
            without_age_verification_or_audit=_share(int((focus & (no_age | no_audit)).sum()), nf)),
        derived=derived)
