"""Scheduled reminders (`python -m accreditation remind`, run daily by cron or a systemd timer): what has become due
by a date is told once, whatever how often the command runs.

- corrective actions past their due date (`actions.overdue`): to the company and the brands it shares with, one
  notification per company listing how many have just become overdue;
- documents in force (verified certificates and self-assessment statements) 60 and 14 days before they expire: to
  the company and its brands (a first run at 10 days left sends one reminder, not two);
- the 3- and 6-month follow-ups of child-labour cases (`cases.followups_due`): to the company and the case's
  assessor;
- then every e-mail still pending is tried again (`mailer.send_pending`).

Exactly once: each reminder has a key in `reminders_sent` (an action and its due date, a document and its
threshold, a case and its step), written in the same transaction as its notifications, so two runs at once or a
run that dies halfway never tell twice and never skip."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from accreditation import mailer, notify
from accreditation.store import audit
from accreditation.store import certificates as registry
from accreditation.store.db import write_tx

EXPIRY_DAYS = (60, 14)


@dataclass
class Summary:
    as_of: date
    overdue: int = 0  # actions newly overdue
    expiring: int = 0  # documents reminded of
    followups: int = 0  # case follow-ups reminded of
    notifications: int = 0  # rows written
    email: mailer.Outcome | None = None  # None: e-mail is off
    keys: list[str] = field(default_factory=list)  # what was reminded of, for the record

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "overdue_actions": self.overdue, "expiring_documents": self.expiring,
                "case_followups": self.followups, "notifications": self.notifications,
                "email": None if self.email is None else {
                    "sent": self.email.sent, "pending": self.email.pending, "failed": self.email.failed,
                    "off": self.email.off}}


def _sent(db: Database, key: str) -> bool:
    return db.execute("SELECT 1 FROM reminders_sent WHERE key = ?", [key]).fetchone() is not None


def _mark(db: Database, keys: list[str], as_of: date) -> None:
    when = audit.now()
    db["reminders_sent"].insert_all([{"key": k, "sent_at": when, "as_of": as_of.isoformat()} for k in keys],
                                    pk="key")


def run(db: Database, as_of: date | None = None) -> Summary:
    """Send what is due on `as_of` (default today) and retry pending e-mail. Safe to run any number of times."""
    summary = Summary(as_of or date.today())
    with mailer.held():  # e-mails leave together below, over one connection
        _overdue(db, summary)
        _expiring(db, summary)
        _followups(db, summary)
    if mailer.enabled():
        mailer.wait()  # a sender started by the app may hold some: let it finish first
        summary.email = mailer.send_pending(db)
    return summary


def _overdue(db: Database, summary: Summary) -> None:
    from accreditation import actions

    by_org: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in actions.overdue(db, summary.as_of):
        by_org[row["organisation_id"]].append(row)
    for org, rows in by_org.items():
        with write_tx(db):
            new = [(f"action_overdue:{r['id']}:{r['due_date']}", r) for r in rows]
            new = [(k, r) for k, r in new if not _sent(db, k)]
            if not new:
                continue
            params = {"company": notify.company_name(db, org), "count": len(new),
                      "due": min(str(r["due_date"]) for _, r in new)}
            ids = notify.create(db, notify.company_users(db, org), "action_overdue", params,
                                entity="organisation", entity_id=org)
            ids += notify.create(db, notify.brand_users(db, org), "supplier_actions_overdue", params,
                                 entity="organisation", entity_id=org)
            _mark(db, [k for k, _ in new], summary.as_of)
        summary.overdue += len(new)
        summary.notifications += len(ids)
        summary.keys += [k for k, _ in new]


def _organisation_of(db: Database, cert: registry.Certificate) -> int | None:
    """The company a document is about: named on it, else found by its tax code (documents issued on the command
    line before the company had an account)."""
    if cert.organisation_id is not None:
        return cert.organisation_id
    for org_id, tax_code in db.execute("SELECT id, tax_code FROM organisations WHERE kind = 'sme' AND tax_code "
                                       "IS NOT NULL").fetchall():
        if tax_code and registry.subject_of(tax_code, None) == cert.subject:
            return org_id
    return None


def _expiring(db: Database, summary: Summary) -> None:
    day = summary.as_of
    for cert in registry.list_certificates(db):
        if cert.superseded_by or cert.revoked_at or cert.status(day) != "active":
            continue  # only a document in force can expire: a suspended one already says so
        left = (cert.expires - day).days
        crossed = [d for d in EXPIRY_DAYS if left <= d]
        if not crossed:
            continue
        keys = [f"expiring:{cert.id}:{d}" for d in crossed]
        org = _organisation_of(db, cert)
        with write_tx(db):
            if _sent(db, keys[-1]):  # already told at the most urgent threshold crossed
                continue
            params = {"company": cert.company_name, "certificate": cert.id, "verified": cert.verified,
                      "expires": cert.expires.isoformat(), "days": left}
            ids = notify.create(db, notify.company_users(db, org), "expiring", params, entity="certificate",
                                entity_id=cert.id)
            ids += notify.create(db, notify.brand_users(db, org), "supplier_expiring", params, entity="certificate",
                                 entity_id=cert.id)
            _mark(db, [k for k in keys if not _sent(db, k)], day)
        summary.expiring += 1
        summary.notifications += len(ids)
        summary.keys.append(keys[-1])


def _followups(db: Database, summary: Summary) -> None:
    from accreditation import cases

    months = {s.id: s.months for s in cases.STEPS if s.followup}
    for case, step in cases.followups_due(db, summary.as_of):
        key = f"case_followup:{case['id']}:{step}"
        with write_tx(db):
            if _sent(db, key):
                continue
            org = case["organisation_id"]
            params = {"company": notify.company_name(db, org), "code": case["code"], "months": months[step]}
            recipients = notify.company_users(db, org) + notify.active_assessor(db, case.get("assessor_id"))
            ids = notify.create(db, recipients, "case_followup", params, entity="case", entity_id=case["id"])
            _mark(db, [key], summary.as_of)
        summary.followups += 1
        summary.notifications += len(ids)
        summary.keys.append(key)
