"""`roster FILE --as-of YYYY-MM-DD`: check a workforce roster (CSV/XLSX) against the law on minor workers and print
the findings as JSON. `roster --template OUT.csv|OUT.xlsx` writes the roster template."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("roster", parents=[parent],
                       help="check a workforce roster (CSV/XLSX) against the law on minor workers; print JSON")
    p.add_argument("file", nargs="?", metavar="FILE", help="the roster, .csv or .xlsx")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="the date ages are counted on (default: today)")
    p.add_argument("--sheet", default=None, metavar="NAME", help="the workbook sheet (default: the first with the headers)")
    p.add_argument("--template", default=None, metavar="OUT", help="write the roster template (.csv or .xlsx) and exit")
    p.add_argument("--example", action="store_true", help="with --template: add two example rows")
    p.add_argument("--force", action="store_true", help="with --template: overwrite OUT if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that other commands do not pay for pandas and pyarrow.
    from accreditation.cli import as_of_option, print_json, read_bytes
    from accreditation.errors import UserError
    from accreditation.roster import check_roster_file, write_roster_template
    from criteria.datafiles import default_criteria

    default_criteria()  # every data file loads, or one CriteriaLoadError lists every problem (exit 1)
    if args.template:
        out = Path(args.template)
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise UserError.from_key("roster.template_suffix", path=out)
        if out.exists() and not args.force:
            raise UserError.from_key("cli.out_exists", path=out)
        write_roster_template(out, example=args.example)
        print_json({"template": str(out)})
        return 0
    if not args.file:
        raise UserError.from_key("roster.no_file")
    as_of = as_of_option(args.as_of)
    # The system allocator returns pyarrow's parse buffers to the OS; the default (mimalloc) keeps ~50 MB more
    # resident on a 100,000-row roster. A process-wide choice, so it is made here, at the entry point.
    import gc

    import pyarrow

    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    # The check creates a few thousand objects per thousand findings; without this, each full collection walks
    # the ~1M objects pandas and pydantic left behind at import (measured: ~15% of the run on 100,000 rows).
    gc.freeze()
    data = read_bytes(args.file)
    result, info = check_roster_file(data, args.file, as_of, sheet=args.sheet)
    _print(({"file": info, **result.to_json()}))
    return 0


def _print(data: dict) -> None:
    """Indented for a person at a terminal; compact when piped, where the C encoder is 10x faster (a 100,000-row
    roster can have thousands of findings)."""
    import json
    import sys

    if sys.stdout.isatty():
        from accreditation.cli import print_json

        print_json(data)
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
