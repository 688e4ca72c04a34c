"""`remediation ANSWERS.json --out FILE.pdf`: write the remediation plan (any result, complete or not)."""

from __future__ import annotations

import argparse

from accreditation.commands.certificate import evaluate_args, write_atomically
from accreditation.i18n import catalog_text


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("remediation", parents=[parent], help="write the remediation plan PDF for an answers file")
    p.add_argument("answers", metavar="ANSWERS.json")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the plan")
    p.add_argument("--criteria", default=None, metavar="PATH", help="criteria folder or workbook")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                   help="assessment date; deadlines count from it (default: today)")
    p.add_argument("--force", action="store_true", help="overwrite FILE.pdf if it exists")
    p.add_argument("--roster", default=None, metavar="FILE", help="workforce roster (CSV or workbook) to check")
    p.add_argument("--suppliers", default=None, metavar="FILE", help="supplier list (CSV or workbook) to check")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accreditation.reports.remediation import render_remediation_plan

    day, out, criteria, answers, result = evaluate_args(args)
    write_atomically(out, render_remediation_plan(result, criteria, answers.company, day))
    print(catalog_text("reports.plan_written", args.lang, count=len(result.remediation), path=out))
    return 0
