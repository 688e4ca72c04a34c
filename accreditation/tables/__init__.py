"""Read tables that offices upload (rosters, supplier lists) into typed pandas frames.

Generic on purpose: a table is described by a column spec (`criteria/columns/<name>.csv`, loaded by
`criteria.column_specs`), and this package knows only how to decode bytes (`decoding`), find the header and map it
to canonical names (`header`), type the cells (`cells`), read CSV (`delimited`) and workbooks (`workbook`), and write
templates (`templates`). It accepts what Vietnamese offices produce: UTF-8 (with or without BOM), UTF-16 "Unicode
text" from Excel, cp1258; comma, semicolon, tab or pipe; dates as dd/mm/yyyy, yyyy-mm-dd or Excel serials;
XLSX/XLS/ODS workbooks. A bad cell is a `CellProblem`; a bad file raises `TableError`."""

from accreditation.tables.read import read_table
from accreditation.tables.result import CellProblem, ImportedTable, TableError
from accreditation.tables.templates import write_template

__all__ = ["CellProblem", "ImportedTable", "TableError", "read_table", "write_template"]
