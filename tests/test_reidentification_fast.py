"""The fast unicity path gives exactly the numbers of the plain one (issue 15, item 5).

The match counts of :mod:`course.surveillance.reidentification` are compared with the sparse
matrix product they replaced (kept here as the reference), on both of its counting methods
(holder bitsets, rarest-point candidates); the surveillance dial's meter, which keeps each
precision's trace prepared, is compared with :func:`course.surveillance.policy_unicity`.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from course.surveillance import (
    MINIMISATION_SCENARIOS,
    PolicyMeter,
    policy_unicity,
    resolve_policy,
    resolve_precision,
    unicity,
    unicity_table,
)
from course.surveillance import reidentification as R

PRECISIONS = ["day_merchant", "month_category", "week_merchant",
              {"time": "exact", "place": None, "amount": 100},
              {"time": "month", "place": None, "amount": 100}]


def _sparse_count_matches(person, point, n_people, drawn_person, drawn_point, k):
    """The counts as the package computed them before: one sparse product per target chunk."""
    n_pts = int(point.max()) + 1
    held = sparse.csr_matrix((np.ones(len(person), dtype=np.int32), (point, person)),
                             shape=(n_pts, n_people))
    targets = np.unique(drawn_person)
    row = np.searchsorted(targets, drawn_person)
    drawn = sparse.csr_matrix((np.ones(len(row), dtype=np.int32), (row, drawn_point)),
                              shape=(len(targets), n_pts))
    shared = (drawn @ held).tocsr()
    rows = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
    return targets, np.bincount(rows[shared.data == k], minlength=shared.shape[0])


@pytest.fixture(scope="module")
def seen(default_data):
    trace = default_data["transactions"]
    return trace[trace["channel"] == "platform"]


@pytest.mark.parametrize("bitsets", [True, False], ids=["bitsets", "candidates"])
@pytest.mark.parametrize("precision", PRECISIONS, ids=str)
def test_match_counts_equal_the_sparse_product(small, precision, bitsets, monkeypatch):
    monkeypatch.setattr(R, "BITSET_WORDS", 1 << 40 if bitsets else 0)
    ids, person, point = R._points(small["transactions"], resolve_precision(precision))
    holders = R._Holders(person, point, len(ids))
    assert (holders.bits is not None) == bitsets
    for k, seed in [(1, 0), (2, 1), (4, 2), (8, 3)]:
        _, drawn_person, drawn_point = R._draw(person, point, len(ids), k,
                                               np.random.default_rng(seed))
        got = R._count_matches(person, point, len(ids), drawn_person, drawn_point, k, holders)
        want = _sparse_count_matches(person, point, len(ids), drawn_person, drawn_point, k)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])


def test_default_data_unicity_is_what_it_was(seen):
    # n_unique measured with the sparse-product code, before the fast path (seed 7)
    table = unicity_table(seen, ks=[1, 2, 4, 8], precisions=["day_merchant", "month_category"],
                          seed=7)
    assert table["n_excluded"].tolist() == [0, 4, 17, 123, 0, 4, 19, 163]
    assert table["n_unique"].tolist() == [1492, 2989, 2981, 2875, 0, 0, 0, 142]


@pytest.mark.parametrize("precision", PRECISIONS[:4], ids=str)
def test_a_prepared_trace_gives_the_plain_unicity_at_every_k(seen, precision):
    prepared = R.PreparedTrace(seen, precision)
    for seed in (0, 5):
        for k in (1, 3, 6):  # asked twice: the second answer reuses the cached draw order
            plain = unicity(seen, k=k, precision=precision, seed=seed)
            assert prepared.unicity(k, seed=seed) == plain
            assert prepared.unicity(k, seed=seed) == plain
    sets, excluded = prepared.anonymity(4, seed=3)
    plain_sets = R.anonymity_sets(seen, k=4, precision=precision, seed=3)
    assert sets.equals(plain_sets) and excluded == int((prepared.n_points < 4).sum())


def test_the_meter_gives_policy_unicity_for_every_preset_and_k(default_data):
    data = [default_data[n] for n in ("population", "transactions", "friendships")]
    meter = PolicyMeter(*data, seed=3)
    for k in (2, 5, 8, 1):
        meter._presets.clear()  # as the benchmark does: the per-k work is really redone
        meter._unicity_cache.clear()
        shown = meter.presets(k).set_index("scenario")["unicity"]
        for name, policy in MINIMISATION_SCENARIOS.items():
            assert shown[name] == policy_unicity(data[1], resolve_policy(policy), k=k, seed=3)
    # one prepared trace per distinct precision of the presets, reused for every k
    assert len(meter._traces) == meter._traces.misses == 7 and meter._traces.hits == 3 * 7


def test_too_large_a_k_is_refused_as_before(small):
    trace = small["transactions"]
    prepared = R.PreparedTrace(trace, "month_category")
    with pytest.raises(ValueError, match="nobody has 500 distinct points"):
        prepared.unicity(500, seed=0)
    with pytest.raises(ValueError, match="nobody has 500 distinct points"):
        unicity(trace, k=500, precision="month_category", seed=0)
