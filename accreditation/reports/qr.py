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
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white margin required around the symbol
_FINDER_CODE = 0b10111010000  # dark-light-dark×3-light-dark, then 4 light modules
_FINDER_CODE_REV = 0b00001011101
_EXP, _LOG = qrencoder.EXP_TABLE, qrencoder.LOG_TABLE


@lru_cache(maxsize=None)
def _generator_logs(ec_count: int) -> tuple[int, ...]:
    """log2 of the generator polynomial's coefficients after the leading 1."""
    poly = qrencoder.QRUtil.getErrorCorrectPolynomial(ec_count)
    return tuple(_LOG[c] for c in poly.num[1:])


def _gf_mul_table() -> np.ndarray:
    exp = np.array(_EXP[:255] * 2, dtype=np.uint8)
    log = np.array(_LOG, dtype=np.int32)
    table = exp[(log[:, None] + log[None, :]) % 255]
    table[0, :] = 0
    table[:, 0] = 0
    return table


_GF_MUL = _gf_mul_table()  # a x b in GF(256), 64 KB


def _ec_codewords(blocks: list[list[int]], ec_count: int) -> list[list[int]]:
    """The Reed-Solomon remainders (error-correction codewords) of equally long data blocks, all blocks at once:
    long division by the generator polynomial in GF(256)."""
    gen = np.array([_EXP[lg] for lg in _generator_logs(ec_count)], dtype=np.uint8)
    data = np.array(blocks, dtype=np.uint8)
    rem = np.zeros((len(blocks), ec_count), dtype=np.uint8)
    for j in range(data.shape[1]):
        factor = data[:, j] ^ rem[:, 0]
        rem[:, :-1] = rem[:, 1:]
        rem[:, -1] = 0
        rem ^= _GF_MUL[factor[:, None], gen[None, :]]
    return rem.tolist()


def codewords(q: qrencoder.QRCode) -> list[int]:
    """All codewords of `q` (data then error correction, interleaved by block), as `QRCode.createData` makes them."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(q.version, q.errorCorrectLevel)
    total = sum(b.dataCount for b in blocks)
    data = _data_bytes(q, total)
    pads = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    data += [pads[i % 2] for i in range(total - len(data))]
    dc, offset = [], 0
    for b in blocks:
        dc.append(data[offset:offset + b.dataCount])
        offset += b.dataCount
    ec_count = blocks[0].totalCount - blocks[0].dataCount  # the same for every block of a symbol
    ec: list[list[int]] = [[] for _ in blocks]
    for size in sorted({len(d) for d in dc}):  # at most two block lengths
        idx = [i for i, d in enumerate(dc) if len(d) == size]
        for i, words in zip(idx, _ec_codewords([dc[i] for i in idx], ec_count)):
            ec[i] = words
    return [d for group in chain(zip_longest(*dc), zip_longest(*ec)) for d in group if d is not None]


def _data_bytes(q: qrencoder.QRCode, total: int) -> list[int]:
    """The data codewords before padding: segments, terminator, zero bits to a byte boundary. A single 8-bit
    segment (every URL) is built with integer arithmetic; anything else goes through reportlab's bit buffer."""
    if len(q.dataList) == 1 and type(q.dataList[0]) is qrencoder.QR8bitByte:
        seg = q.dataList[0]
        raw = seg.data if isinstance(seg.data, bytes) else seg.data.encode("latin-1")
        length_bits = seg.getLengthBits(q.version)
        bits = 4 + length_bits + 8 * len(raw)
        value = (((seg.mode << length_bits) | len(raw)) << (8 * len(raw))) | int.from_bytes(raw, "big")
    else:
        buffer = qrencoder.QRBitBuffer()
        for segment in q.dataList:
            segment.write(buffer, q.version)
        bits = buffer.getLengthInBits()
        value = int.from_bytes(bytes(buffer.buffer), "big") >> (8 * len(buffer.buffer) - bits)
    if bits > total * 8:
        raise ValueError("QR data too long")
    if bits + 4 <= total * 8:  # terminator
        value, bits = value << 4, bits + 4
    pad = -bits % 8
    value, bits = value << pad, bits + pad
    return list(value.to_bytes(bits // 8, "big"))


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


def _penalties(stack: np.ndarray) -> np.ndarray:
    """ISO/IEC 18004 §7.8.3 penalty scores of k candidate symbols at once (stack: k x n x n, bool)."""
    k, n, _ = stack.shape
    grids = np.concatenate([stack, stack.transpose(0, 2, 1)])  # rows and columns alike: 2k grids
    # rule 1: each run of 5+ same-coloured modules in a row or column scores 3 + (length - 5)
    flat = np.concatenate([grids.astype(np.int8), np.full((2 * k, n, 1), 2, np.int8)], axis=2).ravel()
    starts = np.concatenate(([0], np.flatnonzero(np.diff(flat)) + 1))
    lengths = np.diff(np.concatenate((starts, [flat.size])))
    keep = (flat[starts] != 2) & (lengths >= 5)
    per_grid = np.bincount(starts[keep] // (n * (n + 1)), weights=lengths[keep] - 2, minlength=2 * k)
    score = per_grid[:k] + per_grid[k:]
    # rule 2: 2x2 blocks of one colour, 3 each
    a = stack[:, :-1, :-1]
    score += 3 * ((a == stack[:, 1:, :-1]) & (a == stack[:, :-1, 1:]) & (a == stack[:, 1:, 1:])).sum(axis=(1, 2))
    # rule 3: finder-like 1:1:3:1:1 patterns with 4 light modules on one side, 40 each
    g = grids.astype(np.int16)
    code = np.zeros((2 * k, n, n - 10), dtype=np.int16)  # each 11-module window as an 11-bit number
    for i in range(11):
        code = (code << 1) | g[:, :, i:n - 10 + i]
    hits = ((code == _FINDER_CODE) | (code == _FINDER_CODE_REV)).sum(axis=(1, 2))
    score += 40 * (hits[:k] + hits[k:])
    # rule 4: balance of dark and light, 10 per 5% away from half
    dark = 100.0 * stack.sum(axis=(1, 2)) / (n * n)
    return score + 10 * (np.abs(dark - 50) // 5)


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
    return _modules(data, level).tolist()


def _modules(data: str, level: str) -> np.ndarray:
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
    stack = np.repeat(base[None], 8, axis=0)
    for k, mask in enumerate(_masks(rows, cols)):
        stack[k, rows, cols] = bits ^ mask
        q.setupTypeInfo(False, k)  # the format bits (error correction level + mask) differ per mask
        stack[k, frows, fcols] = [q.modules[r][c] for r, c in zip(frows.tolist(), fcols.tolist())]
    return stack[int(np.argmin(_penalties(stack)))]  # the first of equals, as the standard's loop would pick


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float, level: str = "M") -> None:
    """Draw the QR code for `data` in the square (x, y, size), quiet zone included. Horizontal runs of dark
    modules are merged, and the path is written in module units under a scaling transform (small, fast);
    `accreditation/pdf_qr.py` reads it back from the same rectangles."""
    modules = _modules(data, level)
    n = len(modules)
    m = size / (n + 2 * QUIET_ZONE)
    # runs of dark modules, row by row from the top, left to right: +1 where one starts, -1 after it ends
    edges = np.diff(np.pad(modules.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]
    ops = [f"{c} {n - 1 - r} {e - c} 1 re" for r, c, e in zip(rows.tolist(), starts.tolist(), ends.tolist())]
    canvas.saveState()
    canvas.transform(m, 0, 0, m, x + QUIET_ZONE * m, y + QUIET_ZONE * m)
    canvas._code.append("\n".join(ops) + "\nf")  # noqa: SLF001 (reportlab has no public call for a raw path)
    canvas.restoreState()
