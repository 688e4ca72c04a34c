"""`Bilingual`: a text in both languages with the interface of `criteria.schema.Text` (vi, en, get), as a plain frozen
dataclass. Used where a command must not pay for importing pydantic (the supplier check, the table importer)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bilingual:
    """A text in both languages; Vietnamese is the default."""

    vi: str = ""
    en: str = ""

    def get(self, lang: str = "vi") -> str:
        return (self.en if lang == "en" else self.vi) or self.vi or self.en

    def __bool__(self) -> bool:
        return bool(self.vi or self.en)
