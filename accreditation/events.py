"""Business events and who follows them. The workflow (`workflow`, `review`) publishes what happened; the
follow-up modules subscribe: tracked corrective actions (`accreditation.actions`) and notifications
(`accreditation.notify`). Publishing happens inside the transaction of the fact itself, so an approval and the
actions and notifications it creates commit or vanish together.

A subscriber is a function `(db, event) -> None` decorated with `@subscribe`; `SUBSCRIBER_MODULES` lists the
modules that hold them, imported on the first publish. A subscriber that raises rolls the whole fact back: it
must refuse only what is really wrong (e-mail is never sent inside the transaction, see `notify`)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from sqlite_utils import Database

    from accreditation.accounts import Actor
    from scoring.result import Result

# Event kinds and what they carry (besides `organisation_id` and `actor`):
KINDS = (
    "assessment.submitted",  # assessment (as stored after the step), result (as submitted)
    "assessment.changes_requested",  # assessment, result (the verified result), comment
    "assessment.approved",  # assessment, result (verified), comment, certificate_id
    "assessment.rejected",  # assessment, result (verified), comment
    "dispute.opened",  # assessment, comment, extra: dispute_id, indicator
    "dispute.answered",  # assessment, comment (the response), extra: dispute_id, reopened
    "certificate.suspended",  # certificate_id, comment (the reason, both languages); assessment when one caused it
    "certificate.revoked",  # certificate_id, comment (the reason)
)

SUBSCRIBER_MODULES: tuple[str, ...] = ("accreditation.notify", "accreditation.actions")


@dataclass(frozen=True)
class Event:
    kind: str
    organisation_id: int | None  # None only for a document issued before documents named their company
    actor: "Actor | None" = None
    assessment: dict[str, Any] | None = None
    result: "Result | None" = None
    comment: str = ""
    certificate_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}")


Subscriber = Callable[["Database", Event], None]
_SUBSCRIBERS: list[Subscriber] = []
_loaded = False


def subscribe(fn: Subscriber) -> Subscriber:
    if fn not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(fn)
    return fn


def publish(db: "Database", event: Event) -> None:
    """Call every subscriber, in the caller's transaction."""
    global _loaded
    if not _loaded:
        for name in SUBSCRIBER_MODULES:
            importlib.import_module(name)  # subscribing happens at import
        _loaded = True
    for fn in list(_SUBSCRIBERS):
        fn(db, event)
