"""What an uploaded table may be (docs/limits.md): sizes that fit the largest real rosters and supplier lists with
room to spare, checked before and while reading so that a hostile file is refused with one line instead of being
parsed at any cost. A roster of a large garment maker has 100,000 rows, about 20 columns and 20 MB as CSV."""

from __future__ import annotations

import io
import os
import zipfile

MAX_BYTES = 50 * 1024 * 1024  # the app's uploader stops at 20 MB (.streamlit/config.toml); the CLI at this
MAX_ROWS = 200_000  # data rows
MAX_COLUMNS = 1_000  # cells in the header row
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell
# A workbook is a zip of XML: what it inflates to, in all and for one part (sheets of real files compress 5-15x)
MAX_UNZIPPED = 512 * 1024 * 1024
MAX_RATIO = 200
RATIO_FROM = 1024 * 1024  # small parts (styles, a short sheet) may compress better; their size is harmless
MAX_ZIP_PARTS = 10_000


def zip_problem(data: bytes) -> str | None:
    """Why a zip (XLSX, ODS) must not be inflated: "size" (more than MAX_UNZIPPED in all), "ratio" (a part that
    inflates more than MAX_RATIO times) or "parts"; None if it may be (or is not a zip the reader will judge)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None  # not a readable zip: the reader says so
    if len(infos) > MAX_ZIP_PARTS:
        return "parts"
    if sum(i.file_size for i in infos) > MAX_UNZIPPED:
        return "size"
    for i in infos:
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return "ratio"
    return None


def quiet_native_errors() -> None:
    """In a sandboxed child: native code that runs out of memory writes to file descriptor 2 before it aborts
    (Rust's "memory allocation of … bytes failed" and, with RUST_BACKTRACE, a backtrace). The parent turns the
    abort into one line for the user; the child's own noise must not reach the terminal or the server's log."""
    from accreditation import sandbox

    if not getattr(sandbox, "_inside", False):
        return
    import faulthandler

    faulthandler.disable()  # its dump of a native abort is the same noise
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
