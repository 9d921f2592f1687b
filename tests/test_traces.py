"""Transactions and friendships: structure, reproducibility, the signals lessons rely on."""

import numpy as np
import pandas as pd
import pytest

import course
from course.traces import CATEGORY_NAMES, PERIOD_START


def test_transaction_columns(small):
    trace = small["transactions"]
    assert list(trace.columns) == ["consumer_id", "timestamp", "merchant_id", "category",
                                   "amount_cny", "channel"]
    assert set(trace["channel"].cat.categories) == {"platform", "card", "cash"}
    assert trace["category"].cat.categories.tolist() == CATEGORY_NAMES
    assert (trace["amount_cny"] > 0).all()
    assert trace["timestamp"].min() >= PERIOD_START
    assert trace["timestamp"].max() < PERIOD_START + pd.DateOffset(months=3)
    assert trace["consumer_id"].isin(small["population"]["consumer_id"]).all()
    assert trace["consumer_id"].is_monotonic_increasing


def test_transactions_reproducible(small):
    people = small["population"]
    a = course.make_transactions(people, months=2, seed=1)
    b = course.make_transactions(people, months=2, seed=1)
    c = course.make_transactions(people, months=2, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_channel_follows_platform_share(small):
    people, trace = small["population"], small["transactions"]
    observed = (trace["channel"] == "platform").groupby(trace["consumer_id"]).mean()
    stated = people.set_index("consumer_id")["platform_share"].reindex(observed.index)
    assert observed.corr(stated) > 0.8


@pytest.fixture(scope="module")
def medium():
    people = course.make_population(3000, seed=21)
    return people, course.make_transactions(people, months=3, seed=22)


def _category_share(trace, category):
    return (trace["category"] == category).groupby(trace["consumer_id"]).mean()


def test_parents_buy_baby_goods_and_gamers_buy_games(medium):
    people, trace = medium
    ids = people.set_index("consumer_id")
    baby = _category_share(trace, "baby_goods")
    games = _category_share(trace, "games")
    parent = ids["has_children"].reindex(baby.index)
    gamer = ids["heavy_gamer"].reindex(games.index)
    assert baby[parent].mean() > 4 * baby[~parent].mean()
    assert games[gamer].mean() > 4 * games[~gamer].mean()


def test_traces_are_individual(medium):
    """Few (day, merchant) points are shared by many people: traces can re-identify."""
    _, trace = medium
    day = trace["timestamp"].dt.floor("D")
    points = trace.assign(day=day).groupby(["day", "merchant_id"])
    people_per_point = points["consumer_id"].nunique()
    assert people_per_point.median() <= 2


def test_friendships_structure(small):
    ties = small["friendships"]
    assert list(ties.columns) == ["consumer_id", "friend_id"]
    assert (ties["consumer_id"] < ties["friend_id"]).all()
    assert not ties.duplicated().any()
    degree = course.friend_lists(ties)["consumer_id"].value_counts()
    assert 5 < degree.mean() < 10


def test_friendships_homophily(medium):
    people, _ = medium
    ties = course.make_friendships(people, seed=3)
    tier = people.set_index("consumer_id")["city_tier"].astype(int)
    income = np.log(people.set_index("consumer_id")["monthly_income_cny"])
    same_tier = (tier[ties["consumer_id"]].to_numpy() == tier[ties["friend_id"]].to_numpy()).mean()
    # Random pairs would share a tier about 26% of the time
    assert same_tier > 0.6
    rho = np.corrcoef(income[ties["consumer_id"]], income[ties["friend_id"]])[0, 1]
    assert rho > 0.3


def test_friendships_reproducible(small):
    people = small["population"]
    pd.testing.assert_frame_equal(course.make_friendships(people, seed=4),
                                  course.make_friendships(people, seed=4))


def test_bad_trace_input(small):
    with pytest.raises(TypeError, match="population must be a pandas DataFrame"):
        course.make_transactions([1, 2, 3], seed=1)
    with pytest.raises(ValueError, match="missing the column"):
        course.make_transactions(small["population"].drop(columns="platform_share"), seed=1)
    with pytest.raises(ValueError, match="months must be at least 1"):
        course.make_transactions(small["population"], months=0, seed=1)
    with pytest.raises(ValueError, match="empty"):
        course.make_transactions(small["population"].iloc[:0], seed=1)
    with pytest.raises(ValueError, match="mean_degree"):
        course.make_friendships(small["population"], mean_degree=-1, seed=1)
