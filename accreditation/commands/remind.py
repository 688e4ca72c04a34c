"""`remind [--as-of DATE] [--json]`: send the reminders that are due (overdue corrective actions, documents
expiring in 60 and 14 days, case follow-ups at 3 and 6 months), each exactly once, and retry e-mail that could not
be sent. Meant to run daily from cron or a systemd timer."""

from __future__ import annotations

import argparse

from accreditation.cli import as_of_option, print_json
from accreditation.display import day
from accreditation.i18n import catalog_text


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("remind", parents=[parent],
                       help="send what is due (overdue actions, documents expiring in 60 and 14 days, case "
                            "follow-ups at 3 and 6 months) exactly once, and retry pending e-mail; run it daily")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="the day to remind for (default: today)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accreditation import mailer, reminders
    from accreditation.store import open_db

    as_of = as_of_option(args.as_of)
    summary = reminders.run(open_db(), as_of)
    if args.json:
        print_json(summary.as_dict())
        return 0
    print(catalog_text("remind.summary", args.lang, date=day(as_of), overdue=summary.overdue,
                       expiring=summary.expiring, followups=summary.followups, notifications=summary.notifications))
    if summary.email is None:
        print(catalog_text("remind.email_off", args.lang))
    else:
        print(catalog_text("remind.email", args.lang, sent=summary.email.sent, pending=summary.email.pending,
                           failed=summary.email.failed, attempts=mailer.MAX_ATTEMPTS))
    return 0
