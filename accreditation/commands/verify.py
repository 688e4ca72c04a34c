"""`verify CODE_OR_URL_OR_PDF`: which document is it (verified certificate or self-assessment statement), is it
genuine, is it valid? Exit 0 only for a valid document; with --require-verified, only for a valid verified
certificate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accreditation.cli import as_of_option, print_json, read_bytes
from accreditation.errors import UserError
from accreditation.i18n import catalog_text


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("verify", parents=[parent],
                       help="check a document id, verification URL or PDF: verified certificate or self-assessment "
                            "statement; valid, expired, suspended, superseded, revoked or not genuine (exit 0 only "
                            "if valid)")
    p.add_argument("value", metavar="CODE_OR_URL_OR_PDF")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="date to check against (default: today)")
    p.add_argument("--offline", action="store_true",
                   help="do not consult the registry: check the signature only")
    p.add_argument("--public-key", default=None, metavar="FILE.pem",
                   help="the published public key(s), one or more PEM blocks (default: this installation's keys)")
    p.add_argument("--require-verified", action="store_true",
                   help="exit 1 unless it is a valid certificate verified by an assessor (a valid self-assessment "
                        "statement fails)")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=run)


def _value(arg: str) -> str | bytes:
    """A file's bytes (a PDF), at most one byte past the size limit: a larger file is refused without reading it
    all."""
    from accreditation.pdf_qr import MAX_PDF_BYTES

    path = Path(arg)
    if not path.is_file():
        return arg
    if path.stat().st_size > MAX_PDF_BYTES:
        with path.open("rb") as f:
            return f.read(MAX_PDF_BYTES + 1)
    return read_bytes(arg)


def run(args: argparse.Namespace) -> int:
    from accreditation import signing
    from accreditation.store.db import open_db, store_exists
    from accreditation.verify import CLI_PDF_SECONDS, verify

    value = _value(args.value)
    keys = None
    if args.public_key:
        try:
            keys = signing.load_public_keys(read_bytes(args.public_key))
        except ValueError as exc:
            raise UserError.from_key("cli.file_unreadable", path=args.public_key, reason=str(exc)) from None
    db = None
    if not args.offline and store_exists():
        db = open_db()
        signing.check_ready(db)
    result = verify(value, db=db, as_of=as_of_option(args.as_of), public_keys=keys, pdf_seconds=CLI_PDF_SECONDS)
    accepted = result.accepted(require_verified=args.require_verified)
    if args.json:
        print_json(result.as_dict())
    else:
        out = sys.stdout
        out.write(result.message(args.lang) + "\n")
        if result.ok and not accepted:
            out.write(catalog_text("verify.cli.not_verified", args.lang) + "\n")
        if result.details:
            out.write(f"{catalog_text('verify.cli.details', args.lang)}:\n")
            for k, v in result.details.items():
                out.write(f"  {k}: {v}\n")
    return 0 if accepted else 1
