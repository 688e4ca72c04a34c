"""`suppliers FILE [--as-of YYYY-MM-DD]`: flag the child-labour risk of each supplier in a list and print JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accreditation.cli import as_of_option, read_bytes
from accreditation.errors import UserError


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("suppliers", parents=[parent],
                       help="flag the child-labour risk of each supplier in a list (CSV/XLSX) and print JSON")
    p.add_argument("file", metavar="FILE", help="supplier list: CSV or XLSX (see criteria/templates/)")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="assessment date (default: today)")
    p.add_argument("--sheet", default=None, metavar="NAME", help="workbook sheet (default: the first that fits)")
    p.add_argument("--registry", default=None, metavar="DB",
                   help="certificate registry (SQLite) used to check certificate_id; without it certificates "
                        "are reported but do not lower the risk")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accreditation.suppliers import check_suppliers, registry_lookup, write_result_json
    from criteria.datafiles import default_criteria

    default_criteria()  # every data file loads, or one CriteriaLoadError lists every problem (exit 1)
    as_of = as_of_option(args.as_of)
    data = read_bytes(args.file)
    lookup = None
    if args.registry:
        if not Path(args.registry).is_file():
            raise UserError.from_key("cli.file_missing", path=args.registry)
        from accreditation.store.db import open_registry_readonly

        lookup = registry_lookup(open_registry_readonly(args.registry), as_of)
    result = check_suppliers(data, Path(args.file).name, as_of, certificate_status=lookup, sheet=args.sheet)
    sys.stdout.flush()
    write_result_json(result, args.lang, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return 0
