"""QR codes drawn onto a reportlab canvas as vector rectangles, one per horizontal run of dark modules.

The symbol comes from zxing-cpp's writer (zint inside): the library the app already uses to decode QR codes when
a PDF is verified. Measured on a certificate's ~370-character URL: zxing-cpp 1-3 ms, segno 29 ms (its mask choice
is pure Python; a certificate would take ~6x a bare page instead of under 3x), reportlab's own encoder ~50 ms.
Same data, same symbol: the writer is deterministic, so the PDF bytes are too.

Payloads must be ASCII: some decoders guess Shift-JIS for other bytes. `accreditation/pdf_qr.py` rebuilds the module
matrix from the `re` rectangles drawn here (whole module units under one scaling transform)."""

from __future__ import annotations

import numpy as np
import zxingcpp
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white margin required around the symbol


def qr_matrix(data: str, level: str = "M") -> np.ndarray:
    """The modules of the QR code for `data` (True = dark), top row first, without the quiet zone."""
    if not data.isascii():
        raise ValueError("QR payloads must be ASCII")
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=level)
    return np.asarray(symbol.to_image(scale=1, add_quiet_zones=False)) == 0


def run_rectangles(modules: np.ndarray) -> str:
    """`x y w 1 re` for each horizontal run of dark modules, in module units with y growing upwards (PDF)."""
    n = len(modules)
    edges = np.diff(np.pad(modules.astype(np.int8), ((0, 0), (1, 1))), axis=1)  # +1 where a run starts, -1 after
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]
    return "\n".join(f"{c} {n - 1 - r} {e - c} 1 re"
                     for r, c, e in zip(rows.tolist(), starts.tolist(), ends.tolist()))


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float, level: str = "M") -> None:
    """Draw the QR code for `data` in the square (x, y, size), quiet zone included, in the current fill colour.
    The rectangles go in as one literal path (`Canvas.addLiteral`, reportlab's public call for raw operators):
    through `beginPath().rect()` the ~1,400 rectangles of a certificate's code cost ~10 ms, as much as the page."""
    modules = qr_matrix(data, level)
    m = size / (len(modules) + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.transform(m, 0, 0, m, x + QUIET_ZONE * m, y + QUIET_ZONE * m)
    canvas.addLiteral(run_rectangles(modules) + "\nf")
    canvas.restoreState()
