"""The incentive and dependency simulators, driven headlessly.

Both explorers are thin wrappers over :func:`course.simulate`, so the tests compare what they
computed with the bare package call, check that each control moves the result the way the
simulation's mechanics say it must (no tasks -> no fall in AUC; no reward -> flat platform
share; more weight on friends -> a more fragmented graph), that runs are cached, and that
errors end up in the explorer's output rather than being raised or lost. The last section
pins the numbers lessons 05 and 06 quote.
"""

from __future__ import annotations

import ipywidgets
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import course
from course import Rules
from course.widgets import dependency as DW
from course.widgets import incentives as IW
from course.widgets._base import stepped_limits

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data(small):
    return small


@pytest.fixture(scope="module")
def frames(default_data):
    """The course's default population, transactions and friendships."""
    return tuple(default_data[n] for n in ("population", "transactions", "friendships"))


def make(kind, d, **kwargs):
    factory = IW.incentive_simulator if kind == "incentive" else DW.dependency_simulator
    return factory(d["population"], d["transactions"], d["friendships"], **kwargs)


@pytest.fixture
def incentive(data):
    return make("incentive", data)


@pytest.fixture
def dependency(data):
    return make("dependency", data)


def bare(d, rules, months=24, seed=1):
    return course.simulate(d["population"], months=months, rules=rules, seed=seed,
                           transactions=d["transactions"], friendships=d["friendships"])


# --- Both explorers -------------------------------------------------------------------------

def test_both_start_without_error_and_show_a_figure(incentive, dependency):
    for explorer, says in ((incentive, "AUC change"), (dependency, "switching cost")):
        assert isinstance(explorer, ipywidgets.VBox)
        assert explorer.error is None, explorer.message
        assert explorer.result is not None
        assert bytes(explorer.image.value).startswith(PNG)
        assert says in explorer.summary.value
        assert explorer.alt_text.startswith(explorer.title + ": ")


def test_every_control_has_a_description(incentive, dependency):
    for explorer, at_least in ((incentive, 8), (dependency, 6)):
        controls = explorer.controls()
        assert len(controls) >= at_least, [type(c).__name__ for c in controls]
        for control in controls:
            assert control.description.strip(), f"{type(control).__name__} has no label"


def test_sliders_and_text_update_only_on_release(incentive, dependency):
    sliders = [c for x in (incentive, dependency) for c in x.controls()
               if isinstance(c, (ipywidgets.FloatSlider, ipywidgets.IntSlider))]
    assert len(sliders) == 6  # behaviour weight, perk values, reward, connections, 2 x months
    for explorer in (incentive, dependency):
        for control in explorer.controls():
            if hasattr(control, "continuous_update"):
                assert control.continuous_update is False, control.description


def test_they_leave_pyplot_and_rc_alone(data):
    before = dict(mpl.rcParams)
    open_before = plt.get_fignums()
    make("incentive", data).tasks["daily_check_in"].value = False
    make("dependency", data).reward.value = 0.5
    assert plt.get_fignums() == open_before, "an explorer opened a pyplot figure"
    changed = {k for k, v in mpl.rcParams.items() if before.get(k) != v}
    assert not changed, f"an explorer changed global settings: {sorted(changed)[:5]}"


def test_results_are_the_bare_simulation(data, incentive, dependency):
    # A thin wrapper: what is shown is exactly course.simulate's summary
    pd.testing.assert_frame_equal(incentive.result.simulation.summary,
                                  bare(data, Rules()).summary)
    pd.testing.assert_frame_equal(incentive.result.baseline.summary,
                                  bare(data, Rules(gameable_tasks=())).summary)
    pd.testing.assert_frame_equal(dependency.result.neutral.summary,
                                  bare(data, course.neutral_rules(Rules())).summary)


def test_the_figure_changes_when_a_control_changes(incentive, dependency):
    for explorer, control, value in ((incentive, incentive.tasks["forest_energy"], False),
                                     (dependency, dependency.connections, 0.3)):
        before = bytes(explorer.image.value)
        updates = explorer.updates
        control.value = value
        assert explorer.error is None, explorer.message
        assert explorer.updates == updates + 1
        assert bytes(explorer.image.value) != before


def test_months_and_seed_controls(data, incentive):
    incentive.months.value = 12
    summary = incentive.result.simulation.summary
    assert list(summary["month"]) == list(range(13))
    first = summary["auc"].to_numpy()
    incentive.seed.value = 2
    assert incentive.result.seed == 2
    assert not np.array_equal(incentive.result.simulation.summary["auc"].to_numpy(), first)
    pd.testing.assert_frame_equal(incentive.result.simulation.summary,
                                  bare(data, Rules(), months=12, seed=2).summary)


def test_reset_restores_the_default_rules(incentive, dependency):
    with incentive.holding():
        incentive.tasks["daily_check_in"].value = False
        incentive.behaviour_weight.value = 0.5
        incentive.months.value = 6
    incentive.reset.click()
    assert incentive.result.rules == Rules() and incentive.result.months == 24
    dependency.reward.value = 0.0
    dependency.reset.click()
    assert dependency.result.rules == Rules()


def test_holding_updates_once(incentive):
    updates = incentive.updates
    with incentive.holding():
        for box in incentive.tasks.values():
            box.value = False
        incentive.perk_values.value = 2.0
    assert incentive.updates == updates + 1
    assert incentive.result.rules.gameable_tasks == ()


def test_errors_are_shown_in_the_output_not_raised(data, incentive, monkeypatch):
    good = incentive.result
    figure = bytes(incentive.image.value)

    def broken(*args, **kwargs):
        raise RuntimeError("simulation failed on purpose")

    monkeypatch.setattr(incentive.cache, "run", broken)
    incentive.perk_values.value = 2.0  # must not raise
    assert isinstance(incentive.error, RuntimeError)
    assert "simulation failed on purpose" in incentive.message
    assert incentive.output.outputs[0]["name"] == "stderr"
    assert incentive.result is good, "the last good result must be kept"
    assert bytes(incentive.image.value) == figure, "the last good figure must be kept"


def test_bad_inputs_are_reported_in_the_output(data):
    # Transactions of another population: simulate raises, the explorer shows it
    other = course.make_population(50, seed=99)
    other["consumer_id"] += 10**6
    trace = course.make_transactions(other, months=1, seed=1)
    for factory in (IW.incentive_simulator, DW.dependency_simulator):
        explorer = factory(data["population"], trace, data["friendships"])
        assert isinstance(explorer.error, ValueError)
        assert "not in the population" in explorer.message
        assert explorer.result is None


def test_unknown_task_names_fail_with_the_list(data):
    with pytest.raises(ValueError, match="daily_check_in"):
        make("incentive", data, tasks=("lottery",))
    explorer = make("incentive", data)
    with pytest.raises(ValueError, match="unknown engagement task"):
        explorer.set_tasks(["lottery"])


# --- Incentive simulator -------------------------------------------------------------------

def test_tasks_offered_are_the_ticked_boxes(incentive):
    incentive.set_tasks(["forest_energy"])
    assert incentive.result.rules.gameable_tasks == ("forest_energy",)
    assert [b.value for b in incentive.tasks.values()] == [False, True, False]
    assert incentive.result.baseline_rules.gameable_tasks == ()


def test_switching_off_all_tasks_stops_gaming(incentive):
    assert incentive.result.gaming_share > 0.1
    incentive.set_tasks(())
    result = incentive.result
    assert result.gaming_share == 0.0 and result.ever_gamed == 0.0
    assert result.simulation is result.baseline, "no tasks: both runs are the same run"
    assert int(result.simulation.panel["tasks_done"].sum()) == 0
    assert "No tasks on offer" in incentive.message


def test_behaviour_weight_rescales_the_others(incentive):
    incentive.behaviour_weight.value = 0.4
    weights = incentive.result.rules.weights
    assert weights["behaviour_preferences"] == pytest.approx(0.4)
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-9)
    # the other four keep their default proportions (35 : 25 : 15 : 5)
    assert weights["credit_history"] / weights["connections"] == pytest.approx(7.0)
    assert weights["fulfilment_capacity"] / weights["identity_characteristics"] == pytest.approx(
        25 / 15)
    assert "Behaviour 40%" in incentive.weights_note.value


def test_heavier_behaviour_weight_brings_more_gaming(incentive):
    low = incentive.result.ever_gamed
    incentive.behaviour_weight.value = 0.45
    assert incentive.result.ever_gamed > low + 0.05


def test_worthless_perks_mean_nobody_games(incentive):
    incentive.perk_values.value = 0.0
    assert incentive.result.ever_gamed == 0.0
    assert all(v == 0 for v in incentive.result.rules.perk_values_cny.values())


def test_gaming_by_outcome_matches_the_panel(incentive):
    panel = incentive.result.simulation.panel
    table = incentive.result.gaming_by_outcome
    month = 3
    rows = panel[panel["month"] == month]
    assert table.loc[month, "will default"] == pytest.approx(rows.loc[rows["defaulted"],
                                                                      "gamed"].mean())
    assert table.loc[month, "will not default"] == pytest.approx(rows.loc[~rows["defaulted"],
                                                                          "gamed"].mean())
    assert (table.loc[0] == 0).all(), "nobody acts in month 0"


def test_runs_are_cached_and_the_baseline_is_shared(incentive):
    cache = incentive.cache
    assert (cache.misses, cache.hits) == (2, 0)  # your rules and the baseline
    incentive.tasks["forest_energy"].value = False  # new rules, same baseline
    assert (cache.misses, cache.hits) == (3, 1)
    incentive.tasks["forest_energy"].value = True  # seen before: the comparison is reused
    assert (cache.misses, cache.hits) == (3, 1)
    assert incentive.result is cache.compare(incentive.result.rules,
                                             incentive.result.baseline_rules, 24, 1,
                                             IW.IncentiveSimulator._side_by_side)
    assert incentive.error is None


def test_the_cache_forgets_the_oldest_runs(data):
    cache = course.SimulationCache(data["population"], data["transactions"], data["friendships"],
                               maxsize=2)
    first = cache.run(Rules(), 6, 1)
    cache.run(Rules(gameable_tasks=()), 6, 1)
    assert cache.run(Rules(), 6, 1) is first  # still there (and now the most recent)
    cache.run(Rules(platform_use_reward=0), 6, 1)
    assert len(cache) == 2
    assert cache.run(Rules(), 6, 1) is first
    misses = cache.misses
    cache.run(Rules(gameable_tasks=()), 6, 1)  # was dropped: simulated again
    assert cache.misses == misses + 1


# --- Dependency simulator ------------------------------------------------------------------

def test_no_reward_keeps_platform_share_flat(dependency):
    dependency.reward.value = 0.0
    summary = dependency.result.simulation.summary
    assert np.ptp(summary["platform_share"].to_numpy()) == 0.0
    assert np.ptp(summary["bills_on_platform"].to_numpy()) == 0.0
    # ... while the default reward pulls spending onto the platform
    dependency.reward.value = 1.0
    first, last = dependency.result.platform_share
    assert last > first + 0.03


def test_without_tasks_or_reward_the_switching_cost_stays_flat(dependency):
    with dependency.holding():
        dependency.tasks_on.value = False
    rewarded = dependency.result.switching_cost
    dependency.reward.value = 0.0
    first, last = dependency.result.switching_cost
    # What is left comes from paying on time and verifying, not from using the platform:
    # a few per cent, a fraction of the rise the reward brings
    assert abs(last - first) < 0.05 * first
    assert abs(last - first) < 0.25 * (rewarded[1] - rewarded[0])
    assert dependency.result.platform_share[1] == dependency.result.platform_share[0]
    assert dependency.result.rules.gameable_tasks == ()


def test_more_weight_on_friends_fragments_the_graph(frames):
    people, trace, ties = frames
    explorer = DW.dependency_simulator(people, trace, ties)
    default = explorer.result
    explorer.connections.value = 0.25
    heavy = explorer.result
    assert heavy.rules.weights["connections"] == pytest.approx(0.25)
    assert heavy.components[0] == default.components[0] == 1
    assert heavy.components[1] > default.components[1] + 10
    assert heavy.cross_tier_ties[1] < default.cross_tier_ties[1] - 0.05
    # the neutral run never changes friends
    assert (explorer.result.neutral.summary["components"] == 1).all()


def test_no_weight_on_friends_means_nobody_changes_friends(dependency):
    dependency.connections.value = 0.0
    panel = dependency.result.simulation.panel
    assert not panel["dropped_friend"].any() and not panel["added_friend"].any()
    assert "nobody adds or drops a friend" in dependency.message


def test_friends_by_start_tier_matches_the_panel(dependency):
    table = dependency.result.friends_by_tier
    panel = dependency.result.simulation.panel
    start = panel[panel["month"] == 0].set_index("consumer_id")
    end = panel[panel["month"] == panel["month"].max()].set_index("consumer_id")
    poor = start.index[start["tier"] == "poor"]
    assert table.loc["poor", "agents"] == len(poor)
    assert table.loc["poor", "start"] == pytest.approx(start.loc[poor, "friends"].mean())
    assert table.loc["poor", "end"] == pytest.approx(end.loc[poor, "friends"].mean())
    assert table["agents"].sum() == len(start)


def test_neutral_rules_pay_nothing_for_platform_use_or_friends():
    neutral = course.neutral_rules(Rules(gameable_tasks=("daily_check_in",)))
    assert neutral.platform_use_reward == 0.0
    assert neutral.weights["connections"] == 0.0
    assert sum(neutral.weights.values()) == pytest.approx(1.0)
    assert neutral.gameable_tasks == ("daily_check_in",)


# --- Helpers -------------------------------------------------------------------------------

def test_set_weight():
    w = course.set_weight(course.DEFAULT_WEIGHTS, "connections", 0.25)
    assert w["connections"] == 0.25 and sum(w.values()) == pytest.approx(1.0, abs=1e-12)
    assert w["credit_history"] / w["fulfilment_capacity"] == pytest.approx(0.35 / 0.25)
    assert course.set_weight(course.DEFAULT_WEIGHTS, "connections", 0.05) == course.DEFAULT_WEIGHTS
    Rules(weights=course.set_weight(course.DEFAULT_WEIGHTS, "behaviour_preferences", 0.6))
    with pytest.raises(ValueError, match="unknown dimension"):
        course.set_weight(course.DEFAULT_WEIGHTS, "friends", 0.2)
    with pytest.raises(ValueError, match="from 0 to 1"):
        course.set_weight(course.DEFAULT_WEIGHTS, "connections", 1.5)
    only = dict.fromkeys(course.DIMENSIONS, 0.0) | {"connections": 1.0}
    with pytest.raises(ValueError, match="nothing to rescale"):
        course.set_weight(only, "connections", 0.5)


def test_stepped_limits():
    assert stepped_limits([0.713, 0.668], 0.02, 0.005) == (0.66, 0.72)
    low, high = stepped_limits([0.712, 0.713], 0.02, 0.005, min_span=0.1)
    assert high - low >= 0.1 and low <= 0.712 and high >= 0.713
    assert stepped_limits([10, 20], 100, 5, min_span=1000, floor=0) == (0.0, 1000.0)
    assert stepped_limits([np.nan], 1, 0) == (0.0, 1.0)


# --- The numbers lessons 05 and 06 quote (default data) ------------------------------------

def test_default_data_findings_quoted_in_lesson_05(frames):
    explorer = IW.incentive_simulator(*frames)
    mine, base = explorer.result.simulation.summary, explorer.result.baseline.summary
    assert mine["auc"].iloc[0] == pytest.approx(0.710, abs=0.0005)
    assert mine["auc"].iloc[-1] == pytest.approx(0.661, abs=0.0005)
    assert base["auc"].iloc[-1] == pytest.approx(0.705, abs=0.0005)
    assert (round(mine["mean_score"].iloc[0]), round(mine["mean_score"].iloc[-1]),
            round(base["mean_score"].iloc[-1])) == (617, 648, 630)
    assert "-0.050" in explorer.summary.value  # the AUC change shown to students
    # Offering no tasks stops the fall (what is left is a small drift)
    assert explorer.result.auc_change < -0.045
    explorer.set_tasks(())
    assert abs(explorer.result.auc_change) < 0.01


def test_default_data_findings_quoted_in_lesson_06(frames):
    explorer = DW.dependency_simulator(*frames, tasks=False)
    result = explorer.result
    assert result.platform_share == pytest.approx((0.508, 0.598), abs=0.0005)
    assert result.switching_cost == pytest.approx((2743, 3551), abs=0.5)
    explorer.reward.value = 0.0
    assert explorer.result.platform_share == pytest.approx((0.508, 0.508), abs=0.0005)
    with explorer.holding():
        explorer.reward.value = 1.0
        explorer.tasks_on.value = True
        explorer.connections.value = 0.25
    assert explorer.result.components == (1, 28)


def test_docstring_examples_run():
    import doctest
    import importlib

    for name in ("course.widgets._base.simulator", "course.experiments", "course.weights",
                 "course.widgets.incentives", "course.widgets.dependency"):
        outcome = doctest.testmod(importlib.import_module(name))
        assert outcome.attempted > 0 and outcome.failed == 0, name
