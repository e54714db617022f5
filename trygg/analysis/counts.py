"""Counting incidents per cell (area × category × period …), vectorised.

Method: when every key holds integers (or booleans) and the product of their ranges is not much
larger than the data (area ids, category ids, period codes), the keys are offset by their minima and
combined into one mixed-radix integer – the flat cell index – and counted with a single
``np.bincount(…, minlength=cells)``: no sort and no per-key factorising pass, so counting costs a
few element-wise passes more than a plain ``np.bincount``. Other keys (strings, wide-ranging
integers) are first factorised into integer codes – by offset and ``np.bincount`` when the range
is modest, else by ``np.unique(…, return_inverse=True)`` – and their combined code is counted with
``np.bincount`` or, when the table would be much larger than the data, a sort-based ``np.unique``.
The result equals ``pandas.DataFrame.groupby(keys).size()`` (validated in the tests), without a
Python loop over incidents.
"""

from __future__ import annotations

import numpy as np

__all__ = ["count_cells", "crosstab", "cube"]

# A dense bincount table may be this many times larger than the number of rows (plus a floor), so
# that counting stays O(n + cells) with a bounded memory cost; beyond it a sort is cheaper.
_DENSE_FACTOR = 4
_DENSE_FLOOR = 1 << 20


class _Key:
    """One key as a code: ``values − lo`` in ``[0, size)``; ``uniques`` maps a code back to its
    value when the values were factorised (else the value is ``code + lo``)."""

    __slots__ = ("values", "lo", "size", "uniques", "dtype")

    def __init__(self, a: np.ndarray):
        self.dtype = a.dtype
        if a.dtype.kind in "iub" and not (a.dtype.kind == "u" and a.itemsize == 8 and int(a.max()) >= 2**63):
            self.values, self.uniques = a, None
            self.lo = int(a.min())
            self.size = int(a.max()) - self.lo + 1
        else:  # strings, floats …, and uint64 beyond int64: sorted distinct values
            self.uniques, self.values = _unique_codes(a)
            self.lo, self.size = 0, self.uniques.size

    def factorise(self) -> bool:
        """Replace a raw integer range by the ranks of the values that occur (one bincount of
        presence, no sort); False when the range is too wide for a presence table."""
        if self.uniques is not None or self.size > max(_DENSE_FACTOR * self.values.size, _DENSE_FLOOR):
            return False
        offset = np.subtract(self.values, self.lo, dtype=np.int64)  # one pass, a fresh array
        present = np.bincount(offset, minlength=self.size) > 0
        self.uniques = (np.flatnonzero(present) + self.lo).astype(self.dtype)
        if self.uniques.size < self.size:
            offset = (np.cumsum(present) - 1)[offset]  # value offset → rank among present values
        self.values, self.lo, self.size = offset, 0, self.uniques.size
        return True

    def looks_sparse(self) -> bool:
        """Whether fewer than half the values of the range occur in an evenly strided sample of at
        most 2¹⁶ rows (a cheap guess whether ``factorise`` would shrink the table)."""
        v = self.values
        return np.unique(v[:: max(1, v.size >> 16)]).size < self.size / 2

    def value_of(self, code: np.ndarray) -> np.ndarray:
        if self.uniques is not None:
            return self.uniques[code]
        return ((code + self.lo) if self.lo else code).astype(self.dtype, copy=False)


def _unique_codes(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniques, inv = np.unique(a, return_inverse=True)
    return uniques, inv.astype(np.int64).ravel()


def _flat_index(keys: list[_Key]) -> np.ndarray:
    """The mixed-radix cell index ``((a−a₀)·S_b + (b−b₀))·S_c + …`` in a few in-place passes (the
    minima are subtracted once, folded into one constant). Raw values may overflow int64 on the way;
    the arithmetic is modulo 2⁶⁴ and the result lies in ``[0, cells) ⊂ [0, 2⁶²)``, so it is exact."""
    first = keys[0]
    v0 = first.values if first.values.dtype.kind != "u" or first.values.itemsize < 8 else first.values.astype(np.int64)
    if len(keys) == 1:
        flat = v0.astype(np.int64)
    else:
        flat = np.multiply(v0, keys[1].size, dtype=np.int64)
    offset = first.lo
    for i, k in enumerate(keys[1:], start=1):
        if i > 1:
            flat *= k.size
        v = k.values
        flat += v.astype(np.int64) if v.dtype.kind == "u" and v.itemsize == 8 else v
        offset = offset * k.size + k.lo
    offset = (offset + 2**63) % 2**64 - 2**63  # the same constant modulo 2⁶⁴, as an int64
    if offset:
        with np.errstate(over="ignore"):
            flat -= offset
    return flat


def count_cells(*key_arrays) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Count rows per distinct combination of keys.

    ``count_cells(area, category, week)`` returns ``((areas, categories, weeks), counts)``: one entry
    per combination that occurs (zero cells are not listed), sorted lexicographically by the keys,
    like ``groupby(sort=True).size()``.
    """
    if not key_arrays:
        raise ValueError("give at least one key array")
    arrays = [np.asarray(a) for a in key_arrays]
    n = arrays[0].shape[0]
    if any(a.shape != (n,) for a in arrays):
        raise ValueError("key arrays must be 1-D and of equal length")
    if n == 0:
        return tuple(a[:0] for a in arrays), np.zeros(0, dtype=np.int64)
    keys = [_Key(a) for a in arrays]

    def total() -> float:
        return float(np.prod([float(k.size) for k in keys]))

    # A table larger than the data: factorise the widest raw ranges that look sparse (e.g. week keys
    # in steps of 7) until it is not.
    for k in sorted((k for k in keys if k.uniques is None), key=lambda k: -k.size):
        if total() <= max(n, _DENSE_FLOOR):
            break
        if k.looks_sparse():
            k.factorise()
    cells_total = total()
    if cells_total < 2**62:
        flat = _flat_index(keys)
        if cells_total <= max(_DENSE_FACTOR * n, _DENSE_FLOOR):
            dense = np.bincount(flat, minlength=int(cells_total))
            del flat
            cells = np.flatnonzero(dense)
            counts = dense[cells]
        else:
            cells, counts = np.unique(flat, return_counts=True)
        codes = []
        for k in keys[:0:-1]:  # peel the last key off first (cheaper than np.unravel_index)
            cells, rest = np.divmod(cells, k.size)
            codes.append(rest)
        codes.append(cells)
        values = tuple(k.value_of(c) for k, c in zip(keys, codes[::-1], strict=True))
        return values, counts.astype(np.int64, copy=False)
    for k in keys:  # very many distinct keys: lexicographic unique on the rows of codes
        if k.uniques is None and not k.factorise():
            k.uniques, k.values = _unique_codes(k.values)
            k.lo, k.size = 0, k.uniques.size
    rows, counts = np.unique(np.column_stack([k.values for k in keys]), axis=0, return_counts=True)
    return tuple(k.uniques[rows[:, i]] for i, k in enumerate(keys)), counts


def cube(codes, shape) -> np.ndarray:
    """Dense count table of integer code tuples: ``cube((area, category, week), (A, C, W))[a, c, w]``
    is the number of rows with those codes, zero cells included.

    One flat index ``(a·C + c)·W + w`` and one ``np.bincount(…, minlength=A·C·W)``; no sort. Codes
    must be integers with ``0 ≤ code < size`` (``ValueError`` otherwise, e.g. for the −1 of a point
    outside every polygon: drop those rows first).
    """
    shape = tuple(int(s) for s in shape)
    arrays = [np.asarray(c) for c in codes]
    arrays = [a.astype(np.int64) if a.dtype == np.uint64 else a for a in arrays]  # int64 += uint64 is refused
    if not arrays or len(arrays) != len(shape):
        raise ValueError("give one code array per dimension of the shape")
    n = arrays[0].shape
    if any(a.shape != n for a in arrays) or len(n) != 1:
        raise ValueError("code arrays must be 1-D and of equal length")
    if any(a.dtype.kind not in "iub" for a in arrays) and n[0]:
        raise ValueError("codes must be integers")
    if any(s < 0 for s in shape):
        raise ValueError("sizes must be non-negative")
    cells = int(np.prod(shape, dtype=np.int64))
    if n[0] == 0:
        return np.zeros(shape, dtype=np.int64)
    for a, size in zip(arrays, shape, strict=True):
        if int(a.min()) < 0 or int(a.max()) >= size:
            raise ValueError("codes out of range")
    flat = np.multiply(arrays[0], shape[1], dtype=np.int64) if len(arrays) > 1 else arrays[0].astype(np.int64)
    for i, (a, size) in enumerate(zip(arrays[1:], shape[1:], strict=True), start=1):
        if i > 1:
            flat *= size
        flat += a
    return np.bincount(flat, minlength=cells).reshape(shape)


def crosstab(row_codes, col_codes, n_rows: int, n_cols: int) -> np.ndarray:
    """Dense ``n_rows × n_cols`` table of counts of integer code pairs (``np.bincount``).

    Codes must be integers in ``[0, n_rows)`` / ``[0, n_cols)``; zero cells are included.
    """
    r = np.asarray(row_codes, dtype=np.int64)
    c = np.asarray(col_codes, dtype=np.int64)
    if r.shape != c.shape:
        raise ValueError("row and column codes must have the same shape")
    return cube((r.ravel(), c.ravel()), (n_rows, n_cols))
