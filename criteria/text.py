"""`Text`: a text in both languages, Vietnamese first. The one type for every bilingual text that comes from data
(criteria, law, risk tables, column specs, findings). A plain frozen dataclass: pydantic models use it as a field
type, and commands that must start fast (the supplier check) use it without importing pydantic. Texts of the app
itself live in the catalogs (`accreditation/locales/`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Text:
    vi: str = ""
    en: str = ""

    def get(self, lang: str = "vi") -> str:
        """The text in `lang`, falling back to the other language when it is blank."""
        return (self.en if lang == "en" else self.vi) or self.vi or self.en

    def __bool__(self) -> bool:
        return bool(self.vi or self.en)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """In pydantic models: a Text passes as it is (findings carry thousands), a {"vi", "en"} mapping becomes
        one, and it serialises back to that mapping. pydantic is imported only by the models that ask."""
        from pydantic_core import core_schema as cs

        from_mapping = cs.no_info_after_validator_function(
            lambda d: cls(d.get("vi", ""), d.get("en", "")),
            cs.typed_dict_schema({"vi": cs.typed_dict_field(cs.str_schema(), required=False),
                                  "en": cs.typed_dict_field(cs.str_schema(), required=False)}))
        return cs.union_schema(
            [cs.is_instance_schema(cls), from_mapping],
            serialization=cs.plain_serializer_function_ser_schema(lambda t: {"vi": t.vi, "en": t.en}))
