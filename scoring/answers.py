"""The answers a company gives, and the document format they travel in (answers JSON, see README).

    {
      "criteria_version": "2026.1",                  # optional: refused if it differs from the loaded set
      "company": {"name": "...", "tax_code": "...", "province": "...", "sector": "..."},
      "answers": {
        "POL-01": "yes",                             # select_one: a choice name
        "TRN-03": ["hr", "supervisors"],             # select_multiple: a list of choice names
        "PRO-04": 120,                               # integer
        "POL-02": {"value": "yes", "evidence": ["policy.pdf"], "comment": "..."}
      }
    }
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for annotations: importing the schema costs pydantic's start-up
    from criteria.schema import Criteria


@dataclass(frozen=True)
class AnswerError(ValueError):
    """A bad answer: names the indicator and what was expected, in both languages."""

    vi: str
    en: str
    indicator: str | None = None

    def __str__(self) -> str:
        return self.en

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


def unknown_indicator(indicator_id: str) -> AnswerError:
    return AnswerError(f"câu hỏi `{indicator_id}` không có trong bộ tiêu chí",
                       f"question `{indicator_id}` is not in the criteria", indicator_id)


def bad_choice(indicator_id: str, value: Any, options: list[str]) -> AnswerError:
    opts = ", ".join(options)
    return AnswerError(f"câu hỏi `{indicator_id}`: `{value}` không phải là lựa chọn hợp lệ; cần một trong: {opts}",
                       f"question `{indicator_id}`: `{value}` is not one of its choices; expected one of: {opts}",
                       indicator_id)


def not_applicable_refused(indicator_id: str) -> AnswerError:
    return AnswerError(f"câu hỏi `{indicator_id}` không được trả lời \"không áp dụng\"",
                       f"question `{indicator_id}` cannot be answered \"not applicable\"", indicator_id)


def bad_type(indicator_id: str, value: Any, expected_vi: str, expected_en: str) -> AnswerError:
    return AnswerError(f"câu hỏi `{indicator_id}`: `{value}` không hợp lệ, cần {expected_vi}",
                       f"question `{indicator_id}`: `{value}` is not valid; expected {expected_en}", indicator_id)


@dataclass
class AnswerSet:
    """Validated answers: values by indicator id, plus evidence references and comments."""

    values: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    company: dict[str, Any] = field(default_factory=dict)


def parse_answers_document(data: Any, criteria: Criteria) -> AnswerSet:
    """Turn a decoded answers JSON document into an AnswerSet; raise AnswerError on the first problem.

    Values are checked against their choices when scored (`scoring.engine.assess`); here we check the shape."""
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise AnswerError("tệp trả lời phải là một đối tượng JSON có khóa \"answers\"",
                          "the answers file must be a JSON object with an \"answers\" key")
    version = data.get("criteria_version")
    if version is not None and str(version) != criteria.version:
        raise AnswerError(
            f"tệp trả lời dành cho phiên bản tiêu chí {version}, nhưng bộ tiêu chí đang dùng là {criteria.version}",
            f"the answers were given for criteria version {version}, but the loaded criteria are {criteria.version}")
    company = data.get("company") or {}
    if not isinstance(company, dict):
        raise AnswerError("\"company\" phải là một đối tượng JSON", "\"company\" must be a JSON object")
    out = AnswerSet(company=company)
    for key, raw in data["answers"].items():
        if not criteria.has_indicator(key):
            raise unknown_indicator(key)
        value = raw
        if isinstance(raw, dict):
            value = raw.get("value")
            ev = raw.get("evidence") or []
            if isinstance(ev, str):
                ev = [ev]
            if not isinstance(ev, list) or not all(isinstance(e, str) for e in ev):
                raise bad_type(key, ev, "danh sách tên tệp minh chứng", "a list of evidence file names")
            if ev:
                out.evidence[key] = ev
            if raw.get("comment"):
                out.comments[key] = str(raw["comment"])
        if value is None or value == "" or value == []:
            continue
        out.values[key] = value
    return out
