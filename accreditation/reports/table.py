"""A fast, plain table flowable for long bilingual lists (the remediation plan's actions).

reportlab's `Table` of `Paragraph`s parses markup, re-measures every remaining row at each page break and lays
out text word by word in pure Python: an 80-action plan took ~0.4 s. Here each cell is a few blocks of plain text
(one font, size and colour each: Vietnamese, then English in grey), wrapped once with cached word widths and drawn
as plain text lines. The header row repeats on every page, and a row that does not fit is split between lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.flowables import Flowable

from accreditation.reports.fonts import GRID, HEADER_BG, nfc


@dataclass(frozen=True)
class Block:
    """A run of text in one style; each block starts on a new line."""

    text: str
    font: str
    size: float
    colour: Color


Line = tuple[str, str, float, Color]  # text, font, size, colour
_widths: dict[tuple[str, str, float], float] = {}


def _width(word: str, font: str, size: float) -> float:
    key = (word, font, size)
    w = _widths.get(key)
    if w is None:
        if len(_widths) > 200_000:
            _widths.clear()
        w = _widths[key] = stringWidth(word, font, size)
    return w


def wrap_block(block: Block, width: float) -> list[Line]:
    """Greedy line breaking at spaces; a word wider than the column is broken between characters."""
    text = nfc(block.text)
    if not text:
        return []
    font, size, colour = block.font, block.size, block.colour
    space = _width(" ", font, size)
    lines: list[Line] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in paragraph.split():
            w = _width(word, font, size)
            if w > width:  # break an over-long word
                for ch in word:
                    cw = _width(ch, font, size)
                    if current and used + cw > width:
                        lines.append(("".join(current), font, size, colour))
                        current, used = [], 0.0
                    current.append(ch)
                    used += cw
                current = ["".join(current)]
                continue
            extra = w if not current else space + w
            if current and used + extra > width:
                lines.append((" ".join(current), font, size, colour))
                current, used = [word], w
            else:
                current.append(word)
                used += extra
        if current:
            lines.append((" ".join(current), font, size, colour))
    return lines


@dataclass
class _Row:
    cells: list[list[Line]]
    fill: Color | None = None  # background of the second column (priority)
    bar: Color | None = None  # coloured bar on the left edge

    def height(self, leading: float, pad: float) -> float:
        return max((len(c) for c in self.cells), default=0) * leading + 2 * pad


class FastTable(Flowable):
    """Rows of cells (lists of `Block`s) in fixed-width columns, header repeated on each page."""

    def __init__(self, header: Sequence[Sequence[Block]], rows: Sequence[Sequence[Sequence[Block]]],
                 widths: Sequence[float], fills: Sequence[tuple[Color | None, Color | None]] = (),
                 leading: float = 9.0, pad: float = 3.0, _prepared: tuple | None = None):
        super().__init__()
        self.widths = list(widths)
        self.leading, self.pad = leading, pad
        if _prepared is not None:
            self._header, self._rows = _prepared
        else:
            inner = [w - 2 * pad for w in self.widths]
            self._header = _Row([[ln for b in cell for ln in wrap_block(b, inner[i])] for i, cell in enumerate(header)])
            fills = list(fills) + [(None, None)] * (len(rows) - len(fills))
            self._rows = [_Row([[ln for b in cell for ln in wrap_block(b, inner[i])] for i, cell in enumerate(row)],
                               fill, bar) for row, (fill, bar) in zip(rows, fills)]

    def _heights(self) -> list[float]:
        return [r.height(self.leading, self.pad) for r in self._rows]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = sum(self.widths)
        self.height = self._header.height(self.leading, self.pad) + sum(self._heights())
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        room = availHeight - self._header.height(self.leading, self.pad)
        used, n = 0.0, 0
        heights = self._heights()
        while n < len(self._rows) and used + heights[n] <= room:
            used += heights[n]
            n += 1
        if n == len(self._rows):
            return [self]
        first, rest = self._rows[:n], self._rows[n:]
        lines_fit = int((room - used - 2 * self.pad) // self.leading)
        if lines_fit >= 3:  # split the row that does not fit between lines
            row = rest[0]
            top = _Row([c[:lines_fit] for c in row.cells], row.fill, row.bar)
            bottom = _Row([c[lines_fit:] for c in row.cells], row.fill, row.bar)
            first, rest = first + [top], [bottom] + rest[1:]
        if not first:
            return []
        return [self._part(first), self._part(rest)]

    def _part(self, rows: list[_Row]) -> "FastTable":
        return FastTable((), (), self.widths, leading=self.leading, pad=self.pad, _prepared=(self._header, rows))

    def draw(self) -> None:
        c = self.canv
        lead, pad = self.leading, self.pad
        total_w = sum(self.widths)
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        y = self.height
        rows = [self._header, *self._rows]
        tops = []
        for i, row in enumerate(rows):
            h = row.height(lead, pad)
            tops.append((y, h))
            if i == 0:
                c.setFillColor(HEADER_BG)
                c.rect(0, y - h, total_w, h, stroke=0, fill=1)
            elif row.fill is not None:
                c.setFillColor(row.fill)
                c.rect(xs[1], y - h, xs[2] - xs[1], h, stroke=0, fill=1)
            y -= h
        # grid
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        path = c.beginPath()
        for top, h in tops:
            path.moveTo(0, top)
            path.lineTo(total_w, top)
        path.moveTo(0, y)
        path.lineTo(total_w, y)
        for x in xs:
            path.moveTo(x, self.height)
            path.lineTo(x, y)
        c.drawPath(path, stroke=1, fill=0)
        for (top, h), row in zip(tops[1:], rows[1:]):
            if row.bar is not None:
                c.setStrokeColor(row.bar)
                c.setLineWidth(2.5)
                c.line(0, top, 0, top - h)
        # text
        text = c.beginText()
        font_state = colour_state = None
        for (top, _), row in zip(tops, rows):
            for col, lines in enumerate(row.cells):
                if not lines:
                    continue
                text.setTextOrigin(xs[col] + pad, top - pad - lead * 0.78)
                for s, font, size, colour in lines:  # one origin per cell, then T* line by line
                    if font_state != (font, size):
                        text.setFont(font, size, lead)
                        font_state = (font, size)
                    if colour_state is not colour:
                        text.setFillColor(colour)
                        colour_state = colour
                    text.textLine(s)
        c.drawText(text)
