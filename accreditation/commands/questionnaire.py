"""`questionnaire export --out FILE [--lang vi|en]`: the questionnaire to answer offline, as an Excel workbook
(FILE.xlsx) or a printable PDF (FILE.pdf). `questionnaire import FILE --answers-out ANSWERS.json`: read a filled
workbook and write its answers in the answers JSON that `score` reads; every row not imported is listed by sheet,
row and column (exit 1 when there is one; the valid answers are written all the same)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("questionnaire", parents=[parent],
                       help="the questionnaire offline: export it as a workbook or PDF, import a filled workbook")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    e = actions.add_parser("export", parents=[parent], help="write the questionnaire as .xlsx (to fill) or .pdf (to print)")
    e.add_argument("--out", required=True, metavar="FILE", help="FILE.xlsx or FILE.pdf")
    e.add_argument("--criteria", default=None, metavar="PATH", help="criteria folder or workbook")
    e.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    e.set_defaults(func=run_export)
    i = actions.add_parser("import", parents=[parent], help="read a filled workbook; write its answers as JSON")
    i.add_argument("file", metavar="FILE", help="the filled workbook (.xlsx)")
    i.add_argument("--answers-out", required=True, metavar="ANSWERS.json", help="where to write the answers")
    i.add_argument("--criteria", default=None, metavar="PATH", help="criteria folder or workbook")
    i.add_argument("--force", action="store_true", help="overwrite ANSWERS.json if it exists")
    i.set_defaults(func=run_import)


def _out(path: str, force: bool, suffixes: tuple[str, ...]) -> Path:
    from accreditation.errors import UserError

    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise UserError.from_key("offline.cli_suffix", path=out, suffixes=", ".join(suffixes))
    if out.exists() and not force:
        raise UserError.from_key("cli.out_exists", path=out)
    return out


def run_export(args: argparse.Namespace) -> int:
    from accreditation.cli import criteria_from, print_json

    out = _out(args.out, args.force, (".xlsx", ".pdf"))
    criteria = criteria_from(args.criteria)
    if out.suffix.lower() == ".pdf":
        from accreditation.reports.questionnaire import render

        data = render(criteria, args.lang)
    else:
        from accreditation.offline import build_workbook

        data = build_workbook(criteria, args.lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print_json({"written": str(out), "criteria_version": criteria.version, "questions": len(criteria.indicators),
                "lang": args.lang})
    return 0


def run_import(args: argparse.Namespace) -> int:
    import json

    from accreditation.cli import criteria_from, print_json, read_bytes
    from accreditation.i18n import catalog_text
    from accreditation.offline import read_answers

    out = _out(args.answers_out, args.force, (".json",))
    criteria = criteria_from(args.criteria)
    reading = read_answers(read_bytes(args.file), criteria, Path(args.file).name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(reading.answers_document(criteria), ensure_ascii=False, indent=2) + "\n",
                   encoding="utf-8")
    if reading.version and reading.version != criteria.version:
        print(catalog_text("offline.version_differs", args.lang, file_version=reading.version,
                           version=criteria.version), file=sys.stderr)
    for problem in reading.problems:
        print(problem.message(args.lang), file=sys.stderr)
    print_json({"written": str(out), "answers": len(reading.values), "problems": len(reading.problems)})
    return 1 if reading.problems else 0
