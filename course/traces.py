"""Behavioural traces of a synthetic population: payments and friendships.

:func:`make_transactions` draws one row per payment. Each consumer has a taste for
categories that depends on their life situation (parents buy baby goods, heavy gamers buy
games), a handful of favourite merchants near home, and a mix of payment channels: only the
``platform`` channel is visible to Lotus Pay. :func:`make_friendships` draws an undirected
friendship graph in which people mostly befriend others in their own city tier and of
similar income (homophily).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import as_generator, check_count, check_frame

#: Purchase categories: (relative frequency, median amount in CNY, merchants per city tier,
#: sold online nationally rather than by local shops).
CATEGORIES: dict[str, tuple[float, float, int, bool]] = {
    "groceries": (30.0, 55.0, 60, False),
    "dining": (20.0, 45.0, 90, False),
    "transport": (12.0, 12.0, 8, False),
    "utilities": (4.0, 150.0, 4, False),
    "clothing": (6.0, 180.0, 45, False),
    "electronics": (2.0, 700.0, 15, False),
    "entertainment": (5.0, 80.0, 25, False),
    "games": (2.0, 40.0, 12, True),
    "baby_goods": (1.0, 110.0, 12, False),
    "education": (2.0, 300.0, 15, False),
    "health": (4.0, 90.0, 20, False),
    "travel": (1.5, 800.0, 20, True),
    "books": (1.5, 60.0, 10, True),
}
CATEGORY_NAMES = list(CATEGORIES)
CHANNELS = ["platform", "card", "cash"]

#: First day of the synthetic observation period.
PERIOD_START = pd.Timestamp("2025-01-01")

TRANSACTION_COLUMNS = {
    "consumer_id": "who paid (see population)",
    "timestamp": "date and time of the payment",
    "merchant_id": "integer id of the shop or service",
    "category": "what was bought",
    "amount_cny": "amount paid, CNY",
    "channel": "platform (seen by Lotus Pay), card or cash",
}
FRIENDSHIP_COLUMNS = {
    "consumer_id": "one friend (the smaller id)",
    "friend_id": "the other friend (the larger id)",
}

_POPULATION_NEEDS = [
    "consumer_id", "age", "city_tier", "monthly_income_cny", "has_children", "heavy_gamer",
    "platform_share",
]


def _merchant_layout() -> tuple[np.ndarray, np.ndarray, int]:
    """Return per-(category, tier) first merchant id and pool size, and the merchant count."""
    n_cat, n_tier = len(CATEGORIES), 4
    first = np.zeros((n_cat, n_tier), dtype=np.int64)
    size = np.zeros((n_cat, n_tier), dtype=np.int64)
    next_id = 0
    for c, (_, _, pool, online) in enumerate(CATEGORIES.values()):
        for t in range(n_tier):
            if online and t > 0:
                first[c, t] = first[c, 0]
                size[c, t] = size[c, 0]
                continue
            # Bigger cities have more shops
            size[c, t] = pool if online else max(2, int(round(pool * (1.6 - 0.3 * t))))
            first[c, t] = next_id
            next_id += size[c, t]
    return first, size, next_id


def make_transactions(
    population: pd.DataFrame,
    *,
    months: int = 6,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Make one row per payment for every consumer over ``months`` months.

    Parameters
    ----------
    population : pandas.DataFrame
        From :func:`course.make_population` or ``course.load_dataset("population")``.
    months : int
        Length of the observation period in months, starting on ``PERIOD_START``.
    seed : int, numpy.random.Generator or None
        Seed for reproducibility.

    Returns
    -------
    pandas.DataFrame
        Columns ``consumer_id``, ``timestamp``, ``merchant_id``, ``category`` (categorical),
        ``amount_cny``, ``channel`` (categorical: platform, card, cash), sorted by consumer
        and time.

    Examples
    --------
    >>> from course import make_population
    >>> people = make_population(50, seed=1)
    >>> trace = make_transactions(people, months=2, seed=1)
    >>> sorted(trace["channel"].cat.categories)
    ['card', 'cash', 'platform']
    """
    check_frame(population, "population", _POPULATION_NEEDS)
    months = check_count(months, "months", minimum=1)
    rng = as_generator(seed)
    n = len(population)
    if n == 0:
        raise ValueError("population is empty: make_transactions needs at least one consumer.")

    ids = population["consumer_id"].to_numpy()
    tier = np.asarray(population["city_tier"].astype(int)) - 1
    people = {
        "income": population["monthly_income_cny"].to_numpy(dtype=float),
        "age": population["age"].to_numpy(dtype=float),
        "tier": tier.astype(np.int64),
        "share": population["platform_share"].to_numpy(dtype=float),
        "parent": population["has_children"].to_numpy(dtype=bool),
        "gamer": population["heavy_gamer"].to_numpy(dtype=bool),
    }
    # Generate in blocks of consumers so that memory stays bounded for large populations
    blocks = []
    for lo in range(0, n, _BLOCK):
        part = {key: value[lo:lo + _BLOCK] for key, value in people.items()}
        block = _payments(rng, part, months)
        block["consumer_id"] = ids[lo:lo + _BLOCK][block.pop("who")]
        blocks.append(block)
    columns = {key: np.concatenate([b[key] for b in blocks]) for key in blocks[0]}
    del blocks
    return pd.DataFrame(
        {
            "consumer_id": columns["consumer_id"],
            "timestamp": columns["timestamp"],
            "merchant_id": columns["merchant_id"],
            "category": pd.Categorical.from_codes(columns["category"], CATEGORY_NAMES),
            "amount_cny": columns["amount_cny"],
            "channel": pd.Categorical.from_codes(columns["channel"], CHANNELS),
        }
    )


_BLOCK = 100_000  # consumers per block; fixed, so results do not depend on memory


def _payments(rng: np.random.Generator, people: dict[str, np.ndarray], months: int) -> dict:
    """Draw the payments of one block of consumers, sorted by consumer and time."""
    n = len(people["income"])
    income, age, tier, share = people["income"], people["age"], people["tier"], people["share"]

    # Each consumer's taste for categories
    weights = np.array([v[0] for v in CATEGORIES.values()])
    taste = weights[None, :] * rng.lognormal(0.0, 0.5, (n, len(weights)))
    col = {name: i for i, name in enumerate(CATEGORY_NAMES)}
    taste[:, col["baby_goods"]] *= np.where(people["parent"], 14.0, 1.0)
    taste[:, col["education"]] *= np.where(people["parent"], 2.0, 1.0)
    taste[:, col["games"]] *= np.where(people["gamer"], 12.0, 1.0)
    taste[:, col["electronics"]] *= np.where(people["gamer"], 2.0, 1.0)
    taste[:, col["travel"]] *= np.clip(income / 6000.0, 0.2, 4.0)
    cum_taste = np.cumsum(taste / taste.sum(axis=1, keepdims=True), axis=1)

    # How many payments each consumer makes
    rate = 10.0 * np.clip(income / 5000.0, 0.2, 8.0) ** 0.3 * rng.lognormal(0.0, 0.35, n)
    counts = rng.poisson(rate * months)
    who = np.repeat(np.arange(n, dtype=np.int64), counts)
    rows = len(who)

    # What they buy: one uniform draw per payment against the consumer's cumulative taste
    u = rng.random(rows)
    category = np.zeros(rows, dtype=np.int8)
    for c in range(len(weights) - 1):  # column by column keeps memory at one array
        category += u > cum_taste[who, c]
    del u

    # Where: a favourite local merchant half of the time, otherwise a popular one
    first, size, _ = _merchant_layout()
    pool_first = first[category, tier[who]]
    pool_size = size[category, tier[who]]
    favourite = (rng.random((n, len(weights))) ** 1.5 * size[:, tier].T).astype(np.int64)
    popular = (rng.random(rows) ** 2.0 * pool_size).astype(np.int64)
    use_fav = rng.random(rows) < 0.5
    merchant = pool_first + np.where(use_fav, favourite[who, category], popular)
    del pool_first, pool_size, popular, use_fav

    # When: a uniform day in the period, daytime hours
    end = PERIOD_START + pd.DateOffset(months=months)
    n_days = (end - PERIOD_START).days
    day = rng.integers(0, n_days, rows)
    seconds = (np.clip(rng.normal(14.5, 3.5, rows), 6.0, 23.9) * 3600.0).astype(np.int64)
    offset = day * 86400 + seconds
    del day, seconds

    # How much, in CNY
    medians = np.array([v[1] for v in CATEGORIES.values()])
    amount = medians[category] * np.clip(income[who] / 5000.0, 0.2, 10.0) ** 0.4
    amount = np.maximum(np.round(amount * rng.lognormal(0.0, 0.6, rows), 2), 1.0)

    # Which channel: the platform with the consumer's platform share; else card or cash
    on_platform = rng.random(rows) < share[who]
    cash_p = np.clip(0.25 + 0.08 * tier[who] + 0.006 * (age[who] - 30), 0.05, 0.9)
    channel = np.where(on_platform, 0, np.where(rng.random(rows) < cash_p, 2, 1)).astype(np.int8)
    del on_platform, cash_p

    # Sort by consumer, then time
    order = np.argsort(who * (n_days * 86400) + offset, kind="stable")
    start = np.datetime64(PERIOD_START.date(), "ns")
    return {
        "who": who[order],
        "timestamp": start + (offset[order] * 1_000_000_000).astype("timedelta64[ns]"),
        "merchant_id": merchant[order],
        "category": category[order],
        "amount_cny": amount[order],
        "channel": channel[order],
    }


def make_friendships(
    population: pd.DataFrame,
    *,
    mean_degree: float = 8.0,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Make an undirected friendship graph with homophily by city tier and income.

    Parameters
    ----------
    population : pandas.DataFrame
        From :func:`course.make_population`.
    mean_degree : float
        Average number of friends per consumer (before duplicates are removed).
    seed : int, numpy.random.Generator or None
        Seed for reproducibility.

    Returns
    -------
    pandas.DataFrame
        One row per friendship, ``consumer_id < friend_id``, sorted. Each pair appears once;
        use :func:`course.friend_lists` or concatenate the swapped columns for both directions.

    Examples
    --------
    >>> from course import make_population
    >>> people = make_population(200, seed=1)
    >>> ties = make_friendships(people, seed=1)
    >>> bool((ties["consumer_id"] < ties["friend_id"]).all())
    True
    """
    check_frame(population, "population", ["consumer_id", "city_tier", "monthly_income_cny"])
    if isinstance(mean_degree, bool) or not isinstance(mean_degree, (int, float)):
        raise TypeError(f"mean_degree must be a number, got {mean_degree!r}.")
    if not 0 < mean_degree < len(population):
        raise ValueError(
            f"mean_degree must be positive and smaller than the population ({len(population)}), "
            f"got {mean_degree}."
        )
    rng = as_generator(seed)
    n = len(population)
    ids = population["consumer_id"].to_numpy()
    tier = np.asarray(population["city_tier"].astype(int))
    log_income = np.log(population["monthly_income_cny"].to_numpy(dtype=float).clip(1.0))

    # Everybody reaches out to about mean_degree / 2 others; ties are then made mutual
    stubs = rng.poisson(mean_degree / 2.0, n)
    src = np.repeat(np.arange(n), stubs)
    m = len(src)

    # Rank people within their tier by income (plus noise) so neighbours in rank are alike
    key = log_income + rng.normal(0, 0.25, n)
    order = np.lexsort((key, tier))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    group_start = np.searchsorted(tier[order], tier, side="left")
    group_size = np.searchsorted(tier[order], tier, side="right") - group_start

    # Most ties stay in the tier and near in income; some go anywhere
    local = rng.random(m) < 0.8
    gs = group_size[src]
    offset = np.rint(rng.laplace(0.0, np.maximum(1.0, 0.03 * gs))).astype(np.int64)
    offset[offset == 0] = 1
    pos = np.clip(rank[src] - group_start[src] + offset, 0, gs - 1)
    near = order[group_start[src] + pos]
    anywhere = rng.integers(0, n, m)
    dst = np.where(local, near, anywhere)

    # Make each tie undirected (smaller index first), drop self-ties and duplicates
    a, b = np.minimum(src, dst), np.maximum(src, dst)
    keep = a != b
    pair_key = np.unique(a[keep].astype(np.int64) * n + b[keep])
    first, second = np.divmod(pair_key, n)
    return pd.DataFrame({"consumer_id": ids[first], "friend_id": ids[second]}).astype(np.int64)


def friend_lists(friendships: pd.DataFrame) -> pd.DataFrame:
    """Return both directions of each friendship: one row per (consumer, friend).

    Parameters
    ----------
    friendships : pandas.DataFrame
        ``consumer_id``, ``friend_id``, each tie once.

    Returns
    -------
    pandas.DataFrame
        Twice as many rows: each tie in both directions.

    Examples
    --------
    >>> import pandas as pd
    >>> friend_lists(pd.DataFrame({"consumer_id": [1], "friend_id": [2]})).to_numpy().tolist()
    [[1, 2], [2, 1]]
    """
    check_frame(friendships, "friendships", ["consumer_id", "friend_id"])
    swapped = friendships.rename(columns={"consumer_id": "friend_id", "friend_id": "consumer_id"})
    return pd.concat([friendships, swapped[["consumer_id", "friend_id"]]], ignore_index=True)


def friend_pairs(friendships: pd.DataFrame | None, population: pd.DataFrame, ids: np.ndarray,
                 rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The friendship frame, and its ties as sorted codes ``a * n + b`` of positions a < b.

    Parameters
    ----------
    friendships : pandas.DataFrame or None
        ``consumer_id``, ``friend_id``; None draws a graph with :func:`make_friendships`.
    population : pandas.DataFrame
        The people (for drawing a graph).
    ids : numpy.ndarray
        Their ``consumer_id`` values: position i is ``ids[i]``.
    rng : numpy.random.Generator

    Returns
    -------
    tuple
        The friendship frame, and the ties as sorted unique int64 codes (self-ties and
        repeated ties dropped).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> ties = pd.DataFrame({"consumer_id": [2, 1, 1], "friend_id": [1, 3, 1]})
    >>> friend_pairs(ties, None, np.array([1, 2, 3]), np.random.default_rng(0))[1].tolist()
    [1, 2]
    """
    n = len(ids)
    if friendships is None:
        if n == 1:
            friendships = pd.DataFrame({"consumer_id": np.array([], dtype=np.int64),
                                        "friend_id": np.array([], dtype=np.int64)})
        else:
            friendships = make_friendships(population, mean_degree=min(8.0, n - 1.0), seed=rng)
    check_frame(friendships, "friendships", ["consumer_id", "friend_id"])
    a = friendships["consumer_id"].to_numpy()
    b = friendships["friend_id"].to_numpy()
    if not np.array_equal(ids, np.arange(n)):  # ids are not already positions
        position = pd.Index(ids)
        a, b = position.get_indexer(a), position.get_indexer(b)
    if len(a) and ((a < 0) | (a >= n) | (b < 0) | (b >= n)).any():
        raise ValueError("friendships mention consumer_id values that are not in the "
                         "population; make them from the same population.")
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    codes = lo[lo != hi] * n + hi[lo != hi]
    if len(codes) and not (np.diff(codes) > 0).all():  # not yet sorted and unique
        codes = np.unique(codes)
    return friendships, codes
