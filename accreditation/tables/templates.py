"""Empty tables for offices to fill: bilingual headers from the column spec, as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from criteria.column_specs import TableSpec


def write_template(spec: TableSpec, path: Path, example_rows: Iterable[Iterable[Any]] = ()) -> None:
    """An empty table with bilingual headers, as CSV (UTF-8 with BOM, so Excel opens the accents right) or XLSX
    (with a second sheet that explains each column)."""
    headers = [c.template_header for c in spec.columns]
    rows = [list(r) for r in example_rows]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        ws = book.active
        ws.title = spec.name
        ws.append(headers)
        for r in rows:
            ws.append(r)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, col in enumerate(spec.columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(14, min(40, len(headers[i - 1]) + 2))
            if col.kind == "date":
                for r in range(2, len(rows) + 2):
                    ws.cell(r, i).number_format = "DD/MM/YYYY"
        ws.freeze_panes = "A2"
        doc = book.create_sheet("columns")
        doc.append(["column", "kind", "required", "header", "mô tả", "description"])
        for col in spec.columns:
            doc.append([col.name, col.kind, "yes" if col.required else "no", col.template_header,
                        col.description.vi, col.description.en])
        book.save(path)
        return
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, date) else v) for v in r])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
