"""Errors a user can fix, carrying their message in both languages."""

from __future__ import annotations

from accreditation.i18n import catalog_text


class UserError(Exception):
    """Bad input (a file, a value, a request): shown as one line in the user's language, never a traceback."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi = vi
        self.en = en

    def __reduce__(self):  # both messages survive pickling (a reader run in accreditation.sandbox)
        return (type(self), (self.vi, self.en))

    @classmethod
    def from_key(cls, key: str, **params: object) -> "UserError":
        return cls(catalog_text(key, "vi", **params), catalog_text(key, "en", **params))

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi
