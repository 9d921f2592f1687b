"""Tests for course.surveillance: footprint, trait inference, unicity and minimisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import course
from course.surveillance import (
    FULL_POLICY,
    MINIMISATION_SCENARIOS,
    PRECISIONS,
    anonymity_sets,
    category_shares,
    coarsen,
    footprint,
    minimisation,
    minimised_dimensions,
    precision_label,
    resolve_policy,
    resolve_precision,
    trait_inference_metrics,
    trait_probabilities,
    unicity,
    unicity_table,
)
from course.surveillance.reidentification import _count_matches, _draw, _points
from course.traces import CATEGORY_NAMES


def _trace(rows):
    """A hand-made trace from (consumer, 'YYYY-MM-DD HH:MM', merchant, category, amount)."""
    frame = pd.DataFrame(rows, columns=["consumer_id", "timestamp", "merchant_id", "category",
                                        "amount_cny"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    frame["channel"] = pd.Categorical(["platform"] * len(frame), course.CHANNELS)
    return frame


@pytest.fixture(scope="module")
def seen(default_data):
    """What Lotus Pay holds: the default data's platform-channel payments."""
    trace = default_data["transactions"]
    return trace[trace["channel"] == "platform"]


# ------------------------------------------------------------------ precision


def test_resolve_precision_presets_and_partial_dicts():
    assert resolve_precision(None) == {"time": "day", "place": "merchant", "amount": None}
    assert resolve_precision("month_category") == PRECISIONS["month_category"]
    assert resolve_precision({"amount": 20}) == {"time": "day", "place": "merchant",
                                                  "amount": 20.0}
    assert precision_label({"time": "week", "place": None, "amount": 10}) == \
        "week, no place, 10 CNY"


@pytest.mark.parametrize("bad, word", [
    ("daily", "day_merchant"),  # unknown preset: the message lists the presets
    ({"time": "fortnight"}, "'week'"),
    ({"place": "city"}, "'merchant'"),
    ({"where": "merchant"}, "time, place and amount"),
    ({"amount": 0}, "bin width"),
    ({"amount": -5}, "bin width"),
    ({"amount": True}, "bin width"),
    ({"amount": "rounded"}, "bin width"),
])
def test_unknown_precision_names_raise_and_list_valid_ones(bad, word):
    with pytest.raises(ValueError, match="unknown") as info:
        resolve_precision(bad)
    assert word in str(info.value)


def test_precision_of_the_wrong_type_raises_type_error():
    with pytest.raises(TypeError, match="preset name"):
        resolve_precision(4)


def test_coarsen_floors_time_place_and_amount():
    trace = _trace([(1, "2025-03-05 14:33", 7, "dining", 47.5),  # a Wednesday
                    (1, "2025-03-09 09:10", 8, "books", 120.0)])  # a Sunday
    week = coarsen(trace, {"time": "week", "place": "category", "amount": 50})
    assert list(week.columns) == ["consumer_id", "time", "place", "amount_cny"]
    assert (week["time"] == pd.Timestamp("2025-03-03")).all()  # both in the week of Monday 3rd
    assert week["place"].tolist() == ["dining", "books"]
    assert week["amount_cny"].tolist() == [0.0, 100.0]
    month = coarsen(trace, "month_merchant")
    assert list(month.columns) == ["consumer_id", "time", "place"]
    assert (month["time"] == pd.Timestamp("2025-03-01")).all()
    assert month["place"].tolist() == [7, 8]


# ------------------------------------------------------------------ unicity: exact cases


def test_unicity_on_a_hand_made_trace():
    # 1 and 2 visit the same two shops on the same days; 3 has two points nobody shares;
    # 4 has a single point, so cannot be given k=2 points
    trace = _trace([
        (1, "2025-01-02 10:00", 10, "dining", 30.0), (1, "2025-01-03 11:00", 11, "books", 60.0),
        (2, "2025-01-02 18:00", 10, "dining", 35.0), (2, "2025-01-03 09:00", 11, "books", 20.0),
        (3, "2025-01-02 10:00", 12, "dining", 30.0), (3, "2025-01-04 10:00", 11, "books", 60.0),
        (4, "2025-01-02 12:00", 10, "dining", 30.0),
    ])
    sets = anonymity_sets(trace, k=2, precision="day_merchant", seed=0)
    assert sets["matches"].to_dict() == {1: 2, 2: 2, 3: 1}
    assert unicity(trace, k=2, precision="day_merchant", seed=0) == pytest.approx(1 / 3)
    table = unicity_table(trace, ks=[2], precisions=["day_merchant"], seed=0)
    assert table.iloc[0][["n_people", "n_excluded", "n_unique"]].tolist() == [4, 1, 1]
    # Knowing the exact time of day singles everyone out
    assert unicity(trace, k=2, precision={"time": "exact"}, seed=0) == 1.0
    # With k=1 person 4's point (day 2, shop 10) is shared with 1 and 2
    assert anonymity_sets(trace, k=1, seed=0).loc[4, "matches"] == 3


def test_vectorised_counts_match_a_brute_force_loop(small):
    trace = small["transactions"]
    p = resolve_precision("week_merchant")
    ids, person, point = _points(trace, p)
    rng = np.random.default_rng(3)
    for k in (1, 3):
        n_points, drawn_person, drawn_point = _draw(person, point, len(ids), k, rng)
        targets, matches = _count_matches(person, point, len(ids), drawn_person, drawn_point, k)
        traces = pd.Series(point).groupby(person).apply(set).to_dict()
        drawn = pd.Series(drawn_point).groupby(drawn_person).apply(set)
        for target, count in zip(targets[:80], matches[:80]):
            points = drawn[target]
            assert len(points) == k and points <= traces[target], "draws come from own trace"
            expected = sum(points <= held for held in traces.values())
            assert count == expected


# ------------------------------------------------------------------ unicity: the default data


def test_four_points_at_day_and_merchant_identify_most_people(default_data):
    # "Unique in the shopping mall": 4 points (shop and day) identified 90% of people
    assert unicity(default_data["transactions"], k=4, precision="day_merchant", seed=1) >= 0.9


def test_unicity_rises_with_k(default_data):
    table = unicity_table(default_data["transactions"], ks=range(1, 9),
                          precisions=["day_merchant", "week_category"], seed=2)
    for name, rows in table.groupby("precision"):
        values = rows.sort_values("k")["unicity"].to_numpy()
        assert (np.diff(values) >= -0.01).all(), f"{name}: unicity fell as k grew: {values}"
        assert values[-1] - values[0] > 0.5, f"{name}: {values}"
    assert (table["n_people"] == default_data["transactions"]["consumer_id"].nunique()).all()


def test_unicity_falls_as_data_are_coarsened(default_data):
    order = ["exact", "day_merchant", "week_merchant", "month_merchant", "month_category"]
    values = [unicity(default_data["transactions"], k=2, precision=p, seed=4) for p in order]
    assert all(a >= b - 0.01 for a, b in zip(values, values[1:])), dict(zip(order, values))
    assert values[0] - values[-1] > 0.9
    # Knowing the amount (to 10 CNY) makes a single point far more identifying
    with_amount = unicity(default_data["transactions"], k=1, precision="day_merchant_amount",
                          seed=4)
    without = unicity(default_data["transactions"], k=1, precision="day_merchant", seed=4)
    assert with_amount > without + 0.3


def test_unicity_is_reproducible_and_consistent_with_anonymity_sets(small):
    trace = small["transactions"]
    first = unicity(trace, k=3, precision="week_category", seed=11)
    assert first == unicity(trace, k=3, precision="week_category", seed=11)
    sets = anonymity_sets(trace, k=3, precision="week_category", seed=11)
    assert sets["unique"].mean() == pytest.approx(first)
    assert (sets["matches"] >= 1).all() and (sets["n_points"] >= 3).all()
    assert not sets.isna().any().any()


def test_people_with_fewer_than_k_points_are_excluded_and_counted(seen):
    k = 8
    distinct = coarsen(seen, "month_category").drop_duplicates().groupby("consumer_id").size()
    table = unicity_table(seen, ks=[k], precisions=["month_category"], seed=5)
    row = table.iloc[0]
    assert row["n_people"] == seen["consumer_id"].nunique()
    assert row["n_excluded"] == int((distinct < k).sum()) > 0
    sets = anonymity_sets(seen, k=k, precision="month_category", seed=5)
    assert len(sets) == row["n_people"] - row["n_excluded"]
    assert row["unicity"] == pytest.approx(row["n_unique"] / len(sets))


def test_unicity_bad_input(small):
    trace = small["transactions"]
    with pytest.raises(ValueError, match="k must be at least 1"):
        unicity(trace, k=0)
    with pytest.raises(TypeError, match="whole number"):
        unicity(trace, k=2.5)
    with pytest.raises(ValueError, match="empty"):
        unicity(trace.iloc[:0], k=1)
    with pytest.raises(ValueError, match="unknown precision 'hourly'"):
        unicity(trace, k=1, precision="hourly")
    with pytest.raises(ValueError, match="nobody has 10000 distinct points"):
        unicity(trace, k=10_000)
    with pytest.raises(TypeError, match="to_datetime"):
        unicity(trace.assign(timestamp=trace["timestamp"].astype(str)), k=1)
    with pytest.raises(ValueError, match="missing the column"):
        unicity(trace.drop(columns="merchant_id"), k=1)


# ------------------------------------------------------------------ footprint


def test_footprint_counts_each_source(default_data):
    people, trace, ties = (default_data[n] for n in ("population", "transactions", "friendships"))
    held = footprint(people, trace, ties)
    assert list(held.columns) == ["payments", "bills", "identity", "friendships", "total"]
    assert held.index.equals(pd.Index(people["consumer_id"], name="consumer_id"))
    platform = trace[trace["channel"] == "platform"].groupby("consumer_id").size()
    assert held["payments"].sum() == len(trace[trace["channel"] == "platform"])
    assert (held.loc[platform.index, "payments"] == platform).all()
    assert (held["bills"] == people["bills_on_platform"].to_numpy() * 6).all()  # six months
    assert held["identity"].between(1, 5).all()
    assert held["friendships"].sum() == 2 * len(ties)
    assert (held["total"] == held.drop(columns="total").sum(axis=1)).all()
    everything = footprint(people, trace, ties, channel="all")
    assert everything["payments"].sum() == len(trace)
    assert (everything["payments"] >= held["payments"]).all()


def test_the_platform_holds_less_on_migrants(default_data):
    people = default_data["population"]
    held = footprint(people, default_data["transactions"], default_data["friendships"])
    by_hukou = held["total"].groupby(people["hukou"].to_numpy()).mean()
    assert by_hukou["migrant"] < 0.8 * by_hukou["local"]


def test_footprint_bad_input(small):
    people, trace, ties = small["population"], small["transactions"], small["friendships"]
    with pytest.raises(ValueError, match="channel must be"):
        footprint(people, trace, ties, channel="card")
    with pytest.raises(ValueError, match="pass months"):
        footprint(people, trace.iloc[:0], ties)
    empty = footprint(people, trace.iloc[:0], ties, months=3)
    assert (empty["payments"] == 0).all() and (empty["bills"] == people["bills_on_platform"]
                                               .to_numpy() * 3).all()


# ------------------------------------------------------------------ trait inference


def test_category_shares_sum_to_one_or_zero(small):
    people, trace = small["population"], small["transactions"]
    shares = category_shares(trace, consumers=people["consumer_id"])
    assert list(shares.columns) == CATEGORY_NAMES
    assert shares.index.equals(pd.Index(people["consumer_id"], name="consumer_id"))
    totals = shares.sum(axis=1)
    seen_ids = trace.loc[trace["channel"] == "platform", "consumer_id"].unique()
    assert np.allclose(totals[totals.index.isin(seen_ids)], 1.0)
    assert (totals[~totals.index.isin(seen_ids)] == 0).all()
    assert not shares.isna().any().any()


def test_purchases_reveal_private_traits(default_data):
    report = trait_inference_metrics(
        default_data["population"], default_data["transactions"], seed=1)
    assert set(report["trait"]) == {"has_children", "heavy_gamer"}
    wide = report.set_index(["trait", "metric"])
    for trait in ("has_children", "heavy_gamer"):
        auc_ = wide.loc[(trait, "roc_auc")]
        assert auc_["value"] > 0.8 and auc_["baseline"] == 0.5
        precision = wide.loc[(trait, "precision")]
        assert precision["value"] > 1.5 * precision["prevalence"]
        ap = wide.loc[(trait, "average_precision")]
        assert ap["value"] > ap["baseline"] + 0.3
        recall = wide.loc[(trait, "recall")]
        assert recall["value"] > recall["baseline"] + 0.3
    again = trait_inference_metrics(
        default_data["population"], default_data["transactions"], seed=1)
    pd.testing.assert_frame_equal(report, again)


def test_inference_is_no_better_than_guessing_for_a_shuffled_trait(default_data, rng):
    people = default_data["population"].copy()
    people["has_children"] = rng.permutation(people["has_children"].to_numpy())
    report = trait_inference_metrics(
        people, default_data["transactions"], trait="has_children", seed=1)
    assert 0.44 < report.set_index("metric").loc["roc_auc", "value"] < 0.56


def test_trait_probabilities_are_out_of_fold(small):
    p = trait_probabilities(small["population"], small["transactions"], trait="heavy_gamer", seed=2)
    assert p.name == "p_heavy_gamer" and len(p) == len(small["population"])
    assert p.between(0, 1).all()


def test_trait_inference_bad_input(small):
    people, trace = small["population"], small["transactions"]
    with pytest.raises(ValueError, match="not a column"):
        trait_inference_metrics(people, trace, trait="is_pregnant")
    with pytest.raises(ValueError, match="True/False"):
        trait_inference_metrics(people, trace, trait="age")
    with pytest.raises(ValueError, match="two people with it"):
        trait_inference_metrics(people.assign(has_children=False), trace, trait="has_children")
    with pytest.raises(ValueError, match="at least one trait"):
        trait_inference_metrics(people, trace, trait=[])


# ------------------------------------------------------------------ minimisation


def test_minimised_dimensions_replace_dropped_sources_by_the_average(small):
    people, trace, ties = small["population"], small["transactions"], small["friendships"]
    full = small["dimensions"]
    no_id = minimised_dimensions(people, trace, ties, policy={"identity": False})
    assert no_id["identity_characteristics"].nunique() == 1
    pd.testing.assert_series_equal(no_id["credit_history"], full["credit_history"])
    no_friends = minimised_dimensions(people, trace, ties, policy={"friendships": False})
    assert no_friends["connections"].iloc[0] == pytest.approx(full["connections"].mean())
    assert no_friends["connections"].nunique() == 1
    monthly = minimised_dimensions(people, trace, ties, policy={"time": "month"})
    pd.testing.assert_frame_equal(monthly, full)  # time does not enter the score
    no_place = minimised_dimensions(people, trace, ties, policy={"place": None})
    assert not no_place["behaviour_preferences"].equals(full["behaviour_preferences"])


def test_minimisation_trades_accuracy_for_privacy(default_data):
    people, trace, ties = (default_data[n] for n in ("population", "transactions", "friendships"))
    table = minimisation(people, trace, ties, seed=3)
    assert table["scenario"].tolist() == list(MINIMISATION_SCENARIOS)
    assert not table.isna().any().any()
    rows = table.set_index("scenario")
    full = rows.loc["full data"]
    assert full["auc"] == pytest.approx(
        course.repayment_auc(default_data["scores"], people["defaulted"]))
    assert full[["delta_auc", "delta_footprint", "delta_unicity"]].tolist() == [0, 0, 0]
    # Dropping bill history costs the score most of its power
    assert rows.loc["no bill history", "delta_auc"] < -0.05
    # Dropping friendships removes every tie from the footprint, and changes no unicity
    degree = 2 * len(ties) / len(people)
    assert rows.loc["no friendship data", "delta_footprint"] == pytest.approx(-degree)
    # Coarsening all three fields of a payment protects people; coarsening one does not
    assert rows.loc["coarse payments", "delta_unicity"] < -0.5
    assert rows.loc["monthly timestamps", "unicity"] > 0.9
    assert rows.loc["minimal", "unicity"] < 0.2
    assert rows.loc["minimal", "mean_footprint"] < full["mean_footprint"]
    assert rows.loc["no purchase categories", "place"] == "not kept"


def test_minimisation_without_payments_has_nothing_to_match(small):
    people, trace, ties = small["population"], small["transactions"], small["friendships"]
    table = minimisation(people, trace, ties, scenarios={"no payments": {"payments": False}},
                         seed=1)
    row = table.set_index("scenario").loc["no payments"]
    assert row["unicity"] == 0.0
    held = footprint(people, trace, ties)
    assert row["mean_footprint"] == pytest.approx(held.drop(columns=["payments", "total"])
                                                  .sum(axis=1).mean())


def test_minimisation_bad_input(small):
    people, trace, ties = small["population"], small["transactions"], small["friendships"]
    with pytest.raises(ValueError, match="unknown policy key"):
        resolve_policy({"gps": False})
    with pytest.raises(TypeError, match="True \\(keep\\) or False"):
        resolve_policy({"identity": "no"})
    with pytest.raises(ValueError, match="unknown time precision"):
        resolve_policy({"time": "year"})
    with pytest.raises(ValueError, match="reserved"):
        minimisation(people, trace, ties, scenarios={"full data": {"identity": False}})
    with pytest.raises(ValueError, match="non-empty"):
        minimisation(people, trace, ties, scenarios={})
    with pytest.raises(ValueError, match="k must be at least 1"):
        minimisation(people, trace, ties, k=0)
    assert resolve_policy(None) == FULL_POLICY


@pytest.mark.parametrize("module", ["coarsening", "reidentification", "footprints", "inference",
                                    "data_minimisation"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    outcome = doctest.testmod(importlib.import_module(f"course.surveillance.{module}"))
    assert outcome.failed == 0, module
