"""The append-only audit log: who did what, when, with the state before and after. Triggers refuse any UPDATE or
DELETE (and, on PostgreSQL, TRUNCATE), so nothing in the application (or a stray SQL statement) can rewrite history."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database

from accreditation.store.db import MIGRATIONS, dialect

TABLE = "audit_log"


@MIGRATIONS(name="audit_0001_create")
def _create(db: Database) -> None:
    db[TABLE].create({"id": int, "at": str, "actor_id": int, "actor": str, "action": str, "entity": str,
                      "entity_id": str, "before": str, "after": str, "comment": str}, pk="id",
                     not_null={"at", "action", "entity"})
    db[TABLE].create_index(["entity", "entity_id"])
    if dialect(db) == "postgresql":
        from accreditation.store.pg import append_only

        append_only(db, TABLE)
        return
    db.execute(f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
                   BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""")
    db.execute(f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
                   BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def record(db: Database, *, actor: dict[str, Any] | None, action: str, entity: str, entity_id: Any,
           before: Any = None, after: Any = None, comment: str = "") -> None:
    """Append one entry. Call inside the write transaction of the change it describes. Never put worker names or
    ID numbers in before/after: store findings by employee id only."""
    db[TABLE].insert({
        "at": now(),
        "actor_id": actor.get("id") if actor else None,
        "actor": actor.get("email") if actor else "system",
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "before": json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
        "after": json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
        "comment": comment or None,
    })


def entries(db: Database, entity: str | None = None, entity_id: Any = None) -> list[dict[str, Any]]:
    where, params = [], []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(str(entity_id))
    return list(db[TABLE].rows_where(" and ".join(where) or None, params, order_by="id"))
