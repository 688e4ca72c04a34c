"""Criteria written as inline pipe tables, in the manner of pyxform's md tests:

    | indicators |
    |            | id | section | type            | weight | label::vi | label::en |
    |            | A1 | S1      | select_one yn   | 100    | Câu 1     | Q1        |

A line whose first cell is filled starts a sheet; the next line is its header; the rest are its rows. Sheets not
given are taken from DEFAULTS, so a test states only what it is about."""

from __future__ import annotations

from criteria.loader import Sheet, build_criteria
from criteria.schema import Criteria

DEFAULTS = """
| settings |
|          | key                    | value              |
|          | criteria_id            | TEST               |
|          | version                | 1                  |
|          | effective_date         | 2026-01-01         |
|          | status                 | reference          |
|          | scheme_name::vi        | Giải thưởng thử    |
|          | scheme_name::en        | Test award         |
|          | validity_months        | 24                 |
|          | section_weight_total   | 100                |
|          | indicator_weight_total | 100                |
| priorities |
|            | id       | deadline_days | label::vi   | label::en | deadline::vi | deadline::en |
|            | critical | 7             | Khẩn cấp    | Critical  | 7 ngày       | 7 days       |
|            | major    | 30            | Quan trọng  | Major     | 30 ngày      | 30 days      |
|            | minor    | 90            | Thấp        | Minor     | 90 ngày      | 90 days      |
| choices |
|         | list_name | name   | label::vi    | label::en | score | na  | knockout |
|         | ypn       | yes    | Có           | Yes       | 100   |     |          |
|         | ypn       | partly | Một phần     | Partly    | 50    |     |          |
|         | ypn       | no     | Không        | No        | 0     |     |          |
|         | ypn       | na     | Không áp dụng| N/A       |       | yes |          |
|         | yn        | yes    | Có           | Yes       |       |     |          |
|         | yn        | no     | Không        | No        |       |     |          |
|         | ko        | none   | Không có     | None      | 100   |     |          |
|         | ko        | found  | Có           | Found     | 0     |     | yes      |
| bands |
|       | id       | min_total | min_section | label::vi | label::en |
|       | bronze   | 50        | 0           | Đồng      | Bronze    |
|       | gold     | 80        | 60          | Vàng      | Gold      |
"""


def md_sheets(md: str) -> dict[str, Sheet]:
    sheets: dict[str, Sheet] = {}
    current: Sheet | None = None
    for line in md.strip().splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0]:
            current = Sheet(cells[0], f"{cells[0]}.csv", [], [])
            sheets[cells[0]] = current
            continue
        assert current is not None, "a table row before any sheet name"
        if not current.header:
            current.header = cells[1:]
            continue
        row_number = len(current.rows) + 2
        current.rows.append((row_number, dict(zip(current.header, cells[1:]))))
    return sheets


def md_criteria(md: str) -> Criteria:
    sheets = md_sheets(DEFAULTS)
    sheets.update(md_sheets(md))
    return build_criteria(sheets, "inline")
