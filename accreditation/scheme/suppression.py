"""Small-cell suppression for the figures an authority sees.

The rule (docs/scheme.md): a figure that counts between 1 and `THRESHOLD - 1` companies is not shown. Zero is shown:
it counts no company. Two further steps stop a hidden figure from being worked out by subtraction:

- **complement**: in a "k of n" figure (companies with a knock-out out of the companies in a group), k is hidden
  when n - k is small too, since n - k companies are a group of their own;
- **secondary**: in a column whose total is shown, the hidden cells together are what the total minus the shown
  cells leaves. So at least two cells are hidden, and more, smallest first, until that remainder counts no company
  or at least `THRESHOLD`. A total that is itself small (or whose complement is) is hidden, and then no remainder
  can be computed.

What this does not stop is differencing between two requests with different filters (docs/scheme.md, limits)."""

from __future__ import annotations

import pandas as pd

THRESHOLD = 5  # the rule: cells with fewer than 5 companies are suppressed for authorities


def small(value: int | None, threshold: int = THRESHOLD) -> bool:
    """A count that must not be shown: 1 to threshold - 1 companies."""
    return value is not None and 0 < int(value) < threshold


def primary(counts: pd.Series, threshold: int = THRESHOLD, of: pd.Series | None = None) -> pd.Series:
    """Cells hidden for what they count: small counts, and (given the group sizes `of`) counts whose complement
    `of - counts` is small."""
    hidden = counts.map(lambda v: small(v, threshold)).astype(bool)
    if of is not None:
        hidden |= (of - counts).map(lambda v: small(v, threshold)).astype(bool)
    return hidden


def secondary(counts: pd.Series, hidden: pd.Series, total: int | None,
              threshold: int = THRESHOLD) -> tuple[pd.Series, bool]:
    """(`hidden` widened, whether the total must be hidden too) so that `total` minus the shown cells discloses
    neither one hidden cell nor a small group. Cells are added smallest first, empty ones last (an empty cell
    hidden beside another still leaves the reader two unknowns); when no cell is left, the total goes. `total`
    None: no total is shown, nothing to widen."""
    hidden = hidden.copy().astype(bool)
    if total is None or not hidden.any():
        return hidden, False
    while True:
        remainder = int(total) - int(counts[~hidden].sum())
        if hidden.sum() >= 2 and not small(remainder, threshold):
            return hidden, False
        candidates = counts[~hidden]
        if candidates.empty:
            return hidden, True
        order = candidates.to_frame("n").assign(empty=candidates == 0).sort_values(["empty", "n"], kind="stable")
        hidden[order.index[0]] = True


def protect(counts: pd.Series, total: int | None = None, *, of: pd.Series | None = None,
            total_of: int | None = None, threshold: int = THRESHOLD) -> tuple[pd.Series, bool]:
    """(which cells of one column to hide, whether its total is hidden): `primary` for the cells and the total
    alike (the total's group size is `total_of`), then `secondary` against a total that is shown."""
    cells = primary(counts, threshold, of)
    if total is None:
        return cells, False
    total_hidden = small(total, threshold) or (total_of is not None and small(total_of - total, threshold))
    if total_hidden:
        return cells, True
    return secondary(counts, cells, total, threshold)


def masked(counts: pd.Series, hidden: pd.Series) -> pd.Series:
    """The counts as nullable integers, hidden cells as <NA> (never a number that could be read back)."""
    return counts.astype("Int64").mask(hidden.astype(bool))
