"""Where the application keeps its data, and its public address. Both come from the environment."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The data directory (database, evidence files, signing keys), created on first use.

    $ACCREDITATION_DATA_DIR, else $XDG_DATA_HOME/vn-clf-award, else ~/.local/share/vn-clf-award: outside the
    repository, so keys and personal data are never committed."""
    configured = os.environ.get("ACCREDITATION_DATA_DIR")
    if configured:
        path = Path(configured)
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = base / "vn-clf-award"
    path.mkdir(parents=True, exist_ok=True)
    return path


def public_url() -> str:
    """The app's public address, used in certificate QR codes (ASCII). $ACCREDITATION_PUBLIC_URL."""
    return os.environ.get("ACCREDITATION_PUBLIC_URL", "http://localhost:8501").rstrip("/")
