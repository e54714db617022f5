"""The disclosure auditor catches the known attacks, agrees with an exhaustive integer attack on
small tables, and the audited suppression always passes it (random tables, many seeds)."""


import numpy as np
import pytest

from trygg.analysis import disclosure as d


def column(values):
    """One column of parts with its total last."""
    n = len(values) + 1
    return d.LinkedTables([*values, sum(values)], d.additive(n, [(n - 1, range(n - 1))]), np.ones(n, bool))


def old_rule(values):
    """The rule the public page used before: 1–4 hidden; when exactly one is, the smallest cell ≥ 5
    is hidden too (the total stays shown)."""
    hidden = [0 < v < 5 for v in values]
    if sum(hidden) == 1:
        big = [i for i, v in enumerate(values) if v >= 5]
        if big:
            hidden[min(big, key=lambda i: values[i])] = True
    return [*hidden, False]


@pytest.mark.parametrize("values, cell, exact", [([1, 5], 0, 1), ([4, 4], 0, 4), ([0, 1, 5], 1, 1)])
def test_the_auditor_catches_the_known_attacks_on_the_old_rule(values, cell, exact):
    t = column(values)
    a = d.audit(t, old_rule(values))
    assert not a.ok
    assert a.exposed[cell]
    assert a.lower[cell] == pytest.approx(exact) and a.upper[cell] == pytest.approx(exact)


def test_the_auditor_passes_what_cannot_be_narrowed():
    t = column([3, 9, 40])
    a = d.audit(t, [True, True, False, False])  # 3 + 9 = 12 known, 9 ≥ 5 known: 3 ∈ [1, 7] ∩ [1, 4]
    assert a.ok and (a.lower[0], a.upper[0]) == (pytest.approx(1), pytest.approx(4))
    a = d.audit(t, [True, False, False, False])  # nothing else hidden: 3 exactly
    assert not a.ok and a.lower[0] == pytest.approx(3) == a.upper[0]


def test_an_implicit_cell_is_audited_too():
    # a municipality (12) and its two districts (5, 6): 1 incident lies in no district; a reader
    # gets it by difference although no page prints it
    t = d.LinkedTables([12, 5, 6, 1], d.additive(4, [(0, [1, 2, 3])]), [True, True, True, False])
    a = d.audit(t, np.zeros(4, bool))
    assert a.exposed[3] and a.upper[3] == pytest.approx(1)
    s = d.suppress(t)
    assert s.audit.ok and s.secondary.sum() >= 1


def test_the_old_rule_leaves_about_one_in_seven_columns_solvable_and_the_new_none():
    rng = np.random.default_rng(16)
    solvable = hiding = 0
    for _ in range(120):
        values = list(rng.integers(0, 9, size=int(rng.integers(2, 5))))
        if not any(0 < v < 5 for v in values):
            continue
        t = column(values)
        hiding += 1
        solvable += not d.audit(t, old_rule(values)).ok
        s = d.suppress(t)
        assert s.audit.ok, values
    assert hiding > 80
    assert 0.05 < solvable / hiding < 0.8  # the issue measured 14 % on its columns (these are smaller)


def brute_force(t, idx, hidden, withheld, cap):
    """The exact attack on a two-way table: every integer assignment of the leaf cells a reader does
    not see (0 … ``cap``), the other cells summed from them, kept where every cell agrees with its
    mark (a number, "1–4", "·" = ≥ 5, withheld or implicit = ≥ 0). Vectorised over assignments."""
    r0, c0 = 3, 2
    leaf = idx[:r0, :c0].ravel()
    known = t.shown & ~hidden & ~withheld
    free = [k for k, i in enumerate(leaf) if not known[i]]
    grids = np.meshgrid(*[np.arange(cap + 1)] * len(free), indexing="ij")
    x = np.tile(t.values[leaf], (grids[0].size, 1))
    for k, g in zip(free, grids, strict=True):
        x[:, k] = g.ravel()
    leaves = x.reshape(-1, r0, c0)
    rows = np.concatenate([leaves, leaves.sum(axis=1, keepdims=True)], axis=1)
    cells = np.concatenate([rows, rows.sum(axis=2, keepdims=True)], axis=2).reshape(len(x), -1)
    ok = np.ones(len(x), bool)
    for i in range(t.values.size):
        v = cells[:, i]
        if known[i]:
            ok &= v == t.values[i]
        elif hidden[i] and t.sensitive[i]:
            ok &= (v >= 1) & (v <= 4)
        elif hidden[i]:
            ok &= v >= 5
    feasible = cells[ok]
    return feasible.min(axis=0), feasible.max(axis=0)


@pytest.mark.parametrize("seed", range(6))
def test_the_lp_audit_equals_the_exhaustive_integer_attack(seed):
    rng = np.random.default_rng(seed)
    # 2 districts + "in no district" (implicit) × 2 themes; municipality row and theme total
    leaves = rng.integers(0, 3, size=(3, 2))
    leaves[rng.integers(0, 2), rng.integers(0, 2)] = 5
    leaves[2] = rng.integers(0, 2, size=2)
    t, idx = d.tree_table(leaves, row_tree=[(3, [0, 1, 2])], col_tree=[(2, [0, 1])],
                          row_shown=[True, True, False, True])
    cap = int(t.values.max())  # the municipality's total is shown: no cell can exceed it
    withheld = d.withheld_breakdowns(t) & t.shown
    hidden = t.sensitive & t.shown & ~withheld
    hidden |= (rng.random(t.values.size) < 0.4) & (t.values >= 5) & t.shown & ~withheld
    hidden[idx[3, 2]] = False
    a = d.audit(t, hidden, withheld)
    lo, hi = brute_force(t, idx, hidden, withheld, cap)
    checked = 0
    for i in np.flatnonzero(t.sensitive & ~(t.shown & ~hidden & ~withheld)):
        assert np.ceil(a.lower[i] - 1e-6) == lo[i], (seed, i)
        assert min(np.floor(a.upper[i] + 1e-6), cap) == hi[i], (seed, i)
        checked += 1
    assert checked


def world(rng, districts=4, themes=6):
    """A municipality, its districts and the incidents placed in no district, × themes, the themes'
    total and the incidents of no listed theme: every public page of one period together."""
    mean = rng.choice([1.5, 4.0, 12.0])
    leaves = rng.negative_binomial(1, 1 / (1 + mean), size=(districts + 1, themes + 1))
    leaves[districts, :] = rng.binomial(1, 0.3, size=themes + 1) * rng.integers(0, 4, size=themes + 1)
    row_tree = [(districts + 1, list(range(districts + 1)))]
    col_tree = [(themes + 1, list(range(themes + 1)))]
    row_shown = [True] * districts + [False, True]
    col_shown = [True] * themes + [False, True]
    return d.tree_table(leaves, row_tree, col_tree, row_shown, col_shown)


@pytest.mark.parametrize("seed", range(30))
def test_the_suppression_always_passes_the_audit(seed):
    rng = np.random.default_rng(1000 + seed)
    t, _idx = world(rng)
    s = d.suppress(t)
    assert s.audit.ok
    # the audit is re-run from scratch on what a reader sees
    again = d.audit(t, s.hidden, s.withheld)
    assert again.ok
    # every shown cell in the band is "1–4" or withheld; no zero is hidden; marks say what they hide
    assert not (t.shown & t.sensitive & ~s.primary & ~s.withheld).any()
    assert not (s.secondary & (t.values == 0)).any()
    marks = s.marks(t.values)
    for i in np.flatnonzero(t.shown):
        assert marks[i] == ("·" if s.secondary[i] or s.withheld[i] else "1–4" if s.primary[i] else str(t.values[i]))
    # the same table gives the same pattern (a period published twice is suppressed the same way)
    assert (d.suppress(t).hidden == s.hidden).all()


def test_without_secondary_suppression_the_same_worlds_are_exposed():
    exposed = 0
    for seed in range(30):
        t, _idx = world(np.random.default_rng(1000 + seed))
        exposed += not d.audit(t, t.shown & t.sensitive).ok
    assert exposed >= 20


def test_a_total_of_one_to_four_is_not_broken_down():
    t = column([3, 1, 0])  # total 4 shown as "1–4": 3 and 1 under it could only be ≤ 3
    assert not d.audit(t, [True, True, False, True]).ok
    s = d.suppress(t)
    assert s.withheld[:3].all() and s.primary[3]
    assert s.marks(t.values) == ["·", "·", "·", "1–4"]


def test_bad_tables_are_refused():
    with pytest.raises(d.DisclosureError):
        d.LinkedTables([1, 2, 4], d.additive(3, [(2, [0, 1])]), [True] * 3)
    with pytest.raises(d.DisclosureError):
        d.audit(column([0, 7]), [True, True, False])  # a zero is never hidden
