"""Where the criteria files live; importing this costs nothing (no pydantic), so commands can name the paths."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CRITERIA = PACKAGE_DIR / "award"
DERIVATIONS_FILE = PACKAGE_DIR / "derivations.csv"
