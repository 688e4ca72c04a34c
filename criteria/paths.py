"""Where the data files live; importing this costs nothing (no pydantic), so commands can name the paths.

`ACCREDITATION_CRITERIA_DIR` points every loader at another copy of this folder (award/, law/, risk/, columns/,
provinces.csv, derivations.csv): a deployment with its own data, or a test that corrupts a copy."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CRITERIA = PACKAGE_DIR / "award"  # the shipped set
DERIVATIONS_FILE = PACKAGE_DIR / "derivations.csv"
ENV_VAR = "ACCREDITATION_CRITERIA_DIR"


def data_root() -> Path:
    """The folder the data files are read from: $ACCREDITATION_CRITERIA_DIR, else the shipped one."""
    return Path(os.environ.get(ENV_VAR) or PACKAGE_DIR)


def award_dir() -> Path:
    return data_root() / "award"


def derivations_file() -> Path:
    return data_root() / "derivations.csv"


def law_dir() -> Path:
    return data_root() / "law"


def risk_dir() -> Path:
    return data_root() / "risk"


def columns_dir() -> Path:
    return data_root() / "columns"


def provinces_file() -> Path:
    return data_root() / "provinces.csv"
