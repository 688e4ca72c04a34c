"""`users create-admin --email E [--name N]`: the first administrator of an installation served on a network, where
no demo account exists (accounts.demo_level). The password is typed twice at a prompt, or read from
$ACCREDITATION_ADMIN_PASSWORD for an unattended set-up; it never appears on the command line (which other users of
the machine can list)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from accreditation.errors import UserError
from accreditation.i18n import catalog_text

ADMIN_ORGANISATION = "Ban quản lý Giải thưởng"


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("users", parents=[parent], help="accounts that only the machine's operator may make")
    usub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = usub.add_parser("create-admin", parents=[parent],
                        help="make an administrator account (the first one of a new installation); the password "
                             "is asked twice, or read from ACCREDITATION_ADMIN_PASSWORD")
    c.add_argument("--email", required=True, help="the administrator's e-mail (the sign-in name)")
    c.add_argument("--name", default="", help="the name shown in the app")
    c.set_defaults(func=create_admin)


def _password(lang: str) -> str:
    given = os.environ.get("ACCREDITATION_ADMIN_PASSWORD")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise UserError.from_key("cli.admin_password_needed")
    first = getpass.getpass(catalog_text("cli.admin_password_prompt", lang))
    if getpass.getpass(catalog_text("cli.admin_password_again", lang)) != first:
        raise UserError.from_key("cli.admin_password_mismatch")
    return first


def create_admin(args: argparse.Namespace) -> int:
    from accreditation import accounts
    from accreditation.store.db import open_db

    password = _password(args.lang)
    if password == accounts.DEMO_PASSWORD:
        raise UserError.from_key("cli.admin_password_published")
    db = open_db()
    admins = list(db["organisations"].rows_where("kind = 'admin'", order_by="id", limit=1))
    org_id = admins[0]["id"] if admins else accounts.create_organisation(
        db, actor=accounts.SYSTEM, kind="admin", name=ADMIN_ORGANISATION)
    accounts.create_user(db, actor=accounts.SYSTEM, email=args.email, password=password, role="admin",
                         organisation_id=org_id, name=args.name or args.email)
    print(catalog_text("cli.admin_created", args.lang, email=accounts.normalise_email(args.email)))
    return 0
