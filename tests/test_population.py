"""The synthetic population: shape, reproducibility, calibration and bad input."""

import numpy as np
import pandas as pd
import pytest

import course
from course.population import POPULATION_COLUMNS


def test_columns_and_types():
    people = course.make_population(400, seed=1)
    assert list(people.columns) == list(POPULATION_COLUMNS)
    assert people["consumer_id"].tolist() == list(range(400))
    for column in ["city_tier", "education"]:
        assert isinstance(people[column].dtype, pd.CategoricalDtype)
        assert people[column].cat.ordered, f"{column} should be an ordered categorical"
    assert people["city_tier"].cat.categories.tolist() == [1, 2, 3, 4]
    assert set(people["hukou"].cat.categories) == {"local", "migrant"}
    for column in ["defaulted", "blacklisted", "has_children", "heavy_gamer", "verified_id"]:
        assert people[column].dtype == bool
    assert people["on_time_rate"].between(0, 1).all()
    assert people["platform_share"].between(0, 1).all()
    assert people["bills_on_platform"].between(0, 6).all()
    assert (people["monthly_income_cny"] > 0).all()
    assert (people["age"] >= 18).all()
    assert not people.isna().any().any()


def test_same_seed_same_frame_different_seed_different():
    a = course.make_population(300, seed=5)
    b = course.make_population(300, seed=5)
    c = course.make_population(300, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_generator_seed_is_used_and_advanced():
    rng = np.random.default_rng(3)
    a = course.make_population(100, seed=rng)
    b = course.make_population(100, seed=rng)
    assert not a.equals(b)
    pd.testing.assert_frame_equal(a, course.make_population(100, seed=np.random.default_rng(3)))


@pytest.fixture(scope="module")
def big():
    return course.make_population(60_000, seed=11, include_latent=True)


def test_default_rate_is_about_seven_percent(big):
    assert 0.05 < big["defaulted"].mean() < 0.09


def test_crisis_raises_the_default_rate():
    crisis = course.make_population(20_000, seed=2, default_rate=0.2)
    assert 0.17 < crisis["defaulted"].mean() < 0.23


def test_blacklist_is_rare_and_risky(big):
    assert 0 < big["blacklisted"].mean() < 0.01
    assert big.loc[big["blacklisted"], "defaulted"].mean() > 2 * big["defaulted"].mean()


def test_observed_columns_are_noisy_views_of_the_latent_risk(big):
    p = big["default_probability"]
    # Better payers and richer people are less risky, but not perfectly
    for column in ["on_time_rate", "monthly_income_cny"]:
        rho = p.corr(big[column], method="spearman")
        assert -0.97 < rho < -0.05, f"{column} should be a noisy view of risk (rho={rho:.2f})"
    assert p.corr(big["late_payments_12m"], method="spearman") > 0.1


def test_migrants_and_lower_tiers_use_the_platform_less(big):
    share = big.groupby("hukou", observed=True)["platform_share"].mean()
    assert share["migrant"] < share["local"] - 0.1
    by_tier = big.groupby("city_tier", observed=True)["platform_share"].mean()
    assert by_tier.is_monotonic_decreasing
    # ...while their true risk differs by much less than their visibility
    rate = big.groupby("hukou", observed=True)["defaulted"].mean()
    assert rate["migrant"] / rate["local"] < 1.5


def test_private_traits_are_plausible(big):
    assert 0.1 < big["has_children"].mean() < 0.5
    assert 0.03 < big["heavy_gamer"].mean() < 0.2
    gamers = big.groupby("gender", observed=True)["heavy_gamer"].mean()
    assert gamers["male"] > gamers["female"]


def test_include_latent_adds_only_the_probability():
    a = course.make_population(200, seed=4)
    b = course.make_population(200, seed=4, include_latent=True)
    pd.testing.assert_frame_equal(a, b.drop(columns="default_probability"))
    assert b["default_probability"].between(0, 1).all()


def test_one_consumer_works():
    assert len(course.make_population(1, seed=0)) == 1


@pytest.mark.parametrize(
    "n, error, words",
    [
        (0, ValueError, "at least 1"),
        (-5, ValueError, "at least 1"),
        (2.5, TypeError, "whole number"),
        (10.0, TypeError, "n=10"),
        ("100", TypeError, "whole number"),
        (True, TypeError, "whole number"),
    ],
)
def test_bad_n(n, error, words):
    with pytest.raises(error, match=words):
        course.make_population(n, seed=1)


@pytest.mark.parametrize(
    "seed, error, words",
    [("42", TypeError, "seed must be an int"), (1.5, TypeError, "seed must be an int"),
     (-1, ValueError, "non-negative"), (np.random.RandomState(1), TypeError, "Generator")],
)
def test_bad_seed(seed, error, words):
    with pytest.raises(error, match=words):
        course.make_population(10, seed=seed)


@pytest.mark.parametrize("rate", [0, 1, -0.1, 1.5])
def test_bad_default_rate(rate):
    with pytest.raises(ValueError, match="between 0 and 1"):
        course.make_population(10, seed=1, default_rate=rate)
