"""The result of a supplier check (`scoring.supply_chain.assess_suppliers`): the per-supplier frame, the catalog of
reasons and actions it refers to, the summary, and what is built from them: one entry per supplier (plain dicts,
for JSON and pages), the records stored, and the derived answers for the assessment engine."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from criteria.text import Text
from criteria.risk_tables import ActionDef, ReasonDef

if TYPE_CHECKING:  # pragma: no cover
    from scoring.result import DerivedAnswers
    from scoring.supplier_summary_model import SupplierSummary


@dataclass(eq=False)
class SupplierResult:
    """Per-supplier results (as a frame: 50,000 suppliers must not cost 50,000 models) plus the summary.
    `summary` and `derived()` give pydantic models; `summary_data` is the same summary as a plain dict."""

    as_of: date
    table: Any = field(repr=False)  # pandas DataFrame, one row per input row; see `entries`
    reasons: list[ReasonDef]  # catalog: `table.reason_set` indexes `reason_sets`
    reason_sets: list[list[int]]
    actions: list[ActionDef]
    action_sets: list[list[int]]
    sources: dict[str, dict[str, str]]
    levels: dict[str, Text]
    summary_data: dict[str, Any] = field(repr=False)  # `SupplierSummary.model_dump()`, built by the rules
    problems: list[dict[str, Any]]  # {row, column, vi, en}: data the rules could not use

    @cached_property
    def summary(self) -> "SupplierSummary":
        from scoring.supplier_summary_model import SupplierSummary

        return SupplierSummary.model_validate(self.summary_data)

    # ---- per-supplier output

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

    def _sets(self, lang: str, texts: bool) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
        """Each combination of reasons, of controls and of actions as the entries show it. Rows share these lists:
        a list of 50,000 suppliers has a few thousand combinations. Controls are apart from the reasons that raise
        the inherent level; without texts each control is its id (its sources are in the catalog): as reasons with
        their sources they made the CLI's JSON half as large again."""
        def reason(r: ReasonDef) -> dict[str, Any]:
            return {"id": r.id, **({"effect": r.effect} if texts or r.effect != "raise" else {}),
                    **({"level": r.level} if r.level else {}), **({"text": r.text.get(lang)} if texts else {}),
                    "source": list(r.sources)}

        reasons = [reason(r) if texts or not r.id.startswith("control:") else r.id for r in self.reasons]
        control = [r.id.startswith("control:") for r in self.reasons]
        actions = [{"id": a.id, "text": a.text.get(lang)} if texts else a.id for a in self.actions]
        return ([[reasons[i] for i in ids if not control[i]] for ids in self.reason_sets],
                [[reasons[i] for i in ids if control[i]] for ids in self.reason_sets],
                [[actions[i] for i in ids] for ids in self.action_sets])

    def entries(self, lang: str = "vi", texts: bool = True,
                shared: Callable[[list[Any]], Any] | None = None) -> list[dict[str, Any]]:
        """One entry per input row: row, tax_code (masked if personal), tax_code_kind, supplier_type, province,
        province_former, tier, level (residual, after the supplier's controls), inherent, duplicate_of, controls (the
        controls in place: id, effect, text, sources; without `texts` their ids), certificate {id, status, lowered} or None, reasons (id, effect,
        level, text, source ids) and actions (id, text). Without `texts` (the CLI's JSON), a reason leaves out its
        text and its effect when it raised the level, and an action is its id: the texts are in `catalog`.
        `shared` is applied once to each combination of reasons and of actions, and the entries hold what it
        returns (the JSON writer encodes each combination once)."""
        t = self.table
        if not len(t):
            return []
        reason_sets, control_sets, action_sets = self._sets(lang, texts)
        if shared is not None:
            reason_sets, control_sets, action_sets = (list(map(shared, reason_sets)), list(map(shared, control_sets)),
                                                      list(map(shared, action_sets)))
        certificates = _values(t, "certificate_id")
        states = _values(t, "certificate_status")
        lowered = t["certificate_lowered"].tolist()
        inherent = _values(t, "inherent")
        return [{"row": row, "tax_code": tax, "tax_code_kind": kind, "supplier_type": typ, "province": prov,
                 "province_former": former, "tier": tier, "level": level, "inherent": inherent[i],
                 "duplicate_of": dup,
                 "certificate": None if state is None else {"id": certificates[i], "status": state,
                                                            "lowered": lowered[i]},
                 "reasons": reason_sets[rs], "controls": control_sets[rs], "actions": action_sets[acts]}
                for i, (row, tax, kind, typ, prov, former, tier, level, dup, state, rs, acts) in enumerate(zip(
                    t["row"].tolist(), _values(t, "tax_display"), _values(t, "tax_kind"), _values(t, "type"),
                    _values(t, "province"), _values(t, "province_former"), _values(t, "tier"), _values(t, "level"),
                    _values(t, "duplicate_of"), states, t["reason_set"].tolist(), t["action_set"].tolist()))]

    def records(self) -> list[dict[str, Any]]:
        """One language-neutral record per input row, to store: row, rule (`supplier_risk_<level>`), severity (the
        residual level), inherent (the level before controls), tax_code (masked if personal), tax_code_kind, supplier_type, province, province_former, tier,
        duplicate_of, certificate {id, status, lowered}, and the ids of its reasons and actions (texts in the
        catalog). Keys whose value is missing are left out, except tax_code, province and tier."""
        t = self.table
        if not len(t):
            return []
        reason_ids = [[self.reasons[i].id for i in ids] for ids in self.reason_sets]
        action_ids = [[self.actions[i].id for i in ids] for ids in self.action_sets]

        out = []
        inherent = _values(t, "inherent")
        for i, (row, tax, kind, typ, prov, former, tier, level, dup, cert, state, lowered, rs, acts) in enumerate(zip(
                t["row"].tolist(), _values(t, "tax_display"), _values(t, "tax_kind"), _values(t, "type"),
                _values(t, "province"), _values(t, "province_former"), _values(t, "tier"), _values(t, "level"),
                _values(t, "duplicate_of"), _values(t, "certificate_id"), _values(t, "certificate_status"),
                t["certificate_lowered"].tolist(),
                t["reason_set"].tolist(), t["action_set"].tolist())):
            rec: dict[str, Any] = {"row": int(row), "rule": f"supplier_risk_{level}", "severity": level,
                                   "inherent": inherent[i],
                                   "tax_code": tax, "tax_code_kind": kind, "supplier_type": typ, "province": prov,
                                   "province_former": former, "tier": None if tier is None else int(tier),
                                   "duplicate_of": None if dup is None else int(dup)}
            if state is not None:
                rec["certificate"] = {"id": cert, "status": state, "lowered": bool(lowered)}
            rec["reasons"], rec["actions"] = reason_ids[rs], action_ids[acts]
            out.append({k: v for k, v in rec.items() if v is not None or k in ("tax_code", "province", "tier")})
        return out

    # ---- into the assessment

    def derived(self) -> DerivedAnswers:
        """The supply-chain answers for the engine, and the remediation actions for the high and critical suppliers
        (critical priority for critical suppliers, major for high): one action per level and set of actions, naming
        its suppliers by row (and tax code when it is one supplier). One action per supplier made a 50,000-row list
        31,337 actions, 129 MB of JSON that the assessment stored, read back and stored again (~8 s in the app);
        grouped, a few dozen, and a plan a person can act on."""
        from criteria.schema import Text
        from scoring.result import Action, DerivedAnswers

        t = self.table
        pick = t[(~t["duplicate"]) & t["level"].isin(["high", "critical"])]
        groups: dict[tuple[str, int], list[tuple[int, Any, Any, int]]] = {}
        for row, code, kind, level, rset, aset in zip(pick["row"].tolist(), pick["tax_display"].tolist(),
                                                      pick["tax_kind"].tolist(), pick["level"].tolist(),
                                                      pick["reason_set"].tolist(), pick["action_set"].tolist()):
            groups.setdefault((level, aset), []).append((row, code, kind, rset))
        responsible = Text(vi="Bộ phận mua hàng", en="Purchasing")
        evidence = Text(vi="Xác nhận kiểm tra tuổi của nhà cung cấp; báo cáo thăm hoặc đánh giá có ngày.",
                        en="The supplier's age-check confirmation; a dated visit or audit report.")
        actions: list[Action] = []
        for (level, aset), members in groups.items():  # in the order of each group's first row
            finding, action, basis = self._action_texts(level, [m[3] for m in members], aset, len(members))
            actions.append(Action(priority="critical" if level == "critical" else "major", source="suppliers",
                                  rule=f"supplier_risk_{level}", ref=_rows_ref(members), row=members[0][0],
                                  finding=finding, action=action, legal_basis=basis, responsible=responsible,
                                  evidence=evidence, child_protection=False))
        actions.sort(key=lambda a: (a.priority != "critical", a.row))
        return DerivedAnswers(source="suppliers", values=dict(self.summary_data["derived"]), actions=actions)

    def _action_texts(self, level: str, rsets: list[int], aset: int, count: int) -> tuple[Any, Any, Any]:
        from criteria.schema import Text

        label = self.levels[level]
        seen = dict.fromkeys(i for rset in rsets for i in self.reason_sets[rset])
        rs = [self.reasons[i] for i in sorted(seen) if self.reasons[i].effect == "raise"]
        acts = [self.actions[i] for i in self.action_sets[aset]]
        srcs = list(dict.fromkeys(s for r in rs for s in r.sources))
        many_vi, many_en = (f" ({count} nhà cung cấp)", f" ({count} suppliers)") if count > 1 else ("", "")
        finding = Text(vi=f"Nhà cung cấp rủi ro {label.vi.lower()}{many_vi}: " + " ".join(r.text.vi for r in rs),
                       en=f"{label.en} risk supplier{'s' if count > 1 else ''}{many_en}: "
                          + " ".join(r.text.en for r in rs))
        action = Text(vi=" ".join(a.text.vi for a in acts), en=" ".join(a.text.en for a in acts))
        basis = Text(vi="; ".join(self.sources[s]["title"] for s in srcs),
                     en="; ".join(self.sources[s]["title"] for s in srcs))
        return finding, action, basis

    def summary_dict(self, lang: str = "vi") -> dict[str, Any]:
        """`summary.model_dump()` with the focus definition in `lang` (a fresh copy: callers may change it)."""
        d = copy.deepcopy(self.summary_data)
        definition = d["focus"]["definition"]
        d["focus"]["definition"] = Text(definition["vi"], definition["en"]).get(lang)
        return d


ROWS_NAMED = 20  # a group's ref names its first rows, then how many more


def _rows_ref(members: list[tuple[int, Any, Any, int]]) -> str:
    """Where a group of suppliers is: "row 4, tax code 0100233488" for one; "rows 4, 9, 12" for a few; the first
    ROWS_NAMED rows "and 1,234 more" for many."""
    if len(members) == 1:
        row, code, kind, _ = members[0]
        return f"row {row}, tax code {code}" if kind != "missing" else f"row {row}, no tax code"
    rows = ", ".join(str(m[0]) for m in members[:ROWS_NAMED])
    more = len(members) - ROWS_NAMED
    return f"rows {rows}" + (f" and {more:,} more" if more > 0 else "")


def _values(t: pd.DataFrame, name: str) -> list[Any]:
    """A column as plain Python values, None where missing (numpy and pandas scalars become int, str, bool).
    Categories go through their codes: a tenth of the generic conversion's time."""
    s = t[name]
    if isinstance(s.dtype, pd.CategoricalDtype):
        return np.array([*s.cat.categories, None], dtype=object)[s.cat.codes.to_numpy()].tolist()
    return s.to_numpy(dtype=object, na_value=None).tolist()
