"""`keys export-public [--current] [--out FILE]`: the public keys that verify document codes, to publish;
`keys rotate [--key-lost]`: a new signing key, the old public key kept so older documents still verify."""

from __future__ import annotations

import argparse
import sys

from accreditation.commands.certificate import check_out_path, write_atomically
from accreditation.i18n import catalog_text


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("keys", parents=[parent], help="the document signing keys: publish the public keys, rotate")
    ksub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    e = ksub.add_parser("export-public", parents=[parent],
                        help="print or write the public keys (PEM) that verify document codes: every key ever "
                             "used, the current one first")
    e.add_argument("--current", action="store_true", help="only the current key")
    e.add_argument("--out", default=None, metavar="FILE", help="write them to FILE instead of printing them")
    e.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    e.set_defaults(func=export_public)
    r = ksub.add_parser("rotate", parents=[parent],
                        help="make a new signing key; the old public key stays published, so documents it signed "
                             "still verify")
    r.add_argument("--key-lost", action="store_true",
                   help="the private key is missing and cannot be restored from backup: make a new one anyway")
    r.set_defaults(func=rotate)


def export_public(args: argparse.Namespace) -> int:
    from accreditation import signing
    from accreditation.store.db import open_db, store_exists

    signing.check_ready(open_db() if store_exists() else None)
    pem = signing.published_keys_pem(current_only=args.current)
    if args.out is None:
        sys.stdout.write(pem)
        return 0
    out = check_out_path(args.out, args.force)
    write_atomically(out, pem.encode("ascii"))
    print(catalog_text("reports.public_key_written", args.lang, path=out))
    return 0


def rotate(args: argparse.Namespace) -> int:
    from accreditation import signing
    from accreditation.store.db import open_db, store_exists

    db = open_db() if store_exists() else None
    old, new = signing.rotate(db, key_lost=args.key_lost)
    print(catalog_text("keys.rotated", args.lang, old=old or "-", new=new, folder=signing.keyring_dir()))
    return 0
