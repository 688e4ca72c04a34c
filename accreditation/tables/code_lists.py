"""The codes a template offers in drop-downs and lists on its `codes` sheet, per table: the roster's job and
workplace codes (criteria/law/work_codes.csv, with their legal basis) and the supplier types (criteria/risk/
supplier_types.csv, with the reason each raises the risk). Read from the data files when a template is written."""

from __future__ import annotations

from dataclasses import dataclass

YES_NO = ("có", "không")  # what the drop-down offers; the importer also takes yes/no, c/k, 1/0, x


@dataclass(frozen=True)
class CodeList:
    column: str  # the canonical column the drop-down is on
    rows: tuple[tuple[str, str, str, str, str], ...]  # code, label vi, label en, basis vi, basis en
    offer: str = "code"  # what the drop-down offers: "code", or "label" (the Vietnamese label, a known alias)


def code_lists(table: str) -> list[CodeList]:
    """The code lists of the table named `table` ("roster", "suppliers"); none for another."""
    if table == "roster":
        from criteria.law_tables import default_law

        codes = default_law().codes.values()

        def rows(kinds: tuple[str, ...]) -> tuple[tuple[str, str, str, str, str], ...]:
            return tuple((c.code, c.label.vi, c.label.en, c.legal_basis.vi, c.legal_basis.en)
                         for c in codes if c.applies_to in kinds)

        return [CodeList("job_code", rows(("job", "both"))), CodeList("workplace_code", rows(("place", "both")))]
    if table == "suppliers":
        from criteria.risk_tables import default_risk_data

        data = default_risk_data()
        reasons = {r.id: r.text for r in data.reasons}
        levels = data.levels
        out = []
        for code, kind in data.types.items():
            level = levels.get(kind["level"], {}).get("label")
            reason = reasons.get(f"type:{code}")
            basis_vi = f"Rủi ro: {level.vi if level else kind['level']}" + (f". {reason.vi}" if reason else "")
            basis_en = f"Risk: {level.en if level else kind['level']}" + (f". {reason.en}" if reason else "")
            out.append((code, kind["label"].vi, kind["label"].en, basis_vi, basis_en))
        return [CodeList("supplier_type", tuple(out), offer="label")]
    return []
