"""Near-repeat analysis: the Knox test with Monte Carlo permutation of event times.

Sources
-------
* Knox, E. G. (1964). The detection of space-time interactions. *Applied Statistics* 13(1), 25-30.
* Ratcliffe, J. H. (2009). *Near Repeat Calculator* (version 1.3). Temple University / NIJ
  grant 2006-IJ-CX-K006. Manual: "Near Repeat Calculator – Manual for version 1.3".
* Johnson, S. D. et al. (2007). Space-time patterns of risk: a cross national assessment of
  residential burglary victimization. *J. Quantitative Criminology* 23, 201-219.
* Steenbeek, W. (2019). R package ``NearRepeat`` and its vignette "NearRepeat and the Near Repeat
  Calculator software: a comparison", which showed how the calculator's bands are really cut.

Band conventions (reproduce the Near Repeat Calculator's table *contents* exactly)
---------------------------------------------------------------------------------
Every unordered pair of events (i < j) is counted once, in one space band × time band cell.

* Distance ``d`` is Manhattan ``|dx| + |dy|`` or Euclidean, in the units of the coordinates.
* Space row 0, "same location": ``d == 0`` exactly.
* Space row ``k`` (1 ≤ k ≤ space_bands): ``(k-1)·w ≤ d < k·w`` (``d > 0``); last row "more than":
  ``d ≥ space_bands·w``.
* Time difference ``t`` = whole days ``|day_i - day_j|``; column ``k`` (0-based, k < time_bands):
  ``k·w ≤ t < (k+1)·w``; last column "more than": ``t ≥ time_bands·w``.

The calculator *labels* these cells "1 to 200" / "201 to 400" / … and "0 to 1" / "2 to 2" / …, which
are off by one (Steenbeek 2019): its "0 to 1 days" column holds same-day pairs only, its "201 to 400"
row holds pairs with ``200 ≤ d < 400``. The counts are the same; our default labels say what is
really in the cell (``labels="nrc"`` gives the calculator's labels for side-by-side comparison).

Test statistic and inference (Ratcliffe 2009)
---------------------------------------------
Expected counts come from ``permutations`` Monte Carlo runs in which the event days are randomly
permuted among the events (locations stay fixed). Per cell:

* ``expected_mean`` = mean of the simulated counts;
* ``ratio`` = observed / expected_mean (the "Knox ratio"; NaN when expected_mean is 0);
* ``p_value`` = (1 + #{simulations with count ≥ observed}) / (permutations + 1)  (one-sided,
  the calculator's definition: with 99 runs the smallest p is 0.01);
* ``expected`` = the exact expectation under the permutation, in closed form: every pair's time
  difference is, under a random permutation of the days, that of a pair drawn uniformly from all
  ``C(n, 2)`` pairs, so ``E[N_{s,t}] = N_s · T_t / C(n, 2)`` with ``N_s`` the pairs in space band
  ``s`` and ``T_t`` all pairs in time band ``t`` (Knox 1964; Mantel 1967, *Cancer Research* 27,
  209-220, for the permutation moments). ``expected_mean`` estimates it with Monte Carlo error;
* ``p_adj`` / ``significant``: Benjamini–Hochberg (1995) over all cells of the table at ``q``
  (a table has 20+ cells: plain p < 0.05 would star one cell in twenty by chance). With 99
  permutations no p can survive the correction in a table of 20+ cells; use ≥ 999.

Algorithm (vectorised, no loop over events)
-------------------------------------------
Pairs closer than the last finite space band are found once with ``scipy.spatial.cKDTree.query_pairs``
(Minkowski p = 1 for Manhattan) and grouped by space row and first event (a counting sort). Under
permutation only their time differences change, so each run is, per block of about
``BLOCK_PAIRS`` pairs, a repeat of the first events' permuted days, a gather of the second events'
and, per space row, a count of the pairs closer in time than each band edge
(``np.count_nonzero``), for 16 permutations at once on a small thread pool (blocks stay in the
processor's cache: 1.5× faster than whole rows on 4.6 M pairs, ``benchmarks/README-scale.md``).
The "more than" space row is derived: the histogram
of the time differences of *all* pairs does not depend on how days are permuted, and is computed
exactly from the per-day event counts by autocorrelation; the far row = all pairs − near rows.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .change import benjamini_hochberg

__all__ = ["KnoxResult", "knox", "all_pairs_time_histogram"]


@dataclass(frozen=True)
class KnoxResult:
    """Knox table. Rows = space bands (same location … more than), columns = time bands."""

    space_labels: list[str]
    time_labels: list[str]
    observed: np.ndarray  # int (rows, cols)
    expected_mean: np.ndarray  # float
    expected_sd: np.ndarray  # float, SD of the simulated counts (Monte Carlo error = sd/sqrt(runs))
    ratio: np.ndarray  # float, NaN where expected_mean == 0
    p_value: np.ndarray  # float
    n: int
    permutations: int
    distance: str
    # closed form of the permutation expectation: N_s · T_t / C(n, 2) (see ``knox``)
    expected: np.ndarray | None = None
    p_adj: np.ndarray | None = None  # Benjamini–Hochberg over all cells of the table
    significant: np.ndarray | None = None  # p_adj ≤ q

    @property
    def ratio_exact(self) -> np.ndarray:
        """observed / closed-form expected (NaN where the expected count is 0)."""
        e = np.asarray(self.expected, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(e > 0, self.observed / np.where(e > 0, e, 1), np.nan)

    def to_dict(self) -> dict:
        def clean(a):
            return [[None if not np.isfinite(v) else float(v) for v in row] for row in np.asarray(a, float)]

        return {
            "space_bands": list(self.space_labels),
            "time_bands": list(self.time_labels),
            "observed": self.observed.astype(int).tolist(),
            "expected_mean": clean(self.expected_mean),
            "ratio": clean(self.ratio),
            "p_value": clean(self.p_value),
            "expected": clean(self.expected),
            "ratio_exact": clean(self.ratio_exact),
            "p_adj": clean(self.p_adj),
            "significant": np.asarray(self.significant, bool).tolist(),
            "n": int(self.n),
            "permutations": int(self.permutations),
            "distance": self.distance,
        }


def _as_days(days) -> np.ndarray:
    d = np.asarray(days)
    if np.issubdtype(d.dtype, np.datetime64):
        d = d.astype("datetime64[D]").astype(np.int64)
    elif not np.issubdtype(d.dtype, np.integer):
        if not np.all(np.isfinite(d)) or not np.all(d == np.round(d)):
            raise ValueError("days must be whole day numbers or datetime64 values")
        d = d.astype(np.int64)
    return d.astype(np.int64)


def all_pairs_time_histogram(days: np.ndarray, time_band: int, time_bands: int) -> np.ndarray:
    """Exact counts of all unordered event pairs per time band (length ``time_bands + 1``).

    With ``h[t]`` the number of events on day ``t``, the number of pairs ``Δ`` days apart is
    ``Σ_t h[t]·h[t+Δ]`` for Δ > 0 and ``Σ_t h[t](h[t]-1)/2`` for Δ = 0 (an autocorrelation).
    It is invariant under any permutation of the days among the events.
    """
    d = _as_days(days)
    n = d.size
    h = np.bincount(d - d.min()).astype(np.int64)
    last = time_band * time_bands  # differences < last go to finite bands
    m = min(last, h.size)
    per_lag = np.empty(m, dtype=np.int64)
    per_lag[0] = int((h * (h - 1) // 2).sum())
    for lag in range(1, m):  # loop over day lags (≤ time_band·time_bands), not over events
        per_lag[lag] = int(np.dot(h[:-lag], h[lag:]))
    out = np.zeros(time_bands + 1, dtype=np.int64)
    np.add.at(out, np.arange(m) // time_band, per_lag)
    out[-1] = n * (n - 1) // 2 - out[:-1].sum()
    return out


def _labels(space_band, space_bands, time_band, time_bands, style):
    def g(v):
        return f"{v:g}"

    if style == "nrc":
        space = ["Same location"] + [
            f"{g((k - 1) * space_band + 1) if k > 1 else '1'} to {g(k * space_band)}" for k in range(1, space_bands + 1)
        ] + [f"More than {g(space_bands * space_band)}"]
        time = [f"{(k * time_band + 1) if k else 0} to {(k + 1) * time_band}" for k in range(time_bands)] + [
            f"More than {time_bands * time_band}"
        ]
        return space, time
    space = ["same location (0)"] + [
        f"{'>0' if k == 1 else g((k - 1) * space_band)} to <{g(k * space_band)}" for k in range(1, space_bands + 1)
    ] + [f">={g(space_bands * space_band)}"]
    time = []
    for k in range(time_bands):
        lo, hi = k * time_band, (k + 1) * time_band - 1
        time.append(f"{lo} days" if lo == hi else f"{lo} to {hi} days")
    time.append(f">={time_bands * time_band} days")
    return space, time


BLOCK_PAIRS = 131_072  # pairs per block (measured best on 4.6 M pairs, 43,203 events: 2¹⁵ and 2¹⁹ were slower)


def _pair_blocks(i: np.ndarray, j: np.ndarray, srow: np.ndarray, rows: int, n: int) -> list:
    """The pairs grouped by space row and first event, cut into blocks of about ``BLOCK_PAIRS``
    pairs within one space row: ``(row, first events, pairs per first event, second events)``. A
    block holds every pair of its first events (an event with more pairs gets a block of its own). The grouping
    is a counting sort: ``scipy.sparse``'s COO→CSR conversion with (row, first event) as the
    matrix row (linear time; a comparison sort of millions of pairs takes several times longer)."""
    from scipy import sparse

    grouped = sparse.coo_matrix((np.ones(i.size, np.int8), (srow * n + i, j)), shape=(rows * n, n)).tocsr()
    indptr, second = grouped.indptr, grouped.indices.astype(np.intp)
    blocks = []
    for row in range(rows):
        starts = indptr[row * n:(row + 1) * n + 1]
        counts = np.diff(starts)
        firsts = np.flatnonzero(counts)
        if firsts.size == 0:
            continue
        lo_of = starts[firsts]  # where each first event's pairs begin
        counts = counts[firsts]
        pos = 0
        while pos < firsts.size:
            # as many first events as fit in a block (at least one)
            end = min(firsts.size, max(pos + 1, int(np.searchsorted(lo_of, lo_of[pos] + BLOCK_PAIRS, side="right"))))
            lo, hi = lo_of[pos], lo_of[end - 1] + counts[end - 1]
            blocks.append((row, firsts[pos:end], counts[pos:end], second[lo:hi]))
            pos = end
    return blocks


def knox(
    x,
    y,
    days,
    space_band: float,
    space_bands: int,
    time_band: int,
    time_bands: int,
    distance: str = "manhattan",
    permutations: int = 99,
    seed=None,
    labels: str = "exact",
    precision: str = "double",
    chunk: int | None = None,
    q: float = 0.05,
) -> KnoxResult:
    """Knox space-time test as in Ratcliffe's Near Repeat Calculator (see module docstring).

    ``x, y``: projected coordinates (metres); ``days``: integer day numbers or ``datetime64``.
    ``space_band`` / ``time_band`` are band widths (metres / whole days); ``space_bands`` /
    ``time_bands`` the number of finite bands. The table has ``space_bands + 2`` rows (same location,
    finite bands, more than) and ``time_bands + 1`` columns. ``distance`` is "manhattan" or
    "euclidean". ``seed`` makes the permutations reproducible (``numpy.random.default_rng``).
    ``precision="single"`` computes distances from 32-bit coordinates, as the Near Repeat Calculator
    evidently does (its verbose file prints coordinates with 7 significant digits, and only single
    precision reproduces its Chicago arson table, where one pair is 399.96 m apart in double but
    400.0 m in single precision). The default "double" is the exact geometry.
    """
    if precision not in ("double", "single"):
        raise ValueError("precision must be 'double' or 'single'")
    ftype = np.float32 if precision == "single" else np.float64
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    d = _as_days(days)
    n = x.size
    if not (x.shape == y.shape == d.shape) or x.ndim != 1:
        raise ValueError("x, y and days must be 1-D arrays of equal length")
    if n < 2:
        raise ValueError("the Knox test needs at least 2 events")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("coordinates must be finite")
    if space_band <= 0 or space_bands < 1 or time_band < 1 or time_bands < 1 or int(time_band) != time_band:
        raise ValueError("band widths must be positive (time band in whole days) and band counts >= 1")
    if distance not in ("manhattan", "euclidean"):
        raise ValueError("distance must be 'manhattan' or 'euclidean'")
    if permutations < 1:
        raise ValueError("permutations must be >= 1")
    time_band, time_bands, space_bands = int(time_band), int(time_bands), int(space_bands)
    n_cols = time_bands + 1

    # near pairs (d < space_bands * space_band), found once
    pmink = 1 if distance == "manhattan" else 2
    rmax = space_bands * space_band
    x0, y0 = x - x.mean(), y - y.mean()  # centring does not change differences; helps the tree
    tree = cKDTree(np.column_stack([x0, y0]))
    slack = rmax * 1e-6 + 1e-3 if precision == "single" else 0.0
    pairs = tree.query_pairs(r=rmax + slack, p=pmink, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    xs, ys = x.astype(ftype), y.astype(ftype)
    dx, dy = np.abs(xs[i] - xs[j]), np.abs(ys[i] - ys[j])
    dist = dx + dy if distance == "manhattan" else np.hypot(dx, dy)
    keep = dist < ftype(rmax)
    i, j, dist = i[keep], j[keep], dist[keep]
    srow = np.where(dist == 0, 0, 1 + np.floor(dist / ftype(space_band)).astype(np.int64))
    srow = np.minimum(srow, space_bands)  # guards float edge cases at d just below rmax
    i = i.astype(np.intp)
    j = j.astype(np.intp)

    total_by_time = all_pairs_time_histogram(d, time_band, time_bands)
    span = int(d.max() - d.min())
    dtype = np.int16 if span < 2**15 else np.int32
    dd0 = (d - d.min()).astype(dtype)
    pairs_per_row = np.bincount(srow, minlength=space_bands + 1)

    # pairs grouped by space row, then by first event: the first day of a group is a repeat, not a gather
    blocks = _pair_blocks(i, j, srow, space_bands + 1, n)
    edges = [(band + 1) * time_band for band in range(time_bands)]

    def near_table(dd: np.ndarray) -> np.ndarray:
        """(k, space_bands+1, time_bands+1) counts of the near pairs for k day vectors ``dd``.
        Per block of pairs (small enough to stay in the processor's cache for all k vectors), the
        time differences of the k permutations are formed at once and, per space row, the pairs closer
        in time than each band edge counted (cumulative counts, differenced into bands); the "more
        than" column is the row's fixed number of pairs minus the rest."""
        k = dd.shape[0]
        cum = np.zeros((k, space_bands + 1, n_cols), dtype=np.int64)
        for row, first, repeats, second in blocks:  # loop over blocks of pairs, not over pairs
            a = np.repeat(np.take(dd, first, axis=1), repeats, axis=1)
            a -= np.take(dd, second, axis=1)
            np.abs(a, out=a)
            for band, edge in enumerate(edges):
                close = a < edge
                for r in range(k):  # a 1-D count_nonzero is many times faster than one along an axis
                    cum[r, row, band] += np.count_nonzero(close[r])
        out = np.empty_like(cum)
        out[:, :, 0] = cum[:, :, 0]
        out[:, :, 1:-1] = np.diff(cum[:, :, :-1], axis=2)
        out[:, :, -1] = pairs_per_row - cum[:, :, -2]
        return out

    def full_table(near: np.ndarray) -> np.ndarray:
        far = total_by_time - near.sum(axis=1)
        return np.concatenate([near, far[:, None, :]], axis=1)

    observed = full_table(near_table(dd0[None, :]))[0]

    rng = np.random.default_rng(seed)
    if chunk is None:
        chunk = int(min(16, permutations))
    starts = list(range(0, permutations, chunk))
    # permutations are drawn in order from one generator (reproducible for a seed); the counting of
    # each batch runs on a thread pool (numpy releases the GIL in the gathers and comparisons)
    batches = [rng.permuted(np.broadcast_to(dd0, (min(chunk, permutations - s0), n)), axis=1) for s0 in starts]
    workers = max(1, min(len(batches), os.cpu_count() or 1, 8))
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            nears = list(pool.map(near_table, batches))
    else:
        nears = [near_table(b) for b in batches]
    sims = full_table(np.concatenate(nears, axis=0))

    expected = sims.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.nan)
    p = (1 + (sims >= observed[None]).sum(axis=0)) / (permutations + 1)
    # closed-form expectation: (pairs in space band s) · (pairs in time band t) / C(n, 2)
    n_pairs = n * (n - 1) // 2
    n_space = np.append(pairs_per_row, n_pairs - pairs_per_row.sum()).astype(float)
    exact = np.outer(n_space, total_by_time.astype(float)) / n_pairs
    sig, p_adj = benjamini_hochberg(p, q)
    sl, tl = _labels(space_band, space_bands, time_band, time_bands, labels)
    return KnoxResult(sl, tl, observed, expected, sims.std(axis=0, ddof=1) if permutations > 1
                      else np.zeros_like(expected), ratio, p, n, permutations, distance, exact, p_adj, sig)
