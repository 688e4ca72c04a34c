"""`keys export-public [--out FILE]`: the public key that verifies certificate codes, to publish."""

from __future__ import annotations

import argparse
import sys

from accreditation.commands.certificate import check_out_path, write_atomically
from accreditation.i18n import t


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("keys", parents=[parent], help="the certificate signing key (public part)")
    ksub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    e = ksub.add_parser("export-public", parents=[parent],
                        help="print or write the public key (PEM) that verifies certificate codes")
    e.add_argument("--out", default=None, metavar="FILE", help="write it to FILE instead of printing it")
    e.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    e.set_defaults(func=export_public)


def export_public(args: argparse.Namespace) -> int:
    from accreditation import signing

    pem = signing.public_key_pem()
    if args.out is None:
        sys.stdout.write(pem)
        return 0
    out = check_out_path(args.out, args.force)
    write_atomically(out, pem.encode("ascii"))
    print(t("reports.public_key_written", args.lang, path=out))
    return 0
