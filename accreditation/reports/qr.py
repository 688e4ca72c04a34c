"""QR codes drawn straight onto a canvas as one vector path. Payloads must be ASCII: some decoders guess
Shift-JIS for other bytes (reference/tech.md §2).

reportlab's encoder (`qrencoder`) is correct but slow: its Reed-Solomon division and its mask choice (building
all eight symbols and scoring them in pure Python) took three quarters of a certificate's rendering time. Here
reportlab still lays out the function patterns and the data bit stream, while the error-correction codewords
are computed with log tables and the eight masks are applied and scored with numpy, using the penalty rules of
ISO/IEC 18004 §7.8.3. Any mask gives a valid symbol; the rules only favour the easiest to read. The tests decode
the result with zxing-cpp and compare the codewords with reportlab's own."""

from __future__ import annotations

from functools import lru_cache
from itertools import chain, zip_longest

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white margin required around the symbol
_FINDER = np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)
_EXP, _LOG = qrencoder.EXP_TABLE, qrencoder.LOG_TABLE


@lru_cache(maxsize=None)
def _generator_logs(ec_count: int) -> tuple[int, ...]:
    """log2 of the generator polynomial's coefficients after the leading 1."""
    poly = qrencoder.QRUtil.getErrorCorrectPolynomial(ec_count)
    return tuple(_LOG[c] for c in poly.num[1:])


def _ec_codewords(data: list[int], ec_count: int) -> list[int]:
    """The Reed-Solomon remainder of `data` (the error-correction codewords), by long division in GF(256)."""
    gen = _generator_logs(ec_count)
    rem = [0] * ec_count
    for byte in data:
        factor = byte ^ rem[0]
        rem = rem[1:]
        rem.append(0)
        if factor:
            lf = _LOG[factor]
            for i, lg in enumerate(gen):
                rem[i] ^= _EXP[(lf + lg) % 255]
    return rem


def codewords(q: qrencoder.QRCode) -> list[int]:
    """All codewords of `q` (data then error correction, interleaved by block), as `QRCode.createData` makes them."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(q.version, q.errorCorrectLevel)
    total = sum(b.dataCount for b in blocks)
    buffer = qrencoder.QRBitBuffer()
    for segment in q.dataList:
        segment.write(buffer, q.version)
    if buffer.getLengthInBits() > total * 8:
        raise ValueError("QR data too long")
    if buffer.getLengthInBits() + 4 <= total * 8:
        buffer.put(0, 4)
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    data = list(buffer.buffer)
    pads = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    data += [pads[i % 2] for i in range(total - len(data))]
    dc, ec, offset = [], [], 0
    for b in blocks:
        dc.append(data[offset:offset + b.dataCount])
        offset += b.dataCount
        ec.append(_ec_codewords(dc[-1], b.totalCount - b.dataCount))
    return [d for group in chain(zip_longest(*dc), zip_longest(*ec)) for d in group if d is not None]


@lru_cache(maxsize=None)
def _data_positions(version: int) -> tuple[np.ndarray, np.ndarray]:
    q = qrencoder.QRCode(version, qrencoder.QRErrorCorrectLevel.M)
    q.moduleCount = version * 4 + 17
    positions = np.array(q.dataPosIterator(), dtype=np.int32)  # (col, row) of each data module, in bit order
    return positions[:, 1].copy(), positions[:, 0].copy()


def _masks(rows: np.ndarray, cols: np.ndarray) -> list[np.ndarray]:
    r, c = rows, cols
    return [
        (r + c) % 2 == 0, r % 2 == 0, c % 3 == 0, (r + c) % 3 == 0, (r // 2 + c // 3) % 2 == 0,
        (r * c) % 2 + (r * c) % 3 == 0, ((r * c) % 2 + (r * c) % 3) % 2 == 0,
        ((r * c) % 3 + (r + c) % 2) % 2 == 0,
    ]


def _runs_penalty(m: np.ndarray) -> int:
    """Rule 1: each run of 5+ same-coloured modules in a row or column scores 3 + (length - 5)."""
    total = 0
    for grid in (m, m.T):
        n = grid.shape[0]
        flat = np.concatenate([grid.astype(np.int8), np.full((n, 1), 2, np.int8)], axis=1).ravel()
        starts = np.concatenate(([0], np.flatnonzero(np.diff(flat)) + 1))
        lengths = np.diff(np.concatenate((starts, [flat.size])))
        keep = (flat[starts] != 2) & (lengths >= 5)
        total += int((lengths[keep] - 2).sum())
    return total


def _penalty(m: np.ndarray) -> int:
    score = _runs_penalty(m)
    a = m[:-1, :-1]
    score += 3 * int(((a == m[1:, :-1]) & (a == m[:-1, 1:]) & (a == m[1:, 1:])).sum())  # rule 2: 2x2 blocks
    for grid in (m, m.T):  # rule 3: finder-like patterns with 4 light modules on one side
        windows = sliding_window_view(grid, 11, axis=1)
        hits = (windows == _FINDER).all(axis=2) | (windows == _FINDER[::-1]).all(axis=2)
        score += 40 * int(hits.sum())
    dark = 100.0 * m.sum() / m.size  # rule 4: balance of dark and light
    return score + 10 * int(abs(dark - 50) // 5)


def _function_patterns(q: qrencoder.QRCode) -> None:
    n = q.moduleCount = q.version * 4 + 17
    q.modules = [[False] * n for _ in range(n)]
    q.setupPositionProbePattern(0, 0)
    q.setupPositionProbePattern(n - 7, 0)
    q.setupPositionProbePattern(0, n - 7)
    q.setupPositionAdjustPattern()
    q.setupTimingPattern()
    if q.version >= 7:
        q.setupTypeNumber(False)


def _format_cells(n: int) -> tuple[np.ndarray, np.ndarray]:
    rows = [r for r in range(9) if r != 6] + list(range(n - 8, n)) + [8] * 16
    cols = [8] * 16 + [c for c in range(9) if c != 6] + list(range(n - 8, n))
    return np.array(rows), np.array(cols)


def qr_matrix(data: str, level: str = "M") -> list[list[bool]]:
    """The modules of the QR code for `data` (True = dark): smallest version that fits, best-scoring mask."""
    if not data.isascii():
        raise ValueError("QR payloads must be ASCII")
    q = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    q.addData(data)
    q.version = q.calculate_version()
    _function_patterns(q)
    words = np.array(codewords(q), dtype=np.uint8)
    rows, cols = _data_positions(q.version)
    bits = np.zeros(len(rows), dtype=bool)
    raw = np.unpackbits(words).astype(bool)[: len(rows)]
    bits[: len(raw)] = raw
    frows, fcols = _format_cells(q.moduleCount)
    base = np.array(q.modules, dtype=bool)
    best, best_score = base, None
    for k, mask in enumerate(_masks(rows, cols)):
        m = base.copy()
        m[rows, cols] = bits ^ mask
        q.setupTypeInfo(False, k)  # the format bits (error correction level + mask) differ per mask
        m[frows, fcols] = [q.modules[r][c] for r, c in zip(frows.tolist(), fcols.tolist())]
        score = _penalty(m)
        if best_score is None or score < best_score:
            best, best_score = m, score
    return best.tolist()


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float, level: str = "M") -> None:
    """Draw the QR code for `data` in the square (x, y, size), quiet zone included. Horizontal runs of dark
    modules are merged, and the path is written in module units under a scaling transform (small, fast)."""
    rows = qr_matrix(data, level)
    n = len(rows)
    m = size / (n + 2 * QUIET_ZONE)
    ops = []
    for r, row in enumerate(rows):
        top = n - 1 - r
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start} {top} {c - start} 1 re")
            else:
                c += 1
    canvas.saveState()
    canvas.transform(m, 0, 0, m, x + QUIET_ZONE * m, y + QUIET_ZONE * m)
    canvas._code.append("\n".join(ops) + "\nf")  # noqa: SLF001 (reportlab has no public call for a raw path)
    canvas.restoreState()
