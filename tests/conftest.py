"""Shared fixtures: a seeded generator, small synthetic frames, the default data."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import course  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def small():
    """A small population (500) with its transactions, friendships and dimensions."""
    people = course.make_population(500, seed=7)
    trace = course.make_transactions(people, months=3, seed=8)
    ties = course.make_friendships(people, seed=9)
    dims = course.dimension_scores(people, trace, ties)
    return {"population": people, "transactions": trace, "friendships": ties,
            "dimensions": dims}


@pytest.fixture(scope="session")
def default_data():
    """The default data sets as loaded by students, plus dimensions and scores."""
    data = {name: course.load_dataset(name) for name in course.DATASET_NAMES}
    people = data["population"]
    dims = course.dimension_scores(people, data["transactions"], data["friendships"])
    data["dimensions"] = dims
    data["scores"] = course.lotus_score(dims, blacklisted=people["blacklisted"].to_numpy())
    return data


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
