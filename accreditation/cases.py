"""Child-labour cases, handled as the remediation protocol says (ILO-IOE Child Labour Guidance Tool, amfori BSCI
zero-tolerance protocol, Rainforest Alliance remediation protocol): the company opens a case when a child is found
in unlawful work, records the child-centred steps with their dates, and closes it only with the assessor's
agreement.

- Opening is never automatic: `candidates` lists what calls for a case (a critical roster finding about the
  child's work itself, or a knock-out the company declared) and the page prompts the company.
- A case is pseudonymous: the company's employee code only. `check_employee_ref` refuses anything that looks like
  a name or an identity/phone number, and nothing here copies roster rows. Audit entries hold dates and step names,
  never notes (a note is free text written by the company).
- The steps (`STEPS`) each have a date and a note; the due dates follow from the day the child was found, and the
  3- and 6-month follow-ups from the day the child was removed from the work.
- Closure: the company asks once every step is recorded (the 6-month follow-up included); the assessor of the
  case agrees (closed) or refuses with a comment (the case stays open).
- Cases answer REM-05 through the derived-answer path (`derived`); brands see only counts (`brand_summary`).

Access: the company's own staff (case.view, case.manage) and the case's assessor: the one assigned to the
company's latest reviewed version, or while there is none any assessor until one acts on it (case.view,
case.close)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from accreditation.accounts import Actor
from accreditation.errors import UserError
from accreditation.permissions import can, require
from accreditation.store import audit
from accreditation.store.certificates import add_months  # 31 Aug + 6 months = 28/29 Feb
from accreditation.store.db import identity, write_tx
from scoring.result import DerivedAnswers

STATUSES = ("open", "closure_requested", "closed")
SOURCES = ("roster", "answers", "other")  # a roster finding, a declared knock-out, found otherwise (a visit, a
# grievance, at a supplier)
PLACES = ("company", "supplier")
DERIVATION = "cases.remediation"
FOLLOWUP_EARLY_DAYS = 14  # a follow-up visit may be recorded up to two weeks before its day
FOLLOWUP_GRACE_DAYS = 14  # ... and counts as on time up to two weeks after it


@dataclass(frozen=True)
class Step:
    """One child-centred step. `days`: due that many days after the child was found; `months`: a follow-up due
    that many months after the child was removed from the work."""

    id: str
    days: int | None = None
    months: int | None = None
    may_be_impossible: bool = False  # may be recorded as not possible, with the reason in the note

    @property
    def followup(self) -> bool:
        return self.months is not None


# The order the protocol follows. Deadlines: removal at once (the next day at the latest); income, family,
# referral to the labour agency and the hotline within 7 days (amfori BSCI reports a zero-tolerance case within 5
# working days); school or training and the adult's job offer within 30 days (the award's "major" deadline);
# follow-ups at 3 months (amfori's follow-up call) and 6 months after removal.
STEPS: tuple[Step, ...] = (
    Step("removed", days=1),
    Step("income", days=7),
    Step("family", days=7),
    Step("referral", days=7),
    Step("hotline", days=7),
    Step("schooling", days=30),
    Step("adult_job", days=30, may_be_impossible=True),
    Step("followup_3m", months=3),
    Step("followup_6m", months=6),
)
STEP_IDS = tuple(s.id for s in STEPS)
_BY_ID = {s.id: s for s in STEPS}
OUTCOMES = ("done", "not_possible")


# ------------------------------------------------------------------------------------------------ helpers


def _day(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


_LONG_NUMBER = re.compile(r"\d{9,}")
_WORD = re.compile(r"[^\W\d_]{2,}")


def check_employee_ref(text: str | None) -> str:
    """The employee code a case is kept under, or a UserError saying why it is refused: a case names no child.
    Refused: no digit (a name, not a code), letters with accents or two words of letters (a name), a run of 9 or
    more digits (an ID card has 9 or 12, a phone number 10)."""
    ref = (text or "").strip()
    if not ref:
        raise UserError.from_key("cases.err_ref_empty")
    if len(ref) > 40:
        raise UserError.from_key("cases.err_ref_long")
    if _LONG_NUMBER.search(ref.replace(" ", "").replace(".", "").replace("-", "")):
        raise UserError.from_key("cases.err_ref_number")
    if any(ch.isalpha() and not ch.isascii() for ch in ref) or len(_WORD.findall(ref)) >= 2 \
            or not any(ch.isdigit() for ch in ref):
        raise UserError.from_key("cases.err_ref_name")
    return ref


def _check_note(note: str | None) -> str:
    """A step's note, without identity or phone numbers (the page asks for no names either)."""
    note = (note or "").strip()
    if _LONG_NUMBER.search(note.replace(" ", "").replace(".", "")):
        raise UserError.from_key("cases.err_note_number")
    if len(note) > 2000:
        raise UserError.from_key("cases.err_note_long")
    return note


def resource(case: dict[str, Any]) -> dict[str, Any]:
    """A case as `permissions.can` sees it: its company and its assessor (None: any assessor may take it)."""
    return {"organisation_id": case["organisation_id"], "assessor_id": case.get("assessor_id")}


def _get(db: Database, case_id: int) -> dict[str, Any]:
    rows = list(db["cases"].rows_where("id = ?", [case_id]))
    if not rows:
        raise UserError.from_key("cases.err_no_case", id=case_id)
    return rows[0]


def _steps(db: Database, case_id: int) -> dict[str, dict[str, Any]]:
    return {r["step"]: r for r in db["case_steps"].rows_where("case_id = ?", [case_id])}


def _case_assessor(db: Database, organisation_id: int) -> int | None:
    """The assessor assigned to the company's latest reviewed version (None: not reviewed yet)."""
    rows = db.execute(
        "SELECT assigned_to FROM assessments WHERE organisation_id = ? AND status != 'draft' "
        "AND assigned_to IS NOT NULL ORDER BY version DESC LIMIT 1", [organisation_id]).fetchall()
    return rows[0][0] if rows else None


def _next_code(db: Database, year: int) -> str:
    prefix = f"CL-{year}-"
    rows = db.execute("SELECT code FROM cases WHERE code LIKE ? ORDER BY code DESC LIMIT 1",
                      [prefix + "%"]).fetchall()
    n = int(rows[0][0].rsplit("-", 1)[1]) + 1 if rows else 1
    return f"{prefix}{n:04d}"


# --------------------------------------------------------------------------------------------- candidates


@lru_cache(maxsize=4)
def _protected_rules(_key: int = 0) -> frozenset[str]:
    """The law rules whose critical finding is a child in unlawful work (scoring.workforce.child_protection)."""
    from criteria.law_tables import default_law
    from scoring.workforce import child_protection

    return frozenset(r.id for r in default_law().rules if child_protection(r))


def _knockout_answers(db: Database, assessment: dict[str, Any]) -> list[str]:
    """The knock-out answers the company declared on this version (e.g. YW-01 "found"), in criteria order."""
    from accreditation import workflow
    from criteria.datafiles import default_criteria

    criteria = workflow.criteria_for(db, assessment, default_criteria())
    declared = workflow.answer_set(db, assessment["id"]).values
    out = []
    for ind in criteria.indicators:
        if ind.id not in declared or not ind.list_name:
            continue
        choices = criteria.lists.get(ind.list_name)
        value = declared[ind.id]
        names = value if isinstance(value, list) else [value]
        if choices and any((c := choices.get(str(n))) is not None and c.knockout for n in names):
            out.append(ind.id)
    return out


_CHILDREN: dict[tuple[Any, ...], list[dict[str, Any]]] = {}  # a stored check never changes: read its children once


def _roster_children(db: Database, assessment_id: int) -> tuple[str, list[dict[str, Any]]]:
    """The latest roster check's day and its critical findings about a child's work, one per employee (the rules
    of each), in row order. Kept per check (id, file hash, time stored): every saved answer re-scores with them."""
    check = db.execute("SELECT id, as_of, created_at, file_sha256 FROM checks WHERE assessment_id = ? "
                       "AND kind = 'roster' ORDER BY id DESC LIMIT 1", [assessment_id]).fetchall()
    if not check:
        return "", []
    # the database file is part of the key: a process may hold several databases (tests), ids repeat across them
    key = (identity(db), *check[0])
    if key not in _CHILDREN:
        if len(_CHILDREN) > 64:
            _CHILDREN.clear()
        _CHILDREN[key] = _read_children(db, check[0][0])
    found = (check[0][1] or check[0][2] or "")[:10]
    return found, [dict(c, rules=list(c["rules"])) for c in _CHILDREN[key]]


def _read_children(db: Database, check_id: int) -> list[dict[str, Any]]:
    import orjson

    protected = _protected_rules()
    by_ref: dict[str, dict[str, Any]] = {}
    for (data,) in db.execute("SELECT data FROM findings WHERE check_id = ? AND severity = 'critical' ORDER BY row",
                              [check_id]).fetchall():
        f = orjson.loads(data)
        if f.get("rule") not in protected:
            continue
        ref = f.get("employee_id") or f"row {f.get('row')}"
        hit = by_ref.setdefault(ref, {"source": "roster", "key": f"roster:{ref}", "employee_ref": f.get("employee_id"),
                                      "row": f.get("row"), "rules": [], "indicator": None})
        if f["rule"] not in hit["rules"]:
            hit["rules"].append(f["rule"])
    return list(by_ref.values())


def candidates(db: Database, assessment_id: int) -> list[dict[str, Any]]:
    """What calls for a case on this version and has none yet: each child the latest roster check found in unlawful
    work (critical findings about the work itself, by employee code), and each knock-out the company declared.
    The page prompts the company with these; nothing is opened automatically.

    Covered: a child by any case under the same employee code that is not closed, or was closed after the roster
    was checked (a roster checked again after closure that still lists the child prompts again); a declared
    knock-out by a case opened from it, or by any case not yet closed."""
    from accreditation import workflow

    assessment = workflow.get(db, assessment_id)
    org = assessment["organisation_id"]
    cases = list(db["cases"].rows_where("organisation_id = ?", [org]))
    found, children = _roster_children(db, assessment_id)
    out: list[dict[str, Any]] = []
    for child in children:  # the same child: the same employee code, or the case opened from this prompt
        covered = any((c["employee_ref"] == child["employee_ref"] or c["candidate"] == child["key"]) and (
            c["status"] != "closed" or (c["closed_at"] or "")[:10] >= found) for c in cases)
        if not covered:
            out.append({**child, "found_on": found, "assessment_id": assessment_id})
    open_cases = [c for c in cases if c["status"] != "closed"]
    for indicator in _knockout_answers(db, assessment):
        if open_cases or any(c["candidate"] == f"answers:{indicator}" for c in cases):
            continue
        out.append({"source": "answers", "key": f"answers:{indicator}", "employee_ref": None, "row": None,
                    "rules": [], "indicator": indicator, "found_on": (assessment.get("updated_at") or "")[:10],
                    "assessment_id": assessment_id})
    return out


# ------------------------------------------------------------------------------------------------- opening


def open_case(db: Database, actor: Actor, organisation_id: int, employee_ref: str, found_on: date | str, *,
              source: str = "other", place: str = "company", candidate: str = "", rule: str | None = None,
              indicator: str | None = None, assessment_id: int | None = None, today: date | None = None
              ) -> dict[str, Any]:
    """Open a case for one child: employee code (never a name), the day found and where (the company's own
    workplace or a supplier's), what prompted it. The case gets its code (CL-2026-0001), the company's province and
    its assessor. One open case per employee code."""
    from criteria.provinces import match_province

    require(actor, "case.manage", {"organisation_id": organisation_id})
    ref = check_employee_ref(employee_ref)
    day = today or date.today()
    found = _day(found_on)
    if found is None or found > day:
        raise UserError.from_key("cases.err_found_future", date=day.strftime("%d/%m/%Y"))
    if source not in SOURCES:
        raise UserError.from_key("cases.err_source")
    if place not in PLACES:
        raise UserError.from_key("cases.err_place")
    with write_tx(db):
        if db["cases"].count_where("organisation_id = ? AND employee_ref = ? AND status != 'closed'",
                                   [organisation_id, ref]):
            raise UserError.from_key("cases.err_already_open", ref=ref)
        org = db["organisations"].get(organisation_id)
        matched = match_province(org.get("province"))
        code = _next_code(db, day.year)
        case_id = db["cases"].insert({
            "code": code, "organisation_id": organisation_id, "assessment_id": assessment_id, "source": source,
            "rule": rule, "indicator": indicator, "employee_ref": ref, "found_on": found.isoformat(),
            "province": matched.name if matched else (org.get("province") or ""),
            "assessor_id": _case_assessor(db, organisation_id), "status": "open", "opened_at": audit.now(),
            "opened_by": actor.id, "place": place, "candidate": candidate or "",
        }).last_pk
        # the employee code is the company's pseudonym; the audit keeps the case code and what prompted it
        audit.record(db, actor=actor.as_dict(), action="case.open", entity="case", entity_id=case_id,
                     after={"code": code, "source": source, "place": place, "found_on": found.isoformat(),
                            "rule": rule, "indicator": indicator})
    return _get(db, case_id)


def open_from_candidate(db: Database, actor: Actor, candidate: dict[str, Any], employee_ref: str | None = None,
                        place: str = "company", today: date | None = None) -> dict[str, Any]:
    """Open the case a candidate of `candidates` calls for (the employee code given when the roster had none, or
    for a declared knock-out)."""
    from accreditation import workflow

    assessment = workflow.get(db, candidate["assessment_id"])
    return open_case(db, actor, assessment["organisation_id"], employee_ref or candidate.get("employee_ref") or "",
                     candidate.get("found_on") or (today or date.today()), source=candidate["source"], place=place,
                     candidate=candidate["key"], rule=",".join(candidate.get("rules") or []) or None,
                     indicator=candidate.get("indicator"), assessment_id=candidate["assessment_id"], today=today)


# ---------------------------------------------------------------------------------------------------- steps


def due_dates(case: dict[str, Any], steps: dict[str, dict[str, Any]]) -> dict[str, date | None]:
    """Each step's due date: from the day found, the follow-ups from the day of removal (None until recorded)."""
    found = _day(case["found_on"])
    removed = _day((steps.get("removed") or {}).get("done_on"))
    out: dict[str, date | None] = {}
    for s in STEPS:
        if s.followup:
            out[s.id] = add_months(removed, s.months) if removed else None
        else:
            out[s.id] = date.fromordinal(found.toordinal() + s.days)
    return out


def step_states(case: dict[str, Any], steps: dict[str, dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    """Each step as the pages and REM-05 read it: due date, what was recorded, and a state: done (on time),
    late (recorded after its due date), overdue (not recorded, due date passed), due (not recorded, not late yet),
    waiting (a follow-up whose day is not set: the removal is not recorded)."""
    dues = due_dates(case, steps)
    out = []
    for s in STEPS:
        row = steps.get(s.id) or {}
        due, done = dues[s.id], _day(row.get("done_on"))
        limit = date.fromordinal(due.toordinal() + FOLLOWUP_GRACE_DAYS) if due and s.followup else due
        if done is not None:
            state = "late" if limit is not None and done > limit else "done"
        elif due is None:
            state = "waiting"
        else:
            state = "overdue" if as_of > limit else "due"
        out.append({"step": s.id, "due": due, "done_on": done, "note": row.get("note") or "",
                    "outcome": row.get("outcome") or ("done" if done else None), "state": state,
                    "may_be_impossible": s.may_be_impossible, "followup": s.followup})
    return out


def record_step(db: Database, actor: Actor, case_id: int, step: str, done_on: date | str, note: str = "",
                outcome: str = "done", today: date | None = None) -> dict[str, Any]:
    """Record (or correct) one step's date and note. The adult family member's job offer may be recorded as not
    possible, with the reason. Follow-ups come after the removal and not more than two weeks before their day."""
    day = today or date.today()
    if step not in _BY_ID:
        raise UserError.from_key("cases.err_step", step=step)
    spec = _BY_ID[step]
    if outcome not in OUTCOMES or (outcome == "not_possible" and not spec.may_be_impossible):
        raise UserError.from_key("cases.err_outcome")
    when = _day(done_on)
    note = _check_note(note)
    if outcome == "not_possible" and not note:
        raise UserError.from_key("cases.err_reason_required")
    with write_tx(db):
        case = _get(db, case_id)
        require(actor, "case.manage", resource(case))
        if case["status"] == "closed":
            raise UserError.from_key("cases.err_closed", code=case["code"])
        if when is None or when > day:
            raise UserError.from_key("cases.err_step_future", date=day.strftime("%d/%m/%Y"))
        found = _day(case["found_on"])
        if when < found:
            raise UserError.from_key("cases.err_step_before_found", date=found.strftime("%d/%m/%Y"))
        steps = _steps(db, case_id)
        if spec.followup:
            due = due_dates(case, steps)[step]
            if due is None:
                raise UserError.from_key("cases.err_followup_needs_removal")
            earliest = date.fromordinal(due.toordinal() - FOLLOWUP_EARLY_DAYS)
            if when < earliest:
                raise UserError.from_key("cases.err_followup_early", date=earliest.strftime("%d/%m/%Y"))
        if step == "removed":  # follow-ups already recorded must stay after their (new) day
            for other in STEPS:
                if other.followup and other.id in steps:
                    earliest = add_months(when, other.months).toordinal() - FOLLOWUP_EARLY_DAYS
                    if _day(steps[other.id]["done_on"]).toordinal() < earliest:
                        raise UserError.from_key("cases.err_removal_after_followup")
        before = steps.get(step)
        db["case_steps"].upsert({"case_id": case_id, "step": step, "done_on": when.isoformat(), "note": note,
                                 "outcome": outcome, "recorded_by": actor.id, "recorded_at": audit.now()},
                                pk=("case_id", "step"))
        audit.record(db, actor=actor.as_dict(), action="case.step", entity="case", entity_id=case_id,
                     before={"step": step, "done_on": before["done_on"], "outcome": before.get("outcome")}
                     if before else None,
                     after={"step": step, "done_on": when.isoformat(), "outcome": outcome})
    return get_case(db, actor, case_id, as_of=day)


# -------------------------------------------------------------------------------------------------- closure


def request_closure(db: Database, actor: Actor, case_id: int, comment: str = "", today: date | None = None
                    ) -> dict[str, Any]:
    """The company asks to close the case: only once every step is recorded, the 6-month follow-up included."""
    day = today or date.today()
    comment = _check_note(comment)
    with write_tx(db):
        case = _get(db, case_id)
        require(actor, "case.manage", resource(case))
        if case["status"] != "open":
            raise UserError.from_key("cases.err_not_open", code=case["code"])
        steps = _steps(db, case_id)
        missing = [s.id for s in STEPS if s.id not in steps]
        if missing:
            from accreditation.i18n import catalog_text

            raise UserError(*(catalog_text("cases.err_steps_missing", lang, steps=", ".join(
                catalog_text(f"cases.step_{m}", lang) for m in missing)) for lang in ("vi", "en")))
        db["cases"].update(case_id, {"status": "closure_requested", "closure_requested_at": audit.now(),
                                     "closure_comment": comment, "assessor_comment": None})
        audit.record(db, actor=actor.as_dict(), action="case.request_closure", entity="case", entity_id=case_id,
                     before={"status": case["status"]}, after={"status": "closure_requested"})
    return get_case(db, actor, case_id, as_of=day)


def _decide(db: Database, actor: Actor, case_id: int, agree: bool, comment: str) -> dict[str, Any]:
    comment = _check_note(comment)
    if not agree and not comment:
        raise UserError.from_key("cases.err_comment_required")
    with write_tx(db):
        case = _get(db, case_id)
        require(actor, "case.close", resource(case))
        if case["status"] != "closure_requested":
            raise UserError.from_key("cases.err_no_request", code=case["code"])
        update: dict[str, Any] = {"assessor_comment": comment or None,
                                  "assessor_id": case["assessor_id"] or actor.id}  # the assessor who acted keeps it
        if agree:
            update.update({"status": "closed", "closed_at": audit.now(), "closed_by": actor.id})
        else:
            update.update({"status": "open", "closure_requested_at": None})
        db["cases"].update(case_id, update)
        audit.record(db, actor=actor.as_dict(), action="case.close" if agree else "case.refuse_closure",
                     entity="case", entity_id=case_id, before={"status": case["status"]},
                     after={"status": update["status"]}, comment="" if agree else "refused with a comment")
    return _get(db, case_id)


def agree_closure(db: Database, actor: Actor, case_id: int, comment: str = "") -> dict[str, Any]:
    """The case's assessor agrees: the case is closed."""
    return _decide(db, actor, case_id, True, comment)


def refuse_closure(db: Database, actor: Actor, case_id: int, comment: str) -> dict[str, Any]:
    """The case's assessor refuses, saying why: the case is open again for the company."""
    return _decide(db, actor, case_id, False, comment)


# ---------------------------------------------------------------------------------------------------- reading


def list_cases(db: Database, actor: Actor, as_of: date | None = None) -> list[dict[str, Any]]:
    """The cases this user may see, newest first: a company's own; an assessor's assigned and unassigned ones (a
    lead assessor: all), never the assessor's own organisation's. Each with `states` and `late` (steps late or
    overdue)."""
    require(actor, "page.cases")
    day = as_of or date.today()
    if actor.role == "sme":
        rows = list(db["cases"].rows_where("organisation_id = ?", [actor.organisation_id], order_by="id desc"))
    else:
        rows = [r for r in db["cases"].rows_where(order_by="id desc") if can(actor, "case.view", resource(r))]
    return [_with_states(db, row, day) for row in rows]


def get_case(db: Database, actor: Actor, case_id: int, as_of: date | None = None) -> dict[str, Any]:
    """One case with its steps (`states`), if this user may see it."""
    case = _get(db, case_id)
    require(actor, "case.view", resource(case))
    return _with_states(db, case, as_of or date.today())


def _with_states(db: Database, case: dict[str, Any], as_of: date) -> dict[str, Any]:
    """A case as the pages read it: its steps' states, how many are late or overdue, the company's name."""
    states = step_states(case, _steps(db, case["id"]), as_of)
    return {**case, "states": states, "late": sum(s["state"] in ("late", "overdue") for s in states),
            "company": (db["organisations"].get(case["organisation_id"]) or {}).get("name", "")}


def brand_summary(db: Database, organisation_id: int, as_of: date | None = None) -> dict[str, Any]:
    """What a brand the company shares with may know: how many cases are not closed, and how many days the oldest
    has been open. Never codes, dates of steps or employee codes."""
    day = as_of or date.today()
    rows = db.execute("SELECT found_on FROM cases WHERE organisation_id = ? AND status != 'closed'",
                      [organisation_id]).fetchall()
    if not rows:
        return {"open": 0, "oldest_days": None}
    oldest = min(_day(r[0]) for r in rows)
    return {"open": len(rows), "oldest_days": max(0, (day - oldest).days)}


def followups_due(db: Database, as_of: date | None = None) -> list[tuple[dict[str, Any], str]]:
    """The 3- and 6-month follow-ups not yet recorded whose day has come, of cases not closed (for reminders)."""
    day = as_of or date.today()
    out = []
    for case in db["cases"].rows_where("status != 'closed'", order_by="id"):
        steps = _steps(db, case["id"])
        for step, due in due_dates(case, steps).items():
            if _BY_ID[step].followup and due is not None and due <= day and step not in steps:
                out.append((case, step))
    return out


# ---------------------------------------------------------------------------------------------------- REM-05


def rem05_value(db: Database, assessment_id: int, as_of: date | None = None) -> str | None:
    """REM-05 ("is every case recorded and followed up?") as the cases answer it:

    - "no": something calls for a case and has none (`candidates`: a child found in unlawful work by the roster,
      or a declared knock-out);
    - "partly": every child has a case, but a step of a case is late or overdue (a step recorded after its due
      date, a due date passed without one, a follow-up not done within two weeks of its day);
    - "yes": every case has its steps recorded on time so far and its follow-ups done when due;
    - None: no case and nothing calling for one: the company answers the question itself."""
    from accreditation import workflow

    day = as_of or date.today()
    assessment = workflow.get(db, assessment_id)
    rows = list(db["cases"].rows_where("organisation_id = ?", [assessment["organisation_id"]]))
    pending = candidates(db, assessment_id)
    if pending:
        return "no"
    if not rows:
        return None
    for row in rows:
        if any(s["state"] in ("late", "overdue") for s in step_states(row, _steps(db, row["id"]), day)):
            return "partly"
    return "yes"


def derived(db: Database, assessment_id: int, as_of: date | None = None) -> DerivedAnswers | None:
    """The cases' answer for the engine's derived-answer path (criteria/derivations.csv `cases.remediation`)."""
    value = rem05_value(db, assessment_id, as_of)
    if value is None:
        return None
    return DerivedAnswers(source="cases", values={DERIVATION: value})


def opened_day(case: dict[str, Any]) -> date:
    return datetime.fromisoformat(case["opened_at"]).date()
