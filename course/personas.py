"""Personas and "what if I..." changes: one person's sub-scores after changing what is seen.

:func:`personas` picks a few telling rows of the population (the names are invented labels
for synthetic rows); :func:`what_if_dimensions` recomputes one person's sub-scores after a
:class:`WhatIf` change with the engine's own functions (:func:`course.platform_activity`,
:func:`course.own_dimensions`), so that with no change they are the person's sub-scores
from :func:`course.dimension_scores`. The persona explorer (``course.widgets``) is built on
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import check_frame
from .constants import DIMENSIONS, SCORE_MAX
from .dimensions import own_dimensions
from .scoring import lotus_score
from .visibility import platform_activity, platform_view

#: Invented names for the persona picker, with what each persona illustrates.
PERSONA_NAMES = ["Mei", "Jun", "Lan", "Hao", "Ying", "Wei"]
#: The heavy gamer persona's games are at least this share of the spending the platform sees.
GAMER_SHARE = 0.10


def personas(population: pd.DataFrame, dimensions: pd.DataFrame,
             transactions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pick a few consumers who illustrate the course's points, with invented names.

    Parameters
    ----------
    population : pandas.DataFrame
        From :func:`course.load_dataset` or :func:`course.make_population`.
    dimensions : pandas.DataFrame
        Their :func:`course.dimension_scores`.
    transactions : pandas.DataFrame, optional
        Their payments. With them, the heavy gamer (Hao) is one whose games are at least
        ``GAMER_SHARE`` (10%) of the spending the platform sees, so that the games rule
        costs him points; without them, any heavy gamer near the threshold.

    Returns
    -------
    pandas.DataFrame
        One row per persona: ``consumer_id``, ``name`` (invented), ``why`` (what the persona
        shows) and ``label`` (for a picker). The choice is deterministic for given data;
        personas whose conditions no consumer meets are left out.

    Examples
    --------
    >>> from course import dimension_scores, load_dataset
    >>> people = load_dataset("population")
    >>> dims = dimension_scores(people, load_dataset("transactions"),
    ...                         load_dataset("friendships"))
    >>> personas(people, dims, load_dataset("transactions"))["name"].tolist()[:2]
    ['Mei', 'Jun']
    """
    check_frame(population, "population", ["consumer_id", "blacklisted", "hukou", "city_tier"])
    people = population.set_index("consumer_id", drop=False)
    people = people.loc[people.index.intersection(dimensions.index)]
    dims = dimensions.loc[people.index]
    score = lotus_score(dims, blacklisted=people["blacklisted"].to_numpy(dtype=bool))
    uncapped = lotus_score(dims)
    ok = ~people["blacklisted"]
    tier_ = people["city_tier"].astype(int)
    gamer = people["heavy_gamer"].astype(bool)
    if transactions is not None:
        seen = platform_view(population, transactions)["gaming_share"]
        gamer &= seen.reindex(people.index).fillna(0.0) >= GAMER_SHARE
    rules = [
        ("Mei", "a migrant in a big city, just below the first perk (600)",
         ok & (people["hukou"] == "migrant") & (tier_ == 1) & people["age"].between(20, 45)
         & score.between(585, 599), score, 595),
        ("Jun", "a well-scored local in a big city",
         ok & (people["hukou"] == "local") & (tier_ == 1) & (score >= 700), score, 730),
        ("Lan", "pays every bill on time, but mostly off the platform",
         ok & (people["on_time_rate"] >= 0.97) & (people["late_payments_12m"] == 0)
         & (people["bills_on_platform"] <= 1) & (score < 560), people["on_time_rate"], 1.0),
        ("Hao", "a young heavy gamer near a perk threshold",
         ok & gamer & (people["age"] < 30) & score.between(630, 649), score, 645),
        ("Ying", "a parent in a smaller city, just below deposit-free housing (650)",
         ok & people["has_children"] & (tier_ >= 2) & score.between(635, 649), score, 645),
        ("Wei", "on the court blacklist: capped at 549, no perks",
         people["blacklisted"], uncapped, float(SCORE_MAX)),
    ]
    rows, taken = [], set()
    for name, why, mask, key, target in rules:
        candidates = people.index[mask.to_numpy() & ~people.index.isin(list(taken))]
        if len(candidates) == 0:
            continue
        distance = (key.loc[candidates] - target).abs()
        chosen = int(distance.sort_values(kind="stable").index[0])
        taken.add(chosen)
        person = people.loc[chosen]
        who = (f"{person['age']}, {person['hukou']} hukou, tier-{int(person['city_tier'])} city, "
               f"{str(person['occupation']).replace('_', ' ')}")
        rows.append({"consumer_id": chosen, "name": name, "why": why,
                     "label": f"{name} (invented) — {who}: {why}"})
    return pd.DataFrame(rows, columns=["consumer_id", "name", "why", "label"])


@dataclass
class WhatIf:
    """The "what if I..." changes; ``None`` keeps the person's own value."""

    pay_on_time: bool = False
    bills_on_platform: int | None = None
    move_spending: float = 0.0
    games_in_cash: bool = False
    verified_id: bool | None = None
    verified_degree: bool | None = None
    verified_car: bool | None = None
    verified_property: bool | None = None
    blacklisted: bool | None = None


def what_if_dimensions(person: pd.Series, spending: pd.Series, months: int,
                       connections: float, change: WhatIf) -> pd.Series:
    """Recompute one consumer's five sub-scores after ``change``, with the engine's functions.

    Parameters
    ----------
    person : pandas.Series
        Their population row.
    spending : pandas.Series
        Their row of :func:`course.spending_by_channel`.
    months : int
        The period, as :func:`course.months_observed` counts it.
    connections : float
        Their connections sub-score (kept as it is).
    change : WhatIf
        What changes; ``WhatIf()`` changes nothing.

    Returns
    -------
    pandas.Series
        The five sub-scores, in ``DIMENSIONS`` order, named by the person's id.

    Examples
    --------
    >>> import course
    >>> people, trace = course.load_dataset("population"), course.load_dataset("transactions")
    >>> dims = course.dimension_scores(people, trace, course.load_dataset("friendships"))
    >>> person = people.set_index("consumer_id").loc[0]
    >>> spending = course.spending_by_channel(trace, people["consumer_id"]).loc[0]
    >>> now = what_if_dimensions(person, spending, course.months_observed(trace),
    ...                          dims.loc[0, "connections"], WhatIf())
    >>> bool(np.allclose(now, dims.loc[0], rtol=0, atol=1e-12))
    True
    """
    if not 0.0 <= change.move_spending <= 1.0:
        raise ValueError(f"move_spending is a share from 0 to 1, got {change.move_spending}.")

    def own(value, column):
        return person[column] if value is None else value

    bills = float(own(change.bills_on_platform, "bills_on_platform"))
    if not 0 <= bills <= 6:
        raise ValueError(f"bills_on_platform counts recurring bills, 0 to 6; got {bills:g}.")
    view = {
        "on_time_rate": 1.0 if change.pay_on_time else float(person["on_time_rate"]),
        "late_payments_12m": 0.0 if change.pay_on_time else float(person["late_payments_12m"]),
        "bills_on_platform": bills,
        **platform_activity(spending, months, moved=float(change.move_spending),
                            games_in_cash=change.games_in_cash),
        "phone_tenure_years": float(person["phone_tenure_years"]),
    }
    for item in ("verified_id", "verified_degree", "verified_car", "verified_property"):
        view[item] = bool(own(getattr(change, item), item))
    values = {**own_dimensions(view), "connections": connections}
    return pd.Series({d: float(np.clip(values[d], 0.0, 1.0)) for d in DIMENSIONS},
                     name=person.name)
