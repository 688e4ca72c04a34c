"""Notifications: who is told what, in the app and by e-mail.

A subscriber to the business events (`accreditation.events`) writes one row per recipient inside the transaction
of the fact itself, so a decision and the notifications about it commit or vanish together. A row stores the kind
and its parameters (JSON), never text: the text is rendered when it is shown or sent, in the reader's language,
from locales/notify.*.toml. The e-mail copy is sent after the commit (`mailer.deliver_soon`).

Who is told:
- submitted: the assigned assessor, else every active assessor outside the company;
- changes requested, approved, rejected, certificate suspended or revoked, dispute answered: the company's users;
- dispute opened: the assigned assessor, else the lead assessors;
- a certificate suspended: also the users of every brand the company shares with ("a supplier's document");
- reminders (`accreditation.reminders`): overdue actions and expiring documents to the company and its brands,
  case follow-ups to the company and the case's assessor.

Nothing personal: parameters hold company names, versions, document ids, dates, counts and case codes; never
worker names or ID numbers, nor comments people typed (those are read in the app)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

from sqlite_utils import Database

from accreditation import events, mailer, settings
from accreditation.accounts import Actor
from accreditation.display import day
from accreditation.i18n import catalog_text, normalise_language
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store.db import write_tx


@dataclass(frozen=True)
class Kind:
    roles: tuple[str, ...]  # who may receive it (the e-mail switches a user sees)
    page: str  # url path of the page it links to (accreditation/ui/app.py REGISTRY)


KINDS: dict[str, Kind] = {
    "submitted": Kind(("assessor",), "queue"),
    "dispute_opened": Kind(("assessor",), "queue"),
    "changes_requested": Kind(("sme",), "results"),
    "approved": Kind(("sme",), "results"),
    "rejected": Kind(("sme",), "results"),
    "dispute_answered": Kind(("sme",), "results"),
    "suspended": Kind(("sme",), "results"),
    "revoked": Kind(("sme",), "results"),
    "action_overdue": Kind(("sme",), "actions"),
    "expiring": Kind(("sme",), "results"),
    "case_followup": Kind(("sme", "assessor"), "cases"),
    # A member's association sees what its brands see (its members chose to share with it).
    "supplier_suspended": Kind(("brand", "association"), "portfolio"),
    "supplier_actions_overdue": Kind(("brand", "association"), "portfolio"),
    "supplier_expiring": Kind(("brand", "association"), "portfolio"),
    "invitation_reminder": Kind(("sme",), "home"),
}
DATE_PARAMS = ("expires", "due")  # ISO dates in params, shown as dd/mm/yyyy


def kinds_for(role: str) -> list[str]:
    return [k for k, spec in KINDS.items() if role in spec.roles]


def language_of(value: str | None) -> str:
    return normalise_language(value)


# ------------------------------------------------------------------------------------------------ recipients


def _ids(db: Database, sql: str, params: list[Any]) -> list[int]:
    return [r[0] for r in db.execute(sql, params).fetchall()]


def company_users(db: Database, organisation_id: int | None) -> list[int]:
    if organisation_id is None:
        return []
    return _ids(db, "SELECT id FROM users WHERE organisation_id = ? AND role = 'sme' AND active = 1 ORDER BY id",
                [organisation_id])


def brand_users(db: Database, organisation_id: int | None) -> list[int]:
    """The users of every brand and association the company currently shares with."""
    if organisation_id is None:
        return []
    return _ids(db, """SELECT DISTINCT u.id FROM shares s JOIN users u ON u.organisation_id = s.brand_id
                       WHERE s.organisation_id = ? AND s.withdrawn_at IS NULL AND u.role IN ('brand', 'association') AND u.active = 1
                       ORDER BY u.id""", [organisation_id])


def active_assessor(db: Database, user_id: int | None) -> list[int]:
    if not user_id:
        return []
    return _ids(db, "SELECT id FROM users WHERE id = ? AND role = 'assessor' AND active = 1", [user_id])


def assessors_for(db: Database, assessment: dict[str, Any], leads_only: bool = False) -> list[int]:
    """The assessor assigned to the version; else every active assessor (or lead assessor) outside the company."""
    assigned = active_assessor(db, assessment.get("assigned_to"))
    if assigned:
        return assigned
    lead = " AND lead = 1" if leads_only else ""
    return _ids(db, f"""SELECT id FROM users WHERE role = 'assessor' AND active = 1 AND organisation_id != ?{lead}
                        ORDER BY id""", [assessment["organisation_id"]])


def company_name(db: Database, organisation_id: int | None) -> str:
    if organisation_id is None:
        return ""
    row = db.execute("SELECT name FROM organisations WHERE id = ?", [organisation_id]).fetchone()
    return row[0] if row else ""


# ------------------------------------------------------------------------------------------------ writing


def link_for(kind: str) -> str:
    """The page a notification opens, at the app's public address (the one this page is served at, else
    $ACCREDITATION_PUBLIC_URL or localhost): fixed when it is written, as the e-mail will carry it."""
    return f"{settings.public_url()}/{KINDS[kind].page}"


def create(db: Database, user_ids: Iterable[int], kind: str, params: dict[str, Any], *, entity: str = "",
           entity_id: Any = None, exclude: int | None = None) -> list[int]:
    """One notification per recipient (duplicates and `exclude`, the user who did it, left out), in the caller's
    write transaction; their e-mails leave after it commits. Returns the new ids."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipients = list(dict.fromkeys(u for u in user_ids if u and u != exclude))
    if not recipients:
        return []
    email_on = mailer.enabled()
    off = set(_ids(db, f"SELECT user_id FROM notification_prefs WHERE kind = ? AND email = 0 AND user_id IN "
                       f"({', '.join('?' * len(recipients))})", [kind, *recipients])) if email_on else set()
    now, link, blob = audit.now(), link_for(kind), json.dumps(params, ensure_ascii=False, sort_keys=True)
    ids = []
    with write_tx(db):
        for user_id in recipients:
            status = "pending" if email_on and user_id not in off else "off"
            ids.append(db["notifications"].insert({
                "user_id": user_id, "kind": kind, "params": blob, "link": link, "entity": entity,
                "entity_id": None if entity_id is None else str(entity_id), "created_at": now,
                "email_status": status, "email_attempts": 0}).last_pk)
        mailer.deliver_soon(db, [i for i, u in zip(ids, recipients) if u not in off] if email_on else [])
    return ids


@events.subscribe
def on_event(db: Database, event: events.Event) -> None:
    """Write the notifications of one business event (see the module docstring for who gets what)."""
    org = event.organisation_id
    assessment = event.assessment or {}
    params: dict[str, Any] = {"company": company_name(db, org)}
    if assessment:
        params["version"] = assessment.get("version")
    if event.certificate_id:
        params["certificate"] = event.certificate_id
    me = getattr(event.actor, "id", None)
    entity, entity_id = ("assessment", assessment.get("id")) if assessment else ("certificate", event.certificate_id)
    kind = event.kind
    if kind == "assessment.submitted":
        create(db, assessors_for(db, assessment), "submitted", params, entity=entity, entity_id=entity_id, exclude=me)
    elif kind in ("assessment.changes_requested", "assessment.approved", "assessment.rejected"):
        create(db, company_users(db, org), kind.split(".", 1)[1], params, entity=entity, entity_id=entity_id,
               exclude=me)
    elif kind == "dispute.opened":
        if event.extra.get("indicator"):
            params["indicator"] = event.extra["indicator"]
        create(db, assessors_for(db, assessment, leads_only=True), "dispute_opened", params, entity=entity,
               entity_id=entity_id, exclude=me)
    elif kind == "dispute.answered":
        params["reopened"] = bool(event.extra.get("reopened"))
        create(db, company_users(db, org), "dispute_answered", params, entity=entity, entity_id=entity_id,
               exclude=me)
    elif kind == "certificate.suspended":
        create(db, company_users(db, org), "suspended", params, entity="certificate",
               entity_id=event.certificate_id, exclude=me)
        create(db, brand_users(db, org), "supplier_suspended", params, entity="certificate",
               entity_id=event.certificate_id)
    elif kind == "certificate.revoked":
        create(db, company_users(db, org), "revoked", params, entity="certificate", entity_id=event.certificate_id,
               exclude=me)


# ------------------------------------------------------------------------------------------------ rendering


def _values(kind: str, params: dict[str, Any], lang: str) -> dict[str, Any]:
    """The parameters as a sentence uses them: dates as dd/mm/yyyy, flags as words."""
    values = {k: (day(v) if k in DATE_PARAMS and v else v) for k, v in params.items()}
    if "verified" in params:
        values["document"] = catalog_text("notify.document_" + ("verified" if params["verified"] else "statement"),
                                          lang)
    if kind == "dispute_answered":
        values["outcome"] = catalog_text("notify.reopened" if params.get("reopened") else "notify.not_reopened", lang)
    if kind == "dispute_opened":
        values["about"] = (catalog_text("notify.about_indicator", lang, indicator=params["indicator"])
                           if params.get("indicator") else "")
    return values


def text(kind: str, params: dict[str, Any] | str, lang: str) -> tuple[str, str]:
    """(title, sentence) of a notification in `lang`."""
    data = json.loads(params) if isinstance(params, str) else dict(params)
    lang = language_of(lang)
    values = _values(kind, data, lang)
    return (catalog_text(f"notify.{kind}.title", lang, **values).strip(),
            catalog_text(f"notify.{kind}.body", lang, **values).strip())


def email_text(row: dict[str, Any], lang: str) -> tuple[str, str]:
    """(subject, body) of a notification's e-mail: what happened, the link, and why the reader gets it."""
    title, body = text(row["kind"], row["params"] or "{}", lang)
    name = row.get("to_name") or ""
    lines = [catalog_text("notify.mail.greeting", lang, name=name).strip(), "", body, "",
             catalog_text("notify.mail.open", lang, link=row["link"]), "", "—",
             catalog_text("notify.mail.footer", lang, link=row["link"].rsplit("/", 1)[0] + "/notifications")]
    return title, "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ reading


def _own(actor: Actor | None) -> dict[str, Any]:
    return {"user_id": getattr(actor, "id", None)}


def unread_count(db: Database, actor: Actor) -> int:
    """One COUNT on the (user_id, read_at) index: the sidebar asks on every rerun."""
    require(actor, "notification.read", _own(actor))
    return db.execute("SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                      [actor.id]).fetchone()[0]


def list_for(db: Database, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
    """The actor's notifications, newest first."""
    require(actor, "notification.read", _own(actor))
    return db.execute_returning_dicts(
        "SELECT * FROM notifications WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?", [actor.id, limit])


def mark_read(db: Database, actor: Actor, notification_id: int) -> None:
    """Mark one of the actor's own notifications read (someone else's is refused)."""
    with write_tx(db):
        row = db.execute("SELECT user_id, read_at FROM notifications WHERE id = ?", [notification_id]).fetchone()
        require(actor, "notification.read", {"user_id": row[0] if row else None})
        if row[1]:
            return
        db.execute("UPDATE notifications SET read_at = ? WHERE id = ?", [audit.now(), notification_id])
        audit.record(db, actor=actor.as_dict(), action="notification.read", entity="notification",
                     entity_id=notification_id)


def mark_all_read(db: Database, actor: Actor) -> int:
    """Mark every unread notification of the actor read; how many there were."""
    require(actor, "notification.read", _own(actor))
    with write_tx(db):
        count = db.execute("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
                           [audit.now(), actor.id]).rowcount
        if count:
            audit.record(db, actor=actor.as_dict(), action="notification.read_all", entity="user",
                         entity_id=actor.id, after={"count": count})
    return count


def email_prefs(db: Database, actor: Actor) -> dict[str, bool]:
    """Per kind the actor can receive: is the e-mail copy on (the default) or off."""
    require(actor, "account.edit", _own(actor))
    stored = dict(db.execute("SELECT kind, email FROM notification_prefs WHERE user_id = ?", [actor.id]).fetchall())
    return {kind: bool(stored.get(kind, 1)) for kind in kinds_for(actor.role)}


def set_email(db: Database, actor: Actor, kind: str, on: bool) -> None:
    """Turn the e-mail copy of one kind on or off for the actor. The notification in the app stays either way;
    pending e-mails of that kind are no longer sent."""
    require(actor, "account.edit", _own(actor))
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    with write_tx(db):
        db["notification_prefs"].upsert({"user_id": actor.id, "kind": kind, "email": int(bool(on))},
                                        pk=("user_id", "kind"))
        if not on:
            db.execute("UPDATE notifications SET email_status = 'off' WHERE user_id = ? AND kind = ? AND "
                       "email_status = 'pending'", [actor.id, kind])
        audit.record(db, actor=actor.as_dict(), action="notification.email_pref", entity="user",
                     entity_id=actor.id, after={"kind": kind, "email": bool(on)})
