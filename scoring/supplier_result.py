"""The result of a supplier check (`scoring.supply_chain.assess_suppliers`): the per-supplier frame, the catalog of
reasons and actions it refers to, the summary, and the outputs built from them: compact JSON entries (vectorised,
joined in pyarrow) and the derived answers for the assessment engine."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.bilingual import Bilingual
from criteria.risk_tables import ActionDef, ReasonDef

if TYPE_CHECKING:  # pragma: no cover
    from scoring.result import DerivedAnswers
    from scoring.supplier_summary import SupplierSummary


@dataclass(eq=False)
class SupplierResult:
    """Per-supplier results (as a frame: 50,000 suppliers must not cost 50,000 models) plus the summary.
    A plain class, so that checking a list and printing its JSON does not import pydantic; `summary` and
    `derived()` give pydantic models."""

    as_of: date
    table: Any = field(repr=False)  # pandas DataFrame, one row per input row; see `entries`
    reasons: list[ReasonDef]  # catalog: `table.reason_set` indexes `reason_sets`
    reason_sets: list[list[int]]
    actions: list[ActionDef]
    action_sets: list[list[int]]
    sources: dict[str, dict[str, str]]
    levels: dict[str, Bilingual]
    summary_data: dict[str, Any] = field(repr=False)  # `SupplierSummary.model_dump()`, built by the rules
    problems: list[dict[str, Any]]  # {row, column, vi, en}: data the rules could not use

    @cached_property
    def summary(self) -> "SupplierSummary":
        from scoring.supplier_summary import SupplierSummary

        return SupplierSummary.model_validate(self.summary_data)

    # ---- per-supplier output

    def _set_json(self, lang: str, texts: bool) -> tuple[list[str], list[str]]:
        def reason(r: ReasonDef) -> dict[str, Any]:
            return {"id": r.id, **({"effect": r.effect} if texts or r.effect != "raise" else {}),
                    **({"level": r.level} if r.level else {}), **({"text": r.text.get(lang)} if texts else {}),
                    "source": list(r.sources)}

        def action(a: ActionDef) -> Any:
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

    def _joined(self, lang: str, texts: bool, end: str = "") -> pa.Array:
        """The compact JSON object of each row followed by `end`, joined column by column in C++."""
        t = self.table
        rs, acts = self._set_json(lang, texts)
        reasons = pa.array(rs, pa.string()).take(pa.array(t["reason_set"].to_numpy()))
        actions = pa.array(acts, pa.string()).take(pa.array(t["action_set"].to_numpy()))
        parts = ['{"row":', _json_int(t["row"]),
                 ',"tax_code":', _json_str(t["tax_display"]),
                 ',"tax_code_kind":', _json_cat(t["tax_kind"]),
                 ',"supplier_type":', _json_cat(t["type"]),
                 ',"province":', _json_cat(t["province"]),
                 ',"province_former":', _json_cat(t["province_former"]),
                 ',"tier":', _json_int(t["tier"]),
                 ',"level":', _json_cat(t["level"]),
                 ',"duplicate_of":', _json_int(t["duplicate_of"]),
                 ',"certificate":', _certificate_json(t),
                 ',"reasons":', reasons, ',"actions":', actions, "}" + end]
        arrays = [pa.scalar(p, pa.string()) if isinstance(p, str) else p for p in parts]
        return pc.binary_join_element_wise(*arrays, pa.scalar("", pa.string()))  # one pass, in C++

    def entries_json(self, lang: str = "vi", texts: bool = False) -> pd.Series:
        """One compact JSON object per input row, built with column operations (no loop over suppliers):
        row, tax_code (masked if personal), tax_code_kind, supplier_type, province, province_former, tier, level,
        duplicate_of, certificate, reasons (id, effect, level, source ids), actions (ids). With `texts`, reasons
        and actions carry their text too (for a page that shows a few suppliers); otherwise see `catalog`."""
        t = self.table
        if not len(t):
            return pd.Series(pd.array([], dtype="string"), index=t.index, dtype="string")
        return pd.Series(pd.arrays.ArrowStringArray(self._joined(lang, texts)), index=t.index, dtype="string")

    def entries_buffer(self, lang: str = "vi", sep: str = ",\n") -> memoryview | None:
        """All compact entries joined by `sep`, as UTF-8 bytes (None when there are none). Each entry is built with
        `sep` after it, so the joined array's value buffer is already the whole text: no second copy."""
        if not len(self.table):
            return None
        arr = self._joined(lang, False, sep)
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset:arr.offset + len(arr) + 1]
        return memoryview(arr.buffers()[2])[int(offsets[0]):int(offsets[-1]) - len(sep.encode("utf-8"))]

    def records(self) -> list[dict[str, Any]]:
        """One language-neutral record per input row, to store: row, rule (`supplier_risk_<level>`), severity (the
        level), tax_code (masked if personal), tax_code_kind, supplier_type, province, province_former, tier,
        duplicate_of, certificate {id, status, lowered}, and the ids of its reasons and actions (texts in the
        catalog). Keys whose value is missing are left out, except tax_code, province and tier."""
        t = self.table
        if not len(t):
            return []
        reason_ids = [[self.reasons[i].id for i in ids] for ids in self.reason_sets]
        action_ids = [[self.actions[i].id for i in ids] for ids in self.action_sets]

        def values(name: str) -> list[Any]:
            s = t[name]
            return s.astype(object).where(s.notna(), None).tolist()

        out = []
        for (row, tax, kind, typ, prov, former, tier, level, dup, cert, state, lowered, rs, acts) in zip(
                t["row"].tolist(), values("tax_display"), values("tax_kind"), values("type"), values("province"),
                values("province_former"), values("tier"), values("level"), values("duplicate_of"),
                values("certificate_id"), values("certificate_status"), t["certificate_lowered"].tolist(),
                t["reason_set"].tolist(), t["action_set"].tolist()):
            rec: dict[str, Any] = {"row": int(row), "rule": f"supplier_risk_{level}", "severity": level,
                                   "tax_code": tax, "tax_code_kind": kind, "supplier_type": typ, "province": prov,
                                   "province_former": former, "tier": None if tier is None else int(tier),
                                   "duplicate_of": None if dup is None else int(dup)}
            if state is not None:
                rec["certificate"] = {"id": cert, "status": state, "lowered": bool(lowered)}
            rec["reasons"], rec["actions"] = reason_ids[rs], action_ids[acts]
            out.append({k: v for k, v in rec.items() if v is not None or k in ("tax_code", "province", "tier")})
        return out

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
        from criteria.schema import Text
        from scoring.result import Action, DerivedAnswers

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
        return DerivedAnswers(source="suppliers", values=dict(self.summary_data["derived"]), actions=actions)

    def _action_texts(self, level: str, rset: int, aset: int) -> tuple[Any, Any, Any]:
        from criteria.schema import Text

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
        """`summary.model_dump()` with the focus definition in `lang` (a fresh copy: callers may change it)."""
        d = copy.deepcopy(self.summary_data)
        definition = d["focus"]["definition"]
        d["focus"]["definition"] = Bilingual(definition["vi"], definition["en"]).get(lang)
        return d


def _arrow(s: pd.Series) -> pa.Array:
    arr = pa.array(s.to_numpy() if isinstance(s.array, pd.arrays.NumpyExtensionArray) else s.array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _json_int(s: pd.Series) -> pa.Array:
    """JSON numbers for an integer column (null -> null)."""
    return pc.cast(_arrow(s), pa.string()).fill_null("null")


def _json_str(s: pd.Series) -> pa.Array:
    """JSON string literals for a string column, vectorised (null -> null)."""
    arr = pc.cast(_arrow(s), pa.string())
    if pc.any(pc.match_substring_regex(arr, r'[\\"\x00-\x1f]')).as_py():  # tax codes and ids rarely need it
        arr = pc.replace_substring(pc.replace_substring(arr, "\\", "\\\\"), '"', '\\"')
        arr = pc.replace_substring_regex(arr, r"[\x00-\x1f]", " ")
    return pc.binary_join_element_wise('"', arr, '"', "").fill_null("null")


def _json_cat(s: pd.Series) -> pa.Array:
    """JSON literals for a column with few distinct values: each distinct value is encoded once."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = s.cat.codes.to_numpy(), list(s.cat.categories)
    else:
        codes, uniques = pd.factorize(s.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    enc = pa.array([json.dumps(u, ensure_ascii=False) for u in uniques] + ["null"], pa.string())
    return enc.take(pa.array(np.where(codes < 0, len(uniques), codes)))


def _certificate_json(t: pd.DataFrame) -> pa.Array:
    """{"id", "status", "lowered"} for rows with a certificate, null for the others (built for those rows only)."""
    has = t["certificate_status"].notna().to_numpy(dtype=bool)
    out = pa.repeat(pa.scalar("null", pa.string()), len(t))
    if not has.any():
        return out
    rows = np.flatnonzero(has)
    lowered = pc.if_else(pa.array(t["certificate_lowered"].to_numpy(dtype=bool)[rows]), "true", "false")
    joined = pc.binary_join_element_wise('{"id":', _json_str(t["certificate_id"].iloc[rows]), ',"status":',
                                         _json_cat(t["certificate_status"].iloc[rows]), ',"lowered":', lowered, "}",
                                         "")
    return pc.replace_with_mask(out, pa.array(has), joined)
