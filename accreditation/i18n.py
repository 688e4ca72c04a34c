"""User-facing text of the application, from TOML catalogs: `locales/<area>.<lang>.toml` (one pair per area, so
features keep their texts apart), merged per language. Criteria text comes from the criteria files, not from here.
Vietnamese is the default."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(name, value)
            else:
                flat[name] = str(value)

    for path in sorted(LOCALES.glob(f"*.{lang}.toml")):
        with open(path, "rb") as f:
            walk("", tomllib.load(f))
    return flat


def normalise_language(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    lang = lang.lower().replace("_", "-").split("-")[0]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def env_language() -> str:
    return normalise_language(os.environ.get("ACCREDITATION_LANG"))


def catalog_text(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for `key` in `lang`, formatted with `params`. A missing key is a bug caught by the catalog test."""
    text = catalog(normalise_language(lang)).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text


