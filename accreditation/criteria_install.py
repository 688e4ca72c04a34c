"""Installing a new criteria version from a workbook, with the date it takes effect, and which version is current.

Where installed versions live: in the database, beside the snapshots that pin every assessment to its criteria
(`criteria_sets`, written and read by `workflow`). An installed version is a `criteria_sets` row plus its
`criteria.install` entry in the append-only audit log (who installed it, when). The database, not the criteria
folder, because
- the files under `criteria/` are the shipped data (part of the repository, or $ACCREDITATION_CRITERIA_DIR that a
  deployment manages); a web page must not rewrite them, and the CLI's `criteria import` still edits them;
- one transaction holds the version, its audit entry and the check that it is new, and every process of the app
  sees it at once (a file would wait for a restart: `default_criteria` is loaded once per process);
- `workflow.criteria_for` already resolves a pinned assessment from `criteria_sets` by fingerprint, so a draft
  started on any version keeps it, installed or shipped.

Which version is current on a day (`current_criteria`): the installed version with the latest effective date on or
before that day, unless the shipped files take effect later; on the same date the installed version wins (it is
the later, deliberate act). New drafts start on the current version; drafts in progress keep theirs."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from accreditation import workflow
from accreditation.accounts import Actor
from accreditation.display import day
from accreditation.errors import UserError
from accreditation.permissions import require
from accreditation.store import audit
from accreditation.store.db import write_tx
from criteria.errors import CriteriaLoadError
from criteria.loader import build_criteria, read_derivations
from criteria.schema import Criteria
from criteria.sheets import Sheet
from criteria.workbook import read_workbook

ACTION = "criteria.install"
ENTITY = "criteria_set"


@dataclass(frozen=True)
class Installed:
    fingerprint: str
    criteria_id: str
    version: str
    effective_date: date
    installed_at: str
    installed_by: str
    audit_id: int


def installed_versions(db: Database) -> list[Installed]:
    """Every version installed through `install_criteria`, in the order they were installed."""
    rows = db.execute(
        "SELECT a.id, a.at, a.actor, s.fingerprint, s.criteria_id, s.version, s.effective_date "
        "FROM audit_log a JOIN criteria_sets s ON s.fingerprint = a.entity_id "
        "WHERE a.entity = ? AND a.action = ? ORDER BY a.id", [ENTITY, ACTION]).fetchall()
    return [Installed(fp, cid, version, date.fromisoformat(eff), at, actor, aid)
            for aid, at, actor, fp, cid, version, eff in rows]


def _shipped() -> Criteria:
    from criteria.datafiles import default_criteria

    return default_criteria()


def _in_effect(db: Database, today: date) -> Installed | None:
    """The installed version in effect on `today`, if any is."""
    effective = [i for i in installed_versions(db) if i.effective_date <= today]
    return max(effective, key=lambda i: (i.effective_date, i.audit_id)) if effective else None


def current_criteria(db: Database, today: date | None = None) -> Criteria:
    """The criteria new drafts start on, `today` (default: the server's date)."""
    shipped = _shipped()
    chosen = _in_effect(db, today or date.today())
    if chosen is None or chosen.effective_date < shipped.settings.effective_date:
        return shipped
    return load_installed(db, chosen.fingerprint)


def load_installed(db: Database, fingerprint: str) -> Criteria:
    row = db["criteria_sets"].get(fingerprint)
    # the same builder that resolves a pinned assessment, so an installed version and a draft pinned to it agree
    return workflow._criteria_from_snapshot(row["sheets"], f"installed {row['version']}")


# -------------------------------------------------------------------------------------------------- reading


def read_candidate(source: str | Path | bytes, effective_date: date | None = None,
                   name: str = "criteria.xlsx") -> Criteria:
    """A workbook (a path or its bytes) validated into criteria, with the current derivations, and with
    `effective_date` written into its settings if given (the date is part of the version and of its fingerprint).
    Raises CriteriaLoadError listing every problem."""
    if isinstance(source, bytes):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / (Path(name).name or "criteria.xlsx")
            path.write_bytes(source)
            sheets, issues = read_workbook(path)
    else:
        sheets, issues = read_workbook(Path(source))
    if issues:
        raise CriteriaLoadError(issues, str(name if isinstance(source, bytes) else source))
    derivations, issues = read_derivations()
    if issues or derivations is None:
        raise CriteriaLoadError(issues, "derivations.csv")
    if effective_date is not None:
        sheets["settings"] = _with_setting(sheets["settings"], "effective_date", effective_date.isoformat())
    return build_criteria({**sheets, "derivations": derivations}, str(name if isinstance(source, bytes) else source))


def _with_setting(sheet: Sheet, key: str, value: str) -> Sheet:
    rows = [(n, {**cells, "value": value} if (cells.get("key") or "").strip() == key else dict(cells))
            for n, cells in sheet.rows]
    if not any((cells.get("key") or "").strip() == key for _, cells in sheet.rows):
        rows.append(((rows[-1][0] if rows else 1) + 1, {"key": key, "value": value}))
    return Sheet(sheet.name, sheet.label, list(sheet.header), rows)


# ------------------------------------------------------------------------------------------------- checking


def install_problem(db: Database, candidate: Criteria, today: date | None = None) -> UserError | None:
    """Why `candidate` cannot be installed (same content, a version number already used, an effective date before
    the current or an already scheduled version), or None."""
    today = today or date.today()
    current = current_criteria(db, today)
    installed = installed_versions(db)
    if candidate.fingerprint in {current.fingerprint, _shipped().fingerprint, *(i.fingerprint for i in installed)}:
        return UserError.from_key("admin.install_same", version=candidate.version)
    used = {current.version, _shipped().version, *(i.version for i in installed),
            *(r["version"] for r in db.query("SELECT DISTINCT version FROM criteria_sets"))}
    if candidate.version in used:
        return UserError.from_key("admin.install_version_used", version=candidate.version)
    latest = max([(current.settings.effective_date, current.version),
                  *((i.effective_date, i.version) for i in installed)])
    if candidate.settings.effective_date < latest[0]:
        return UserError.from_key("admin.install_too_early", date=day(candidate.settings.effective_date),
                                  latest=day(latest[0]), version=latest[1])
    return None


# ----------------------------------------------------------------------------------------------- installing


def install_criteria(db: Database, actor: Actor, workbook: str | Path | bytes, effective_date: date | None = None,
                     *, name: str = "criteria.xlsx", today: date | None = None) -> Criteria:
    """Validate a criteria workbook and install it as a new version taking effect on `effective_date` (default:
    the date in its settings sheet). Nothing is stored unless the workbook is valid (CriteriaLoadError lists every
    problem) and the version is new (UserError). Drafts already started keep their version."""
    require(actor, "criteria.manage")
    candidate = read_candidate(workbook, effective_date, name)
    with write_tx(db):  # checked again under the write lock: two administrators installing at once
        problem = install_problem(db, candidate, today)
        if problem is not None:
            raise problem
        before = current_criteria(db, today)
        workflow._snapshot(db, candidate)  # the one writer of criteria_sets' shape
        audit.record(db, actor=actor.as_dict(), action=ACTION, entity=ENTITY, entity_id=candidate.fingerprint,
                     before={"criteria_id": before.settings.criteria_id, "version": before.version},
                     after={"criteria_id": candidate.settings.criteria_id, "version": candidate.version,
                            "effective_date": candidate.settings.effective_date.isoformat(),
                            "indicators": len(candidate.indicators)})
    return candidate


# ---------------------------------------------------------------------------------------------- overview


def versions_overview(db: Database, today: date | None = None) -> list[dict[str, Any]]:
    """Every version the app knows (shipped, installed, or pinned by an assessment), newest effective date first:
    its state on `today` (current, scheduled, earlier), who installed it, and how many assessments use it."""
    today = today or date.today()
    current = current_criteria(db, today)
    shipped = _shipped()
    counts = {r["fingerprint"]: r["n"] for r in db.query(
        "SELECT criteria_fingerprint AS fingerprint, count(*) AS n FROM assessments GROUP BY 1")}
    installs = {i.fingerprint: i for i in installed_versions(db)}
    rows: dict[str, dict[str, Any]] = {}
    sets = list(db.query("SELECT fingerprint, criteria_id, version, effective_date FROM criteria_sets"))
    for fp, cid, version, eff in [(shipped.fingerprint, shipped.settings.criteria_id, shipped.version,
                                   shipped.settings.effective_date.isoformat()),
                                  *((s["fingerprint"], s["criteria_id"], s["version"], s["effective_date"])
                                    for s in sets)]:
        effective = date.fromisoformat(eff) if eff else None
        if fp == current.fingerprint:
            state = "current"
        elif effective and effective > today and fp in installs:
            state = "scheduled"
        else:
            state = "earlier"
        install = installs.get(fp)
        rows[fp] = {"fingerprint": fp, "criteria_id": cid, "version": version, "effective_date": effective,
                    "state": state, "source": "installed" if install else ("shipped" if fp == shipped.fingerprint
                                                                           else "snapshot"),
                    "installed_at": install.installed_at if install else None,
                    "installed_by": install.installed_by if install else None, "assessments": counts.get(fp, 0)}
    return sorted(rows.values(), key=lambda r: (r["effective_date"] or date.min, r["installed_at"] or ""),
                  reverse=True)


def workbook_bytes(criteria: Criteria) -> bytes:
    """The sheets of a criteria set (shipped or installed) as the workbook a scheme officer edits."""
    from criteria.sheets import SHEETS
    from criteria.workbook import sheet_to_csv, write_workbook

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "award"
        folder.mkdir()
        for name in SHEETS:
            (folder / f"{name}.csv").write_text(sheet_to_csv(criteria.sheets[name]), encoding="utf-8", newline="")
        out = Path(tmp) / "criteria.xlsx"
        write_workbook(folder, out)
        return out.read_bytes()
