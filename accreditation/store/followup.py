"""What happens after a decision: tracked corrective actions, child-labour cases, notifications and the record of
reminders already sent. The shapes are owned by `accreditation.actions`, `accreditation.cases` and
`accreditation.notify`; this module only creates and migrates the tables.

Privacy: a case names a worker by the company's employee id only (never a name or an ID-card number), and
nothing here copies roster rows."""

from __future__ import annotations

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS


@MIGRATIONS(name="followup_0001_create")
def _create(db: Database) -> None:
    # One row per corrective action of a company, across versions: `key` identifies the same problem in the next
    # version (source, indicator, rule and where it was found), so an action carries over until it is verified.
    db["tracked_actions"].create({
        "id": int, "organisation_id": int, "key": str, "first_assessment_id": int, "last_assessment_id": int,
        "source": str, "indicator": str, "rule": str, "ref": str, "row": int, "priority": str,
        "action": str,  # the engine's Action as JSON (language-neutral, texts in both languages)
        "owner": str, "due_date": str, "status": str,  # open | in_progress | done | verified ("overdue" is derived)
        "created_at": str, "updated_at": str, "done_at": str, "done_by": int, "verified_at": str,
        "verified_by": int, "found_again_at": str,
    }, pk="id", not_null={"organisation_id", "key", "status", "created_at", "action"},
        foreign_keys=[("organisation_id", "organisations", "id"), ("first_assessment_id", "assessments", "id")],
        defaults={"status": "open"})
    db["tracked_actions"].create_index(["organisation_id", "key"], unique=True)
    db["tracked_actions"].create_index(["status", "due_date"])
    # Everything that happened to an action: status changes, comments, owner or due-date changes, evidence.
    db["action_events"].create({
        "id": int, "action_id": int, "at": str, "user_id": int, "kind": str, "from_status": str, "to_status": str,
        "comment": str, "evidence_id": int,
    }, pk="id", not_null={"action_id", "at", "kind"}, foreign_keys=[("action_id", "tracked_actions", "id")])
    db["action_events"].create_index(["action_id"])
    db["action_evidence"].create({
        "id": int, "action_id": int, "sha256": str, "filename": str, "size": int, "mime": str, "uploaded_by": int,
        "uploaded_at": str,
    }, pk="id", not_null={"action_id", "sha256", "filename"}, foreign_keys=[("action_id", "tracked_actions", "id")])
    db["action_evidence"].create_index(["action_id"])

    # Child-labour cases: pseudonymous (employee id only), opened by the company, closed with the assessor.
    db["cases"].create({
        "id": int, "code": str, "organisation_id": int, "assessment_id": int, "source": str, "rule": str,
        "indicator": str, "employee_ref": str, "found_on": str, "province": str, "assessor_id": int,
        "status": str,  # open | closure_requested | closed
        "opened_at": str, "opened_by": int, "closure_requested_at": str, "closure_comment": str, "closed_at": str,
        "closed_by": int, "assessor_comment": str,
    }, pk="id", not_null={"code", "organisation_id", "source", "found_on", "status", "opened_at"},
        foreign_keys=[("organisation_id", "organisations", "id")], defaults={"status": "open"})
    db["cases"].create_index(["code"], unique=True)
    db["cases"].create_index(["organisation_id", "status"])
    # The child-centred steps of a case, one row per step with the day it was done (see accreditation.cases.STEPS).
    db["case_steps"].create({
        "case_id": int, "step": str, "done_on": str, "note": str, "recorded_by": int, "recorded_at": str,
    }, pk=("case_id", "step"), foreign_keys=[("case_id", "cases", "id")])

    # In-app notifications, one row per recipient; the e-mail copy is an outbox: `email_status` pending until
    # the SMTP server accepts it, so a failing server loses nothing and `remind` retries it.
    db["notifications"].create({
        "id": int, "user_id": int, "kind": str, "params": str, "link": str, "entity": str, "entity_id": str,
        "created_at": str, "read_at": str,
        "email_status": str,  # off | pending | sent | failed (failed: given up after the last retry)
        "email_attempts": int, "email_error": str, "emailed_at": str,
    }, pk="id", not_null={"user_id", "kind", "created_at"}, foreign_keys=[("user_id", "users", "id")],
        defaults={"email_status": "off", "email_attempts": 0})
    db["notifications"].create_index(["user_id", "read_at"])
    db["notifications"].create_index(["email_status"])
    # Per user and kind: e-mail on (1) or off (0). No row: the default (on).
    db["notification_prefs"].create({"user_id": int, "kind": str, "email": int}, pk=("user_id", "kind"),
                                    foreign_keys=[("user_id", "users", "id")])
    # Reminders already sent, so `remind` run daily (or twice) sends each one exactly once.
    db["reminders_sent"].create({"key": str, "sent_at": str, "as_of": str}, pk="key")


@MIGRATIONS(name="followup_0002_case_place_and_outcome")
def _case_place(db: Database) -> None:
    # Where the child was found (the company's own workplace or a supplier's, as REM-05 asks about both), the
    # prompt a case answers ("roster:E-014", "answers:YW-01"; empty when opened without one), and whether a step
    # was done or judged not possible (an adult family member cannot always be offered the job; the note says why).
    db["cases"].add_column("place", str)
    db["cases"].add_column("candidate", str)
    db["case_steps"].add_column("outcome", str)
