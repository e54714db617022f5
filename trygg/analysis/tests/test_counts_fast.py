"""The sort-free counting paths (one flat index, one ``np.bincount``) against plain Python
references: ``collections.Counter`` over row tuples, the scalar period functions."""

import datetime as dt
from collections import Counter

import numpy as np
import pytest

from trygg.analysis import periods as P
from trygg.analysis.counts import count_cells, crosstab, cube


def reference_cells(*keys):
    """Counter over the row tuples, sorted: what ``count_cells`` must return."""
    counted = sorted(Counter(zip(*(k.tolist() for k in keys), strict=True)).items())
    return [list(col) for col in zip(*(row for row, _ in counted), strict=True)], [c for _, c in counted]


def reference_cube(codes, shape):
    out = np.zeros(shape, dtype=np.int64)
    for row in zip(*(c.tolist() for c in codes), strict=True):
        out[row] += 1
    return out


def assert_cells(keys):
    got_keys, got = count_cells(*keys)
    ref_keys, ref = reference_cells(*keys)
    assert got.tolist() == ref
    assert got.dtype == np.int64
    for k, g, r in zip(keys, got_keys, ref_keys or [[]] * len(keys), strict=True):
        assert g.tolist() == r
        assert g.dtype == k.dtype


@pytest.mark.parametrize("seed", range(8))
def test_count_cells_equals_counter_on_random_data(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3_000))
    n_area = int(rng.choice([1, 2, 50, 1012]))  # a single area included
    keys = [
        rng.integers(0, n_area, n),  # area codes
        rng.integers(-2, 10, n).astype(np.int16),  # negative categories
        rng.integers(0, 60, n) * 7 + 18_000,  # week keys: Mondays' day numbers (steps of 7)
        rng.random(n) < 0.2,  # booleans
        rng.integers(0, 10**15, n) // rng.integers(1, 10**6, n),  # wide range: the sort path
        rng.integers(0, 5, n).astype(np.uint64),
    ]
    picked = [keys[i] for i in sorted(rng.choice(len(keys), size=int(rng.integers(1, 5)), replace=False))]
    assert_cells(picked)


def test_count_cells_edge_cases():
    empty = np.array([], dtype=np.int64)
    keys, counts = count_cells(empty, empty.astype(np.int32))
    assert counts.size == 0 and keys[0].dtype == np.int64 and keys[1].dtype == np.int32
    assert_cells([np.zeros(7, dtype=np.int64)])  # one area, one cell
    assert_cells([np.array([5]), np.array([-3])])  # one row
    big = np.array([10**17, 10**17 + 2, 10**17], dtype=np.int64)  # the flat index overflows on the way
    assert_cells([big, np.array([9, 99_999, 9]), np.array([1, 0, 1])])
    assert_cells([np.array([-2**63, 2**63 - 1, -2**63])])  # the whole int64 range
    assert_cells([np.array([2**64 - 1, 3, 2**64 - 1], dtype=np.uint64), np.array([True, False, True])])
    with pytest.raises(ValueError):
        count_cells()
    with pytest.raises(ValueError):
        count_cells(np.arange(3), np.arange(4))


@pytest.mark.parametrize("seed", range(5))
def test_cube_equals_reference(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 2_000))  # empty input included
    shape = (int(rng.integers(1, 30)), int(rng.integers(1, 13)), int(rng.integers(1, 60)))
    codes = [rng.integers(0, s, n) for s in shape]
    got = cube(codes, shape)
    np.testing.assert_array_equal(got, reference_cube(codes, shape))
    assert got.shape == shape and got.sum() == n
    flat2 = cube((codes[0] * shape[1] + codes[1], codes[2]), (shape[0] * shape[1], shape[2]))
    np.testing.assert_array_equal(crosstab(codes[0] * shape[1] + codes[1], codes[2], shape[0] * shape[1], shape[2]),
                                  flat2)


def test_cube_edge_cases():
    assert cube([np.array([], dtype=np.int64)], (3,)).tolist() == [0, 0, 0]
    assert cube([np.zeros(4, dtype=np.int64)], (1,)).tolist() == [4]  # a single area
    assert cube([np.array([1, 1], dtype=np.uint64), np.array([True, False])], (2, 2)).tolist() == [[0, 0], [1, 1]]
    for bad in ([np.array([-1, 0])], [np.array([3])]):  # out-of-range codes (−1: outside every polygon)
        with pytest.raises(ValueError, match="out of range"):
            cube(bad, (3,))
    with pytest.raises(ValueError):
        cube([np.array([0]), np.array([0])], (1, 0))  # nothing fits an empty dimension
    with pytest.raises(ValueError):
        cube([np.array([0.5])], (2,))
    with pytest.raises(ValueError):
        cube([np.array([0])], (1, 1))


@pytest.mark.parametrize("kind", P.KINDS)
@pytest.mark.parametrize("seed", range(3))
def test_bucket_index_and_period_codes_on_random_dates(kind, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    days = np.datetime64("2019-12-20") + rng.integers(0, int(rng.choice([1, 40, 3 * 365])), n)
    keys, labels = P.bucket_index(days, kind)
    scalar = [P.period_of(kind, d.astype(dt.date)) for d in days]
    uniq = np.unique(keys)
    assert [labels[np.searchsorted(uniq, k)] for k in keys] == [p.label for p in scalar]
    assert len(labels) == len({p.label for p in scalar})  # the distinct periods that occur, no more
    codes, all_labels = P.period_codes(days, kind)
    assert [all_labels[c] for c in codes] == [p.label for p in scalar]
    first, last = min(scalar), max(scalar)
    expected, p = [], first
    while p <= last:  # every period from the first to the last, empty ones included
        expected.append(p.label)
        p = P.period_of(kind, p.end + dt.timedelta(days=1))
    assert list(all_labels) == expected


def test_period_splits_edge_cases():
    empty = np.array([], dtype="datetime64[D]")
    keys, labels = P.bucket_index(empty, "week")
    assert keys.size == 0 and labels.size == 0
    codes, labels = P.period_codes(empty, "month")
    assert codes.size == 0 and labels.size == 0
    wide = np.array(["1900-01-01", "2200-12-31", "2024-02-29"], dtype="datetime64[D]")  # too wide for a table
    assert list(P.bucket_index(wide, "year")[1]) == ["1900", "2024", "2200"]
    codes, labels = P.period_codes(wide, "year")
    assert codes.tolist() == [0, 300, 124] and len(labels) == 301
    assert P.period_codes(["2024-12-30", "2025-01-05"], "week")[1].tolist() == ["2025-W01"]
    gap = np.array(["2024-03-15", "2024-01-01", "2024-01-31"], dtype="datetime64[D]")  # no February
    assert P.bucket_index(gap, "month")[1].tolist() == ["2024-01", "2024-03"]
    assert P.period_codes(gap, "month")[0].tolist() == [2, 0, 0]
    assert P.period_codes(gap, "month")[1].tolist() == ["2024-01", "2024-02", "2024-03"]
    with pytest.raises(ValueError):
        P.period_codes(wide, "decade")
