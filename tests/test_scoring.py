"""The Lotus Score engine: dimensions, weights, score, tiers, perks, explanations."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course
from course import DIMENSIONS


def frame(*rows):
    return pd.DataFrame(list(rows), columns=DIMENSIONS, dtype=float)


# Dimensions ---------------------------------------------------------------------------------

def test_dimensions_shape_and_range(small):
    dims = small["dimensions"]
    assert list(dims.columns) == DIMENSIONS
    assert dims.index.name == "consumer_id"
    assert len(dims) == len(small["population"])
    assert dims.notna().all().all()
    assert ((dims >= 0) & (dims <= 1)).all().all()
    # Every dimension varies across people
    assert (dims.std() > 0.02).all()


def test_credit_history_rewards_paying_and_trusts_only_what_it_sees():
    ch = course.credit_history
    assert ch(0.99, 0, 6) > ch(0.80, 0, 6)
    assert ch(0.95, 0, 6) > ch(0.95, 3, 6)
    # A perfect payer the platform cannot see is pulled towards the cautious prior
    assert ch(1.0, 0, 0) == pytest.approx(course.dimensions.THIN_FILE_PRIOR)
    assert ch(1.0, 0, 6) > ch(1.0, 0, 1) > ch(1.0, 0, 0)


def test_behaviour_penalises_gaming_and_rewards_platform_use():
    bp = course.behaviour_preferences
    assert bp(10, 0.2, 0.0) > bp(10, 0.2, 0.2)
    assert bp(20, 0.2, 0.0) > bp(2, 0.2, 0.0)
    assert bp(10, 0.4, 0.0) > bp(10, 0.0, 0.0)
    assert 0 <= bp(0, 0, 1) <= bp(1000, 1, 0) <= 1


def test_identity_and_capacity_are_bounded():
    full = course.identity_characteristics(True, True, True, True, 30)
    empty = course.identity_characteristics(False, False, False, False, 0)
    assert full == pytest.approx(1.0) and empty == pytest.approx(0.0)
    assert 0 <= course.fulfilment_capacity(0, False, False) < course.fulfilment_capacity(
        5000, True, True) <= 1


def test_connections_reflect_friends_standing():
    ties = pd.DataFrame({"consumer_id": [0, 0, 1], "friend_id": [1, 2, 3]})
    standing = pd.Series([0.5, 0.9, 0.9, 0.1, 0.5], index=[0, 1, 2, 3, 4])
    c = course.connections(ties, standing)
    # 0 has two strong friends, 1 a strong and a weak one, 4 none
    assert c[0] > c[1]
    assert c[4] == pytest.approx(course.dimensions.NO_FRIENDS_STANDING)


def test_dimensions_reject_bad_frames(small):
    with pytest.raises(ValueError, match="transactions is missing the column"):
        course.dimension_scores(small["population"], small["transactions"].drop(columns="channel"),
                                small["friendships"])
    with pytest.raises(TypeError, match="friendships must be a pandas DataFrame"):
        course.dimension_scores(small["population"], small["transactions"], None)


# Weights and the score ----------------------------------------------------------------------

def test_default_weights():
    assert list(course.DEFAULT_WEIGHTS) == DIMENSIONS
    assert sum(course.DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert [round(100 * w) for w in course.DEFAULT_WEIGHTS.values()] == [35, 25, 20, 15, 5]


def test_score_formula_extremes_and_rounding():
    dims = frame([0] * 5, [1] * 5, [0.5] * 5)
    assert course.lotus_score(dims).tolist() == [350, 950, 650]
    # 350 + 600 * 0.35 * 0.5 = 455 exactly; 0.50083 -> 350 + 300.5 = 650.5 rounds half up
    only_history = frame([0.5, 0, 0, 0, 0])
    assert course.lotus_score(only_history).tolist() == [455]
    w = dict.fromkeys(DIMENSIONS, 0.2)
    assert course.lotus_score(frame([0.5 + 0.5 / 600] * 5), w).tolist() == [651]
    assert course.lotus_score(frame([0.5 + 0.49 / 600] * 5), w).tolist() == [650]


def test_score_is_integer_series_on_the_same_index(small):
    s = course.lotus_score(small["dimensions"])
    assert s.dtype == np.int64
    assert s.index.equals(small["dimensions"].index)
    assert s.between(350, 950).all()


def test_blacklist_caps_below_fair():
    dims = frame([1] * 5, [1] * 5, [0.1] * 5)
    capped = course.lotus_score(dims, blacklisted=[True, False, True])
    assert capped.tolist() == [course.BLACKLIST_CAP, 950, 410]
    assert course.BLACKLIST_CAP < 550
    assert course.tiers(capped).iloc[0] == "poor"


def test_custom_weights_change_scores():
    dims = frame([1, 0, 0, 0, 0])
    only = {**dict.fromkeys(DIMENSIONS, 0.0), "credit_history": 1.0}
    assert course.lotus_score(dims, only).tolist() == [950]
    assert course.lotus_score(dims).tolist() == [350 + 210]


unit = st.floats(0, 1, allow_nan=False)


@st.composite
def weights(draw):
    raw = np.array([draw(st.floats(0, 1)) for _ in DIMENSIONS]) + 1e-9
    return dict(zip(DIMENSIONS, raw / raw.sum()))


@settings(max_examples=300, deadline=None)
@given(s=st.lists(unit, min_size=5, max_size=5), w=weights(), which=st.integers(0, 4),
       bump=st.floats(0, 1), black=st.booleans())
def test_raising_any_dimension_never_lowers_the_score(s, w, which, bump, black):
    before = frame(s)
    after = before.copy()
    after.iloc[0, which] = min(1.0, s[which] + bump)
    a = course.lotus_score(before, w, blacklisted=[black]).iloc[0]
    b = course.lotus_score(after, w, blacklisted=[black]).iloc[0]
    assert b >= a
    assert 350 <= a <= 950


@pytest.mark.parametrize(
    "weights, error, words",
    [
        ({**course.DEFAULT_WEIGHTS, "credit_history": -0.35, "connections": 0.75}, ValueError,
         "negative"),
        ({**course.DEFAULT_WEIGHTS, "credit_history": 0.5}, ValueError, "sum to 1"),
        ({**course.DEFAULT_WEIGHTS, "charisma": 0.0}, ValueError, "unknown dimension.*charisma"),
        ({k: v for k, v in course.DEFAULT_WEIGHTS.items() if k != "connections"}, ValueError,
         "missing connections"),
        ({**course.DEFAULT_WEIGHTS, "connections": float("nan")}, ValueError, "NaN"),
        ({**course.DEFAULT_WEIGHTS, "connections": "0.05"}, TypeError, "must be a number"),
        ([0.35, 0.25, 0.2, 0.15, 0.05], TypeError, "dict"),
    ],
)
def test_bad_weights(weights, error, words):
    with pytest.raises(error, match=words):
        course.lotus_score(frame([0.5] * 5), weights)


@pytest.mark.parametrize(
    "dims, words",
    [
        (frame([0.5, 0.5, 1.2, 0.5, 0.5]), "in \\[0, 1\\].*behaviour_preferences"),
        (frame([0.5, -0.1, 0.5, 0.5, 0.5]), "fulfilment_capacity"),
        (frame([0.5, 0.5, 0.5, np.nan, 0.5]), "NaN in identity_characteristics"),
        (frame([0.5] * 5).drop(columns="connections"), "missing the column.*connections"),
    ],
)
def test_bad_dimensions(dims, words):
    with pytest.raises(ValueError, match=words):
        course.lotus_score(dims)


def test_bad_blacklist_length():
    with pytest.raises(ValueError, match="one value per consumer"):
        course.lotus_score(frame([0.5] * 5, [0.5] * 5), blacklisted=[True])


# Tiers and perks ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "score, name",
    [(350, "poor"), (549, "poor"), (550, "fair"), (599, "fair"), (600, "good"), (649, "good"),
     (650, "very good"), (699, "very good"), (700, "excellent"), (950, "excellent")],
)
def test_tier_boundaries(score, name):
    assert course.tier_name(score) == name
    assert course.tiers([score]).iloc[0] == name


def test_tier_is_ordered_categorical_on_the_index():
    s = pd.Series([700, 400, 620], index=[10, 11, 12])
    t = course.tiers(s)
    assert t.index.equals(s.index)
    assert t.cat.ordered and t.cat.categories.tolist() == course.TIERS["tier"].tolist()
    assert t.min() == "poor" and t.max() == "excellent"


@pytest.mark.parametrize("bad, error", [(349, ValueError), (951, ValueError), (600.5, ValueError),
                                        (np.nan, ValueError), ("600", TypeError)])
def test_tier_rejects_impossible_scores(bad, error):
    with pytest.raises(error):
        course.tiers([bad])


def test_perks_thresholds_and_blacklist():
    granted = course.perks_granted([599, 600, 650, 700, 760, 760], blacklisted=[0, 0, 0, 0, 0, 1])
    assert granted["deposit_free_rental"].tolist() == [False, True, True, True, True, False]
    assert granted["deposit_free_housing"].tolist() == [False, False, True, True, True, False]
    assert granted["visa_help_premium"].tolist() == [False, False, False, False, True, False]
    assert not granted.iloc[5].any(), "a blacklisted consumer gets no perks"


def test_perks_table_can_be_changed_by_students():
    rules = course.PERKS.copy()
    rules.loc[rules["perk"] == "deposit_free_rental", "min_score"] = 550
    assert course.perks_granted([560], table=rules)["deposit_free_rental"].iloc[0]
    assert not course.perks_granted([560])["deposit_free_rental"].iloc[0]
    with pytest.raises(ValueError, match="missing the column"):
        course.perks_granted([560], table=rules.drop(columns="min_score"))


# Explanations --------------------------------------------------------------------------------

def test_explain_contributions_add_up(default_data):
    dims, scores = default_data["dimensions"], default_data["scores"]
    cid = dims.index[10]
    ex = course.explain(dims, cid)
    assert ex.score == scores.loc[cid] or default_data["population"]["blacklisted"].iloc[10]
    assert 350 + ex.contributions["points"].sum() == pytest.approx(ex.score, abs=0.5)


def test_explain_finds_a_change_that_really_reaches_the_target(default_data):
    dims = default_data["dimensions"]
    for cid in dims.index[:60]:
        ex = course.explain(dims, cid)
        best = ex.cheapest
        if ex.target is None or best is None:
            continue
        changed = dims.loc[[cid]].copy()
        changed[best.name] = best.needed
        assert course.lotus_score(changed).iloc[0] >= ex.target
        # ...and it is the smallest: a little less falls short
        changed[best.name] = best.needed - 2e-3
        assert course.lotus_score(changed).iloc[0] < ex.target
        assert ex.changes["increase"].min() == pytest.approx(best.increase)


def test_explain_blacklisted_and_top_and_unreachable():
    dims = frame([0.9] * 5, [1.0] * 5, [0.0] * 5)
    black = course.explain(dims, 0, blacklisted=True)
    assert black.target is None and "blacklist" in str(black)
    top = course.explain(dims, 1)
    assert top.target is None and "above every" in str(top)
    far = course.explain(dims, 2, target=900)
    assert far.cheapest is None and not far.changes["reachable"].any()
    assert "No single dimension" in str(far)


def test_explain_bad_input(small):
    with pytest.raises(KeyError, match="not in the dimensions"):
        course.explain(small["dimensions"], 10**9)
    with pytest.raises(ValueError, match="target"):
        course.explain(small["dimensions"], 0, target=1000)


# On the default data --------------------------------------------------------------------------

def test_default_scores_are_believable(default_data):
    scores = default_data["scores"]
    assert 520 <= scores.median() <= 640
    counts = course.tiers(scores).value_counts()
    assert (counts > 0).all(), f"every tier should be non-empty: {counts.to_dict()}"
    auc = course.repayment_auc(scores, default_data["population"]["defaulted"])
    assert 0.65 <= auc <= 0.85


def test_visibility_bias_on_default_data(default_data):
    people, scores = default_data["population"], default_data["scores"]
    migrant = (people["hukou"] == "migrant").to_numpy()
    selected = (scores >= 600).to_numpy()
    ratio = selected[migrant].mean() / selected[~migrant].mean()
    assert ratio < 0.8, f"four-fifths ratio for migrants is {ratio:.2f}"
    defaults = people["defaulted"].to_numpy()
    assert defaults[migrant].mean() / defaults[~migrant].mean() < 1.5


def test_auc_direction_and_errors():
    assert course.repayment_auc([900, 800, 400], [False, False, True]) == 1.0
    assert course.repayment_auc([400, 800, 900], [False, False, True]) == 0.0
    with pytest.raises(ValueError, match="both"):
        course.repayment_auc([500, 600], [False, False])
    with pytest.raises(ValueError, match="same length"):
        course.repayment_auc([500, 600], [False])


def test_explain_shows_enough_digits_to_see_the_change():
    # A change smaller than 0.005 must not read "from 0.57 to 0.57"
    dims = pd.DataFrame([[0.5712, 0.6, 0.6, 0.6, 0.6]], columns=course.DIMENSIONS)
    raw = course.raw_score(dims)[0]
    target = int(np.floor(raw + 0.5)) + 1
    text = str(course.explain(dims, 0, target=target))
    line = next(part for part in text.splitlines() if "Smallest single change" in part)
    current, needed = line.split(" from ")[1].rstrip(".").split(" to ")
    assert current != needed and float(needed) > float(current)
    assert course.explain(dims, 0, target=target).cheapest["increase"] < 0.01
