"""`score ANSWERS.json`: score a company's answers and print the result as JSON."""

from __future__ import annotations

import argparse

from accreditation.cli import criteria_from, print_json, read_json


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("score", parents=[parent], help="score an answers file (JSON) and print the result")
    p.add_argument("answers", metavar="ANSWERS.json")
    p.add_argument("--criteria", default=None, metavar="PATH", help="criteria folder or workbook")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from scoring.answers import parse_answers_document
    from scoring.engine import assess

    criteria = criteria_from(args.criteria)
    data = read_json(args.answers)
    answers = parse_answers_document(data, criteria)
    result = assess(criteria, answers)
    print_json(result.summary())
    return 0
