"""`file_input`: st.file_uploader as our pages need it.

- **No English in Vietnamese mode.** Streamlit 1.67 draws the dropzone's "Upload" button, its "200MB per file • CSV"
  hint, the "Drag and drop a file here" text and a chip's "Error: File must be 10MB or smaller." itself, in English,
  with no option to change them (streamlit#13500; `file_uploader` takes only label, help and label_visibility).
  Each widget sits in a keyed container (class `st-key-upl-<key>`) and a style scoped to that container replaces
  those texts with catalog texts (`font-size: 0` on Streamlit's text, ours in `::after`). Only `data-testid`s and
  element roles are used, no generated class names; if a Streamlit release renames them, the English texts come
  back but nothing breaks (tests/test_app_uploads.py checks the ids against the installed frontend).
- **Our own refusal of a wrong kind.** `type=` is not passed (Streamlit would say "Error: application/vnd…docx
  files are not allowed."); the file name's suffix is checked here, and a refused file is dropped at once with a
  message in the user's language that names the file and the accepted kinds.
- **The per-widget size limit stays** (`max_upload_size`): the browser refuses a bigger file before sending it.

    uploaded = file_input(ui_text("uploads.roster_upload"), key="roster", kinds=("csv", "xlsx"), max_mb=10)
    if uploaded is not None:
        ...  # check it, then
        clear("roster")  # the next run has a fresh, empty widget: the file leaves memory

With `on_upload`, the file is handed to that callback instead (before the rerun) and dropped after it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import streamlit as st

from accreditation.i18n import catalog_text

# Streamlit 1.67's frontend hooks the style relies on (checked against the installed bundle by a test).
TEST_IDS = ("stFileUploaderDropzone", "stFileUploaderDropzoneInstructions", "stFileChip")


def _lang() -> str:
    from accreditation.ui import common

    return common.lang()


def _text(key: str, lang: str, **params: object) -> str:
    return catalog_text(f"uploads.picker.{key}", lang, **params)


def kinds_shown(kinds: Sequence[str]) -> str:
    """The accepted kinds as a person reads them: "CSV, XLSX"."""
    return ", ".join(k.lstrip(".").upper() for k in kinds)


def accepted(filename: str, kinds: Sequence[str]) -> bool:
    """Whether the file name ends in one of `kinds` (case-insensitive; "csv" or ".csv")."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    return bool(suffix) and suffix in {k.lower().lstrip(".") for k in kinds}


def _css_string(text: str) -> str:
    """A CSS string literal: quotes and backslashes escaped, line breaks (which CSS strings cannot hold) as spaces."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ") + '"'


def style(key: str, lang: str, kinds: Sequence[str], max_mb: int) -> str:
    """The style that puts catalog texts in place of Streamlit's English ones, for the widget in container
    `upl-<key>` only."""
    scope = f".st-key-upl-{key}"
    zone = f'{scope} [data-testid="stFileUploaderDropzone"]'
    button = _css_string(_text("button", lang))
    hint = _css_string(_text("hint", lang, mb=max_mb, kinds=kinds_shown(kinds)))
    drop = _css_string(_text("drop", lang))
    too_big = _css_string(_text("too_big", lang, mb=max_mb))
    return (
        "<style>"
        f'{zone} button [data-testid="stMarkdownContainer"] p {{font-size: 0}}'
        f'{zone} button [data-testid="stMarkdownContainer"] p::after {{content: {button}; font-size: 0.875rem}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{content: {hint}; font-size: 0.875rem}}'
        f"{zone} > div:not([data-testid]) > span {{font-size: 0}}"
        f"{zone} > div:not([data-testid]) > span::after {{content: {drop}; font-size: 1rem}}"
        # a refused file: Streamlit's English reason sits in a hover tooltip; ours is shown beside the chip
        f'{zone}:has([data-testid="stFileChip"][aria-invalid="true"])::after {{content: {too_big};'
        " font-size: 0.875rem; color: var(--st-red-text-color, #bd4043); align-self: center}"
        f'{scope} [data-testid="stTooltipErrorHoverTarget"] {{pointer-events: none}}'
        f'{scope} [data-testid="stFileChipDeleteBtn"] {{pointer-events: auto}}'
        "</style>"
    )


def _widget_key(key: str) -> str:
    return f"{key}-{st.session_state.get(f'_upl_n_{key}', 0)}"


def clear(key: str) -> None:
    """Drop the uploaded file: the next run draws a fresh widget under a new key, and the old file is released."""
    st.session_state[f"_upl_n_{key}"] = st.session_state.get(f"_upl_n_{key}", 0) + 1


def _changed(key: str, widget: str, kinds: Sequence[str], on_upload: Callable[[Any], None] | None) -> None:
    uploaded = st.session_state.get(widget)
    if uploaded is None:
        return
    if not accepted(uploaded.name, kinds):
        st.session_state[f"_upl_refused_{key}"] = uploaded.name
        clear(key)
        return
    if on_upload is not None:
        try:
            on_upload(uploaded)
        finally:
            clear(key)


def file_input(label: str, *, key: str, kinds: Sequence[str], max_mb: int, help: str | None = None,
               on_upload: Callable[[Any], None] | None = None, disabled: bool = False) -> Any:
    """An uploader with our texts, our kind check and a size limit of `max_mb` MB; returns the uploaded file (an
    UploadedFile of an accepted kind) or None. `key` must be letters, digits and dashes (it names a CSS class)."""
    lang = _lang()
    widget = _widget_key(key)
    with st.container(key=f"upl-{key}"):
        st.html(style(key, lang, kinds, max_mb))
        st.file_uploader(label, key=widget, help=help, max_upload_size=max_mb, disabled=disabled,
                         on_change=_changed, args=(key, widget, tuple(kinds), on_upload))
        refused = st.session_state.pop(f"_upl_refused_{key}", None)
        if refused is not None:
            from accreditation.ui.common import md

            st.error(_text("wrong_kind", lang, name=md(refused), kinds=kinds_shown(kinds)))
    uploaded = st.session_state.get(widget)
    if uploaded is None or on_upload is not None or not accepted(uploaded.name, kinds):
        return None
    return uploaded
