"""`certificate ANSWERS.json --out FILE.pdf`: issue a self-assessment statement (self-assessed, not verified: only
an assessor's approval in the app issues a verified certificate); `certificates list | show | revoke`: the
registry of statements and certificates."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from accreditation.cli import as_of_option, criteria_from, print_json, read_json
from accreditation.errors import UserError
from accreditation.i18n import catalog_text
from scoring.answers import parse_answers_document


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("certificate", parents=[parent],
                       help="issue a self-assessment statement PDF (not verified by an assessor) for an eligible "
                            "company and record it; it supersedes the company's current document")
    p.add_argument("answers", metavar="ANSWERS.json")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the statement")
    p.add_argument("--criteria", default=None, metavar="PATH", help="criteria folder or workbook")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="date of issue (default: today)")
    p.add_argument("--issuer", default="self-assessment", help="who issues it (default: self-assessment)")
    p.add_argument("--force", action="store_true", help="overwrite FILE.pdf if it exists")
    p.add_argument("--roster", default=None, metavar="FILE", help="workforce roster (CSV or workbook) to check")
    p.add_argument("--suppliers", default=None, metavar="FILE", help="supplier list (CSV or workbook) to check")
    p.set_defaults(func=issue)

    r = sub.add_parser("certificates", parents=[parent],
                       help="list, show or revoke issued documents (statements and verified certificates)")
    rsub = r.add_subparsers(dest="action", required=True, metavar="ACTION")
    ls = rsub.add_parser("list", parents=[parent],
                         help="list documents, newest first, with their assurance and status")
    ls.add_argument("--tax-code", default=None, help="only this company's documents")
    ls.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="date for the status (default: today)")
    ls.add_argument("--json", action="store_true", help="as JSON")
    ls.set_defaults(func=list_)
    sh = rsub.add_parser("show", parents=[parent], help="show one document as JSON")
    sh.add_argument("id", metavar="CERTIFICATE_ID")
    sh.add_argument("--as-of", default=None, metavar="YYYY-MM-DD")
    sh.set_defaults(func=show)
    rv = rsub.add_parser("revoke", parents=[parent], help="revoke a document, with a reason")
    rv.add_argument("id", metavar="CERTIFICATE_ID")
    rv.add_argument("--reason", required=True, help="why it is revoked (shown to anyone who verifies it)")
    rv.add_argument("--by", required=True, help="who revokes it")
    rv.set_defaults(func=revoke)


def check_out_path(path: str, force: bool) -> Path:
    out = Path(path)
    if out.exists() and not force:
        raise UserError.from_key("cli.out_exists", path=out)
    return out


def uploads(args: argparse.Namespace) -> tuple[tuple[bytes, str] | None, tuple[bytes, str] | None]:
    """The --roster and --suppliers files as (bytes, name)."""
    from accreditation.cli import read_bytes

    def one(path: str | None) -> tuple[bytes, str] | None:
        return None if path is None else (read_bytes(path), Path(path).name)

    return one(args.roster), one(args.suppliers)


def supplier_lookup(args: argparse.Namespace, day: date):
    """With --suppliers, suppliers' award certificates are looked up in this registry."""
    if not args.suppliers:
        return None
    from accreditation.store import open_db
    from accreditation.suppliers import registry_lookup

    return registry_lookup(open_db(), day)


def write_atomically(out: Path, data: bytes) -> None:
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError.from_key("cli.file_unreadable", path=out, reason=exc.strerror or str(exc)) from None


def evaluate_args(args: argparse.Namespace):
    """What `certificate` and `remediation` share: the as-of day, the output path (checked before any work), the
    criteria, the answers, and the result with the roster and supplier checks."""
    from accreditation.assessment import evaluate

    day = as_of_option(args.as_of)
    out = check_out_path(args.out, args.force)
    criteria = criteria_from(args.criteria)
    answers = parse_answers_document(read_json(args.answers), criteria)
    result = evaluate(criteria, answers, *uploads(args), as_of=day,
                      certificate_status=supplier_lookup(args, day)).result
    return day, out, criteria, answers, result


def issue(args: argparse.Namespace) -> int:
    from accreditation import signing
    from accreditation.assessment import certificate_refusal
    from accreditation.documents import certificate_draft
    from accreditation.reports.certificate import issue_certificate
    from accreditation.store import open_db

    db = open_db()
    signing.check_ready(db)  # before any work: a lost key is an error, never a silent new key
    day, out, criteria, answers, result = evaluate_args(args)
    refusal = certificate_refusal(result)
    if refusal:
        raise refusal
    company = answers.company
    missing = [f for f in ("name", "tax_code") if not str(company.get(f) or "").strip()]
    if missing:
        raise UserError.from_key("reports.company_missing", fields=", ".join(f"company.{f}" for f in missing))
    draft = certificate_draft(result, criteria, company, day, issuer=args.issuer.strip() or "self-assessment")
    cert, pdf = issue_certificate(db, criteria, draft)
    write_atomically(out, pdf)
    band = criteria.band(cert.tier)
    print(catalog_text("certificates.written", args.lang, id=cert.id, tier=band.label.get(args.lang) if band else cert.tier,
            score=f"{cert.score:.1f}", expires=cert.expires.isoformat(), path=out))
    return 0


def list_(args: argparse.Namespace) -> int:
    from accreditation.store import open_db
    from accreditation.store.certificates import list_certificates

    day = as_of_option(args.as_of)
    certs = list_certificates(open_db(), tax_code=args.tax_code)
    if args.json:
        print_json([c.public_details(day) for c in certs])
        return 0
    if not certs:
        print(catalog_text("reports.no_certificates", args.lang))
    for c in certs:
        status = c.status(day)
        note = f"  -> {c.superseded_by}" if status == "superseded" else ""
        sys.stdout.write(f"{c.id}  {c.assurance:13}  {status:10}  {c.issued}  {c.expires}  {c.tier:10}  "
                         f"{c.score:5.1f}  {c.tax_code}  {c.company_name}{note}\n")
    return 0


def show(args: argparse.Namespace) -> int:
    from accreditation.store import open_db
    from accreditation.store.certificates import get, successor

    db = open_db()
    cert = get(db, args.id)
    if cert is None:
        raise UserError.from_key("reports.unknown_certificate", id=args.id)
    day = as_of_option(args.as_of)
    extra = {"successor": successor(db, cert).id} if cert.superseded_by else {}
    print_json({**cert.public_details(day), **extra, "pdf_sha256": cert.pdf_sha256, "key_id": cert.key_id,
                "verification_url": cert.verification_url(), "revoked_by": cert.revoked_by,
                "suspended_by": cert.suspended_by})
    return 0


def revoke(args: argparse.Namespace) -> int:
    from accreditation import events
    from accreditation.store import audit, open_db
    from accreditation.store.certificates import revoke as revoke_certificate
    from accreditation.store.db import write_tx

    db = open_db()
    with write_tx(db):  # one fact, as in the app: the revocation, its audit entry and the company's notification
        cert = revoke_certificate(db, args.id, args.reason, args.by)
        audit.record(db, actor=None, action="certificate.revoke", entity="certificate", entity_id=cert.id,
                     after={"revoked_at": cert.revoked_at, "reason": cert.revoked_reason, "by": args.by})
        events.publish(db, events.Event("certificate.revoked", cert.organisation_id, None,
                                        comment=cert.revoked_reason or "", certificate_id=cert.id))
    print(catalog_text("reports.revoked", args.lang, id=cert.id, reason=cert.revoked_reason))
    return 0
