"""The roster check on an uploaded file: decode it (accreditation.tables), check it (scoring.workforce), return
findings. Names are never read; ID numbers are read only for the citizen-ID and duplicate checks and are not part
of the result. Nothing personal is logged."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from accreditation.tables import read_table, write_template
from criteria.column_specs import TableSpec, load_table_spec
from criteria.law_tables import default_law
from scoring.workforce import RosterResult, check_workforce

# Columns the check needs; full_name is deliberately absent, so names never enter memory.
CHECKED_COLUMNS = ("employee_id", "date_of_birth", "id_number", "hire_date", "job_code", "workplace_code",
                   "hours_per_day", "hours_per_week", "night_work", "overtime", "guardian_consent",
                   "health_check_date", "written_contract", "authority_consent", "contract_type", "hazardous_trade")
TEMPLATE_EXAMPLE = [
    ["NV001", "Nguyễn Văn A", date(1990, 5, 17), "001090012345", date(2020, 3, 1), "Thợ may", "GENERAL", "GENERAL",
     8, 48, "không", "có", "", date(2026, 1, 15), "", "", "Hợp đồng lao động", ""],
    ["NV002", "Trần Thị B", date(2009, 10, 2), "079309001234", date(2025, 6, 1), "Cắt chỉ", "LIGHT-12", "GENERAL",
     4, 20, "không", "không", "có", date(2026, 3, 2), "", "", "Học nghề", "không"],
]


def roster_spec() -> TableSpec:
    """`columns/roster.csv` of the data files (read once per process)."""
    return load_table_spec("roster")


def check_roster(data: bytes, filename: str, as_of: date, sheet: str | None = None) -> RosterResult:
    """Read and check a roster file. Raises accreditation.tables.TableError for a file that cannot be read."""
    return check_roster_file(data, filename, as_of, sheet)[0]


def check_roster_file(data: bytes, filename: str, as_of: date, sheet: str | None = None
                      ) -> tuple[RosterResult, dict[str, Any]]:
    """Like check_roster, plus how the file was read (encoding, delimiter, sheet, header mapping): no cell values."""
    table = read_table(data, filename, roster_spec(), sheet=sheet, columns=CHECKED_COLUMNS)
    result = check_workforce(table.frame, as_of, default_law(), table.problems)
    info = {"name": Path(filename).name, "encoding": table.encoding, "delimiter": table.delimiter,
            "sheet": table.sheet, "header_row": table.header_row, "columns": table.header_map,
            "ignored_columns": table.ignored_columns}
    del table  # the frame holds ID numbers: drop it as soon as the check is done
    return result, info


def write_roster_template(path: Path, example: bool = False) -> None:
    """The roster template, CSV or XLSX by suffix, with bilingual headers (and two example rows if asked)."""
    write_template(roster_spec(), path, TEMPLATE_EXAMPLE if example else ())
