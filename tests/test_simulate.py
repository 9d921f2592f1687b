"""The agent-based simulation (course.simulate) and its rules (course.Rules).

The three effects the course is about are tested on the default data with fixed seeds, each
against a run that differs in one rule only, with assertions on direction and size:
Goodhart (gaming erodes the score's AUC), dependency (a platform-use reward pulls spending onto
the platform and raises switching costs) and friend-pruning (weighting connections fragments
the friendship graph).
"""

import dataclasses
import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

import course
from course.rules import ENGAGEMENT_TASKS, PERK_VALUES_CNY, EngagementTask, Rules
from course.simulation import ACTIONS, SimulationResult, simulate

#: Weights that make friends count (taken from the other dimensions), and that ignore them.
CONNECTED = {"credit_history": 0.30, "fulfilment_capacity": 0.20, "behaviour_preferences": 0.15,
             "identity_characteristics": 0.10, "connections": 0.25}
UNCONNECTED = {"credit_history": 0.40, "fulfilment_capacity": 0.25,
               "behaviour_preferences": 0.20, "identity_characteristics": 0.15,
               "connections": 0.0}

SUMMARY_COLUMNS = ["month", "mean_score", "auc", "platform_share", "switching_cost",
                   "data_points", "share_poor", "share_fair", "share_good", "share_very_good",
                   "share_excellent"]
PANEL_COLUMNS = ["consumer_id", "month", "score", "tier", "switching_cost_cny",
                 "platform_share", "bills_on_platform", "friends", "engagement", "data_points",
                 "income_shock", "tasks_done", *ACTIONS, "defaulted"]


@pytest.fixture(scope="module")
def runs(default_data):
    """24-month runs on the default data, seed 1, under rules that differ in one respect."""
    variants = {
        "gaming": Rules(),
        "no_gaming": Rules(gameable_tasks=()),
        "no_reward": Rules(gameable_tasks=(), platform_use_reward=0),
        "connected": Rules(weights=CONNECTED, gameable_tasks=()),
        "unconnected": Rules(weights=UNCONNECTED, gameable_tasks=()),
    }
    return {name: simulate(default_data["population"], rules=rules, seed=1,
                           transactions=default_data["transactions"],
                           friendships=default_data["friendships"])
            for name, rules in variants.items()}


@pytest.fixture(scope="module")
def short(small):
    """A 6-month run of the small (500-person) population."""
    return simulate(small["population"], months=6, seed=3, transactions=small["transactions"],
                    friendships=small["friendships"])


def change(result, column):
    """Month-24 value minus month-0 value of a summary column."""
    return result.summary[column].iloc[-1] - result.summary[column].iloc[0]


# Rules --------------------------------------------------------------------------------------

def test_rules_defaults_follow_the_package():
    rules = Rules()
    assert dict(rules.weights) == course.DEFAULT_WEIGHTS
    assert dict(rules.perk_thresholds) == dict(zip(course.PERKS["perk"], course.PERKS["min_score"]))
    assert dict(rules.perk_values_cny) == PERK_VALUES_CNY
    assert rules.gameable_tasks == tuple(ENGAGEMENT_TASKS)
    assert rules.platform_use_reward == 1.0
    assert all(isinstance(t, EngagementTask) for t in rules.tasks)
    table = rules.perks
    assert list(table.columns) == ["perk", "min_score", "value_cny"]
    assert list(table["perk"]) == list(course.PERKS["perk"])


def test_rules_print_what_differs_from_the_defaults():
    assert repr(Rules()) == "Rules()"
    assert repr(Rules(gameable_tasks=())) == "Rules(gameable_tasks=())"
    assert repr(Rules(platform_use_reward=0)) == "Rules(platform_use_reward=0.0)"
    assert "connections" in repr(Rules(weights=CONNECTED))
    text = str(Rules(gameable_tasks=()))
    assert "weights: credit_history 0.35" in text
    assert "gameable engagement tasks: none" in text
    assert "600+  deposit_free_rental" in text
    assert "forest_energy" in str(Rules())


def test_rules_replace_changes_one_field_and_rejects_unknown_names():
    rules = Rules().replace(gameable_tasks=("daily_check_in",))
    assert rules.gameable_tasks == ("daily_check_in",)
    assert rules.weights == Rules().weights
    assert dataclasses.replace(Rules(), platform_use_reward=0.5).platform_use_reward == 0.5
    with pytest.raises(TypeError, match="unknown rule.*'gaming'.*gameable_tasks"):
        Rules().replace(gaming=())
    with pytest.raises(TypeError, match="unknown rule.*'weight'.*the rules are weights"):
        Rules(weight=CONNECTED)


def test_rules_are_frozen_hashable_and_compare_by_value():
    rules = Rules()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.platform_use_reward = 0.0
    with pytest.raises(TypeError, match="rules.replace"):
        rules.weights["connections"] = 0.5
    with pytest.raises(TypeError, match="rules.replace"):
        rules.perk_values_cny.update(dating_badge=0.0)
    assert rules == Rules() and hash(rules) == hash(Rules())
    assert rules != Rules(gameable_tasks=())
    assert len({Rules(), Rules(), Rules(gameable_tasks=())}) == 2


def test_rules_copy_and_pickle():
    import copy
    import pickle

    rules = Rules(weights=CONNECTED, gameable_tasks=("forest_energy",))
    for clone in (copy.deepcopy(rules), pickle.loads(pickle.dumps(rules))):
        assert clone == rules and hash(clone) == hash(rules)
        with pytest.raises(TypeError):
            clone.weights["connections"] = 0.0
    assert dataclasses.asdict(rules)["weights"] == CONNECTED


def test_rules_copy_the_dicts_they_are_given():
    weights = dict(CONNECTED)
    rules = Rules(weights=weights)
    weights["connections"] = 0.9
    assert rules.weights["connections"] == 0.25


@pytest.mark.parametrize("kwargs, error, message", [
    ({"gameable_tasks": ("lottery",)}, ValueError, "unknown engagement task 'lottery'.*check_in"),
    ({"gameable_tasks": 3}, TypeError, "tuple of task names"),
    ({"weights": {**course.DEFAULT_WEIGHTS, "connections": 0.5}}, ValueError, "sum to 1"),
    ({"weights": {"credit_history": 1.0, "luck": 0.0}}, ValueError, "unknown dimension"),
    ({"platform_use_reward": -1}, ValueError, "from 0"),
    ({"platform_use_reward": "high"}, TypeError, "number"),
    ({"platform_use_reward": True}, TypeError, "number"),
    ({"perk_thresholds": {"deposit_free_rental": 1000}}, ValueError, "from 350 to 950"),
    ({"perk_thresholds": {"deposit_free_rental": 600.5}}, TypeError, "whole score"),
    ({"perk_thresholds": [600]}, TypeError, "dict of perk name"),
    ({"perk_values_cny": {"deposit_free_rental": 1.0}}, ValueError, "missing deposit_free_housing"),
    ({"perk_values_cny": {**PERK_VALUES_CNY, "dating_badge": -5}}, ValueError, ">= 0"),
])
def test_rules_reject_bad_values_with_a_clear_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        Rules(**kwargs)


def test_rules_accept_one_task_name_and_other_perks():
    assert Rules(gameable_tasks="forest_energy").gameable_tasks == ("forest_energy",)
    rules = Rules(perk_thresholds={"free_umbrella": 500}, perk_values_cny={"free_umbrella": 50})
    assert list(rules.perks["perk"]) == ["free_umbrella"]


# The dimension keywords the simulation uses ---------------------------------------------------

def test_dimension_keywords_default_to_todays_score(small):
    bp, fc = course.behaviour_preferences, course.fulfilment_capacity
    x = np.linspace(0, 40, 9)
    assert np.array_equal(bp(x, 0.2, 0.01), bp(x, 0.2, 0.01, use_weight=0.55, engagement=0.0))
    assert np.array_equal(fc(x * 300, True, False), fc(x * 300, True, False, spend_weight=0.65))
    # Without the reward, platform use and platform spending earn nothing
    assert np.ptp(bp(x, 0.2, 0.0, use_weight=0.0)) == 0
    assert np.ptp(fc(x * 300, True, False, spend_weight=0.0)) == 0
    # Engagement raises behaviour & preferences, within [0, 1]
    assert bp(5, 0.2, 0.0, engagement=0.2) == pytest.approx(bp(5, 0.2, 0.0) + 0.2)
    assert bp(40, 1.0, 0.0, engagement=0.5) == 1.0


def test_connections_match_the_package(small):
    people, ties = small["population"], small["friendships"]
    rng = np.random.default_rng(0)
    standing = pd.Series(rng.random(len(people)), index=people["consumer_id"])
    both = course.friend_lists(ties)
    total = np.bincount(both["consumer_id"], standing.to_numpy()[both["friend_id"]],
                        minlength=len(people))
    count = np.bincount(both["consumer_id"], minlength=len(people))
    np.testing.assert_allclose(course.connections_from_totals(total, count),
                               course.connections(ties, standing))


# Shape and contract of the result -------------------------------------------------------------

def test_panel_has_one_row_per_agent_per_month(short, small):
    panel = short.panel
    n = len(small["population"])
    assert isinstance(short, SimulationResult)
    assert list(panel.columns) == PANEL_COLUMNS
    assert len(panel) == n * 7
    assert (panel.groupby("consumer_id").size() == 7).all()
    assert sorted(panel["month"].unique()) == list(range(7))
    assert not panel.duplicated(["consumer_id", "month"]).any()
    assert panel["tier"].cat.ordered and list(panel["tier"].cat.categories) == list(
        course.TIERS["tier"])
    assert panel.notna().all().all()
    assert panel["score"].between(350, 950).all()
    assert panel[list(ACTIONS)].dtypes.eq(bool).all()


def test_month_zero_is_the_start_before_anyone_acts(short):
    start = short.panel[short.panel["month"] == 0]
    assert not start[list(ACTIONS)].any().any()
    assert (start["tasks_done"] == 0).all() and (start["engagement"] == 0).all()


def test_summary_agrees_with_the_panel(short, small):
    summary, panel = short.summary, short.panel
    assert set(SUMMARY_COLUMNS) <= set(summary.columns)
    assert list(summary["month"]) == list(range(7))
    assert summary.notna().all().all()
    by_month = panel.groupby("month")
    np.testing.assert_allclose(summary["mean_score"], by_month["score"].mean())
    np.testing.assert_allclose(summary["platform_share"], by_month["platform_share"].mean())
    np.testing.assert_allclose(summary["switching_cost"], by_month["switching_cost_cny"].mean())
    np.testing.assert_allclose(summary["data_points"], by_month["data_points"].mean())
    np.testing.assert_allclose(summary["friends"], by_month["friends"].mean())
    shares = summary[[c for c in summary.columns if c.startswith("share_")]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    np.testing.assert_allclose(shares["share_poor"], by_month["tier"].apply(
        lambda t: (t == "poor").mean()))
    # The AUC is course.repayment_auc of each month's scores against the fixed outcome
    for month, group in by_month:
        assert summary.loc[month, "auc"] == pytest.approx(
            course.repayment_auc(group["score"], group["defaulted"]), abs=1e-12)


def test_scores_and_tiers_come_from_the_package(short, small):
    panel = short.panel
    assert (panel["tier"].astype(str) == course.tiers(panel["score"]).astype(str)).all()
    values = short.rules.perks.set_index("perk")["value_cny"]
    held = course.perks_granted(panel["score"], blacklisted=panel["consumer_id"].map(
        small["population"].set_index("consumer_id")["blacklisted"]).to_numpy())
    np.testing.assert_allclose(panel["switching_cost_cny"], held.to_numpy() @ values.to_numpy())


def test_monthly_auc_is_course_auc(runs):
    panel, summary = runs["gaming"].panel, runs["gaming"].summary
    for month in [0, 1, 12, 24]:
        scores = panel[panel["month"] == month]
        assert summary.loc[month, "auc"] == pytest.approx(
            course.repayment_auc(scores["score"], scores["defaulted"]), abs=1e-12)


def test_month_zero_scores_are_the_engines_scores(default_data, runs):
    # One model of the score: the agents score month 0 exactly as lotus_score(platform_view(...))
    start = runs["gaming"].panel.query("month == 0").set_index("consumer_id")["score"]
    people = default_data["population"]
    view = course.platform_view(people, default_data["transactions"])
    engine = course.lotus_score(course.dimensions_from_view(view, default_data["friendships"]),
                                blacklisted=people["blacklisted"].to_numpy())
    assert start.index.equals(engine.index)
    assert (start == engine).all()


def test_agents_score_what_the_platform_sees_every_month(small):
    # For the same population and month, the agents' scores are lotus_score of
    # dimensions_from_view(what the platform sees of them, their friendships of that month),
    # while they move spending, verify items, pay with effort and change friends.
    agents_module = importlib.import_module("course.agents")
    rng = np.random.default_rng(3)
    rules = Rules(gameable_tasks=(), weights=course.set_weight(course.DEFAULT_WEIGHTS,
                                                               "connections", 0.25))
    agents = agents_module.Agents(small["population"], rules, rng, small["transactions"],
                                  small["friendships"])
    dims = agents.dimensions()
    changed = 0
    for month in range(5):
        if month:
            did = agents.step(rng, dims)
            dims = agents.dimensions()
            changed += sum(int(did[a].sum()) for a in ACTIONS)
        ties = pd.DataFrame({"consumer_id": agents.ids[agents.a[agents.alive]],
                             "friend_id": agents.ids[agents.b[agents.alive]]})
        engine = course.dimensions_from_view(agents.view(), ties)
        mine = pd.DataFrame(dims, index=engine.index, columns=course.DIMENSIONS)
        np.testing.assert_allclose(mine, engine, rtol=0, atol=1e-12)
        pd.testing.assert_series_equal(course.lotus_score(mine, rules.weights),
                                       course.lotus_score(engine, rules.weights))
    assert changed > 0  # the agents did act, so later months are not month 0 again


def test_true_risk_never_changes(runs, default_data):
    truth = default_data["population"].set_index("consumer_id")["defaulted"]
    panel = runs["gaming"].panel
    assert (panel["defaulted"].to_numpy() == truth.reindex(panel["consumer_id"]).to_numpy()).all()


def test_blacklisted_agents_stay_capped_and_do_nothing(runs, default_data):
    people = default_data["population"]
    black = people.loc[people["blacklisted"], "consumer_id"]
    assert len(black) > 0
    theirs = runs["gaming"].panel[runs["gaming"].panel["consumer_id"].isin(black)]
    assert (theirs["score"] <= course.BLACKLIST_CAP).all()
    assert (theirs["switching_cost_cny"] == 0).all()
    assert not theirs[list(ACTIONS)].any().any()


def test_same_seed_same_panel_and_other_seed_other_panel(small):
    kwargs = dict(months=4, transactions=small["transactions"], friendships=small["friendships"])
    first = simulate(small["population"], seed=11, **kwargs)
    again = simulate(small["population"], seed=11, **kwargs)
    other = simulate(small["population"], seed=12, **kwargs)
    pd.testing.assert_frame_equal(first.panel, again.panel)
    pd.testing.assert_frame_equal(first.summary, again.summary)
    assert not first.panel.equals(other.panel)
    # A Generator is used as it is
    one = simulate(small["population"], seed=np.random.default_rng(5), **kwargs)
    two = simulate(small["population"], seed=np.random.default_rng(5), **kwargs)
    pd.testing.assert_frame_equal(one.panel, two.panel)


def test_runs_from_a_population_alone():
    people = course.make_population(400, seed=4)
    result = simulate(people, months=3, seed=4)
    again = simulate(people, months=3, seed=4)
    pd.testing.assert_frame_equal(result.panel, again.panel)
    assert len(result.initial_friendships) > 0
    assert set(result.friendships.columns) == {"consumer_id", "friend_id"}


def test_consumer_ids_are_labels_not_positions(small):
    people, trace, ties = small["population"], small["transactions"], small["friendships"]
    shifted = simulate(people.assign(consumer_id=people["consumer_id"] + 1000), months=3, seed=2,
                       transactions=trace.assign(consumer_id=trace["consumer_id"] + 1000),
                       friendships=ties + 1000)
    plain = simulate(people, months=3, seed=2, transactions=trace, friendships=ties)
    assert (shifted.panel["consumer_id"] == plain.panel["consumer_id"] + 1000).all()
    assert (shifted.panel["score"] == plain.panel["score"]).all()


def test_no_tasks_on_offer_means_no_gaming(runs):
    panel = runs["no_gaming"].panel
    assert not panel["gamed"].any() and (panel["engagement"] == 0).all()
    assert (runs["no_gaming"].summary["gaming"] == 0).all()
    assert runs["gaming"].summary["gaming"].iloc[1:].between(0.1, 0.9).all()


def test_gaming_is_watched(runs):
    # Engagement tasks are data: the platform collects far more per agent when they are offered
    assert (runs["gaming"].summary["data_points"].iloc[1:]
            > 2 * runs["no_gaming"].summary["data_points"].iloc[1:]).all()
    assert runs["gaming"].summary["data_points_total"].is_monotonic_increasing


# The three effects ----------------------------------------------------------------------------

def test_goodhart_gaming_erodes_the_scores_validity(runs):
    gaming, honest = runs["gaming"].summary, runs["no_gaming"].summary
    assert gaming["auc"].iloc[0] == pytest.approx(honest["auc"].iloc[0])
    # With gameable tasks rewarded, AUC falls by at least 0.03 over 24 months ...
    assert change(runs["gaming"], "auc") <= -0.03
    # ... while without them it does not fall by more than 0.01
    assert change(runs["no_gaming"], "auc") >= -0.01
    assert honest["auc"].iloc[-1] - gaming["auc"].iloc[-1] >= 0.03
    # and scores rise more when the measure can be gamed (score inflation)
    assert change(runs["gaming"], "mean_score") > change(runs["no_gaming"], "mean_score") + 10


def test_goodhart_mechanism_those_short_of_money_game_most(runs, default_data):
    """Gamers are riskier than non-gamers with the same starting score."""
    panel = runs["gaming"].panel
    start = panel[panel["month"] == 0].set_index("consumer_id")["score"]
    gamed = panel[panel["month"] > 0].groupby("consumer_id")["gamed"].mean() > 0.5
    truth = default_data["population"].set_index("consumer_id")["defaulted"]
    frame = pd.DataFrame({"band": pd.cut(start, [549, 600, 650, 700]), "gamed": gamed,
                          "defaulted": truth}).dropna()
    rates = frame.groupby(["band", "gamed"], observed=True)["defaulted"].mean().unstack()
    assert (rates[True] > rates[False]).all(), rates


def test_need_power_zero_gives_everyone_the_same_need(short, small):
    """Without the need assumption, agents who will default game no more than the others,
    and the default run (need_power=2) is what simulate does when it is not given."""
    def gaming_by_outcome(result):
        played = result.panel.query("month > 0").groupby("defaulted")["gamed"].mean()
        return played[True] - played[False]

    kwargs = dict(months=6, seed=3, transactions=small["transactions"],
                  friendships=small["friendships"])
    explicit = simulate(small["population"], need_power=2, **kwargs)
    pd.testing.assert_frame_equal(explicit.panel, short.panel)
    same_need = simulate(small["population"], need_power=0, **kwargs)
    assert gaming_by_outcome(short) > 0.1
    assert abs(gaming_by_outcome(same_need)) < gaming_by_outcome(short) / 2


def test_dependency_a_platform_use_reward_pulls_people_in(runs):
    rewarded, unrewarded = runs["no_gaming"], runs["no_reward"]
    start_cost = rewarded.summary["switching_cost"].iloc[0]
    # With the reward, platform share and switching cost rise ...
    assert change(rewarded, "platform_share") >= 0.05
    assert change(rewarded, "switching_cost") >= 0.15 * start_cost
    assert change(rewarded, "bills_on_platform") >= 0.3
    assert (rewarded.summary["platform_share"].diff().iloc[1:] >= 0).all()
    # ... with it at zero, they stay flat
    assert abs(change(unrewarded, "platform_share")) < 0.005
    assert not unrewarded.panel["moved_to_platform"].any()
    assert abs(change(unrewarded, "switching_cost")) <= 0.05 * unrewarded.summary[
        "switching_cost"].iloc[0]


def test_friend_pruning_fragments_the_graph_when_connections_count(runs):
    connected, unconnected = runs["connected"], runs["unconnected"]
    # With connections weighted, agents drop low-standing friends ...
    assert connected.panel["dropped_friend"].mean() > 0.01
    assert change(connected, "friends") <= -1.0
    # ... and the graph fragments: more components, fewer ties across score tiers
    assert change(connected, "components") >= 5
    assert change(connected, "cross_tier_ties") <= -0.03
    # Without, nobody changes friends for the score
    assert not unconnected.panel[["dropped_friend", "added_friend"]].any().any()
    assert change(unconnected, "components") == 0
    pd.testing.assert_frame_equal(
        unconnected.friendships.reset_index(drop=True),
        unconnected.initial_friendships[["consumer_id", "friend_id"]].reset_index(drop=True))


def test_dropped_friends_had_low_standing(runs, default_data):
    start = runs["connected"].panel.query("month == 0").set_index("consumer_id")["score"]
    before = runs["connected"].initial_friendships
    after = runs["connected"].friendships
    key = ["consumer_id", "friend_id"]
    gone = before.merge(after, on=key, how="left", indicator=True).query("_merge == 'left_only'")
    kept = before.merge(after, on=key)
    assert len(gone) > 100

    def weaker_end(ties):
        return np.minimum(start[ties["consumer_id"]].to_numpy(),
                          start[ties["friend_id"]].to_numpy())

    assert weaker_end(gone).mean() < weaker_end(kept).mean() - 20


# Bad input ------------------------------------------------------------------------------------

def test_bad_input_raises_a_clear_error(small):
    people = small["population"]
    with pytest.raises(ValueError, match="months must be at least 1"):
        simulate(people, months=0)
    with pytest.raises(TypeError, match="months must be a whole number"):
        simulate(people, months=2.5)
    with pytest.raises(ValueError, match="population is empty"):
        simulate(people.iloc[:0])
    with pytest.raises(TypeError, match="population must be a pandas DataFrame"):
        simulate(people.to_dict())
    with pytest.raises(ValueError, match="missing the column.*defaulted"):
        simulate(people.drop(columns="defaulted"))
    with pytest.raises(TypeError, match=r"course.Rules\(\*\*rules\)"):
        simulate(people, rules={"gameable_tasks": ()})
    with pytest.raises(TypeError, match=r"call it: rules=Rules\(\)"):
        simulate(people, rules=Rules)
    with pytest.raises(ValueError, match="repeated consumer_id"):
        simulate(pd.concat([people, people.iloc[:1]]))
    with pytest.raises(ValueError, match="on_time_rate has missing values"):
        simulate(people.assign(on_time_rate=people["on_time_rate"].where(
            people["consumer_id"] != 3)))
    with pytest.raises(ValueError, match="platform_share must lie in"):
        simulate(people.assign(platform_share=people["platform_share"] + 1))
    with pytest.raises(TypeError, match="seed"):
        simulate(people, seed="one")
    with pytest.raises(ValueError, match="need_power must be 0 or more"):
        simulate(people, need_power=-1)
    with pytest.raises(ValueError, match="need_power must be 0 or more"):
        simulate(people, need_power=float("nan"))
    with pytest.raises(TypeError, match="need_power must be a number"):
        simulate(people, need_power="2")


def test_inputs_from_another_population_are_refused(small):
    people = small["population"]
    with pytest.raises(ValueError, match="friendships mention consumer_id"):
        simulate(people, months=1, friendships=pd.DataFrame({"consumer_id": [0],
                                                            "friend_id": [10_000]}))
    stranger = small["transactions"].assign(consumer_id=small["transactions"]["consumer_id"] + 5000)
    with pytest.raises(ValueError, match="transactions mention consumer_id"):
        simulate(people, months=1, transactions=stranger)


def test_one_kind_of_outcome_gives_an_explicit_nan_auc(small):
    people = small["population"].assign(defaulted=False)
    with pytest.warns(UserWarning, match="AUC is undefined"):
        result = simulate(people, months=2, seed=1, transactions=small["transactions"],
                          friendships=small["friendships"])
    assert result.summary["auc"].isna().all()
    assert result.summary.drop(columns="auc").notna().all().all()


def test_a_single_agent_and_a_single_month_work():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one agent: AUC undefined
        lone = simulate(course.make_population(1, seed=3), months=1, seed=1)
    assert len(lone.panel) == 2 and lone.summary["components"].tolist() == [1, 1]
    assert lone.summary["friends"].eq(0).all()


def test_docstring_examples_run():
    import doctest

    for name in ("course.rules", "course.simulation"):
        outcome = doctest.testmod(importlib.import_module(name))
        assert outcome.attempted > 0 and outcome.failed == 0, name


def test_results_do_not_depend_on_the_block_size(small, monkeypatch):
    agents = importlib.import_module("course.agents")
    kwargs = dict(months=3, seed=5, transactions=small["transactions"],
                  friendships=small["friendships"])
    whole = simulate(small["population"], **kwargs)
    monkeypatch.setattr(agents, "BLOCK", 64)
    blocks = simulate(small["population"], **kwargs)
    pd.testing.assert_frame_equal(whole.panel, blocks.panel)
    pd.testing.assert_frame_equal(whole.summary, blocks.summary)
