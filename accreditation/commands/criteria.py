"""`criteria validate | show | export | import`: check every data file, inspect and round-trip the criteria."""

from __future__ import annotations

import argparse
from pathlib import Path

from accreditation.cli import criteria_from, print_json
from accreditation.errors import UserError
from accreditation.i18n import catalog_text
from criteria.paths import award_dir


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("criteria", parents=[parent], help="validate, show, export or import the criteria")
    csub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    v = csub.add_parser("validate", parents=[parent],
                        help="check the criteria and every other data file (law, risk, columns, provinces, "
                             "derivations); list every problem")
    v.add_argument("criteria", nargs="?", default=None, metavar="PATH",
                   help="a criteria folder or .xlsx workbook (default: award/ of the data files)")
    v.set_defaults(func=validate)

    s = csub.add_parser("show", parents=[parent], help="print the loaded criteria")
    s.add_argument("--json", action="store_true", required=True, help="as JSON (the only format)")
    s.add_argument("--criteria", default=None, metavar="PATH")
    s.set_defaults(func=show)

    e = csub.add_parser("export", parents=[parent], help="write the criteria to an Excel workbook")
    e.add_argument("--xlsx", required=True, metavar="FILE")
    e.add_argument("--criteria", default=None, metavar="PATH")
    e.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    e.set_defaults(func=export)

    i = csub.add_parser("import", parents=[parent], help="validate a workbook and write it back as the CSV files")
    i.add_argument("workbook", metavar="FILE")
    i.add_argument("--out", default=None, metavar="FOLDER",
                   help="where to write the CSV files (default: award/ of the data files)")
    i.set_defaults(func=import_)

    n = csub.add_parser("install", parents=[parent],
                        help="install a workbook as a new criteria version in the database (as the admin page "
                             "does): prints the difference from the current version; drafts in progress keep theirs")
    n.add_argument("workbook", metavar="FILE")
    n.add_argument("--effective", default=None, metavar="YYYY-MM-DD",
                   help="the date new assessments start using it (default: effective_date in its settings sheet)")
    n.add_argument("--dry-run", action="store_true", help="only validate and print the difference")
    n.set_defaults(func=install)


def validate(args: argparse.Namespace) -> int:
    from criteria.datafiles import check_data_files
    from criteria.errors import CriteriaLoadError
    from criteria.law_tables import default_law
    from criteria.paths import data_root

    if args.criteria and not Path(args.criteria).exists():
        raise UserError.from_key("cli.file_missing", path=args.criteria)
    c, issues = check_data_files(args.criteria)
    if not any(i.file.startswith("law/") for i in issues):  # the law tables loaded: does the code check each rule?
        from scoring.workforce_rules import unimplemented_rules

        issues += unimplemented_rules(default_law())
    if issues or c is None:  # every problem of every file: exit 1
        raise CriteriaLoadError(issues, str(args.criteria or data_root()))
    print(catalog_text("cli.criteria_ok", args.lang, criteria_id=c.settings.criteria_id, version=c.version,
            effective_date=c.settings.effective_date, sections=len(c.sections), indicators=len(c.indicators),
            bands=len(c.bands)))
    return 0


def as_json(c) -> dict:
    return {
        "settings": c.settings.model_dump(mode="json"),
        "fingerprint": c.fingerprint,
        "sections": [
            {**s.model_dump(mode="json"),
             "indicators": [i.id for i in c.indicators_in(s.id)]}
            for s in c.sections
        ],
        "indicators": [
            {**i.model_dump(mode="json", exclude={"row", "list_name"}),
             "type": f"{i.kind} {i.list_name}" if i.list_name else i.kind,
             "choices": [ch.model_dump(mode="json", exclude={"list_name"}) for ch in c.lists[i.list_name].choices]
             if i.list_name else []}
            for i in c.indicators
        ],
        "bands": [b.model_dump(mode="json") for b in c.bands],
        "priorities": [p.model_dump(mode="json") for p in c.priorities.values()],
    }


def show(args: argparse.Namespace) -> int:
    print_json(as_json(criteria_from(args.criteria)))
    return 0


def export(args: argparse.Namespace) -> int:
    from criteria.workbook import write_workbook

    folder = Path(args.criteria) if args.criteria else award_dir()
    criteria_from(str(folder))  # refuse to export an invalid set
    out = Path(args.xlsx)
    if out.exists() and not args.force:
        raise UserError.from_key("cli.out_exists", path=out)
    write_workbook(folder, out)
    print(catalog_text("cli.exported", args.lang, path=out))
    return 0


def import_(args: argparse.Namespace) -> int:
    from accreditation.cli import read_bytes
    from criteria.loader import import_workbook

    read_bytes(args.workbook)  # a clear message for a missing file
    out = Path(args.out) if args.out else award_dir()
    written = import_workbook(Path(args.workbook), out)
    print(catalog_text("cli.imported", args.lang, source=args.workbook, count=len(written), folder=out))
    return 0


def install(args: argparse.Namespace) -> int:
    """The admin page's install, from the server's shell (the system actor, like the CLI's other writes)."""
    from datetime import date

    from accreditation import accounts, criteria_install
    from accreditation.cli import read_bytes
    from accreditation.display import day
    from accreditation.store import open_db
    from criteria.diff import diff_criteria, render_text

    data = read_bytes(args.workbook)  # a clear message for a missing file
    try:
        effective = date.fromisoformat(args.effective) if args.effective else None
    except ValueError:
        raise UserError.from_key("admin.bad_effective", value=args.effective) from None
    db = open_db()
    candidate = criteria_install.read_candidate(data, effective, Path(args.workbook).name)
    print(render_text(diff_criteria(criteria_install.current_criteria(db), candidate), args.lang))
    if args.dry_run:
        problem = criteria_install.install_problem(db, candidate)
        if problem is not None:
            raise problem
        return 0
    installed = criteria_install.install_criteria(db, accounts.SYSTEM, data, effective,
                                                  name=Path(args.workbook).name)
    now = criteria_install.current_criteria(db)
    when = day(installed.settings.effective_date)
    print()
    print(catalog_text("admin.installed", args.lang, version=installed.version, date=when))
    print(catalog_text("admin.installed_now", args.lang, version=installed.version)
          if now.fingerprint == installed.fingerprint
          else catalog_text("admin.installed_later", args.lang, version=installed.version, date=when,
                            current=now.version))
    return 0
