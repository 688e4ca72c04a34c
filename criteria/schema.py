"""Pydantic models of a loaded criteria set. The loader (`criteria.loader`) turns CSV rows into these models and
reports every validation problem with file, row and column."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

from criteria.conditions import Condition
from criteria.text import Text
from criteria.sheets import Sheet
from criteria.yes_no import yes_no

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*$"
ID_RE = re.compile(ID_PATTERN)


def parse_yes_no(value: Any) -> Any:
    """Criteria files say yes/no (`criteria.yes_no`); blank means no."""
    if isinstance(value, bool):
        return value
    if value is None or not str(value).strip():
        return False
    answer = yes_no(value)
    return value if answer is None else answer  # pydantic reports what is neither


YesNo = Annotated[bool, BeforeValidator(parse_yes_no)]
Priority = Literal["critical", "major", "minor"]
PRIORITIES: tuple[str, ...] = ("critical", "major", "minor")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Settings(_Model):
    criteria_id: str = Field(pattern=ID_PATTERN)
    version: str = Field(min_length=1)
    effective_date: date
    status: Literal["reference", "official"]
    scheme_name: Text
    notice: Text = Text()
    validity_months: int = Field(ge=1, le=120)  # a verified certificate
    statement_validity_months: int = Field(default=12, ge=1, le=120)  # a self-assessment statement, at most
    dispute_days: int = Field(default=14, ge=0, le=365)  # after a decision, the company may dispute it
    expiry_notice_days: int = Field(default=90, ge=1, le=365)  # a document expiring within this many days is due
    reassess_without_document_months: int = Field(default=12, ge=1, le=120)  # re-assessment after a submission
    onsite_tiers: tuple[str, ...] = ()  # tiers an assessor approves only after an on-site verification
    four_eyes_tiers: tuple[str, ...] = ()  # tiers whose approval a second, lead assessor signs off
    supplier_check_if: str = ""  # a condition on the answers: when approval needs a supplier-list check
    section_weight_total: float = Field(gt=0)
    indicator_weight_total: float = Field(gt=0)


class Section(_Model):
    id: str = Field(pattern=ID_PATTERN)
    weight: float = Field(ge=0)
    label: Text
    description: Text = Text()


class Choice(_Model):
    list_name: str = Field(pattern=ID_PATTERN)
    name: str = Field(pattern=ID_PATTERN)
    label: Text
    score: float | None = Field(default=None, ge=0, le=100)
    na: YesNo = False
    knockout: YesNo = False


class ChoiceList(_Model):
    name: str
    choices: tuple[Choice, ...]

    @property
    def scored(self) -> bool:
        return any(c.score is not None for c in self.choices)

    @property
    def has_knockout(self) -> bool:
        return any(c.knockout for c in self.choices)

    def get(self, name: str) -> Choice | None:
        for c in self.choices:
            if c.name == name:
                return c
        return None


QuestionKind = Literal["select_one", "select_multiple", "integer", "text"]


class Indicator(_Model):
    id: str = Field(pattern=ID_PATTERN)
    section: str
    kind: QuestionKind
    list_name: str | None = None
    label: Text
    guidance: Text = Text()
    legal_basis: Text = Text()
    reference: str = ""
    weight: float = Field(ge=0)
    critical: YesNo = False
    na_allowed: YesNo = True
    evidence: Literal["none", "optional", "required"] = "none"
    evidence_hint: Text = Text()
    relevant: str = ""
    derived_from: str = ""
    remediation: Text = Text()
    priority: Priority = "minor"
    responsible: Text = Text()
    row: int = 0  # the row in indicators.csv, for messages

    @property
    def scored(self) -> bool:
        return self.weight > 0


class Band(_Model):
    id: str = Field(pattern=ID_PATTERN)
    min_total: float = Field(ge=0, le=100)
    min_section: float = Field(ge=0, le=100)
    label: Text
    description: Text = Text()


class PriorityLevel(_Model):
    id: Priority
    deadline_days: int = Field(ge=0, le=3650)
    label: Text
    deadline: Text


class Derivation(_Model):
    """An answer a check (roster, suppliers) can supply; see criteria/derivations.csv."""

    key: str
    values: tuple[str, ...]
    label: Text


class Criteria(BaseModel):
    """A whole, validated criteria set."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    settings: Settings
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]
    lists: dict[str, ChoiceList]
    bands: tuple[Band, ...]  # ascending by min_total
    priorities: dict[str, PriorityLevel]
    conditions: dict[str, Condition] = Field(default_factory=dict, exclude=True)
    source: str = ""
    fingerprint: str = ""  # SHA-256 over the sheets' content; pins exactly what an assessment was scored with
    sheets: dict[str, Sheet] = Field(default_factory=dict, exclude=True, repr=False)  # what the fingerprint covers

    _by_id: dict[str, Indicator] = PrivateAttr(default_factory=dict)
    _sections_by_id: dict[str, Section] = PrivateAttr(default_factory=dict)
    _plan: Any = PrivateAttr(default=None)  # the scoring engine's compiled form, built on first use

    def model_post_init(self, __context: Any) -> None:
        self._by_id = {i.id: i for i in self.indicators}
        self._sections_by_id = {s.id: s for s in self.sections}

    @property
    def version(self) -> str:
        return self.settings.version

    def indicator(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def has_indicator(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    def section(self, section_id: str) -> Section:
        return self._sections_by_id[section_id]

    def choices_for(self, indicator: Indicator) -> ChoiceList | None:
        return self.lists.get(indicator.list_name) if indicator.list_name else None

    def indicators_in(self, section_id: str) -> list[Indicator]:
        return [i for i in self.indicators if i.section == section_id]

    def band(self, band_id: str | None) -> Band | None:
        return next((b for b in self.bands if b.id == band_id), None)

    def top_band(self) -> Band:
        return self.bands[-1]

    def deadline_days(self) -> dict[str, int]:
        """Days to act by priority (critical, major, minor), as the checks' remediation actions need them."""
        return {p.id: p.deadline_days for p in self.priorities.values()}
