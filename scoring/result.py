"""What the engine returns. Every output (CLI, UI, PDF, database) consumes these objects; none re-derives a score."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from criteria.schema import Priority, Text

Source = Literal["answers", "roster", "suppliers", "review", "cases"]  # review: an assessor's adjustment; cases:
# the company's child-labour case log (accreditation.cases, REM-05)
IndicatorStatus = Literal["answered", "na", "hidden", "unanswered"]
EvidenceStatus = Literal["not_expected", "evidenced", "derived", "self_declared", "missing"]


class Action(BaseModel):
    """One line of a remediation plan: what was found, what to do, by when, and on what basis."""

    model_config = ConfigDict(frozen=True)

    priority: Priority
    source: Source
    indicator: str | None = None
    rule: str | None = None  # a check's rule id, e.g. a roster rule (shown after the title, never instead of it)
    title: Text = Text()  # a short name of what was found (a roster rule's title); empty for questionnaire answers
    ref: str | None = None  # where it was found, e.g. "row 12, employee E-014"; never a name or ID number
    row: int | None = None  # the uploaded file's row it was found on
    finding: Text
    action: Text
    legal_basis: Text = Text()
    responsible: Text = Text()
    evidence: Text = Text()  # evidence that closes the action
    deadline_days: int | None = None
    fine_min_vnd: int | None = None
    fine_max_vnd: int | None = None
    child_protection: bool = False  # a child found in unlawful work: the plan opens with the protocol
    blocks: bool = False  # no statement or certificate while this stands (e.g. a child under 15 in unclassified work)


class DerivedAnswers(BaseModel):
    """Answers a check supplies from uploaded data, keyed by derivation (criteria/derivations.csv), plus the
    actions its findings call for. This is the one way roster and supplier results enter an assessment."""

    source: Literal["roster", "suppliers", "cases"]
    values: dict[str, str]
    actions: list[Action] = Field(default_factory=list)


class IndicatorResult(BaseModel):
    model_config = ConfigDict(frozen=True)  # shared between results of the same answer

    id: str
    section: str
    status: IndicatorStatus
    answer: Any = None
    source: Source = "answers"
    points: float = 0.0
    max_points: float = 0.0
    knockout: bool = False
    evidence: EvidenceStatus = "not_expected"


class Conflict(BaseModel):
    """A declared answer that the uploaded data contradicts; the derived answer is the one scored."""

    indicator: str
    declared: Any
    derived: Any
    source: Source


class EvidenceSummary(BaseModel):
    evidenced: int = 0
    derived: int = 0
    self_declared: int = 0
    missing_required: list[str] = Field(default_factory=list)


class Result(BaseModel):
    criteria_id: str
    criteria_version: str
    criteria_fingerprint: str
    total: float  # 0-100, one decimal
    tier: str | None  # the band reached; None when not eligible
    eligible: bool
    knockouts: list[str]
    sections: dict[str, float | None]  # None: nothing applicable in the section
    indicators: list[IndicatorResult]
    remediation: list[Action]
    unanswered: list[str]
    complete: bool
    evidence: EvidenceSummary
    conflicts: list[Conflict] = Field(default_factory=list)
    blocked: bool = False  # a check found something that must be resolved before any document (see Action.blocks)

    @property
    def blocking(self) -> list[Action]:
        return [a for a in self.remediation if a.blocks]

    def indicator(self, indicator_id: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.id == indicator_id)

    def summary(self) -> dict[str, Any]:
        """The CLI's JSON contract."""
        return {
            "criteria": {"id": self.criteria_id, "version": self.criteria_version},
            "total": self.total,
            "tier": self.tier,
            "eligible": self.eligible,
            "knockouts": self.knockouts,
            "blocked": self.blocked,
            "sections": self.sections,
            "remediation": [
                {"indicator": a.indicator, "priority": a.priority, "source": a.source,
                 **({"rule": a.rule} if a.rule else {}), **({"ref": a.ref} if a.ref else {})}
                for a in self.remediation
            ],
            "unanswered": self.unanswered,
            "complete": self.complete,
            "evidence": self.evidence.model_dump(),
            "conflicts": [c.model_dump() for c in self.conflicts],
        }
