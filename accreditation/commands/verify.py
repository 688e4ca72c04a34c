"""`verify CODE_OR_URL_OR_PDF`: is a certificate genuine and valid? Exit 0 if valid, 1 otherwise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accreditation.cli import print_json, read_bytes
from accreditation.commands.certificate import as_of_date
from accreditation.errors import UserError
from accreditation.i18n import t


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("verify", parents=[parent],
                       help="check a certificate id, verification URL or certificate PDF: valid, expired, revoked "
                            "or not genuine (exit 0 only if valid)")
    p.add_argument("value", metavar="CODE_OR_URL_OR_PDF")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="date to check against (default: today)")
    p.add_argument("--offline", action="store_true",
                   help="do not consult the registry: check the signature only")
    p.add_argument("--public-key", default=None, metavar="FILE.pem",
                   help="the published public key (default: this installation's key)")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accreditation import signing
    from accreditation.store.db import default_path, open_db
    from accreditation.verify import verify

    value: str | bytes = args.value
    if Path(args.value).is_file():
        value = read_bytes(args.value)
    key = None
    if args.public_key:
        try:
            key = signing.load_public_key(read_bytes(args.public_key))
        except ValueError as exc:
            raise UserError.from_key("cli.file_unreadable", path=args.public_key, reason=str(exc)) from None
    db = None
    if not args.offline and default_path().exists():
        db = open_db()
    result = verify(value, db=db, as_of=as_of_date(args.as_of), public_key=key)
    if args.json:
        print_json(result.as_dict())
    else:
        out = sys.stdout
        out.write(result.message(args.lang) + "\n")
        if result.details:
            out.write(f"{t('verify.cli.details', args.lang)}:\n")
            for k, v in result.details.items():
                out.write(f"  {k}: {v}\n")
    return 0 if result.ok else 1
