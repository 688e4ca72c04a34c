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
    _check_shapes(answers.values)
    result = assess(criteria, answers)
    print_json(result.summary())
    return 0


def _check_shapes(values: dict) -> None:
    """An answer is a word, a number or a list of words (a JSON object nested in `value` would reach the scoring
    as something it cannot compare): refused here with the question's id."""
    from scoring.answers import bad_type

    scalar = (str, int, float, bool)
    for key, value in values.items():
        if isinstance(value, list):
            ok = all(isinstance(v, scalar) for v in value)
        else:
            ok = isinstance(value, scalar)
        if not ok:
            shown = str(value)
            raise bad_type(key, shown if len(shown) <= 60 else shown[:57] + "...",
                           "một lựa chọn, một số hoặc danh sách lựa chọn", "a choice, a number or a list of choices")
