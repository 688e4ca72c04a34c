"""The supplier-list check at the edge: decode an uploaded list with the generic importer, flag each supplier with
the pure rules of `scoring.supply_chain`, and hand back a `SupplierResult` (its `derived()` feeds the assessment).

    result = check_suppliers(data, "nha_cung_cap.xlsx", as_of=date.today(), certificate_status=registry_lookup(db))
"""

from __future__ import annotations

import io
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from accreditation.errors import UserError
from accreditation.i18n import catalog_text
from accreditation.tables import ImportedTable, read_table, write_template
from criteria.column_specs import TableSpec, load_table_spec
from criteria.provinces import load_provinces
from criteria.risk_tables import default_risk_data
from scoring.supplier_result import SupplierResult
from scoring.supply_chain import CertificateLookup, assess_suppliers
from scoring.tax_codes import classify

TEMPLATES = Path(__file__).resolve().parent.parent / "criteria" / "templates"
TEMPLATE_NAME = "supplier_template"


def supplier_spec() -> TableSpec:
    return load_table_spec("suppliers")


def _problem(p: Any) -> dict[str, Any]:
    """An importer cell problem as a result problem; a tax-code cell may hold a personal number, so it is masked."""
    vi, en = p.vi, p.en
    if p.column == "tax_code" and p.value:
        shown = classify(p.value).masked()
        vi, en = vi.replace(str(p.value), shown), en.replace(str(p.value), shown)
    return {"row": int(p.row), "column": p.column, "vi": vi, "en": en}


def check_suppliers(data: bytes, filename: str, as_of: date, certificate_status: CertificateLookup | None = None,
                    sheet: str | None = None) -> SupplierResult:
    """Read a supplier list (CSV or workbook, any of the roster's encodings and header languages) and flag it.
    A whole-file problem raises `TableError` (a `UserError`); bad cells become `problems` in the result."""
    return assess_table(read_supplier_table(data, filename, sheet), as_of, certificate_status)


def read_supplier_table(data: bytes, filename: str, sheet: str | None = None) -> ImportedTable:
    """The list decoded against the supplier column spec; a list without a supplier row is refused."""
    table: ImportedTable = read_table(data, filename, supplier_spec(), sheet=sheet)
    if table.rows == 0:
        raise UserError.from_key("suppliers.no_rows", file=filename)
    return table


def assess_table(table: ImportedTable, as_of: date, certificate_status: CertificateLookup | None = None
                 ) -> SupplierResult:
    """A decoded list flagged by the rules of `scoring.supply_chain`. A `registry_lookup` also hands the rules the
    tax codes holding a verified certificate in force, so a supplier is found by its tax code without its id."""
    return assess_suppliers(table.frame, as_of, default_risk_data(), load_provinces(),
                            certificate_status=certificate_status,
                            certified_tax_codes=getattr(certificate_status, "certified_tax_codes", ()),
                            problems=[_problem(p) for p in table.problems])


class RegistryLookup:
    """A certificate lookup over the award's registry: called with an id, (state on `as_of`, holder's tax code), or
    None when the id is not in it. A superseded document is followed to the holder's current one (a supplier's list
    keeps the id it was given). Only a verified certificate in force is "active"; a self-assessment statement in
    force is "self_assessed", and neither it nor a suspended document lowers the risk.
    `certified_tax_codes`: the tax codes holding a verified certificate in force on `as_of`, read once, so that a
    supplier that did not write its certificate id is found by its tax code (the rules stay free of I/O)."""

    def __init__(self, db: Any, as_of: date):
        self.db, self.as_of = db, as_of

    def __call__(self, cert_id: str) -> tuple[str, str] | None:
        from accreditation.store import certificates as registry

        cert = registry.get(self.db, cert_id)
        if cert is None:
            return None
        cert = registry.successor(self.db, cert)
        state = cert.status(self.as_of)
        if state == "active" and not cert.verified:
            state = "self_assessed"
        return state, cert.tax_code

    @cached_property
    def certified_tax_codes(self) -> frozenset[str]:
        from accreditation.store import certificates as registry

        return frozenset(c.tax_code for c in registry.list_certificates(self.db, status="active", as_of=self.as_of)
                         if c.verified and c.tax_code)


def registry_lookup(db: Any, as_of: date) -> RegistryLookup:
    """The award registry as the supplier check reads it (see `RegistryLookup`)."""
    return RegistryLookup(db, as_of)


def write_templates(folder: Path = TEMPLATES) -> list[Path]:
    """(Re)write criteria/templates/supplier_template.csv and .xlsx from the column spec."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for ext in ("csv", "xlsx"):
        path = folder / f"{TEMPLATE_NAME}.{ext}"
        write_template(supplier_spec(), path)  # headers only: example rows left in would be flagged as suppliers
        out.append(path)
    return out


LINES_PER_WRITE = 2_000  # written in slices: one 27 MB join of 50,000 lines took 4x as long (fresh memory)


def write_result_json(result: SupplierResult, lang: str, out: BinaryIO) -> None:
    """Write the CLI's JSON to a binary stream: summary and catalog (level names, reason and action texts, sources)
    indented; `problems` and `suppliers` one compact line per item, the suppliers' reasons and actions referring
    to the catalog by id. orjson encodes every value (control characters escaped, UTF-8 kept), each combination of
    reasons and of actions once (an `orjson.Fragment` the rows with it share). For 50,000 suppliers: the standard
    `json` module took 0.7 s, orjson 0.25 s, with the shared fragments and slices 0.05 s."""
    head = {"as_of": result.as_of.isoformat(), "summary": result.summary_dict(lang), **result.catalog(lang)}
    suppliers = result.entries(lang, texts=False, shared=lambda items: orjson.Fragment(orjson.dumps(items)))
    lists = {"problems": [{"row": p["row"], "column": p["column"], "message": p[lang]} for p in result.problems],
             "suppliers": suppliers}
    out.write(orjson.dumps(head, option=orjson.OPT_INDENT_2)[:-2])  # its closing "\n}" comes after the lists
    for name, items in lists.items():
        if not items:
            out.write(f',\n  "{name}": []'.encode())
            continue
        out.write(f',\n  "{name}": [\n    '.encode())
        for start in range(0, len(items), LINES_PER_WRITE):
            out.write((b",\n    " if start else b"")
                      + b",\n    ".join(map(orjson.dumps, items[start:start + LINES_PER_WRITE])))
        out.write(b"\n  ]")
    out.write(b"\n}\n")


def result_json(result: SupplierResult, lang: str) -> str:
    """`write_result_json` as a string."""
    buf = io.BytesIO()
    write_result_json(result, lang, buf)
    return buf.getvalue().decode("utf-8")


def message(key: str, lang: str, **params: object) -> str:
    return catalog_text(key, lang, **params)
