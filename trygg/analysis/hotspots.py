"""Hotspots on a regular grid: Getis–Ord Gi* and kernel density.

Sources
-------
* Getis, A. & Ord, J. K. (1992). The analysis of spatial association by use of distance statistics.
  *Geographical Analysis* 24(3), 189-206.
* Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics: distributional issues and
  an application. *Geographical Analysis* 27(4), 286-306.
* Rey, S. J. & Anselin, L. (2007). PySAL — ``esda.G_Local`` is the reference implementation we match.
* Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*, eq. (4.14):
  normal-reference bandwidth ``h = (4/(d+2))^{1/(d+4)} σ n^{-1/(d+4)}``, i.e. ``σ n^{-1/6}`` in 2-D.
* Wand, M. P. (1994). Fast computation of multivariate kernel estimators. *J. Computational and
  Graphical Statistics* 3(4), 433-445 — linearly binned KDE by FFT convolution.
* Benjamini & Hochberg (1995) for the FDR-controlled significance flag.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.signal import fftconvolve

from .change import benjamini_hochberg

__all__ = ["Grid", "grid_for", "grid_counts", "GiStarResult", "gi_star", "kde", "silverman_bandwidth", "cell_index"]


@dataclass(frozen=True)
class Grid:
    """Regular grid of square cells; cell (ix, iy) spans
    ``[origin_x + ix·cell, origin_x + (ix+1)·cell) × [origin_y + iy·cell, …)``; iy counts from the south."""

    origin_x: float
    origin_y: float
    cell: float
    nx: int
    ny: int

    @property
    def shape(self) -> tuple[int, int]:
        return (self.ny, self.nx)

    def centers(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates as two ``(ny, nx)`` arrays."""
        cx = self.origin_x + (np.arange(self.nx) + 0.5) * self.cell
        cy = self.origin_y + (np.arange(self.ny) + 0.5) * self.cell
        return np.meshgrid(cx, cy)


def grid_for(x, y, cell: float) -> Grid:
    """Smallest grid of ``cell``-sized squares covering the points, with origin
    ``(floor(min x / cell)·cell, floor(min y / cell)·cell)``."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if x.size == 0:
        raise ValueError("no points")
    if cell <= 0:
        raise ValueError("cell size must be positive")
    ox = math.floor(x.min() / cell) * cell
    oy = math.floor(y.min() / cell) * cell
    nx = int(math.floor((x.max() - ox) / cell)) + 1
    ny = int(math.floor((y.max() - oy) / cell)) + 1
    return Grid(ox, oy, float(cell), nx, ny)


def cell_index(x, y, grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ix, iy, inside)`` for every point; points outside the grid have ``inside`` False."""
    ix = np.floor((np.asarray(x, float) - grid.origin_x) / grid.cell).astype(np.int64)
    iy = np.floor((np.asarray(y, float) - grid.origin_y) / grid.cell).astype(np.int64)
    inside = (ix >= 0) & (ix < grid.nx) & (iy >= 0) & (iy < grid.ny)
    return ix, iy, inside


def grid_counts(x, y, grid: Grid) -> np.ndarray:
    """Number of points per cell as an int array indexed ``[iy, ix]`` (points outside are dropped)."""
    ix, iy, inside = cell_index(x, y, grid)
    flat = iy[inside] * grid.nx + ix[inside]
    return np.bincount(flat, minlength=grid.nx * grid.ny).reshape(grid.ny, grid.nx)


@dataclass(frozen=True)
class GiStarResult:
    z: np.ndarray  # (ny, nx)
    p: np.ndarray  # two-sided normal p-value
    p_adj: np.ndarray  # Benjamini–Hochberg adjusted
    significant: np.ndarray  # p_adj <= q
    g: np.ndarray  # the statistic G*_i itself


def _queen_sum(a: np.ndarray) -> np.ndarray:
    """Sum over each cell's 3×3 queen neighbourhood including itself (zero outside the grid)."""
    p = np.pad(a, 1)
    ny, nx = a.shape
    out = np.zeros_like(a, dtype=float)
    for dy in (0, 1, 2):  # 9 shifted slices: loop over the stencil, not over cells
        for dx in (0, 1, 2):
            out += p[dy : dy + ny, dx : dx + nx]
    return out


def gi_star(counts2d, transform: str = "B", q: float = 0.05) -> GiStarResult:
    """Getis–Ord Gi* z-scores for a 2-D grid of counts, queen contiguity including the cell itself.

    With ``x`` the ``N`` cell values, ``S = Σx``, ``x̄ = S/N``, ``s² = Σx²/N - x̄²`` and binary weights
    (``transform="B"``, the textbook Gi* of Ord & Getis 1995): ``G*_i = Σ_j w_ij x_j / S``,
    ``E = W_i / N``, ``Var = W_i (N - W_i) / (N - 1) / N² · s² / x̄²``, ``z = (G*_i - E)/√Var``, where
    ``W_i`` is the number of cells in the neighbourhood (9 inside, 6 on an edge, 4 in a corner).
    This is algebraically Ord & Getis's ``(Σ w x - x̄ W_i) / (s √((N W_i - W_i²)/(N-1)))``.

    Matches ``esda.G_Local(y, lat2W(ny, nx, rook=False), transform=…, star=True).Zs`` to 1e-9 for
    both transforms. esda's *default* transform is "R" (row-standardised, self weight 1/W_i), whose
    z reduces to ``(local mean - x̄)/s`` and ignores neighbourhood size; we default to "B", the
    classical Gi*, and accept ``transform="R"`` to reproduce esda's default exactly.
    p-values are two-sided standard normal; ``significant`` = BH-adjusted p ≤ ``q`` across all cells.
    Grids with a constant value get z = 0, p = 1.
    """
    x = np.asarray(counts2d, dtype=float)
    if x.ndim != 2:
        raise ValueError("counts2d must be a 2-D array")
    t = transform.upper()
    if t not in ("B", "R"):
        raise ValueError("transform must be 'B' or 'R'")
    n = x.size
    s = x.sum()
    mean = s / n
    var = (x * x).sum() / n - mean * mean
    wsum = _queen_sum(x)
    card = _queen_sum(np.ones_like(x))
    if n < 2 or s == 0 or var <= 0:
        z = np.zeros_like(x)
        g = np.zeros_like(x) if s == 0 else (wsum / s if t == "B" else wsum / card / s)
    elif t == "B":
        g = wsum / s
        ev = card / n
        vv = card * (n - card) / (n - 1) / n**2 * var / mean**2
        # a cell whose neighbourhood is the whole grid (card = n) has no variance: g = E[g], z = 0
        z = np.divide(g - ev, np.sqrt(vv), out=np.zeros_like(g), where=vv > 0)
    else:
        g = wsum / card / s
        z = (g - 1.0 / n) / np.sqrt(var / (n**2 * mean**2))
    p = 2 * stats.norm.sf(np.abs(z))
    sig, adj = benjamini_hochberg(p, q)
    return GiStarResult(z, p, adj, sig, g)


def silverman_bandwidth(x, y) -> float:
    """Silverman's (1986, eq. 4.14) normal-reference bandwidth in 2-D: ``σ n^{-1/6}`` with
    ``σ = √((var x + var y)/2)`` (sample variances)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n = x.size
    if n < 2:
        raise ValueError("need at least 2 points")
    sigma = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
    return sigma * n ** (-1 / 6)


def kde(x, y, grid: Grid, bandwidth: float | None = None, truncate: float = 4.0,
        nodes_per_bandwidth: float = 4.0) -> np.ndarray:
    """Gaussian kernel density at the cell centres, ``[iy, ix]``, in events per square unit (m²).

    ``f(c) = Σ_i φ_h(c - p_i)`` with the isotropic 2-D normal kernel
    ``φ_h(u) = exp(-|u|²/(2h²)) / (2π h²)``; ``bandwidth`` ``h`` is the kernel's standard deviation
    in metres (Silverman's rule, ``silverman_bandwidth``, when None). Binned KDE as in Wand (1994):

    * *linear binning* – each point's unit mass is split over the 4 surrounding nodes of a binning
      grid with bilinear weights (not moved to a cell centre), which makes the binning error
      O(δ²/h²) instead of O(δ/h);
    * the binning grid is ``s`` times finer than the output cells (``s`` odd, the smallest with
      node spacing ``δ = cell/s ≤ h / nodes_per_bandwidth``), so that every output cell centre is a
      node, and is padded by ``truncate·h`` so that points just outside the grid still count;
    * the node weights are convolved (FFT, ``scipy.signal.fftconvolve``) with the kernel sampled at
      node offsets up to ``truncate·h``, and read back at the cell centres.

    Within 2 % of the exact sum in every cell above 10 % of the peak down to ``h`` = 1 cell (tested
    against the direct sum). Divide by n for a probability density. Points farther than
    ``truncate·h`` outside the grid do not contribute.
    """
    if bandwidth is None:
        bandwidth = silverman_bandwidth(x, y)
    h = float(bandwidth)
    if h <= 0:
        raise ValueError("bandwidth must be positive")
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    s = max(1, math.ceil(nodes_per_bandwidth * grid.cell / h))
    s += 1 - s % 2  # odd: the output cell centres fall on nodes
    delta = grid.cell / s
    r = int(math.ceil(truncate * h / delta))
    nx, ny = grid.nx * s + 2 * r, grid.ny * s + 2 * r
    # node (j, k) of the padded fine grid sits at origin + (j - r + 0.5)·δ
    fx = (x - grid.origin_x) / delta - 0.5 + r
    fy = (y - grid.origin_y) / delta - 0.5 + r
    j0, k0 = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
    wx, wy = fx - j0, fy - k0
    nodes = np.zeros(ny * nx)
    for dj, dk, w in ((0, 0, (1 - wx) * (1 - wy)), (1, 0, wx * (1 - wy)), (0, 1, (1 - wx) * wy), (1, 1, wx * wy)):
        j, k = j0 + dj, k0 + dk
        ok = (j >= 0) & (j < nx) & (k >= 0) & (k < ny)
        nodes += np.bincount(k[ok] * nx + j[ok], weights=w[ok], minlength=ny * nx)
    off = np.arange(-r, r + 1) * delta
    k1 = np.exp(-(off**2) / (2 * h * h))
    kernel = np.outer(k1, k1) / (2 * math.pi * h * h)
    dens = fftconvolve(nodes.reshape(ny, nx), kernel, mode="same")
    c = r + (s - 1) // 2
    out = dens[c : c + grid.ny * s : s, c : c + grid.nx * s : s]
    return np.clip(out, 0.0, None)
