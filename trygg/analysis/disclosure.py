"""Disclosure control for published count tables: cell suppression that an attacker cannot undo.

A public count between 1 and 4 (the *band*) is shown as "1–4" (primary suppression). Hiding it is
not enough when margins are published: a reader who sees a column ``[1–4, 5]`` with total 6 and
knows that a hidden cell that is not "1–4" is at least 5 gets ``1 + 5`` exactly. Everything
published together — a municipality and its districts, the themes and their total, and the cells
each page leaves implicit (incidents in no district, incidents of no listed theme) — forms one set
of *linked tables*, and the protection must hold over all of them at once.

What this module does
---------------------
* :func:`audit` — the attacker's audit (the "tau-argus audit"): for each sensitive cell, the
  smallest and the largest value it can take, by linear programming (``scipy.optimize.linprog``,
  HiGHS) over every published relation, non-negativity, the band ``[1, 4]`` of each cell shown as
  "1–4", and ``≥ 5`` for each other hidden cell (a reader who knows the rule knows that a hidden
  cell that is not shown as "1–4" is not 1–4; zeros are never hidden). A sensitive cell (true
  value in the band, shown or implicit) is *protected* when its feasible interval, rounded inwards
  to integers, still covers the whole band: min ≤ 1 and max ≥ 4.
* :func:`withheld_breakdowns` — the breakdown of a total of 1–4 is not published at all (parts
  under a total in the band could otherwise be bounded by the band alone: ``x + y ≤ 4``).
* :func:`suppress` — primary suppression of the band plus secondary (complementary) suppression
  chosen so that the audit passes: while some sensitive cell is exposed, add the published cell
  that widens its interval the most (ties: the smallest count, i.e. the least information lost),
  and audit again. The loop ends when every sensitive cell is protected, which it always reaches:
  at worst every non-zero cell linked to an exposed one is hidden.

Sources
-------
* Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E., Spicer, K. &
  de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley. §4.2 (sensitivity rules, minimum
  frequency), §4.4 (secondary cell suppression; the audit as the check of a suppression pattern:
  "the feasibility interval of every sensitive cell … must cover the protection interval"), §5.3
  (frequency tables: threshold rule and its secondary suppression).
* de Wolf, P.-P. (2002). HiTaS: a heuristic approach to cell suppression in hierarchical tables.
  In *Inference Control in Statistical Databases*, LNCS 2316, 74–82 — why a municipality and its
  districts must be suppressed together, not one table at a time.
* Fischetti, M. & Salazar-González, J.-J. (1999). Models and algorithms for the 2-dimensional cell
  suppression problem in statistical disclosure control. *Math. Programming* 84, 283–312 — the
  attacker's subproblems ``min / max x_i`` subject to the published table, solved here.

The greedy secondary suppression is a heuristic (as tau-argus' hypercube and modular methods
are): it guarantees the audit, not the fewest hidden cells. Like tau-argus' audit it models a reader
who uses the published figures and the rule (band, threshold), not the order in which the
heuristic picked complementary cells. For the additive tables used here (one- and two-way
hierarchies) the LP bounds have been checked against an exhaustive integer attack on small
tables (the tests); :func:`audit` rounds the LP bounds inwards to integers.

Nothing here imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["BAND", "THRESHOLD", "LinkedTables", "Audit", "Suppression", "additive", "audit", "suppress",
           "withheld_breakdowns", "tree_table", "DisclosureError"]

BAND = (1, 4)  # counts shown as "1–4"
THRESHOLD = 5  # the smallest count shown as a number (and the least a hidden non-band cell can be)
_EPS = 1e-6


class DisclosureError(ValueError):
    """A table that cannot be audited (inconsistent relations, a hidden zero)."""


@dataclass
class LinkedTables:
    """All cells published together and the linear relations between them.

    ``values``: the true count of every cell (non-negative integers). ``relations``: a matrix
    ``A`` with ``A @ values == 0`` (e.g. ``total − Σ parts``; :func:`additive` builds it).
    ``shown``: cells that appear in some published table; the others (``False``) are implicit —
    never printed, but a reader can work on them (e.g. incidents in a municipality that lie in
    none of its districts). ``labels``: optional names, for messages.
    """

    values: np.ndarray
    relations: np.ndarray
    shown: np.ndarray
    labels: list = field(default_factory=list)

    def __post_init__(self):
        self.values = np.asarray(self.values, dtype=np.int64)
        n = self.values.size
        self.relations = np.asarray(self.relations, dtype=float).reshape(-1, n)
        self.shown = np.asarray(self.shown, dtype=bool).reshape(n)
        if (self.values < 0).any():
            raise DisclosureError("counts must be non-negative")
        if self.relations.size and np.abs(self.relations @ self.values).max() > _EPS:
            bad = int(np.argmax(np.abs(self.relations @ self.values)))
            raise DisclosureError(f"relation {bad} does not hold for the values")

    @property
    def sensitive(self) -> np.ndarray:
        lo, hi = BAND
        return (self.values >= lo) & (self.values <= hi)


def additive(n: int, sums) -> np.ndarray:
    """Relation matrix for ``values[total] == Σ values[parts]`` for each ``(total, parts)`` in ``sums``."""
    rows = []
    for total, parts in sums:
        r = np.zeros(n)
        r[total] += 1.0
        for p in parts:
            r[p] -= 1.0
        rows.append(r)
    return np.array(rows, dtype=float).reshape(len(rows), n)


def tree_table(leaves, row_tree=(), col_tree=(), row_shown=None, col_shown=None, labels=None):
    """Cells of a two-way table with a hierarchy on each side, and its relations.

    ``leaves``: counts of the leaf rows × leaf columns (the finest breakdown, e.g. "in no district" ×
    "no listed theme" included). Row nodes ``0 … R-1`` are the leaf rows; ``row_tree`` lists
    ``(node, children)`` for the nodes above them, numbered on from ``R`` in the order given
    (children before parents); ``col_tree`` the same for columns. ``row_shown`` / ``col_shown``:
    which nodes appear on some published page (default all). Returns ``(LinkedTables, index)``
    with ``index[i, j]`` the cell of row node ``i`` and column node ``j``.
    """
    leaves = np.asarray(leaves, dtype=np.int64)
    r0, c0 = leaves.shape

    def expand(n0, tree):
        members = [[i] for i in range(n0)]
        for node, children in tree:
            if node != len(members):
                raise ValueError(f"tree nodes must be numbered on from the leaves: got {node}, expected {len(members)}")
            members.append(sorted({m for c in children for m in members[c]}))
        return members

    rows, cols = expand(r0, row_tree), expand(c0, col_tree)
    values = np.array([[leaves[np.ix_(ri, cj)].sum() for cj in cols] for ri in rows], dtype=np.int64)
    index = np.arange(values.size).reshape(values.shape)
    sums = [(index[node, j], index[children, j]) for node, children in row_tree for j in range(len(cols))]
    sums += [(index[i, node], index[i, children]) for node, children in col_tree for i in range(len(rows))]
    rs = np.ones(len(rows), bool) if row_shown is None else np.asarray(row_shown, bool)
    cs = np.ones(len(cols), bool) if col_shown is None else np.asarray(col_shown, bool)
    shown = (rs[:, None] & cs[None, :]).ravel()
    return LinkedTables(values.ravel(), additive(values.size, sums), shown, labels or []), index


@dataclass(frozen=True)
class Audit:
    """Feasible interval of each cell a reader does not see (NaN where a cell is published or was
    not audited); ``exposed``: sensitive cells whose interval does not cover the band."""

    lower: np.ndarray
    upper: np.ndarray
    exposed: np.ndarray

    @property
    def ok(self) -> bool:
        return not bool(self.exposed.any())


@dataclass(frozen=True)
class Suppression:
    """``primary``: cells shown as "1–4"; ``secondary``: other cells hidden ("·") so that no "1–4"
    can be worked out; ``withheld``: cells not published as the breakdown of a total of 1–4 ("·");
    ``audit``: the final audit (``audit.ok`` is always True)."""

    primary: np.ndarray
    secondary: np.ndarray
    withheld: np.ndarray
    audit: Audit

    def marks(self, values) -> list[str]:
        """Each cell as printed: the count, "1–4" or "·"."""
        lo, hi = BAND
        return [("·" if w or s else f"{lo}–{hi}" if p else str(int(v)))
                for v, p, s, w in zip(values, self.primary, self.secondary, self.withheld, strict=True)]

    @property
    def hidden(self) -> np.ndarray:
        return self.primary | self.secondary


def withheld_breakdowns(t: LinkedTables) -> np.ndarray:
    """Cells not published because a total they are part of is in the band (or is itself withheld).

    Two parts shown as "1–4" under a total shown as "1–4" cannot both reach 4 (``x + y ≤ 4``), so
    no suppression pattern would protect them: the breakdown of a total of 1–4 is not published.
    A reader then knows only that such a cell is ≥ 0 (zeros are withheld too). Applied down every
    relation (``total = Σ parts``) until nothing changes."""
    a = t.relations
    pos, neg = (a > 0), (a < 0)
    is_sum = (pos.sum(axis=1) == 1) & ((pos | neg).sum(axis=1) >= 2)
    total_of = np.where(is_sum, np.argmax(pos, axis=1), -1)
    out = np.zeros(t.values.size, dtype=bool)
    top = t.shown & t.sensitive
    while True:
        src = top | out
        rows = is_sum & (total_of >= 0) & src[np.maximum(total_of, 0)]
        new = neg[rows].any(axis=0) & ~out
        if not new.any():
            return out
        out |= new


def _bounds(t: LinkedTables, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of each cell before using the relations."""
    v = t.values.astype(float)
    lo, hi = v.copy(), v.copy()
    band = hidden & t.sensitive
    other = hidden & ~t.sensitive
    if (other & (t.values == 0)).any():
        raise DisclosureError("a zero cell is never suppressed (a reader could not tell it from ≥ 5)")
    lo[band], hi[band] = BAND
    lo[other], hi[other] = THRESHOLD, np.inf
    lo[~t.shown], hi[~t.shown] = 0.0, np.inf
    return lo, hi


def _components(a: np.ndarray, free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of the free cells through the relations they share; returns
    ``(component label per cell, -1 for fixed cells; the relations' free-cell incidence)``."""
    inc = (a != 0) & free[None, :]
    n = free.size
    # cells i, j are linked when some relation holds both
    m = inc.astype(np.int8)
    adj = csr_matrix((m.T @ m) > 0)
    _n, lab = connected_components(adj, directed=False)
    lab = np.where(free, lab, -1)
    return lab, inc if n else inc


def _interval(a, b, lo, hi, j, sense) -> float:
    c = np.zeros(a.shape[1])
    c[j] = 1.0 if sense == "min" else -1.0
    bounds = [(lo[k], None if not np.isfinite(hi[k]) else hi[k]) for k in range(a.shape[1])]
    r = optimize.linprog(c, A_eq=a if a.size else None, b_eq=b if a.size else None, bounds=bounds, method="highs")
    if r.status == 3:  # unbounded
        return -np.inf if sense == "min" else np.inf
    if r.status != 0:
        raise DisclosureError(f"the published relations have no solution ({r.message})")
    return float(r.fun) if sense == "min" else float(-r.fun)


class _Problem:
    """The attacker's LP restricted to one component of free cells (fixed cells moved to the right)."""

    def __init__(self, t: LinkedTables, hidden: np.ndarray):
        self.t = t
        self.lo, self.hi = _bounds(t, hidden)
        self.free = ~((self.lo == self.hi) & t.shown)  # published (or hidden with a point "band")
        self.lab, self.inc = _components(t.relations, self.free)

    def sub(self, comp: int):
        t, free = self.t, self.free
        cells = np.flatnonzero(self.lab == comp)
        rows = np.flatnonzero(self.inc[:, cells].any(axis=1))
        a = t.relations[np.ix_(rows, cells)]
        fixed = ~free
        b = -t.relations[np.ix_(rows, np.flatnonzero(fixed))] @ t.values[fixed].astype(float)
        return cells, a, b, self.lo[cells], self.hi[cells]

    def interval(self, cell: int, senses=("min", "max")) -> tuple[float, float]:
        cells, a, b, lo, hi = self.sub(self.lab[cell])
        j = int(np.searchsorted(cells, cell))
        out = [np.nan, np.nan]
        for s in senses:
            out[0 if s == "min" else 1] = _interval(a, b, lo, hi, j, s)
        return out[0], out[1]


def _covers(lower: float, upper: float) -> bool:
    return np.ceil(lower - _EPS) <= BAND[0] and np.floor(upper + _EPS) >= BAND[1]


def audit(t: LinkedTables, hidden, withheld=None, cells=None) -> Audit:
    """The attacker's audit of ``t`` published with ``hidden`` cells suppressed.

    ``hidden``: boolean mask of shown cells that are not printed (sensitive ones print "1–4",
    the others "·", known to be ≥ 5). ``withheld``: cells left out as a breakdown of a small total
    (known to be ≥ 0 only; :func:`withheld_breakdowns`). ``cells``: which cells to compute intervals
    for (default: every sensitive cell a reader does not see). Returns the intervals and the
    exposed sensitive cells.
    """
    if withheld is not None and np.asarray(withheld, dtype=bool).any():
        t = LinkedTables(t.values, t.relations, t.shown & ~np.asarray(withheld, dtype=bool), t.labels)
    hidden = np.asarray(hidden, dtype=bool) & t.shown
    n = t.values.size
    lower, upper = np.full(n, np.nan), np.full(n, np.nan)
    p = _Problem(t, hidden)
    exposed = t.sensitive & t.shown & ~hidden  # printed as a number: exposed by definition
    todo = np.flatnonzero(t.sensitive & p.free) if cells is None else np.asarray(cells, dtype=int)
    for i in todo:
        if not p.free[i]:
            continue
        lower[i], upper[i] = p.interval(int(i))
        if t.sensitive[i] and not _covers(lower[i], upper[i]):
            exposed[i] = True
    return Audit(lower, upper, exposed)


def _deficit(lower: float, upper: float) -> float:
    return max(0.0, lower - BAND[0]) + max(0.0, BAND[1] - upper)


def suppress(t: LinkedTables, max_steps: int | None = None) -> Suppression:
    """Primary suppression of every shown cell in the band and greedy secondary suppression until
    :func:`audit` finds no exposed cell (see the module docstring). Deterministic: the same table
    gives the same pattern, so a period published twice is suppressed the same way twice."""
    withheld = withheld_breakdowns(t) & t.shown
    shown = t.shown
    t = LinkedTables(t.values, t.relations, shown & ~withheld, t.labels)
    primary = t.shown & t.sensitive
    hidden = primary.copy()
    # hiding one more cell only widens the feasible region, so a cell once protected stays so:
    # each round audits the cells not yet known to be protected, up to the first exposed one
    protected = np.zeros(t.values.size, dtype=bool)
    steps = 0
    while True:
        p = _Problem(t, hidden)
        exposed = None
        for i in np.flatnonzero(t.sensitive & p.free & ~protected):
            lo, hi = p.interval(int(i))
            if _covers(lo, hi):
                protected[i] = True
            else:
                exposed = (int(i), lo, hi)
                break
        if exposed is None:
            return Suppression(primary, hidden & ~primary, withheld, audit(t, hidden))
        steps += 1
        if max_steps is not None and steps > max_steps:
            raise DisclosureError("secondary suppression did not converge")
        hidden[_best_complement(t, hidden, *exposed)] = True


def _marginal_scores(t: LinkedTables, hidden: np.ndarray, cell: int, senses, cand: np.ndarray) -> np.ndarray:
    """How much relaxing each candidate's published value would move ``cell``'s failing bound:
    the attacker's LP over all cells, published ones as variables with equal bounds, and the
    bound marginals (dual values) of HiGHS for the candidates."""
    lo, hi = _bounds(t, hidden)
    a = t.relations
    bounds = [(lo[k], None if not np.isfinite(hi[k]) else hi[k]) for k in range(lo.size)]
    score = np.zeros(cand.size)
    for sense in senses:
        c = np.zeros(lo.size)
        c[cell] = 1.0 if sense == "min" else -1.0
        r = optimize.linprog(c, A_eq=a if a.size else None, b_eq=np.zeros(len(a)) if a.size else None,
                             bounds=bounds, method="highs")
        if r.status != 0:
            continue
        score += np.abs(r.lower.marginals[cand]) + np.abs(r.upper.marginals[cand])
    return score


def _best_complement(t: LinkedTables, hidden: np.ndarray, cell: int, lower: float, upper: float) -> int:
    """The published cell whose suppression widens ``cell``'s interval the most; among equals the
    smallest count, then the first. Candidates lie in a relation with ``cell``'s free component.
    The LP's bound marginals rank the candidates in one solve; where none of them moves the bound
    (a degenerate optimum), each candidate is tried in turn."""
    p = _Problem(t, hidden)
    members = p.lab == p.lab[cell]
    rows = p.inc[:, members].any(axis=1) if members.any() else np.zeros(len(t.relations), bool)
    if not rows.any():  # an isolated cell: the relations that hold it
        rows = t.relations[:, cell] != 0
    linked = (t.relations[rows] != 0).any(axis=0)
    cand = np.flatnonzero(linked & t.shown & ~hidden & (t.values >= THRESHOLD))
    if cand.size == 0:
        # widen the search to every published non-zero cell (never reached for additive tables)
        cand = np.flatnonzero(t.shown & ~hidden & (t.values >= THRESHOLD))
    if cand.size == 0:
        raise DisclosureError(f"cell {t.labels[cell] if t.labels else cell} cannot be protected")
    senses = tuple(s for s, bad in (("min", lower > BAND[0] + _EPS), ("max", upper < BAND[1] - _EPS)) if bad)
    score = _marginal_scores(t, hidden, cell, senses, cand)
    if (score > _EPS).any():
        order = np.lexsort((cand, t.values[cand], -np.round(score, 9)))
        return int(cand[order[0]])
    best, best_key = None, None
    for c in cand:
        trial = hidden.copy()
        trial[c] = True
        lo, hi = _Problem(t, trial).interval(cell, senses)
        d = _deficit(lower if np.isnan(lo) else lo, upper if np.isnan(hi) else hi)
        key = (round(d, 9), int(t.values[c]), int(c))
        if best_key is None or key < best_key:
            best, best_key = int(c), key
    return best
