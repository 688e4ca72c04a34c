"""Reading one of our certificate PDFs back: the text of its QR code and the document ids printed on its page.

`reports/qr.py` draws the QR code as one filled path of `re` rectangles in module units (under a scaling `cm`),
so the module matrix is rebuilt exactly from the page's content stream (pypdf parses it) and decoded by zxing-cpp
from a clean rendering of that matrix: no rasterising of the page, no guessing at resolution. The printed ids
come from pypdf's text extraction, which maps the embedded fonts' glyphs back to Unicode.

Anyone may upload a PDF, so the work is bounded: at most 10 MB and 4 pages (only the first is read), pypdf's
decoding and parsing limits cut to what a one-page certificate needs, at most 4 candidate QR paths decoded, and a
time budget checked between steps."""

from __future__ import annotations

import io
import logging
import re
import time
from dataclasses import dataclass
from itertools import islice
from typing import Any, Iterable

MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_PAGES = 4
TIME_BUDGET_S = 5.0
MAX_QR_CANDIDATES = 4  # our page has one QR path; a crafted page with thousands would cost a decode each
QR_QUIET_ZONE = 4
QR_PIXELS_PER_MODULE = 4
PRINTED_ID = re.compile(r"VN-CLF-\d{4}-\d{6}")

# A certificate page decodes to ~10 KB of content and two ~2 KB font maps; these limits leave ample room for
# that and stop decompression bombs and oversized structures long before they cost seconds.
PYPDF_LIMITS: dict[str, int] = {
    "maximum_declared_stream_length": 4_000_000,
    "array_based_stream_maximum_output_length": 1_000_000,
    "zlib_maximum_output_length": 1_000_000,
    "lzw_maximum_output_length": 1_000_000,
    "run_length_maximum_output_length": 1_000_000,
    "brotli_maximum_output_length": 1_000_000,
    "jbig2_maximum_output_length": 1_000_000,
    "image_maximum_buffer_size": 1_000_000,
    "stream_decoding_work_maximum_length": 8_000_000,
    "stream_parsing_work_maximum_count": 50_000,
    "array_maximum_element_count": 20_000,
    "dictionary_maximum_element_count": 2_000,
    "page_tree_maximum_entries": 64,
    "page_tree_maximum_depth": 8,
    "page_tree_maximum_page_entries": 4_096,
    "xform_maximum_invocations_per_extraction": 16,
    "xmp_maximum_input_length": 100_000,
}

_FILL = {b"f", b"F", b"f*"}
_OTHER_PAINT = {b"S", b"s", b"B", b"B*", b"b", b"b*", b"n"}
_PATH_SEGMENTS = {b"m", b"l", b"c", b"v", b"y", b"h"}

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about broken files mean nothing to a user


class UnreadablePdf(Exception):
    """Not a PDF we can read within the limits."""


@dataclass(frozen=True)
class CertificatePdf:
    """What a certificate PDF shows: the text of its QR code (None if it has none we can read), the document ids
    printed on its page (in order, without repeats) and the page's text."""

    qr_text: str | None
    printed_ids: tuple[str, ...]
    text: str


def read_certificate_pdf(pdf: bytes) -> CertificatePdf:
    """The QR code's text and the printed ids of the first page. Raises UnreadablePdf for anything that is not a
    readable PDF within the limits."""
    if len(pdf) > MAX_PDF_BYTES:
        raise UnreadablePdf("larger than 10 MB")
    from pypdf import PdfReader, apply_configuration
    from pypdf.generic import ContentStream

    deadline = time.monotonic() + TIME_BUDGET_S
    try:
        with apply_configuration(**PYPDF_LIMITS):
            reader = PdfReader(io.BytesIO(pdf), strict=False)
            if not 1 <= len(reader.pages) <= MAX_PAGES:
                raise UnreadablePdf(f"{len(reader.pages)} pages")
            page = reader.pages[0]
            contents = page.get_contents()
            operations = ContentStream(contents, reader).operations if contents is not None else []
            _check(deadline)
            candidates = islice(module_matrices(operations), MAX_QR_CANDIDATES)
            qr_text = next(filter(None, map(decode_modules, candidates)), None)
            _check(deadline)
            text = page.extract_text() or ""
            _check(deadline)
    except UnreadablePdf:
        raise
    except Exception as exc:  # noqa: BLE001 - hostile input: any failure of the reader means "unreadable"
        raise UnreadablePdf(type(exc).__name__) from None
    printed = tuple(dict.fromkeys(PRINTED_ID.findall(text)))
    return CertificatePdf(qr_text=qr_text, printed_ids=printed, text=text)


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise UnreadablePdf("took too long")


def module_matrices(operations: Iterable[tuple[list[Any], bytes]]) -> Iterable[Any]:
    """Every filled path made only of whole-unit rectangles that could be a QR symbol, as a boolean module matrix
    (True = dark), top row first."""
    rects: list[tuple[float, ...]] | None = []
    for operands, op in operations:
        if op == b"re":
            if rects is not None and len(operands) == 4:
                rects.append(tuple(float(v) for v in operands))
        elif op in _PATH_SEGMENTS:
            rects = None  # a path with lines or curves is no QR code of ours
        elif op in _FILL or op in _OTHER_PAINT:
            if op in _FILL and rects:
                matrix = _matrix(rects)
                if matrix is not None:
                    yield matrix
            rects = []


def _matrix(rects: list[tuple[float, ...]]) -> Any:
    import numpy as np

    cells = np.array(rects)
    if not np.array_equal(cells, np.round(cells)) or (cells[:, 2:] <= 0).any() or (cells[:, :2] < 0).any():
        return None
    cells = cells.astype(np.int64)
    n = int((cells[:, 0] + cells[:, 2]).max())
    if int((cells[:, 1] + cells[:, 3]).max()) != n or not 21 <= n <= 177 or (n - 17) % 4:
        return None  # not the size of a QR symbol (versions 1 to 40)
    if len(cells) > n * n:
        return None
    matrix = np.zeros((n, n), dtype=bool)
    for x, y, w, h in cells.tolist():
        matrix[n - y - h:n - y, x:x + w] = True  # PDF y grows upwards, rows downwards
    return matrix


def decode_modules(matrix: Any) -> str | None:
    """The text of a QR symbol given as its module matrix, decoded by zxing-cpp; None if it does not decode."""
    import numpy as np
    import zxingcpp

    image = np.full((matrix.shape[0] + 2 * QR_QUIET_ZONE,) * 2, 255, dtype=np.uint8)
    image[QR_QUIET_ZONE:-QR_QUIET_ZONE, QR_QUIET_ZONE:-QR_QUIET_ZONE][matrix] = 0
    image = np.kron(image, np.ones((QR_PIXELS_PER_MODULE, QR_PIXELS_PER_MODULE), dtype=np.uint8))
    found = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=False,
                                  try_downscale=False, try_invert=False, is_pure=True)
    return found.text if found is not None and found.text else None
