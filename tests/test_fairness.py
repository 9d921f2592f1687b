"""Tests for course.fairness: selection rates, four-fifths, gaps at equal risk, calibration."""

from __future__ import annotations

import matplotlib.figure
import numpy as np
import pandas as pd
import pytest

import course
from course.fairness import (
    audit,
    calibration,
    four_fifths_ratio,
    selection_rates,
)
from course.fairness_plot import plot_audit


def _people(groups, defaulted=None, **extra):
    frame = pd.DataFrame({"consumer_id": np.arange(len(groups)),
                          "hukou": pd.Categorical(groups)})
    frame["defaulted"] = [False] * len(groups) if defaulted is None else defaulted
    for name, values in extra.items():
        frame[name] = values
    return frame


@pytest.fixture(scope="module")
def latent():
    """A population with true default probabilities, and its Lotus Scores."""
    people = course.make_population(3000, seed=21, include_latent=True)
    dims = course.dimension_scores(people, course.make_transactions(people, seed=22),
                                   course.make_friendships(people, seed=23))
    return people, course.lotus_score(dims, blacklisted=people["blacklisted"].to_numpy())


def test_selection_rates_on_a_hand_made_case():
    people = _people(["local"] * 4 + ["migrant"] * 4)
    table = selection_rates([700, 650, 600, 500, 620, 560, 540, 500], people, threshold=600)
    assert table["group"].tolist() == ["local", "migrant"]
    assert table["selected"].tolist() == [3, 1]
    assert table["selection_rate"].tolist() == [0.75, 0.25]
    assert table["ratio_to_best"].tolist() == pytest.approx([1.0, 1 / 3])
    assert table["passes_four_fifths"].tolist() == [True, False]
    assert four_fifths_ratio([700, 650, 600, 500, 620, 560, 540, 500], people) == \
        pytest.approx(1 / 3)


def test_migrants_fail_the_four_fifths_rule_at_600_on_the_default_data(default_data):
    ratio = four_fifths_ratio(default_data["scores"], default_data["population"],
                              group="hukou", threshold=600)
    assert ratio < 0.8
    table = selection_rates(default_data["scores"], default_data["population"])
    assert table.set_index("group").loc["migrant", "passes_four_fifths"] == False  # noqa: E712


def test_a_score_blind_to_group_passes_the_four_fifths_rule(default_data, rng):
    people = default_data["population"]
    blind = pd.Series(rng.integers(350, 951, len(people)), index=people["consumer_id"])
    assert four_fifths_ratio(blind, people, group="hukou", threshold=600) > 0.85


def test_audit_table_is_consistent_with_the_data(default_data):
    people, scores = default_data["population"], default_data["scores"]
    table = audit(scores, people, group="city_tier", threshold=650)
    assert list(table.columns) == [
        "group", "n", "selected", "selection_rate", "ratio_to_best", "passes_four_fifths",
        "default_rate", "mean_score", "score_gap_at_equal_risk"]
    assert table["group"].tolist() == [1, 2, 3, 4]
    assert table["n"].sum() == len(people)
    tiers = people["city_tier"].to_numpy()
    expected_default = people.groupby(tiers)["defaulted"].mean()
    assert np.allclose(table["default_rate"], expected_default.to_numpy())
    assert np.allclose(table["mean_score"], scores.groupby(tiers).mean().to_numpy())
    assert table["ratio_to_best"].max() == 1.0
    assert (table["passes_four_fifths"] == (table["ratio_to_best"] >= 0.8)).all()
    reference = table.attrs["reference"]
    assert table.set_index("group").loc[reference, "score_gap_at_equal_risk"] == 0.0
    assert table.attrs["risk_basis"] == "defaulted (yes / no)"
    assert not table.isna().any().any()


def test_score_gap_at_equal_true_risk_is_exact_on_a_hand_made_case():
    # Within each risk level, migrants score exactly 30 points below locals
    risk = np.repeat([0.02, 0.05, 0.10, 0.20, 0.40], 4)
    groups = np.tile(["local", "local", "migrant", "migrant"], 5)
    scores = 800 - 1000 * risk - np.where(groups == "migrant", 30, 0)
    people = _people(list(groups), default_probability=risk)
    table = audit(scores, people, threshold=650).set_index("group")
    assert table.attrs["risk_basis"] == "5 quantile bands of default_probability"
    assert table.loc["migrant", "score_gap_at_equal_risk"] == pytest.approx(-30.0)
    # The raw mean gap is also 30 here, since both groups have the same risks
    assert table.loc["local", "mean_score"] - table.loc["migrant", "mean_score"] == \
        pytest.approx(30.0)


def test_migrants_are_scored_below_equally_risky_locals(latent):
    people, scores = latent
    table = audit(scores, people, group="hukou").set_index("group")
    assert table.attrs["reference"] == "local"
    assert table.loc["migrant", "score_gap_at_equal_risk"] < -20
    # The fallback (strata of the outcome) tells the same story
    fallback = audit(scores, people.drop(columns="default_probability")).set_index("group")
    assert fallback.loc["migrant", "score_gap_at_equal_risk"] < -20


def test_audit_aligns_a_series_by_consumer_id(default_data):
    people, scores = default_data["population"], default_data["scores"]
    shuffled = scores.sample(frac=1.0, random_state=0)
    pd.testing.assert_frame_equal(audit(shuffled, people), audit(scores, people))
    pd.testing.assert_frame_equal(audit(scores.to_numpy(), people), audit(scores, people))
    migrants = people[people["hukou"] == "migrant"]
    table = selection_rates(scores, migrants.assign(hukou=migrants["hukou"].astype(str)))
    assert table["n"].tolist() == [len(migrants)]


def test_calibration_on_a_hand_made_case():
    people = _people(["local", "migrant"] * 4, defaulted=[True, False, True, True,
                                                          False, False, False, True])
    cal = calibration([500, 510, 560, 570, 610, 620, 720, 730], people)
    assert cal["group"].tolist() == ["local"] * 4 + ["migrant"] * 4
    assert cal["band"].astype(str).tolist() == ["poor", "fair", "good", "excellent"] * 2
    rows = cal.set_index(["group", "band"])
    assert rows.loc[("local", "poor"), "default_rate"] == 1.0
    assert rows.loc[("migrant", "poor"), "default_rate"] == 0.0
    assert rows.loc[("migrant", "fair"), "default_rate"] == 1.0
    assert rows.loc[("migrant", "excellent"), "default_rate"] == 1.0
    assert "very good" not in cal["band"].astype(str).tolist()  # empty bands are left out
    assert cal["n"].sum() == 8


def test_calibration_bands(default_data):
    people, scores = default_data["population"], default_data["scores"]
    tiers = calibration(scores, people)
    assert list(tiers["band"].cat.categories) == list(course.TIERS["tier"])
    assert tiers["n"].sum() == len(people) and not tiers.isna().any().any()
    quintiles = calibration(scores, people, bands=5)
    assert quintiles["band"].nunique() == 5 and quintiles["n"].sum() == len(people)
    edges = calibration(scores, people, bands=[350, 600, 951])
    assert edges["band"].astype(str).unique().tolist() == ["350-600", "600-951"]
    # At equal scores below 600, migrants default less often: the visibility bias
    low = tiers[tiers["band"].isin(["poor", "fair"])].groupby("group", observed=True)[
        ["defaults", "n"]].sum()
    rate = low["defaults"] / low["n"]
    assert rate["migrant"] < rate["local"]


def test_plot_audit_draws_three_labelled_panels(default_data, tmp_path):
    fig = plot_audit(default_data["scores"], default_data["population"], group="city_tier",
                     threshold=650)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 3
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert "city_tier" in fig._suptitle.get_text() and "650" in fig._suptitle.get_text()
    fig.savefig(tmp_path / "audit.png")
    assert (tmp_path / "audit.png").stat().st_size > 10_000


def test_fairness_bad_input(default_data):
    people, scores = default_data["population"], default_data["scores"]
    unused = people.assign(hukou=people["hukou"].cat.add_categories(["foreign"]))
    with pytest.raises(ValueError, match="foreign of 'hukou' have no members"):
        audit(scores, unused)
    with pytest.raises(ValueError, match="no members"):
        calibration(scores, unused)
    with pytest.raises(ValueError, match="no column 'race'.*hukou"):
        audit(scores, people, group="race")
    with pytest.raises(ValueError, match="nobody in any group scores 951"):
        audit(scores, people, threshold=951)
    with pytest.raises(ValueError, match="NaN"):
        selection_rates(scores.astype(float).where(scores > 600), people)
    with pytest.raises(ValueError, match="no score for"):
        audit(scores.iloc[:100], people)
    with pytest.raises(ValueError, match="one value per consumer"):
        audit(scores.to_numpy()[:100], people)
    with pytest.raises(TypeError, match="threshold"):
        audit(scores, people, threshold=True)
    with pytest.raises(ValueError, match="empty"):
        audit([], people.iloc[:0])
    with pytest.raises(ValueError, match="increasing band edges"):
        calibration(scores, people, bands=[600, 350])
    with pytest.raises(ValueError, match="outside the band edges"):
        calibration(scores, people, bands=[500, 951])
    with pytest.raises(ValueError, match="missing the column"):
        audit(scores, people.drop(columns="defaulted"))
