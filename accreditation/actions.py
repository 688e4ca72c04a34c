"""The corrective action plan, tracked: every remediation action of a submitted or decided version becomes a
tracked action of the company, which carries over from version to version until the assessor verifies that it is
closed.

- **Where they come from.** A subscriber to the assessment events (`accreditation.events`): on submission the
  result as submitted, on each decision the verified result (with the assessor's adjustments). An action is the same
  problem in the next version when its key (source, indicator, rule, where it was found) is the same.
- **Due date.** The day of the event plus the priority's deadline (the Action's own `deadline_days`, else the
  criteria's priorities.csv). A problem found again after it was verified reopens, with a new due date.
- **Statuses.** open → in_progress → done (at least one evidence file since it was last reopened) → verified by the
  assessor; the assessor may instead reopen it, saying why. "overdue" is shown, never stored: open or in progress
  after the due date (`shown_status`).
- **Guards.** The company changes its own actions (`action.update`); the assessor who may review the company's
  latest submitted version verifies or reopens them (`action.verify`); anyone who may see them may comment. Every
  change is one write transaction with an `action_events` row and an audit entry.

Brands see counts only (`progress`), never an action's wording: a finding may name a row or an employee id."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from accreditation import events, workflow
from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.permissions import can, require
from accreditation.store import audit
from accreditation.store.db import ids_sql, write_tx
from scoring.result import Action, Result

STATUSES = ("open", "in_progress", "done", "verified")
SHOWN_STATUSES = ("overdue", "open", "in_progress", "done", "verified")  # as people filter them, most urgent first
# What the company may do: (from, to). Verifying and reopening are the assessor's (`verify`, `reopen`).
COMPANY_STEPS = {("open", "in_progress"), ("open", "done"), ("in_progress", "done"), ("in_progress", "open"),
                 ("done", "in_progress")}
PRIORITY_ORDER = {"critical": 0, "major": 1, "minor": 2}
MAX_COMMENT = 2000
MAX_OWNER = 200
# Events whose result holds the plan of that version (see accreditation.events.KINDS).
_PLAN_EVENTS = ("assessment.submitted", "assessment.changes_requested", "assessment.approved",
                "assessment.rejected")


# ------------------------------------------------------------------------------------------------- reading


_ROW_THEN_ID = re.compile(r"^row \d+, (.+)$")


def stable_ref(ref: str | None) -> str:
    """Where a finding was made, without what moves between uploads: "row 12, employee E-014" is "employee E-014"
    (a corrected roster with one row fewer above it is still the same child), a group of supplier rows ("rows 4,
    9, 12") is the group its rule names; a row without an identifier stays as it is (nothing better to go by)."""
    if not ref:
        return ""
    if ref.startswith("rows "):
        return ""
    m = _ROW_THEN_ID.match(ref)
    return m.group(1) if m else ref


def action_key(action: Action) -> str:
    """The same problem in every version: where it comes from and where it was found (never the wording, which
    the criteria may reword)."""
    return "|".join([action.source, action.indicator or "", action.rule or "", stable_ref(action.ref)])


def item(row: dict[str, Any]) -> Action:
    return Action.model_validate_json(row["action"])


def shown_status(row: dict[str, Any], as_of: date | None = None) -> str:
    """The status as people read it: "overdue" for an open or in-progress action past its due date."""
    day = as_of or date.today()
    if row["status"] in ("open", "in_progress") and row.get("due_date") and date.fromisoformat(row["due_date"]) < day:
        return "overdue"
    return row["status"]


def owner_text(row: dict[str, Any], lang: str = "vi") -> str:
    """Who is responsible: the name the company typed, else the plan's wording of who should act."""
    return row.get("owner") or item(row).responsible.get(lang)


def get(db: Database, action_id: int) -> dict[str, Any]:
    rows = list(db["tracked_actions"].rows_where("id = ?", [action_id]))
    if not rows:
        raise UserError.from_key("actions.err.unknown", id=action_id)
    return rows[0]


def _sort_key(row: dict[str, Any]) -> tuple:
    return (SHOWN_STATUSES.index(row["shown"]), PRIORITY_ORDER.get(row["priority"], 9), row.get("due_date") or "",
            row["id"])


def list_actions(db: Database, organisation_id: int, as_of: date | None = None,
                 statuses: tuple[str, ...] | list[str] | None = None) -> list[dict[str, Any]]:
    """The company's tracked actions, most urgent first, each with `shown` (its shown status) and `item` (the
    Action). `statuses`: only those shown statuses (e.g. ("overdue",))."""
    out = []
    for row in db["tracked_actions"].rows_where("organisation_id = ?", [organisation_id]):
        row["shown"] = shown_status(row, as_of)
        if statuses and row["shown"] not in statuses:
            continue
        row["item"] = item(row)
        out.append(row)
    return sorted(out, key=_sort_key)


def detail(db: Database, action_id: int, as_of: date | None = None) -> dict[str, Any]:
    """One action with its history (oldest first, with who did it) and its evidence files."""
    row = get(db, action_id)
    row["shown"] = shown_status(row, as_of)
    row["item"] = item(row)
    row["events"] = [dict(r) for r in db.query(
        "SELECT e.*, u.name AS user_name FROM action_events e LEFT JOIN users u ON u.id = e.user_id "
        "WHERE e.action_id = ? ORDER BY e.id", [action_id])]
    row["evidence"] = list(db["action_evidence"].rows_where("action_id = ?", [action_id], order_by="id"))
    return row


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    out = {s: 0 for s in SHOWN_STATUSES}
    for row in rows:
        out[row["shown"]] += 1
    out["total"] = len(rows)
    return out


def progress(db: Database, organisation_id: int, as_of: date | None = None) -> dict[str, int]:
    """Counts by shown status (overdue counted apart from open and in progress) and the total: what a brand the
    company shares with may see, never an action's wording."""
    return progress_many(db, [organisation_id], as_of).get(organisation_id) or counts([])


def progress_many(db: Database, organisation_ids: list[int], as_of: date | None = None) -> dict[int, dict[str, int]]:
    """`progress` for many companies in one query (a brand's whole portfolio)."""
    day = (as_of or date.today()).isoformat()
    out: dict[int, dict[str, int]] = {}
    if not organisation_ids:
        return out
    sql = f"""
        SELECT organisation_id,
               CASE WHEN status IN ('open', 'in_progress') AND due_date < :day THEN 'overdue' ELSE status END AS shown,
               COUNT(*) AS n
        FROM tracked_actions WHERE organisation_id IN ({ids_sql(db)})
        GROUP BY organisation_id, shown"""
    for org, shown, n in db.execute(sql, {"day": day, "ids": json.dumps([int(i) for i in organisation_ids])}):
        got = out.setdefault(org, counts([]))
        got[shown] = got.get(shown, 0) + n
        got["total"] += n
    return out


def overdue(db: Database, as_of: date | None = None) -> list[dict[str, Any]]:
    """Every company's open or in-progress actions past their due date on `as_of` (for the reminders), oldest due
    date first, each with `item` (the Action)."""
    day = (as_of or date.today()).isoformat()
    rows = list(db["tracked_actions"].rows_where(
        "status IN ('open', 'in_progress') AND due_date < ?", [day], order_by="due_date, id"))
    for row in rows:
        row["shown"] = "overdue"
        row["item"] = item(row)
    return rows


def plan_tracking(db: Database, organisation_id: int, as_of: date | None = None) -> dict[str, Any]:
    """The company's tracked state of each action by key, for the status column of the PDF plan."""
    from accreditation.reports.remediation import TrackedState

    return {r["key"]: TrackedState(status=shown_status(r, as_of),
                                   due=date.fromisoformat(r["due_date"]) if r["due_date"] else None,
                                   owner=r["owner"] or "")
            for r in db["tracked_actions"].rows_where("organisation_id = ?", [organisation_id])}


def latest_submitted(db: Database, organisation_id: int) -> dict[str, Any] | None:
    rows = list(db["assessments"].rows_where("organisation_id = ? AND status <> 'draft'", [organisation_id],
                                             order_by="version DESC", limit=1))
    return rows[0] if rows else None


def resource(db: Database, organisation_id: int) -> dict[str, Any]:
    """An action as `permissions.can` sees it: the company's latest submitted version (its owner, status,
    assessor and the brands it is shared with)."""
    latest = latest_submitted(db, organisation_id)
    if latest is None:
        return {"organisation_id": organisation_id, "status": "draft", "assigned_to": None, "shared_with": []}
    return workflow.resource(db, latest)


def awaiting_verification(db: Database, actor: Actor) -> list[dict[str, Any]]:
    """Actions marked done that this assessor may verify, with the company's name, oldest first."""
    require(actor, "page.followup")
    rows = [dict(r) for r in db.query(
        "SELECT t.*, o.name AS company, o.tax_code FROM tracked_actions t "
        "JOIN organisations o ON o.id = t.organisation_id WHERE t.status = 'done' ORDER BY t.done_at, t.id")]
    allowed: dict[int, bool] = {}
    out = []
    for row in rows:
        org = row["organisation_id"]
        if org not in allowed:
            allowed[org] = can(actor, "action.verify", resource(db, org))
        if allowed[org]:
            row["shown"] = "done"
            row["item"] = item(row)
            out.append(row)
    return out


def evidence_file(db: Database, actor: Actor, evidence_id: int) -> tuple[dict[str, Any], bytes]:
    """An evidence file of an action and its bytes, for whoever may see the action."""
    rows = list(db["action_evidence"].rows_where("id = ?", [evidence_id]))
    if not rows:
        raise UserError.from_key("actions.err.no_evidence_file")
    row = rows[0]
    require(actor, "action.view", resource(db, get(db, row["action_id"])["organisation_id"]))
    data = workflow.evidence_bytes(row)
    if data is None:
        raise UserError.from_key("actions.err.file_missing", name=row["filename"])
    return row, data


# ------------------------------------------------------------------------------------ from the assessments


def _deadline_days(action: Action, priorities: dict[str, Any]) -> int | None:
    if action.deadline_days is not None:
        return action.deadline_days
    level = priorities.get(action.priority)
    return level.deadline_days if level else None


def _due(day: date, action: Action, priorities: dict[str, Any]) -> str | None:
    days = _deadline_days(action, priorities)
    return (day + timedelta(days=days)).isoformat() if days is not None else None


def _event_day(event: events.Event) -> date:
    """The day the fact happened: the submission or the decision recorded with it."""
    a = event.assessment or {}
    stamp = a.get("submitted_at") if event.kind == "assessment.submitted" else a.get("decided_at")
    try:
        return datetime.fromisoformat(stamp).date() if stamp else date.today()
    except ValueError:
        return date.today()


def _priorities(db: Database, assessment: dict[str, Any]) -> dict[str, Any]:
    from criteria.datafiles import default_criteria

    return workflow.criteria_for(db, assessment, default_criteria()).priorities


def _event(db: Database, action_id: int, kind: str, user_id: int | None, *, from_status: str | None = None,
           to_status: str | None = None, comment: str | None = None, evidence_id: int | None = None) -> int:
    return db["action_events"].insert({
        "action_id": action_id, "at": audit.now(), "user_id": user_id, "kind": kind, "from_status": from_status,
        "to_status": to_status, "comment": comment or None, "evidence_id": evidence_id}).last_pk


@events.subscribe
def _on_assessment(db: Database, event: events.Event) -> None:
    """Every action of the version's plan becomes (or updates) a tracked action of the company."""
    if event.kind not in _PLAN_EVENTS or event.result is None or event.assessment is None:
        return
    _sync(db, event.assessment, event.result, _event_day(event), event.actor)


def _sync(db: Database, assessment: dict[str, Any], result: Result, day: date, actor: Actor | None) -> dict[str, int]:
    """Inside the caller's transaction (the submission or decision): create the actions new in this plan, reopen
    those found again after they were verified, and carry the others over (their wording as this version says it,
    the earlier due date kept). Actions of earlier versions not in this plan stay as they are until verified."""
    org = assessment["organisation_id"]
    priorities = _priorities(db, assessment)
    existing = {r["key"]: r for r in db["tracked_actions"].rows_where("organisation_id = ?", [org])}
    now = audit.now()
    user_id = actor.id if actor else None
    tally = {"created": 0, "reopened": 0, "carried": 0}
    seen: set[str] = set()
    for action in result.remediation:
        key = action_key(action)
        if key in seen:  # the same problem twice in one plan is tracked once
            continue
        seen.add(key)
        due = _due(day, action, priorities)
        fields = {"last_assessment_id": assessment["id"], "priority": action.priority, "row": action.row,
                  "action": action.model_dump_json(), "updated_at": now}
        row = existing.get(key)
        if row is None:
            new_id = db["tracked_actions"].insert({
                "organisation_id": org, "key": key, "first_assessment_id": assessment["id"], "source": action.source,
                "indicator": action.indicator, "rule": action.rule, "ref": action.ref, "owner": None,
                "due_date": due, "status": "open", "created_at": now, **fields}).last_pk
            _event(db, new_id, "created", user_id, to_status="open")
            tally["created"] += 1
        elif row["status"] == "verified":
            db["tracked_actions"].update(row["id"], {**fields, "status": "open", "due_date": due,
                                                     "found_again_at": now, "done_at": None, "done_by": None})
            _event(db, row["id"], "found_again", user_id, from_status="verified", to_status="open")
            tally["reopened"] += 1
        else:
            if due and (not row["due_date"] or due < row["due_date"]):  # a higher priority now: the sooner date
                fields["due_date"] = due
            if row["last_assessment_id"] != assessment["id"]:
                tally["carried"] += 1
            db["tracked_actions"].update(row["id"], fields)
    if any(tally.values()):
        audit.record(db, actor=actor.as_dict() if actor else None, action="action.sync", entity="assessment",
                     entity_id=assessment["id"], after=tally)
    return tally


# ----------------------------------------------------------------------------------------------- changes


def _clean_comment(comment: str | None) -> str:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise UserError.from_key("actions.err.comment_long", max=MAX_COMMENT)
    return text


def _record(db: Database, actor: Actor, row: dict[str, Any], what: str, before: Any, after: Any,
            comment: str = "") -> None:
    audit.record(db, actor=actor.as_dict(), action=f"action.{what}", entity="tracked_action", entity_id=row["id"],
                 before=before, after=after, comment=comment)


def _has_new_evidence(db: Database, action_id: int) -> bool:
    """Evidence added since the action was last reopened (what was there before did not close it)."""
    last = db.execute("SELECT MAX(id) FROM action_events WHERE action_id = ? AND kind IN ('reopened', 'found_again')",
                      [action_id]).fetchone()[0] or 0
    return bool(db.execute("SELECT COUNT(*) FROM action_events WHERE action_id = ? AND kind = 'evidence' AND id > ?",
                           [action_id, last]).fetchone()[0])


def update_status(db: Database, actor: Actor, action_id: int, status: str, comment: str = "") -> dict[str, Any]:
    """The company moves its action along: start it, mark it done (with evidence), or take it back."""
    comment = _clean_comment(comment)
    with write_tx(db):
        row = get(db, action_id)
        require(actor, "action.update", resource(db, row["organisation_id"]))
        if status not in STATUSES:
            raise UserError.from_key("actions.err.unknown_status", status=status)
        if (row["status"], status) not in COMPANY_STEPS:
            raise _step_error(row["status"], status)
        update: dict[str, Any] = {"status": status, "updated_at": audit.now()}
        if status == "done":
            if not _has_new_evidence(db, action_id):
                raise UserError.from_key("actions.err.needs_evidence")
            update.update({"done_at": audit.now(), "done_by": actor.id})
        elif row["status"] == "done":
            update.update({"done_at": None, "done_by": None})
        db["tracked_actions"].update(action_id, update)
        _event(db, action_id, "status", actor.id, from_status=row["status"], to_status=status, comment=comment)
        _record(db, actor, row, "status", {"status": row["status"]}, {"status": status}, comment)
    return get(db, action_id)


def _step_error(current: str, target: str) -> UserError:
    from accreditation.i18n import catalog_text

    return UserError(*(catalog_text("actions.err.step", lang, current=catalog_text(f"actions.status.{current}", lang),
                                    target=catalog_text(f"actions.status.{target}", lang)) for lang in ("vi", "en")))


def set_owner(db: Database, actor: Actor, action_id: int, owner: str) -> dict[str, Any]:
    """Name who in the company is responsible (free text; empty: the plan's wording again)."""
    owner = (owner or "").strip()
    if len(owner) > MAX_OWNER:
        raise UserError.from_key("actions.err.owner_long", max=MAX_OWNER)
    with write_tx(db):
        row = get(db, action_id)
        require(actor, "action.update", resource(db, row["organisation_id"]))
        db["tracked_actions"].update(action_id, {"owner": owner or None, "updated_at": audit.now()})
        _event(db, action_id, "owner", actor.id, comment=owner or None)
        _record(db, actor, row, "owner", {"owner": row["owner"]}, {"owner": owner or None})
    return get(db, action_id)


def add_comment(db: Database, actor: Actor, action_id: int, comment: str) -> dict[str, Any]:
    """A comment on the action, by the company or the assessor (whoever may see it)."""
    comment = _clean_comment(comment)
    with write_tx(db):
        row = get(db, action_id)
        require(actor, "action.view", resource(db, row["organisation_id"]))
        if not comment:
            raise UserError.from_key("actions.err.comment_empty")
        _event(db, action_id, "comment", actor.id, comment=comment)
        db["tracked_actions"].update(action_id, {"updated_at": audit.now()})
        _record(db, actor, row, "comment", None, None, comment)
    return get(db, action_id)


def add_evidence(db: Database, actor: Actor, action_id: int, filename: str, data: bytes) -> dict[str, Any]:
    """Attach a file that shows the action was carried out (PDF, PNG or JPG up to 10 MB), stored by its SHA-256
    beside the assessments' evidence (the same file twice is kept once)."""
    row = get(db, action_id)
    require(actor, "action.update", resource(db, row["organisation_id"]))  # before the file touches the disk
    if row["status"] == "verified":
        raise UserError.from_key("actions.err.verified_locked")
    digest, mime = workflow.keep_evidence_file(filename, data)
    with write_tx(db):
        row = get(db, action_id)
        require(actor, "action.update", resource(db, row["organisation_id"]))
        if row["status"] == "verified":
            raise UserError.from_key("actions.err.verified_locked")
        ev_id = db["action_evidence"].insert({
            "action_id": action_id, "sha256": digest, "filename": Path(filename).name, "size": len(data),
            "mime": mime, "uploaded_by": actor.id, "uploaded_at": audit.now()}).last_pk
        _event(db, action_id, "evidence", actor.id, comment=Path(filename).name, evidence_id=ev_id)
        db["tracked_actions"].update(action_id, {"updated_at": audit.now()})
        _record(db, actor, row, "evidence", None, {"evidence_id": ev_id, "sha256": digest,
                                                    "filename": Path(filename).name})
    return get(db, action_id)


def verify(db: Database, actor: Actor, action_id: int, comment: str = "") -> dict[str, Any]:
    """The assessor confirms, from the evidence, that an action marked done is closed."""
    comment = _clean_comment(comment)
    with write_tx(db):
        row = get(db, action_id)
        require(actor, "action.verify", resource(db, row["organisation_id"]))
        if row["status"] != "done":
            raise UserError.from_key("actions.err.verify_not_done")
        db["tracked_actions"].update(action_id, {"status": "verified", "verified_at": audit.now(),
                                                 "verified_by": actor.id, "updated_at": audit.now()})
        _event(db, action_id, "verified", actor.id, from_status="done", to_status="verified", comment=comment)
        _record(db, actor, row, "verify", {"status": "done"}, {"status": "verified"}, comment)
    return get(db, action_id)


def reopen(db: Database, actor: Actor, action_id: int, comment: str, today: date | None = None) -> dict[str, Any]:
    """The assessor sends an action marked done (or verified) back to the company, saying why. The company gets
    the priority's time again from today when the old due date has passed."""
    comment = _clean_comment(comment)
    day = today or date.today()
    with write_tx(db):
        row = get(db, action_id)
        require(actor, "action.verify", resource(db, row["organisation_id"]))
        if row["status"] not in ("done", "verified"):
            raise UserError.from_key("actions.err.reopen_not_done")
        if not comment:
            raise UserError.from_key("actions.err.reopen_comment")
        due = row["due_date"]
        fresh = _due(day, item(row), _priorities(db, latest_submitted(db, row["organisation_id"])))
        if fresh and (not due or due < day.isoformat()):
            due = fresh
        db["tracked_actions"].update(action_id, {"status": "open", "due_date": due, "done_at": None,
                                                 "done_by": None, "verified_at": None, "verified_by": None,
                                                 "updated_at": audit.now()})
        _event(db, action_id, "reopened", actor.id, from_status=row["status"], to_status="open", comment=comment)
        _record(db, actor, row, "reopen", {"status": row["status"], "due_date": row["due_date"]},
                {"status": "open", "due_date": due}, comment)
    return get(db, action_id)
